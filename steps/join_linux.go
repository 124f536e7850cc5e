package steps

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// publishedPort is the -p 8080:80 of the join scenario.
type publishedPort struct {
	hostPort, containerPort int
}

// createVeth creates a container's veth pair the way the bridge driver's
// CreateEndpoint does since Docker 28: the peer is born inside the
// container's network namespace.
func createVeth(env *Env, c *container) error {
	h := c.hostHandle(env)
	var err error
	// GenerateIfaceName twice: RTM_GETLINK veth<7 hex> must fail (ENODEV).
	if c.hostIf, err = generateIfaceName(h, "veth"); err != nil {
		return fmt.Errorf("error generating veth name: %w", err)
	}
	if c.srcName, err = generateIfaceName(h, "veth"); err != nil {
		return fmt.Errorf("error generating veth name: %w", err)
	}
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: c.hostIf, TxQLen: 0}, // IFLA_IFNAME, IFLA_TXQLEN=0
		PeerName:  c.srcName,                                    // VETH_INFO_PEER{IFLA_IFNAME}
		// VETH_INFO_PEER{IFLA_NET_NS_FD=<fd>}: create the peer over there.
		PeerNamespace: netlink.NsFd(c.ns.fd),
	}
	// RTM_NEWLINK NLM_F_CREATE|NLM_F_EXCL, IFLA_LINKINFO{IFLA_INFO_KIND "veth",
	// IFLA_INFO_DATA{VETH_INFO_PEER: ifinfomsg + the peer's attributes}}.
	if err := h.LinkAdd(veth); err != nil {
		return fmt.Errorf("failed to add the host (%s) <=> sandbox (%s) pair interfaces: %w", c.hostIf, c.srcName, err)
	}
	c.createdInContainer = true
	c.mac = randomMAC() // CreateEndpoint also picks the endpoint's MAC (random since Docker 28)
	env.notef("veth pair %s (host) <=> %s (born in %s); endpoint MAC %s", c.hostIf, c.srcName, c.ns, c.mac)
	return nil
}

// setEndpointMTU gives both ends of the veth pair the network's MTU
// (CreateEndpoint does this when the network has one; docker0 has 1500).
func setEndpointMTU(env *Env, c *container) error {
	host, err := c.hostHandle(env).LinkByName(c.hostIf) // RTM_GETLINK on the host
	if err != nil {
		return err
	}
	// RTM_SETLINK ifinfomsg{index} IFLA_MTU=<mtu>, on the host's socket ...
	if err := c.hostHandle(env).LinkSetMTU(host, c.mtu); err != nil {
		return fmt.Errorf("failed to set MTU on host interface %s: %w", c.hostIf, err)
	}
	peer, err := c.ns.h.LinkByName(c.srcName) // ... and on the container's socket
	if err != nil {
		return err
	}
	if err := c.ns.h.LinkSetMTU(peer, c.mtu); err != nil {
		return fmt.Errorf("failed to set MTU on sandbox interface %s: %w", c.srcName, err)
	}
	return nil
}

// addToBridge makes the host end of the veth pair a port of the bridge
// (bridge driver addToBridge).
func addToBridge(env *Env, c *container, bridge string) error {
	link, err := c.hostHandle(env).LinkByName(c.hostIf) // RTM_GETLINK vethXXXXXXX
	if err != nil {
		return fmt.Errorf("could not find interface %s: %w", c.hostIf, err)
	}
	// LinkSetMaster looks the bridge up by name (RTM_GETLINK docker0), then
	// RTM_SETLINK ifinfomsg{index} IFLA_MASTER=<docker0's index>: the kernel's
	// do_set_master -> br_add_if makes it a bridge port.
	master := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: bridge}}
	if err := c.hostHandle(env).LinkSetMaster(link, master); err != nil {
		return fmt.Errorf("adding interface %s to bridge %s failed: %w", c.hostIf, bridge, err)
	}
	return nil
}

