package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netexplore/netexplore/trace/probe"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/compare"
	"github.com/netexplore/netexplore/session/export"
)

// runCompare implements `netexplore compare A B` and `compare --builtin`.
func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `FORMAT`: text, markdown or json")
	context := fs.Int("context", 0, "equal messages to show around each difference (`N`; -1 shows every step in full)")
	builtin := fs.Bool("builtin", false, "compare the built-in recording of the real dockerd 20.10 with the built-in re-enactment (--docker-version 20.10)")
	exitDiff := fs.Bool("exit-code", false, "exit with status 1 when the runs differ, like diff (default: 0 whenever the comparison succeeds)")
	applyLimit := addMemoryLimit(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: netexplore compare [flags] A B
       netexplore compare [flags] --builtin

Compares what two runs asked the kernel to do: their steps are aligned by
name, then each step's messages (rtnetlink requests, socket ioctls,
/proc/sys writes, the network helpers' command lines) by type and key
attributes, with what is random in a run (MACs, interface indexes, veth
names, namespace paths, ephemeral ports) normalised. It shows what only A
does (-), what only B does (+), and messages both send whose attributes
differ (~, each attribute as "name: A -> B").

A and B are each one of:
  FILE            a session file (netexplore record -o FILE, or w in the UI)
  NAME            a built-in recording: `+strings.Join(wrap(strings.Join(recordingIDs(), ", "), 36), "\n                  ")+`
  'run [FLAGS]'   a live run of the walkthrough with run's flags, in a
                  throwaway network namespace (needs root), e.g.
                  'run --device-api ioctl' or 'run --scenario join'

--builtin compares the built-in recording of the real dockerd 20.10 (A,
"real") with the built-in recordings of the scenarios that re-enact it with
--docker-version 20.10 (B, "netexplore"), part by part of the daemon's
script; differences known and explained are marked [known: NAME] and their
reasons listed. Needs neither root nor Docker.

Output: text (default; one line per step, "=" the same, "≠" different,
the differences under it), markdown (a table of the steps and a diff block
per step that differs), or json (one document: the runs, "differs", and
every step with every aligned message: op same, only-a, only-b or changed).
The exit status is 0 when the comparison succeeds, whatever it finds; with
--exit-code it is 1 when the runs differ. 2 is a usage error.

Examples:
  netexplore compare join join@20.10
  netexplore compare --format markdown bridge docker0.nxs > diff.md
  sudo netexplore compare 'run --docker-version 20.10 --device-api ioctl' \
                          'run --docker-version 20.10 --device-api netlink'
  sudo netexplore compare 'run --firewall-backend iptables' 'run --firewall-backend nftables'
  netexplore compare --builtin --format json
  netexplore compare --exit-code before.nxs after.nxs && echo same

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := applyLimit(); err != nil {
		return err
	}
	write, ok := map[string]func(io.Writer, compare.Result, export.CompareOptions) error{
		"text": export.WriteCompareText, "markdown": export.WriteCompareMarkdown, "md": export.WriteCompareMarkdown, "json": export.WriteCompareJSON,
	}[*format]
	if !ok {
		return fmt.Errorf("unknown --format %q: use text, markdown or json", *format)
	}
	var res compare.Result
	opts := export.CompareOptions{Context: *context}
	switch {
	case *builtin && len(pos) > 0:
		fmt.Fprintln(stderr, "compare --builtin takes no runs to compare")
		return errUsage
	case *builtin:
		res, opts.A, opts.B, err = compareBuiltin()
		if err != nil {
			return err
		}
		opts.Reasons = map[string]string{}
		allow := compare.DockerAllowlist()
		for _, a := range allow {
			opts.Reasons[a.Name] = a.Reason
		}
		opts.Known = res.Explain(allow, "real", "netexplore")
	case len(pos) != 2:
		fmt.Fprintf(stderr, "compare needs two runs, A and B (got %d)\n", len(pos))
		fs.Usage()
		return errUsage
	default:
		a, err := parseRunSpec(pos[0])
		if err != nil {
			return fmt.Errorf("A: %w", err)
		}
		b, err := parseRunSpec(pos[1])
		if err != nil {
			return fmt.Errorf("B: %w", err)
		}
		sa, err := a.open(stderr)
		if err != nil {
			return fmt.Errorf("A (%s): %w", a.describe, err)
		}
		sb, err := b.open(stderr)
		if err != nil {
			return fmt.Errorf("B (%s): %w", b.describe, err)
		}
		res = compare.Sessions("A", sa, "B", sb)
		opts.A, opts.B = a.describe, b.describe
	}
	if err := write(stdout, res, opts); err != nil {
		return err
	}
	if *exitDiff && res.Differs() {
		return exitError{1}
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// recordingIDs lists the built-in recordings by the names compare takes.
func recordingIDs() []string {
	var out []string
	for _, r := range append(session.Recordings(), session.RealRecordings()...) {
		out = append(out, r.ID())
	}
	return out
}

// runSpec is one side of a comparison, parsed: a session file, a built-in
// recording or a live run.
type runSpec struct {
	describe string
	file     string
	rec      *session.Recording
	live     *planFlags
}

// parseRunSpec reads one side of a comparison (see compare's usage). A
// live spec's flags are checked now, so a typo fails before anything runs.
func parseRunSpec(spec string) (runSpec, error) {
	if rest, ok := strings.CutPrefix(spec, "run"); ok && (rest == "" || rest[0] == ' ') {
		var p planFlags
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		var msg bytes.Buffer
		fs.SetOutput(&msg)
		p.add(fs)
		if err := fs.Parse(strings.Fields(rest)); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return runSpec{}, fmt.Errorf("%q: a live run takes run's flags; see netexplore run --help", spec)
			}
			return runSpec{}, fmt.Errorf("%q: %v (a live run takes run's flags; see netexplore run --help)", spec, err)
		}
		if fs.NArg() > 0 {
			return runSpec{}, fmt.Errorf("%q: unexpected argument %q (a live run takes run's flags; see netexplore run --help)", spec, fs.Arg(0))
		}
		p.applyDefaults(fs)
		if p.cfg.Scenario == "list" || p.cfg.DockerVersion == "list" {
			return runSpec{}, fmt.Errorf("%q: list is not a run; see netexplore run --scenario list", spec)
		}
		if err := p.cfg.Validate(); err != nil {
			return runSpec{}, fmt.Errorf("%q: %w", spec, err)
		}
		return runSpec{describe: "netexplore " + strings.Join(strings.Fields(spec), " "), live: &p}, nil
	}
	if _, err := os.Stat(spec); err == nil {
		return runSpec{describe: spec, file: spec}, nil
	}
	if r, err := session.Lookup(spec); err == nil {
		return runSpec{describe: r.Name(), rec: &r}, nil
	}
	if strings.HasPrefix(spec, "-") {
		return runSpec{}, fmt.Errorf("%q: a live run is written 'run %s' (one argument, quoted)", spec, spec)
	}
	return runSpec{}, fmt.Errorf("%q is neither a session file, a built-in recording (%s) nor a live run ('run --device-api ioctl')",
		spec, strings.Join(recordingIDs(), ", "))
}

