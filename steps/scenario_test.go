package steps

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scenarioConfig returns the default configuration with scenario name.
func scenarioConfig(name string) Config {
	cfg := DefaultConfig()
	cfg.Scenario = name
	return cfg
}

// bridgeIDs are the step IDs of the default bridge plan.
var bridgeIDs = []string{
	"newFirewaller", "setupUserChains", "newInterface", "setupDevice", "setupDefaultSysctl", "setupDefaultSysctl", "setupMTU",
	"setupBridgeIPv4", "setupBridgeIPv6", "setupVerifyAndReconcileIPv4", "setupIPv4Forwarding", "setupIPv6Forwarding",
	"setupLoopbackAddressesRouting", "setupGatewayIPv4", "setupGatewayIPv6", "setupIPv4BridgeNetFiltering",
	"setupIPv6BridgeNetFiltering", "addfirewallerNetwork", "setupDeviceUp",
}

// bridgeIDs2010 are the step IDs of the default bridge plan of Docker
// 20.10.
var bridgeIDs2010 = []string{
	"configure (setupIPChains)", "setupIPForwarding", "arrangeUserFilterRule", "arrangeUserFilterRule",
	"newInterface", "setupDevice", "setupDefaultSysctl", "setupDefaultSysctl", "setupBridgeIPv4", "setupBridgeIPv6",
	"setupVerifyAndReconcile", "setupIPv6Forwarding", "setupLoopbackAddressesRouting", "setupIP4Tables", "setupFirewalld",
	"setupGatewayIPv4", "setupGatewayIPv6", "setupNetworkIsolationRules", "setupBridgeNetFiltering", "setupDeviceUp",
	"arrangeUserFilterRule",
}

// sandboxIDs are osl's AddInterface steps and the default route.
var sandboxIDs = []string{
	"sandbox: AddInterface (createInterface)", "sandbox: AddInterface (configureInterface)",
	"sandbox: AddInterface (LinkSetUp, advertiseAddrs)", "updateGateway (programGateway)",
}

// sandboxIDs2010 are sandboxIDs of Docker 20.10, which sends no
// gratuitous ARP.
var sandboxIDs2010 = []string{
	"sandbox: AddInterface (createInterface)", "sandbox: AddInterface (configureInterface)",
	"sandbox: AddInterface (LinkSetUp)", "updateGateway (programGateway)",
}

// newSandboxIDs are runc's and SetKey's steps for a container.
var newSandboxIDs = []string{"runc create (network namespace)", "sandbox: SetKey"}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var scenarioIDs = map[string][]string{
	ScenarioNone: concat(newSandboxIDs, []string{"null driver (CreateEndpoint, Join)", "check: only lo"}),
	ScenarioHost: {"lab: the host's NIC", "oci: RemoveNamespace(network)", "sandbox: default sandbox",
		"host driver (CreateEndpoint, Join)", "check: the host's network"},
	ScenarioBridge: bridgeIDs,
	ScenarioUserBridge: concat(bridgeIDs, bridgeIDs[2:], []string{"container joins docker0 (CreateEndpoint + Join)",
		"container joins br-5c8f1e2a9b3d (CreateEndpoint + Join)", "check: ping within br-5c8f1e2a9b3d", "check: ping across networks"}),
	ScenarioJoin: concat(bridgeIDs, newSandboxIDs, []string{"CreateEndpoint (createVeth)", "CreateEndpoint (LinkSetMTU)",
		"CreateEndpoint (addToBridge)", "CreateEndpoint (setHairpinMode)", "CreateEndpoint (AddEndpoint: filterDirectAccess)",
		"CreateEndpoint (linkUp)", "Join"}, sandboxIDs, []string{"addPortMappings (bind the host port)",
		"AddPorts (setPerPortIptables)", "mapPorts (startProxy)", "clearConntrackEntries", "second container (CreateEndpoint + Join)",
		"check: ping the gateway", "check: ping the other container", "check: connect to the published port"}),
	ScenarioMacvlan: concat([]string{"lab: the host's NIC", "driver CreateNetwork (macvlan)"}, newSandboxIDs,
		[]string{"Join (createMacVlan)", "sandbox: startResolver (embedded DNS)"}, sandboxIDs,
		[]string{"second container (Join)", "check: ping the other container", "check: ping the LAN's router",
			"check: the host cannot reach its macvlan containers"}),
	ScenarioOverlay: concat([]string{"lab: a second host and the underlay", "driver CreateNetwork (overlay)"}, newSandboxIDs,
		[]string{"Join: initSandbox", "setupSubnetSandbox: bridge", "createVxlan", "setupSubnetSandbox: AddInterface vxlan0",
			"Join: createVethPair", "Join: AddInterface veth (overlay side)"}, sandboxIDs[:3], []string{"host B: the same Join",
			"programs the FDB (peerAdd)", "programs the FDB (peerAdd)", "check: ping across the overlay"}),
}

