package lab

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/vishvananda/netlink"

	"github.com/netexplore/netexplore/steps"
)

// hostState reads the host namespace's links, addresses, routes, sysctls,
// iptables and nftables rules.
func hostState(t *testing.T) Snapshot {
	t.Helper()
	h, err := netlink.NewHandle()
	if err != nil {
		t.Fatalf("netlink handle in the host namespace: %v", err)
	}
	defer h.Close()
	cfg := steps.DefaultConfig()
	cfg.EnableIPv6, cfg.FixedCIDRv6, cfg.ICC, cfg.UserlandProxy = true, "fd00::/64", false, false // read every sysctl the plans touch
	snap, err := TakeSnapshot(h, cfg)
	if err != nil {
		t.Fatalf("snapshot of the host namespace: %v", err)
	}
	cfg.FirewallBackend = steps.BackendNFTables
	nft, _ := firewallLines(cfg)
	snap.Firewall = append(snap.Firewall, nft...)
	return snap
}

// checkHostUnchanged records the host's state now and compares it when the
// test ends.
func checkHostUnchanged(t *testing.T) {
	t.Helper()
	testutil.RequirePrivileged(t)
	before := hostState(t)
	t.Cleanup(func() {
		if diff := Diff(before, hostState(t)); len(diff) != 0 {
			t.Errorf("the host network namespace changed during the test:\n%v", diff)
		}
	})
}

