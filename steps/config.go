package steps

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"strings"
)

// Device APIs: how setupDevice creates the bridge.
const (
	// DeviceAPINetlink creates the bridge with an RTM_NEWLINK message, as
	// every Docker release since v24 does.
	DeviceAPINetlink = "netlink"
	// DeviceAPIIoctl creates the bridge with ioctl(SIOCBRADDBR), the
	// fallback that Docker used up to v23 when netlink failed (the path the
	// seed note follows).
	DeviceAPIIoctl = "ioctl"
)

// Firewall backends, as dockerd's --firewall-backend.
const (
	// BackendIPTables programs rules by running the iptables binary.
	BackendIPTables = "iptables"
	// BackendNFTables feeds a ruleset to "nft -f -" (Docker 29, experimental).
	BackendNFTables = "nftables"
)

// DefaultBridgeName is the name of Docker's default bridge.
const DefaultBridgeName = "docker0"

// defaultNetworkMTU is the MTU dockerd gives docker0 when --mtu is unset
// (DefaultNetworkMtu in moby's daemon/config).
const defaultNetworkMTU = 1500

// ifNameSize is the kernel's IFNAMSIZ: an interface name has at most 15
// bytes plus the terminating NUL.
const ifNameSize = 16

// Config mirrors the dockerd options that change what the bridge driver does
// when it creates the default network. The zero value is not useful; start
// from [DefaultConfig].
type Config struct {
	// BridgeName is the bridge device to create (docker0).
	BridgeName string `json:"bridge_name"`
	// BIP is the bridge's IPv4 address with the subnet's prefix length
	// (dockerd --bip), e.g. 172.17.0.1/16.
	BIP string `json:"bip,omitempty"`
	// FixedCIDR is the IPv4 range containers get addresses from; it must lie
	// inside the bridge subnet (dockerd --fixed-cidr).
	FixedCIDR string `json:"fixed_cidr,omitempty"`
	// MTU is the bridge MTU (dockerd --mtu); 0 means unset, and docker0 then
	// gets 1500.
	MTU int `json:"mtu,omitempty"`
	// EnableIPv6 adds IPv6 to the default bridge (dockerd --ipv6).
	EnableIPv6 bool `json:"ipv6,omitempty"`
	// FixedCIDRv6 is the IPv6 subnet of the default bridge (dockerd
	// --fixed-cidr-v6); netexplore needs it whenever IPv6 is on.
	FixedCIDRv6 string `json:"fixed_cidr_v6,omitempty"`
	// ICC allows containers on the bridge to talk to each other (dockerd
	// --icc).
	ICC bool `json:"icc"`
	// IPMasq masquerades traffic that leaves the bridge subnet (dockerd
	// --ip-masq).
	IPMasq bool `json:"ip_masq"`
	// IPTables lets Docker program IPv4 firewall rules (dockerd --iptables).
	IPTables bool `json:"iptables"`
	// IP6Tables lets Docker program IPv6 firewall rules (dockerd
	// --ip6tables, on by default since Docker 27).
	IP6Tables bool `json:"ip6tables"`
	// IPForward lets Docker enable IP forwarding (dockerd --ip-forward).
	IPForward bool `json:"ip_forward"`
	// IPForwardNoDrop stops Docker from setting the FORWARD policy to DROP
	// when it enables forwarding (dockerd --ip-forward-no-drop).
	IPForwardNoDrop bool `json:"ip_forward_no_drop,omitempty"`
	// UserlandProxy runs docker-proxy for published ports; when false,
	// Docker uses hairpin NAT instead (dockerd --userland-proxy).
	UserlandProxy bool `json:"userland_proxy"`
	// DefaultGatewayIPv4 is a gateway for containers other than the bridge
	// address (dockerd --default-gateway).
	DefaultGatewayIPv4 string `json:"default_gateway,omitempty"`
	// DefaultGatewayIPv6 is the IPv6 equivalent (dockerd
	// --default-gateway-v6).
	DefaultGatewayIPv6 string `json:"default_gateway_v6,omitempty"`
	// DefaultBridge says the network is Docker's default "bridge" network
	// (true) rather than a user-defined one.
	DefaultBridge bool `json:"default_bridge"`
	// DeviceAPI selects how setupDevice creates the bridge:
	// [DeviceAPINetlink] or [DeviceAPIIoctl].
	DeviceAPI string `json:"device_api"`
	// FirewallBackend is [BackendIPTables] or [BackendNFTables].
	FirewallBackend string `json:"firewall_backend"`
	// Scenario selects what the lab shows Docker doing: one of the names
	// [Scenarios] lists. Empty means [ScenarioBridge].
	Scenario string `json:"scenario"`
	// DockerVersion is the Docker release whose code the plan re-enacts:
	// [Docker29] or [Docker2010]. Empty means Docker29 (sessions recorded
	// before the option existed).
	DockerVersion string `json:"docker_version,omitempty"`
	// LabIPForward starts the lab namespace with IP forwarding already on,
	// like a host where something enabled it before dockerd started. It is
	// not a dockerd option; the nftables backend needs it, because Docker
	// 29 only checks forwarding there instead of enabling it.
	LabIPForward bool `json:"lab_ip_forward,omitempty"`
}

