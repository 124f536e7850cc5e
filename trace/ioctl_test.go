package trace

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
)

// The decoders of this package are tested on bytes captured from the real
// kernel. TestCaptureFixtures (run as root with -update) performs the
// calls inside a new network namespace, under strace, and stores each
// argument as trace/testdata/<name>.hex together with strace's own
// decoding of the same call, which the tests compare against.

// capFixture is one stored capture: the comment lines' key/value pairs and
// the bytes.
type capFixture struct {
	Name string
	Meta map[string]string
	Data []byte
}

// loadCapture reads testdata/<name>.hex: lines starting with '#' are
// comments ("# key: value" pairs are kept), the rest is hex, whitespace
// ignored.
func loadCapture(t testing.TB, name string) capFixture {
	t.Helper()
	f, err := parseCapture(filepath.Join("testdata", name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func parseCapture(path string) (capFixture, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return capFixture{}, fmt.Errorf("reading capture: %w", err)
	}
	f := capFixture{Name: strings.TrimSuffix(filepath.Base(path), ".hex"), Meta: map[string]string{}}
	var hexText strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "#"); ok {
			if k, v, ok := strings.Cut(strings.TrimSpace(c), ": "); ok {
				f.Meta[k] = v
			}
			continue
		}
		hexText.WriteString(strings.Join(strings.Fields(line), ""))
	}
	f.Data, err = hex.DecodeString(hexText.String())
	if err != nil {
		return capFixture{}, fmt.Errorf("decoding %s: %w", path, err)
	}
	return f, nil
}

// loadCaptures returns every fixture whose name matches glob.
func loadCaptures(t testing.TB, glob string) []capFixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil {
		t.Fatal(err)
	}
	var out []capFixture
	for _, p := range paths {
		f, err := parseCapture(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures match testdata/%s", glob)
	}
	return out
}

// writeCapture stores data with comment lines as testdata/<name>.hex.
func writeCapture(name string, comments []string, data []byte) error {
	var sb strings.Builder
	for _, c := range comments {
		sb.WriteString("# " + strings.ReplaceAll(c, "\n", " ") + "\n")
	}
	for i := 0; i < len(data); i += 16 {
		end := min(i+16, len(data))
		var words []string
		for _, c := range data[i:end] {
			words = append(words, fmt.Sprintf("%02x", c))
		}
		sb.WriteString(strings.Join(words, " ") + "\n")
	}
	return os.WriteFile(filepath.Join("testdata", name+".hex"), []byte(sb.String()), 0o644)
}

// capRecord is one call made by a capture scenario.
type capRecord struct {
	File    string   `json:"file"`
	Desc    string   `json:"desc"`
	Syscall string   `json:"syscall"`
	Fd      int      `json:"fd"`
	Args    []uint64 `json:"args"`
	Data    []byte   `json:"data"`
	Errno   string   `json:"errno,omitempty"`
	// Volatile marks arguments that differ from run to run: user-space
	// pointers, or state the kernel sets asynchronously (IFF_RUNNING).
	Volatile bool `json:"volatile,omitempty"`
	// Strace is strace's line for the call, filled in by the parent.
	Strace string `json:"strace,omitempty"`
}

type capRecorder struct{ recs []capRecord }

func capErrno(e unix.Errno) string {
	if e == 0 {
		return ""
	}
	return unix.ErrnoName(e)
}

// ioctl issues ioctl(fd, req, buf) and records buf as the kernel left it.
func (r *capRecorder) ioctl(fd int, file, desc string, req uint32, buf []byte, volatile bool) unix.Errno {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&buf[0])))
	r.recs = append(r.recs, capRecord{File: file, Desc: desc, Syscall: "ioctl", Fd: fd,
		Args: []uint64{uint64(req)}, Data: append([]byte(nil), buf...), Errno: capErrno(e), Volatile: volatile})
	return e
}

// capScenarios are the capture programs, each run in a fresh network
// namespace.
var capScenarios = map[string]func(r *capRecorder) error{
	"ioctl":    ioctlScenario,
	"sockaddr": sockaddrScenario,
	"sockopt":  sockoptScenario,
}

