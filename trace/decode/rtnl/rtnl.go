package rtnl

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// rtnetlink (NETLINK_ROUTE): every message is a fixed header (ifinfomsg,
// ifaddrmsg, rtmsg, ndmsg, ...) followed by attributes. The tables below
// say how each attribute is rendered; rtnetlink_link.go holds the link
// tables, the largest family.

// Message type groups: RTM_NEWLINK..RTM_SETLINK is group 0, the ADDR
// messages group 1, and so on in fours from RTM_BASE (16).
const (
	rtmBase          = 16
	rtGroupLink      = 0
	rtGroupAddr      = 1
	rtGroupRoute     = 2
	rtGroupNeigh     = 3
	rtGroupNetconf   = 16
	rtGroupNsid      = 18
	rtGroupLinkProp  = 23
	rtmsgIFFUp       = 0x1 // IFF_UP
	rtNeighNUDNone   = 0
	rtnUnicast       = 1
	rtMaxAttrDepth   = 32
	rtIfinfomsgLen   = 16
	rtIfaddrmsgLen   = 8
	rtRtmsgLen       = 12
	rtNdmsgLen       = 12
	rtNetconfmsgLen  = 4 // struct netconfmsg (1 byte) padded to NLMSG_ALIGNTO
	rtRtgenmsgLen    = 4 // struct rtgenmsg (1 byte) padded to NLMSG_ALIGNTO
	rtKindOpMaskBits = 3
)

// rtKind says how the data of an attribute is rendered.
type rtKind uint8

const (
	rtAuto   rtKind = iota // by its shape (see nlAutoValue)
	rtHex                  // raw bytes
	rtString               // NUL-terminated string
	rtUint                 // unsigned integer of 1, 2, 4 or 8 bytes
	rtInt                  // signed integer
	rtBE                   // unsigned integer in network byte order
	rtFlag                 // NLA_FLAG: present means true
	rtMAC                  // hardware address
	rtAddr                 // IPv4 or IPv6 address, by length
	rtNested               // nested attributes named by rtAttr.nested
	rtFunc                 // decoded by rtAttr.fn
)

// rtAttr describes one attribute type of a table.
type rtAttr struct {
	kind   rtKind
	render func(uint64) string // for rtUint and rtBE: names for the number
	nested *rtTable            // for rtNested
	fn     func(c *rtCtx, a netlink.Attr) (string, []event.Field)
}

// rtTable describes a set of attributes: their names and how to render
// each. Types missing from attrs are rendered by shape.
type rtTable struct {
	prefix string // names unknown types, e.g. "IFLA(70)"
	names  []string
	attrs  map[uint16]rtAttr
}

// rtCtx carries what attribute decoding needs to know about the message
// (its address family) and collects the first decoding problem.
type rtCtx struct {
	family uint8
	bad    string
	depth  int
}

func (c *rtCtx) fail(msg string) {
	if msg != "" && c.bad == "" {
		c.bad = msg
	}
}

// attrs decodes the attributes in b (found at payload offset base) with t.
func (c *rtCtx) attrs(b []byte, base int, t *rtTable) []event.Field {
	as, bad := netlink.ParseAttrs(b, base)
	c.fail(bad)
	fields := make([]event.Field, 0, len(as))
	for _, a := range as {
		fields = append(fields, c.attr(a, t))
	}
	return fields
}

