package steps

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// Scenario is one thing netexplore can show Docker doing, chosen with
// --scenario. Each scenario registers itself from its own file,
// scenario_<name>.go, with its steps' code beside it in <name>_linux.go.
type Scenario struct {
	// Name is the value of --scenario.
	Name string `json:"name"`
	// Summary says in one line what the scenario builds.
	Summary string `json:"summary"`

	// order places the scenario in the list a learner takes, lowest first.
	order int
	// bridge says the scenario creates Docker's default bridge, so the
	// bridge options (--bip, --icc ...) apply to it.
	bridge bool
	// v2010 says the scenario has a Docker 20.10 plan too
	// (--docker-version 20.10).
	v2010 bool
	// check reports the options that make no sense with the scenario,
	// besides the bridge options of a scenario without docker0.
	check func(Config) []error
	// plan returns the scenario's steps, which fill in w as they run.
	plan func(p planner, w *world) []Step
	// sysctls lists the lab's sysctls the scenario changes besides the
	// default bridge's, for snapshots to show.
	sysctls func(Config) []string
	// tables lists the iptables tables the scenario's rules go into
	// besides filter and nat, for snapshots to show.
	tables []string
}

// scenarios holds every scenario by name, filled in by register.
var scenarios = map[string]Scenario{}

// register adds a scenario; each scenario file calls it from its init.
func register(s Scenario) {
	if _, dup := scenarios[s.Name]; dup {
		panic("steps: scenario " + s.Name + " registered twice")
	}
	scenarios[s.Name] = s
}

// Scenarios lists the scenarios in the order a learner would take them.
func Scenarios() []Scenario {
	list := slices.Collect(maps.Values(scenarios))
	slices.SortFunc(list, func(a, b Scenario) int { return cmp.Compare(a.order, b.order) })
	return list
}

// scenarioFor returns cfg's scenario; ok is false for an unknown name.
func scenarioFor(cfg Config) (s Scenario, ok bool) {
	s, ok = scenarios[scenarioOf(cfg)]
	return s, ok
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

// scenarioNames returns the names of the scenarios keep accepts, in the
// learner's order.
func scenarioNames(keep func(Scenario) bool) []string {
	var names []string
	for _, s := range Scenarios() {
		if keep(s) {
			names = append(names, s.Name)
		}
	}
	return names
}

// anyScenario keeps every scenario.
func anyScenario(Scenario) bool { return true }

// withBridge keeps the scenarios that create Docker's default bridge.
func withBridge(s Scenario) bool { return s.bridge }

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
	d := c.versionDefaults()
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
	sc, ok := scenarioFor(c)
	if !ok {
		return []error{fmt.Errorf("unknown scenario %q: choose one of %s (netexplore run --scenario list)",
			c.Scenario, strings.Join(scenarioNames(anyScenario), ", "))}
	}
	var errs []error
	if set := setBridgeOptions(c); !sc.bridge && len(set) > 0 {
		errs = append(errs, fmt.Errorf("--scenario %s does not create docker0, so %s: drop %s, or use --scenario %s",
			sc.Name, doNotApply(set), pronoun(set), joinList(scenarioNames(withBridge), "or")))
	}
	if sc.check != nil {
		errs = append(errs, sc.check(c)...)
	}
	return errs
}

// doNotApply says that the flags in set do not apply, with the verb in
// agreement: "--bip does not apply", "--icc and --mtu do not apply".
func doNotApply(set []string) string {
	if len(set) == 1 {
		return set[0] + " does not apply"
	}
	return joinList(set, "and") + " do not apply"
}

// joinList joins items as a sentence does: "a", "a or b", "a, b or c".
func joinList(items []string, conj string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
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
	b.WriteString("\nbridge options (--bip, --icc ...) apply to " + joinList(scenarioNames(withBridge), "and") + " only")
	return b.String()
}