// capRunInNetNS runs fn on a locked thread moved into a new network
// namespace. The thread is never unlocked, so the runtime discards it when
// the goroutine ends instead of reusing a thread in the wrong namespace.
func capRunInNetNS(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

func capIfreq(name string) []byte {
	b := make([]byte, 40)
	copy(b, name)
	return b
}

func capSockaddrIn(b []byte, off int, ip string) {
	binary.LittleEndian.PutUint16(b[off:], unix.AF_INET)
	copy(b[off+4:], net.ParseIP(ip).To4())
}

func capPtr(p unsafe.Pointer) uint64 { return uint64(uintptr(p)) }

// ioctlScenario performs the legacy (pre-netlink) bridge setup of Docker's
// setupDevice and the common SIOC* requests on a bridge, loopback and a
// veth pair.
func ioctlScenario(r *capRecorder) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	le := binary.LittleEndian
	name := make([]byte, 16) // char name[IFNAMSIZ], as a C caller would pass it
	copy(name, "br0")
	if e := r.ioctl(fd, "ioctl_siocbraddbr_br0", `ioctl(SIOCBRADDBR, "br0"): create a bridge the way Docker's ioctlCreateBridge did`, unix.SIOCBRADDBR, name, false); e != 0 {
		return fmt.Errorf("SIOCBRADDBR: %w", e)
	}
	b := capIfreq("br0")
	r.ioctl(fd, "ioctl_siocgifindex_br0", "ioctl(SIOCGIFINDEX) on br0", unix.SIOCGIFINDEX, b, false)
	brIndex := le.Uint32(b[16:])
	r.ioctl(fd, "ioctl_siocgifflags_br0", "ioctl(SIOCGIFFLAGS) on the new, down br0", unix.SIOCGIFFLAGS, capIfreq("br0"), false)
	b = capIfreq("br0")
	le.PutUint16(b[16:], unix.ARPHRD_ETHER)
	copy(b[18:], []byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x01})
	r.ioctl(fd, "ioctl_siocsifhwaddr_br0", "ioctl(SIOCSIFHWADDR) br0 02:42:ac:11:00:01, as Docker's setupDevice fallback", unix.SIOCSIFHWADDR, b, false)
	r.ioctl(fd, "ioctl_siocgifhwaddr_br0", "ioctl(SIOCGIFHWADDR) on br0", unix.SIOCGIFHWADDR, capIfreq("br0"), false)
	b = capIfreq("lo")
	le.PutUint16(b[16:], unix.IFF_UP)
	r.ioctl(fd, "ioctl_siocsifflags_lo", "ioctl(SIOCSIFFLAGS) lo IFF_UP", unix.SIOCSIFFLAGS, b, false)
	r.ioctl(fd, "ioctl_siocgifflags_lo", "ioctl(SIOCGIFFLAGS) on lo after bringing it up", unix.SIOCGIFFLAGS, capIfreq("lo"), false)
	r.ioctl(fd, "ioctl_siocgifhwaddr_lo", "ioctl(SIOCGIFHWADDR) on lo", unix.SIOCGIFHWADDR, capIfreq("lo"), false)
	r.ioctl(fd, "ioctl_siocgifmtu_br0", "ioctl(SIOCGIFMTU) on br0", unix.SIOCGIFMTU, capIfreq("br0"), false)
	b = capIfreq("br0")
	le.PutUint32(b[16:], 1400)
	r.ioctl(fd, "ioctl_siocsifmtu_br0", "ioctl(SIOCSIFMTU) br0 1400", unix.SIOCSIFMTU, b, false)
	r.ioctl(fd, "ioctl_siocgiftxqlen_br0", "ioctl(SIOCGIFTXQLEN) on br0", unix.SIOCGIFTXQLEN, capIfreq("br0"), false)
	b = capIfreq("br0")
	capSockaddrIn(b, 16, "172.17.0.1")
	r.ioctl(fd, "ioctl_siocsifaddr_br0", "ioctl(SIOCSIFADDR) br0 172.17.0.1", unix.SIOCSIFADDR, b, false)
	b = capIfreq("br0")
	capSockaddrIn(b, 16, "255.255.0.0")
	r.ioctl(fd, "ioctl_siocsifnetmask_br0", "ioctl(SIOCSIFNETMASK) br0 255.255.0.0", unix.SIOCSIFNETMASK, b, false)
	b = capIfreq("br0")
	capSockaddrIn(b, 16, "172.17.255.255")
	r.ioctl(fd, "ioctl_siocsifbrdaddr_br0", "ioctl(SIOCSIFBRDADDR) br0 172.17.255.255", unix.SIOCSIFBRDADDR, b, false)
	r.ioctl(fd, "ioctl_siocgifaddr_br0", "ioctl(SIOCGIFADDR) on br0", unix.SIOCGIFADDR, capIfreq("br0"), false)
	r.ioctl(fd, "ioctl_siocgifnetmask_br0", "ioctl(SIOCGIFNETMASK) on br0", unix.SIOCGIFNETMASK, capIfreq("br0"), false)
	r.ioctl(fd, "ioctl_siocgifbrdaddr_br0", "ioctl(SIOCGIFBRDADDR) on br0", unix.SIOCGIFBRDADDR, capIfreq("br0"), false)
	b = capIfreq("br0")
	le.PutUint16(b[16:], unix.IFF_UP|unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	r.ioctl(fd, "ioctl_siocsifflags_br0", "ioctl(SIOCSIFFLAGS) br0 up", unix.SIOCSIFFLAGS, b, false)
	// IFF_RUNNING follows carrier, which link watch sets a moment after
	// IFF_UP, so the live answer varies.
	r.ioctl(fd, "ioctl_siocgifflags_br0_up", "ioctl(SIOCGIFFLAGS) on br0 after bringing it up", unix.SIOCGIFFLAGS, capIfreq("br0"), true)

	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "veth0"}, PeerName: "veth1"}); err != nil {
		return fmt.Errorf("creating veth pair: %w", err)
	}
	b = capIfreq("veth0")
	r.ioctl(fd, "ioctl_siocgifindex_veth0", "ioctl(SIOCGIFINDEX) on veth0", unix.SIOCGIFINDEX, b, false)
	vethIndex := le.Uint32(b[16:])
	b = capIfreq("br0")
	le.PutUint32(b[16:], vethIndex)
	r.ioctl(fd, "ioctl_siocbraddif_br0", "ioctl(SIOCBRADDIF) br0 += veth0 (ifr_ifindex)", unix.SIOCBRADDIF, b, false)
	b = capIfreq("br0")
	le.PutUint32(b[16:], vethIndex)
	r.ioctl(fd, "ioctl_siocbrdelif_br0", "ioctl(SIOCBRDELIF) br0 -= veth0", unix.SIOCBRDELIF, b, false)
	b = capIfreq("veth1")
	copy(b[16:], "ceth0")
	r.ioctl(fd, "ioctl_siocsifname_veth1", "ioctl(SIOCSIFNAME) veth1 -> ceth0", unix.SIOCSIFNAME, b, false)
	b = capIfreq("")
	le.PutUint32(b[16:], 1)
	r.ioctl(fd, "ioctl_siocgifname_1", "ioctl(SIOCGIFNAME) for ifindex 1", unix.SIOCGIFNAME, b, false)

	drvinfo := make([]byte, 196) // struct ethtool_drvinfo
	le.PutUint32(drvinfo, unix.ETHTOOL_GDRVINFO)
	b = capIfreq("veth0")
	le.PutUint64(b[16:], capPtr(unsafe.Pointer(&drvinfo[0])))
	r.ioctl(fd, "ioctl_siocethtool_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GDRVINFO", unix.SIOCETHTOOL, b, true)
	runtime.KeepAlive(drvinfo)

	r.ioctl(fd, "ioctl_siocgifconf_null", "ioctl(SIOCGIFCONF) with a NULL buffer: asks for the size", unix.SIOCGIFCONF, make([]byte, 16), false)

	rt := make([]byte, 120) // struct rtentry
	capSockaddrIn(rt, 8, "10.0.0.0")
	capSockaddrIn(rt, 24, "172.17.0.254")
	capSockaddrIn(rt, 40, "255.0.0.0")
	le.PutUint16(rt[56:], 0x1|0x2) // RTF_UP|RTF_GATEWAY
	r.ioctl(fd, "ioctl_siocaddrt", "ioctl(SIOCADDRT) 10.0.0.0/8 via 172.17.0.254 (struct rtentry, as route(8) sends it)", unix.SIOCADDRT, rt, false)
	rt2 := append([]byte(nil), rt...)
	r.ioctl(fd, "ioctl_siocdelrt", "ioctl(SIOCDELRT) 10.0.0.0/8 via 172.17.0.254", unix.SIOCDELRT, rt2, false)

	arp := make([]byte, 68) // struct arpreq
	capSockaddrIn(arp, 0, "172.17.0.2")
	le.PutUint16(arp[16:], unix.ARPHRD_ETHER)
	copy(arp[18:], []byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x02})
	le.PutUint32(arp[32:], 0x02|0x04) // ATF_COM|ATF_PERM
	copy(arp[52:], "br0")
	r.ioctl(fd, "ioctl_siocsarp_br0", "ioctl(SIOCSARP) 172.17.0.2 at 02:42:ac:11:00:02 on br0", unix.SIOCSARP, arp, false)
	arp = make([]byte, 68)
	capSockaddrIn(arp, 0, "172.17.0.2")
	copy(arp[52:], "br0")
	r.ioctl(fd, "ioctl_siocgarp_br0", "ioctl(SIOCGARP) 172.17.0.2 on br0", unix.SIOCGARP, arp, false)
	arp = make([]byte, 68)
	capSockaddrIn(arp, 0, "172.17.0.2")
	copy(arp[52:], "br0")
	r.ioctl(fd, "ioctl_siocdarp_br0", "ioctl(SIOCDARP) 172.17.0.2 on br0", unix.SIOCDARP, arp, false)

	r.ioctl(fd, "ioctl_siocgifbr_version", "ioctl(SIOCGIFBR) {BRCTL_GET_VERSION} of the old bridge API", unix.SIOCGIFBR, make([]byte, 24), false)
	info := make([]byte, 256)
	args := make([]byte, 32) // unsigned long args[4]
	le.PutUint64(args, 6)    // BRCTL_GET_BRIDGE_INFO
	le.PutUint64(args[8:], capPtr(unsafe.Pointer(&info[0])))
	b = capIfreq("br0")
	le.PutUint64(b[16:], capPtr(unsafe.Pointer(&args[0])))
	r.ioctl(fd, "ioctl_siocdevprivate_br0", "ioctl(SIOCDEVPRIVATE) br0 with ifr_data -> {BRCTL_GET_BRIDGE_INFO}, as brctl showbr does", unix.SIOCDEVPRIVATE, b, true)
	runtime.KeepAlive(info)
	runtime.KeepAlive(args)
	r.ioctl(fd, "ioctl_fionread", "ioctl(FIONREAD) on the idle UDP socket", 0x541b, make([]byte, 4), false)
	r.ioctl(fd, "ioctl_unknown_8950", "ioctl(0x8950), an obsolete ARP request number", 0x8950, capIfreq("br0"), false)

	fd6, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket(AF_INET6): %w", err)
	}
	defer unix.Close(fd6)
	in6 := make([]byte, 24) // struct in6_ifreq
	copy(in6, net.ParseIP("fd00::1"))
	le.PutUint32(in6[16:], 64)
	le.PutUint32(in6[20:], brIndex)
	r.ioctl(fd6, "ioctl_siocsifaddr_in6_br0", "ioctl(SIOCSIFADDR) on an AF_INET6 socket: struct in6_ifreq fd00::1/64 on br0", unix.SIOCSIFADDR, in6, false)
	rt6 := make([]byte, 80) // struct in6_rtmsg
	copy(rt6, net.ParseIP("fd01::"))
	copy(rt6[32:], net.ParseIP("fd00::2"))
	le.PutUint16(rt6[52:], 64)
	le.PutUint32(rt6[56:], 1)
	le.PutUint32(rt6[72:], 0x1|0x2)
	le.PutUint32(rt6[76:], brIndex)
	r.ioctl(fd6, "ioctl_siocaddrt_in6", "ioctl(SIOCADDRT) on an AF_INET6 socket: struct in6_rtmsg fd01::/64 via fd00::2", unix.SIOCADDRT, rt6, false)
	in6 = append([]byte(nil), in6...)
	r.ioctl(fd6, "ioctl_siocdifaddr_in6_br0", "ioctl(SIOCDIFADDR) on an AF_INET6 socket: fd00::1/64 on br0", unix.SIOCDIFADDR, in6, false)

	b = capIfreq("br0")
	le.PutUint16(b[16:], unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	r.ioctl(fd, "ioctl_siocsifflags_br0_down", "ioctl(SIOCSIFFLAGS) br0 down", unix.SIOCSIFFLAGS, b, false)
	name = make([]byte, 16)
	copy(name, "br0")
	r.ioctl(fd, "ioctl_siocbrdelbr_br0", `ioctl(SIOCBRDELBR, "br0")`, unix.SIOCBRDELBR, name, false)
	return nil
}

