package steps

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// world is what a scenario builds beyond the lab namespace: the other
// network namespaces (containers, an overlay sandbox, a second host) and the
// sockets its steps keep open. The plan allocates it empty; the steps fill
// it in the lab, and the lab closes it when it quits.
type world struct {
	// namespaces are the namespaces created so far, in order; snapshots
	// show each of them.
	namespaces []*netNS
	// closers release what the steps keep open (a reserved port, a server).
	closers []func()
	// host is what the scenario calls the lab's own namespace when it is
	// not plain "host" (the overlay's "host A").
	host string
}

// netNS is a network namespace a scenario creates. It has no name in
// /var/run/netns: the lab holds it by a file descriptor only, so it
// disappears with the lab process, even on SIGKILL.
type netNS struct {
	// Name is what the learner calls it, e.g. "container1" or "host B".
	name string
	// fd is the open namespace file, the namespace's only reference.
	fd netns.Handle
	// h is an rtnetlink socket opened inside the namespace: every request
	// sent on it acts there (libnetwork's nlwrap.NewHandleAt).
	h *netlink.Handle
	// sysctls are /proc/sys files (relative to the namespace) that
	// snapshots show.
	sysctls []string
}

// String names the namespace as the explanations do: "container1 netns (fd 7)".
func (n *netNS) String() string {
	return fmt.Sprintf("%s netns (fd %d)", n.name, int(n.fd))
}

// create makes n a new network namespace and opens an rtnetlink socket in
// it. Docker's containers get theirs from runc (clone or unshare with
// CLONE_NEWNET); libnetwork's osl.NewSandbox does the same for the
// namespaces it owns (an overlay network's).
func (w *world) create(env *Env, n *netNS) error {
	fd, err := netns.New()
	if err != nil {
		return fmt.Errorf("creating the %s network namespace: %w", n.name, err)
	}
	n.fd = fd
	// socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) on a thread that did
	// setns(fd, CLONE_NEWNET) first: the socket belongs to that namespace.
	if n.h, err = netlink.NewHandleAt(fd, unix.NETLINK_ROUTE); err != nil {
		_ = fd.Close()
		return fmt.Errorf("opening rtnetlink in %s: %w", n, err)
	}
	w.namespaces = append(w.namespaces, n)
	env.notef("created %s", n)
	return nil
}

// close releases everything the scenario holds; the namespaces die with
// their last file descriptor.
func (w *world) close() {
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
	w.closers = nil
	for _, n := range w.namespaces {
		if n.h != nil {
			n.h.Close()
		}
		_ = n.fd.Close()
	}
	w.namespaces = nil
}

// container is one container of a scenario: its namespace and the
// interface Docker gives it.
type container struct {
	// ns is the container's network namespace.
	ns *netNS
	// host is the namespace of the host the container runs on; nil means
	// the lab.
	host *netNS
	// addr is the container's address with the subnet's prefix length.
	addr netip.Prefix
	// gateway is the next hop of its default route (invalid: none).
	gateway netip.Addr
	// mac is the MAC address the endpoint gets (random since Docker 28,
	// derived from the IP for overlay endpoints).
	mac net.HardwareAddr
	// mtu is the endpoint MTU (0: leave the kernel's).
	mtu int
	// hostIf is the host side of the container's veth pair.
	hostIf string
	// hostLink and sboxLink are the two ends of the veth pair as
	// CreateEndpoint looked them up.
	hostLink, sboxLink netlink.Link
	// srcName is the container interface's name until it becomes eth0.
	srcName string
	// createdInContainer says the interface was born in the container's
	// namespace (veth peer since Docker 28), so the sandbox need not move it.
	createdInContainer bool
	// link is eth0 inside the container, once renamed.
	link netlink.Link
}

// disableIPv6Eth0 is the sysctl libnetwork's setIPv6 writes in a container
// on an IPv4-only network.
const disableIPv6Eth0 = "/proc/sys/net/ipv6/conf/eth0/disable_ipv6"

// sandboxKernel lists the kernel functions behind a new container
// namespace and its loopback.
var sandboxKernel = []string{"ksys_unshare", "copy_net_ns", "setup_net", "loopback_net_init", "rtnl_getlink", "rtnl_newlink", "do_setlink", "dev_change_flags"}

// newContainer returns a container of the plan; the steps create its
// namespace and interface.
func newContainer(name string, addr netip.Prefix, gateway netip.Addr, mtu int) *container {
	return &container{ns: &netNS{name: name, sysctls: containerSysctls(true)}, addr: addr, gateway: gateway, mtu: mtu}
}

