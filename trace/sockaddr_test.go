package trace

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// getsockname records the socket address the kernel reports for fd.
func (r *capRecorder) getsockname(fd int, file, desc string) error {
	buf := make([]byte, 128)
	n := uint32(len(buf))
	_, _, e := unix.Syscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return fmt.Errorf("getsockname for %s: %w", file, e)
	}
	r.recs = append(r.recs, capRecord{File: file, Desc: desc, Syscall: "getsockname", Fd: fd, Data: buf[:min(int(n), len(buf))]})
	return nil
}

// capBind binds fd to the raw socket address sa.
func capBind(fd int, sa []byte) error {
	_, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
	if e != 0 {
		return fmt.Errorf("bind: %w", e)
	}
	return nil
}

// sockaddrScenario binds sockets of every decoded family and records the
// address the kernel reports back with getsockname(2).
func sockaddrScenario(r *capRecorder) error {
	le := binary.LittleEndian
	// Bring lo up so that 127.0.0.1 and ::1 exist.
	lo, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(lo)
	ifr := capIfreq("lo")
	le.PutUint16(ifr[16:], unix.IFF_UP)
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(lo), unix.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		return fmt.Errorf("bringing lo up: %w", e)
	}

	type nlCase struct {
		file, desc string
		proto      int
		groups     uint32
	}
	for _, c := range []nlCase{
		{"sockaddr_nl_route", "NETLINK_ROUTE socket bound with nl_pid 0, nl_groups 0 as ip(8) does; getsockname shows the port ID the kernel chose", unix.NETLINK_ROUTE, 0},
		{"sockaddr_nl_route_monitor", "NETLINK_ROUTE socket bound with the nl_groups of `ip monitor all` (0x1d8607f5)", unix.NETLINK_ROUTE, 0x1d8607f5},
		{"sockaddr_nl_netfilter", "NETLINK_NETFILTER socket bound to conntrack new+destroy events (NF_NETLINK_CONNTRACK_NEW|DESTROY)", unix.NETLINK_NETFILTER, 0x5},
	} {
		fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, c.proto)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		sa := make([]byte, 12)
		le.PutUint16(sa, unix.AF_NETLINK)
		le.PutUint32(sa[8:], c.groups)
		if err := capBind(fd, sa); err != nil {
			return err
		}
		if err := r.getsockname(fd, c.file, c.desc); err != nil {
			return err
		}
	}

	udp, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(udp)
	if err := unix.Bind(udp, &unix.SockaddrInet4{Port: 8080, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fmt.Errorf("bind 127.0.0.1:8080: %w", err)
	}
	if err := r.getsockname(udp, "sockaddr_in_udp", "UDP socket bound to 127.0.0.1:8080"); err != nil {
		return err
	}
	udp6, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(udp6)
	if err := unix.Bind(udp6, &unix.SockaddrInet6{Port: 53, Addr: [16]byte(net.IPv6loopback)}); err != nil {
		return fmt.Errorf("bind [::1]:53: %w", err)
	}
	if err := r.getsockname(udp6, "sockaddr_in6_udp", "UDP socket bound to [::1]:53"); err != nil {
		return err
	}

	const sockPath = "/tmp/netexplore-capture.sock"
	os.Remove(sockPath)
	defer os.Remove(sockPath)
	un, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(un)
	if err := unix.Bind(un, &unix.SockaddrUnix{Name: sockPath}); err != nil {
		return fmt.Errorf("bind %s: %w", sockPath, err)
	}
	if err := r.getsockname(un, "sockaddr_un_path", "AF_UNIX stream socket bound to "+sockPath); err != nil {
		return err
	}
	abs, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(abs)
	if err := unix.Bind(abs, &unix.SockaddrUnix{Name: "@netexplore/capture"}); err != nil {
		return fmt.Errorf("bind abstract: %w", err)
	}
	if err := r.getsockname(abs, "sockaddr_un_abstract", "AF_UNIX socket bound to the abstract name @netexplore/capture"); err != nil {
		return err
	}
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])
	if err := r.getsockname(pair[0], "sockaddr_un_unnamed", "one end of a socketpair(2): an unnamed AF_UNIX socket"); err != nil {
		return err
	}

	const ethPAll = 0x0003
	pkt, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(ethPAll<<8))
	if err != nil {
		return err
	}
	defer unix.Close(pkt)
	if err := unix.Bind(pkt, &unix.SockaddrLinklayer{Protocol: ethPAll << 8, Ifindex: 1}); err != nil {
		return fmt.Errorf("bind AF_PACKET: %w", err)
	}
	return r.getsockname(pkt, "sockaddr_ll_lo", "AF_PACKET raw socket (ETH_P_ALL) bound to lo")
}

