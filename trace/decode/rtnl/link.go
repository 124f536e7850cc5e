package rtnl

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// Link messages (RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK and the
// LINKPROP messages): struct ifinfomsg, then IFLA_* attributes. Device
// specific settings sit in IFLA_LINKINFO/IFLA_INFO_DATA and are decoded per
// device kind; the settings of a device as a bridge port sit in
// IFLA_INFO_SLAVE_DATA or, for AF_BRIDGE messages, IFLA_PROTINFO.

// ifinfomsg (linux/rtnetlink.h).
var rtIfinfomsg = []rtMember{
	{name: "ifi_family", size: 1, render: rtFamilyName},
	{size: 1}, // __ifi_pad
	{name: "ifi_type", size: 2, render: netlink.EnumMap(sockaddr.ArphrdNames)},
	{name: "ifi_index", size: 4, kind: rtInt},
	{name: "ifi_flags", size: 4, render: netlink.FlagsOf(nlIffFlags)},
	{name: "ifi_change", size: 4, render: netlink.FlagsOf(nlIffFlags)},
}

// rtLinkStatsNames are the members of struct rtnl_link_stats and
// rtnl_link_stats64 (linux/if_link.h), in order.
var rtLinkStatsNames = []string{
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
	"rx_dropped", "tx_dropped", "multicast", "collisions", "rx_length_errors",
	"rx_over_errors", "rx_crc_errors", "rx_frame_errors", "rx_fifo_errors",
	"rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",
	"tx_heartbeat_errors", "tx_window_errors", "rx_compressed", "tx_compressed",
	"rx_nohandler", "rx_otherhost_dropped",
}

// rtLinkStats decodes IFLA_STATS (size 4) or IFLA_STATS64 (size 8): as
// many counters as the kernel sent, summarized as rx/tx packets and bytes.
func rtLinkStats(size int) func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	return func(c *rtCtx, a netlink.Attr) (string, []event.Field) {
		var fields []event.Field
		vals := map[string]string{}
		for i := 0; (i+1)*size <= len(a.Data) && i < len(rtLinkStatsNames); i++ {
			v := netlink.UintValue(netlink.Attr{Data: a.Data[i*size : (i+1)*size]}, nil)
			vals[rtLinkStatsNames[i]] = v
			fields = append(fields, event.Field{Name: rtLinkStatsNames[i], Value: v, Offset: a.DataOff() + i*size, Length: size})
		}
		if len(fields) < 4 {
			return netlink.Hex(a.Data), fields
		}
		return fmt.Sprintf("rx %s packets %s bytes, tx %s packets %s bytes",
			vals["rx_packets"], vals["rx_bytes"], vals["tx_packets"], vals["tx_bytes"]), fields
	}
}

// struct rtnl_link_ifmap.
var rtIfmap = []rtMember{
	{name: "mem_start", size: 8}, {name: "mem_end", size: 8}, {name: "base_addr", size: 8},
	{name: "irq", size: 2}, {name: "dma", size: 1}, {name: "port", size: 1},
}

// struct ifla_cacheinfo.
var rtIflaCacheinfo = []rtMember{
	{name: "max_reasm_len", size: 4}, {name: "tstamp", size: 4},
	{name: "reachable_time", size: 4}, {name: "retrans_time", size: 4},
}

// rtBridgeID decodes struct ifla_bridge_id: a 2-byte priority and a MAC,
// shown the way brctl does ("8000.0242ac110002").
func rtBridgeID(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) != 8 {
		return netlink.Hex(a.Data), nil
	}
	prio := binary.BigEndian.Uint16(a.Data)
	mac := netlink.MAC(a.Data[2:])
	return fmt.Sprintf("%04x.%s", prio, strings.ReplaceAll(mac, ":", "")), []event.Field{
		{Name: "prio", Value: fmt.Sprint(prio), Offset: a.DataOff(), Length: 2},
		{Name: "addr", Value: mac, Offset: a.DataOff() + 2, Length: 6},
	}
}

// rtBoolopt decodes IFLA_BR_MULTI_BOOLOPT: struct br_boolopt_multi, whose
// bits are numbered by enum br_boolopt_id.
func rtBoolopt(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) != 8 {
		return netlink.Hex(a.Data), nil
	}
	var bits []netlink.Flag
	for i, n := range brBooloptNames {
		bits = append(bits, netlink.Flag{Mask: 1 << i, Name: n})
	}
	optval := uint64(binary.LittleEndian.Uint32(a.Data))
	optmask := uint64(binary.LittleEndian.Uint32(a.Data[4:]))
	return "", []event.Field{
		{Name: "optval", Value: netlink.Flags(optval, bits), Offset: a.DataOff(), Length: 4},
		{Name: "optmask", Value: netlink.Flags(optmask, bits), Offset: a.DataOff() + 4, Length: 4},
	}
}

