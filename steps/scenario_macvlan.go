package steps

import (
	"net/netip"
)

// ScenarioMacvlan is a macvlan network and two containers on it.
const ScenarioMacvlan = "macvlan"

func init() {
	register(Scenario{
		Name:    ScenarioMacvlan,
		Summary: "docker network create -d macvlan: containers get macvlan sub-interfaces of a host NIC",
		order:   60,
		plan:    planner.macvlanPlan,
	})
}

// macvlanParent is the host interface the macvlan network hangs off.
const macvlanParent = "eth0"

// macvlanPlan is `docker network create -d macvlan --subnet
// 192.168.100.0/24 --gateway 192.168.100.1 -o parent=eth0 macnet` and two
// containers on it.
func (p planner) macvlanPlan(w *world) []Step {
	l := newLAN()
	subnet, gw := l.routerAddr.Masked(), l.routerAddr.Addr()
	c1 := newContainer("container1", netip.PrefixFrom(netip.MustParseAddr("192.168.100.2"), 24), gw, 0)
	c2 := newContainer("container2", netip.PrefixFrom(netip.MustParseAddr("192.168.100.3"), 24), gw, 0)
	create := "docker network create -d macvlan --subnet " + subnet.String() + " --gateway " + gw.String() + " -o parent=" + macvlanParent + " macnet"

	steps := []Step{
		labNICStep(w, l, "The macvlan network will use eth0 as its parent, and the LAN's router as the containers' gateway."),
		{
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
		},
		newSandboxStep(w, c1),
		{
			ID:      "Join (createMacVlan)",
			Phase:   PhaseJoin,
			Title:   "Create " + c1.ns.name + "'s macvlan sub-interface of " + macvlanParent + ", bridge mode",
			Mirrors: "libnetwork drivers/macvlan (*driver).CreateEndpoint, (*driver).Join -> createMacVlan (macvlan_endpoint.go, macvlan_joinleave.go, macvlan_setup.go)",
			Explanation: "CreateEndpoint only recorded the endpoint's address and a random MAC. Join creates the interface: a free name " +
				"(veth + 7 hex digits, checked with RTM_GETLINK), the parent's index (RTM_GETLINK " + macvlanParent + "), then RTM_NEWLINK with " +
				"IFLA_IFNAME, IFLA_LINK=<" + macvlanParent + "'s index> and IFLA_LINKINFO{IFLA_INFO_KIND \"macvlan\", IFLA_INFO_DATA{IFLA_MACVLAN_MODE=4}}, " +
				"bridge mode. The kernel's macvlan_newlink -> macvlan_common_newlink creates a device that shares the parent's wire: the parent's " +
				"receive handler (macvlan_handle_frame) hands each incoming frame to the sub-interface whose MAC it is addressed to, and in " +
				"bridge mode frames between two sub-interfaces of the same parent are switched inside the kernel without touching the wire. The " +
				"interface is created in the host namespace; Join also records the gateway " + gw.String() + " for the sandbox.",
			KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "macvlan_newlink", "macvlan_common_newlink", "register_netdevice"},
			code:           call2(createMacVlan, c1, macvlanParent),
		},
	}
	steps = append(steps, sandboxSteps(c1, false, "macvlan driver")...)
	return append(steps,
		Step{
			ID:      "second container (Join)",
			Phase:   PhaseJoin,
			Title:   c2.ns.name + " gets its macvlan too (the same calls, in one step)",
			Mirrors: "the steps above, for a second `docker run --network macnet`",
			Explanation: "A second container on the same network: its namespace and lo, a second macvlan sub-interface of " + macvlanParent +
				", moved into the container, renamed eth0, its own random MAC, " + c2.addr.String() + ", up, and the default route via " + gw.String() + ".",
			KernelHandlers: []string{"copy_net_ns", "macvlan_newlink", "__dev_change_net_namespace", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
			code:           call3(attachMacvlan, w, c2, macvlanParent),
		},
		checkPingStep("check: ping the other container", c1.ns.name+" pings "+c2.ns.name+" ("+c2.addr.Addr().String()+")",
			"Both containers are macvlan sub-interfaces of "+macvlanParent+" in bridge mode: the echo request leaves "+c1.ns.name+"'s eth0 and "+
				"macvlan's transmit path (macvlan_queue_xmit) sees that the destination MAC belongs to a sibling, so it delivers the frame to "+
				c2.ns.name+" directly. No bridge device, no iptables: nothing in the host's firewall sees this traffic.", c1.ns, c2.addr.Addr(), false),
		checkPingStep("check: ping the LAN's router", c1.ns.name+" pings the gateway "+gw.String()+" on the LAN",
			"This time the destination MAC is not a sibling's, so the frame goes out of the parent "+macvlanParent+" onto the wire, here the veth "+
				"to the LAN namespace, and the router's reply comes back in through "+macvlanParent+", where macvlan_handle_frame hands it to "+
				c1.ns.name+"'s sub-interface by its MAC. The container is a machine on the LAN.", c1.ns, gw, false),
		Step{
			ID:      "check: the host cannot reach its macvlan containers",
			Phase:   PhaseCheck,
			Title:   "The host (" + l.hostAddr.Addr().String() + " on " + macvlanParent + ") pings " + c1.addr.Addr().String() + ": no reply",
			Mirrors: "the classic macvlan surprise, as `ping " + c1.addr.Addr().String() + "` on the Docker host shows it (a check, not Docker code)",
			Explanation: "The host and its macvlan containers share a wire but cannot talk: frames the parent itself transmits go straight to " +
				"the wire and are never looped back to its own sub-interfaces, and a real switch does not send a frame back out of the port it " +
				"came from. The host's ARP request for " + c1.addr.Addr().String() + " leaves " + macvlanParent + " and nobody on the LAN answers. " +
				"The usual fix is a macvlan sub-interface for the host itself with a route to the containers through it. The check passes " +
				"only if no reply comes back (one second).",
			KernelHandlers: []string{"raw_sendmsg", "arp_solicit", "dev_queue_xmit"},
			code:           call1(checkHostCannotReach, c1.addr.Addr()),
		})
}
