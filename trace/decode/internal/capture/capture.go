// Package capture records the kernel bytes that the decoders are tested
// on: it runs small programs (ioctls, getsockname, socket options, real
// iptables-legacy) in a new network namespace under strace and stores
// each call's argument as a testdata/<name>.hex fixture beside strace's own
// decoding, and it reads those fixtures back for the tests.
//
// It is test support: only tests import it.
package capture

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/trace/decode/argv"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Dir is the fixture directory, relative to a decoder package's folder
// (where go test runs its tests).
const Dir = "../testdata"

// Update makes the capture tests rewrite their fixtures from the real
// kernel (as root).
var Update = flag.Bool("update", false, "rewrite testdata files (captures need root)")

// CapFixture is one stored capture: the comment lines' key/value pairs and
// the bytes.
type Fixture struct {
	Name string
	Meta map[string]string
	Data []byte
}

// LoadCapture reads testdata/<name>.hex: lines starting with '#' are
// comments ("# key: value" pairs are kept), the rest is hex, whitespace
// ignored.
func Load(t testing.TB, name string) Fixture {
	t.Helper()
	f, err := Parse(filepath.Join(Dir, name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func Parse(path string) (Fixture, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Fixture{}, fmt.Errorf("reading capture: %w", err)
	}
	f := Fixture{Name: strings.TrimSuffix(filepath.Base(path), ".hex"), Meta: map[string]string{}}
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
		return Fixture{}, fmt.Errorf("decoding %s: %w", path, err)
	}
	return f, nil
}

// LoadCaptures returns every fixture whose name matches glob.
func LoadAll(t testing.TB, glob string) []Fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(Dir, glob))
	if err != nil {
		t.Fatal(err)
	}
	var out []Fixture
	for _, p := range paths {
		f, err := Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures match %s/%s", Dir, glob)
	}
	return out
}

// WriteCapture stores data with comment lines as testdata/<name>.hex.
func Write(name string, comments []string, data []byte) error {
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
	return os.WriteFile(filepath.Join(Dir, name+".hex"), []byte(sb.String()), 0o644)
}

// CapRecord is one call made by a capture scenario.
type Record struct {
	File    string   `json:"file"`
	Desc    string   `json:"desc"`
	Syscall string   `json:"syscall"`
	Fd      int      `json:"fd"`
	Args    []uint64 `json:"args"`
	Data    []byte   `json:"data"`
	Errno   string   `json:"errno,omitempty"`
	// Arg is the raw third argument of an ioctl that passes a value, not
	// a pointer (TUNSETPERSIST 1); HasArg says it is one.
	Arg    uint64 `json:"arg,omitempty"`
	HasArg bool   `json:"has_arg,omitempty"`
	// Device is the character device of the fd as the kernel's dev_t
	// (/dev/net/tun), as the probe reports it.
	Device uint32 `json:"device,omitempty"`
	// Volatile marks arguments that differ from run to run: user-space
	// pointers, or state the kernel sets asynchronously (IFF_RUNNING).
	Volatile bool `json:"volatile,omitempty"`
	// Strace is strace's line for the call, filled in by the parent.
	Strace string `json:"strace,omitempty"`
}

type Recorder struct{ Recs []Record }

func capErrno(e unix.Errno) string {
	if e == 0 {
		return ""
	}
	return render.ErrnoName(e)
}

// ioctl issues ioctl(fd, req, buf) and records buf as the kernel left it.
func (r *Recorder) ioctl(fd int, file, desc string, req uint32, buf []byte, volatile bool) unix.Errno {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&buf[0])))
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "ioctl", Fd: fd,
		Args: []uint64{uint64(req)}, Data: append([]byte(nil), buf...), Errno: capErrno(e), Volatile: volatile})
	return e
}

// tunDevice is /dev/net/tun as the kernel's dev_t (10:200).
const tunDevice = 10<<20 | 200

// tunIoctl is [Recorder.ioctl] on a /dev/net/tun fd.
func (r *Recorder) tunIoctl(fd int, file, desc string, req uint32, buf []byte) unix.Errno {
	e := r.ioctl(fd, file, desc, req, buf, false)
	r.Recs[len(r.Recs)-1].Device = tunDevice
	return e
}

