package nftables

// Private data of xtables matches and targets carried by the nft_compat
// "match" and "target" expressions (NFTA_MATCH_INFO / NFTA_TARGET_INFO).
// iptables-nft falls back to them for extensions it cannot express natively,
// e.g. -m addrtype, -m conntrack and -j MASQUERADE. The structures are the
// kernel's xt_* structs in host byte order (little-endian here), with
// addresses and some ports in network byte order.

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// compatExt is the match or target whose private data is being decoded.
type compatExt struct {
	name   string
	rev    uint32
	target bool
}

// matchInfo decodes NFTA_MATCH_INFO, the private data of the match its
// siblings NFTA_MATCH_NAME and NFTA_MATCH_REV name.
func matchInfo(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	return infoAttr(w, a, false)
}

// targetInfo decodes NFTA_TARGET_INFO, the private data of the target its
// siblings NFTA_TARGET_NAME and NFTA_TARGET_REV name.
func targetInfo(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	return infoAttr(w, a, true)
}

// infoAttr decodes the private data of a match or target: its bytes, and
// the members of its struct as children.
func infoAttr(w *netlink.Walker, a netlink.Attr, target bool) (string, []event.Field) {
	ext := compatExt{target: target}
	if n, ok := w.Sibling(unix.NFTA_MATCH_NAME); ok {
		ext.name = render.CString(n.Data)
	}
	if r, ok := w.Sibling(unix.NFTA_MATCH_REV); ok {
		ext.rev, _ = be[uint32](r.Data)
	}
	kids, _ := compatInfo(ext, a.Data, a.DataOff())
	return render.Hex(a.Data), kids
}

// infoReader reads members of an xt info struct and records them as fields.
type infoReader struct {
	b    render.Bytes
	off  int // payload offset of b
	kids []event.Field
}

func (r *infoReader) has(pos, n int) bool { return r.b.Has(pos, n) }

func (r *infoReader) add(name, value string, pos, n int) {
	r.kids = append(r.kids, event.Field{Name: name, Value: value, Offset: r.off + pos, Length: n})
}

// u8 reads a byte.
func (r *infoReader) u8(pos int, name string, show render.Namer) (uint8, bool) {
	if !r.has(pos, 1) {
		return 0, false
	}
	v := r.b[pos]
	r.add(name, show.Name(uint64(v)), pos, 1)
	return v, true
}

// u16 reads a host-order 16-bit member.
func (r *infoReader) u16(pos int, name string, show render.Namer) (uint16, bool) {
	if !r.has(pos, 2) {
		return 0, false
	}
	v := r.b.U16(pos)
	r.add(name, show.Name(uint64(v)), pos, 2)
	return v, true
}

// be16 reads a network-order 16-bit member.
func (r *infoReader) be16(pos int, name string) (uint16, bool) {
	if !r.has(pos, 2) {
		return 0, false
	}
	v := r.b.BE16(pos)
	r.add(name, strconv.Itoa(int(v)), pos, 2)
	return v, true
}

// u32 reads a host-order 32-bit member.
func (r *infoReader) u32(pos int, name string, show render.Namer) (uint32, bool) {
	if !r.has(pos, 4) {
		return 0, false
	}
	v := r.b.U32(pos)
	r.add(name, show.Name(uint64(v)), pos, 4)
	return v, true
}

// ip4 reads an IPv4 address in network order.
func (r *infoReader) ip4(pos int, name string) (netip.Addr, bool) {
	if !r.has(pos, 4) {
		return netip.Addr{}, false
	}
	a := netip.AddrFrom4([4]byte(r.b[pos : pos+4]))
	r.add(name, a.String(), pos, 4)
	return a, true
}

