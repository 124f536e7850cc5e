package sockaddr

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// FamilyName returns the AF_* name of an address family, or the
// number in decimal when it is unknown.
func FamilyName(f uint16) string { return AFNames.Name(uint64(f)) }

// Socket type flags of socket(2)'s type argument (bits/socket_type.h).
const (
	sockTypeMask = 0xf
	sockNonblock = 0o4000
	sockCloexec  = 0o2000000
)

var typeNames = map[uint64]string{
	1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM",
	5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET",
}

// TypeName returns the SOCK_* name of a socket type, e.g. "SOCK_RAW".
// SOCK_NONBLOCK, the only socket(2) flag that fits in 16 bits, is named too;
// use [TypeArg] for the full 32-bit type argument of socket(2), which
// may also carry SOCK_CLOEXEC.
func TypeName(t uint16) string { return TypeArg(uint64(t)) }

// TypeArg names socket(2)'s raw type argument: the type with the
// SOCK_CLOEXEC and SOCK_NONBLOCK flags stripped and named after it, e.g.
// "SOCK_RAW|SOCK_CLOEXEC". Unknown bits are shown in hex.
func TypeArg(t uint64) string {
	base := t & sockTypeMask
	name, ok := typeNames[base]
	if !ok {
		name = strconv.FormatUint(base, 10)
	}
	parts := []string{name}
	rest := t &^ sockTypeMask
	if rest&sockNonblock != 0 {
		parts = append(parts, "SOCK_NONBLOCK")
		rest &^= sockNonblock
	}
	if rest&sockCloexec != 0 {
		parts = append(parts, "SOCK_CLOEXEC")
		rest &^= sockCloexec
	}
	if rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", rest))
	}
	return strings.Join(parts, "|")
}

var netlinkProtoNames = map[uint16]string{
	0: "NETLINK_ROUTE", 1: "NETLINK_UNUSED", 2: "NETLINK_USERSOCK",
	3: "NETLINK_FIREWALL", 4: "NETLINK_SOCK_DIAG", 5: "NETLINK_NFLOG",
	6: "NETLINK_XFRM", 7: "NETLINK_SELINUX", 8: "NETLINK_ISCSI",
	9: "NETLINK_AUDIT", 10: "NETLINK_FIB_LOOKUP", 11: "NETLINK_CONNECTOR",
	12: "NETLINK_NETFILTER", 13: "NETLINK_IP6_FW", 14: "NETLINK_DNRTMSG",
	15: "NETLINK_KOBJECT_UEVENT", 16: "NETLINK_GENERIC",
	18: "NETLINK_SCSITRANSPORT", 19: "NETLINK_ECRYPTFS", 20: "NETLINK_RDMA",
	21: "NETLINK_CRYPTO", 22: "NETLINK_SMC",
}

