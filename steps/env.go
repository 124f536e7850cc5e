package steps

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"strconv"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Env is what the steps share while they run inside the lab's network
// namespace.
type Env struct {
	// Config is the configuration the plan was made from.
	Config Config
	// Handle is a rtnetlink handle in the current network namespace.
	Handle *netlink.Handle
	// Bridge is the bridge link, set by setupDevice.
	Bridge netlink.Link

	// net holds the addresses the configuration resolves to.
	net resolved
	// gatewayIPv4 and gatewayIPv6 are what Join would hand to containers.
	gatewayIPv4, gatewayIPv6 net.IP
	// ipv4ForwardingChanged records that setupIPv4Forwarding found
	// ip_forward at 0 and wrote 1.
	ipv4ForwardingChanged bool
	// ipv6ForwardingChanged is the same for the IPv6 forwarding sysctls.
	ipv6ForwardingChanged bool

	lookPath func(string) (string, error)
	notes    []string
	commands []CommandRun
}

// NewEnv validates cfg and opens a netlink handle in the current network
// namespace. It refuses to work in the host's namespace (the one PID 1 or
// the parent process is in): the steps change the namespace they run in.
func NewEnv(cfg Config) (*Env, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if err := checkNotHostNetNS(); err != nil {
		return nil, err
	}
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening rtnetlink socket: %w", err)
	}
	return &Env{Config: cfg, Handle: h, net: r, lookPath: exec.LookPath}, nil
}

// Close releases the netlink handle.
func (e *Env) Close() {
	if e.Handle != nil {
		e.Handle.Close()
		e.Handle = nil
	}
}

// notef records a remark for the learner about what the running step saw
// or decided.
func (e *Env) notef(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// takeRecords returns and clears the notes and commands recorded so far.
func (e *Env) takeRecords() ([]string, []CommandRun) {
	n, c := e.notes, e.commands
	e.notes, e.commands = nil, nil
	return n, c
}

// errMissingTool says which program is missing and how to install it.
func errMissingTool(name string) error {
	pkg := name
	switch name {
	case "ip6tables", "iptables-save", "ip6tables-save":
		pkg = "iptables"
	case "nft":
		pkg = "nftables"
	}
	return fmt.Errorf("%s not found: apt-get install %s", name, pkg)
}

// run executes a helper program the way Docker does (exec.Command, combined
// output) and records it. stdin may be nil.
func (e *Env) run(name string, stdin []byte, args ...string) ([]byte, error) {
	path, err := e.lookPath(name)
	if err != nil {
		e.commands = append(e.commands, CommandRun{Args: append([]string{name}, args...), ExitCode: -1})
		return nil, errMissingTool(name)
	}
	cmd := exec.Command(path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	rec := CommandRun{Args: cmd.Args, Stdin: string(stdin), ExitCode: cmd.ProcessState.ExitCode(), Output: string(out)}
	if cmd.ProcessState == nil {
		rec.ExitCode = -1
	}
	e.commands = append(e.commands, rec)
	if err != nil {
		return out, fmt.Errorf("%s %v: %s (%w)", name, args, bytes.TrimSpace(out), err)
	}
	return out, nil
}

// checkNotHostNetNS fails when the caller shares its network namespace with
// its parent process (which started the lab) or with PID 1. PID 1's
// namespace may be unreadable (in a container, without CAP_SYS_PTRACE); the
// parent's must be readable.
func checkNotHostNetNS() error {
	self, err := netns.Inode(0)
	if err != nil {
		return err
	}
	for _, pid := range []int{os.Getppid(), 1} {
		other, err := netns.Inode(pid)
		if err != nil {
			if pid == 1 && errors.Is(err, fs.ErrPermission) {
				continue
			}
			return fmt.Errorf("cannot prove this is a throwaway namespace: %w", err)
		}
		if other == self {
			return errors.New("refusing to run Docker's steps in the host network namespace (shared with process " + strconv.Itoa(pid) + "): run them in a lab (package steps/lab), which starts a fresh namespace")
		}
	}
	return nil
}
