package dockerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/child"
	"github.com/netexplore/netexplore/internal/marker"
)

// A re-executed run is three processes of the current binary, each told
// its stage by its arguments (not the environment, which
// probe.StartTraced does not let the caller set):
//
//	launch  in the caller's namespaces: starts init in fresh network, mount
//	        and PID namespaces and forwards SIGINT/SIGTERM to it
//	init    PID 1 of the fresh PID namespace: starts the worker, reaps every
//	        orphan, and when the worker is done kills whatever is left and
//	        removes the containers' cgroup parent
//	run     the worker: what [Run] does, with a hook that issues step markers and
//	        writes [Report] lines
//
// When the launcher dies, even by SIGKILL, init gets SIGTERM (its
// parent-death signal) and the run cleans up as if interrupted; when init
// dies, the kernel kills every process of its PID namespace, and the next
// run removes the cgroup parent it left.

// roleArg is os.Args[1] of a re-executed run; the stage and the JSON of its
// Config follow.
const roleArg = "__netexplore-dockerd"

// The stages of a re-executed run.
const (
	stageLaunch = "launch"
	stageInit   = "init"
	stageRun    = "run"
)

// initGrace is how long init lets the worker clean up after a signal
// before it kills every process of the namespace.
const initGrace = 30 * time.Second

// IsRole reports whether this process was started by [Argv] or [Command]
// (or is one of the processes they start). The program's main, or a test
// binary's TestMain, must then exit with [RoleMain]'s result before doing
// anything else.
func IsRole() bool { return len(os.Args) == 4 && os.Args[1] == roleArg }

// RoleMain plays this process's stage of a re-executed run and returns its
// exit code: 0 when every step succeeded, 1 when the run failed (the
// reason is on standard error and in the last report), 2 for a malformed
// command line.
func RoleMain() int {
	// A reader that went away must not kill a stage in the middle of its
	// cleanup: with SIGPIPE caught, the write fails instead.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	var cfg Config
	if err := json.Unmarshal([]byte(os.Args[3]), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "netexplore: bad configuration for a real Docker run: %v\n", err)
		return 2
	}
	switch os.Args[2] {
	case stageLaunch:
		return launch(cfg)
	case stageInit:
		return initStage(cfg)
	case stageRun:
		return runStage(cfg)
	}
	fmt.Fprintf(os.Stderr, "netexplore: unknown stage %q of a real Docker run\n", os.Args[2])
	return 2
}

// Argv returns the command line that takes cfg's steps with a real Docker
// daemon in fresh namespaces, by re-executing the current binary: give it
// to probe.StartTraced to trace the run from its first instruction, or run
// it as it is. The run writes [Report] lines to its standard output and
// its errors to standard error; SIGINT or SIGTERM make it clean up and
// exit. Only hook-less fields of cfg travel: a re-executed run's hook
// issues the step markers ([Mark]). The run also stops when the thread
// that started it ends (its parent-death signal): start it from a thread
// that lives as long as the caller, not from a goroutine that locked its
// thread and returns.
func Argv(cfg Config) ([]string, error) { return stageArgv(stageLaunch, cfg) }

// stageArgv is the command line of one stage.
func stageArgv(stage string, cfg Config) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the running binary to re-execute: %w", err)
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	return []string{exe, roleArg, stage, string(raw)}, nil
}

// Command returns [Argv] as a command that gets SIGTERM when its parent
// thread dies or ctx is cancelled, and is killed if it has not cleaned up
// shortly after. Start it from a goroutine locked to its OS thread, or
// from the main goroutine, for the parent-death signal to mean the
// caller's death.
func Command(ctx context.Context, cfg Config) (*exec.Cmd, error) {
	argv, err := Argv(cfg)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = initGrace + 10*time.Second
	return cmd, nil
}

