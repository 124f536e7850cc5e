package nftables

// Conntrack (NFNL_SUBSYS_CTNETLINK and NFNL_SUBSYS_CTNETLINK_EXP): the
// connection tracking table, its entries' tuples and state.

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

// conntrackMsgNames names the messages of NFNL_SUBSYS_CTNETLINK.
var conntrackMsgNames = render.Enum{
	"IPCTNL_MSG_CT_NEW", "IPCTNL_MSG_CT_GET", "IPCTNL_MSG_CT_DELETE",
	"IPCTNL_MSG_CT_GET_CTRZERO", "IPCTNL_MSG_CT_GET_STATS_CPU",
	"IPCTNL_MSG_CT_GET_STATS", "IPCTNL_MSG_CT_GET_DYING", "IPCTNL_MSG_CT_GET_UNCONFIRMED",
}

// expectMsgNames names the messages of NFNL_SUBSYS_CTNETLINK_EXP.
var expectMsgNames = render.Enum{
	"IPCTNL_MSG_EXP_NEW", "IPCTNL_MSG_EXP_GET", "IPCTNL_MSG_EXP_DELETE", "IPCTNL_MSG_EXP_GET_STATS_CPU",
}

// Conntrack messages and attributes the summaries read
// (linux/netfilter/nfnetlink_conntrack.h).
const (
	ipctnlMsgCtGetStatsCPU = 4 // IPCTNL_MSG_CT_GET_STATS_CPU
	ipctnlMsgCtGetStats    = 5 // IPCTNL_MSG_CT_GET_STATS

	ctaTupleOrig  = 1 // CTA_TUPLE_ORIG
	ctaTupleReply = 2 // CTA_TUPLE_REPLY
	ctaStatus     = 3 // CTA_STATUS

	ctaTupleIP    = 1 // CTA_TUPLE_IP
	ctaTupleProto = 2 // CTA_TUPLE_PROTO

	ctaIPv4Src = 1 // CTA_IP_V4_SRC
	ctaIPv4Dst = 2 // CTA_IP_V4_DST
	ctaIPv6Src = 3 // CTA_IP_V6_SRC
	ctaIPv6Dst = 4 // CTA_IP_V6_DST

	ctaProtoNum        = 1 // CTA_PROTO_NUM
	ctaProtoSrcPort    = 2 // CTA_PROTO_SRC_PORT
	ctaProtoDstPort    = 3 // CTA_PROTO_DST_PORT
	ctaProtoICMPID     = 4 // CTA_PROTO_ICMP_ID
	ctaProtoICMPType   = 5 // CTA_PROTO_ICMP_TYPE
	ctaProtoICMPCode   = 6 // CTA_PROTO_ICMP_CODE
	ctaProtoICMPv6ID   = 7 // CTA_PROTO_ICMPV6_ID
	ctaProtoICMPv6Type = 8 // CTA_PROTO_ICMPV6_TYPE
	ctaProtoICMPv6Code = 9 // CTA_PROTO_ICMPV6_CODE

	ctaCountersPackets = 1 // CTA_COUNTERS_PACKETS
	ctaCountersBytes   = 2 // CTA_COUNTERS_BYTES
)

// decodeConntrack decodes the attributes of a conntrack message and
// summarizes it by its tuples and status.
func decodeConntrack(w *netlink.Walker, msg uint8, attrs []byte, off int) ([]event.Field, string) {
	switch msg {
	case ipctnlMsgCtGetStatsCPU:
		return w.Attrs(attrs, off, &statsCPUAttrs), "stats"
	case ipctnlMsgCtGetStats:
		return w.Attrs(attrs, off, &statsGlobalAttrs), "stats"
	}
	fields := w.Attrs(attrs, off, &conntrackAttrs)
	idx := netlink.Index(attrs)
	var parts []string
	if t, ok := idx[ctaTupleOrig]; ok {
		parts = append(parts, tupleText(t))
	} else if w.Family != 0 {
		parts = append(parts, familyName(w.Family))
	} else {
		parts = append(parts, "all families")
	}
	if t, ok := idx[ctaTupleReply]; ok {
		parts = append(parts, "reply "+tupleText(t))
	}
	if v, ok := be[uint32](idx[ctaStatus]); ok {
		parts = append(parts, "status "+statusFlags.Name(uint64(v)))
	}
	return fields, strings.Join(parts, " ")
}