// startLab starts and releases a lab for cfg, closed when the test ends.
func startLab(t *testing.T, cfg steps.Config) *Process {
	t.Helper()
	testutil.RequirePrivileged(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	lab, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("StartLab: %v", err)
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := lab.Begin(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return lab
}

// runAll runs every step of the lab's plan and returns the results and the
// final state. It stops at the first failed step.
func runAll(t *testing.T, lab *Process) ([]steps.StepResult, Snapshot) {
	t.Helper()
	var results []steps.StepResult
	for i, s := range lab.Plan() {
		res, err := lab.RunStep(i)
		if err != nil {
			t.Fatalf("RunStep(%d %s): %v", i, s.ID, err)
		}
		results = append(results, res)
		if res.Skipped != s.Skipped {
			t.Errorf("step %d %s: Skipped = %v, plan says %v", i, s.ID, res.Skipped, s.Skipped)
		}
		if res.Error != "" {
			break
		}
	}
	snap, err := lab.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return results, snap
}

// requireNoErrors fails the test for every step that failed.
func requireNoErrors(t *testing.T, results []steps.StepResult) {
	t.Helper()
	for _, r := range results {
		if r.Error != "" {
			t.Fatalf("step %d %s failed: %s\nnotes: %q", r.Step, r.ID, r.Error, r.Notes)
		}
	}
}

// resultOf returns the result of the first step with id.
func resultOf(t *testing.T, results []steps.StepResult, id string) steps.StepResult {
	t.Helper()
	for _, r := range results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result for step %s", id)
	return steps.StepResult{}
}

// linkNamed returns the link called name.
func linkNamed(t *testing.T, snap Snapshot, name string) LinkState {
	t.Helper()
	for _, l := range snap.Links {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no link %s in %v", name, snap.Links)
	return LinkState{}
}

// sysctlValue returns the value of a sysctl in snap.
func sysctlValue(t *testing.T, snap Snapshot, name string) string {
	t.Helper()
	for _, s := range snap.Sysctls {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no sysctl %s in %v", name, snap.Sysctls)
	return ""
}

// withPrefix returns the lines of lines that start with prefix.
func withPrefix(lines []string, prefix string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// requireLines fails unless every line of want is in got.
func requireLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// runDocker0 runs Docker's default bridge, with modify applied to the
// default configuration, as runScenario does, and checks docker0.
func runDocker0(t *testing.T, modify func(*steps.Config)) ([]steps.StepResult, Snapshot) {
	t.Helper()
	results, snap := runScenario(t, steps.ScenarioBridge, modify)
	checkDocker0(t, snap)
	return results, snap
}

func checkDocker0(t *testing.T, snap Snapshot) {
	t.Helper()
	br := linkNamed(t, snap, "docker0")
	if br.Kind != "bridge" || br.MTU != 1500 {
		t.Errorf("docker0 = %s, want a bridge with mtu 1500", br)
	}
	if !strings.Contains(br.Flags, "UP") {
		t.Errorf("docker0 is not up: %s", br)
	}
	if mac, err := strconv.ParseUint(br.MAC[:2], 16, 8); err != nil || mac&1 != 0 || mac&2 == 0 {
		t.Errorf("docker0 MAC %s is not a unicast, locally administered address", br.MAC)
	}
	requireLines(t, snap.Addresses, "docker0 inet 172.17.0.1/16 brd 172.17.255.255 scope global")
	requireLines(t, snap.Routes, "172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1")
	if v := sysctlValue(t, snap, "net.ipv4.ip_forward"); v != "1" {
		t.Errorf("net.ipv4.ip_forward = %s, want 1", v)
	}
	if v := sysctlValue(t, snap, "net.ipv6.conf.docker0.accept_ra"); v != "0" {
		t.Errorf("net.ipv6.conf.docker0.accept_ra = %s, want 0", v)
	}
}

func TestLabDefaultBridge(t *testing.T) {
	results, snap := runDocker0(t, nil)

	// Docker 29's rules for a new daemon, as moby's integration test dumps
	// them, plus the policies (FORWARD DROP because the daemon enabled
	// forwarding).
	want := []string{
		"ipv4 filter: -P INPUT ACCEPT",
		"ipv4 filter: -P FORWARD DROP",
		"ipv4 filter: -P OUTPUT ACCEPT",
		"ipv4 filter: -N DOCKER",
		"ipv4 filter: -N DOCKER-BRIDGE",
		"ipv4 filter: -N DOCKER-CT",
		"ipv4 filter: -N DOCKER-FORWARD",
		"ipv4 filter: -N DOCKER-INTERNAL",
		"ipv4 filter: -N DOCKER-USER",
		"ipv4 filter: -A FORWARD -j DOCKER-USER",
		"ipv4 filter: -A FORWARD -j DOCKER-FORWARD",
		"ipv4 filter: -A DOCKER ! -i docker0 -o docker0 -j DROP",
		"ipv4 filter: -A DOCKER-BRIDGE -o docker0 -j DOCKER",
		"ipv4 filter: -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		"ipv4 filter: -A DOCKER-FORWARD -j DOCKER-CT",
		"ipv4 filter: -A DOCKER-FORWARD -j DOCKER-INTERNAL",
		"ipv4 filter: -A DOCKER-FORWARD -j DOCKER-BRIDGE",
		"ipv4 filter: -A DOCKER-FORWARD -i docker0 -j ACCEPT",
	}
	want = append(want, docker0NAT...)
	if diff := cmp.Diff(want, withPrefix(snap.Firewall, "ipv4 ")); diff != "" {
		t.Errorf("IPv4 rules (-want +got):\n%s", diff)
	}
	// --ip6tables is on by default: the daemon-start chains exist for IPv6
	// too, but docker0 has no IPv6 rules.
	requireLines(t, snap.Firewall, "ipv6 filter: -N DOCKER-USER", "ipv6 filter: -A DOCKER-FORWARD -j DOCKER-CT",
		"ipv6 nat: -A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER")
	if got := withPrefix(snap.Firewall, "ipv6 filter: -A DOCKER "); len(got) != 0 {
		t.Errorf("docker0 has IPv6 rules without --ipv6: %q", got)
	}

	// Each step reports what it changed.
	dev := resultOf(t, results, "setupDevice")
	requireLines(t, changeLines(dev.Changes), "+ link: "+strings.Replace(linkNamed(t, snap, "docker0").String(), ",UP,NO-CARRIER", "", 1))
	fwd := resultOf(t, results, "setupIPv4Forwarding")
	requireLines(t, changeLines(fwd.Changes),
		"~ sysctl: net.ipv4.ip_forward = 0 -> net.ipv4.ip_forward = 1",
		"~ firewall: ipv4 filter: -P FORWARD ACCEPT -> ipv4 filter: -P FORWARD DROP")
	up := resultOf(t, results, "setupDeviceUp")
	requireLines(t, changeLines(up.Changes), "+ route: 172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1")
	fw := resultOf(t, results, "newFirewaller")
	if !slices.ContainsFunc(fw.Commands, func(c steps.CommandRun) bool {
		return strings.HasSuffix(c.Args[0], "iptables") && strings.Join(c.Args[1:], " ") == "--wait -t nat -N DOCKER" && c.ExitCode == 0
	}) {
		t.Errorf("newFirewaller did not run iptables --wait -t nat -N DOCKER: %v", fw.Commands)
	}
	if got := resultOf(t, results, "setupBridgeIPv4").Commands; len(got) != 0 {
		t.Errorf("setupBridgeIPv4 ran programs: %v", got)
	}
}

func changeLines(cs []steps.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

func TestLabIoctlDeviceAPI(t *testing.T) {
	results, snap := runDocker0(t, func(c *steps.Config) {
		c.DeviceAPI, c.DockerVersion, c.IP6Tables = steps.DeviceAPIIoctl, steps.Docker2010, false
	})
	dev := resultOf(t, results, "setupDevice")
	if len(dev.Changes) == 0 || !strings.HasPrefix(dev.Changes[0].After, "docker0 bridge mtu 1500 state DOWN mac "+linkNamed(t, snap, "docker0").MAC) {
		t.Errorf("setupDevice (ioctl) changes = %v, want docker0 added with the MAC set by SIOCSIFHWADDR", dev.Changes)
	}
	if mac := linkNamed(t, snap, "docker0").MAC; !strings.HasPrefix(mac, "02:42:") {
		t.Errorf("docker0 MAC = %s, want the 02:42 prefix of Docker <= 28", mac)
	}
}

func TestLabIPv6(t *testing.T) {
	_, snap := runDocker0(t, func(c *steps.Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "fd00::/64" })
	requireLines(t, snap.Addresses, "docker0 inet6 fd00::1/64 scope global nodad")
	requireLines(t, snap.Routes, "fd00::/64 dev docker0 proto kernel metric 256")
	for _, name := range []string{"net.ipv6.conf.all.forwarding", "net.ipv6.conf.default.forwarding", "net.ipv6.conf.docker0.forwarding"} {
		if v := sysctlValue(t, snap, name); v != "1" {
			t.Errorf("%s = %s, want 1", name, v)
		}
	}
	if v := sysctlValue(t, snap, "net.ipv6.conf.docker0.disable_ipv6"); v != "0" {
		t.Errorf("disable_ipv6 = %s, want 0", v)
	}
	requireLines(t, snap.Firewall,
		"ipv6 filter: -P FORWARD DROP",
		"ipv6 nat: -A POSTROUTING -s fd00::/64 ! -o docker0 -j MASQUERADE",
		"ipv6 filter: -A DOCKER ! -i docker0 -o docker0 -j DROP",
		"ipv6 filter: -A DOCKER-FORWARD -i docker0 -j ACCEPT",
		"ipv6 filter: -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		"ipv6 filter: -A DOCKER-BRIDGE -o docker0 -j DOCKER")
}

func TestLabICCFalse(t *testing.T) {
	results, snap := runDocker0(t, func(c *steps.Config) { c.ICC = false })
	requireLines(t, snap.Firewall,
		"ipv4 filter: -A DOCKER-FORWARD -i docker0 -o docker0 -j DROP",
		"ipv4 filter: -A DOCKER-FORWARD -i docker0 ! -o docker0 -j ACCEPT")
	if slices.Contains(snap.Firewall, "ipv4 filter: -A DOCKER-FORWARD -i docker0 -j ACCEPT") {
		t.Error("icc=false still accepts all traffic from docker0")
	}
	if v := sysctlValue(t, snap, "net.bridge.bridge-nf-call-iptables"); v != "1" {
		t.Errorf("bridge-nf-call-iptables = %s, want 1", v)
	}
	if r := resultOf(t, results, "setupIPv4BridgeNetFiltering"); r.Skipped {
		t.Error("setupIPv4BridgeNetFiltering was skipped with icc=false")
	}
}

func TestLabUserlandProxyFalse(t *testing.T) {
	_, snap := runDocker0(t, func(c *steps.Config) { c.UserlandProxy = false })
	if v := sysctlValue(t, snap, "net.ipv4.conf.docker0.route_localnet"); v != "1" {
		t.Errorf("route_localnet = %s, want 1", v)
	}
	requireLines(t, snap.Firewall,
		"ipv4 nat: -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER",
		"ipv4 nat: -A POSTROUTING -o docker0 -m addrtype --src-type LOCAL -j MASQUERADE")
}

func TestLabNftables(t *testing.T) {
	testutil.RequireCommand(t, "nft", "nftables")
	results, snap := runDocker0(t, func(c *steps.Config) {
		c.FirewallBackend, c.LabIPForward = steps.BackendNFTables, true
		c.EnableIPv6, c.FixedCIDRv6 = true, "fd00::/64"
	})
	requireLines(t, snap.Firewall,
		"table ip docker-bridges chain filter-FORWARD: type filter hook forward priority filter; policy accept;",
		"table ip docker-bridges chain filter-FORWARD: oifname vmap @filter-forward-in-jumps",
		"table ip docker-bridges chain nat-PREROUTING: fib daddr type local counter jump nat-prerouting-and-output",
		"table ip docker-bridges chain nat-OUTPUT: ip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output",
		`table ip docker-bridges map filter-forward-in-jumps: elements = { "docker0" : jump filter-forward-in__docker0 }`,
		`table ip docker-bridges chain filter-forward-in__docker0: iifname "docker0" counter accept comment "ICC"`,
		`table ip docker-bridges chain filter-forward-in__docker0: counter drop comment "UNPUBLISHED PORT DROP"`,
		`table ip docker-bridges chain filter-forward-out__docker0: counter accept comment "OUTGOING"`,
		`table ip docker-bridges chain nat-postrouting-out__docker0: oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE"`,
		`table ip6 docker-bridges chain nat-postrouting-out__docker0: oifname != "docker0" ip6 saddr fd00::/64 counter masquerade comment "MASQUERADE"`)
	if got := withPrefix(snap.Firewall, "table ip filter"); len(got) != 0 {
		t.Errorf("the nftables backend created iptables rules: %q", got)
	}
	if r := resultOf(t, results, "setupUserChains"); !r.Skipped {
		t.Error("setupUserChains ran with the nftables backend")
	}
}

func TestLabNftablesNeedsForwarding(t *testing.T) {
	testutil.RequireCommand(t, "nft", "nftables")
	cfg := steps.DefaultConfig()
	cfg.FirewallBackend = steps.BackendNFTables
	lab := startLab(t, cfg)
	results, _ := runAll(t, lab)
	last := results[len(results)-1]
	if last.ID != "setupIPv4Forwarding" || !strings.Contains(last.Error, "IPv4 forwarding is disabled") {
		t.Fatalf("last step = %s %q, want setupIPv4Forwarding to fail", last.ID, last.Error)
	}
	_, err := lab.RunStep(last.Step + 1)
	if err == nil || !strings.Contains(err.Error(), "stops at the first error") {
		t.Errorf("RunStep after a failure: err = %v", err)
	}
}

func TestLabRequestOrder(t *testing.T) {
	testutil.RequirePrivileged(t)
	lab, err := Start(context.Background(), steps.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	if _, err := lab.RunStep(0); err == nil || !strings.Contains(err.Error(), "not been started") {
		t.Errorf("RunStep before Start: err = %v", err)
	}
	if err := lab.Begin(); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.RunStep(3); err == nil || !strings.Contains(err.Error(), "must run before step 3") {
		t.Errorf("RunStep out of order: err = %v", err)
	}
	if _, err := lab.RunStep(99); err == nil || !strings.Contains(err.Error(), "no step 99") {
		t.Errorf("RunStep(99): err = %v", err)
	}
	for i := 0; i <= 7; i++ {
		if _, err := lab.RunStep(i); err != nil {
			t.Fatal(err)
		}
	}
	// Steps 8 and 9 are skipped in the default plan: 10 may follow 7.
	res, err := lab.RunStep(10)
	if err != nil || res.Error != "" {
		t.Fatalf("RunStep(10) after skipped steps: %v %q", err, res.Error)
	}
	if _, err := lab.RunStep(3); err == nil || !strings.Contains(err.Error(), "already run") {
		t.Errorf("RunStep(3) again: err = %v", err)
	}
	if err := lab.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := lab.RunStep(11); err == nil {
		t.Error("RunStep after Close succeeded")
	}
}

// labParentEnv makes the test binary a process that starts a lab, prints the
// lab's PID and waits to be killed.
const labParentEnv = "NETEXPLORE_TEST_LAB_PARENT"

func init() {
	if os.Getenv(labParentEnv) == "" || IsChild() {
		return
	}
	lab, err := Start(context.Background(), steps.DefaultConfig())
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(lab.PID())
	time.Sleep(time.Hour) // until the test kills this process
	os.Exit(0)
}

func TestLabDiesWithParent(t *testing.T) {
	testutil.RequirePrivileged(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(exe)
	parent.Env = append(os.Environ(), labParentEnv+"=1")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		parent.Process.Kill()
		t.Fatalf("reading the lab PID: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		parent.Process.Kill()
		t.Fatalf("parent said %q", line)
	}
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return // gone
		}
		if f := strings.Fields(string(stat)); len(f) > 2 && f[2] == "Z" {
			return // dead, waiting to be reaped by init: its namespace is already released
		}
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("lab %d still alive 10s after its parent was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLabSurvivesItsCallersThread(t *testing.T) {
	testutil.RequirePrivileged(t)
	// The caller locks its goroutine to a thread and ends without unlocking
	// it: Go then terminates that thread. The lab must not take that as its
	// parent dying.
	type started struct {
		lab *Process
		err error
	}
	ch := make(chan started)
	go func() {
		runtime.LockOSThread()
		lab, err := Start(context.Background(), steps.DefaultConfig())
		ch <- started{lab, err}
	}()
	s := <-ch
	if s.err != nil {
		t.Fatal(s.err)
	}
	defer s.lab.Close()
	time.Sleep(100 * time.Millisecond) // let the thread exit
	if err := s.lab.Begin(); err != nil {
		t.Fatalf("Start after the caller's thread ended: %v", err)
	}
	if res, err := s.lab.RunStep(0); err != nil || res.Error != "" {
		t.Fatalf("RunStep(0): %v %q", err, res.Error)
	}
}
