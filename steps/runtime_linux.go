package steps

import (
	"fmt"
	"os"
	"strconv"

	"github.com/netexplore/netexplore/internal/netns"
)

// ociSysctls are the sysctls dockerd puts in the OCI spec of every
// container with a network namespace of its own, which runc writes inside
// it, in the order the lab writes them.
var ociSysctls = []struct{ key, value string }{
	{"net.ipv4.ip_unprivileged_port_start", "0"},
	{"net.ipv4.ping_group_range", "0 2147483647"},
}

// ociSysctlPaths lists the /proc/sys files of ociSysctls, for snapshots.
func ociSysctlPaths() []string {
	var paths []string
	for _, s := range ociSysctls {
		paths = append(paths, sysctlPath(s.key))
	}
	return paths
}

// sysctlPath turns "net.ipv4.ping_group_range" into its /proc/sys file.
func sysctlPath(key string) string {
	b := []byte(key)
	for i, c := range b {
		if c == '.' {
			b[i] = '/'
		}
	}
	return "/proc/sys/" + string(b)
}

// runcCreateStep is runc creating container c's network namespace.
func runcCreateStep(w *world, c *container, v2010 bool) Step {
	s := Step{
		ID:      "runc create (network namespace)",
		Phase:   PhaseSandbox,
		Title:   "runc gives " + c.ns.name + " its network namespace, brings lo up and writes the OCI sysctls",
		Mirrors: "runc libcontainer: CLONE_NEWNET for the OCI spec's network namespace, the loopback strategy, writeSystemProperty for Linux.Sysctl; moby daemon/oci_linux.go WithSysctls",
		Explanation: "`docker run` asks containerd and runc to create the container. Its OCI spec lists a network namespace without a path, so runc " +
			"creates a new one (clone with CLONE_NEWNET): a network stack of its own, with nothing but a loopback interface that is down " +
			"(copy_net_ns -> setup_net runs each subsystem's per-namespace init; loopback_net_init registers lo). runc's init process, " +
			"already inside the namespace, brings lo up itself, on a netlink socket of its own: RTM_GETLINK lo, RTM_NEWLINK IFF_UP.\n\n" +
			"It then writes the spec's sysctls. Docker puts two in the spec of every container that gets a network namespace of its own " +
			"(daemon/oci_linux.go, since Docker 20.10 and still in 29): net.ipv4.ip_unprivileged_port_start=0, so a process without " +
			"CAP_NET_BIND_SERVICE may listen on ports below 1024, and net.ipv4.ping_group_range=\"0 2147483647\", so any group may " +
			"open ICMP echo sockets and ping without CAP_NET_RAW. Both are per network namespace, which is what makes them safe to grant: " +
			"they open nothing on the host. runc writes each value as it is, without a newline (writeSystemProperty); it walks the spec's " +
			"map, so the two may come in either order.\n\n" +
			"The lab plays runc from its own process: unshare(CLONE_NEWNET) on a locked thread, keep the namespace by a file descriptor " +
			"(the notes give its number, the \"container netns (fd N)\" that netlink messages carry in IFLA_NET_NS_FD), open a netlink " +
			"socket in it, and write the sysctls from a thread that entered it: /proc/sys/net shows the namespace of the thread that " +
			"opens it.",
		KernelHandlers: append(sandboxKernel, "proc_sys_write", "ipv4_privileged_ports", "ipv4_ping_group_range"),
		code:           call2(runcCreate, w, c),
	}
	if v2010 {
		s.Title = "runc gives " + c.ns.name + " its network namespace and brings lo up"
		s.Explanation = "`docker run` has already set up the endpoint and the ports; now containerd asks runc to create the container. Its " +
			"OCI spec lists a network namespace without a path, so runc creates a new one (clone with CLONE_NEWNET): a network stack of " +
			"its own with only lo, down (copy_net_ns -> setup_net; loopback_net_init registers lo). runc's init process, inside the " +
			"namespace, brings lo up itself: RTM_GETLINK lo, RTM_NEWLINK IFF_UP on a netlink socket of its own.\n\n" +
			"Then runc runs the spec's prestart hook, libnetwork-setkey, which calls back into dockerd: that is the next step, and only " +
			"after it does runc write the spec's sysctls. (Docker 28 replaced the hook by a direct call once runc create returns, so " +
			"there the sysctls come first.) The lab plays runc from its own process: unshare(CLONE_NEWNET) on a locked thread, a file " +
			"descriptor that keeps the namespace (its number is the \"container netns (fd N)\" of later IFLA_NET_NS_FD attributes) and a " +
			"netlink socket opened inside it."
		s.KernelHandlers = sandboxKernel
		s.code = call2(runcCreate2010, w, c)
	}
	return s
}