// tunValue issues ioctl(fd, req, val) on a /dev/net/tun fd, for the
// requests whose argument is the value itself.
func (r *Recorder) tunValue(fd int, file, desc string, req uint32, val uint64) unix.Errno {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(val))
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "ioctl", Fd: fd,
		Args: []uint64{uint64(req)}, Arg: val, HasArg: true, Device: tunDevice, Errno: capErrno(e)})
	return e
}

// ethtool issues SIOCETHTOOL for dev with an ethtool command struct of
// size bytes whose first u32 is cmd (the rest from init, if given), and
// records what the probe copies: the ifreq, then the struct ifr_data
// points to, as the kernel left them. It returns the struct.
func (r *Recorder) ethtool(fd int, file, desc, dev string, cmd uint32, size int, init []byte) ([]byte, unix.Errno) {
	buf := make([]byte, size)
	copy(buf, init)
	binary.LittleEndian.PutUint32(buf, cmd)
	ifr := Ifreq(dev)
	binary.LittleEndian.PutUint64(ifr[16:], capPtr(unsafe.Pointer(&buf[0])))
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr[0])))
	runtime.KeepAlive(buf)
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "ioctl", Fd: fd,
		Args: []uint64{unix.SIOCETHTOOL}, Data: append(append([]byte(nil), ifr...), buf...), Errno: capErrno(e)})
	return buf, e
}

// scenarios are the capture programs, each run in a fresh network
// namespace.
var scenarios = map[string]func(r *Recorder) error{
	"ioctl":    IoctlScenario,
	"sockaddr": SockaddrScenario,
	"sockopt":  SockoptScenario,
}

