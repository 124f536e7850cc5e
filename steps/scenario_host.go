package steps

// ScenarioHost is `docker run --network host`.
const ScenarioHost = "host"

func init() {
	register(Scenario{
		Name:    ScenarioHost,
		Summary: "docker run --network host: no namespace and no network objects; the container shares the host's network",
		order:   20,
		plan:    planner.hostPlan,
	})
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
