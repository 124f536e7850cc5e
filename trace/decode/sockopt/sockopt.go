package sockopt

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// Socket option levels (the second argument of setsockopt(2)).
const (
	solIP      = 0
	solSocket  = 1
	solTCP     = 6
	solUDP     = 17
	solIPv6    = 41
	solPacket  = 263
	solNetlink = 270
)

var sockoptLevelNames = map[uint32]string{
	0: "SOL_IP", 1: "SOL_SOCKET", 6: "SOL_TCP", 17: "SOL_UDP", 41: "SOL_IPV6",
	58: "SOL_ICMPV6", 255: "SOL_RAW", 261: "SOL_DECNET", 262: "SOL_X25",
	263: "SOL_PACKET", 264: "SOL_ATM", 265: "SOL_AAL", 266: "SOL_IRDA",
	267: "SOL_NETBEUI", 268: "SOL_LLC", 269: "SOL_DCCP", 270: "SOL_NETLINK",
	271: "SOL_TIPC", 272: "SOL_RXRPC", 273: "SOL_PPPOL2TP", 274: "SOL_BLUETOOTH",
	275: "SOL_PNPIPE", 276: "SOL_RDS", 277: "SOL_IUCV", 278: "SOL_CAIF",
	279: "SOL_ALG", 280: "SOL_NFC", 281: "SOL_KCM", 282: "SOL_TLS",
	283: "SOL_XDP", 284: "SOL_MPTCP", 285: "SOL_MCTP", 286: "SOL_SMC",
}

// LevelName returns the SOL_* name of a socket option level, or the
// number in decimal when it is unknown.
func LevelName(level uint32) string {
	if n, ok := sockoptLevelNames[level]; ok {
		return n
	}
	return strconv.FormatUint(uint64(level), 10)
}

// SO_* options at SOL_SOCKET (asm-generic/socket.h, the amd64 values).
var sockoptSocketNames = map[uint32]string{
	1: "SO_DEBUG", 2: "SO_REUSEADDR", 3: "SO_TYPE", 4: "SO_ERROR",
	5: "SO_DONTROUTE", 6: "SO_BROADCAST", 7: "SO_SNDBUF", 8: "SO_RCVBUF",
	9: "SO_KEEPALIVE", 10: "SO_OOBINLINE", 11: "SO_NO_CHECK", 12: "SO_PRIORITY",
	13: "SO_LINGER", 14: "SO_BSDCOMPAT", 15: "SO_REUSEPORT", 16: "SO_PASSCRED",
	17: "SO_PEERCRED", 18: "SO_RCVLOWAT", 19: "SO_SNDLOWAT", 20: "SO_RCVTIMEO_OLD",
	21: "SO_SNDTIMEO_OLD", 22: "SO_SECURITY_AUTHENTICATION",
	23: "SO_SECURITY_ENCRYPTION_TRANSPORT", 24: "SO_SECURITY_ENCRYPTION_NETWORK",
	25: "SO_BINDTODEVICE", 26: "SO_ATTACH_FILTER", 27: "SO_DETACH_FILTER",
	28: "SO_PEERNAME", 29: "SO_TIMESTAMP_OLD", 30: "SO_ACCEPTCONN", 31: "SO_PEERSEC",
	32: "SO_SNDBUFFORCE", 33: "SO_RCVBUFFORCE", 34: "SO_PASSSEC",
	35: "SO_TIMESTAMPNS_OLD", 36: "SO_MARK", 37: "SO_TIMESTAMPING_OLD",
	38: "SO_PROTOCOL", 39: "SO_DOMAIN", 40: "SO_RXQ_OVFL", 41: "SO_WIFI_STATUS",
	42: "SO_PEEK_OFF", 43: "SO_NOFCS", 44: "SO_LOCK_FILTER",
	45: "SO_SELECT_ERR_QUEUE", 46: "SO_BUSY_POLL", 47: "SO_MAX_PACING_RATE",
	48: "SO_BPF_EXTENSIONS", 49: "SO_INCOMING_CPU", 50: "SO_ATTACH_BPF",
	51: "SO_ATTACH_REUSEPORT_CBPF", 52: "SO_ATTACH_REUSEPORT_EBPF",
	53: "SO_CNX_ADVICE", 55: "SO_MEMINFO", 56: "SO_INCOMING_NAPI_ID",
	57: "SO_COOKIE", 59: "SO_PEERGROUPS", 60: "SO_ZEROCOPY", 61: "SO_TXTIME",
	62: "SO_BINDTOIFINDEX", 63: "SO_TIMESTAMP_NEW", 64: "SO_TIMESTAMPNS_NEW",
	65: "SO_TIMESTAMPING_NEW", 66: "SO_RCVTIMEO_NEW", 67: "SO_SNDTIMEO_NEW",
	68: "SO_DETACH_REUSEPORT_BPF", 69: "SO_PREFER_BUSY_POLL",
	70: "SO_BUSY_POLL_BUDGET", 71: "SO_NETNS_COOKIE", 72: "SO_BUF_LOCK",
	73: "SO_RESERVE_MEM", 74: "SO_TXREHASH", 75: "SO_RCVMARK",
}

// NETLINK_* options at SOL_NETLINK (linux/netlink.h).
var sockoptNetlinkNames = map[uint32]string{
	1: "NETLINK_ADD_MEMBERSHIP", 2: "NETLINK_DROP_MEMBERSHIP",
	3: "NETLINK_PKTINFO", 4: "NETLINK_BROADCAST_ERROR", 5: "NETLINK_NO_ENOBUFS",
	6: "NETLINK_RX_RING", 7: "NETLINK_TX_RING", 8: "NETLINK_LISTEN_ALL_NSID",
	9: "NETLINK_LIST_MEMBERSHIPS", 10: "NETLINK_CAP_ACK", 11: "NETLINK_EXT_ACK",
	12: "NETLINK_GET_STRICT_CHK",
}

