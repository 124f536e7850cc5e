package steps

import (
	"os/exec"
	"path/filepath"
	"strings"
)

// bridgeAlreadyExists is libnetwork's test of whether createNetwork found the
// bridge device already there. The lab namespace is always new, so it is
// always false.
const bridgeAlreadyExists = false

// Plan returns the steps, in order, that Docker performs for cfg's
// scenario. For the default bridge: first the daemon-start firewall setup,
// then the steps the bridge driver's createNetwork queues for the default
// network, with the conditions of the newest moby release. Steps that would
// not be queued are included with Skipped set and the reason. Firewall
// steps whose helper program is not installed are skipped too, saying what
// to install. The other scenarios ([Scenarios]) build on that plan or
// replace it.
func Plan(cfg Config) ([]Step, error) {
	return plan(cfg, exec.LookPath)
}

// plan is Plan with a replaceable program lookup.
func plan(cfg Config, lookPath func(string) (string, error)) ([]Step, error) {
	steps, _, err := planWorld(cfg, lookPath)
	return steps, err
}

// planWorld is plan that also returns the scenario's world, which the
// steps fill in as they run (the lab keeps it to snapshot and close the
// namespaces they create).
func planWorld(cfg Config, lookPath func(string) (string, error)) ([]Step, *world, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	p := planner{cfg: cfg, lookPath: lookPath}
	w := &world{}
	sc, _ := scenarioFor(cfg) // known: Validate checked
	steps := sc.plan(p, w)
	for i := range steps {
		steps[i].Func = steps[i].code.name()
	}
	return steps, w, nil
}

// planner builds the steps for one configuration.
type planner struct {
	cfg      Config
	lookPath func(string) (string, error)
}

// skipIf marks s skipped with reason when cond holds (and s is not skipped
// already).
func skipIf(s Step, cond bool, reason string) Step {
	if cond && !s.Skipped {
		s.Skipped, s.SkipReason = true, reason
	}
	return s
}

// nft reports whether the nftables backend is selected.
func (p planner) nft() bool { return p.cfg.FirewallBackend == BackendNFTables }

// missingFirewallTool names the first program the firewall steps need that
// is not installed, with how to get it, or returns "".
func (p planner) missingFirewallTool() string {
	var need []string
	switch {
	case p.nft():
		if p.cfg.IPTables || p.cfg.IP6Tables {
			need = append(need, "nft")
		}
	default:
		if p.cfg.IPTables {
			need = append(need, "iptables")
		}
		if p.cfg.IP6Tables {
			need = append(need, "ip6tables")
		}
	}
	for _, name := range need {
		if _, err := p.lookPath(name); err != nil {
			return errMissingTool(name).Error()
		}
	}
	return ""
}

// xtablesLegacy reports whether the iptables in PATH is iptables-legacy
// (which replaces whole tables with setsockopt) rather than iptables-nft
// (which sends nf_tables netlink batches).
func (p planner) xtablesLegacy() bool {
	path, err := p.lookPath("iptables")
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return strings.Contains(filepath.Base(path), "legacy")
}

// xtablesHandlers returns the kernel functions that serve the iptables
// binary in use.
func (p planner) xtablesHandlers() []string {
	if p.xtablesLegacy() {
		return []string{"do_ipt_get_ctl", "get_entries", "do_ipt_set_ctl", "do_replace", "translate_table"}
	}
	return []string{"nfnetlink_rcv", "nfnetlink_rcv_batch", "nf_tables_getgen", "nf_tables_getrule", "nf_tables_newtable", "nf_tables_newchain", "nf_tables_newrule"}
}

var nftHandlers = []string{"nfnetlink_rcv", "nfnetlink_rcv_batch", "nf_tables_newtable", "nf_tables_newchain", "nf_tables_newset", "nf_tables_newrule", "nf_tables_newsetelem"}

// xtablesTransport explains how an iptables process talks to the kernel.
func (p planner) xtablesTransport() string {
	if p.xtablesLegacy() {
		return "This machine's iptables is iptables-legacy: each run reads the whole table with getsockopt(IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES), edits it in memory and writes it all back with setsockopt(IPT_SO_SET_REPLACE) (do_replace in the kernel)."
	}
	return "This machine's iptables is iptables-nft: each run opens a NETLINK_NETFILTER socket and sends one batch (NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWTABLE/NEWCHAIN/NEWRULE ..., NFNL_MSG_BATCH_END) that nfnetlink_rcv_batch applies atomically; -C and -L only read (NFT_MSG_GETRULE dumps)."
}

