package main

import (
	"fmt"
	"sort"
	"strings"
)

// genetlink reports whether the spec is a generic netlink family.
func (g *gen) genetlink() bool { return strings.HasPrefix(g.s.Protocol, "genetlink") }

// enumVar, structVar, setVar and fmtVar name the generated variables.
func (g *gen) enumVar(name string) string   { return g.o.prefix + "Enum" + camel(name) }
func (g *gen) structVar(name string) string { return g.o.prefix + "Struct" + camel(name) }
func (g *gen) setVar(name string) string    { return g.o.prefix + "Set" + camel(name) }
func (g *gen) fmtVar(sub, value string) string {
	return g.o.prefix + "Fmt" + camel(sub) + camel(value)
}

// enumPrefix is the C prefix of an enum's entries.
func (g *gen) enumPrefix(d *definition) string {
	if p, ok := g.o.enumPrefix[d.Name]; ok {
		return p
	}
	if d.NamePrefix != nil {
		return *d.NamePrefix
	}
	if g.genetlink() {
		return g.s.Name + "-" + d.Name + "-"
	}
	return d.Name + "-"
}

// enums writes the enum and flags definitions.
func (g *gen) enums() {
	for _, d := range g.s.Definitions {
		if (d.Type != "enum" && d.Type != "flags") || len(d.Entries) == 0 {
			continue
		}
		prefix := g.enumPrefix(&d)
		if d.Type == "flags" {
			g.p("// %s names the bits of the %s flags.\nvar %s = render.FlagSet{\n", g.enumVar(d.Name), d.Name, g.enumVar(d.Name))
			bit := d.ValueStart
			for _, e := range d.Entries {
				if e.Value != nil {
					bit = *e.Value
				}
				g.p("\t{Mask: 1 << %d, Name: %q},\n", bit, cName(prefix, e.Name))
				bit++
			}
			g.p("}\n\n")
			continue
		}
		g.p("// %s names the values of the %s enum.\nvar %s = render.EnumMap{\n", g.enumVar(d.Name), d.Name, g.enumVar(d.Name))
		v := d.ValueStart
		for _, e := range d.Entries {
			if e.Value != nil {
				v = *e.Value
			}
			g.p("\t%d: %q,\n", v, cName(prefix, e.Name))
			v++
		}
		g.p("}\n\n")
	}
}

// scalarType maps a spec integer type to the engine's.
var scalarType = map[string]string{
	"u8": "U8", "u16": "U16", "u32": "U32", "u64": "U64",
	"s8": "S8", "s16": "S16", "s32": "S32", "s64": "S64",
	"uint": "Uint", "sint": "Sint",
}

// intType returns the engine type of an integer, or "".
func intType(t, byteOrder string) string {
	s, ok := scalarType[t]
	if !ok {
		return ""
	}
	s = "netlink." + s
	if byteOrder == "big-endian" {
		s += "|netlink.BigEndian"
	}
	return s
}

// values returns the Namer expression of an integer's values, or "".
func (g *gen) values(enum, hint string) string {
	if enum != "" {
		if d, ok := g.defs[enum]; ok && len(d.Entries) > 0 {
			return g.enumVar(enum)
		}
	}
	if hint == "hex" {
		return "render.HexInt"
	}
	return ""
}