// IP_* options at SOL_IP (linux/in.h), plus SO_ORIGINAL_DST
// (linux/netfilter_ipv4.h). The x_tables numbers from 64 up are added per
// direction below.
var sockoptIPNames = map[uint32]string{
	1: "IP_TOS", 2: "IP_TTL", 3: "IP_HDRINCL", 4: "IP_OPTIONS",
	5: "IP_ROUTER_ALERT", 6: "IP_RECVOPTS", 7: "IP_RETOPTS", 8: "IP_PKTINFO",
	9: "IP_PKTOPTIONS", 10: "IP_MTU_DISCOVER", 11: "IP_RECVERR", 12: "IP_RECVTTL",
	13: "IP_RECVTOS", 14: "IP_MTU", 15: "IP_FREEBIND", 16: "IP_IPSEC_POLICY",
	17: "IP_XFRM_POLICY", 18: "IP_PASSSEC", 19: "IP_TRANSPARENT",
	20: "IP_ORIGDSTADDR", 21: "IP_MINTTL", 22: "IP_NODEFRAG", 23: "IP_CHECKSUM",
	24: "IP_BIND_ADDRESS_NO_PORT", 25: "IP_RECVFRAGSIZE", 32: "IP_MULTICAST_IF",
	33: "IP_MULTICAST_TTL", 34: "IP_MULTICAST_LOOP", 35: "IP_ADD_MEMBERSHIP",
	36: "IP_DROP_MEMBERSHIP", 37: "IP_UNBLOCK_SOURCE", 38: "IP_BLOCK_SOURCE",
	39: "IP_ADD_SOURCE_MEMBERSHIP", 40: "IP_DROP_SOURCE_MEMBERSHIP",
	41: "IP_MSFILTER", 49: "IP_MULTICAST_ALL", 50: "IP_UNICAST_IF",
	51: "IP_LOCAL_PORT_RANGE", 52: "IP_PROTOCOL", 80: "SO_ORIGINAL_DST",
}

// x_tables control numbers at SOL_IP: iptables (64..), arptables (96..)
// and ebtables (128..). setsockopt and getsockopt give them different names.
var sockoptIPSetNames = map[uint32]string{
	64: "IPT_SO_SET_REPLACE", 65: "IPT_SO_SET_ADD_COUNTERS",
	96: "ARPT_SO_SET_REPLACE", 97: "ARPT_SO_SET_ADD_COUNTERS",
	128: "EBT_SO_SET_ENTRIES", 129: "EBT_SO_SET_COUNTERS",
}

var sockoptIPGetNames = map[uint32]string{
	64: "IPT_SO_GET_INFO", 65: "IPT_SO_GET_ENTRIES",
	66: "IPT_SO_GET_REVISION_MATCH", 67: "IPT_SO_GET_REVISION_TARGET",
	96: "ARPT_SO_GET_INFO", 97: "ARPT_SO_GET_ENTRIES",
	99: "ARPT_SO_GET_REVISION_TARGET", 128: "EBT_SO_GET_INFO",
	129: "EBT_SO_GET_ENTRIES", 130: "EBT_SO_GET_INIT_INFO",
	131: "EBT_SO_GET_INIT_ENTRIES",
}

// IPV6_* options at SOL_IPV6 (linux/in6.h and the C library's bits/in.h).
var sockoptIPv6Names = map[uint32]string{
	1: "IPV6_ADDRFORM", 7: "IPV6_CHECKSUM", 9: "IPV6_NEXTHOP",
	10: "IPV6_AUTHHDR", 11: "IPV6_FLOWINFO", 16: "IPV6_UNICAST_HOPS",
	17: "IPV6_MULTICAST_IF", 18: "IPV6_MULTICAST_HOPS", 19: "IPV6_MULTICAST_LOOP",
	20: "IPV6_ADD_MEMBERSHIP", 21: "IPV6_DROP_MEMBERSHIP", 22: "IPV6_ROUTER_ALERT",
	23: "IPV6_MTU_DISCOVER", 24: "IPV6_MTU", 25: "IPV6_RECVERR",
	26: "IPV6_V6ONLY", 27: "IPV6_JOIN_ANYCAST", 28: "IPV6_LEAVE_ANYCAST",
	29: "IPV6_MULTICAST_ALL", 30: "IPV6_ROUTER_ALERT_ISOLATE",
	32: "IPV6_FLOWLABEL_MGR", 33: "IPV6_FLOWINFO_SEND", 34: "IPV6_IPSEC_POLICY",
	35: "IPV6_XFRM_POLICY", 36: "IPV6_HDRINCL", 49: "IPV6_RECVPKTINFO",
	50: "IPV6_PKTINFO", 51: "IPV6_RECVHOPLIMIT", 52: "IPV6_HOPLIMIT",
	53: "IPV6_RECVHOPOPTS", 54: "IPV6_HOPOPTS", 56: "IPV6_RECVRTHDR",
	57: "IPV6_RTHDR", 58: "IPV6_RECVDSTOPTS", 59: "IPV6_DSTOPTS",
	60: "IPV6_RECVPATHMTU", 61: "IPV6_PATHMTU", 62: "IPV6_DONTFRAG",
	66: "IPV6_RECVTCLASS", 67: "IPV6_TCLASS", 70: "IPV6_AUTOFLOWLABEL",
	72: "IPV6_ADDR_PREFERENCES", 73: "IPV6_MINHOPCOUNT", 74: "IPV6_ORIGDSTADDR",
	75: "IPV6_TRANSPARENT", 76: "IPV6_UNICAST_IF", 77: "IPV6_RECVFRAGSIZE",
	78: "IPV6_FREEBIND",
}

var sockoptIPv6SetNames = map[uint32]string{
	64: "IP6T_SO_SET_REPLACE", 65: "IP6T_SO_SET_ADD_COUNTERS",
}

var sockoptIPv6GetNames = map[uint32]string{
	64: "IP6T_SO_GET_INFO", 65: "IP6T_SO_GET_ENTRIES",
	68: "IP6T_SO_GET_REVISION_MATCH", 69: "IP6T_SO_GET_REVISION_TARGET",
	80: "IP6T_SO_ORIGINAL_DST",
}

