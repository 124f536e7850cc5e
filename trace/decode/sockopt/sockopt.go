package sockopt

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// x_tables control numbers at SOL_IP and SOL_IPV6
// (linux/netfilter_ipv4/ip_tables.h, netfilter_ipv6/ip6_tables.h):
// setsockopt and getsockopt reuse 64 and 65 for different structs.
const (
	iptSoSetReplace         = 64 // IPT_SO_SET_REPLACE, IP6T_SO_SET_REPLACE
	iptSoSetAddCounters     = 65 // IPT_SO_SET_ADD_COUNTERS, IP6T_SO_SET_ADD_COUNTERS
	iptSoGetInfo            = 64 // IPT_SO_GET_INFO, IP6T_SO_GET_INFO
	iptSoGetEntries         = 65 // IPT_SO_GET_ENTRIES, IP6T_SO_GET_ENTRIES
	iptSoGetRevisionMatch   = 66 // IPT_SO_GET_REVISION_MATCH
	iptSoGetRevisionTarget  = 67 // IPT_SO_GET_REVISION_TARGET
	ip6tSoGetRevisionMatch  = 68 // IP6T_SO_GET_REVISION_MATCH
	ip6tSoGetRevisionTarget = 69 // IP6T_SO_GET_REVISION_TARGET
	soOriginalDst           = 80 // SO_ORIGINAL_DST (linux/netfilter_ipv4.h)
)