// open reads or runs the side's session. A live run shows its progress on
// stderr, one line per step.
func (r runSpec) open(stderr io.Writer) (*session.Session, error) {
	switch {
	case r.file != "":
		return keepPartial(session.ReadFile(r.file))
	case r.rec != nil:
		return r.rec.Open()
	}
	l, intr, err := startLive(*r.live, nil)
	if err != nil {
		if errors.Is(err, probe.ErrNeedsRoot) {
			return nil, fmt.Errorf("a live run needs root: %w (or compare session files and built-in recordings, which need none)", err)
		}
		return nil, err
	}
	defer intr.stop()
	fmt.Fprintf(stderr, "running %s in a throwaway network namespace...\n", r.describe)
	runErr := l.RunAll(nil)
	closeErr := l.Close()
	s := l.Session()
	if intr.happened() {
		return nil, intr.err(s, stderr)
	}
	if err := errors.Join(runErr, closeErr, failedStep(s)); err != nil {
		return nil, err
	}
	return s, nil
}

// compareBuiltin compares the built-in recording of the real dockerd with
// the built-in recordings that re-enact it.
func compareBuiltin() (res compare.Result, descA, descB string, err error) {
	rec, err := session.Lookup(session.RealDocker)
	if err != nil {
		return res, "", "", err
	}
	real, err := rec.Open()
	if err != nil {
		return res, "", "", err
	}
	labs := map[string]*session.Session{}
	var names []string
	for _, sc := range compare.RealDockerScenarios() {
		r, err := session.Lookup(sc + "@" + real.Header.Config.DockerVersion)
		if err != nil {
			return res, "", "", err
		}
		if labs[sc], err = r.Open(); err != nil {
			return res, "", "", err
		}
		names = append(names, r.ID())
	}
	descB = "built-in recordings " + strings.Join(names, ", ") + " (netexplore's re-enactment)"
	return compare.RealDocker("real", real, "netexplore", labs), rec.Name(), descB, nil
}