// TCP_* options at SOL_TCP (linux/tcp.h).
var sockoptTCPNames = map[uint32]string{
	1: "TCP_NODELAY", 2: "TCP_MAXSEG", 3: "TCP_CORK", 4: "TCP_KEEPIDLE",
	5: "TCP_KEEPINTVL", 6: "TCP_KEEPCNT", 7: "TCP_SYNCNT", 9: "TCP_DEFER_ACCEPT",
	10: "TCP_WINDOW_CLAMP", 11: "TCP_INFO", 12: "TCP_QUICKACK",
	13: "TCP_CONGESTION", 16: "TCP_THIN_LINEAR_TIMEOUTS", 17: "TCP_THIN_DUPACK",
	18: "TCP_USER_TIMEOUT", 19: "TCP_REPAIR", 20: "TCP_REPAIR_QUEUE",
	21: "TCP_QUEUE_SEQ", 22: "TCP_REPAIR_OPTIONS", 23: "TCP_FASTOPEN",
	24: "TCP_TIMESTAMP", 25: "TCP_NOTSENT_LOWAT", 26: "TCP_CC_INFO",
	27: "TCP_SAVE_SYN", 28: "TCP_SAVED_SYN", 29: "TCP_REPAIR_WINDOW",
	30: "TCP_FASTOPEN_CONNECT", 31: "TCP_ULP", 33: "TCP_FASTOPEN_KEY",
	34: "TCP_FASTOPEN_NO_COOKIE", 35: "TCP_ZEROCOPY_RECEIVE", 36: "TCP_INQ",
	37: "TCP_TX_DELAY",
}

// PACKET_* options at SOL_PACKET (linux/if_packet.h).
var sockoptPacketNames = map[uint32]string{
	1: "PACKET_ADD_MEMBERSHIP", 2: "PACKET_DROP_MEMBERSHIP",
	3: "PACKET_RECV_OUTPUT", 5: "PACKET_RX_RING", 6: "PACKET_STATISTICS",
	7: "PACKET_COPY_THRESH", 8: "PACKET_AUXDATA", 9: "PACKET_ORIGDEV",
	10: "PACKET_VERSION", 11: "PACKET_HDRLEN", 12: "PACKET_RESERVE",
	13: "PACKET_TX_RING", 14: "PACKET_LOSS", 15: "PACKET_VNET_HDR",
	16: "PACKET_TX_TIMESTAMP", 17: "PACKET_TIMESTAMP", 18: "PACKET_FANOUT",
	19: "PACKET_TX_HAS_OFF", 20: "PACKET_QDISC_BYPASS",
	21: "PACKET_ROLLOVER_STATS", 22: "PACKET_FANOUT_DATA",
	23: "PACKET_IGNORE_OUTGOING",
}

// sockoptLookup names an option for a direction; ok is false when unknown.
func sockoptLookup(get bool, level, name uint32) (string, bool) {
	var tables []map[uint32]string
	switch level {
	case solSocket:
		tables = append(tables, sockoptSocketNames)
	case solNetlink:
		tables = append(tables, sockoptNetlinkNames)
	case solIP:
		if get {
			tables = append(tables, sockoptIPGetNames)
		} else {
			tables = append(tables, sockoptIPSetNames)
		}
		tables = append(tables, sockoptIPNames)
	case solIPv6:
		if get {
			tables = append(tables, sockoptIPv6GetNames)
		} else {
			tables = append(tables, sockoptIPv6SetNames)
		}
		tables = append(tables, sockoptIPv6Names)
	case solTCP:
		tables = append(tables, sockoptTCPNames)
	case solPacket:
		tables = append(tables, sockoptPacketNames)
	}
	for _, t := range tables {
		if n, ok := t[name]; ok {
			return n, true
		}
	}
	return strconv.FormatUint(uint64(name), 10), false
}

// Name returns the name of a setsockopt(2) option at a level, e.g.
// "SO_RCVBUF", "NETLINK_ADD_MEMBERSHIP" or "IPT_SO_SET_REPLACE", or the
// number in decimal when it is unknown. Use [GetName] for
// getsockopt(2): the x_tables options reuse the same numbers for other
// requests there (64 is IPT_SO_GET_INFO).
func Name(level, name uint32) string {
	n, _ := sockoptLookup(false, level, name)
	return n
}

// GetName is [Name] for getsockopt(2).
func GetName(level, name uint32) string {
	n, _ := sockoptLookup(true, level, name)
	return n
}

// SockoptDir says whether a socket option was written or read.
type SockoptDir uint8

const (
	// Set is setsockopt(2): the value is the caller's input.
	Set SockoptDir = iota
	// Get is getsockopt(2): the value is the kernel's answer.
	Get
)

// sockoptProtoUnknown marks a netlink socket whose protocol is unknown.
const sockoptProtoUnknown = -1

// Decode decodes the value of a setsockopt(2) call. Integer options
// are shown as numbers (or names), netlink group memberships as group
// numbers, and the x_tables blobs of iptables-legacy (IPT_SO_SET_REPLACE,
// IPT_SO_SET_ADD_COUNTERS) by their header and rules. Use [DecodeFor]
// for getsockopt(2) and to name netlink groups.
func Decode(level, name uint32, value []byte) (summary string, fields []event.Field) {
	return decodeSockopt(Set, sockoptProtoUnknown, level, name, value)
}

// DecodeGet decodes the value returned by getsockopt(2), e.g. the
// ipt_getinfo of IPT_SO_GET_INFO.
func DecodeGet(level, name uint32, value []byte) (summary string, fields []event.Field) {
	return decodeSockopt(Get, sockoptProtoUnknown, level, name, value)
}

// DecodeFor decodes a socket option value for a direction on a
// socket whose netlink protocol is proto (Event.SockProto): on
// NETLINK_ROUTE sockets NETLINK_ADD_MEMBERSHIP names RTNLGRP_* groups, on
// NETLINK_NETFILTER sockets NFNLGRP_* groups. proto is ignored at levels
// other than SOL_NETLINK.
func DecodeFor(dir SockoptDir, proto uint16, level, name uint32, value []byte) (summary string, fields []event.Field) {
	return decodeSockopt(dir, int(proto), level, name, value)
}

// sockoptXtables decodes the x_tables options iptables-legacy and
// ip6tables-legacy use: both levels share the numbers 64 and 65 (a
// different struct per direction); the revision queries are 66/67 at
// SOL_IP and 68/69 at SOL_IPV6.
func sockoptXtables(optName string, name uint32, get bool, b sockaddr.Bytes, ipv4 bool) (string, []event.Field, bool) {
	revision := name == 68 || name == 69
	if ipv4 {
		revision = name == 66 || name == 67
	}
	var sum string
	var f []event.Field
	switch {
	case name == 64 && !get:
		sum, f = sockoptReplace(optName, b, ipv4)
	case name == 65 && !get:
		sum, f = sockoptCounters(optName, b)
	case name == 64 && get:
		sum, f = sockoptGetInfo(optName, b)
	case name == 65 && get:
		sum, f = sockoptGetEntries(optName, b, ipv4)
	case revision && get:
		sum, f = sockoptRevision(optName, b)
	default:
		return "", nil, false
	}
	return sum, f, true
}