// members returns the flattened members of a struct; the members of a
// nested struct are named "outer.inner".
func (g *gen) members(name, prefix string, depth int) []string {
	d, ok := g.defs[name]
	if !ok || d.Type != "struct" || depth > 4 {
		return nil
	}
	mp := g.o.memberPrefix[name]
	var out []string
	for _, m := range d.Members {
		mname := prefix + mp + strings.ReplaceAll(m.Name, "-", "_")
		switch {
		case m.Type == "pad":
			out = append(out, fmt.Sprintf("{Type: netlink.Pad, Len: %d}", m.Len))
		case m.Struct != "":
			if sub := g.members(m.Struct, mname+".", depth+1); sub != nil {
				out = append(out, sub...)
			}
		case m.Type == "binary":
			t := "netlink.Binary"
			switch m.DisplayHint {
			case "mac":
				t = "netlink.MAC"
			case "ipv4", "ipv6":
				t = "netlink.Addr"
			}
			out = append(out, fmt.Sprintf("{Name: %q, Type: %s, Len: %d}", mname, t, m.Len))
		default:
			t := intType(m.Type, m.ByteOrder)
			if t == "" {
				continue
			}
			v := g.values(m.Enum, m.DisplayHint)
			if v != "" {
				v = ", Values: " + v
			}
			out = append(out, fmt.Sprintf("{Name: %q, Type: %s%s}", mname, t, v))
		}
	}
	return out
}

// structs writes each struct definition as its members.
func (g *gen) structs() {
	for _, d := range g.s.Definitions {
		if d.Type != "struct" {
			continue
		}
		g.p("// %s is struct %s.\nvar %s = []netlink.Member{\n", g.structVar(d.Name), strings.ReplaceAll(d.Name, "-", "_"), g.structVar(d.Name))
		for _, m := range g.members(d.Name, "", 0) {
			g.p("\t%s,\n", m)
		}
		g.p("}\n\n")
	}
}

// setPrefix is the C prefix of a set's attributes.
func (g *gen) setPrefix(set *attrSet) string {
	if set.NamePrefix != nil {
		return *set.NamePrefix
	}
	if p, ok := g.o.setPrefix[set.Name]; ok {
		return p
	}
	base := strings.TrimSuffix(set.Name, "-attrs") + "-"
	for _, from := range g.o.rewriteOrder {
		if strings.HasPrefix(base, from) {
			return g.o.setRewrite[from] + strings.TrimPrefix(base, from)
		}
	}
	if g.genetlink() {
		return g.s.Name + "-a-" + set.Name + "-"
	}
	return base
}

// number assigns each attribute of a set its type number.
func (g *gen) number(set *attrSet) {
	nums := map[string]int{}
	g.numbers[set.Name] = nums
	if set.SubsetOf != "" {
		if parent, ok := g.sets[set.SubsetOf]; ok {
			if g.numbers[parent.Name] == nil {
				g.number(parent)
			}
			for _, a := range set.Attributes {
				nums[a.Name] = g.numbers[parent.Name][a.Name]
			}
		}
		return
	}
	v := 1
	for _, a := range set.Attributes {
		if a.Value != nil {
			v = *a.Value
		}
		if _, dup := nums[a.Name]; !dup {
			nums[a.Name] = v
		}
		v++
	}
}

