package lab

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/steps"
)

// runScenario runs every step of a scenario in a lab and checks that none
// failed and that the host did not change.
func runScenario(t *testing.T, name string, modify func(*steps.Config)) ([]steps.StepResult, Snapshot) {
	t.Helper()
	checkHostUnchanged(t)
	cfg := scenarioConfig(name)
	if modify != nil {
		modify(&cfg)
	}
	results, snap := runAll(t, startLab(t, cfg))
	requireNoErrors(t, results)
	if len(results) != len(mustPlan(t, cfg)) {
		t.Fatalf("ran %d steps, the plan has %d", len(results), len(mustPlan(t, cfg)))
	}
	return results, snap
}

// scenarioConfig returns the default configuration with scenario name.
func scenarioConfig(name string) steps.Config {
	cfg := steps.DefaultConfig()
	cfg.Scenario = name
	return cfg
}

func mustPlan(t *testing.T, cfg steps.Config) []steps.Step {
	t.Helper()
	ps, err := steps.Plan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// namespaceNamed returns the state of the scenario namespace called name.
func namespaceNamed(t *testing.T, snap Snapshot, name string) NamespaceState {
	t.Helper()
	for _, n := range snap.Namespaces {
		if n.Name == name {
			return n
		}
	}
	t.Fatalf("no namespace %s in the snapshot", name)
	return NamespaceState{}
}

// nsLink returns the link called name in namespace n.
func nsLink(t *testing.T, n NamespaceState, name string) LinkState {
	t.Helper()
	for _, l := range n.Links {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no link %s in %s: %v", name, n.Name, n.Links)
	return LinkState{}
}

// nsSysctl returns the value of sysctl name in namespace n.
func nsSysctl(t *testing.T, n NamespaceState, name string) string {
	t.Helper()
	for _, s := range n.Sysctls {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no sysctl %s in %s: %v", name, n.Name, n.Sysctls)
	return ""
}

// requireNote fails unless a note of the step with id contains want.
func requireNote(t *testing.T, results []steps.StepResult, id, want string) {
	t.Helper()
	r := resultOf(t, results, id)
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, want) }) {
		t.Errorf("step %s: no note with %q in %q", id, want, r.Notes)
	}
}

// requireChange fails unless the step with id made a change whose line
// contains every one of parts.
func requireChange(t *testing.T, results []steps.StepResult, id string, parts ...string) {
	t.Helper()
	lines := changeLines(resultOf(t, results, id).Changes)
	for _, l := range lines {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("step %s: no change with %q in:\n%s", id, parts, strings.Join(lines, "\n"))
}

func TestScenarioNone(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioNone, nil)
	c := namespaceNamed(t, snap, "container1")
	if len(c.Links) != 1 || c.Links[0].Name != "lo" || !strings.Contains(c.Links[0].Flags, "UP") {
		t.Errorf("container1 links = %v, want only lo, up", c.Links)
	}
	requireNote(t, results, "runc create (network namespace)", "created container1 netns (fd ")
	requireChange(t, results, "runc create (network namespace)", "+ link (container1): lo")
	requireChange(t, results, "runc create (network namespace)", "+ sysctl (container1): net.ipv4.ping_group_range")
	requireNote(t, results, "check: only lo", "echo reply")
	requireNote(t, results, "check: only lo", "network is unreachable")
	if len(resultOf(t, results, "null driver (CreateEndpoint, Join)").Changes) != 0 {
		t.Error("the null driver changed something")
	}
}

func TestScenarioHost(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioHost, nil)
	requireLines(t, snap.Addresses, "eth0 inet 192.168.100.10/24 brd 192.168.100.255 scope global")
	for _, id := range []string{"oci: RemoveNamespace(network)", "sandbox: default sandbox", "host driver (CreateEndpoint, Join)"} {
		if c := resultOf(t, results, id).Changes; len(c) != 0 {
			t.Errorf("%s changed %v, want nothing", id, c)
		}
	}
	requireNote(t, results, "check: the host's network", "the container sees the host's links: lo, eth0")
	requireNote(t, results, "check: the host's network", "EADDRINUSE")
	requireNote(t, results, "check: the host's network", "ping from the host to 192.168.100.1: echo reply")
}