// RunInNetNS runs fn on a locked thread moved into a new network
// namespace. The thread is never unlocked, so the runtime discards it when
// the goroutine ends instead of reusing a thread in the wrong namespace.
func RunInNetNS(fn func() error) error {
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

func Ifreq(name string) []byte {
	b := make([]byte, 40)
	copy(b, name)
	return b
}

func capSockaddrIn(b []byte, off int, ip string) {
	binary.LittleEndian.PutUint16(b[off:], unix.AF_INET)
	copy(b[off+4:], net.ParseIP(ip).To4())
}

func capPtr(p unsafe.Pointer) uint64 { return uint64(uintptr(p)) }

// IoctlScenario performs the legacy (pre-netlink) bridge setup of Docker's
// setupDevice and the common SIOC* requests on a bridge, loopback and a
// veth pair.
func IoctlScenario(r *Recorder) error {
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
	b := Ifreq("br0")
	r.ioctl(fd, "ioctl_siocgifindex_br0", "ioctl(SIOCGIFINDEX) on br0", unix.SIOCGIFINDEX, b, false)
	brIndex := le.Uint32(b[16:])
	r.ioctl(fd, "ioctl_siocgifflags_br0", "ioctl(SIOCGIFFLAGS) on the new, down br0", unix.SIOCGIFFLAGS, Ifreq("br0"), false)
	b = Ifreq("br0")
	le.PutUint16(b[16:], unix.ARPHRD_ETHER)
	copy(b[18:], []byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x01})
	r.ioctl(fd, "ioctl_siocsifhwaddr_br0", "ioctl(SIOCSIFHWADDR) br0 02:42:ac:11:00:01, as Docker's setupDevice fallback", unix.SIOCSIFHWADDR, b, false)
	r.ioctl(fd, "ioctl_siocgifhwaddr_br0", "ioctl(SIOCGIFHWADDR) on br0", unix.SIOCGIFHWADDR, Ifreq("br0"), false)
	b = Ifreq("lo")
	le.PutUint16(b[16:], unix.IFF_UP)
	r.ioctl(fd, "ioctl_siocsifflags_lo", "ioctl(SIOCSIFFLAGS) lo IFF_UP", unix.SIOCSIFFLAGS, b, false)
	r.ioctl(fd, "ioctl_siocgifflags_lo", "ioctl(SIOCGIFFLAGS) on lo after bringing it up", unix.SIOCGIFFLAGS, Ifreq("lo"), false)
	r.ioctl(fd, "ioctl_siocgifhwaddr_lo", "ioctl(SIOCGIFHWADDR) on lo", unix.SIOCGIFHWADDR, Ifreq("lo"), false)
	r.ioctl(fd, "ioctl_siocgifmtu_br0", "ioctl(SIOCGIFMTU) on br0", unix.SIOCGIFMTU, Ifreq("br0"), false)
	b = Ifreq("br0")
	le.PutUint32(b[16:], 1400)
	r.ioctl(fd, "ioctl_siocsifmtu_br0", "ioctl(SIOCSIFMTU) br0 1400", unix.SIOCSIFMTU, b, false)
	r.ioctl(fd, "ioctl_siocgiftxqlen_br0", "ioctl(SIOCGIFTXQLEN) on br0", unix.SIOCGIFTXQLEN, Ifreq("br0"), false)
	b = Ifreq("br0")
	capSockaddrIn(b, 16, "172.17.0.1")
	r.ioctl(fd, "ioctl_siocsifaddr_br0", "ioctl(SIOCSIFADDR) br0 172.17.0.1", unix.SIOCSIFADDR, b, false)
	b = Ifreq("br0")
	capSockaddrIn(b, 16, "255.255.0.0")
	r.ioctl(fd, "ioctl_siocsifnetmask_br0", "ioctl(SIOCSIFNETMASK) br0 255.255.0.0", unix.SIOCSIFNETMASK, b, false)
	b = Ifreq("br0")
	capSockaddrIn(b, 16, "172.17.255.255")
	r.ioctl(fd, "ioctl_siocsifbrdaddr_br0", "ioctl(SIOCSIFBRDADDR) br0 172.17.255.255", unix.SIOCSIFBRDADDR, b, false)
	r.ioctl(fd, "ioctl_siocgifaddr_br0", "ioctl(SIOCGIFADDR) on br0", unix.SIOCGIFADDR, Ifreq("br0"), false)
	r.ioctl(fd, "ioctl_siocgifnetmask_br0", "ioctl(SIOCGIFNETMASK) on br0", unix.SIOCGIFNETMASK, Ifreq("br0"), false)
	r.ioctl(fd, "ioctl_siocgifbrdaddr_br0", "ioctl(SIOCGIFBRDADDR) on br0", unix.SIOCGIFBRDADDR, Ifreq("br0"), false)
	b = Ifreq("br0")
	le.PutUint16(b[16:], unix.IFF_UP|unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	r.ioctl(fd, "ioctl_siocsifflags_br0", "ioctl(SIOCSIFFLAGS) br0 up", unix.SIOCSIFFLAGS, b, false)
	// IFF_RUNNING follows carrier, which link watch sets a moment after
	// IFF_UP, so the live answer varies.
	r.ioctl(fd, "ioctl_siocgifflags_br0_up", "ioctl(SIOCGIFFLAGS) on br0 after bringing it up", unix.SIOCGIFFLAGS, Ifreq("br0"), true)

	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "veth0"}, PeerName: "veth1"}); err != nil {
		return fmt.Errorf("creating veth pair: %w", err)
	}
	b = Ifreq("veth0")
	r.ioctl(fd, "ioctl_siocgifindex_veth0", "ioctl(SIOCGIFINDEX) on veth0", unix.SIOCGIFINDEX, b, false)
	vethIndex := le.Uint32(b[16:])
	b = Ifreq("br0")
	le.PutUint32(b[16:], vethIndex)
	r.ioctl(fd, "ioctl_siocbraddif_br0", "ioctl(SIOCBRADDIF) br0 += veth0 (ifr_ifindex)", unix.SIOCBRADDIF, b, false)
	b = Ifreq("br0")
	le.PutUint32(b[16:], vethIndex)
	r.ioctl(fd, "ioctl_siocbrdelif_br0", "ioctl(SIOCBRDELIF) br0 -= veth0", unix.SIOCBRDELIF, b, false)
	b = Ifreq("veth1")
	copy(b[16:], "ceth0")
	r.ioctl(fd, "ioctl_siocsifname_veth1", "ioctl(SIOCSIFNAME) veth1 -> ceth0", unix.SIOCSIFNAME, b, false)
	b = Ifreq("")
	le.PutUint32(b[16:], 1)
	r.ioctl(fd, "ioctl_siocgifname_1", "ioctl(SIOCGIFNAME) for ifindex 1", unix.SIOCGIFNAME, b, false)

	drvinfo := make([]byte, 196) // struct ethtool_drvinfo
	le.PutUint32(drvinfo, unix.ETHTOOL_GDRVINFO)
	b = Ifreq("veth0")
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
	r.ioctl(fd, "ioctl_fionread", "ioctl(FIONREAD) on the idle UDP socket", 0x541b, make([]byte, 4), false)
	r.ioctl(fd, "ioctl_unknown_8950", "ioctl(0x8950), an obsolete ARP request number", 0x8950, Ifreq("br0"), false)

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

	if err := r.moreIoctls(fd); err != nil {
		return err
	}

	b = Ifreq("br0")
	le.PutUint16(b[16:], unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	r.ioctl(fd, "ioctl_siocsifflags_br0_down", "ioctl(SIOCSIFFLAGS) br0 down", unix.SIOCSIFFLAGS, b, false)
	name = make([]byte, 16)
	copy(name, "br0")
	r.ioctl(fd, "ioctl_siocbrdelbr_br0", `ioctl(SIOCBRDELBR, "br0")`, unix.SIOCBRDELBR, name, false)
	return nil
}