// NetlinkProtocolName returns the NETLINK_* name of a netlink protocol (the
// third argument of socket(AF_NETLINK, ...)), or the number in decimal when
// it is unknown.
func NetlinkProtocolName(p uint16) string {
	if n, ok := netlinkProtoNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

var ipProtoNames = map[uint16]string{
	0: "IPPROTO_IP", 1: "IPPROTO_ICMP", 2: "IPPROTO_IGMP", 4: "IPPROTO_IPIP",
	6: "IPPROTO_TCP", 8: "IPPROTO_EGP", 12: "IPPROTO_PUP", 17: "IPPROTO_UDP",
	22: "IPPROTO_IDP", 29: "IPPROTO_TP", 33: "IPPROTO_DCCP", 41: "IPPROTO_IPV6",
	46: "IPPROTO_RSVP", 47: "IPPROTO_GRE", 50: "IPPROTO_ESP", 51: "IPPROTO_AH",
	58: "IPPROTO_ICMPV6", 92: "IPPROTO_MTP", 94: "IPPROTO_BEETPH",
	98: "IPPROTO_ENCAP", 103: "IPPROTO_PIM", 108: "IPPROTO_COMP",
	115: "IPPROTO_L2TP", 132: "IPPROTO_SCTP", 136: "IPPROTO_UDPLITE",
	137: "IPPROTO_MPLS", 143: "IPPROTO_ETHERNET", 255: "IPPROTO_RAW",
	262: "IPPROTO_MPTCP",
}

var ethProtoNames = map[uint16]string{
	0x0001: "ETH_P_802_3", 0x0003: "ETH_P_ALL", 0x0004: "ETH_P_802_2",
	0x0060: "ETH_P_LOOP", 0x0800: "ETH_P_IP", 0x0806: "ETH_P_ARP",
	0x8035: "ETH_P_RARP", 0x8100: "ETH_P_8021Q", 0x86dd: "ETH_P_IPV6",
	0x8847: "ETH_P_MPLS_UC", 0x888e: "ETH_P_PAE", 0x88a8: "ETH_P_8021AD",
	0x88cc: "ETH_P_LLDP",
}

// ProtocolName names socket(2)'s protocol argument for a family:
// NETLINK_* for AF_NETLINK, IPPROTO_* for AF_INET and AF_INET6, ETH_P_* for
// AF_PACKET (whose protocol is in network byte order, as socket(2) takes
// it). Anything else is returned as a decimal number.
func ProtocolName(family, proto uint16) string {
	var n string
	var ok bool
	switch family {
	case unix.AF_NETLINK:
		n, ok = netlinkProtoNames[proto]
	case unix.AF_INET, unix.AF_INET6:
		n, ok = ipProtoNames[proto]
	case unix.AF_PACKET:
		n, ok = ethProtoNames[proto>>8|proto<<8]
	}
	if ok {
		return n
	}
	return strconv.Itoa(int(proto))
}

// RTMGRP_* bits of sockaddr_nl.nl_groups on NETLINK_ROUTE sockets
// (linux/rtnetlink.h).
var rtmgrpNames = render.Bits(
	"RTMGRP_LINK", "RTMGRP_NOTIFY", "RTMGRP_NEIGH", "RTMGRP_TC",
	"RTMGRP_IPV4_IFADDR", "RTMGRP_IPV4_MROUTE", "RTMGRP_IPV4_ROUTE", "RTMGRP_IPV4_RULE",
	"RTMGRP_IPV6_IFADDR", "RTMGRP_IPV6_MROUTE", "RTMGRP_IPV6_ROUTE", "RTMGRP_IPV6_IFINFO",
	"RTMGRP_DECnet_IFADDR", "", "RTMGRP_DECnet_ROUTE", "",
	"", "RTMGRP_IPV6_PREFIX",
)

// NF_NETLINK_* bits of nl_groups on NETLINK_NETFILTER sockets
// (linux/netfilter/nfnetlink_compat.h).
var nfGroupNames = render.Bits(
	"NF_NETLINK_CONNTRACK_NEW", "NF_NETLINK_CONNTRACK_UPDATE", "NF_NETLINK_CONNTRACK_DESTROY",
	"NF_NETLINK_CONNTRACK_EXP_NEW", "NF_NETLINK_CONNTRACK_EXP_UPDATE", "NF_NETLINK_CONNTRACK_EXP_DESTROY",
)

// netlinkGroups names the nl_groups bitmask for a netlink protocol;
// proto < 0 means the protocol is unknown.
func netlinkGroups(groups uint32, proto int) string {
	switch proto {
	case unix.NETLINK_ROUTE:
		return rtmgrpNames.Name(uint64(groups))
	case unix.NETLINK_NETFILTER:
		return nfGroupNames.Name(uint64(groups))
	}
	return fmt.Sprintf("0x%08x", groups)
}

// Decode decodes a socket address as passed to bind(2), connect(2),
// sendto(2) or sendmsg(2): AF_NETLINK, AF_INET, AF_INET6, AF_UNIX and
// AF_PACKET are decoded field by field, other families are shown as the
// family and the address bytes in hex. b must be exactly the address
// (addrlen bytes), since AF_UNIX abstract names are delimited by it. The
// result is named after the address family.
//
// Netlink multicast groups are shown as a hex mask; use
// [DecodeProto] to name them for the socket's protocol.
func Decode(b []byte) event.Decoded { return decode(b, -1) }

// DecodeProto is [Decode] for a socket whose protocol is
// known (Event.SockProto): on NETLINK_ROUTE sockets nl_groups is named with
// RTMGRP_* bits, on NETLINK_NETFILTER sockets with NF_NETLINK_* bits.
func DecodeProto(b []byte, proto uint16) event.Decoded { return decode(b, int(proto)) }

// decode decodes a socket address; proto < 0 means the socket's protocol
// is unknown.
func decode(raw []byte, proto int) event.Decoded {
	b := render.Bytes(raw)
	if len(b) == 0 {
		return event.Decoded{Summary: "empty sockaddr"}
	}
	if len(b) < 2 {
		return event.Decoded{Summary: fmt.Sprintf("truncated sockaddr (%d byte)", len(b)),
			Fields: []event.Field{{Name: "sa_data", Value: render.Hex(b), Offset: 0, Length: len(b)}}}
	}
	family := b.U16(0)
	d := event.Decoded{Name: FamilyName(family)}
	switch family {
	case unix.AF_NETLINK:
		d.Summary, d.Fields = decodeNetlink(b, proto)
	case unix.AF_INET:
		d.Summary, d.Fields = decodeInet(b)
	case unix.AF_INET6:
		d.Summary, d.Fields = decodeInet6(b)
	case unix.AF_UNIX:
		d.Summary, d.Fields = decodeUnix(b)
	case unix.AF_PACKET:
		d.Summary, d.Fields = decodePacket(b)
	default:
		d.Summary, d.Fields = decodeOther(b, d.Name)
	}
	return d
}

// decodeOther shows an address of a family without a decoder: the family
// and the address bytes.
func decodeOther(b render.Bytes, fam string) (string, []event.Field) {
	fields := []event.Field{{Name: "sa_family", Value: fam, Offset: 0, Length: 2}}
	if len(b) == 2 {
		return fam, fields
	}
	fields = append(fields, event.Field{Name: "sa_data", Value: render.Hex(b[2:]), Offset: 2, Length: len(b) - 2})
	return fam + " " + render.Hex(b[2:]), fields
}

// sockaddr_nl: nl_family u16, nl_pad u16, nl_pid u32, nl_groups u32.
func decodeNetlink(b render.Bytes, proto int) (string, []event.Field) {
	fields := []event.Field{{Name: "nl_family", Value: "AF_NETLINK", Offset: 0, Length: 2}}
	sum := "AF_NETLINK"
	if b.Has(2, 2) {
		fields = append(fields, event.Field{Name: "nl_pad", Value: strconv.Itoa(int(b.U16(2))), Offset: 2, Length: 2})
	}
	if b.Has(4, 4) {
		pid := b.U32(4)
		fields = append(fields, event.Field{Name: "nl_pid", Value: strconv.FormatUint(uint64(pid), 10), Offset: 4, Length: 4})
		sum += " pid=" + strconv.FormatUint(uint64(pid), 10)
	}
	if b.Has(8, 4) {
		g := b.U32(8)
		v := netlinkGroups(g, proto)
		fields = append(fields, event.Field{Name: "nl_groups", Value: v, Offset: 8, Length: 4})
		if g != 0 {
			sum += " groups=" + v
		}
	}
	if len(b) > 12 {
		fields = append(fields, event.Field{Name: "trailing", Value: render.Hex(b[12:]), Offset: 12, Length: len(b) - 12})
	}
	if len(b) < 12 {
		sum += " (truncated)"
	}
	return sum, fields
}

// sockaddr_in: sin_family u16, sin_port be16, sin_addr 4 bytes, sin_zero 8.
func decodeInet(b render.Bytes) (string, []event.Field) {
	fields := []event.Field{{Name: "sin_family", Value: "AF_INET", Offset: 0, Length: 2}}
	if !b.Has(2, 2) {
		return "AF_INET (truncated)", fields
	}
	port := b.BE16(2)
	fields = append(fields, event.Field{Name: "sin_port", Value: strconv.Itoa(int(port)), Offset: 2, Length: 2})
	if !b.Has(4, 4) {
		return fmt.Sprintf("AF_INET port %d (truncated)", port), fields
	}
	addr := netip.AddrFrom4([4]byte(b[4:8]))
	fields = append(fields, event.Field{Name: "sin_addr", Value: addr.String(), Offset: 4, Length: 4})
	if len(b) > 8 {
		fields = append(fields, event.Field{Name: "sin_zero", Value: render.Hex(b.Slice(8, 8)), Offset: 8, Length: len(b.Slice(8, 8))})
	}
	if len(b) > 16 {
		fields = append(fields, event.Field{Name: "trailing", Value: render.Hex(b[16:]), Offset: 16, Length: len(b) - 16})
	}
	return "AF_INET " + netip.AddrPortFrom(addr, port).String(), fields
}

// sockaddr_in6: sin6_family u16, sin6_port be16, sin6_flowinfo be32,
// sin6_addr 16 bytes, sin6_scope_id u32.
func decodeInet6(b render.Bytes) (string, []event.Field) {
	fields := []event.Field{{Name: "sin6_family", Value: "AF_INET6", Offset: 0, Length: 2}}
	if !b.Has(2, 2) {
		return "AF_INET6 (truncated)", fields
	}
	port := b.BE16(2)
	fields = append(fields, event.Field{Name: "sin6_port", Value: strconv.Itoa(int(port)), Offset: 2, Length: 2})
	if !b.Has(4, 4) {
		return fmt.Sprintf("AF_INET6 port %d (truncated)", port), fields
	}
	flow := b.BE32(4)
	fields = append(fields, event.Field{Name: "sin6_flowinfo", Value: fmt.Sprintf("%#x", flow), Offset: 4, Length: 4})
	if !b.Has(8, 16) {
		return fmt.Sprintf("AF_INET6 port %d (truncated)", port), fields
	}
	addr := netip.AddrFrom16([16]byte(b[8:24]))
	fields = append(fields, event.Field{Name: "sin6_addr", Value: addr.String(), Offset: 8, Length: 16})
	if b.Has(24, 4) {
		scope := b.U32(24)
		fields = append(fields, event.Field{Name: "sin6_scope_id", Value: strconv.FormatUint(uint64(scope), 10), Offset: 24, Length: 4})
		if scope != 0 {
			addr = addr.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
	}
	if len(b) > 28 {
		fields = append(fields, event.Field{Name: "trailing", Value: render.Hex(b[28:]), Offset: 28, Length: len(b) - 28})
	}
	sum := "AF_INET6 " + netip.AddrPortFrom(addr, port).String()
	if flow != 0 {
		sum += fmt.Sprintf(" flowinfo=%#x", flow)
	}
	return sum, fields
}

// sockaddr_un: sun_family u16, sun_path up to 108 bytes. An abstract name
// starts with a NUL byte and runs to the end of the address.
func decodeUnix(b render.Bytes) (string, []event.Field) {
	fields := []event.Field{{Name: "sun_family", Value: "AF_UNIX", Offset: 0, Length: 2}}
	if len(b) == 2 {
		return "AF_UNIX unnamed", fields
	}
	path := b[2:]
	if path[0] == 0 {
		name := string(path[1:])
		v := "@" + render.Quote(name)
		fields = append(fields, event.Field{Name: "sun_path", Value: v, Offset: 2, Length: len(path)})
		return "AF_UNIX " + v, fields
	}
	s, _ := b.CString(2, len(path))
	fields = append(fields, event.Field{Name: "sun_path", Value: render.Quote(s), Offset: 2, Length: len(path)})
	return "AF_UNIX " + render.Quote(s), fields
}

// packetTypeNames names sll_pkttype (linux/if_packet.h).
var packetTypeNames = render.Enum{
	"PACKET_HOST", "PACKET_BROADCAST", "PACKET_MULTICAST", "PACKET_OTHERHOST",
	"PACKET_OUTGOING", "PACKET_LOOPBACK", "PACKET_USER", "PACKET_KERNEL",
}

// ethProtoName names an EtherType, or renders it in hex.
func ethProtoName(p uint16) string {
	if n, ok := ethProtoNames[p]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", p)
}

// sockaddr_ll: sll_family u16, sll_protocol be16, sll_ifindex i32,
// sll_hatype u16, sll_pkttype u8, sll_halen u8, sll_addr[8].
func decodePacket(b render.Bytes) (string, []event.Field) {
	fields := []event.Field{{Name: "sll_family", Value: "AF_PACKET", Offset: 0, Length: 2}}
	sum := "AF_PACKET"
	if !b.Has(2, 2) {
		return sum + " (truncated)", fields
	}
	proto := ethProtoName(b.BE16(2))
	fields = append(fields, event.Field{Name: "sll_protocol", Value: proto, Offset: 2, Length: 2})
	sum += " proto=" + proto
	if !b.Has(4, 4) {
		return sum + " (truncated)", fields
	}
	idx := int32(b.U32(4))
	fields = append(fields, event.Field{Name: "sll_ifindex", Value: strconv.Itoa(int(idx)), Offset: 4, Length: 4})
	sum += " ifindex=" + strconv.Itoa(int(idx))
	if b.Has(8, 2) {
		fields = append(fields, event.Field{Name: "sll_hatype", Value: Arphrd(b.U16(8)), Offset: 8, Length: 2})
	}
	if b.Has(10, 1) {
		fields = append(fields, event.Field{Name: "sll_pkttype", Value: packetTypeNames.Name(uint64(b.U8(10))), Offset: 10, Length: 1})
	}
	if b.Has(11, 1) {
		halen := int(b.U8(11))
		fields = append(fields, event.Field{Name: "sll_halen", Value: strconv.Itoa(halen), Offset: 11, Length: 1})
		addr := b.Slice(12, 8)
		if len(addr) > 0 {
			shown := addr
			if halen <= len(addr) {
				shown = addr[:halen]
			}
			fields = append(fields, event.Field{Name: "sll_addr", Value: render.MAC(shown), Offset: 12, Length: len(addr)})
			if halen > 0 && len(shown) > 0 {
				sum += " addr=" + render.MAC(shown)
			}
		}
	}
	if len(b) > 20 {
		fields = append(fields, event.Field{Name: "trailing", Value: render.Hex(b[20:]), Offset: 20, Length: len(b) - 20})
	}
	return sum, fields
}

// Arphrd returns the ARPHRD_* name of a link-layer hardware type (the
// sa_family of a hardware address, ifinfomsg's ifi_type), or the number in
// decimal when it is unknown.
func Arphrd(t uint16) string { return ArphrdNames.Name(uint64(t)) }