// inetAddr reads a union nf_inet_addr (16 bytes); family selects how it is
// shown.
func (r *infoReader) inetAddr(pos int, name string, family uint8) (netip.Addr, bool) {
	if !r.has(pos, 16) {
		return netip.Addr{}, false
	}
	var a netip.Addr
	if family == unix.NFPROTO_IPV6 {
		a = netip.AddrFrom16([16]byte(r.b[pos : pos+16]))
	} else {
		a = netip.AddrFrom4([4]byte(r.b[pos : pos+4]))
	}
	r.add(name, a.String(), pos, 16)
	return a, true
}

// addrTypeBits names the XT_ADDRTYPE_* bits (1 << RTN_*).
var addrTypeBits = render.Bits(
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
)

// addrTypeText renders address type bits the way iptables does,
// "LOCAL,BROADCAST".
var addrTypeText = render.NamerFunc(func(v uint64) string { return addrTypeBits.Join(v, ",") })

// addrtypeFlags names the flags of struct xt_addrtype_info_v1.
var addrtypeFlags = render.Bits("XT_ADDRTYPE_INVERT_SOURCE", "XT_ADDRTYPE_INVERT_DEST", "XT_ADDRTYPE_LIMIT_IFACE_IN", "XT_ADDRTYPE_LIMIT_IFACE_OUT")

// Bits of xt_addrtype_info_v1.flags.
const (
	addrtypeInvertSource  = 1 << iota // XT_ADDRTYPE_INVERT_SOURCE
	addrtypeInvertDest                // XT_ADDRTYPE_INVERT_DEST
	addrtypeLimitIfaceIn              // XT_ADDRTYPE_LIMIT_IFACE_IN
	addrtypeLimitIfaceOut             // XT_ADDRTYPE_LIMIT_IFACE_OUT
)

// conntrackMatchFlags names the match_flags and invert_flags of struct
// xt_conntrack_mtinfo.
var conntrackMatchFlags = render.Bits(
	"XT_CONNTRACK_STATE", "XT_CONNTRACK_PROTO", "XT_CONNTRACK_ORIGSRC", "XT_CONNTRACK_ORIGDST",
	"XT_CONNTRACK_REPLSRC", "XT_CONNTRACK_REPLDST", "XT_CONNTRACK_STATUS", "XT_CONNTRACK_EXPIRES",
	"XT_CONNTRACK_ORIGSRC_PORT", "XT_CONNTRACK_ORIGDST_PORT", "XT_CONNTRACK_REPLSRC_PORT",
	"XT_CONNTRACK_REPLDST_PORT", "XT_CONNTRACK_DIRECTION", "XT_CONNTRACK_STATE_ALIAS",
)

// Bits of xt_conntrack_mtinfo.match_flags.
const (
	conntrackState   = 1 << 0 // XT_CONNTRACK_STATE
	conntrackProto   = 1 << 1 // XT_CONNTRACK_PROTO
	conntrackStatus  = 1 << 6 // XT_CONNTRACK_STATUS
	conntrackExpires = 1 << 7 // XT_CONNTRACK_EXPIRES
)

// ctstateFlags names XT_CONNTRACK_STATE_* bits in iptables' order and
// spelling (the low bits are the NF_CT_STATE_* bits).
var ctstateFlags = render.FlagSet{
	{Mask: 1 << 0, Name: "INVALID"}, {Mask: 1 << 3, Name: "NEW"}, {Mask: 1 << 2, Name: "RELATED"},
	{Mask: 1 << 1, Name: "ESTABLISHED"}, {Mask: 1 << 8, Name: "UNTRACKED"}, {Mask: 1 << 6, Name: "SNAT"},
	{Mask: 1 << 7, Name: "DNAT"},
}

// ctstateText renders XT_CONNTRACK_STATE_* bits: "RELATED,ESTABLISHED".
var ctstateText = render.NamerFunc(func(v uint64) string { return ctstateFlags.Join(v, ",") })

// stateUntracked is the UNTRACKED bit of xt_state_info.
const stateUntracked = 1 << 6

