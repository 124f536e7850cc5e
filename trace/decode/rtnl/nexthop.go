package rtnl

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// Nexthop objects (RTM_*NEXTHOP: struct nhmsg, NHA_*). The kernel has no
// netlink spec for them: this table is written by hand from
// linux/nexthop.h (Linux 6.18), in the form the generated tables take.

// Message types without a golang.org/x/sys/unix constant.
const (
	rtmNewNexthop = 104
	rtmNewVlan    = 112
)

// nhmsg is struct nhmsg.
var nhmsg = []netlink.Member{
	{Name: "nh_family", Type: netlink.U8, Values: sockaddr.AFNames},
	{Name: "nh_scope", Type: netlink.U8, Values: scopeNames},
	{Name: "nh_protocol", Type: netlink.U8, Values: routeProtoNames},
	{Name: "resvd", Type: netlink.U8},
	{Name: "nh_flags", Type: netlink.U32, Values: nexthopFlags},
}

// nexthopGrp is struct nexthop_grp, one member of NHA_GROUP.
var nexthopGrp = []netlink.Member{
	{Name: "id", Type: netlink.U32},
	{Name: "weight", Type: netlink.U8},
	{Name: "weight_high", Type: netlink.U8},
	{Name: "resvd2", Type: netlink.U16},
}

// nexthopGrpTypeNames names NHA_GROUP_TYPE values.
var nexthopGrpTypeNames = render.Enum{"NEXTHOP_GRP_TYPE_MPATH", "NEXTHOP_GRP_TYPE_RES"}

// nexthopAttrs are the NHA_* attributes.
var nexthopAttrs = netlink.AttrSet{Prefix: "NHA", Attrs: []netlink.AttrSpec{
	0:  {Name: "NHA_UNSPEC"},
	1:  {Name: "NHA_ID", Type: netlink.U32},
	2:  {Name: "NHA_GROUP", Type: netlink.Custom, Decode: nexthopGroup},
	3:  {Name: "NHA_GROUP_TYPE", Type: netlink.U16, Values: nexthopGrpTypeNames},
	4:  {Name: "NHA_BLACKHOLE", Type: netlink.Flag},
	5:  {Name: "NHA_OIF", Type: netlink.U32, Values: netlink.Ifindex},
	6:  {Name: "NHA_GATEWAY", Type: netlink.Addr},
	7:  {Name: "NHA_ENCAP_TYPE", Type: netlink.U16, Values: lwtunnelEncapNames},
	8:  {Name: "NHA_ENCAP"},
	9:  {Name: "NHA_GROUPS", Type: netlink.Flag},
	10: {Name: "NHA_MASTER", Type: netlink.U32, Values: netlink.Ifindex},
	11: {Name: "NHA_FDB", Type: netlink.Flag},
	12: {Name: "NHA_RES_GROUP", Type: netlink.Nest, Nested: &nexthopResGroupAttrs},
	13: {Name: "NHA_RES_BUCKET", Type: netlink.Nest, Nested: &nexthopResBucketAttrs},
	14: {Name: "NHA_OP_FLAGS", Type: netlink.U32, Values: render.Bits("NHA_OP_FLAG_DUMP_STATS", "NHA_OP_FLAG_DUMP_HW_STATS", "NHA_OP_FLAG_RESP_GRP_RESVD_0")},
	15: {Name: "NHA_GROUP_STATS"},
	16: {Name: "NHA_HW_STATS_ENABLE", Type: netlink.U32},
	17: {Name: "NHA_HW_STATS_USED", Type: netlink.U32},
}}

// nexthopResGroupAttrs are the NHA_RES_GROUP_* attributes.
var nexthopResGroupAttrs = netlink.AttrSet{Prefix: "NHA_RES_GROUP", Attrs: []netlink.AttrSpec{
	0: {Name: "NHA_RES_GROUP_PAD", Type: netlink.Binary},
	1: {Name: "NHA_RES_GROUP_BUCKETS", Type: netlink.U16},
	2: {Name: "NHA_RES_GROUP_IDLE_TIMER", Type: netlink.U32, Values: clockT},
	3: {Name: "NHA_RES_GROUP_UNBALANCED_TIMER", Type: netlink.U32, Values: clockT},
	4: {Name: "NHA_RES_GROUP_UNBALANCED_TIME", Type: netlink.U64, Values: clockT},
}}

// nexthopResBucketAttrs are the NHA_RES_BUCKET_* attributes.
var nexthopResBucketAttrs = netlink.AttrSet{Prefix: "NHA_RES_BUCKET", Attrs: []netlink.AttrSpec{
	0: {Name: "NHA_RES_BUCKET_PAD", Type: netlink.Binary},
	1: {Name: "NHA_RES_BUCKET_INDEX", Type: netlink.U16},
	2: {Name: "NHA_RES_BUCKET_IDLE_TIME", Type: netlink.U64, Values: clockT},
	3: {Name: "NHA_RES_BUCKET_NH_ID", Type: netlink.U32},
}}

