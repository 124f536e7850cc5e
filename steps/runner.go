package steps

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

	"github.com/netexplore/netexplore/internal/marker"
	"golang.org/x/sys/unix"
)

// LabEnv is the environment variable that turns a process into a lab: it
// holds the lab's Config as JSON. The program's main must check
// [IsLabProcess] before anything else and exit with [LabMain]'s result.
const LabEnv = "NETEXPLORE_LAB"

// closeTimeout is how long Close waits for the lab to quit before killing it.
const closeTimeout = 5 * time.Second

// IsLabProcess reports whether this process was started by [StartLab].
func IsLabProcess() bool {
	return os.Getenv(LabEnv) != ""
}

// LabMain runs the lab side: it reads the configuration from [LabEnv] and
// serves requests on stdin/stdout until told to quit. It returns the exit
// code for os.Exit.
func LabMain() int {
	var cfg Config
	if err := json.Unmarshal([]byte(os.Getenv(LabEnv)), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "netexplore lab: bad %s: %v\n", LabEnv, err)
		return 2
	}
	os.Unsetenv(LabEnv) // helper programs must not think they are labs
	proto := os.Stdout
	os.Stdout = os.Stderr // stray prints must not corrupt the protocol
	if err := ServeLab(cfg, os.Stdin, proto); err != nil {
		fmt.Fprintf(os.Stderr, "netexplore lab: %v\n", err)
		return 1
	}
	return 0
}

// labRequest is one line the parent sends.
type labRequest struct {
	// Op is "go", "run", "snapshot" or "quit".
	Op   string `json:"op"`
	Step int    `json:"step,omitempty"`
}

// labReply is one line the lab sends back. For "run" it carries the
// StepResult's fields at the top level ({"step":i,"error":"...","changes":[...]}).
type labReply struct {
	*StepResult
	// Ready is set on the first line, once the lab is set up.
	Ready bool `json:"ready,omitempty"`
	// PID is the lab's process ID, on the ready line.
	PID int `json:"pid,omitempty"`
	// OK acknowledges "go" and "quit".
	OK bool `json:"ok,omitempty"`
	// Refused says why a request was not carried out.
	Refused string `json:"refused,omitempty"`
	// Snapshot answers "snapshot".
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}

// ServeLab is the lab process: run it inside a fresh network namespace. It
// brings lo up, reports ready, waits for a "go" line, then runs one step per
// {"op":"run","step":i} request, in plan order, bracketing each with marker
// syscalls for the tracer and replying with the state changes it caused.
// It returns on {"op":"quit"} or at the end of in.
func ServeLab(cfg Config, in io.Reader, out io.Writer) error {
	plan, w, err := planWorld(cfg, exec.LookPath)
	if err != nil {
		return err
	}
	env, err := NewEnv(cfg) // refuses the host namespace
	if err != nil {
		return err
	}
	defer env.Close()
	defer w.close() // the scenario's namespaces and sockets
	if err := prepareLab(env); err != nil {
		return err
	}
	s := labSession{plan: plan, env: env, cfg: cfg, world: w}
	if s.state, err = s.snapshot(); err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(labReply{Ready: true, PID: os.Getpid()}); err != nil {
		return err
	}

	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var req labRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			if err := enc.Encode(labReply{Refused: "bad request: " + err.Error()}); err != nil {
				return err
			}
			continue
		}
		if req.Op == "quit" {
			return enc.Encode(labReply{OK: true})
		}
		if err := enc.Encode(s.handle(req)); err != nil {
			return err
		}
	}
	return sc.Err()
}

// labSession is the state of a running lab.
type labSession struct {
	plan    []Step
	env     *Env
	cfg     Config // the lab's configuration (steps may swap env.Config)
	world   *world // what the scenario created besides the lab namespace
	state   Snapshot
	started bool
	next    int // index of the next step to run
	failed  int // index+1 of the step that failed, 0 if none
}

