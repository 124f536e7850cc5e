package lab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/netexplore/netexplore/steps"
)

// closeTimeout is how long Close waits for the lab to quit before killing it.
const closeTimeout = 5 * time.Second

// Process is the parent's handle on a lab process: a re-execution of the
// current binary inside a new network namespace that runs the plan's steps
// on request. The namespace has no name and dies with the process; the process
// dies with its parent (PR_SET_PDEATHSIG).
type Process struct {
	plan    []steps.Step
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan reply
	exited  chan struct{}
	waitErr error
	stderr  *tailBuffer

	mu     sync.Mutex
	closed bool
}

// Start starts a lab for cfg and waits until it is set up (lo up). The
// lab then waits for [Process.Begin], so that a tracer can be told to follow
// [Process.PID] first. It needs root (CAP_SYS_ADMIN to create the namespace).
func Start(ctx context.Context, cfg steps.Config) (*Process, error) {
	plan, err := steps.Plan(cfg)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the running binary to start the lab: %w", err)
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), EnvVar+"="+string(raw))
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET, // a fresh network namespace: only lo, down
		Pdeathsig:  syscall.SIGKILL,      // die with the parent
	}
	l := &Process{plan: plan, cmd: cmd, replies: make(chan reply), exited: make(chan struct{}), stderr: &tailBuffer{max: 64 << 10}}
	cmd.Stderr = l.stderr
	if l.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := l.spawn(); err != nil {
		if errors.Is(err, syscall.EPERM) {
			return nil, fmt.Errorf("starting the lab in a new network namespace: %w: needs root, run with sudo (or try `netexplore replay`)", err)
		}
		return nil, fmt.Errorf("starting the lab: %w", err)
	}
	go l.read(stdout)

	ready, err := l.recv(ctx)
	if err != nil {
		l.kill()
		return nil, err
	}
	if !ready.Ready {
		l.kill()
		return nil, fmt.Errorf("lab sent %+v instead of ready", ready)
	}
	return l, nil
}

// spawn starts the lab process from a goroutine locked to its OS thread,
// which then waits for the lab to exit. The kernel sends the parent-death
// signal when the thread that forked the child ends, not the process; the
// locked, waiting goroutine keeps that thread alive exactly as long as the
// lab runs, whatever the caller's goroutine does.
func (l *Process) spawn() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := l.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		l.waitErr = l.cmd.Wait()
		close(l.exited)
	}()
	return <-started
}

// read decodes reply lines until the lab closes stdout.
func (l *Process) read(r io.Reader) {
	defer close(l.replies)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	for sc.Scan() {
		var rep reply
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
			rep = reply{Refused: "undecodable reply from the lab: " + err.Error()}
		}
		l.replies <- rep
	}
}

// recv waits for the next reply.
func (l *Process) recv(ctx context.Context) (reply, error) {
	select {
	case rep, ok := <-l.replies:
		if !ok {
			<-l.exited
			return reply{}, fmt.Errorf("the lab exited (%v): %s", l.waitErr, strings.TrimSpace(l.stderr.String()))
		}
		return rep, nil
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
}

// call sends one request and waits for its reply.
func (l *Process) call(req request) (reply, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return reply{}, errors.New("the lab is closed")
	}
	line, err := json.Marshal(req)
	if err != nil {
		return reply{}, err
	}
	if _, err := l.stdin.Write(append(line, '\n')); err != nil {
		return reply{}, fmt.Errorf("sending %q to the lab: %w (%s)", req.Op, err, strings.TrimSpace(l.stderr.String()))
	}
	rep, err := l.recv(context.Background())
	if err != nil {
		return rep, err
	}
	if rep.Refused != "" {
		return rep, errors.New(rep.Refused)
	}
	return rep, nil
}

// PID returns the lab process's ID, for the tracer to follow.
func (l *Process) PID() int {
	return l.cmd.Process.Pid
}

// Plan returns the steps the lab runs, in order.
func (l *Process) Plan() []steps.Step {
	return l.plan
}

// Begin lets the lab take steps. Call it after the tracer follows
// [Process.PID].
func (l *Process) Begin() error {
	_, err := l.call(request{Op: "go"})
	return err
}

// RunStep runs step i of the plan in the lab and returns what happened. A
// step that fails is reported in steps.StepResult.Error, not as an error; the
// error is for requests the lab refuses (wrong order, after a failure) and
// for a lab that died.
func (l *Process) RunStep(i int) (steps.StepResult, error) {
	rep, err := l.call(request{Op: "run", Step: i})
	if err != nil {
		return steps.StepResult{}, err
	}
	if rep.StepResult == nil {
		return steps.StepResult{}, fmt.Errorf("the lab sent no result for step %d", i)
	}
	return *rep.StepResult, nil
}

// Snapshot returns the lab namespace's current state.
func (l *Process) Snapshot() (Snapshot, error) {
	rep, err := l.call(request{Op: "snapshot"})
	if err != nil {
		return Snapshot{}, err
	}
	if rep.Snapshot == nil {
		return Snapshot{}, errors.New("the lab sent no snapshot")
	}
	return *rep.Snapshot, nil
}

// Close tells the lab to quit and waits for it, killing it after a few
// seconds. The namespace disappears with the process.
func (l *Process) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	if line, err := json.Marshal(request{Op: "quit"}); err == nil {
		_, _ = l.stdin.Write(append(line, '\n'))
	}
	_ = l.stdin.Close()
	l.mu.Unlock()

	go func() { // drain replies so the reader never blocks
		for range l.replies {
		}
	}()
	select {
	case <-l.exited:
	case <-time.After(closeTimeout):
		l.kill()
		return errors.New("the lab did not quit in time and was killed")
	}
	if l.waitErr != nil {
		return fmt.Errorf("the lab exited with %w: %s", l.waitErr, strings.TrimSpace(l.stderr.String()))
	}
	return nil
}

// kill ends the lab process at once and waits for it.
func (l *Process) kill() {
	_ = l.cmd.Process.Kill()
	go func() {
		for range l.replies {
		}
	}()
	<-l.exited
}

// Stderr returns the end of what the lab wrote to its standard error.
func (l *Process) Stderr() string {
	return l.stderr.String()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

// Write appends p, dropping the oldest bytes beyond max.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

// String returns the bytes kept.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