// nexthopGroup decodes NHA_GROUP: an array of struct nexthop_grp.
func nexthopGroup(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	size := netlink.StructSize(nexthopGrp)
	var fields []event.Field
	var ids []string
	for pos := 0; pos+size <= len(a.Data); pos += size {
		m, _ := w.Struct(a.Data[pos:pos+size], a.DataOff()+pos, nexthopGrp)
		fields = append(fields, event.Field{Name: "nexthop_grp", Value: topValue(m, "id"), Offset: a.DataOff() + pos, Length: size, Children: m})
		ids = append(ids, topValue(m, "id"))
	}
	if len(a.Data)%size != 0 {
		w.Fail("NHA_GROUP at offset %d is not a whole number of %d-byte nexthop_grp", a.Off, size)
	}
	return strings.Join(ids, "/"), fields
}

// nexthopSummary describes a nexthop the way `ip nexthop` lists it.
func nexthopSummary(hdr render.Bytes, attrs []event.Field, get bool) string {
	if get && len(attrs) == 0 {
		return familyIfSet(hdr[0])
	}
	parts := []string{labeled(attrs, "NHA_ID", "id "), labeled(attrs, "NHA_GROUP", "group "), labeled(attrs, "NHA_GATEWAY", "via "),
		labeled(attrs, "NHA_OIF", "dev index=")}
	if _, ok := event.Top(attrs, "NHA_BLACKHOLE"); ok {
		parts = append(parts, "blackhole")
	}
	if _, ok := event.Top(attrs, "NHA_FDB"); ok {
		parts = append(parts, "fdb")
	}
	return render.Join(parts...)
}

// Bridge VLAN database (RTM_*VLAN: struct br_vlan_msg, BRIDGE_VLANDB_*)
// and multicast database (RTM_*MDB: struct br_port_msg, MDBA_*): no
// netlink spec either; written by hand from linux/if_bridge.h.

// brVlanMsg is struct br_vlan_msg.
var brVlanMsg = []netlink.Member{
	{Name: "family", Type: netlink.U8, Values: sockaddr.AFNames},
	{Type: netlink.Pad, Len: 3}, // reserved1, reserved2
	{Name: "ifindex", Type: netlink.U32, Values: netlink.Ifindex},
}

// vlanDBDumpAttrs are the attributes of an RTM_GETVLAN dump request.
var vlanDBDumpAttrs = netlink.AttrSet{Prefix: "BRIDGE_VLANDB_DUMP", Attrs: []netlink.AttrSpec{
	0: {Name: "BRIDGE_VLANDB_DUMP_UNSPEC"},
	1: {Name: "BRIDGE_VLANDB_DUMP_FLAGS", Type: netlink.U32, Values: render.Bits("BRIDGE_VLANDB_DUMPF_STATS", "BRIDGE_VLANDB_DUMPF_GLOBAL")},
}}

// vlanDBAttrs are the BRIDGE_VLANDB_* attributes of vlan messages.
var vlanDBAttrs = netlink.AttrSet{Prefix: "BRIDGE_VLANDB", Attrs: []netlink.AttrSpec{
	0: {Name: "BRIDGE_VLANDB_UNSPEC"},
	1: {Name: "BRIDGE_VLANDB_ENTRY", Type: netlink.Nest, Nested: &vlanDBEntryAttrs},
	2: {Name: "BRIDGE_VLANDB_GLOBAL_OPTIONS", Type: netlink.Nest, Nested: &vlanDBGlobalAttrs},
}}