func (p planner) newFirewaller() Step {
	s := Step{
		ID:      "newFirewaller",
		Phase:   PhaseDaemonStart,
		Title:   "Daemon start: create Docker's iptables chains",
		Mirrors: "libnetwork drivers/bridge newDriver -> newFirewaller -> iptabler.NewIptabler: removeIPChains, setupIPChains (internal/iptabler/iptabler.go)",
		Explanation: "Before any network exists, dockerd's bridge driver prepares the firewall. With the iptables backend it first runs nftabler.Cleanup " +
			"(\"nft delete table ip docker-bridges\", in case an nftables-backed daemon ran before), then, for IPv4 (--iptables) and IPv6 (--ip6tables), " +
			"removeIPChains flushes (-F) and deletes (-X) every chain any Docker version ever made, including DOCKER-ISOLATION-STAGE-1/2. " +
			"In a fresh namespace all of those commands fail, and Docker ignores the failures.\n\n" +
			"setupIPChains then creates nat DOCKER (where port publishing puts its DNAT rules) and filter DOCKER, DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT " +
			"and DOCKER-INTERNAL, each after an \"iptables -n -L <chain>\" that checks whether it exists. It appends nat jumps so that packets for a " +
			"local address go through DOCKER (PREROUTING, and OUTPUT except for 127.0.0.0/8 while the userland proxy handles loopback), and inserts " +
			"FORWARD -> DOCKER-FORWARD -> DOCKER-CT, DOCKER-INTERNAL, DOCKER-BRIDGE. Every rule is first tested with -C and only then added, and every " +
			"jump is deleted and re-inserted at the top: that is why a single rule costs two or three iptables processes.\n\n" +
			"Each command is a separate fork+execve of the iptables binary with --wait (wait for the xtables lock), never a library call. " +
			p.xtablesTransport() + " With --ip6tables (the default since Docker 27) the same is done with ip6tables even though docker0 has no IPv6.",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(newIptabler),
	}
	if p.nft() {
		s.Title = "Daemon start: create Docker's nftables table"
		s.Mirrors = "libnetwork drivers/bridge newDriver -> newFirewaller -> nftabler.NewNftabler (internal/nftabler/nftabler.go)"
		s.Explanation = "With --firewall-backend=nftables (new and experimental in Docker 29), dockerd builds one table per address family, " +
			"\"ip docker-bridges\" and \"ip6 docker-bridges\", by feeding a ruleset to \"nft -f -\" on stdin: one process and one atomic netlink batch per family " +
			"instead of dozens of iptables runs. The table holds base chains hooked into the kernel (filter-FORWARD at the forward hook, nat-PREROUTING, " +
			"nat-OUTPUT, nat-POSTROUTING, raw-PREROUTING) and four verdict maps keyed by interface name (filter-forward-in-jumps ...). The base chains only " +
			"look the packet's interface up in a map, so traffic that has nothing to do with a Docker bridge leaves after one lookup.\n\n" +
			"The script first declares the table, maps and chains, then flushes the table (in case an earlier daemon left rules), then fills the base " +
			"chains. Afterwards iptabler.NewCleaner runs \"iptables -C FORWARD -j DOCKER-FORWARD\" (and DOCKER-ISOLATION-STAGE-1) to see whether an " +
			"iptables-backed daemon left rules to clean up. In the kernel, nfnetlink_rcv_batch applies NFT_MSG_NEWTABLE, NEWCHAIN, NEWSET and NEWRULE as one transaction."
		s.KernelHandlers = nftHandlers
		s.code = call(newNftabler)
	}
	s = skipIf(s, !p.cfg.IPTables && !p.cfg.IP6Tables, "firewaller.Config IPv4 and IPv6 are both false (--iptables=false --ip6tables=false): the firewaller sets nothing up")
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

func (p planner) setupUserChains() Step {
	s := Step{
		ID:      "setupUserChains",
		Phase:   PhaseDaemonStart,
		Title:   "Daemon start: create DOCKER-USER",
		Mirrors: "libnetwork Controller.setupPlatformFirewall -> setupUserChains -> setupUserChain (firewall_linux.go)",
		Explanation: "DOCKER-USER is the one chain Docker creates for the administrator: its jump is inserted at the very top of FORWARD " +
			"(\"-I FORWARD -j DOCKER-USER\"), so rules placed there run before any of Docker's and survive daemon restarts (Docker never flushes it). " +
			"The controller does this after the bridge driver has made its chains, so FORWARD ends up as DOCKER-USER, then DOCKER-FORWARD. " +
			"Docker 20.10 also appended \"-A DOCKER-USER -j RETURN\"; the newest release leaves the chain empty.",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(setupUserChains),
	}
	s = skipIf(s, p.nft(), "nftables.Enabled(): the nftables backend has no DOCKER-USER equivalent")
	s = skipIf(s, !p.cfg.IPTables && !p.cfg.IP6Tables, "enabledIptablesVersions() is empty (--iptables=false --ip6tables=false)")
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

func (p planner) setupDevice() Step {
	s := Step{
		ID:      "setupDevice",
		Phase:   PhaseCreateNetwork,
		Title:   "Create the bridge device " + p.cfg.BridgeName,
		Mirrors: "libnetwork drivers/bridge setupDevice (setup_device_linux.go)",
		Explanation: "createNetwork first asks the kernel whether " + p.cfg.BridgeName + " exists (RTM_GETLINK); in a fresh namespace it does not, so it queues " +
			"setupDevice. Docker builds a netlink.Bridge with the name and a random, locally administered MAC address (first byte has bit 1 set and bit 0 " +
			"clear) and sends one RTM_NEWLINK request with NLM_F_CREATE|NLM_F_EXCL: IFLA_IFNAME, IFLA_TXQLEN=0, IFLA_ADDRESS and IFLA_LINKINFO " +
			"{IFLA_INFO_KIND \"bridge\", empty IFLA_INFO_DATA}. The kernel routes it rtnetlink_rcv_msg -> rtnl_newlink, finds the \"bridge\" " +
			"rtnl_link_ops, and rtnl_newlink_create allocates the net_device (rtnl_create_link) and calls br_dev_newlink, which registers it. The ACK comes back, and the netlink library " +
			"immediately sends RTM_GETLINK for the name to learn the new interface index.\n\n" +
			"Docker sets the MAC itself so the bridge's address does not change as ports come and go (a bridge otherwise takes the lowest MAC of its ports). " +
			"Docker <= 28 used 02:42 followed by four random bytes; Docker 29 randomises everything but those two bits. The new link is DOWN, has no address and MTU 1500.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_newlink", "rtnl_newlink_create", "rtnl_create_link", "br_dev_newlink", "register_netdevice", "rtnl_getlink"},
		code:           call(setupDevice),
	}
	if p.cfg.DeviceAPI == DeviceAPIIoctl {
		s.Title = "Create the bridge device " + p.cfg.BridgeName + " with ioctl (Docker <= 23)"
		s.Mirrors = "libnetwork drivers/bridge setupDevice fallback ioctlCreateBridge + ioctlSetMacAddress (netlink_deprecated_linux.go, removed in v24)"
		s.Explanation = "Up to Docker 23, setupDevice tried netlink first and, if LinkAdd failed (very old kernels), fell back to the ioctl interface " +
			"of the bridge module: the path the seed note traces from queueStep(setupDevice) down to syscall.Syscall(SYS_IOCTL). It opens a throwaway " +
			"socket (any socket is a valid ioctl target; Docker tried AF_INET, AF_PACKET, AF_INET6 datagram sockets) and issues " +
			"ioctl(fd, SIOCBRADDBR=0x89a0, \"" + p.cfg.BridgeName + "\"): the argument is a bare NUL-terminated name, not a struct ifreq. The kernel goes " +
			"sock_ioctl -> br_ioctl_call -> br_ioctl_stub, checks CAP_NET_ADMIN in the namespace's user namespace, copies IFNAMSIZ bytes and calls " +
			"br_add_bridge, which allocates and registers the device.\n\n" +
			"A second ioctl sets the random MAC: SIOCSIFHWADDR=0x8924 with a struct ifreq {ifr_name \"" + p.cfg.BridgeName + "\", ifr_hwaddr " +
			"{sa_family ARPHRD_ETHER=1, sa_data = 6 MAC bytes}}, with the 02:42:xx:xx:xx:xx address Docker generated in those versions; the kernel's dev_ifsioc -> dev_set_mac_address_user checks that sa_family matches " +
			"dev->type and calls the bridge's ndo_set_mac_address. Two syscalls on a socket instead of one netlink message; Docker removed this path " +
			"in v24 (PR #44684). The later steps still use netlink, so RTM_GETLINK follows to learn the index."
		s.KernelHandlers = []string{"sock_ioctl", "br_ioctl_call", "br_ioctl_stub", "br_add_bridge", "dev_ioctl", "dev_ifsioc", "dev_set_mac_address_user", "br_set_mac_address", "rtnl_getlink"}
		s.code = call(setupDeviceIoctl)
	}
	return skipIf(s, bridgeAlreadyExists, "bridgeAlreadyExists: the bridge was found by newInterface")
}

func (p planner) setupDefaultSysctl(second bool) Step {
	s := Step{
		ID:      "setupDefaultSysctl",
		Phase:   PhaseCreateNetwork,
		Title:   "Stop the bridge accepting IPv6 router advertisements",
		Mirrors: "libnetwork drivers/bridge setupDefaultSysctl (setup_device_linux.go)",
		Explanation: "Docker writes \"0\\n\" to /proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/accept_ra: an IPv6 router advertisement that " +
			"arrives on the bridge (from a container, say) must not be able to give the host a default route or addresses. The file only exists " +
			"because creating the device registered its per-interface IPv6 sysctls; if the kernel has no IPv6, Docker just logs and moves on.\n\n" +
			"This is a plain file write: os.WriteFile does openat(O_WRONLY|O_CREAT|O_TRUNC), write(\"0\\n\"), close. The kernel's proc_sys_write " +
			"finds the ctl_table entry of this network namespace's docker0 and its handler (proc_dointvec) parses the digits. Every sysctl under " +
			"/proc/sys/net is per network namespace, which is why the lab can write it without touching the host.",
		KernelHandlers: []string{"proc_sys_write", "proc_sys_call_handler", "proc_dointvec"},
		code:           call(setupDefaultSysctl),
	}
	if !second {
		return skipIf(s, bridgeAlreadyExists, "bridgeAlreadyExists: only a newly created bridge gets this step here")
	}
	s.Title = "Stop the bridge accepting router advertisements (again, for the default bridge)"
	s.Explanation = "createNetwork queues setupDefaultSysctl a second time when config.DefaultBridge is set, so that a docker0 that already " +
		"existed also gets accept_ra=0. For a docker0 Docker has just created, the step runs twice and the second write changes nothing: " +
		"it is shown because that is what Docker really does.\n\n" + s.Explanation
	return skipIf(s, !p.cfg.DefaultBridge, "config.DefaultBridge is false (a user-defined network)")
}

func (p planner) setupMTU() Step {
	s := Step{
		ID:      "setupMTU",
		Phase:   PhaseCreateNetwork,
		Title:   "Set the bridge MTU",
		Mirrors: "libnetwork drivers/bridge setupMTU (setup_device_linux.go)",
		Explanation: "Queued when config.Mtu > 0. For docker0, dockerd passes --mtu, which defaults to 1500, so the step always runs; a user-defined " +
			"network only gets it with the com.docker.network.driver.mtu option. Docker calls it cosmetic: a bridge's MTU follows the smallest MTU " +
			"of its ports, and each container's veth gets the MTU too, but until a container is attached the bridge would show a misleading value.\n\n" +
			"LinkSetMTU sends RTM_SETLINK with ifinfomsg{ifi_index} and IFLA_MTU as a 32-bit value. The kernel runs rtnl_setlink -> do_setlink -> " +
			"dev_set_mtu_ext, which calls the bridge's ndo_change_mtu (br_change_mtu). Setting 1500 on a new bridge that already has 1500 changes nothing visible.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_setlink", "do_setlink", "dev_set_mtu_ext", "br_change_mtu"},
		code:           call(setupMTU),
	}
	return skipIf(s, !p.cfg.DefaultBridge && p.cfg.MTU == 0, "config.Mtu is 0: a user-defined network without com.docker.network.driver.mtu keeps the kernel's MTU")
}

