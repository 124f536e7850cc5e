package steps

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Docker 20.10's dockerd re-executes itself (pkg/reexec) when it must act
// inside a container's network namespace from a fresh process: a Go
// program's threads cannot all be moved into another namespace, but a new
// single-threaded child can enter it before it starts any thread. The lab
// does the same: it runs its own binary again, through /proc/self/exe,
// with argv[0] naming what to do, exactly the arguments dockerd passes.

// The re-executions of Docker 20.10 the lab reproduces, by argv[0].
const (
	// reexecSetIPv6 is "set-ipv6 <netns path> <interface> <true|false>"
	// (osl/namespace_linux.go).
	reexecSetIPv6 = "set-ipv6"
	// reexecSetupResolver is "setup-resolver <netns path> <udp addr> <tcp
	// addr>" (resolver_unix.go).
	reexecSetupResolver = "setup-resolver"
)

// reexecEnv marks a re-executed child, so that the program's main (or a
// test binary's TestMain) can hand it over to [ReexecMain]; argv[0] says
// what it is to do.
const reexecEnv = "NETEXPLORE_REEXEC"

// IsReexec reports whether this process is a re-execution the lab started
// (set-ipv6, setup-resolver). The program must then exit with
// [ReexecMain]'s result before doing anything else.
func IsReexec() bool { return os.Getenv(reexecEnv) != "" }

// ReexecMain does the work of a re-executed child named by os.Args[0] and
// returns its exit code.
func ReexecMain() int {
	os.Unsetenv(reexecEnv) // the programs it runs are not re-executions
	var err error
	switch os.Args[0] {
	case reexecSetIPv6:
		err = runSetIPv6(os.Args[1:])
	case reexecSetupResolver:
		err = runSetupResolver(os.Args[1:])
	default:
		err = fmt.Errorf("unknown re-execution %q", os.Args[0])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[0], err)
		return 1
	}
	return 0
}

// reexec runs the lab's own binary as the child name with args, as
// dockerd's reexec.Command does: Path /proc/self/exe, argv[0] name. The
// child's output goes to the step's notes.
func (e *Env) reexec(name string, args ...string) error {
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: append([]string{name}, args...), Env: append(os.Environ(), reexecEnv+"=1")}
	out, err := cmd.CombinedOutput()
	e.commands = append(e.commands, CommandRun{Args: cmd.Args, ExitCode: cmd.ProcessState.ExitCode(), Output: string(out)})
	if err != nil {
		return fmt.Errorf("reexec %s failed: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// enterNetNS moves the calling goroutine's thread, locked to it for good,
// into the network namespace at path, as a re-executed child does first.
func enterNetNS(path string) error {
	runtime.LockOSThread() // never unlocked: the thread stays in the namespace
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("failed get network namespace %q: %w", path, err)
	}
	defer unix.Close(fd)
	// setns(fd, CLONE_NEWNET)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setting into container net ns %s failed: %w", path, err)
	}
	return nil
}

// runSetIPv6 is the set-ipv6 child: it enters the namespace and writes
// disable_ipv6 of one interface ("all" for every one).
func runSetIPv6(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("want <netns path> <interface> <true|false>, got %q", args)
	}
	if err := enterNetNS(args[0]); err != nil {
		return err
	}
	val := byte('1') // "false": IPv6 disabled
	if args[2] == "true" {
		val = '0'
	}
	// openat + write("1\n") to /proc/sys/net/ipv6/conf/<iface>/disable_ipv6
	return writeSysctl("/proc/sys/net/ipv6/conf/"+args[1]+"/disable_ipv6", val)
}

// runSetupResolver is the setup-resolver child: it enters the namespace
// and installs the embedded DNS server's NAT rules there, Docker 20.10's
// way (its iptables package probes iptables first, as in any new process).
func runSetupResolver(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("want <netns path> <udp addr> <tcp addr>, got %q", args)
	}
	if err := enterNetNS(args[0]); err != nil {
		return err
	}
	ipt := xtables{env: &Env{lookPath: exec.LookPath}, cmd: "iptables"}
	// detectIptables: iptables --wait -L -n
	if _, err := ipt.raw("-L", "-n"); err != nil {
		return err
	}
	return resolverNAT(ipt, args[1], args[2])
}

// resolverNAT installs the embedded DNS server's rules in the current
// namespace (both versions): queries to 127.0.0.11:53 are DNATed to the
// ports the server listens on, and its answers get source port 53 back.
// -C checks whether the chains are hooked in already.
func resolverNAT(ipt xtables, udpAddr, tcpAddr string) error {
	ip, udpPort, err := net.SplitHostPort(udpAddr)
	if err != nil {
		return err
	}
	_, tcpPort, err := net.SplitHostPort(tcpAddr)
	if err != nil {
		return err
	}
	for _, hook := range []struct{ base, chain string }{{"OUTPUT", resolverOutputChain}, {"POSTROUTING", resolverPostroutingChain}} {
		// -t nat -C OUTPUT -d 127.0.0.11 -j DOCKER_OUTPUT: flush if hooked, else create and hook.
		if ipt.exists("nat", hook.base, "-d", ip, "-j", hook.chain) {
			if err := ipt.rawCombined("-t", "nat", "-F", hook.chain); err != nil {
				return err
			}
			continue
		}
		if err := ipt.rawCombined("-t", "nat", "-N", hook.chain); err != nil {
			return err
		}
		if err := ipt.rawCombined("-t", "nat", "-I", hook.base, "-d", ip, "-j", hook.chain); err != nil {
			return err
		}
	}
	for _, rule := range [][]string{
		{"-t", "nat", "-I", resolverOutputChain, "-d", ip, "-p", "udp", "--dport", "53", "-j", "DNAT", "--to-destination", udpAddr},
		{"-t", "nat", "-I", resolverPostroutingChain, "-s", ip, "-p", "udp", "--sport", udpPort, "-j", "SNAT", "--to-source", ":53"},
		{"-t", "nat", "-I", resolverOutputChain, "-d", ip, "-p", "tcp", "--dport", "53", "-j", "DNAT", "--to-destination", tcpAddr},
		{"-t", "nat", "-I", resolverPostroutingChain, "-s", ip, "-p", "tcp", "--sport", tcpPort, "-j", "SNAT", "--to-source", ":53"},
	} {
		if err := ipt.rawCombined(rule...); err != nil {
			return fmt.Errorf("set up rule failed, %v: %w", rule, err)
		}
	}
	return nil
}
