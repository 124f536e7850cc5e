package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netexplore/netexplore/internal/topology"
	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/export"
	"github.com/netexplore/netexplore/session/live"
	"github.com/netexplore/netexplore/steps"
)

// planFlags are the flags shared by run, record and the walkthrough: the
// Docker configuration plus capture options.
type planFlags struct {
	cfg      steps.Config
	noStacks bool
}

func (p *planFlags) add(fs *flag.FlagSet) {
	p.cfg = steps.DefaultConfig()
	p.cfg.AddFlags(fs)
	fs.BoolVar(&p.noStacks, "no-stacks", false, "do not capture user stacks (events then have no source line)")
}

// parseFlags parses args, printing usage on error, and rejects stray
// arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// listScenarios prints `--scenario list` or `--docker-version list` and
// returns errHelp when asked.
func (p *planFlags) listScenarios(w io.Writer) error {
	switch {
	case p.cfg.Scenario == "list":
		fmt.Fprintln(w, "Scenarios (--scenario NAME):")
		for _, s := range steps.Scenarios() {
			fmt.Fprintf(w, "  %-12s %s\n", s.Name, s.Summary)
		}
	case p.cfg.DockerVersion == "list":
		fmt.Fprintln(w, "Docker versions (--docker-version VERSION):")
		for _, v := range steps.DockerVersions() {
			fmt.Fprintf(w, "  %-6s %s\n", v.Name, v.Summary)
		}
	default:
		return nil
	}
	return errHelp
}

// applyDefaults fills in settings that depend on other flags, after parsing
// (steps.Config.SettleDefaults: the Docker version's defaults, the lab of
// the nftables backend).
func (p *planFlags) applyDefaults(fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p.cfg.SettleDefaults(func(name string) bool { return set[name] })
}

// errHelp ends a command successfully after --help.
var errHelp = errors.New("help shown")

// startLive starts a live walkthrough and watches for SIGINT/SIGTERM, so
// the lab and the probe are removed on every exit path. Call the
// interruption's stop when done.
func startLive(p planFlags, onEvent func(int, session.Event)) (*live.Runner, *interruption, error) {
	live, err := newLive(p, onEvent)
	if err != nil {
		return nil, nil, err
	}
	return live, watchInterrupts(live), nil
}

// newLive validates the configuration and starts a live walkthrough.
func newLive(p planFlags, onEvent func(int, session.Event)) (*live.Runner, error) {
	if err := p.cfg.Validate(); err != nil {
		return nil, err
	}
	scenario := p.cfg.Scenario
	if scenario == "" {
		scenario = steps.ScenarioBridge
	}
	return live.Start(context.Background(), live.Options{
		Config: p.cfg, Scenario: scenario, Version: version, NoStacks: p.noStacks, OnEvent: onEvent,
	})
}

// interruption watches for SIGINT and SIGTERM during a live run. The
// first one closes the lab, which ends the running step, and is
// remembered, so the command reports an interrupt — not a failure — and
// exits as shells report a death by that signal: 130 for SIGINT (Ctrl-C),
// 143 for SIGTERM.
type interruption struct {
	sig      atomic.Value // the os.Signal received
	step     atomic.Int64 // index of the step that was running, -1 for none
	stopOnce sync.Once
	sigs     chan os.Signal
	done     chan struct{}
}

// stuckExit is how long a command may take to report an interrupt before
// netexplore exits anyway (the lab is already gone by then).
const stuckExit = 10 * time.Second

func watchInterrupts(l *live.Runner) *interruption {
	in := &interruption{sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	in.step.Store(-1)
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-in.sigs:
			l.View(func(sess *session.Session) {
				for _, st := range sess.Steps {
					if st.Status == session.Running {
						in.step.Store(int64(st.Index))
					}
				}
			})
			in.sig.Store(s)
			l.Close()
			select {
			case <-in.done:
			case <-time.After(stuckExit):
				fmt.Fprintf(os.Stderr, "netexplore: %v: the lab namespace and the probe were removed\n", s)
				os.Exit(signalStatus(s))
			}
		case <-in.done:
		}
	}()
	return in
}

// stop ends the watch; it is safe to call more than once.
func (in *interruption) stop() {
	in.stopOnce.Do(func() {
		signal.Stop(in.sigs)
		close(in.done)
	})
}

