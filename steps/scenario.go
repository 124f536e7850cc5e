package steps

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Scenario names, the values of --scenario.
const (
	// ScenarioNone is `docker run --network none`.
	ScenarioNone = "none"
	// ScenarioHost is `docker run --network host`.
	ScenarioHost = "host"
	// ScenarioBridge is Docker's default bridge docker0, as dockerd creates
	// it at start: the default scenario.
	ScenarioBridge = "bridge"
	// ScenarioUserBridge is `docker network create`: a second bridge.
	ScenarioUserBridge = "user-bridge"
	// ScenarioJoin is `docker run -p 8080:80`: a container joins docker0.
	ScenarioJoin = "join"
	// ScenarioMacvlan is a macvlan network and two containers on it.
	ScenarioMacvlan = "macvlan"
	// ScenarioOverlay is an overlay (VXLAN) network across two hosts.
	ScenarioOverlay = "overlay"
)

// Scenario is one thing netexplore can show Docker doing, chosen with
// --scenario.
type Scenario struct {
	// Name is the value of --scenario.
	Name string `json:"name"`
	// Summary says in one line what the scenario builds.
	Summary string `json:"summary"`
}

// Scenarios lists the scenarios in the order a learner would take them.
func Scenarios() []Scenario {
	return []Scenario{
		{ScenarioNone, "docker run --network none: the container gets its own network namespace with only lo"},
		{ScenarioHost, "docker run --network host: no namespace and no network objects; the container shares the host's network"},
		{ScenarioBridge, "dockerd start: the default bridge docker0, its addresses, sysctls and firewall rules (the default)"},
		{ScenarioUserBridge, "docker network create: a second bridge br-<id> on 172.18.0.0/16, isolated from docker0"},
		{ScenarioJoin, "docker run -p 8080:80: a container joins docker0 (veth, eth0, address, route, DNAT), then pings"},
		{ScenarioMacvlan, "docker network create -d macvlan: containers get macvlan sub-interfaces of a host NIC"},
		{ScenarioOverlay, "docker network create -d overlay: two hosts, a VXLAN tunnel between them, containers ping across"},
	}
}

// Phases of the scenarios other than the default bridge; they group the
// steps in a step list.
const (
	// PhaseLab steps build what the lab stands in for (a NIC, a LAN, a
	// second host): no Docker code does this.
	PhaseLab = "lab setup (not Docker)"
	// PhaseSandbox steps create or prepare a container's network namespace
	// (runc, libnetwork's SetKey and osl sandbox code).
	PhaseSandbox = "container sandbox"
	// PhaseNetworkCreate steps are `docker network create`.
	PhaseNetworkCreate = "docker network create"
	// PhaseEndpoint steps are a driver's CreateEndpoint.
	PhaseEndpoint = "CreateEndpoint"
	// PhaseJoin steps are a driver's Join and the sandbox work that follows
	// it (the interface becomes eth0, gets its address and routes).
	PhaseJoin = "Join"
	// PhasePorts steps publish a port (ProgramExternalConnectivity).
	PhasePorts = "port mapping"
	// PhasePeers steps are the overlay control plane programming peers.
	PhasePeers = "peer programming"
	// PhaseCheck steps test connectivity between the namespaces the
	// scenario created; they fail when the network does not behave as
	// Docker's would.
	PhaseCheck = "connectivity check"
)

// scenarioOf returns cfg's scenario, "bridge" when unset (sessions recorded
// before scenarios existed).
func scenarioOf(cfg Config) string {
	if cfg.Scenario == "" {
		return ScenarioBridge
	}
	return cfg.Scenario
}