// scenarioIDs2010 are the plans of --docker-version 20.10; overlay has none.
var scenarioIDs2010 = map[string][]string{
	ScenarioNone:   concat(newSandboxIDs, []string{"null driver (CreateEndpoint, Join)", "runc: OCI sysctls", "check: only lo"}),
	ScenarioHost:   scenarioIDs[ScenarioHost],
	ScenarioBridge: bridgeIDs2010,
	ScenarioUserBridge: concat(bridgeIDs2010, bridgeIDs2010[4:], []string{"container joins docker0 (CreateEndpoint + Join)",
		"container joins br-5c8f1e2a9b3d (CreateEndpoint + Join)", "check: ping within br-5c8f1e2a9b3d", "check: ping across networks"}),
	ScenarioJoin: concat(bridgeIDs2010, []string{"CreateEndpoint (createVeth)", "CreateEndpoint (LinkSetMTU)",
		"CreateEndpoint (addToBridge)", "CreateEndpoint (setHairpinMode)", "CreateEndpoint (linkUp)", "Join",
		"ProgramExternalConnectivity (allocatePorts)"}, newSandboxIDs, sandboxIDs2010, []string{"runc: OCI sysctls",
		"second container (CreateEndpoint + Join)", "check: ping the gateway", "check: ping the other container",
		"check: connect to the published port"}),
	ScenarioMacvlan: concat([]string{"lab: the host's NIC", "driver CreateNetwork (macvlan)", "arrangeUserFilterRule",
		"Join (createMacVlan)"}, newSandboxIDs, []string{"sandbox: startResolver (embedded DNS)"}, sandboxIDs2010,
		[]string{"runc: OCI sysctls", "second container (Join)", "check: ping the other container", "check: ping the LAN's router",
			"check: the host cannot reach its macvlan containers"}),
}

// versionConfig returns scenarioConfig for Docker version v, settled as
// the command line settles it.
func versionConfig(name, v string) Config {
	cfg := scenarioConfig(name)
	cfg.DockerVersion = v
	cfg.SettleDefaults(func(flag string) bool { return flag == "docker-version" })
	return cfg
}

