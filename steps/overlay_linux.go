package steps

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// vxlanPort is the IANA VXLAN port, Docker's default data path port.
const vxlanPort = 4789

// overlayNetwork is one overlay network as each host's overlay driver
// knows it.
type overlayNetwork struct {
	id     string       // the network ID; its first 5 characters name devices
	vni    int          // the VXLAN network identifier
	subnet netip.Prefix // 10.0.0.0/24
	gw     netip.Prefix // 10.0.0.1/24, on br0 in every overlay sandbox
	mtu    int          // 1450: 1500 minus 50 bytes of VXLAN encapsulation
}

// brName and vxName are the names the devices are created under
// (generateBridgeName, generateVxlanName), before the sandbox renames them.
func (n *overlayNetwork) brName() string { return fmt.Sprintf("ov-%06x-%s", n.vni, n.id[:5]) }
func (n *overlayNetwork) vxName() string { return fmt.Sprintf("vx-%06x-%s", n.vni, n.id[:5]) }

// overlayHost is one Docker host of the overlay scenario.
type overlayHost struct {
	name    string
	ns      *netNS       // the host's namespace; nil for the lab (host A)
	vtep    netip.Prefix // its underlay address, the VXLAN tunnel endpoint
	sandbox *netNS       // the overlay network's namespace on this host
	ctr     *container   // the container it runs on the network
	veth    string       // the overlay sandbox's end of the container's veth pair
}

// handle returns the rtnetlink handle of the host's own namespace.
func (h *overlayHost) handle(env *Env) *netlink.Handle {
	if h.ns == nil {
		return env.Handle
	}
	return h.ns.h
}

// underlayStep is the lab building host B and the network between hosts a
// and b.
func underlayStep(w *world, a, b *overlayHost) Step {
	return Step{
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
	}
}

// underlay creates host B and cables it to the lab (host A): the network
// the two hosts already share before Docker runs.
func underlay(env *Env, w *world, a, b *overlayHost) error {
	if err := w.create(env, b.ns); err != nil {
		return err
	}
	// RTM_NEWLINK kind veth "eth0", VETH_INFO_PEER{"eth0", IFLA_NET_NS_FD=<host B>}
	cable := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}, PeerName: "eth0", PeerNamespace: netlink.NsFd(b.ns.fd)}
	if err := env.Handle.LinkAdd(cable); err != nil {
		return fmt.Errorf("creating the underlay link: %w", err)
	}
	for _, h := range []*overlayHost{a, b} {
		for _, name := range []string{"lo", "eth0"} {
			link, err := h.handle(env).LinkByName(name)
			if err != nil {
				return err
			}
			if name == "eth0" { // RTM_NEWADDR 192.0.2.x/24
				if err := h.handle(env).AddrAdd(link, &netlink.Addr{IPNet: ipNet(h.vtep)}); err != nil {
					return err
				}
			}
			if err := h.handle(env).LinkSetUp(link); err != nil { // RTM_NEWLINK IFF_UP
				return err
			}
		}
	}
	env.notef("host A (the lab) eth0 %s <=> host B eth0 %s in %s", a.vtep, b.vtep, b.ns)
	return nil
}

// overlayCreateNetworkStep is `docker network create -d overlay`:
// bookkeeping only.
func overlayCreateNetworkStep(n *overlayNetwork) Step {
	vni := fmt.Sprint(n.vni)
	return Step{
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
	}
}

// overlayCreateNetwork is the overlay driver's CreateNetwork on each host:
// it records the network and touches nothing in the kernel.
func overlayCreateNetwork(env *Env, n *overlayNetwork) error {
	env.notef("network %s: VNI %d, subnet %s, gateway %s, MTU %d", n.id, n.vni, n.subnet, n.gw.Addr(), n.mtu)
	env.notef("devices will be created as %s and %s on the first Join", n.brName(), n.vxName())
	return nil
}

