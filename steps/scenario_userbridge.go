package steps

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
)

// ScenarioUserBridge is `docker network create`: a second bridge.
const ScenarioUserBridge = "user-bridge"

func init() {
	register(Scenario{
		Name:    ScenarioUserBridge,
		Summary: "docker network create: a second bridge br-<id> on 172.18.0.0/16, isolated from docker0",
		order:   40,
		v2010:   true,
		bridge:  true,
		check:   checkUserBridge,
		plan:    func(p planner, w *world) []Step { return append(p.bridgePlan(), p.userBridgePlan(w)...) },
		sysctls: userBridgeSysctls,
		tables:  []string{"raw"}, // the endpoints' filterDirectAccess rules
	})
}

// checkUserBridge refuses the options that would rename the bridges the
// scenario creates.
func checkUserBridge(c Config) []error {
	if set := setBridgeOptions(c, "--default-bridge", "--bridge"); len(set) > 0 {
		return []error{fmt.Errorf("--scenario user-bridge creates docker0 first and then the user-defined network br-%s itself, so %s",
			userNetworkID[:12], doNotApply(set))}
	}
	return nil
}

// userNetworkID is the ID of the user-defined network of the user-bridge
// scenario. Docker draws 32 random bytes; a fixed ID keeps recorded
// sessions reproducible. Its first 12 hex digits name the bridge.
const userNetworkID = "5c8f1e2a9b3d47e6a0c1d2e3f4a5b6c7d8e9f00112233445566778899aabbcc"

// userNetworkName is the network's name in `docker network create`.
const userNetworkName = "mynet"

// defaultPools are the start of Docker's default address pools: the
// /16s from 172.17 to 172.31 (then 192.168.0.0/16 in /20s).
func defaultPools() []netip.Prefix {
	var pools []netip.Prefix
	for b := byte(17); b <= 31; b++ {
		pools = append(pools, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, b, 0, 0}), 16))
	}
	return pools
}

// userNetwork is a second bridge network: its configuration and, once the
// steps ran, its bridge.
type userNetwork struct {
	cfg Config
	net resolved
	// what the steps leave in Env for this network, kept between steps
	bridge   netlink.Link
	gw4, gw6 net.IP
}

// userNetworkConfig is the bridge driver's configuration for `docker
// network create mynet`: the daemon-wide options of cfg, the per-network
// defaults, and the first default pool docker0 does not use.
func userNetworkConfig(cfg Config) Config {
	c := cfg
	c.Scenario = ScenarioBridge // one bridge network, as the bridge steps know it
	c.BridgeName = "br-" + userNetworkID[:12]
	c.DefaultBridge = false
	c.FixedCIDR, c.MTU = "", 0
	c.EnableIPv6, c.FixedCIDRv6 = false, ""
	c.DefaultGatewayIPv4, c.DefaultGatewayIPv6 = "", ""
	c.ICC, c.IPMasq = true, true // com.docker.network.bridge.enable_icc / enable_ip_masquerade default to true
	used, _ := resolveIPv4(cfg, nil)
	for _, pool := range defaultPools() {
		if !used.IsValid() || !pool.Overlaps(used.Masked()) {
			c.BIP = netip.PrefixFrom(pool.Addr().Next(), pool.Bits()).String()
			break
		}
	}
	return c
}

// use runs fn with Env switched to this network (its Config, addresses,
// bridge and gateways), so that the bridge steps written for docker0 work
// on it, then switches back.
func (n *userNetwork) use(env *Env, fn func(*Env) error) error {
	cfg, r, br, gw4, gw6 := env.Config, env.net, env.Bridge, env.gatewayIPv4, env.gatewayIPv6
	env.Config, env.net, env.Bridge, env.gatewayIPv4, env.gatewayIPv6 = n.cfg, n.net, n.bridge, n.gw4, n.gw6
	err := fn(env)
	n.bridge, n.gw4, n.gw6 = env.Bridge, env.gatewayIPv4, env.gatewayIPv6
	env.Config, env.net, env.Bridge, env.gatewayIPv4, env.gatewayIPv6 = cfg, r, br, gw4, gw6
	return err
}