// attr decodes one attribute with t.
func (c *rtCtx) attr(a netlink.Attr, t *rtTable) event.Field {
	f := event.Field{Name: netlink.Name(t.names, uint64(a.Type), t.prefix), Offset: a.Off, Length: a.Len}
	spec, known := t.attrs[a.Type]
	if !known && !a.Nested && (int(a.Type) >= len(t.names) || t.names[a.Type] == "") {
		// Not in the table at all: the bytes, under the type's number.
		f.Value = netlink.Hex(a.Data)
		return f
	}
	if c.depth >= rtMaxAttrDepth && (spec.kind == rtNested || spec.kind == rtFunc || a.Nested) {
		c.fail(fmt.Sprintf("attributes nested more than %d levels deep at offset %d", rtMaxAttrDepth, a.Off))
		f.Value = netlink.Hex(a.Data)
		return f
	}
	c.depth++
	defer func() { c.depth-- }()
	switch spec.kind {
	case rtAuto:
		if a.Nested {
			var bad string
			f.Children, bad = netlink.AutoAttrs(a.Data, a.DataOff(), t.prefix, 0)
			c.fail(bad)
		} else {
			f.Value = netlink.AutoValue(a)
		}
	case rtHex:
		f.Value = netlink.Hex(a.Data)
	case rtString:
		f.Value = netlink.Quote(a.Data)
	case rtUint:
		f.Value = netlink.UintValue(a, spec.render)
	case rtInt:
		f.Value = netlink.IntValue(a)
	case rtBE:
		a.NetOrder = true
		f.Value = netlink.UintValue(a, spec.render)
	case rtFlag:
		if len(a.Data) == 0 {
			f.Value = "true"
		} else {
			f.Value = netlink.Hex(a.Data)
		}
	case rtMAC:
		f.Value = netlink.MAC(a.Data)
	case rtAddr:
		f.Value = netlink.Addr(a.Data)
	case rtNested:
		f.Children = c.attrs(a.Data, a.DataOff(), spec.nested)
	case rtFunc:
		f.Value, f.Children = spec.fn(c, a)
	}
	return f
}

// Shorthands for table entries.
func rtU(render func(uint64) string) rtAttr { return rtAttr{kind: rtUint, render: render} }

var (
	rtStr    = rtAttr{kind: rtString}
	rtNum    = rtAttr{kind: rtUint}
	rtSigned = rtAttr{kind: rtInt}
	rtMac    = rtAttr{kind: rtMAC}
	rtIP     = rtAttr{kind: rtAddr}
	rtRaw    = rtAttr{kind: rtHex}
	rtBool   = rtAttr{kind: rtFlag}
	rtPort   = rtAttr{kind: rtBE}
)

func rtNest(t *rtTable) rtAttr { return rtAttr{kind: rtNested, nested: t} }

func rtFn(fn func(c *rtCtx, a netlink.Attr) (string, []event.Field)) rtAttr {
	return rtAttr{kind: rtFunc, fn: fn}
}

// rtMember describes one member of a fixed-size C struct. Members without
// a name are padding: they take bytes but produce no field.
type rtMember struct {
	name   string
	size   int
	kind   rtKind // rtUint (the default when zero), rtInt, rtBE, rtMAC, rtAddr or rtHex
	render func(uint64) string
}

// rtStruct decodes the members of a struct found at payload offset base.
// It decodes as many members as b holds and reports whether b was short.
func rtStruct(b []byte, base int, members []rtMember) (fields []event.Field, short bool) {
	pos := 0
	for _, m := range members {
		if pos+m.size > len(b) {
			return fields, true
		}
		data := b[pos : pos+m.size]
		if m.name != "" {
			f := event.Field{Name: m.name, Offset: base + pos, Length: m.size}
			switch m.kind {
			case rtInt:
				f.Value = netlink.IntValue(netlink.Attr{Data: data})
			case rtBE:
				f.Value = netlink.UintValue(netlink.Attr{Data: data, NetOrder: true}, m.render)
			case rtMAC:
				f.Value = netlink.MAC(data)
			case rtAddr:
				f.Value = netlink.Addr(data)
			case rtHex:
				f.Value = netlink.Hex(data)
			default:
				f.Value = netlink.UintValue(netlink.Attr{Data: data}, m.render)
			}
			fields = append(fields, f)
		}
		pos += m.size
	}
	return fields, false
}