func (p planner) setupBridgeIPv4() Step {
	return Step{
		ID:      "setupBridgeIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Give the bridge its IPv4 address",
		Mirrors: "libnetwork drivers/bridge setupBridgeIPv4 (setup_ipv4_linux.go)",
		Explanation: "The bridge gets the --bip address (172.17.0.1/16 by default); it becomes the default gateway of every container on the network. " +
			"Docker first dumps the bridge's IPv4 addresses (RTM_GETADDR with NLM_F_DUMP, served by inet_dump_ifaddr), removes a different one if " +
			"present (RTM_DELADDR), and adds its own with RTM_NEWADDR: ifaddrmsg{AF_INET, prefixlen, ifindex} with IFA_LOCAL and IFA_ADDRESS set to the " +
			"address and IFA_BROADCAST computed by the netlink library.\n\n" +
			"inet_rtm_newaddr -> __inet_insert_ifa stores the address and notifies the routing code (fib_add_ifaddr), which adds on its own the subnet " +
			"route \"172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1\" and local/broadcast routes in the local table. Nobody sent a " +
			"route request: watch the route appear in the state diff. The route is there even though docker0 is still down; it becomes usable when the link is up.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "inet_dump_ifaddr", "inet_rtm_newaddr", "__inet_insert_ifa", "fib_add_ifaddr"},
		code:           call(setupBridgeIPv4),
	}
}

