package rtnl

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"

	"golang.org/x/sys/unix"
)

// Fixed headers of rtnetlink messages (linux/rtnetlink.h, if_addr.h,
// neighbour.h, netconf.h).
var (
	ifinfomsg = []netlink.Member{
		{Name: "ifi_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Type: netlink.Pad, Len: 1}, // __ifi_pad
		{Name: "ifi_type", Type: netlink.U16, Values: sockaddr.ArphrdNames},
		{Name: "ifi_index", Type: netlink.S32, Values: netlink.Ifindex},
		{Name: "ifi_flags", Type: netlink.U32, Values: iffFlags},
		{Name: "ifi_change", Type: netlink.U32, Values: iffFlags},
	}
	ifaddrmsg = []netlink.Member{
		{Name: "ifa_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "ifa_prefixlen", Type: netlink.U8},
		{Name: "ifa_flags", Type: netlink.U8, Values: ifaFlags},
		{Name: "ifa_scope", Type: netlink.U8, Values: scopeNames},
		{Name: "ifa_index", Type: netlink.S32, Values: netlink.Ifindex},
	}
	rtmsg = []netlink.Member{
		{Name: "rtm_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Name: "rtm_dst_len", Type: netlink.U8},
		{Name: "rtm_src_len", Type: netlink.U8},
		{Name: "rtm_tos", Type: netlink.U8},
		{Name: "rtm_table", Type: netlink.U8, Values: routeTableNames},
		{Name: "rtm_protocol", Type: netlink.U8, Values: routeProtoNames},
		{Name: "rtm_scope", Type: netlink.U8, Values: scopeNames},
		{Name: "rtm_type", Type: netlink.U8, Values: routeTypeNames},
		{Name: "rtm_flags", Type: netlink.U32, Values: routeFlags},
	}
	ndmsg = []netlink.Member{
		{Name: "ndm_family", Type: netlink.U8, Values: sockaddr.AFNames},
		{Type: netlink.Pad, Len: 3}, // ndm_pad1, ndm_pad2
		{Name: "ndm_ifindex", Type: netlink.S32, Values: netlink.Ifindex},
		{Name: "ndm_state", Type: netlink.U16, Values: nudState},
		{Name: "ndm_flags", Type: netlink.U8, Values: ntfFlags},
		{Name: "ndm_type", Type: netlink.U8, Values: routeTypeNames},
	}
	// netconfmsg and rtgenmsg hold only the family; the attributes start
	// at the next 4-byte boundary.
	netconfmsg = []netlink.Member{{Name: "ncm_family", Type: netlink.U8, Values: sockaddr.AFNames}}
	rtgenmsg   = []netlink.Member{{Name: "rtgen_family", Type: netlink.U8, Values: sockaddr.AFNames}}
	// rtnexthop starts each next hop of RTA_MULTIPATH.
	rtnexthop = []netlink.Member{
		{Name: "rtnh_len", Type: netlink.U16},
		{Name: "rtnh_flags", Type: netlink.U8, Values: nexthopFlags},
		{Name: "rtnh_hops", Type: netlink.U8},
		{Name: "rtnh_ifindex", Type: netlink.S32, Values: netlink.Ifindex},
	}
)

// Structs carried by binary attributes.
var (
	ifaCacheinfo = []netlink.Member{
		{Name: "ifa_prefered", Type: netlink.U32}, {Name: "ifa_valid", Type: netlink.U32},
		{Name: "cstamp", Type: netlink.U32}, {Name: "tstamp", Type: netlink.U32},
	}
	rtaCacheinfo = []netlink.Member{
		{Name: "rta_clntref", Type: netlink.U32}, {Name: "rta_lastuse", Type: netlink.U32},
		{Name: "rta_expires", Type: netlink.S32}, {Name: "rta_error", Type: netlink.U32},
		{Name: "rta_used", Type: netlink.U32}, {Name: "rta_id", Type: netlink.U32},
		{Name: "rta_ts", Type: netlink.U32}, {Name: "rta_tsage", Type: netlink.U32},
	}
	rtaMfcStats = []netlink.Member{
		{Name: "mfcs_packets", Type: netlink.U64}, {Name: "mfcs_bytes", Type: netlink.U64}, {Name: "mfcs_wrong_if", Type: netlink.U64},
	}
	ndaCacheinfo = []netlink.Member{
		{Name: "ndm_confirmed", Type: netlink.U32}, {Name: "ndm_used", Type: netlink.U32},
		{Name: "ndm_updated", Type: netlink.U32}, {Name: "ndm_refcnt", Type: netlink.U32},
	}
	// ifmap is struct rtnl_link_ifmap.
	ifmap = []netlink.Member{
		{Name: "mem_start", Type: netlink.U64}, {Name: "mem_end", Type: netlink.U64}, {Name: "base_addr", Type: netlink.U64},
		{Name: "irq", Type: netlink.U16}, {Name: "dma", Type: netlink.U8}, {Name: "port", Type: netlink.U8},
	}
	iflaCacheinfo = []netlink.Member{
		{Name: "max_reasm_len", Type: netlink.U32}, {Name: "tstamp", Type: netlink.U32},
		{Name: "reachable_time", Type: netlink.U32}, {Name: "retrans_time", Type: netlink.U32},
	}
	// vlanQosMapping is struct ifla_vlan_qos_mapping.
	vlanQosMapping = []netlink.Member{{Name: "from", Type: netlink.U32}, {Name: "to", Type: netlink.U32}}
	// vlanFlagsMask is struct ifla_vlan_flags.
	vlanFlagsMask = []netlink.Member{
		{Name: "flags", Type: netlink.U32, Values: vlanFlags},
		{Name: "mask", Type: netlink.U32, Values: vlanFlags},
	}
	bridgeVlanInfo = []netlink.Member{
		{Name: "flags", Type: netlink.U16, Values: bridgeVlanInfoFlags},
		{Name: "vid", Type: netlink.U16},
	}
)

// afSpecAttrs decodes IFLA_AF_SPEC outside AF_BRIDGE: one nest per address
// family, named after it.
var afSpecAttrs = familyNests(map[uint16]*netlink.AttrSet{
	unix.AF_INET:   &inetAttrs,
	unix.AF_INET6:  &inet6Attrs,
	unix.AF_BRIDGE: &bridgeAFAttrs,
})

// familyNests returns a set with one attribute per address family, named
// AF_*, decoded with known where it has a set for the family.
func familyNests(known map[uint16]*netlink.AttrSet) netlink.AttrSet {
	s := netlink.AttrSet{Prefix: "AF", Attrs: make([]netlink.AttrSpec, len(sockaddr.AFNames))}
	for i, name := range sockaddr.AFNames {
		s.Attrs[i].Name = name
		if n := known[uint16(i)]; n != nil {
			s.Attrs[i].Type, s.Attrs[i].Nested = netlink.Nest, n
		}
	}
	return s
}
