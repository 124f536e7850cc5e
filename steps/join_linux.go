package steps

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// publishedPort is the -p 8080:80 of the join scenario, and what the
// port steps keep between them.
type publishedPort struct {
	hostPort, containerPort int
	// bindings are the host addresses the port is published on: 0.0.0.0,
	// and :: when IPv6 works (it is forwarded to the container's IPv4
	// address by docker-proxy).
	bindings []portBinding
}

// portBinding is the published port on one host address.
type portBinding struct {
	hostIP string
	// sock is the socket the port mapper bound (Docker 29), which it hands
	// to docker-proxy.
	sock *os.File
}

// createVethStep is CreateEndpoint's veth pair for c.
func (p planner) createVethStep(c *container) Step {
	s := Step{
		ID:      "CreateEndpoint (createVeth)",
		Phase:   PhaseEndpoint,
		Title:   "Create the veth pair; " + c.ns.name + "'s end is born in its namespace",
		Mirrors: "libnetwork drivers/bridge (*driver).CreateEndpoint -> createVeth, netutils.GenerateIfaceName (bridge_linux.go)",
		Explanation: "A veth pair is a virtual cable: two interfaces, and what one transmits the other receives. Docker makes one per endpoint. " +
			"It picks two free names, veth + 7 random hex digits (each candidate checked with RTM_GETLINK, which must fail with ENODEV), and sends " +
			"one RTM_NEWLINK with IFLA_IFNAME=<host end>, IFLA_TXQLEN=0 and IFLA_LINKINFO{IFLA_INFO_KIND \"veth\", IFLA_INFO_DATA{VETH_INFO_PEER}}. " +
			"VETH_INFO_PEER holds a struct ifinfomsg followed by the peer's own attributes: its name, IFLA_TXQLEN=0 and IFLA_NET_NS_FD=<the " +
			"container netns fd>. The kernel (rtnl_newlink -> veth_newlink) resolves the fd to the namespace (rtnl_link_get_net), creates the " +
			"peer there and the host end here, and ties them together. The library then looks the host end up (RTM_GETLINK), and " +
			"CreateEndpoint looks up both ends, the peer on the container's own netlink socket.\n\n" +
			"Since Docker 28 the peer is born inside the container's namespace; older versions created both ends on the host and moved one " +
			"later with RTM_SETLINK IFLA_NET_NS_FD (--docker-version 20.10 shows that move). The snapshot shows the host end in the " +
			"lab and the peer in " + c.ns.name + ", both down. CreateEndpoint also picks the endpoint's MAC address: random since Docker 28 " +
			"(before: 02:42 followed by the IPv4 address).",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "rtnl_newlink_create", "veth_newlink", "rtnl_link_get_net", "register_netdevice"},
		code:           call1(createVeth, c),
	}
	if p.cfg.v2010() {
		s.Title = "Create the veth pair, both ends on the host"
		s.Mirrors = "libnetwork v20.10 drivers/bridge (*driver).CreateEndpoint, netutils.GenerateIfaceName, electMacAddress (bridge.go)"
		s.Explanation = "A veth pair is a virtual cable: two interfaces, and what one transmits the other receives. Docker 20.10 makes one " +
			"per endpoint before the container even exists (runc has not created its namespace yet). It picks two free names, veth + 7 " +
			"random hex digits (RTM_GETLINK each, ENODEV wanted), and sends one RTM_NEWLINK with IFLA_IFNAME=<host end>, IFLA_TXQLEN=0 and " +
			"IFLA_LINKINFO{IFLA_INFO_KIND \"veth\", IFLA_INFO_DATA{VETH_INFO_PEER{ifinfomsg, IFLA_IFNAME=<peer>, IFLA_TXQLEN=0}}}: no " +
			"namespace for the peer, so rtnl_newlink -> veth_newlink creates both ends here, in the host's namespace. The library looks " +
			"the host end up (RTM_GETLINK), and CreateEndpoint looks up both ends again, on the host's socket. The peer moves into the " +
			"container later, when libnetwork's sandbox takes it (RTM_SETLINK IFLA_NET_NS_FD); Docker 28 creates it inside right away.\n\n" +
			"CreateEndpoint also elects the endpoint's MAC address: GenerateMACFromIP, 02:42 followed by the four bytes of the IPv4 " +
			"address (" + macFromIP(c.addr.Addr()).String() + " for " + c.addr.Addr().String() + "), so a container's MAC tells its address. Docker 28 " +
			"made it random, because a reused address with the same MAC confused neighbours' caches."
		s.KernelHandlers = []string{"rtnl_getlink", "rtnl_newlink", "rtnl_newlink_create", "veth_newlink", "register_netdevice"}
		s.code = call1(createVeth2010, c)
	}
	return s
}