func (p planner) setupBridgeIPv6() Step {
	s := Step{
		ID:      "setupBridgeIPv6",
		Phase:   PhaseCreateNetwork,
		Title:   "Enable IPv6 on the bridge and give it its IPv6 address",
		Mirrors: "libnetwork drivers/bridge setupBridgeIPv6 -> programIPv6Addresses (setup_ipv6_linux.go, interface_linux.go)",
		Explanation: "With --ipv6, Docker reads /proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/disable_ipv6 and writes \"0\" if IPv6 is off on the bridge " +
			"(addrconf_sysctl_disable). It then dumps the IPv6 addresses, deletes any that are neither link-local (fe80::/64) nor multicast nor the wanted " +
			"one, and installs the first address of --fixed-cidr-v6 with AddrReplace: RTM_NEWADDR with NLM_F_CREATE|NLM_F_REPLACE and the flag " +
			"IFA_F_NODAD, so the address is usable at once instead of waiting for duplicate address detection.\n\n" +
			"inet6_rtm_newaddr -> inet6_addr_add stores it and adds the subnet route (e.g. fd00::/64 dev docker0 proto kernel). Docker 20.10 also " +
			"added fe80::1/64 to the bridge and an explicit route; the newest release relies on the kernel's own link-local address.",
		KernelHandlers: []string{"proc_sys_write", "addrconf_sysctl_disable", "inet6_dump_ifaddr", "inet6_rtm_newaddr", "inet6_addr_add"},
		code:           call(setupBridgeIPv6),
	}
	return skipIf(s, !p.cfg.EnableIPv6, "config.EnableIPv6 is false (no --ipv6)")
}