// launch starts init in fresh namespaces and waits for it.
func launch(cfg Config) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	// Started by probe.StartTraced, the launcher would die of SIGKILL with
	// its caller (or live on, if detached); SIGTERM instead lets it take
	// the daemon down cleanly, and a detached run still ends with its caller.
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0)
	if cfg.Tools == nil {
		t, err := Check(cfg.Dockerd)
		if err != nil {
			return finish(nil, err)
		}
		cfg.Tools = &t
	}
	argv, err := stageArgv(stageInit, cfg)
	if err != nil {
		return finish(nil, err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGTERM,
		// Its own process group: a Ctrl-C reaches the launcher only,
		// which passes it on as one orderly SIGTERM.
		Setpgid: true,
	}
	init, err := child.Start(cmd)
	if err != nil {
		if errors.Is(err, syscall.EPERM) {
			err = fmt.Errorf("%w: needs root, run with sudo", err)
		}
		return finish(nil, fmt.Errorf("starting a real Docker run in fresh namespaces: %w", err))
	}
	for {
		select {
		case <-sigs:
			_ = cmd.Process.Signal(syscall.SIGTERM)
		case <-init.Exited:
			return exitCode(cmd.ProcessState)
		}
	}
}

// initStage is PID 1 of the run's PID namespace.
func initStage(cfg Config) int {
	if os.Getpid() != 1 {
		return finish(nil, errors.New("the init stage of a real Docker run must be PID 1 of a fresh PID namespace"))
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if cfg.CgroupParent == "" {
		// /proc is still the host's: this is init's PID there.
		self, err := os.Readlink("/proc/self")
		if err != nil {
			return finish(nil, fmt.Errorf("reading /proc/self: %w", err))
		}
		cfg.CgroupParent = "/" + cgroupPrefix + self
	}
	argv, err := stageArgv(stageRun, cfg)
	if err != nil {
		return finish(nil, err)
	}
	worker, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		return finish(nil, fmt.Errorf("starting the worker of a real Docker run: %w", err))
	}
	status, gone := make(chan int, 1), make(chan struct{})
	go reapAll(worker.Pid, status, gone)
	var force <-chan time.Time
	code := -1
	for code < 0 {
		select {
		case <-sigs:
			_ = worker.Signal(syscall.SIGTERM)
			if force == nil {
				force = time.After(initGrace)
			}
		case <-force:
			_ = unix.Kill(-1, unix.SIGKILL)
		case code = <-status:
		}
	}
	// From PID 1, kill(-1) reaches every other process of the namespace:
	// whatever the worker could not stop.
	for done := false; !done; {
		_ = unix.Kill(-1, unix.SIGKILL)
		select {
		case <-gone:
			done = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := removeCgroup(cfg.CgroupParent); err != nil {
		fmt.Fprintln(os.Stderr, "netexplore:", err)
		code = max(code, 1)
	}
	return code
}

// reapAll waits for every child of init: it sends the worker's exit code on
// status and closes gone once no child is left.
func reapAll(worker int, status chan<- int, gone chan<- struct{}) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			close(gone)
			return
		}
		if pid == worker {
			code := ws.ExitStatus()
			if ws.Signaled() {
				code = 128 + int(ws.Signal())
			}
			status <- code
		}
	}
}

// runStage is the worker: Run with a hook that marks and reports steps.
func runStage(cfg Config) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	enc := json.NewEncoder(os.Stdout)
	cfg.Hook = func(i int, s Step, phase marker.Phase, res *StepResult) {
		if phase == marker.Begin {
			_ = enc.Encode(Report{Phase: PhaseBegin, Index: i, Name: s.Name})
			Mark(i, marker.Begin)
			return
		}
		Mark(i, marker.End)
		_ = enc.Encode(Report{Phase: PhaseEnd, Index: i, Name: s.Name, Step: res})
	}
	if cfg.Verbose {
		cfg.Log = os.Stderr
	}
	res, err := run(ctx, cfg)
	return finish(&res, err)
}

// finish writes a run's last report and, on failure, its error line, and
// returns the exit code.
func finish(res *Result, err error) int {
	rep := Report{Phase: PhaseDone, Result: res}
	if err != nil {
		rep.Error = err.Error()
		fmt.Fprintln(os.Stderr, "netexplore:", err)
	}
	_ = json.NewEncoder(os.Stdout).Encode(rep)
	if err != nil {
		return 1
	}
	return 0
}

// exitCode is a finished child's exit code the way a shell reports it.
func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