// tupleValue gives a CTA_TUPLE_* nest its tuple as value.
func tupleValue(_ *netlink.Walker, a netlink.Attr, _ []event.Field) string { return tupleText(a.Data) }

// tupleText renders a CTA_TUPLE_* block as "tcp 10.0.0.1:1234 -> 10.0.0.2:80".
func tupleText(b []byte) string {
	idx := netlink.Index(b)
	ip, proto := netlink.Index(idx[ctaTupleIP]), netlink.Index(idx[ctaTupleProto])
	src, dst := "?", "?"
	if v, ok := ip[ctaIPv4Src]; ok {
		src = netlink.Value(netlink.IPv4, v, nil)
	} else if v, ok := ip[ctaIPv6Src]; ok {
		src = netlink.Value(netlink.IPv6, v, nil)
	}
	if v, ok := ip[ctaIPv4Dst]; ok {
		dst = netlink.Value(netlink.IPv4, v, nil)
	} else if v, ok := ip[ctaIPv6Dst]; ok {
		dst = netlink.Value(netlink.IPv6, v, nil)
	}
	p, hasProto := proto[ctaProtoNum]
	if !hasProto || len(p) != 1 {
		return src + " -> " + dst
	}
	s := protoName(p[0]) + " "
	sp, ok1 := be[uint16](proto[ctaProtoSrcPort])
	dp, ok2 := be[uint16](proto[ctaProtoDstPort])
	if ok1 && ok2 {
		return s + fmt.Sprintf("%s:%d -> %s:%d", src, sp, dst, dp)
	}
	s += src + " -> " + dst
	for _, k := range []struct {
		typ  uint16
		name string
	}{
		{ctaProtoICMPType, "type"}, {ctaProtoICMPCode, "code"}, {ctaProtoICMPID, "id"},
		{ctaProtoICMPv6Type, "type"}, {ctaProtoICMPv6Code, "code"}, {ctaProtoICMPv6ID, "id"},
	} {
		if v, ok := proto[k.typ]; ok {
			s += " " + k.name + " " + netlink.Value(netlink.Auto|netlink.BigEndian, v, nil)
		}
	}
	return s
}

// conntrackCountersValue gives CTA_COUNTERS_ORIG and _REPLY a one-line value.
func conntrackCountersValue(_ *netlink.Walker, a netlink.Attr, _ []event.Field) string {
	idx := netlink.Index(a.Data)
	return packetsBytes(idx[ctaCountersPackets], idx[ctaCountersBytes])
}

// packetsBytes renders two 64-bit counters as "packets 3 bytes 180", or ""
// when either is missing.
func packetsBytes(packets, bytes []byte) string {
	p, ok1 := be[uint64](packets)
	b, ok2 := be[uint64](bytes)
	if !ok1 || !ok2 {
		return ""
	}
	return fmt.Sprintf("packets %d bytes %d", p, b)
}

// statusFlags names the IPS_* bits of a connection's status.
var statusFlags = render.Bits(
	"IPS_EXPECTED", "IPS_SEEN_REPLY", "IPS_ASSURED", "IPS_CONFIRMED", "IPS_SRC_NAT",
	"IPS_DST_NAT", "IPS_SEQ_ADJUST", "IPS_SRC_NAT_DONE", "IPS_DST_NAT_DONE", "IPS_DYING",
	"IPS_FIXED_TIMEOUT", "IPS_TEMPLATE", "IPS_UNTRACKED", "IPS_HELPER", "IPS_OFFLOAD", "IPS_HW_OFFLOAD",
)