// moreIoctls performs, on the lab IoctlScenario built (br0 up with
// 172.17.0.1/16, the veth pair veth0/ceth0), the requests whose argument
// holds or points to more than an ifreq, the tun/tap driver's requests,
// and GET requests that fail. Their arguments are recorded as the probe
// copies them: a SIOCETHTOOL ifreq is followed by the ethtool struct
// ifr_data points to, a SIOCADDRT rtentry by the device name rt_dev
// points to.
func (r *Recorder) moreIoctls(fd int) error {
	le := binary.LittleEndian
	const (
		ethtoolGset          = 0x01
		ethtoolGdrvinfo      = 0x03
		ethtoolGlink         = 0x0a
		ethtoolGlinksettings = 0x4c
	)
	r.ethtool(fd, "ioctl_siocethtool_gdrvinfo_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GDRVINFO, as `ethtool -i veth0` asks", "veth0", ethtoolGdrvinfo, 196, nil)
	r.ethtool(fd, "ioctl_siocethtool_gdrvinfo_lo", "ioctl(SIOCETHTOOL) lo ETHTOOL_GDRVINFO, as `ethtool -i lo` asks: loopback has no driver information (EOPNOTSUPP)", "lo", ethtoolGdrvinfo, 196, nil)
	r.ethtool(fd, "ioctl_siocethtool_glink_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GLINK", "veth0", ethtoolGlink, 8, nil)
	r.ethtool(fd, "ioctl_siocethtool_gset_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GSET, the old link settings", "veth0", ethtoolGset, 44, nil)
	hs, _ := r.ethtool(fd, "ioctl_siocethtool_glinksettings_handshake_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GLINKSETTINGS with link_mode_masks_nwords 0: the kernel answers how many words its bitmaps take", "veth0", ethtoolGlinksettings, 48, nil)
	if n := int(int8(hs[15])); n < 0 {
		init := make([]byte, 16)
		init[15] = byte(-n)
		r.ethtool(fd, "ioctl_siocethtool_glinksettings_veth0", "ioctl(SIOCETHTOOL) veth0 ETHTOOL_GLINKSETTINGS with the word count the handshake gave", "veth0", ethtoolGlinksettings, 48+12*(-n), init)
	}

	// route add -net 10.9.0.0 netmask 255.255.0.0 dev br0, as route(8)
	// sends it: rt_dev points to the device name.
	dev := []byte("br0\x00")
	rt := make([]byte, 120)
	capSockaddrIn(rt, 8, "10.9.0.0")
	capSockaddrIn(rt, 40, "255.255.0.0")
	le.PutUint16(rt[56:], 0x1) // RTF_UP
	le.PutUint64(rt[88:], capPtr(unsafe.Pointer(&dev[0])))
	rt2 := append([]byte(nil), rt...)
	e := r.ioctl(fd, "ioctl_siocaddrt_dev", "ioctl(SIOCADDRT) 10.9.0.0/16 dev br0 (struct rtentry with rt_dev, as `route add -net 10.9.0.0/16 dev br0` sends it), then the name rt_dev points to", unix.SIOCADDRT, rt, false)
	r.Recs[len(r.Recs)-1].Data = append(r.Recs[len(r.Recs)-1].Data, dev...)
	if e != 0 {
		return fmt.Errorf("SIOCADDRT dev br0: %w", e)
	}
	r.ioctl(fd, "ioctl_siocdelrt_dev", "ioctl(SIOCDELRT) 10.9.0.0/16 dev br0, then the name rt_dev points to", unix.SIOCDELRT, rt2, false)
	r.Recs[len(r.Recs)-1].Data = append(r.Recs[len(r.Recs)-1].Data, dev...)
	runtime.KeepAlive(dev)

	// Failed GETs: the union holds what was passed in (here a stale
	// value), never an answer.
	b := Ifreq("nosuch0")
	le.PutUint16(b[16:], unix.IFF_UP|unix.IFF_RUNNING)
	r.ioctl(fd, "ioctl_siocgifflags_enodev", "ioctl(SIOCGIFFLAGS) on a name no interface has (ENODEV), the union left as IFF_UP|IFF_RUNNING by the caller", unix.SIOCGIFFLAGS, b, false)
	b = Ifreq("stale0")
	le.PutUint32(b[16:], 99)
	r.ioctl(fd, "ioctl_siocgifname_enodev", "ioctl(SIOCGIFNAME) for ifindex 99, which does not exist (ENODEV)", unix.SIOCGIFNAME, b, false)
	arp := make([]byte, 68)
	capSockaddrIn(arp, 0, "172.17.0.99")
	le.PutUint16(arp[16:], unix.ARPHRD_ETHER)
	copy(arp[18:], []byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x63})
	le.PutUint32(arp[32:], 0x02)
	copy(arp[52:], "br0")
	r.ioctl(fd, "ioctl_siocgarp_enxio", "ioctl(SIOCGARP) 172.17.0.99 on br0, which has no such entry (ENXIO), arp_ha and arp_flags left set by the caller", unix.SIOCGARP, arp, false)

	if err := r.brctlIoctls(fd); err != nil {
		return err
	}
	return r.tunIoctls()
}

