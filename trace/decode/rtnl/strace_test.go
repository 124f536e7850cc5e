package rtnl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"

	// The captures include the other netlink protocols iproute2, ss and
	// ethtool speak.
	_ "github.com/netexplore/netexplore/trace/decode/genl"
	_ "github.com/netexplore/netexplore/trace/decode/sockdiag"
	_ "github.com/netexplore/netexplore/trace/decode/xfrm"
)

// TestRtnlMatchesStrace checks the decoder against strace on every stored
// capture: each name and value strace prints for a netlink message (header
// fields, flags, the fixed header, every attribute with its nla_len, nested
// blocks, arrays) must be found at the same place in the decoded tree.
// Where strace prints undecoded bytes, those bytes must be the payload of
// the field found there. Where strace knows less (attributes newer than
// strace 6.1, kind-specific IFLA_INFO_DATA it prints as a string, such as
// the veth peer), only the bytes are compared, and the decoding itself is
// checked by the tests in rtnetlink_test.go.
func TestRtnlMatchesStrace(t *testing.T) {
	seen := map[int]bool{}
	ran := map[string]bool{}
	for _, name := range rtnlCaptureNames(t) {
		t.Run(name, func(t *testing.T) {
			ran[name] = true
			c := readRtnlCapture(t, name)
			if len(c.Strace) != len(c.Records) {
				t.Fatalf("rtnl_%s.strace has %d lines for %d buffers", name, len(c.Strace), len(c.Records))
			}
			// Names learned from earlier buffers (generic netlink family
			// ids, interface names) decode the later ones, as in a trace.
			names := &netlink.Names{}
			for i, r := range c.Records {
				call, err := stParseCall(c.Strace[i])
				if err != nil {
					t.Fatalf("buffer %d: parsing strace line: %v\n%s", i, err, c.Strace[i])
				}
				msgs := stMessages(call)
				// strace also shows the zeroed tail of a buffer as a message
				// with nlmsg_len=0; the kernel (and the decoder) stop there.
				for len(msgs) > 1 && stIsMessage(msgs[len(msgs)-1]) && stHeader(msgs[len(msgs)-1]).get("nlmsg_len").text == "0" {
					msgs = msgs[:len(msgs)-1]
				}
				got := netlink.DecodeContext(c.Protocol, r.Data, names.Context())
				names.Learn(got)
				cmp := &stComparer{data: r.Data, where: fmt.Sprintf("buffer %d (%s)", i, r.Syscall)}
				if len(msgs) != len(got) {
					t.Errorf("%s: strace shows %d messages, decoded %d", cmp.where, len(msgs), len(got))
					continue
				}
				for j, m := range msgs {
					cmp.message(fmt.Sprintf("msg[%d]", j), m, got[j].Fields)
					if got[j].Malformed != "" {
						t.Errorf("%s msg[%d]: unexpectedly malformed: %s", cmp.where, j, got[j].Malformed)
					}
				}
				for _, e := range cmp.errs {
					if k := stKnownDiff(name, e); k >= 0 {
						seen[k] = true
						t.Logf("known strace difference: %s\n\t%s", stKnownDiffs[k].why, e)
						continue
					}
					t.Error(e)
				}
				if testing.Verbose() {
					t.Logf("%s: %d values agree with strace", cmp.where, cmp.checked)
				}
			}
		})
	}
	for k, d := range stKnownDiffs {
		if ran[d.capture] && !seen[k] {
			t.Errorf("known strace difference in %s no longer occurs: %s", d.capture, d.why)
		}
	}
}

// stKnownDiffs are places where strace 6.1 gets the message wrong. Each
// must still occur (so the list cannot go stale), and the decoder's own
// reading is asserted in TestRtnlFields.
var stKnownDiffs = []struct{ capture, contains, why string }{
	{capture: "mdb_add", contains: "buffer 4 (sendmsg) msg[0][0]",
		why: "strace reads the MDBA_SET_ENTRY of an RTM_NEWMDB request as MDBA_MDB, the attribute of the kernel's replies"},
	{capture: "vlan_global_dump", contains: "br_vlan_msg: strace shows member data=",
		why: "strace does not decode struct br_vlan_msg and shows the body as data"},
	{capture: "bridge_link_dump", contains: "(IFLA_ADDRESS): strace",
		why: "strace prints only the first byte of IFLA_ADDRESS in AF_BRIDGE link messages"},
	{capture: "fdb_dump", contains: "buffer 5 (sendto) msg[0]",
		why: "strace reads the ndmsg of `bridge fdb show`'s RTM_GETNEIGH request as an ifinfomsg and misses NDA_MASTER"},
}