// rtStructAttr returns an attribute decoder for data holding one struct.
func rtStructAttr(members []rtMember) func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	return func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
		fields, short := rtStruct(a.Data, a.DataOff(), members)
		if short {
			return netlink.Hex(a.Data), fields
		}
		return "", fields
	}
}

// rtArray returns an attribute decoder for an array of size-byte integers
// whose entry i is named names[i+first].
func rtArray(size int, signed bool, names []string, first int, prefix string) func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	return func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
		var fields []event.Field
		for i := 0; (i+1)*size <= len(a.Data); i++ {
			data := a.Data[i*size : (i+1)*size]
			var v string
			if signed {
				v = netlink.IntValue(netlink.Attr{Data: data})
			} else {
				v = netlink.UintValue(netlink.Attr{Data: data}, nil)
			}
			fields = append(fields, event.Field{
				Name:   netlink.Name(names, uint64(i+first), prefix),
				Value:  v,
				Offset: a.DataOff() + i*size,
				Length: size,
			})
		}
		return "", fields
	}
}

// Common value renderers.
var (
	rtFamilyName  = netlink.Enum(sockaddr.AFNames)
	rtScopeName   = netlink.EnumMap(rtScopeNames)
	rtTableName   = netlink.EnumMap(rtTableNames)
	rtProtoName   = netlink.EnumMap(rtprotNames)
	rtTypeName    = netlink.Enum(rtnNames)
	rtClockT      = func(v uint64) string { return fmt.Sprintf("%d (%d.%02d s)", v, v/100, v%100) }
	rtIfindexName = func(v uint64) string { return strconv.FormatInt(int64(int32(uint32(v))), 10) }
)

func init() { netlink.RegisterBody(netlink.Route, decodeRouteBody) }

// decodeRouteBody decodes the body of a NETLINK_ROUTE message. The low two
// bits of the type (counted from RTM_BASE) give the operation: new, delete,
// get or set.
func decodeRouteBody(msgType uint16, body []byte, base int) netlink.Body {
	d := netlink.Body{TypeName: strconv.Itoa(int(msgType))}
	if int(msgType) < len(rtmNames) && rtmNames[msgType] != "" {
		d.TypeName = rtmNames[msgType]
	}
	if msgType < rtmBase {
		return d
	}
	switch (msgType - rtmBase) & rtKindOpMaskBits {
	case 0:
		d.Op = netlink.OpNew
	case 1:
		d.Op = netlink.OpDel
	case 2:
		d.Op = netlink.OpGet
	}
	if len(body) == 0 {
		return d
	}
	get := d.Op == netlink.OpGet
	switch (msgType - rtmBase) / 4 {
	case rtGroupLink, rtGroupLinkProp:
		rtDecodeLink(body, base, get, &d)
	case rtGroupAddr:
		rtDecodeAddr(body, base, get, &d)
	case rtGroupRoute:
		rtDecodeRoute(body, base, get, &d)
	case rtGroupNeigh:
		rtDecodeNeigh(body, base, get, &d)
	case rtGroupNetconf:
		rtDecodeNetconf(body, base, &d)
	case rtGroupNsid:
		rtDecodeNsid(body, base, &d)
	default:
		d.Fields = []event.Field{{Name: "payload", Value: netlink.Hex(body), Offset: base, Length: len(body)}}
	}
	return d
}

// rtShortHeader handles a body shorter than the fixed header it should
// start with. Dump requests may carry only struct rtgenmsg (the family);
// anything else is malformed.
func rtShortHeader(body []byte, base int, get bool, header string, size int, d *netlink.Body) {
	if get {
		d.Fields = []event.Field{{Name: "rtgenmsg", Offset: base, Length: len(body), Children: []event.Field{
			{Name: "rtgen_family", Value: rtFamilyName(uint64(body[0])), Offset: base, Length: 1},
		}}}
		if body[0] != unix.AF_UNSPEC {
			d.Summary = rtFamilyName(uint64(body[0]))
		}
		return
	}
	d.Malformed = fmt.Sprintf("body of %d bytes is shorter than %s (%d bytes)", len(body), header, size)
	d.Fields = []event.Field{{Name: "payload", Value: netlink.Hex(body), Offset: base, Length: len(body)}}
}