// stateText renders xt_state_info bits (NF_CT_STATE_* with UNTRACKED at
// bit 6) in iptables' spelling.
var stateText = render.NamerFunc(func(v uint64) string {
	s := ctstateText(v &^ stateUntracked)
	if v&stateUntracked != 0 {
		if s == "0" {
			return "UNTRACKED"
		}
		s += ",UNTRACKED"
	}
	return s
})

// statusText renders IPS_* bits the way iptables does: "ASSURED,CONFIRMED".
var statusText = render.NamerFunc(func(v uint64) string {
	return strings.ReplaceAll(statusFlags.Join(v, ","), "IPS_", "")
})

// compatInfo decodes the private data b of the match or target ext (found at
// payload offset off) into member fields and an iptables-like text.
func compatInfo(ext compatExt, b []byte, off int) ([]event.Field, string) {
	r := &infoReader{b: b, off: off}
	var text string
	switch {
	case !ext.target && ext.name == "addrtype":
		text = addrtypeInfo(r, ext.rev)
	case !ext.target && ext.name == "conntrack" && ext.rev >= 1 && ext.rev <= 3:
		text = conntrackInfo(r, ext.rev)
	case !ext.target && ext.name == "state":
		if v, ok := r.u32(0, "statemask", stateText); ok {
			text = "--state " + stateText(uint64(v))
		}
	case !ext.target && ext.name == "comment":
		if r.has(0, 1) {
			c := render.CString(b)
			r.add("comment", strconv.Quote(c), 0, len(b))
			text = "--comment " + strconv.Quote(c)
		}
	case !ext.target && (ext.name == "tcp" || ext.name == "udp"):
		text = tcpUDPInfo(r, ext.name == "tcp")
	case !ext.target && ext.name == "mark" && ext.rev == 1:
		mark, ok1 := r.u32(0, "mark", render.HexInt)
		mask, ok2 := r.u32(4, "mask", render.HexInt)
		inv, ok3 := r.u8(8, "invert", render.Decimal)
		if ok1 && ok2 && ok3 {
			text = fmt.Sprintf("--mark 0x%x/0x%x", mark, mask)
			if inv != 0 {
				text = "! " + text
			}
		}
	case ext.target && (ext.name == "MASQUERADE" || ext.name == "SNAT" || ext.name == "DNAT" || ext.name == "REDIRECT"):
		text = natInfo(r, ext)
	case ext.target && ext.name == "MARK" && ext.rev == 2:
		mark, ok1 := r.u32(0, "mark", render.HexInt)
		mask, ok2 := r.u32(4, "mask", render.HexInt)
		if ok1 && ok2 {
			text = fmt.Sprintf("--set-xmark 0x%x/0x%x", mark, mask)
		}
	}
	return r.kids, text
}

// addrtypeInfo decodes struct xt_addrtype_info (rev 0) or
// xt_addrtype_info_v1 (rev 1).
func addrtypeInfo(r *infoReader, rev uint32) string {
	src, ok1 := r.u16(0, "source", addrTypeText)
	dst, ok2 := r.u16(2, "dest", addrTypeText)
	if !ok1 || !ok2 {
		return ""
	}
	var flags uint32
	if rev == 0 {
		is, _ := r.u32(4, "invert_source", render.Decimal)
		id, _ := r.u32(8, "invert_dest", render.Decimal)
		if is != 0 {
			flags |= addrtypeInvertSource
		}
		if id != 0 {
			flags |= addrtypeInvertDest
		}
	} else {
		flags, _ = r.u32(4, "flags", addrtypeFlags)
	}
	var parts []string
	opt := func(inv bool, name string, v uint16) {
		if v == 0 {
			return
		}
		s := name + " " + addrTypeText(uint64(v))
		if inv {
			s = "! " + s
		}
		parts = append(parts, s)
	}
	opt(flags&addrtypeInvertSource != 0, "--src-type", src)
	opt(flags&addrtypeInvertDest != 0, "--dst-type", dst)
	if flags&addrtypeLimitIfaceIn != 0 {
		parts = append(parts, "--limit-iface-in")
	}
	if flags&addrtypeLimitIfaceOut != 0 {
		parts = append(parts, "--limit-iface-out")
	}
	return strings.Join(parts, " ")
}

