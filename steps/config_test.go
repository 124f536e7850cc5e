package steps

import (
	"flag"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   []string // one substring per expected error line
	}{
		{"name too long", func(c *Config) { c.BridgeName, c.DefaultBridge = "br-0123456789abc", false }, []string{"16 bytes long; the kernel allows at most 15"}},
		{"name with slash", func(c *Config) { c.BridgeName, c.DefaultBridge = "br/0", false }, []string{"contains '/', ':', white space or NUL"}},
		{"name with space", func(c *Config) { c.BridgeName, c.DefaultBridge = "br 0", false }, []string{"white space"}},
		{"name dot", func(c *Config) { c.BridgeName, c.DefaultBridge = ".", false }, []string{"not a valid interface name"}},
		{"empty name", func(c *Config) { c.BridgeName = "" }, []string{"empty interface name"}},
		{"default bridge renamed", func(c *Config) { c.BridgeName = "br0" }, []string{"--bridge=br0: Docker only creates the default network's bridge when it is named docker0"}},
		{"bad bip", func(c *Config) { c.BIP = "172.17.0.1" }, []string{"--bip=172.17.0.1: not an IPv4 address with a prefix length"}},
		{"ipv6 bip", func(c *Config) { c.BIP = "fd00::1/64" }, []string{"--bip=fd00::1/64: not an IPv4 address"}},
		{"bip network address", func(c *Config) { c.BIP = "172.17.0.0/16" }, []string{"is the subnet's network address: give the bridge's own address, such as 172.17.0.1/16"}},
		{"bip broadcast address", func(c *Config) { c.BIP = "172.17.255.255/16" }, []string{"is the subnet's broadcast address"}},
		{"no bip no fixed-cidr", func(c *Config) { c.BIP = "" }, []string{"--bip or --fixed-cidr is required"}},
		{"bip /0", func(c *Config) { c.BIP = "10.0.0.1/0" }, []string{"--bip=10.0.0.1/0: a /0 subnet would cover every IPv4 address"}},
		{"bip /32", func(c *Config) { c.BIP = "10.0.0.1/32" }, []string{"--bip=10.0.0.1/32: a /32 subnet has no room for a container"}},
		{"bip /31", func(c *Config) { c.BIP = "10.0.0.1/31" }, []string{"a /31 subnet has no room"}},
		{"bad fixed-cidr", func(c *Config) { c.FixedCIDR = "nonsense" }, []string{"--fixed-cidr=nonsense: not an IPv4 CIDR"}},
		{"fixed-cidr outside bip", func(c *Config) { c.FixedCIDR = "10.0.0.0/24" }, []string{"--fixed-cidr=10.0.0.0/24 is not inside the bridge subnet 172.17.0.0/16"}},
		{"fixed-cidr bigger than bip", func(c *Config) { c.FixedCIDR = "172.16.0.0/12" }, []string{"is not inside the bridge subnet"}},
		{"ipv6 without fixed-cidr-v6", func(c *Config) { c.EnableIPv6 = true }, []string{"--ipv6 needs --fixed-cidr-v6"}},
		{"bad fixed-cidr-v6", func(c *Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "10.0.0.0/8" }, []string{"--fixed-cidr-v6=10.0.0.0/8: not an IPv6 CIDR"}},
		{"multicast fixed-cidr-v6", func(c *Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "ff00::/64" }, []string{"multicast"}},
		{"link-local overlap", func(c *Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "fe80::/80" }, []string{"overlaps the link-local prefix"}},
		{"gateway outside subnet", func(c *Config) { c.DefaultGatewayIPv4 = "10.0.0.1" }, []string{"--default-gateway=10.0.0.1 is outside the bridge subnet 172.17.0.0/16"}},
		{"gateway not ipv4", func(c *Config) { c.DefaultGatewayIPv4 = "fd00::1" }, []string{"--default-gateway=fd00::1: not an IPv4 address"}},
		{"gateway-v6 without ipv6", func(c *Config) { c.DefaultGatewayIPv6 = "fd00::1" }, []string{"--default-gateway-v6 has no effect without --ipv6"}},
		{"gateway-v6 outside subnet", func(c *Config) { c.EnableIPv6, c.FixedCIDRv6, c.DefaultGatewayIPv6 = true, "fd00::/64", "fd01::1" }, []string{"--default-gateway-v6=fd01::1 is outside the bridge subnet fd00::/64"}},
		{"mtu too small", func(c *Config) { c.MTU = 67 }, []string{"--mtu=67: must be between 68"}},
		{"mtu too big", func(c *Config) { c.MTU = 65536 }, []string{"--mtu=65536"}},
		{"mtu negative", func(c *Config) { c.MTU = -1 }, []string{"--mtu=-1"}},
		{"unknown device api", func(c *Config) { c.DeviceAPI = "sysfs" }, []string{`--device-api="sysfs": want "netlink" or "ioctl"`}},
		{"unknown backend", func(c *Config) { c.FirewallBackend = "firewalld" }, []string{`--firewall-backend="firewalld": want "iptables" or "nftables"`}},
		{"icc=false without iptables", func(c *Config) { c.ICC, c.IPTables = false, false }, []string{"--icc=false needs --iptables"}},
		{"icc=false ipv6 without ip6tables", func(c *Config) { c.ICC, c.EnableIPv6, c.FixedCIDRv6, c.IP6Tables = false, true, "fd00::/64", false }, []string{"--icc=false with --ipv6 needs --ip6tables"}},
		{"several problems", func(c *Config) { c.MTU, c.DeviceAPI, c.BIP = 1, "x", "bad" }, []string{"--bip=bad", "--mtu=1", "--device-api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.modify(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Errorf("got %d error lines, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidConfigs(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   resolved
	}{
		{"default", func(*Config) {}, resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), mtu: 1500}},
		{"mtu", func(c *Config) { c.MTU = 1400 }, resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), mtu: 1400}},
		{"fixed-cidr only", func(c *Config) { c.BIP, c.FixedCIDR = "", "10.10.0.0/24" }, resolved{addr4: netip.MustParsePrefix("10.10.0.1/24"), mtu: 1500}},
		{"fixed-cidr in bip", func(c *Config) { c.BIP, c.FixedCIDR = "192.168.1.1/24", "192.168.1.0/25" }, resolved{addr4: netip.MustParsePrefix("192.168.1.1/24"), mtu: 1500}},
		{"ipv6", func(c *Config) { c.EnableIPv6, c.FixedCIDRv6, c.DefaultGatewayIPv6 = true, "fd00::/64", "fd00::fe" },
			resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), addr6: netip.MustParsePrefix("fd00::1/64"), gw6: netip.MustParseAddr("fd00::fe"), mtu: 1500}},
		{"gateway", func(c *Config) { c.DefaultGatewayIPv4 = "172.17.0.254" }, resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), gw4: netip.MustParseAddr("172.17.0.254"), mtu: 1500}},
		{"user-defined name", func(c *Config) { c.DefaultBridge, c.BridgeName = false, "br-0123456789ab" }, resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), mtu: 1500}},
		{"fixed-cidr-v6 ignored without ipv6", func(c *Config) { c.FixedCIDRv6 = "fd00::/64" }, resolved{addr4: netip.MustParsePrefix("172.17.0.1/16"), mtu: 1500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.modify(&cfg)
			got, err := cfg.resolve()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(resolved{}), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddFlags(t *testing.T) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("netexplore", flag.ContinueOnError)
	cfg.AddFlags(fs)
	args := []string{
		"--bip=10.1.0.1/16", "--fixed-cidr=10.1.2.0/24", "--mtu=1400", "--ipv6", "--fixed-cidr-v6=fd00::/64",
		"--icc=false", "--ip-masq=false", "--iptables=true", "--ip6tables=true", "--ip-forward=true", "--ip-forward-no-drop",
		"--userland-proxy=false", "--default-gateway=10.1.0.254", "--default-gateway-v6=fd00::fe",
		"--bridge=docker0", "--default-bridge=true", "--device-api=netlink", "--firewall-backend=nftables", "--lab-ip-forward",
		"--docker-version=29",
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := Config{
		BridgeName: "docker0", BIP: "10.1.0.1/16", FixedCIDR: "10.1.2.0/24", MTU: 1400, EnableIPv6: true, FixedCIDRv6: "fd00::/64",
		ICC: false, IPMasq: false, IPTables: true, IP6Tables: true, IPForward: true, IPForwardNoDrop: true, UserlandProxy: false,
		DefaultGatewayIPv4: "10.1.0.254", DefaultGatewayIPv6: "fd00::fe", DefaultBridge: true, DeviceAPI: DeviceAPINetlink,
		FirewallBackend: BackendNFTables, LabIPForward: true, Scenario: ScenarioBridge, DockerVersion: Docker29,
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("parsed config (-want +got):\n%s", diff)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Usage) < 40 {
			t.Errorf("flag --%s has a terse help text: %q", f.Name, f.Usage)
		}
	})
}

