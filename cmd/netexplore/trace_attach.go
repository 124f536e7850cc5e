package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/trace/probe"
)

// attachFlags are trace's flags for processes that already run: -p, like
// strace -p, and --netns.
type attachFlags struct {
	pids  pidList
	netns string
	// ino is the inode of --netns's namespace, once resolved.
	ino uint32
}

// pidList is the value of a repeatable -p flag.
type pidList []int

// String implements flag.Value.
func (l *pidList) String() string {
	var s []string
	for _, p := range *l {
		s = append(s, strconv.Itoa(p))
	}
	return strings.Join(s, ",")
}

// Set implements flag.Value: one PID, or several separated by commas.
func (l *pidList) Set(v string) error {
	for _, f := range strings.Split(v, ",") {
		pid, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || pid <= 0 {
			return fmt.Errorf("%q is not a process ID", f)
		}
		*l = append(*l, pid)
	}
	return nil
}

// addAttachFlags registers -p and --netns on trace's flag set.
func addAttachFlags(fs *flag.FlagSet) *attachFlags {
	a := &attachFlags{}
	fs.Var(&a.pids, "p", "attach to the running process `PID` and the children it starts from now on, like strace -p "+
		"(repeatable); Ctrl-C detaches and leaves it running")
	fs.StringVar(&a.netns, "netns", "", "trace every process while it acts in this network namespace: `PATH` "+
		"(/run/netns/NAME, /proc/PID/ns/net) or the PID of a process in it; Ctrl-C stops")
	return a
}

// active reports whether trace attaches instead of running a command.
func (a *attachFlags) active() bool { return len(a.pids) > 0 || a.netns != "" }

// prepare checks the flags against the command line and resolves --netns;
// argv is what follows the flags.
func (a *attachFlags) prepare(argv []string) error {
	if !a.active() {
		return nil
	}
	if len(argv) > 0 {
		return fmt.Errorf("-p and --netns trace processes that already run: drop the command %q, or trace it alone", strings.Join(argv, " "))
	}
	if len(a.pids) > 0 && a.netns != "" {
		return errors.New("use -p or --netns, not both: --netns already traces every process in the namespace")
	}
	for _, pid := range a.pids {
		if err := unix.Kill(pid, 0); err != nil && !errors.Is(err, unix.EPERM) {
			return fmt.Errorf("-p %d: no such process", pid)
		}
	}
	if a.netns != "" {
		ino, err := netnsInode(a.netns)
		if err != nil {
			return err
		}
		a.ino = ino
	}
	return nil
}

// netnsInode resolves --netns: a file that is a network namespace, or the
// PID of a process whose namespace it is.
func netnsInode(arg string) (uint32, error) {
	path := arg
	if pid, err := strconv.Atoi(arg); err == nil && pid > 0 {
		path = "/proc/" + arg + "/ns/net"
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("--netns %s: %w", arg, err)
	}
	defer unix.Close(fd)
	// NS_GET_NSTYPE tells a namespace file from any other file.
	const nsGetNstype = 0xb703
	typ, err := unix.IoctlRetInt(fd, nsGetNstype)
	if err != nil || typ != unix.CLONE_NEWNET {
		return 0, fmt.Errorf("--netns %s: not a network namespace (give /run/netns/NAME, /proc/PID/ns/net or a PID)", arg)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, fmt.Errorf("--netns %s: %w", arg, err)
	}
	return uint32(st.Ino), nil
}

// attachPoll is how often an attached trace checks whether what it
// follows is still there.
const attachPoll = 200 * time.Millisecond

// run traces the processes of -p, or the namespace of --netns, until
// Ctrl-C or SIGTERM, or until every followed process has exited (-p). The
// processes are never signalled: detaching only unloads the probe.
func (a *attachFlags) run(tracer *probe.Probe, sigs <-chan os.Signal, backlogSize int,
	report *traceReport, newPrinter func(*probe.Backlog) *tracePrinter) error {
	for _, pid := range a.pids {
		if err := tracer.Follow(pid); err != nil {
			return err
		}
	}
	backlog := probe.NewBacklog(backlogSize, "")
	defer backlog.Release()
	pr := newPrinter(backlog)
	// No command of netexplore's to give way to: print at once.
	pr.unyield()
	filled := make(chan error, 1)
	go func() { filled <- probe.Fill(tracer, backlog) }()
	printed := make(chan error, 1)
	go func() { printed <- pr.run() }()

	if a.netns != "" {
		fmt.Fprintf(report.stderr, "netexplore: tracing every process in network namespace %d (%s); Ctrl-C stops\n", a.ino, a.netns)
	} else {
		fmt.Fprintf(report.stderr, "netexplore: attached to %s; Ctrl-C detaches and leaves it running\n", describePIDs(a.pids))
	}
	started := time.Now()
	tick := time.NewTicker(attachPoll)
	defer tick.Stop()
	why := ""
	for why == "" {
		select {
		case s := <-sigs:
			if s == syscall.SIGPIPE {
				continue // a write to the closed pipe fails and says so
			}
			why = "detached on " + s.String()
		case err := <-printed:
			// The printer ends early only on an error.
			tracer.Detach()
			if errors.Is(err, syscall.EPIPE) {
				return exitError{0}
			}
			return err
		case <-tick.C:
			if len(a.pids) > 0 && len(tracer.Followed()) == 0 {
				why = "every attached process has exited"
			}
		}
	}
	// Unloading the hooks is all detaching takes: the processes run on
	// as if never traced. What is in the ring buffer is still printed.
	tracer.Detach()
	tracer.Drain()
	var err error
	select {
	case err = <-printed:
	case <-time.After(drainLimit):
		// What is not printed by now is counted, not printed.
		backlog.Abandon()
		select {
		case err = <-printed:
		case <-time.After(stuckLimit):
			// The printer is stuck writing to its output (a reader
			// that stopped reading): leave it.
			fmt.Fprintf(report.stderr, "netexplore: %s; the output is not being read, the rest of the trace is dropped\n", why)
			return exitError{1}
		}
	}
	fillErr := <-filled
	if errors.Is(err, syscall.EPIPE) {
		return exitError{0}
	}
	if err := errors.Join(err, fillErr); err != nil {
		return err
	}
	return pr.end(report, tracer, traceSummary{ran: time.Since(started), ended: why})
}

// describePIDs names the attached processes: "pid 1234 (dockerd)".
func describePIDs(pids []int) string {
	var parts []string
	for _, pid := range pids {
		comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		name := strings.TrimSpace(string(comm))
		if err != nil || name == "" {
			name = "?"
		}
		parts = append(parts, fmt.Sprintf("pid %d (%s)", pid, name))
	}
	return strings.Join(parts, ", ")
}