// rtHeaderField wraps the members of a fixed header into one block.
func rtHeaderField(name string, base, size int, members []event.Field) event.Field {
	return event.Field{Name: name, Offset: base, Length: size, Children: members}
}

// rtTop returns the top-level field called name.
func rtTop(fields []event.Field, name string) (event.Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return event.Field{}, false
}

// rtTopValue returns the value of the top-level field called name, with
// the quotes of a string value removed.
func rtTopValue(fields []event.Field, name string) string {
	f, ok := rtTop(fields, name)
	if !ok {
		return ""
	}
	return rtUnquote(f.Value)
}

func rtUnquote(v string) string {
	if strings.HasPrefix(v, `"`) {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	}
	return v
}

// ifaddrmsg (linux/if_addr.h).
var rtIfaddrmsg = []rtMember{
	{name: "ifa_family", size: 1, render: rtFamilyName},
	{name: "ifa_prefixlen", size: 1},
	{name: "ifa_flags", size: 1, render: netlink.FlagsOf(ifaFlags)},
	{name: "ifa_scope", size: 1, render: rtScopeName},
	{name: "ifa_index", size: 4, kind: rtInt},
}

var rtIfaCacheinfo = []rtMember{
	{name: "ifa_prefered", size: 4}, {name: "ifa_valid", size: 4},
	{name: "cstamp", size: 4}, {name: "tstamp", size: 4},
}

var rtAddrTable = &rtTable{prefix: "IFA", names: ifaNames, attrs: map[uint16]rtAttr{
	1:  rtIP,  // IFA_ADDRESS
	2:  rtIP,  // IFA_LOCAL
	3:  rtStr, // IFA_LABEL
	4:  rtIP,  // IFA_BROADCAST
	5:  rtIP,  // IFA_ANYCAST
	6:  rtFn(rtStructAttr(rtIfaCacheinfo)),
	7:  rtIP, // IFA_MULTICAST
	8:  rtU(netlink.FlagsOf(ifaFlags)),
	9:  rtNum,    // IFA_RT_PRIORITY
	10: rtSigned, // IFA_TARGET_NETNSID
	11: rtU(netlink.Enum(ifaprotNames)),
}}

// rtDecodeAddr decodes RTM_{NEW,DEL,GET}ADDR: ifaddrmsg and IFA_*.
func rtDecodeAddr(body []byte, base int, get bool, d *netlink.Body) {
	if len(body) < rtIfaddrmsgLen {
		rtShortHeader(body, base, get, "ifaddrmsg", rtIfaddrmsgLen, d)
		return
	}
	hdr, _ := rtStruct(body, base, rtIfaddrmsg)
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtIfaddrmsgLen:], base+rtIfaddrmsgLen, rtAddrTable)
	d.Fields = append([]event.Field{rtHeaderField("ifaddrmsg", base, rtIfaddrmsgLen, hdr)}, attrs...)
	d.Malformed = c.bad

	index := int32(binary.LittleEndian.Uint32(body[4:]))
	addr := rtTopValue(attrs, "IFA_LOCAL")
	if addr == "" {
		addr = rtTopValue(attrs, "IFA_ADDRESS")
	}
	var parts []string
	if addr != "" {
		parts = append(parts, fmt.Sprintf("%s/%d", addr, body[1]))
	} else if body[0] != unix.AF_UNSPEC {
		parts = append(parts, rtFamilyName(uint64(body[0])))
	}
	if index != 0 {
		parts = append(parts, fmt.Sprintf("dev index=%d", index))
	}
	d.Summary = strings.Join(parts, " ")
}

