package steps

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ScenarioJoin is `docker run -p 8080:80`: a container joins docker0.
const ScenarioJoin = "join"

func init() {
	register(Scenario{
		Name:    ScenarioJoin,
		Summary: "docker run -p 8080:80: a container joins docker0 (veth, eth0, address, route, DNAT), then pings",
		order:   50,
		bridge:  true,
		check:   checkJoin,
		plan:    func(p planner, w *world) []Step { return append(p.bridgePlan(), p.joinPlan(w)...) },
		tables:  []string{"raw"}, // the endpoints' filterDirectAccess rules
	})
}

// checkJoin refuses the options the join scenario cannot model.
func checkJoin(c Config) []error {
	var errs []error
	if set := setBridgeOptions(c, "--default-bridge", "--bridge"); len(set) > 0 {
		errs = append(errs, fmt.Errorf("--scenario join attaches the container to docker0, so %s", doNotApply(set)))
	}
	if set := setBridgeOptions(c, "--ipv6", "--fixed-cidr-v6", "--default-gateway-v6"); len(set) > 0 {
		errs = append(errs, fmt.Errorf("--scenario join models an IPv4-only container: drop %s", strings.Join(set, " and ")))
	}
	if c.DefaultGatewayIPv4 != "" {
		errs = append(errs, errors.New("--scenario join: --default-gateway names a router the lab does not have, so the container's ping to its gateway would fail: drop it"))
	}
	if c.FirewallBackend == BackendNFTables {
		errs = append(errs, errors.New("--scenario join programs the published port with the iptables backend only: drop --firewall-backend nftables"))
	}
	return errs
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
	return &container{ns: &netNS{name: name, sysctls: []string{disableIPv6Eth0}}, addr: addr, gateway: gateway, mtu: mtu}
}

// newSandboxStep is the step that gives container c its namespace.
func newSandboxStep(w *world, c *container) Step {
	return Step{
		ID:      "sandbox: newNetNS",
		Phase:   PhaseSandbox,
		Title:   "runc gives " + c.ns.name + " its network namespace; libnetwork brings lo up",
		Mirrors: "runc (CLONE_NEWNET for the OCI spec's network namespace) + libnetwork Sandbox.SetKey -> osl.GetSandboxForExternalKey, Namespace.loopbackUp (osl/namespace_linux.go)",
		Explanation: "`docker run` asks containerd and runc to start the container. Its OCI spec lists a network namespace without a path, so runc creates " +
			"a new one (clone or unshare with CLONE_NEWNET): a network stack of its own, with nothing in it but a loopback interface that is down. " +
			"Since Docker 28 the daemon then calls libnetwork's Sandbox.SetKey with /proc/<pid>/ns/net: libnetwork bind-mounts it on " +
			"/var/run/docker/netns/<id> so that it outlives any process, opens a netlink socket inside it (setns on a locked thread, socket, setns " +
			"back) and brings lo up: RTM_GETLINK lo, then RTM_NEWLINK ifi_flags=IFF_UP on that socket.\n\n" +
			"The lab does the same from its own process: unshare(CLONE_NEWNET) on a locked thread, open /proc/<pid>/task/<tid>/ns/net, setns back " +
			"into the lab namespace. That file descriptor is the only thing that keeps the namespace alive (no bind mount), so it disappears with " +
			"the lab; the notes give its number, the \"container netns (fd N)\" that later netlink messages carry in IFLA_NET_NS_FD. In the kernel, " +
			"unshare -> copy_net_ns -> setup_net runs every subsystem's per-namespace init (loopback_net_init registers lo), and the RTM_NEWLINK " +
			"reaches do_setlink -> dev_change_flags on the container's lo.",
		KernelHandlers: sandboxKernel,
		code:           call2(newSandbox, w, c),
	}
}

// sandboxSteps are osl's AddInterface and the default route for c, once the
// driver has created its interface. created says the interface was born in
// the container (no move); driver names who created it.
func sandboxSteps(c *container, created bool, driver string) []Step {
	move := "The interface was born inside the container (createdInContainer), so nothing has to move. "
	handlers := []string{"rtnl_getlink", "rtnl_newlink", "do_setlink", "dev_change_flags", "rtnl_setlink", "dev_change_name"}
	if !created {
		move = "The " + driver + " created the interface in the host namespace, so the sandbox first moves it: RTM_SETLINK on the host's socket " +
			"with IFLA_NET_NS_FD=<container netns fd> (do_setlink -> __dev_change_net_namespace unregisters it here and registers it there, " +
			"keeping its index if it is free). "
		handlers = append([]string{"rtnl_setlink", "do_setlink", "__dev_change_net_namespace"}, handlers...)
	}
	steps := []Step{{
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
	}, {
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
	}, {
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
	}}
	if !c.gateway.IsValid() {
		return steps
	}
	return append(steps, Step{
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
	})
}

