package nftables

// Private data of xtables matches and targets carried by the nft_compat
// "match" and "target" expressions (NFTA_MATCH_INFO / NFTA_TARGET_INFO).
// iptables-nft falls back to them for extensions it cannot express natively,
// e.g. -m addrtype, -m conntrack and -j MASQUERADE. The structures are the
// kernel's xt_* structs in host byte order (little-endian here), with
// addresses and some ports in network byte order.

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/event"
)

// xtReader reads members of an xt info struct and records them as fields.
type xtReader struct {
	b    []byte
	off  int // payload offset of b
	kids []event.Field
}

func (r *xtReader) has(pos, n int) bool { return pos >= 0 && pos+n <= len(r.b) }

func (r *xtReader) add(name, value string, pos, n int) {
	r.kids = append(r.kids, event.Field{Name: name, Value: value, Offset: r.off + pos, Length: n})
}

// U8 reads a byte.
func (r *xtReader) u8(pos int, name string, render func(uint64) string) (uint8, bool) {
	if !r.has(pos, 1) {
		return 0, false
	}
	v := r.b[pos]
	r.add(name, render(uint64(v)), pos, 1)
	return v, true
}

// U16 reads a host-order 16-bit member.
func (r *xtReader) u16(pos int, name string, render func(uint64) string) (uint16, bool) {
	if !r.has(pos, 2) {
		return 0, false
	}
	v := binary.LittleEndian.Uint16(r.b[pos:])
	r.add(name, render(uint64(v)), pos, 2)
	return v, true
}

// be16 reads a network-order 16-bit member.
func (r *xtReader) be16(pos int, name string) (uint16, bool) {
	if !r.has(pos, 2) {
		return 0, false
	}
	v := binary.BigEndian.Uint16(r.b[pos:])
	r.add(name, strconv.Itoa(int(v)), pos, 2)
	return v, true
}

// U32 reads a host-order 32-bit member.
func (r *xtReader) u32(pos int, name string, render func(uint64) string) (uint32, bool) {
	if !r.has(pos, 4) {
		return 0, false
	}
	v := binary.LittleEndian.Uint32(r.b[pos:])
	r.add(name, render(uint64(v)), pos, 4)
	return v, true
}

// ip4 reads an IPv4 address in network order.
func (r *xtReader) ip4(pos int, name string) (netip.Addr, bool) {
	if !r.has(pos, 4) {
		return netip.Addr{}, false
	}
	a := netip.AddrFrom4([4]byte(r.b[pos : pos+4]))
	r.add(name, a.String(), pos, 4)
	return a, true
}

// inetAddr reads a union nf_inet_addr (16 bytes); family selects how it is
// shown.
func (r *xtReader) inetAddr(pos int, name string, family uint8) (netip.Addr, bool) {
	if !r.has(pos, 16) {
		return netip.Addr{}, false
	}
	var a netip.Addr
	if family == 10 {
		a = netip.AddrFrom16([16]byte(r.b[pos : pos+16]))
	} else {
		a = netip.AddrFrom4([4]byte(r.b[pos : pos+4]))
	}
	r.add(name, a.String(), pos, 16)
	return a, true
}

func xtDec(v uint64) string { return strconv.FormatUint(v, 10) }
func xtHex(v uint64) string { return fmt.Sprintf("0x%x", v) }

// xtAddrTypes names the XT_ADDRTYPE_* bits (1 << RTN_*).
var xtAddrTypes = []string{
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
}

func xtAddrTypeText(v uint64) string {
	if v == 0 {
		return "0"
	}
	return strings.ReplaceAll(nfFlagNames(xtAddrTypes, v), "|", ",")
}

var xtAddrTypeFlags = []string{"XT_ADDRTYPE_INVERT_SOURCE", "XT_ADDRTYPE_INVERT_DEST", "XT_ADDRTYPE_LIMIT_IFACE_IN", "XT_ADDRTYPE_LIMIT_IFACE_OUT"}

