package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/tui"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/derive"
	"github.com/netexplore/netexplore/session/live"
)

// dockerScript is what `netexplore docker` asks the real daemon to do,
// besides starting and stopping: a user-defined bridge network, and a
// container on the default bridge that publishes a port (the image import
// it needs comes with it).
var dockerScript = []string{dockerd.StepBridgeNetwork, dockerd.StepPublishRun}

// runDocker implements `netexplore docker`: the installed dockerd, under
// the probe, in throwaway namespaces, with steps derived from its stacks.
func runDocker(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("docker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "save the session to `FILE` instead of printing it")
	format := fs.String("format", "text", "output format without -o: text or json (one object per step)")
	verbose := fs.Bool("v", false, "text format: print every event's decoded tree")
	ui := fs.Bool("ui", false, "open the walkthrough on the recorded session (needs a terminal)")
	daemon := fs.String("dockerd", "", "the daemon to run (`PATH`; default dockerd in PATH or /usr/sbin)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: sudo netexplore docker [flags]

Starts the installed Docker daemon (dockerd) in a throwaway network, mount
and PID namespace, with its own data and exec roots and API socket, under
the probe; runs 'docker network create mynet' and 'docker run --rm -p
8080:80 busybox sleep 3' (an image imported from busybox-static, no
network needed) against it; stops it. The host's Docker, if one runs, is
never touched, and nothing is left behind.

The steps are derived from what the daemon did: each call is attributed to
the innermost libnetwork function on dockerd's own stack (setupDevice,
setupBridgeIPv4, setupIPChains, CreateEndpoint, ...), named from dockerd's
symbol table; the programs dockerd starts (iptables, docker-proxy) are
nested under the call that started them. Events outside libnetwork are
counted, not shown. The session replays and exports like any other.

Examples:
  sudo netexplore docker
  sudo netexplore docker -o dockerd.nxs && netexplore replay dockerd.nxs
  sudo netexplore docker --ui
  sudo netexplore docker --format json > dockerd.jsonl

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", *format)
	}
	if *ui {
		if err := requireTerminal(); err != nil {
			return err
		}
	}
	tools, err := dockerd.Check(*daemon)
	if err != nil {
		return err
	}
	var outFile *safefile.File
	if *out != "" {
		// A file that cannot be written fails now, not after the run.
		if outFile, err = safefile.Create(*out, 0, stdout); err != nil {
			return err
		}
		defer outFile.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var got atomic.Value // the os.Signal that interrupted the recording
	go func() {
		select {
		case s := <-sigs:
			got.Store(s)
			cancel()
		case <-ctx.Done():
		}
	}()
	fmt.Fprintf(stderr, "running %s (%s) in throwaway namespaces: network create, run -p, stop ...\n", tools.Dockerd, tools.Version)
	rec, _, runErr := live.RecordDockerd(ctx, live.DockerdOptions{
		Run:     dockerd.Config{Tools: &tools, Steps: dockerScript},
		Version: version,
	})
	if sig, ok := got.Load().(os.Signal); ok {
		fmt.Fprintln(stderr, "netexplore: interrupted: the daemon, its containers and its namespaces were removed")
		return exitError{signalStatus(sig)}
	}
	if rec == nil {
		return runErr
	}
	s := derive.Derive(rec, derive.Options{DaemonVersion: tools.Version})
	if runErr != nil {
		s.Complete = false
		s.Stopped = runErr.Error()
	}
	switch {
	case outFile != nil:
		if err := session.Write(outFile, s); err != nil {
			return err
		}
		if err := outFile.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "recorded %d steps, %d events (%d outside libnetwork), %d lost to %s\n",
			len(s.Steps), s.EventCount(), s.Outside, s.Lost, *out)
	case *ui:
		if err := tui.Run(context.Background(), tui.Options{Session: s, Title: "real " + s.Header.Scenario,
			NoColor: os.Getenv("NO_COLOR") != ""}); err != nil {
			return errors.Join(runErr, err)
		}
	default:
		for _, st := range s.Steps {
			if *format == "json" {
				if err := writeStepJSON(stdout, s, st); err != nil {
					return err
				}
				continue
			}
			writeStepText(stdout, s, st, *verbose)
		}
		if *format == "text" {
			fmt.Fprintf(stdout, "%d steps, %d events (%d outside libnetwork), %d lost\n", len(s.Steps), s.EventCount(), s.Outside, s.Lost)
		}
	}
	return runErr
}
