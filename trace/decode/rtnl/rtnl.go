package rtnl

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// rtnetlink (NETLINK_ROUTE): every message is a fixed header (ifinfomsg,
// ifaddrmsg, rtmsg, ndmsg, ...) followed by attributes. Message types come
// in groups of four from RTM_BASE (new, delete, get, set); each group has
// one format, and the attribute sets in tables.go say how each attribute
// is rendered.

func init() {
	netlink.RegisterBodyContext(unix.NETLINK_ROUTE, decodeBody)
	// Set here, not in the tables: each nests the set it belongs to.
	infoData.Formats["veth"] = &vethAttrs
	routeAttrs.Attrs[unix.RTA_MULTIPATH] = netlink.AttrSpec{Name: "RTA_MULTIPATH", Type: netlink.Custom, Decode: multipath}
}

// A format is the layout of the messages of one group: a fixed header
// struct, then attributes.
type format struct {
	header  string           // the struct's name, "ifinfomsg"
	members []netlink.Member // its members
	attrs   *netlink.AttrSet // the attributes that follow it
	// request, when set, holds the attributes of requests of an
	// operation kind where they differ from the kernel's messages.
	request map[netlink.OpKind]*netlink.AttrSet
	// summary describes a message in a few words from its header (at
	// least the struct's size) and attributes; get is set for requests
	// that read.
	summary func(hdr render.Bytes, attrs []event.Field, get bool) string
}

// formats holds the format of each message group, (type-RTM_BASE)/4.
var formats = map[uint16]*format{
	(unix.RTM_NEWLINK - unix.RTM_BASE) / 4:     {header: "ifinfomsg", members: ifinfomsg, attrs: &linkAttrs, summary: linkSummary},
	(unix.RTM_NEWLINKPROP - unix.RTM_BASE) / 4: {header: "ifinfomsg", members: ifinfomsg, attrs: &linkAttrs, summary: linkSummary},
	(unix.RTM_NEWADDR - unix.RTM_BASE) / 4:     {header: "ifaddrmsg", members: ifaddrmsg, attrs: &addrAttrs, summary: addrSummary},
	(unix.RTM_NEWROUTE - unix.RTM_BASE) / 4:    {header: "rtmsg", members: rtmsg, attrs: &routeAttrs, summary: routeSummary},
	(unix.RTM_NEWNEIGH - unix.RTM_BASE) / 4:    {header: "ndmsg", members: ndmsg, attrs: &neighAttrs, summary: neighSummary},
	(unix.RTM_NEWNETCONF - unix.RTM_BASE) / 4:  {header: "netconfmsg", members: netconfmsg, attrs: &netconfAttrs, summary: netconfSummary},
	(unix.RTM_NEWNSID - unix.RTM_BASE) / 4:     {header: "rtgenmsg", members: rtgenmsg, attrs: &nsidAttrs, summary: nsidSummary},
	(unix.RTM_NEWQDISC - unix.RTM_BASE) / 4:    {header: "tcmsg", members: tcStructTcmsg, attrs: &tcSetTcAttrs, summary: tcSummary},
	(unix.RTM_NEWTCLASS - unix.RTM_BASE) / 4:   {header: "tcmsg", members: tcStructTcmsg, attrs: &tcSetTcAttrs, summary: tcSummary},
	(unix.RTM_NEWTFILTER - unix.RTM_BASE) / 4:  {header: "tcmsg", members: tcStructTcmsg, attrs: &tcSetTcAttrs, summary: tcSummary},
	(unix.RTM_NEWCHAIN - unix.RTM_BASE) / 4:    {header: "tcmsg", members: tcStructTcmsg, attrs: &tcSetTcAttrs, summary: tcSummary},
	(unix.RTM_NEWRULE - unix.RTM_BASE) / 4:     {header: "fib_rule_hdr", members: ruleStructFibRuleHdr, attrs: &ruleSetFibRuleAttrs, summary: ruleSummary},
	(rtmNewNexthop - unix.RTM_BASE) / 4:        {header: "nhmsg", members: nhmsg, attrs: &nexthopAttrs, summary: nexthopSummary},
	(rtmNewVlan - unix.RTM_BASE) / 4: {header: "br_vlan_msg", members: brVlanMsg, attrs: &vlanDBAttrs, summary: vlanSummary,
		request: map[netlink.OpKind]*netlink.AttrSet{netlink.OpGet: &vlanDBDumpAttrs}},
	(unix.RTM_NEWMDB - unix.RTM_BASE) / 4: {header: "br_port_msg", members: brPortMsg, attrs: &mdbAttrs, summary: mdbSummary,
		request: map[netlink.OpKind]*netlink.AttrSet{netlink.OpNew: &mdbSetAttrs, netlink.OpDel: &mdbSetAttrs}},
}