func TestScenarioUserBridge(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioUserBridge, nil)
	checkDocker0(t, snap)
	br := linkNamed(t, snap, "br-5c8f1e2a9b3d")
	if br.Kind != "bridge" || !strings.Contains(br.Flags, "UP") {
		t.Errorf("br-5c8f1e2a9b3d = %s, want a bridge, up", br)
	}
	requireLines(t, snap.Addresses, "br-5c8f1e2a9b3d inet 172.18.0.1/16 brd 172.18.255.255 scope global")
	requireLines(t, snap.Firewall,
		"ipv4 filter: -A DOCKER ! -i br-5c8f1e2a9b3d -o br-5c8f1e2a9b3d -j DROP",
		"ipv4 filter: -A DOCKER ! -i docker0 -o docker0 -j DROP",
		"ipv4 filter: -A DOCKER-FORWARD -i br-5c8f1e2a9b3d -j ACCEPT",
		"ipv4 nat: -A POSTROUTING -s 172.18.0.0/16 ! -o br-5c8f1e2a9b3d -j MASQUERADE",
		"ipv4 raw: -A PREROUTING -d 172.18.0.2/32 ! -i br-5c8f1e2a9b3d -j DROP")
	if v := sysctlValue(t, snap, "net.ipv6.conf.br-5c8f1e2a9b3d.accept_ra"); v != "0" {
		t.Errorf("br-5c8f1e2a9b3d accept_ra = %s, want 0", v)
	}
	if got := withPrefix(snap.Firewall, "ipv4 filter: -N DOCKER-ISOLATION"); len(got) != 0 {
		t.Errorf("Docker 29 has no isolation chains: %q", got)
	}
	requireNote(t, results, "newInterface", "bridgeAlreadyExists = false")
	// The second setupIPv4Forwarding (br-...'s) finds forwarding on.
	var fwd []steps.StepResult
	for _, r := range results {
		if r.ID == "setupIPv4Forwarding" {
			fwd = append(fwd, r)
		}
	}
	if len(fwd) != 2 || !slices.ContainsFunc(fwd[1].Notes, func(n string) bool { return strings.Contains(n, "already 1") }) {
		t.Errorf("setupIPv4Forwarding results = %+v, want the second to find forwarding on", fwd)
	}
	requireNote(t, results, "check: ping within br-5c8f1e2a9b3d", "echo reply")
	requireNote(t, results, "check: ping across networks", "cannot reach 172.18.0.2")
	c2 := namespaceNamed(t, snap, "container2")
	requireLines(t, c2.Routes, "default via 172.18.0.1 dev eth0 proto boot")
}

func TestScenarioJoin(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioJoin, nil)
	checkDocker0(t, snap)
	c1 := namespaceNamed(t, snap, "container1")
	eth0 := nsLink(t, c1, "eth0")
	if eth0.Kind != "veth" || eth0.State != "UP" || eth0.MTU != 1500 {
		t.Errorf("container1 eth0 = %s", eth0)
	}
	requireLines(t, c1.Addresses, "eth0 inet 172.17.0.2/16 brd 172.17.255.255 scope global")
	requireLines(t, c1.Routes, "default via 172.17.0.1 dev eth0 proto boot", "172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.2")
	for name, want := range map[string]string{"net.ipv6.conf.eth0.disable_ipv6": "1", "net.ipv6.conf.all.disable_ipv6": "0",
		"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0\t2147483647"} {
		if got := nsSysctl(t, c1, name); got != want {
			t.Errorf("container1 %s = %q, want %q", name, got, want)
		}
	}
	ports := 0
	for _, l := range snap.Links {
		if l.Kind == "veth" && l.Master == "docker0" && l.State == "UP" {
			ports++
		}
	}
	if ports != 2 {
		t.Errorf("docker0 has %d veth ports up, want 2: %v", ports, snap.Links)
	}
	requireLines(t, snap.Firewall,
		"ipv4 nat: -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
		"ipv4 filter: -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT",
		"ipv4 raw: -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP",
		"ipv4 raw: -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP")
	// The ACCEPT must come before docker0's DROP in DOCKER.
	filter := withPrefix(snap.Firewall, "ipv4 filter: -A DOCKER ")
	if len(filter) != 2 || !strings.HasSuffix(filter[0], "-j ACCEPT") {
		t.Errorf("filter DOCKER = %q, want the port's ACCEPT above the DROP", filter)
	}
	// The veth peer is born in the container: the step adds it there.
	requireChange(t, results, "CreateEndpoint (createVeth)", "+ link (container1): veth", "veth mtu 1500 state DOWN")
	requireChange(t, results, "sandbox: AddInterface (createInterface)", "+ link (container1): eth0 veth")
	requireChange(t, results, "updateGateway (programGateway)", "+ route (container1): default via 172.17.0.1 dev eth0")
	if c := resultOf(t, results, "Join").Changes; len(c) != 0 {
		t.Errorf("the bridge driver's Join changed %v", c)
	}
	requireNote(t, results, "runc create (network namespace)", "created container1 netns (fd ")
	requireNote(t, results, "mapPorts (startProxy)", "docker-proxy (pid ")
	requireNote(t, results, "check: ping the gateway", "ping from container1 to 172.17.0.1: echo reply")
	requireNote(t, results, "check: ping the other container", "ping from container1 to 172.17.0.3: echo reply")
	requireNote(t, results, "check: connect to the published port", "accepted a connection to 172.17.0.1:8080")
}

