package nftables

// Decoder for NETLINK_NETFILTER (nfnetlink) message bodies: the batch
// framing, nf_tables (iptables-nft and nft), the nft_compat revision query
// and the conntrack subsystems. Constant values come from the uapi headers
// linux/netfilter/nfnetlink.h, nf_tables.h, nf_tables_compat.h,
// nfnetlink_conntrack.h and nf_conntrack_common.h.

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// nfnetlink subsystem ids (the high byte of nlmsg_type).
const (
	nfnlSubsysCtnetlink    = 1
	nfnlSubsysCtnetlinkExp = 2
	nfnlSubsysNftables     = 10
	nfnlSubsysNftCompat    = 11

	nfnlMsgBatchBegin = 0x10 // NLMSG_MIN_TYPE
	nfnlMsgBatchEnd   = 0x11

	nfgenmsgLen = 4
)

var nfnlSubsysNames = [...]string{
	"NFNL_SUBSYS_NONE", "NFNL_SUBSYS_CTNETLINK", "NFNL_SUBSYS_CTNETLINK_EXP",
	"NFNL_SUBSYS_QUEUE", "NFNL_SUBSYS_ULOG", "NFNL_SUBSYS_OSF", "NFNL_SUBSYS_IPSET",
	"NFNL_SUBSYS_ACCT", "NFNL_SUBSYS_CTNETLINK_TIMEOUT", "NFNL_SUBSYS_CTHELPER",
	"NFNL_SUBSYS_NFTABLES", "NFNL_SUBSYS_NFT_COMPAT", "NFNL_SUBSYS_HOOK",
}

// nfnlSubsysShort names the subsystems the way the kernel modules are known.
var nfnlSubsysShort = [...]string{
	"none", "ctnetlink", "ctnetlink_exp", "queue", "ulog", "osf", "ipset",
	"acct", "cttimeout", "cthelper", "nf_tables", "nft_compat", "hook",
}

func nfnlSubsysName(id uint16) string {
	if int(id) < len(nfnlSubsysNames) {
		return nfnlSubsysNames[id]
	}
	return strconv.Itoa(int(id))
}

func nfnlSubsysShortName(id uint16) string {
	if int(id) < len(nfnlSubsysShort) {
		return nfnlSubsysShort[id]
	}
	return "subsys " + strconv.Itoa(int(id))
}

// nfFamilyName names an NFPROTO_* value the way nft spells families.
func nfFamilyName(f uint8) string {
	switch f {
	case 0:
		return "unspec"
	case 1:
		return "inet"
	case 2:
		return "ip"
	case 3:
		return "arp"
	case 5:
		return "netdev"
	case 7:
		return "bridge"
	case 10:
		return "ip6"
	case 12:
		return "decnet"
	}
	return strconv.Itoa(int(f))
}

var nfprotoNames = map[uint8]string{
	0: "NFPROTO_UNSPEC", 1: "NFPROTO_INET", 2: "NFPROTO_IPV4", 3: "NFPROTO_ARP",
	5: "NFPROTO_NETDEV", 7: "NFPROTO_BRIDGE", 10: "NFPROTO_IPV6", 12: "NFPROTO_DECNET",
}

var nfAFNames = map[uint8]string{0: "AF_UNSPEC", 2: "AF_INET", 7: "AF_BRIDGE", 10: "AF_INET6"}

func init() { netlink.RegisterBody(unix.NETLINK_NETFILTER, decodeNetfilterBody) }

