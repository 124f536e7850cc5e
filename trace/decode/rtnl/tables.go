package rtnl

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"

	"golang.org/x/sys/unix"
)

// The rtnetlink attribute sets, in the form tables generated from the
// kernel's netlink specs (Documentation/netlink/specs/rt-*.yaml) take.
// Attributes are keyed by golang.org/x/sys/unix constants where it has
// them, by the kernel's number for newer ones; the names are the kernel's.

// addrAttrs are the IFA_* attributes of address messages (linux/if_addr.h).
var addrAttrs = netlink.AttrSet{Prefix: "IFA", Attrs: []netlink.AttrSpec{
	unix.IFA_UNSPEC:         {Name: "IFA_UNSPEC"},
	unix.IFA_ADDRESS:        {Name: "IFA_ADDRESS", Type: netlink.Addr},
	unix.IFA_LOCAL:          {Name: "IFA_LOCAL", Type: netlink.Addr},
	unix.IFA_LABEL:          {Name: "IFA_LABEL", Type: netlink.String},
	unix.IFA_BROADCAST:      {Name: "IFA_BROADCAST", Type: netlink.Addr},
	unix.IFA_ANYCAST:        {Name: "IFA_ANYCAST", Type: netlink.Addr},
	unix.IFA_CACHEINFO:      {Name: "IFA_CACHEINFO", Type: netlink.Binary, Struct: ifaCacheinfo},
	unix.IFA_MULTICAST:      {Name: "IFA_MULTICAST", Type: netlink.Addr},
	unix.IFA_FLAGS:          {Name: "IFA_FLAGS", Type: netlink.Uint, Values: ifaFlags},
	unix.IFA_RT_PRIORITY:    {Name: "IFA_RT_PRIORITY", Type: netlink.Uint},
	unix.IFA_TARGET_NETNSID: {Name: "IFA_TARGET_NETNSID", Type: netlink.Sint},
	11:                      {Name: "IFA_PROTO", Type: netlink.Uint, Values: ifaprotNames},
}}

// metricsAttrs are the members of RTA_METRICS.
var metricsAttrs = netlink.AttrSet{Prefix: "RTAX", Attrs: []netlink.AttrSpec{
	unix.RTAX_UNSPEC:             {Name: "RTAX_UNSPEC"},
	unix.RTAX_LOCK:               {Name: "RTAX_LOCK", Type: netlink.Uint},
	unix.RTAX_MTU:                {Name: "RTAX_MTU", Type: netlink.Uint},
	unix.RTAX_WINDOW:             {Name: "RTAX_WINDOW", Type: netlink.Uint},
	unix.RTAX_RTT:                {Name: "RTAX_RTT", Type: netlink.Uint},
	unix.RTAX_RTTVAR:             {Name: "RTAX_RTTVAR", Type: netlink.Uint},
	unix.RTAX_SSTHRESH:           {Name: "RTAX_SSTHRESH", Type: netlink.Uint},
	unix.RTAX_CWND:               {Name: "RTAX_CWND", Type: netlink.Uint},
	unix.RTAX_ADVMSS:             {Name: "RTAX_ADVMSS", Type: netlink.Uint},
	unix.RTAX_REORDERING:         {Name: "RTAX_REORDERING", Type: netlink.Uint},
	unix.RTAX_HOPLIMIT:           {Name: "RTAX_HOPLIMIT", Type: netlink.Uint},
	unix.RTAX_INITCWND:           {Name: "RTAX_INITCWND", Type: netlink.Uint},
	unix.RTAX_FEATURES:           {Name: "RTAX_FEATURES", Type: netlink.Uint},
	unix.RTAX_RTO_MIN:            {Name: "RTAX_RTO_MIN", Type: netlink.Uint},
	unix.RTAX_INITRWND:           {Name: "RTAX_INITRWND", Type: netlink.Uint},
	unix.RTAX_QUICKACK:           {Name: "RTAX_QUICKACK", Type: netlink.Uint},
	unix.RTAX_CC_ALGO:            {Name: "RTAX_CC_ALGO", Type: netlink.String},
	unix.RTAX_FASTOPEN_NO_COOKIE: {Name: "RTAX_FASTOPEN_NO_COOKIE", Type: netlink.Uint},
}}