var xtConntrackFlags = []string{
	"XT_CONNTRACK_STATE", "XT_CONNTRACK_PROTO", "XT_CONNTRACK_ORIGSRC", "XT_CONNTRACK_ORIGDST",
	"XT_CONNTRACK_REPLSRC", "XT_CONNTRACK_REPLDST", "XT_CONNTRACK_STATUS", "XT_CONNTRACK_EXPIRES",
	"XT_CONNTRACK_ORIGSRC_PORT", "XT_CONNTRACK_ORIGDST_PORT", "XT_CONNTRACK_REPLSRC_PORT",
	"XT_CONNTRACK_REPLDST_PORT", "XT_CONNTRACK_DIRECTION", "XT_CONNTRACK_STATE_ALIAS",
}

// xtCtStateText renders XT_CONNTRACK_STATE_* bits in iptables' order and
// spelling (the low bits are the NF_CT_STATE_* bits).
func xtCtStateText(v uint64) string {
	if v == 0 {
		return "0"
	}
	names := []struct {
		bit  uint64
		name string
	}{
		{1 << 0, "INVALID"}, {1 << 3, "NEW"}, {1 << 2, "RELATED"}, {1 << 1, "ESTABLISHED"},
		{1 << 8, "UNTRACKED"}, {1 << 6, "SNAT"}, {1 << 7, "DNAT"},
	}
	var parts []string
	for _, n := range names {
		if v&n.bit != 0 {
			parts = append(parts, n.name)
			v &^= n.bit
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", v))
	}
	return strings.Join(parts, ",")
}

// xtStateText renders xt_state_info bits (NF_CT_STATE_* with UNTRACKED at
// bit 6) in iptables' spelling.
func xtStateText(v uint64) string {
	s := xtCtStateText(v &^ (1 << 6))
	if v&(1<<6) != 0 {
		if s == "0" {
			return "UNTRACKED"
		}
		s += ",UNTRACKED"
	}
	return s
}

func xtStatusText(v uint64) string {
	return strings.ReplaceAll(strings.ReplaceAll(nfFlagNames(ctStatusNames, v), "IPS_", ""), "|", ",")
}

// xtInfo decodes the private data b of the match or target xt (found at
// payload offset off) into member fields and an iptables-like text.
func xtInfo(xt nftXt, b []byte, off int) ([]event.Field, string) {
	r := &xtReader{b: b, off: off}
	var text string
	switch {
	case !xt.target && xt.name == "addrtype":
		text = xtAddrtype(r, xt.rev)
	case !xt.target && xt.name == "conntrack" && xt.rev >= 1 && xt.rev <= 3:
		text = xtConntrack(r, xt.rev)
	case !xt.target && xt.name == "state":
		if v, ok := r.u32(0, "statemask", xtStateText); ok {
			text = "--state " + xtStateText(uint64(v))
		}
	case !xt.target && xt.name == "comment":
		if r.has(0, 1) {
			c := nfCString(b)
			r.add("comment", strconv.Quote(c), 0, len(b))
			text = "--comment " + strconv.Quote(c)
		}
	case !xt.target && (xt.name == "tcp" || xt.name == "udp"):
		text = xtTCPUDP(r, xt.name == "tcp")
	case !xt.target && xt.name == "mark" && xt.rev == 1:
		mark, ok1 := r.u32(0, "mark", xtHex)
		mask, ok2 := r.u32(4, "mask", xtHex)
		inv, ok3 := r.u8(8, "invert", xtDec)
		if ok1 && ok2 && ok3 {
			text = fmt.Sprintf("--mark 0x%x/0x%x", mark, mask)
			if inv != 0 {
				text = "! " + text
			}
		}
	case xt.target && (xt.name == "MASQUERADE" || xt.name == "SNAT" || xt.name == "DNAT" || xt.name == "REDIRECT"):
		text = xtNAT(r, xt)
	case xt.target && xt.name == "MARK" && xt.rev == 2:
		mark, ok1 := r.u32(0, "mark", xtHex)
		mask, ok2 := r.u32(4, "mask", xtHex)
		if ok1 && ok2 {
			text = fmt.Sprintf("--set-xmark 0x%x/0x%x", mark, mask)
		}
	}
	return r.kids, text
}

// xtAddrtype decodes struct xt_addrtype_info (rev 0) or
// xt_addrtype_info_v1 (rev 1).
func xtAddrtype(r *xtReader, rev uint32) string {
	src, ok1 := r.u16(0, "source", xtAddrTypeText)
	dst, ok2 := r.u16(2, "dest", xtAddrTypeText)
	if !ok1 || !ok2 {
		return ""
	}
	var flags uint32
	if rev == 0 {
		is, _ := r.u32(4, "invert_source", xtDec)
		id, _ := r.u32(8, "invert_dest", xtDec)
		if is != 0 {
			flags |= 1
		}
		if id != 0 {
			flags |= 2
		}
	} else {
		flags, _ = r.u32(4, "flags", func(v uint64) string { return nfFlagNames(xtAddrTypeFlags, v) })
	}
	var parts []string
	opt := func(inv bool, name string, v uint16) {
		if v == 0 {
			return
		}
		s := name + " " + xtAddrTypeText(uint64(v))
		if inv {
			s = "! " + s
		}
		parts = append(parts, s)
	}
	opt(flags&1 != 0, "--src-type", src)
	opt(flags&2 != 0, "--dst-type", dst)
	if flags&4 != 0 {
		parts = append(parts, "--limit-iface-in")
	}
	if flags&8 != 0 {
		parts = append(parts, "--limit-iface-out")
	}
	return strings.Join(parts, " ")
}

// xtConntrack decodes struct xt_conntrack_mtinfo1/2/3.
func xtConntrack(r *xtReader, rev uint32) string {
	const addrs = 8 * 16 // origsrc_addr, origsrc_mask, ... repldst_mask
	names := []string{"origsrc_addr", "origsrc_mask", "origdst_addr", "origdst_mask", "replsrc_addr", "replsrc_mask", "repldst_addr", "repldst_mask"}
	flagsPos := addrs + 8 + 2 + 8 // expires_min/max, l4proto, 4 ports
	flags, ok := r.u16(flagsPos, "match_flags", func(v uint64) string { return nfFlagNames(xtConntrackFlags, v) })
	if !ok {
		return ""
	}
	inv, _ := r.u16(flagsPos+2, "invert_flags", func(v uint64) string { return nfFlagNames(xtConntrackFlags, v) })
	for i, n := range names {
		if flags&(1<<(2+i/2)) != 0 {
			r.inetAddr(16*i, n, 2)
		}
	}
	if flags&(1<<7) != 0 {
		r.u32(addrs, "expires_min", xtDec)
		r.u32(addrs+4, "expires_max", xtDec)
	}
	var parts []string
	neg := func(bit uint16, s string) string {
		if inv&bit != 0 {
			return "! " + s
		}
		return s
	}
	if flags&2 != 0 {
		if p, ok := r.u16(addrs+8, "l4proto", func(v uint64) string { return nfProtoName(uint8(v)) }); ok {
			parts = append(parts, neg(2, "--ctproto "+nfProtoName(uint8(p))))
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
		s, okState = r.u8(flagsPos+4, "state_mask", xtCtStateText)
		t, okStatus = r.u8(flagsPos+5, "status_mask", xtStatusText)
		state, status = uint64(s), uint64(t)
	} else {
		var s, t uint16
		s, okState = r.u16(flagsPos+4, "state_mask", xtCtStateText)
		t, okStatus = r.u16(flagsPos+6, "status_mask", xtStatusText)
		state, status = uint64(s), uint64(t)
	}
	if flags&1 != 0 && okState {
		parts = append(parts, neg(1, "--ctstate "+xtCtStateText(state)))
	}
	if flags&(1<<6) != 0 && okStatus {
		parts = append(parts, neg(1<<6, "--ctstatus "+xtStatusText(status)))
	}
	if rev == 3 {
		for i, n := range []string{"origsrc_port_high", "origdst_port_high", "replsrc_port_high", "repldst_port_high"} {
			if flags&(1<<(8+i)) != 0 {
				r.u16(flagsPos+8+2*i, n, xtDec)
			}
		}
	}
	return strings.Join(parts, " ")
}

// xtTCPUDP decodes struct xt_tcp or xt_udp (ports in host order).
func xtTCPUDP(r *xtReader, tcp bool) string {
	sp0, ok1 := r.u16(0, "spts[0]", xtDec)
	sp1, ok2 := r.u16(2, "spts[1]", xtDec)
	dp0, ok3 := r.u16(4, "dpts[0]", xtDec)
	dp1, ok4 := r.u16(6, "dpts[1]", xtDec)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return ""
	}
	invPos := 8
	if tcp {
		r.u8(8, "option", xtDec)
		r.u8(9, "flg_mask", xtHex)
		r.u8(10, "flg_cmp", xtHex)
		invPos = 11
	}
	inv, _ := r.u8(invPos, "invflags", xtHex)
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
	ports("--sport", sp0, sp1, 1)
	ports("--dport", dp0, dp1, 2)
	return strings.Join(parts, " ")
}

// xtNAT decodes the range of MASQUERADE, SNAT, DNAT and REDIRECT: struct
// nf_nat_ipv4_multi_range_compat for revision 0, nf_nat_range (1) or
// nf_nat_range2 (2) otherwise.
func xtNAT(r *xtReader, xt nftXt) string {
	natFlags := func(v uint64) string { return nfFlagNames(nftNATRangeFlags, v) }
	var flags uint32
	var minIP, maxIP netip.Addr
	var minPort, maxPort uint16
	var ok bool
	if xt.rev == 0 {
		if _, ok = r.u32(0, "rangesize", xtDec); !ok {
			return ""
		}
		if flags, ok = r.u32(4, "range[0].flags", natFlags); !ok {
			return ""
		}
		minIP, _ = r.ip4(8, "range[0].min_ip")
		maxIP, _ = r.ip4(12, "range[0].max_ip")
		minPort, _ = r.be16(16, "range[0].min")
		maxPort, _ = r.be16(18, "range[0].max")
	} else {
		if flags, ok = r.u32(0, "flags", natFlags); !ok {
			return ""
		}
		minIP, _ = r.inetAddr(4, "min_addr", 2)
		maxIP, _ = r.inetAddr(20, "max_addr", 2)
		minPort, _ = r.be16(36, "min_proto")
		maxPort, _ = r.be16(38, "max_proto")
		if xt.rev >= 2 {
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
	switch xt.name {
	case "SNAT", "DNAT":
		var s string
		if flags&1 != 0 && minIP.IsValid() {
			s = minIP.String()
			if maxIP.IsValid() && maxIP != minIP {
				s += "-" + maxIP.String()
			}
		}
		if flags&2 != 0 {
			s += ":" + portRange()
		}
		opt := "--to-source "
		if xt.name == "DNAT" {
			opt = "--to-destination "
		}
		if s != "" {
			parts = append(parts, opt+s)
		}
	default:
		if flags&2 != 0 {
			parts = append(parts, "--to-ports "+portRange())
		}
	}
	if flags&4 != 0 {
		parts = append(parts, "--random")
	}
	if flags&16 != 0 {
		parts = append(parts, "--random-fully")
	}
	if flags&8 != 0 {
		parts = append(parts, "--persistent")
	}
	return strings.Join(parts, " ")
}