// handle serves one request other than quit.
func (s *labSession) handle(req labRequest) labReply {
	switch req.Op {
	case "go":
		s.started = true
		return labReply{OK: true}
	case "snapshot":
		snap := s.state
		return labReply{Snapshot: &snap}
	case "run":
		if refusal := s.checkRun(req.Step); refusal != "" {
			return labReply{Refused: refusal}
		}
		res := s.run(req.Step)
		return labReply{StepResult: &res}
	}
	return labReply{Refused: fmt.Sprintf("unknown op %q", req.Op)}
}

// checkRun says why step i cannot run now, or returns "".
func (s *labSession) checkRun(i int) string {
	switch {
	case !s.started:
		return "the lab has not been started: send {\"op\":\"go\"} first"
	case i < 0 || i >= len(s.plan):
		return fmt.Sprintf("no step %d: the plan has %d steps", i, len(s.plan))
	case s.failed != 0:
		f := s.failed - 1
		return fmt.Sprintf("step %d (%s) failed: Docker's bridgeSetup.apply stops at the first error", f, s.plan[f].ID)
	case i < s.next:
		return fmt.Sprintf("step %d (%s) has already run", i, s.plan[i].ID)
	}
	for j := s.next; j < i; j++ {
		if !s.plan[j].Skipped {
			return fmt.Sprintf("step %d (%s) must run before step %d: steps run in libnetwork's order", j, s.plan[j].ID, i)
		}
	}
	return ""
}

// run performs step i between two markers and diffs the state.
func (s *labSession) run(i int) StepResult {
	step := s.plan[i]
	s.next = i + 1
	res := StepResult{Step: i, ID: step.ID, Changes: []Change{}}
	if step.Skipped {
		res.Skipped = true
		res.Notes = []string{step.SkipReason}
		return res
	}
	start := time.Now()
	stepMarker(i, marker.Begin)
	err := step.Run(s.env)
	stepMarker(i, marker.End)
	res.Duration = time.Since(start)
	res.Notes, res.Commands = s.env.takeRecords()
	if err != nil {
		res.Error = err.Error()
		s.failed = i + 1
	}
	after, serr := s.snapshot()
	if serr != nil {
		res.Notes = append(res.Notes, "state after the step could not be read: "+serr.Error())
		return res
	}
	res.Changes = Diff(s.state, after)
	s.state = after
	return res
}

// snapshot reads the state of the lab namespace and of every namespace the
// scenario has created so far.
func (s *labSession) snapshot() (Snapshot, error) {
	snap, err := TakeSnapshot(s.env.Handle, s.cfg)
	if err != nil {
		return snap, err
	}
	for _, n := range s.world.namespaces {
		ns, err := namespaceState(n)
		if err != nil {
			return snap, err
		}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	return snap, nil
}

// stepMarker issues ioctl(-1, marker.Request(step, phase), 0). It fails with
// EBADF at once; the probe records it on syscall entry.
func stepMarker(step int, phase marker.Phase) {
	_, _, _ = unix.Syscall(unix.SYS_IOCTL, ^uintptr(0), uintptr(marker.Request(step, phase)), 0)
}

// prepareLab brings lo up, as any new network namespace needs, and sets the
// forwarding sysctls to a known starting state: a new namespace inherits the
// host's IPv4 settings, so without this the lab would behave differently on
// every machine. Forwarding starts off, as on a fresh host, unless
// Config.LabIPForward asks for it on. It runs before "go", outside any step.
func prepareLab(env *Env) error {
	lo, err := env.Handle.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("finding lo: %w", err)
	}
	if err := env.Handle.LinkSetUp(lo); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	val := byte('0')
	if env.Config.LabIPForward {
		val = '1'
	}
	for _, p := range []string{ipv4ForwardConf, ipv6ForwardConfDefault, ipv6ForwardConfAll} {
		if p != ipv4ForwardConf {
			if _, err := os.Stat(p); err != nil {
				continue // no IPv6 in this kernel
			}
		}
		if err := writeSysctl(p, val); err != nil {
			return fmt.Errorf("presetting %s: %w", p, err)
		}
	}
	return nil
}