func decodeSockopt(dir SockoptDir, proto int, level, name uint32, raw []byte) (string, []event.Field) {
	b := sockaddr.Bytes(raw)
	get := dir == Get
	optName, known := sockoptLookup(get, level, name)
	if !known {
		optName = LevelName(level) + " option " + optName
	}
	switch level {
	case solSocket:
		return sockoptSocket(optName, name, b)
	case solNetlink:
		return sockoptNetlink(optName, name, proto, b)
	case solIP:
		if sum, f, ok := sockoptXtables(optName, name, get, b, true); ok {
			return sum, f
		}
		switch {
		case name == 35 || name == 36: // IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP
			return sockoptMreq(optName, b)
		case name == 80 && get: // SO_ORIGINAL_DST
			sum, f := sockaddr.DecodeFor(b, -1)
			return optName + " " + sum, f
		}
	case solIPv6:
		if sum, f, ok := sockoptXtables(optName, name, get, b, false); ok {
			return sum, f
		}
	case solTCP:
		if name == 13 || name == 31 { // TCP_CONGESTION, TCP_ULP
			s, _ := b.Cstring(0, len(b))
			return optName + " " + sockaddr.Quote(s), []event.Field{{Name: optName, Value: sockaddr.Quote(s), Offset: 0, Length: len(b)}}
		}
	}
	return sockoptInt(optName, b, nil)
}

// sockoptInt decodes an int value (or leaves odd sizes as bytes); name
// renders the number when not nil.
func sockoptInt(optName string, b sockaddr.Bytes, name func(int32) string) (string, []event.Field) {
	if len(b) != 4 {
		if len(b) == 0 {
			return optName, nil
		}
		return optName + " " + sockaddr.Hex(b), []event.Field{{Name: optName, Value: sockaddr.Hex(b), Offset: 0, Length: len(b)}}
	}
	n := int32(b.U32(0))
	v := strconv.Itoa(int(n))
	if name != nil {
		v = name(n)
	}
	return optName + "=" + v, []event.Field{{Name: optName, Value: v, Offset: 0, Length: 4}}
}

func sockoptSocket(optName string, name uint32, b sockaddr.Bytes) (string, []event.Field) {
	switch name {
	case 3: // SO_TYPE
		return sockoptInt(optName, b, func(n int32) string { return sockaddr.TypeArg(uint64(uint32(n))) })
	case 39: // SO_DOMAIN
		return sockoptInt(optName, b, func(n int32) string { return sockaddr.FamilyName(uint16(n)) })
	case 25: // SO_BINDTODEVICE
		s, _ := b.Cstring(0, len(b))
		return optName + " " + sockaddr.Quote(s), []event.Field{{Name: optName, Value: sockaddr.Quote(s), Offset: 0, Length: len(b)}}
	case 13: // SO_LINGER: struct linger {int l_onoff; int l_linger}
		if b.Has(0, 8) {
			on, secs := int32(b.U32(0)), int32(b.U32(4))
			return fmt.Sprintf("%s onoff=%d linger=%d", optName, on, secs), []event.Field{
				{Name: "l_onoff", Value: strconv.Itoa(int(on)), Offset: 0, Length: 4},
				{Name: "l_linger", Value: strconv.Itoa(int(secs)), Offset: 4, Length: 4},
			}
		}
	case 17: // SO_PEERCRED: struct ucred {pid, uid, gid}
		if b.Has(0, 12) {
			var fields []event.Field
			var parts []string
			for i, n := range []string{"pid", "uid", "gid"} {
				v := strconv.FormatUint(uint64(b.U32(4*i)), 10)
				fields = append(fields, event.Field{Name: n, Value: v, Offset: 4 * i, Length: 4})
				parts = append(parts, n+"="+v)
			}
			return optName + " " + strings.Join(parts, " "), fields
		}
	case 20, 21, 66, 67: // SO_RCVTIMEO/SO_SNDTIMEO: struct timeval
		if b.Has(0, 16) {
			sec, usec := int64(b.U64(0)), int64(b.U64(8))
			return fmt.Sprintf("%s %d.%06ds", optName, sec, usec), []event.Field{
				{Name: "tv_sec", Value: strconv.FormatInt(sec, 10), Offset: 0, Length: 8},
				{Name: "tv_usec", Value: strconv.FormatInt(usec, 10), Offset: 8, Length: 8},
			}
		}
	case 26, 51: // SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF: struct sock_fprog
		if b.Has(0, 16) {
			n := b.U16(0)
			p := sockaddr.Pointer(b.U64(8))
			return fmt.Sprintf("%s %d BPF instructions", optName, n), []event.Field{
				{Name: "len", Value: strconv.Itoa(int(n)), Offset: 0, Length: 2},
				{Name: "filter", Value: p + " (pointer to struct sock_filter[len], not captured)", Offset: 8, Length: 8},
			}
		}
	}
	return sockoptInt(optName, b, nil)
}

// RTNLGRP_* multicast groups of NETLINK_ROUTE (linux/rtnetlink.h).
var sockoptRtnlgrpNames = []string{
	"RTNLGRP_NONE", "RTNLGRP_LINK", "RTNLGRP_NOTIFY", "RTNLGRP_NEIGH",
	"RTNLGRP_TC", "RTNLGRP_IPV4_IFADDR", "RTNLGRP_IPV4_MROUTE",
	"RTNLGRP_IPV4_ROUTE", "RTNLGRP_IPV4_RULE", "RTNLGRP_IPV6_IFADDR",
	"RTNLGRP_IPV6_MROUTE", "RTNLGRP_IPV6_ROUTE", "RTNLGRP_IPV6_IFINFO",
	"RTNLGRP_DECnet_IFADDR", "RTNLGRP_NOP2", "RTNLGRP_DECnet_ROUTE",
	"RTNLGRP_DECnet_RULE", "RTNLGRP_NOP4", "RTNLGRP_IPV6_PREFIX",
	"RTNLGRP_IPV6_RULE", "RTNLGRP_ND_USEROPT", "RTNLGRP_PHONET_IFADDR",
	"RTNLGRP_PHONET_ROUTE", "RTNLGRP_DCB", "RTNLGRP_IPV4_NETCONF",
	"RTNLGRP_IPV6_NETCONF", "RTNLGRP_MDB", "RTNLGRP_MPLS_ROUTE", "RTNLGRP_NSID",
	"RTNLGRP_MPLS_NETCONF", "RTNLGRP_IPV4_MROUTE_R", "RTNLGRP_IPV6_MROUTE_R",
	"RTNLGRP_NEXTHOP", "RTNLGRP_BRVLAN", "RTNLGRP_MCTP_IFADDR",
	"RTNLGRP_TUNNEL", "RTNLGRP_STATS",
}