// vlanDBEntryAttrs are the BRIDGE_VLANDB_ENTRY_* attributes.
var vlanDBEntryAttrs = netlink.AttrSet{Prefix: "BRIDGE_VLANDB_ENTRY", Attrs: []netlink.AttrSpec{
	0: {Name: "BRIDGE_VLANDB_ENTRY_UNSPEC"},
	1: {Name: "BRIDGE_VLANDB_ENTRY_INFO", Type: netlink.Binary, Struct: bridgeVlanInfo},
	2: {Name: "BRIDGE_VLANDB_ENTRY_RANGE", Type: netlink.U16},
	3: {Name: "BRIDGE_VLANDB_ENTRY_STATE", Type: netlink.U8, Values: brStateNames},
	4: {Name: "BRIDGE_VLANDB_ENTRY_TUNNEL_INFO", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "BRIDGE_VLANDB_TINFO", Attrs: []netlink.AttrSpec{
		0: {Name: "BRIDGE_VLANDB_TINFO_UNSPEC"},
		1: {Name: "BRIDGE_VLANDB_TINFO_ID", Type: netlink.U32},
		2: {Name: "BRIDGE_VLANDB_TINFO_CMD", Type: netlink.U32},
	}}},
	5: {Name: "BRIDGE_VLANDB_ENTRY_STATS", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "BRIDGE_VLANDB_STATS", Attrs: []netlink.AttrSpec{
		0: {Name: "BRIDGE_VLANDB_STATS_UNSPEC"},
		1: {Name: "BRIDGE_VLANDB_STATS_RX_BYTES", Type: netlink.U64},
		2: {Name: "BRIDGE_VLANDB_STATS_RX_PACKETS", Type: netlink.U64},
		3: {Name: "BRIDGE_VLANDB_STATS_TX_BYTES", Type: netlink.U64},
		4: {Name: "BRIDGE_VLANDB_STATS_TX_PACKETS", Type: netlink.U64},
		5: {Name: "BRIDGE_VLANDB_STATS_PAD", Type: netlink.Binary},
	}}},
	6: {Name: "BRIDGE_VLANDB_ENTRY_MCAST_ROUTER", Type: netlink.U8, Values: mdbRtrTypeNames},
	7: {Name: "BRIDGE_VLANDB_ENTRY_MCAST_N_GROUPS", Type: netlink.U32},
	8: {Name: "BRIDGE_VLANDB_ENTRY_MCAST_MAX_GROUPS", Type: netlink.U32},
	9: {Name: "BRIDGE_VLANDB_ENTRY_NEIGH_SUPPRESS", Type: netlink.U8},
}}

// vlanDBGlobalAttrs are the BRIDGE_VLANDB_GOPTS_* attributes.
var vlanDBGlobalAttrs = netlink.AttrSet{Prefix: "BRIDGE_VLANDB_GOPTS", Attrs: []netlink.AttrSpec{
	0:  {Name: "BRIDGE_VLANDB_GOPTS_UNSPEC"},
	1:  {Name: "BRIDGE_VLANDB_GOPTS_ID", Type: netlink.U16},
	2:  {Name: "BRIDGE_VLANDB_GOPTS_RANGE", Type: netlink.U16},
	3:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_SNOOPING", Type: netlink.U8},
	4:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_IGMP_VERSION", Type: netlink.U8},
	5:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_MLD_VERSION", Type: netlink.U8},
	6:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_LAST_MEMBER_CNT", Type: netlink.U32},
	7:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_STARTUP_QUERY_CNT", Type: netlink.U32},
	8:  {Name: "BRIDGE_VLANDB_GOPTS_MCAST_LAST_MEMBER_INTVL", Type: netlink.U64, Values: clockT},
	9:  {Name: "BRIDGE_VLANDB_GOPTS_PAD", Type: netlink.Binary},
	10: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_MEMBERSHIP_INTVL", Type: netlink.U64, Values: clockT},
	11: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_QUERIER_INTVL", Type: netlink.U64, Values: clockT},
	12: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_QUERY_INTVL", Type: netlink.U64, Values: clockT},
	13: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_QUERY_RESPONSE_INTVL", Type: netlink.U64, Values: clockT},
	14: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_STARTUP_QUERY_INTVL", Type: netlink.U64, Values: clockT},
	15: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_QUERIER", Type: netlink.U8},
	16: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_ROUTER_PORTS"},
	17: {Name: "BRIDGE_VLANDB_GOPTS_MCAST_QUERIER_STATE"},
	18: {Name: "BRIDGE_VLANDB_GOPTS_MSTI", Type: netlink.U16},
}}

// vlanSummary describes a vlan message: the device and its vlans.
func vlanSummary(hdr render.Bytes, attrs []event.Field, _ bool) string {
	parts := []string{}
	if i := index(hdr, 4); i != 0 {
		parts = append(parts, fmt.Sprintf("dev index=%d", i))
	}
	for _, a := range attrs {
		if a.Name != "BRIDGE_VLANDB_ENTRY" {
			continue
		}
		if info, ok := event.Top(a.Children, "BRIDGE_VLANDB_ENTRY_INFO"); ok {
			parts = append(parts, "vid "+topValue(info.Children, "vid"))
		}
	}
	return render.Join(parts...)
}

// brPortMsg is struct br_port_msg.
var brPortMsg = []netlink.Member{
	{Name: "family", Type: netlink.U8, Values: sockaddr.AFNames},
	{Type: netlink.Pad, Len: 3},
	{Name: "ifindex", Type: netlink.U32, Values: netlink.Ifindex},
}

// brMdbEntry is struct br_mdb_entry.
var brMdbEntry = []netlink.Member{
	{Name: "ifindex", Type: netlink.U32, Values: netlink.Ifindex},
	{Name: "state", Type: netlink.U8, Values: render.Enum{"MDB_TEMPORARY", "MDB_PERMANENT"}},
	{Name: "flags", Type: netlink.U8, Values: render.Bits("MDB_FLAGS_OFFLOAD", "MDB_FLAGS_FAST_LEAVE", "MDB_FLAGS_STAR_EXCL", "MDB_FLAGS_BLOCKED", "MDB_FLAGS_OFFLOAD_FAILED")},
	{Name: "vid", Type: netlink.U16},
}