// tcpStates names the states of a tracked TCP connection.
var tcpStates = render.Enum{
	"TCP_CONNTRACK_NONE", "TCP_CONNTRACK_SYN_SENT", "TCP_CONNTRACK_SYN_RECV",
	"TCP_CONNTRACK_ESTABLISHED", "TCP_CONNTRACK_FIN_WAIT", "TCP_CONNTRACK_CLOSE_WAIT",
	"TCP_CONNTRACK_LAST_ACK", "TCP_CONNTRACK_TIME_WAIT", "TCP_CONNTRACK_CLOSE",
	"TCP_CONNTRACK_SYN_SENT2",
}

// Conntrack attribute sets (linux/netfilter/nfnetlink_conntrack.h).

// tupleIPAttrs are the CTA_IP_* attributes.
var tupleIPAttrs = netlink.AttrSet{Prefix: "CTA_IP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_IP_V4_SRC", Type: netlink.IPv4},
	2: {Name: "CTA_IP_V4_DST", Type: netlink.IPv4},
	3: {Name: "CTA_IP_V6_SRC", Type: netlink.IPv6},
	4: {Name: "CTA_IP_V6_DST", Type: netlink.IPv6},
}}

// tupleProtoAttrs are the CTA_PROTO_* attributes.
var tupleProtoAttrs = netlink.AttrSet{Prefix: "CTA_PROTO", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTO_NUM", Type: netlink.U8, Values: protoNames},
	2: {Name: "CTA_PROTO_SRC_PORT", Type: netlink.BE16},
	3: {Name: "CTA_PROTO_DST_PORT", Type: netlink.BE16},
	4: {Name: "CTA_PROTO_ICMP_ID", Type: netlink.BE16},
	5: {Name: "CTA_PROTO_ICMP_TYPE", Type: netlink.U8},
	6: {Name: "CTA_PROTO_ICMP_CODE", Type: netlink.U8},
	7: {Name: "CTA_PROTO_ICMPV6_ID", Type: netlink.BE16},
	8: {Name: "CTA_PROTO_ICMPV6_TYPE", Type: netlink.U8},
	9: {Name: "CTA_PROTO_ICMPV6_CODE", Type: netlink.U8},
}}

// tupleAttrs are the CTA_TUPLE_* attributes.
var tupleAttrs = netlink.AttrSet{Prefix: "CTA_TUPLE", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_TUPLE_IP", Type: netlink.Nest, Nested: &tupleIPAttrs},
	2: {Name: "CTA_TUPLE_PROTO", Type: netlink.Nest, Nested: &tupleProtoAttrs},
	3: {Name: "CTA_TUPLE_ZONE", Type: netlink.BE16},
}, Value: tupleValue}

// conntrackCountersAttrs are the CTA_COUNTERS_* attributes.
var conntrackCountersAttrs = netlink.AttrSet{Prefix: "CTA_COUNTERS", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_COUNTERS_PACKETS", Type: netlink.BE64},
	2: {Name: "CTA_COUNTERS_BYTES", Type: netlink.BE64},
	3: {Name: "CTA_COUNTERS32_PACKETS", Type: netlink.BE32},
	4: {Name: "CTA_COUNTERS32_BYTES", Type: netlink.BE32},
	5: {Name: "CTA_COUNTERS_PAD", Type: netlink.Binary},
}, Value: conntrackCountersValue}

// protoinfoTCPAttrs are the CTA_PROTOINFO_TCP_* attributes.
var protoinfoTCPAttrs = netlink.AttrSet{Prefix: "CTA_PROTOINFO_TCP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTOINFO_TCP_STATE", Type: netlink.U8, Values: tcpStates},
	2: {Name: "CTA_PROTOINFO_TCP_WSCALE_ORIGINAL", Type: netlink.U8},
	3: {Name: "CTA_PROTOINFO_TCP_WSCALE_REPLY", Type: netlink.U8},
	4: {Name: "CTA_PROTOINFO_TCP_FLAGS_ORIGINAL", Type: netlink.Binary},
	5: {Name: "CTA_PROTOINFO_TCP_FLAGS_REPLY", Type: netlink.Binary},
}}