// runcCreate makes container c's network namespace as runc does for a
// spec with a network namespace and no path: a new namespace, lo up, and
// the spec's sysctls written inside it.
func runcCreate(env *Env, w *world, c *container) error {
	if err := runcCreate2010(env, w, c); err != nil {
		return err
	}
	return writeOCISysctls(env, c)
}

// runcCreate2010 is runcCreate up to the prestart hooks, where Docker 20.10
// calls back into the daemon before runc writes the sysctls.
func runcCreate2010(env *Env, w *world, c *container) error {
	// clone(CLONE_NEWNET) in runc; unshare on a locked thread in the lab,
	// then a NETLINK_ROUTE socket opened inside the new namespace.
	if err := w.create(env, c.ns); err != nil {
		return err
	}
	// runc's loopback strategy: RTM_GETLINK lo, RTM_NEWLINK IFF_UP.
	return linkUp(c.ns, "lo")
}

// linkUp looks a link up in ns by name and brings it up: RTM_GETLINK,
// then RTM_NEWLINK ifi_flags=IFF_UP ifi_change=IFF_UP, on ns's socket.
func linkUp(ns *netNS, name string) error {
	link, err := ns.h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("finding %s in %s: %w", name, ns, err)
	}
	if err := ns.h.LinkSetUp(link); err != nil {
		return fmt.Errorf("bringing %s up in %s: %w", name, ns, err)
	}
	return nil
}

// ociSysctlsStep is runc writing the spec's sysctls after the prestart
// hook, Docker 20.10.
func ociSysctlsStep(c *container) Step {
	return Step{
		ID:      "runc: OCI sysctls",
		Phase:   PhaseSandbox,
		Title:   "runc writes the OCI spec's sysctls in " + c.ns.name,
		Mirrors: "runc libcontainer standard_init_linux.go writeSystemProperty for Linux.Sysctl; moby daemon/oci_linux.go (v20.10.24)",
		Explanation: "The hook has returned: the container has its eth0 and default route. runc's init now writes the sysctls of the " +
			"OCI spec, still before the container's command starts. Docker 20.10 puts two in the spec of every container with a network " +
			"namespace of its own, and Docker 29 still does: net.ipv4.ip_unprivileged_port_start=0 (listen on ports below 1024 without " +
			"CAP_NET_BIND_SERVICE) and net.ipv4.ping_group_range=\"0 2147483647\" (ICMP echo sockets for every group, ping without " +
			"CAP_NET_RAW). Both are per network namespace, so they grant nothing on the host. runc writes each value as it is, " +
			"without a newline; it walks the spec's map, so the two may come in either order.",
		KernelHandlers: []string{"proc_sys_write", "ipv4_privileged_ports", "ipv4_ping_group_range"},
		code:           call1(writeOCISysctls, c),
	}
}

// writeOCISysctls writes the sysctls of the container's OCI spec from a
// thread inside its namespace, as runc's init does (no trailing newline).
func writeOCISysctls(env *Env, c *container) error {
	return netns.Do(c.ns.fd, func() error {
		for _, s := range ociSysctls {
			// openat(O_WRONLY|O_CREAT|O_TRUNC) + write(value) + close
			if err := os.WriteFile(sysctlPath(s.key), []byte(s.value), 0o644); err != nil {
				return fmt.Errorf("writing sysctl %s: %w", s.key, err)
			}
		}
		return nil
	})
}