// decodeBody decodes the body of a NETLINK_ROUTE message. The low two
// bits of the type (counted from RTM_BASE) give the operation: new, delete,
// get or set.
func decodeBody(h netlink.Header, body []byte, base int) netlink.Body {
	msgType := h.Type
	d := netlink.Body{Decoded: event.Decoded{Name: msgNames.Name(uint64(msgType))}}
	if msgType < unix.RTM_BASE {
		return d
	}
	switch (msgType - unix.RTM_BASE) % 4 {
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
	f := formats[(msgType-unix.RTM_BASE)/4]
	if f == nil {
		d.Fields = []event.Field{{Name: "payload", Value: render.Hex(body), Offset: base, Length: len(body)}}
		return d
	}
	attrs := f.attrs
	if a := f.request[d.Op]; a != nil && h.Request() {
		attrs = a
	}
	f.decode(body, base, d.Op == netlink.OpGet, attrs, &netlink.Walker{Family: body[0], Ctx: h.Ctx}, &d)
	return d
}

// decode decodes a body of the format: the header, then the attributes
// from the next 4-byte boundary. A body shorter than the header is a dump
// request that carries only struct rtgenmsg (the family), or malformed.
func (f *format) decode(body []byte, base int, get bool, set *netlink.AttrSet, w *netlink.Walker, d *netlink.Body) {
	size := netlink.StructSize(f.members)
	if len(body) < size {
		if get {
			family, _ := netlink.Struct(body, base, rtgenmsg)
			d.Fields = []event.Field{{Name: "rtgenmsg", Offset: base, Length: len(body), Children: family}}
			d.Summary = familyIfSet(body[0])
			return
		}
		d.Malformed = fmt.Sprintf("body of %d bytes is shorter than %s (%d bytes)", len(body), f.header, size)
		d.Fields = []event.Field{{Name: "payload", Value: render.Hex(body), Offset: base, Length: len(body)}}
		return
	}
	hdrLen := min(len(body), netlink.Align(size))
	hdr, _ := w.Struct(body[:size], base, f.members)
	d.Fields = []event.Field{{Name: f.header, Offset: base, Length: hdrLen, Children: hdr}}
	var attrs []event.Field
	if len(body) > hdrLen {
		attrs = w.Attrs(body[hdrLen:], base+hdrLen, set)
		d.Fields = append(d.Fields, attrs...)
		d.Malformed = w.Malformed
	}
	d.Summary = nameIndexes(f.summary(body, attrs, get), w.Ctx)
}

// nameIndexes puts interface names into a summary when the context knows
// them: "dev index=4" becomes "dev docker0", "index=4" "index=4 (docker0)".
func nameIndexes(s string, ctx *netlink.Context) string {
	if ctx == nil || ctx.Ifnames == nil || !strings.Contains(s, "index=") {
		return s
	}
	words := strings.Split(s, " ")
	out := make([]string, 0, len(words)+1)
	for i := 0; i < len(words); i++ {
		w := words[i]
		v, ok := strings.CutPrefix(w, "index=")
		if !ok {
			out = append(out, w)
			continue
		}
		if i+1 < len(words) && strings.HasPrefix(words[i+1], "(") {
			i++ // the walker already named it: "index=4 (docker0)"
		}
		n, err := strconv.ParseInt(v, 10, 32)
		name, known := "", false
		if err == nil {
			name, known = ctx.Ifnames.Ifname(int32(n))
		}
		switch {
		case !known || name == "":
			out = append(out, w)
		case len(out) > 0 && out[len(out)-1] == "dev":
			out = append(out, name)
		default:
			out = append(out, w, "("+name+")")
		}
	}
	return strings.Join(out, " ")
}

// Value renderers shared by the tables.
var (
	// clockT renders a time in hundredths of a second.
	clockT = render.NamerFunc(func(v uint64) string { return fmt.Sprintf("%d (%d.%02d s)", v, v/100, v%100) })
	// nudState names ndm_state, where zero is NUD_NONE.
	nudState = append(render.FlagSet{{Name: "NUD_NONE"}}, nudFlags...)
	// nexthopFlags names rtnh_flags, the RTNH_F_* bits of rtm_flags.
	nexthopFlags = routeFlags[:7]
)

// familyName names an address family.
func familyName(f uint8) string { return sockaddr.AFNames.Name(uint64(f)) }

// familyIfSet names an address family, or gives "" for AF_UNSPEC.
func familyIfSet(f uint8) string {
	if f == unix.AF_UNSPEC {
		return ""
	}
	return familyName(f)
}

// topValue returns the value of the top-level field called name, with
// the quotes of a string value removed.
func topValue(fields []event.Field, name string) string {
	f, ok := event.Top(fields, name)
	if !ok {
		return ""
	}
	return unquote(f.Value)
}

func unquote(v string) string {
	if strings.HasPrefix(v, `"`) {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	}
	return v
}

// labeled returns label+value of the top-level field name, or "".
func labeled(fields []event.Field, name, label string) string {
	if v := topValue(fields, name); v != "" {
		return label + v
	}
	return ""
}

// index is the interface index member of a header at off.
func index(hdr render.Bytes, off int) int32 { return int32(hdr.U32(off)) }

// addrSummary describes RTM_{NEW,DEL,GET}ADDR: the address and its device.
func addrSummary(hdr render.Bytes, attrs []event.Field, _ bool) string {
	addr := topValue(attrs, "IFA_LOCAL")
	if addr == "" {
		addr = topValue(attrs, "IFA_ADDRESS")
	}
	var parts []string
	if addr != "" {
		parts = append(parts, fmt.Sprintf("%s/%d", addr, hdr[1]))
	} else if hdr[0] != unix.AF_UNSPEC {
		parts = append(parts, familyName(hdr[0]))
	}
	if i := index(hdr, 4); i != 0 {
		parts = append(parts, fmt.Sprintf("dev index=%d", i))
	}
	return strings.Join(parts, " ")
}

// via decodes RTA_VIA: struct rtvia, a next hop of another family.
func via(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) < 2 {
		return render.Hex(a.Data), nil
	}
	fam := binary.LittleEndian.Uint16(a.Data)
	addr := render.Addr(a.Data[2:])
	return addr, []event.Field{
		{Name: "rtvia_family", Value: sockaddr.FamilyName(fam), Offset: a.DataOff(), Length: 2},
		{Name: "rtvia_addr", Value: addr, Offset: a.DataOff() + 2, Length: len(a.Data) - 2},
	}
}

