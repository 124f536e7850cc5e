package steps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	ipv4ForwardConf        = "/proc/sys/net/ipv4/ip_forward"
	ipv6ForwardConfDefault = "/proc/sys/net/ipv6/conf/default/forwarding"
	ipv6ForwardConfAll     = "/proc/sys/net/ipv6/conf/all/forwarding"
	brNfCallIPTables       = "/proc/sys/net/bridge/bridge-nf-call-iptables"
	brNfCallIP6Tables      = "/proc/sys/net/bridge/bridge-nf-call-ip6tables"
)

// setupIPv4ForwardingStep is queued with --ip-forward.
func (p planner) setupIPv4ForwardingStep() Step {
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
		s = p.checkIPv4ForwardingStep(s)
	}
	return skipIf(s, !p.cfg.IPForward, "d.config.EnableIPForwarding is false (--ip-forward=false)")
}

// setupIPv4Forwarding lets the kernel route packets between the bridge and
// the other interfaces. If it had to switch forwarding on, Docker also sets
// the FORWARD policy to DROP, so that the host does not start routing for
// everyone else.
func setupIPv4Forwarding(env *Env) error {
	// openat + read("/proc/sys/net/ipv4/ip_forward"); write "1\n" only if it was 0.
	changed, err := configureIPForwarding(ipv4ForwardConf, '1')
	if err != nil {
		return err
	}
	env.ipv4ForwardingChanged = changed
	if !changed {
		env.notef("ip_forward was already 1: nothing written, FORWARD policy left alone")
		return nil
	}
	env.notef("ip_forward was 0: wrote 1")
	if !env.Config.IPTables || env.Config.IPForwardNoDrop {
		env.notef("FORWARD policy not changed (--iptables=false or --ip-forward-no-drop)")
		return nil
	}
	// exec iptables --wait -t filter -P FORWARD DROP
	if err := filterForwardDrop(env, "iptables"); err != nil {
		_, _ = configureIPForwarding(ipv4ForwardConf, '0') // undo, as Docker does
		return err
	}
	return nil
}

// checkIPv4ForwardingStep is setupIPv4Forwarding with the nftables backend,
// which only checks.
func (p planner) checkIPv4ForwardingStep(s Step) Step {
	s.Title = "Check that IPv4 forwarding is on"
	s.Mirrors = "libnetwork drivers/bridge checkIPv4Forwarding (setup_ip_forwarding.go), used because the nftabler has no FilterForwardDrop"
	s.Explanation = "With the nftables backend Docker 29 does not enable forwarding: the nftabler cannot protect the host with a FORWARD DROP " +
		"policy, so turning the host into a router is left to the administrator. Docker only reads /proc/sys/net/ipv4/ip_forward and, if it is 0, " +
		"fails the network creation with \"IPv4 forwarding is disabled\". A fresh namespace starts with 0, so netexplore starts the lab with " +
		"forwarding on for this backend (the equivalent of running sysctl net.ipv4.ip_forward=1 before starting dockerd); " +
		"--lab-ip-forward=false shows the failure."
	s.KernelHandlers = []string{"proc_sys_read"}
	s.code = call(checkIPv4Forwarding)
	return s
}

// checkIPv4Forwarding is what Docker 29 runs instead of setupIPv4Forwarding
// with the nftables backend: it only reads the sysctl, because that backend
// cannot protect the host with a FORWARD DROP policy.
func checkIPv4Forwarding(env *Env) error {
	// openat + read("/proc/sys/net/ipv4/ip_forward")
	v, err := readSysctl(ipv4ForwardConf)
	if err != nil {
		return fmt.Errorf("checking IPv4 forwarding: %w", err)
	}
	if v != '1' {
		return errors.New("IPv4 forwarding is disabled: check your host's firewalling and set sysctl net.ipv4.ip_forward=1, or disable this check using daemon option --ip-forward=false (in netexplore: --lab-ip-forward)")
	}
	return nil
}

// setupIPv6ForwardingStep is queued with --ipv6 and --ip-forward.
func (p planner) setupIPv6ForwardingStep() Step {
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
		s = p.checkIPv6ForwardingStep(s)
	}
	s = skipIf(s, !p.cfg.EnableIPv6, "config.EnableIPv6 is false (no --ipv6)")
	return skipIf(s, !p.cfg.IPForward, "d.config.EnableIPForwarding is false (--ip-forward=false)")
}