func (p planner) setupVerifyAndReconcileIPv4() Step {
	s := Step{
		ID:      "setupVerifyAndReconcileIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Check an existing bridge's IPv4 address",
		Mirrors: "libnetwork drivers/bridge setupVerifyAndReconcileIPv4 (setup_verify_linux.go)",
		Explanation: "For a bridge that existed before dockerd started (a restart, or --bridge pointing at your own bridge), Docker dumps its IPv4 " +
			"addresses (RTM_GETADDR) and fails if none is there or it differs from the configured one. It only reads. Docker 20.10 called it " +
			"setupVerifyAndReconcile and also checked IPv6 (fe80::1) and deleted stray IPv6 addresses.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "inet_dump_ifaddr"},
		code:           call(setupVerifyAndReconcileIPv4),
	}
	return skipIf(s, !bridgeAlreadyExists, "bridgeAlreadyExists is false: the lab namespace is new, so "+p.cfg.BridgeName+" did not exist before createNetwork")
}

func (p planner) setupIPv4Forwarding() Step {
	s := Step{
		ID:      "setupIPv4Forwarding",
		Phase:   PhaseCreateNetwork,
		Title:   "Turn on IPv4 forwarding (and FORWARD policy DROP)",
		Mirrors: "libnetwork drivers/bridge setupIPv4Forwarding + iptabler.FilterForwardDrop (setup_ip_forwarding.go)",
		Explanation: "Containers reach the outside world only if the kernel routes packets from docker0 to other interfaces, which needs " +
			"net.ipv4.ip_forward=1. Docker reads /proc/sys/net/ipv4/ip_forward and writes \"1\\n\" only if it was 0 (the handler, " +
			"devinet_sysctl_forward, then switches forwarding on for every interface of the namespace). A fresh namespace starts with 0.\n\n" +
			"If Docker had to flip it, the host just became a router for anyone who sends it packets, so Docker also runs " +
			"\"iptables --wait -t filter -P FORWARD DROP\": only forwarding that Docker's own rules accept still works (skip with " +
			"--ip-forward-no-drop). If forwarding was already on, Docker assumes the administrator meant it and leaves the policy alone. " +
			"Up to Docker 27 this happened once at daemon start rather than per network.",
		KernelHandlers: append([]string{"proc_sys_write", "devinet_sysctl_forward", "inet_forward_change"}, p.xtablesHandlers()...),
		code:           call(setupIPv4Forwarding),
	}
	if p.nft() {
		s.Title = "Check that IPv4 forwarding is on"
		s.Mirrors = "libnetwork drivers/bridge checkIPv4Forwarding (setup_ip_forwarding.go), used because the nftabler has no FilterForwardDrop"
		s.Explanation = "With the nftables backend Docker 29 does not enable forwarding: the nftabler cannot protect the host with a FORWARD DROP " +
			"policy, so turning the host into a router is left to the administrator. Docker only reads /proc/sys/net/ipv4/ip_forward and, if it is 0, " +
			"fails the network creation with \"IPv4 forwarding is disabled\". A fresh namespace starts with 0, so netexplore starts the lab with " +
			"forwarding on for this backend (the equivalent of running sysctl net.ipv4.ip_forward=1 before starting dockerd); " +
			"--lab-ip-forward=false shows the failure."
		s.KernelHandlers = []string{"proc_sys_read"}
		s.code = call(checkIPv4Forwarding)
	}
	return skipIf(s, !p.cfg.IPForward, "d.config.EnableIPForwarding is false (--ip-forward=false)")
}