// NFNLGRP_* multicast groups of NETLINK_NETFILTER
// (linux/netfilter/nfnetlink.h).
var sockoptNfnlgrpNames = []string{
	"NFNLGRP_NONE", "NFNLGRP_CONNTRACK_NEW", "NFNLGRP_CONNTRACK_UPDATE",
	"NFNLGRP_CONNTRACK_DESTROY", "NFNLGRP_CONNTRACK_EXP_NEW",
	"NFNLGRP_CONNTRACK_EXP_UPDATE", "NFNLGRP_CONNTRACK_EXP_DESTROY",
	"NFNLGRP_NFTABLES", "NFNLGRP_ACCT_QUOTA", "NFNLGRP_NFTRACE",
}

// sockoptGroupName names multicast group g of a netlink protocol.
func sockoptGroupName(g int32, proto int) string {
	var names []string
	switch proto {
	case netlink.Route:
		names = sockoptRtnlgrpNames
	case netlink.Netfilter:
		names = sockoptNfnlgrpNames
	}
	if g >= 0 && int(g) < len(names) {
		return names[g]
	}
	return strconv.Itoa(int(g))
}

func sockoptNetlink(optName string, name uint32, proto int, b sockaddr.Bytes) (string, []event.Field) {
	switch name {
	case 1, 2: // NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP
		if b.Has(0, 4) && len(b) == 4 {
			g := int32(b.U32(0))
			v := sockoptGroupName(g, proto)
			if v != strconv.Itoa(int(g)) {
				v += " (" + strconv.Itoa(int(g)) + ")"
			}
			return optName + " " + sockoptGroupName(g, proto), []event.Field{{Name: "group", Value: v, Offset: 0, Length: 4}}
		}
	case 9: // NETLINK_LIST_MEMBERSHIPS: u32 bitmaps of groups 1..
		var fields []event.Field
		var groups []string
		for i := 0; b.Has(4*i, 4); i++ {
			m := b.U32(4 * i)
			fields = append(fields, event.Field{Name: fmt.Sprintf("groups[%d]", i), Value: fmt.Sprintf("0x%08x", m), Offset: 4 * i, Length: 4})
			for bit := 0; bit < 32; bit++ {
				if m&(1<<bit) != 0 {
					groups = append(groups, sockoptGroupName(int32(32*i+bit+1), proto))
				}
			}
		}
		return optName + " " + strings.Join(groups, ","), fields
	}
	return sockoptInt(optName, b, nil)
}

// ip_mreq / ip_mreqn: imr_multiaddr, imr_interface (or imr_address) and,
// for ip_mreqn, imr_ifindex.
func sockoptMreq(optName string, b sockaddr.Bytes) (string, []event.Field) {
	if !b.Has(0, 8) {
		return sockoptInt(optName, b, nil)
	}
	group := netip.AddrFrom4([4]byte(b[0:4])).String()
	iface := netip.AddrFrom4([4]byte(b[4:8])).String()
	fields := []event.Field{
		{Name: "imr_multiaddr", Value: group, Offset: 0, Length: 4},
		{Name: "imr_address", Value: iface, Offset: 4, Length: 4},
	}
	sum := optName + " " + group + " via " + iface
	if b.Has(8, 4) {
		ix := strconv.Itoa(int(int32(b.U32(8))))
		fields = append(fields, event.Field{Name: "imr_ifindex", Value: ix, Offset: 8, Length: 4})
		sum += " ifindex=" + ix
	}
	return sum, fields
}