// stKnownDiff returns the index of the known difference err is, or -1.
func stKnownDiff(capture, err string) int {
	for i, d := range stKnownDiffs {
		if d.capture == capture && strings.Contains(err, d.contains) {
			return i
		}
	}
	return -1
}

// stAliases maps names strace 6.1 prints to the names the kernel headers
// now use for the same value.
var stAliases = map[string]string{
	// Renamed in Linux 6.3; IPSTATS_MIB_OUTPKTS now names entry 37.
	"IPSTATS_MIB_OUTPKTS": "IPSTATS_MIB_OUTREQUESTS",
}

// stVal is a parsed piece of strace output.
type stVal struct {
	kind  byte     // 's' scalar, '{' struct, '[' array
	text  string   // scalar text
	keys  []string // struct keys; "" for positional members
	items []*stVal
	index string // for "[index]=value" array members
}

// stParser parses strace's C-like rendering of syscall arguments.
type stParser struct {
	s   string
	pos int
}

// stParseCall parses "name(arg, arg, ...) = ret" into its arguments.
func stParseCall(line string) ([]*stVal, error) {
	open := strings.IndexByte(line, '(')
	if open < 0 {
		return nil, fmt.Errorf("no argument list")
	}
	p := &stParser{s: line, pos: open + 1}
	var args []*stVal
	for {
		p.space()
		if p.peek() == ')' {
			break
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
		default:
			return nil, fmt.Errorf("unexpected %q at %d", p.peek(), p.pos)
		}
		if p.peek() == ')' {
			break
		}
	}
	return args, nil
}

func (p *stParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *stParser) space() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *stParser) value() (*stVal, error) {
	p.space()
	switch p.peek() {
	case '{':
		return p.composite('{', '}')
	case '[':
		return p.composite('[', ']')
	}
	return p.scalar()
}

// composite parses {...} or [...]. Members may be "key=value" (structs) or
// "[index]=value" (arrays indexed by name).
func (p *stParser) composite(open, close byte) (*stVal, error) {
	v := &stVal{kind: open}
	p.pos++
	for {
		p.space()
		if p.peek() == close {
			p.pos++
			return v, nil
		}
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("unterminated %c", open)
		}
		key := ""
		if open == '{' {
			j := p.pos
			for j < len(p.s) && (isIdentChar(p.s[j])) {
				j++
			}
			if j > p.pos && j < len(p.s) && p.s[j] == '=' && (j+1 >= len(p.s) || p.s[j+1] != '=') {
				key = p.s[p.pos:j]
				p.pos = j + 1
			}
		}
		item, err := p.value()
		if err != nil {
			return nil, err
		}
		p.space()
		if open == '[' && item.kind == '[' && p.peek() == '=' {
			p.pos++
			idx := item
			item, err = p.value()
			if err != nil {
				return nil, err
			}
			if len(idx.items) == 1 {
				item.index = idx.items[0].text
			}
		}
		v.keys = append(v.keys, key)
		v.items = append(v.items, item)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case close:
		default:
			return nil, fmt.Errorf("unexpected %q at %d in %c...%c", p.peek(), p.pos, open, close)
		}
	}
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// scalar reads up to the next ',', '}', ']' or ')' outside quotes,
// parentheses and comments.
func (p *stParser) scalar() (*stVal, error) {
	start, depth := p.pos, 0
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			for p.pos < len(p.s) && p.s[p.pos] != '"' {
				if p.s[p.pos] == '\\' {
					p.pos++
				}
				p.pos++
			}
		case c == '/' && strings.HasPrefix(p.s[p.pos:], "/*"):
			end := strings.Index(p.s[p.pos:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment")
			}
			p.pos += end + 1
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0 && (c == ',' || c == '}' || c == ']' || c == ')'):
			return &stVal{kind: 's', text: strings.TrimSpace(p.s[start:p.pos])}, nil
		}
		p.pos++
	}
	return &stVal{kind: 's', text: strings.TrimSpace(p.s[start:])}, nil
}

