package steps

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// hostNamespaceStep is the daemon leaving the network namespace out of the
// container's OCI spec.
func hostNamespaceStep() Step {
	return Step{
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
	}
}

// hostNamespace is what the daemon does about the network for --network
// host: it removes the network namespace from the container's OCI spec, so
// runc leaves the container in the daemon's own namespace.
func hostNamespace(env *Env) error {
	// readlink("/proc/self/ns/net"): the container's /proc/<pid>/ns/net
	// would name the same namespace.
	ns, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return err
	}
	env.notef("the host's network namespace is %s; a --network host container's /proc/<pid>/ns/net names the same one", ns)
	return nil
}

// hostSandboxStep is libnetwork's "default" sandbox, the host's own
// namespace.
func hostSandboxStep() Step {
	return Step{
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
	}
}

// hostSandbox is libnetwork's default sandbox for --network host
// (osl.NewSandbox with osCreate=false): no new namespace, then loopbackUp
// on the host's own lo.
func hostSandbox(env *Env) error {
	lo, err := env.Handle.LinkByName("lo") // RTM_GETLINK lo
	if err != nil {
		return err
	}
	// RTM_NEWLINK IFF_UP: lo is up already, so nothing changes.
	return env.Handle.LinkSetUp(lo)
}

// hostDriverStep is the host driver's CreateEndpoint and Join.
func hostDriverStep() Step {
	return Step{
		ID:      "host driver (CreateEndpoint, Join)",
		Phase:   PhaseJoin,
		Title:   "The host driver: nothing to create",
		Mirrors: "libnetwork drivers/host: CreateEndpoint and Join return nil (host.go)",
		Explanation: "Like the null driver, the host driver does nothing: no veth, no address, no route, no NAT, no firewall rule, and a " +
			"-p 8080:80 is ignored (the container's port 80 is the host's port 80). The trace of this step is empty.",
		code: call(hostDriver),
	}
}

// hostDriver is the host driver's CreateEndpoint and Join: no-ops.
func hostDriver(env *Env) error {
	env.notef("host driver: CreateEndpoint and Join do nothing; no veth, no address, no rule")
	return nil
}

// checkSharedNetworkStep is the check that the container shares the host's
// network.
func checkSharedNetworkStep(l *lanLink) Step {
	return Step{
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
	}
}

// checkSharedNetwork shows what sharing the host's namespace means: the
// container sees the host's interfaces, shares its ports and reaches its
// LAN directly.
func checkSharedNetwork(env *Env, l *lanLink) error {
	links, err := env.Handle.LinkList() // RTM_GETLINK NLM_F_DUMP: what `ip link` in the container lists
	if err != nil {
		return err
	}
	var names []string
	for _, link := range links {
		names = append(names, link.Attrs().Name)
	}
	env.notef("the container sees the host's links: %s", strings.Join(names, ", "))
	// Two servers on port 8080, the host's and the container's: one socket
	// table, so the second bind fails.
	first, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(first)
	if err := unix.Bind(first, &unix.SockaddrInet4{Port: 8080}); err != nil {
		return err
	}
	second, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(second)
	if err := unix.Bind(second, &unix.SockaddrInet4{Port: 8080}); !errors.Is(err, unix.EADDRINUSE) {
		return fmt.Errorf("second bind to port 8080: got %v, want EADDRINUSE", err)
	}
	env.notef("a second bind to 0.0.0.0:8080 fails with EADDRINUSE: host and container share one port space")
	host, err := labNetNS()
	if err != nil {
		return err
	}
	defer host.fd.Close()
	return checkPing(env, host, l.routerAddr.Addr()) // straight out of eth0, no NAT
}
