package sockopt

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/internal/capture"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/event/eventtest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// sockoptArgs returns the level and option number stored with a capture.
func sockoptArgs(t *testing.T, fix capture.Fixture) (uint32, uint32, bool) {
	t.Helper()
	f := strings.Fields(fix.Meta["args"])
	if len(f) != 2 {
		t.Fatalf("%s: args %q", fix.Name, fix.Meta["args"])
	}
	level, err1 := strconv.ParseUint(f[0], 0, 32)
	name, err2 := strconv.ParseUint(f[1], 0, 32)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: args %q", fix.Name, fix.Meta["args"])
	}
	return uint32(level), uint32(name), fix.Meta["syscall"] == "getsockopt"
}

func decodeCapturedSockopt(t *testing.T, fix capture.Fixture, proto int) event.Decoded {
	level, name, get := sockoptArgs(t, fix)
	dir := Set
	if get {
		dir = Get
	}
	if proto < 0 {
		if get {
			return DecodeGet(level, name, fix.Data)
		}
		return Decode(level, name, fix.Data)
	}
	return DecodeFor(dir, uint16(proto), level, name, fix.Data)
}

var sockoptWant = []struct {
	file    string
	proto   int // -1: unknown protocol
	summary string
	fields  map[string]string
}{
	{"sockopt_so_sndbuf", -1, "SO_SNDBUF=32768", map[string]string{"SO_SNDBUF": "32768"}},
	{"sockopt_so_rcvbuf", -1, "SO_RCVBUF=1048576", nil},
	{"sockopt_so_rcvbufforce", -1, "SO_RCVBUFFORCE=4194304", nil},
	{"sockopt_so_reuseaddr", -1, "SO_REUSEADDR=1", nil},
	{"sockopt_so_bindtodevice", -1, `SO_BINDTODEVICE "lo"`, nil},
	{"sockopt_so_linger", -1, "SO_LINGER onoff=1 linger=5", map[string]string{"l_linger": "5"}},
	{"sockopt_so_attach_filter", -1, "SO_ATTACH_FILTER 1 BPF instructions", map[string]string{"len": "1"}},
	{"sockopt_netlink_ext_ack", -1, "NETLINK_EXT_ACK=1", nil},
	{"sockopt_netlink_get_strict_chk", -1, "NETLINK_GET_STRICT_CHK=1", nil},
	{"sockopt_netlink_cap_ack", -1, "NETLINK_CAP_ACK=1", nil},
	{"sockopt_netlink_no_enobufs", -1, "NETLINK_NO_ENOBUFS=1", nil},
	{"sockopt_netlink_broadcast_error", -1, "NETLINK_BROADCAST_ERROR=1", nil},
	{"sockopt_netlink_listen_all_nsid", -1, "NETLINK_LISTEN_ALL_NSID=1", nil},
	{"sockopt_netlink_pktinfo", -1, "NETLINK_PKTINFO=1", nil},
	{"sockopt_netlink_add_membership_nexthop", unix.NETLINK_ROUTE, "NETLINK_ADD_MEMBERSHIP RTNLGRP_NEXTHOP", map[string]string{"group": "RTNLGRP_NEXTHOP (32)"}},
	{"sockopt_netlink_add_membership_nexthop", -1, "NETLINK_ADD_MEMBERSHIP 32", map[string]string{"group": "32"}},
	{"sockopt_netlink_add_membership_link", unix.NETLINK_ROUTE, "NETLINK_ADD_MEMBERSHIP RTNLGRP_LINK", nil},
	{"sockopt_netlink_add_membership_link", unix.NETLINK_NETFILTER, "NETLINK_ADD_MEMBERSHIP NFNLGRP_CONNTRACK_NEW", nil},
	{"sockopt_netlink_drop_membership_link", unix.NETLINK_ROUTE, "NETLINK_DROP_MEMBERSHIP RTNLGRP_LINK", nil},
	{"sockopt_get_so_rcvbuf", -1, "SO_RCVBUF=8388608", nil},
	{"sockopt_get_so_type", -1, "SO_TYPE=SOCK_RAW", nil},
	{"sockopt_get_so_domain", -1, "SO_DOMAIN=AF_NETLINK", nil},
	{"sockopt_get_netlink_list_memberships", unix.NETLINK_ROUTE, "NETLINK_LIST_MEMBERSHIPS RTNLGRP_NEXTHOP", map[string]string{"groups[0]": "0x80000000", "groups[1]": "0x00000000"}},
	{"sockopt_ipt_get_revision_target", -1, "IPT_SO_GET_REVISION_TARGET MASQUERADE revision=0", nil},
	{"sockopt_ipt_get_info_nat", -1, "IPT_SO_GET_INFO table=nat hooks=PREROUTING|INPUT|OUTPUT|POSTROUTING entries=5 size=784",
		map[string]string{"hook_entry[PREROUTING]": "0", "hook_entry[FORWARD]": "unused", "underflow[POSTROUTING]": "456"}},
	{"sockopt_ipt_get_entries_nat", -1, "IPT_SO_GET_ENTRIES table=nat size=784", map[string]string{"entrytable": "5 entries in table nat"}},
	{"sockopt_ipt_set_replace_nat", -1, "IPT_SO_SET_REPLACE table=nat hooks=PREROUTING|INPUT|OUTPUT|POSTROUTING entries=6 size=952 old_counters=5",
		map[string]string{"entry[3]": "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "entry[4]": "-P POSTROUTING ACCEPT", "entry[5]": "end of table", "entry[0]": "-P PREROUTING ACCEPT"}},
	{"sockopt_ipt_set_add_counters_nat", -1, "IPT_SO_SET_ADD_COUNTERS table=nat counters=6", nil},
	{"sockopt_ipt_set_replace_filter", -1, "IPT_SO_SET_REPLACE table=filter hooks=INPUT|FORWARD|OUTPUT entries=7 size=1112 old_counters=6",
		map[string]string{"entry[1]": "-A FORWARD -o docker0 -j DOCKER", "entry[2]": "-P FORWARD ACCEPT", "entry[4]": "-N DOCKER", "entry[5]": "end of chain DOCKER (implicit RETURN)", "entry[6]": "end of table"}},
}

func TestDecodeSockoptCaptured(t *testing.T) {
	for _, tc := range sockoptWant {
		t.Run(fmt.Sprintf("%s/%d", tc.file, tc.proto), func(t *testing.T) {
			fix := capture.Load(t, tc.file)
			d := decodeCapturedSockopt(t, fix, tc.proto)
			sum, fields := d.Summary, d.Fields
			if sum != tc.summary {
				t.Errorf("summary %q, want %q", sum, tc.summary)
			}
			for name, want := range tc.fields {
				f, ok := event.Find(fields, name)
				if !ok || f.Value != want {
					t.Errorf("%s = %q (found %v), want %q", name, f.Value, ok, want)
				}
			}
			eventtest.CheckFieldBounds(t, fields, len(fix.Data))
		})
	}
}

func TestDecodeSockoptOffsets(t *testing.T) {
	fix := capture.Load(t, "sockopt_ipt_get_info_nat")
	fields := DecodeGet(unix.SOL_IP, 64, fix.Data).Fields
	var got []event.Field
	for _, f := range fields {
		got = append(got, event.Field{Name: f.Name, Offset: f.Offset, Length: f.Length})
	}
	want := []event.Field{
		{Name: "name", Offset: 0, Length: 32},
		{Name: "valid_hooks", Offset: 32, Length: 4},
		{Name: "hook_entry", Offset: 36, Length: 20},
		{Name: "underflow", Offset: 56, Length: 20},
		{Name: "num_entries", Offset: 76, Length: 4},
		{Name: "size", Offset: 80, Length: 4},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ipt_getinfo layout (-want +got):\n%s", diff)
	}
	fix = capture.Load(t, "sockopt_ipt_set_replace_nat")
	fields = Decode(unix.SOL_IP, 64, fix.Data).Fields
	ent, ok := event.Find(fields, "entries")
	if !ok || ent.Offset != 96 || ent.Length != len(fix.Data)-96 {
		t.Fatalf("entries field = %+v", ent)
	}
	rule, _ := event.Find(fields, "entry[3]")
	target, _ := event.Find(rule.Children, "target")
	if !strings.HasPrefix(target.Value, `"MASQUERADE"`) || target.Offset+target.Length != rule.Offset+rule.Length {
		t.Errorf("MASQUERADE target = %+v in rule %+v", target, rule)
	}
	out, _ := event.Find(rule.Children, "ip.outiface")
	if out.Value != `"docker0"` || out.Offset != rule.Offset+32 || out.Length != 16 {
		t.Errorf("ip.outiface = %+v", out)
	}
}

// TestSockoptMatchesStrace checks the integer options against strace's
// decoding of the same call.
func TestSockoptMatchesStrace(t *testing.T) {
	compared := 0
	re := regexp.MustCompile(`^(?:set|get)sockopt\(\d+, (\w+), (\w+), (.*), \[?\d+\]?\) = 0$`)
	for _, fix := range capture.LoadAll(t, "sockopt_*.hex") {
		m := re.FindStringSubmatch(fix.Meta["strace"])
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, fix.Meta["strace"])
			continue
		}
		level, name, get := sockoptArgs(t, fix)
		if got := LevelName(level); got != m[1] {
			t.Errorf("%s: level %q, strace %q", fix.Name, got, m[1])
		}
		optName := Name(level, name)
		if get {
			optName = GetName(level, name)
		}
		if optName != m[2] {
			t.Errorf("%s: option %q, strace %q", fix.Name, optName, m[2])
		}
		compared++
		if v, ok := strings.CutPrefix(m[3], "["); ok && len(fix.Data) == 4 {
			v = strings.TrimSuffix(v, "]")
			if n, err := strconv.Atoi(v); err == nil {
				if int32(binary.LittleEndian.Uint32(fix.Data)) != int32(n) {
					t.Errorf("%s: value %d, strace %s", fix.Name, int32(binary.LittleEndian.Uint32(fix.Data)), v)
				}
				compared++
			}
		}
	}
	if compared < 30 {
		t.Errorf("only %d values compared with strace", compared)
	}
}

func TestSockoptNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{LevelName(unix.SOL_SOCKET), "SOL_SOCKET"},
		{LevelName(unix.SOL_NETLINK), "SOL_NETLINK"},
		{LevelName(unix.SOL_IP), "SOL_IP"},
		{LevelName(9999), "9999"},
		{Name(unix.SOL_SOCKET, unix.SO_SNDBUFFORCE), "SO_SNDBUFFORCE"},
		{Name(unix.SOL_SOCKET, unix.SO_ATTACH_FILTER), "SO_ATTACH_FILTER"},
		{Name(unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK), "NETLINK_GET_STRICT_CHK"},
		{Name(unix.SOL_IP, 64), "IPT_SO_SET_REPLACE"},
		{Name(unix.SOL_IP, 65), "IPT_SO_SET_ADD_COUNTERS"},
		{GetName(unix.SOL_IP, 64), "IPT_SO_GET_INFO"},
		{GetName(unix.SOL_IP, 65), "IPT_SO_GET_ENTRIES"},
		{Name(unix.SOL_IPV6, 64), "IP6T_SO_SET_REPLACE"},
		{Name(unix.SOL_IP, unix.IP_ADD_MEMBERSHIP), "IP_ADD_MEMBERSHIP"},
		{Name(unix.SOL_TCP, unix.TCP_NODELAY), "TCP_NODELAY"},
		{Name(unix.SOL_SOCKET, 999), "999"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// All SO_* numbers of the header have names.
	for n := uint32(1); n <= 75; n++ {
		if n == 54 || n == 58 {
			continue // unassigned
		}
		if got := Name(unix.SOL_SOCKET, n); !strings.HasPrefix(got, "SO_") {
			t.Errorf("SockoptName(SOL_SOCKET, %d) = %q", n, got)
		}
	}
}