// scenarioNames returns the names of all scenarios, comma separated.
func scenarioNames() string {
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

// bridgeOption is a flag that configures the default bridge.
type bridgeOption struct {
	flag string
	set  func(c, d Config) bool // whether c differs from the default d
}

var bridgeOptions = []bridgeOption{
	{"--bridge", func(c, d Config) bool { return c.BridgeName != d.BridgeName }},
	{"--bip", func(c, d Config) bool { return c.BIP != d.BIP }},
	{"--fixed-cidr", func(c, d Config) bool { return c.FixedCIDR != d.FixedCIDR }},
	{"--mtu", func(c, d Config) bool { return c.MTU != d.MTU }},
	{"--ipv6", func(c, d Config) bool { return c.EnableIPv6 != d.EnableIPv6 }},
	{"--fixed-cidr-v6", func(c, d Config) bool { return c.FixedCIDRv6 != d.FixedCIDRv6 }},
	{"--icc", func(c, d Config) bool { return c.ICC != d.ICC }},
	{"--ip-masq", func(c, d Config) bool { return c.IPMasq != d.IPMasq }},
	{"--iptables", func(c, d Config) bool { return c.IPTables != d.IPTables }},
	{"--ip6tables", func(c, d Config) bool { return c.IP6Tables != d.IP6Tables }},
	{"--ip-forward", func(c, d Config) bool { return c.IPForward != d.IPForward }},
	{"--ip-forward-no-drop", func(c, d Config) bool { return c.IPForwardNoDrop != d.IPForwardNoDrop }},
	{"--userland-proxy", func(c, d Config) bool { return c.UserlandProxy != d.UserlandProxy }},
	{"--default-gateway", func(c, d Config) bool { return c.DefaultGatewayIPv4 != d.DefaultGatewayIPv4 }},
	{"--default-gateway-v6", func(c, d Config) bool { return c.DefaultGatewayIPv6 != d.DefaultGatewayIPv6 }},
	{"--default-bridge", func(c, d Config) bool { return c.DefaultBridge != d.DefaultBridge }},
	{"--device-api", func(c, d Config) bool { return c.DeviceAPI != d.DeviceAPI }},
	{"--firewall-backend", func(c, d Config) bool { return c.FirewallBackend != d.FirewallBackend }},
}

// setBridgeOptions returns the bridge flags whose value differs from the
// default, among only (all of them when only is empty).
func setBridgeOptions(c Config, only ...string) []string {
	d := DefaultConfig()
	var set []string
	for _, o := range bridgeOptions {
		if (len(only) == 0 || slices.Contains(only, o.flag)) && o.set(c, d) {
			set = append(set, o.flag)
		}
	}
	return set
}

// scenarioErrors checks the scenario name and the options that do not make
// sense with it, before anything is created.
func (c Config) scenarioErrors() []error {
	name := scenarioOf(c)
	known := false
	for _, s := range Scenarios() {
		known = known || s.Name == name
	}
	if !known {
		return []error{fmt.Errorf("unknown scenario %q: choose one of %s (netexplore run --scenario list)", c.Scenario, scenarioNames())}
	}
	var errs []error
	switch name {
	case ScenarioNone, ScenarioHost, ScenarioMacvlan, ScenarioOverlay:
		if set := setBridgeOptions(c); len(set) > 0 {
			errs = append(errs, fmt.Errorf("--scenario %s does not create docker0, so %s: drop %s, or use --scenario bridge, user-bridge or join",
				name, doNotApply(set), pronoun(set)))
		}
	case ScenarioUserBridge:
		if set := setBridgeOptions(c, "--default-bridge", "--bridge"); len(set) > 0 {
			errs = append(errs, fmt.Errorf("--scenario user-bridge creates docker0 first and then the user-defined network br-%s itself, so %s",
				userNetworkID[:12], doNotApply(set)))
		}
	case ScenarioJoin:
		if set := setBridgeOptions(c, "--default-bridge", "--bridge"); len(set) > 0 {
			errs = append(errs, fmt.Errorf("--scenario join attaches the container to docker0, so %s", doNotApply(set)))
		}
		if set := setBridgeOptions(c, "--ipv6", "--fixed-cidr-v6", "--default-gateway-v6"); len(set) > 0 {
			errs = append(errs, fmt.Errorf("--scenario join models an IPv4-only container: drop %s", strings.Join(set, " and ")))
		}
		if c.DefaultGatewayIPv4 != "" {
			errs = append(errs, errors.New("--scenario join: --default-gateway names a router the lab does not have, so the container's ping to its gateway would fail: drop it"))
		}
		if c.FirewallBackend == BackendNFTables {
			errs = append(errs, errors.New("--scenario join programs the published port with the iptables backend only: drop --firewall-backend nftables"))
		}
	}
	return errs
}

// doNotApply says that the flags in set do not apply, with the verb in
// agreement: "--bip does not apply", "--icc and --mtu do not apply".
func doNotApply(set []string) string {
	if len(set) == 1 {
		return set[0] + " does not apply"
	}
	return strings.Join(set[:len(set)-1], ", ") + " and " + set[len(set)-1] + " do not apply"
}

// pronoun is "it" or "them" for a list of flags.
func pronoun(list []string) string {
	if len(list) == 1 {
		return "it"
	}
	return "them"
}

// endpointAddrs returns the addresses Docker's IPAM would give the first n
// containers on a bridge with address gw: the lowest free addresses of the
// pool (--fixed-cidr, or the bridge subnet), skipping the network address
// and the gateway.
func endpointAddrs(gw netip.Prefix, fixedCIDR string, n int) []netip.Prefix {
	pool := gw.Masked()
	if p, err := netip.ParsePrefix(fixedCIDR); err == nil {
		pool = p.Masked()
	}
	var out []netip.Prefix
	for a := pool.Addr().Next(); pool.Contains(a) && len(out) < n; a = a.Next() {
		if a != gw.Addr() && a != lastAddr(pool) {
			out = append(out, netip.PrefixFrom(a, gw.Bits()))
		}
	}
	return out
}

// scenarioHelp is the help text of --scenario: every scenario with its
// summary.
func scenarioHelp() string {
	var b strings.Builder
	b.WriteString("what to show Docker doing (\"list\" describes them):")
	for _, s := range Scenarios() {
		fmt.Fprintf(&b, "\n  %-12s %s", s.Name, s.Summary)
	}
	b.WriteString("\nbridge options (--bip, --icc ...) apply to bridge, user-bridge and join only")
	return b.String()
}