// BRCTL_* commands of the old bridge API's SIOCDEVPRIVATE (linux/if_bridge.h).
const (
	brctlAddIf         = 4
	brctlDelIf         = 5
	brctlGetBridgeInfo = 6
	brctlGetPortList   = 7
	brctlSetFwdDelay   = 8
	brctlGetPortInfo   = 13
	brctlSetStpState   = 14
	brctlGetFdbEntries = 18
)

// brctlIoctls performs, on br0 and veth0, what brctl 1.7 sends when sysfs
// does not show the bridge (as in a new network namespace): SIOCDEVPRIVATE
// with ifr_data pointing to unsigned long args[4].
func (r *Recorder) brctlIoctls(fd int) error {
	b := Ifreq("veth0")
	if e := r.ioctl(fd, "ioctl_siocgifindex_veth0_brctl", "ioctl(SIOCGIFINDEX) on veth0, before brctl addif", unix.SIOCGIFINDEX, b, false); e != 0 {
		return fmt.Errorf("SIOCGIFINDEX veth0: %w", e)
	}
	veth := uint64(binary.LittleEndian.Uint32(b[16:]))
	if _, e := r.brctl(fd, "ioctl_brctl_add_if_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_ADD_IF, veth0's ifindex}, as `brctl addif br0 veth0` falls back to", "br0", brctlAddIf, veth, 0, 0, nil, false); e != 0 {
		return fmt.Errorf("BRCTL_ADD_IF: %w", e)
	}
	r.brctl(fd, "ioctl_brctl_get_bridge_info_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_GET_BRIDGE_INFO, &info}, as `brctl show` falls back to; then the struct __bridge_info", "br0", brctlGetBridgeInfo, 0, 0, 0, make([]byte, 72), false)
	r.brctl(fd, "ioctl_brctl_get_port_list_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_GET_PORT_LIST, &ports, 8}; then the 8 ifindexes by port number", "br0", brctlGetPortList, 0, 8, 0, make([]byte, 32), false)
	r.brctl(fd, "ioctl_brctl_get_port_info_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_GET_PORT_INFO, &info, port 1}, as `brctl showstp` asks; then the struct __port_info", "br0", brctlGetPortInfo, 0, 1, 0, make([]byte, 48), false)
	r.brctl(fd, "ioctl_brctl_get_port_info_einval", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_GET_PORT_INFO, &info, port 9}: no such port (EINVAL), the buffer left as the caller filled it", "br0", brctlGetPortInfo, 0, 9, 0, bytes.Repeat([]byte{0xee}, 48), false)
	r.brctl(fd, "ioctl_brctl_get_fdb_entries_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_GET_FDB_ENTRIES, &entries, 4, 0}, as `brctl showmacs` asks; then the entries (veth0's random MAC)", "br0", brctlGetFdbEntries, 0, 4, 0, make([]byte, 64), true)
	r.brctl(fd, "ioctl_brctl_set_forward_delay_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_SET_BRIDGE_FORWARD_DELAY, 300}, as `brctl setfd br0 3` falls back to", "br0", brctlSetFwdDelay, 300, 0, 0, nil, false)
	r.brctl(fd, "ioctl_brctl_set_stp_state_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_SET_BRIDGE_STP_STATE, 0}, as `brctl stp br0 off` falls back to", "br0", brctlSetStpState, 0, 0, 0, nil, false)
	if _, e := r.brctl(fd, "ioctl_brctl_del_if_br0", "ioctl(SIOCDEVPRIVATE) br0 {BRCTL_DEL_IF, veth0's ifindex}, as `brctl delif br0 veth0` falls back to", "br0", brctlDelIf, veth, 0, 0, nil, false); e != 0 {
		return fmt.Errorf("BRCTL_DEL_IF: %w", e)
	}
	return nil
}