// protoinfoDCCPAttrs are the CTA_PROTOINFO_DCCP_* attributes.
var protoinfoDCCPAttrs = netlink.AttrSet{Prefix: "CTA_PROTOINFO_DCCP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTOINFO_DCCP_STATE", Type: netlink.U8},
	2: {Name: "CTA_PROTOINFO_DCCP_ROLE", Type: netlink.U8},
	3: {Name: "CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ", Type: netlink.BE64},
	4: {Name: "CTA_PROTOINFO_DCCP_PAD", Type: netlink.Binary},
}}

// protoinfoSCTPAttrs are the CTA_PROTOINFO_SCTP_* attributes.
var protoinfoSCTPAttrs = netlink.AttrSet{Prefix: "CTA_PROTOINFO_SCTP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTOINFO_SCTP_STATE", Type: netlink.U8},
	2: {Name: "CTA_PROTOINFO_SCTP_VTAG_ORIGINAL", Type: netlink.BE32},
	3: {Name: "CTA_PROTOINFO_SCTP_VTAG_REPLY", Type: netlink.BE32},
}}

// protoinfoAttrs are the CTA_PROTOINFO_* attributes.
var protoinfoAttrs = netlink.AttrSet{Prefix: "CTA_PROTOINFO", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTOINFO_TCP", Type: netlink.Nest, Nested: &protoinfoTCPAttrs},
	2: {Name: "CTA_PROTOINFO_DCCP", Type: netlink.Nest, Nested: &protoinfoDCCPAttrs},
	3: {Name: "CTA_PROTOINFO_SCTP", Type: netlink.Nest, Nested: &protoinfoSCTPAttrs},
}}

// helpAttrs are the CTA_HELP_* attributes.
var helpAttrs = netlink.AttrSet{Prefix: "CTA_HELP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_HELP_NAME", Type: netlink.String},
	2: {Name: "CTA_HELP_INFO", Type: netlink.Binary},
}}

// protoNATAttrs are the CTA_PROTONAT_PORT_* attributes.
var protoNATAttrs = netlink.AttrSet{Prefix: "CTA_PROTONAT_PORT", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_PROTONAT_PORT_MIN", Type: netlink.BE16},
	2: {Name: "CTA_PROTONAT_PORT_MAX", Type: netlink.BE16},
}}

// conntrackNATAttrs are the CTA_NAT_* attributes.
var conntrackNATAttrs = netlink.AttrSet{Prefix: "CTA_NAT", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_NAT_V4_MINIP", Type: netlink.IPv4},
	2: {Name: "CTA_NAT_V4_MAXIP", Type: netlink.IPv4},
	3: {Name: "CTA_NAT_PROTO", Type: netlink.Nest, Nested: &protoNATAttrs},
	4: {Name: "CTA_NAT_V6_MINIP", Type: netlink.IPv6},
	5: {Name: "CTA_NAT_V6_MAXIP", Type: netlink.IPv6},
}}

// seqAdjAttrs are the CTA_SEQADJ_* attributes.
var seqAdjAttrs = netlink.AttrSet{Prefix: "CTA_SEQADJ", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_SEQADJ_CORRECTION_POS", Type: netlink.BE32},
	2: {Name: "CTA_SEQADJ_OFFSET_BEFORE", Type: netlink.BE32},
	3: {Name: "CTA_SEQADJ_OFFSET_AFTER", Type: netlink.BE32},
}}

// secctxAttrs are the CTA_SECCTX_* attributes.
var secctxAttrs = netlink.AttrSet{Prefix: "CTA_SECCTX", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_SECCTX_NAME", Type: netlink.String},
}}