// DefaultConfig returns dockerd's defaults for the default bridge network
// in the newest Docker release.
func DefaultConfig() Config {
	return Config{
		Scenario:        ScenarioBridge,
		DockerVersion:   Docker29,
		BridgeName:      DefaultBridgeName,
		BIP:             "172.17.0.1/16",
		ICC:             true,
		IPMasq:          true,
		IPTables:        true,
		IP6Tables:       true,
		IPForward:       true,
		UserlandProxy:   true,
		DefaultBridge:   true,
		DeviceAPI:       DeviceAPINetlink,
		FirewallBackend: BackendIPTables,
	}
}

// AddFlags registers one flag per option on fs, named as dockerd names them
// where dockerd has the option.
func (c *Config) AddFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Scenario, "scenario", c.Scenario, scenarioHelp())
	fs.StringVar(&c.DockerVersion, "docker-version", c.DockerVersion, dockerVersionHelp())
	fs.StringVar(&c.BridgeName, "bridge", c.BridgeName,
		"name of the bridge device to create. Unlike dockerd's --bridge (which attaches the default network to a bridge you created yourself), "+
			"netexplore always lets Docker create it; a name other than docker0 needs --default-bridge=false")
	fs.StringVar(&c.BIP, "bip", c.BIP,
		"IPv4 address of the bridge with the subnet's prefix length (dockerd --bip); the bridge is the containers' gateway")
	fs.StringVar(&c.FixedCIDR, "fixed-cidr", c.FixedCIDR,
		"IPv4 range inside the bridge subnet that containers get addresses from (dockerd --fixed-cidr); it does not change the kernel steps")
	fs.IntVar(&c.MTU, "mtu", c.MTU,
		"bridge MTU, 68..65535 (dockerd --mtu); 0 means unset and docker0 gets 1500, so setupMTU runs either way (Docker 29; 20.10 had no setupMTU and only set it on the containers' veths)")
	fs.BoolVar(&c.EnableIPv6, "ipv6", c.EnableIPv6,
		"give the bridge IPv6 (dockerd --ipv6); adds setupBridgeIPv6, IPv6 forwarding and ip6tables rules. Needs --fixed-cidr-v6")
	fs.StringVar(&c.FixedCIDRv6, "fixed-cidr-v6", c.FixedCIDRv6,
		"IPv6 subnet of the bridge, e.g. fd00::/64 (dockerd --fixed-cidr-v6); the bridge gets its first address")
	fs.BoolVar(&c.ICC, "icc", c.ICC,
		"allow containers on the bridge to reach each other (dockerd --icc); false adds a DROP rule and needs br_netfilter")
	fs.BoolVar(&c.IPMasq, "ip-masq", c.IPMasq,
		"masquerade traffic leaving the bridge subnet (dockerd --ip-masq): the POSTROUTING MASQUERADE rule")
	fs.BoolVar(&c.IPTables, "iptables", c.IPTables,
		"let Docker program IPv4 firewall rules (dockerd --iptables); false leaves the firewall alone")
	fs.BoolVar(&c.IP6Tables, "ip6tables", c.IP6Tables,
		"let Docker program IPv6 firewall rules (dockerd --ip6tables, on by default since Docker 27)")
	fs.BoolVar(&c.IPForward, "ip-forward", c.IPForward,
		"let Docker enable IP forwarding (dockerd --ip-forward); false drops the setupIPv4Forwarding step")
	fs.BoolVar(&c.IPForwardNoDrop, "ip-forward-no-drop", c.IPForwardNoDrop,
		"do not set the FORWARD policy to DROP when Docker enables forwarding (dockerd --ip-forward-no-drop)")
	fs.BoolVar(&c.UserlandProxy, "userland-proxy", c.UserlandProxy,
		"use docker-proxy for published ports (dockerd --userland-proxy); false switches to hairpin NAT: route_localnet, br_netfilter and a MASQUERADE rule for host traffic")
	fs.StringVar(&c.DefaultGatewayIPv4, "default-gateway", c.DefaultGatewayIPv4,
		"IPv4 gateway handed to containers instead of the bridge address (dockerd --default-gateway); must be inside the bridge subnet")
	fs.StringVar(&c.DefaultGatewayIPv6, "default-gateway-v6", c.DefaultGatewayIPv6,
		"IPv6 gateway handed to containers (dockerd --default-gateway-v6); must be inside --fixed-cidr-v6")
	fs.BoolVar(&c.DefaultBridge, "default-bridge", c.DefaultBridge,
		"model Docker's default network (true) or a user-defined bridge network (false): the default one sets accept_ra a second time and must be named docker0")
	fs.StringVar(&c.DeviceAPI, "device-api", c.DeviceAPI,
		`how setupDevice creates the bridge: "netlink" (RTM_NEWLINK) or "ioctl" (SIOCBRADDBR, the fallback Docker <= 23 took when RTM_NEWLINK failed; it selects --docker-version 20.10, and the lab skips the netlink attempt)`)
	fs.StringVar(&c.FirewallBackend, "firewall-backend", c.FirewallBackend,
		`"iptables" (runs the iptables binary per rule) or "nftables" (one "nft -f -" ruleset, Docker 29, experimental) (dockerd --firewall-backend)`)
	fs.BoolVar(&c.LabIPForward, "lab-ip-forward", c.LabIPForward,
		"not a dockerd option: start the lab with IP forwarding already on, as on a host where it was enabled before dockerd; the nftables backend requires it")
}