// stMessages finds the netlink messages in a parsed send/recv call: the
// buffer argument of sendto/recvfrom, or iov_base of sendmsg/recvmsg. A
// buffer with one message is printed as that message, one with several as
// a list of messages.
func stMessages(args []*stVal) []*stVal {
	if len(args) < 2 {
		return nil
	}
	buf := args[1]
	if buf.kind == '{' {
		if iov := buf.get("msg_iov"); iov != nil && len(iov.items) > 0 {
			buf = iov.items[0].get("iov_base")
		}
	}
	if buf == nil {
		return nil
	}
	if stIsMessage(buf) {
		return []*stVal{buf}
	}
	if buf.kind == '[' {
		return buf.items
	}
	return nil
}

// stIsMessage reports whether v is one message: a header struct alone or
// a list starting with one.
func stIsMessage(v *stVal) bool {
	if v.kind == '{' {
		return v.get("nlmsg_len") != nil
	}
	return v.kind == '[' && len(v.items) > 0 && v.items[0].kind == '{' && v.items[0].get("nlmsg_len") != nil
}

// stHeader returns the header struct of a message.
func stHeader(m *stVal) *stVal {
	if m.kind == '[' {
		return m.items[0]
	}
	return m
}

// stIsAttr reports whether v is one attribute: a header struct alone or
// [header, value].
func stIsAttr(v *stVal) bool {
	if v.kind == '{' {
		return v.get("nla_len") != nil
	}
	return v.kind == '[' && len(v.items) > 0 && v.items[0].kind == '{' && v.items[0].get("nla_len") != nil
}

func (v *stVal) get(key string) *stVal {
	for i, k := range v.keys {
		if k == key {
			return v.items[i]
		}
	}
	return nil
}

// stComparer compares strace's view of one buffer with decoded fields.
type stComparer struct {
	data    []byte
	where   string
	errs    []string
	checked int
}

func (c *stComparer) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf("%s %s: %s", c.where, path, fmt.Sprintf(format, args...)))
}

// message compares one strace message with a decoded message's fields
// (nlmsghdr first).
func (c *stComparer) message(path string, m *stVal, fields []event.Field) {
	hdr, rest := m, []*stVal(nil)
	if m.kind == '[' {
		hdr, rest = m.items[0], m.items[1:]
	}
	if len(fields) == 0 || fields[0].Name != "nlmsghdr" {
		c.errorf(path, "decoded message does not start with nlmsghdr")
		return
	}
	c.structMembers(path+".nlmsghdr", hdr, fields[0])
	body := fields[1:]
	if len(rest) == 0 {
		return
	}
	msgType := hdr.get("nlmsg_type")
	switch {
	case msgType != nil && msgType.text == "NLMSG_ERROR":
		c.errorBody(path, rest[0], body)
	case msgType != nil && msgType.text == "NLMSG_DONE":
		if len(body) == 0 {
			c.errorf(path, "NLMSG_DONE: no error field decoded")
			return
		}
		c.value(path+".error", rest[0], body[0], false)
	default:
		first := rest[0]
		if first.kind == 's' {
			// strace did not decode the body: compare its bytes.
			start := fields[0].Offset + netlink.HeaderLen
			c.rawBytes(path+".body", first, start)
			return
		}
		if first.kind == '{' && !stIsAttr(first) {
			if len(body) == 0 {
				c.errorf(path, "no fixed header decoded")
				return
			}
			c.structMembers(path+"."+body[0].Name, first, body[0])
			body, rest = body[1:], rest[1:]
		}
		if len(rest) > 0 {
			c.attrList(path, rest[0], body)
		}
	}
}