// overlayInitSandboxStep is the first Join on host a creating the network's
// own namespace.
func overlayInitSandboxStep(w *world, a *overlayHost) Step {
	return Step{
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
	}
}

// overlayInitSandbox is the overlay driver's initSandbox, on the first
// container's Join: a namespace of its own for the network on this host.
func overlayInitSandbox(env *Env, w *world, h *overlayHost) error {
	// osl.NewSandbox(osCreate=true): unshare(CLONE_NEWNET) on a locked
	// thread, an fd for the namespace (Docker bind-mounts it), setns back.
	if err := w.create(env, h.sandbox); err != nil {
		return err
	}
	lo, err := h.sandbox.h.LinkByName("lo") // loopbackUp: RTM_GETLINK lo ...
	if err != nil {
		return err
	}
	return h.sandbox.h.LinkSetUp(lo) // ... RTM_NEWLINK IFF_UP
}

// overlayBridgeStep is the network's bridge br0 in host a's overlay
// namespace.
func overlayBridgeStep(a *overlayHost, n *overlayNetwork) Step {
	return Step{
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
	}
}

// overlayBridge is setupSubnetSandbox's first AddInterface: a bridge
// created inside the overlay sandbox, renamed br0, with the subnet's
// gateway address.
func overlayBridge(env *Env, h *overlayHost, n *overlayNetwork) error {
	s := h.sandbox.h // every request on the sandbox's own socket
	// RTM_NEWLINK IFLA_IFNAME="ov-001001-<id>", IFLA_LINKINFO{KIND "bridge"}
	if err := s.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: n.brName()}}); err != nil {
		return fmt.Errorf("failed to create bridge %q: %w", n.brName(), err)
	}
	br, err := s.LinkByName(n.brName()) // RTM_GETLINK
	if err != nil {
		return err
	}
	// down, RTM_SETLINK IFLA_IFNAME="br0", RTM_NEWADDR 10.0.0.1/24, up
	if err := s.LinkSetDown(br); err != nil {
		return err
	}
	if err := s.LinkSetName(br, "br0"); err != nil {
		return err
	}
	if err := s.AddrAdd(br, &netlink.Addr{IPNet: ipNet(n.gw)}); err != nil {
		return err
	}
	return s.LinkSetUp(br)
}

// createVxlanStep is the VXLAN device of n, created in host a's namespace.
func createVxlanStep(a *overlayHost, n *overlayNetwork) Step {
	vni := fmt.Sprint(n.vni)
	return Step{
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
	}
}

// createVxlan creates the network's VXLAN device in the host's own
// namespace (ov_utils.go createVxlan): its UDP socket will live there.
func createVxlan(env *Env, h *overlayHost, n *overlayNetwork) error {
	vxlan := &netlink.Vxlan{
		LinkAttrs: netlink.LinkAttrs{Name: n.vxName(), MTU: n.mtu}, // IFLA_IFNAME, IFLA_MTU=1450
		VxlanId:   n.vni,                                           // IFLA_VXLAN_ID
		Learning:  true,                                            // IFLA_VXLAN_LEARNING=1
		Port:      vxlanPort,                                       // IFLA_VXLAN_PORT=htons(4789)
		Proxy:     true,                                            // IFLA_VXLAN_PROXY: answer ARP locally
		L3miss:    true,                                            // IFLA_VXLAN_L3MISS, IFLA_VXLAN_L2MISS:
		L2miss:    true,                                            // notify on missing entries
	}
	// RTM_NEWLINK IFLA_LINKINFO{IFLA_INFO_KIND "vxlan", IFLA_INFO_DATA{...}}
	if err := h.handle(env).LinkAdd(vxlan); err != nil {
		return fmt.Errorf("error creating vxlan interface: %w", err)
	}
	return nil
}

// overlayAddVxlanStep is the VXLAN device moving into host a's overlay
// namespace.
func overlayAddVxlanStep(a *overlayHost, n *overlayNetwork) Step {
	return Step{
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
	}
}