// happened reports whether a signal interrupted the run.
func (in *interruption) happened() bool { return in.sig.Load() != nil }

// running returns the index of the step the interrupt cut short, or -1.
func (in *interruption) running() int { return int(in.step.Load()) }

// describe says where the run stopped: "interrupted during step 3/18
// (setupDevice)", steps numbered from 1.
func (in *interruption) describe(s *session.Session) string {
	if i := in.running(); i >= 0 && i < len(s.Steps) {
		return fmt.Sprintf("interrupted during step %d/%d (%s)", i+1, len(s.Steps), s.Steps[i].Info.ID)
	}
	return "interrupted between steps"
}

// err reports the interrupt on stderr and returns the exit status of a
// death by that signal (130 for SIGINT).
func (in *interruption) err(s *session.Session, stderr io.Writer) error {
	sig, _ := in.sig.Load().(os.Signal)
	fmt.Fprintf(stderr, "netexplore: %s (%v): the lab namespace and the probe were removed\n", in.describe(s), sig)
	return exitError{signalStatus(sig)}
}

// signalStatus is the exit status shells give a death by sig: 128 plus its
// number (130 for SIGINT, 143 for SIGTERM).
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// completed reports whether step st finished before an interrupt: the step
// the interrupt cut short, and those after it, did not.
func (in *interruption) completed(st *session.Step) bool {
	if !in.happened() {
		return true
	}
	i := in.running()
	return st.Status != session.Pending && st.Status != session.Running && (i < 0 || st.Index < i)
}

// runRun implements `netexplore run`: the whole plan, non-interactively,
// printed step by step.
func runRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p planFlags
	p.add(fs)
	format := fs.String("format", "text", "output format: text or json (one object per step)")
	verbose := fs.Bool("v", false, "text format: print every event's decoded tree")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: sudo netexplore run [flags]

Runs every step of Docker's bridge network setup for real, in a throwaway
network namespace, and prints for each step the libnetwork function it
mirrors, what it does and why, the kernel traffic it caused (decoded, with
the source line that made each call) and what changed in the namespace.
The host's network is never touched.

Examples:
  sudo netexplore run
  sudo netexplore run --docker-version 20.10
  sudo netexplore run --docker-version 20.10 --scenario join
  sudo netexplore run --docker-version 20.10 --device-api ioctl
  sudo netexplore run --ipv6 --fixed-cidr-v6 fd00::/64 --icc=false
  sudo netexplore run --format json > run.jsonl

Flags:
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
	if *format != "text" && *format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", *format)
	}
	live, intr, err := startLive(p, nil)
	if err != nil {
		return err
	}
	defer intr.stop()
	runErr := live.RunAll(nil)
	closeErr := live.Close()
	s := live.Session()
	// Names from the kernel and the plan are shown, never obeyed, by a
	// terminal: see package sanitize.
	textOut := sanitize.NewWriter(stdout)
	defer textOut.Flush()
	for _, st := range s.Steps {
		if !intr.completed(st) {
			break
		}
		if *format == "json" {
			if err := writeStepJSON(stdout, s, st); err != nil {
				return err
			}
			continue
		}
		writeStepText(textOut, s, st, *verbose)
	}
	if intr.happened() {
		return intr.err(s, stderr)
	}
	if *format == "text" {
		fmt.Fprintf(stdout, "%d steps, %d events, %d lost\n", len(s.Steps), s.EventCount(), s.Lost)
	}
	return errors.Join(runErr, closeErr, failedStep(s))
}

// failedStep returns an error naming the first failed step, if any.
func failedStep(s *session.Session) error {
	for _, st := range s.Steps {
		if st.Status == session.Failed && st.Result != nil {
			return fmt.Errorf("step %d/%d (%s) failed: %s", st.Index+1, len(s.Steps), st.Info.ID, sanitize.Line(st.Result.Error))
		}
	}
	return nil
}

