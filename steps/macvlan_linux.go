package steps

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
)

// macvlanCreateNetworkStep is `docker network create -d macvlan` on the
// lab's LAN.
func macvlanCreateNetworkStep(l *lanLink) Step {
	subnet, gw := l.routerAddr.Masked(), l.routerAddr.Addr()
	create := "docker network create -d macvlan --subnet " + subnet.String() + " --gateway " + gw.String() + " -o parent=" + macvlanParent + " macnet"
	return Step{
		ID:      "driver CreateNetwork (macvlan)",
		Phase:   PhaseNetworkCreate,
		Title:   "Create the macvlan network on parent " + macvlanParent,
		Mirrors: "libnetwork drivers/macvlan (*driver).CreateNetwork -> createNetwork, parentExists (macvlan_network.go, macvlan_setup.go)",
		Explanation: "`" + create + "`. A macvlan network has no bridge, no NAT and no firewall rules: containers get their own MAC " +
			"addresses directly on the parent's wire, as if each were plugged into the LAN. CreateNetwork only checks that the parent exists " +
			"(RTM_GETLINK " + macvlanParent + "). A parent like eth0.10 would first get an 802.1Q sub-interface (RTM_NEWLINK kind \"vlan\" with " +
			"IFLA_LINK and IFLA_VLAN_ID=10); with no parent at all Docker makes a dummy link dm-<id>, and the network is internal. The " +
			"subnet and gateway are only recorded: the gateway is the LAN's router, which Docker does not create.",
		KernelHandlers: []string{"rtnl_getlink"},
		code:           call1(macvlanCreateNetwork, macvlanParent),
	}
}

// macvlanCreateNetwork is the macvlan driver's CreateNetwork for
// `-o parent=eth0`: the parent must exist. A parent such as eth0.10 would
// first get a VLAN sub-interface, and no parent at all a dummy link.
func macvlanCreateNetwork(env *Env, parent string) error {
	// parentExists: RTM_GETLINK IFLA_IFNAME="eth0"
	link, err := env.Handle.LinkByName(parent)
	if err != nil {
		return fmt.Errorf("-o parent interface %s was not found on the Docker host: %w", parent, err)
	}
	env.notef("parent %s (index %d) exists: no VLAN or dummy link to create", parent, link.Attrs().Index)
	return nil
}

// createMacVlanStep is the macvlan driver's Join for c: its sub-interface of
// the parent.
func (p planner) createMacVlanStep(c *container) Step {
	gw := c.gateway
	s := Step{
		ID:      "Join (createMacVlan)",
		Phase:   PhaseJoin,
		Title:   "Create " + c.ns.name + "'s macvlan sub-interface of " + macvlanParent + ", bridge mode",
		Mirrors: "libnetwork drivers/macvlan (*driver).CreateEndpoint, (*driver).Join -> createMacVlan (macvlan_endpoint.go, macvlan_joinleave.go, macvlan_setup.go)",
		Explanation: "CreateEndpoint only recorded the endpoint's address and a random MAC. Join creates the interface: a free name " +
			"(veth + 7 hex digits, checked with RTM_GETLINK), the parent looked up twice, once to check it exists and once for its " +
			"index (RTM_GETLINK " + macvlanParent + " each), then RTM_NEWLINK with " +
			"IFLA_IFNAME, IFLA_LINK=<" + macvlanParent + "'s index> and IFLA_LINKINFO{IFLA_INFO_KIND \"macvlan\", IFLA_INFO_DATA{IFLA_MACVLAN_MODE=4}}, " +
			"bridge mode. The kernel's macvlan_newlink -> macvlan_common_newlink creates a device that shares the parent's wire: the parent's " +
			"receive handler (macvlan_handle_frame) hands each incoming frame to the sub-interface whose MAC it is addressed to, and in " +
			"bridge mode frames between two sub-interfaces of the same parent are switched inside the kernel without touching the wire. The " +
			"interface is created in the host namespace; Join also records the gateway " + gw.String() + " for the sandbox.",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "macvlan_newlink", "macvlan_common_newlink", "register_netdevice"},
		code:           call2(createMacVlan, c, macvlanParent),
	}
	if p.cfg.v2010() {
		s.Mirrors = "libnetwork v20.10 drivers/macvlan (*driver).CreateEndpoint, (*driver).Join -> createMacVlan (macvlan_endpoint.go, macvlan_joinleave.go, macvlan_setup.go)"
		s.Explanation = strings.Replace(s.Explanation, "only recorded the endpoint's address and a random MAC",
			"only recorded the endpoint's address and its MAC, derived from the address (GenerateMACFromIP: "+macFromIP(c.addr.Addr()).String()+")", 1) +
			" In Docker 20.10 this happens before runc creates the container's namespace."
	}
	return s
}