// mdbEntry decodes struct br_mdb_entry: its members, then the group
// address (struct br_mdb_entry.addr) as IPv4, IPv6 or MAC by its proto.
func mdbEntry(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	const size = 28 // sizeof(struct br_mdb_entry)
	if len(a.Data) < size {
		w.Fail("%d-byte br_mdb_entry at offset %d, expected %d", len(a.Data), a.Off, size)
		return render.Hex(a.Data), nil
	}
	fields, _ := w.Struct(a.Data[:8], a.DataOff(), brMdbEntry)
	b := render.Bytes(a.Data)
	proto := b.BE16(24)
	u := render.Hex(a.Data[8:24])
	switch proto {
	case 0x0800:
		u = render.Addr(a.Data[8:12])
	case 0x86dd:
		u = render.Addr(a.Data[8:24])
	case 0:
		u = render.MAC(a.Data[8:14])
	}
	fields = append(fields, event.Field{Name: "addr", Value: u, Offset: a.DataOff() + 8, Length: 18, Children: []event.Field{
		{Name: "u", Value: u, Offset: a.DataOff() + 8, Length: 16},
		{Name: "proto", Value: fmt.Sprintf("%#x", proto), Offset: a.DataOff() + 24, Length: 2},
	}})
	return u, fields
}

// mdbAttrs are the MDBA_* attributes of the kernel's mdb messages.
var mdbAttrs = netlink.AttrSet{Prefix: "MDBA", Attrs: []netlink.AttrSpec{
	0: {Name: "MDBA_UNSPEC"},
	1: {Name: "MDBA_MDB", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "MDBA_MDB", Attrs: []netlink.AttrSpec{
		0: {Name: "MDBA_MDB_UNSPEC"},
		1: {Name: "MDBA_MDB_ENTRY", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "MDBA_MDB_ENTRY", Attrs: []netlink.AttrSpec{
			0: {Name: "MDBA_MDB_ENTRY_UNSPEC"},
			1: {Name: "MDBA_MDB_ENTRY_INFO", Type: netlink.Custom, Decode: mdbEntry},
		}}},
	}}},
	2: {Name: "MDBA_ROUTER", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "MDBA_ROUTER", Attrs: []netlink.AttrSpec{
		0: {Name: "MDBA_ROUTER_UNSPEC"},
		1: {Name: "MDBA_ROUTER_PORT", Type: netlink.U32, Values: netlink.Ifindex},
	}}},
}}

// mdbSetAttrs are the MDBA_SET_* attributes of RTM_NEWMDB and RTM_DELMDB
// requests.
var mdbSetAttrs = netlink.AttrSet{Prefix: "MDBA_SET", Attrs: []netlink.AttrSpec{
	0: {Name: "MDBA_SET_ENTRY_UNSPEC"},
	1: {Name: "MDBA_SET_ENTRY", Type: netlink.Custom, Decode: mdbEntry},
	2: {Name: "MDBA_SET_ENTRY_ATTRS", Type: netlink.Nest, Nested: &netlink.AttrSet{Prefix: "MDBE_ATTR", Attrs: []netlink.AttrSpec{
		0:  {Name: "MDBE_ATTR_UNSPEC"},
		1:  {Name: "MDBE_ATTR_SOURCE", Type: netlink.Addr},
		2:  {Name: "MDBE_ATTR_SRC_LIST"},
		3:  {Name: "MDBE_ATTR_GROUP_MODE", Type: netlink.U8},
		4:  {Name: "MDBE_ATTR_RTPROT", Type: netlink.U8, Values: routeProtoNames},
		5:  {Name: "MDBE_ATTR_DST", Type: netlink.Addr},
		6:  {Name: "MDBE_ATTR_DST_PORT", Type: netlink.U16},
		7:  {Name: "MDBE_ATTR_VNI", Type: netlink.U32},
		8:  {Name: "MDBE_ATTR_IFINDEX", Type: netlink.U32, Values: netlink.Ifindex},
		9:  {Name: "MDBE_ATTR_SRC_VNI", Type: netlink.U32},
		10: {Name: "MDBE_ATTR_STATE_MASK", Type: netlink.U8},
	}}},
}}

// mdbSummary describes an mdb message: the bridge.
func mdbSummary(hdr render.Bytes, _ []event.Field, _ bool) string {
	if i := index(hdr, 4); i != 0 {
		return fmt.Sprintf("dev index=%d", i)
	}
	return familyIfSet(hdr[0])
}