// errorBody compares the body of NLMSG_ERROR: {error=..., msg=...},
// optionally followed by extended ACK attributes.
func (c *stComparer) errorBody(path string, v *stVal, body []event.Field) {
	errStruct, tlvs := v, []*stVal(nil)
	if v.kind == '[' && len(v.items) > 0 {
		errStruct, tlvs = v.items[0], v.items[1:]
	}
	var errField, msgField event.Field
	var extra []event.Field
	for _, f := range body {
		switch f.Name {
		case "error":
			errField = f
		case "msg":
			msgField = f
		default:
			extra = append(extra, f)
		}
	}
	if e := errStruct.get("error"); e != nil {
		c.value(path+".error", e, errField, false)
	}
	if m := errStruct.get("msg"); m != nil {
		if m.kind == 's' {
			c.rawBytes(path+".msg", m, msgField.Offset)
		} else {
			c.message(path+".msg", m, msgField.Children)
		}
	}
	if len(tlvs) > 0 {
		list := &stVal{kind: '[', items: tlvs, keys: make([]string, len(tlvs))}
		if len(tlvs) == 1 {
			list = tlvs[0]
		}
		c.attrList(path+".extack", list, extra)
	}
}

// structMembers compares {key=value, ...} with the children of f.
func (c *stComparer) structMembers(path string, v *stVal, f event.Field) {
	if v.kind != '{' {
		c.errorf(path, "strace shows %q, expected a struct", v.text)
		return
	}
	for i, key := range v.keys {
		if key == "" {
			continue
		}
		child, ok := event.Top(f.Children, key)
		if !ok {
			c.errorf(path, "strace shows member %s=%s, not decoded", key, stText(v.items[i]))
			continue
		}
		c.value(path+"."+key, v.items[i], child, false)
	}
}

// attrList compares strace's attributes (one attribute, or a list of
// them) with decoded attribute fields, in order.
func (c *stComparer) attrList(path string, v *stVal, fields []event.Field) {
	var attrs []*stVal
	if stIsAttr(v) {
		attrs = []*stVal{v}
	} else if v.kind == '[' {
		attrs = v.items
	} else {
		c.errorf(path, "strace shows %q where attributes were expected", stText(v))
		return
	}
	for i, a := range attrs {
		if a.kind == 's' && a.text == "..." {
			return
		}
		if i >= len(fields) {
			c.errorf(path, "strace shows %d attributes, decoded %d", len(attrs), len(fields))
			return
		}
		c.attr(fmt.Sprintf("%s[%d]", path, i), a, fields[i])
	}
}

// attr compares one attribute: [{nla_len, nla_type}, value] or the header
// alone.
func (c *stComparer) attr(path string, a *stVal, f event.Field) {
	hdr, val := a, (*stVal)(nil)
	if a.kind == '[' {
		hdr = a.items[0]
		if len(a.items) > 1 {
			val = a.items[1]
		}
	}
	if !stIsAttr(hdr) {
		c.errorf(path, "strace shows %q where an attribute was expected", stText(a))
		return
	}
	if l := hdr.get("nla_len"); l != nil {
		if n, err := strconv.Atoi(l.text); err != nil || n != f.Length {
			c.errorf(path, "nla_len %s, decoded field %s has length %d", l.text, f.Name, f.Length)
		}
		c.checked++
	}
	if t := hdr.get("nla_type"); t != nil {
		name := t.text
		for _, p := range []string{"NLA_F_NESTED|", "NLA_F_NET_BYTEORDER|"} {
			name = strings.TrimPrefix(name, p)
		}
		if !strings.Contains(name, "/*") && !strings.HasPrefix(name, "0x") && !stSameName(name, f.Name) {
			c.errorf(path, "strace names the attribute %s, decoded %s", name, f.Name)
		}
		c.checked++
		path += "(" + f.Name + ")"
	}
	if val != nil {
		c.value(path, val, f, true)
	}
}

func stSameName(strace, mine string) bool {
	return strace == mine || stAliases[strace] == mine
}

// value compares a strace value with the field decoded at the same place.
// isAttr says the field is an attribute, whose data follow a 4-byte header.
func (c *stComparer) value(path string, v *stVal, f event.Field, isAttr bool) {
	dataOff, dataLen := f.Offset, f.Length
	if isAttr {
		dataOff, dataLen = f.Offset+netlink.AttrHeaderLen, f.Length-netlink.AttrHeaderLen
	}
	switch v.kind {
	case '{':
		if stIsAttr(v) {
			c.attrList(path, v, f.Children)
			return
		}
		c.structMembers(path, v, f)
	case '[':
		switch {
		case len(v.items) == 0:
		case stIsAttr(v) || stIsAttr(v.items[0]):
			c.attrList(path, v, f.Children)
		case v.items[0].index != "":
			c.indexedArray(path, v, f.Children)
		default:
			c.numberArray(path, v, dataOff, dataLen)
		}
	default:
		c.scalar(path, v.text, f, dataOff, dataLen)
	}
}