// rtmsg (linux/rtnetlink.h).
var rtRtmsg = []rtMember{
	{name: "rtm_family", size: 1, render: rtFamilyName},
	{name: "rtm_dst_len", size: 1},
	{name: "rtm_src_len", size: 1},
	{name: "rtm_tos", size: 1},
	{name: "rtm_table", size: 1, render: rtTableName},
	{name: "rtm_protocol", size: 1, render: rtProtoName},
	{name: "rtm_scope", size: 1, render: rtScopeName},
	{name: "rtm_type", size: 1, render: rtTypeName},
	{name: "rtm_flags", size: 4, render: netlink.FlagsOf(rtmFlags)},
}

var rtRtaCacheinfo = []rtMember{
	{name: "rta_clntref", size: 4}, {name: "rta_lastuse", size: 4},
	{name: "rta_expires", size: 4, kind: rtInt}, {name: "rta_error", size: 4},
	{name: "rta_used", size: 4}, {name: "rta_id", size: 4},
	{name: "rta_ts", size: 4}, {name: "rta_tsage", size: 4},
}

var rtRtaMfcStats = []rtMember{
	{name: "mfcs_packets", size: 8}, {name: "mfcs_bytes", size: 8}, {name: "mfcs_wrong_if", size: 8},
}

var rtMetricsTable = &rtTable{prefix: "RTAX", names: rtaxNames, attrs: map[uint16]rtAttr{
	1: rtNum, 2: rtNum, 3: rtNum, 4: rtNum, 5: rtNum, 6: rtNum, 7: rtNum, 8: rtNum,
	9: rtNum, 10: rtNum, 11: rtNum, 12: rtNum, 13: rtNum, 14: rtNum, 15: rtNum,
	16: rtStr, // RTAX_CC_ALGO
	17: rtNum,
}}

var rtRouteTable *rtTable

func init() {
	rtRouteTable = &rtTable{prefix: "RTA", names: rtaNames, attrs: map[uint16]rtAttr{
		1:  rtIP, // RTA_DST
		2:  rtIP, // RTA_SRC
		3:  rtU(rtIfindexName),
		4:  rtU(rtIfindexName),
		5:  rtIP,  // RTA_GATEWAY
		6:  rtNum, // RTA_PRIORITY
		7:  rtIP,  // RTA_PREFSRC
		8:  rtNest(rtMetricsTable),
		9:  rtFn(rtMultipath),
		11: rtNum, // RTA_FLOW
		12: rtFn(rtStructAttr(rtRtaCacheinfo)),
		15: rtU(rtTableName),
		16: rtNum, // RTA_MARK
		17: rtFn(rtStructAttr(rtRtaMfcStats)),
		18: rtFn(rtVia),
		19: rtIP, // RTA_NEWDST
		20: rtU(netlink.Enum(icmpv6RouterPrefNames)),
		21: rtU(netlink.Enum(lwtunnelEncapNames)),
		22: {kind: rtAuto}, // RTA_ENCAP: depends on the encap type
		23: rtNum,          // RTA_EXPIRES
		24: rtRaw,          // RTA_PAD
		25: rtNum,          // RTA_UID
		26: rtNum,          // RTA_TTL_PROPAGATE
		27: rtNum,          // RTA_IP_PROTO
		28: rtPort,         // RTA_SPORT
		29: rtPort,         // RTA_DPORT
		30: rtNum,          // RTA_NH_ID
		31: rtPort,         // RTA_FLOWLABEL
	}}
}

// rtVia decodes RTA_VIA: struct rtvia, a next hop of another family.
func rtVia(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) < 2 {
		return netlink.Hex(a.Data), nil
	}
	fam := binary.LittleEndian.Uint16(a.Data)
	addr := netlink.Addr(a.Data[2:])
	return addr, []event.Field{
		{Name: "rtvia_family", Value: rtFamilyName(uint64(fam)), Offset: a.DataOff(), Length: 2},
		{Name: "rtvia_addr", Value: addr, Offset: a.DataOff() + 2, Length: len(a.Data) - 2},
	}
}

