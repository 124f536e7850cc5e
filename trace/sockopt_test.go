package trace

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
)

// setsockopt issues setsockopt(2) and records the value passed.
func (r *capRecorder) setsockopt(fd, level, name int, val []byte, file, desc string, volatile bool) error {
	_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(name), uintptr(unsafe.Pointer(&val[0])), uintptr(len(val)), 0)
	if e != 0 {
		return fmt.Errorf("setsockopt for %s: %w", file, e)
	}
	r.recs = append(r.recs, capRecord{File: file, Desc: desc, Syscall: "setsockopt", Fd: fd,
		Args: []uint64{uint64(level), uint64(name)}, Data: append([]byte(nil), val...), Volatile: volatile})
	return nil
}

// getsockopt issues getsockopt(2) with a size-byte buffer and records what
// the kernel wrote.
func (r *capRecorder) getsockopt(fd, level, name, size int, file, desc string) error {
	buf := make([]byte, size)
	n := uint32(size)
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(name), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return fmt.Errorf("getsockopt for %s: %w", file, e)
	}
	r.recs = append(r.recs, capRecord{File: file, Desc: desc, Syscall: "getsockopt", Fd: fd,
		Args: []uint64{uint64(level), uint64(name)}, Data: buf[:min(int(n), size)]})
	return nil
}

func capInt(v int32) []byte {
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, uint32(v))
	return b
}

