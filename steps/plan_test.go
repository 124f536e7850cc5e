package steps

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allInstalled pretends every helper program is installed.
func allInstalled(name string) (string, error) { return "/usr/sbin/" + name, nil }

// noneInstalled pretends no helper program is installed.
func noneInstalled(name string) (string, error) { return "", exec.ErrNotFound }

// summary renders a plan compactly: "ID" or "ID(Func)" when the function
// differs from the ID, prefixed with "-" when skipped.
func summary(ps []Step) []string {
	var out []string
	for _, s := range ps {
		line := s.ID
		if s.Skipped {
			line = "-" + line
		} else if s.Func != s.ID {
			line += "(" + s.Func + ")"
		}
		out = append(out, line)
	}
	return out
}

var defaultSummary = []string{
	"newFirewaller(newIptabler)",
	"setupUserChains",
	"newInterface",
	"setupDevice",
	"setupDefaultSysctl",
	"setupDefaultSysctl",
	"setupMTU",
	"setupBridgeIPv4",
	"-setupBridgeIPv6",
	"-setupVerifyAndReconcileIPv4",
	"setupIPv4Forwarding",
	"-setupIPv6Forwarding",
	"-setupLoopbackAddressesRouting",
	"-setupGatewayIPv4",
	"-setupGatewayIPv6",
	"-setupIPv4BridgeNetFiltering",
	"-setupIPv6BridgeNetFiltering",
	"addfirewallerNetwork(addIptablerNetwork)",
	"setupDeviceUp",
}