// struct rtnexthop.
var rtRtnexthop = []rtMember{
	{name: "rtnh_len", size: 2},
	{name: "rtnh_flags", size: 1, render: netlink.FlagsOf(rtnhFlags)},
	{name: "rtnh_hops", size: 1},
	{name: "rtnh_ifindex", size: 4, kind: rtInt},
}

// rtMultipath decodes RTA_MULTIPATH: an array of struct rtnexthop, each
// followed by its own RTA_* attributes.
func rtMultipath(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	var hops []event.Field
	b, base := a.Data, a.DataOff()
	for pos := 0; pos+8 <= len(b); {
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		if l < 8 || pos+l > len(b) {
			c.fail(fmt.Sprintf("rtnexthop at offset %d has rtnh_len %d", base+pos, l))
			break
		}
		members, _ := rtStruct(b[pos:pos+8], base+pos, rtRtnexthop)
		members = append(members, c.attrs(b[pos+8:pos+l], base+pos+8, rtRouteTable)...)
		hop := event.Field{Name: "rtnexthop", Offset: base + pos, Length: l, Children: members}
		hop.Value = netlink.Join(rtVal(members, "RTA_GATEWAY", "via "), "dev index="+rtTopValue(members, "rtnh_ifindex"))
		hops = append(hops, hop)
		pos += netlink.Align(l)
	}
	return "", hops
}

// rtVal returns prefix+value of the top-level field name, or "".
func rtVal(fields []event.Field, name, prefix string) string {
	if v := rtTopValue(fields, name); v != "" {
		return prefix + v
	}
	return ""
}

// rtDecodeRoute decodes RTM_{NEW,DEL,GET}ROUTE: rtmsg and RTA_*.
func rtDecodeRoute(body []byte, base int, get bool, d *netlink.Body) {
	if len(body) < rtRtmsgLen {
		rtShortHeader(body, base, get, "rtmsg", rtRtmsgLen, d)
		return
	}
	hdr, _ := rtStruct(body, base, rtRtmsg)
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtRtmsgLen:], base+rtRtmsgLen, rtRouteTable)
	d.Fields = append([]event.Field{rtHeaderField("rtmsg", base, rtRtmsgLen, hdr)}, attrs...)
	d.Malformed = c.bad
	if get && len(attrs) == 0 {
		if body[0] != unix.AF_UNSPEC {
			d.Summary = rtFamilyName(uint64(body[0]))
		}
		return
	}

	var parts []string
	if t := body[7]; t != rtnUnicast && t != 0 {
		parts = append(parts, strings.ToLower(strings.TrimPrefix(rtTypeName(uint64(t)), "RTN_")))
	}
	dstLen := int(body[1])
	switch dst := rtTopValue(attrs, "RTA_DST"); {
	case dst == "" && dstLen == 0:
		parts = append(parts, "default")
	case dst == "":
		parts = append(parts, fmt.Sprintf("/%d", dstLen))
	case (body[0] == unix.AF_INET && dstLen == 32) || (body[0] == unix.AF_INET6 && dstLen == 128):
		parts = append(parts, dst)
	default:
		parts = append(parts, fmt.Sprintf("%s/%d", dst, dstLen))
	}
	parts = append(parts, rtVal(attrs, "RTA_GATEWAY", "via "), rtVal(attrs, "RTA_VIA", "via "), rtVal(attrs, "RTA_OIF", "dev index="))
	table := rtTableName(uint64(body[4]))
	if v := rtTopValue(attrs, "RTA_TABLE"); v != "" {
		table = v // the full 32-bit table id
	}
	if table != "RT_TABLE_MAIN" && table != "RT_TABLE_UNSPEC" {
		parts = append(parts, "table "+strings.ToLower(strings.TrimPrefix(table, "RT_TABLE_")))
	}
	d.Summary = netlink.Join(parts...)
}