// brctl issues SIOCDEVPRIVATE on dev with brctl's unsigned long args[4]:
// cmd, a1, a2, a3, where a GET's a1 is answer's address instead. It
// records what the probe copies: the ifreq, args, then as much of the
// answer as the probe takes for the call's result (brctl_answer_size in
// the probe: the whole struct, or the ports and entries returned).
func (r *Recorder) brctl(fd int, file, desc, dev string, cmd, a1, a2, a3 uint64, answer []byte, volatile bool) (int, unix.Errno) {
	le := binary.LittleEndian
	args := make([]byte, 32)
	if answer != nil {
		a1 = capPtr(unsafe.Pointer(&answer[0]))
	}
	for i, v := range []uint64{cmd, a1, a2, a3} {
		le.PutUint64(args[8*i:], v)
	}
	ifr := Ifreq(dev)
	le.PutUint64(ifr[16:], capPtr(unsafe.Pointer(&args[0])))
	ret, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCDEVPRIVATE, uintptr(unsafe.Pointer(&ifr[0])))
	runtime.KeepAlive(args)
	runtime.KeepAlive(answer)
	data := append(append([]byte(nil), ifr...), args...)
	if e == 0 && answer != nil {
		n := len(answer)
		switch cmd {
		case brctlGetPortList:
			n = min(int(ret), 64) * 4
		case brctlGetFdbEntries:
			n = min(int(ret), 32) * 16
		}
		data = append(data, answer[:min(n, len(answer))]...)
	}
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "ioctl", Fd: fd,
		Args: []uint64{unix.SIOCDEVPRIVATE}, Data: data, Errno: capErrno(e), Volatile: volatile})
	return int(ret), e
}

