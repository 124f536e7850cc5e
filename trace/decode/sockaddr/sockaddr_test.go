package sockaddr

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

var sockaddrWant = []struct {
	file    string
	proto   int // -1: decode without a protocol
	summary string
	fields  map[string]string
}{
	{"sockaddr_nl_route", unix.NETLINK_ROUTE, `AF_NETLINK pid=\d+`, map[string]string{"nl_family": "AF_NETLINK", "nl_groups": "0"}},
	{"sockaddr_nl_route_monitor", unix.NETLINK_ROUTE, `AF_NETLINK pid=\d+ groups=RTMGRP_LINK\|RTMGRP_NEIGH\|RTMGRP_IPV4_IFADDR\|RTMGRP_IPV4_MROUTE\|RTMGRP_IPV4_ROUTE\|RTMGRP_IPV4_RULE\|RTMGRP_IPV6_IFADDR\|RTMGRP_IPV6_MROUTE\|RTMGRP_IPV6_ROUTE\|RTMGRP_IPV6_PREFIX\|0x1d840000`, nil},
	{"sockaddr_nl_route_monitor", -1, `AF_NETLINK pid=\d+ groups=0x1d8607f5`, nil},
	{"sockaddr_nl_netfilter", unix.NETLINK_NETFILTER, `AF_NETLINK pid=\d+ groups=NF_NETLINK_CONNTRACK_NEW\|NF_NETLINK_CONNTRACK_DESTROY`, nil},
	{"sockaddr_in_udp", -1, `AF_INET 127\.0\.0\.1:8080`, map[string]string{"sin_port": "8080", "sin_addr": "127.0.0.1"}},
	{"sockaddr_in6_udp", -1, `AF_INET6 \[::1\]:53`, map[string]string{"sin6_addr": "::1", "sin6_scope_id": "0"}},
	{"sockaddr_un_path", -1, `AF_UNIX "/tmp/netexplore-capture\.sock"`, nil},
	{"sockaddr_un_abstract", -1, `AF_UNIX @"netexplore/capture"`, nil},
	{"sockaddr_un_unnamed", -1, `AF_UNIX unnamed`, nil},
	{"sockaddr_ll_lo", -1, `AF_PACKET proto=ETH_P_ALL ifindex=1 addr=00:00:00:00:00:00`, map[string]string{"sll_hatype": "ARPHRD_LOOPBACK", "sll_halen": "6"}},
}