// decodeNetfilterBody decodes the body of one NETLINK_NETFILTER message:
// msgType is the full nlmsg_type, body starts with struct nfgenmsg and sits
// at offset base of the payload.
func decodeNetfilterBody(msgType uint16, body []byte, base int) netlink.Body {
	subsys, msg := msgType>>8, uint8(msgType)
	d := &nfDecoder{}
	var out netlink.Body

	switch {
	case msgType == nfnlMsgBatchBegin:
		out.Name = "NFNL_MSG_BATCH_BEGIN"
	case msgType == nfnlMsgBatchEnd:
		out.Name = "NFNL_MSG_BATCH_END"
	case subsys == nfnlSubsysNftables:
		out.Name, out.Op = nftMsgTypeName(msg)
	case subsys == nfnlSubsysCtnetlink:
		out.Name, out.Op = ctMsgTypeName(msg)
	case subsys == nfnlSubsysCtnetlinkExp:
		out.Name, out.Op = ctExpMsgTypeName(msg)
	case subsys == nfnlSubsysNftCompat && msg == 0:
		out.Name, out.Op = "NFNL_MSG_COMPAT_GET", netlink.OpGet
	case int(subsys) < len(nfnlSubsysNames):
		out.Name = fmt.Sprintf("%s<<8|%d", nfnlSubsysNames[subsys], msg)
	default:
		out.Name = fmt.Sprintf("0x%04x", msgType)
	}

	if len(body) < nfgenmsgLen {
		out.Malformed = fmt.Sprintf("body has %d bytes, shorter than struct nfgenmsg (4)", len(body))
		if len(body) > 0 {
			out.Fields = []event.Field{{Name: "nfgenmsg", Value: nfHex(body), Offset: base, Length: len(body)}}
		}
		return out
	}
	d.family = body[0]
	resID := binary.BigEndian.Uint16(body[2:4])
	isBatch := msgType == nfnlMsgBatchBegin || msgType == nfnlMsgBatchEnd
	out.Fields = []event.Field{nfgenmsgField(body, base, subsys, isBatch)}
	attrs, aoff := body[nfgenmsgLen:], base+nfgenmsgLen

	switch {
	case isBatch:
		out.Fields = append(out.Fields, d.set(attrs, aoff, &nfnlBatchSet)...)
		out.Summary = "subsys " + nfnlSubsysShortName(resID)
		if v, ok := nfAttrU32(attrs, 1); ok {
			out.Summary += " genid " + strconv.FormatUint(uint64(v), 10)
		}
	case subsys == nfnlSubsysNftables:
		fields, summary := d.nftBody(msg, attrs, aoff)
		out.Fields = append(out.Fields, fields...)
		out.Summary = summary
	case subsys == nfnlSubsysCtnetlink:
		fields, summary := d.ctBody(msg, attrs, aoff)
		out.Fields = append(out.Fields, fields...)
		out.Summary = summary
	case subsys == nfnlSubsysCtnetlinkExp:
		out.Fields = append(out.Fields, d.set(attrs, aoff, &ctExpectSet)...)
		out.Summary = nfFamilyName(d.family)
	case subsys == nfnlSubsysNftCompat:
		out.Fields = append(out.Fields, d.set(attrs, aoff, &nftCompatSet)...)
		out.Summary = nftCompatSummary(attrs)
	default:
		out.Fields = append(out.Fields, d.set(attrs, aoff, nil)...)
		out.Summary = nfnlSubsysShortName(subsys)
	}
	out.Malformed = d.malformed
	return out
}

// nfgenmsgField decodes struct nfgenmsg at the start of body.
func nfgenmsgField(body []byte, base int, subsys uint16, isBatch bool) event.Field {
	fam := body[0]
	famName := nfprotoNames[fam]
	if subsys == nfnlSubsysCtnetlink || subsys == nfnlSubsysCtnetlinkExp {
		famName = nfAFNames[fam]
	}
	famValue := nfFamilyName(fam)
	if famName != "" {
		famValue = famName + " (" + famValue + ")"
	}
	version := strconv.Itoa(int(body[1]))
	if body[1] == 0 {
		version = "NFNETLINK_V0"
	}
	resID := binary.BigEndian.Uint16(body[2:4])
	resValue := strconv.Itoa(int(resID))
	if isBatch {
		resValue = nfnlSubsysName(resID)
	}
	return event.Field{
		Name: "nfgenmsg", Value: "family " + nfFamilyName(fam), Offset: base, Length: nfgenmsgLen,
		Children: []event.Field{
			{Name: "nfgen_family", Value: famValue, Offset: base, Length: 1},
			{Name: "version", Value: version, Offset: base + 1, Length: 1},
			{Name: "res_id", Value: resValue, Offset: base + 2, Length: 2},
		},
	}
}

var nfnlBatchSet = nfSet{attrs: []nfSpec{1: {name: "NFNL_BATCH_GENID", kind: nfU32}}}

var nftCompatSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_COMPAT_NAME", kind: nfString},
	2: {name: "NFTA_COMPAT_REV", kind: nfU32},
	3: {name: "NFTA_COMPAT_TYPE", kind: nfEnum32, enum: []string{"match", "target"}},
}}

func nftCompatSummary(attrs []byte) string {
	idx := nfIndex(attrs)
	kind := "match"
	if v, ok := nfBE32(idx[3]); ok && v == 1 {
		kind = "target"
	}
	s := kind + " " + nfCString(idx[1])
	if v, ok := nfBE32(idx[2]); ok {
		s += " rev " + strconv.FormatUint(uint64(v), 10)
	}
	return s
}

// nfAttr is one netlink attribute of a netfilter message body.
type nfAttr struct {
	typ    uint16 // attribute type without the NLA_F_NESTED/NLA_F_NET_BYTEORDER bits
	nested bool   // NLA_F_NESTED was set
	data   []byte // the payload after the 4-byte header
	off    int    // payload offset of the attribute header
	size   int    // nla_len (header included, padding excluded)
}

// field returns a Field covering the whole attribute.
func (a nfAttr) field(name, value string) event.Field {
	return event.Field{Name: name, Value: value, Offset: a.off, Length: a.size}
}

// nfDecoder carries the state of one message decode: the family from
// nfgenmsg, the first problem found, and what the registers of the rule being
// decoded hold.
type nfDecoder struct {
	family    uint8
	malformed string
	regs      map[uint32]nftReg
	data      nftReg   // how NFTA_DATA_VALUE in the current expression is read
	stmt      string   // statement completed by the last expression decoded
	exprNames []string // expression names of the last expression list decoded
	depth     int      // attribute nesting depth of the current walk
	l4        string   // transport protocol the current rule matched ("tcp")
	l3        uint8    // network protocol (NFPROTO_*) the current rule matched
}