// timestampAttrs are the CTA_TIMESTAMP_* attributes.
var timestampAttrs = netlink.AttrSet{Prefix: "CTA_TIMESTAMP", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_TIMESTAMP_START", Type: netlink.BE64},
	2: {Name: "CTA_TIMESTAMP_STOP", Type: netlink.BE64},
	3: {Name: "CTA_TIMESTAMP_PAD", Type: netlink.Binary},
}}

// conntrackSynproxyAttrs are the CTA_SYNPROXY_* attributes.
var conntrackSynproxyAttrs = netlink.AttrSet{Prefix: "CTA_SYNPROXY", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_SYNPROXY_ISN", Type: netlink.BE32},
	2: {Name: "CTA_SYNPROXY_ITS", Type: netlink.BE32},
	3: {Name: "CTA_SYNPROXY_TSOFF", Type: netlink.BE32},
}}

// filterAttrs are the CTA_FILTER_* attributes.
var filterAttrs = netlink.AttrSet{Prefix: "CTA_FILTER", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_FILTER_ORIG_FLAGS", Type: netlink.BE32, Values: render.HexInt},
	2: {Name: "CTA_FILTER_REPLY_FLAGS", Type: netlink.BE32, Values: render.HexInt},
}}

// conntrackAttrs are the CTA_* attributes.
var conntrackAttrs = netlink.AttrSet{Prefix: "CTA", Attrs: []netlink.AttrSpec{
	1:  {Name: "CTA_TUPLE_ORIG", Type: netlink.Nest, Nested: &tupleAttrs},
	2:  {Name: "CTA_TUPLE_REPLY", Type: netlink.Nest, Nested: &tupleAttrs},
	3:  {Name: "CTA_STATUS", Type: netlink.BE32, Values: statusFlags},
	4:  {Name: "CTA_PROTOINFO", Type: netlink.Nest, Nested: &protoinfoAttrs},
	5:  {Name: "CTA_HELP", Type: netlink.Nest, Nested: &helpAttrs},
	6:  {Name: "CTA_NAT_SRC", Type: netlink.Nest, Nested: &conntrackNATAttrs},
	7:  {Name: "CTA_TIMEOUT", Type: netlink.BE32},
	8:  {Name: "CTA_MARK", Type: netlink.BE32, Values: render.HexInt},
	9:  {Name: "CTA_COUNTERS_ORIG", Type: netlink.Nest, Nested: &conntrackCountersAttrs},
	10: {Name: "CTA_COUNTERS_REPLY", Type: netlink.Nest, Nested: &conntrackCountersAttrs},
	11: {Name: "CTA_USE", Type: netlink.BE32},
	12: {Name: "CTA_ID", Type: netlink.BE32},
	13: {Name: "CTA_NAT_DST", Type: netlink.Nest, Nested: &conntrackNATAttrs},
	14: {Name: "CTA_TUPLE_MASTER", Type: netlink.Nest, Nested: &tupleAttrs},
	15: {Name: "CTA_SEQ_ADJ_ORIG", Type: netlink.Nest, Nested: &seqAdjAttrs},
	16: {Name: "CTA_SEQ_ADJ_REPLY", Type: netlink.Nest, Nested: &seqAdjAttrs},
	17: {Name: "CTA_SECMARK", Type: netlink.BE32},
	18: {Name: "CTA_ZONE", Type: netlink.BE16},
	19: {Name: "CTA_SECCTX", Type: netlink.Nest, Nested: &secctxAttrs},
	20: {Name: "CTA_TIMESTAMP", Type: netlink.Nest, Nested: &timestampAttrs},
	21: {Name: "CTA_MARK_MASK", Type: netlink.BE32, Values: render.HexInt},
	22: {Name: "CTA_LABELS", Type: netlink.Binary},
	23: {Name: "CTA_LABELS_MASK", Type: netlink.Binary},
	24: {Name: "CTA_SYNPROXY", Type: netlink.Nest, Nested: &conntrackSynproxyAttrs},
	25: {Name: "CTA_FILTER", Type: netlink.Nest, Nested: &filterAttrs},
	26: {Name: "CTA_STATUS_MASK", Type: netlink.BE32, Values: statusFlags},
}}