// TestCaptureHelper is the capture program run under strace by
// TestCaptureFixtures; on its own it does nothing.
func TestCaptureHelper(t *testing.T) {
	scenario, out := os.Getenv("NETEXPLORE_CAPTURE_SCENARIO"), os.Getenv("NETEXPLORE_CAPTURE_OUT")
	if scenario == "" || out == "" {
		t.Skip("helper process of TestCaptureFixtures")
	}
	fn := capScenarios[scenario]
	if fn == nil {
		t.Fatalf("unknown scenario %q", scenario)
	}
	var r capRecorder
	if err := capRunInNetNS(func() error { return fn(&r) }); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r.recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// straceLine is one parsed line of strace output.
type straceLine struct {
	Syscall string
	Fd      int
	Text    string // the line without the pid prefix
}

var straceLineRE = regexp.MustCompile(`^(?:\d+\s+)?(\w+)\((\d+),`)

func parseStrace(path string) ([]straceLine, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading strace output: %w", err)
	}
	var out []straceLine
	for _, line := range strings.Split(string(raw), "\n") {
		m := straceLineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fd, _ := strconv.Atoi(m[2])
		text := strings.TrimLeft(strings.TrimLeft(line, "0123456789"), " ")
		out = append(out, straceLine{Syscall: m[1], Fd: fd, Text: text})
	}
	return out, nil
}