// overlayAddVxlan is setupSubnetSandbox's second AddInterface: the VXLAN
// device moves into the overlay sandbox, becomes vxlan0 and a port of br0.
func overlayAddVxlan(env *Env, h *overlayHost, n *overlayNetwork) error {
	link, err := h.handle(env).LinkByName(n.vxName()) // RTM_GETLINK on the host
	if err != nil {
		return err
	}
	// RTM_SETLINK IFLA_NET_NS_FD=<overlay sandbox fd>, on the host's socket
	if err := h.handle(env).LinkSetNsFd(link, int(h.sandbox.fd)); err != nil {
		return fmt.Errorf("moving %s into %s: %w", n.vxName(), h.sandbox, err)
	}
	return attachToOverlayBridge(h.sandbox.h, n.vxName(), "vxlan0")
}

// attachToOverlayBridge is the rest of osl's AddInterface inside the
// overlay sandbox: down, rename, IFLA_MASTER=br0, up.
func attachToOverlayBridge(s *netlink.Handle, name, newName string) error {
	link, err := s.LinkByName(name) // RTM_GETLINK
	if err != nil {
		return err
	}
	if err := s.LinkSetDown(link); err != nil { // RTM_NEWLINK ifi_change=IFF_UP
		return err
	}
	if err := s.LinkSetName(link, newName); err != nil { // RTM_SETLINK IFLA_IFNAME
		return err
	}
	master := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br0"}}
	if err := s.LinkSetMaster(link, master); err != nil { // RTM_SETLINK IFLA_MASTER=<br0>
		return err
	}
	return s.LinkSetUp(link) // RTM_NEWLINK IFF_UP
}

// overlayCreateVethPairStep is the overlay driver's veth pair for host a's
// container.
func overlayCreateVethPairStep(a *overlayHost, n *overlayNetwork) Step {
	return Step{
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
	}
}

// overlayCreateVethPair is the start of the overlay driver's Join: a veth
// pair in the host namespace, both ends there (createVethPair), and the
// overlay side's MTU.
func overlayCreateVethPair(env *Env, h *overlayHost, n *overlayNetwork) error {
	var err error
	hh := h.handle(env)
	if h.veth, err = generateIfaceName(hh, "veth"); err != nil { // RTM_GETLINK -> ENODEV
		return err
	}
	if h.ctr.srcName, err = generateIfaceName(hh, "veth"); err != nil {
		return err
	}
	// RTM_NEWLINK kind veth, VETH_INFO_PEER{IFLA_IFNAME} without a namespace:
	// both ends are born in the host.
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: h.veth, TxQLen: 0}, PeerName: h.ctr.srcName}
	if err := hh.LinkAdd(veth); err != nil {
		return fmt.Errorf("error creating veth pair: %w", err)
	}
	link, err := hh.LinkByName(h.veth)
	if err != nil {
		return err
	}
	return hh.LinkSetMTU(link, n.mtu) // RTM_SETLINK IFLA_MTU=1450
}

// overlayAttachVethStep is one end of the veth pair joining br0, the other
// getting the endpoint's MTU and MAC.
func overlayAttachVethStep(a *overlayHost, n *overlayNetwork) Step {
	return Step{
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
	}
}

// overlayAttachVeth puts the overlay side of the veth pair into the
// overlay sandbox on br0, and readies the container side: MTU and the
// endpoint's MAC.
func overlayAttachVeth(env *Env, h *overlayHost, n *overlayNetwork) error {
	hh := h.handle(env)
	link, err := hh.LinkByName(h.veth)
	if err != nil {
		return err
	}
	// AddInterface(veth, "veth", WithMaster(br)): RTM_SETLINK IFLA_NET_NS_FD,
	// then inside the sandbox down, rename veth0, IFLA_MASTER=br0, up.
	if err := hh.LinkSetNsFd(link, int(h.sandbox.fd)); err != nil {
		return err
	}
	if err := attachToOverlayBridge(h.sandbox.h, h.veth, "veth0"); err != nil {
		return err
	}
	ctr, err := hh.LinkByName(h.ctr.srcName) // the container side, still on the host
	if err != nil {
		return err
	}
	if err := hh.LinkSetMTU(ctr, n.mtu); err != nil { // RTM_SETLINK IFLA_MTU=1450
		return err
	}
	return hh.LinkSetHardwareAddr(ctr, h.ctr.mac) // RTM_SETLINK IFLA_ADDRESS
}