// ndmsg (linux/neighbour.h).
var rtNdmsg = []rtMember{
	{name: "ndm_family", size: 1, render: rtFamilyName},
	{size: 1}, {size: 2}, // ndm_pad1, ndm_pad2
	{name: "ndm_ifindex", size: 4, kind: rtInt},
	{name: "ndm_state", size: 2, render: rtNudName},
	{name: "ndm_flags", size: 1, render: netlink.FlagsOf(ntfFlags)},
	{name: "ndm_type", size: 1, render: rtTypeName},
}

func rtNudName(v uint64) string {
	if v == rtNeighNUDNone {
		return "NUD_NONE"
	}
	return netlink.Flags(v, nudFlags)
}

var rtNdaCacheinfo = []rtMember{
	{name: "ndm_confirmed", size: 4}, {name: "ndm_used", size: 4},
	{name: "ndm_updated", size: 4}, {name: "ndm_refcnt", size: 4},
}

var rtNeighTable = &rtTable{prefix: "NDA", names: ndaNames, attrs: map[uint16]rtAttr{
	1:  rtIP,  // NDA_DST
	2:  rtMac, // NDA_LLADDR
	3:  rtFn(rtStructAttr(rtNdaCacheinfo)),
	4:  rtNum,  // NDA_PROBES
	5:  rtNum,  // NDA_VLAN
	6:  rtPort, // NDA_PORT
	7:  rtNum,  // NDA_VNI
	8:  rtU(rtIfindexName),
	9:  rtU(rtIfindexName), // NDA_MASTER
	10: rtSigned,           // NDA_LINK_NETNSID
	11: rtNum,              // NDA_SRC_VNI
	12: rtU(rtProtoName),
	13: rtNum, // NDA_NH_ID
	14: rtNest(&rtTable{prefix: "NFEA", names: nfeaNames, attrs: map[uint16]rtAttr{1: rtNum, 2: rtBool}}),
	15: rtU(netlink.FlagsOf(ntfExtFlags)),
	16: rtU(rtNudName),
	17: rtU(netlink.FlagsOf(ntfFlags)),
}}

// rtDecodeNeigh decodes RTM_{NEW,DEL,GET}NEIGH: ndmsg and NDA_*. With
// AF_BRIDGE these are forwarding database (FDB) entries.
func rtDecodeNeigh(body []byte, base int, get bool, d *netlink.Body) {
	if len(body) < rtNdmsgLen {
		rtShortHeader(body, base, get, "ndmsg", rtNdmsgLen, d)
		return
	}
	hdr, _ := rtStruct(body, base, rtNdmsg)
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtNdmsgLen:], base+rtNdmsgLen, rtNeighTable)
	d.Fields = append([]event.Field{rtHeaderField("ndmsg", base, rtNdmsgLen, hdr)}, attrs...)
	d.Malformed = c.bad

	index := int32(binary.LittleEndian.Uint32(body[4:]))
	state := binary.LittleEndian.Uint16(body[8:])
	flags := body[10]
	dev := ""
	if index != 0 {
		dev = fmt.Sprintf("dev index=%d", index)
	}
	stateText := ""
	if state != 0 {
		stateText = strings.ReplaceAll(netlink.Flags(uint64(state), nudFlags), "NUD_", "")
	}
	if get && len(attrs) == 0 {
		d.Summary = netlink.Join(rtFamilyNameIfSet(body[0]), dev)
		return
	}
	if body[0] == unix.AF_BRIDGE {
		var ntf []string
		for _, f := range ntfFlags {
			if uint64(flags)&f.Mask != 0 {
				ntf = append(ntf, strings.ToLower(strings.TrimPrefix(f.Name, "NTF_")))
			}
		}
		d.Summary = netlink.Join(rtTopValue(attrs, "NDA_LLADDR"), dev, rtVal(attrs, "NDA_DST", "dst "),
			rtVal(attrs, "NDA_VLAN", "vlan "), rtVal(attrs, "NDA_VNI", "vni "), strings.Join(ntf, " "), stateText)
		return
	}
	d.Summary = netlink.Join(rtTopValue(attrs, "NDA_DST"), rtVal(attrs, "NDA_LLADDR", "lladdr "), dev, stateText)
}