// createVeth creates a container's veth pair the way the bridge driver's
// CreateEndpoint does since Docker 28: the peer is born inside the
// container's network namespace.
func createVeth(env *Env, c *container) error {
	h := c.hostHandle(env)
	if err := generateVethNames(h, c); err != nil {
		return err
	}
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: c.hostIf, TxQLen: 0}, // IFLA_IFNAME, IFLA_TXQLEN=0
		PeerName:  c.srcName,                                    // VETH_INFO_PEER{IFLA_IFNAME}
		// VETH_INFO_PEER{IFLA_NET_NS_FD=<fd>}: create the peer over there.
		PeerNamespace: netlink.NsFd(c.ns.fd),
	}
	// RTM_NEWLINK NLM_F_CREATE|NLM_F_EXCL, IFLA_LINKINFO{IFLA_INFO_KIND "veth",
	// IFLA_INFO_DATA{VETH_INFO_PEER: ifinfomsg + the peer's attributes}},
	// then RTM_GETLINK <host end> (the library learns its index).
	if err := h.LinkAdd(veth); err != nil {
		return fmt.Errorf("failed to add the host (%s) <=> sandbox (%s) pair interfaces: %w", c.hostIf, c.srcName, err)
	}
	c.createdInContainer = true
	// RTM_GETLINK of each end: the host's on the host's socket, the
	// sandbox's on the container's.
	if err := c.lookUpVeth(h, c.ns.h); err != nil {
		return err
	}
	c.mac = randomMAC() // CreateEndpoint also picks the endpoint's MAC (random since Docker 28)
	env.notef("veth pair %s (host) <=> %s (born in %s); endpoint MAC %s", c.hostIf, c.srcName, c.ns, c.mac)
	return nil
}

// createVeth2010 creates the veth pair the way Docker 20.10's
// CreateEndpoint does: both ends in the host's namespace, and a MAC
// address derived from the endpoint's IPv4 address.
func createVeth2010(env *Env, c *container) error {
	h := c.hostHandle(env)
	if err := generateVethNames(h, c); err != nil {
		return err
	}
	// RTM_NEWLINK ... VETH_INFO_PEER{ifinfomsg, IFLA_IFNAME, IFLA_TXQLEN=0}:
	// no IFLA_NET_NS_FD, both ends are born here. Then RTM_GETLINK <host end>.
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: c.hostIf, TxQLen: 0}, PeerName: c.srcName}
	if err := h.LinkAdd(veth); err != nil {
		return fmt.Errorf("failed to add the host (%s) <=> sandbox (%s) pair interfaces: %w", c.hostIf, c.srcName, err)
	}
	c.createdInContainer = false
	// RTM_GETLINK of each end, both on the host's socket.
	if err := c.lookUpVeth(h, h); err != nil {
		return err
	}
	c.mac = macFromIP(c.addr.Addr()) // electMacAddress: GenerateMACFromIP
	env.notef("veth pair %s <=> %s, both on the host; endpoint MAC %s (02:42 + %s)", c.hostIf, c.srcName, c.mac, c.addr.Addr())
	return nil
}

// generateVethNames picks the two free veth names of a new endpoint.
func generateVethNames(h *netlink.Handle, c *container) error {
	var err error
	// GenerateIfaceName twice: RTM_GETLINK veth<7 hex> must fail (ENODEV).
	if c.hostIf, err = generateIfaceName(h, "veth"); err != nil {
		return fmt.Errorf("error generating veth name: %w", err)
	}
	if c.srcName, err = generateIfaceName(h, "veth"); err != nil {
		return fmt.Errorf("error generating veth name: %w", err)
	}
	return nil
}

// lookUpVeth finds both ends of c's veth pair, the host's on host and the
// sandbox's on sbox, as CreateEndpoint does right after creating them.
func (c *container) lookUpVeth(host, sbox *netlink.Handle) error {
	var err error
	if c.hostLink, err = host.LinkByName(c.hostIf); err != nil {
		return fmt.Errorf("failed to find host side interface %s: %w", c.hostIf, err)
	}
	if c.sboxLink, err = sbox.LinkByName(c.srcName); err != nil {
		return fmt.Errorf("failed to find sandbox side interface %s: %w", c.srcName, err)
	}
	return nil
}

// setEndpointMTUStep is CreateEndpoint giving both ends of c's veth pair the
// network's MTU.
func (p planner) setEndpointMTUStep(c *container) Step {
	s := Step{
		ID:      "CreateEndpoint (LinkSetMTU)",
		Phase:   PhaseEndpoint,
		Title:   fmt.Sprintf("Set MTU %d on both ends", c.mtu),
		Mirrors: "libnetwork drivers/bridge (*driver).CreateEndpoint: LinkSetMTU on the host and sandbox interfaces (bridge_linux.go)",
		Explanation: "The network has an MTU (docker0 gets --mtu, 1500 by default), so CreateEndpoint sets it on both ends: RTM_SETLINK " +
			"ifinfomsg{index} IFLA_MTU, once on the host's netlink socket for the host end and once on the socket opened inside the container " +
			"for its end. A request acts in the namespace of the socket it travels on; that is why libnetwork keeps one netlink handle per " +
			"sandbox. A veth already has MTU 1500, so nothing changes unless --mtu says otherwise, but the kernel still runs do_setlink -> dev_set_mtu.",
		KernelHandlers: []string{"rtnl_setlink", "do_setlink", "dev_set_mtu"},
		code:           call1(setEndpointMTU, c),
	}
	if p.cfg.v2010() {
		s.Mirrors = "libnetwork v20.10 drivers/bridge (*driver).CreateEndpoint: LinkSetMTU on the host and sandbox interfaces (bridge.go)"
		s.Explanation = "The network has an MTU (docker0 gets the daemon's --mtu, 1500 by default; a user-defined network only with " +
			"com.docker.network.driver.mtu), so CreateEndpoint sets it on both ends: RTM_SETLINK ifinfomsg{index} IFLA_MTU, twice on the " +
			"host's netlink socket, since in Docker 20.10 both ends are still on the host (do_setlink -> dev_set_mtu). A veth already has " +
			"MTU 1500, so nothing visible changes. The bridge itself never gets an MTU in this release: setupMTU came with Docker 25."
	}
	return skipIf(s, c.mtu == 0, "config.Mtu is 0: the network has no MTU option")
}