// nfMaxDepth bounds attribute nesting; real messages stay under 10 levels.
const nfMaxDepth = 32

func (d *nfDecoder) fail(format string, args ...any) {
	if d.malformed == "" {
		d.malformed = fmt.Sprintf(format, args...)
	}
}

// attrs walks the attributes of b (found at payload offset off) and decodes
// each with fn. It stops at the first attribute that does not fit.
func (d *nfDecoder) attrs(b []byte, off int, fn func(a nfAttr) event.Field) []event.Field {
	if d.depth >= nfMaxDepth {
		d.fail("attributes nested deeper than %d levels at offset %d", nfMaxDepth, off)
		return []event.Field{{Name: "nested too deep", Value: nfHex(b), Offset: off, Length: len(b)}}
	}
	d.depth++
	defer func() { d.depth-- }()
	var out []event.Field
	for pos := 0; pos < len(b); {
		rest := len(b) - pos
		if rest < 4 {
			d.fail("%d trailing bytes at offset %d", rest, off+pos)
			out = append(out, event.Field{Name: "trailing bytes", Value: nfHex(b[pos:]), Offset: off + pos, Length: rest})
			break
		}
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		t := binary.LittleEndian.Uint16(b[pos+2:])
		if l < 4 || l > rest {
			d.fail("attribute at offset %d: nla_len %d does not fit the %d bytes left", off+pos, l, rest)
			out = append(out, event.Field{Name: "bad attribute", Value: fmt.Sprintf("nla_len %d, type %d", l, t&0x3fff), Offset: off + pos, Length: rest})
			break
		}
		a := nfAttr{typ: t & 0x3fff, nested: t&0x8000 != 0, data: b[pos+4 : pos+l], off: off + pos, size: l}
		out = append(out, fn(a))
		pos += (l + 3) &^ 3
	}
	return out
}

// nfIndex maps attribute types to payloads for the attributes of b, without
// producing fields; malformed input yields what could be read.
func nfIndex(b []byte) map[uint16][]byte {
	idx := make(map[uint16][]byte)
	for pos := 0; pos+4 <= len(b); {
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		if l < 4 || l > len(b)-pos {
			break
		}
		idx[binary.LittleEndian.Uint16(b[pos+2:])&0x3fff] = b[pos+4 : pos+l]
		pos += (l + 3) &^ 3
	}
	return idx
}

// nfEach calls fn for every attribute payload of b, in order.
func nfEach(b []byte, fn func(typ uint16, data []byte)) {
	for pos := 0; pos+4 <= len(b); {
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		if l < 4 || l > len(b)-pos {
			return
		}
		fn(binary.LittleEndian.Uint16(b[pos+2:])&0x3fff, b[pos+4:pos+l])
		pos += (l + 3) &^ 3
	}
}

func nfAttrU32(b []byte, typ uint16) (uint32, bool) {
	return nfBE32(nfIndex(b)[typ])
}

// nfKind says how an attribute payload is rendered.
type nfKind uint8

const (
	nfBinary   nfKind = iota // opaque bytes, shown as hex
	nfString                 // NUL-terminated string
	nfU8                     // 8-bit integer
	nfU16                    // big-endian 16-bit integer
	nfU32                    // big-endian 32-bit integer
	nfU64                    // big-endian 64-bit integer
	nfHex32                  // big-endian 32-bit integer shown in hex (marks)
	nfS32                    // signed big-endian 32-bit integer
	nfEnum8                  // 8-bit integer named by enum
	nfEnum32                 // big-endian 32-bit integer named by enum
	nfFlags32                // big-endian 32-bit bitmask named by flags
	nfFlags16                // big-endian 16-bit bitmask named by flags
	nfReg                    // big-endian 32-bit nf_tables register number
	nfFamily32               // big-endian 32-bit NFPROTO_* value
	nfProto8                 // IP protocol number
	nfIPv4                   // IPv4 address
	nfIPv6                   // IPv6 address
	nfNest                   // nested block decoded with sub
	nfList                   // nested list of NFTA_LIST_ELEM decoded with sub
	nfData                   // nested struct nft_data (NFTA_DATA_*)
	nfExpr                   // one nested expression (NFTA_EXPR_*)
	nfExprList               // nested list of expressions
	nfHookNum                // big-endian 32-bit hook number, named per family
	nfVerdict                // signed big-endian 32-bit verdict code
	nfObjType                // big-endian 32-bit NFT_OBJECT_* value
	nfUserdata               // libnftnl type-length-value user data
	nfTuple                  // conntrack tuple (CTA_TUPLE_*)
	nfDatatype               // big-endian 32-bit nft datatype of set keys and data
)

// nfSpec describes one attribute type.
type nfSpec struct {
	name  string
	kind  nfKind
	enum  []string // names by value for nfEnum*
	flags []string // names by bit for nfFlags*
	sub   *nfSet   // for nfNest and nfList
}

// nfSet describes the attributes of one attribute space, indexed by type.
type nfSet struct {
	attrs []nfSpec
}