// captureScenario runs one scenario in a child process under strace and
// returns its records with strace's line for each.
func captureScenario(t *testing.T, scenario string, syscalls string) []capRecord {
	t.Helper()
	dir := t.TempDir()
	out, straceOut := filepath.Join(dir, "records.json"), filepath.Join(dir, "strace.txt")
	cmd := exec.Command("strace", "-f", "-qq", "-s", "65536", "-e", "signal=none", "-e", "trace="+syscalls, "-o", straceOut,
		os.Args[0], "-test.run=^TestCaptureHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NETEXPLORE_CAPTURE_SCENARIO="+scenario, "NETEXPLORE_CAPTURE_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("capture %s: %v\n%s", scenario, err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var recs []capRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatal(err)
	}
	lines, err := parseStrace(straceOut)
	if err != nil {
		t.Fatal(err)
	}
	used := make([]bool, len(lines))
	for i := range recs {
		for j, l := range lines {
			if !used[j] && l.Syscall == recs[i].Syscall && l.Fd == recs[i].Fd {
				used[j] = true
				recs[i].Strace = l.Text
				break
			}
		}
		if recs[i].Strace == "" {
			t.Fatalf("no strace line for %s", recs[i].File)
		}
	}
	return recs
}

// storeRecords writes each record as a fixture.
func storeRecords(t *testing.T, recs []capRecord, producer string) {
	t.Helper()
	for _, r := range recs {
		result := "0"
		if r.Errno != "" {
			result = r.Errno
		}
		var args []string
		for _, a := range r.Args {
			args = append(args, fmt.Sprintf("%#x", a))
		}
		comments := []string{r.Desc, "produced by: " + producer, "syscall: " + r.Syscall}
		if len(args) > 0 {
			comments = append(comments, "args: "+strings.Join(args, " "))
		}
		comments = append(comments, "result: "+result)
		if r.Volatile {
			comments = append(comments, "volatile: differs from run to run")
		}
		comments = append(comments, "strace: "+r.Strace)
		if err := writeCapture(r.File, comments, r.Data); err != nil {
			t.Fatal(err)
		}
	}
}

const capProducer = "go test ./trace -run TestCaptureFixtures -update (as root, inside a new network namespace, under strace)"

// TestCaptureFixtures regenerates the kernel captures in testdata. It runs
// only with -update, as root, with strace and iptables-legacy installed.
func TestCaptureFixtures(t *testing.T) {
	if !*update {
		t.Skip("regenerates testdata: run with -update as root")
	}
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "strace", "strace")
	storeRecords(t, captureScenario(t, "ioctl", "ioctl"), capProducer)
	storeRecords(t, captureScenario(t, "sockaddr", "getsockname"), capProducer)
	storeRecords(t, captureScenario(t, "sockopt", "setsockopt,getsockopt"), capProducer)
	captureToolSockopts(t)
}

// TestIoctlScenarioLive runs the ioctl capture scenario again on this
// kernel and checks that every decoded argument matches the stored
// capture's decoding.
func TestIoctlScenarioLive(t *testing.T) {
	testutil.RequirePrivileged(t)
	var r capRecorder
	if err := capRunInNetNS(func() error { return ioctlScenario(&r) }); err != nil {
		t.Fatal(err)
	}
	for _, rec := range r.recs {
		if rec.Volatile {
			continue
		}
		fix := loadCapture(t, rec.File)
		req := uint32(rec.Args[0])
		got := DecodeIoctl(req, rec.Data).Summary
		want := DecodeIoctl(req, fix.Data).Summary
		if got != want {
			t.Errorf("%s: live decoding %q, stored capture %q", rec.File, got, want)
		}
	}
}