func TestDecodeSockaddrCaptured(t *testing.T) {
	for _, tc := range sockaddrWant {
		t.Run(fmt.Sprintf("%s/%d", tc.file, tc.proto), func(t *testing.T) {
			fix := capture.Load(t, tc.file)
			var d event.Decoded
			if tc.proto < 0 {
				d = Decode(fix.Data)
			} else {
				d = DecodeProto(fix.Data, uint16(tc.proto))
			}
			sum, fields := d.Summary, d.Fields
			if !regexp.MustCompile("^" + tc.summary + "$").MatchString(sum) {
				t.Errorf("summary %q, want match for %q", sum, tc.summary)
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

func TestDecodeSockaddrOffsets(t *testing.T) {
	fix := capture.Load(t, "sockaddr_nl_route_monitor")
	fields := DecodeProto(fix.Data, unix.NETLINK_ROUTE).Fields
	pid := strconv.FormatUint(uint64(binary.LittleEndian.Uint32(fix.Data[4:])), 10)
	want := []event.Field{
		{Name: "nl_family", Value: "AF_NETLINK", Offset: 0, Length: 2},
		{Name: "nl_pad", Value: "0", Offset: 2, Length: 2},
		{Name: "nl_pid", Value: pid, Offset: 4, Length: 4},
		{Name: "nl_groups", Value: "RTMGRP_LINK|RTMGRP_NEIGH|RTMGRP_IPV4_IFADDR|RTMGRP_IPV4_MROUTE|RTMGRP_IPV4_ROUTE|RTMGRP_IPV4_RULE|RTMGRP_IPV6_IFADDR|RTMGRP_IPV6_MROUTE|RTMGRP_IPV6_ROUTE|RTMGRP_IPV6_PREFIX|0x1d840000", Offset: 8, Length: 4},
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	fix = capture.Load(t, "sockaddr_ll_lo")
	fields = Decode(fix.Data).Fields
	want = []event.Field{
		{Name: "sll_family", Value: "AF_PACKET", Offset: 0, Length: 2},
		{Name: "sll_protocol", Value: "ETH_P_ALL", Offset: 2, Length: 2},
		{Name: "sll_ifindex", Value: "1", Offset: 4, Length: 4},
		{Name: "sll_hatype", Value: "ARPHRD_LOOPBACK", Offset: 8, Length: 2},
		{Name: "sll_pkttype", Value: "PACKET_HOST", Offset: 10, Length: 1},
		{Name: "sll_halen", Value: "6", Offset: 11, Length: 1},
		{Name: "sll_addr", Value: "00:00:00:00:00:00", Offset: 12, Length: 6}, // getsockname returns 12+sll_halen bytes
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// TestSockaddrMatchesStrace compares each capture with strace's decoding
// of the same getsockname(2) call.
func TestSockaddrMatchesStrace(t *testing.T) {
	compared := 0
	for _, fix := range capture.LoadAll(t, "sockaddr_*.hex") {
		m := regexp.MustCompile(`^getsockname\(\d+, (\{.*\}), \[[^\]]*\]\) = 0$`).FindStringSubmatch(fix.Meta["strace"])
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, fix.Meta["strace"])
			continue
		}
		leaves := capture.StraceLeaves(m[1])
		fields := Decode(fix.Data).Fields
		for k, sv := range leaves {
			var got string
			switch k {
			case "sa_family":
				got = FamilyName(binary.LittleEndian.Uint16(fix.Data))
			case "nl_groups", "sin6_flowinfo":
				want, _ := strconv.ParseUint(strings.TrimPrefix(sv, "0x"), 16, 32)
				if f, ok := event.Find(fields, k); ok {
					n, _ := strconv.ParseUint(strings.TrimPrefix(f.Value, "0x"), 16, 32)
					if n != want {
						t.Errorf("%s: %s = %s, strace %s", fix.Name, k, f.Value, sv)
					}
					compared++
				}
				continue
			case "nl_pid": // strace prints the port ID as a signed int
				n, _ := strconv.ParseInt(sv, 10, 64)
				sv = strconv.FormatUint(uint64(uint32(n)), 10)
				got = fieldValueOf(fields, k)
			case "sll_ifindex":
				// strace prints if_nametoindex("lo") for interfaces it can resolve.
				if v, ok := strings.CutPrefix(sv, `if_nametoindex("`); ok {
					sv = map[string]string{"lo": "1"}[strings.TrimSuffix(v, `")`)]
				}
				got = fieldValueOf(fields, k)
			default:
				got = fieldValueOf(fields, k)
			}
			if got == "" {
				continue
			}
			if got != sv {
				t.Errorf("%s: %s = %q, strace %q", fix.Name, k, got, sv)
			}
			compared++
		}
	}
	if compared < 12 {
		t.Errorf("only %d values compared with strace", compared)
	}
}

// fieldValueOf returns the value of the first field named name, or "".
func fieldValueOf(fields []event.Field, name string) string {
	f, _ := event.Find(fields, name)
	return f.Value
}

func TestSocketNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{FamilyName(unix.AF_NETLINK), "AF_NETLINK"},
		{FamilyName(unix.AF_INET6), "AF_INET6"},
		{FamilyName(unix.AF_PACKET), "AF_PACKET"},
		{FamilyName(200), "200"},
		{TypeName(unix.SOCK_RAW), "SOCK_RAW"},
		{TypeName(unix.SOCK_DGRAM | unix.SOCK_NONBLOCK), "SOCK_DGRAM|SOCK_NONBLOCK"},
		{TypeArg(unix.SOCK_RAW | unix.SOCK_CLOEXEC), "SOCK_RAW|SOCK_CLOEXEC"},
		{TypeArg(unix.SOCK_STREAM | unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK), "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC"},
		{TypeArg(unix.SOCK_DGRAM | 0x100000), "SOCK_DGRAM|0x100000"},
		{NetlinkProtocolName(unix.NETLINK_ROUTE), "NETLINK_ROUTE"},
		{NetlinkProtocolName(unix.NETLINK_NETFILTER), "NETLINK_NETFILTER"},
		{NetlinkProtocolName(unix.NETLINK_GENERIC), "NETLINK_GENERIC"},
		{NetlinkProtocolName(unix.NETLINK_KOBJECT_UEVENT), "NETLINK_KOBJECT_UEVENT"},
		{NetlinkProtocolName(99), "99"},
		{ProtocolName(unix.AF_INET, unix.IPPROTO_RAW), "IPPROTO_RAW"},
		{ProtocolName(unix.AF_NETLINK, unix.NETLINK_NETFILTER), "NETLINK_NETFILTER"},
		{ProtocolName(unix.AF_PACKET, 0x0300), "ETH_P_ALL"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// Every netlink protocol of linux/netlink.h has a name.
	for p := uint16(0); p <= 22; p++ {
		if p == 17 {
			continue // unassigned
		}
		if n := NetlinkProtocolName(p); !strings.HasPrefix(n, "NETLINK_") {
			t.Errorf("NetlinkProtocolName(%d) = %q", p, n)
		}
	}
}

func TestDecodeSockaddrEdges(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, "empty sockaddr"},
		{[]byte{16}, "truncated sockaddr (1 byte)"},
		{[]byte{16, 0, 0, 0, 1, 0}, "AF_NETLINK (truncated)"},
		{[]byte{0, 0}, "AF_UNSPEC"},
		{[]byte{2, 0, 0x1f}, "AF_INET (truncated)"},
		{[]byte{38, 0, 'h', 'a', 's', 'h'}, "AF_ALG 68617368"},
		{[]byte{200, 0, 1}, "200 01"},
	}
	for _, tc := range tests {
		d := Decode(tc.in)
		got, fields := d.Summary, d.Fields
		if got != tc.want {
			t.Errorf("DecodeSockaddr(% x) = %q, want %q", tc.in, got, tc.want)
		}
		eventtest.CheckFieldBounds(t, fields, len(tc.in))
	}
}

func FuzzDecodeSockaddr(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(capture.Dir, "sockaddr_*.hex"))
	for _, p := range paths {
		fix, err := capture.Parse(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fix.Data, uint16(0))
		f.Add(fix.Data, uint16(unix.NETLINK_NETFILTER))
	}
	f.Fuzz(func(t *testing.T, b []byte, proto uint16) {
		d := DecodeProto(b, proto)
		if d.Summary == "" {
			t.Fatal("empty summary")
		}
		eventtest.CheckFieldBounds(t, d.Fields, len(b))
		d2 := Decode(b)
		if d2.Summary == "" {
			t.Fatal("empty summary")
		}
		eventtest.CheckFieldBounds(t, d2.Fields, len(b))
	})
}