// statsCPUAttrs are the CTA_STATS_* attributes.
var statsCPUAttrs = netlink.AttrSet{Prefix: "CTA_STATS", Attrs: []netlink.AttrSpec{
	1:  {Name: "CTA_STATS_SEARCHED", Type: netlink.BE32},
	2:  {Name: "CTA_STATS_FOUND", Type: netlink.BE32},
	3:  {Name: "CTA_STATS_NEW", Type: netlink.BE32},
	4:  {Name: "CTA_STATS_INVALID", Type: netlink.BE32},
	5:  {Name: "CTA_STATS_IGNORE", Type: netlink.BE32},
	6:  {Name: "CTA_STATS_DELETE", Type: netlink.BE32},
	7:  {Name: "CTA_STATS_DELETE_LIST", Type: netlink.BE32},
	8:  {Name: "CTA_STATS_INSERT", Type: netlink.BE32},
	9:  {Name: "CTA_STATS_INSERT_FAILED", Type: netlink.BE32},
	10: {Name: "CTA_STATS_DROP", Type: netlink.BE32},
	11: {Name: "CTA_STATS_EARLY_DROP", Type: netlink.BE32},
	12: {Name: "CTA_STATS_ERROR", Type: netlink.BE32},
	13: {Name: "CTA_STATS_SEARCH_RESTART", Type: netlink.BE32},
	14: {Name: "CTA_STATS_CLASH_RESOLVE", Type: netlink.BE32},
	15: {Name: "CTA_STATS_CHAIN_TOOLONG", Type: netlink.BE32},
}}

// statsGlobalAttrs are the CTA_STATS_GLOBAL_* attributes.
var statsGlobalAttrs = netlink.AttrSet{Prefix: "CTA_STATS_GLOBAL", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_STATS_GLOBAL_ENTRIES", Type: netlink.BE32},
	2: {Name: "CTA_STATS_GLOBAL_MAX_ENTRIES", Type: netlink.BE32},
}}

// expectNATAttrs are the CTA_EXPECT_NAT_* attributes.
var expectNATAttrs = netlink.AttrSet{Prefix: "CTA_EXPECT_NAT", Attrs: []netlink.AttrSpec{
	1: {Name: "CTA_EXPECT_NAT_DIR", Type: netlink.BE32},
	2: {Name: "CTA_EXPECT_NAT_TUPLE", Type: netlink.Nest, Nested: &tupleAttrs},
}}

// expectAttrs are the CTA_EXPECT_* attributes.
var expectAttrs = netlink.AttrSet{Prefix: "CTA_EXPECT", Attrs: []netlink.AttrSpec{
	1:  {Name: "CTA_EXPECT_MASTER", Type: netlink.Nest, Nested: &tupleAttrs},
	2:  {Name: "CTA_EXPECT_TUPLE", Type: netlink.Nest, Nested: &tupleAttrs},
	3:  {Name: "CTA_EXPECT_MASK", Type: netlink.Nest, Nested: &tupleAttrs},
	4:  {Name: "CTA_EXPECT_TIMEOUT", Type: netlink.BE32},
	5:  {Name: "CTA_EXPECT_ID", Type: netlink.BE32, Values: render.HexInt},
	6:  {Name: "CTA_EXPECT_HELP_NAME", Type: netlink.String},
	7:  {Name: "CTA_EXPECT_ZONE", Type: netlink.BE16},
	8:  {Name: "CTA_EXPECT_FLAGS", Type: netlink.BE32, Values: render.Bits("NF_CT_EXPECT_PERMANENT", "NF_CT_EXPECT_INACTIVE", "NF_CT_EXPECT_USERSPACE")},
	9:  {Name: "CTA_EXPECT_CLASS", Type: netlink.BE32},
	10: {Name: "CTA_EXPECT_NAT", Type: netlink.Nest, Nested: &expectNATAttrs},
	11: {Name: "CTA_EXPECT_FN", Type: netlink.String},
}}