// Lab is the parent's handle on a lab process: a re-execution of the current
// binary inside a new network namespace that runs the plan's steps on
// request. The namespace has no name and dies with the process; the process
// dies with its parent (PR_SET_PDEATHSIG).
type Lab struct {
	plan    []Step
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan labReply
	exited  chan struct{}
	waitErr error
	stderr  *tailBuffer

	mu     sync.Mutex
	closed bool
}

// StartLab starts a lab for cfg and waits until it is set up (lo up). The
// lab then waits for [Lab.Start], so that a tracer can be told to follow
// [Lab.PID] first. It needs root (CAP_SYS_ADMIN to create the namespace).
func StartLab(ctx context.Context, cfg Config) (*Lab, error) {
	plan, err := Plan(cfg)
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
	cmd.Env = append(os.Environ(), LabEnv+"="+string(raw))
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET, // a fresh network namespace: only lo, down
		Pdeathsig:  syscall.SIGKILL,      // die with the parent
	}
	l := &Lab{plan: plan, cmd: cmd, replies: make(chan labReply), exited: make(chan struct{}), stderr: &tailBuffer{max: 64 << 10}}
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
func (l *Lab) spawn() error {
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
func (l *Lab) read(r io.Reader) {
	defer close(l.replies)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	for sc.Scan() {
		var rep labReply
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
			rep = labReply{Refused: "undecodable reply from the lab: " + err.Error()}
		}
		l.replies <- rep
	}
}

// recv waits for the next reply.
func (l *Lab) recv(ctx context.Context) (labReply, error) {
	select {
	case rep, ok := <-l.replies:
		if !ok {
			<-l.exited
			return labReply{}, fmt.Errorf("the lab exited (%v): %s", l.waitErr, strings.TrimSpace(l.stderr.String()))
		}
		return rep, nil
	case <-ctx.Done():
		return labReply{}, ctx.Err()
	}
}

// call sends one request and waits for its reply.
func (l *Lab) call(req labRequest) (labReply, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return labReply{}, errors.New("the lab is closed")
	}
	line, err := json.Marshal(req)
	if err != nil {
		return labReply{}, err
	}
	if _, err := l.stdin.Write(append(line, '\n')); err != nil {
		return labReply{}, fmt.Errorf("sending %q to the lab: %w (%s)", req.Op, err, strings.TrimSpace(l.stderr.String()))
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
func (l *Lab) PID() int {
	return l.cmd.Process.Pid
}

// Plan returns the steps the lab runs, in order.
func (l *Lab) Plan() []Step {
	return l.plan
}

// Start lets the lab begin taking steps. Call it after the tracer follows
// [Lab.PID].
func (l *Lab) Start() error {
	_, err := l.call(labRequest{Op: "go"})
	return err
}

// RunStep runs step i of the plan in the lab and returns what happened. A
// step that fails is reported in StepResult.Error, not as an error; the
// error is for requests the lab refuses (wrong order, after a failure) and
// for a lab that died.
func (l *Lab) RunStep(i int) (StepResult, error) {
	rep, err := l.call(labRequest{Op: "run", Step: i})
	if err != nil {
		return StepResult{}, err
	}
	if rep.StepResult == nil {
		return StepResult{}, fmt.Errorf("the lab sent no result for step %d", i)
	}
	return *rep.StepResult, nil
}

// Snapshot returns the lab namespace's current state.
func (l *Lab) Snapshot() (Snapshot, error) {
	rep, err := l.call(labRequest{Op: "snapshot"})
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
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	if line, err := json.Marshal(labRequest{Op: "quit"}); err == nil {
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
func (l *Lab) kill() {
	_ = l.cmd.Process.Kill()
	go func() {
		for range l.replies {
		}
	}()
	<-l.exited
}

// Stderr returns the end of what the lab wrote to its standard error.
func (l *Lab) Stderr() string {
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