// conntrackInfo decodes struct xt_conntrack_mtinfo1/2/3.
func conntrackInfo(r *infoReader, rev uint32) string {
	const addrs = 8 * 16 // origsrc_addr, origsrc_mask, ... repldst_mask
	names := []string{"origsrc_addr", "origsrc_mask", "origdst_addr", "origdst_mask", "replsrc_addr", "replsrc_mask", "repldst_addr", "repldst_mask"}
	flagsPos := addrs + 8 + 2 + 8 // expires_min/max, l4proto, 4 ports
	flags, ok := r.u16(flagsPos, "match_flags", conntrackMatchFlags)
	if !ok {
		return ""
	}
	inv, _ := r.u16(flagsPos+2, "invert_flags", conntrackMatchFlags)
	for i, n := range names {
		if flags&(1<<(2+i/2)) != 0 {
			r.inetAddr(16*i, n, unix.NFPROTO_IPV4)
		}
	}
	if flags&conntrackExpires != 0 {
		r.u32(addrs, "expires_min", render.Decimal)
		r.u32(addrs+4, "expires_max", render.Decimal)
	}
	var parts []string
	neg := func(bit uint16, s string) string {
		if inv&bit != 0 {
			return "! " + s
		}
		return s
	}
	if flags&conntrackProto != 0 {
		if p, ok := r.u16(addrs+8, "l4proto", protoNames); ok {
			parts = append(parts, neg(conntrackProto, "--ctproto "+protoName(uint8(p))))
		}
	}
	for i, n := range []string{"origsrc_port", "origdst_port", "replsrc_port", "repldst_port"} {
		if flags&(1<<(8+i)) != 0 {
			r.be16(addrs+10+2*i, n)
		}
	}
	var state, status uint64
	var okState, okStatus bool
	if rev == 1 {
		var s, t uint8
		s, okState = r.u8(flagsPos+4, "state_mask", ctstateText)
		t, okStatus = r.u8(flagsPos+5, "status_mask", statusText)
		state, status = uint64(s), uint64(t)
	} else {
		var s, t uint16
		s, okState = r.u16(flagsPos+4, "state_mask", ctstateText)
		t, okStatus = r.u16(flagsPos+6, "status_mask", statusText)
		state, status = uint64(s), uint64(t)
	}
	if flags&conntrackState != 0 && okState {
		parts = append(parts, neg(conntrackState, "--ctstate "+ctstateText(state)))
	}
	if flags&conntrackStatus != 0 && okStatus {
		parts = append(parts, neg(conntrackStatus, "--ctstatus "+statusText(status)))
	}
	if rev == 3 {
		for i, n := range []string{"origsrc_port_high", "origdst_port_high", "replsrc_port_high", "repldst_port_high"} {
			if flags&(1<<(8+i)) != 0 {
				r.u16(flagsPos+8+2*i, n, render.Decimal)
			}
		}
	}
	return strings.Join(parts, " ")
}

// Bits of xt_tcp.invflags and xt_udp.invflags.
const (
	invSrcPorts = 0x01 // XT_TCP_INV_SRCPT, XT_UDP_INV_SRCPT
	invDstPorts = 0x02 // XT_TCP_INV_DSTPT, XT_UDP_INV_DSTPT
)

