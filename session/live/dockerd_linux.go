package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/trace/probe"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// PhaseRealDocker is the phase of every step of a session recorded from
// the real Docker daemon.
const PhaseRealDocker = "real dockerd"

// DockerdOptions configures a recording of the real Docker daemon.
type DockerdOptions struct {
	// Run says which daemon to run and which steps of its script to take
	// (its Hook and Log are not used: the run is re-executed).
	Run dockerd.Config
	// Version is netexplore's version, for the session header.
	Version string
	// NoStacks turns off user stack capture.
	NoStacks bool
}

// RecordDockerd takes the script of package internal/dockerd with the real
// Docker daemon, in fresh namespaces, under the probe from the run's first
// instruction, and returns it as a session: one step per script step,
// holding the events between its markers (the daemon's, its helpers' and
// the containers'). The result is the run's own report. The session can be
// replayed, exported and compared like a walkthrough's.
func RecordDockerd(ctx context.Context, opts DockerdOptions) (*session.Session, dockerd.Result, error) {
	var res dockerd.Result
	plan, err := dockerd.Plan(opts.Run.Steps)
	if err != nil {
		return nil, res, err
	}
	if opts.Run.Tools == nil {
		t, err := dockerd.Check(opts.Run.Dockerd)
		if err != nil {
			return nil, res, err
		}
		opts.Run.Tools = &t
	}
	argv, err := dockerd.Argv(opts.Run)
	if err != nil {
		return nil, res, err
	}
	p, err := probe.Open(probe.Options{Stacks: !opts.NoStacks})
	if err != nil {
		return nil, res, err
	}
	defer p.Close()
	rec := newRecorder(p, dockerdSession(opts, plan, p.Unavailable()), nil)
	go rec.read()

	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, res, err
	}
	var stderr bytes.Buffer
	errR, errW, err := os.Pipe()
	if err != nil {
		return nil, res, err
	}
	tr, err := probe.StartTraced(argv, nil, outW, errW)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, res, err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _, _ = io.Copy(&stderr, errR); errR.Close() }()
	var reports []dockerd.Report
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = dockerd.ReadReports(outR, func(r dockerd.Report) { reports = append(reports, r) })
		outR.Close()
	}()
	if err := p.Follow(tr.PID()); err != nil {
		tr.Abort()
		return nil, res, err
	}
	if err := tr.Release(); err != nil {
		return nil, res, err
	}
	stop := context.AfterFunc(ctx, func() { _ = tr.Signal(os.Interrupt) })
	status, waitErr := tr.Wait()
	stop()
	wg.Wait() // every process of the run has closed its output
	if err := p.Drain(); err == nil {
		if err := <-rec.readErr; err != nil {
			return nil, res, err
		}
	}
	sess := rec.sess
	sess.Lost = rec.Lost()
	sess.Complete = true
	var runErr error
	for _, r := range reports {
		switch r.Phase {
		case dockerd.PhaseEnd:
			if r.Index >= 0 && r.Index < len(sess.Steps) && r.Step != nil {
				fillDockerdStep(sess.Steps[r.Index], r.Step)
			}
		case dockerd.PhaseDone:
			if r.Result != nil {
				res = *r.Result
			}
			if r.Error != "" {
				runErr = errors.New(r.Error)
			}
		}
	}
	if waitErr != nil || status != 0 {
		runErr = errors.Join(runErr, fmt.Errorf("the real Docker run exited with %d (%v): %s", status, waitErr, bytes.TrimSpace(stderr.Bytes())))
	}
	return sess, res, runErr
}

// dockerdSession is the empty session of a real daemon's run: one step per
// script step, pending.
func dockerdSession(opts DockerdOptions, plan []dockerd.Step, unavailable []string) *session.Session {
	version := opts.Run.Tools.Version
	s := &session.Session{Header: session.Header{
		Format: session.FormatName, Version: session.FormatVersion, Netexplore: opts.Version,
		Kernel: kernelRelease(), Recorded: time.Now().UTC().Truncate(time.Second),
		Scenario: "real dockerd " + version, Config: steps.Config{DockerVersion: dockerMajor(version)}, Unavailable: unavailable,
	}, Sources: map[string]string{}}
	for i, st := range plan {
		s.Steps = append(s.Steps, &session.Step{Index: i, Status: session.Pending, Info: steps.Step{
			ID: st.Name, Phase: PhaseRealDocker, Title: st.Command, Mirrors: "the real dockerd " + version + ": " + st.Command,
			Explanation: "What the real Docker daemon (" + opts.Run.Tools.Dockerd + ", " + version + ") did while `" + st.Command + "` ran, " +
				"in a network, mount and PID namespace of its own: every event of the daemon, the programs it started and the " +
				"containers, between the step's markers.",
		}})
	}
	return s
}

// fillDockerdStep records a script step's report in the session step.
func fillDockerdStep(st *session.Step, r *dockerd.StepResult) {
	st.Status = session.Done
	if r.Error != "" {
		st.Status = session.Failed
	}
	st.Result = &steps.StepResult{Step: r.Index, ID: r.Name, Error: r.Error, Duration: r.Duration, Changes: []steps.Change{}}
	if r.Output != "" {
		st.Result.Notes = append(st.Result.Notes, "output: "+r.Output)
	}
	for _, h := range r.Helpers {
		st.Result.Notes = append(st.Result.Notes, "helper: "+h)
	}
}

// dockerMajor turns "20.10.24+dfsg1" into the --docker-version it is,
// "20.10"; other versions keep their major and minor numbers.
func dockerMajor(version string) string {
	var major, minor int
	if n, _ := fmt.Sscanf(version, "%d.%d", &major, &minor); n == 2 {
		if major >= 23 {
			return fmt.Sprint(major)
		}
		return fmt.Sprintf("%d.%d", major, minor)
	}
	return version
}