func TestDefaultPlan(t *testing.T) {
	ps, err := plan(DefaultConfig(), allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(defaultSummary, summary(ps)); diff != "" {
		t.Errorf("default plan (-want +got):\n%s", diff)
	}
	wantReasons := map[string]string{
		"setupBridgeIPv6":               "config.EnableIPv6 is false (no --ipv6)",
		"setupVerifyAndReconcileIPv4":   "bridgeAlreadyExists is false: the lab namespace is new, so docker0 did not exist before createNetwork",
		"setupIPv6Forwarding":           "config.EnableIPv6 is false (no --ipv6)",
		"setupLoopbackAddressesRouting": "d.config.EnableProxy is true (--userland-proxy, the default)",
		"setupGatewayIPv4":              "config.DefaultGatewayIPv4 is nil (no --default-gateway)",
		"setupGatewayIPv6":              "config.DefaultGatewayIPv6 is nil (no --default-gateway-v6)",
		"setupIPv4BridgeNetFiltering":   "enableBrNfCallIptables is false: needs --icc=false or --userland-proxy=false",
		"setupIPv6BridgeNetFiltering":   "enableBrNfCallIptables is false: needs --icc=false or --userland-proxy=false",
	}
	for _, s := range ps {
		if !s.Skipped {
			if s.SkipReason != "" {
				t.Errorf("%s runs but has skip reason %q", s.ID, s.SkipReason)
			}
			continue
		}
		if got, want := s.SkipReason, wantReasons[s.ID]; got != want {
			t.Errorf("%s skip reason = %q, want %q", s.ID, got, want)
		}
	}
}

func TestPlanStepsAreComplete(t *testing.T) {
	cfgs := map[string]Config{"default": DefaultConfig()}
	nft := DefaultConfig()
	nft.FirewallBackend = BackendNFTables
	cfgs["nftables"] = nft
	ioctl := DefaultConfig()
	ioctl.DeviceAPI, ioctl.DockerVersion, ioctl.IP6Tables = DeviceAPIIoctl, Docker2010, false
	cfgs["ioctl"] = ioctl
	v2010 := ioctl
	v2010.DeviceAPI = DeviceAPINetlink
	cfgs["20.10"] = v2010
	for name, cfg := range cfgs {
		ps, err := plan(cfg, allInstalled)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range ps {
			if s.ID == "" || s.Title == "" || s.Mirrors == "" || s.Explanation == "" || s.Func == "" {
				t.Errorf("%s: step %d %q lacks a field: %+v", name, i, s.ID, s)
			}
			if s.Phase != PhaseDaemonStart && s.Phase != PhaseCreateNetwork {
				t.Errorf("%s: step %s has phase %q", name, s.ID, s.Phase)
			}
			if !s.Skipped && s.code.run == nil {
				t.Errorf("%s: step %s runs but has no implementation", name, s.ID)
			}
			if _, err := SourceOf(s); err != nil {
				t.Errorf("%s: SourceOf(%s): %v", name, s.ID, err)
			}
		}
	}
}

func TestPlanVariants(t *testing.T) {
	// each variant lists the summary lines that differ from the default plan,
	// by index.
	tests := []struct {
		name   string
		modify func(*Config)
		look   func(string) (string, error)
		want   map[int]string
	}{
		{
			name:   "ipv6 fixed-cidr-v6 fd00::/64",
			modify: func(c *Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "fd00::/64" },
			want:   map[int]string{8: "setupBridgeIPv6", 11: "setupIPv6Forwarding"},
		},
		{
			name:   "icc=false",
			modify: func(c *Config) { c.ICC = false },
			want:   map[int]string{15: "setupIPv4BridgeNetFiltering", 16: "setupIPv6BridgeNetFiltering"},
		},
		{
			name:   "icc=false ip6tables=false",
			modify: func(c *Config) { c.ICC, c.IP6Tables = false, false },
			want:   map[int]string{15: "setupIPv4BridgeNetFiltering"},
		},
		{
			name:   "iptables=false",
			modify: func(c *Config) { c.IPTables = false },
			want:   map[int]string{}, // ip6tables still sets up its chains; IPv4 gets no rules
		},
		{
			name:   "iptables=false ip6tables=false",
			modify: func(c *Config) { c.IPTables, c.IP6Tables = false, false },
			want:   map[int]string{0: "-newFirewaller", 1: "-setupUserChains"},
		},
		{
			name:   "userland-proxy=false",
			modify: func(c *Config) { c.UserlandProxy = false },
			want: map[int]string{12: "setupLoopbackAddressesRouting", 15: "setupIPv4BridgeNetFiltering",
				16: "setupIPv6BridgeNetFiltering"},
		},
		{
			name:   "mtu 1400",
			modify: func(c *Config) { c.MTU = 1400 },
			want:   map[int]string{}, // docker0 always has an MTU, so setupMTU runs anyway
		},
		{
			name:   "ip-forward=false",
			modify: func(c *Config) { c.IPForward = false },
			want:   map[int]string{10: "-setupIPv4Forwarding"},
		},
		{
			name: "ipv6 ip-forward=false",
			modify: func(c *Config) {
				c.EnableIPv6, c.FixedCIDRv6, c.IPForward = true, "fd00::/64", false
			},
			want: map[int]string{8: "setupBridgeIPv6", 10: "-setupIPv4Forwarding"},
		},
		{
			name: "default gateways",
			modify: func(c *Config) {
				c.EnableIPv6, c.FixedCIDRv6, c.DefaultGatewayIPv4, c.DefaultGatewayIPv6 = true, "fd00::/64", "172.17.0.254", "fd00::fe"
			},
			want: map[int]string{8: "setupBridgeIPv6", 11: "setupIPv6Forwarding", 13: "setupGatewayIPv4", 14: "setupGatewayIPv6"},
		},
		{
			name:   "user-defined network",
			modify: func(c *Config) { c.DefaultBridge, c.BridgeName = false, "br-0123456789ab" },
			want:   map[int]string{5: "-setupDefaultSysctl", 6: "-setupMTU"},
		},
		{
			name:   "user-defined network with mtu",
			modify: func(c *Config) { c.DefaultBridge, c.BridgeName, c.MTU = false, "br-0123456789ab", 9000 },
			want:   map[int]string{5: "-setupDefaultSysctl"},
		},
		{
			name:   "nftables",
			modify: func(c *Config) { c.FirewallBackend = BackendNFTables },
			want: map[int]string{0: "newFirewaller(newNftabler)", 1: "-setupUserChains", 10: "setupIPv4Forwarding(checkIPv4Forwarding)",
				17: "addfirewallerNetwork(addNftablerNetwork)"},
		},
		{
			name:   "nftables ipv6",
			modify: func(c *Config) { c.FirewallBackend, c.EnableIPv6, c.FixedCIDRv6 = BackendNFTables, true, "fd00::/64" },
			want: map[int]string{0: "newFirewaller(newNftabler)", 1: "-setupUserChains", 8: "setupBridgeIPv6",
				10: "setupIPv4Forwarding(checkIPv4Forwarding)", 11: "setupIPv6Forwarding(checkIPv6Forwarding)",
				17: "addfirewallerNetwork(addNftablerNetwork)"},
		},
		{
			name:   "no firewall tools installed",
			modify: func(c *Config) {},
			look:   noneInstalled,
			want:   map[int]string{0: "-newFirewaller", 1: "-setupUserChains", 17: "-addfirewallerNetwork"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.modify(&cfg)
			look := tt.look
			if look == nil {
				look = allInstalled
			}
			ps, err := plan(cfg, look)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string(nil), defaultSummary...)
			for i, s := range tt.want {
				want[i] = s
			}
			if diff := cmp.Diff(want, summary(ps)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanMissingToolReason(t *testing.T) {
	ps, err := plan(DefaultConfig(), noneInstalled)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ps[0].SkipReason, "iptables not found: apt-get install iptables"; got != want {
		t.Errorf("skip reason = %q, want %q", got, want)
	}
	cfg := DefaultConfig()
	cfg.FirewallBackend = BackendNFTables
	ps, err = plan(cfg, noneInstalled)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ps[17].SkipReason, "nft not found: apt-get install nftables"; got != want {
		t.Errorf("skip reason = %q, want %q", got, want)
	}
}

func TestSkippedStepRun(t *testing.T) {
	ps, err := plan(DefaultConfig(), allInstalled)
	if err != nil {
		t.Fatal(err)
	}
	err = ps[8].Run(&Env{})
	if !errors.Is(err, ErrSkipped) {
		t.Errorf("Run of skipped %s = %v, want ErrSkipped", ps[8].ID, err)
	}
}

func TestPlanRejectsInvalidConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MTU = 10
	if _, err := Plan(cfg); err == nil || !strings.Contains(err.Error(), "--mtu=10") {
		t.Errorf("Plan with mtu 10: err = %v", err)
	}
}