// Netfilter IPv4 hooks (linux/netfilter.h NF_INET_*), named after the
// iptables chains they carry.
var sockoptHookNames = []string{"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}

const (
	xtTableMaxNameLen = 32 // XT_TABLE_MAXNAMELEN
	nfInetNumHooks    = 5  // NF_INET_NUMHOOKS
)

// sockoptHooks names a valid_hooks bitmask.
func sockoptHooks(m uint32) string {
	var fl []sockaddr.Flag
	for i, n := range sockoptHookNames {
		fl = append(fl, sockaddr.Flag{1 << i, n})
	}
	return sockaddr.Flags(uint64(m), fl)
}

// sockoptTableName decodes the table name every x_tables struct starts with.
func sockoptTableName(b sockaddr.Bytes) (event.Field, string) {
	s, _ := b.Cstring(0, xtTableMaxNameLen)
	return event.Field{Name: "name", Value: sockaddr.Quote(s), Offset: 0, Length: len(b.Slice(0, xtTableMaxNameLen))}, s
}

// sockoptHookArray decodes hook_entry[5] or underflow[5] at off; hooks
// outside the valid mask are marked unused.
func sockoptHookArray(b sockaddr.Bytes, name string, off int, valid uint32) (event.Field, bool) {
	if !b.Has(off, 4*nfInetNumHooks) {
		return event.Field{}, false
	}
	f := event.Field{Name: name, Offset: off, Length: 4 * nfInetNumHooks}
	var vals []string
	for i := 0; i < nfInetNumHooks; i++ {
		v := b.U32(off + 4*i)
		s := strconv.FormatUint(uint64(v), 10)
		switch {
		case v == 0xffffffff:
			s = "unused"
		case valid&(1<<i) == 0:
			s += " (unused)"
		}
		vals = append(vals, s)
		f.Children = append(f.Children, event.Field{Name: fmt.Sprintf("%s[%s]", name, sockoptHookNames[i]), Value: s, Offset: off + 4*i, Length: 4})
	}
	f.Value = strings.Join(vals, ", ")
	return f, true
}

// sockoptU32 appends a decimal u32 field when present.
func sockoptU32(b sockaddr.Bytes, fields []event.Field, name string, off int) ([]event.Field, uint32, bool) {
	if !b.Has(off, 4) {
		return fields, 0, false
	}
	v := b.U32(off)
	return append(fields, event.Field{Name: name, Value: strconv.FormatUint(uint64(v), 10), Offset: off, Length: 4}), v, true
}

// struct ipt_replace (and ip6t_replace, same header): name[32] @0,
// valid_hooks @32, num_entries @36, size @40, hook_entry[5] @44,
// underflow[5] @64, num_counters @84, counters (pointer) @88, entries @96.
func sockoptReplace(optName string, b sockaddr.Bytes, ipv4 bool) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := sockoptTableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	if b.Has(32, 4) {
		h := sockoptHooks(b.U32(32))
		fields = append(fields, event.Field{Name: "valid_hooks", Value: h, Offset: 32, Length: 4})
		parts = append(parts, "hooks="+h)
	}
	fields, n, ok := sockoptU32(b, fields, "num_entries", 36)
	if ok {
		parts = append(parts, "entries="+strconv.FormatUint(uint64(n), 10))
	}
	fields, size, ok := sockoptU32(b, fields, "size", 40)
	if ok {
		parts = append(parts, "size="+strconv.FormatUint(uint64(size), 10))
	}
	var hooks, underflow []uint32
	if f, ok := sockoptHookArray(b, "hook_entry", 44, b.U32(32)); ok {
		fields = append(fields, f)
		hooks = sockoptHookValues(b, 44)
	}
	if f, ok := sockoptHookArray(b, "underflow", 64, b.U32(32)); ok {
		fields = append(fields, f)
		underflow = sockoptHookValues(b, 64)
	}
	fields, nc, ok := sockoptU32(b, fields, "num_counters", 84)
	if ok {
		parts = append(parts, "old_counters="+strconv.FormatUint(uint64(nc), 10))
	}
	if b.Has(88, 8) {
		fields = append(fields, event.Field{Name: "counters", Value: sockaddr.Pointer(b.U64(88)) + " (where the kernel writes the old counters)", Offset: 88, Length: 8})
	}
	const hdr = 96
	if len(b) > hdr {
		ent := b[hdr:]
		if uint32(len(ent)) > size {
			ent = ent[:size]
		}
		f := event.Field{Name: "entries", Offset: hdr, Length: len(ent)}
		if ipv4 {
			f.Children, f.Value = sockoptEntries(sockaddr.Bytes(ent), hdr, b.U32(32), hooks, underflow, table)
		} else {
			f.Value = sockaddr.Hex(ent)
		}
		fields = append(fields, f)
		if rest := len(b) - hdr - len(ent); rest > 0 {
			fields = append(fields, event.Field{Name: "trailing", Value: sockaddr.Hex(b[hdr+len(ent):]), Offset: hdr + len(ent), Length: rest})
		}
	}
	if int64(len(b)) < hdr+int64(size) {
		parts = append(parts, fmt.Sprintf("(%d of %d bytes captured)", len(b), hdr+int64(size)))
	}
	return strings.Join(parts, " "), fields
}

func sockoptHookValues(b sockaddr.Bytes, off int) []uint32 {
	out := make([]uint32, nfInetNumHooks)
	for i := range out {
		out[i] = b.U32(off + 4*i)
	}
	return out
}

// struct xt_counters_info: name[32] @0, num_counters @32, counters @40
// (struct xt_counters {u64 pcnt, bcnt} each).
func sockoptCounters(optName string, b sockaddr.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := sockoptTableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	fields, n, ok := sockoptU32(b, fields, "num_counters", 32)
	if ok {
		parts = append(parts, "counters="+strconv.FormatUint(uint64(n), 10))
	}
	if len(b) > 40 {
		f := event.Field{Name: "counters", Value: fmt.Sprintf("%d × struct xt_counters", (len(b)-40)/16), Offset: 40, Length: len(b) - 40}
		for i := 0; i < int(n) && b.Has(40+16*i, 16); i++ {
			off := 40 + 16*i
			f.Children = append(f.Children, event.Field{Name: fmt.Sprintf("counters[%d]", i),
				Value: fmt.Sprintf("packets=%d bytes=%d", b.U64(off), b.U64(off+8)), Offset: off, Length: 16})
		}
		fields = append(fields, f)
	}
	return strings.Join(parts, " "), fields
}

// struct ipt_getinfo: name[32] @0, valid_hooks @32, hook_entry[5] @36,
// underflow[5] @56, num_entries @76, size @80.
func sockoptGetInfo(optName string, b sockaddr.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := sockoptTableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	if b.Has(32, 4) {
		h := sockoptHooks(b.U32(32))
		fields = append(fields, event.Field{Name: "valid_hooks", Value: h, Offset: 32, Length: 4})
		parts = append(parts, "hooks="+h)
	}
	if f, ok := sockoptHookArray(b, "hook_entry", 36, b.U32(32)); ok {
		fields = append(fields, f)
	}
	if f, ok := sockoptHookArray(b, "underflow", 56, b.U32(32)); ok {
		fields = append(fields, f)
	}
	fields, n, ok := sockoptU32(b, fields, "num_entries", 76)
	if ok {
		parts = append(parts, "entries="+strconv.FormatUint(uint64(n), 10))
	}
	fields, size, ok := sockoptU32(b, fields, "size", 80)
	if ok {
		parts = append(parts, "size="+strconv.FormatUint(uint64(size), 10))
	}
	return strings.Join(parts, " "), fields
}

// struct ipt_get_entries: name[32] @0, size @32, entrytable @40.
func sockoptGetEntries(optName string, b sockaddr.Bytes, ipv4 bool) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := sockoptTableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	fields, size, ok := sockoptU32(b, fields, "size", 32)
	if ok {
		parts = append(parts, "size="+strconv.FormatUint(uint64(size), 10))
	}
	const hdr = 40
	if len(b) > hdr {
		ent := b[hdr:]
		if uint32(len(ent)) > size {
			ent = ent[:size]
		}
		f := event.Field{Name: "entrytable", Offset: hdr, Length: len(ent)}
		if ipv4 {
			f.Children, f.Value = sockoptEntries(sockaddr.Bytes(ent), hdr, 0, nil, nil, table)
		} else {
			f.Value = sockaddr.Hex(ent)
		}
		fields = append(fields, f)
	}
	return strings.Join(parts, " "), fields
}

