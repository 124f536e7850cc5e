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
	b := newHost("host B", "B", "192.0.2.2/24", "10.0.0.3", &netNS{name: "host B"})
	vni := fmt.Sprint(n.vni)

	steps := []Step{{
		ID:      "lab: a second host and the underlay",
		Phase:   PhaseLab,
		Title:   "Host B, and a link between the hosts (" + a.vtep.Addr().String() + " <=> " + b.vtep.Addr().String() + ")",
		Mirrors: "nothing in Docker: two machines on one network, the underlay, exist before Docker runs",
		Explanation: "An overlay network spans several Docker hosts. The lab plays host A; for host B it creates another network namespace, " +
			"and cables the two with a veth pair: eth0 on each side, " + a.vtep.String() + " and " + b.vtep.String() + " (a documentation " +
			"range standing in for the hosts' LAN), lo and eth0 up. This is the underlay: the network the hosts really share, which will " +
			"carry the containers' packets inside UDP. In a real swarm the hosts also run Docker's control plane (gossip on port 7946), " +
			"which tells each host where the others' containers are; later steps play its part.",
		KernelHandlers: []string{"copy_net_ns", "rtnl_newlink", "veth_newlink", "inet_rtm_newaddr", "dev_change_flags"},
		code:           call3(underlay, w, a, b),
	}, {
		ID:      "driver CreateNetwork (overlay)",
		Phase:   PhaseNetworkCreate,
		Title:   "docker network create -d overlay: VNI " + vni + ", subnet " + n.subnet.String() + ", nothing in the kernel yet",
		Mirrors: "libnetwork drivers/overlay/ovmanager (allocates the VNI on the manager) and drivers/overlay (*driver).CreateNetwork (ov_network.go)",
		Explanation: "On a swarm manager, `docker network create -d overlay --attachable ovnet` allocates a subnet (" + n.subnet.String() +
			", gateway " + n.gw.Addr().String() + ") and a VXLAN network identifier: the manager's ovmanager hands out VNIs from 4096 up, " +
			"and the ingress network usually has 4096, so this one gets " + vni + ". Every host's overlay driver then records the network " +
			"(CreateNetwork): subnets, VNI, MTU " + fmt.Sprint(n.mtu) + " (the underlay's 1500 minus 50 bytes of VXLAN headers). Nothing " +
			"reaches the kernel: the sandbox, bridge and VXLAN device are created lazily, when the first container on a host joins. The " +
			"trace of this step is empty.",
		code: call1(overlayCreateNetwork, n),
	}, newSandboxStep(w, a.ctr), {
		ID:      "Join: initSandbox",
		Phase:   PhaseJoin,
		Title:   "The overlay driver's own namespace for the network on host A",
		Mirrors: "libnetwork drivers/overlay (*driver).Join -> joinSandbox -> initSandbox -> osl.NewSandbox(osCreate=true) (joinleave.go, ov_network.go)",
		Explanation: "The first Join on a host creates the network's sandbox: a network namespace that belongs to the overlay network " +
			"itself, not to any container (Docker names it 1-<network id>, bind-mounted under /var/run/docker/netns). It will hold the " +
			"network's bridge and VXLAN device, so that every overlay network on the host is a separate L2 segment with its own forwarding " +
			"table. osl.NewSandbox runs unshare(CLONE_NEWNET) on a locked thread and brings its lo up (RTM_GETLINK lo, RTM_NEWLINK IFF_UP).",
		KernelHandlers: sandboxKernel,
		code:           call2(overlayInitSandbox, w, a),
	}, {
		ID:      "setupSubnetSandbox: bridge",
		Phase:   PhaseJoin,
		Title:   "br0 in the overlay namespace, with the gateway " + n.gw.String(),
		Mirrors: "libnetwork drivers/overlay setupSubnetSandbox -> sbox.AddInterface(brName, \"br\", WithIsBridge, WithIPv4Address(gw)) (ov_network.go, osl/interface_linux.go)",
		Explanation: "setupSubnetSandbox asks osl to add a bridge interface. For a bridge, AddInterface creates the device inside the sandbox " +
			"directly: RTM_NEWLINK kind \"bridge\" named " + n.brName() + " (ov-<VNI in 6 hex digits>-<first 5 characters of the network ID>), " +
			"sent on the sandbox's own netlink socket. Then the usual sequence: RTM_GETLINK, down, RTM_SETLINK IFLA_IFNAME=\"br0\" (the " +
			"lowest free br<N>), RTM_NEWADDR " + n.gw.String() + ", up. br0 switches frames between the containers' veths and the VXLAN device.",
		KernelHandlers: []string{"rtnl_newlink", "br_dev_newlink", "dev_change_name", "inet_rtm_newaddr", "dev_change_flags"},
		code:           call2(overlayBridge, a, n),
	}, {
		ID:      "createVxlan",
		Phase:   PhaseJoin,
		Title:   "Create the VXLAN device " + n.vxName() + " (VNI " + vni + ", UDP " + fmt.Sprint(vxlanPort) + ") in host A's namespace",
		Mirrors: "libnetwork drivers/overlay createVxlan (ov_utils.go)",
		Explanation: "The VXLAN device is the tunnel end (VTEP): what it transmits it wraps in an outer Ethernet + IP + UDP + 8-byte VXLAN " +
			"header carrying the VNI, and sends to the host that has the destination MAC; what arrives on UDP port " + fmt.Sprint(vxlanPort) +
			" with its VNI it unwraps. One RTM_NEWLINK with IFLA_IFNAME=" + n.vxName() + ", IFLA_MTU=" + fmt.Sprint(n.mtu) + " and " +
			"IFLA_LINKINFO{IFLA_INFO_KIND \"vxlan\", IFLA_INFO_DATA{IFLA_VXLAN_ID=" + vni + ", IFLA_VXLAN_PORT=4789 (network byte order), " +
			"IFLA_VXLAN_LEARNING=1, IFLA_VXLAN_PROXY=1, IFLA_VXLAN_L2MISS=1, IFLA_VXLAN_L3MISS=1, TTL and TOS 0 ...}} (vxlan_newlink). " +
			"PROXY makes the device answer ARP requests from its own neighbour table instead of flooding them across the hosts; the MISS " +
			"flags make the kernel report unknown destinations on netlink (older Docker resolved them on demand); learning stays on, as in " +
			"Docker's code, though the static entries programmed below make it unnecessary. No group and no remote: every destination " +
			"comes from the forwarding table.\n\n" +
			"The device is created in the host's namespace, on purpose: its UDP socket is opened in the namespace the device was created " +
			"in (vxlan->net) when it comes up, even after the device moves. So the tunnel traffic flows on the host's underlay while the " +
			"device itself lives in the overlay sandbox (next step).",
		KernelHandlers: []string{"rtnl_newlink", "vxlan_newlink", "__vxlan_dev_create", "register_netdevice"},
		code:           call2(createVxlan, a, n),
	}, {
		ID:      "setupSubnetSandbox: AddInterface vxlan0",
		Phase:   PhaseJoin,
		Title:   "Move the VXLAN device into the overlay namespace as vxlan0, a port of br0",
		Mirrors: "libnetwork drivers/overlay setupSubnetSandbox -> sbox.AddInterface(vxlanName, \"vxlan\", WithMaster(brName)) (ov_network.go, osl/interface_linux.go)",
		Explanation: "osl's AddInterface moves the device: RTM_SETLINK IFLA_NET_NS_FD=<overlay sandbox fd> on host A's socket " +
			"(__dev_change_net_namespace). Inside the sandbox: RTM_GETLINK, down, RTM_SETLINK IFLA_IFNAME=\"vxlan0\", RTM_SETLINK " +
			"IFLA_MASTER=<br0> (br_add_if), up: vxlan_open opens the UDP socket on port 4789, in host A's namespace. Docker then sets br0's " +
			"default_pvid to 0 through sysfs (in a private mount namespace, since /sys/class/net shows the namespace sysfs was mounted in); " +
			"netexplore skips that, as it only matters with VLAN filtering.",
		KernelHandlers: []string{"rtnl_setlink", "__dev_change_net_namespace", "dev_change_name", "do_set_master", "br_add_if", "vxlan_open"},
		code:           call2(overlayAddVxlan, a, n),
	}, {
		ID:      "Join: createVethPair",
		Phase:   PhaseJoin,
		Title:   "A veth pair for " + a.ctr.ns.name + ", both ends in host A's namespace, MTU " + fmt.Sprint(n.mtu),
		Mirrors: "libnetwork drivers/overlay (*driver).Join -> createVethPair, LinkSetMTU (joinleave.go, ov_utils.go)",
		Explanation: "Unlike the bridge driver, the overlay driver still creates both ends in the host namespace: two free veth<7 hex> names " +
			"(RTM_GETLINK must fail) and RTM_NEWLINK kind \"veth\" with a VETH_INFO_PEER that has no IFLA_NET_NS_FD. The end that will sit " +
			"on br0 gets MTU " + fmt.Sprint(n.mtu) + " (RTM_SETLINK IFLA_MTU): a container's full-size frame plus 50 bytes of encapsulation " +
			"must fit the underlay's 1500.",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "veth_newlink", "rtnl_setlink", "dev_set_mtu"},
		code:           call2(overlayCreateVethPair, a, n),
	}, {
		ID:      "Join: AddInterface veth (overlay side)",
		Phase:   PhaseJoin,
		Title:   "One end into the overlay namespace on br0; the other gets the MTU and the endpoint MAC",
		Mirrors: "libnetwork drivers/overlay (*driver).Join: sbox.AddInterface(overlayIfName, \"veth\", WithMaster(brName)), LinkSetMTU, LinkSetHardwareAddr (joinleave.go)",
		Explanation: "The first end goes into the overlay sandbox exactly like the VXLAN device: RTM_SETLINK IFLA_NET_NS_FD, then inside down, " +
			"rename veth0, IFLA_MASTER=br0, up. The other end, still on the host, gets MTU " + fmt.Sprint(n.mtu) + " and the endpoint's MAC " +
			a.ctr.mac.String() + " (RTM_SETLINK IFLA_ADDRESS): the overlay driver still derives it from the IP address, 02:42 followed by " +
			a.ctr.addr.Addr().String() + ", so that every host can compute it. Join then publishes the endpoint (IP, MAC, this host's " +
			"address) in the network's peer table, which gossip spreads to the other hosts.",
		KernelHandlers: []string{"rtnl_setlink", "__dev_change_net_namespace", "dev_change_name", "br_add_if", "dev_set_mtu", "dev_set_mac_address"},
		code:           call2(overlayAttachVeth, a, n),
	}}
	steps = append(steps, sandboxSteps(a.ctr, false, "overlay driver")...)
	return append(steps, Step{
		ID:      "host B: the same Join",
		Phase:   PhaseJoin,
		Title:   "On host B, " + b.ctr.ns.name + " joins (the same calls, in one step)",
		Mirrors: "the steps above, run by host B's Docker for `docker run --network ovnet` there",
		Explanation: "Host B's daemon does all of the above in its own namespace: " + b.ctr.ns.name + "'s namespace, the overlay sandbox with " +
			"br0 (" + n.gw.String() + ", the same gateway address on every host), " + n.vxName() + " created in host B's namespace (so its " +
			"UDP socket listens on " + b.vtep.Addr().String() + ":4789) and moved in as vxlan0, the veth pair, and " + b.ctr.ns.name + "'s eth0 " +
			b.ctr.addr.String() + " with MAC " + b.ctr.mac.String() + ". Every request goes out on a netlink socket opened in host B's " +
			"namespace or in one of its sandboxes.",
		KernelHandlers: []string{"copy_net_ns", "br_dev_newlink", "vxlan_newlink", "__dev_change_net_namespace", "veth_newlink", "inet_rtm_newaddr"},
		code:           call3(overlayJoin, w, b, n),
	}, peerAddStep(a, b), peerAddStep(b, a),
		checkPingStep("check: ping across the overlay", a.ctr.ns.name+" on host A pings "+b.ctr.ns.name+" on host B ("+b.ctr.addr.Addr().String()+")",
			"The echo request leaves "+a.ctr.ns.name+"'s eth0 for "+b.ctr.addr.Addr().String()+", on-link in "+n.subnet.String()+". ARP: br0 "+
				"floods the request to vxlan0, which answers it itself from the neighbour entry (proxy mode), so no broadcast crosses the "+
				"underlay. The frame for "+b.ctr.mac.String()+" reaches vxlan0 (br0 does not know the MAC yet and floods it); vxlan0 finds the "+
				"MAC in its forwarding table with dst "+b.vtep.Addr().String()+", prepends the VXLAN header with VNI "+vni+" and sends it in a "+
				"UDP datagram to "+b.vtep.Addr().String()+":4789 from host A's namespace, over the underlay. Host B's socket receives it "+
				"(vxlan_rcv), strips the headers, and the inner frame enters host B's br0 through vxlan0, then "+b.ctr.ns.name+"'s veth. "+
				"The reply takes the mirror path.", a.ctr.ns, b.ctr.addr.Addr(), false))
}