// checkPingStep is a connectivity check: from src to dst, expecting a
// reply (or, with expectDrop, none).
func checkPingStep(id, title, expl string, src *netNS, dst netip.Addr, expectDrop bool) Step {
	s := Step{
		ID: id, Phase: PhaseCheck, Title: title,
		Mirrors: "what `ping -c1 -W1 " + dst.String() + "` inside " + src.name + " would show (a check, not Docker code)",
		Explanation: expl + "\n\nThe check opens a raw ICMP socket inside " + src.name + " (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) on a thread " +
			"that entered its namespace), sends an echo request with sendto and waits a second for the reply (three tries). Only namespaces " +
			"this scenario created exchange these packets.",
		KernelHandlers: []string{"raw_sendmsg", "ip_route_output_flow", "neigh_resolve_output", "icmp_rcv", "icmp_echo", "raw_rcv"},
		code:           call2(checkPing, src, dst),
	}
	if expectDrop {
		s.code = call2(checkNoPing, src, dst)
	}
	return s
}

// joinPlan is `docker run -p 8080:80` on the default bridge, after the
// bridge plan: a container's sandbox, the bridge driver's CreateEndpoint
// and Join, the port mapping, a second container and the checks.
func (p planner) joinPlan(w *world) []Step {
	r, _ := p.cfg.resolve() // valid: Plan checked
	addrs := endpointAddrs(r.addr4, p.cfg.FixedCIDR, 2)
	gw, br := r.addr4.Addr(), p.cfg.BridgeName
	c1 := newContainer("container1", addrs[0], gw, r.mtu)
	c2 := newContainer("container2", addrs[1], gw, r.mtu)
	port := publishedPort{hostPort: 8080, containerPort: 80}

	steps := []Step{newSandboxStep(w, c1), p.createVethStep(c1), p.setEndpointMTUStep(c1), p.addToBridgeStep(c1),
		p.setHairpinModeStep(c1), p.filterDirectAccessStep(c1), p.endpointLinkUpStep(c1), p.bridgeJoinStep(c1)}
	steps = append(steps, sandboxSteps(c1, true, "bridge driver")...)
	steps = append(steps, p.portSteps(w, c1, port)...)
	steps = append(steps, Step{
		ID:      "second container (CreateEndpoint + Join)",
		Phase:   PhaseJoin,
		Title:   c2.ns.name + " joins " + br + " too (the same calls, in one step)",
		Mirrors: "the steps above, for a second `docker run` without a published port",
		Explanation: "A second container, so that " + c1.ns.name + " has a neighbour: runc's namespace and lo, createVeth (peer born in the container), " +
			"LinkSetMTU, addToBridge, the raw-table rule, the host end up; then in the container eth0, its MAC, " + c2.addr.String() + ", IPv6 off, " +
			"up, a gratuitous ARP and the default route. The trace shows the whole sequence again, in order, and " + br + " now has two ports.",
		KernelHandlers: []string{"copy_net_ns", "veth_newlink", "do_set_master", "br_add_if", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
		code:           call3(attachToBridge, w, c2, br),
	})

	viaBridge := "Both containers are on " + c1.addr.Masked().String() + ", so no router is involved: the echo request leaves " + c1.ns.name + "'s eth0, " +
		"enters " + br + " through its veth port, and the bridge forwards it out of " + c2.ns.name + "'s port. br_netfilter still shows bridged " +
		"packets to iptables (bridge-nf-call-iptables is 1 in every namespace once the module is loaded), so the FORWARD chain decides: " +
		"DOCKER-FORWARD -> DOCKER-BRIDGE -> DOCKER, where \"! -i " + br + " -o " + br + " -j DROP\" does not match (the packet came in on " + br + ")"
	if p.cfg.ICC {
		viaBridge += ", then \"-A DOCKER-FORWARD -i " + br + " -j ACCEPT\" lets it through. That is --icc=true, the default."
	} else {
		viaBridge += ", but --icc=false put \"-A DOCKER-FORWARD -i " + br + " -o " + br + " -j DROP\" first: the packet is dropped, and this check " +
			"passes only if no reply comes back."
	}
	steps = append(steps,
		checkPingStep("check: ping the gateway", c1.ns.name+" pings its gateway "+gw.String(),
			"The container's routing table sends the echo request out of eth0 ("+c1.addr.Masked().String()+" is on-link), ARP finds "+br+"'s MAC across "+
				"the veth pair and the bridge, and "+br+"'s address in the host namespace answers: the host's INPUT chain accepts it.",
			c1.ns, gw, false),
		checkPingStep("check: ping the other container", c1.ns.name+" pings "+c2.ns.name+" ("+c2.addr.Addr().String()+")", viaBridge,
			c1.ns, c2.addr.Addr(), !p.cfg.ICC),
		p.checkPublishedPortStep(w, c1, port, gw))
	return steps
}

func (p planner) createVethStep(c *container) Step {
	return Step{
		ID:      "CreateEndpoint (createVeth)",
		Phase:   PhaseEndpoint,
		Title:   "Create the veth pair; " + c.ns.name + "'s end is born in its namespace",
		Mirrors: "libnetwork drivers/bridge (*driver).CreateEndpoint -> createVeth, netutils.GenerateIfaceName (bridge_linux.go)",
		Explanation: "A veth pair is a virtual cable: two interfaces, and what one transmits the other receives. Docker makes one per endpoint. " +
			"It picks two free names, veth + 7 random hex digits (each candidate checked with RTM_GETLINK, which must fail with ENODEV), and sends " +
			"one RTM_NEWLINK with IFLA_IFNAME=<host end>, IFLA_TXQLEN=0 and IFLA_LINKINFO{IFLA_INFO_KIND \"veth\", IFLA_INFO_DATA{VETH_INFO_PEER}}. " +
			"VETH_INFO_PEER holds a struct ifinfomsg followed by the peer's own attributes: its name, IFLA_TXQLEN=0 and IFLA_NET_NS_FD=<the " +
			"container netns fd>. The kernel (rtnl_newlink -> veth_newlink) resolves the fd to the namespace (rtnl_link_get_net), creates the " +
			"peer there and the host end here, and ties them together.\n\n" +
			"Since Docker 28 the peer is born inside the container's namespace; older versions created both ends on the host and moved one " +
			"later with RTM_SETLINK IFLA_NET_NS_FD (the macvlan and overlay scenarios show that move). The snapshot shows the host end in the " +
			"lab and the peer in " + c.ns.name + ", both down. CreateEndpoint also picks the endpoint's MAC address: random since Docker 28 " +
			"(before: 02:42 followed by the IPv4 address).",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "rtnl_newlink_create", "veth_newlink", "rtnl_link_get_net", "register_netdevice"},
		code:           call1(createVeth, c),
	}
}