// tunIoctls creates a persistent tap device and a multi-queue one the way
// `ip tuntap add` does, on /dev/net/tun.
func (r *Recorder) tunIoctls() error {
	le := binary.LittleEndian
	const (
		iffTap          = 0x0002
		iffMultiQueue   = 0x0100
		iffDetachQueue  = 0x0400
		iffNoPI         = 0x1000
		tunSetIff       = 0x400454ca
		tunSetPersist   = 0x400454cb
		tunSetOwner     = 0x400454cc
		tunSetGroup     = 0x400454ce
		tunGetFeatures  = 0x800454cf
		tunGetIff       = 0x800454d2
		tunSetQueue     = 0x400454d9
		tunGetVnetHdrSz = 0x800454d7
	)
	tun, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening /dev/net/tun: %w", err)
	}
	defer unix.Close(tun)
	r.tunIoctl(tun, "ioctl_tungetfeatures", "ioctl(TUNGETFEATURES) on a fresh /dev/net/tun fd", tunGetFeatures, make([]byte, 4))
	b := Ifreq("tap0")
	le.PutUint16(b[16:], iffTap|iffNoPI)
	if e := r.tunIoctl(tun, "ioctl_tunsetiff_tap0", "ioctl(TUNSETIFF) tap0 IFF_TAP|IFF_NO_PI, as `ip tuntap add tap0 mode tap` does", tunSetIff, b); e != 0 {
		return fmt.Errorf("TUNSETIFF: %w", e)
	}
	r.tunIoctl(tun, "ioctl_tungetiff_tap0", "ioctl(TUNGETIFF) on the fd attached to tap0", tunGetIff, make([]byte, 40))
	r.tunIoctl(tun, "ioctl_tungetvnethdrsz", "ioctl(TUNGETVNETHDRSZ) on tap0", tunGetVnetHdrSz, make([]byte, 4))
	r.tunValue(tun, "ioctl_tunsetowner", "ioctl(TUNSETOWNER, 1000), as `ip tuntap add ... user 1000` does", tunSetOwner, 1000)
	r.tunValue(tun, "ioctl_tunsetgroup", "ioctl(TUNSETGROUP, 1000), as `ip tuntap add ... group 1000` does", tunSetGroup, 1000)
	r.tunValue(tun, "ioctl_tunsetpersist_1", "ioctl(TUNSETPERSIST, 1): tap0 outlives the fd, as `ip tuntap add` does", tunSetPersist, 1)
	r.tunValue(tun, "ioctl_tunsetpersist_0", "ioctl(TUNSETPERSIST, 0): tap0 goes with the fd, as `ip tuntap del` does", tunSetPersist, 0)

	mq, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening /dev/net/tun: %w", err)
	}
	defer unix.Close(mq)
	b = Ifreq("tapmq0")
	le.PutUint16(b[16:], iffTap|iffNoPI|iffMultiQueue)
	r.tunIoctl(mq, "ioctl_tunsetiff_multi_queue", "ioctl(TUNSETIFF) tapmq0 IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE", tunSetIff, b)
	b = Ifreq("")
	le.PutUint16(b[16:], iffDetachQueue)
	r.tunIoctl(mq, "ioctl_tunsetqueue_detach", "ioctl(TUNSETQUEUE) IFF_DETACH_QUEUE: the fd's queue leaves tapmq0", tunSetQueue, b)
	return nil
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

// Run runs one scenario in a child process under strace and
// returns its records with strace's line for each.
func Run(t *testing.T, scenario string, syscalls string) []Record {
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
	var recs []Record
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

// Store writes each record as a fixture.
func Store(t *testing.T, recs []Record, producer string) {
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
		if r.HasArg {
			comments = append(comments, fmt.Sprintf("arg: %#x", r.Arg))
		}
		if r.Device != 0 {
			comments = append(comments, fmt.Sprintf("device: %#x", r.Device))
		}
		comments = append(comments, "result: "+result)
		if r.Volatile {
			comments = append(comments, "volatile: differs from run to run")
		}
		comments = append(comments, "strace: "+r.Strace)
		if err := Write(r.File, comments, r.Data); err != nil {
			t.Fatal(err)
		}
	}
}