// struct xt_get_revision: name[29] @0, revision @29.
func sockoptRevision(optName string, b sockaddr.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	s, _ := b.Cstring(0, 29)
	fields := []event.Field{{Name: "name", Value: sockaddr.Quote(s), Offset: 0, Length: len(b.Slice(0, 29))}}
	sum := optName + " " + sockaddr.Plain(s)
	if b.Has(29, 1) {
		r := strconv.Itoa(int(b.U8(29)))
		fields = append(fields, event.Field{Name: "revision", Value: r, Offset: 29, Length: 1})
		sum += " revision=" + r
	}
	return sum, fields
}

// Layout of struct ipt_entry: struct ipt_ip (84 bytes), nfcache @84,
// target_offset @88, next_offset @90, comefrom @92, counters @96, then the
// matches and the target from @112.
const (
	iptEntrySize    = 112
	xtEntryHdrSize  = 32 // u16 size, char name[29], u8 revision
	sockoptMaxRules = 512
)

// Standard target verdicts: a negative number is -verdict-1 (NF_DROP 0,
// NF_ACCEPT 1, NF_QUEUE 3), XT_RETURN is -NF_REPEAT-1.
func sockoptVerdict(v int32) string {
	switch v {
	case -1:
		return "DROP"
	case -2:
		return "ACCEPT"
	case -4:
		return "QUEUE"
	case -5:
		return "RETURN"
	}
	if v < 0 {
		return fmt.Sprintf("verdict %d", -v-1)
	}
	return ""
}

// sockoptEntries decodes a blob of struct ipt_entry as iptables-save style
// rules. base is the blob's offset in the payload; hooks and underflow
// (nil when unknown) locate the built-in chains of the valid hooks and
// their policies.
func sockoptEntries(b sockaddr.Bytes, base int, valid uint32, hooks, underflow []uint32, table string) ([]event.Field, string) {
	type entry struct {
		off, next  int
		targetOff  int
		target     string
		verdict    int32
		hasVerdict bool
		errorName  string
	}
	var entries []entry
	for off := 0; off+iptEntrySize <= len(b) && len(entries) < sockoptMaxRules; {
		tOff := int(b.U16(off + 88))
		next := int(b.U16(off + 90))
		e := entry{off: off, next: next, targetOff: tOff}
		if t := off + tOff; tOff >= iptEntrySize && b.Has(t, xtEntryHdrSize) {
			e.target, _ = b.Cstring(t+2, 29)
			if b.Has(t+xtEntryHdrSize, 4) {
				e.verdict = int32(b.U32(t + xtEntryHdrSize))
				e.hasVerdict = e.target == ""
			}
			if e.target == "ERROR" {
				e.errorName, _ = b.Cstring(t+xtEntryHdrSize, 30)
			}
		}
		entries = append(entries, e)
		if next < iptEntrySize {
			break
		}
		off += next
	}
	// Chain starts: built-in chains from hook_entry, user chains right after
	// their ERROR head entry.
	chainAt := map[int]string{}
	policyAt := map[int]string{}
	for i, h := range hooks {
		if valid&(1<<i) != 0 && i < len(sockoptHookNames) {
			chainAt[int(h)] = sockoptHookNames[i]
		}
	}
	for i, u := range underflow {
		if valid&(1<<i) != 0 && i < len(sockoptHookNames) {
			policyAt[int(u)] = sockoptHookNames[i]
		}
	}
	for _, e := range entries {
		if e.errorName != "" && e.errorName != "ERROR" {
			chainAt[e.off+e.next] = e.errorName
		}
	}
	if hooks == nil {
		// The kernel's copy (IPT_SO_GET_ENTRIES) marks in comefrom which
		// hooks reach each entry; the built-in chains come first, each a
		// run of entries of one hook ending with its policy.
		prev := -1
		for i, e := range entries {
			if e.target == "ERROR" {
				break
			}
			h := sockoptSingleHook(b.U32(e.off + 92))
			if h < 0 {
				break
			}
			if h != prev {
				chainAt[e.off] = sockoptHookNames[h]
				prev = h
			}
			last := i+1 == len(entries) || entries[i+1].target == "ERROR" ||
				sockoptSingleHook(b.U32(entries[i+1].off+92)) != h
			if last && e.hasVerdict {
				policyAt[e.off] = sockoptHookNames[h]
			}
		}
	}
	var fields []event.Field
	rules := 0
	chain := ""
	for i, e := range entries {
		if c, ok := chainAt[e.off]; ok {
			chain = c
		}
		var text string
		switch {
		case e.errorName == "ERROR" || (e.target == "ERROR" && i == len(entries)-1):
			text = "end of table"
		case e.target == "ERROR":
			text = "-N " + e.errorName
		case policyAt[e.off] != "" && e.hasVerdict:
			text = "-P " + policyAt[e.off] + " " + sockoptVerdict(e.verdict)
		case e.hasVerdict && e.verdict == -5 && chain != "" && !sockoptBuiltin(chain) &&
			i+1 < len(entries) && entries[i+1].target == "ERROR":
			text = "end of chain " + chain + " (implicit RETURN)"
		default:
			text = sockoptRule(b, e.off, e.targetOff, chain, chainAt, e.verdict, e.hasVerdict, e.target)
			rules++
		}
		n := e.next
		if n < iptEntrySize || e.off+n > len(b) {
			n = len(b) - e.off
		}
		f := event.Field{Name: fmt.Sprintf("entry[%d]", i), Value: text, Offset: base + e.off, Length: n}
		f.Children = sockoptEntryFields(b, e.off, e.targetOff, n, base)
		fields = append(fields, f)
	}
	return fields, fmt.Sprintf("%d entries in table %s", len(entries), table)
}

// sockoptSingleHook returns the hook number when comefrom names exactly
// one netfilter hook, else -1.
func sockoptSingleHook(comefrom uint32) int {
	m := comefrom & (1<<nfInetNumHooks - 1)
	if m == 0 || m&(m-1) != 0 {
		return -1
	}
	return bits.TrailingZeros32(m)
}