// indexedArray compares "[NAME]=value" entries, in order, with children.
func (c *stComparer) indexedArray(path string, v *stVal, children []event.Field) {
	for i, item := range v.items {
		if item.kind == 's' && item.text == "..." {
			return
		}
		if i >= len(children) {
			c.errorf(path, "strace shows %d entries, decoded %d", len(v.items), len(children))
			return
		}
		name := strings.TrimSuffix(item.index, "-1")
		if !strings.Contains(name, "/*") && !stSameName(name, children[i].Name) {
			c.errorf(path, "entry %d: strace names it %s, decoded %s", i, name, children[i].Name)
		}
		c.value(fmt.Sprintf("%s[%s]", path, children[i].Name), item, children[i], false)
	}
}

// numberArray compares an array of numbers (e.g. prio=[128, 0]) with the
// bytes of the field.
func (c *stComparer) numberArray(path string, v *stVal, off, n int) {
	if n%len(v.items) != 0 {
		c.errorf(path, "%d entries do not divide %d bytes", len(v.items), n)
		return
	}
	size := n / len(v.items)
	for i, item := range v.items {
		want, ok := stNumber(item.text)
		if !ok {
			c.errorf(path, "entry %q is not a number", item.text)
			continue
		}
		if got, ok := c.rawInt(off+i*size, size); !ok || !stEqualInt(got, want, size) {
			c.errorf(path, "entry %d: strace %s, bytes hold %d", i, item.text, got)
		}
		c.checked++
	}
}

// scalar compares one strace scalar with a decoded value.
func (c *stComparer) scalar(path, text string, f event.Field, off, n int) {
	c.checked++
	mine := stMainValue(f.Value)
	text = strings.TrimSpace(stStripComments(text))
	switch {
	case strings.HasPrefix(text, `"`):
		c.rawBytes(path, &stVal{kind: 's', text: text}, off)
		// strace prints bytes it does not decode with \x escapes only;
		// anything else is a string it decoded, which must be ours too.
		if !strings.Contains(text, `\x`) {
			s, err := stUnescape(text)
			if err == nil && s != unquote(f.Value) {
				c.errorf(path, "strace %s, decoded %s", text, f.Value)
			}
		}
	case strings.HasPrefix(text, "if_nametoindex("):
		// The name of an interface that existed when strace ran.
	case strings.HasPrefix(text, "inet_addr(") || strings.HasPrefix(text, "inet_pton("):
		q := text[strings.IndexByte(text, '"') : strings.LastIndexByte(text, '"')+1]
		addr, _ := strconv.Unquote(q)
		if mine != addr {
			c.errorf(path, "strace %s, decoded %s", text, f.Value)
		}
	case strings.HasPrefix(text, "htons(") || strings.HasPrefix(text, "htonl("):
		inner := strings.TrimSuffix(text[6:], ")")
		if want, ok := stNumber(inner); ok {
			if got, ok := stNumber(mine); !ok || got != want {
				c.errorf(path, "strace %s, decoded %s", text, f.Value)
			}
		} else if inner != mine {
			c.errorf(path, "strace %s, decoded %s", text, f.Value)
		}
	case stIsMAC(text):
		if !strings.EqualFold(text, mine) {
			c.errorf(path, "strace %s, decoded %s", text, f.Value)
		}
	default:
		if want, ok := stNumber(text); ok {
			if got, ok := stNumber(mine); ok && got == want {
				return
			}
			if got, ok := c.rawInt(off, n); ok && stEqualInt(got, want, n) {
				return // we render the number by name
			}
			c.errorf(path, "strace %s, decoded %s", text, f.Value)
			return
		}
		c.symbols(path, text, f.Value)
	}
}

// symbols compares a symbolic strace value ("A|B|0x8", "1<<X|1<<Y",
// "-EEXIST") with a decoded one: every name strace prints must be there.
func (c *stComparer) symbols(path, text, value string) {
	have := map[string]bool{}
	for _, s := range strings.Split(stMainValue(value), "|") {
		have[strings.TrimSpace(s)] = true
	}
	for _, s := range strings.Split(text, "|") {
		s = strings.TrimPrefix(strings.TrimSpace(s), "1<<")
		if _, isNum := stNumber(s); isNum || s == "" {
			continue
		}
		if !have[s] && !have[stAliases[s]] {
			c.errorf(path, "strace %s, decoded %s (missing %s)", text, value, s)
			return
		}
	}
}

