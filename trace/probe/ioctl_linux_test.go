package probe

import (
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
)

// The probe records every ioctl on a socket or on /dev/net/tun with the
// whole struct its request takes (and what SIOCETHTOOL's ifr_data and
// SIOCADDRT's rt_dev point to), read at exit: these tests trace the real
// tools in a namespace of their own and check the decoded calls.

// ioctls returns the ioctl records whose summary starts with prefix.
func ioctls(recs []analyze.Record, prefix string) []analyze.Record {
	var out []analyze.Record
	for _, r := range recs {
		if r.Event.Kind == event.KindIoctl && strings.HasPrefix(r.Decoded.Summary, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// logIoctls shows what was captured when a test fails.
func logIoctls(t *testing.T, recs []analyze.Record) {
	t.Helper()
	for _, r := range recs {
		if r.Event.Kind == event.KindIoctl || r.Event.Kind == event.KindOpen {
			t.Logf("%s = %d: %s", r.Decoded.Call, r.Event.Ret, r.Decoded.Summary)
		}
	}
}

func TestTraceTuntap(t *testing.T) {
	requireCommand(t, "ip", "iproute2")
	recs := traceCommand(t, "unshare", "-n", "sh", "-c", "ip tuntap add tap0 mode tap && ip tuntap del tap0 mode tap")
	defer func() {
		if t.Failed() {
			logIoctls(t, recs)
		}
	}()
	var opened int
	for _, r := range recs {
		if r.Event.Kind == event.KindOpen && r.Decoded.Path == "/dev/net/tun" && r.Event.Ret >= 0 {
			opened++
		}
	}
	if opened != 2 {
		t.Errorf("%d opens of /dev/net/tun seen, want 2 (add and del)", opened)
	}
	set := ioctls(recs, "TUNSETIFF tap0 ")
	if len(set) != 2 {
		t.Fatalf("%d TUNSETIFF tap0 calls, want 2", len(set))
	}
	for _, r := range set {
		if !strings.Contains(r.Decoded.Summary, "IFF_TAP|IFF_NO_PI") || r.Event.Ret != 0 {
			t.Errorf("TUNSETIFF: %q = %d, want IFF_TAP|IFF_NO_PI = 0", r.Decoded.Summary, r.Event.Ret)
		}
		if !strings.HasSuffix(r.Decoded.Call, "</dev/net/tun>, TUNSETIFF)") {
			t.Errorf("call line %q does not name the tun fd", r.Decoded.Call)
		}
		if v := fieldValue(t, r.Decoded.Fields, "ifr_name"); v != `"tap0"` {
			t.Errorf("ifr_name = %s", v)
		}
	}
	persist := ioctls(recs, "TUNSETPERSIST")
	if len(persist) != 2 || persist[0].Decoded.Summary != "TUNSETPERSIST persist=1" || persist[1].Decoded.Summary != "TUNSETPERSIST persist=0" {
		t.Fatalf("TUNSETPERSIST calls: %d, want persist=1 then persist=0", len(persist))
	}
	if c := persist[0].Decoded.Call; !strings.HasSuffix(c, "</dev/net/tun>, TUNSETPERSIST, 1)") {
		t.Errorf("call line %q lacks the value argument", c)
	}
}

func TestTraceEthtoolDrvinfo(t *testing.T) {
	requireCommand(t, "ethtool", "ethtool")
	// Loopback has no driver information: its GDRVINFO fails with
	// EOPNOTSUPP, and its buffer must not be shown as an answer.
	recs := traceCommand(t, "unshare", "-n", "sh", "-c", "ip link add v0 type veth peer name v1 && ethtool -i v0 >/dev/null && ! ethtool -i lo 2>/dev/null")
	defer func() {
		if t.Failed() {
			logIoctls(t, recs)
		}
	}()
	ok := ioctls(recs, "SIOCETHTOOL v0 ETHTOOL_GDRVINFO")
	if len(ok) != 1 {
		t.Fatalf("%d SIOCETHTOOL v0 ETHTOOL_GDRVINFO calls, want 1", len(ok))
	}
	if s := ok[0].Decoded.Summary; !strings.Contains(s, `driver="veth"`) || ok[0].Event.Ret != 0 {
		t.Errorf("veth drvinfo: %q = %d", s, ok[0].Event.Ret)
	}
	if v := fieldValue(t, ok[0].Decoded.Fields, "driver"); v != `"veth"` {
		t.Errorf("driver = %s", v)
	}
	failed := ioctls(recs, "SIOCETHTOOL lo ETHTOOL_GDRVINFO")
	if len(failed) != 1 {
		t.Fatalf("%d SIOCETHTOOL lo ETHTOOL_GDRVINFO calls, want 1", len(failed))
	}
	r := failed[0]
	if r.Decoded.Errno != "EOPNOTSUPP" {
		t.Errorf("errno %q, want EOPNOTSUPP", r.Decoded.Errno)
	}
	if !strings.HasSuffix(r.Decoded.Summary, "(no answer: the call failed)") {
		t.Errorf("failed drvinfo summary %q", r.Decoded.Summary)
	}
	if f, found := event.Find(r.Decoded.Fields, "driver"); found {
		t.Errorf("failed call shows driver = %s", f.Value)
	}
}

// brctl without sysfs (here hidden under a tmpfs, in a mount namespace of
// its own) falls back to the old bridge API: SIOCDEVPRIVATE with brctl's
// args, and the kernel's answers to its GETs.
func TestTraceBrctl(t *testing.T) {
	requireCommand(t, "brctl", "bridge-utils")
	recs := traceCommand(t, "unshare", "-n", "-m", "--propagation", "private", "sh", "-c",
		"mount -t tmpfs none /sys && brctl addbr nxbr0 && ip link add v0 type veth peer name v1 && brctl addif nxbr0 v0 && "+
			"brctl setfd nxbr0 3 && brctl stp nxbr0 on && brctl showstp nxbr0 >/dev/null && "+
			"ip link set nxbr0 up && ip link set v0 up && brctl showmacs nxbr0 >/dev/null")
	defer func() {
		if t.Failed() {
			logIoctls(t, recs)
		}
	}()
	for _, want := range []string{
		"SIOCDEVPRIVATE nxbr0 BRCTL_SET_BRIDGE_FORWARD_DELAY 300 (3.00 s)",
		"SIOCDEVPRIVATE nxbr0 BRCTL_SET_BRIDGE_STP_STATE on",
	} {
		if n := len(ioctls(recs, want)); n != 1 {
			t.Errorf("%d calls %q, want 1", n, want)
		}
	}
	info := ioctls(recs, "SIOCDEVPRIVATE nxbr0 BRCTL_GET_BRIDGE_INFO")
	if len(info) == 0 {
		t.Fatal("no BRCTL_GET_BRIDGE_INFO")
	}
	// showstp runs after setfd and stp on: the kernel's answer says so.
	last := info[len(info)-1].Decoded
	if v := fieldValue(t, last.Fields, "stp_enabled"); v != "1 (yes)" {
		t.Errorf("stp_enabled = %s", v)
	}
	if v := fieldValue(t, last.Fields, "bridge_forward_delay"); v != "300 (3.00 s)" {
		t.Errorf("bridge_forward_delay = %s", v)
	}
	if len(ioctls(recs, "SIOCDEVPRIVATE nxbr0 BRCTL_GET_PORT_LIST port 1 ifindex=")) == 0 {
		t.Error("no port list naming port 1")
	}
	if len(ioctls(recs, "SIOCDEVPRIVATE nxbr0 BRCTL_GET_PORT_INFO port 1 state=")) == 0 {
		t.Error("no port info for port 1")
	}
	fdb := ioctls(recs, "SIOCDEVPRIVATE nxbr0 BRCTL_GET_FDB_ENTRIES")
	if len(fdb) == 0 || !strings.Contains(fdb[0].Decoded.Summary, "(port 1 local)") {
		t.Errorf("forwarding entries: %d calls, want v0's own MAC on port 1", len(fdb))
	}
}

func TestTraceRouteArp(t *testing.T) {
	requireCommand(t, "route", "net-tools")
	requireCommand(t, "arp", "net-tools")
	recs := traceCommand(t, "unshare", "-n", "sh", "-c",
		"ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && "+
			"route add -net 10.9.0.0/16 dev lo && arp -s 10.0.0.5 00:11:22:33:44:55 -i v0")
	defer func() {
		if t.Failed() {
			logIoctls(t, recs)
		}
	}()
	rt := ioctls(recs, "SIOCADDRT")
	if len(rt) != 1 {
		t.Fatalf("%d SIOCADDRT calls, want 1", len(rt))
	}
	want := "SIOCADDRT dst=10.9.0.0 genmask=255.255.0.0 flags=RTF_UP metric=0 dev=lo (struct rtentry, not an ifreq)"
	if s := rt[0].Decoded.Summary; s != want {
		t.Errorf("SIOCADDRT: %q, want %q", s, want)
	}
	if n := len(rt[0].Event.Data); n != 120+len("lo\x00") {
		t.Errorf("SIOCADDRT payload %d bytes, want the 120-byte rtentry and the device name", n)
	}
	arp := ioctls(recs, "SIOCSARP")
	if len(arp) != 1 {
		t.Fatalf("%d SIOCSARP calls, want 1", len(arp))
	}
	if s := arp[0].Decoded.Summary; s != "SIOCSARP 10.0.0.5 lladdr=00:11:22:33:44:55 flags=ATF_COM|ATF_PERM dev=v0" {
		t.Errorf("SIOCSARP: %q", s)
	}
}

// TestTraceFailedGet: an SIOCGIFFLAGS for a name no interface has fails
// with ENODEV; the flags the caller left in the buffer are not an answer.
// An ioctl on a file that is neither a socket nor /dev/net/tun (a
// terminal request on /dev/null) is not recorded.
func TestTraceFailedGet(t *testing.T) {
	requireCommand(t, "python3", "python3")
	script := `import fcntl, socket, struct, termios
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH22x", b"nosuch0", 0x41))
except OSError:
    pass
try:
    fcntl.ioctl(open("/dev/null").fileno(), termios.TCGETS, bytes(60))
except OSError:
    pass`
	recs := traceCommand(t, "unshare", "-n", "python3", "-c", script)
	defer func() {
		if t.Failed() {
			logIoctls(t, recs)
		}
	}()
	got := ioctls(recs, "SIOCGIFFLAGS nosuch0")
	if len(got) != 1 {
		t.Fatalf("%d SIOCGIFFLAGS nosuch0 calls, want 1", len(got))
	}
	r := got[0]
	if r.Decoded.Errno != "ENODEV" || r.Decoded.Summary != "SIOCGIFFLAGS nosuch0 (no answer: the call failed)" {
		t.Errorf("failed GET: %q errno %q", r.Decoded.Summary, r.Decoded.Errno)
	}
	if f, found := event.Find(r.Decoded.Fields, "ifr_flags"); found {
		t.Errorf("failed GET shows ifr_flags = %s", f.Value)
	}
	for _, r := range recs {
		if r.Event.Kind == event.KindIoctl && r.Event.SockFamily == 0 && r.Event.Args[2] == 0 && r.Event.Args[0]>>8 != 0x89 {
			t.Errorf("ioctl on a file that is not networking recorded: %s", r.Decoded.Call)
		}
	}
}
