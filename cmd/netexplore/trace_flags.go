package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/probe"
)

// traceFlags holds `netexplore trace`'s flags, as parsed. A new flag is one
// line in parseTraceFlags and a field here.
type traceFlags struct {
	format, output, memLimit, user string
	brief, noStacks, detach        bool
	verbose, clock                 counter
	relative, durations            bool
	count, countAndTrace, version  bool
	dataLimit, maxTasks, maxFds    int
	exprs                          listFlag
	attach                         *attachFlags
}

// counter is a flag that counts its occurrences (-v -v), strace style.
type counter int

func (c *counter) String() string     { return strconv.Itoa(int(*c)) }
func (c *counter) IsBoolFlag() bool   { return true }
func (c *counter) Set(s string) error { return addCount(c, s, 1) }

// addCount adds n for a true value and resets for a false one.
func addCount(c *counter, s string, n int) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	if v {
		*c += counter(n)
	} else {
		*c = 0
	}
	return nil
}

// doubled is the -vv or -tt spelling of a counter given twice.
type doubled struct{ c *counter }

func (d doubled) String() string     { return "" }
func (d doubled) IsBoolFlag() bool   { return true }
func (d doubled) Set(s string) error { return addCount(d.c, s, 2) }

// listFlag collects the values of a repeated flag (-e a -e b).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

const traceUsage = `Usage: sudo netexplore trace [flags] -- COMMAND [ARGS...]
       sudo netexplore trace [flags] -p PID [-p PID...] | --netns PATH|PID

Runs COMMAND and prints every ioctl, netlink message (requests and replies,
decoded), /proc/sys read and write, socket option and exec that COMMAND and
its children cause, one line per call, as strace does. ioctls are those on
sockets (SIOC*, SIOCETHTOOL with its ethtool command, SIOCADDRT, SIOCSARP,
the bridge requests, brctl's SIOCDEVPRIVATE with its arguments and the
kernel's answer) and on /dev/net/tun (TUNSETIFF...), with the whole
struct each takes; ioctls on other files (terminals, disks) are not
recorded. Other processes are never recorded. The exit status is COMMAND's (127 when it does not exist).
The last line counts the events and those lost, with the reason for each.

Ctrl-C or SIGTERM stops COMMAND and still prints everything captured; a
second one stops at once, counting what was not printed as lost. If
netexplore dies, COMMAND is killed (see -detach-on-exit); a closed output
pipe ends the trace quietly.

Examples (unshare -n: in a new, empty network namespace, the host untouched):
  sudo unshare -n netexplore trace -- ip link add br0 type bridge
  sudo unshare -n netexplore trace -v -e rtnl=RTM_NEWLINK -- ip link add br0 type bridge
  sudo unshare -n netexplore trace -c -- sh -c 'ip link add br0 type bridge && ip link set br0 up'
  sudo unshare -n netexplore trace -tt -e trace=netlink -- ip -br link
  sudo unshare -n netexplore trace --format json -o - -- ip -br link | jq -c .
  sudo unshare -n netexplore trace -u nobody -- ip link add br0 type bridge
  sudo netexplore trace -p $(pidof dockerd)     # attach; Ctrl-C detaches, dockerd runs on
  sudo netexplore trace --netns /run/netns/lab  # every process acting in that namespace

Filters (-e, several are ANDed; a leading ! negates the values):
  trace=CLASS|SYSCALL,...  classes netlink, ioctl, sysctl, socket, exec, process,
                           or syscall names (sendmsg, ioctl, openat, ...)
  rtnl=TYPE,...            messages of these types or answering them (RTM_NEWLINK,
                           NEWADDR, NFT_MSG_NEWRULE; also msg=TYPE)
  family=FAMILY,...        netlink families: route, nftables (netfilter), generic
                           (genl), sock_diag, xfrm, audit, uevent, ...

Flags:
`

