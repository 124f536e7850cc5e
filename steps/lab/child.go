package lab

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/netexplore/netexplore/internal/marker"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/steps"
)

// EnvVar is the environment variable that turns a process into a lab: it
// holds the lab's configuration as JSON. The program's main must check
// [IsChild] before anything else and exit with [Main]'s result.
const EnvVar = "NETEXPLORE_LAB"

// IsChild reports whether this process is a lab, started by [Start], or
// one of the re-executions a lab runs the way dockerd runs its own
// (steps.IsReexec).
func IsChild() bool {
	return os.Getenv(EnvVar) != "" || steps.IsReexec()
}

// Main runs the lab side (or a re-execution, see [IsChild]): it reads the
// configuration from [EnvVar] and serves requests on stdin/stdout until
// told to quit. It returns the exit code for os.Exit.
func Main() int {
	if steps.IsReexec() {
		return steps.ReexecMain()
	}
	var cfg steps.Config
	if err := json.Unmarshal([]byte(os.Getenv(EnvVar)), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "netexplore lab: bad %s: %v\n", EnvVar, err)
		return 2
	}
	os.Unsetenv(EnvVar) // helper programs must not think they are labs
	proto := os.Stdout
	os.Stdout = os.Stderr // stray prints must not corrupt the protocol
	if err := Serve(cfg, os.Stdin, proto); err != nil {
		fmt.Fprintf(os.Stderr, "netexplore lab: %v\n", err)
		return 1
	}
	return 0
}

// Serve is the lab process: run it inside a fresh network namespace. It
// sets up a [steps.Stage] (lo up), reports ready, waits for a "go" line, then runs one step per
// {"op":"run","step":i} request, in plan order, bracketing each with marker
// syscalls for the tracer and replying with the state changes it caused.
// It returns on {"op":"quit"} or at the end of in.
func Serve(cfg steps.Config, in io.Reader, out io.Writer) error {
	stage, err := steps.NewStage(cfg) // refuses the host namespace
	if err != nil {
		return err
	}
	defer stage.Close()
	s := server{plan: stage.Plan(), stage: stage, cfg: cfg}
	if s.state, err = s.snapshot(); err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(reply{Ready: true, PID: os.Getpid()}); err != nil {
		return err
	}

	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var req request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			if err := enc.Encode(reply{Refused: "bad request: " + err.Error()}); err != nil {
				return err
			}
			continue
		}
		if req.Op == "quit" {
			return enc.Encode(reply{OK: true})
		}
		if err := enc.Encode(s.handle(req)); err != nil {
			return err
		}
	}
	return sc.Err()
}

// server is the state of a running lab.
type server struct {
	plan    []steps.Step
	stage   *steps.Stage
	cfg     steps.Config // the lab's configuration
	state   Snapshot
	started bool
	next    int // index of the next step to run
	failed  int // index+1 of the step that failed, 0 if none
}

// handle serves one request other than quit.
func (s *server) handle(req request) reply {
	switch req.Op {
	case "go":
		s.started = true
		return reply{OK: true}
	case "snapshot":
		snap := s.state
		return reply{Snapshot: &snap}
	case "run":
		if refusal := s.checkRun(req.Step); refusal != "" {
			return reply{Refused: refusal}
		}
		res := s.run(req.Step)
		return reply{StepResult: &res}
	}
	return reply{Refused: fmt.Sprintf("unknown op %q", req.Op)}
}

// checkRun says why step i cannot run now, or returns "".
func (s *server) checkRun(i int) string {
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
func (s *server) run(i int) steps.StepResult {
	step := s.plan[i]
	s.next = i + 1
	res := steps.StepResult{Step: i, ID: step.ID, Changes: []steps.Change{}}
	if step.Skipped {
		res.Skipped = true
		res.Notes = []string{step.SkipReason}
		return res
	}
	start := time.Now()
	stepMarker(i, marker.Begin)
	notes, commands, err := s.stage.Perform(i)
	stepMarker(i, marker.End)
	res.Duration = time.Since(start)
	res.Notes, res.Commands = notes, commands
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
	res.Network = Network(after, s.stage.HostName())
	s.state = after
	return res
}

// snapshot reads the state of the lab namespace and of every namespace the
// scenario has created so far.
func (s *server) snapshot() (Snapshot, error) {
	snap, err := TakeSnapshot(s.stage.Handle(), s.cfg)
	if err != nil {
		return snap, err
	}
	others := s.stage.Namespaces()
	for _, n := range others {
		ns, err := namespaceState(n)
		if err != nil {
			return snap, err
		}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	identify(&snap, s.stage.Handle(), others)
	return snap, nil
}

// stepMarker issues ioctl(-1, marker.Request(step, phase), 0). It fails with
// EBADF at once; the probe records it on syscall entry.
func stepMarker(step int, phase marker.Phase) {
	_, _, _ = unix.Syscall(unix.SYS_IOCTL, ^uintptr(0), uintptr(marker.Request(step, phase)), 0)
}