// setKeyStep is libnetwork's SetKey for container c: the daemon takes over
// the namespace runc made.
func setKeyStep(c *container, v2010 bool) Step {
	s := Step{
		ID:    "sandbox: SetKey",
		Phase: PhaseSandbox,
		Title: "libnetwork takes " + c.ns.name + "'s namespace over and brings lo up",
		Mirrors: "moby daemon initializeCreatedTask -> libnetwork Sandbox.SetKey -> osl.GetSandboxForExternalKey, Namespace.loopbackUp " +
			"(daemon/start_linux.go, sandbox_linux.go, osl/namespace_linux.go)",
		Explanation: "Since Docker 28, once runc create has returned the daemon calls libnetwork's Sandbox.SetKey with /proc/<pid>/ns/net. " +
			"libnetwork bind-mounts that file on /var/run/docker/netns/<id> so that the namespace outlives any process, opens a netlink " +
			"socket inside it (setns on a locked thread, socket, setns back) and brings lo up once more, whatever runc did: RTM_GETLINK lo, " +
			"RTM_NEWLINK IFF_UP (do_setlink -> dev_change_flags; lo is up already, so nothing changes). The lab keeps the namespace by " +
			"its file descriptor instead of a bind mount, so it disappears with the lab.",
		KernelHandlers: []string{"rtnl_getlink", "rtnl_newlink", "do_setlink", "dev_change_flags"},
		code:           call1(setKey, c),
	}
	if v2010 {
		s.Mirrors = "runc prestart hook libnetwork-setkey -> dockerd -> libnetwork v20.10 Sandbox.SetKey -> osl.GetSandboxForExternalKey, " +
			"setIPv6 (reexec \"set-ipv6\"), loopbackUp (sandbox_externalkey_unix.go, osl/namespace_linux.go)"
		s.Explanation = "runc runs the spec's prestart hook: Docker 20.10's dockerd binary again, as \"libnetwork-setkey <container> <controller>\", " +
			"which passes /proc/<pid>/ns/net to the daemon over a unix socket. The daemon's Sandbox.SetKey bind-mounts it on " +
			"/var/run/docker/netns/<id> and opens a netlink socket inside it. Then, \"as starting point\", it disables IPv6 on every " +
			"interface of the namespace: dockerd re-executes itself as \"set-ipv6 <netns path> all false\" (/proc/self/exe: a fresh, " +
			"single-threaded process can safely setns), and that child writes \"1\\n\" to /proc/sys/net/ipv6/conf/all/disable_ipv6 inside " +
			"the namespace (addrconf_sysctl_disable). Docker 29 disables IPv6 per interface instead, on eth0 only, and re-executes " +
			"nothing. Last, loopbackUp brings lo up a second time: RTM_GETLINK lo, RTM_NEWLINK IFF_UP.\n\n" +
			"The lab re-executes itself the same way, with the same arguments; its namespace path is /proc/<lab pid>/fd/<fd>, as it has " +
			"no bind mount."
		s.KernelHandlers = []string{"proc_sys_write", "addrconf_sysctl_disable", "rtnl_getlink", "rtnl_newlink", "do_setlink"}
		s.code = call1(setKey2010, c)
	}
	return s
}

// setKey is libnetwork's SetKey for a namespace runc made: loopbackUp on
// the sandbox's own netlink socket.
func setKey(env *Env, c *container) error {
	// loopbackUp: RTM_GETLINK lo, RTM_NEWLINK IFF_UP.
	return linkUp(c.ns, "lo")
}

// setKey2010 is Docker 20.10's SetKey: IPv6 off on every interface of the
// namespace, through a re-executed child, then loopbackUp.
func setKey2010(env *Env, c *container) error {
	// exec /proc/self/exe: set-ipv6 <netns path> all false
	if err := env.reexec(reexecSetIPv6, c.ns.path(), "all", "false"); err != nil {
		env.notef("failed to disable IPv6 on all interfaces on network namespace %s: %v (Docker only warns)", c.ns.path(), err)
	}
	return linkUp(c.ns, "lo")
}

// path names the namespace for another process: the lab's descriptor for
// it, as /proc/<lab pid>/fd/<fd> (Docker passes its bind mount,
// /var/run/docker/netns/<id>).
func (n *netNS) path() string {
	return "/proc/" + strconv.Itoa(os.Getpid()) + "/fd/" + strconv.Itoa(int(n.fd))
}

// newSandbox gives container c its namespace as the newest Docker does:
// runc's part, then SetKey's. It is for the steps that run a whole join at
// once.
func newSandbox(env *Env, w *world, c *container) error {
	if err := runcCreate(env, w, c); err != nil {
		return err
	}
	return setKey(env, c)
}

// newSandboxSteps are the steps that give container c its namespace in
// the newest Docker.
func newSandboxSteps(w *world, c *container) []Step {
	return []Step{runcCreateStep(w, c, false), setKeyStep(c, false)}
}