// sockoptBuiltin reports whether chain is one of the built-in chains.
func sockoptBuiltin(chain string) bool {
	for _, n := range sockoptHookNames {
		if n == chain {
			return true
		}
	}
	return false
}

// sockoptRule renders one rule as iptables-save would: "-A CHAIN -s ... -j T".
func sockoptRule(b sockaddr.Bytes, off, tOff int, chain string, chainAt map[int]string, verdict int32, std bool, target string) string {
	var p []string
	if chain != "" {
		p = append(p, "-A "+chain)
	}
	inv := b.U8(off + 83)
	not := func(bit uint8) string {
		if inv&bit != 0 {
			return "! "
		}
		return ""
	}
	addr := func(a, m int, flag string, bit uint8) {
		if !b.Has(off+a, 4) || !b.Has(off+m, 4) || b.U32(off+m) == 0 {
			return
		}
		pl := bits.OnesCount32(b.Be32(off + m))
		ip := netip.AddrFrom4([4]byte(b.Slice(off+a, 4)))
		p = append(p, not(bit)+flag+" "+ip.String()+"/"+strconv.Itoa(pl))
	}
	addr(0, 8, "-s", 0x08)
	addr(4, 12, "-d", 0x10)
	if s, _ := b.Cstring(off+16, 16); s != "" {
		p = append(p, not(0x01)+"-i "+s)
	}
	if s, _ := b.Cstring(off+32, 16); s != "" {
		p = append(p, not(0x02)+"-o "+s)
	}
	if proto := b.U16(off + 80); proto != 0 {
		n := strconv.Itoa(int(proto))
		switch proto {
		case 1:
			n = "icmp"
		case 6:
			n = "tcp"
		case 17:
			n = "udp"
		}
		p = append(p, not(0x40)+"-p "+n)
	}
	if b.U8(off+82)&0x01 != 0 {
		p = append(p, not(0x20)+"-f")
	}
	for m := off + iptEntrySize; m+xtEntryHdrSize <= off+tOff && b.Has(m, xtEntryHdrSize); {
		size := int(b.U16(m))
		name, _ := b.Cstring(m+2, 29)
		p = append(p, "-m "+name)
		if size < xtEntryHdrSize {
			break
		}
		m += size
	}
	jump := "-j"
	if b.U8(off+82)&0x02 != 0 {
		jump = "-g"
	}
	switch {
	case std && verdict >= 0:
		dest := chainAt[int(verdict)]
		if dest == "" {
			dest = "offset " + strconv.Itoa(int(verdict))
		}
		p = append(p, jump+" "+dest)
	case std:
		p = append(p, "-j "+sockoptVerdict(verdict))
	case target != "":
		p = append(p, "-j "+target)
	}
	return strings.Join(p, " ")
}

// sockoptEntryFields lists the members of one ipt_entry.
func sockoptEntryFields(b sockaddr.Bytes, off, tOff, n, base int) []event.Field {
	var out []event.Field
	add := func(name, v string, o, l int) {
		if b.Has(off+o, l) && o+l <= n {
			out = append(out, event.Field{Name: name, Value: v, Offset: base + off + o, Length: l})
		}
	}
	ip4 := func(o int) string {
		if s := b.Slice(off+o, 4); len(s) == 4 {
			return netip.AddrFrom4([4]byte(s)).String()
		}
		return ""
	}
	str := func(o int) string { s, _ := b.Cstring(off+o, 16); return sockaddr.Quote(s) }
	add("ip.src", ip4(0), 0, 4)
	add("ip.dst", ip4(4), 4, 4)
	add("ip.smsk", ip4(8), 8, 4)
	add("ip.dmsk", ip4(12), 12, 4)
	add("ip.iniface", str(16), 16, 16)
	add("ip.outiface", str(32), 32, 16)
	add("ip.iniface_mask", sockaddr.Hex(b.Slice(off+48, 16)), 48, 16)
	add("ip.outiface_mask", sockaddr.Hex(b.Slice(off+64, 16)), 64, 16)
	add("ip.proto", strconv.Itoa(int(b.U16(off+80))), 80, 2)
	add("ip.flags", fmt.Sprintf("%#x", b.U8(off+82)), 82, 1)
	add("ip.invflags", fmt.Sprintf("%#x", b.U8(off+83)), 83, 1)
	add("nfcache", fmt.Sprintf("%#x", b.U32(off+84)), 84, 4)
	add("target_offset", strconv.Itoa(int(b.U16(off+88))), 88, 2)
	add("next_offset", strconv.Itoa(int(b.U16(off+90))), 90, 2)
	add("comefrom", fmt.Sprintf("%#x", b.U32(off+92)), 92, 4)
	add("counters", fmt.Sprintf("packets=%d bytes=%d", b.U64(off+96), b.U64(off+104)), 96, 16)
	for m := iptEntrySize; m+xtEntryHdrSize <= tOff && m+xtEntryHdrSize <= n; {
		size := int(b.U16(off + m))
		name, _ := b.Cstring(off+m+2, 29)
		l := size
		if l < xtEntryHdrSize || m+l > n {
			l = n - m
		}
		add("match", sockaddr.Quote(name)+" revision "+strconv.Itoa(int(b.U8(off+m+31))), m, l)
		if size < xtEntryHdrSize {
			break
		}
		m += size
	}
	if tOff >= iptEntrySize && tOff+xtEntryHdrSize <= n {
		name, _ := b.Cstring(off+tOff+2, 29)
		v := sockaddr.Quote(name)
		if name == "" {
			v = "standard"
			if b.Has(off+tOff+xtEntryHdrSize, 4) {
				vd := int32(b.U32(off + tOff + xtEntryHdrSize))
				if s := sockoptVerdict(vd); s != "" {
					v += " " + s
				} else {
					v += " jump to offset " + strconv.Itoa(int(vd))
				}
			}
		} else if name == "ERROR" {
			e, _ := b.Cstring(off+tOff+xtEntryHdrSize, 30)
			v += " " + sockaddr.Quote(e)
		}
		add("target", v+" revision "+strconv.Itoa(int(b.U8(off+tOff+31))), tOff, n-tOff)
	}
	return out
}