// containerSysctls lists the /proc/sys files snapshots show in a
// container's namespace: IPv6 off on all interfaces (Docker 20.10) or on
// eth0 (Docker 29), and the OCI spec's sysctls runc writes.
func containerSysctls(eth0 bool) []string {
	paths := []string{"/proc/sys/net/ipv6/conf/all/disable_ipv6"}
	if eth0 {
		paths = append(paths, disableIPv6Eth0)
	}
	return append(paths, ociSysctlPaths()...)
}

// hostHandle returns the rtnetlink handle of the container's host.
func (c *container) hostHandle(env *Env) *netlink.Handle {
	if c.host == nil {
		return env.Handle
	}
	return c.host.h
}

// generateIfaceName picks "veth" + 7 random hex digits that no link in h's
// namespace has, as libnetwork's netutils.GenerateIfaceName does.
func generateIfaceName(h *netlink.Handle, prefix string) (string, error) {
	for range 3 {
		name := prefix + randomHex(7)
		// RTM_GETLINK IFLA_IFNAME=name: ENODEV means the name is free.
		if _, err := h.LinkByName(name); errors.As(err, new(netlink.LinkNotFoundError)) {
			return name, nil
		}
	}
	return "", errors.New("could not generate a free interface name")
}

// randomHex returns n random lowercase hex digits.
func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return hex.EncodeToString(b)[:n]
}

// sandboxSteps are osl's AddInterface and the default route for c, once the
// driver has created its interface. created says the interface was born in
// the container (no move); driver names who created it.
func (p planner) sandboxSteps(c *container, created bool, driver string) []Step {
	steps := []Step{sandboxCreateInterfaceStep(c, created, driver), p.sandboxConfigureInterfaceStep(c), p.sandboxInterfaceUpStep(c)}
	if !c.gateway.IsValid() {
		return steps
	}
	return append(steps, programGatewayStep(c))
}

// sandboxCreateInterfaceStep is osl's AddInterface up to the rename to eth0.
// created says the interface was born in the container (no move); driver
// names who created it.
func sandboxCreateInterfaceStep(c *container, created bool, driver string) Step {
	move := "The interface was born inside the container (createdInContainer), so nothing has to move. "
	handlers := []string{"rtnl_getlink", "rtnl_newlink", "do_setlink", "dev_change_flags", "rtnl_setlink", "dev_change_name"}
	if !created {
		move = "The " + driver + " created the interface in the host namespace, so the sandbox first moves it: RTM_SETLINK on the host's socket " +
			"with IFLA_NET_NS_FD=<container netns fd> (do_setlink -> __dev_change_net_namespace unregisters it here and registers it there, " +
			"keeping its index if it is free). "
		handlers = append([]string{"rtnl_setlink", "do_setlink", "__dev_change_net_namespace"}, handlers...)
	}
	return Step{
		ID:      "sandbox: AddInterface (createInterface)",
		Phase:   PhaseJoin,
		Title:   "In " + c.ns.name + ": take the interface down and rename it eth0",
		Mirrors: "libnetwork Sandbox.populateNetworkResources -> osl.(*Namespace).AddInterface -> createInterface (osl/interface_linux.go)",
		Explanation: "libnetwork's sandbox code (osl) now sets the interface up the way the driver's Join asked, working through the netlink socket " +
			"it opened inside the container. " + move + "It looks the interface up there (RTM_GETLINK), takes it down (RTM_NEWLINK ifi_change=IFF_UP, " +
			"ifi_flags=0) and renames it: RTM_SETLINK IFLA_IFNAME=\"eth0\" (dev_change_name; eth0 is the lowest free eth<N>). Only now does the " +
			"container see an eth0; from the host, `ip link` still shows the other end under its host name.",
		KernelHandlers: handlers,
		code:           call1(sandboxCreateInterface, c),
	}
}