// resolved holds the addresses a valid Config works out to.
type resolved struct {
	// addr4 is the bridge address with the subnet's prefix length.
	addr4 netip.Prefix
	// addr6 is the bridge's IPv6 address with the subnet's prefix length
	// (valid only with IPv6).
	addr6 netip.Prefix
	// gw4 and gw6 are the aux default gateways (invalid when unset).
	gw4, gw6 netip.Addr
	// mtu is the MTU setupMTU applies.
	mtu int
}

// Validate reports every problem with c before anything is created, one
// line per problem.
func (c Config) Validate() error {
	_, err := c.resolve()
	return err
}

// resolve checks c and works out the addresses it implies.
func (c Config) resolve() (resolved, error) {
	var r resolved
	errs := append(c.scenarioErrors(), c.versionErrors()...)
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if err := checkIfName(c.BridgeName); err != nil {
		bad("--bridge: %w", err)
	} else if c.DefaultBridge && c.BridgeName != DefaultBridgeName {
		bad("--bridge=%s: Docker only creates the default network's bridge when it is named %s (setupDevice refuses otherwise); use --default-bridge=false to model a user-defined network", c.BridgeName, DefaultBridgeName)
	}

	r.addr4, errs = resolveIPv4(c, errs)
	if c.EnableIPv6 {
		r.addr6, errs = resolveIPv6(c, errs)
	}

	if c.DefaultGatewayIPv4 != "" {
		gw, err := netip.ParseAddr(c.DefaultGatewayIPv4)
		switch {
		case err != nil || !gw.Is4():
			bad("--default-gateway=%s: not an IPv4 address", c.DefaultGatewayIPv4)
		case r.addr4.IsValid() && !r.addr4.Masked().Contains(gw):
			bad("--default-gateway=%s is outside the bridge subnet %s", gw, r.addr4.Masked())
		default:
			r.gw4 = gw
		}
	}
	if c.DefaultGatewayIPv6 != "" {
		gw, err := netip.ParseAddr(c.DefaultGatewayIPv6)
		switch {
		case !c.EnableIPv6:
			bad("--default-gateway-v6 has no effect without --ipv6")
		case err != nil || !gw.Is6() || gw.Is4In6():
			bad("--default-gateway-v6=%s: not an IPv6 address", c.DefaultGatewayIPv6)
		case r.addr6.IsValid() && !r.addr6.Masked().Contains(gw):
			bad("--default-gateway-v6=%s is outside the bridge subnet %s", gw, r.addr6.Masked())
		default:
			r.gw6 = gw
		}
	}

	r.mtu = c.MTU
	switch {
	case c.MTU == 0:
		r.mtu = defaultNetworkMTU
	case c.MTU < 68 || c.MTU > 65535:
		bad("--mtu=%d: must be between 68 (the IPv4 minimum) and 65535, or 0 for the default 1500", c.MTU)
	}

	if !c.ICC && !c.IPTables {
		bad("--icc=false needs --iptables: the inter-container DROP is an iptables rule (dockerd refuses this combination too)")
	}
	if !c.ICC && c.EnableIPv6 && !c.IP6Tables {
		bad("--icc=false with --ipv6 needs --ip6tables (dockerd refuses this combination too)")
	}

	switch c.DeviceAPI {
	case DeviceAPINetlink, DeviceAPIIoctl:
	default:
		bad("--device-api=%q: want %q or %q", c.DeviceAPI, DeviceAPINetlink, DeviceAPIIoctl)
	}
	switch c.FirewallBackend {
	case BackendIPTables, BackendNFTables:
	default:
		bad("--firewall-backend=%q: want %q or %q", c.FirewallBackend, BackendIPTables, BackendNFTables)
	}
	return r, errors.Join(errs...)
}