// rtVlanProto renders an ethertype that selects a VLAN protocol.
func rtVlanProto(v uint64) string {
	if s, ok := nlEthPNames[v]; ok {
		return s
	}
	return fmt.Sprintf("%#04x", v)
}

// Bridge device settings (kind "bridge", IFLA_BR_*). Times are in
// hundredths of a second (clock_t).
var rtBridgeTable = &rtTable{prefix: "IFLA_BR", names: iflaBrNames, attrs: map[uint16]rtAttr{
	1:  rtU(rtClockT), // IFLA_BR_FORWARD_DELAY
	2:  rtU(rtClockT), // IFLA_BR_HELLO_TIME
	3:  rtU(rtClockT), // IFLA_BR_MAX_AGE
	4:  rtU(rtClockT), // IFLA_BR_AGEING_TIME
	5:  rtNum,         // IFLA_BR_STP_STATE
	6:  rtNum,         // IFLA_BR_PRIORITY
	7:  rtNum,         // IFLA_BR_VLAN_FILTERING
	8:  {kind: rtBE, render: rtVlanProto},
	9:  rtNum, // IFLA_BR_GROUP_FWD_MASK
	10: rtFn(rtBridgeID),
	11: rtFn(rtBridgeID),
	12: rtNum,         // IFLA_BR_ROOT_PORT
	13: rtNum,         // IFLA_BR_ROOT_PATH_COST
	14: rtNum,         // IFLA_BR_TOPOLOGY_CHANGE
	15: rtNum,         // IFLA_BR_TOPOLOGY_CHANGE_DETECTED
	16: rtU(rtClockT), // IFLA_BR_HELLO_TIMER
	17: rtU(rtClockT), // IFLA_BR_TCN_TIMER
	18: rtU(rtClockT), // IFLA_BR_TOPOLOGY_CHANGE_TIMER
	19: rtU(rtClockT), // IFLA_BR_GC_TIMER
	20: rtMac,         // IFLA_BR_GROUP_ADDR
	21: rtBool,        // IFLA_BR_FDB_FLUSH
	22: rtU(netlink.Enum(mdbRtrTypeNames)),
	23: rtNum,         // IFLA_BR_MCAST_SNOOPING
	24: rtNum,         // IFLA_BR_MCAST_QUERY_USE_IFADDR
	25: rtNum,         // IFLA_BR_MCAST_QUERIER
	26: rtNum,         // IFLA_BR_MCAST_HASH_ELASTICITY
	27: rtNum,         // IFLA_BR_MCAST_HASH_MAX
	28: rtNum,         // IFLA_BR_MCAST_LAST_MEMBER_CNT
	29: rtNum,         // IFLA_BR_MCAST_STARTUP_QUERY_CNT
	30: rtU(rtClockT), // IFLA_BR_MCAST_LAST_MEMBER_INTVL
	31: rtU(rtClockT), // IFLA_BR_MCAST_MEMBERSHIP_INTVL
	32: rtU(rtClockT), // IFLA_BR_MCAST_QUERIER_INTVL
	33: rtU(rtClockT), // IFLA_BR_MCAST_QUERY_INTVL
	34: rtU(rtClockT), // IFLA_BR_MCAST_QUERY_RESPONSE_INTVL
	35: rtU(rtClockT), // IFLA_BR_MCAST_STARTUP_QUERY_INTVL
	36: rtNum,         // IFLA_BR_NF_CALL_IPTABLES
	37: rtNum,         // IFLA_BR_NF_CALL_IP6TABLES
	38: rtNum,         // IFLA_BR_NF_CALL_ARPTABLES
	39: rtNum,         // IFLA_BR_VLAN_DEFAULT_PVID
	40: rtRaw,         // IFLA_BR_PAD
	41: rtNum,         // IFLA_BR_VLAN_STATS_ENABLED
	42: rtNum,         // IFLA_BR_MCAST_STATS_ENABLED
	43: rtNum,         // IFLA_BR_MCAST_IGMP_VERSION
	44: rtNum,         // IFLA_BR_MCAST_MLD_VERSION
	45: rtNum,         // IFLA_BR_VLAN_STATS_PER_PORT
	46: rtFn(rtBoolopt),
	47: rtNest(&rtTable{prefix: "BRIDGE_QUERIER", names: bridgeQuerierNames, attrs: map[uint16]rtAttr{
		1: rtIP, 2: rtU(rtIfindexName), 3: rtU(rtClockT), 4: rtRaw, 5: rtIP, 6: rtU(rtIfindexName), 7: rtU(rtClockT),
	}}),
	48: rtNum, // IFLA_BR_FDB_N_LEARNED
	49: rtNum, // IFLA_BR_FDB_MAX_LEARNED
}}