// setHairpinMode lets the bridge send a frame back out of the port it came
// in on, which hairpin NAT (--userland-proxy=false) needs.
func setHairpinMode(env *Env, c *container) error {
	link, err := env.Handle.LinkByName(c.hostIf)
	if err != nil {
		return err
	}
	// RTM_SETLINK ifinfomsg{AF_BRIDGE, index}
	// IFLA_PROTINFO|NLA_F_NESTED{IFLA_BRPORT_MODE=1}: br_setport.
	if err := env.Handle.LinkSetHairpin(link, true); err != nil {
		return fmt.Errorf("unable to set hairpin mode on %s via netlink: %w", c.hostIf, err)
	}
	return nil
}

// filterDirectAccess adds the endpoint's raw-table rule (the iptabler's
// AddEndpoint): packets addressed straight to the container's IP from
// anywhere but its bridge are dropped before routing.
func filterDirectAccess(env *Env, c *container, bridge string) error {
	ipt := xtables{env: env, cmd: "iptables"}
	// iptables --wait -t raw -C PREROUTING ..., then -A when it is missing.
	return ipt.ensure("-A", "raw", "PREROUTING", "-d", c.addr.Addr().String(), "!", "-i", bridge, "-j", "DROP")
}

// endpointLinkUp brings the host end of the veth pair up, the last thing
// CreateEndpoint does.
func endpointLinkUp(env *Env, c *container) error {
	link, err := c.hostHandle(env).LinkByName(c.hostIf)
	if err != nil {
		return err
	}
	// RTM_NEWLINK ifinfomsg{index, ifi_flags=IFF_UP, ifi_change=IFF_UP}
	if err := c.hostHandle(env).LinkSetUp(link); err != nil {
		return fmt.Errorf("could not set link up for host interface %s: %w", c.hostIf, err)
	}
	return nil
}

// bridgeJoin is the bridge driver's Join. It talks to libnetwork, not to
// the kernel: the trace of this step is empty.
func bridgeJoin(env *Env, c *container) error {
	// iNames.SetNames(srcName, "eth", ""): the sandbox will rename the
	// interface to the lowest free eth<N>.
	env.notef("SetNames(%s, \"eth\"): it becomes eth0 in the container", c.srcName)
	// jinfo.SetGateway(bridge address): the sandbox's default route.
	env.notef("SetGateway(%s)", c.gateway)
	return nil
}

// reserveHostPort binds the published host port, as the port mapper does
// before it hands the socket to docker-proxy: nobody else can take it.
func reserveHostPort(env *Env, w *world, p publishedPort) error {
	// socket(AF_INET, SOCK_STREAM) in the host namespace
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	w.closers = append(w.closers, func() { unix.Close(fd) })
	// setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return err
	}
	// bind(0.0.0.0:8080), listen: the port is taken for the container.
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: p.hostPort}); err != nil {
		return fmt.Errorf("failed to bind host port 0.0.0.0:%d/tcp: %w", p.hostPort, err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		return err
	}
	env.notef("host port 0.0.0.0:%d/tcp reserved (fd %d): docker-proxy would serve it", p.hostPort, fd)
	return nil
}

// addPortRules installs the published port's rules (iptabler
// setPerPortNAT and setPerPortForwarding): DNAT for traffic to the host
// port, ACCEPT for the forwarded packets.
func addPortRules(env *Env, c *container, bridge string, p publishedPort) error {
	ipt := xtables{env: env, cmd: "iptables"}
	to := net.JoinHostPort(c.addr.Addr().String(), strconv.Itoa(p.containerPort))
	dnat := []string{"-p", "tcp", "-d", "0/0", "--dport", strconv.Itoa(p.hostPort), "-j", "DNAT", "--to-destination", to}
	if env.Config.UserlandProxy {
		dnat = append(dnat, "!", "-i", bridge) // hairpin mode DNATs traffic from the bridge too
	}
	// -t nat -C DOCKER ..., then -A DOCKER ... -j DNAT --to-destination 172.17.0.2:80
	if err := ipt.ensure("-A", "nat", dockerChain, dnat...); err != nil {
		return err
	}
	if !env.Config.UserlandProxy { // hairpin: a container reaching its own published port
		masq := []string{"-p", "tcp", "-s", c.addr.Addr().String(), "-d", c.addr.Addr().String(), "--dport", strconv.Itoa(p.containerPort), "-j", "MASQUERADE"}
		if err := ipt.ensure("-A", "nat", "POSTROUTING", masq...); err != nil {
			return err
		}
	}
	// -t filter -I DOCKER: above the network's "! -i docker0 -o docker0 -j DROP".
	return ipt.ensure("-I", "filter", dockerChain, "!", "-i", bridge, "-o", bridge, "-p", "tcp",
		"-d", c.addr.Addr().String(), "--dport", strconv.Itoa(p.containerPort), "-j", "ACCEPT")
}