// writeStepText writes step st for a person; w is a sanitize.Writer, and
// each string that must stay on its line goes through sanitize.Line.
func writeStepText(w io.Writer, s *session.Session, st *session.Step, verbose bool) {
	line := sanitize.Line
	fmt.Fprintf(w, "== Step %d/%d  %s — %s  [%s]\n", st.Index+1, len(s.Steps), line(st.Info.ID), line(st.Info.Title), st.Status)
	fmt.Fprintf(w, "   mirrors: %s\n", line(st.Info.Mirrors))
	if len(st.Info.KernelHandlers) > 0 {
		fmt.Fprintf(w, "   kernel:  %s\n", line(strings.Join(st.Info.KernelHandlers, " → ")))
	}
	for _, l := range wrap(st.Info.Explanation, 76) {
		fmt.Fprintf(w, "   %s\n", l)
	}
	if st.Status == session.Skipped {
		fmt.Fprintf(w, "   skipped: %s\n\n", line(st.Info.SkipReason))
		return
	}
	if st.Result != nil && st.Result.Error != "" {
		fmt.Fprintf(w, "   error: %s\n", line(st.Result.Error))
	}
	recs := st.Records()
	if len(recs) > 0 {
		fmt.Fprintf(w, "   events (%d; number, time since the step started, network namespace):\n", len(recs))
	}
	for i := range recs {
		r := &recs[i]
		text := fmt.Sprintf("     #%d %s netns %s [%s %d] %s", i+1, session.FormatOffset(st.Offset(i)), line(s.Netns(r.Event.NetNS)), line(r.Event.Comm), r.Event.PID, line(r.Decoded.Summary))
		if r.Decoded.Errno != "" {
			text += " → " + r.Decoded.Errno
		}
		for j, x := range r.Replies {
			if x != nil && j == 0 {
				text += fmt.Sprintf("  (reply to %s)", line(x.Type))
			}
		}
		if o := st.Events[i].Origin; o != nil {
			text += fmt.Sprintf("  @ %s:%d", line(o.File), o.Line)
		}
		fmt.Fprintln(w, text)
		if verbose {
			analyze.WriteText(indent{w, "        "}, r, analyze.TextOptions{})
		}
	}
	if st.Result != nil && len(st.Result.Changes) > 0 {
		fmt.Fprintln(w, "   changes:")
		for _, c := range st.Result.Changes {
			fmt.Fprintf(w, "     %s\n", line(c.String()))
		}
	}
	fmt.Fprintln(w)
}

// indent prefixes every line written through it.
type indent struct {
	w      io.Writer
	prefix string
}

// Write implements io.Writer.
func (in indent) Write(p []byte) (int, error) {
	s := strings.TrimSuffix(string(p), "\n")
	out := in.prefix + strings.ReplaceAll(s, "\n", "\n"+in.prefix) + "\n"
	if _, err := io.WriteString(in.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// wrap breaks text into lines of at most width runes at spaces, keeping
// paragraph breaks.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, line)
	}
	return out
}

// stepJSON is the per-step object of `run --format json`. Its events are
// the objects of the jsonl export ([export.JSONLEvent]), and the step's
// own fields are those that export names step_index and step_id here
// without the prefix (docs/jsonl-schema.md).
type stepJSON struct {
	// Index is the step's position in the plan, from 0: people read it
	// as Index+1, which Number repeats.
	Index       int                 `json:"index"`
	Number      int                 `json:"number"`
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Mirrors     string              `json:"mirrors"`
	Explanation string              `json:"explanation"`
	Status      session.Status      `json:"status"`
	SkipReason  string              `json:"skip_reason,omitempty"`
	Error       string              `json:"error,omitempty"`
	Events      []export.JSONLEvent `json:"events"`
	Changes     []steps.Change      `json:"changes"`
	Notes       []string            `json:"notes,omitempty"`
	Commands    []steps.CommandRun  `json:"commands,omitempty"`
	Network     *topology.Network   `json:"network,omitempty"`
}

func writeStepJSON(w io.Writer, s *session.Session, st *session.Step) error {
	j := stepJSON{
		Index: st.Index, Number: st.Index + 1, ID: st.Info.ID, Title: st.Info.Title, Mirrors: st.Info.Mirrors,
		Explanation: st.Info.Explanation, Status: st.Status, SkipReason: st.Info.SkipReason,
		Events: export.StepEvents(s, st), Changes: []steps.Change{},
	}
	if st.Result != nil {
		j.Error, j.Notes, j.Commands, j.Network = st.Result.Error, st.Result.Notes, st.Result.Commands, st.Result.Network
		if st.Result.Changes != nil {
			j.Changes = st.Result.Changes
		}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