// rawBytes checks that a strace string literal (bytes it did not decode,
// or a string) matches the payload at off.
func (c *stComparer) rawBytes(path string, v *stVal, off int) {
	s, err := stUnescape(v.text)
	if err != nil {
		c.errorf(path, "cannot read strace string %s: %v", v.text, err)
		return
	}
	if off < 0 || off+len(s) > len(c.data) || !bytes.Equal(c.data[off:off+len(s)], []byte(s)) {
		c.errorf(path, "strace bytes %s are not the payload at offset %d", v.text, off)
	}
	c.checked++
}

// rawInt reads a little-endian integer of n bytes from the payload.
func (c *stComparer) rawInt(off, n int) (uint64, bool) {
	if off < 0 || off+n > len(c.data) {
		return 0, false
	}
	b := c.data[off : off+n]
	switch n {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(binary.LittleEndian.Uint16(b)), true
	case 4:
		return uint64(binary.LittleEndian.Uint32(b)), true
	case 8:
		return binary.LittleEndian.Uint64(b), true
	}
	return 0, false
}

// stEqualInt compares a raw n-byte value with a number strace printed,
// which may be signed.
func stEqualInt(raw uint64, want int64, n int) bool {
	if n < 8 {
		mask := uint64(1)<<(8*n) - 1
		return raw == uint64(want)&mask
	}
	return raw == uint64(want)
}

// stNumber parses a decimal, hex or negative number.
func stNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return v, true
	}
	if v, err := strconv.ParseUint(s, 0, 64); err == nil {
		return int64(v), true
	}
	return 0, false
}

// stMainValue drops the explanation some values carry after the value
// itself: "1500 (15.00 s)" -> "1500", "-EEXIST (File exists)" -> "-EEXIST".
func stMainValue(v string) string {
	if i := strings.Index(v, " ("); i > 0 && strings.HasSuffix(v, ")") {
		return v[:i]
	}
	return v
}

func stStripComments(s string) string {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "*/")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j+2:]
	}
}

func stIsMAC(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 {
			return false
		}
		if _, err := strconv.ParseUint(p, 16, 8); err != nil {
			return false
		}
	}
	return true
}

// stUnescape decodes a strace string literal ("..." with C escapes, maybe
// followed by "..." when strace cut it).
func stUnescape(lit string) (string, error) {
	lit = strings.TrimSuffix(lit, "...")
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", fmt.Errorf("not a string literal")
	}
	in := lit[1 : len(lit)-1]
	var out []byte
	for i := 0; i < len(in); i++ {
		if in[i] != '\\' || i+1 >= len(in) {
			out = append(out, in[i])
			continue
		}
		i++
		switch in[i] {
		case 'x':
			if i+3 > len(in) {
				return "", fmt.Errorf("short \\x escape")
			}
			b, err := strconv.ParseUint(in[i+1:i+3], 16, 8)
			if err != nil {
				return "", err
			}
			out = append(out, byte(b))
			i += 2
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'v':
			out = append(out, '\v')
		case 'f':
			out = append(out, '\f')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(in) && j < i+3 && in[j] >= '0' && in[j] <= '7' {
				j++
			}
			b, _ := strconv.ParseUint(in[i:j], 8, 8)
			out = append(out, byte(b))
			i = j - 1
		default:
			out = append(out, in[i])
		}
	}
	return string(out), nil
}

// stText renders a parsed value back for messages.
func stText(v *stVal) string {
	if v == nil {
		return "<nil>"
	}
	switch v.kind {
	case 's':
		return v.text
	}
	var parts []string
	for i, it := range v.items {
		p := stText(it)
		if v.keys != nil && i < len(v.keys) && v.keys[i] != "" {
			p = v.keys[i] + "=" + p
		}
		parts = append(parts, p)
	}
	close := "]"
	if v.kind == '{' {
		close = "}"
	}
	return string(v.kind) + strings.Join(parts, ", ") + close
}