// TestDecodeSockoptTruncated decodes every capture cut at every length.
func TestDecodeSockoptTruncated(t *testing.T) {
	for _, fix := range capture.LoadAll(t, "sockopt_*.hex") {
		level, name, get := sockoptArgs(t, fix)
		for n := 0; n <= len(fix.Data); n++ {
			var fields []event.Field
			if get {
				fields = DecodeGet(level, name, fix.Data[:n]).Fields
			} else {
				fields = Decode(level, name, fix.Data[:n]).Fields
			}
			eventtest.CheckFieldBounds(t, fields, n)
		}
	}
	fix := capture.Load(t, "sockopt_ipt_set_replace_nat")
	sum := Decode(unix.SOL_IP, 64, fix.Data[:256]).Summary
	if want := "IPT_SO_SET_REPLACE table=nat hooks=PREROUTING|INPUT|OUTPUT|POSTROUTING entries=6 size=952 old_counters=5 (256 of 1048 bytes captured)"; sum != want {
		t.Errorf("truncated SET_REPLACE: %q, want %q", sum, want)
	}
}

func FuzzDecodeSockopt(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(capture.Dir, "sockopt_*.hex"))
	for _, p := range paths {
		fix, err := capture.Parse(p)
		if err != nil {
			f.Fatal(err)
		}
		fs := strings.Fields(fix.Meta["args"])
		if len(fs) != 2 {
			continue
		}
		level, _ := strconv.ParseUint(fs[0], 0, 32)
		name, _ := strconv.ParseUint(fs[1], 0, 32)
		f.Add(uint32(level), uint32(name), fix.Meta["syscall"] == "getsockopt", uint16(0), fix.Data)
	}
	f.Fuzz(func(t *testing.T, level, name uint32, get bool, proto uint16, value []byte) {
		dir := Set
		if get {
			dir = Get
		}
		d := DecodeFor(dir, proto, level, name, value)
		if d.Summary == "" {
			t.Fatal("empty summary")
		}
		eventtest.CheckFieldBounds(t, d.Fields, len(value))
		eventtest.CheckFieldBounds(t, Decode(level, name, value).Fields, len(value))
	})
}