// Bridge port settings (IFLA_BRPORT_*), found in IFLA_INFO_SLAVE_DATA of a
// port of kind "bridge" and in IFLA_PROTINFO of AF_BRIDGE link messages.
var rtBrportTable = &rtTable{prefix: "IFLA_BRPORT", names: iflaBrportNames, attrs: map[uint16]rtAttr{
	1:  rtU(netlink.Enum(brStateNames)),
	2:  rtNum, // IFLA_BRPORT_PRIORITY
	3:  rtNum, // IFLA_BRPORT_COST
	4:  rtU(netlink.Enum(brportModeNames)),
	5:  rtNum, // IFLA_BRPORT_GUARD
	6:  rtNum, // IFLA_BRPORT_PROTECT
	7:  rtNum, // IFLA_BRPORT_FAST_LEAVE
	8:  rtNum, // IFLA_BRPORT_LEARNING
	9:  rtNum, // IFLA_BRPORT_UNICAST_FLOOD
	10: rtNum, // IFLA_BRPORT_PROXYARP
	11: rtNum, // IFLA_BRPORT_LEARNING_SYNC
	12: rtNum, // IFLA_BRPORT_PROXYARP_WIFI
	13: rtFn(rtBridgeID),
	14: rtFn(rtBridgeID),
	15: rtNum,         // IFLA_BRPORT_DESIGNATED_PORT
	16: rtNum,         // IFLA_BRPORT_DESIGNATED_COST
	17: rtNum,         // IFLA_BRPORT_ID
	18: rtNum,         // IFLA_BRPORT_NO
	19: rtNum,         // IFLA_BRPORT_TOPOLOGY_CHANGE_ACK
	20: rtNum,         // IFLA_BRPORT_CONFIG_PENDING
	21: rtU(rtClockT), // IFLA_BRPORT_MESSAGE_AGE_TIMER
	22: rtU(rtClockT), // IFLA_BRPORT_FORWARD_DELAY_TIMER
	23: rtU(rtClockT), // IFLA_BRPORT_HOLD_TIMER
	24: rtBool,        // IFLA_BRPORT_FLUSH
	25: rtU(netlink.Enum(mdbRtrTypeNames)),
	26: rtRaw,              // IFLA_BRPORT_PAD
	27: rtNum,              // IFLA_BRPORT_MCAST_FLOOD
	28: rtNum,              // IFLA_BRPORT_MCAST_TO_UCAST
	29: rtNum,              // IFLA_BRPORT_VLAN_TUNNEL
	30: rtNum,              // IFLA_BRPORT_BCAST_FLOOD
	31: rtNum,              // IFLA_BRPORT_GROUP_FWD_MASK
	32: rtNum,              // IFLA_BRPORT_NEIGH_SUPPRESS
	33: rtNum,              // IFLA_BRPORT_ISOLATED
	34: rtU(rtIfindexName), // IFLA_BRPORT_BACKUP_PORT
	35: rtNum,              // IFLA_BRPORT_MRP_RING_OPEN
	36: rtNum,              // IFLA_BRPORT_MRP_IN_OPEN
	37: rtNum,              // IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT
	38: rtNum,              // IFLA_BRPORT_MCAST_EHT_HOSTS_CNT
	39: rtNum,              // IFLA_BRPORT_LOCKED
	40: rtNum,              // IFLA_BRPORT_MAB
	41: rtNum,              // IFLA_BRPORT_MCAST_N_GROUPS
	42: rtNum,              // IFLA_BRPORT_MCAST_MAX_GROUPS
	43: rtNum,              // IFLA_BRPORT_NEIGH_VLAN_SUPPRESS
	44: rtNum,              // IFLA_BRPORT_BACKUP_NHID
}}

// rtPortRange decodes IFLA_VXLAN_PORT_RANGE: two big-endian ports.
func rtPortRange(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) != 4 {
		return netlink.Hex(a.Data), nil
	}
	lo, hi := binary.BigEndian.Uint16(a.Data), binary.BigEndian.Uint16(a.Data[2:])
	return fmt.Sprintf("%d-%d", lo, hi), []event.Field{
		{Name: "low", Value: fmt.Sprint(lo), Offset: a.DataOff(), Length: 2},
		{Name: "high", Value: fmt.Sprint(hi), Offset: a.DataOff() + 2, Length: 2},
	}
}

