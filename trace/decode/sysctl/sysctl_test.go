package sysctl

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

func TestSysctlKey(t *testing.T) {
	tests := map[string]string{
		"/proc/sys/net/ipv4/ip_forward":                        "net.ipv4.ip_forward",
		"/proc/sys/net/ipv6/conf/docker0/accept_ra":            "net.ipv6.conf.docker0.accept_ra",
		"/proc/sys/net/ipv4/conf/eth0.1/forwarding":            "net.ipv4.conf.eth0/1.forwarding",
		"/proc/sys/net/bridge/bridge-nf-call-iptables":         "net.bridge.bridge-nf-call-iptables",
		"/proc/sys/net/ipv4/conf/docker0/route_localnet":       "net.ipv4.conf.docker0.route_localnet",
		"/proc/sys//net/ipv4/ip_forward":                       "net.ipv4.ip_forward",
		"/etc/hosts":                                           "/etc/hosts",
		"/proc/sys":                                            "/proc/sys",
		"/proc/sys/net/ipv6/conf/br-1a2b3c4d5e6f/disable_ipv6": "net.ipv6.conf.br-1a2b3c4d5e6f.disable_ipv6",
	}
	for path, want := range tests {
		if got := Key(path); got != want {
			t.Errorf("SysctlKey(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestSysctlKeyMatchesSysctl compares SysctlKey with sysctl(8)'s own names
// for every file under /proc/sys/net of a namespace holding an interface
// whose name contains a dot.
func TestSysctlKeyMatchesSysctl(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "sysctl", "procps")
	testutil.RequireCommand(t, "ip", "iproute2")
	script := `ip link add eth0.1 type veth peer name v1 && sysctl -a -N 2>/dev/null | grep '^net\.' | sort && echo --- && find /proc/sys/net -type f | sort`
	out, err := exec.Command("unshare", "-n", "sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("listing sysctls in a new network namespace: %v", err)
	}
	names, files, ok := strings.Cut(string(out), "---\n")
	if !ok {
		t.Fatalf("unexpected output:\n%s", out)
	}
	var got []string
	for _, f := range strings.Fields(files) {
		got = append(got, Key(f))
	}
	sort.Strings(got)
	want := strings.Fields(names)
	// sysctl -a lists only readable entries; compare on what it lists.
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("sysctl(8) names not produced by SysctlKey: %v", missing)
	}
	if !have["net.ipv4.conf.eth0/1.forwarding"] {
		t.Error("no key for the dotted interface eth0.1")
	}
	if len(want) < 100 {
		t.Errorf("only %d names compared", len(want))
	}
}

// TestSysctlWrite uses the values Docker writes (see
// shared/reference/docker-bridge-steps.md) and a few harder ones.
func TestSysctlWrite(t *testing.T) {
	tests := []struct {
		path string
		data string
		want string
	}{
		{"/proc/sys/net/ipv4/ip_forward", "1\n", "/proc/sys/net/ipv4/ip_forward = 1"},
		{"/proc/sys/net/ipv6/conf/docker0/accept_ra", "0\n", "/proc/sys/net/ipv6/conf/docker0/accept_ra = 0"},
		{"/proc/sys/net/bridge/bridge-nf-call-iptables", "1", "/proc/sys/net/bridge/bridge-nf-call-iptables = 1"},
		{"/proc/sys/net/ipv4/tcp_rmem", "4096 131072 6291456\n", "/proc/sys/net/ipv4/tcp_rmem = 4096 131072 6291456"},
		{"/proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n", `/proc/sys/net/ipv4/tcp_rmem = "4096\t131072\t6291456"`},
		{"/proc/sys/net/ipv4/ip_forward", "", `/proc/sys/net/ipv4/ip_forward = ""`},
		{"/proc/sys/net/ipv4/ip_forward", "\n", `/proc/sys/net/ipv4/ip_forward = ""`},
		{"/proc/sys/net/ipv4/ip_forward", "1\n\n", `/proc/sys/net/ipv4/ip_forward = "1\n"`},
		{"/proc/sys/net/ipv4/ip_forward", " 1", `/proc/sys/net/ipv4/ip_forward = " 1"`},
		{"/proc/sys/kernel/hostname", "box\x00", `/proc/sys/kernel/hostname = "box\x00"`},
		{"/proc/sys/kernel/hostname", "h\xffst", `/proc/sys/kernel/hostname = "h\xffst"`},
	}
	for _, tc := range tests {
		if got := Write(tc.path, []byte(tc.data)); got != tc.want {
			t.Errorf("SysctlWrite(%q, %q) = %s, want %s", tc.path, tc.data, got, tc.want)
		}
	}
	got := WriteN("/proc/sys/net/ipv4/ip_local_port_range", []byte("32768 6"), 12)
	if want := "/proc/sys/net/ipv4/ip_local_port_range = 32768 6… (+5 bytes not captured)"; got != want {
		t.Errorf("truncated write: %s, want %s", got, want)
	}
}

// TestSysctlWriteRealValues reads values from this machine's /proc/sys/net
// (what a write would put back) and checks that they render unquoted.
func TestSysctlWriteRealValues(t *testing.T) {
	var checked []string
	err := filepath.WalkDir("/proc/sys/net/ipv4", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || len(checked) >= 50 {
			return nil
		}
		out, err := exec.Command("cat", p).Output()
		if err != nil || len(out) == 0 || strings.ContainsAny(string(out), "\t") {
			return nil
		}
		got := Write(p, out)
		want := p + " = " + strings.TrimSuffix(string(out), "\n")
		if got != want {
			t.Errorf("SysctlWrite(%s) = %q, want %q", p, got, want)
		}
		checked = append(checked, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(checked) == 0 {
		t.Skip("no readable /proc/sys/net/ipv4 values")
	}
}
