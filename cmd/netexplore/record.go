package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/live"
)

// runRecord implements `netexplore record -o FILE`: the whole plan,
// non-interactively, saved as a session file for replay and export.
func runRecord(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p planFlags
	p.add(fs)
	out := fs.String("o", "", "session `FILE` to write (required), e.g. docker0.nxs")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: sudo netexplore record -o FILE [flags]

Runs every step of Docker's bridge network setup for real in a throwaway
network namespace, like 'run', and saves everything — the plan with each
step's source and explanation, every event with its bytes and source line,
the kernel changes — to FILE. Replay it anywhere without root with
'netexplore replay FILE', or export it with 'netexplore export FILE'.

Examples:
  sudo netexplore record -o docker0.nxs
  sudo netexplore record -o ioctl.nxs --device-api ioctl
  sudo netexplore record -o docker2010.nxs --docker-version 20.10 --scenario join

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
	if *out == "" {
		fmt.Fprintln(stderr, "record needs -o FILE")
		fs.Usage()
		return errUsage
	}
	// A file that cannot be written fails now, not after every step ran.
	outFile, err := safefile.Create(*out, 0, stdout)
	if err != nil {
		return err
	}
	defer outFile.Close()
	live, intr, err := startLive(p, nil)
	if err != nil {
		return err
	}
	defer intr.stop()
	s := live.Session()
	w, err := session.NewWriter(outFile, s.Header)
	if err != nil {
		return err
	}
	runErr := recordSteps(live, w, intr, stderr)
	closeErr := live.Close()
	for _, file := range slices.Sorted(maps.Keys(s.Sources)) {
		w.Source(file, s.Sources[file])
	}
	if intr.happened() {
		err = w.Interrupt(s.Lost, intr.describe(s))
	} else {
		err = w.Close(s.Lost)
	}
	if err != nil {
		return err
	}
	if err := outFile.Commit(); err != nil {
		return err
	}
	if intr.happened() {
		fmt.Fprintf(stderr, "recorded the steps before the interrupt to %s\n", *out)
		return intr.err(s, stderr)
	}
	if err := errors.Join(runErr, closeErr); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "recorded %d steps, %d events, %d lost to %s\n", len(s.Steps), s.EventCount(), s.Lost, *out)
	return failedStep(s)
}

// recordSteps writes the plan, then runs it step by step, streaming each
// finished step's events and result to w, so an interrupted recording keeps every step
// that finished. It stops at the first failed step, as Docker does.
func recordSteps(l *live.Runner, w *session.Writer, intr *interruption, stderr io.Writer) error {
	s := l.Session()
	for _, st := range s.Steps {
		w.Step(st)
	}
	total := len(s.Steps)
	for i := l.Next(); i >= 0; i = l.Next() {
		st := s.Steps[i]
		fmt.Fprintf(stderr, "[%d/%d] %s — %s\n", i+1, total, st.Info.ID, st.Info.Title)
		st, err := l.RunStep(i)
		if intr.happened() {
			return nil
		}
		if err != nil {
			return err
		}
		var werr error
		l.View(func(*session.Session) {
			for j := range st.Events {
				w.Event(i, &st.Events[j])
			}
			werr = w.Result(i, st.Status, st.Result, st.Start)
		})
		if werr != nil {
			return werr
		}
		if st.Status == session.Failed {
			return nil
		}
	}
	return nil
}