// createMacVlan is the macvlan driver's Join: a macvlan sub-interface of
// the parent, created in the host namespace under a temporary name. Its
// MAC address was chosen by CreateEndpoint.
func createMacVlan(env *Env, c *container, parent string) error {
	name, err := generateIfaceName(env.Handle, "veth") // RTM_GETLINK veth<7 hex> -> ENODEV
	if err != nil {
		return fmt.Errorf("error generating an interface name: %w", err)
	}
	// parentExists: RTM_GETLINK eth0; then RTM_GETLINK eth0 again for its index.
	if _, err := env.Handle.LinkByName(parent); err != nil {
		return fmt.Errorf("the requested parent interface %s was not found on the Docker host: %w", parent, err)
	}
	parentLink, err := env.Handle.LinkByName(parent)
	if err != nil {
		return fmt.Errorf("error occurred looking up the macvlan parent iface %s: %w", parent, err)
	}
	mv := &netlink.Macvlan{
		LinkAttrs: netlink.LinkAttrs{Name: name, ParentIndex: parentLink.Attrs().Index}, // IFLA_IFNAME, IFLA_LINK
		Mode:      netlink.MACVLAN_MODE_BRIDGE,                                          // IFLA_MACVLAN_MODE=4
	}
	// RTM_NEWLINK NLM_F_CREATE|NLM_F_EXCL, IFLA_LINK=<eth0's index>,
	// IFLA_LINKINFO{IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA{IFLA_MACVLAN_MODE}}
	if err := env.Handle.LinkAdd(mv); err != nil {
		return fmt.Errorf("failed to create the macvlan port: %w", err)
	}
	c.srcName, c.createdInContainer = name, false
	c.mac = randomMAC() // CreateEndpoint: GenerateRandomMAC when none is given
	if env.Config.v2010() {
		c.mac = macFromIP(c.addr.Addr()) // Docker 20.10: GenerateMACFromIP
	}
	env.notef("macvlan %s on %s, bridge mode; endpoint MAC %s", name, parent, c.mac)
	return nil
}

// attachMacvlanStep is the whole macvlan join for one more container c.
func (p planner) attachMacvlanStep(w *world, c *container) Step {
	gw := c.gateway
	s := Step{
		ID:      "second container (Join)",
		Phase:   PhaseJoin,
		Title:   c.ns.name + " gets its macvlan too (the same calls, in one step)",
		Mirrors: "the steps above, for a second `docker run --network macnet`",
		Explanation: "A second container on the same network: its namespace and lo, a second macvlan sub-interface of " + macvlanParent +
			", moved into the container, renamed eth0, its own random MAC, " + c.addr.String() + ", up, and the default route via " + gw.String() +
			"; the embedded DNS server's sockets and rules too, macnet being user-defined.",
		KernelHandlers: []string{"copy_net_ns", "macvlan_newlink", "__dev_change_net_namespace", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
		code:           call3(attachMacvlan, w, c, macvlanParent),
	}
	if p.cfg.v2010() {
		s.Explanation = "A second container on the same network, joined as Docker 20.10 does: its macvlan sub-interface of " + macvlanParent +
			" first, then runc's namespace and lo, SetKey (set-ipv6, lo), the embedded DNS server's setup-resolver child, the interface " +
			"moved in and renamed eth0, its MAC " + macFromIP(c.addr.Addr()).String() + ", " + c.addr.String() + ", up, the default route via " +
			c.gateway.String() + ", and runc's sysctls."
		s.code = call3(attachMacvlan2010, w, c, macvlanParent)
	}
	return s
}

// attachMacvlan is the whole macvlan join for one more container: its
// namespace, the macvlan sub-interface, the embedded DNS server and the
// sandbox work.
func attachMacvlan(env *Env, w *world, c *container, parent string) error {
	return runAll(env, c, []func() error{
		func() error { return newSandbox(env, w, c) },          // runc: unshare, lo, sysctls; SetKey: lo
		func() error { return createMacVlan(env, c, parent) },  // RTM_NEWLINK kind macvlan
		func() error { return startResolver(env, w, c) },       // 127.0.0.11
		func() error { return sandboxCreateInterface(env, c) }, // IFLA_NET_NS_FD, eth0
		func() error { return sandboxConfigureInterface(env, c) },
		func() error { return sandboxInterfaceUp(env, c) },
		func() error { return programGateway(env, c) },
	})
}

// attachMacvlan2010 is attachMacvlan in Docker 20.10's order: the
// sub-interface before runc, the sysctls after the hook.
func attachMacvlan2010(env *Env, w *world, c *container, parent string) error {
	return runAll(env, c, []func() error{
		func() error { return createMacVlan(env, c, parent) },
		func() error { return runcCreate2010(env, w, c) },
		func() error { return setKey2010(env, c) },
		func() error { return startResolver2010(env, w, c) },
		func() error { return sandboxCreateInterface(env, c) },
		func() error { return setInterfaceMACAndIP(env, c) },
		func() error { return interfaceUp(env, c) },
		func() error { return programGateway(env, c) },
		func() error { return writeOCISysctls(env, c) },
	})
}

// checkHostCannotReachStep is the check that the host cannot reach its own
// macvlan container c.
func checkHostCannotReachStep(l *lanLink, c *container) Step {
	return Step{
		ID:      "check: the host cannot reach its macvlan containers",
		Phase:   PhaseCheck,
		Title:   "The host (" + l.hostAddr.Addr().String() + " on " + macvlanParent + ") pings " + c.addr.Addr().String() + ": no reply",
		Mirrors: "the classic macvlan surprise, as `ping " + c.addr.Addr().String() + "` on the Docker host shows it (a check, not Docker code)",
		Explanation: "The host and its macvlan containers share a wire but cannot talk: frames the parent itself transmits go straight to " +
			"the wire and are never looped back to its own sub-interfaces, and a real switch does not send a frame back out of the port it " +
			"came from. The host's ARP request for " + c.addr.Addr().String() + " leaves " + macvlanParent + " and nobody on the LAN answers. " +
			"The usual fix is a macvlan sub-interface for the host itself with a route to the containers through it. The check passes " +
			"only if no reply comes back (one second).",
		KernelHandlers: []string{"raw_sendmsg", "arp_solicit", "dev_queue_xmit"},
		code:           call1(checkHostCannotReach, c.addr.Addr()),
	}
}

// checkHostCannotReach pings a macvlan container from the host itself,
// out of the parent interface: no reply may come back.
func checkHostCannotReach(env *Env, dst netip.Addr) error {
	host, err := labNetNS()
	if err != nil {
		return err
	}
	defer host.fd.Close()
	return checkNoPing(env, host, dst)
}