// sockoptScenario sets and reads the options iproute2 uses on its netlink
// socket (as strace shows for `ip monitor all`) and a few SOL_SOCKET ones.
func sockoptScenario(r *capRecorder) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	steps := []struct {
		level, name int
		val         int32
		file, desc  string
	}{
		{unix.SOL_SOCKET, unix.SO_SNDBUF, 32768, "sockopt_so_sndbuf", "setsockopt(SO_SNDBUF, 32768) on a NETLINK_ROUTE socket, as ip(8) does"},
		{unix.SOL_SOCKET, unix.SO_RCVBUF, 1048576, "sockopt_so_rcvbuf", "setsockopt(SO_RCVBUF, 1048576) on a NETLINK_ROUTE socket, as ip(8) does"},
		{unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1, "sockopt_netlink_ext_ack", "setsockopt(NETLINK_EXT_ACK, 1), as ip(8) does"},
		{unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1, "sockopt_netlink_get_strict_chk", "setsockopt(NETLINK_GET_STRICT_CHK, 1), as ip(8) does"},
		{unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, unix.RTNLGRP_NEXTHOP, "sockopt_netlink_add_membership_nexthop", "setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_NEXTHOP), as `ip monitor all` does"},
		{unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, unix.RTNLGRP_LINK, "sockopt_netlink_add_membership_link", "setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK), as vishvananda/netlink's LinkSubscribe does"},
		{unix.SOL_NETLINK, unix.NETLINK_DROP_MEMBERSHIP, unix.RTNLGRP_LINK, "sockopt_netlink_drop_membership_link", "setsockopt(NETLINK_DROP_MEMBERSHIP, RTNLGRP_LINK)"},
		{unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1, "sockopt_netlink_cap_ack", "setsockopt(NETLINK_CAP_ACK, 1)"},
		{unix.SOL_NETLINK, unix.NETLINK_NO_ENOBUFS, 1, "sockopt_netlink_no_enobufs", "setsockopt(NETLINK_NO_ENOBUFS, 1)"},
		{unix.SOL_NETLINK, unix.NETLINK_BROADCAST_ERROR, 1, "sockopt_netlink_broadcast_error", "setsockopt(NETLINK_BROADCAST_ERROR, 1)"},
		{unix.SOL_NETLINK, unix.NETLINK_LISTEN_ALL_NSID, 1, "sockopt_netlink_listen_all_nsid", "setsockopt(NETLINK_LISTEN_ALL_NSID, 1)"},
		{unix.SOL_NETLINK, unix.NETLINK_PKTINFO, 1, "sockopt_netlink_pktinfo", "setsockopt(NETLINK_PKTINFO, 1)"},
		{unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 4194304, "sockopt_so_rcvbufforce", "setsockopt(SO_RCVBUFFORCE, 4194304), which root may use beyond rmem_max"},
	}
	for _, s := range steps {
		if err := r.setsockopt(fd, s.level, s.name, capInt(s.val), s.file, s.desc, false); err != nil {
			return err
		}
	}
	if err := r.getsockopt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4, "sockopt_get_so_rcvbuf", "getsockopt(SO_RCVBUF): the kernel doubles the requested size"); err != nil {
		return err
	}
	if err := r.getsockopt(fd, unix.SOL_SOCKET, unix.SO_TYPE, 4, "sockopt_get_so_type", "getsockopt(SO_TYPE) on a NETLINK_ROUTE socket"); err != nil {
		return err
	}
	if err := r.getsockopt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN, 4, "sockopt_get_so_domain", "getsockopt(SO_DOMAIN) on a NETLINK_ROUTE socket"); err != nil {
		return err
	}
	if err := r.getsockopt(fd, unix.SOL_NETLINK, unix.NETLINK_LIST_MEMBERSHIPS, 8, "sockopt_get_netlink_list_memberships", "getsockopt(NETLINK_LIST_MEMBERSHIPS) after joining RTNLGRP_NEXTHOP"); err != nil {
		return err
	}
	udp, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(udp)
	if err := r.setsockopt(udp, unix.SOL_SOCKET, unix.SO_REUSEADDR, capInt(1), "sockopt_so_reuseaddr", "setsockopt(SO_REUSEADDR, 1) on a UDP socket", false); err != nil {
		return err
	}
	if err := r.setsockopt(udp, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, []byte("lo\x00"), "sockopt_so_bindtodevice", `setsockopt(SO_BINDTODEVICE, "lo")`, false); err != nil {
		return err
	}
	linger := make([]byte, 8)
	binary.LittleEndian.PutUint32(linger, 1)
	binary.LittleEndian.PutUint32(linger[4:], 5)
	if err := r.setsockopt(udp, unix.SOL_SOCKET, unix.SO_LINGER, linger, "sockopt_so_linger", "setsockopt(SO_LINGER, {on, 5s})", false); err != nil {
		return err
	}
	// A classic BPF program of one instruction: ret #0xffff.
	insn := make([]byte, 8)
	binary.LittleEndian.PutUint16(insn, unix.BPF_RET|unix.BPF_K)
	binary.LittleEndian.PutUint32(insn[4:], 0xffff)
	prog := make([]byte, 16)
	binary.LittleEndian.PutUint16(prog, 1)
	binary.LittleEndian.PutUint64(prog[8:], uint64(uintptr(unsafe.Pointer(&insn[0]))))
	if err := r.setsockopt(udp, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, prog, "sockopt_so_attach_filter", "setsockopt(SO_ATTACH_FILTER) with a one-instruction classic BPF program", true); err != nil {
		return err
	}
	runtime.KeepAlive(insn) // the kernel copied it during the call
	return nil
}