// VXLAN device settings (kind "vxlan", IFLA_VXLAN_*). Ports and the flow
// label are in network byte order.
var rtVxlanTable = &rtTable{prefix: "IFLA_VXLAN", names: iflaVxlanNames, attrs: map[uint16]rtAttr{
	1:  rtNum,              // IFLA_VXLAN_ID: the VNI
	2:  rtIP,               // IFLA_VXLAN_GROUP: remote or multicast group
	3:  rtU(rtIfindexName), // IFLA_VXLAN_LINK
	4:  rtIP,               // IFLA_VXLAN_LOCAL
	5:  rtNum,              // IFLA_VXLAN_TTL
	6:  rtNum,              // IFLA_VXLAN_TOS
	7:  rtNum,              // IFLA_VXLAN_LEARNING
	8:  rtNum,              // IFLA_VXLAN_AGEING (seconds)
	9:  rtNum,              // IFLA_VXLAN_LIMIT
	10: rtFn(rtPortRange),
	11: rtNum,             // IFLA_VXLAN_PROXY
	12: rtNum,             // IFLA_VXLAN_RSC
	13: rtNum,             // IFLA_VXLAN_L2MISS
	14: rtNum,             // IFLA_VXLAN_L3MISS
	15: rtPort,            // IFLA_VXLAN_PORT
	16: rtIP,              // IFLA_VXLAN_GROUP6
	17: rtIP,              // IFLA_VXLAN_LOCAL6
	18: rtNum,             // IFLA_VXLAN_UDP_CSUM
	19: rtNum,             // IFLA_VXLAN_UDP_ZERO_CSUM6_TX
	20: rtNum,             // IFLA_VXLAN_UDP_ZERO_CSUM6_RX
	21: rtNum,             // IFLA_VXLAN_REMCSUM_TX
	22: rtNum,             // IFLA_VXLAN_REMCSUM_RX
	23: rtBool,            // IFLA_VXLAN_GBP
	24: rtBool,            // IFLA_VXLAN_REMCSUM_NOPARTIAL
	25: rtNum,             // IFLA_VXLAN_COLLECT_METADATA
	26: rtPort,            // IFLA_VXLAN_LABEL
	27: rtBool,            // IFLA_VXLAN_GPE
	28: rtFn(rtFlagOrNum), // IFLA_VXLAN_TTL_INHERIT: a flag in requests, a u8 in dumps
	29: rtU(netlink.Enum(vxlanDFNames)),
	30: rtNum, // IFLA_VXLAN_VNIFILTER
	31: rtNum, // IFLA_VXLAN_LOCALBYPASS
	32: rtU(netlink.Enum(vxlanLabelPolicyNames)),
	33: rtRaw, // IFLA_VXLAN_RESERVED_BITS: a mask over the VXLAN header
	34: rtNum, // IFLA_VXLAN_MC_ROUTE
}}

// rtFlagOrNum decodes an attribute that requests send as a flag and the
// kernel reports as a number.
func rtFlagOrNum(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) == 0 {
		return "true", nil
	}
	return netlink.UintValue(a, nil), nil
}

// macvlan and macvtap device settings (IFLA_MACVLAN_*).
var rtMacvlanTable = &rtTable{prefix: "IFLA_MACVLAN", names: iflaMacvlanNames, attrs: map[uint16]rtAttr{
	1: rtU(netlink.EnumMap(macvlanModeNames)),
	2: rtU(netlink.FlagsOf(macvlanFlags)),
	3: rtU(netlink.Enum(macvlanMacaddrModeNames)),
	4: rtMac, // IFLA_MACVLAN_MACADDR
	5: rtNest(&rtTable{prefix: "IFLA_MACVLAN", names: iflaMacvlanNames, attrs: map[uint16]rtAttr{4: rtMac}}),
	6: rtNum,    // IFLA_MACVLAN_MACADDR_COUNT
	7: rtNum,    // IFLA_MACVLAN_BC_QUEUE_LEN
	8: rtNum,    // IFLA_MACVLAN_BC_QUEUE_LEN_USED
	9: rtSigned, // IFLA_MACVLAN_BC_CUTOFF
}}