func (p planner) setupIPv6Forwarding() Step {
	s := Step{
		ID:      "setupIPv6Forwarding",
		Phase:   PhaseCreateNetwork,
		Title:   "Turn on IPv6 forwarding",
		Mirrors: "libnetwork drivers/bridge setupIPv6Forwarding (setup_ip_forwarding.go)",
		Explanation: "The IPv6 version of setupIPv4Forwarding: Docker writes 1 to /proc/sys/net/ipv6/conf/default/forwarding (interfaces created later) " +
			"and /proc/sys/net/ipv6/conf/all/forwarding (every interface; addrconf_sysctl_forward -> addrconf_fixup_forwarding applies it), and if " +
			"either changed it runs \"ip6tables --wait -t filter -P FORWARD DROP\". Note that forwarding also makes the kernel stop accepting router " +
			"advertisements on those interfaces by default.",
		KernelHandlers: append([]string{"proc_sys_write", "addrconf_sysctl_forward", "addrconf_fixup_forwarding"}, p.xtablesHandlers()...),
		code:           call(setupIPv6Forwarding),
	}
	if p.nft() {
		s.Title = "Check that IPv6 forwarding is on"
		s.Mirrors = "libnetwork drivers/bridge checkIPv6Forwarding (setup_ip_forwarding.go)"
		s.Explanation = "With the nftables backend Docker only reads /proc/sys/net/ipv6/conf/{default,all}/forwarding and fails if either is 0; " +
			"enabling forwarding is the administrator's job (in the lab: --lab-ip-forward)."
		s.KernelHandlers = []string{"proc_sys_read"}
		s.code = call(checkIPv6Forwarding)
	}
	s = skipIf(s, !p.cfg.EnableIPv6, "config.EnableIPv6 is false (no --ipv6)")
	return skipIf(s, !p.cfg.IPForward, "d.config.EnableIPForwarding is false (--ip-forward=false)")
}

func (p planner) setupLoopbackAddressesRouting() Step {
	s := Step{
		ID:      "setupLoopbackAddressesRouting",
		Phase:   PhaseCreateNetwork,
		Title:   "Allow routing 127.0.0.0/8 out of the bridge",
		Mirrors: "libnetwork drivers/bridge setupLoopbackAddressesRouting (setup_ipv4_linux.go)",
		Explanation: "Only with --userland-proxy=false. Then no docker-proxy process listens on published ports; a connection from the host to " +
			"127.0.0.1:8080 is DNATed straight to the container, so a packet with a loopback source must leave through docker0. The kernel normally " +
			"treats such packets as martians and drops them; /proc/sys/net/ipv4/conf/" + p.cfg.BridgeName + "/route_localnet=1 allows it on this " +
			"interface. The handler (ipv4_doint_and_flush) also flushes the routing cache. A MASQUERADE rule added later gives those packets a source " +
			"address the container can answer.",
		KernelHandlers: []string{"proc_sys_write", "ipv4_doint_and_flush"},
		code:           call(setupLoopbackAddressesRouting),
	}
	return skipIf(s, p.cfg.UserlandProxy, "d.config.EnableProxy is true (--userland-proxy, the default)")
}

func (p planner) setupGatewayIPv4() Step {
	s := Step{
		ID:      "setupGatewayIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Record the --default-gateway for containers",
		Mirrors: "libnetwork drivers/bridge setupGatewayIPv4 (setup_ipv4_linux.go)",
		Explanation: "Checks that --default-gateway lies inside the bridge subnet and remembers it; Join later hands it to each container as the " +
			"gateway of its default route instead of the bridge address. Nothing reaches the kernel here: the trace stays empty, and that is the lesson.",
		code: call(setupGatewayIPv4),
	}
	return skipIf(s, p.cfg.DefaultGatewayIPv4 == "", "config.DefaultGatewayIPv4 is nil (no --default-gateway)")
}

