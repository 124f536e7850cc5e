// Command nlspecgen writes Go attribute tables for the netlink decoders
// from the kernel's own netlink specifications (Documentation/netlink/
// specs/*.yaml in the Linux source). It keeps only facts: names, numbers,
// types, nesting, per-kind sub-message selectors, structs, enum and flag
// values; the specs' prose and code are never copied. The tables are
// values of trace/decode/netlink's AttrSet, Member and GenlFamily types
// and of render's Enum and FlagSet, and record the spec file and commit
// they came from.
//
// It runs under go generate, reading the specs from a directory outside
// the repository:
//
//	NETLINK_SPECS=/path/to/specs go generate ./trace/decode/...
//
// Flags adapt a spec to the kernel's C names where the spec leaves them
// implicit (tc's attribute sets have no name-prefix; some enums use
// another prefix in the uapi headers).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// options are the command line.
type options struct {
	specs, spec, pkg, out, prefix string
	family                        bool
	setPrefix, setRewrite         map[string]string
	rewriteOrder                  []string
	enumPrefix, memberPrefix      map[string]string
}

// pairs parses "a=b,c=d" and keeps the order of the keys.
func pairs(s string) (map[string]string, []string) {
	m := map[string]string{}
	var order []string
	for _, p := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			m[k] = v
			order = append(order, k)
		}
	}
	return m, order
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("nlspecgen: ")
	var o options
	var setPrefix, setRewrite, enumPrefix, memberPrefix string
	flag.StringVar(&o.specs, "specs", os.Getenv("NETLINK_SPECS"), "directory of the kernel's netlink specs (default $NETLINK_SPECS)")
	flag.StringVar(&o.spec, "spec", "", "spec name, e.g. tc (reads <specs>/tc.yaml)")
	flag.StringVar(&o.pkg, "pkg", os.Getenv("GOPACKAGE"), "Go package of the output (default $GOPACKAGE)")
	flag.StringVar(&o.out, "out", "", "output file (default <spec>_spec.go)")
	flag.StringVar(&o.prefix, "var", "", "prefix of the generated identifiers (default the spec name in camel case)")
	flag.BoolVar(&o.family, "family", false, "also write the generic netlink family (commands in each direction)")
	flag.StringVar(&setPrefix, "set-prefix", "", "C name prefixes of attribute sets without one: set=prefix,...")
	flag.StringVar(&setRewrite, "set-rewrite", "", "rewrite rules from a set's name to its C prefix, tried in order: from=to,...")
	flag.StringVar(&enumPrefix, "enum-prefix", "", "C name prefixes of enums: enum=prefix,...")
	flag.StringVar(&memberPrefix, "member-prefix", "", "C name prefixes of struct members: struct=prefix,...")
	flag.Parse()
	if o.spec == "" || o.pkg == "" {
		log.Fatal("need -spec and -pkg (or $GOPACKAGE)")
	}
	if o.specs == "" {
		log.Fatal("no spec directory: set $NETLINK_SPECS or -specs to a copy of the kernel's Documentation/netlink/specs")
	}
	if o.out == "" {
		o.out = strings.ReplaceAll(o.spec, "-", "_") + "_spec.go"
	}
	if o.prefix == "" {
		o.prefix = lowerFirst(camel(o.spec))
	}
	o.setPrefix, _ = pairs(setPrefix)
	o.setRewrite, o.rewriteOrder = pairs(setRewrite)
	o.enumPrefix, _ = pairs(enumPrefix)
	o.memberPrefix, _ = pairs(memberPrefix)

	s, err := load(filepath.Join(o.specs, o.spec+".yaml"))
	if err != nil {
		log.Fatal(err)
	}
	src, err := generate(s, &o)
	if err != nil {
		log.Fatal(err)
	}
	formatted, err := format.Source(src)
	if err != nil {
		log.Fatalf("formatting the output: %v\n%s", err, src)
	}
	if err := os.WriteFile(o.out, formatted, 0o644); err != nil {
		log.Fatal(err)
	}
}

// camel turns "tc-fq-codel-attrs" into "TcFqCodelAttrs".
func camel(s string) string {
	var b strings.Builder
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// cName turns a spec name into the kernel's C spelling: "ctrl-attr-" +
// "family-id" gives "CTRL_ATTR_FAMILY_ID".
func cName(prefix, name string) string {
	return strings.ToUpper(strings.ReplaceAll(prefix+name, "-", "_"))
}

// gen accumulates the output.
type gen struct {
	s       *spec
	o       *options
	buf     bytes.Buffer
	defs    map[string]*definition
	sets    map[string]*attrSet
	subs    map[string]*subMessage
	numbers map[string]map[string]int // set -> attribute -> type
	inits   []string                  // statements that close reference cycles
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.buf, format, args...) }

func generate(s *spec, o *options) ([]byte, error) {
	g := &gen{s: s, o: o, defs: map[string]*definition{}, sets: map[string]*attrSet{}, subs: map[string]*subMessage{}, numbers: map[string]map[string]int{}}
	for i := range s.Definitions {
		g.defs[s.Definitions[i].Name] = &s.Definitions[i]
	}
	for i := range s.AttributeSets {
		g.sets[s.AttributeSets[i].Name] = &s.AttributeSets[i]
	}
	for i := range s.SubMessages {
		g.subs[s.SubMessages[i].Name] = &s.SubMessages[i]
	}
	for _, set := range s.AttributeSets {
		g.number(&set)
	}
	source := s.Name + ".yaml"
	if s.source != "" {
		source += " (" + s.source + ")"
	}
	g.p("// Code generated by nlspecgen from the kernel's netlink spec %s; DO NOT EDIT.\n\n", source)
	g.p("package %s\n\n", o.pkg)
	g.p("import (\n\t\"github.com/netexplore/netexplore/trace/decode/netlink\"\n\t\"github.com/netexplore/netexplore/trace/decode/render\"\n)\n\n")
	g.p("// %sSpecSource names the spec and commit the tables in this file came from.\n", o.prefix)
	g.p("const %sSpecSource = %q\n\n", o.prefix, source)
	g.p("var _ render.Namer // the tables may not name values\n\n")
	g.enums()
	g.structs()
	g.attrSets()
	g.formats()
	if o.family {
		g.genlFamily()
	}
	if len(g.inits) > 0 {
		g.p("func init() {\n\t// References that close a cycle of attribute sets.\n")
		for _, st := range g.inits {
			g.p("\t%s\n", st)
		}
		g.p("}\n")
	}
	return g.buf.Bytes(), nil
}