var sockaddrWant = []struct {
	file    string
	proto   int // -1: decode without a protocol
	summary string
	fields  map[string]string
}{
	{"sockaddr_nl_route", NetlinkRoute, `AF_NETLINK pid=\d+`, map[string]string{"nl_family": "AF_NETLINK", "nl_groups": "0"}},
	{"sockaddr_nl_route_monitor", NetlinkRoute, `AF_NETLINK pid=\d+ groups=RTMGRP_LINK\|RTMGRP_NEIGH\|RTMGRP_IPV4_IFADDR\|RTMGRP_IPV4_MROUTE\|RTMGRP_IPV4_ROUTE\|RTMGRP_IPV4_RULE\|RTMGRP_IPV6_IFADDR\|RTMGRP_IPV6_MROUTE\|RTMGRP_IPV6_ROUTE\|RTMGRP_IPV6_PREFIX\|0x1d840000`, nil},
	{"sockaddr_nl_route_monitor", -1, `AF_NETLINK pid=\d+ groups=0x1d8607f5`, nil},
	{"sockaddr_nl_netfilter", NetlinkNetfilter, `AF_NETLINK pid=\d+ groups=NF_NETLINK_CONNTRACK_NEW\|NF_NETLINK_CONNTRACK_DESTROY`, nil},
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
			fix := loadCapture(t, tc.file)
			var sum string
			var fields []Field
			if tc.proto < 0 {
				sum, fields = DecodeSockaddr(fix.Data)
			} else {
				sum, fields = DecodeSockaddrProto(fix.Data, uint16(tc.proto))
			}
			if !regexp.MustCompile("^" + tc.summary + "$").MatchString(sum) {
				t.Errorf("summary %q, want match for %q", sum, tc.summary)
			}
			for name, want := range tc.fields {
				f, ok := Find(fields, name)
				if !ok || f.Value != want {
					t.Errorf("%s = %q (found %v), want %q", name, f.Value, ok, want)
				}
			}
			checkFieldBounds(t, fields, len(fix.Data))
		})
	}
}