func TestKernelVersion(t *testing.T) {
	for _, tt := range []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"6.18.44-fc-v669", 6, 18, true},
		{"5.3.0", 5, 3, true},
		{"5.10-rc1", 5, 10, true},
		{"4.19.0-26-amd64", 4, 19, true},
		{"garbage", 0, 0, false},
	} {
		major, minor, ok := kernelVersion(tt.in)
		if major != tt.major || minor != tt.minor || ok != tt.ok {
			t.Errorf("kernelVersion(%q) = %d, %d, %v; want %d, %d, %v", tt.in, major, minor, ok, tt.major, tt.minor, tt.ok)
		}
	}
}

func TestSettleDefaults(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		want   func(*Config)
		errMsg string // "" means valid
	}{
		{"defaults", nil, func(c *Config) {}, ""},
		{"20.10 turns ip6tables off", []string{"--docker-version=20.10"},
			func(c *Config) { c.DockerVersion, c.IP6Tables = Docker2010, false }, ""},
		{"ioctl selects 20.10", []string{"--device-api=ioctl"},
			func(c *Config) { c.DeviceAPI, c.DockerVersion, c.IP6Tables = DeviceAPIIoctl, Docker2010, false }, ""},
		{"ioctl with 29 is refused", []string{"--device-api=ioctl", "--docker-version=29"},
			func(c *Config) { c.DeviceAPI = DeviceAPIIoctl }, "Docker 29 has no ioctl path"},
		{"20.10 with ip6tables is refused", []string{"--docker-version=20.10", "--ip6tables"},
			func(c *Config) { c.DockerVersion = Docker2010 }, "--ip6tables: an experimental option in Docker 20.10"},
		{"20.10 with nftables is refused", []string{"--docker-version=20.10", "--firewall-backend=nftables"},
			func(c *Config) {
				c.DockerVersion, c.IP6Tables, c.FirewallBackend, c.LabIPForward = Docker2010, false, BackendNFTables, true
			},
			"Docker 20.10 only had the iptables backend"},
		{"nftables starts the lab forwarding", []string{"--firewall-backend=nftables"},
			func(c *Config) { c.FirewallBackend, c.LabIPForward = BackendNFTables, true }, ""},
		{"unknown version", []string{"--docker-version=23"}, func(c *Config) { c.DockerVersion = "23" }, `unknown --docker-version "23"`},
		{"20.10 overlay", []string{"--docker-version=20.10", "--scenario=overlay"},
			func(c *Config) { c.DockerVersion, c.IP6Tables, c.Scenario = Docker2010, false, ScenarioOverlay }, "modelled for Docker 29 only"},
		{"20.10 none", []string{"--docker-version=20.10", "--scenario=none"},
			func(c *Config) { c.DockerVersion, c.IP6Tables, c.Scenario = Docker2010, false, ScenarioNone }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			fs := flag.NewFlagSet("netexplore", flag.ContinueOnError)
			cfg.AddFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			cfg.SettleDefaults(func(name string) bool { return set[name] })
			want := DefaultConfig()
			tt.want(&want)
			if diff := cmp.Diff(want, cfg); diff != "" {
				t.Errorf("settled config (-want +got):\n%s", diff)
			}
			err := cfg.Validate()
			if (err == nil) != (tt.errMsg == "") || (err != nil && !strings.Contains(err.Error(), tt.errMsg)) {
				t.Errorf("Validate() = %v, want %q", err, tt.errMsg)
			}
		})
	}
}