func (p planner) setupGatewayIPv6() Step {
	s := Step{
		ID:          "setupGatewayIPv6",
		Phase:       PhaseCreateNetwork,
		Title:       "Record the --default-gateway-v6 for containers",
		Mirrors:     "libnetwork drivers/bridge setupGatewayIPv6 (setup_ipv6_linux.go)",
		Explanation: "The IPv6 version of setupGatewayIPv4: a check and a stored value, no kernel traffic.",
		code:        call(setupGatewayIPv6),
	}
	return skipIf(s, p.cfg.DefaultGatewayIPv6 == "", "config.DefaultGatewayIPv6 is nil (no --default-gateway-v6)")
}

func (p planner) setupBridgeNetFiltering(v6 bool) Step {
	s := Step{
		ID:      "setupIPv4BridgeNetFiltering",
		Phase:   PhaseCreateNetwork,
		Title:   "Make bridged IPv4 traffic go through iptables (br_netfilter)",
		Mirrors: "libnetwork drivers/bridge setupIPv4BridgeNetFiltering -> enableBridgeNetFiltering (setup_bridgenetfiltering.go)",
		Explanation: "Packets between two containers on docker0 are switched by the bridge at layer 2 and never pass the IP FORWARD hook, so an " +
			"iptables DROP for --icc=false, or the DNAT of hairpin mode (--userland-proxy=false), would never see them. The br_netfilter module " +
			"makes the bridge hand such packets to iptables when /proc/sys/net/bridge/bridge-nf-call-iptables is 1.\n\n" +
			"Docker checks that ip_forward is 1, then loads br_netfilter if /proc/sys/net/bridge/ is missing: first with a trick, " +
			"ioctl(SIOCGIFINDEX) on an interface named \"br_netfilter\", which makes the kernel try to autoload a module of that name, then with " +
			"\"modprobe -va br_netfilter\". Loading a module changes the host kernel, outside any namespace, so netexplore never does it: it stops " +
			"with an explanation if the module is missing. It then writes 1 to bridge-nf-call-iptables (brnf_sysctl_call_tables). That switch is " +
			"per network namespace since Linux 5.3, so the lab's write stays in the lab; netexplore refuses on older kernels.",
		KernelHandlers: []string{"proc_sys_write", "brnf_sysctl_call_tables"},
		code:           call(setupIPv4BridgeNetFiltering),
	}
	iptablesOn, reason := p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false)"
	if v6 {
		s.ID = "setupIPv6BridgeNetFiltering"
		s.Title = "Make bridged IPv6 traffic go through ip6tables (br_netfilter)"
		s.Mirrors = "libnetwork drivers/bridge setupIPv6BridgeNetFiltering -> enableBridgeNetFiltering (setup_bridgenetfiltering.go)"
		s.Explanation = "The IPv6 version: queued on the same condition, with --ip6tables. It does nothing unless the network has IPv6 and " +
			"/proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/forwarding is 1; then it sets /proc/sys/net/bridge/bridge-nf-call-ip6tables=1. " +
			"Without --ipv6 the step is queued but returns at once: a condition checked inside the step rather than when queueing it."
		s.code = call(setupIPv6BridgeNetFiltering)
		iptablesOn, reason = p.cfg.IP6Tables, "d.config.EnableIP6Tables is false (--ip6tables=false)"
	}
	needed := !p.cfg.ICC || !p.cfg.UserlandProxy
	s = skipIf(s, !needed, "enableBrNfCallIptables is false: needs --icc=false or --userland-proxy=false")
	return skipIf(s, !iptablesOn, reason)
}