const Producer = "go test ./trace/decode/ioctl -run TestCaptureFixtures -update (as root, inside a new network namespace, under strace)"

// StraceLeaves extracts the key=value pairs of a strace argument, at any
// nesting depth, with strace's wrappers removed: htons(0) -> 0,
// inet_addr("1.2.3.4") -> 1.2.3.4, /* comments */ dropped.
func StraceLeaves(s string) map[string]string {
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

// getsockname records the socket address the kernel reports for fd.
func (r *Recorder) getsockname(fd int, file, desc string) error {
	buf := make([]byte, 128)
	n := uint32(len(buf))
	_, _, e := unix.Syscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return fmt.Errorf("getsockname for %s: %w", file, e)
	}
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "getsockname", Fd: fd, Data: buf[:min(int(n), len(buf))]})
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

// SockaddrScenario binds sockets of every decoded family and records the
// address the kernel reports back with getsockname(2).
func SockaddrScenario(r *Recorder) error {
	le := binary.LittleEndian
	// Bring lo up so that 127.0.0.1 and ::1 exist.
	lo, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(lo)
	ifr := Ifreq("lo")
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

// setsockopt issues setsockopt(2) and records the value passed.
func (r *Recorder) setsockopt(fd, level, name int, val []byte, file, desc string, volatile bool) error {
	_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(name), uintptr(unsafe.Pointer(&val[0])), uintptr(len(val)), 0)
	if e != 0 {
		return fmt.Errorf("setsockopt for %s: %w", file, e)
	}
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "setsockopt", Fd: fd,
		Args: []uint64{uint64(level), uint64(name)}, Data: append([]byte(nil), val...), Volatile: volatile})
	return nil
}

// getsockopt issues getsockopt(2) with a size-byte buffer and records what
// the kernel wrote.
func (r *Recorder) getsockopt(fd, level, name, size int, file, desc string) error {
	buf := make([]byte, size)
	n := uint32(size)
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(name), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return fmt.Errorf("getsockopt for %s: %w", file, e)
	}
	r.Recs = append(r.Recs, Record{File: file, Desc: desc, Syscall: "getsockopt", Fd: fd,
		Args: []uint64{uint64(level), uint64(name)}, Data: buf[:min(int(n), size)]})
	return nil
}

func capInt(v int32) []byte {
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, uint32(v))
	return b
}

// SockoptScenario sets and reads the options iproute2 uses on its netlink
// socket (as strace shows for `ip monitor all`) and a few SOL_SOCKET ones.
func SockoptScenario(r *Recorder) error {
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

// CaptureToolSockopts records the x_tables blobs iptables-legacy exchanges
// with the kernel, from strace's dump of the real tool inside a new network
// namespace.
func ToolSockopts(t *testing.T) {
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
		script = append(script, fmt.Sprintf("strace -f -qq -s 65536 -e trace=setsockopt,getsockopt -o %s/%d.txt %s", dir, i, argv.Format(c)))
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
				"produced by: go test ./trace -run TestCaptureFixtures -update: strace -s 65536 -e trace=setsockopt,getsockopt " + argv.Format(cmds[w.cmd]) + " inside unshare -n; bytes are strace's dump of the value",
				"syscall: " + w.syscall,
				fmt.Sprintf("args: %#x %#x", level, name),
				"result: 0",
				"strace: " + short,
			}
			if err := Write(w.file, comments, data); err != nil {
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

// Helper is the capture program run under strace by
// TestCaptureFixtures; on its own it does nothing.
func Helper(t *testing.T) {
	scenario, out := os.Getenv("NETEXPLORE_CAPTURE_SCENARIO"), os.Getenv("NETEXPLORE_CAPTURE_OUT")
	if scenario == "" || out == "" {
		t.Skip("helper process of TestCaptureFixtures")
	}
	fn := scenarios[scenario]
	if fn == nil {
		t.Fatalf("unknown scenario %q", scenario)
	}
	var r Recorder
	if err := RunInNetNS(func() error { return fn(&r) }); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r.Recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
