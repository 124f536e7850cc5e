package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/session"
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
	live, cleanup, err := startLive(p, nil)
	if err != nil {
		return err
	}
	defer cleanup()
	total := len(live.Session().Steps)
	runErr := live.RunAll(func(st *session.Step) {
		fmt.Fprintf(stderr, "[%d/%d] %s — %s\n", st.Index+1, total, st.Info.ID, st.Info.Title)
	})
	closeErr := live.Close()
	s := live.Session()
	if err := errors.Join(runErr, closeErr); err != nil {
		return err
	}
	if err := session.Write(outFile, s); err != nil {
		return err
	}
	if err := outFile.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "recorded %d steps, %d events, %d lost to %s\n", total, s.EventCount(), s.Lost, *out)
	return failedStep(s)
}