// Expected decodings of the stored ioctl captures. Field values use the
// same rendering as strace where strace decodes the member.
var ioctlWant = []struct {
	file    string
	name    string
	summary string
	fields  map[string]string
}{
	{"ioctl_siocbraddbr_br0", "SIOCBRADDBR", `SIOCBRADDBR "br0"`, map[string]string{"bridge_name": `"br0" (char *, not an ifreq)`}},
	{"ioctl_siocbrdelbr_br0", "SIOCBRDELBR", `SIOCBRDELBR "br0"`, nil},
	{"ioctl_siocgifindex_br0", "SIOCGIFINDEX", "SIOCGIFINDEX br0 ifindex=2", map[string]string{"ifr_name": `"br0"`, "ifr_ifindex": "2"}},
	{"ioctl_siocgifflags_br0", "SIOCGIFFLAGS", "SIOCGIFFLAGS br0 flags=IFF_BROADCAST|IFF_MULTICAST", nil},
	{"ioctl_siocsifhwaddr_br0", "SIOCSIFHWADDR", "SIOCSIFHWADDR br0 hwaddr=02:42:ac:11:00:01", map[string]string{"sa_family": "ARPHRD_ETHER", "sa_data": "02:42:ac:11:00:01"}},
	{"ioctl_siocgifhwaddr_br0", "SIOCGIFHWADDR", "SIOCGIFHWADDR br0 hwaddr=02:42:ac:11:00:01", nil},
	{"ioctl_siocsifflags_lo", "SIOCSIFFLAGS", "SIOCSIFFLAGS lo flags=IFF_UP", nil},
	{"ioctl_siocgifflags_lo", "SIOCGIFFLAGS", "SIOCGIFFLAGS lo flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING", map[string]string{"ifr_flags": "IFF_UP|IFF_LOOPBACK|IFF_RUNNING"}},
	{"ioctl_siocgifhwaddr_lo", "SIOCGIFHWADDR", "SIOCGIFHWADDR lo hwaddr=00:00:00:00:00:00 (ARPHRD_LOOPBACK)", map[string]string{"sa_family": "ARPHRD_LOOPBACK"}},
	{"ioctl_siocgifmtu_br0", "SIOCGIFMTU", "SIOCGIFMTU br0 mtu=1500", map[string]string{"ifr_mtu": "1500"}},
	{"ioctl_siocsifmtu_br0", "SIOCSIFMTU", "SIOCSIFMTU br0 mtu=1400", nil},
	{"ioctl_siocsifaddr_br0", "SIOCSIFADDR", "SIOCSIFADDR br0 addr=172.17.0.1", map[string]string{"ifr_addr": "172.17.0.1", "sin_family": "AF_INET", "sin_addr": "172.17.0.1"}},
	{"ioctl_siocgifaddr_br0", "SIOCGIFADDR", "SIOCGIFADDR br0 addr=172.17.0.1", nil},
	{"ioctl_siocgifnetmask_br0", "SIOCGIFNETMASK", "SIOCGIFNETMASK br0 netmask=255.255.0.0", nil},
	{"ioctl_siocgifbrdaddr_br0", "SIOCGIFBRDADDR", "SIOCGIFBRDADDR br0 broadaddr=172.17.255.255", nil},
	{"ioctl_siocsifflags_br0", "SIOCSIFFLAGS", "SIOCSIFFLAGS br0 flags=IFF_UP|IFF_BROADCAST|IFF_MULTICAST", nil},
	{"ioctl_siocbraddif_br0", "SIOCBRADDIF", "SIOCBRADDIF br0 ifindex=4", map[string]string{"ifr_name": `"br0"`, "ifr_ifindex": "4"}},
	{"ioctl_siocbrdelif_br0", "SIOCBRDELIF", "SIOCBRDELIF br0 ifindex=4", nil},
	{"ioctl_siocsifname_veth1", "SIOCSIFNAME", "SIOCSIFNAME veth1 newname=ceth0", map[string]string{"ifr_newname": `"ceth0"`}},
	{"ioctl_siocgifname_1", "SIOCGIFNAME", "SIOCGIFNAME ifindex=1 name=lo", nil},
	{"ioctl_siocgifconf_null", "SIOCGIFCONF", "SIOCGIFCONF len=80 buf=NULL", map[string]string{"ifc_len": "80 (2 × struct ifreq)"}},
	{"ioctl_siocaddrt", "SIOCADDRT", "SIOCADDRT dst=10.0.0.0 gateway=172.17.0.254 genmask=255.0.0.0 flags=RTF_UP|RTF_GATEWAY metric=0 (struct rtentry, not an ifreq)", nil},
	{"ioctl_siocsarp_br0", "SIOCSARP", "SIOCSARP 172.17.0.2 lladdr=02:42:ac:11:00:02 flags=ATF_COM|ATF_PERM dev=br0", nil},
	{"ioctl_siocgifbr_version", "SIOCGIFBR", "SIOCGIFBR BRCTL_GET_VERSION", nil},
	{"ioctl_fionread", "FIONREAD", "FIONREAD bytes=0", nil},
	{"ioctl_unknown_8950", "0x8950", "0x8950 (unknown socket ioctl)", nil},
	{"ioctl_siocsifaddr_in6_br0", "SIOCSIFADDR", "SIOCSIFADDR fd00::1/64 ifindex=2 (struct in6_ifreq of an AF_INET6 socket)", nil},
	{"ioctl_siocaddrt_in6", "SIOCADDRT", "SIOCADDRT dst=fd01::/64 gateway=fd00::2 (struct in6_rtmsg of an AF_INET6 socket, not an ifreq)", map[string]string{"rtmsg_flags": "RTF_UP|RTF_GATEWAY", "rtmsg_ifindex": "2"}},
}