// tcpUDPInfo decodes struct xt_tcp or xt_udp (ports in host order).
func tcpUDPInfo(r *infoReader, tcp bool) string {
	sp0, ok1 := r.u16(0, "spts[0]", render.Decimal)
	sp1, ok2 := r.u16(2, "spts[1]", render.Decimal)
	dp0, ok3 := r.u16(4, "dpts[0]", render.Decimal)
	dp1, ok4 := r.u16(6, "dpts[1]", render.Decimal)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return ""
	}
	invPos := 8
	if tcp {
		r.u8(8, "option", render.Decimal)
		r.u8(9, "flg_mask", render.HexInt)
		r.u8(10, "flg_cmp", render.HexInt)
		invPos = 11
	}
	inv, _ := r.u8(invPos, "invflags", render.HexInt)
	var parts []string
	ports := func(name string, lo, hi uint16, invBit uint8) {
		if lo == 0 && hi == 0xffff {
			return
		}
		s := name + " " + strconv.Itoa(int(lo))
		if hi != lo {
			s += ":" + strconv.Itoa(int(hi))
		}
		if inv&invBit != 0 {
			s = "! " + s
		}
		parts = append(parts, s)
	}
	ports("--sport", sp0, sp1, invSrcPorts)
	ports("--dport", dp0, dp1, invDstPorts)
	return strings.Join(parts, " ")
}

// natInfo decodes the range of MASQUERADE, SNAT, DNAT and REDIRECT: struct
// nf_nat_ipv4_multi_range_compat for revision 0, nf_nat_range (1) or
// nf_nat_range2 (2) otherwise.
func natInfo(r *infoReader, ext compatExt) string {
	var flags uint32
	var minIP, maxIP netip.Addr
	var minPort, maxPort uint16
	var ok bool
	if ext.rev == 0 {
		if _, ok = r.u32(0, "rangesize", render.Decimal); !ok {
			return ""
		}
		if flags, ok = r.u32(4, "range[0].flags", natRangeFlags); !ok {
			return ""
		}
		minIP, _ = r.ip4(8, "range[0].min_ip")
		maxIP, _ = r.ip4(12, "range[0].max_ip")
		minPort, _ = r.be16(16, "range[0].min")
		maxPort, _ = r.be16(18, "range[0].max")
	} else {
		if flags, ok = r.u32(0, "flags", natRangeFlags); !ok {
			return ""
		}
		minIP, _ = r.inetAddr(4, "min_addr", unix.NFPROTO_IPV4)
		maxIP, _ = r.inetAddr(20, "max_addr", unix.NFPROTO_IPV4)
		minPort, _ = r.be16(36, "min_proto")
		maxPort, _ = r.be16(38, "max_proto")
		if ext.rev >= 2 {
			r.be16(40, "base_proto")
		}
	}
	var parts []string
	portRange := func() string {
		s := strconv.Itoa(int(minPort))
		if maxPort != minPort {
			s += "-" + strconv.Itoa(int(maxPort))
		}
		return s
	}
	switch ext.name {
	case "SNAT", "DNAT":
		var s string
		if flags&unix.NF_NAT_RANGE_MAP_IPS != 0 && minIP.IsValid() {
			s = minIP.String()
			if maxIP.IsValid() && maxIP != minIP {
				s += "-" + maxIP.String()
			}
		}
		if flags&unix.NF_NAT_RANGE_PROTO_SPECIFIED != 0 {
			s += ":" + portRange()
		}
		opt := "--to-source "
		if ext.name == "DNAT" {
			opt = "--to-destination "
		}
		if s != "" {
			parts = append(parts, opt+s)
		}
	default:
		if flags&unix.NF_NAT_RANGE_PROTO_SPECIFIED != 0 {
			parts = append(parts, "--to-ports "+portRange())
		}
	}
	if flags&unix.NF_NAT_RANGE_PROTO_RANDOM != 0 {
		parts = append(parts, "--random")
	}
	if flags&unix.NF_NAT_RANGE_PROTO_RANDOM_FULLY != 0 {
		parts = append(parts, "--random-fully")
	}
	if flags&unix.NF_NAT_RANGE_PERSISTENT != 0 {
		parts = append(parts, "--persistent")
	}
	return strings.Join(parts, " ")
}