// peerAddStep is host h learning where the peer's container is.
func peerAddStep(h, peer *overlayHost) Step {
	return Step{
		ID:      "programs the FDB (peerAdd)",
		Phase:   PhasePeers,
		Title:   h.name + " learns that " + peer.ctr.addr.Addr().String() + " is behind " + peer.vtep.Addr().String(),
		Mirrors: "libnetwork drivers/overlay peerAdd -> peerAddOp -> addNeighbor -> osl.AddNeighbor (peerdb.go, osl/neigh_linux.go)",
		Explanation: "When gossip brings " + peer.name + "'s endpoint record (IP " + peer.ctr.addr.Addr().String() + ", MAC " + peer.ctr.mac.String() +
			", tunnel endpoint " + peer.vtep.Addr().String() + "), " + h.name + "'s overlay driver programs its sandbox with two RTM_NEWNEIGH " +
			"requests on vxlan0, both permanent (NUD_PERMANENT):\n" +
			"  an ARP entry: ndmsg{AF_INET, ifindex vxlan0} NDA_DST=" + peer.ctr.addr.Addr().String() + " NDA_LLADDR=" + peer.ctr.mac.String() +
			" (neigh_add), which vxlan0 uses to answer ARP requests locally;\n" +
			"  a forwarding entry: ndmsg{AF_BRIDGE, ifindex vxlan0, NTF_SELF} NDA_LLADDR=" + peer.ctr.mac.String() + " NDA_DST=" + peer.vtep.Addr().String() +
			" (rtnl_fdb_add -> vxlan_fdb_add): frames for that MAC go to that host. NTF_SELF puts the entry in the VXLAN device's own " +
			"table rather than br0's.\n" +
			"That is the whole control plane as the kernel sees it: static entries, no flooding and no multicast. netexplore plays gossip " +
			"and writes the entries the overlay driver would.",
		KernelHandlers: []string{"rtnl_getlink", "neigh_add", "rtnl_fdb_add", "vxlan_fdb_add"},
		code:           call2(peerAdd, h, peer),
	}
}