// userBridgePlan is `docker network create mynet` after the default bridge
// plan, then one container on each network and the isolation checks.
func (p planner) userBridgePlan(w *world) []Step {
	n := &userNetwork{cfg: userNetworkConfig(p.cfg)}
	n.net, _ = n.cfg.resolve() // valid: derived from a valid configuration (TestUserNetworkConfig)
	br := n.cfg.BridgeName
	var steps []Step
	up := planner{cfg: n.cfg, lookPath: p.lookPath}
	for _, s := range up.bridgePlan()[p.daemonStartSteps():] { // without the daemon-start steps
		s.Phase = PhaseNetworkCreate
		switch s.ID {
		case "newInterface":
			s.Title = "docker network create " + userNetworkName + ": subnet " + n.net.addr4.Masked().String() + ", bridge " + br
			s.Explanation = "`docker network create " + userNetworkName + "` without options. The controller asks the default IPAM driver " +
				"for a pool: Docker's default address pools are 172.17.0.0/16 to 172.31.0.0/16, then 192.168.0.0/16 cut into /20s, and the " +
				"first one no network uses is " + n.net.addr4.Masked().String() + " (docker0 has " + p.mustAddr4().Masked().String() + "); the " +
				"gateway is its first address, " + n.net.addr4.Addr().String() + ". The network gets a random 64-hex-digit ID (netexplore uses " +
				"a fixed one, so sessions are reproducible) and the bridge driver names its bridge br-<first 12 digits>, " + br + ". The " +
				"driver's queue that follows is docker0's, with the conditions evaluated for a user-defined network: setupDefaultSysctl " +
				"runs once (the second call is for the default bridge only), no MTU, and the daemon-start firewall steps do not run " +
				"again.\n\n" + s.Explanation
		case "addfirewallerNetwork":
			s.Explanation = "For " + br + " the firewaller adds the same kind of rules as for docker0, with its name and subnet. One of them is the " +
				"isolation between networks: \"-A DOCKER ! -i " + br + " -o " + br + " -j DROP\" drops whatever enters " + br + " from anywhere " +
				"but " + br + " itself (published ports excepted: their ACCEPT rules are inserted above it), including traffic from docker0's " +
				"containers; docker0's own rule does the same the other way round. Docker 29 needs nothing else. Docker <= 28 built it from two " +
				"chains, DOCKER-ISOLATION-STAGE-1 and -2 (--docker-version 20.10 shows them). The checks at the end show the isolation at " +
				"work.\n\n" + s.Explanation
		}
		s.code = s.code.around(n.use)
		steps = append(steps, s)
	}

	r := p.mustResolve()
	c1 := newContainer("container1", endpointAddrs(r.addr4, p.cfg.FixedCIDR, 1)[0], r.addr4.Addr(), r.mtu)
	c2 := newContainer("container2", endpointAddrs(n.net.addr4, "", 1)[0], n.net.addr4.Addr(), n.cfg.MTU)
	isolated := p.cfg.IPTables || p.cfg.FirewallBackend == BackendNFTables || !p.cfg.IPForward
	return append(steps, p.attachStep(w, c1, p.cfg.BridgeName, false), up.attachStep(w, c2, br, true),
		checkPingStep("check: ping within "+br, c2.ns.name+" pings its gateway "+c2.gateway.String(),
			"A sanity check first: the new network works. The echo request leaves "+c2.ns.name+"'s eth0 through the veth pair into "+br+", whose "+
				"address answers from the host's stack.", c2.ns, c2.gateway, false),
		checkPingStep("check: ping across networks", c1.ns.name+" pings "+c2.ns.name+" ("+c2.addr.Addr().String()+") on the other network",
			p.isolationCheckText(c1, c2, br), c1.ns, c2.addr.Addr(), isolated))
}

// isolationCheckText explains why a container cannot reach one on another
// bridge network.
func (p planner) isolationCheckText(c1, c2 *container, br string) string {
	if p.cfg.v2010() {
		return fmt.Sprintf("The echo request goes to %s's default gateway %s, the host, which routes it to %s. In filter FORWARD it meets "+
			"the jump to DOCKER-ISOLATION-STAGE-1 first: \"-i %s ! -o %s -j DOCKER-ISOLATION-STAGE-2\" matches (it leaves %s for another "+
			"interface), and in stage 2 \"-o %s -j DROP\" matches (it is about to enter %s). Containers on different networks cannot talk "+
			"unless one of them joins both networks or publishes a port. The check passes only if no reply comes back.",
			c1.ns.name, c1.gateway, br, p.cfg.BridgeName, p.cfg.BridgeName, p.cfg.BridgeName, br, br)
	}
	return fmt.Sprintf("The echo request goes to %s's default gateway %s, the host, which routes it to %s. In filter FORWARD it goes "+
		"DOCKER-FORWARD -> DOCKER-BRIDGE (\"-o %s -j DOCKER\") -> DOCKER, where \"! -i %s -o %s -j DROP\" matches: it came in on %s. "+
		"Containers on different networks cannot talk unless one of them joins both networks or publishes a port. The check passes "+
		"only if no reply comes back (with --iptables=false there would be no isolation at all, and this check would expect a reply).",
		c1.ns.name, c1.gateway, br, br, br, br, p.cfg.BridgeName)
}

// mustResolve returns the addresses of the plan's (valid) configuration.
func (p planner) mustResolve() resolved {
	r, _ := p.cfg.resolve()
	return r
}

// mustAddr4 returns the default bridge's address.
func (p planner) mustAddr4() netip.Prefix {
	return p.mustResolve().addr4
}

// userBridgeSysctls lists the lab sysctls the scenario adds to snapshots:
// the user-defined bridge's accept_ra.
func userBridgeSysctls(cfg Config) []string {
	return []string{"/proc/sys/net/ipv6/conf/" + userNetworkConfig(cfg).BridgeName + "/accept_ra"}
}