// multipath decodes RTA_MULTIPATH: an array of struct rtnexthop, each
// followed by its own RTA_* attributes.
func multipath(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	var hops []event.Field
	size := netlink.StructSize(rtnexthop)
	b, base := a.Data, a.DataOff()
	for pos := 0; pos+size <= len(b); {
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		if l < size || pos+l > len(b) {
			w.Fail("rtnexthop at offset %d has rtnh_len %d", base+pos, l)
			break
		}
		members, _ := w.Struct(b[pos:pos+size], base+pos, rtnexthop)
		members = append(members, w.Attrs(b[pos+size:pos+l], base+pos+size, &routeAttrs)...)
		hop := event.Field{Name: "rtnexthop", Offset: base + pos, Length: l, Children: members}
		hop.Value = render.Join(labeled(members, "RTA_GATEWAY", "via "), "dev index="+topValue(members, "rtnh_ifindex"))
		hops = append(hops, hop)
		pos += netlink.Align(l)
	}
	return "", hops
}

// routeSummary describes RTM_{NEW,DEL,GET}ROUTE: destination, next hop,
// device and table.
func routeSummary(hdr render.Bytes, attrs []event.Field, get bool) string {
	if get && len(attrs) == 0 {
		return familyIfSet(hdr[0])
	}
	var parts []string
	if t := hdr[7]; t != unix.RTN_UNICAST && t != unix.RTN_UNSPEC {
		parts = append(parts, strings.ToLower(strings.TrimPrefix(routeTypeNames.Name(uint64(t)), "RTN_")))
	}
	dstLen := int(hdr[1])
	switch dst := topValue(attrs, "RTA_DST"); {
	case dst == "" && dstLen == 0:
		parts = append(parts, "default")
	case dst == "":
		parts = append(parts, fmt.Sprintf("/%d", dstLen))
	case (hdr[0] == unix.AF_INET && dstLen == 32) || (hdr[0] == unix.AF_INET6 && dstLen == 128):
		parts = append(parts, dst)
	default:
		parts = append(parts, fmt.Sprintf("%s/%d", dst, dstLen))
	}
	parts = append(parts, labeled(attrs, "RTA_GATEWAY", "via "), labeled(attrs, "RTA_VIA", "via "), labeled(attrs, "RTA_OIF", "dev index="))
	table := routeTableNames.Name(uint64(hdr[4]))
	if v := topValue(attrs, "RTA_TABLE"); v != "" {
		table = v // the full 32-bit table id
	}
	if table != "RT_TABLE_MAIN" && table != "RT_TABLE_UNSPEC" {
		parts = append(parts, "table "+strings.ToLower(strings.TrimPrefix(table, "RT_TABLE_")))
	}
	return render.Join(parts...)
}

