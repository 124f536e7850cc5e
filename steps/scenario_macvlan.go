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
		v2010:   true,
		plan:    planner.macvlanPlan,
	})
}

// macvlanParent is the host interface the macvlan network hangs off.
const macvlanParent = "eth0"

// macvlanNetworkName is the network's name in `docker network create`.
const macvlanNetworkName = "macnet"

// macvlanPlan is `docker network create -d macvlan --subnet
// 192.168.100.0/24 --gateway 192.168.100.1 -o parent=eth0 macnet` and two
// containers on it.
func (p planner) macvlanPlan(w *world) []Step {
	l := newLAN()
	gw := l.routerAddr.Addr()
	c1 := newContainer("container1", netip.PrefixFrom(netip.MustParseAddr("192.168.100.2"), 24), gw, 0)
	c2 := newContainer("container2", netip.PrefixFrom(netip.MustParseAddr("192.168.100.3"), 24), gw, 0)
	steps := []Step{
		labNICStep(w, l, "The macvlan network will use eth0 as its parent, and the LAN's router as the containers' gateway."),
		macvlanCreateNetworkStep(l),
	}
	if p.cfg.v2010() {
		steps = append(steps, p.arrangeUserFilterRuleStep(macvlanNetworkName), p.createMacVlanStep(c1), runcCreateStep(w, c1, true),
			setKeyStep(c1, true), p.startResolverStep(w, c1))
		steps = append(steps, p.sandboxSteps(c1, false, "macvlan driver")...)
		steps = append(steps, ociSysctlsStep(c1))
	} else {
		steps = append(append(steps, newSandboxSteps(w, c1)...), p.createMacVlanStep(c1), p.startResolverStep(w, c1))
		steps = append(steps, p.sandboxSteps(c1, false, "macvlan driver")...)
	}
	return append(steps,
		p.attachMacvlanStep(w, c2),
		checkPingStep("check: ping the other container", c1.ns.name+" pings "+c2.ns.name+" ("+c2.addr.Addr().String()+")",
			"Both containers are macvlan sub-interfaces of "+macvlanParent+" in bridge mode: the echo request leaves "+c1.ns.name+"'s eth0 and "+
				"macvlan's transmit path (macvlan_queue_xmit) sees that the destination MAC belongs to a sibling, so it delivers the frame to "+
				c2.ns.name+" directly. No bridge device, no iptables: nothing in the host's firewall sees this traffic.", c1.ns, c2.addr.Addr(), false),
		checkPingStep("check: ping the LAN's router", c1.ns.name+" pings the gateway "+gw.String()+" on the LAN",
			"This time the destination MAC is not a sibling's, so the frame goes out of the parent "+macvlanParent+" onto the wire, here the veth "+
				"to the LAN namespace, and the router's reply comes back in through "+macvlanParent+", where macvlan_handle_frame hands it to "+
				c1.ns.name+"'s sub-interface by its MAC. The container is a machine on the LAN.", c1.ns, gw, false),
		checkHostCannotReachStep(l, c1))
}