// sandboxCreateInterface is the first half of libnetwork's
// osl.Namespace.AddInterface: the interface enters the container (unless it
// was born there), goes down and is renamed eth0.
func sandboxCreateInterface(env *Env, c *container) error {
	if !c.createdInContainer {
		// moveLink: RTM_GETLINK <name> on the host, then RTM_SETLINK
		// ifinfomsg{index} IFLA_NET_NS_FD=<container netns fd>.
		link, err := c.hostHandle(env).LinkByName(c.srcName)
		if err != nil {
			return fmt.Errorf("failed to get link by name %q: %w", c.srcName, err)
		}
		if err := c.hostHandle(env).LinkSetNsFd(link, int(c.ns.fd)); err != nil {
			return fmt.Errorf("moving %s into %s: %w", c.srcName, c.ns, err)
		}
	}
	// From here on, the container's own rtnetlink socket.
	link, err := c.ns.h.LinkByName(c.srcName) // RTM_GETLINK
	if err != nil {
		return fmt.Errorf("failed to get link by name %q: %w", c.srcName, err)
	}
	// RTM_NEWLINK ifi_flags=0 ifi_change=IFF_UP: down before configuring.
	if err := c.ns.h.LinkSetDown(link); err != nil {
		return fmt.Errorf("failed to set link down: %w", err)
	}
	// RTM_SETLINK ifinfomsg{index} IFLA_IFNAME="eth0" (the lowest free ethN).
	if err := c.ns.h.LinkSetName(link, "eth0"); err != nil {
		return fmt.Errorf("error renaming interface %q to eth0: %w", c.srcName, err)
	}
	link.Attrs().Name = "eth0" // the next requests address it by its index
	c.link = link
	return nil
}

// sandboxConfigureInterfaceStep is osl's configureInterface for c's eth0.
func (p planner) sandboxConfigureInterfaceStep(c *container) Step {
	s := Step{
		ID:      "sandbox: AddInterface (configureInterface)",
		Phase:   PhaseJoin,
		Title:   "In " + c.ns.name + ": MAC address, IPv4 address " + c.addr.String() + ", IPv6 off",
		Mirrors: "libnetwork osl.(*Namespace).configureInterface: setInterfaceMAC, setInterfaceIP, setInterfaceIPv6 (osl/interface_linux.go)",
		Explanation: "configureInterface applies the endpoint's settings on the container's socket: RTM_SETLINK IFLA_ADDRESS=<the endpoint MAC> " +
			"(dev_set_mac_address), a route dump (RTM_GETROUTE, NLM_F_DUMP) to check that the subnet does not clash with a route already there, " +
			"and RTM_NEWADDR ifaddrmsg{AF_INET, prefixlen " + fmt.Sprint(c.addr.Bits()) + ", index of eth0} with IFA_LOCAL=IFA_ADDRESS=" + c.addr.Addr().String() +
			" and IFA_BROADCAST (inet_rtm_newaddr). eth0 is still down, so the kernel adds the subnet route only when it comes up.\n\n" +
			"The network has no IPv6, so setIPv6 disables it on eth0: a thread enters the container with setns(CLONE_NEWNET) and writes \"1\\n\" to " +
			"/proc/sys/net/ipv6/conf/eth0/disable_ipv6. /proc/sys/net shows the namespace of the thread that opens it: there is no other way to " +
			"reach a container's sysctls from the host.",
		KernelHandlers: []string{"rtnl_setlink", "do_setlink", "dev_set_mac_address", "inet_dump_fib", "inet_rtm_newaddr", "proc_sys_write", "addrconf_sysctl_disable"},
		code:           call1(sandboxConfigureInterface, c),
	}
	if p.cfg.v2010() {
		s.Title = "In " + c.ns.name + ": MAC address " + c.mac.String() + ", IPv4 address " + c.addr.String()
		s.Mirrors = "libnetwork v20.10 osl configureInterface: setInterfaceName, setInterfaceMAC, setInterfaceIP (osl/interface_linux.go)"
		s.Explanation = "configureInterface applies the endpoint's settings on the container's socket: RTM_SETLINK IFLA_ADDRESS=" + c.mac.String() +
			" (the MAC CreateEndpoint derived from the address; dev_set_mac_address), a route dump (RTM_GETROUTE, NLM_F_DUMP) to check " +
			"that the subnet does not clash with a route already there, and RTM_NEWADDR ifaddrmsg{AF_INET, prefixlen " + fmt.Sprint(c.addr.Bits()) +
			", index of eth0} with IFA_LOCAL=IFA_ADDRESS=" + c.addr.Addr().String() + " and IFA_BROADCAST (inet_rtm_newaddr). eth0 is still " +
			"down, so the kernel adds the subnet route only when it comes up. IPv6 was disabled on all interfaces when the sandbox was " +
			"set up, so nothing is written for eth0 (Docker 29 writes eth0's disable_ipv6 here instead)."
		s.KernelHandlers = []string{"rtnl_setlink", "do_setlink", "dev_set_mac_address", "inet_dump_fib", "inet_rtm_newaddr"}
		s.code = call1(setInterfaceMACAndIP, c)
	}
	return s
}

