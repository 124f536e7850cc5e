package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/netexplore/netexplore/internal/marker"
	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/probe"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
	"github.com/netexplore/netexplore/steps/lab"
)

// Options configures a live walkthrough.
type Options struct {
	// Config is the Docker configuration to plan from.
	Config steps.Config
	// Scenario names the plan, for the session header.
	Scenario string
	// Version is netexplore's version, for the session header.
	Version string
	// NoStacks turns off user stack capture (and with it source lines).
	NoStacks bool
	// OnEvent, when set, is called from the reader goroutine for every
	// event attributed to a step, as it arrives.
	OnEvent func(step int, e session.Event)
}

// Runner runs a plan for real in a lab namespace under the probe and
// builds the [session.Session] as it goes. Steps run one at a time with
// [Runner.RunStep]; [Runner.Close] removes everything the walkthrough
// created.
type Runner struct {
	*recorder
	lab    *lab.Process
	closed bool
}

// recorder files the probe's events into the steps of a session by the
// step markers that enclose them, resolving stacks and origins on the way.
type recorder struct {
	probe   *probe.Probe
	sym     *analyze.Symbolizer
	onEvent func(int, session.Event)

	mu      sync.Mutex
	sess    *session.Session
	current int                       // step between markers, -1 outside
	origins map[uint32]*analyze.Frame // helper process -> line that started it
	ended   chan int                  // end markers, by step index
	readErr chan error
}

// newRecorder returns a recorder of p's events into sess, which has all its
// steps already.
func newRecorder(p *probe.Probe, sess *session.Session, onEvent func(int, session.Event)) *recorder {
	return &recorder{
		probe: p, sym: analyze.NewSymbolizer(), onEvent: onEvent, sess: sess,
		current: -1, origins: map[uint32]*analyze.Frame{},
		ended: make(chan int, len(sess.Steps)+1), readErr: make(chan error, 1),
	}
}

// markerTimeout bounds the wait for a step's end marker after the lab
// reported the step done; the marker is already in the ring buffer then,
// so only a stalled reader could hit it. A reader starved of CPU on a
// loaded machine can lag many seconds behind a burst; only a reader that
// is stuck should fail the step.
const markerTimeout = 60 * time.Second