func (p planner) setEndpointMTUStep(c *container) Step {
	return Step{
		ID:      "CreateEndpoint (LinkSetMTU)",
		Phase:   PhaseEndpoint,
		Title:   fmt.Sprintf("Set MTU %d on both ends", c.mtu),
		Mirrors: "libnetwork drivers/bridge (*driver).CreateEndpoint: LinkSetMTU on the host and sandbox interfaces (bridge_linux.go)",
		Explanation: "The network has an MTU (docker0 gets --mtu, 1500 by default), so CreateEndpoint sets it on both ends: RTM_SETLINK " +
			"ifinfomsg{index} IFLA_MTU, once on the host's netlink socket for the host end and once on the socket opened inside the container " +
			"for its end. A request acts in the namespace of the socket it travels on; that is why libnetwork keeps one netlink handle per " +
			"sandbox. A veth already has MTU 1500, so nothing changes unless --mtu says otherwise, but the kernel still runs do_setlink -> dev_set_mtu.",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_setlink", "do_setlink", "dev_set_mtu"},
		code:           call1(setEndpointMTU, c),
	}
}

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
	s = skipIf(s, !p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false)")
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

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

// portSteps publish -p hostPort:containerPort for c.
func (p planner) portSteps(w *world, c *container, port publishedPort) []Step {
	br, ip := p.cfg.BridgeName, c.addr.Addr().String()
	hp, cp := fmt.Sprint(port.hostPort), fmt.Sprint(port.containerPort)
	rules := p.xtablesTransport()
	add := Step{
		ID:      "AddPorts (setPerPortIptables)",
		Phase:   PhasePorts,
		Title:   "DNAT host port " + hp + " to " + ip + ":" + cp + " and let it through",
		Mirrors: "libnetwork drivers/bridge internal/iptabler (*network).AddPorts -> setPerPortNAT, setPerPortForwarding (port.go)",
		Explanation: "The firewaller adds the published port's rules, each after a -C check:\n" +
			"  nat:    -A DOCKER -p tcp -d 0/0 --dport " + hp + " -j DNAT --to-destination " + ip + ":" + cp + " ! -i " + br + "\n" +
			"  filter: -I DOCKER ! -i " + br + " -o " + br + " -p tcp -d " + ip + " --dport " + cp + " -j ACCEPT\n" +
			"A packet for any local address on port " + hp + " passes nat PREROUTING (nat OUTPUT when the host itself connects), jumps to DOCKER " +
			"because its destination is local (the daemon-start rules), and gets its destination rewritten to " + ip + ":" + cp + ". Routing then " +
			"sends it to " + br + ", and in filter FORWARD the ACCEPT, inserted above " + br + "'s default DROP in DOCKER, lets it through. " +
			"\"! -i " + br + "\" leaves the containers' own traffic alone. With --userland-proxy=false the DNAT has no \"! -i " + br + "\" and a " +
			"hairpin MASQUERADE (-s " + ip + " -d " + ip + " --dport " + cp + ") lets a container reach its own published port. iptables-save prints the " +
			"rules with the implicit \"-m tcp\". " + rules,
		KernelHandlers: p.xtablesHandlers(),
		code:           call3(addPortRules, c, br, port),
	}
	add = skipIf(add, !p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false): only docker-proxy would serve the port")
	add = skipIf(add, p.missingFirewallTool() != "", p.missingFirewallTool())
	return []Step{{
		ID:      "addPortMappings (bind the host port)",
		Phase:   PhasePorts,
		Title:   "Reserve host port " + hp + " (-p " + hp + ":" + cp + ")",
		Mirrors: "libnetwork drivers/bridge ProgramExternalConnectivity -> addPortMappings -> portmappers/nat MapPorts, portallocator (port_mapping_linux.go)",
		Explanation: "`docker run -p " + hp + ":" + cp + "` publishes container port " + cp + " on host port " + hp + ". The port mapper first makes sure " +
			"nobody else has the port, and keeps it: socket(AF_INET, SOCK_STREAM), setsockopt(SO_REUSEADDR), bind(0.0.0.0:" + hp + "), listen " +
			"(inet_bind, inet_listen). With the userland proxy (the default) it then starts docker-proxy and hands it that socket, so that " +
			"connections the NAT rules cannot catch (to 127.0.0.1:" + hp + ") are still relayed to the container. netexplore keeps the socket " +
			"but starts no docker-proxy; the check at the end goes through the NAT rules.",
		KernelHandlers: []string{"__sys_socket", "__sys_setsockopt", "__sys_bind", "inet_bind", "__sys_listen", "inet_listen"},
		code:           call2(reserveHostPort, w, port),
	}, add, {
		ID:      "clearConntrackEntries",
		Phase:   PhasePorts,
		Title:   "Forget connection-tracking state of " + ip,
		Mirrors: "libnetwork drivers/bridge clearConntrackEntries -> iptables.DeleteConntrackEntries (bridge_linux.go, iptables/conntrack.go)",
		Explanation: "NAT is decided once per connection, by its first packet, and conntrack remembers the verdict: packets that reached the host " +
			"before the rules existed (a client retrying, a UDP stream) would keep their old entry and miss the DNAT. So Docker deletes every " +
			"tracked flow that involves the endpoint's address: on a NETLINK_NETFILTER socket it dumps the conntrack table (IPCTNL_MSG_CT_GET " +
			"with NLM_F_DUMP) and sends IPCTNL_MSG_CT_DELETE for each match. In the fresh lab there is nothing to delete; the notes give the count.",
		KernelHandlers: []string{"nfnetlink_rcv_msg", "ctnetlink_get_conntrack", "ctnetlink_dump_table", "ctnetlink_del_conntrack"},
		code:           call1(clearConntrackEntries, c),
	}}
}

func (p planner) checkPublishedPortStep(w *world, c *container, port publishedPort, hostIP netip.Addr) Step {
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