func rtFamilyNameIfSet(f uint8) string {
	if f == unix.AF_UNSPEC {
		return ""
	}
	return rtFamilyName(uint64(f))
}

// rtNetconfIfindex renders NETCONFA_IFINDEX, which has two pseudo values.
func rtNetconfIfindex(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	v, ok := netlink.Int(a.Data)
	if !ok {
		return netlink.Hex(a.Data), nil
	}
	if name, ok := netconfIfindexNames[v]; ok {
		return name, nil
	}
	return strconv.FormatInt(v, 10), nil
}

var rtNetconfTable = &rtTable{prefix: "NETCONFA", names: netconfaNames, attrs: map[uint16]rtAttr{
	1: rtFn(rtNetconfIfindex),
	2: rtSigned, 3: rtSigned, 4: rtSigned, 5: rtSigned, 6: rtSigned, 7: rtSigned, 8: rtSigned, 9: rtSigned,
}}

// rtDecodeNetconf decodes RTM_{NEW,DEL,GET}NETCONF: struct netconfmsg and
// NETCONFA_*, the per-device IP settings also found in /proc/sys/net.
func rtDecodeNetconf(body []byte, base int, d *netlink.Body) {
	hdr := rtHeaderField("netconfmsg", base, min(len(body), rtNetconfmsgLen), []event.Field{
		{Name: "ncm_family", Value: rtFamilyName(uint64(body[0])), Offset: base, Length: 1},
	})
	d.Fields = []event.Field{hdr}
	if len(body) <= rtNetconfmsgLen {
		d.Summary = rtFamilyNameIfSet(body[0])
		return
	}
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtNetconfmsgLen:], base+rtNetconfmsgLen, rtNetconfTable)
	d.Fields = append(d.Fields, attrs...)
	d.Malformed = c.bad
	dev := rtTopValue(attrs, "NETCONFA_IFINDEX")
	switch dev {
	case "":
	case "NETCONFA_IFINDEX_ALL":
		dev = "all"
	case "NETCONFA_IFINDEX_DEFAULT":
		dev = "default"
	default:
		dev = "dev index=" + dev
	}
	d.Summary = netlink.Join(rtFamilyNameIfSet(body[0]), dev, rtVal(attrs, "NETCONFA_FORWARDING", "forwarding="),
		rtVal(attrs, "NETCONFA_RP_FILTER", "rp_filter="))
}

var rtNsidTable = &rtTable{prefix: "NETNSA", names: netnsaNames, attrs: map[uint16]rtAttr{
	1: rtSigned, // NETNSA_NSID
	2: rtNum,    // NETNSA_PID
	3: rtNum,    // NETNSA_FD
	4: rtSigned, // NETNSA_TARGET_NSID
	5: rtSigned, // NETNSA_CURRENT_NSID
}}

// rtDecodeNsid decodes RTM_{NEW,DEL,GET}NSID: struct rtgenmsg and NETNSA_*,
// the ids a namespace gives its peers.
func rtDecodeNsid(body []byte, base int, d *netlink.Body) {
	d.Fields = []event.Field{rtHeaderField("rtgenmsg", base, min(len(body), rtRtgenmsgLen), []event.Field{
		{Name: "rtgen_family", Value: rtFamilyName(uint64(body[0])), Offset: base, Length: 1},
	})}
	if len(body) <= rtRtgenmsgLen {
		return
	}
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtRtgenmsgLen:], base+rtRtgenmsgLen, rtNsidTable)
	d.Fields = append(d.Fields, attrs...)
	d.Malformed = c.bad
	d.Summary = netlink.Join(rtVal(attrs, "NETNSA_NSID", "nsid "), rtVal(attrs, "NETNSA_PID", "pid "), rtVal(attrs, "NETNSA_FD", "fd "))
}