// Start validates the configuration, loads the probe, starts the lab and
// has the probe follow it. Nothing is created when validation fails.
func Start(ctx context.Context, opts Options) (*Runner, error) {
	plan, err := steps.Plan(opts.Config)
	if err != nil {
		return nil, err
	}
	probe, err := probe.Open(probe.Options{Stacks: !opts.NoStacks})
	if err != nil {
		return nil, err
	}
	proc, err := lab.Start(ctx, opts.Config)
	if err != nil {
		probe.Close()
		return nil, err
	}
	if err := probe.Follow(proc.PID()); err != nil {
		proc.Close()
		probe.Close()
		return nil, err
	}
	l := &Runner{recorder: newRecorder(probe, newSession(opts, plan, probe.Unavailable()), opts.OnEvent), lab: proc}
	// The lab was mapped before the probe followed it: its mappings come
	// from /proc, while it waits to start.
	l.sym.Seed(uint32(proc.PID()))
	go l.read()
	if err := proc.Begin(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func newSession(opts Options, plan []steps.Step, unavailable []string) *session.Session {
	s := &session.Session{
		Header: session.Header{
			Format: session.FormatName, Version: session.FormatVersion, Netexplore: opts.Version,
			Kernel: kernelRelease(), Recorded: time.Now().UTC().Truncate(time.Second),
			Scenario: opts.Scenario, Config: opts.Config, Unavailable: unavailable,
		},
		Sources: steps.SourceFiles(),
	}
	for i, p := range plan {
		src, _ := steps.SourceOf(p)
		// A skipped step stays pending until its turn comes, as in Docker's
		// queue, where the condition is evaluated in order.
		st := &session.Step{Index: i, Info: p, Source: src, Status: session.Pending}
		s.Steps = append(s.Steps, st)
	}
	return s
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// read attributes every probe event to the step whose markers enclose it.
func (l *recorder) read() {
	for {
		e, err := l.probe.Read()
		if err != nil {
			if errors.Is(err, probe.ErrDrained) || errors.Is(err, probe.ErrProbeClosed) {
				err = nil
			}
			l.readErr <- err
			return
		}
		l.handle(e)
	}
}

func (l *recorder) handle(e event.Event) {
	if e.Kind == event.KindMarker {
		step, phase, _ := marker.Parse(uint32(e.Args[0]))
		l.mu.Lock()
		if phase == marker.Begin {
			l.current = step
			if step >= 0 && step < len(l.sess.Steps) {
				l.sess.Steps[step].Start = e.Time
			}
		} else {
			l.current = -1
		}
		l.mu.Unlock()
		if phase == marker.End {
			l.ended <- step
		}
		return
	}
	l.sym.Observe(&e)
	if e.Kind == event.KindMmap {
		return // bookkeeping for the symbolizer only
	}
	pid := e.PID
	if e.Kind == event.KindFork {
		pid = e.PPID
	}
	ev := session.Event{Event: e, Frames: l.sym.Resolve(pid, e.Stack)}

	l.mu.Lock()
	stepFunc := ""
	if l.current >= 0 && l.current < len(l.sess.Steps) {
		stepFunc = l.sess.Steps[l.current].Info.Symbol()
	}
	ev.Origin = session.OriginOf(ev.Frames, stepFunc)
	if ev.Origin == nil {
		ev.Origin = l.origins[e.PID]
	}
	if e.Kind == event.KindFork {
		// The child's events come from a helper program; they point at the
		// line that started it.
		origin := ev.Origin
		if origin == nil {
			origin = l.origins[e.PPID]
		}
		l.origins[e.PID] = origin
	}
	if e.Kind == event.KindExit {
		delete(l.origins, e.PID)
		defer l.sym.Forget(e.PID)
	}
	step := l.current
	if step < 0 || step >= len(l.sess.Steps) {
		l.sess.Outside++
		l.mu.Unlock()
		return
	}
	l.sess.Steps[step].AddEvent(ev)
	l.mu.Unlock()
	if l.onEvent != nil {
		l.onEvent(step, ev)
	}
}

// LabPID returns the process ID of the lab (the namespace's only owner).
func (l *Runner) LabPID() int { return l.lab.PID() }

// Session returns the session built so far. Read it only between steps,
// or under the lock held by [Runner.View].
func (l *recorder) Session() *session.Session { return l.sess }

// View calls f with the session while no event is being added.
func (l *recorder) View(f func(*session.Session)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l.sess)
}

// Lost returns the probe's lost-event count so far.
func (l *recorder) Lost() uint64 {
	lost, _, _ := l.probe.Lost()
	return lost
}

// RunStep runs step i in the lab and returns it once all of its events
// have been read. A step that fails is reported in the step's status, not
// as an error: the error is for a lab that refused or died.
func (l *Runner) RunStep(i int) (*session.Step, error) {
	if i < 0 || i >= len(l.sess.Steps) {
		return nil, fmt.Errorf("no step %d: the plan has %d steps", i, len(l.sess.Steps))
	}
	st := l.sess.Steps[i]
	l.mu.Lock()
	st.Status = session.Running
	l.mu.Unlock()
	res, err := l.lab.RunStep(i)
	if err != nil {
		l.mu.Lock()
		st.Status = session.Failed
		st.Result = &steps.StepResult{Step: i, ID: st.Info.ID, Error: err.Error()}
		l.mu.Unlock()
		return st, err
	}
	if !res.Skipped {
		if err := l.waitEnd(i); err != nil {
			return st, err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st.Result = &res
	switch {
	case res.Skipped:
		st.Status = session.Skipped
	case res.Error != "":
		st.Status = session.Failed
	default:
		st.Status = session.Done
	}
	l.sess.Lost = l.Lost()
	return st, nil
}

func (l *recorder) waitEnd(i int) error {
	timeout := time.After(markerTimeout)
	for {
		select {
		case got := <-l.ended:
			if got == i {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("step %d: its end marker never arrived (events may be missing)", i)
		}
	}
}

// RunAll runs every remaining step in order, calling progress (if set)
// before each one. It stops at the first failed step, as Docker does.
func (l *Runner) RunAll(progress func(st *session.Step)) error {
	for _, st := range l.sess.Steps {
		if st.Status != session.Pending {
			continue
		}
		if progress != nil {
			progress(st)
		}
		st, err := l.RunStep(st.Index)
		if err != nil {
			return err
		}
		if st.Status == session.Failed {
			return nil
		}
	}
	return nil
}

// Next returns the index of the next step to run, or -1 when none is left.
func (l *Runner) Next() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, st := range l.sess.Steps {
		switch st.Status {
		case session.Failed:
			return -1
		case session.Pending:
			return st.Index
		}
	}
	return -1
}

// Close stops the lab (its namespace and everything in it disappear with
// it), reads the last events and detaches the probe. The session stays
// readable and is marked complete.
func (l *Runner) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	var errs []error
	if err := l.lab.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := l.probe.Drain(); err == nil {
		if err := <-l.readErr; err != nil {
			errs = append(errs, err)
		}
	}
	l.mu.Lock()
	l.sess.Lost = l.Lost()
	l.sess.Complete = true
	l.mu.Unlock()
	if err := l.probe.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