func TestScenarioJoinNoICCNoProxy(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioJoin, func(c *steps.Config) { c.ICC, c.UserlandProxy = false, false })
	requireLines(t, snap.Firewall,
		"ipv4 nat: -A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
		"ipv4 nat: -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE")
	if r := resultOf(t, results, "CreateEndpoint (setHairpinMode)"); r.Skipped {
		t.Error("setHairpinMode skipped with --userland-proxy=false")
	}
	requireNote(t, results, "check: ping the other container", "cannot reach 172.17.0.3, as expected")
	requireNote(t, results, "check: connect to the published port", "accepted a connection")
}

func TestScenarioMacvlan(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioMacvlan, nil)
	for _, name := range []string{"container1", "container2"} {
		eth0 := nsLink(t, namespaceNamed(t, snap, name), "eth0")
		if eth0.Kind != "macvlan" || eth0.State != "UP" {
			t.Errorf("%s eth0 = %s, want a macvlan, up", name, eth0)
		}
	}
	requireLines(t, namespaceNamed(t, snap, "container2").Addresses, "eth0 inet 192.168.100.3/24 brd 192.168.100.255 scope global")
	requireChange(t, results, "Join (createMacVlan)", "+ link: veth", "macvlan mtu 1500")
	requireChange(t, results, "sandbox: AddInterface (createInterface)", "- link: veth")
	requireChange(t, results, "sandbox: AddInterface (createInterface)", "+ link (container1): eth0 macvlan")
	requireNote(t, results, "check: ping the other container", "echo reply")
	requireNote(t, results, "check: ping the LAN's router", "echo reply")
	requireNote(t, results, "check: the host cannot reach its macvlan containers", "cannot reach 192.168.100.2")
	if c := resultOf(t, results, "sandbox: startResolver (embedded DNS)").Commands; len(c) != 10 || !strings.Contains(strings.Join(c[9].Args, " "), "-j SNAT --to-source :53") {
		t.Errorf("startResolver ran %d commands, want 10 ending with the tcp SNAT: %v", len(c), c)
	}
}

// TestScenarioJoin2010 runs the join scenario as Docker 20.10 does it and
// checks the 20.10 layout: isolation chains, FORWARD rules, the hairpin
// MASQUERADE, MACs derived from the address, IPv6 off on all interfaces.
func TestScenarioJoin2010(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioJoin, func(c *steps.Config) { c.DockerVersion, c.IP6Tables = steps.Docker2010, false })
	requireLines(t, snap.Firewall,
		"ipv4 filter: -P FORWARD DROP",
		"ipv4 filter: -A FORWARD -j DOCKER-USER",
		"ipv4 filter: -A FORWARD -j DOCKER-ISOLATION-STAGE-1",
		"ipv4 filter: -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		"ipv4 filter: -A FORWARD -o docker0 -j DOCKER",
		"ipv4 filter: -A FORWARD -i docker0 ! -o docker0 -j ACCEPT",
		"ipv4 filter: -A FORWARD -i docker0 -o docker0 -j ACCEPT",
		"ipv4 filter: -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT",
		"ipv4 filter: -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2",
		"ipv4 filter: -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
		"ipv4 filter: -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP",
		"ipv4 filter: -A DOCKER-ISOLATION-STAGE-2 -j RETURN",
		"ipv4 filter: -A DOCKER-USER -j RETURN",
		"ipv4 nat: -A DOCKER -i docker0 -j RETURN",
		"ipv4 nat: -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE")
	if got := withPrefix(snap.Firewall, "ipv6 "); len(got) != 0 {
		t.Errorf("Docker 20.10 sets no ip6tables rules: %q", got)
	}
	if mac := linkNamed(t, snap, "docker0").MAC; !strings.HasPrefix(mac, "02:42:") {
		t.Errorf("docker0 MAC = %s, want 02:42:...", mac)
	}
	c1 := namespaceNamed(t, snap, "container1")
	if eth0 := nsLink(t, c1, "eth0"); eth0.MAC != "02:42:ac:11:00:02" {
		t.Errorf("container1 eth0 MAC = %s, want 02:42:ac:11:00:02 (from 172.17.0.2)", eth0.MAC)
	}
	if v := nsSysctl(t, c1, "net.ipv6.conf.all.disable_ipv6"); v != "1" {
		t.Errorf("container1 all/disable_ipv6 = %s, want 1", v)
	}
	requireChange(t, results, "CreateEndpoint (createVeth)", "+ link: veth")
	requireChange(t, results, "sandbox: AddInterface (createInterface)", "+ link (container1): eth0 veth")
	if r := resultOf(t, results, "sandbox: SetKey"); len(r.Commands) != 1 || r.Commands[0].Args[0] != "set-ipv6" {
		t.Errorf("SetKey ran %v, want the set-ipv6 re-execution", r.Commands)
	}
	requireNote(t, results, "check: connect to the published port", "accepted a connection")
}