var rtVlanQosTable = &rtTable{prefix: "IFLA_VLAN_QOS", names: iflaVlanQosNames, attrs: map[uint16]rtAttr{
	1: rtFn(rtStructAttr([]rtMember{{name: "from", size: 4}, {name: "to", size: 4}})),
}}

// 802.1Q device settings (kind "vlan", IFLA_VLAN_*).
var rtVlanTable = &rtTable{prefix: "IFLA_VLAN", names: iflaVlanNames, attrs: map[uint16]rtAttr{
	1: rtNum, // IFLA_VLAN_ID
	2: rtFn(rtStructAttr([]rtMember{
		{name: "flags", size: 4, render: netlink.FlagsOf(vlanFlags)},
		{name: "mask", size: 4, render: netlink.FlagsOf(vlanFlags)},
	})),
	3: rtNest(rtVlanQosTable),
	4: rtNest(rtVlanQosTable),
	5: {kind: rtBE, render: rtVlanProto},
}}

// AF_BRIDGE settings in IFLA_AF_SPEC (IFLA_BRIDGE_*, linux/if_bridge.h).
var rtBridgeAFTable = &rtTable{prefix: "IFLA_BRIDGE", names: iflaBridgeNames, attrs: map[uint16]rtAttr{
	0: rtU(netlink.FlagsOf(bridgeFlags)),
	1: rtU(netlink.EnumMap(bridgeModeNames)),
	2: rtFn(rtStructAttr([]rtMember{
		{name: "flags", size: 2, render: netlink.FlagsOf(bridgeVlanInfoFlags)},
		{name: "vid", size: 2},
	})),
}}

// AF_INET settings in IFLA_AF_SPEC: the IPv4 devconf array, entry i being
// IPV4_DEVCONF_* value i+1 (the files of /proc/sys/net/ipv4/conf/<dev>).
var rtInetTable = &rtTable{prefix: "IFLA_INET", names: iflaInetNames, attrs: map[uint16]rtAttr{
	1: rtFn(rtArray(4, true, ipv4DevconfNames, 1, "IPV4_DEVCONF")),
}}

// AF_INET6 settings in IFLA_AF_SPEC (IFLA_INET6_*).
var rtInet6Table = &rtTable{prefix: "IFLA_INET6", names: iflaInet6Names, attrs: map[uint16]rtAttr{
	1: rtU(netlink.FlagsOf(inet6IfFlags)),
	2: rtFn(rtArray(4, true, ipv6DevconfNames, 0, "DEVCONF")),
	3: rtFn(rtArray(8, false, ipstatsNames, 0, "IPSTATS_MIB")),
	4: rtRaw, // IFLA_INET6_MCAST
	5: rtFn(rtStructAttr(rtIflaCacheinfo)),
	6: rtFn(rtArray(8, false, icmp6StatsNames, 0, "ICMP6_MIB")),
	7: rtIP, // IFLA_INET6_TOKEN
	8: rtU(netlink.Enum(in6AddrGenModeNames)),
	9: rtNum, // IFLA_INET6_RA_MTU
}}

var rtXdpTable = &rtTable{prefix: "IFLA_XDP", names: iflaXdpNames, attrs: map[uint16]rtAttr{
	1: rtSigned,
	2: rtU(netlink.Enum(xdpAttachedNames)),
	3: rtU(netlink.FlagsOf([]netlink.Flag{
		{1, "XDP_FLAGS_UPDATE_IF_NOEXIST"}, {2, "XDP_FLAGS_SKB_MODE"}, {4, "XDP_FLAGS_DRV_MODE"},
		{8, "XDP_FLAGS_HW_MODE"}, {16, "XDP_FLAGS_REPLACE"},
	})),
	4: rtNum, 5: rtNum, 6: rtNum, 7: rtNum,
	8: rtSigned,
}}

// rtInfoDataWrap and rtSlaveDataWrap decode IFLA_INFO_DATA by
// IFLA_INFO_KIND and IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND.
var rtInfoDataWrap, rtSlaveDataWrap map[string]*rtTable

// rtLinkTable decodes IFLA_* attributes. It is built in init because the
// veth peer nests a whole link message inside it.
var rtLinkTable *rtTable