// sandboxConfigureInterface is osl's configureInterface: MAC, IPv4 address,
// and IPv6 off on an IPv4-only network.
func sandboxConfigureInterface(env *Env, c *container) error {
	if err := setInterfaceMACAndIP(env, c); err != nil { // MAC, IPv4
		return err
	}
	// setIPv6: a thread enters the container (setns) and writes "1\n" to
	// /proc/sys/net/ipv6/conf/eth0/disable_ipv6: no IPv6 on this network.
	return netns.Do(c.ns.fd, func() error {
		return writeSysctl("/proc/sys/net/ipv6/conf/eth0/disable_ipv6", '1')
	})
}

// setInterfaceMACAndIP is configureInterface without the IPv6 part, all
// of it in Docker 20.10: the endpoint's MAC, then its IPv4 address.
func setInterfaceMACAndIP(env *Env, c *container) error {
	// setInterfaceMAC: RTM_SETLINK ifinfomsg{index} IFLA_ADDRESS=<6 bytes>.
	if err := c.ns.h.LinkSetHardwareAddr(c.link, c.mac); err != nil {
		return fmt.Errorf("error setting interface eth0 MAC to %s: %w", c.mac, err)
	}
	// setInterfaceIP: checkRouteConflict dumps the routes (RTM_GETROUTE),
	// then RTM_NEWADDR ifaddrmsg{AF_INET, prefixlen, index}
	// IFA_LOCAL=IFA_ADDRESS=<ip> IFA_BROADCAST=<last address>.
	if _, err := c.ns.h.RouteList(nil, netlink.FAMILY_V4); err != nil {
		return fmt.Errorf("checking routes: %w", err)
	}
	if err := c.ns.h.AddrAdd(c.link, &netlink.Addr{IPNet: ipNet(c.addr)}); err != nil {
		return fmt.Errorf("error setting interface eth0 IP to %s: %w", c.addr, err)
	}
	return nil
}

// sandboxInterfaceUpStep is the end of osl's AddInterface: eth0 up, and
// announced.
func (p planner) sandboxInterfaceUpStep(c *container) Step {
	s := Step{
		ID:      "sandbox: AddInterface (LinkSetUp, advertiseAddrs)",
		Phase:   PhaseJoin,
		Title:   "In " + c.ns.name + ": bring eth0 up and announce its address",
		Mirrors: "libnetwork osl.(*Namespace).AddInterface: LinkSetUp, waitForIfUpped, advertiseAddrs -> l2disco.UnsolARP (osl/interface_linux.go)",
		Explanation: "RTM_NEWLINK ifi_flags=IFF_UP on eth0 (Docker retries up to three times). The kernel now adds the connected route " +
			c.addr.Masked().String() + " dev eth0 proto kernel. libnetwork waits for the link to be running, then sends an unsolicited (gratuitous) " +
			"ARP: a request \"who has " + c.addr.Addr().String() + "? tell " + c.addr.Addr().String() + "\" from the container's MAC to ff:ff:ff:ff:ff:ff, through " +
			"an AF_PACKET datagram socket opened in the container (sendto with a sockaddr_ll naming eth0; packet_sendmsg). Whoever cached another " +
			"MAC for that address, say for a container that just left, updates its ARP table.",
		KernelHandlers: []string{"rtnl_newlink", "do_setlink", "dev_change_flags", "packet_sendmsg", "arp_rcv"},
		code:           call1(sandboxInterfaceUp, c),
	}
	if p.cfg.v2010() {
		s.ID, s.Title = "sandbox: AddInterface (LinkSetUp)", "In "+c.ns.name+": bring eth0 up"
		s.Mirrors = "libnetwork v20.10 osl (*networkNamespace).AddInterface: LinkSetUp, setInterfaceRoutes (osl/interface_linux.go)"
		s.Explanation = "RTM_NEWLINK ifi_flags=IFF_UP on eth0 (retried up to three times). The kernel now adds the connected route " +
			c.addr.Masked().String() + " dev eth0 proto kernel. That is all in Docker 20.10: no gratuitous ARP announces the address " +
			"(Docker 28 added advertiseAddrs, an unsolicited ARP through an AF_PACKET socket)."
		s.KernelHandlers = []string{"rtnl_newlink", "do_setlink", "dev_change_flags"}
		s.code = call1(interfaceUp, c)
	}
	return s
}