// straceString decodes a C string literal as strace prints it ("a\0\377").
func straceString(s string) ([]byte, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, fmt.Errorf("not a string literal: %.40q", s)
	}
	s = s[1 : len(s)-1]
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, fmt.Errorf("dangling backslash")
		}
		switch e := s[i]; {
		case e >= '0' && e <= '7':
			v, n := 0, 0
			for n < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7' {
				v = v*8 + int(s[i]-'0')
				i++
				n++
			}
			i--
			out = append(out, byte(v))
		case e == 'x':
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, err
			}
			out = append(out, byte(v))
			i += 2
		default:
			m := map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'v': '\v', 'f': '\f', 'a': '\a', 'b': '\b', '\\': '\\', '"': '"'}
			v, ok := m[e]
			if !ok {
				return nil, fmt.Errorf("unknown escape \\%c", e)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

var straceSockoptRE = regexp.MustCompile(`^(setsockopt|getsockopt)\(\d+, (\w+), (\w+), ("(?:[^"\\]|\\.)*"), \[?(\d+)\]?\) = 0$`)

// captureToolSockopts records the x_tables blobs iptables-legacy exchanges
// with the kernel, from strace's dump of the real tool inside a new network
// namespace.
func captureToolSockopts(t *testing.T) {
	t.Helper()
	testutil.RequireCommand(t, "iptables-legacy", "iptables")
	dir := t.TempDir()
	cmds := [][]string{
		{"iptables-legacy", "-t", "nat", "-A", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"},
		{"iptables-legacy", "-t", "filter", "-N", "DOCKER"},
		{"iptables-legacy", "-t", "filter", "-A", "FORWARD", "-o", "docker0", "-j", "DOCKER"},
	}
	var script []string
	for i, c := range cmds {
		script = append(script, fmt.Sprintf("strace -f -qq -s 65536 -e trace=setsockopt,getsockopt -o %s/%d.txt %s", dir, i, FormatArgv(c)))
	}
	if out, err := exec.Command("unshare", "-n", "sh", "-ec", strings.Join(script, "\n")).CombinedOutput(); err != nil {
		t.Fatalf("iptables-legacy under strace: %v\n%s", err, out)
	}
	want := []struct {
		cmd         int
		syscall, op string
		file, desc  string
	}{
		{0, "getsockopt", "IPT_SO_GET_REVISION_TARGET", "sockopt_ipt_get_revision_target", "iptables-legacy asks which revision of the MASQUERADE target the kernel has"},
		{0, "getsockopt", "IPT_SO_GET_INFO", "sockopt_ipt_get_info_nat", "iptables-legacy reads the header of the empty nat table"},
		{0, "getsockopt", "IPT_SO_GET_ENTRIES", "sockopt_ipt_get_entries_nat", "iptables-legacy reads the rules of the empty nat table"},
		{0, "setsockopt", "IPT_SO_SET_REPLACE", "sockopt_ipt_set_replace_nat", "iptables-legacy writes back the whole nat table with the MASQUERADE rule added"},
		{0, "setsockopt", "IPT_SO_SET_ADD_COUNTERS", "sockopt_ipt_set_add_counters_nat", "iptables-legacy restores the packet counters of the nat table"},
		{2, "setsockopt", "IPT_SO_SET_REPLACE", "sockopt_ipt_set_replace_filter", "iptables-legacy writes back the filter table with chain DOCKER and a jump to it from FORWARD"},
	}
	for _, w := range want {
		lines, err := os.ReadFile(fmt.Sprintf("%s/%d.txt", dir, w.cmd))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range strings.Split(string(lines), "\n") {
			line = strings.TrimLeft(strings.TrimLeft(line, "0123456789"), " ")
			m := straceSockoptRE.FindStringSubmatch(line)
			if m == nil || m[1] != w.syscall || m[3] != w.op {
				continue
			}
			data, err := straceString(m[4])
			if err != nil {
				t.Fatalf("%s: %v", w.file, err)
			}
			level, name := uint64(unix.SOL_IP), uint64(64)
			switch w.op {
			case "IPT_SO_SET_ADD_COUNTERS", "IPT_SO_GET_ENTRIES":
				name = 65
			case "IPT_SO_GET_REVISION_TARGET":
				name = 67
			}
			short := strings.Replace(line, m[4], `"…"`, 1)
			comments := []string{
				w.desc,
				"produced by: go test ./trace -run TestCaptureFixtures -update: strace -s 65536 -e trace=setsockopt,getsockopt " + FormatArgv(cmds[w.cmd]) + " inside unshare -n; bytes are strace's dump of the value",
				"syscall: " + w.syscall,
				fmt.Sprintf("args: %#x %#x", level, name),
				"result: 0",
				"strace: " + short,
			}
			if err := writeCapture(w.file, comments, data); err != nil {
				t.Fatal(err)
			}
			found = true
			break
		}
		if !found {
			t.Fatalf("%s: no %s %s in strace output of %v", w.file, w.syscall, w.op, cmds[w.cmd])
		}
	}
}

// sockoptArgs returns the level and option number stored with a capture.
func sockoptArgs(t *testing.T, fix capFixture) (uint32, uint32, bool) {
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

func decodeCapturedSockopt(t *testing.T, fix capFixture, proto int) (string, []Field) {
	level, name, get := sockoptArgs(t, fix)
	dir := SockoptSet
	if get {
		dir = SockoptGet
	}
	if proto < 0 {
		if get {
			return DecodeGetsockopt(level, name, fix.Data)
		}
		return DecodeSockopt(level, name, fix.Data)
	}
	return DecodeSockoptFor(dir, uint16(proto), level, name, fix.Data)
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
	{"sockopt_netlink_add_membership_nexthop", NetlinkRoute, "NETLINK_ADD_MEMBERSHIP RTNLGRP_NEXTHOP", map[string]string{"group": "RTNLGRP_NEXTHOP (32)"}},
	{"sockopt_netlink_add_membership_nexthop", -1, "NETLINK_ADD_MEMBERSHIP 32", map[string]string{"group": "32"}},
	{"sockopt_netlink_add_membership_link", NetlinkRoute, "NETLINK_ADD_MEMBERSHIP RTNLGRP_LINK", nil},
	{"sockopt_netlink_add_membership_link", NetlinkNetfilter, "NETLINK_ADD_MEMBERSHIP NFNLGRP_CONNTRACK_NEW", nil},
	{"sockopt_netlink_drop_membership_link", NetlinkRoute, "NETLINK_DROP_MEMBERSHIP RTNLGRP_LINK", nil},
	{"sockopt_get_so_rcvbuf", -1, "SO_RCVBUF=8388608", nil},
	{"sockopt_get_so_type", -1, "SO_TYPE=SOCK_RAW", nil},
	{"sockopt_get_so_domain", -1, "SO_DOMAIN=AF_NETLINK", nil},
	{"sockopt_get_netlink_list_memberships", NetlinkRoute, "NETLINK_LIST_MEMBERSHIPS RTNLGRP_NEXTHOP", map[string]string{"groups[0]": "0x80000000", "groups[1]": "0x00000000"}},
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
			fix := loadCapture(t, tc.file)
			sum, fields := decodeCapturedSockopt(t, fix, tc.proto)
			if sum != tc.summary {
				t.Errorf("summary %q, want %q", sum, tc.summary)
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

func TestDecodeSockoptOffsets(t *testing.T) {
	fix := loadCapture(t, "sockopt_ipt_get_info_nat")
	_, fields := DecodeGetsockopt(unix.SOL_IP, 64, fix.Data)
	var got []Field
	for _, f := range fields {
		got = append(got, Field{Name: f.Name, Offset: f.Offset, Length: f.Length})
	}
	want := []Field{
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
	fix = loadCapture(t, "sockopt_ipt_set_replace_nat")
	_, fields = DecodeSockopt(unix.SOL_IP, 64, fix.Data)
	ent, ok := Find(fields, "entries")
	if !ok || ent.Offset != 96 || ent.Length != len(fix.Data)-96 {
		t.Fatalf("entries field = %+v", ent)
	}
	rule, _ := Find(fields, "entry[3]")
	target, _ := Find(rule.Children, "target")
	if !strings.HasPrefix(target.Value, `"MASQUERADE"`) || target.Offset+target.Length != rule.Offset+rule.Length {
		t.Errorf("MASQUERADE target = %+v in rule %+v", target, rule)
	}
	out, _ := Find(rule.Children, "ip.outiface")
	if out.Value != `"docker0"` || out.Offset != rule.Offset+32 || out.Length != 16 {
		t.Errorf("ip.outiface = %+v", out)
	}
}

// TestSockoptMatchesStrace checks the integer options against strace's
// decoding of the same call.
func TestSockoptMatchesStrace(t *testing.T) {
	compared := 0
	re := regexp.MustCompile(`^(?:set|get)sockopt\(\d+, (\w+), (\w+), (.*), \[?\d+\]?\) = 0$`)
	for _, fix := range loadCaptures(t, "sockopt_*.hex") {
		m := re.FindStringSubmatch(fix.Meta["strace"])
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, fix.Meta["strace"])
			continue
		}
		level, name, get := sockoptArgs(t, fix)
		if got := SocketLevelName(level); got != m[1] {
			t.Errorf("%s: level %q, strace %q", fix.Name, got, m[1])
		}
		optName := SockoptName(level, name)
		if get {
			optName = GetsockoptName(level, name)
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
		{SocketLevelName(unix.SOL_SOCKET), "SOL_SOCKET"},
		{SocketLevelName(unix.SOL_NETLINK), "SOL_NETLINK"},
		{SocketLevelName(unix.SOL_IP), "SOL_IP"},
		{SocketLevelName(9999), "9999"},
		{SockoptName(unix.SOL_SOCKET, unix.SO_SNDBUFFORCE), "SO_SNDBUFFORCE"},
		{SockoptName(unix.SOL_SOCKET, unix.SO_ATTACH_FILTER), "SO_ATTACH_FILTER"},
		{SockoptName(unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK), "NETLINK_GET_STRICT_CHK"},
		{SockoptName(unix.SOL_IP, 64), "IPT_SO_SET_REPLACE"},
		{SockoptName(unix.SOL_IP, 65), "IPT_SO_SET_ADD_COUNTERS"},
		{GetsockoptName(unix.SOL_IP, 64), "IPT_SO_GET_INFO"},
		{GetsockoptName(unix.SOL_IP, 65), "IPT_SO_GET_ENTRIES"},
		{SockoptName(unix.SOL_IPV6, 64), "IP6T_SO_SET_REPLACE"},
		{SockoptName(unix.SOL_IP, unix.IP_ADD_MEMBERSHIP), "IP_ADD_MEMBERSHIP"},
		{SockoptName(unix.SOL_TCP, unix.TCP_NODELAY), "TCP_NODELAY"},
		{SockoptName(unix.SOL_SOCKET, 999), "999"},
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
		if got := SockoptName(unix.SOL_SOCKET, n); !strings.HasPrefix(got, "SO_") {
			t.Errorf("SockoptName(SOL_SOCKET, %d) = %q", n, got)
		}
	}
}

// TestDecodeSockoptTruncated decodes every capture cut at every length.
func TestDecodeSockoptTruncated(t *testing.T) {
	for _, fix := range loadCaptures(t, "sockopt_*.hex") {
		level, name, get := sockoptArgs(t, fix)
		for n := 0; n <= len(fix.Data); n++ {
			var fields []Field
			if get {
				_, fields = DecodeGetsockopt(level, name, fix.Data[:n])
			} else {
				_, fields = DecodeSockopt(level, name, fix.Data[:n])
			}
			checkFieldBounds(t, fields, n)
		}
	}
	fix := loadCapture(t, "sockopt_ipt_set_replace_nat")
	sum, _ := DecodeSockopt(unix.SOL_IP, 64, fix.Data[:256])
	if want := "IPT_SO_SET_REPLACE table=nat hooks=PREROUTING|INPUT|OUTPUT|POSTROUTING entries=6 size=952 old_counters=5 (256 of 1048 bytes captured)"; sum != want {
		t.Errorf("truncated SET_REPLACE: %q, want %q", sum, want)
	}
}

func FuzzDecodeSockopt(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "sockopt_*.hex"))
	for _, p := range paths {
		fix, err := parseCapture(p)
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
		dir := SockoptSet
		if get {
			dir = SockoptGet
		}
		sum, fields := DecodeSockoptFor(dir, proto, level, name, value)
		if sum == "" {
			t.Fatal("empty summary")
		}
		checkFieldBounds(t, fields, len(value))
		_, fields = DecodeSockopt(level, name, value)
		checkFieldBounds(t, fields, len(value))
	})
}