func init() {
	rtLinkTable = &rtTable{prefix: "IFLA", names: iflaNames, attrs: map[uint16]rtAttr{
		1:  rtMac, // IFLA_ADDRESS
		2:  rtMac, // IFLA_BROADCAST
		3:  rtStr, // IFLA_IFNAME
		4:  rtNum, // IFLA_MTU
		5:  rtU(rtIfindexName),
		6:  rtStr, // IFLA_QDISC
		7:  rtFn(rtLinkStats(4)),
		10: rtU(rtIfindexName), // IFLA_MASTER
		11: rtRaw,              // IFLA_WIRELESS
		12: rtFn(rtProtinfo),
		13: rtNum, // IFLA_TXQLEN
		14: rtFn(rtStructAttr(rtIfmap)),
		15: rtNum, // IFLA_WEIGHT
		16: rtU(netlink.Enum(ifOperNames)),
		17: rtU(netlink.Enum(ifLinkModeNames)),
		18: rtFn(rtLinkinfo),
		19: rtNum, // IFLA_NET_NS_PID
		20: rtStr, // IFLA_IFALIAS
		21: rtNum, // IFLA_NUM_VF
		23: rtFn(rtLinkStats(8)),
		26: rtFn(rtAFSpec),
		27: rtNum,    // IFLA_GROUP
		28: rtSigned, // IFLA_NET_NS_FD
		29: rtU(netlink.FlagsOf(rtextFilterFlags)),
		30: rtNum, // IFLA_PROMISCUITY
		31: rtNum, // IFLA_NUM_TX_QUEUES
		32: rtNum, // IFLA_NUM_RX_QUEUES
		33: rtNum, // IFLA_CARRIER
		34: rtRaw, // IFLA_PHYS_PORT_ID
		35: rtNum, // IFLA_CARRIER_CHANGES
		36: rtRaw, // IFLA_PHYS_SWITCH_ID
		37: rtSigned,
		38: rtStr, // IFLA_PHYS_PORT_NAME
		39: rtNum, // IFLA_PROTO_DOWN
		40: rtNum, // IFLA_GSO_MAX_SEGS
		41: rtNum, // IFLA_GSO_MAX_SIZE
		42: rtRaw, // IFLA_PAD
		43: rtNest(rtXdpTable),
		44: rtU(netlink.Enum(iflaEventNames)),
		45: rtSigned, // IFLA_NEW_NETNSID
		46: rtSigned, // IFLA_IF_NETNSID / IFLA_TARGET_NETNSID
		47: rtNum,    // IFLA_CARRIER_UP_COUNT
		48: rtNum,    // IFLA_CARRIER_DOWN_COUNT
		49: rtSigned, // IFLA_NEW_IFINDEX
		50: rtNum,    // IFLA_MIN_MTU
		51: rtNum,    // IFLA_MAX_MTU
		52: rtNest(&rtTable{prefix: "IFLA", names: iflaNames, attrs: map[uint16]rtAttr{53: rtStr}}),
		53: rtStr, // IFLA_ALT_IFNAME
		54: rtMac, // IFLA_PERM_ADDRESS
		55: rtNest(&rtTable{prefix: "IFLA_PROTO_DOWN_REASON", names: iflaProtoDownReasonNames, attrs: map[uint16]rtAttr{1: rtNum, 2: rtNum}}),
		56: rtStr, // IFLA_PARENT_DEV_NAME
		57: rtStr, // IFLA_PARENT_DEV_BUS_NAME
		58: rtNum, // IFLA_GRO_MAX_SIZE
		59: rtNum, // IFLA_TSO_MAX_SIZE
		60: rtNum, // IFLA_TSO_MAX_SEGS
		61: rtNum, // IFLA_ALLMULTI
		63: rtNum, // IFLA_GSO_IPV4_MAX_SIZE
		64: rtNum, // IFLA_GRO_IPV4_MAX_SIZE
		66: rtNum, // IFLA_MAX_PACING_OFFLOAD_HORIZON
		67: rtNum, // IFLA_NETNS_IMMUTABLE
		68: rtNum, // IFLA_HEADROOM
		69: rtNum, // IFLA_TAILROOM
	}}
	kinds := map[string]*rtTable{
		"bridge":  rtBridgeTable,
		"vxlan":   rtVxlanTable,
		"macvlan": rtMacvlanTable,
		"macvtap": rtMacvlanTable,
		"vlan":    rtVlanTable,
		"veth": {prefix: "VETH_INFO", names: vethInfoNames, attrs: map[uint16]rtAttr{
			1: rtFn(rtVethPeer),
		}},
	}
	rtInfoDataWrap = map[string]*rtTable{}
	for kind, t := range kinds {
		rtInfoDataWrap[kind] = rtWrapKind(2, t)
	}
	rtSlaveDataWrap = map[string]*rtTable{"bridge": rtWrapKind(5, rtBrportTable)}
}