// setupIPv6Forwarding switches on IPv6 forwarding: "default" for interfaces
// created later, "all" for every interface (which also sets "default").
func setupIPv6Forwarding(env *Env) error {
	changedDef, err := configureIPForwarding(ipv6ForwardConfDefault, '1')
	if err != nil {
		return err
	}
	changedAll, err := configureIPForwarding(ipv6ForwardConfAll, '1')
	if err != nil {
		return err
	}
	env.ipv6ForwardingChanged = changedDef || changedAll
	if !env.ipv6ForwardingChanged {
		env.notef("IPv6 forwarding was already on: nothing written")
		return nil
	}
	if !env.Config.IP6Tables || env.Config.IPForwardNoDrop {
		return nil
	}
	// exec ip6tables --wait -t filter -P FORWARD DROP
	return filterForwardDrop(env, "ip6tables")
}

// checkIPv6ForwardingStep is setupIPv6Forwarding with the nftables backend,
// which only checks.
func (p planner) checkIPv6ForwardingStep(s Step) Step {
	s.Title = "Check that IPv6 forwarding is on"
	s.Mirrors = "libnetwork drivers/bridge checkIPv6Forwarding (setup_ip_forwarding.go)"
	s.Explanation = "With the nftables backend Docker only reads /proc/sys/net/ipv6/conf/{default,all}/forwarding and fails if either is 0; " +
		"enabling forwarding is the administrator's job (in the lab: --lab-ip-forward)."
	s.KernelHandlers = []string{"proc_sys_read"}
	s.code = call(checkIPv6Forwarding)
	return s
}

// checkIPv6Forwarding is the nftables backend's read-only version.
func checkIPv6Forwarding(env *Env) error {
	def, err := readSysctl(ipv6ForwardConfDefault)
	if err != nil {
		return fmt.Errorf("checking IPv6 default forwarding: %w", err)
	}
	all, err := readSysctl(ipv6ForwardConfAll)
	if err != nil {
		return fmt.Errorf("checking IPv6 global forwarding: %w", err)
	}
	if def != '1' || all != '1' {
		return errors.New("IPv6 global forwarding is disabled: set sysctls net.ipv6.conf.all.forwarding=1 and net.ipv6.conf.default.forwarding=1, or use --ip-forward=false (in netexplore: --lab-ip-forward)")
	}
	return nil
}

// setupLoopbackAddressesRoutingStep is queued with --userland-proxy=false.
func (p planner) setupLoopbackAddressesRoutingStep() Step {
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

// setupLoopbackAddressesRouting lets packets from 127.0.0.0/8 be routed out
// of the bridge. Without the userland proxy, a connection to a published
// port on 127.0.0.1 is DNATed to a container and must leave via docker0.
func setupLoopbackAddressesRouting(env *Env) error {
	path := "/proc/sys/net/ipv4/conf/" + env.Config.BridgeName + "/route_localnet"
	// openat + read
	v, err := readSysctl(path)
	if err != nil {
		return fmt.Errorf("cannot read IPv4 local routing setup: %w", err)
	}
	if v != '1' {
		// openat + write("1\n")
		if err := writeSysctl(path, '1'); err != nil {
			return fmt.Errorf("unable to enable local routing for hairpin mode: %w", err)
		}
	}
	return nil
}

// setupBridgeNetFilteringStep is setupIPv4BridgeNetFiltering or, with v6, its
// IPv6 twin: queued when bridged traffic must pass the firewall.
func (p planner) setupBridgeNetFilteringStep(v6 bool) Step {
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
		s = p.setupIPv6BridgeNetFilteringStep(s)
		iptablesOn, reason = p.cfg.IP6Tables, "d.config.EnableIP6Tables is false (--ip6tables=false)"
	}
	needed := !p.cfg.ICC || !p.cfg.UserlandProxy
	s = skipIf(s, !needed, "enableBrNfCallIptables is false: needs --icc=false or --userland-proxy=false")
	return skipIf(s, !iptablesOn, reason)
}

// setupIPv4BridgeNetFiltering makes bridged IPv4 packets traverse iptables,
// which icc=false (a DROP between two ports of the same bridge) and hairpin
// NAT need. That takes the br_netfilter module.
func setupIPv4BridgeNetFiltering(env *Env) error {
	// openat + read: Docker only bothers when forwarding is on.
	if v, err := readSysctl(ipv4ForwardConf); err != nil || v != '1' {
		env.notef("ip_forward is not 1: nothing to do")
		return nil
	}
	return enableBridgeNetFiltering(env, brNfCallIPTables)
}