// neighSummary describes RTM_{NEW,DEL,GET}NEIGH. With AF_BRIDGE these are
// forwarding database (FDB) entries.
func neighSummary(hdr render.Bytes, attrs []event.Field, get bool) string {
	dev := ""
	if i := index(hdr, 4); i != 0 {
		dev = fmt.Sprintf("dev index=%d", i)
	}
	stateText := ""
	if state := hdr.U16(8); state != 0 {
		stateText = strings.ReplaceAll(nudFlags.Name(uint64(state)), "NUD_", "")
	}
	if get && len(attrs) == 0 {
		return render.Join(familyIfSet(hdr[0]), dev)
	}
	if hdr[0] == unix.AF_BRIDGE {
		var ntf []string
		for _, f := range ntfFlags {
			if uint64(hdr[10])&f.Mask != 0 {
				ntf = append(ntf, strings.ToLower(strings.TrimPrefix(f.Name, "NTF_")))
			}
		}
		return render.Join(topValue(attrs, "NDA_LLADDR"), dev, labeled(attrs, "NDA_DST", "dst "),
			labeled(attrs, "NDA_VLAN", "vlan "), labeled(attrs, "NDA_VNI", "vni "), strings.Join(ntf, " "), stateText)
	}
	return render.Join(topValue(attrs, "NDA_DST"), labeled(attrs, "NDA_LLADDR", "lladdr "), dev, stateText)
}

// netconfIfindex names NETCONFA_IFINDEX, an interface index or one of
// two pseudo values.
var netconfIfindex = render.NamerFunc(func(v uint64) string {
	if name, ok := netconfIfindexNames[int64(v)]; ok {
		return name
	}
	return strconv.FormatInt(int64(v), 10)
})

// netconfSummary describes RTM_{NEW,DEL,GET}NETCONF, the per-device IP
// settings also found in /proc/sys/net.
func netconfSummary(hdr render.Bytes, attrs []event.Field, _ bool) string {
	dev := topValue(attrs, "NETCONFA_IFINDEX")
	switch dev {
	case "":
	case "NETCONFA_IFINDEX_ALL":
		dev = "all"
	case "NETCONFA_IFINDEX_DEFAULT":
		dev = "default"
	default:
		dev = "dev index=" + dev
	}
	return render.Join(familyIfSet(hdr[0]), dev, labeled(attrs, "NETCONFA_FORWARDING", "forwarding="),
		labeled(attrs, "NETCONFA_RP_FILTER", "rp_filter="))
}

// nsidSummary describes RTM_{NEW,DEL,GET}NSID, the ids a namespace gives
// its peers.
func nsidSummary(_ render.Bytes, attrs []event.Field, _ bool) string {
	return render.Join(labeled(attrs, "NETNSA_NSID", "nsid "), labeled(attrs, "NETNSA_PID", "pid "), labeled(attrs, "NETNSA_FD", "fd "))
}