// resolveIPv4 works out the bridge's IPv4 address from --bip, or from
// --fixed-cidr when --bip is empty (the first address of the range, as
// Docker's IPAM would pick).
func resolveIPv4(c Config, errs []error) (netip.Prefix, []error) {
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var addr, fixed netip.Prefix
	if c.FixedCIDR != "" {
		p, err := netip.ParsePrefix(c.FixedCIDR)
		if err != nil || !p.Addr().Is4() {
			bad("--fixed-cidr=%s: not an IPv4 CIDR such as 172.17.0.0/16", c.FixedCIDR)
		} else {
			fixed = p.Masked()
		}
	}
	switch {
	case c.BIP != "":
		p, err := netip.ParsePrefix(c.BIP)
		switch {
		case err != nil || !p.Addr().Is4():
			bad("--bip=%s: not an IPv4 address with a prefix length, such as 172.17.0.1/16", c.BIP)
		case p.Bits() == 0:
			bad("--bip=%s: a /0 subnet would cover every IPv4 address, the host's routes included: use a private subnet such as 172.17.0.1/16", c.BIP)
		case p.Bits() > 30:
			bad("--bip=%s: a /%d subnet has no room for a container besides the bridge: use /30 or a shorter prefix", c.BIP, p.Bits())
		case p.Addr() == p.Masked().Addr():
			bad("--bip=%s is the subnet's network address: give the bridge's own address, such as %s/%d", c.BIP, p.Addr().Next(), p.Bits())
		case p.Addr() == lastAddr(p):
			bad("--bip=%s is the subnet's broadcast address", c.BIP)
		default:
			addr = p
		}
	case fixed.IsValid():
		if fixed.Bits() >= 31 {
			bad("--fixed-cidr=%s is too small to hold the bridge and a container", c.FixedCIDR)
		} else {
			addr = netip.PrefixFrom(fixed.Addr().Next(), fixed.Bits())
		}
	default:
		bad("--bip or --fixed-cidr is required: netexplore has no IPAM to pick a free subnet (dockerd would choose 172.17.0.0/16)")
	}
	if addr.IsValid() && fixed.IsValid() && (!addr.Masked().Contains(fixed.Addr()) || fixed.Bits() < addr.Bits()) {
		bad("--fixed-cidr=%s is not inside the bridge subnet %s", fixed, addr.Masked())
	}
	return addr, errs
}