// rtLinkinfo decodes IFLA_LINKINFO. IFLA_INFO_DATA is decoded with the
// table of the device kind named by IFLA_INFO_KIND, and IFLA_INFO_SLAVE_DATA
// with the one named by IFLA_INFO_SLAVE_KIND, wherever those appear.
func rtLinkinfo(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	attrs, bad := netlink.ParseAttrs(a.Data, a.DataOff())
	c.fail(bad)
	var kind, slaveKind string
	for _, x := range attrs {
		switch x.Type {
		case 1: // IFLA_INFO_KIND
			kind = netlink.CString(x.Data)
		case 4: // IFLA_INFO_SLAVE_KIND
			slaveKind = netlink.CString(x.Data)
		}
	}
	var fields []event.Field
	for _, x := range attrs {
		var f event.Field
		switch x.Type {
		case 2: // IFLA_INFO_DATA
			f = c.kindData(x, rtInfoDataWrap[kind], kind)
		case 5: // IFLA_INFO_SLAVE_DATA
			f = c.kindData(x, rtSlaveDataWrap[slaveKind], slaveKind)
		default:
			f = c.attr(x, rtLinkinfoTable)
		}
		fields = append(fields, f)
	}
	return kind, fields
}

// rtLinkinfoTable names the members of IFLA_LINKINFO other than the two
// data blocks.
var rtLinkinfoTable = &rtTable{prefix: "IFLA_INFO", names: iflaInfoNames, attrs: map[uint16]rtAttr{
	1: rtStr, // IFLA_INFO_KIND
	3: rtRaw, // IFLA_INFO_XSTATS
	4: rtStr, // IFLA_INFO_SLAVE_KIND
}}

// kindData decodes IFLA_INFO_DATA or IFLA_INFO_SLAVE_DATA with wrap, a
// table whose entry for that attribute nests the kind's table. A kind
// without a table gets its attributes as hex, or the whole block as hex
// if it does not hold attributes.
func (c *rtCtx) kindData(a netlink.Attr, wrap *rtTable, kind string) event.Field {
	if wrap == nil {
		if _, bad := netlink.ParseAttrs(a.Data, a.DataOff()); bad != "" || len(a.Data) == 0 {
			return event.Field{Name: netlink.Name(iflaInfoNames, uint64(a.Type), "IFLA_INFO"), Value: netlink.Hex(a.Data), Offset: a.Off, Length: a.Len}
		}
		wrap = rtWrapKind(a.Type, &rtTable{prefix: "IFLA_" + strings.ToUpper(kind)})
	}
	return c.attr(a, wrap)
}

// rtWrapKind returns a table in which attribute typ (IFLA_INFO_DATA or
// IFLA_INFO_SLAVE_DATA) nests t.
func rtWrapKind(typ uint16, t *rtTable) *rtTable {
	return &rtTable{prefix: "IFLA_INFO", names: iflaInfoNames, attrs: map[uint16]rtAttr{typ: rtNest(t)}}
}

// rtVethPeer decodes VETH_INFO_PEER: the other end of a veth pair, as a
// whole ifinfomsg followed by its own IFLA_* attributes (its name, its
// namespace, ...).
func rtVethPeer(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) < rtIfinfomsgLen {
		c.fail(fmt.Sprintf("VETH_INFO_PEER at offset %d is shorter than ifinfomsg", a.Off))
		return netlink.Hex(a.Data), nil
	}
	hdr, _ := rtStruct(a.Data, a.DataOff(), rtIfinfomsg)
	sub := &rtCtx{family: a.Data[0], depth: c.depth}
	attrs := sub.attrs(a.Data[rtIfinfomsgLen:], a.DataOff()+rtIfinfomsgLen, rtLinkTable)
	c.fail(sub.bad)
	fields := append([]event.Field{rtHeaderField("ifinfomsg", a.DataOff(), rtIfinfomsgLen, hdr)}, attrs...)
	return rtTopValue(attrs, "IFLA_IFNAME"), fields
}

// rtAFSpec decodes IFLA_AF_SPEC. In AF_BRIDGE messages it holds
// IFLA_BRIDGE_* attributes; otherwise one nest per address family.
func rtAFSpec(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	if c.family == unix.AF_BRIDGE {
		return "", c.attrs(a.Data, a.DataOff(), rtBridgeAFTable)
	}
	return "", c.attrs(a.Data, a.DataOff(), rtAFSpecTable)
}