func TestDecodeSockaddrOffsets(t *testing.T) {
	fix := loadCapture(t, "sockaddr_nl_route_monitor")
	_, fields := DecodeSockaddrProto(fix.Data, NetlinkRoute)
	pid := strconv.FormatUint(uint64(binary.LittleEndian.Uint32(fix.Data[4:])), 10)
	want := []Field{
		{Name: "nl_family", Value: "AF_NETLINK", Offset: 0, Length: 2},
		{Name: "nl_pad", Value: "0", Offset: 2, Length: 2},
		{Name: "nl_pid", Value: pid, Offset: 4, Length: 4},
		{Name: "nl_groups", Value: "RTMGRP_LINK|RTMGRP_NEIGH|RTMGRP_IPV4_IFADDR|RTMGRP_IPV4_MROUTE|RTMGRP_IPV4_ROUTE|RTMGRP_IPV4_RULE|RTMGRP_IPV6_IFADDR|RTMGRP_IPV6_MROUTE|RTMGRP_IPV6_ROUTE|RTMGRP_IPV6_PREFIX|0x1d840000", Offset: 8, Length: 4},
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	fix = loadCapture(t, "sockaddr_ll_lo")
	_, fields = DecodeSockaddr(fix.Data)
	want = []Field{
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
	for _, fix := range loadCaptures(t, "sockaddr_*.hex") {
		m := regexp.MustCompile(`^getsockname\(\d+, (\{.*\}), \[[^\]]*\]\) = 0$`).FindStringSubmatch(fix.Meta["strace"])
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, fix.Meta["strace"])
			continue
		}
		leaves := straceLeaves(m[1])
		_, fields := DecodeSockaddr(fix.Data)
		for k, sv := range leaves {
			var got string
			switch k {
			case "sa_family":
				got = SocketFamilyName(binary.LittleEndian.Uint16(fix.Data))
			case "nl_groups", "sin6_flowinfo":
				want, _ := strconv.ParseUint(strings.TrimPrefix(sv, "0x"), 16, 32)
				if f, ok := Find(fields, k); ok {
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
func fieldValueOf(fields []Field, name string) string {
	f, _ := Find(fields, name)
	return f.Value
}

func TestSocketNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{SocketFamilyName(unix.AF_NETLINK), "AF_NETLINK"},
		{SocketFamilyName(unix.AF_INET6), "AF_INET6"},
		{SocketFamilyName(unix.AF_PACKET), "AF_PACKET"},
		{SocketFamilyName(200), "200"},
		{SocketTypeName(unix.SOCK_RAW), "SOCK_RAW"},
		{SocketTypeName(unix.SOCK_DGRAM | unix.SOCK_NONBLOCK), "SOCK_DGRAM|SOCK_NONBLOCK"},
		{SocketTypeArg(unix.SOCK_RAW | unix.SOCK_CLOEXEC), "SOCK_RAW|SOCK_CLOEXEC"},
		{SocketTypeArg(unix.SOCK_STREAM | unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK), "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC"},
		{SocketTypeArg(unix.SOCK_DGRAM | 0x100000), "SOCK_DGRAM|0x100000"},
		{NetlinkProtocolName(unix.NETLINK_ROUTE), "NETLINK_ROUTE"},
		{NetlinkProtocolName(unix.NETLINK_NETFILTER), "NETLINK_NETFILTER"},
		{NetlinkProtocolName(unix.NETLINK_GENERIC), "NETLINK_GENERIC"},
		{NetlinkProtocolName(unix.NETLINK_KOBJECT_UEVENT), "NETLINK_KOBJECT_UEVENT"},
		{NetlinkProtocolName(99), "99"},
		{SocketProtocolName(unix.AF_INET, unix.IPPROTO_RAW), "IPPROTO_RAW"},
		{SocketProtocolName(unix.AF_NETLINK, unix.NETLINK_NETFILTER), "NETLINK_NETFILTER"},
		{SocketProtocolName(unix.AF_PACKET, 0x0300), "ETH_P_ALL"},
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
		got, fields := DecodeSockaddr(tc.in)
		if got != tc.want {
			t.Errorf("DecodeSockaddr(% x) = %q, want %q", tc.in, got, tc.want)
		}
		checkFieldBounds(t, fields, len(tc.in))
	}
}

func FuzzDecodeSockaddr(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "sockaddr_*.hex"))
	for _, p := range paths {
		fix, err := parseCapture(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fix.Data, uint16(0))
		f.Add(fix.Data, uint16(NetlinkNetfilter))
	}
	f.Fuzz(func(t *testing.T, b []byte, proto uint16) {
		sum, fields := DecodeSockaddrProto(b, proto)
		if sum == "" {
			t.Fatal("empty summary")
		}
		checkFieldBounds(t, fields, len(b))
		sum2, fields2 := DecodeSockaddr(b)
		if sum2 == "" {
			t.Fatal("empty summary")
		}
		checkFieldBounds(t, fields2, len(b))
	})
}