// resolveIPv6 works out the bridge's IPv6 address: the first address of
// --fixed-cidr-v6, as Docker's IPAM picks the gateway.
func resolveIPv6(c Config, errs []error) (netip.Prefix, []error) {
	if c.FixedCIDRv6 == "" {
		return netip.Prefix{}, append(errs, errors.New("--ipv6 needs --fixed-cidr-v6 (e.g. fd00::/64): netexplore has no IPAM to allocate an IPv6 subnet"))
	}
	p, err := netip.ParsePrefix(c.FixedCIDRv6)
	switch {
	case err != nil || !p.Addr().Is6() || p.Addr().Is4In6():
		return netip.Prefix{}, append(errs, fmt.Errorf("--fixed-cidr-v6=%s: not an IPv6 CIDR such as fd00::/64", c.FixedCIDRv6))
	case p.Addr().IsMulticast():
		return netip.Prefix{}, append(errs, fmt.Errorf("--fixed-cidr-v6=%s: multicast addresses cannot be a subnet", c.FixedCIDRv6))
	case p.Bits() > 126:
		return netip.Prefix{}, append(errs, fmt.Errorf("--fixed-cidr-v6=%s is too small to hold the bridge and a container", c.FixedCIDRv6))
	}
	ll := netip.MustParsePrefix("fe80::/64")
	if p.Masked() != ll && p.Overlaps(ll) {
		return netip.Prefix{}, append(errs, fmt.Errorf("--fixed-cidr-v6=%s overlaps the link-local prefix fe80::/64 without being it", c.FixedCIDRv6))
	}
	return netip.PrefixFrom(p.Masked().Addr().Next(), p.Bits()), errs
}

// lastAddr returns the highest address of p's subnet.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// checkIfName applies the kernel's rules for interface names
// (dev_valid_name): 1..15 bytes, not "." or "..", no '/', ':' or white
// space.
func checkIfName(name string) error {
	switch {
	case name == "":
		return errors.New("empty interface name")
	case len(name) >= ifNameSize:
		return fmt.Errorf("%q is %d bytes long; the kernel allows at most %d (IFNAMSIZ %d minus the NUL)", name, len(name), ifNameSize-1, ifNameSize)
	case name == "." || name == "..":
		return fmt.Errorf("%q is not a valid interface name", name)
	case strings.ContainsAny(name, "/: \t\n\r\v\f\x00"):
		return fmt.Errorf("%q contains '/', ':', white space or NUL, which the kernel refuses in interface names", name)
	}
	return nil
}

// masquerade reports whether Docker adds MASQUERADE rules: dockerd turns
// --ip-masq off when --iptables=false.
func (c Config) masquerade() bool {
	return c.IPMasq && c.IPTables
}