// rtAFSpecTable decodes IFLA_AF_SPEC outside AF_BRIDGE: one nest per
// address family, typed by the AF_* number.
var rtAFSpecTable = &rtTable{prefix: "AF", names: sockaddr.AFNames, attrs: map[uint16]rtAttr{
	unix.AF_INET:   rtNest(rtInetTable),
	unix.AF_INET6:  rtNest(rtInet6Table),
	unix.AF_BRIDGE: rtNest(rtBridgeAFTable),
}}

// rtProtinfo decodes IFLA_PROTINFO, whose content depends on the family:
// bridge port settings for AF_BRIDGE, IPv6 settings for AF_INET6.
func rtProtinfo(c *rtCtx, a netlink.Attr) (string, []event.Field) {
	switch c.family {
	case unix.AF_BRIDGE:
		if !a.Nested && len(a.Data) == 1 {
			return netlink.UintValue(a, netlink.Enum(brStateNames)), nil // old form: the port state alone
		}
		return "", c.attrs(a.Data, a.DataOff(), rtBrportTable)
	case unix.AF_INET6:
		return "", c.attrs(a.Data, a.DataOff(), rtInet6Table)
	}
	if a.Nested {
		fields, bad := netlink.AutoAttrs(a.Data, a.DataOff(), "IFLA_PROTINFO", 0)
		c.fail(bad)
		return "", fields
	}
	return netlink.Hex(a.Data), nil
}

// rtDecodeLink decodes a link message: ifinfomsg and IFLA_*.
func rtDecodeLink(body []byte, base int, get bool, d *netlink.Body) {
	if len(body) < rtIfinfomsgLen {
		rtShortHeader(body, base, get, "ifinfomsg", rtIfinfomsgLen, d)
		return
	}
	hdr, _ := rtStruct(body, base, rtIfinfomsg)
	c := &rtCtx{family: body[0]}
	attrs := c.attrs(body[rtIfinfomsgLen:], base+rtIfinfomsgLen, rtLinkTable)
	d.Fields = append([]event.Field{rtHeaderField("ifinfomsg", base, rtIfinfomsgLen, hdr)}, attrs...)
	d.Malformed = c.bad

	index := int32(binary.LittleEndian.Uint32(body[4:]))
	flags := binary.LittleEndian.Uint32(body[8:])
	change := binary.LittleEndian.Uint32(body[12:])
	var parts []string
	if name := rtTopValue(attrs, "IFLA_IFNAME"); name != "" {
		parts = append(parts, name)
	} else if index != 0 {
		parts = append(parts, fmt.Sprintf("index=%d", index))
	} else if body[0] != unix.AF_UNSPEC {
		parts = append(parts, rtFamilyName(uint64(body[0])))
	}
	if li, ok := rtTop(attrs, "IFLA_LINKINFO"); ok {
		parts = append(parts, rtVal(li.Children, "IFLA_INFO_KIND", "kind="))
		if data, ok := rtTop(li.Children, "IFLA_INFO_DATA"); ok {
			if peer, ok := rtTop(data.Children, "VETH_INFO_PEER"); ok {
				parts = append(parts, "peer="+peer.Value,
					rtVal(peer.Children, "IFLA_NET_NS_FD", "peer-netns-fd="),
					rtVal(peer.Children, "IFLA_NET_NS_PID", "peer-netns-pid="))
			}
			if mode := rtTopValue(data.Children, "IFLA_MACVLAN_MODE"); mode != "" {
				parts = append(parts, "mode="+strings.ToLower(strings.TrimPrefix(mode, "MACVLAN_MODE_")))
			}
			parts = append(parts, rtVal(data.Children, "IFLA_VXLAN_ID", "id="))
		}
	}
	parts = append(parts,
		rtVal(attrs, "IFLA_LINK", "link="),
		rtVal(attrs, "IFLA_MTU", "mtu="),
		rtVal(attrs, "IFLA_MASTER", "master="),
		rtVal(attrs, "IFLA_NET_NS_FD", "netns-fd="),
		rtVal(attrs, "IFLA_NET_NS_PID", "netns-pid="),
	)
	if p, ok := rtTop(attrs, "IFLA_PROTINFO"); ok && body[0] == unix.AF_BRIDGE {
		switch rtTopValue(p.Children, "IFLA_BRPORT_MODE") {
		case "BRIDGE_MODE_HAIRPIN":
			parts = append(parts, "hairpin on")
		case "BRIDGE_MODE_UNSPEC":
			parts = append(parts, "hairpin off")
		}
	}
	if change&rtmsgIFFUp != 0 {
		if flags&rtmsgIFFUp != 0 {
			parts = append(parts, "up")
		} else {
			parts = append(parts, "down")
		}
	}
	d.Summary = netlink.Join(parts...)
}