// parseTraceFlags parses trace's arguments. It returns errHelp when help or
// the version was printed, errUsage after a one-line error.
func parseTraceFlags(args []string, stdout, stderr io.Writer) (*traceFlags, []string, error) {
	f := &traceFlags{}
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // help goes to stdout, errors are one line
	fs.StringVar(&f.format, "format", "text", "output format: text (strace-like) or json (one object per line)")
	fs.StringVar(&f.output, "o", "", "write the trace to `FILE` instead of standard error (- for standard output; COMMAND's own output then goes to standard error)")
	fs.BoolVar(&f.brief, "brief", false, "text format: exactly one line per event (message types, no attributes)")
	fs.Var(&f.verbose, "v", "text format: add decoded trees and stack frames (-vv: every tree, dump replies included, and hex bytes)")
	fs.Var(doubled{&f.verbose}, "vv", "same as -v -v")
	fs.Var(&f.clock, "t", "prefix each line with the time of day (-tt: with microseconds); JSON: \"time\"")
	fs.Var(doubled{&f.clock}, "tt", "same as -t -t")
	fs.BoolVar(&f.relative, "r", false, "prefix each line with the time since the previous one, in seconds; JSON: \"relative_us\"")
	fs.BoolVar(&f.durations, "T", false, "show the time spent in each call after its result, in seconds (strace -T: \" <0.000123>\"); JSON: \"duration_us\"")
	fs.Var(&f.exprs, "e", "filter `EXPR`: trace=..., rtnl=..., family=... (see above; repeatable)")
	fs.BoolVar(&f.count, "c", false, "print only a table of calls, errors and message types at the end, with the time of each syscall (strace -c)")
	fs.BoolVar(&f.countAndTrace, "C", false, "like -c, but print the trace too")
	fs.StringVar(&f.user, "u", "", "run COMMAND as `USER` (uid, gid and groups from the user database)")
	fs.BoolVar(&f.noStacks, "no-stacks", false, "do not capture user stacks (slightly faster; text shows them with -v only)")
	fs.IntVar(&f.dataLimit, "data-limit", probe.MaxDataLimit, "payload `BYTES` copied per event (at most 32768); longer payloads are marked truncated")
	fs.IntVar(&f.dataLimit, "s", probe.MaxDataLimit, "same as -data-limit")
	fs.StringVar(&f.memLimit, "memory-limit", "256MiB", "memory netexplore may use (ring buffer, backlog, decoding), as `SIZE` (256MiB, 1GiB); "+
		"when the output falls behind, the backlog goes to an unnamed temporary file")
	fs.IntVar(&f.maxTasks, "max-tasks", probe.DefaultMaxTasks, "processes the probe can follow at once; children beyond are counted as lost")
	fs.IntVar(&f.maxFds, "max-fds", probe.DefaultMaxFds, "open /proc/sys files the probe can track at once; reads and writes beyond are counted as lost")
	fs.BoolVar(&f.detach, "detach-on-exit", false, "if netexplore dies, let COMMAND run on untraced (by default it is killed with netexplore)")
	fs.BoolVar(&f.version, "version", false, "print netexplore's version")
	f.attach = addAttachFlags(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprint(stdout, traceUsage)
		fs.PrintDefaults()
		return nil, nil, errHelp
	}
	if err != nil {
		fmt.Fprintln(stderr, "run 'netexplore trace --help' for the flags")
		return nil, nil, errUsage
	}
	if f.version {
		runVersion(nil, stdout, stderr)
		return nil, nil, errHelp
	}
	if err := f.check(); err != nil {
		fmt.Fprintln(stderr, "netexplore trace:", err)
		return nil, nil, errUsage
	}
	argv := fs.Args()
	if err := f.attach.prepare(argv); err != nil {
		fmt.Fprintln(stderr, "netexplore trace:", err)
		return nil, nil, errUsage
	}
	if len(argv) == 0 && !f.attach.active() {
		fmt.Fprintln(stderr, "netexplore trace: no command: give one after --, e.g. `netexplore trace -- ip link show` (--help for more)")
		return nil, nil, errUsage
	}
	return f, argv, nil
}

// check rejects flag values that cannot work, each with one line.
func (f *traceFlags) check() error {
	switch {
	case f.format != "text" && f.format != "json":
		return fmt.Errorf("unknown --format %q: use text or json", f.format)
	case f.output == "--":
		return errors.New("-o needs a file name (or - for standard output) before --")
	case f.dataLimit < 1 || f.dataLimit > probe.MaxDataLimit:
		return fmt.Errorf("--data-limit (-s) %d: must be between 1 and %d", f.dataLimit, probe.MaxDataLimit)
	case f.maxTasks < 1 || f.maxFds < 1:
		return errors.New("--max-tasks and --max-fds must be at least 1")
	}
	if _, err := analyze.ParseFilter(f.exprs); err != nil {
		return err
	}
	return nil
}

// newPrinter is the printer the flags ask for, reading from b and writing
// to out.
func (f *traceFlags) newPrinter(out io.Writer, b *probe.Backlog, filter *analyze.Filter) *tracePrinter {
	pr := newTracePrinter(out, b, f.format == "json", f.textOptions())
	pr.filter = filter
	if f.count || f.countAndTrace {
		pr.counts, pr.quiet = analyze.NewCounts(), !f.countAndTrace
	}
	return pr
}

// needDurations reports whether the probe must time each call: for -T,
// and for the time columns of -c and -C.
func (f *traceFlags) needDurations() bool { return f.durations || f.count || f.countAndTrace }

// needTimestamps reports whether the output shows when each call was made:
// JSON's time_ns, and text's -t and -r.
func (f *traceFlags) needTimestamps() bool { return f.format == "json" || f.clock > 0 || f.relative }

// textOptions is the text format the flags ask for.
func (f *traceFlags) textOptions() analyze.TextOptions {
	o := analyze.TextOptions{Brief: f.brief, Lines: f.verbose == 0, Verbose: f.verbose >= 2}
	o.Time.Clock, o.Time.Relative = int(min(f.clock, 2)), f.relative
	o.Durations = f.durations
	return o
}

// needStacks reports whether the output shows stacks: JSON does, text
// from -v on.
func (f *traceFlags) needStacks() bool {
	return !f.noStacks && (f.format == "json" || f.verbose > 0) && !(f.count && !f.countAndTrace)
}

// runAs returns the start option that runs the command as f.user, as
// strace -u does: the user's uid, primary gid and supplementary groups.
func (f *traceFlags) runAs() (probe.StartOption, error) {
	if f.user == "" {
		return nil, nil
	}
	u, err := user.Lookup(f.user)
	if err != nil {
		if n, nerr := strconv.Atoi(f.user); nerr == nil {
			u, err = user.LookupId(strconv.Itoa(n))
		}
		if err != nil {
			return nil, fmt.Errorf("-u %s: no such user", f.user)
		}
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	groups, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("-u %s: reading the user's groups: %w", f.user, err)
	}
	for _, g := range groups {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil {
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return func(c *exec.Cmd) { c.SysProcAttr.Credential = cred }, nil
}

// commandNotFound checks that argv[0] can be run before the probe loads:
// a missing command exits 127 and one that is not executable 126, as in a
// shell, with one line.
func commandNotFound(argv0 string, stderr io.Writer) error {
	_, err := exec.LookPath(argv0)
	if err == nil {
		return nil
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, syscall.ENOENT) {
		fmt.Fprintf(stderr, "netexplore: %s: not found\n", argv0)
		return exitError{127}
	}
	fmt.Fprintf(stderr, "netexplore: %s: %v\n", argv0, errors.Unwrap(err))
	return exitError{126}
}