// setupIPv6BridgeNetFilteringStep is setupIPv4BridgeNetFiltering's twin
// for IPv6, the next entry of createNetwork's queue.
func (p planner) setupIPv6BridgeNetFilteringStep(s Step) Step {
	s.ID = "setupIPv6BridgeNetFiltering"
	s.Title = "Make bridged IPv6 traffic go through ip6tables (br_netfilter)"
	s.Mirrors = "libnetwork drivers/bridge setupIPv6BridgeNetFiltering -> enableBridgeNetFiltering (setup_bridgenetfiltering.go)"
	s.Explanation = "The IPv6 version: queued on the same condition, with --ip6tables. It does nothing unless the network has IPv6 and " +
		"/proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/forwarding is 1; then it sets /proc/sys/net/bridge/bridge-nf-call-ip6tables=1. " +
		"Without --ipv6 the step is queued but returns at once: a condition checked inside the step rather than when queueing it."
	s.code = call(setupIPv6BridgeNetFiltering)
	return s
}

// setupIPv6BridgeNetFiltering is the IPv6 version; it does nothing for a
// network without IPv6 even though it is queued.
func setupIPv6BridgeNetFiltering(env *Env) error {
	if !env.Config.EnableIPv6 {
		env.notef("the network has no IPv6: nothing to do")
		return nil
	}
	path := "/proc/sys/net/ipv6/conf/" + env.Config.BridgeName + "/forwarding"
	if v, err := readSysctl(path); err != nil || v != '1' {
		env.notef("%s is not 1: nothing to do", path)
		return nil
	}
	return enableBridgeNetFiltering(env, brNfCallIP6Tables)
}

// enableBridgeNetFiltering checks that br_netfilter is there and sets one
// of its bridge-nf-call-* switches. It never loads the module: that would
// change the host kernel, outside the lab namespace.
func enableBridgeNetFiltering(env *Env, path string) error {
	// newfstatat: the file exists once br_netfilter is loaded (or built in).
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("br_netfilter is not loaded (%s is missing): Docker would load it now "+
			"(ioctl SIOCGIFINDEX \"br_netfilter\" to trigger autoload, else modprobe -va br_netfilter); "+
			"that changes the host kernel, so netexplore does not: run modprobe br_netfilter yourself and retry", path)
	}
	if err := checkPerNetNSBrNetfilter(); err != nil {
		return err
	}
	v, err := readSysctl(path)
	if err != nil {
		return fmt.Errorf("cannot restrict inter-container communication or run without the userland proxy: %w", err)
	}
	if v == '1' {
		env.notef("%s is already 1 in this namespace", path)
		return nil
	}
	// openat + write("1\n"), in the lab namespace only (per-netns since Linux 5.3).
	return writeSysctl(path, '1')
}

// checkPerNetNSBrNetfilter refuses to write br_netfilter's switches on a
// kernel older than 5.3, where they were global and the write would reach
// the host.
func checkPerNetNSBrNetfilter() error {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return fmt.Errorf("uname: %w", err)
	}
	release := unix.ByteSliceToString(u.Release[:])
	major, minor, ok := kernelVersion(release)
	if !ok {
		return fmt.Errorf("cannot tell whether bridge-nf-call-* is per network namespace on kernel %q: not writing it", release)
	}
	if major < 5 || (major == 5 && minor < 3) {
		return fmt.Errorf("kernel %s keeps bridge-nf-call-* global (per namespace only since 5.3): writing it would change the host, so netexplore does not", release)
	}
	return nil
}

// kernelVersion parses "6.18.44-foo" into 6, 18.
func kernelVersion(release string) (major, minor int, ok bool) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	digits := parts[1]
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i]
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(digits)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return major, minor, true
}

// configureIPForwarding reads file and writes val only if the first byte
// differs, reporting whether it wrote.
func configureIPForwarding(file string, val byte) (changed bool, _ error) {
	v, err := readSysctl(file)
	if err != nil {
		return false, fmt.Errorf("cannot read IP forwarding setup from %q: %w", file, err)
	}
	if v == val {
		return false, nil
	}
	if err := writeSysctl(file, val); err != nil {
		return false, fmt.Errorf("failed to set IP forwarding %q = %q: %w", file, val, err)
	}
	return true, nil
}

// readSysctl returns the first byte of a /proc/sys file (os.ReadFile, as
// Docker: openat, read, close).
func readSysctl(path string) (byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, fmt.Errorf("%s is empty", path)
	}
	return b[0], nil
}

// writeSysctl writes "<val>\n" to a /proc/sys file with os.WriteFile, as
// Docker does: openat(O_WRONLY|O_CREAT|O_TRUNC), write, close.
func writeSysctl(path string, val byte) error {
	return os.WriteFile(path, []byte{val, '\n'}, 0o644)
}