// overlayJoinStep is the whole overlay join on host b.
func overlayJoinStep(w *world, b *overlayHost, n *overlayNetwork) Step {
	return Step{
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
	}
}

// overlayJoin is everything one host does when its first container joins
// the network, in one go: the container's namespace, the overlay sandbox,
// br0, the VXLAN device, the veth pair and the container's eth0.
func overlayJoin(env *Env, w *world, h *overlayHost, n *overlayNetwork) error {
	if err := newSandbox(env, w, h.ctr); err != nil {
		return err
	}
	calls := []func() error{
		func() error { return overlayInitSandbox(env, w, h) },
		func() error { return overlayBridge(env, h, n) },
		func() error { return createVxlan(env, h, n) },
		func() error { return overlayAddVxlan(env, h, n) },
		func() error { return overlayCreateVethPair(env, h, n) },
		func() error { return overlayAttachVeth(env, h, n) },
		func() error { return sandboxCreateInterface(env, h.ctr) },
		func() error { return sandboxConfigureInterface(env, h.ctr) },
		func() error { return sandboxInterfaceUp(env, h.ctr) },
	}
	for _, call := range calls {
		if err := call(); err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
	}
	env.notef("%s: %s eth0 %s on br0 in %s", h.name, h.ctr.ns.name, h.ctr.addr, h.sandbox)
	return nil
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

// peerAdd programs, in h's overlay sandbox, how to reach the peer's
// container: an ARP entry (its IP -> MAC) and a forwarding entry (its MAC
// -> the peer host's underlay address), as the overlay driver's peerdb
// does when the control plane announces an endpoint.
func peerAdd(env *Env, h, peer *overlayHost) error {
	s := h.sandbox.h
	vx, err := s.LinkByName("vxlan0") // RTM_GETLINK vxlan0
	if err != nil {
		return err
	}
	// RTM_NEWNEIGH ndmsg{AF_INET, ifindex vxlan0, NUD_PERMANENT}
	// NDA_DST=<peer container IP> NDA_LLADDR=<its MAC>
	arp := &netlink.Neigh{LinkIndex: vx.Attrs().Index, State: netlink.NUD_PERMANENT,
		IP: peer.ctr.addr.Addr().AsSlice(), HardwareAddr: peer.ctr.mac}
	if err := s.NeighAdd(arp); err != nil {
		return fmt.Errorf("could not add neighbor entry into the sandbox: %w", err)
	}
	// RTM_NEWNEIGH ndmsg{AF_BRIDGE, ifindex vxlan0, NUD_PERMANENT, NTF_SELF}
	// NDA_LLADDR=<peer container MAC> NDA_DST=<peer host's underlay IP>
	fdb := &netlink.Neigh{LinkIndex: vx.Attrs().Index, Family: unix.AF_BRIDGE, Flags: netlink.NTF_SELF,
		State: netlink.NUD_PERMANENT, IP: peer.vtep.Addr().AsSlice(), HardwareAddr: peer.ctr.mac}
	if err := s.NeighAdd(fdb); err != nil {
		return fmt.Errorf("could not add fdb entry into the sandbox: %w", err)
	}
	env.notef("%s: %s is at %s, behind %s", h.name, peer.ctr.addr.Addr(), peer.ctr.mac, peer.vtep.Addr())
	return nil
}

// macFromIP is libnetwork's GenerateMACFromIP, which the overlay driver
// still uses for endpoints: 02:42 followed by the IPv4 address.
func macFromIP(ip netip.Addr) net.HardwareAddr {
	b := ip.As4()
	return net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]}
}