// resolve returns a set's attributes with subset-of ones completed from
// their parent.
func (g *gen) resolve(set *attrSet) []attribute {
	if set.SubsetOf == "" {
		return set.Attributes
	}
	parent := g.sets[set.SubsetOf]
	var out []attribute
	for _, a := range set.Attributes {
		if parent != nil {
			for _, pa := range parent.Attributes {
				if pa.Name == a.Name {
					a = pa
					break
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// ref is a reference from one generated set to another, kept to break
// initialization cycles.
type ref struct {
	from, to string // variable names
	stmt     string // the assignment that makes the reference in init
}

// attrSpec returns the AttrSpec literal of one attribute and the
// references it makes.
func (g *gen) attrSpec(set *attrSet, idx int, a attribute) (string, []ref) {
	prefix := g.setPrefix(set)
	if a.NamePrefix != nil {
		prefix = *a.NamePrefix
	}
	fields := []string{fmt.Sprintf("Name: %q", cName(prefix, a.Name))}
	var refs []ref
	self := g.setVar(set.Name)
	nested := func(typ string) {
		fields = append(fields, "Type: "+typ)
		if _, ok := g.sets[a.NestedAttributes]; ok {
			to := g.setVar(a.NestedAttributes)
			fields = append(fields, "Nested: &"+to)
			refs = append(refs, ref{from: self, to: to, stmt: fmt.Sprintf("%s.Attrs[%d].Nested = &%s", self, idx, to)})
		}
	}
	switch a.Type {
	case "unused":
	case "pad", "binary":
		t := "netlink.Binary"
		switch a.DisplayHint {
		case "mac":
			t = "netlink.MAC"
		case "ipv4", "ipv6":
			t = "netlink.Addr"
		}
		fields = append(fields, "Type: "+t)
		if a.Struct != "" {
			if _, ok := g.defs[a.Struct]; ok {
				fields = append(fields, "Struct: "+g.structVar(a.Struct))
			}
		}
	case "flag":
		fields = append(fields, "Type: netlink.Flag")
	case "string":
		fields = append(fields, "Type: netlink.String")
	case "bitfield32":
		fields = append(fields, "Type: netlink.Binary", "Struct: netlink.Bitfield32")
	case "nest":
		nested("netlink.Nest")
	case "indexed-array", "array-nest":
		if a.Type == "array-nest" || a.SubType == "nest" {
			nested("netlink.NestArray")
		}
	case "nest-type-value":
		// Nests keyed by ids: shown by shape.
	case "sub-message":
		fields = append(fields, "Type: netlink.SubMessage")
		sel, rs := g.selector(set, idx, a)
		fields = append(fields, "Select: "+sel)
		refs = append(refs, rs...)
	default:
		t := intType(a.Type, a.ByteOrder)
		if t == "" {
			break
		}
		if a.DisplayHint == "ipv4" && a.Type == "u32" {
			t = "netlink.IPv4"
		}
		fields = append(fields, "Type: "+t)
		if v := g.values(a.Enum, a.DisplayHint); v != "" && t != "netlink.IPv4" {
			fields = append(fields, "Values: "+v)
		}
	}
	return "{" + strings.Join(fields, ", ") + "}", refs
}

// selector returns the Selector literal of a sub-message attribute: the
// selecting attribute's number, how many levels up it sits, the formats.
func (g *gen) selector(set *attrSet, idx int, a attribute) (string, []ref) {
	self := g.setVar(set.Name)
	attr, up := 0, 0
	if n, ok := g.numbers[set.Name][a.Selector]; ok {
		attr = n
	} else {
		// The selector is a sibling of a nest that holds this set.
		for _, parent := range g.s.AttributeSets {
			for _, pa := range parent.Attributes {
				if pa.NestedAttributes == set.Name {
					if n, ok := g.numbers[parent.Name][a.Selector]; ok {
						attr, up = n, 1
					}
				}
			}
		}
	}
	var formats []string
	var refs []ref
	if sub, ok := g.subs[a.SubMessage]; ok {
		for _, f := range sub.Formats {
			var to string
			switch {
			case f.FixedHeader != "":
				to = g.fmtVar(sub.Name, f.Value)
			case f.AttributeSet != "":
				if _, ok := g.sets[f.AttributeSet]; !ok {
					continue
				}
				to = g.setVar(f.AttributeSet)
			default:
				formats = append(formats, fmt.Sprintf("%q: {}", f.Value))
				continue
			}
			formats = append(formats, fmt.Sprintf("%q: &%s", f.Value, to))
			refs = append(refs, ref{from: self, to: to, stmt: fmt.Sprintf("%s.Attrs[%d].Select.Formats[%q] = &%s", self, idx, f.Value, to)})
		}
	}
	prefix := strings.ToUpper(strings.ReplaceAll(g.setPrefix(set), "-", "_"))
	lit := fmt.Sprintf("&netlink.Selector{Attr: %d, Up: %d, Prefix: %q, Formats: map[string]*netlink.AttrSet{%s}}", attr, up, prefix, strings.Join(formats, ", "))
	return lit, refs
}

// attrSets writes each attribute set; references that would close an
// initialization cycle are made in init instead.
func (g *gen) attrSets() {
	type body struct {
		name  string
		specs map[int]string
		refs  []ref
	}
	bodies := map[string]*body{}
	var order []string
	for i := range g.s.AttributeSets {
		set := &g.s.AttributeSets[i]
		b := &body{name: g.setVar(set.Name), specs: map[int]string{}}
		for _, a := range g.resolve(set) {
			n := g.numbers[set.Name][a.Name]
			if _, dup := b.specs[n]; dup {
				continue
			}
			lit, refs := g.attrSpec(set, n, a)
			b.specs[n] = lit
			b.refs = append(b.refs, refs...)
		}
		bodies[b.name] = b
		order = append(order, set.Name)
	}
	// Format variables reference the set whose attributes they take.
	for _, sub := range g.s.SubMessages {
		for _, f := range sub.Formats {
			if f.FixedHeader != "" && f.AttributeSet != "" {
				v := g.fmtVar(sub.Name, f.Value)
				bodies[v] = &body{name: v, refs: []ref{{from: v, to: g.setVar(f.AttributeSet), stmt: fmt.Sprintf("%s.Attrs = %s.Attrs", v, g.setVar(f.AttributeSet))}}}
			}
		}
	}
	// Depth-first search: an edge to a variable on the stack closes a
	// cycle and is made in init.
	state := map[string]int{} // 1 on the stack, 2 done
	deferred := map[string]bool{}
	var visit func(v string)
	visit = func(v string) {
		state[v] = 1
		if b := bodies[v]; b != nil {
			for _, r := range b.refs {
				switch state[r.to] {
				case 1:
					deferred[r.stmt] = true
				case 0:
					visit(r.to)
				}
			}
		}
		state[v] = 2
	}
	for _, name := range order {
		if v := g.setVar(name); state[v] == 0 {
			visit(v)
		}
	}
	for _, name := range order {
		set := g.sets[name]
		b := bodies[g.setVar(name)]
		prefix := strings.TrimSuffix(strings.ToUpper(strings.ReplaceAll(g.setPrefix(set), "-", "_")), "_")
		g.p("// %s is the %s attribute set.\nvar %s = netlink.AttrSet{Prefix: %q, Attrs: []netlink.AttrSpec{\n", b.name, name, b.name, prefix)
		nums := make([]int, 0, len(b.specs))
		for n := range b.specs {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		for _, n := range nums {
			lit := b.specs[n]
			for _, r := range b.refs {
				if deferred[r.stmt] && strings.Contains(r.stmt, fmt.Sprintf(".Attrs[%d].", n)) {
					lit = dropRef(lit, r.to)
				}
			}
			g.p("\t%d: %s,\n", n, lit)
		}
		g.p("}}\n\n")
	}
	for st := range deferred {
		g.inits = append(g.inits, st)
	}
	sort.Strings(g.inits)
}

// dropRef removes the reference to variable to from an AttrSpec literal;
// init makes it instead.
func dropRef(lit, to string) string {
	lit = strings.Replace(lit, ", Nested: &"+to, "", 1)
	if i := strings.Index(lit, ": &"+to); i >= 0 {
		// A selector format: keep the key, leave the set to init.
		lit = lit[:i] + ": nil" + lit[i+len(": &"+to):]
	}
	return lit
}

// formats writes the sub-message formats that start with a fixed header.
func (g *gen) formats() {
	for _, sub := range g.s.SubMessages {
		for _, f := range sub.Formats {
			if f.FixedHeader == "" {
				continue
			}
			v := g.fmtVar(sub.Name, f.Value)
			attrs := ""
			if set, ok := g.sets[f.AttributeSet]; ok {
				prefix := strings.TrimSuffix(strings.ToUpper(strings.ReplaceAll(g.setPrefix(set), "-", "_")), "_")
				attrs = fmt.Sprintf("Prefix: %q, Attrs: %s.Attrs, ", prefix, g.setVar(set.Name))
			}
			g.p("// %s is the %q format of %s: struct %s first.\n", v, f.Value, sub.Name, strings.ReplaceAll(f.FixedHeader, "-", "_"))
			g.p("var %s = netlink.AttrSet{%sHeader: %s}\n\n", v, attrs, g.structVar(f.FixedHeader))
		}
	}
}

// opKind guesses how a command's request flags are named from its name.
func opKind(name string) string {
	switch {
	case strings.Contains(name, "get"), strings.Contains(name, "dump"), strings.Contains(name, "list"):
		return "netlink.OpGet"
	case strings.Contains(name, "del"):
		return "netlink.OpDel"
	case strings.Contains(name, "new"), strings.Contains(name, "set"), strings.Contains(name, "add"):
		return "netlink.OpNew"
	}
	return "netlink.OpOther"
}

// genlFamily writes the family's commands. With the directional model,
// requests and replies are numbered apart, each from 1 in the order of
// the operations that have one unless a value is given; a reply is named
// after its operation with "-reply", a notification after itself.
func (g *gen) genlFamily() {
	ops := g.s.Operations
	prefix := g.s.Name + "-cmd-"
	if ops.NamePrefix != nil {
		prefix = *ops.NamePrefix
	}
	type cmd struct {
		num  int
		name string
		set  string
		kind string
	}
	var reqs, reps []cmd
	nextReq, nextRep := 1, 1
	directional := ops.EnumModel == "directional"
	for _, op := range ops.List {
		set := op.AttributeSet
		if set == "" && op.Notify != "" {
			for _, o := range ops.List {
				if o.Name == op.Notify {
					set = o.AttributeSet
				}
			}
		}
		if !directional {
			if op.Value != nil {
				nextReq = *op.Value
			}
			reqs = append(reqs, cmd{nextReq, cName(prefix, op.Name), set, opKind(op.Name)})
			nextReq++
			continue
		}
		var hasReq, hasRep bool
		var reqVal, repVal *int
		for _, m := range []*opMode{op.Do, op.Dump} {
			if m == nil {
				continue
			}
			if m.Request != nil {
				hasReq = true
				if m.Request.Value != nil {
					reqVal = m.Request.Value
				}
			}
			if m.Reply != nil {
				hasRep = true
				if m.Reply.Value != nil {
					repVal = m.Reply.Value
				}
			}
		}
		if hasReq {
			if reqVal != nil {
				nextReq = *reqVal
			}
			reqs = append(reqs, cmd{nextReq, cName(prefix, op.Name), set, opKind(op.Name)})
			nextReq++
		}
		switch {
		case hasRep:
			if repVal != nil {
				nextRep = *repVal
			}
			reps = append(reps, cmd{nextRep, cName(prefix, op.Name+"-reply"), set, "netlink.OpOther"})
			nextRep++
		case op.Notify != "" || op.Event != nil:
			if op.Value != nil {
				nextRep = *op.Value
			}
			reps = append(reps, cmd{nextRep, cName(prefix, op.Name), set, "netlink.OpOther"})
			nextRep++
		}
	}
	list := func(cmds []cmd) {
		for _, c := range cmds {
			attrs := ""
			if _, ok := g.sets[c.set]; ok {
				attrs = ", Attrs: &" + g.setVar(c.set)
			}
			g.p("\t\t%d: {Name: %q%s, Op: %s},\n", c.num, c.name, attrs, c.kind)
		}
	}
	v := g.o.prefix + "Family"
	g.p("// %s is the %s generic netlink family.\nvar %s = netlink.GenlFamily{\n\tName: %q,\n\tSource: %sSpecSource,\n", v, g.s.Name, v, g.s.Name, g.o.prefix)
	g.p("\tRequests: []netlink.GenlCmd{\n")
	list(reqs)
	g.p("\t},\n")
	if directional {
		g.p("\tReplies: []netlink.GenlCmd{\n")
		list(reps)
		g.p("\t},\n")
	}
	g.p("}\n\n")
}