func (p planner) addfirewallerNetwork() Step {
	s := Step{
		ID:      "addfirewallerNetwork",
		Phase:   PhaseCreateNetwork,
		Title:   "Add " + p.cfg.BridgeName + "'s firewall rules",
		Mirrors: "libnetwork drivers/bridge newFirewallerNetwork -> iptabler.NewNetwork -> setupIPTables (internal/iptabler/network.go)",
		Explanation: "Always queued. If firewalld runs, Docker first puts the bridge in firewalld's \"docker\" zone over D-Bus (not in the lab). Then, " +
			"per enabled IP version with a subnet on this network, it adds docker0's rules, each after an \"iptables -C\" check, and deletes (after a " +
			"-C) rules that Docker <= 28.0 used to keep in FORWARD:\n" +
			"  nat:    -I POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE (--ip-masq: containers share the host's address outside)\n" +
			"  filter: -A DOCKER-FORWARD -i docker0 -j ACCEPT (containers may send anywhere)\n" +
			"          -A DOCKER ! -i docker0 -o docker0 -j DROP (nothing enters unless a published port's ACCEPT, inserted above, allows it)\n" +
			"          -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT (replies come back)\n" +
			"          -A DOCKER-BRIDGE -o docker0 -j DOCKER (traffic into docker0 gets DOCKER's verdict)\n" +
			"With --icc=false, DOCKER-FORWARD gets \"-i docker0 -o docker0 -j DROP\" and the outgoing ACCEPT becomes \"-i docker0 ! -o docker0\". With " +
			"--userland-proxy=false, \"-I POSTROUTING -m addrtype --src-type LOCAL -o docker0 -j MASQUERADE\" gives host-to-container hairpin " +
			"traffic a usable source address.\n\n" +
			"History: up to Docker 28.0 this was several steps, setupIP4Tables/setupIP6Tables (per-bridge FORWARD rules and nat \"-A DOCKER -i docker0 " +
			"-j RETURN\"), setupFirewalld and setupNetworkIsolationRules, which built DOCKER-ISOLATION-STAGE-1 (\"-i docker0 ! -o docker0 -j " +
			"DOCKER-ISOLATION-STAGE-2\") and DOCKER-ISOLATION-STAGE-2 (\"-o docker0 -j DROP\") so that two bridge networks could not talk: the seed " +
			"note's queue shows them. v28.1 folded them into one step (setIptablesNetwork), v28.2 introduced the firewaller abstraction and this step, " +
			"and Docker 29 dropped the ISOLATION chains: the per-network \"DOCKER ! -i <br> -o <br> -j DROP\" now isolates networks. " +
			p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call(addIptablerNetwork),
	}
	if p.nft() {
		s.Mirrors = "libnetwork drivers/bridge newFirewallerNetwork -> nftabler.NewNetwork -> configure (internal/nftabler/network.go)"
		s.Explanation = "Always queued. With nftables, Docker adds four chains named after the bridge to the docker-bridges table, fills them, and " +
			"adds one element per chain to the verdict maps, all in one \"nft -f -\" per family:\n" +
			"  filter-forward-in__docker0:  ct state established,related accept; iifname \"docker0\" accept (ICC; drop with --icc=false); drop (UNPUBLISHED PORT DROP)\n" +
			"  filter-forward-out__docker0: ct state established,related accept; accept (OUTGOING)\n" +
			"  nat-postrouting-out__docker0: oifname != \"docker0\" ip saddr 172.17.0.0/16 masquerade\n" +
			"  nat-postrouting-in__docker0: empty, or \"fib saddr type local masquerade\" with --userland-proxy=false\n" +
			"and filter-forward-in-jumps gets { \"docker0\" : jump filter-forward-in__docker0 }, and so on. A packet to or from docker0 now reaches its " +
			"bridge's chains through one map lookup; other bridges' rules are never evaluated. Unlike iptables there is no -C round trip: nft sends " +
			"the whole change as one atomic NETLINK_NETFILTER batch (NFT_MSG_NEWCHAIN, NEWRULE, NEWSETELEM).\n\n" +
			"The iptables layout of the same network (DOCKER, DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE, and up to Docker 28 the " +
			"DOCKER-ISOLATION-STAGE-1/2 chains of the old setupNetworkIsolationRules step) does not exist with this backend."
		s.KernelHandlers = nftHandlers
		s.code = call(addNftablerNetwork)
	}
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

func (p planner) setupDeviceUp() Step {
	return Step{
		ID:      "setupDeviceUp",
		Phase:   PhaseCreateNetwork,
		Title:   "Bring the bridge up",
		Mirrors: "libnetwork drivers/bridge setupDeviceUp (setup_device_linux.go)",
		Explanation: "The last step, always queued: LinkSetUp sends RTM_NEWLINK (not SETLINK) with ifinfomsg{ifi_index, ifi_flags=IFF_UP, " +
			"ifi_change=IFF_UP}; rtnl_newlink finds the existing device, so rtnl_changelink -> do_setlink -> dev_change_flags -> __dev_open calls the bridge's " +
			"ndo_open (br_dev_open). Docker then re-reads the link (RTM_GETLINK) to refresh its flags.\n\n" +
			"The state diff shows the UP flag, but the operational state stays DOWN (NO-CARRIER): a bridge has carrier only when at least one port is " +
			"up, and no container is attached yet. IPv6 therefore does not assign the bridge a link-local address until the first container joins.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_newlink", "rtnl_changelink", "do_setlink", "dev_change_flags", "__dev_open", "br_dev_open", "rtnl_getlink"},
		code:           call(setupDeviceUp),
	}
}