func TestScenarioOverlay(t *testing.T) {
	results, snap := runScenario(t, steps.ScenarioOverlay, nil)
	for _, side := range []struct{ ns, peerIP, peerMAC, vtep string }{
		{"overlay A", "10.0.0.3", "02:42:0a:00:00:03", "192.0.2.2"},
		{"overlay B", "10.0.0.2", "02:42:0a:00:00:02", "192.0.2.1"},
	} {
		ov := namespaceNamed(t, snap, side.ns)
		vx := nsLink(t, ov, "vxlan0")
		if vx.Kind != "vxlan" || vx.Master != "br0" || vx.MTU != 1450 {
			t.Errorf("%s vxlan0 = %s", side.ns, vx)
		}
		if v := nsLink(t, ov, "veth0"); v.Master != "br0" {
			t.Errorf("%s veth0 = %s, want a port of br0", side.ns, v)
		}
		requireLines(t, ov.Addresses, "br0 inet 10.0.0.1/24 brd 10.0.0.255 scope global")
		requireLines(t, ov.Neighbours,
			side.peerIP+" dev vxlan0 lladdr "+side.peerMAC+" PERMANENT",
			side.peerMAC+" dev vxlan0 dst "+side.vtep+" self permanent")
	}
	if eth0 := nsLink(t, namespaceNamed(t, snap, "container B"), "eth0"); eth0.MAC != "02:42:0a:00:00:03" || eth0.MTU != 1450 {
		t.Errorf("container B eth0 = %s", eth0)
	}
	requireChange(t, results, "createVxlan", "+ link: vx-001001-q3kd8 vxlan mtu 1450")
	requireChange(t, results, "setupSubnetSandbox: AddInterface vxlan0", "- link: vx-001001-q3kd8")
	requireNote(t, results, "check: ping across the overlay", "ping from container A to 10.0.0.3: echo reply")
}

// netnsHeldBy returns the network namespaces (as "net:[inode]") that
// process pid holds open file descriptors on.
func netnsHeldBy(t *testing.T, pid int) []string {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, e := range entries {
		if l, err := os.Readlink(dir + "/" + e.Name()); err == nil && strings.HasPrefix(l, "net:[") && !slices.Contains(held, l) {
			held = append(held, l)
		}
	}
	return held
}

func TestScenarioNamespacesAreUnnamed(t *testing.T) {
	checkHostUnchanged(t)
	cfg := scenarioConfig(steps.ScenarioOverlay)
	lab := startLab(t, cfg)
	results, snap := runAll(t, lab)
	requireNoErrors(t, results)
	held := netnsHeldBy(t, lab.PID())
	// host B, container A, overlay A, container B, overlay B
	if len(snap.Namespaces) != 5 || len(held) < 5 {
		t.Fatalf("snapshot has %d namespaces, the lab holds fds on %d: %q", len(snap.Namespaces), len(held), held)
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range held {
		if strings.Contains(string(mounts), ns) {
			t.Errorf("%s is bind-mounted: it would outlive the lab", ns)
		}
	}
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
}