// set decodes the attributes of b (at payload offset off) with s.
func (d *nfDecoder) set(b []byte, off int, s *nfSet) []event.Field {
	return d.attrs(b, off, func(a nfAttr) event.Field { return d.attr(a, s) })
}

// attr decodes one attribute with the spec s gives for its type.
func (d *nfDecoder) attr(a nfAttr, s *nfSet) event.Field {
	if s == nil || int(a.typ) >= len(s.attrs) || s.attrs[a.typ].name == "" {
		return d.unknownAttr(a, s.prefix())
	}
	sp := &s.attrs[a.typ]
	f := a.field(sp.name, "")
	switch sp.kind {
	case nfString:
		f.Value = strconv.Quote(nfCString(a.data))
	case nfU8:
		f.Value = nfFixed(a.data, 1, func(v uint64) string { return strconv.FormatUint(v, 10) })
	case nfU16:
		f.Value = nfFixed(a.data, 2, func(v uint64) string { return strconv.FormatUint(v, 10) })
	case nfU32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return strconv.FormatUint(v, 10) })
	case nfU64:
		f.Value = nfFixed(a.data, 8, func(v uint64) string { return strconv.FormatUint(v, 10) })
	case nfHex32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return fmt.Sprintf("0x%x", v) })
	case nfS32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return strconv.Itoa(int(int32(uint32(v)))) })
	case nfEnum8:
		f.Value = nfFixed(a.data, 1, func(v uint64) string { return nfEnumName(sp.enum, v) })
	case nfEnum32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nfEnumName(sp.enum, v) })
	case nfFlags32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nfFlagNames(sp.flags, v) })
	case nfFlags16:
		f.Value = nfFixed(a.data, 2, func(v uint64) string { return nfFlagNames(sp.flags, v) })
	case nfReg:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nftRegName(uint32(v)) })
	case nfFamily32:
		f.Value = nfFixed(a.data, 4, func(v uint64) string {
			if n, ok := nfprotoNames[uint8(v)]; ok && v < 256 {
				return n
			}
			return strconv.FormatUint(v, 10)
		})
	case nfProto8:
		f.Value = nfFixed(a.data, 1, func(v uint64) string { return nfProtoName(uint8(v)) })
	case nfIPv4:
		f.Value = nfAddr(a.data, 4)
	case nfIPv6:
		f.Value = nfAddr(a.data, 16)
	case nfHookNum:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nftHookName(d.family, uint32(v)) })
	case nfVerdict:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nftVerdictName(int32(uint32(v))) })
	case nfObjType:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nfEnumName(nftObjectTypes, v) })
	case nfNest:
		f.Children = d.set(a.data, a.off+4, sp.sub)
		f.Value = d.nestValue(sp.sub, a.data)
	case nfList:
		f.Children = d.attrs(a.data, a.off+4, func(e nfAttr) event.Field {
			// The kernel checks the type of list elements, except for set
			// elements, which libnftnl numbers 1, 2, 3...
			if e.typ != 1 && sp.sub != &nftSetElemSet {
				return d.unknownAttr(e, "NFTA_LIST")
			}
			ef := e.field("NFTA_LIST_ELEM", "")
			ef.Children = d.set(e.data, e.off+4, sp.sub)
			ef.Value = d.nestValue(sp.sub, e.data)
			return ef
		})
	case nfData:
		f.Children, f.Value = d.nftData(a)
	case nfExpr:
		f, _ = d.nftExpr(a, sp.name)
	case nfExprList:
		var names []string
		f.Children, names, f.Value = d.nftExprList(a)
		d.exprNames = names
	case nfDatatype:
		f.Value = nfFixed(a.data, 4, func(v uint64) string { return nftDatatypeName(uint32(v)) })
	case nfUserdata:
		f.Value, f.Children = nftUserdata(a)
	case nfTuple:
		f.Children = d.set(a.data, a.off+4, &ctTupleSet)
		f.Value = ctTupleText(a.data)
	default:
		f.Value = nfHex(a.data)
	}
	return f
}

// unknownAttr renders an attribute the decoder has no description for,
// named prefix(type) like "NFTA_RULE(13)".
func (d *nfDecoder) unknownAttr(a nfAttr, prefix string) event.Field {
	f := a.field(fmt.Sprintf("%s(%d)", prefix, a.typ), "")
	if a.nested {
		f.Children = d.set(a.data, a.off+4, nil)
		return f
	}
	f.Value = nfGuess(a.data)
	return f
}

// prefix returns the common prefix of the set's attribute names
// ("NFTA_CHAIN"), or "attr" when there is none.
func (s *nfSet) prefix() string {
	p, first := "", true
	if s != nil {
		for _, sp := range s.attrs {
			if sp.name == "" {
				continue
			}
			if first {
				p, first = sp.name, false
				continue
			}
			n := 0
			for n < len(p) && n < len(sp.name) && p[n] == sp.name[n] {
				n++
			}
			p = p[:n]
		}
	}
	if i := strings.LastIndexByte(p, '_'); i > 0 {
		return p[:i]
	}
	return "attr"
}

