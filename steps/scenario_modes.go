package steps

import (
	"net/netip"
)

// newLAN returns the stand-in for the host's NIC and LAN used by the host
// and macvlan scenarios: the host is 192.168.100.10/24 on eth0, the LAN's
// router 192.168.100.1.
func newLAN() *lanLink {
	return &lanLink{
		lan:        &netNS{name: "lan"},
		hostAddr:   netip.MustParsePrefix("192.168.100.10/24"),
		routerAddr: netip.MustParsePrefix("192.168.100.1/24"),
	}
}

// labNICStep builds the host's eth0 and the LAN behind it.
func labNICStep(w *world, l *lanLink, why string) Step {
	return Step{
		ID:      "lab: the host's NIC",
		Phase:   PhaseLab,
		Title:   "Give the host an eth0 (" + l.hostAddr.String() + ") on a LAN with a router at " + l.routerAddr.Addr().String(),
		Mirrors: "nothing in Docker: a real host already has its NIC and LAN; the lab builds stand-ins",
		Explanation: "The lab namespace plays the Docker host, and a fresh namespace has nothing but lo. A real host has a network card on a LAN, " +
			"so the lab makes one: a veth pair whose eth0 end stays in the lab and whose other end goes into a namespace playing the LAN's " +
			"router (one RTM_NEWLINK with VETH_INFO_PEER{IFLA_NET_NS_FD}), then an address and IFF_UP on each end. " + why,
		KernelHandlers: []string{"copy_net_ns", "rtnl_newlink", "veth_newlink", "inet_rtm_newaddr", "dev_change_flags"},
		code:           call2(labNIC, w, l),
	}
}

// nonePlan is `docker run --network none`.
func (p planner) nonePlan(w *world) []Step {
	c := newContainer("container1", netip.Prefix{}, netip.Addr{}, 0)
	c.ns.sysctls = nil
	return []Step{
		newSandboxStep(w, c),
		{
			ID:      "null driver (CreateEndpoint, Join)",
			Phase:   PhaseJoin,
			Title:   "The null driver: nothing to create",
			Mirrors: "libnetwork drivers/null: CreateNetwork, CreateEndpoint and Join return nil (null.go)",
			Explanation: "The \"none\" network is served by the null driver, and every one of its methods returns nil: no veth, no address, no " +
				"route, no firewall rule. The trace of this step is empty. What the container has is what runc gave it: a namespace of its own " +
				"with lo, which libnetwork's SetKey brought up in the previous step. Docker's own docs describe this mode as disabling networking; " +
				"strictly it is a complete but empty network stack, isolated from everything.",
			code: call1(nullDriver, c),
		},
		{
			ID:      "check: only lo",
			Phase:   PhaseCheck,
			Title:   "container1 has lo and nothing else",
			Mirrors: "what `ip link` and `ping` inside the container would show (a check, not Docker code)",
			Explanation: "The check lists the container's links on its own netlink socket (RTM_GETLINK with NLM_F_DUMP): only lo. It pings " +
				"127.0.0.1 from a raw ICMP socket opened inside the container: the packet never leaves the namespace's loopback. Then it sends " +
				"an echo request to 172.17.0.1: with no route at all, sendto fails at once with ENETUNREACH (ip_route_output_flow finds " +
				"nothing), which is the isolation --network none promises. The step fails if any of that differs.",
			KernelHandlers: []string{"rtnl_dump_ifinfo", "raw_sendmsg", "ip_route_output_flow", "icmp_echo"},
			code:           call1(checkOnlyLoopback, c),
		},
	}
}

// hostPlan is `docker run --network host`.
func (p planner) hostPlan(w *world) []Step {
	l := newLAN()
	return []Step{
		labNICStep(w, l, "With --network host the container will see this eth0 as its own."),
		{
			ID:      "oci: RemoveNamespace(network)",
			Phase:   PhaseSandbox,
			Title:   "No network namespace for the container",
			Mirrors: "moby daemon WithNamespaces: oci.RemoveNamespace(s, specs.NetworkNamespace) for host networking (daemon/oci_linux.go)",
			Explanation: "For --network host the daemon removes the network namespace from the container's OCI spec, so runc never passes " +
				"CLONE_NEWNET: the container process stays in the network namespace it was started from, the host's. There is no namespace to " +
				"create and nothing to configure. The step only reads /proc/self/ns/net (readlink), the name of the host's namespace, " +
				"\"net:[<inode>]\"; /proc/<pid>/ns/net of the container would read the same.",
			KernelHandlers: []string{"proc_ns_readlink"},
			code:           call(hostNamespace),
		},
		{
			ID:      "sandbox: default sandbox",
			Phase:   PhaseSandbox,
			Title:   "libnetwork's \"default\" sandbox is the host's namespace",
			Mirrors: "libnetwork OptionUseDefaultSandbox -> osl.NewSandbox(\".../netns/default\", osCreate=false) -> createNetworkNamespace, loopbackUp (osl/namespace_linux.go)",
			Explanation: "Every container still gets a libnetwork sandbox, but a --network host one uses the \"default\" sandbox: " +
				"createNetworkNamespace with osCreate=false creates no namespace, it only bind-mounts /proc/self/task/<tid>/ns/net (the host's) " +
				"on /var/run/docker/netns/default (the lab keeps nothing on disk). Then, as for any sandbox, loopbackUp: RTM_GETLINK lo and " +
				"RTM_NEWLINK IFF_UP. The host's lo is already up, so the kernel accepts the request and changes nothing: the state diff is empty.",
			KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "do_setlink", "dev_change_flags"},
			code:           call(hostSandbox),
		},
		{
			ID:      "host driver (CreateEndpoint, Join)",
			Phase:   PhaseJoin,
			Title:   "The host driver: nothing to create",
			Mirrors: "libnetwork drivers/host: CreateEndpoint and Join return nil (host.go)",
			Explanation: "Like the null driver, the host driver does nothing: no veth, no address, no route, no NAT, no firewall rule, and a " +
				"-p 8080:80 is ignored (the container's port 80 is the host's port 80). The trace of this step is empty.",
			code: call(hostDriver),
		},
		{
			ID:      "check: the host's network",
			Phase:   PhaseCheck,
			Title:   "The container sees the host's links, shares its ports and reaches its LAN directly",
			Mirrors: "what `ip link`, a server and `ping` in a --network host container would show (a check, not Docker code)",
			Explanation: "What isolation is left? None for the network. The check lists the links (RTM_GETLINK dump): the container would see " +
				"lo and the host's eth0, with the host's address. It binds TCP port 8080 twice: the second bind(2) fails with EADDRINUSE, " +
				"because the host and its --network host containers share one socket table; two such containers cannot both listen on 80. " +
				"And it pings the LAN router " + l.routerAddr.Addr().String() + " straight out of eth0: no veth, no bridge, no NAT. Fast, and " +
				"nothing stands between the container and the host's network.",
			KernelHandlers: []string{"rtnl_dump_ifinfo", "__sys_bind", "inet_csk_get_port", "raw_sendmsg", "icmp_echo"},
			code:           call1(checkSharedNetwork, l),
		},
	}
}
