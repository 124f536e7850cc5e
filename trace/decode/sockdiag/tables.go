package sockdiag

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"

	"golang.org/x/sys/unix"
)

// inetDiagSockid is struct inet_diag_sockid.
var inetDiagSockid = []netlink.Member{
	{Name: "idiag_sport", Type: netlink.BE16},
	{Name: "idiag_dport", Type: netlink.BE16},
	{Name: "idiag_src", Type: netlink.Addr, Len: 16},
	{Name: "idiag_dst", Type: netlink.Addr, Len: 16},
	{Name: "idiag_if", Type: netlink.U32, Values: netlink.Ifindex},
	{Name: "idiag_cookie", Type: netlink.Binary, Len: 8},
}

// requests and replies hold the layout of each family in each direction.
var requests = map[uint8]*layout{
	unix.AF_INET: {header: "inet_diag_req_v2", attrs: &inetReqAttrs, parts: []part{
		{members: []netlink.Member{
			{Name: "sdiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
			{Name: "sdiag_protocol", Type: netlink.U8, Values: ipProtos},
			{Name: "idiag_ext", Type: netlink.U8, Values: inetDiagExts},
			{Type: netlink.Pad, Len: 1},
			{Name: "idiag_states", Type: netlink.U32, Values: tcpStateFlags},
		}},
		{name: "id", members: inetDiagSockid},
	}},
	unix.AF_UNIX: {header: "unix_diag_req", attrs: &netlink.AttrSet{Prefix: "UNIX_DIAG_REQ"}, parts: []part{{members: []netlink.Member{
		{Name: "sdiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "sdiag_protocol", Type: netlink.U8},
		{Type: netlink.Pad, Len: 2},
		{Name: "udiag_states", Type: netlink.U32, Values: tcpStateFlags},
		{Name: "udiag_ino", Type: netlink.U32},
		{Name: "udiag_show", Type: netlink.U32, Values: udiagShow},
		{Name: "udiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
	unix.AF_NETLINK: {header: "netlink_diag_req", attrs: &netlink.AttrSet{Prefix: "NETLINK_DIAG_REQ"}, parts: []part{{members: []netlink.Member{
		{Name: "sdiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "sdiag_protocol", Type: netlink.U8, Values: nlProtocols},
		{Type: netlink.Pad, Len: 2},
		{Name: "ndiag_ino", Type: netlink.U32},
		{Name: "ndiag_show", Type: netlink.U32, Values: ndiagShow},
		{Name: "ndiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
	unix.AF_PACKET: {header: "packet_diag_req", attrs: &netlink.AttrSet{Prefix: "PACKET_DIAG_REQ"}, parts: []part{{members: []netlink.Member{
		{Name: "sdiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "sdiag_protocol", Type: netlink.U8},
		{Type: netlink.Pad, Len: 2},
		{Name: "pdiag_ino", Type: netlink.U32},
		{Name: "pdiag_show", Type: netlink.U32, Values: pdiagShow},
		{Name: "pdiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
}

var replies = map[uint8]*layout{
	unix.AF_INET: {header: "inet_diag_msg", attrs: &inetAttrs, parts: []part{
		{members: []netlink.Member{
			{Name: "idiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
			{Name: "idiag_state", Type: netlink.U8, Values: tcpStates},
			{Name: "idiag_timer", Type: netlink.U8},
			{Name: "idiag_retrans", Type: netlink.U8},
		}},
		{name: "id", members: inetDiagSockid},
		{members: []netlink.Member{
			{Name: "idiag_expires", Type: netlink.U32},
			{Name: "idiag_rqueue", Type: netlink.U32},
			{Name: "idiag_wqueue", Type: netlink.U32},
			{Name: "idiag_uid", Type: netlink.U32},
			{Name: "idiag_inode", Type: netlink.U32},
		}},
	}},
	unix.AF_UNIX: {header: "unix_diag_msg", attrs: &unixAttrs, parts: []part{{members: []netlink.Member{
		{Name: "udiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "udiag_type", Type: netlink.U8, Values: sockTypes},
		{Name: "udiag_state", Type: netlink.U8, Values: tcpStates},
		{Type: netlink.Pad, Len: 1},
		{Name: "udiag_ino", Type: netlink.U32, Values: decimal},
		{Name: "udiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
	unix.AF_NETLINK: {header: "netlink_diag_msg", attrs: &netlinkAttrs, parts: []part{{members: []netlink.Member{
		{Name: "ndiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "ndiag_type", Type: netlink.U8, Values: sockTypes},
		{Name: "ndiag_protocol", Type: netlink.U8, Values: nlProtocols},
		{Name: "ndiag_state", Type: netlink.U8},
		{Name: "ndiag_portid", Type: netlink.U32},
		{Name: "ndiag_dst_portid", Type: netlink.U32},
		{Name: "ndiag_dst_group", Type: netlink.U32},
		{Name: "ndiag_ino", Type: netlink.U32},
		{Name: "ndiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
	unix.AF_PACKET: {header: "packet_diag_msg", attrs: &packetAttrs, parts: []part{{members: []netlink.Member{
		{Name: "pdiag_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "pdiag_type", Type: netlink.U8, Values: sockTypes},
		{Name: "pdiag_num", Type: netlink.BE16},
		{Name: "pdiag_ino", Type: netlink.U32},
		{Name: "pdiag_cookie", Type: netlink.Binary, Len: 8},
	}}}},
}

func init() {
	requests[unix.AF_INET6] = requests[unix.AF_INET]
	replies[unix.AF_INET6] = replies[unix.AF_INET]
}

// inetReqAttrs are the INET_DIAG_REQ_* attributes of a request.
var inetReqAttrs = netlink.AttrSet{Prefix: "INET_DIAG_REQ", Attrs: []netlink.AttrSpec{
	0: {Name: "INET_DIAG_REQ_NONE"},
	1: {Name: "INET_DIAG_REQ_BYTECODE", Type: netlink.Binary},
	2: {Name: "INET_DIAG_REQ_SK_BPF_STORAGES"},
	3: {Name: "INET_DIAG_REQ_PROTOCOL", Type: netlink.U32, Values: ipProtos},
}}

// inetAttrs are the INET_DIAG_* attributes of a reply.
var inetAttrs = netlink.AttrSet{Prefix: "INET_DIAG", Attrs: []netlink.AttrSpec{
	0:  {Name: "INET_DIAG_NONE"},
	1:  {Name: "INET_DIAG_MEMINFO", Type: netlink.Binary, Struct: []netlink.Member{{Name: "idiag_rmem", Type: netlink.U32}, {Name: "idiag_wmem", Type: netlink.U32}, {Name: "idiag_fmem", Type: netlink.U32}, {Name: "idiag_tmem", Type: netlink.U32}}},
	2:  {Name: "INET_DIAG_INFO", Type: netlink.Binary},
	3:  {Name: "INET_DIAG_VEGASINFO", Type: netlink.Binary},
	4:  {Name: "INET_DIAG_CONG", Type: netlink.String},
	5:  {Name: "INET_DIAG_TOS", Type: netlink.U8},
	6:  {Name: "INET_DIAG_TCLASS", Type: netlink.U8},
	7:  {Name: "INET_DIAG_SKMEMINFO", Type: netlink.Binary},
	8:  {Name: "INET_DIAG_SHUTDOWN", Type: netlink.U8},
	9:  {Name: "INET_DIAG_DCTCPINFO", Type: netlink.Binary},
	10: {Name: "INET_DIAG_PROTOCOL", Type: netlink.U8, Values: ipProtos},
	11: {Name: "INET_DIAG_SKV6ONLY", Type: netlink.U8},
	12: {Name: "INET_DIAG_LOCALS", Type: netlink.Binary},
	13: {Name: "INET_DIAG_PEERS", Type: netlink.Binary},
	14: {Name: "INET_DIAG_PAD", Type: netlink.Binary},
	15: {Name: "INET_DIAG_MARK", Type: netlink.U32, Values: render.HexInt},
	16: {Name: "INET_DIAG_BBRINFO", Type: netlink.Binary},
	17: {Name: "INET_DIAG_CLASS_ID", Type: netlink.U32},
	18: {Name: "INET_DIAG_MD5SIG", Type: netlink.Binary},
	19: {Name: "INET_DIAG_ULP_INFO"},
	20: {Name: "INET_DIAG_SK_BPF_STORAGES"},
	21: {Name: "INET_DIAG_CGROUP_ID", Type: netlink.U64},
	22: {Name: "INET_DIAG_SOCKOPT", Type: netlink.Binary},
}}

// unixAttrs are the UNIX_DIAG_* attributes.
var unixAttrs = netlink.AttrSet{Prefix: "UNIX_DIAG", Attrs: []netlink.AttrSpec{
	0: {Name: "UNIX_DIAG_NAME", Type: netlink.String},
	1: {Name: "UNIX_DIAG_VFS", Type: netlink.Binary, Struct: []netlink.Member{{Name: "udiag_vfs_ino", Type: netlink.U32}, {Name: "udiag_vfs_dev", Type: netlink.U32}}},
	2: {Name: "UNIX_DIAG_PEER", Type: netlink.U32},
	3: {Name: "UNIX_DIAG_ICONS", Type: netlink.Binary},
	4: {Name: "UNIX_DIAG_RQLEN", Type: netlink.Binary, Struct: []netlink.Member{{Name: "udiag_rqueue", Type: netlink.U32}, {Name: "udiag_wqueue", Type: netlink.U32}}},
	5: {Name: "UNIX_DIAG_MEMINFO", Type: netlink.Binary},
	6: {Name: "UNIX_DIAG_SHUTDOWN", Type: netlink.U8},
	7: {Name: "UNIX_DIAG_UID", Type: netlink.U32},
}}

// netlinkAttrs are the NETLINK_DIAG_* attributes.
var netlinkAttrs = netlink.AttrSet{Prefix: "NETLINK_DIAG", Attrs: []netlink.AttrSpec{
	0: {Name: "NETLINK_DIAG_MEMINFO", Type: netlink.Binary},
	1: {Name: "NETLINK_DIAG_GROUPS", Type: netlink.Binary},
	2: {Name: "NETLINK_DIAG_RX_RING", Type: netlink.Binary},
	3: {Name: "NETLINK_DIAG_TX_RING", Type: netlink.Binary},
	4: {Name: "NETLINK_DIAG_FLAGS", Type: netlink.U32},
}}

// packetAttrs are the PACKET_DIAG_* attributes.
var packetAttrs = netlink.AttrSet{Prefix: "PACKET_DIAG", Attrs: []netlink.AttrSpec{
	0: {Name: "PACKET_DIAG_INFO", Type: netlink.Binary},
	1: {Name: "PACKET_DIAG_MCLIST", Type: netlink.Binary},
	2: {Name: "PACKET_DIAG_RX_RING", Type: netlink.Binary},
	3: {Name: "PACKET_DIAG_TX_RING", Type: netlink.Binary},
	4: {Name: "PACKET_DIAG_FANOUT", Type: netlink.U32},
	5: {Name: "PACKET_DIAG_UID", Type: netlink.U32},
	6: {Name: "PACKET_DIAG_MEMINFO", Type: netlink.Binary},
	7: {Name: "PACKET_DIAG_FILTER", Type: netlink.Binary},
}}