// nestValue gives a one-line value for some nested blocks.
func (d *nfDecoder) nestValue(s *nfSet, b []byte) string {
	switch s {
	case &nftSetElemSet:
		return nftSetElemText(b)
	case &nftHookSet:
		return nftHookText(d.family, b)
	case &nftCounterSet:
		idx := nfIndex(b)
		p, ok1 := nfBE64(idx[2])
		by, ok2 := nfBE64(idx[1])
		if ok1 && ok2 {
			return fmt.Sprintf("packets %d bytes %d", p, by)
		}
	case &ctCountersSet:
		idx := nfIndex(b)
		p, ok1 := nfBE64(idx[1])
		by, ok2 := nfBE64(idx[2])
		if ok1 && ok2 {
			return fmt.Sprintf("packets %d bytes %d", p, by)
		}
	}
	return ""
}

// nfFixed renders a big-endian integer of size n, or the raw bytes when the
// payload has another length.
func nfFixed(b []byte, n int, name func(uint64) string) string {
	if len(b) != n {
		return nfHex(b) + fmt.Sprintf(" (%d bytes, expected %d)", len(b), n)
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return name(v)
}

func nfBE32(b []byte) (uint32, bool) {
	if len(b) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(b), true
}

func nfBE64(b []byte) (uint64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

func nfEnumName(names []string, v uint64) string {
	if v < uint64(len(names)) && names[v] != "" {
		return names[v]
	}
	return strconv.FormatUint(v, 10)
}

func nfFlagNames(names []string, v uint64) string {
	if v == 0 {
		return "0"
	}
	var parts []string
	for bit := 0; bit < 64; bit++ {
		m := uint64(1) << bit
		if v&m == 0 {
			continue
		}
		if bit < len(names) && names[bit] != "" {
			parts = append(parts, names[bit])
			v &^= m
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", v))
	}
	return strings.Join(parts, "|")
}

// nfCString returns b up to its first NUL byte.
func nfCString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

const nfHexMax = 256

// nfHex renders bytes as lowercase hex, shortened after nfHexMax bytes.
func nfHex(b []byte) string {
	if len(b) == 0 {
		return "(empty)"
	}
	if len(b) > nfHexMax {
		return hex.EncodeToString(b[:nfHexMax]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return hex.EncodeToString(b)
}

// nfAddr renders an IPv4 (n=4) or IPv6 (n=16) address.
func nfAddr(b []byte, n int) string {
	if len(b) != n {
		return nfHex(b) + fmt.Sprintf(" (%d bytes, expected %d)", len(b), n)
	}
	a, _ := netip.AddrFromSlice(b)
	return a.String()
}

// nfPrintable reports whether b is a NUL-padded printable string of at least
// two characters.
func nfPrintable(b []byte) (string, bool) {
	s := nfCString(b)
	if len(s) < 2 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return "", false
		}
	}
	for _, c := range b[len(s):] {
		if c != 0 {
			return "", false
		}
	}
	return s, true
}

// nfGuess renders a payload of unknown meaning.
func nfGuess(b []byte) string {
	if s, ok := nfPrintable(b); ok && len(b) > len(s) {
		return strconv.Quote(s)
	}
	return nfGuessInt(b)
}

// nfGuessInt renders 1, 2, 4 and 8-byte payloads as big-endian integers and
// anything else as hex.
func nfGuessInt(b []byte) string {
	switch len(b) {
	case 1:
		return strconv.Itoa(int(b[0]))
	case 2:
		return strconv.Itoa(int(binary.BigEndian.Uint16(b)))
	case 4:
		return strconv.FormatUint(uint64(binary.BigEndian.Uint32(b)), 10)
	case 8:
		return strconv.FormatUint(binary.BigEndian.Uint64(b), 10)
	}
	return nfHex(b)
}

var nfProtoNames = map[uint8]string{
	1: "icmp", 2: "igmp", 4: "ipip", 6: "tcp", 17: "udp", 33: "dccp", 41: "ipv6",
	47: "gre", 50: "esp", 51: "ah", 58: "icmpv6", 132: "sctp", 136: "udplite",
}

func nfProtoName(p uint8) string {
	if n, ok := nfProtoNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

// Conntrack (NFNL_SUBSYS_CTNETLINK and NFNL_SUBSYS_CTNETLINK_EXP).

var ctMsgNames = [...]string{
	"IPCTNL_MSG_CT_NEW", "IPCTNL_MSG_CT_GET", "IPCTNL_MSG_CT_DELETE",
	"IPCTNL_MSG_CT_GET_CTRZERO", "IPCTNL_MSG_CT_GET_STATS_CPU",
	"IPCTNL_MSG_CT_GET_STATS", "IPCTNL_MSG_CT_GET_DYING", "IPCTNL_MSG_CT_GET_UNCONFIRMED",
}

var ctExpMsgNames = [...]string{
	"IPCTNL_MSG_EXP_NEW", "IPCTNL_MSG_EXP_GET", "IPCTNL_MSG_EXP_DELETE", "IPCTNL_MSG_EXP_GET_STATS_CPU",
}

func ctOp(name string) netlink.OpKind {
	switch {
	case strings.Contains(name, "_NEW"):
		return netlink.OpNew
	case strings.Contains(name, "_GET"):
		return netlink.OpGet
	case strings.Contains(name, "_DELETE"):
		return netlink.OpDel
	}
	return netlink.OpOther
}

func ctMsgTypeName(msg uint8) (string, netlink.OpKind) {
	if int(msg) < len(ctMsgNames) {
		return ctMsgNames[msg], ctOp(ctMsgNames[msg])
	}
	return fmt.Sprintf("NFNL_SUBSYS_CTNETLINK<<8|%d", msg), netlink.OpOther
}

func ctExpMsgTypeName(msg uint8) (string, netlink.OpKind) {
	if int(msg) < len(ctExpMsgNames) {
		return ctExpMsgNames[msg], ctOp(ctExpMsgNames[msg])
	}
	return fmt.Sprintf("NFNL_SUBSYS_CTNETLINK_EXP<<8|%d", msg), netlink.OpOther
}

// ctBody decodes the attributes of a conntrack message.
func (d *nfDecoder) ctBody(msg uint8, attrs []byte, off int) ([]event.Field, string) {
	switch msg {
	case 4: // IPCTNL_MSG_CT_GET_STATS_CPU
		return d.set(attrs, off, &ctStatsCPUSet), "stats"
	case 5: // IPCTNL_MSG_CT_GET_STATS
		return d.set(attrs, off, &ctStatsGlobalSet), "stats"
	}
	fields := d.set(attrs, off, &ctSet)
	idx := nfIndex(attrs)
	var parts []string
	if t, ok := idx[1]; ok {
		parts = append(parts, ctTupleText(t))
	} else if d.family != 0 {
		parts = append(parts, nfFamilyName(d.family))
	} else {
		parts = append(parts, "all families")
	}
	if t, ok := idx[2]; ok {
		parts = append(parts, "reply "+ctTupleText(t))
	}
	if v, ok := nfBE32(idx[3]); ok {
		parts = append(parts, "status "+nfFlagNames(ctStatusNames, uint64(v)))
	}
	return fields, strings.Join(parts, " ")
}

// ctTupleText renders a CTA_TUPLE_* block as "tcp 10.0.0.1:1234 -> 10.0.0.2:80".
func ctTupleText(b []byte) string {
	idx := nfIndex(b)
	ip, proto := nfIndex(idx[1]), nfIndex(idx[2])
	src, dst := "?", "?"
	if v, ok := ip[1]; ok {
		src = nfAddr(v, 4)
	} else if v, ok := ip[3]; ok {
		src = nfAddr(v, 16)
	}
	if v, ok := ip[2]; ok {
		dst = nfAddr(v, 4)
	} else if v, ok := ip[4]; ok {
		dst = nfAddr(v, 16)
	}
	p, hasProto := proto[1]
	if !hasProto || len(p) != 1 {
		return src + " -> " + dst
	}
	s := nfProtoName(p[0]) + " "
	sp, ok1 := proto[2]
	dp, ok2 := proto[3]
	if ok1 && ok2 && len(sp) == 2 && len(dp) == 2 {
		return s + fmt.Sprintf("%s:%d -> %s:%d", src, binary.BigEndian.Uint16(sp), dst, binary.BigEndian.Uint16(dp))
	}
	s += src + " -> " + dst
	for _, k := range []struct {
		typ  uint16
		name string
	}{{5, "type"}, {6, "code"}, {4, "id"}, {8, "type"}, {9, "code"}, {7, "id"}} {
		if v, ok := proto[k.typ]; ok {
			s += " " + k.name + " " + nfGuess(v)
		}
	}
	return s
}

var ctStatusNames = []string{
	"IPS_EXPECTED", "IPS_SEEN_REPLY", "IPS_ASSURED", "IPS_CONFIRMED", "IPS_SRC_NAT",
	"IPS_DST_NAT", "IPS_SEQ_ADJUST", "IPS_SRC_NAT_DONE", "IPS_DST_NAT_DONE", "IPS_DYING",
	"IPS_FIXED_TIMEOUT", "IPS_TEMPLATE", "IPS_UNTRACKED", "IPS_HELPER", "IPS_OFFLOAD", "IPS_HW_OFFLOAD",
}

var ctTCPStates = []string{
	"TCP_CONNTRACK_NONE", "TCP_CONNTRACK_SYN_SENT", "TCP_CONNTRACK_SYN_RECV",
	"TCP_CONNTRACK_ESTABLISHED", "TCP_CONNTRACK_FIN_WAIT", "TCP_CONNTRACK_CLOSE_WAIT",
	"TCP_CONNTRACK_LAST_ACK", "TCP_CONNTRACK_TIME_WAIT", "TCP_CONNTRACK_CLOSE",
	"TCP_CONNTRACK_SYN_SENT2",
}

var ctIPSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_IP_V4_SRC", kind: nfIPv4},
	2: {name: "CTA_IP_V4_DST", kind: nfIPv4},
	3: {name: "CTA_IP_V6_SRC", kind: nfIPv6},
	4: {name: "CTA_IP_V6_DST", kind: nfIPv6},
}}

var ctProtoSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTO_NUM", kind: nfProto8},
	2: {name: "CTA_PROTO_SRC_PORT", kind: nfU16},
	3: {name: "CTA_PROTO_DST_PORT", kind: nfU16},
	4: {name: "CTA_PROTO_ICMP_ID", kind: nfU16},
	5: {name: "CTA_PROTO_ICMP_TYPE", kind: nfU8},
	6: {name: "CTA_PROTO_ICMP_CODE", kind: nfU8},
	7: {name: "CTA_PROTO_ICMPV6_ID", kind: nfU16},
	8: {name: "CTA_PROTO_ICMPV6_TYPE", kind: nfU8},
	9: {name: "CTA_PROTO_ICMPV6_CODE", kind: nfU8},
}}

var ctTupleSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_TUPLE_IP", kind: nfNest, sub: &ctIPSet},
	2: {name: "CTA_TUPLE_PROTO", kind: nfNest, sub: &ctProtoSet},
	3: {name: "CTA_TUPLE_ZONE", kind: nfU16},
}}

var ctCountersSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_COUNTERS_PACKETS", kind: nfU64},
	2: {name: "CTA_COUNTERS_BYTES", kind: nfU64},
	3: {name: "CTA_COUNTERS32_PACKETS", kind: nfU32},
	4: {name: "CTA_COUNTERS32_BYTES", kind: nfU32},
	5: {name: "CTA_COUNTERS_PAD", kind: nfBinary},
}}

var ctProtoinfoTCPSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTOINFO_TCP_STATE", kind: nfEnum8, enum: ctTCPStates},
	2: {name: "CTA_PROTOINFO_TCP_WSCALE_ORIGINAL", kind: nfU8},
	3: {name: "CTA_PROTOINFO_TCP_WSCALE_REPLY", kind: nfU8},
	4: {name: "CTA_PROTOINFO_TCP_FLAGS_ORIGINAL", kind: nfBinary},
	5: {name: "CTA_PROTOINFO_TCP_FLAGS_REPLY", kind: nfBinary},
}}

var ctProtoinfoDCCPSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTOINFO_DCCP_STATE", kind: nfU8},
	2: {name: "CTA_PROTOINFO_DCCP_ROLE", kind: nfU8},
	3: {name: "CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ", kind: nfU64},
	4: {name: "CTA_PROTOINFO_DCCP_PAD", kind: nfBinary},
}}

var ctProtoinfoSCTPSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTOINFO_SCTP_STATE", kind: nfU8},
	2: {name: "CTA_PROTOINFO_SCTP_VTAG_ORIGINAL", kind: nfU32},
	3: {name: "CTA_PROTOINFO_SCTP_VTAG_REPLY", kind: nfU32},
}}

var ctProtoinfoSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTOINFO_TCP", kind: nfNest, sub: &ctProtoinfoTCPSet},
	2: {name: "CTA_PROTOINFO_DCCP", kind: nfNest, sub: &ctProtoinfoDCCPSet},
	3: {name: "CTA_PROTOINFO_SCTP", kind: nfNest, sub: &ctProtoinfoSCTPSet},
}}

var ctHelpSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_HELP_NAME", kind: nfString},
	2: {name: "CTA_HELP_INFO", kind: nfBinary},
}}

var ctProtoNATSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_PROTONAT_PORT_MIN", kind: nfU16},
	2: {name: "CTA_PROTONAT_PORT_MAX", kind: nfU16},
}}

var ctNATSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_NAT_V4_MINIP", kind: nfIPv4},
	2: {name: "CTA_NAT_V4_MAXIP", kind: nfIPv4},
	3: {name: "CTA_NAT_PROTO", kind: nfNest, sub: &ctProtoNATSet},
	4: {name: "CTA_NAT_V6_MINIP", kind: nfIPv6},
	5: {name: "CTA_NAT_V6_MAXIP", kind: nfIPv6},
}}

var ctSeqAdjSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_SEQADJ_CORRECTION_POS", kind: nfU32},
	2: {name: "CTA_SEQADJ_OFFSET_BEFORE", kind: nfU32},
	3: {name: "CTA_SEQADJ_OFFSET_AFTER", kind: nfU32},
}}

var ctSecctxSet = nfSet{attrs: []nfSpec{1: {name: "CTA_SECCTX_NAME", kind: nfString}}}

var ctTimestampSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_TIMESTAMP_START", kind: nfU64},
	2: {name: "CTA_TIMESTAMP_STOP", kind: nfU64},
	3: {name: "CTA_TIMESTAMP_PAD", kind: nfBinary},
}}

var ctSynproxySet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_SYNPROXY_ISN", kind: nfU32},
	2: {name: "CTA_SYNPROXY_ITS", kind: nfU32},
	3: {name: "CTA_SYNPROXY_TSOFF", kind: nfU32},
}}

var ctFilterSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_FILTER_ORIG_FLAGS", kind: nfHex32},
	2: {name: "CTA_FILTER_REPLY_FLAGS", kind: nfHex32},
}}

