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

// overlayCreateNetwork is the overlay driver's CreateNetwork on each host:
// it records the network and touches nothing in the kernel.
func overlayCreateNetwork(env *Env, n *overlayNetwork) error {
	env.notef("network %s: VNI %d, subnet %s, gateway %s, MTU %d", n.id, n.vni, n.subnet, n.gw.Addr(), n.mtu)
	env.notef("devices will be created as %s and %s on the first Join", n.brName(), n.vxName())
	return nil
}