// routeAttrs are the RTA_* attributes of route messages
// (linux/rtnetlink.h). RTA_MULTIPATH, which nests them, is set in init.
var routeAttrs = netlink.AttrSet{Prefix: "RTA", Attrs: []netlink.AttrSpec{
	unix.RTA_UNSPEC:        {Name: "RTA_UNSPEC"},
	unix.RTA_DST:           {Name: "RTA_DST", Type: netlink.Addr},
	unix.RTA_SRC:           {Name: "RTA_SRC", Type: netlink.Addr},
	unix.RTA_IIF:           {Name: "RTA_IIF", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.RTA_OIF:           {Name: "RTA_OIF", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.RTA_GATEWAY:       {Name: "RTA_GATEWAY", Type: netlink.Addr},
	unix.RTA_PRIORITY:      {Name: "RTA_PRIORITY", Type: netlink.Uint},
	unix.RTA_PREFSRC:       {Name: "RTA_PREFSRC", Type: netlink.Addr},
	unix.RTA_METRICS:       {Name: "RTA_METRICS", Type: netlink.Nest, Nested: &metricsAttrs},
	unix.RTA_MULTIPATH:     {Name: "RTA_MULTIPATH"},
	10:                     {Name: "RTA_PROTOINFO"},
	unix.RTA_FLOW:          {Name: "RTA_FLOW", Type: netlink.Uint},
	unix.RTA_CACHEINFO:     {Name: "RTA_CACHEINFO", Type: netlink.Binary, Struct: rtaCacheinfo},
	13:                     {Name: "RTA_SESSION"},
	14:                     {Name: "RTA_MP_ALGO"},
	unix.RTA_TABLE:         {Name: "RTA_TABLE", Type: netlink.Uint, Values: routeTableNames},
	unix.RTA_MARK:          {Name: "RTA_MARK", Type: netlink.Uint},
	unix.RTA_MFC_STATS:     {Name: "RTA_MFC_STATS", Type: netlink.Binary, Struct: rtaMfcStats},
	unix.RTA_VIA:           {Name: "RTA_VIA", Type: netlink.Custom, Decode: via},
	unix.RTA_NEWDST:        {Name: "RTA_NEWDST", Type: netlink.Addr},
	unix.RTA_PREF:          {Name: "RTA_PREF", Type: netlink.Uint, Values: icmpv6RouterPrefNames},
	unix.RTA_ENCAP_TYPE:    {Name: "RTA_ENCAP_TYPE", Type: netlink.Uint, Values: lwtunnelEncapNames},
	unix.RTA_ENCAP:         {Name: "RTA_ENCAP"},
	unix.RTA_EXPIRES:       {Name: "RTA_EXPIRES", Type: netlink.Uint},
	unix.RTA_PAD:           {Name: "RTA_PAD", Type: netlink.Binary},
	unix.RTA_UID:           {Name: "RTA_UID", Type: netlink.Uint},
	unix.RTA_TTL_PROPAGATE: {Name: "RTA_TTL_PROPAGATE", Type: netlink.Uint},
	unix.RTA_IP_PROTO:      {Name: "RTA_IP_PROTO", Type: netlink.Uint},
	unix.RTA_SPORT:         {Name: "RTA_SPORT", Type: netlink.UintBE},
	unix.RTA_DPORT:         {Name: "RTA_DPORT", Type: netlink.UintBE},
	30:                     {Name: "RTA_NH_ID", Type: netlink.Uint},
	31:                     {Name: "RTA_FLOWLABEL", Type: netlink.UintBE},
}}

// fdbExtAttrs are the members of NDA_FDB_EXT_ATTRS.
var fdbExtAttrs = netlink.AttrSet{Prefix: "NFEA", Attrs: []netlink.AttrSpec{
	0: {Name: "NFEA_UNSPEC"},
	1: {Name: "NFEA_ACTIVITY_NOTIFY", Type: netlink.Uint},
	2: {Name: "NFEA_DONT_REFRESH", Type: netlink.Flag},
}}

// neighAttrs are the NDA_* attributes of neighbour messages (linux/neighbour.h).
var neighAttrs = netlink.AttrSet{Prefix: "NDA", Attrs: []netlink.AttrSpec{
	unix.NDA_UNSPEC:       {Name: "NDA_UNSPEC"},
	unix.NDA_DST:          {Name: "NDA_DST", Type: netlink.Addr},
	unix.NDA_LLADDR:       {Name: "NDA_LLADDR", Type: netlink.MAC},
	unix.NDA_CACHEINFO:    {Name: "NDA_CACHEINFO", Type: netlink.Binary, Struct: ndaCacheinfo},
	unix.NDA_PROBES:       {Name: "NDA_PROBES", Type: netlink.Uint},
	unix.NDA_VLAN:         {Name: "NDA_VLAN", Type: netlink.Uint},
	unix.NDA_PORT:         {Name: "NDA_PORT", Type: netlink.UintBE},
	unix.NDA_VNI:          {Name: "NDA_VNI", Type: netlink.Uint},
	unix.NDA_IFINDEX:      {Name: "NDA_IFINDEX", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.NDA_MASTER:       {Name: "NDA_MASTER", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.NDA_LINK_NETNSID: {Name: "NDA_LINK_NETNSID", Type: netlink.Sint},
	unix.NDA_SRC_VNI:      {Name: "NDA_SRC_VNI", Type: netlink.Uint},
	12:                    {Name: "NDA_PROTOCOL", Type: netlink.Uint, Values: routeProtoNames},
	13:                    {Name: "NDA_NH_ID", Type: netlink.Uint},
	14:                    {Name: "NDA_FDB_EXT_ATTRS", Type: netlink.Nest, Nested: &fdbExtAttrs},
	15:                    {Name: "NDA_FLAGS_EXT", Type: netlink.Uint, Values: ntfExtFlags},
	16:                    {Name: "NDA_NDM_STATE_MASK", Type: netlink.Uint, Values: nudState},
	17:                    {Name: "NDA_NDM_FLAGS_MASK", Type: netlink.Uint, Values: ntfFlags},
}}

// netconfAttrs are the NETCONFA_* attributes of netconf messages (linux/netconf.h).
var netconfAttrs = netlink.AttrSet{Prefix: "NETCONFA", Attrs: []netlink.AttrSpec{
	0: {Name: "NETCONFA_UNSPEC"},
	1: {Name: "NETCONFA_IFINDEX", Type: netlink.Sint, Values: netconfIfindex},
	2: {Name: "NETCONFA_FORWARDING", Type: netlink.Sint},
	3: {Name: "NETCONFA_RP_FILTER", Type: netlink.Sint},
	4: {Name: "NETCONFA_MC_FORWARDING", Type: netlink.Sint},
	5: {Name: "NETCONFA_PROXY_NEIGH", Type: netlink.Sint},
	6: {Name: "NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN", Type: netlink.Sint},
	7: {Name: "NETCONFA_INPUT", Type: netlink.Sint},
	8: {Name: "NETCONFA_BC_FORWARDING", Type: netlink.Sint},
	9: {Name: "NETCONFA_FORCE_FORWARDING", Type: netlink.Sint},
}}

// nsidAttrs are the NETNSA_* attributes of nsid messages (linux/net_namespace.h).
var nsidAttrs = netlink.AttrSet{Prefix: "NETNSA", Attrs: []netlink.AttrSpec{
	unix.NETNSA_NONE:         {Name: "NETNSA_NONE"},
	unix.NETNSA_NSID:         {Name: "NETNSA_NSID", Type: netlink.Sint},
	unix.NETNSA_PID:          {Name: "NETNSA_PID", Type: netlink.Uint},
	unix.NETNSA_FD:           {Name: "NETNSA_FD", Type: netlink.Uint},
	unix.NETNSA_TARGET_NSID:  {Name: "NETNSA_TARGET_NSID", Type: netlink.Sint},
	unix.NETNSA_CURRENT_NSID: {Name: "NETNSA_CURRENT_NSID", Type: netlink.Sint},
}}

// linkAttrs are the IFLA_* attributes of link messages (linux/if_link.h).
var linkAttrs = netlink.AttrSet{Prefix: "IFLA", Attrs: []netlink.AttrSpec{
	unix.IFLA_UNSPEC:              {Name: "IFLA_UNSPEC"},
	unix.IFLA_ADDRESS:             {Name: "IFLA_ADDRESS", Type: netlink.MAC},
	unix.IFLA_BROADCAST:           {Name: "IFLA_BROADCAST", Type: netlink.MAC},
	unix.IFLA_IFNAME:              {Name: "IFLA_IFNAME", Type: netlink.String},
	unix.IFLA_MTU:                 {Name: "IFLA_MTU", Type: netlink.Uint},
	unix.IFLA_LINK:                {Name: "IFLA_LINK", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.IFLA_QDISC:               {Name: "IFLA_QDISC", Type: netlink.String},
	unix.IFLA_STATS:               {Name: "IFLA_STATS", Type: netlink.Custom, Decode: linkStats(4)},
	unix.IFLA_COST:                {Name: "IFLA_COST"},
	unix.IFLA_PRIORITY:            {Name: "IFLA_PRIORITY"},
	unix.IFLA_MASTER:              {Name: "IFLA_MASTER", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.IFLA_WIRELESS:            {Name: "IFLA_WIRELESS", Type: netlink.Binary},
	unix.IFLA_PROTINFO:            {Name: "IFLA_PROTINFO", Type: netlink.Custom, Decode: protinfo},
	unix.IFLA_TXQLEN:              {Name: "IFLA_TXQLEN", Type: netlink.Uint},
	unix.IFLA_MAP:                 {Name: "IFLA_MAP", Type: netlink.Binary, Struct: ifmap},
	unix.IFLA_WEIGHT:              {Name: "IFLA_WEIGHT", Type: netlink.Uint},
	unix.IFLA_OPERSTATE:           {Name: "IFLA_OPERSTATE", Type: netlink.Uint, Values: ifOperNames},
	unix.IFLA_LINKMODE:            {Name: "IFLA_LINKMODE", Type: netlink.Uint, Values: ifLinkModeNames},
	unix.IFLA_LINKINFO:            {Name: "IFLA_LINKINFO", Type: netlink.Nest, Nested: &linkinfoAttrs},
	unix.IFLA_NET_NS_PID:          {Name: "IFLA_NET_NS_PID", Type: netlink.Uint},
	unix.IFLA_IFALIAS:             {Name: "IFLA_IFALIAS", Type: netlink.String},
	unix.IFLA_NUM_VF:              {Name: "IFLA_NUM_VF", Type: netlink.Uint},
	unix.IFLA_VFINFO_LIST:         {Name: "IFLA_VFINFO_LIST"},
	unix.IFLA_STATS64:             {Name: "IFLA_STATS64", Type: netlink.Custom, Decode: linkStats(8)},
	unix.IFLA_VF_PORTS:            {Name: "IFLA_VF_PORTS"},
	unix.IFLA_PORT_SELF:           {Name: "IFLA_PORT_SELF"},
	unix.IFLA_AF_SPEC:             {Name: "IFLA_AF_SPEC", Type: netlink.Custom, Decode: afSpec},
	unix.IFLA_GROUP:               {Name: "IFLA_GROUP", Type: netlink.Uint},
	unix.IFLA_NET_NS_FD:           {Name: "IFLA_NET_NS_FD", Type: netlink.Sint},
	unix.IFLA_EXT_MASK:            {Name: "IFLA_EXT_MASK", Type: netlink.Uint, Values: rtextFilterFlags},
	unix.IFLA_PROMISCUITY:         {Name: "IFLA_PROMISCUITY", Type: netlink.Uint},
	unix.IFLA_NUM_TX_QUEUES:       {Name: "IFLA_NUM_TX_QUEUES", Type: netlink.Uint},
	unix.IFLA_NUM_RX_QUEUES:       {Name: "IFLA_NUM_RX_QUEUES", Type: netlink.Uint},
	unix.IFLA_CARRIER:             {Name: "IFLA_CARRIER", Type: netlink.Uint},
	unix.IFLA_PHYS_PORT_ID:        {Name: "IFLA_PHYS_PORT_ID", Type: netlink.Binary},
	unix.IFLA_CARRIER_CHANGES:     {Name: "IFLA_CARRIER_CHANGES", Type: netlink.Uint},
	unix.IFLA_PHYS_SWITCH_ID:      {Name: "IFLA_PHYS_SWITCH_ID", Type: netlink.Binary},
	unix.IFLA_LINK_NETNSID:        {Name: "IFLA_LINK_NETNSID", Type: netlink.Sint},
	unix.IFLA_PHYS_PORT_NAME:      {Name: "IFLA_PHYS_PORT_NAME", Type: netlink.String},
	unix.IFLA_PROTO_DOWN:          {Name: "IFLA_PROTO_DOWN", Type: netlink.Uint},
	unix.IFLA_GSO_MAX_SEGS:        {Name: "IFLA_GSO_MAX_SEGS", Type: netlink.Uint},
	unix.IFLA_GSO_MAX_SIZE:        {Name: "IFLA_GSO_MAX_SIZE", Type: netlink.Uint},
	unix.IFLA_PAD:                 {Name: "IFLA_PAD", Type: netlink.Binary},
	unix.IFLA_XDP:                 {Name: "IFLA_XDP", Type: netlink.Nest, Nested: &xdpAttrs},
	unix.IFLA_EVENT:               {Name: "IFLA_EVENT", Type: netlink.Uint, Values: iflaEventNames},
	unix.IFLA_NEW_NETNSID:         {Name: "IFLA_NEW_NETNSID", Type: netlink.Sint},
	unix.IFLA_IF_NETNSID:          {Name: "IFLA_IF_NETNSID", Type: netlink.Sint},
	unix.IFLA_CARRIER_UP_COUNT:    {Name: "IFLA_CARRIER_UP_COUNT", Type: netlink.Uint},
	unix.IFLA_CARRIER_DOWN_COUNT:  {Name: "IFLA_CARRIER_DOWN_COUNT", Type: netlink.Uint},
	unix.IFLA_NEW_IFINDEX:         {Name: "IFLA_NEW_IFINDEX", Type: netlink.Sint},
	unix.IFLA_MIN_MTU:             {Name: "IFLA_MIN_MTU", Type: netlink.Uint},
	unix.IFLA_MAX_MTU:             {Name: "IFLA_MAX_MTU", Type: netlink.Uint},
	unix.IFLA_PROP_LIST:           {Name: "IFLA_PROP_LIST", Type: netlink.Nest, Nested: &propListAttrs},
	unix.IFLA_ALT_IFNAME:          {Name: "IFLA_ALT_IFNAME", Type: netlink.String},
	unix.IFLA_PERM_ADDRESS:        {Name: "IFLA_PERM_ADDRESS", Type: netlink.MAC},
	unix.IFLA_PROTO_DOWN_REASON:   {Name: "IFLA_PROTO_DOWN_REASON", Type: netlink.Nest, Nested: &protoDownReasonAttrs},
	unix.IFLA_PARENT_DEV_NAME:     {Name: "IFLA_PARENT_DEV_NAME", Type: netlink.String},
	unix.IFLA_PARENT_DEV_BUS_NAME: {Name: "IFLA_PARENT_DEV_BUS_NAME", Type: netlink.String},
	unix.IFLA_GRO_MAX_SIZE:        {Name: "IFLA_GRO_MAX_SIZE", Type: netlink.Uint},
	unix.IFLA_TSO_MAX_SIZE:        {Name: "IFLA_TSO_MAX_SIZE", Type: netlink.Uint},
	unix.IFLA_TSO_MAX_SEGS:        {Name: "IFLA_TSO_MAX_SEGS", Type: netlink.Uint},
	unix.IFLA_ALLMULTI:            {Name: "IFLA_ALLMULTI", Type: netlink.Uint},
	unix.IFLA_DEVLINK_PORT:        {Name: "IFLA_DEVLINK_PORT"},
	unix.IFLA_GSO_IPV4_MAX_SIZE:   {Name: "IFLA_GSO_IPV4_MAX_SIZE", Type: netlink.Uint},
	unix.IFLA_GRO_IPV4_MAX_SIZE:   {Name: "IFLA_GRO_IPV4_MAX_SIZE", Type: netlink.Uint},
	unix.IFLA_DPLL_PIN:            {Name: "IFLA_DPLL_PIN"},
	66:                            {Name: "IFLA_MAX_PACING_OFFLOAD_HORIZON", Type: netlink.Uint},
	67:                            {Name: "IFLA_NETNS_IMMUTABLE", Type: netlink.Uint},
	68:                            {Name: "IFLA_HEADROOM", Type: netlink.Uint},
	69:                            {Name: "IFLA_TAILROOM", Type: netlink.Uint},
}}

// propListAttrs are the members of IFLA_PROP_LIST.
var propListAttrs = netlink.AttrSet{Prefix: "IFLA", Attrs: []netlink.AttrSpec{
	unix.IFLA_ALT_IFNAME: {Name: "IFLA_ALT_IFNAME", Type: netlink.String},
}}

// protoDownReasonAttrs are the members of IFLA_PROTO_DOWN_REASON.
var protoDownReasonAttrs = netlink.AttrSet{Prefix: "IFLA_PROTO_DOWN_REASON", Attrs: []netlink.AttrSpec{
	unix.IFLA_PROTO_DOWN_REASON_UNSPEC: {Name: "IFLA_PROTO_DOWN_REASON_UNSPEC"},
	unix.IFLA_PROTO_DOWN_REASON_MASK:   {Name: "IFLA_PROTO_DOWN_REASON_MASK", Type: netlink.Uint},
	unix.IFLA_PROTO_DOWN_REASON_VALUE:  {Name: "IFLA_PROTO_DOWN_REASON_VALUE", Type: netlink.Uint},
}}

// xdpAttrs are the members of IFLA_XDP.
var xdpAttrs = netlink.AttrSet{Prefix: "IFLA_XDP", Attrs: []netlink.AttrSpec{
	unix.IFLA_XDP_UNSPEC:      {Name: "IFLA_XDP_UNSPEC"},
	unix.IFLA_XDP_FD:          {Name: "IFLA_XDP_FD", Type: netlink.Sint},
	unix.IFLA_XDP_ATTACHED:    {Name: "IFLA_XDP_ATTACHED", Type: netlink.Uint, Values: xdpAttachedNames},
	unix.IFLA_XDP_FLAGS:       {Name: "IFLA_XDP_FLAGS", Type: netlink.Uint, Values: xdpFlags},
	unix.IFLA_XDP_PROG_ID:     {Name: "IFLA_XDP_PROG_ID", Type: netlink.Uint},
	unix.IFLA_XDP_DRV_PROG_ID: {Name: "IFLA_XDP_DRV_PROG_ID", Type: netlink.Uint},
	unix.IFLA_XDP_SKB_PROG_ID: {Name: "IFLA_XDP_SKB_PROG_ID", Type: netlink.Uint},
	unix.IFLA_XDP_HW_PROG_ID:  {Name: "IFLA_XDP_HW_PROG_ID", Type: netlink.Uint},
	unix.IFLA_XDP_EXPECTED_FD: {Name: "IFLA_XDP_EXPECTED_FD", Type: netlink.Sint},
}}

// linkinfoAttrs are the members of IFLA_LINKINFO: IFLA_INFO_DATA is
// decoded with the attributes of the device kind IFLA_INFO_KIND names,
// IFLA_INFO_SLAVE_DATA with those of the kind IFLA_INFO_SLAVE_KIND names.
var linkinfoAttrs = netlink.AttrSet{Prefix: "IFLA_INFO", Attrs: []netlink.AttrSpec{
	unix.IFLA_INFO_UNSPEC:     {Name: "IFLA_INFO_UNSPEC"},
	unix.IFLA_INFO_KIND:       {Name: "IFLA_INFO_KIND", Type: netlink.String},
	unix.IFLA_INFO_DATA:       {Name: "IFLA_INFO_DATA", Type: netlink.SubMessage, Select: &infoData},
	unix.IFLA_INFO_XSTATS:     {Name: "IFLA_INFO_XSTATS", Type: netlink.Binary},
	unix.IFLA_INFO_SLAVE_KIND: {Name: "IFLA_INFO_SLAVE_KIND", Type: netlink.String},
	unix.IFLA_INFO_SLAVE_DATA: {Name: "IFLA_INFO_SLAVE_DATA", Type: netlink.SubMessage, Select: &slaveData},
}, Value: linkinfoKind}

// infoData selects the attributes of IFLA_INFO_DATA by device kind; veth
// is added in init, since its peer nests a whole link message.
var infoData = netlink.Selector{Attr: unix.IFLA_INFO_KIND, Prefix: "IFLA_", Formats: map[string]*netlink.AttrSet{
	"bridge":  &bridgeAttrs,
	"vxlan":   &vxlanAttrs,
	"macvlan": &macvlanAttrs,
	"macvtap": &macvlanAttrs,
	"vlan":    &vlanAttrs,
}}

// slaveData selects the attributes of IFLA_INFO_SLAVE_DATA by the kind of
// the device's master.
var slaveData = netlink.Selector{Attr: unix.IFLA_INFO_SLAVE_KIND, Prefix: "IFLA_", Formats: map[string]*netlink.AttrSet{
	"bridge": &brportAttrs,
}}

// vethAttrs are the veth IFLA_INFO_DATA attributes (linux/veth.h).
var vethAttrs = netlink.AttrSet{Prefix: "VETH_INFO", Attrs: []netlink.AttrSpec{
	0: {Name: "VETH_INFO_UNSPEC"},
	1: {Name: "VETH_INFO_PEER", Type: netlink.Custom, Decode: vethPeer},
}}

// querierAttrs are the members of IFLA_BR_MCAST_QUERIER_STATE.
var querierAttrs = netlink.AttrSet{Prefix: "BRIDGE_QUERIER", Attrs: []netlink.AttrSpec{
	0: {Name: "BRIDGE_QUERIER_UNSPEC"},
	1: {Name: "BRIDGE_QUERIER_IP_ADDRESS", Type: netlink.Addr},
	2: {Name: "BRIDGE_QUERIER_IP_PORT", Type: netlink.Uint, Values: netlink.Ifindex},
	3: {Name: "BRIDGE_QUERIER_IP_OTHER_TIMER", Type: netlink.Uint, Values: clockT},
	4: {Name: "BRIDGE_QUERIER_PAD", Type: netlink.Binary},
	5: {Name: "BRIDGE_QUERIER_IPV6_ADDRESS", Type: netlink.Addr},
	6: {Name: "BRIDGE_QUERIER_IPV6_PORT", Type: netlink.Uint, Values: netlink.Ifindex},
	7: {Name: "BRIDGE_QUERIER_IPV6_OTHER_TIMER", Type: netlink.Uint, Values: clockT},
}}

// bridgeAttrs are the bridge IFLA_INFO_DATA attributes (IFLA_BR_*). Times
// are in hundredths of a second (clock_t).
var bridgeAttrs = netlink.AttrSet{Prefix: "IFLA_BR", Attrs: []netlink.AttrSpec{
	unix.IFLA_BR_UNSPEC:                     {Name: "IFLA_BR_UNSPEC"},
	unix.IFLA_BR_FORWARD_DELAY:              {Name: "IFLA_BR_FORWARD_DELAY", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_HELLO_TIME:                 {Name: "IFLA_BR_HELLO_TIME", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MAX_AGE:                    {Name: "IFLA_BR_MAX_AGE", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_AGEING_TIME:                {Name: "IFLA_BR_AGEING_TIME", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_STP_STATE:                  {Name: "IFLA_BR_STP_STATE", Type: netlink.Uint},
	unix.IFLA_BR_PRIORITY:                   {Name: "IFLA_BR_PRIORITY", Type: netlink.Uint},
	unix.IFLA_BR_VLAN_FILTERING:             {Name: "IFLA_BR_VLAN_FILTERING", Type: netlink.Uint},
	unix.IFLA_BR_VLAN_PROTOCOL:              {Name: "IFLA_BR_VLAN_PROTOCOL", Type: netlink.UintBE, Values: vlanProto},
	unix.IFLA_BR_GROUP_FWD_MASK:             {Name: "IFLA_BR_GROUP_FWD_MASK", Type: netlink.Uint},
	unix.IFLA_BR_ROOT_ID:                    {Name: "IFLA_BR_ROOT_ID", Type: netlink.Custom, Decode: bridgeID},
	unix.IFLA_BR_BRIDGE_ID:                  {Name: "IFLA_BR_BRIDGE_ID", Type: netlink.Custom, Decode: bridgeID},
	unix.IFLA_BR_ROOT_PORT:                  {Name: "IFLA_BR_ROOT_PORT", Type: netlink.Uint},
	unix.IFLA_BR_ROOT_PATH_COST:             {Name: "IFLA_BR_ROOT_PATH_COST", Type: netlink.Uint},
	unix.IFLA_BR_TOPOLOGY_CHANGE:            {Name: "IFLA_BR_TOPOLOGY_CHANGE", Type: netlink.Uint},
	unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED:   {Name: "IFLA_BR_TOPOLOGY_CHANGE_DETECTED", Type: netlink.Uint},
	unix.IFLA_BR_HELLO_TIMER:                {Name: "IFLA_BR_HELLO_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_TCN_TIMER:                  {Name: "IFLA_BR_TCN_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER:      {Name: "IFLA_BR_TOPOLOGY_CHANGE_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_GC_TIMER:                   {Name: "IFLA_BR_GC_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_GROUP_ADDR:                 {Name: "IFLA_BR_GROUP_ADDR", Type: netlink.MAC},
	unix.IFLA_BR_FDB_FLUSH:                  {Name: "IFLA_BR_FDB_FLUSH", Type: netlink.Flag},
	unix.IFLA_BR_MCAST_ROUTER:               {Name: "IFLA_BR_MCAST_ROUTER", Type: netlink.Uint, Values: mdbRtrTypeNames},
	unix.IFLA_BR_MCAST_SNOOPING:             {Name: "IFLA_BR_MCAST_SNOOPING", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_QUERY_USE_IFADDR:     {Name: "IFLA_BR_MCAST_QUERY_USE_IFADDR", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_QUERIER:              {Name: "IFLA_BR_MCAST_QUERIER", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_HASH_ELASTICITY:      {Name: "IFLA_BR_MCAST_HASH_ELASTICITY", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_HASH_MAX:             {Name: "IFLA_BR_MCAST_HASH_MAX", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_LAST_MEMBER_CNT:      {Name: "IFLA_BR_MCAST_LAST_MEMBER_CNT", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT:    {Name: "IFLA_BR_MCAST_STARTUP_QUERY_CNT", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL:    {Name: "IFLA_BR_MCAST_LAST_MEMBER_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL:     {Name: "IFLA_BR_MCAST_MEMBERSHIP_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MCAST_QUERIER_INTVL:        {Name: "IFLA_BR_MCAST_QUERIER_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MCAST_QUERY_INTVL:          {Name: "IFLA_BR_MCAST_QUERY_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: {Name: "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL:  {Name: "IFLA_BR_MCAST_STARTUP_QUERY_INTVL", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BR_NF_CALL_IPTABLES:           {Name: "IFLA_BR_NF_CALL_IPTABLES", Type: netlink.Uint},
	unix.IFLA_BR_NF_CALL_IP6TABLES:          {Name: "IFLA_BR_NF_CALL_IP6TABLES", Type: netlink.Uint},
	unix.IFLA_BR_NF_CALL_ARPTABLES:          {Name: "IFLA_BR_NF_CALL_ARPTABLES", Type: netlink.Uint},
	unix.IFLA_BR_VLAN_DEFAULT_PVID:          {Name: "IFLA_BR_VLAN_DEFAULT_PVID", Type: netlink.Uint},
	unix.IFLA_BR_PAD:                        {Name: "IFLA_BR_PAD", Type: netlink.Binary},
	unix.IFLA_BR_VLAN_STATS_ENABLED:         {Name: "IFLA_BR_VLAN_STATS_ENABLED", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_STATS_ENABLED:        {Name: "IFLA_BR_MCAST_STATS_ENABLED", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_IGMP_VERSION:         {Name: "IFLA_BR_MCAST_IGMP_VERSION", Type: netlink.Uint},
	unix.IFLA_BR_MCAST_MLD_VERSION:          {Name: "IFLA_BR_MCAST_MLD_VERSION", Type: netlink.Uint},
	unix.IFLA_BR_VLAN_STATS_PER_PORT:        {Name: "IFLA_BR_VLAN_STATS_PER_PORT", Type: netlink.Uint},
	unix.IFLA_BR_MULTI_BOOLOPT:              {Name: "IFLA_BR_MULTI_BOOLOPT", Type: netlink.Binary, Struct: booloptMulti},
	unix.IFLA_BR_MCAST_QUERIER_STATE:        {Name: "IFLA_BR_MCAST_QUERIER_STATE", Type: netlink.Nest, Nested: &querierAttrs},
	unix.IFLA_BR_FDB_N_LEARNED:              {Name: "IFLA_BR_FDB_N_LEARNED", Type: netlink.Uint},
	unix.IFLA_BR_FDB_MAX_LEARNED:            {Name: "IFLA_BR_FDB_MAX_LEARNED", Type: netlink.Uint},
}}

// brportAttrs are the bridge port attributes (IFLA_BRPORT_*), found in
// IFLA_INFO_SLAVE_DATA of a port of kind "bridge" and in IFLA_PROTINFO of
// AF_BRIDGE link messages.
var brportAttrs = netlink.AttrSet{Prefix: "IFLA_BRPORT", Attrs: []netlink.AttrSpec{
	unix.IFLA_BRPORT_UNSPEC:                {Name: "IFLA_BRPORT_UNSPEC"},
	unix.IFLA_BRPORT_STATE:                 {Name: "IFLA_BRPORT_STATE", Type: netlink.Uint, Values: brStateNames},
	unix.IFLA_BRPORT_PRIORITY:              {Name: "IFLA_BRPORT_PRIORITY", Type: netlink.Uint},
	unix.IFLA_BRPORT_COST:                  {Name: "IFLA_BRPORT_COST", Type: netlink.Uint},
	unix.IFLA_BRPORT_MODE:                  {Name: "IFLA_BRPORT_MODE", Type: netlink.Uint, Values: brportModeNames},
	unix.IFLA_BRPORT_GUARD:                 {Name: "IFLA_BRPORT_GUARD", Type: netlink.Uint},
	unix.IFLA_BRPORT_PROTECT:               {Name: "IFLA_BRPORT_PROTECT", Type: netlink.Uint},
	unix.IFLA_BRPORT_FAST_LEAVE:            {Name: "IFLA_BRPORT_FAST_LEAVE", Type: netlink.Uint},
	unix.IFLA_BRPORT_LEARNING:              {Name: "IFLA_BRPORT_LEARNING", Type: netlink.Uint},
	unix.IFLA_BRPORT_UNICAST_FLOOD:         {Name: "IFLA_BRPORT_UNICAST_FLOOD", Type: netlink.Uint},
	unix.IFLA_BRPORT_PROXYARP:              {Name: "IFLA_BRPORT_PROXYARP", Type: netlink.Uint},
	unix.IFLA_BRPORT_LEARNING_SYNC:         {Name: "IFLA_BRPORT_LEARNING_SYNC", Type: netlink.Uint},
	unix.IFLA_BRPORT_PROXYARP_WIFI:         {Name: "IFLA_BRPORT_PROXYARP_WIFI", Type: netlink.Uint},
	unix.IFLA_BRPORT_ROOT_ID:               {Name: "IFLA_BRPORT_ROOT_ID", Type: netlink.Custom, Decode: bridgeID},
	unix.IFLA_BRPORT_BRIDGE_ID:             {Name: "IFLA_BRPORT_BRIDGE_ID", Type: netlink.Custom, Decode: bridgeID},
	unix.IFLA_BRPORT_DESIGNATED_PORT:       {Name: "IFLA_BRPORT_DESIGNATED_PORT", Type: netlink.Uint},
	unix.IFLA_BRPORT_DESIGNATED_COST:       {Name: "IFLA_BRPORT_DESIGNATED_COST", Type: netlink.Uint},
	unix.IFLA_BRPORT_ID:                    {Name: "IFLA_BRPORT_ID", Type: netlink.Uint},
	unix.IFLA_BRPORT_NO:                    {Name: "IFLA_BRPORT_NO", Type: netlink.Uint},
	unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK:   {Name: "IFLA_BRPORT_TOPOLOGY_CHANGE_ACK", Type: netlink.Uint},
	unix.IFLA_BRPORT_CONFIG_PENDING:        {Name: "IFLA_BRPORT_CONFIG_PENDING", Type: netlink.Uint},
	unix.IFLA_BRPORT_MESSAGE_AGE_TIMER:     {Name: "IFLA_BRPORT_MESSAGE_AGE_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BRPORT_FORWARD_DELAY_TIMER:   {Name: "IFLA_BRPORT_FORWARD_DELAY_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BRPORT_HOLD_TIMER:            {Name: "IFLA_BRPORT_HOLD_TIMER", Type: netlink.Uint, Values: clockT},
	unix.IFLA_BRPORT_FLUSH:                 {Name: "IFLA_BRPORT_FLUSH", Type: netlink.Flag},
	unix.IFLA_BRPORT_MULTICAST_ROUTER:      {Name: "IFLA_BRPORT_MULTICAST_ROUTER", Type: netlink.Uint, Values: mdbRtrTypeNames},
	unix.IFLA_BRPORT_PAD:                   {Name: "IFLA_BRPORT_PAD", Type: netlink.Binary},
	unix.IFLA_BRPORT_MCAST_FLOOD:           {Name: "IFLA_BRPORT_MCAST_FLOOD", Type: netlink.Uint},
	unix.IFLA_BRPORT_MCAST_TO_UCAST:        {Name: "IFLA_BRPORT_MCAST_TO_UCAST", Type: netlink.Uint},
	unix.IFLA_BRPORT_VLAN_TUNNEL:           {Name: "IFLA_BRPORT_VLAN_TUNNEL", Type: netlink.Uint},
	unix.IFLA_BRPORT_BCAST_FLOOD:           {Name: "IFLA_BRPORT_BCAST_FLOOD", Type: netlink.Uint},
	unix.IFLA_BRPORT_GROUP_FWD_MASK:        {Name: "IFLA_BRPORT_GROUP_FWD_MASK", Type: netlink.Uint},
	unix.IFLA_BRPORT_NEIGH_SUPPRESS:        {Name: "IFLA_BRPORT_NEIGH_SUPPRESS", Type: netlink.Uint},
	unix.IFLA_BRPORT_ISOLATED:              {Name: "IFLA_BRPORT_ISOLATED", Type: netlink.Uint},
	unix.IFLA_BRPORT_BACKUP_PORT:           {Name: "IFLA_BRPORT_BACKUP_PORT", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.IFLA_BRPORT_MRP_RING_OPEN:         {Name: "IFLA_BRPORT_MRP_RING_OPEN", Type: netlink.Uint},
	unix.IFLA_BRPORT_MRP_IN_OPEN:           {Name: "IFLA_BRPORT_MRP_IN_OPEN", Type: netlink.Uint},
	unix.IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: {Name: "IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT", Type: netlink.Uint},
	unix.IFLA_BRPORT_MCAST_EHT_HOSTS_CNT:   {Name: "IFLA_BRPORT_MCAST_EHT_HOSTS_CNT", Type: netlink.Uint},
	unix.IFLA_BRPORT_LOCKED:                {Name: "IFLA_BRPORT_LOCKED", Type: netlink.Uint},
	unix.IFLA_BRPORT_MAB:                   {Name: "IFLA_BRPORT_MAB", Type: netlink.Uint},
	unix.IFLA_BRPORT_MCAST_N_GROUPS:        {Name: "IFLA_BRPORT_MCAST_N_GROUPS", Type: netlink.Uint},
	unix.IFLA_BRPORT_MCAST_MAX_GROUPS:      {Name: "IFLA_BRPORT_MCAST_MAX_GROUPS", Type: netlink.Uint},
	unix.IFLA_BRPORT_NEIGH_VLAN_SUPPRESS:   {Name: "IFLA_BRPORT_NEIGH_VLAN_SUPPRESS", Type: netlink.Uint},
	unix.IFLA_BRPORT_BACKUP_NHID:           {Name: "IFLA_BRPORT_BACKUP_NHID", Type: netlink.Uint},
}}

// vxlanAttrs are the vxlan IFLA_INFO_DATA attributes (IFLA_VXLAN_*). Ports
// and the flow label are in network byte order; IFLA_VXLAN_TTL_INHERIT is a
// flag in requests and a u8 in dumps.
var vxlanAttrs = netlink.AttrSet{Prefix: "IFLA_VXLAN", Attrs: []netlink.AttrSpec{
	unix.IFLA_VXLAN_UNSPEC:            {Name: "IFLA_VXLAN_UNSPEC"},
	unix.IFLA_VXLAN_ID:                {Name: "IFLA_VXLAN_ID", Type: netlink.Uint},
	unix.IFLA_VXLAN_GROUP:             {Name: "IFLA_VXLAN_GROUP", Type: netlink.Addr},
	unix.IFLA_VXLAN_LINK:              {Name: "IFLA_VXLAN_LINK", Type: netlink.Uint, Values: netlink.Ifindex},
	unix.IFLA_VXLAN_LOCAL:             {Name: "IFLA_VXLAN_LOCAL", Type: netlink.Addr},
	unix.IFLA_VXLAN_TTL:               {Name: "IFLA_VXLAN_TTL", Type: netlink.Uint},
	unix.IFLA_VXLAN_TOS:               {Name: "IFLA_VXLAN_TOS", Type: netlink.Uint},
	unix.IFLA_VXLAN_LEARNING:          {Name: "IFLA_VXLAN_LEARNING", Type: netlink.Uint},
	unix.IFLA_VXLAN_AGEING:            {Name: "IFLA_VXLAN_AGEING", Type: netlink.Uint},
	unix.IFLA_VXLAN_LIMIT:             {Name: "IFLA_VXLAN_LIMIT", Type: netlink.Uint},
	unix.IFLA_VXLAN_PORT_RANGE:        {Name: "IFLA_VXLAN_PORT_RANGE", Type: netlink.Custom, Decode: portRange},
	unix.IFLA_VXLAN_PROXY:             {Name: "IFLA_VXLAN_PROXY", Type: netlink.Uint},
	unix.IFLA_VXLAN_RSC:               {Name: "IFLA_VXLAN_RSC", Type: netlink.Uint},
	unix.IFLA_VXLAN_L2MISS:            {Name: "IFLA_VXLAN_L2MISS", Type: netlink.Uint},
	unix.IFLA_VXLAN_L3MISS:            {Name: "IFLA_VXLAN_L3MISS", Type: netlink.Uint},
	unix.IFLA_VXLAN_PORT:              {Name: "IFLA_VXLAN_PORT", Type: netlink.UintBE},
	unix.IFLA_VXLAN_GROUP6:            {Name: "IFLA_VXLAN_GROUP6", Type: netlink.Addr},
	unix.IFLA_VXLAN_LOCAL6:            {Name: "IFLA_VXLAN_LOCAL6", Type: netlink.Addr},
	unix.IFLA_VXLAN_UDP_CSUM:          {Name: "IFLA_VXLAN_UDP_CSUM", Type: netlink.Uint},
	unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX: {Name: "IFLA_VXLAN_UDP_ZERO_CSUM6_TX", Type: netlink.Uint},
	unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX: {Name: "IFLA_VXLAN_UDP_ZERO_CSUM6_RX", Type: netlink.Uint},
	unix.IFLA_VXLAN_REMCSUM_TX:        {Name: "IFLA_VXLAN_REMCSUM_TX", Type: netlink.Uint},
	unix.IFLA_VXLAN_REMCSUM_RX:        {Name: "IFLA_VXLAN_REMCSUM_RX", Type: netlink.Uint},
	unix.IFLA_VXLAN_GBP:               {Name: "IFLA_VXLAN_GBP", Type: netlink.Flag},
	unix.IFLA_VXLAN_REMCSUM_NOPARTIAL: {Name: "IFLA_VXLAN_REMCSUM_NOPARTIAL", Type: netlink.Flag},
	unix.IFLA_VXLAN_COLLECT_METADATA:  {Name: "IFLA_VXLAN_COLLECT_METADATA", Type: netlink.Uint},
	unix.IFLA_VXLAN_LABEL:             {Name: "IFLA_VXLAN_LABEL", Type: netlink.UintBE},
	unix.IFLA_VXLAN_GPE:               {Name: "IFLA_VXLAN_GPE", Type: netlink.Flag},
	unix.IFLA_VXLAN_TTL_INHERIT:       {Name: "IFLA_VXLAN_TTL_INHERIT", Type: netlink.Custom, Decode: flagOrNumber},
	unix.IFLA_VXLAN_DF:                {Name: "IFLA_VXLAN_DF", Type: netlink.Uint, Values: vxlanDFNames},
	unix.IFLA_VXLAN_VNIFILTER:         {Name: "IFLA_VXLAN_VNIFILTER", Type: netlink.Uint},
	unix.IFLA_VXLAN_LOCALBYPASS:       {Name: "IFLA_VXLAN_LOCALBYPASS", Type: netlink.Uint},
	unix.IFLA_VXLAN_LABEL_POLICY:      {Name: "IFLA_VXLAN_LABEL_POLICY", Type: netlink.Uint, Values: vxlanLabelPolicyNames},
	33:                                {Name: "IFLA_VXLAN_RESERVED_BITS", Type: netlink.Binary},
	34:                                {Name: "IFLA_VXLAN_MC_ROUTE", Type: netlink.Uint},
}}

// macaddrDataAttrs are the members of IFLA_MACVLAN_MACADDR_DATA.
var macaddrDataAttrs = netlink.AttrSet{Prefix: "IFLA_MACVLAN", Attrs: []netlink.AttrSpec{
	unix.IFLA_MACVLAN_MACADDR: {Name: "IFLA_MACVLAN_MACADDR", Type: netlink.MAC},
}}

// macvlanAttrs are the macvlan and macvtap IFLA_INFO_DATA attributes.
var macvlanAttrs = netlink.AttrSet{Prefix: "IFLA_MACVLAN", Attrs: []netlink.AttrSpec{
	unix.IFLA_MACVLAN_UNSPEC:            {Name: "IFLA_MACVLAN_UNSPEC"},
	unix.IFLA_MACVLAN_MODE:              {Name: "IFLA_MACVLAN_MODE", Type: netlink.Uint, Values: macvlanModeNames},
	unix.IFLA_MACVLAN_FLAGS:             {Name: "IFLA_MACVLAN_FLAGS", Type: netlink.Uint, Values: macvlanFlags},
	unix.IFLA_MACVLAN_MACADDR_MODE:      {Name: "IFLA_MACVLAN_MACADDR_MODE", Type: netlink.Uint, Values: macvlanMacaddrModeNames},
	unix.IFLA_MACVLAN_MACADDR:           {Name: "IFLA_MACVLAN_MACADDR", Type: netlink.MAC},
	unix.IFLA_MACVLAN_MACADDR_DATA:      {Name: "IFLA_MACVLAN_MACADDR_DATA", Type: netlink.Nest, Nested: &macaddrDataAttrs},
	unix.IFLA_MACVLAN_MACADDR_COUNT:     {Name: "IFLA_MACVLAN_MACADDR_COUNT", Type: netlink.Uint},
	unix.IFLA_MACVLAN_BC_QUEUE_LEN:      {Name: "IFLA_MACVLAN_BC_QUEUE_LEN", Type: netlink.Uint},
	unix.IFLA_MACVLAN_BC_QUEUE_LEN_USED: {Name: "IFLA_MACVLAN_BC_QUEUE_LEN_USED", Type: netlink.Uint},
	unix.IFLA_MACVLAN_BC_CUTOFF:         {Name: "IFLA_MACVLAN_BC_CUTOFF", Type: netlink.Sint},
}}

// vlanQosAttrs are the members of IFLA_VLAN_EGRESS_QOS and IFLA_VLAN_INGRESS_QOS.
var vlanQosAttrs = netlink.AttrSet{Prefix: "IFLA_VLAN_QOS", Attrs: []netlink.AttrSpec{
	unix.IFLA_VLAN_QOS_UNSPEC:  {Name: "IFLA_VLAN_QOS_UNSPEC"},
	unix.IFLA_VLAN_QOS_MAPPING: {Name: "IFLA_VLAN_QOS_MAPPING", Type: netlink.Binary, Struct: vlanQosMapping},
}}

// vlanAttrs are the 802.1Q vlan IFLA_INFO_DATA attributes (IFLA_VLAN_*).
var vlanAttrs = netlink.AttrSet{Prefix: "IFLA_VLAN", Attrs: []netlink.AttrSpec{
	unix.IFLA_VLAN_UNSPEC:      {Name: "IFLA_VLAN_UNSPEC"},
	unix.IFLA_VLAN_ID:          {Name: "IFLA_VLAN_ID", Type: netlink.Uint},
	unix.IFLA_VLAN_FLAGS:       {Name: "IFLA_VLAN_FLAGS", Type: netlink.Binary, Struct: vlanFlagsMask},
	unix.IFLA_VLAN_EGRESS_QOS:  {Name: "IFLA_VLAN_EGRESS_QOS", Type: netlink.Nest, Nested: &vlanQosAttrs},
	unix.IFLA_VLAN_INGRESS_QOS: {Name: "IFLA_VLAN_INGRESS_QOS", Type: netlink.Nest, Nested: &vlanQosAttrs},
	unix.IFLA_VLAN_PROTOCOL:    {Name: "IFLA_VLAN_PROTOCOL", Type: netlink.UintBE, Values: vlanProto},
}}

// bridgeAFAttrs are the AF_BRIDGE settings in IFLA_AF_SPEC (IFLA_BRIDGE_*, linux/if_bridge.h).
var bridgeAFAttrs = netlink.AttrSet{Prefix: "IFLA_BRIDGE", Attrs: []netlink.AttrSpec{
	0: {Name: "IFLA_BRIDGE_FLAGS", Type: netlink.Uint, Values: bridgeFlags},
	1: {Name: "IFLA_BRIDGE_MODE", Type: netlink.Uint, Values: bridgeModeNames},
	2: {Name: "IFLA_BRIDGE_VLAN_INFO", Type: netlink.Binary, Struct: bridgeVlanInfo},
	3: {Name: "IFLA_BRIDGE_VLAN_TUNNEL_INFO"},
	4: {Name: "IFLA_BRIDGE_MRP"},
	5: {Name: "IFLA_BRIDGE_CFM"},
	6: {Name: "IFLA_BRIDGE_MST"},
}}

// inetAttrs are the AF_INET settings in IFLA_AF_SPEC: the IPv4 devconf
// array, entry i being IPV4_DEVCONF_* value i+1 (the files of
// /proc/sys/net/ipv4/conf/<dev>).
var inetAttrs = netlink.AttrSet{Prefix: "IFLA_INET", Attrs: []netlink.AttrSpec{
	unix.IFLA_INET_UNSPEC: {Name: "IFLA_INET_UNSPEC"},
	unix.IFLA_INET_CONF:   {Name: "IFLA_INET_CONF", Type: netlink.Custom, Decode: ipv4Devconf},
}}

// inet6Attrs are the AF_INET6 settings in IFLA_AF_SPEC (IFLA_INET6_*).
var inet6Attrs = netlink.AttrSet{Prefix: "IFLA_INET6", Attrs: []netlink.AttrSpec{
	unix.IFLA_INET6_UNSPEC:        {Name: "IFLA_INET6_UNSPEC"},
	unix.IFLA_INET6_FLAGS:         {Name: "IFLA_INET6_FLAGS", Type: netlink.Uint, Values: inet6IfFlags},
	unix.IFLA_INET6_CONF:          {Name: "IFLA_INET6_CONF", Type: netlink.Custom, Decode: ipv6Devconf},
	unix.IFLA_INET6_STATS:         {Name: "IFLA_INET6_STATS", Type: netlink.Custom, Decode: ipStats},
	unix.IFLA_INET6_MCAST:         {Name: "IFLA_INET6_MCAST", Type: netlink.Binary},
	unix.IFLA_INET6_CACHEINFO:     {Name: "IFLA_INET6_CACHEINFO", Type: netlink.Binary, Struct: iflaCacheinfo},
	unix.IFLA_INET6_ICMP6STATS:    {Name: "IFLA_INET6_ICMP6STATS", Type: netlink.Custom, Decode: icmp6Stats},
	unix.IFLA_INET6_TOKEN:         {Name: "IFLA_INET6_TOKEN", Type: netlink.Addr},
	unix.IFLA_INET6_ADDR_GEN_MODE: {Name: "IFLA_INET6_ADDR_GEN_MODE", Type: netlink.Uint, Values: in6AddrGenModeNames},
	unix.IFLA_INET6_RA_MTU:        {Name: "IFLA_INET6_RA_MTU", Type: netlink.Uint},
}}