func TestDecodeIoctlCaptured(t *testing.T) {
	for _, tc := range ioctlWant {
		t.Run(tc.file, func(t *testing.T) {
			fix := loadCapture(t, tc.file)
			req, err := strconv.ParseUint(fix.Meta["args"], 0, 32)
			if err != nil {
				t.Fatalf("args: %v", err)
			}
			call := DecodeIoctl(uint32(req), fix.Data)
			if call.Name != tc.name {
				t.Errorf("Name = %q, want %q", call.Name, tc.name)
			}
			if call.Summary != tc.summary {
				t.Errorf("Summary = %q, want %q", call.Summary, tc.summary)
			}
			for name, want := range tc.fields {
				f, ok := Find(call.Fields, name)
				if !ok {
					t.Errorf("no field %s in %+v", name, call.Fields)
					continue
				}
				if f.Value != want {
					t.Errorf("%s = %q, want %q", name, f.Value, want)
				}
			}
			checkFieldBounds(t, call.Fields, len(fix.Data))
		})
	}
}

// TestDecodeIoctlOffsets pins the byte ranges of the ifreq members.
func TestDecodeIoctlOffsets(t *testing.T) {
	fix := loadCapture(t, "ioctl_siocsifhwaddr_br0")
	call := DecodeIoctl(unix.SIOCSIFHWADDR, fix.Data)
	want := []Field{
		{Name: "ifr_name", Value: `"br0"`, Offset: 0, Length: 16},
		{Name: "ifr_hwaddr", Value: "02:42:ac:11:00:01", Offset: 16, Length: 16, Children: []Field{
			{Name: "sa_family", Value: "ARPHRD_ETHER", Offset: 16, Length: 2},
			{Name: "sa_data", Value: "02:42:ac:11:00:01", Offset: 18, Length: 6},
		}},
	}
	if diff := cmp.Diff(want, call.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	fix = loadCapture(t, "ioctl_siocsifaddr_br0")
	call = DecodeIoctl(unix.SIOCSIFADDR, fix.Data)
	want = []Field{
		{Name: "ifr_name", Value: `"br0"`, Offset: 0, Length: 16},
		{Name: "ifr_addr", Value: "172.17.0.1", Offset: 16, Length: 16, Children: []Field{
			{Name: "sin_family", Value: "AF_INET", Offset: 16, Length: 2},
			{Name: "sin_port", Value: "0", Offset: 18, Length: 2},
			{Name: "sin_addr", Value: "172.17.0.1", Offset: 20, Length: 4},
			{Name: "sin_zero", Value: "0000000000000000", Offset: 24, Length: 8},
		}},
	}
	if diff := cmp.Diff(want, call.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// checkFieldBounds fails when a field points outside the payload.
func checkFieldBounds(t *testing.T, fields []Field, n int) {
	t.Helper()
	for _, f := range fields {
		if f.Offset < 0 || f.Length < 0 || f.Offset+f.Length > n {
			t.Errorf("field %s [%d,+%d) outside %d-byte payload", f.Name, f.Offset, f.Length, n)
		}
		checkFieldBounds(t, f.Children, n)
	}
}

// straceLeaves extracts the key=value pairs of a strace argument, at any
// nesting depth, with strace's wrappers removed: htons(0) -> 0,
// inet_addr("1.2.3.4") -> 1.2.3.4, /* comments */ dropped.
func straceLeaves(s string) map[string]string {
	out := map[string]string{}
	s = regexp.MustCompile(`\s*/\*.*?\*/`).ReplaceAllString(s, "")
	re := regexp.MustCompile(`(\w+)=((?:"(?:[^"\\]|\\.)*")|(?:\w+\((?:[^()]|\([^()]*\))*\))|[^,{}]+)`)
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		v := strings.TrimSpace(m[2])
		for _, w := range []string{"htons", "inet_addr", "htonl"} {
			if inner, ok := strings.CutPrefix(v, w+"("); ok {
				v = strings.Trim(strings.TrimSuffix(inner, ")"), `"`)
			}
		}
		out[m[1]] = v
	}
	// IPv6 addresses are printed as inet_pton(AF_INET6, "::1", &sin6_addr).
	for _, m := range regexp.MustCompile(`inet_pton\(AF_INET6?, "([^"]*)", &(\w+)\)`).FindAllStringSubmatch(s, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// TestIoctlMatchesStrace checks every stored ioctl capture against
// strace's decoding of the same call: same request name, and the same
// value for every member both decode.
func TestIoctlMatchesStrace(t *testing.T) {
	compared := 0
	for _, fix := range loadCaptures(t, "ioctl_*.hex") {
		line := fix.Meta["strace"]
		req, err := strconv.ParseUint(fix.Meta["args"], 0, 32)
		if line == "" || err != nil {
			t.Errorf("%s: no strace line or args", fix.Name)
			continue
		}
		call := DecodeIoctl(uint32(req), fix.Data)
		m := regexp.MustCompile(`^ioctl\(\d+, (_IOC\([^)]*\)|\w+)(?:, (.*))?\) += `).FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, line)
			continue
		}
		if sname := m[1]; !strings.HasPrefix(sname, "_IOC(") && sname != call.Name {
			t.Errorf("%s: name %q, strace %q", fix.Name, call.Name, sname)
		}
		arg := m[2]
		if strings.HasPrefix(arg, `"`) { // SIOCBRADDBR/SIOCBRDELBR: a plain string
			if !strings.HasPrefix(call.Summary, call.Name+" "+arg) {
				t.Errorf("%s: summary %q, strace argument %s", fix.Name, call.Summary, arg)
			}
			compared++
			continue
		}
		// A failed GET shows strace's input only; compare what is there.
		for k, sv := range straceLeaves(arg) {
			f, ok := Find(call.Fields, k)
			if !ok || strings.HasPrefix(sv, "if_nametoindex(") {
				// strace resolves interface indexes in its own network
				// namespace, not the traced one, so it names the wrong link.
				continue
			}
			got := f.Value
			if i := strings.Index(got, " ("); i > 0 && !strings.HasPrefix(sv, `"`) {
				got = got[:i] // our extra note, e.g. "80 (2 × struct ifreq)"
			}
			if got != sv {
				t.Errorf("%s: %s = %q, strace %q", fix.Name, k, got, sv)
			}
			compared++
		}
	}
	if compared < 20 {
		t.Errorf("only %d values compared with strace", compared)
	}
}

func TestIoctlName(t *testing.T) {
	tests := map[uint32]string{
		0x8910: "SIOCGIFNAME", 0x8911: "SIOCSIFLINK", 0x8912: "SIOCGIFCONF",
		0x8913: "SIOCGIFFLAGS", 0x8914: "SIOCSIFFLAGS", 0x8915: "SIOCGIFADDR",
		0x8916: "SIOCSIFADDR", 0x8924: "SIOCSIFHWADDR", 0x8927: "SIOCGIFHWADDR",
		0x8933: "SIOCGIFINDEX", 0x8921: "SIOCGIFMTU", 0x8922: "SIOCSIFMTU",
		0x8923: "SIOCSIFNAME", 0x8942: "SIOCGIFTXQLEN", 0x8946: "SIOCETHTOOL",
		0x890b: "SIOCADDRT", 0x890c: "SIOCDELRT", 0x89a0: "SIOCBRADDBR",
		0x89a1: "SIOCBRDELBR", 0x89a2: "SIOCBRADDIF", 0x89a3: "SIOCBRDELIF",
		0x8940: "SIOCGIFBR", 0x8941: "SIOCSIFBR", 0x89f0: "SIOCDEVPRIVATE",
		0x89f3: "SIOCDEVPRIVATE+3", 0x89e0: "SIOCPROTOPRIVATE",
		0x89ef: "SIOCPROTOPRIVATE+15", 0x8950: "0x8950", 0x89c0: "0x89c0",
		0x1234: "0x1234",
	}
	for req, want := range tests {
		if got := IoctlName(req); got != want {
			t.Errorf("IoctlName(%#x) = %q, want %q", req, got, want)
		}
	}
	// Every number the C library knows in the socket range has our name.
	known := map[uint32]string{
		unix.SIOCADDMULTI: "SIOCADDMULTI", unix.SIOCDELMULTI: "SIOCDELMULTI",
		unix.SIOCGIFPFLAGS: "SIOCGIFPFLAGS", unix.SIOCSIFPFLAGS: "SIOCSIFPFLAGS",
		unix.SIOCDIFADDR: "SIOCDIFADDR", unix.SIOCGIFCOUNT: "SIOCGIFCOUNT",
		unix.SIOCSIFTXQLEN: "SIOCSIFTXQLEN", unix.SIOCGMIIPHY: "SIOCGMIIPHY",
		unix.SIOCGSKNS: "SIOCGSKNS", unix.SIOCSHWTSTAMP: "SIOCSHWTSTAMP",
		unix.SIOCGHWTSTAMP: "SIOCGHWTSTAMP", unix.SIOCGIFVLAN: "SIOCGIFVLAN",
		unix.SIOCBONDENSLAVE: "SIOCBONDENSLAVE", unix.SIOCWANDEV: "SIOCWANDEV",
		unix.SIOCOUTQNSD: "SIOCOUTQNSD", unix.SIOCGIFMAP: "SIOCGIFMAP",
		unix.SIOCDARP: "SIOCDARP", unix.SIOCSRARP: "SIOCSRARP",
	}
	for req, want := range known {
		if got := IoctlName(req); got != want {
			t.Errorf("IoctlName(%#x) = %q, want %q", req, got, want)
		}
	}
	// Every number in 0x8900-0x89ff decodes without panicking, and named
	// ones never fall back to hex.
	for req := uint32(0x8900); req <= 0x89ff; req++ {
		call := DecodeIoctl(req, make([]byte, 40))
		if call.Name != IoctlName(req) {
			t.Errorf("DecodeIoctl(%#x).Name = %q, IoctlName %q", req, call.Name, IoctlName(req))
		}
	}
}

// TestDecodeIoctlShortInput decodes captures cut at every length: no
// panic, fields stay inside the bytes, and the name never changes.
func TestDecodeIoctlShortInput(t *testing.T) {
	for _, fix := range loadCaptures(t, "ioctl_*.hex") {
		req, _ := strconv.ParseUint(fix.Meta["args"], 0, 32)
		for n := 0; n <= len(fix.Data); n++ {
			call := DecodeIoctl(uint32(req), fix.Data[:n])
			checkFieldBounds(t, call.Fields, n)
			if call.Name != IoctlName(uint32(req)) {
				t.Fatalf("%s[:%d]: name %q", fix.Name, n, call.Name)
			}
		}
	}
}

// TestDecodeIoctlProbeSizes decodes arguments as the probe copies them:
// exactly 40 bytes, with whatever follows a short argument in memory.
func TestDecodeIoctlProbeSizes(t *testing.T) {
	fix := loadCapture(t, "ioctl_siocbraddbr_br0")
	arg := append(append([]byte(nil), fix.Data...), []byte("garbage after the name!!")...)[:40]
	if got := DecodeIoctl(unix.SIOCBRADDBR, arg).Summary; got != `SIOCBRADDBR "br0"` {
		t.Errorf("SIOCBRADDBR with trailing bytes: %q", got)
	}
	fix = loadCapture(t, "ioctl_siocaddrt")
	call := DecodeIoctl(unix.SIOCADDRT, fix.Data[:40])
	if want := "SIOCADDRT dst=10.0.0.0 gateway=172.17.0.254 (struct rtentry, not an ifreq; 40 of 120 bytes captured)"; call.Summary != want {
		t.Errorf("SIOCADDRT cut at 40 bytes: %q, want %q", call.Summary, want)
	}
	fix = loadCapture(t, "ioctl_siocsifaddr_in6_br0")
	if got := DecodeSocketIoctl(unix.AF_INET6, unix.SIOCSIFADDR, fix.Data).Summary; !strings.HasPrefix(got, "SIOCSIFADDR fd00::1/64") {
		t.Errorf("in6_ifreq with AF_INET6 family: %q", got)
	}
	fix = loadCapture(t, "ioctl_siocsifaddr_br0")
	if got := DecodeSocketIoctl(unix.AF_INET, unix.SIOCSIFADDR, fix.Data).Summary; got != "SIOCSIFADDR br0 addr=172.17.0.1" {
		t.Errorf("ifreq with AF_INET family: %q", got)
	}
}

func TestDecodeIoctlVolatile(t *testing.T) {
	fix := loadCapture(t, "ioctl_siocethtool_veth0")
	call := DecodeIoctl(unix.SIOCETHTOOL, fix.Data)
	if !strings.HasPrefix(call.Summary, "SIOCETHTOOL veth0 ifr_data=0x") {
		t.Errorf("Summary = %q", call.Summary)
	}
	f, ok := Find(call.Fields, "ifr_data")
	if !ok || !strings.Contains(f.Value, "not captured") || f.Offset != 16 || f.Length != 8 {
		t.Errorf("ifr_data = %+v", f)
	}
	fix = loadCapture(t, "ioctl_siocdevprivate_br0")
	if got := DecodeIoctl(unix.SIOCDEVPRIVATE, fix.Data).Summary; !strings.HasPrefix(got, "SIOCDEVPRIVATE br0 ifr_data=0x") {
		t.Errorf("SIOCDEVPRIVATE Summary = %q", got)
	}
}

// TestDecodeIoctlLayouts covers argument layouts that the capture
// scenario cannot produce on these machines (no MII PHY, no VLAN module).
func TestDecodeIoctlLayouts(t *testing.T) {
	mii := capIfreq("eth0")
	binary.LittleEndian.PutUint16(mii[16:], 1)
	binary.LittleEndian.PutUint16(mii[18:], 2)
	binary.LittleEndian.PutUint16(mii[22:], 0x796d)
	vlan := make([]byte, 56)
	copy(vlan[4:], "eth0")
	binary.LittleEndian.PutUint32(vlan[28:], 10)
	tests := []struct {
		req  uint32
		arg  []byte
		want string
	}{
		{unix.SIOCGMIIREG, mii, "SIOCGMIIREG eth0 phy_id=0x1 reg_num=0x2 val_in=0x0 val_out=0x796d"},
		{unix.SIOCSIFVLAN, vlan, "SIOCSIFVLAN ADD_VLAN_CMD eth0 vid=10"},
		{unix.SIOCGSKNS, nil, "SIOCGSKNS"},
		{0x89e3, []byte{1, 2}, "SIOCPROTOPRIVATE+3"},
		{unix.SIOCGIFFLAGS, nil, "SIOCGIFFLAGS (no argument captured)"},
		{0x89a0, []byte("docker0\x00"), `SIOCBRADDBR "docker0"`},
	}
	for _, tc := range tests {
		if got := DecodeIoctl(tc.req, tc.arg).Summary; got != tc.want {
			t.Errorf("DecodeIoctl(%#x) = %q, want %q", tc.req, got, tc.want)
		}
	}
}

func FuzzDecodeIoctl(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "ioctl_*.hex"))
	sort.Strings(paths)
	for _, p := range paths {
		fix, err := parseCapture(p)
		if err != nil {
			f.Fatal(err)
		}
		req, _ := strconv.ParseUint(fix.Meta["args"], 0, 32)
		f.Add(uint32(req), uint16(0), fix.Data)
		f.Add(uint32(req), uint16(unix.AF_INET6), fix.Data)
	}
	f.Fuzz(func(t *testing.T, req uint32, family uint16, arg []byte) {
		call := DecodeSocketIoctl(family, req, arg)
		if call.Name == "" {
			t.Fatal("empty name")
		}
		checkFieldBounds(t, call.Fields, len(arg))
	})
}