func TestScenarioPlans(t *testing.T) {
	if len(scenarioIDs) != len(Scenarios()) {
		t.Fatalf("the test knows %d scenarios, Scenarios() lists %d", len(scenarioIDs), len(Scenarios()))
	}
	for _, v := range []struct {
		version string
		ids     map[string][]string
	}{{Docker29, scenarioIDs}, {Docker2010, scenarioIDs2010}} {
		for _, sc := range Scenarios() {
			t.Run(v.version+"/"+sc.Name, func(t *testing.T) {
				ps, err := plan(versionConfig(sc.Name, v.version), allInstalled)
				want, modelled := v.ids[sc.Name]
				if !modelled {
					if err == nil || !strings.Contains(err.Error(), "modelled for Docker 29 only") {
						t.Errorf("Plan = %v, want an error saying the scenario is for Docker 29 only", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, s := range ps {
					ids = append(ids, s.ID)
				}
				if diff := cmp.Diff(want, ids); diff != "" {
					t.Errorf("step IDs (-want +got):\n%s", diff)
				}
				checkStepsComplete(t, ps)
			})
		}
	}
}

// checkStepsComplete checks that every step has its texts, a phase, an
// implementation and a short, commented function in the embedded source.
func checkStepsComplete(t *testing.T, ps []Step) {
	t.Helper()
	for i, s := range ps {
		if s.ID == "" || s.Title == "" || s.Mirrors == "" || s.Explanation == "" || s.Func == "" || s.Phase == "" {
			t.Errorf("step %d %q lacks a field: %+v", i, s.ID, s)
		}
		if !s.Skipped && s.code.run == nil {
			t.Errorf("step %d %s runs but has no implementation", i, s.ID)
		}
		src, err := SourceOf(s)
		if err != nil {
			t.Errorf("SourceOf(%s): %v", s.ID, err)
			continue
		}
		if n := src.EndLine - src.StartLine + 1; n > 60 {
			t.Errorf("%s (%s) is %d lines long: keep step functions readable", s.Func, src.File, n)
		}
		if !strings.HasPrefix(src.Text, "// "+s.Func+" ") {
			t.Errorf("%s has no doc comment", s.Func)
		}
	}
}

func TestScenarioVariants(t *testing.T) {
	cfg := scenarioConfig(ScenarioJoin)
	cfg.UserlandProxy, cfg.ICC = false, false
	ps, err := plan(cfg, allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ps {
		switch s.ID {
		case "CreateEndpoint (setHairpinMode)":
			if s.Skipped {
				t.Error("setHairpinMode is skipped with --userland-proxy=false")
			}
		case "check: ping the other container":
			if s.Func != "checkNoPing" {
				t.Errorf("with --icc=false the container check is %s, want checkNoPing", s.Func)
			}
		}
	}
	cfg = scenarioConfig(ScenarioJoin)
	cfg.IPTables = false
	ps, err = plan(cfg, allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ps {
		if strings.Contains(s.ID, "filterDirectAccess") || s.ID == "AddPorts (setPerPortIptables)" || s.ID == "check: connect to the published port" {
			if !s.Skipped {
				t.Errorf("%s runs with --iptables=false", s.ID)
			}
		}
	}
	cfg = scenarioConfig(ScenarioUserBridge)
	cfg.FirewallBackend, cfg.LabIPForward = BackendNFTables, true
	ps, err = plan(cfg, allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	var funcs []string
	for _, s := range ps {
		if s.ID == "addfirewallerNetwork" {
			funcs = append(funcs, s.Func)
		}
	}
	if diff := cmp.Diff([]string{"addNftablerNetwork", "addNftablerNetwork"}, funcs); diff != "" {
		t.Errorf("firewall steps with nftables (-want +got):\n%s", diff)
	}
}

func TestEmptyScenarioIsBridge(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scenario = ""
	a, err := plan(cfg, allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan(DefaultConfig(), allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summary(b), summary(a)); diff != "" {
		t.Errorf("plan without a scenario differs from the bridge plan:\n%s", diff)
	}
	var old Config
	if err := json.Unmarshal([]byte(`{"bridge_name":"docker0","bip":"172.17.0.1/16","device_api":"netlink","firewall_backend":"iptables","default_bridge":true}`), &old); err != nil {
		t.Fatal(err)
	}
	if scenarioOf(old) != ScenarioBridge {
		t.Errorf("a configuration recorded before scenarios is scenario %q", scenarioOf(old))
	}
}

func TestScenarioValidation(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // "" means valid
	}{
		{"unknown", func(c *Config) { c.Scenario = "ipvlan" },
			`unknown scenario "ipvlan": choose one of none, host, bridge, user-bridge, join, macvlan, overlay (netexplore run --scenario list)`},
		{"list is not a scenario", func(c *Config) { c.Scenario = "list" }, `unknown scenario "list"`},
		{"none", func(c *Config) { c.Scenario = ScenarioNone }, ""},
		{"none with lab forwarding", func(c *Config) { c.Scenario, c.LabIPForward = ScenarioNone, true }, ""},
		{"none with bip", func(c *Config) { c.Scenario, c.BIP = ScenarioNone, "10.0.0.1/24" },
			"--scenario none does not create docker0, so --bip does not apply: drop it, or use --scenario bridge, user-bridge or join"},
		{"macvlan with icc and nftables", func(c *Config) { c.Scenario, c.ICC, c.FirewallBackend = ScenarioMacvlan, false, BackendNFTables },
			"--scenario macvlan does not create docker0, so --icc and --firewall-backend do not apply: drop them"},
		{"overlay with mtu", func(c *Config) { c.Scenario, c.MTU = ScenarioOverlay, 9000 }, "--scenario overlay does not create docker0, so --mtu"},
		{"host with ipv6", func(c *Config) { c.Scenario, c.EnableIPv6, c.FixedCIDRv6 = ScenarioHost, true, "fd00::/64" }, "--ipv6 and --fixed-cidr-v6 do not apply"},
		{"user-bridge", func(c *Config) { c.Scenario = ScenarioUserBridge }, ""},
		{"user-bridge with icc and ipv6", func(c *Config) {
			c.Scenario, c.ICC, c.EnableIPv6, c.FixedCIDRv6 = ScenarioUserBridge, false, true, "fd00::/64"
		}, ""},
		{"user-bridge as a user network", func(c *Config) { c.Scenario, c.DefaultBridge, c.BridgeName = ScenarioUserBridge, false, "br-x" },
			"--scenario user-bridge creates docker0 first and then the user-defined network br-5c8f1e2a9b3d itself, so --bridge and --default-bridge do not apply"},
		{"join", func(c *Config) { c.Scenario = ScenarioJoin }, ""},
		{"join with icc=false, no proxy, other bip", func(c *Config) {
			c.Scenario, c.ICC, c.UserlandProxy, c.BIP = ScenarioJoin, false, false, "10.9.0.1/16"
		}, ""},
		{"join with ipv6", func(c *Config) { c.Scenario, c.EnableIPv6, c.FixedCIDRv6 = ScenarioJoin, true, "fd00::/64" },
			"--scenario join models an IPv4-only container: drop --ipv6 and --fixed-cidr-v6"},
		{"join with nftables", func(c *Config) { c.Scenario, c.FirewallBackend, c.LabIPForward = ScenarioJoin, BackendNFTables, true },
			"--scenario join programs the published port with the iptables backend only"},
		{"join with default gateway", func(c *Config) { c.Scenario, c.DefaultGatewayIPv4 = ScenarioJoin, "172.17.0.254" },
			"--default-gateway names a router the lab does not have"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.modify(&cfg)
			err := cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			if _, perr := Plan(cfg); (perr == nil) != (err == nil) {
				t.Errorf("Plan error %v, Validate error %v", perr, err)
			}
		})
	}
}

func TestScenariosListed(t *testing.T) {
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s.Name)
		if s.Summary == "" {
			t.Errorf("scenario %s has no summary", s.Name)
		}
		if !strings.Contains(scenarioHelp(), s.Name) {
			t.Errorf("--scenario help does not mention %s", s.Name)
		}
	}
	want := []string{"none", "host", "bridge", "user-bridge", "join", "macvlan", "overlay"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Scenarios() (-want +got):\n%s", diff)
	}
}

func TestEndpointAddrs(t *testing.T) {
	p := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	for _, tt := range []struct {
		gw, fixed string
		want      []netip.Prefix
	}{
		{"172.17.0.1/16", "", []netip.Prefix{p("172.17.0.2/16"), p("172.17.0.3/16")}},
		{"10.9.0.1/24", "", []netip.Prefix{p("10.9.0.2/24"), p("10.9.0.3/24")}},
		{"172.17.0.2/16", "", []netip.Prefix{p("172.17.0.1/16"), p("172.17.0.3/16")}},
		{"172.17.0.1/16", "172.17.5.0/24", []netip.Prefix{p("172.17.5.1/16"), p("172.17.5.2/16")}},
		{"192.168.1.1/30", "", []netip.Prefix{p("192.168.1.2/30")}},
	} {
		if diff := cmp.Diff(tt.want, endpointAddrs(p(tt.gw), tt.fixed, 2), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
			t.Errorf("endpointAddrs(%s, %q) (-want +got):\n%s", tt.gw, tt.fixed, diff)
		}
	}
}

func TestUserNetworkConfig(t *testing.T) {
	cfg := userNetworkConfig(scenarioConfig(ScenarioUserBridge))
	if cfg.BridgeName != "br-5c8f1e2a9b3d" || cfg.BIP != "172.18.0.1/16" || cfg.DefaultBridge || cfg.MTU != 0 {
		t.Errorf("user network = %+v", cfg)
	}
	other := scenarioConfig(ScenarioUserBridge)
	other.BIP = "172.18.5.1/16"
	if got := userNetworkConfig(other).BIP; got != "172.17.0.1/16" {
		t.Errorf("with docker0 on 172.18.0.0/16 the user network gets %s, want 172.17.0.1/16", got)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("user network configuration is invalid: %v", err)
	}
}