// interfaceUp brings eth0 up, the end of Docker 20.10's AddInterface
// (Docker 29 announces the address next).
func interfaceUp(env *Env, c *container) error {
	// RTM_NEWLINK ifinfomsg{index, ifi_flags=IFF_UP, ifi_change=IFF_UP}
	if err := c.ns.h.LinkSetUp(c.link); err != nil {
		return fmt.Errorf("failed to set link up: %w", err)
	}
	return nil
}

// sandboxInterfaceUp brings eth0 up and announces its address with a
// gratuitous ARP, the end of osl's AddInterface.
func sandboxInterfaceUp(env *Env, c *container) error {
	if err := interfaceUp(env, c); err != nil { // RTM_NEWLINK IFF_UP
		return err
	}
	// advertiseAddrs: an unsolicited ARP request for our own address,
	// so neighbours drop any stale MAC they had for it.
	return netns.Do(c.ns.fd, func() error {
		return sendGratuitousARP(c.link.Attrs().Index, c.addr.Addr(), c.mac)
	})
}

// sendGratuitousARP broadcasts "who has <ip>? tell <ip>" from ifindex, as
// libnetwork's l2disco.UnsolARP does.
func sendGratuitousARP(ifindex int, ip netip.Addr, mac net.HardwareAddr) error {
	// socket(AF_PACKET, SOCK_DGRAM): the kernel adds the Ethernet header.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("create socket: %w", err)
	}
	defer unix.Close(fd)
	pkt := []byte{0, 1, 8, 0, 6, 4, 0, 1} // Ethernet, IPv4, 6, 4, ARP request
	ip4 := ip.As4()
	pkt = append(append(append(pkt, mac...), ip4[:]...), make([]byte, 6)...) // sender MAC, IP; target MAC 0
	pkt = append(pkt, ip4[:]...)                                             // target IP = our own
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: ifindex, Hatype: unix.ARPHRD_ETHER, Halen: 6}
	copy(sa.Addr[:], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	// sendto(fd, 28-byte ARP packet, sockaddr_ll{ETH_P_ARP, ifindex, ff:ff:ff:ff:ff:ff})
	return unix.Sendto(fd, pkt, 0, sa)
}

// htons converts a 16-bit value to network byte order.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

// programGatewayStep is the sandbox's default route via c's gateway.
func programGatewayStep(c *container) Step {
	return Step{
		ID:      "updateGateway (programGateway)",
		Phase:   PhaseJoin,
		Title:   "In " + c.ns.name + ": default route via " + c.gateway.String(),
		Mirrors: "libnetwork Sandbox.updateGateway -> osl.(*Namespace).SetGateway -> programGateway (osl/route_linux.go)",
		Explanation: "The sandbox asks the kernel how the gateway is reached: RTM_GETROUTE with RTA_DST=" + c.gateway.String() + " (inet_rtm_getroute " +
			"answers from the fib: eth0, the connected subnet). It then adds the default route: RTM_NEWROUTE rtmsg{AF_INET, dst_len 0, scope " +
			"universe, type unicast, table main} with RTA_GATEWAY=" + c.gateway.String() + " and RTA_OIF=<eth0> (inet_rtm_newroute -> fib_table_insert). " +
			"Everything outside " + c.addr.Masked().String() + " now goes to the gateway.",
		KernelHandlers: []string{"inet_rtm_getroute", "inet_rtm_newroute", "fib_table_insert"},
		code:           call1(programGateway, c),
	}
}

// programGateway gives the container its default route, as libnetwork's
// Sandbox.updateGateway -> programGateway does.
func programGateway(env *Env, c *container) error {
	gw := c.gateway.AsSlice()
	// RouteGet: RTM_GETROUTE RTA_DST=<gateway>: which interface reaches it?
	routes, err := c.ns.h.RouteGet(gw)
	if err != nil || len(routes) == 0 {
		return fmt.Errorf("route for the gateway %s could not be found: %w", c.gateway, err)
	}
	// RTM_NEWROUTE rtmsg{AF_INET, dst_len 0, RT_SCOPE_UNIVERSE, RTN_UNICAST}
	// RTA_GATEWAY=<gateway> RTA_OIF=<eth0>: the default route.
	route := &netlink.Route{Scope: netlink.SCOPE_UNIVERSE, LinkIndex: routes[0].LinkIndex, Gw: gw}
	if err := c.ns.h.RouteAdd(route); err != nil {
		return fmt.Errorf("adding the default route via %s: %w", c.gateway, err)
	}
	return nil
}