// clearConntrackEntries deletes connection-tracking entries of the
// endpoint's address, so that NAT rules added just now apply to flows the
// kernel already knew (NAT is decided when a flow's first packet passes).
func clearConntrackEntries(env *Env, c *container) error {
	filter := &netlink.ConntrackFilter{}
	if err := filter.AddIP(netlink.ConntrackNatAnyIP, c.addr.Addr().AsSlice()); err != nil {
		return err
	}
	// NETLINK_NETFILTER socket: IPCTNL_MSG_CT_GET NLM_F_DUMP for AF_INET,
	// then IPCTNL_MSG_CT_DELETE for each flow that matches.
	n, err := netlink.ConntrackDeleteFilters(netlink.ConntrackTable, unix.AF_INET, filter)
	if err != nil {
		env.notef("failed to delete conntrack state for %s: %v (Docker only warns)", c.addr.Addr(), err)
		return nil
	}
	env.notef("%d conntrack flows of %s deleted", n, c.addr.Addr())
	return nil
}

// attachToBridge is everything from runc's new namespace to the default
// route for one more container, in one step: the same calls as the join
// scenario's steps, for a second endpoint.
func attachToBridge(env *Env, w *world, c *container, bridge string) error {
	if err := newSandbox(env, w, c); err != nil { // unshare + lo up
		return err
	}
	calls := []func(*Env, *container) error{
		createVeth, setEndpointMTU, // RTM_NEWLINK veth, RTM_SETLINK IFLA_MTU
		func(e *Env, c *container) error { return addToBridge(e, c, bridge) }, // IFLA_MASTER
	}
	if env.Config.IPTables {
		calls = append(calls, func(e *Env, c *container) error { return filterDirectAccess(e, c, bridge) })
	}
	calls = append(calls, endpointLinkUp, // IFF_UP on the host end
		sandboxCreateInterface, sandboxConfigureInterface, // eth0, MAC, address
		sandboxInterfaceUp, programGateway) // IFF_UP, gratuitous ARP, default route
	for _, call := range calls {
		if err := call(env, c); err != nil {
			return fmt.Errorf("%s: %w", c.ns.name, err)
		}
	}
	env.notef("%s: eth0 %s via %s", c.ns.name, c.addr, c.gateway)
	return nil
}

// listenInContainer opens a TCP listener on port inside the container, the
// stand-in for the container's web server.
func listenInContainer(w *world, c *container, port int) (net.Listener, error) {
	var ln net.Listener
	err := netns.Do(c.ns.fd, func() (err error) {
		ln, err = net.Listen("tcp4", netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(port)).String())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listening on port %d in %s: %w", port, c.ns, err)
	}
	w.closers = append(w.closers, func() { ln.Close() })
	return ln, nil
}

// checkPublishedPort puts a listener on the container port inside c and
// connects to the published port on a host address.
func checkPublishedPort(env *Env, w *world, c *container, p publishedPort, target string) error {
	// socket + bind(0.0.0.0:80) + listen, on a thread inside the container
	ln, err := listenInContainer(w, c, p.containerPort)
	if err != nil {
		return err
	}
	// connect(target) from the lab: nat OUTPUT -> DOCKER -> DNAT
	return checkTCP(env, ln, target)
}
