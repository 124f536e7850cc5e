package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/netexplore/netexplore/trace/probe"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/live"
	"github.com/netexplore/netexplore/steps"
	"github.com/netexplore/netexplore/tui"
)

// runWalk implements a bare `netexplore [flags]`: the interactive
// walkthrough, live as root, otherwise a replay of the built-in recording.
func runWalk(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("netexplore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p planFlags
	p.add(fs)
	noColor := fs.Bool("no-color", false, "plain text, no colours (also set by NO_COLOR)")
	save := fs.String("save", "", "where w saves the session (`FILE`; default netexplore-TIME.nxs in the current directory)")
	fs.Usage = func() {
		usage(stderr)
		fmt.Fprint(stderr, `
The walkthrough: each step of Docker's bridge setup runs for real in a
throwaway network namespace when you ask for it, and the screen shows its
source, the syscalls it made, their decoded bytes and what changed in the
kernel. Press ? inside for the keys. Without root, the built-in recording
of the scenario is replayed instead, and the screen says why.

Walkthrough flags (Docker's configuration, shared with run and record):
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p.applyDefaults(fs)
	if err := p.listScenarios(stdout); err != nil {
		return err
	}
	if err := checkSave(*save); err != nil {
		return err
	}
	if err := requireTerminal(); err != nil {
		return err
	}
	opts := tui.Options{NoColor: *noColor || os.Getenv("NO_COLOR") != "", Scenarios: steps.Scenarios(), SavePath: *save}
	if err := p.cfg.Validate(); err != nil {
		return err
	}
	opts.Compare = compareSources(args, p.cfg, false)
	drv, err := newLiveDriver(p)
	if err != nil {
		if !errors.Is(err, probe.ErrNeedsRoot) {
			return err
		}
		rec, rerr := session.Builtin(p.cfg.Scenario)
		if rerr != nil {
			return errors.Join(err, rerr)
		}
		notice := fmt.Sprintf("live mode needs root (%s): this is a replay of the %s; run `sudo netexplore` for the live walkthrough", probe.Capabilities, rec.Name())
		fmt.Fprintf(stderr, "netexplore: %s\n", notice)
		opts.Notice = notice
		return replayBuiltin(rec, opts)
	}
	defer drv.Close()
	opts.Compare = compareSources(args, p.cfg, true)
	opts.Session = drv.live.Session()
	opts.Driver = drv
	opts.Title = drv.Title()
	return tui.Run(context.Background(), opts)
}

// checkSave fails now, not when w is pressed, for a --save FILE that
// cannot be written (a missing directory, a directory, "-": the terminal
// shows the walkthrough, so the session cannot go to standard output).
func checkSave(path string) error {
	if path == "" {
		return nil
	}
	if path == "-" {
		return errors.New("--save -: standard output shows the walkthrough; name a file")
	}
	f, err := safefile.Create(path, 0, nil)
	if err != nil {
		return fmt.Errorf("--save: %w", err)
	}
	f.Abort()
	return nil
}

// runReplay implements `netexplore replay [FILE]`.
func runReplay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noColor := fs.Bool("no-color", false, "plain text, no colours (also set by NO_COLOR)")
	scenario := fs.String("scenario", "", "replay the built-in recording of this scenario (`NAME`: "+builtinNames()+"; default bridge)")
	docker := fs.Bool("docker", false, "replay the built-in recording of the real Docker daemon ("+session.RealDockerSteps+"): what Debian's dockerd 20.10 did, "+
		"one step per libnetwork function found on its stacks (the recording by its script's commands is "+session.RealDocker+")")
	save := fs.String("save", "", "where w saves the session (`FILE`; default netexplore-TIME.nxs in the current directory)")
	applyLimit := addMemoryLimit(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: netexplore replay [FILE]

Opens a recorded session (from 'netexplore record' or 'w' in the
walkthrough) in the walkthrough screen. Needs no root and no eBPF. Step
forward and backward through the recorded steps and events. Without FILE
it replays a built-in recording: Docker's default bridge, the scenario
--scenario names, or with --docker the real Docker daemon (Debian's
dockerd 20.10) starting, creating networks and running containers.

Examples:
  netexplore replay
  netexplore replay --scenario join
  netexplore replay --docker
  netexplore replay docker0.nxs

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 1 || (fs.NArg() == 1 && *scenario != "") || (*docker && (fs.NArg() == 1 || *scenario != "")) {
		fs.Usage()
		return errUsage
	}
	if err := applyLimit(); err != nil {
		return err
	}
	if err := checkSave(*save); err != nil {
		return err
	}
	if err := requireTerminal(); err != nil {
		return err
	}
	opts := tui.Options{NoColor: *noColor || os.Getenv("NO_COLOR") != "", SavePath: *save, Compare: compareSources(nil, steps.Config{}, false)}
	if fs.NArg() == 1 {
		return replay(fs.Arg(0), opts)
	}
	rec, err := session.Builtin(*scenario)
	if *docker {
		rec, err = session.Lookup(session.RealDockerSteps)
	}
	if err != nil {
		return err
	}
	return replayBuiltin(rec, opts)
}

func replay(path string, opts tui.Options) error {
	s, err := keepPartial(session.ReadFile(path))
	if err != nil {
		return err
	}
	opts.Session = s
	opts.Title = "replay: " + path
	if !s.Complete {
		why := "the session ends early"
		if s.Stopped != "" {
			why = s.Stopped
		}
		opts.Title += " (interrupted)"
		opts.Notice = fmt.Sprintf("the recording was interrupted: %s; the steps after it did not run", why)
	}
	return tui.Run(context.Background(), opts)
}

// replayBuiltin opens a built-in recording in the walkthrough.
func replayBuiltin(rec session.Recording, opts tui.Options) error {
	s, err := rec.Open()
	if err != nil {
		return err
	}
	opts.Session = s
	opts.Title = "replay: " + rec.Name()
	return tui.Run(context.Background(), opts)
}

// builtinNames lists the scenarios that have a built-in recording.
func builtinNames() string {
	var names []string
	for _, r := range session.Recordings() {
		if r.DockerVersion == "" {
			names = append(names, r.Scenario)
		}
	}
	return strings.Join(names, ", ")
}

// requireTerminal refuses to start a full-screen UI on a pipe.
func requireTerminal() error {
	for _, fd := range []int{0, 1} {
		if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err != nil {
			return errors.New("the walkthrough needs a terminal: use `netexplore run` for plain output, or `netexplore export` to write a file")
		}
	}
	return nil
}

// liveDriver runs steps for the TUI in a live lab; Restart swaps in a new
// lab and namespace, with another scenario when asked. Signals are left to
// the TUI, which restores the terminal and returns, after which Close
// removes everything.
type liveDriver struct {
	p    planFlags
	mu   sync.Mutex
	live *live.Runner
	pid  atomic.Int64 // read by Title without the lock: a restart holds it for seconds
}

func newLiveDriver(p planFlags) (*liveDriver, error) {
	live, err := newLive(p, nil)
	if err != nil {
		return nil, err
	}
	d := &liveDriver{p: p, live: live}
	d.pid.Store(int64(live.LabPID()))
	return d, nil
}

// RunStep implements tui.Driver.
func (d *liveDriver) RunStep(i int) error {
	d.mu.Lock()
	live := d.live
	d.mu.Unlock()
	_, err := live.RunStep(i)
	return err
}

// Restart implements tui.Driver: the old lab and namespace are removed,
// then a fresh lab starts with scenario (empty keeps the current one). A
// configuration the scenario rejects (Docker options it has no use for) is
// reported before anything is removed. If the new lab fails to start after
// the old one is gone, the old scenario starts again in a fresh lab, so
// the walkthrough can go on.
func (d *liveDriver) Restart(scenario string) (*session.Session, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.p
	if scenario != "" {
		p.cfg.Scenario = scenario
	}
	// Plan validates the configuration for the scenario.
	if _, err := steps.Plan(p.cfg); err != nil {
		return nil, err
	}
	if err := d.live.Close(); err != nil {
		return nil, err
	}
	live, err := newLive(p, nil)
	if err != nil {
		if p.cfg.Scenario == d.p.cfg.Scenario {
			return nil, err
		}
		old, oldErr := newLive(d.p, nil)
		if oldErr != nil {
			return nil, errors.Join(err, fmt.Errorf("restarting the previous scenario: %w", oldErr))
		}
		d.live = old
		d.pid.Store(int64(old.LabPID()))
		return old.Session(), err
	}
	d.p, d.live = p, live
	d.pid.Store(int64(live.LabPID()))
	return live.Session(), nil
}

// Title implements tui.Titler: the current lab's process, which holds the
// namespace.
func (d *liveDriver) Title() string {
	return fmt.Sprintf("live: lab netns (pid %d)", d.pid.Load())
}

// View implements tui.Driver.
func (d *liveDriver) View(f func(*session.Session)) {
	d.mu.Lock()
	live := d.live
	d.mu.Unlock()
	live.View(f)
}

// Close removes the lab and the probe.
func (d *liveDriver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.live.Close()
}