// setEndpointMTU gives both ends of the veth pair the network's MTU
// (CreateEndpoint does this when the network has one; docker0 has 1500).
func setEndpointMTU(env *Env, c *container) error {
	if c.mtu == 0 {
		return nil // the network has no MTU option
	}
	// RTM_SETLINK ifinfomsg{index} IFLA_MTU=<mtu>, on the host's socket ...
	if err := c.hostHandle(env).LinkSetMTU(c.hostLink, c.mtu); err != nil {
		return fmt.Errorf("failed to set MTU on host interface %s: %w", c.hostIf, err)
	}
	// ... and on the socket of the namespace the sandbox end is in.
	sbox := c.ns.h
	if !c.createdInContainer {
		sbox = c.hostHandle(env)
	}
	if err := sbox.LinkSetMTU(c.sboxLink, c.mtu); err != nil {
		return fmt.Errorf("failed to set MTU on sandbox interface %s: %w", c.srcName, err)
	}
	return nil
}

// addToBridgeStep is CreateEndpoint plugging c's host end into the bridge.
func (p planner) addToBridgeStep(c *container) Step {
	br := p.cfg.BridgeName
	return Step{
		ID:      "CreateEndpoint (addToBridge)",
		Phase:   PhaseEndpoint,
		Title:   "Plug the host end into " + br,
		Mirrors: "libnetwork drivers/bridge addToBridge -> LinkSetMaster (bridge_linux.go)",
		Explanation: "addToBridge makes the host end a port of the bridge. LinkSetMaster first looks " + br + " up by name (RTM_GETLINK) to learn " +
			"its index, then sends RTM_SETLINK ifinfomsg{index of the veth} IFLA_MASTER=<" + br + "'s index>. The kernel's do_set_master calls the " +
			"bridge's ndo_add_slave, br_add_if, which attaches the port (forwarding at once: STP is off), makes the veth promiscuous and enters its " +
			"MAC in the bridge's forwarding table. Docker <= 23 fell back to ioctl(SIOCBRADDIF) when this failed.",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_setlink", "do_setlink", "do_set_master", "br_add_slave", "br_add_if"},
		code:           call2(addToBridge, c, br),
	}
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

// setHairpinModeStep is queued with --userland-proxy=false: hairpin mode on
// c's bridge port.
func (p planner) setHairpinModeStep(c *container) Step {
	s := Step{
		ID:      "CreateEndpoint (setHairpinMode)",
		Phase:   PhaseEndpoint,
		Title:   "Let the bridge port send frames back where they came from",
		Mirrors: "libnetwork drivers/bridge setHairpinMode -> LinkSetHairpin (bridge_linux.go)",
		Explanation: "Only with --userland-proxy=false. A container that connects to its own published port through a host address is then " +
			"DNATed back to itself, so its packets must leave the bridge through the very port they came in on, which a bridge never does unless " +
			"the port is in hairpin mode. RTM_SETLINK with ifinfomsg{ifi_family=AF_BRIDGE} and IFLA_PROTINFO{IFLA_BRPORT_MODE=1} reaches br_setlink -> br_setport.",
		KernelHandlers: []string{"rtnl_setlink", "br_setlink", "br_setport"},
		code:           call1(setHairpinMode, c),
	}
	return skipIf(s, p.cfg.UserlandProxy, "d.config.EnableUserlandProxy is true (--userland-proxy, the default): docker-proxy serves hairpin traffic")
}

// setHairpinMode lets the bridge send a frame back out of the port it came
// in on, which hairpin NAT (--userland-proxy=false) needs.
func setHairpinMode(env *Env, c *container) error {
	// RTM_SETLINK ifinfomsg{AF_BRIDGE, index}
	// IFLA_PROTINFO|NLA_F_NESTED{IFLA_BRPORT_MODE=1}: br_setport.
	if err := c.hostHandle(env).LinkSetHairpin(c.hostLink, true); err != nil {
		return fmt.Errorf("unable to set hairpin mode on %s via netlink: %w", c.hostIf, err)
	}
	return nil
}

// filterDirectAccessStep is the firewaller's raw-table rule for c's address.
func (p planner) filterDirectAccessStep(c *container) Step {
	br := p.cfg.BridgeName
	s := Step{
		ID:      "CreateEndpoint (AddEndpoint: filterDirectAccess)",
		Phase:   PhaseEndpoint,
		Title:   "Drop packets addressed straight to " + c.addr.Addr().String() + " from outside " + br,
		Mirrors: "libnetwork drivers/bridge firewallerNetwork.AddEndpoint -> iptabler filterDirectAccess (internal/iptabler/endpoint.go)",
		Explanation: "One rule per endpoint in the raw table, which runs before connection tracking and routing: iptables -t raw -A PREROUTING -d " +
			c.addr.Addr().String() + " ! -i " + br + " -j DROP, after a -C check. Without it a machine on the host's LAN could route packets to the " +
			"container's address through the host and reach ports that were never published. Published ports still work: raw PREROUTING runs " +
			"before the DNAT, while the destination is still the host's address. Traffic from the bridge itself is untouched. Docker 28 added this rule; --allow-direct-routing or the nat-unprotected " +
			"and routed gateway modes turn it off. " + p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call2(filterDirectAccess, c, br),
	}
	return p.withIPTables(s, "d.config.EnableIPTables is false (--iptables=false)")
}

// filterDirectAccess adds the endpoint's raw-table rule (the iptabler's
// AddEndpoint): packets addressed straight to the container's IP from
// anywhere but its bridge are dropped before routing.
func filterDirectAccess(env *Env, c *container, bridge string) error {
	ipt := xtables{env: env, cmd: "iptables"}
	// iptables --wait -t raw -C PREROUTING ..., then -A when it is missing.
	return ipt.ensure("-A", "raw", "PREROUTING", "-d", c.addr.Addr().String(), "!", "-i", bridge, "-j", "DROP")
}

// endpointLinkUpStep is the last kernel call of CreateEndpoint: c's host end
// up.
func (p planner) endpointLinkUpStep(c *container) Step {
	return Step{
		ID:      "CreateEndpoint (linkUp)",
		Phase:   PhaseEndpoint,
		Title:   "Bring the host end up",
		Mirrors: "libnetwork drivers/bridge (*driver).CreateEndpoint: d.linkUp(host) (bridge_linux.go)",
		Explanation: "The last kernel call of CreateEndpoint: RTM_NEWLINK ifi_flags=IFF_UP, ifi_change=IFF_UP for the host end. Its peer in the " +
			"container is still down, so the link has no carrier yet (NO-CARRIER in the snapshot); " + p.cfg.BridgeName + " stays without carrier " +
			"too until one of its ports is really running.",
		KernelHandlers: []string{"rtnl_newlink", "do_setlink", "dev_change_flags", "__dev_open"},
		code:           call1(endpointLinkUp, c),
	}
}

// endpointLinkUp brings the host end of the veth pair up, the last thing
// CreateEndpoint does.
func endpointLinkUp(env *Env, c *container) error {
	// RTM_NEWLINK ifinfomsg{index, ifi_flags=IFF_UP, ifi_change=IFF_UP}
	if err := c.hostHandle(env).LinkSetUp(c.hostLink); err != nil {
		return fmt.Errorf("could not set link up for host interface %s: %w", c.hostIf, err)
	}
	return nil
}

// bridgeJoinStep is the bridge driver's Join for c, which only answers
// libnetwork.
func (p planner) bridgeJoinStep(c *container) Step {
	return Step{
		ID:      "Join",
		Phase:   PhaseJoin,
		Title:   "The bridge driver's Join: a name prefix and a gateway, nothing for the kernel",
		Mirrors: "libnetwork drivers/bridge (*driver).Join (bridge_linux.go)",
		Explanation: "Join tells libnetwork how the sandbox should set up the interface: SetNames(<peer name>, \"eth\"), i.e. rename it to the lowest " +
			"free eth<N>, and SetGateway(" + c.gateway.String() + "), the bridge address, for the default route. With --icc=false it would also " +
			"program legacy --link rules. Nothing reaches the kernel: the trace of this step is empty, and that is the lesson. The driver decides; " +
			"libnetwork's sandbox code (osl) carries it out in the next steps.",
		code: call1(bridgeJoin, c),
	}
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

// reserveHostPortStep is the port mapper keeping the published host port for
// itself.
func (p planner) reserveHostPortStep(w *world, port *publishedPort) Step {
	hp, cp := fmt.Sprint(port.hostPort), fmt.Sprint(port.containerPort)
	return Step{
		ID:      "addPortMappings (bind the host port)",
		Phase:   PhasePorts,
		Title:   "Reserve host port " + hp + " on 0.0.0.0 and :: (-p " + hp + ":" + cp + ")",
		Mirrors: "libnetwork drivers/bridge addPortMappings -> sortAndNormPBs, mapPorts -> portmappers/nat MapPorts -> portallocator OSAllocator.RequestPortsInRange -> bindTCPOrUDP (port_mapping_linux.go, osallocator_linux.go)",
		Explanation: "`docker run -p " + hp + ":" + cp + "` publishes container port " + cp + " on host port " + hp + ". Without a host address that " +
			"means every address of both families, so sortAndNormPBs makes two bindings: 0.0.0.0:" + hp + " and, if the host can listen on IPv6 " +
			"(IsV6Listenable: a listener on [::1]:0, opened and closed), [::]:" + hp + ", which docker-proxy will forward to the container's " +
			"IPv4 address. The port mapper then makes sure nobody else has the port on either, and keeps it: per binding socket(AF_INET or " +
			"AF_INET6, SOCK_STREAM), setsockopt(SO_REUSEADDR), a socket filter that drops everything (SO_ATTACH_FILTER: the rules are not " +
			"there yet, and a connection accepted now would never reach the container), IPV6_V6ONLY for the IPv6 one, bind and listen " +
			"(inet_bind, inet_listen). The sockets wait for docker-proxy.",
		KernelHandlers: []string{"__sys_socket", "__sys_setsockopt", "sk_attach_filter", "__sys_bind", "inet_bind", "__sys_listen", "inet_listen"},
		code:           call2(reserveHostPort, w, port),
	}
}

// reserveHostPort binds the published host port on 0.0.0.0 and, if IPv6
// works, on ::, as the port mapper does before docker-proxy takes the
// sockets: nobody else can take the port.
func reserveHostPort(env *Env, w *world, p *publishedPort) error {
	p.bindings = []portBinding{{hostIP: "0.0.0.0"}}
	if ipv6Listenable() { // IsV6Listenable: listen on [::1]:0
		p.bindings = append(p.bindings, portBinding{hostIP: "::"})
	}
	for i := range p.bindings {
		b := &p.bindings[i]
		f, err := bindHostPort(b.hostIP, p.hostPort)
		if err != nil {
			return err
		}
		w.closers = append(w.closers, func() { f.Close() })
		b.sock = f
		env.notef("host port %s/tcp bound and listening (fd %d), every packet dropped until docker-proxy takes it",
			net.JoinHostPort(b.hostIP, strconv.Itoa(p.hostPort)), f.Fd())
	}
	return nil
}

// addPortRulesStep is the firewaller's rules for the published port.
func (p planner) addPortRulesStep(c *container, port *publishedPort) Step {
	br, ip := p.cfg.BridgeName, c.addr.Addr().String()
	hp, cp := fmt.Sprint(port.hostPort), fmt.Sprint(port.containerPort)
	add := Step{
		ID:      "AddPorts (setPerPortIptables)",
		Phase:   PhasePorts,
		Title:   "DNAT host port " + hp + " to " + ip + ":" + cp + " and let it through",
		Mirrors: "libnetwork drivers/bridge internal/iptabler (*network).AddPorts -> setPerPortIptables: dropLegacyFilterDirectAccess, setPerPortNAT, setPerPortForwarding (port.go)",
		Explanation: "The firewaller handles each binding in turn. For 0.0.0.0:" + hp + ", each rule after a -C check:\n" +
			"  raw:    -C PREROUTING -p tcp -d " + ip + " --dport " + cp + " ! -i " + br + " -j DROP: a check only, to delete the per-port rule " +
			"Docker 28.0 and 28.1 added (dropLegacyFilterDirectAccess); the endpoint's raw rule replaced it\n" +
			"  nat:    -A DOCKER -p tcp -d 0/0 --dport " + hp + " -j DNAT --to-destination " + ip + ":" + cp + " ! -i " + br + "\n" +
			"  nat:    -C POSTROUTING -p tcp -s " + ip + " -d " + ip + " --dport " + cp + " -j MASQUERADE: a check only, to delete the hairpin " +
			"MASQUERADE, which is needed without the userland proxy alone\n" +
			"  filter: -I DOCKER ! -i " + br + " -o " + br + " -p tcp -d " + ip + " --dport " + cp + " -j ACCEPT\n" +
			"For [::]:" + hp + " only the raw check runs: an IPv6 host address with an IPv4 container is docker-proxy's business, no " +
			"rule can translate between the families.\n\n" +
			"A packet for any local address on port " + hp + " passes nat PREROUTING (nat OUTPUT when the host itself connects), jumps to DOCKER " +
			"because its destination is local (the daemon-start rules), and gets its destination rewritten to " + ip + ":" + cp + ". Routing then " +
			"sends it to " + br + ", and in filter FORWARD the ACCEPT, inserted above " + br + "'s default DROP in DOCKER, lets it through. " +
			"\"! -i " + br + "\" leaves the containers' own traffic alone. With --userland-proxy=false the DNAT has no \"! -i " + br + "\" and the " +
			"hairpin MASQUERADE is added: it lets a container reach its own published port. iptables-save prints the " +
			"rules with the implicit \"-m tcp\". " + p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call3(addPortRules, c, br, port),
	}
	return p.withIPTables(add, "d.config.EnableIPTables is false (--iptables=false): only docker-proxy would serve the port")
}

// addPortRules installs the published port's rules binding by binding
// (iptabler setPerPortIptables): the legacy raw rule and the hairpin
// MASQUERADE are only checked for, DNAT for traffic to the host port,
// ACCEPT for the forwarded packets.
func addPortRules(env *Env, c *container, bridge string, p *publishedPort) error {
	ipt := xtables{env: env, cmd: "iptables"}
	ip, cport := c.addr.Addr().String(), strconv.Itoa(p.containerPort)
	for _, b := range p.bindings {
		// -t raw -C PREROUTING ... -j DROP: Docker 28.0's per-port rule, deleted if found.
		if err := ipt.delete("raw", "PREROUTING", "-p", "tcp", "-d", ip, "--dport", cport, "!", "-i", bridge, "-j", "DROP"); err != nil {
			return err
		}
		if strings.Contains(b.hostIP, ":") {
			continue // [::] to an IPv4 container: docker-proxy's job
		}
		dnat := []string{"-p", "tcp", "-d", "0/0", "--dport", strconv.Itoa(p.hostPort), "-j", "DNAT", "--to-destination", net.JoinHostPort(ip, cport)}
		if env.Config.UserlandProxy {
			dnat = append(dnat, "!", "-i", bridge) // hairpin mode DNATs traffic from the bridge too
		}
		// -t nat -C DOCKER ..., then -A DOCKER ... -j DNAT --to-destination 172.17.0.2:80
		if err := ipt.ensure("-A", "nat", dockerChain, dnat...); err != nil {
			return err
		}
		// the hairpin MASQUERADE: added without the proxy, else -C (and -D if there)
		masq := []string{"-p", "tcp", "-s", ip, "-d", ip, "--dport", cport, "-j", "MASQUERADE"}
		if err := ensureOrDelete(ipt, !env.Config.UserlandProxy, "-A", "nat", "POSTROUTING", masq...); err != nil {
			return err
		}
		// -t filter -I DOCKER: above the network's "! -i docker0 -o docker0 -j DROP".
		if err := ipt.ensure("-I", "filter", dockerChain, "!", "-i", bridge, "-o", bridge, "-p", "tcp", "-d", ip, "--dport", cport, "-j", "ACCEPT"); err != nil {
			return err
		}
	}
	return nil
}

// ensureOrDelete adds a rule (want) or deletes it, after a -C either way.
func ensureOrDelete(ipt xtables, want bool, op, table, chain string, rule ...string) error {
	if want {
		return ipt.ensure(op, table, chain, rule...)
	}
	return ipt.delete(table, chain, rule...)
}

// allocatePorts2010Step is Docker 20.10's port mapping: rules and
// docker-proxy per binding, before the container exists.
func (p planner) allocatePorts2010Step(w *world, c *container, port *publishedPort) Step {
	br, ip := p.cfg.BridgeName, c.addr.Addr().String()
	hp, cp := fmt.Sprint(port.hostPort), fmt.Sprint(port.containerPort)
	s := Step{
		ID:      "ProgramExternalConnectivity (allocatePorts)",
		Phase:   PhasePorts,
		Title:   "Publish " + hp + ":" + cp + ": DNAT, ACCEPT, MASQUERADE and a docker-proxy per address",
		Mirrors: "libnetwork v20.10 drivers/bridge ProgramExternalConnectivity -> allocatePorts -> allocatePortsInternal -> portmapper.MapRange -> AppendForwardingTableEntry (iptables.ChainInfo.Forward), proxyCommand.Start (port_mapping.go, portmapper/mapper.go, portmapper/proxy.go)",
		Explanation: "Docker 20.10 publishes the port while joining the network, before runc has even created the container. For the " +
			"IPv4 binding 0.0.0.0:" + hp + ", the port mapper reserves the port in memory and iptables.Forward appends three rules, each " +
			"after a -C check:\n" +
			"  nat:    -A DOCKER -p tcp -d 0/0 --dport " + hp + " -j DNAT --to-destination " + ip + ":" + cp + " ! -i " + br + "\n" +
			"  filter: -A DOCKER ! -i " + br + " -o " + br + " -p tcp -d " + ip + " --dport " + cp + " -j ACCEPT\n" +
			"  nat:    -A POSTROUTING -p tcp -s " + ip + " -d " + ip + " --dport " + cp + " -j MASQUERADE\n" +
			"The MASQUERADE is the hairpin rule (a container reaching its own published port), added whether or not the userland proxy " +
			"runs; Docker 28 keeps it for --userland-proxy=false only. FORWARD reaches filter DOCKER through \"-o " + br + " -j DOCKER\" " +
			"from setupIP4Tables, where anything not accepted falls to the FORWARD policy DROP.\n\n" +
			"Then the userland proxy: the daemon forks and executes docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port " + hp + " " +
			"-container-ip " + ip + " -container-port " + cp + ", with a pipe as its file descriptor 3, and waits until the proxy, " +
			"listening on the port itself, writes \"0\\n\" there. docker-proxy relays what the NAT rules cannot catch, connections to " +
			"127.0.0.1:" + hp + " from the host. Then the IPv6 binding: a test listener on [::1]:0 (IsV6Listenable), and a second " +
			"docker-proxy with -host-ip ::, which forwards to the container's IPv4 address; there are no ip6tables rules for it. The lab " +
			"starts the real docker-proxy binary the same way, and it dies with the lab.",
		KernelHandlers: append(p.xtablesHandlers(), "inet_bind", "inet_listen"),
		code:           call4(allocatePorts2010, w, c, br, port),
	}
	return skipIf(s, !p.cfg.IPTables && !p.cfg.UserlandProxy, "neither iptables nor the userland proxy serve the port")
}

// allocatePorts2010 publishes the port the Docker 20.10 way: per binding,
// the iptables rules, then docker-proxy (a listener of the daemon's own
// without the userland proxy).
func allocatePorts2010(env *Env, w *world, c *container, bridge string, p *publishedPort) error {
	ipt := xtables{env: env, cmd: "iptables"}
	ip, cport := c.addr.Addr().String(), strconv.Itoa(p.containerPort)
	dnat := []string{"-p", "tcp", "-d", "0/0", "--dport", strconv.Itoa(p.hostPort), "-j", "DNAT", "--to-destination", net.JoinHostPort(ip, cport)}
	if env.Config.UserlandProxy {
		dnat = append(dnat, "!", "-i", bridge)
	}
	if env.Config.IPTables {
		// ChainInfo.Forward: ProgramRule(Append) = -C, then -A, three times.
		for _, r := range []struct {
			table, chain string
			rule         []string
		}{
			{"nat", dockerChain, dnat},
			{"filter", dockerChain, []string{"!", "-i", bridge, "-o", bridge, "-p", "tcp", "-d", ip, "--dport", cport, "-j", "ACCEPT"}},
			{"nat", "POSTROUTING", []string{"-p", "tcp", "-s", ip, "-d", ip, "--dport", cport, "-j", "MASQUERADE"}},
		} {
			if err := ipt.ensure("-A", r.table, r.chain, r.rule...); err != nil {
				return err
			}
		}
	}
	// the userland proxy for 0.0.0.0, then, if IPv6 works, for ::
	if err := startPortProxy(env, w, c, portBinding{hostIP: "0.0.0.0"}, p, false); err != nil {
		return err
	}
	if !ipv6Listenable() || !env.Config.UserlandProxy {
		return nil
	}
	return startPortProxy(env, w, c, portBinding{hostIP: "::"}, p, false)
}

// clearConntrackEntriesStep is the bridge driver forgetting the flows of c's
// address.
func (p planner) clearConntrackEntriesStep(c *container) Step {
	ip := c.addr.Addr().String()
	return Step{
		ID:      "clearConntrackEntries",
		Phase:   PhasePorts,
		Title:   "Forget connection-tracking state of " + ip,
		Mirrors: "libnetwork drivers/bridge clearConntrackEntries -> iptables.DeleteConntrackEntries (bridge_linux.go, iptables/conntrack.go)",
		Explanation: "NAT is decided once per connection, by its first packet, and conntrack remembers the verdict: packets that reached the host " +
			"before the rules existed (a client retrying, a UDP stream) would keep their old entry and miss the DNAT. So Docker deletes every " +
			"tracked flow that involves the endpoint's address: on a NETLINK_NETFILTER socket it dumps the conntrack table (IPCTNL_MSG_CT_GET " +
			"with NLM_F_DUMP) and would send IPCTNL_MSG_CT_DELETE for each match. In the fresh lab the table holds no flow of the endpoint, so only " +
			"the dump happens; the notes give the count.",
		KernelHandlers: []string{"nfnetlink_rcv_msg", "ctnetlink_get_conntrack", "ctnetlink_dump_table", "ctnetlink_del_conntrack"},
		code:           call1(clearConntrackEntries, c),
	}
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

// attachToBridgeStep is the whole join of a second container c2, so that c1
// has a neighbour on the bridge.
func (p planner) attachToBridgeStep(w *world, c1, c2 *container) Step {
	br := p.cfg.BridgeName
	s := Step{
		ID:      "second container (CreateEndpoint + Join)",
		Phase:   PhaseJoin,
		Title:   c2.ns.name + " joins " + br + " too (the same calls, in one step)",
		Mirrors: "the steps above, for a second `docker run` without a published port",
		Explanation: "A second container, so that " + c1.ns.name + " has a neighbour: runc's namespace, lo and sysctls, SetKey, createVeth " +
			"(peer born in the container), LinkSetMTU, addToBridge, the raw-table rule, the host end up; then in the container eth0, its " +
			"MAC, " + c2.addr.String() + ", IPv6 off, up, a gratuitous ARP and the default route. The trace shows the whole sequence again, " +
			"in order, and " + br + " now has two ports.",
		KernelHandlers: []string{"copy_net_ns", "veth_newlink", "do_set_master", "br_add_if", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
		code:           call2(attachToBridge, w, attachment{c: c2, bridge: br}),
	}
	if p.cfg.v2010() {
		s.Explanation = "A second container, so that " + c1.ns.name + " has a neighbour, joined as Docker 20.10 joins one: createVeth with " +
			"both ends on the host, LinkSetMTU, addToBridge, the host end up; then runc's namespace and lo, SetKey (set-ipv6, lo), the " +
			"peer moved into the container, eth0, its MAC " + macFromIP(c2.addr.Addr()).String() + ", " + c2.addr.String() + ", up, the " +
			"default route, and runc's sysctls. " + br + " now has two ports."
		s.code = call2(attachToBridge2010, w, attachment{c: c2, bridge: br})
	}
	return s
}

// attachToBridge is everything from runc's new namespace to the default
// route for one more container, in one step: the same calls as the join
// scenario's steps, for another endpoint (with the embedded DNS server on
// a user-defined network).
func attachToBridge(env *Env, w *world, a attachment) error {
	c := a.c
	calls := []func() error{
		func() error { return newSandbox(env, w, c) },         // runc: unshare, lo up, sysctls; SetKey: lo up
		func() error { return createVeth(env, c) },            // RTM_NEWLINK veth, peer in the container
		func() error { return setEndpointMTU(env, c) },        // RTM_SETLINK IFLA_MTU, both ends
		func() error { return addToBridge(env, c, a.bridge) }, // IFLA_MASTER
	}
	if !env.Config.UserlandProxy {
		calls = append(calls, func() error { return setHairpinMode(env, c) })
	}
	if env.Config.IPTables {
		calls = append(calls, func() error { return filterDirectAccess(env, c, a.bridge) }) // raw PREROUTING DROP
	}
	calls = append(calls, func() error { return endpointLinkUp(env, c) }) // IFF_UP on the host end
	if a.userDefined {
		calls = append(calls, func() error { return startResolver(env, w, c) }) // 127.0.0.11, nat rules
	}
	calls = append(calls, func() error { return sandboxCreateInterface(env, c) }, // eth0
		func() error { return sandboxConfigureInterface(env, c) }, // MAC, address, IPv6 off
		func() error { return sandboxInterfaceUp(env, c) },        // IFF_UP, gratuitous ARP
		func() error { return programGateway(env, c) })            // default route
	return runAll(env, c, calls)
}

// attachToBridge2010 is attachToBridge in Docker 20.10's order: the
// endpoint on the host first, then runc, SetKey and the interface, runc's
// sysctls last.
func attachToBridge2010(env *Env, w *world, a attachment) error {
	c := a.c
	calls := []func() error{
		func() error { return createVeth2010(env, c) }, // both ends on the host
		func() error { return setEndpointMTU(env, c) },
		func() error { return addToBridge(env, c, a.bridge) },
	}
	if !env.Config.UserlandProxy {
		calls = append(calls, func() error { return setHairpinMode(env, c) })
	}
	calls = append(calls, func() error { return endpointLinkUp(env, c) },
		func() error { return runcCreate2010(env, w, c) }, // runc: unshare, lo up
		func() error { return setKey2010(env, c) })        // set-ipv6 all false, lo up
	if a.userDefined {
		calls = append(calls, func() error { return startResolver2010(env, w, c) }) // setup-resolver
	}
	calls = append(calls, func() error { return sandboxCreateInterface(env, c) }, // move, eth0
		func() error { return setInterfaceMACAndIP(env, c) },
		func() error { return interfaceUp(env, c) },
		func() error { return programGateway(env, c) },
		func() error { return writeOCISysctls(env, c) }) // runc, after the hook
	return runAll(env, c, calls)
}

// runAll runs the calls of one container's join in order, stopping at the
// first error.
func runAll(env *Env, c *container, calls []func() error) error {
	for _, call := range calls {
		if err := call(); err != nil {
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

// checkPublishedPortStep is the check that the host reaches c through the
// published port.
func (p planner) checkPublishedPortStep(w *world, c *container, port *publishedPort, hostIP netip.Addr) Step {
	target := netip.AddrPortFrom(hostIP, uint16(port.hostPort)).String()
	s := Step{
		ID:      "check: connect to the published port",
		Phase:   PhaseCheck,
		Title:   "The host connects to " + target + " and reaches " + c.ns.name + "'s port " + fmt.Sprint(port.containerPort),
		Mirrors: "what `curl " + target + "` on the host would show (a check, not Docker code)",
		Explanation: "A listener on port " + fmt.Sprint(port.containerPort) + " inside " + c.ns.name + " stands in for its web server. The lab, playing " +
			"the host, connects to " + target + ", one of its own addresses. The SYN passes nat OUTPUT, whose daemon-start rule jumps to DOCKER for " +
			"local destinations outside 127.0.0.0/8, and the published port's DNAT rewrites it to " + c.addr.Addr().String() + ":" + fmt.Sprint(port.containerPort) +
			"; routing sends it out of " + p.cfg.BridgeName + " and the container accepts. The step fails unless the container's listener reads " +
			"the request.",
		KernelHandlers: []string{"inet_stream_connect", "nf_hook_slow", "nf_nat_ipv4_local_fn", "inet_csk_accept"},
		code:           call4(checkPublishedPort, w, c, port, target),
	}
	return skipIf(s, !p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false): no DNAT rule to go through")
}

// checkPublishedPort puts a listener on the container port inside c and
// connects to the published port on a host address.
func checkPublishedPort(env *Env, w *world, c *container, p *publishedPort, target string) error {
	// socket + bind(0.0.0.0:80) + listen, on a thread inside the container
	ln, err := listenInContainer(w, c, p.containerPort)
	if err != nil {
		return err
	}
	// connect(target) from the lab: nat OUTPUT -> DOCKER -> DNAT
	return checkTCP(env, ln, target)
}
