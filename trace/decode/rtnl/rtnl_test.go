package rtnl

import (
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/google/go-cmp/cmp"
)

// rtnlDecode decodes buffer rec of a stored capture.
func rtnlDecode(t *testing.T, capture string, rec int) []netlink.Message {
	t.Helper()
	c := readRtnlCapture(t, capture)
	if rec >= len(c.Records) {
		t.Fatalf("rtnl_%s.hex has %d buffers, want buffer %d", capture, len(c.Records), rec)
	}
	return netlink.Decode(c.Protocol, c.Records[rec].Data)
}

// rtnlPath follows field names down the tree: the first name among fields,
// the next among its children, and so on.
func rtnlPath(fields []event.Field, path ...string) (event.Field, bool) {
	var f event.Field
	for _, name := range path {
		found := false
		for _, c := range fields {
			if c.Name == name {
				f, fields, found = c, c.Children, true
				break
			}
		}
		if !found {
			return event.Field{}, false
		}
	}
	return f, true
}

// TestRtnlLinkAddBridgeTree checks the whole tree of the request behind
// `ip link add br0 type bridge`.
func TestRtnlLinkAddBridgeTree(t *testing.T) {
	msgs := rtnlDecode(t, "link_add_bridge", 2)
	if len(msgs) != 1 {
		t.Fatalf("decoded %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	flags := "NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"
	want := netlink.Message{
		Offset: 0, Length: 56, Type: 16,
		Flags: 0x605, FlagNames: flags, Seq: m.Seq, PortID: 0,
		ExtackOffset: -1,
		Decoded: event.Decoded{Name: "RTM_NEWLINK", Summary: "RTM_NEWLINK br0 kind=bridge " + flags, Fields: []event.Field{
			{Name: "nlmsghdr", Value: "RTM_NEWLINK", Offset: 0, Length: 16, Children: []event.Field{
				{Name: "nlmsg_len", Value: "56", Offset: 0, Length: 4},
				{Name: "nlmsg_type", Value: "RTM_NEWLINK", Offset: 4, Length: 2},
				{Name: "nlmsg_flags", Value: flags, Offset: 6, Length: 2},
				{Name: "nlmsg_seq", Value: m.Fields[0].Children[3].Value, Offset: 8, Length: 4},
				{Name: "nlmsg_pid", Value: "0", Offset: 12, Length: 4},
			}},
			{Name: "ifinfomsg", Offset: 16, Length: 16, Children: []event.Field{
				{Name: "ifi_family", Value: "AF_UNSPEC", Offset: 16, Length: 1},
				{Name: "ifi_type", Value: "ARPHRD_NETROM", Offset: 18, Length: 2},
				{Name: "ifi_index", Value: "0", Offset: 20, Length: 4},
				{Name: "ifi_flags", Value: "0", Offset: 24, Length: 4},
				{Name: "ifi_change", Value: "0", Offset: 28, Length: 4},
			}},
			{Name: "IFLA_IFNAME", Value: `"br0"`, Offset: 32, Length: 8},
			{Name: "IFLA_LINKINFO", Value: "bridge", Offset: 40, Length: 16, Children: []event.Field{
				{Name: "IFLA_INFO_KIND", Value: `"bridge"`, Offset: 44, Length: 10},
			}},
		}},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("RTM_NEWLINK br0 (-want +got):\n%s", diff)
	}
	ack := rtnlDecode(t, "link_add_bridge", 3)
	if len(ack) != 1 || !ack[0].IsAck() || ack[0].Summary != "ACK" || ack[0].FlagNames != "NLM_F_CAPPED" {
		t.Errorf("reply = %+v, want one capped ACK", ack)
	}
}

// rtnlWant is one expected field of a captured message.
type rtnlWant struct {
	capture string
	rec     int    // buffer
	msg     int    // message in the buffer
	path    string // field names separated by "/"
	value   string
	offset  int
	length  int
}

var rtnlFieldWants = []rtnlWant{
	// ip addr add 172.17.0.1/16 dev br0
	{"addr_add", 2, 0, "ifaddrmsg/ifa_family", "AF_INET", 16, 1},
	{"addr_add", 2, 0, "ifaddrmsg/ifa_prefixlen", "16", 17, 1},
	{"addr_add", 2, 0, "ifaddrmsg/ifa_scope", "RT_SCOPE_UNIVERSE", 19, 1},
	{"addr_add", 2, 0, "ifaddrmsg/ifa_index", "2", 20, 4},
	{"addr_add", 2, 0, "IFA_LOCAL", "172.17.0.1", 24, 8},
	{"addr_add", 2, 0, "IFA_ADDRESS", "172.17.0.1", 32, 8},
	{"addr_add_ipv6", 2, 0, "IFA_LOCAL", "fd00::1", 24, 20},

	// ip link set br0 up: iproute2 asks for the link by name, then sets
	// IFF_UP in both ifi_flags and ifi_change.
	{"link_set_up", 2, 0, "IFLA_EXT_MASK", "RTEXT_FILTER_VF|RTEXT_FILTER_SKIP_STATS", 32, 8},
	{"link_set_up", 2, 0, "IFLA_IFNAME", `"br0"`, 40, 8},
	{"link_set_up", 3, 0, "ifinfomsg/ifi_type", "ARPHRD_ETHER", 18, 2},
	{"link_set_up", 3, 0, "ifinfomsg/ifi_index", "2", 20, 4},
	{"link_set_up", 3, 0, "ifinfomsg/ifi_flags", "IFF_BROADCAST|IFF_MULTICAST", 24, 4},
	{"link_set_up", 3, 0, "IFLA_OPERSTATE", "IF_OPER_DOWN", 48, 5},
	{"link_set_up", 3, 0, "IFLA_MTU", "1500", 72, 8},
	{"link_set_up", 3, 0, "IFLA_STATS64", "rx 0 packets 0 bytes, tx 0 packets 0 bytes", 280, 204},
	{"link_set_up", 3, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_FORWARD_DELAY", "1500 (15.00 s)", 664, 8},
	{"link_set_up", 3, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_STP_STATE", "0", 696, 8},
	{"link_set_up", 3, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_GROUP_ADDR", "01:80:c2:00:00:00", 784, 10},
	{"link_set_up", 3, 0, "IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF/IPV4_DEVCONF_FORWARDING", "1", 1032, 4},
	{"link_set_up", 3, 0, "IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CONF/DEVCONF_HOPLIMIT", "64", 1204, 4},
	{"link_set_up", 4, 0, "ifinfomsg/ifi_index", "2", 20, 4},
	{"link_set_up", 4, 0, "ifinfomsg/ifi_flags", "IFF_UP", 24, 4},
	{"link_set_up", 4, 0, "ifinfomsg/ifi_change", "IFF_UP", 28, 4},

	// ip route add 10.9.0.0/24 via 172.17.0.2
	{"route_add", 0, 0, "rtmsg/rtm_dst_len", "24", 17, 1},
	{"route_add", 0, 0, "rtmsg/rtm_table", "RT_TABLE_MAIN", 20, 1},
	{"route_add", 0, 0, "rtmsg/rtm_protocol", "RTPROT_BOOT", 21, 1},
	{"route_add", 0, 0, "rtmsg/rtm_type", "RTN_UNICAST", 23, 1},
	{"route_add", 0, 0, "RTA_DST", "10.9.0.0", 28, 8},
	{"route_add", 0, 0, "RTA_GATEWAY", "172.17.0.2", 36, 8},

	// ip link add v0 type veth peer name v1: the peer is a whole link
	// message inside IFLA_INFO_DATA, which strace shows as bytes.
	{"link_add_veth", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER", "v1", 56, 28},
	{"link_add_veth", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/ifinfomsg/ifi_family", "AF_UNSPEC", 60, 1},
	{"link_add_veth", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/IFLA_IFNAME", `"v1"`, 76, 7},
	// ... and, as Docker does, created straight into another namespace.
	{"link_add_veth_netns", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/IFLA_NET_NS_FD", "4", 76, 8},
	{"link_add_veth_netns", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/IFLA_IFNAME", `"v3"`, 84, 7},

	// ip link add link v0 name mv0 type macvlan mode bridge
	{"link_add_macvlan", 4, 0, "IFLA_LINK", "3", 32, 8},
	{"link_add_macvlan", 4, 0, "IFLA_LINKINFO/IFLA_INFO_KIND", `"macvlan"`, 52, 11},
	{"link_add_macvlan", 4, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_MACVLAN_MODE", "MACVLAN_MODE_BRIDGE", 68, 8},

	// ip link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 nolearning
	{"link_add_vxlan", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID", "42", 60, 8},
	{"link_add_vxlan", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_LOCAL", "10.0.0.1", 68, 8},
	{"link_add_vxlan", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_LEARNING", "0", 76, 5},
	{"link_add_vxlan", 2, 0, "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_PORT", "4789", 84, 6}, // big-endian 12 b5

	// ip link set v0 master br0; bridge link set dev v0 hairpin on
	{"link_set_master", 6, 0, "IFLA_MASTER", "2", 32, 8},
	{"bridge_link_hairpin", 4, 0, "ifinfomsg/ifi_family", "AF_BRIDGE", 16, 1},
	{"bridge_link_hairpin", 4, 0, "IFLA_PROTINFO/IFLA_BRPORT_MODE", "BRIDGE_MODE_HAIRPIN", 36, 5},

	// bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2: an FDB
	// entry (AF_BRIDGE neighbour) telling vx0 where to flood.
	{"fdb_append", 3, 0, "ndmsg/ndm_family", "AF_BRIDGE", 16, 1},
	{"fdb_append", 3, 0, "ndmsg/ndm_ifindex", "2", 20, 4},
	{"fdb_append", 3, 0, "ndmsg/ndm_state", "NUD_NOARP|NUD_PERMANENT", 24, 2},
	{"fdb_append", 3, 0, "ndmsg/ndm_flags", "NTF_SELF", 26, 1},
	{"fdb_append", 3, 0, "NDA_LLADDR", "00:00:00:00:00:00", 28, 10},
	{"fdb_append", 3, 0, "NDA_DST", "10.0.0.2", 40, 8},

	// ip neigh add 10.0.0.9 lladdr 02:42:ac:11:00:02 dev br0
	{"neigh_add", 3, 0, "ndmsg/ndm_family", "AF_INET", 16, 1},
	{"neigh_add", 3, 0, "ndmsg/ndm_state", "NUD_PERMANENT", 24, 2},
	{"neigh_add", 3, 0, "NDA_DST", "10.0.0.9", 28, 8},
	{"neigh_add", 3, 0, "NDA_LLADDR", "02:42:ac:11:00:02", 36, 10},

	// Docker's own calls, through vishvananda/netlink.
	{"docker_steps", 0, 0, "IFLA_IFNAME", `"docker0"`, 32, 12},
	{"docker_steps", 0, 0, "IFLA_TXQLEN", "0", 44, 8},
	{"docker_steps", 0, 0, "IFLA_ADDRESS", "02:42:5e:00:00:01", 52, 10},
	{"docker_steps", 0, 0, "IFLA_LINKINFO/IFLA_INFO_DATA", "", 80, 4},
	{"docker_steps", 6, 0, "IFLA_MTU", "1500", 32, 8},
	{"docker_steps", 20, 0, "IFLA_PROTINFO/IFLA_BRPORT_MODE", "BRIDGE_MODE_HAIRPIN", 36, 5},
	{"docker_steps", 24, 0, "RTA_OIF", "2", 44, 8},

	// Errors: the echoed request and the extended ACK.
	{"link_add_exists", 3, 0, "error", "-EEXIST (File exists)", 16, 4},
	{"link_add_exists", 3, 0, "msg/IFLA_LINKINFO/IFLA_INFO_KIND", `"bridge"`, 64, 10},
	{"route_add_unreachable", 1, 0, "NLMSGERR_ATTR_MSG", `"Nexthop has invalid gateway"`, 64, 32},
	{"link_add_bad_mtu", 1, 0, "msg/IFLA_MTU", "1500", 60, 6},
	{"link_add_bad_mtu", 1, 0, "NLMSGERR_ATTR_OFFS", "40 (IFLA_MTU)", 124, 8},
	{"link_add_bad_mtu", 1, 0, "NLMSGERR_ATTR_POLICY/NL_POLICY_TYPE_ATTR_TYPE", "NL_ATTR_TYPE_U32", 160, 8},

	// ip -d link show: a dump, several messages per buffer.
	{"link_dump", 3, 3, "IFLA_LINKINFO/IFLA_INFO_SLAVE_KIND", `"bridge"`, 620, 11},
	{"link_dump", 3, 3, "IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_STATE", "BR_STATE_FORWARDING", 636, 5},
	{"link_dump", 3, 3, "IFLA_MASTER", "2", 200, 8},

	// bridge -d link show: AF_BRIDGE link messages carry the port
	// settings in IFLA_PROTINFO.
	{"bridge_link_dump", 6, 0, "ifinfomsg/ifi_family", "AF_BRIDGE", 16, 1},
	{"bridge_link_dump", 6, 0, "IFLA_ADDRESS", "9e:92:ee:07:4e:95", 64, 10},
	{"bridge_link_dump", 6, 0, "IFLA_PROTINFO/IFLA_BRPORT_MODE", "BRIDGE_MODE_HAIRPIN", 112, 5},
	// bridge fdb show br br0: ndmsg and NDA_MASTER, the bridge to list.
	{"fdb_dump", 5, 0, "ndmsg/ndm_family", "AF_BRIDGE", 16, 1},
	{"fdb_dump", 5, 0, "NDA_MASTER", "2", 28, 8},

	// Dumps of addresses, routes, neighbours; netconf; namespace ids.
	{"addr_dump", 5, 0, "IFA_CACHEINFO/ifa_valid", "4294967295", 64, 4},
	{"netconf", 6, 1, "NETCONFA_IFINDEX", "2", 20, 8},
	{"nsid", 0, 0, "NETNSA_NSID", "7", 28, 8},
	{"genl_ctrl", 0, 0, "CTRL_ATTR_FAMILY_NAME", `"nlctrl"`, 20, 11},
	{"genl_ctrl", 1, 0, "CTRL_ATTR_FAMILY_ID", "0x10", 32, 6},
}

func TestRtnlFields(t *testing.T) {
	for _, w := range rtnlFieldWants {
		msgs := rtnlDecode(t, w.capture, w.rec)
		if w.msg >= len(msgs) {
			t.Errorf("%s[%d]: %d messages, want message %d", w.capture, w.rec, len(msgs), w.msg)
			continue
		}
		m := msgs[w.msg]
		f, ok := rtnlPath(m.Fields, strings.Split(w.path, "/")...)
		if !ok {
			t.Errorf("%s[%d] %s: %s not decoded", w.capture, w.rec, m.Summary, w.path)
			continue
		}
		got := rtnlWant{w.capture, w.rec, w.msg, w.path, f.Value, f.Offset - m.Offset, f.Length}
		if got != w {
			t.Errorf("%s[%d] %s = %q at %d+%d, want %q at %d+%d", w.capture, w.rec, w.path,
				f.Value, got.offset, f.Length, w.value, w.offset, w.length)
		}
	}
}

func TestRtnlSummaries(t *testing.T) {
	tests := []struct {
		capture string
		rec     int
		want    []string
	}{
		{"link_add_bridge", 2, []string{"RTM_NEWLINK br0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"link_add_exists", 3, []string{"error EEXIST (File exists)"}},
		{"addr_add", 2, []string{"RTM_NEWADDR 172.17.0.1/16 dev index=2 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"addr_add", 3, []string{"ACK"}},
		{"link_set_up", 2, []string{"RTM_GETLINK br0 NLM_F_REQUEST"}},
		{"link_set_up", 3, []string{"RTM_NEWLINK br0 kind=bridge mtu=1500"}},
		{"link_set_up", 4, []string{"RTM_NEWLINK index=2 up NLM_F_REQUEST|NLM_F_ACK"}},
		{"route_add", 0, []string{"RTM_NEWROUTE 10.9.0.0/24 via 172.17.0.2 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"route_add_unreachable", 1, []string{"error ENETUNREACH (Network is unreachable): Nexthop has invalid gateway"}},
		{"link_add_veth", 2, []string{"RTM_NEWLINK v0 kind=veth peer=v1 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"link_add_macvlan", 4, []string{"RTM_NEWLINK mv0 kind=macvlan mode=bridge link=3 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"link_add_vxlan", 2, []string{"RTM_NEWLINK vx0 kind=vxlan id=42 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"link_set_master", 6, []string{"RTM_NEWLINK index=4 master=2 NLM_F_REQUEST|NLM_F_ACK"}},
		{"bridge_link_hairpin", 4, []string{"RTM_SETLINK index=4 hairpin on NLM_F_REQUEST|NLM_F_ACK"}},
		{"fdb_append", 3, []string{"RTM_NEWNEIGH 00:00:00:00:00:00 dev index=2 dst 10.0.0.2 self NOARP|PERMANENT NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_APPEND"}},
		{"neigh_add", 3, []string{"RTM_NEWNEIGH 10.0.0.9 lladdr 02:42:ac:11:00:02 dev index=2 PERMANENT NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"link_add_veth_netns", 2, []string{"RTM_NEWLINK v2 kind=veth peer=v3 peer-netns-fd=4 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"docker_steps", 0, []string{"RTM_NEWLINK docker0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"docker_steps", 6, []string{"RTM_SETLINK index=2 mtu=1500 NLM_F_REQUEST|NLM_F_ACK"}},
		{"docker_steps", 10, []string{"RTM_NEWLINK index=2 up NLM_F_REQUEST|NLM_F_ACK"}},
		{"docker_steps", 20, []string{"RTM_SETLINK index=4 hairpin on NLM_F_REQUEST|NLM_F_ACK"}},
		{"docker_steps", 24, []string{"RTM_NEWROUTE 10.99.0.0/24 via 172.17.0.254 dev index=2 NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"}},
		{"route_dump", 0, []string{"RTM_GETROUTE NLM_F_REQUEST|NLM_F_DUMP"}},
		{"link_dump", 2, []string{"RTM_GETLINK AF_PACKET NLM_F_REQUEST|NLM_F_DUMP"}},
		{"link_dump", 4, []string{"NLMSG_DONE NLM_F_MULTI"}},
		{"nsid", 0, []string{"RTM_NEWNSID nsid 7 fd 6 NLM_F_REQUEST|NLM_F_ACK"}},
		{"nsid", 5, []string{"RTM_NEWNSID nsid 7 NLM_F_MULTI", "NLMSG_DONE NLM_F_MULTI"}},
		{"genl_ctrl", 0, []string{"nlctrl CTRL_CMD_GETFAMILY nlctrl NLM_F_REQUEST|NLM_F_ACK"}},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range rtnlDecode(t, tt.capture, tt.rec) {
			got = append(got, m.Summary)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s buffer %d summaries (-want +got):\n%s", tt.capture, tt.rec, diff)
		}
	}
}

// TestRtnlErrors checks what an NLMSG_ERROR reports beyond its fields.
func TestRtnlErrors(t *testing.T) {
	tests := []struct {
		capture   string
		rec       int
		errno     int
		errnoName string
		extack    string
		offset    int
	}{
		{"link_add_bridge", 3, 0, "", "", -1},
		{"link_add_exists", 3, 17, "EEXIST", "", -1},
		{"route_add_unreachable", 1, 101, "ENETUNREACH", "Nexthop has invalid gateway", -1},
		{"link_add_bad_mtu", 1, 34, "ERANGE", "Attribute failed policy validation", 40},
	}
	for _, tt := range tests {
		m := rtnlDecode(t, tt.capture, tt.rec)[0]
		if !m.IsError || m.Errno != tt.errno || m.ErrnoName != tt.errnoName || m.Extack != tt.extack || m.ExtackOffset != tt.offset {
			t.Errorf("%s: IsError=%v Errno=%d ErrnoName=%q Extack=%q ExtackOffset=%d, want true %d %q %q %d",
				tt.capture, m.IsError, m.Errno, m.ErrnoName, m.Extack, m.ExtackOffset,
				tt.errno, tt.errnoName, tt.extack, tt.offset)
		}
	}
}

// TestRtnlDump checks a multipart dump: every message of the reply is
// decoded, all carry NLM_F_MULTI, and the dump ends with NLMSG_DONE.
func TestRtnlDump(t *testing.T) {
	c := readRtnlCapture(t, "link_dump")
	var names []string
	done := false
	for _, r := range c.Records[3:] {
		for _, m := range netlink.Decode(c.Protocol, r.Data) {
			if m.Flags&0x2 == 0 {
				t.Errorf("%s lacks NLM_F_MULTI", m.Summary)
			}
			if m.IsDone() {
				done = true
				continue
			}
			if m.Name != "RTM_NEWLINK" {
				t.Errorf("dump message %s, want RTM_NEWLINK", m.Summary)
			}
			names = append(names, strings.Trim(rtnlFieldValue(m.Fields, "IFLA_IFNAME"), `"`))
		}
	}
	if want := []string{"lo", "br0", "v1", "v0", "mv0", "vx0"}; !cmp.Equal(names, want) {
		t.Errorf("dumped links %v, want %v", names, want)
	}
	if !done {
		t.Error("no NLMSG_DONE")
	}
}

func rtnlFieldValue(fields []event.Field, name string) string {
	f, _ := event.Top(fields, name)
	return f.Value
}

// TestRtnlFieldBounds checks that every decoded field of every capture
// lies inside its message and inside its parent.
func TestRtnlFieldBounds(t *testing.T) {
	for _, name := range rtnlCaptureNames(t) {
		c := readRtnlCapture(t, name)
		for i, r := range c.Records {
			for _, m := range netlink.Decode(c.Protocol, r.Data) {
				if m.Malformed != "" {
					t.Errorf("%s[%d] %s: malformed: %s", name, i, m.Summary, m.Malformed)
				}
				if err := nlCheckBounds(m.Fields, m.Offset, m.Offset+m.Length); err != "" {
					t.Errorf("%s[%d] %s: %s", name, i, m.Summary, err)
				}
			}
		}
	}
}