var ctSet = nfSet{attrs: []nfSpec{
	1:  {name: "CTA_TUPLE_ORIG", kind: nfTuple},
	2:  {name: "CTA_TUPLE_REPLY", kind: nfTuple},
	3:  {name: "CTA_STATUS", kind: nfFlags32, flags: ctStatusNames},
	4:  {name: "CTA_PROTOINFO", kind: nfNest, sub: &ctProtoinfoSet},
	5:  {name: "CTA_HELP", kind: nfNest, sub: &ctHelpSet},
	6:  {name: "CTA_NAT_SRC", kind: nfNest, sub: &ctNATSet},
	7:  {name: "CTA_TIMEOUT", kind: nfU32},
	8:  {name: "CTA_MARK", kind: nfHex32},
	9:  {name: "CTA_COUNTERS_ORIG", kind: nfNest, sub: &ctCountersSet},
	10: {name: "CTA_COUNTERS_REPLY", kind: nfNest, sub: &ctCountersSet},
	11: {name: "CTA_USE", kind: nfU32},
	12: {name: "CTA_ID", kind: nfU32},
	13: {name: "CTA_NAT_DST", kind: nfNest, sub: &ctNATSet},
	14: {name: "CTA_TUPLE_MASTER", kind: nfTuple},
	15: {name: "CTA_SEQ_ADJ_ORIG", kind: nfNest, sub: &ctSeqAdjSet},
	16: {name: "CTA_SEQ_ADJ_REPLY", kind: nfNest, sub: &ctSeqAdjSet},
	17: {name: "CTA_SECMARK", kind: nfU32},
	18: {name: "CTA_ZONE", kind: nfU16},
	19: {name: "CTA_SECCTX", kind: nfNest, sub: &ctSecctxSet},
	20: {name: "CTA_TIMESTAMP", kind: nfNest, sub: &ctTimestampSet},
	21: {name: "CTA_MARK_MASK", kind: nfHex32},
	22: {name: "CTA_LABELS", kind: nfBinary},
	23: {name: "CTA_LABELS_MASK", kind: nfBinary},
	24: {name: "CTA_SYNPROXY", kind: nfNest, sub: &ctSynproxySet},
	25: {name: "CTA_FILTER", kind: nfNest, sub: &ctFilterSet},
	26: {name: "CTA_STATUS_MASK", kind: nfFlags32, flags: ctStatusNames},
}}

var ctStatsCPUSet = nfSet{attrs: []nfSpec{
	1:  {name: "CTA_STATS_SEARCHED", kind: nfU32},
	2:  {name: "CTA_STATS_FOUND", kind: nfU32},
	3:  {name: "CTA_STATS_NEW", kind: nfU32},
	4:  {name: "CTA_STATS_INVALID", kind: nfU32},
	5:  {name: "CTA_STATS_IGNORE", kind: nfU32},
	6:  {name: "CTA_STATS_DELETE", kind: nfU32},
	7:  {name: "CTA_STATS_DELETE_LIST", kind: nfU32},
	8:  {name: "CTA_STATS_INSERT", kind: nfU32},
	9:  {name: "CTA_STATS_INSERT_FAILED", kind: nfU32},
	10: {name: "CTA_STATS_DROP", kind: nfU32},
	11: {name: "CTA_STATS_EARLY_DROP", kind: nfU32},
	12: {name: "CTA_STATS_ERROR", kind: nfU32},
	13: {name: "CTA_STATS_SEARCH_RESTART", kind: nfU32},
	14: {name: "CTA_STATS_CLASH_RESOLVE", kind: nfU32},
	15: {name: "CTA_STATS_CHAIN_TOOLONG", kind: nfU32},
}}

var ctStatsGlobalSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_STATS_GLOBAL_ENTRIES", kind: nfU32},
	2: {name: "CTA_STATS_GLOBAL_MAX_ENTRIES", kind: nfU32},
}}

var ctExpectNATSet = nfSet{attrs: []nfSpec{
	1: {name: "CTA_EXPECT_NAT_DIR", kind: nfU32},
	2: {name: "CTA_EXPECT_NAT_TUPLE", kind: nfTuple},
}}

var ctExpectSet = nfSet{attrs: []nfSpec{
	1:  {name: "CTA_EXPECT_MASTER", kind: nfTuple},
	2:  {name: "CTA_EXPECT_TUPLE", kind: nfTuple},
	3:  {name: "CTA_EXPECT_MASK", kind: nfTuple},
	4:  {name: "CTA_EXPECT_TIMEOUT", kind: nfU32},
	5:  {name: "CTA_EXPECT_ID", kind: nfHex32},
	6:  {name: "CTA_EXPECT_HELP_NAME", kind: nfString},
	7:  {name: "CTA_EXPECT_ZONE", kind: nfU16},
	8:  {name: "CTA_EXPECT_FLAGS", kind: nfFlags32, flags: []string{"NF_CT_EXPECT_PERMANENT", "NF_CT_EXPECT_INACTIVE", "NF_CT_EXPECT_USERSPACE"}},
	9:  {name: "CTA_EXPECT_CLASS", kind: nfU32},
	10: {name: "CTA_EXPECT_NAT", kind: nfNest, sub: &ctExpectNATSet},
	11: {name: "CTA_EXPECT_FN", kind: nfString},
}}