var levelNames = render.EnumMap{
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
func LevelName(level uint32) string { return levelNames.Name(uint64(level)) }

// SO_* options at SOL_SOCKET (asm-generic/socket.h, the amd64 values).
var socketNames = map[uint32]string{
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
var netlinkNames = map[uint32]string{
	1: "NETLINK_ADD_MEMBERSHIP", 2: "NETLINK_DROP_MEMBERSHIP",
	3: "NETLINK_PKTINFO", 4: "NETLINK_BROADCAST_ERROR", 5: "NETLINK_NO_ENOBUFS",
	6: "NETLINK_RX_RING", 7: "NETLINK_TX_RING", 8: "NETLINK_LISTEN_ALL_NSID",
	9: "NETLINK_LIST_MEMBERSHIPS", 10: "NETLINK_CAP_ACK", 11: "NETLINK_EXT_ACK",
	12: "NETLINK_GET_STRICT_CHK",
}

// IP_* options at SOL_IP (linux/in.h), plus SO_ORIGINAL_DST
// (linux/netfilter_ipv4.h). The x_tables numbers from 64 up are added per
// direction below.
var ipNames = map[uint32]string{
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
var ipSetNames = map[uint32]string{
	64: "IPT_SO_SET_REPLACE", 65: "IPT_SO_SET_ADD_COUNTERS",
	96: "ARPT_SO_SET_REPLACE", 97: "ARPT_SO_SET_ADD_COUNTERS",
	128: "EBT_SO_SET_ENTRIES", 129: "EBT_SO_SET_COUNTERS",
}

var ipGetNames = map[uint32]string{
	64: "IPT_SO_GET_INFO", 65: "IPT_SO_GET_ENTRIES",
	66: "IPT_SO_GET_REVISION_MATCH", 67: "IPT_SO_GET_REVISION_TARGET",
	96: "ARPT_SO_GET_INFO", 97: "ARPT_SO_GET_ENTRIES",
	99: "ARPT_SO_GET_REVISION_TARGET", 128: "EBT_SO_GET_INFO",
	129: "EBT_SO_GET_ENTRIES", 130: "EBT_SO_GET_INIT_INFO",
	131: "EBT_SO_GET_INIT_ENTRIES",
}

// IPV6_* options at SOL_IPV6 (linux/in6.h and the C library's bits/in.h).
var ipv6Names = map[uint32]string{
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

var ipv6SetNames = map[uint32]string{
	64: "IP6T_SO_SET_REPLACE", 65: "IP6T_SO_SET_ADD_COUNTERS",
}

var ipv6GetNames = map[uint32]string{
	64: "IP6T_SO_GET_INFO", 65: "IP6T_SO_GET_ENTRIES",
	68: "IP6T_SO_GET_REVISION_MATCH", 69: "IP6T_SO_GET_REVISION_TARGET",
	80: "IP6T_SO_ORIGINAL_DST",
}

// TCP_* options at SOL_TCP (linux/tcp.h).
var tcpNames = map[uint32]string{
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
var packetNames = map[uint32]string{
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

// lookup names an option for a direction; ok is false when unknown.
func lookup(get bool, level, name uint32) (string, bool) {
	var tables []map[uint32]string
	switch level {
	case unix.SOL_SOCKET:
		tables = append(tables, socketNames)
	case unix.SOL_NETLINK:
		tables = append(tables, netlinkNames)
	case unix.SOL_IP:
		if get {
			tables = append(tables, ipGetNames)
		} else {
			tables = append(tables, ipSetNames)
		}
		tables = append(tables, ipNames)
	case unix.SOL_IPV6:
		if get {
			tables = append(tables, ipv6GetNames)
		} else {
			tables = append(tables, ipv6SetNames)
		}
		tables = append(tables, ipv6Names)
	case unix.SOL_TCP:
		tables = append(tables, tcpNames)
	case unix.SOL_PACKET:
		tables = append(tables, packetNames)
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
	n, _ := lookup(false, level, name)
	return n
}

// GetName is [Name] for getsockopt(2).
func GetName(level, name uint32) string {
	n, _ := lookup(true, level, name)
	return n
}

// Dir says whether a socket option was written or read.
type Dir uint8

const (
	// Set is setsockopt(2): the value is the caller's input.
	Set Dir = iota
	// Get is getsockopt(2): the value is the kernel's answer.
	Get
)

// protoUnknown marks a netlink socket whose protocol is unknown.
const protoUnknown = -1

// Decode decodes the value of a setsockopt(2) call. Integer options
// are shown as numbers (or names), netlink group memberships as group
// numbers, and the x_tables blobs of iptables-legacy (IPT_SO_SET_REPLACE,
// IPT_SO_SET_ADD_COUNTERS) by their header and rules. The result is named
// after the option ("SO_RCVBUF", or "SOL_X option N" when it is unknown).
// Use [DecodeFor] for getsockopt(2) and to name netlink groups.
func Decode(level, name uint32, value []byte) event.Decoded {
	return decode(Set, protoUnknown, level, name, value)
}

// DecodeGet decodes the value returned by getsockopt(2), e.g. the
// ipt_getinfo of IPT_SO_GET_INFO.
func DecodeGet(level, name uint32, value []byte) event.Decoded {
	return decode(Get, protoUnknown, level, name, value)
}

// DecodeFor decodes a socket option value for a direction on a
// socket whose netlink protocol is proto (Event.SockProto): on
// NETLINK_ROUTE sockets NETLINK_ADD_MEMBERSHIP names RTNLGRP_* groups, on
// NETLINK_NETFILTER sockets NFNLGRP_* groups. proto is ignored at levels
// other than SOL_NETLINK.
func DecodeFor(dir Dir, proto uint16, level, name uint32, value []byte) event.Decoded {
	return decode(dir, int(proto), level, name, value)
}

// decodeXtables decodes the x_tables options iptables-legacy and
// ip6tables-legacy use: both levels share the numbers 64 and 65 (a
// different struct per direction); the revision queries are 66/67 at
// SOL_IP and 68/69 at SOL_IPV6.
func decodeXtables(optName string, name uint32, get bool, b render.Bytes, ipv4 bool) (string, []event.Field, bool) {
	revision := name == ip6tSoGetRevisionMatch || name == ip6tSoGetRevisionTarget
	if ipv4 {
		revision = name == iptSoGetRevisionMatch || name == iptSoGetRevisionTarget
	}
	var sum string
	var f []event.Field
	switch {
	case name == iptSoSetReplace && !get:
		sum, f = decodeReplace(optName, b, ipv4)
	case name == iptSoSetAddCounters && !get:
		sum, f = decodeCounters(optName, b)
	case name == iptSoGetInfo && get:
		sum, f = decodeGetInfo(optName, b)
	case name == iptSoGetEntries && get:
		sum, f = decodeGetEntries(optName, b, ipv4)
	case revision && get:
		sum, f = decodeRevision(optName, b)
	default:
		return "", nil, false
	}
	return sum, f, true
}

func decode(dir Dir, proto int, level, name uint32, raw []byte) event.Decoded {
	get := dir == Get
	optName, known := lookup(get, level, name)
	if !known {
		optName = LevelName(level) + " option " + optName
	}
	d := event.Decoded{Name: optName}
	d.Summary, d.Fields = decodeValue(optName, get, proto, level, name, render.Bytes(raw))
	return d
}

// decodeValue decodes the value of option name at level, shown as optName.
func decodeValue(optName string, get bool, proto int, level, name uint32, b render.Bytes) (string, []event.Field) {
	switch level {
	case unix.SOL_SOCKET:
		return decodeSocket(optName, name, b)
	case unix.SOL_NETLINK:
		return decodeNetlink(optName, name, proto, b)
	case unix.SOL_IP:
		if sum, f, ok := decodeXtables(optName, name, get, b, true); ok {
			return sum, f
		}
		switch {
		case name == unix.IP_ADD_MEMBERSHIP || name == unix.IP_DROP_MEMBERSHIP:
			return decodeMreq(optName, b)
		case name == soOriginalDst && get:
			d := sockaddr.Decode(b)
			return optName + " " + d.Summary, d.Fields
		}
	case unix.SOL_IPV6:
		if sum, f, ok := decodeXtables(optName, name, get, b, false); ok {
			return sum, f
		}
	case unix.SOL_TCP:
		if name == unix.TCP_CONGESTION || name == unix.TCP_ULP {
			return decodeString(optName, b)
		}
	}
	return decodeInt(optName, b, nil)
}

// decodeString decodes a value that is a C string (a congestion control
// algorithm, a device name).
func decodeString(optName string, b render.Bytes) (string, []event.Field) {
	s, _ := b.CString(0, len(b))
	return optName + " " + render.Quote(s), []event.Field{{Name: optName, Value: render.Quote(s), Offset: 0, Length: len(b)}}
}

// decodeInt decodes an int value (or leaves odd sizes as bytes); name
// renders the number when not nil.
func decodeInt(optName string, b render.Bytes, name func(int32) string) (string, []event.Field) {
	if len(b) != 4 {
		if len(b) == 0 {
			return optName, nil
		}
		return optName + " " + render.Hex(b), []event.Field{{Name: optName, Value: render.Hex(b), Offset: 0, Length: len(b)}}
	}
	n := int32(b.U32(0))
	v := strconv.Itoa(int(n))
	if name != nil {
		v = name(n)
	}
	return optName + "=" + v, []event.Field{{Name: optName, Value: v, Offset: 0, Length: 4}}
}

func decodeSocket(optName string, name uint32, b render.Bytes) (string, []event.Field) {
	switch name {
	case unix.SO_TYPE:
		return decodeInt(optName, b, func(n int32) string { return sockaddr.TypeArg(uint64(uint32(n))) })
	case unix.SO_DOMAIN:
		return decodeInt(optName, b, func(n int32) string { return sockaddr.FamilyName(uint16(n)) })
	case unix.SO_BINDTODEVICE:
		return decodeString(optName, b)
	case unix.SO_LINGER: // struct linger {int l_onoff; int l_linger}
		if b.Has(0, 8) {
			on, secs := int32(b.U32(0)), int32(b.U32(4))
			return fmt.Sprintf("%s onoff=%d linger=%d", optName, on, secs), []event.Field{
				{Name: "l_onoff", Value: strconv.Itoa(int(on)), Offset: 0, Length: 4},
				{Name: "l_linger", Value: strconv.Itoa(int(secs)), Offset: 4, Length: 4},
			}
		}
	case unix.SO_PEERCRED: // struct ucred {pid, uid, gid}
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
	case unix.SO_RCVTIMEO_OLD, unix.SO_SNDTIMEO_OLD, unix.SO_RCVTIMEO_NEW, unix.SO_SNDTIMEO_NEW: // struct timeval
		if b.Has(0, 16) {
			sec, usec := int64(b.U64(0)), int64(b.U64(8))
			return fmt.Sprintf("%s %d.%06ds", optName, sec, usec), []event.Field{
				{Name: "tv_sec", Value: strconv.FormatInt(sec, 10), Offset: 0, Length: 8},
				{Name: "tv_usec", Value: strconv.FormatInt(usec, 10), Offset: 8, Length: 8},
			}
		}
	case unix.SO_ATTACH_FILTER, unix.SO_ATTACH_REUSEPORT_CBPF: // struct sock_fprog
		if b.Has(0, 16) {
			n := b.U16(0)
			p := render.Pointer(b.U64(8))
			return fmt.Sprintf("%s %d BPF instructions", optName, n), []event.Field{
				{Name: "len", Value: strconv.Itoa(int(n)), Offset: 0, Length: 2},
				{Name: "filter", Value: p + " (pointer to struct sock_filter[len], not captured)", Offset: 8, Length: 8},
			}
		}
	}
	return decodeInt(optName, b, nil)
}

// RTNLGRP_* multicast groups of NETLINK_ROUTE (linux/rtnetlink.h).
var rtnlgrpNames = []string{
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
var nfnlgrpNames = []string{
	"NFNLGRP_NONE", "NFNLGRP_CONNTRACK_NEW", "NFNLGRP_CONNTRACK_UPDATE",
	"NFNLGRP_CONNTRACK_DESTROY", "NFNLGRP_CONNTRACK_EXP_NEW",
	"NFNLGRP_CONNTRACK_EXP_UPDATE", "NFNLGRP_CONNTRACK_EXP_DESTROY",
	"NFNLGRP_NFTABLES", "NFNLGRP_ACCT_QUOTA", "NFNLGRP_NFTRACE",
}

// groupName names multicast group g of a netlink protocol.
func groupName(g int32, proto int) string {
	var names []string
	switch proto {
	case unix.NETLINK_ROUTE:
		names = rtnlgrpNames
	case unix.NETLINK_NETFILTER:
		names = nfnlgrpNames
	}
	if g >= 0 && int(g) < len(names) {
		return names[g]
	}
	return strconv.Itoa(int(g))
}

func decodeNetlink(optName string, name uint32, proto int, b render.Bytes) (string, []event.Field) {
	switch name {
	case unix.NETLINK_ADD_MEMBERSHIP, unix.NETLINK_DROP_MEMBERSHIP:
		if b.Has(0, 4) && len(b) == 4 {
			g := int32(b.U32(0))
			v := groupName(g, proto)
			if v != strconv.Itoa(int(g)) {
				v += " (" + strconv.Itoa(int(g)) + ")"
			}
			return optName + " " + groupName(g, proto), []event.Field{{Name: "group", Value: v, Offset: 0, Length: 4}}
		}
	case unix.NETLINK_LIST_MEMBERSHIPS: // u32 bitmaps of groups 1..
		var fields []event.Field
		var groups []string
		for i := 0; b.Has(4*i, 4); i++ {
			m := b.U32(4 * i)
			fields = append(fields, event.Field{Name: fmt.Sprintf("groups[%d]", i), Value: fmt.Sprintf("0x%08x", m), Offset: 4 * i, Length: 4})
			for bit := 0; bit < 32; bit++ {
				if m&(1<<bit) != 0 {
					groups = append(groups, groupName(int32(32*i+bit+1), proto))
				}
			}
		}
		return optName + " " + strings.Join(groups, ","), fields
	}
	return decodeInt(optName, b, nil)
}

// ip_mreq / ip_mreqn: imr_multiaddr, imr_interface (or imr_address) and,
// for ip_mreqn, imr_ifindex.
func decodeMreq(optName string, b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 8) {
		return decodeInt(optName, b, nil)
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
var hookNames = []string{"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}

// hookBits names the bits of a valid_hooks mask, bit i for hook i.
var hookBits = render.Bits(hookNames...)

// tableNameLen is XT_TABLE_MAXNAMELEN, the size of a table name.
const tableNameLen = 32

// hooksText names a valid_hooks bitmask.
func hooksText(m uint32) string { return hookBits.Name(uint64(m)) }

// tableName decodes the table name every x_tables struct starts with.
func tableName(b render.Bytes) (event.Field, string) {
	s, _ := b.CString(0, tableNameLen)
	return event.Field{Name: "name", Value: render.Quote(s), Offset: 0, Length: len(b.Slice(0, tableNameLen))}, s
}

// hookArray decodes hook_entry[5] or underflow[5] at off; hooks
// outside the valid mask are marked unused.
func hookArray(b render.Bytes, name string, off int, valid uint32) (event.Field, bool) {
	if !b.Has(off, 4*unix.NF_INET_NUMHOOKS) {
		return event.Field{}, false
	}
	f := event.Field{Name: name, Offset: off, Length: 4 * unix.NF_INET_NUMHOOKS}
	var vals []string
	for i := 0; i < unix.NF_INET_NUMHOOKS; i++ {
		v := b.U32(off + 4*i)
		s := strconv.FormatUint(uint64(v), 10)
		switch {
		case v == 0xffffffff:
			s = "unused"
		case valid&(1<<i) == 0:
			s += " (unused)"
		}
		vals = append(vals, s)
		f.Children = append(f.Children, event.Field{Name: fmt.Sprintf("%s[%s]", name, hookNames[i]), Value: s, Offset: off + 4*i, Length: 4})
	}
	f.Value = strings.Join(vals, ", ")
	return f, true
}

// appendU32 appends a decimal u32 field when present.
func appendU32(b render.Bytes, fields []event.Field, name string, off int) ([]event.Field, uint32, bool) {
	if !b.Has(off, 4) {
		return fields, 0, false
	}
	v := b.U32(off)
	return append(fields, event.Field{Name: name, Value: strconv.FormatUint(uint64(v), 10), Offset: off, Length: 4}), v, true
}

// struct ipt_replace (and ip6t_replace, same header): name[32] @0,
// valid_hooks @32, num_entries @36, size @40, hook_entry[5] @44,
// underflow[5] @64, num_counters @84, counters (pointer) @88, entries @96.
func decodeReplace(optName string, b render.Bytes, ipv4 bool) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := tableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	if b.Has(32, 4) {
		h := hooksText(b.U32(32))
		fields = append(fields, event.Field{Name: "valid_hooks", Value: h, Offset: 32, Length: 4})
		parts = append(parts, "hooks="+h)
	}
	fields, n, ok := appendU32(b, fields, "num_entries", 36)
	if ok {
		parts = append(parts, "entries="+strconv.FormatUint(uint64(n), 10))
	}
	fields, size, ok := appendU32(b, fields, "size", 40)
	if ok {
		parts = append(parts, "size="+strconv.FormatUint(uint64(size), 10))
	}
	var hooks, underflow []uint32
	if f, ok := hookArray(b, "hook_entry", 44, b.U32(32)); ok {
		fields = append(fields, f)
		hooks = hookValues(b, 44)
	}
	if f, ok := hookArray(b, "underflow", 64, b.U32(32)); ok {
		fields = append(fields, f)
		underflow = hookValues(b, 64)
	}
	fields, nc, ok := appendU32(b, fields, "num_counters", 84)
	if ok {
		parts = append(parts, "old_counters="+strconv.FormatUint(uint64(nc), 10))
	}
	if b.Has(88, 8) {
		fields = append(fields, event.Field{Name: "counters", Value: render.Pointer(b.U64(88)) + " (where the kernel writes the old counters)", Offset: 88, Length: 8})
	}
	const hdr = 96
	if len(b) > hdr {
		ent := b[hdr:]
		if uint32(len(ent)) > size {
			ent = ent[:size]
		}
		f := event.Field{Name: "entries", Offset: hdr, Length: len(ent)}
		if ipv4 {
			f.Children, f.Value = decodeEntries(render.Bytes(ent), hdr, b.U32(32), hooks, underflow, table)
		} else {
			f.Value = render.Hex(ent)
		}
		fields = append(fields, f)
		if rest := len(b) - hdr - len(ent); rest > 0 {
			fields = append(fields, event.Field{Name: "trailing", Value: render.Hex(b[hdr+len(ent):]), Offset: hdr + len(ent), Length: rest})
		}
	}
	if int64(len(b)) < hdr+int64(size) {
		parts = append(parts, fmt.Sprintf("(%d of %d bytes captured)", len(b), hdr+int64(size)))
	}
	return strings.Join(parts, " "), fields
}

func hookValues(b render.Bytes, off int) []uint32 {
	out := make([]uint32, unix.NF_INET_NUMHOOKS)
	for i := range out {
		out[i] = b.U32(off + 4*i)
	}
	return out
}

// struct xt_counters_info: name[32] @0, num_counters @32, counters @40
// (struct xt_counters {u64 pcnt, bcnt} each).
func decodeCounters(optName string, b render.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := tableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	fields, n, ok := appendU32(b, fields, "num_counters", 32)
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
func decodeGetInfo(optName string, b render.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := tableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	if b.Has(32, 4) {
		h := hooksText(b.U32(32))
		fields = append(fields, event.Field{Name: "valid_hooks", Value: h, Offset: 32, Length: 4})
		parts = append(parts, "hooks="+h)
	}
	if f, ok := hookArray(b, "hook_entry", 36, b.U32(32)); ok {
		fields = append(fields, f)
	}
	if f, ok := hookArray(b, "underflow", 56, b.U32(32)); ok {
		fields = append(fields, f)
	}
	fields, n, ok := appendU32(b, fields, "num_entries", 76)
	if ok {
		parts = append(parts, "entries="+strconv.FormatUint(uint64(n), 10))
	}
	fields, size, ok := appendU32(b, fields, "size", 80)
	if ok {
		parts = append(parts, "size="+strconv.FormatUint(uint64(size), 10))
	}
	return strings.Join(parts, " "), fields
}

// struct ipt_get_entries: name[32] @0, size @32, entrytable @40.
func decodeGetEntries(optName string, b render.Bytes, ipv4 bool) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	nameField, table := tableName(b)
	fields := []event.Field{nameField}
	parts := []string{optName, "table=" + table}
	fields, size, ok := appendU32(b, fields, "size", 32)
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
			f.Children, f.Value = decodeEntries(render.Bytes(ent), hdr, 0, nil, nil, table)
		} else {
			f.Value = render.Hex(ent)
		}
		fields = append(fields, f)
	}
	return strings.Join(parts, " "), fields
}

// struct xt_get_revision: name[29] @0, revision @29.
func decodeRevision(optName string, b render.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return optName, nil
	}
	s, _ := b.CString(0, 29)
	fields := []event.Field{{Name: "name", Value: render.Quote(s), Offset: 0, Length: len(b.Slice(0, 29))}}
	sum := optName + " " + render.Plain(s)
	if b.Has(29, 1) {
		r := strconv.Itoa(int(b.U8(29)))
		fields = append(fields, event.Field{Name: "revision", Value: r, Offset: 29, Length: 1})
		sum += " revision=" + r
	}
	return sum, fields
}

// Bits of ipt_ip.flags and ipt_ip.invflags (linux/netfilter_ipv4/ip_tables.h).
const (
	iptFFrag     = 0x01 // IPT_F_FRAG: -f
	iptFGoto     = 0x02 // IPT_F_GOTO: -g instead of -j
	iptInvViaIn  = 0x01 // IPT_INV_VIA_IN: ! -i
	iptInvViaOut = 0x02 // IPT_INV_VIA_OUT: ! -o
	iptInvSrcIP  = 0x08 // IPT_INV_SRCIP: ! -s
	iptInvDstIP  = 0x10 // IPT_INV_DSTIP: ! -d
	iptInvFrag   = 0x20 // IPT_INV_FRAG: ! -f
	iptInvProto  = 0x40 // IPT_INV_PROTO: ! -p
)

// Layout of struct ipt_entry: struct ipt_ip (84 bytes), nfcache @84,
// target_offset @88, next_offset @90, comefrom @92, counters @96, then the
// matches and the target from @112.
const (
	iptEntrySize = 112
	matchHdrSize = 32 // struct xt_entry_match/xt_entry_target header: u16 size, char name[29], u8 revision
	maxRules     = 512
)

// Standard target verdicts: a negative number is -verdict-1 (NF_DROP 0,
// NF_ACCEPT 1, NF_QUEUE 3), XT_RETURN is -NF_REPEAT-1.
func verdictText(v int32) string {
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

// decodeEntries decodes a blob of struct ipt_entry as iptables-save style
// rules. base is the blob's offset in the payload; hooks and underflow
// (nil when unknown) locate the built-in chains of the valid hooks and
// their policies.
func decodeEntries(b render.Bytes, base int, valid uint32, hooks, underflow []uint32, table string) ([]event.Field, string) {
	type entry struct {
		off, next  int
		targetOff  int
		target     string
		verdict    int32
		hasVerdict bool
		errorName  string
	}
	var entries []entry
	for off := 0; off+iptEntrySize <= len(b) && len(entries) < maxRules; {
		tOff := int(b.U16(off + 88))
		next := int(b.U16(off + 90))
		e := entry{off: off, next: next, targetOff: tOff}
		if t := off + tOff; tOff >= iptEntrySize && b.Has(t, matchHdrSize) {
			e.target, _ = b.CString(t+2, 29)
			if b.Has(t+matchHdrSize, 4) {
				e.verdict = int32(b.U32(t + matchHdrSize))
				e.hasVerdict = e.target == ""
			}
			if e.target == "ERROR" {
				e.errorName, _ = b.CString(t+matchHdrSize, 30)
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
		if valid&(1<<i) != 0 && i < len(hookNames) {
			chainAt[int(h)] = hookNames[i]
		}
	}
	for i, u := range underflow {
		if valid&(1<<i) != 0 && i < len(hookNames) {
			policyAt[int(u)] = hookNames[i]
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
			h := singleHook(b.U32(e.off + 92))
			if h < 0 {
				break
			}
			if h != prev {
				chainAt[e.off] = hookNames[h]
				prev = h
			}
			last := i+1 == len(entries) || entries[i+1].target == "ERROR" ||
				singleHook(b.U32(entries[i+1].off+92)) != h
			if last && e.hasVerdict {
				policyAt[e.off] = hookNames[h]
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
			text = "-P " + policyAt[e.off] + " " + verdictText(e.verdict)
		case e.hasVerdict && e.verdict == -5 && chain != "" && !builtinChain(chain) &&
			i+1 < len(entries) && entries[i+1].target == "ERROR":
			text = "end of chain " + chain + " (implicit RETURN)"
		default:
			text = ruleText(b, e.off, e.targetOff, chain, chainAt, e.verdict, e.hasVerdict, e.target)
			rules++
		}
		n := e.next
		if n < iptEntrySize || e.off+n > len(b) {
			n = len(b) - e.off
		}
		f := event.Field{Name: fmt.Sprintf("entry[%d]", i), Value: text, Offset: base + e.off, Length: n}
		f.Children = entryFields(b, e.off, e.targetOff, n, base)
		fields = append(fields, f)
	}
	return fields, fmt.Sprintf("%d entries in table %s", len(entries), table)
}

// singleHook returns the hook number when comefrom names exactly
// one netfilter hook, else -1.
func singleHook(comefrom uint32) int {
	m := comefrom & (1<<unix.NF_INET_NUMHOOKS - 1)
	if m == 0 || m&(m-1) != 0 {
		return -1
	}
	return bits.TrailingZeros32(m)
}

// builtinChain reports whether chain is one of the built-in chains.
func builtinChain(chain string) bool {
	for _, n := range hookNames {
		if n == chain {
			return true
		}
	}
	return false
}

// ruleText renders one rule as iptables-save would: "-A CHAIN -s ... -j T".
func ruleText(b render.Bytes, off, tOff int, chain string, chainAt map[int]string, verdict int32, std bool, target string) string {
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
		pl := bits.OnesCount32(b.BE32(off + m))
		ip := netip.AddrFrom4([4]byte(b.Slice(off+a, 4)))
		p = append(p, not(bit)+flag+" "+ip.String()+"/"+strconv.Itoa(pl))
	}
	addr(0, 8, "-s", iptInvSrcIP)
	addr(4, 12, "-d", iptInvDstIP)
	if s, _ := b.CString(off+16, 16); s != "" {
		p = append(p, not(iptInvViaIn)+"-i "+s)
	}
	if s, _ := b.CString(off+32, 16); s != "" {
		p = append(p, not(iptInvViaOut)+"-o "+s)
	}
	if proto := b.U16(off + 80); proto != 0 {
		n := strconv.Itoa(int(proto))
		switch proto {
		case unix.IPPROTO_ICMP:
			n = "icmp"
		case unix.IPPROTO_TCP:
			n = "tcp"
		case unix.IPPROTO_UDP:
			n = "udp"
		}
		p = append(p, not(iptInvProto)+"-p "+n)
	}
	if b.U8(off+82)&iptFFrag != 0 {
		p = append(p, not(iptInvFrag)+"-f")
	}
	for m := off + iptEntrySize; m+matchHdrSize <= off+tOff && b.Has(m, matchHdrSize); {
		size := int(b.U16(m))
		name, _ := b.CString(m+2, 29)
		p = append(p, "-m "+name)
		if size < matchHdrSize {
			break
		}
		m += size
	}
	jump := "-j"
	if b.U8(off+82)&iptFGoto != 0 {
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
		p = append(p, "-j "+verdictText(verdict))
	case target != "":
		p = append(p, "-j "+target)
	}
	return strings.Join(p, " ")
}

// entryFields lists the members of one ipt_entry.
func entryFields(b render.Bytes, off, tOff, n, base int) []event.Field {
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
	str := func(o int) string { s, _ := b.CString(off+o, 16); return render.Quote(s) }
	add("ip.src", ip4(0), 0, 4)
	add("ip.dst", ip4(4), 4, 4)
	add("ip.smsk", ip4(8), 8, 4)
	add("ip.dmsk", ip4(12), 12, 4)
	add("ip.iniface", str(16), 16, 16)
	add("ip.outiface", str(32), 32, 16)
	add("ip.iniface_mask", render.Hex(b.Slice(off+48, 16)), 48, 16)
	add("ip.outiface_mask", render.Hex(b.Slice(off+64, 16)), 64, 16)
	add("ip.proto", strconv.Itoa(int(b.U16(off+80))), 80, 2)
	add("ip.flags", fmt.Sprintf("%#x", b.U8(off+82)), 82, 1)
	add("ip.invflags", fmt.Sprintf("%#x", b.U8(off+83)), 83, 1)
	add("nfcache", fmt.Sprintf("%#x", b.U32(off+84)), 84, 4)
	add("target_offset", strconv.Itoa(int(b.U16(off+88))), 88, 2)
	add("next_offset", strconv.Itoa(int(b.U16(off+90))), 90, 2)
	add("comefrom", fmt.Sprintf("%#x", b.U32(off+92)), 92, 4)
	add("counters", fmt.Sprintf("packets=%d bytes=%d", b.U64(off+96), b.U64(off+104)), 96, 16)
	for m := iptEntrySize; m+matchHdrSize <= tOff && m+matchHdrSize <= n; {
		size := int(b.U16(off + m))
		name, _ := b.CString(off+m+2, 29)
		l := size
		if l < matchHdrSize || m+l > n {
			l = n - m
		}
		add("match", render.Quote(name)+" revision "+strconv.Itoa(int(b.U8(off+m+31))), m, l)
		if size < matchHdrSize {
			break
		}
		m += size
	}
	if tOff >= iptEntrySize && tOff+matchHdrSize <= n {
		name, _ := b.CString(off+tOff+2, 29)
		v := render.Quote(name)
		if name == "" {
			v = "standard"
			if b.Has(off+tOff+matchHdrSize, 4) {
				vd := int32(b.U32(off + tOff + matchHdrSize))
				if s := verdictText(vd); s != "" {
					v += " " + s
				} else {
					v += " jump to offset " + strconv.Itoa(int(vd))
				}
			}
		} else if name == "ERROR" {
			e, _ := b.CString(off+tOff+matchHdrSize, 30)
			v += " " + render.Quote(e)
		}
		add("target", v+" revision "+strconv.Itoa(int(b.U8(off+tOff+31))), tOff, n-tOff)
	}
	return out
}
