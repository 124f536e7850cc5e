package steps

import (
	"fmt"
	"net/netip"
)

// ScenarioOverlay is an overlay (VXLAN) network across two hosts.
const ScenarioOverlay = "overlay"

func init() {
	register(Scenario{
		Name:    ScenarioOverlay,
		Summary: "docker network create -d overlay: two hosts, a VXLAN tunnel between them, containers ping across",
		order:   70,
		plan:    planner.overlayPlan,
	})
}

// overlayNetworkID is the overlay network's ID. Swarm's manager draws it at
// random (25 characters); a fixed one keeps sessions reproducible.
const overlayNetworkID = "q3kd8xz1m0v7tb2ys9hw4nc6r"

// overlayPlan is an overlay network across two hosts with a container on
// each: `docker network create -d overlay --attachable ovnet` on a swarm
// manager, then `docker run --network ovnet` on host A and on host B.
func (p planner) overlayPlan(w *world) []Step {
	n := &overlayNetwork{id: overlayNetworkID, vni: 4097, mtu: 1450,
		subnet: netip.MustParsePrefix("10.0.0.0/24"), gw: netip.MustParsePrefix("10.0.0.1/24")}
	newHost := func(name, tag, vtep, ctrAddr string, ns *netNS) *overlayHost {
		c := newContainer("container "+tag, netip.PrefixFrom(netip.MustParseAddr(ctrAddr), 24), netip.Addr{}, n.mtu)
		c.mac = macFromIP(c.addr.Addr())
		c.host = ns
		return &overlayHost{name: name, ns: ns, vtep: netip.MustParsePrefix(vtep), sandbox: &netNS{name: "overlay " + tag}, ctr: c}
	}
	a := newHost("host A", "A", "192.0.2.1/24", "10.0.0.2", nil)
	w.host = a.name
	b := newHost("host B", "B", "192.0.2.2/24", "10.0.0.3", &netNS{name: "host B"})
	vni := fmt.Sprint(n.vni)

	steps := append([]Step{underlayStep(w, a, b), overlayCreateNetworkStep(n)}, newSandboxSteps(w, a.ctr)...)
	steps = append(steps, overlayInitSandboxStep(w, a),
		overlayBridgeStep(a, n), createVxlanStep(a, n), overlayAddVxlanStep(a, n), overlayCreateVethPairStep(a, n), overlayAttachVethStep(a, n))
	steps = append(steps, p.sandboxSteps(a.ctr, false, "overlay driver")...)
	return append(steps, overlayJoinStep(w, b, n), peerAddStep(a, b), peerAddStep(b, a),
		checkPingStep("check: ping across the overlay", a.ctr.ns.name+" on host A pings "+b.ctr.ns.name+" on host B ("+b.ctr.addr.Addr().String()+")",
			"The echo request leaves "+a.ctr.ns.name+"'s eth0 for "+b.ctr.addr.Addr().String()+", on-link in "+n.subnet.String()+". ARP: br0 "+
				"floods the request to vxlan0, which answers it itself from the neighbour entry (proxy mode), so no broadcast crosses the "+
				"underlay. The frame for "+b.ctr.mac.String()+" reaches vxlan0 (br0 does not know the MAC yet and floods it); vxlan0 finds the "+
				"MAC in its forwarding table with dst "+b.vtep.Addr().String()+", prepends the VXLAN header with VNI "+vni+" and sends it in a "+
				"UDP datagram to "+b.vtep.Addr().String()+":4789 from host A's namespace, over the underlay. Host B's socket receives it "+
				"(vxlan_rcv), strips the headers, and the inner frame enters host B's br0 through vxlan0, then "+b.ctr.ns.name+"'s veth. "+
				"The reply takes the mirror path.", a.ctr.ns, b.ctr.addr.Addr(), false))
}
