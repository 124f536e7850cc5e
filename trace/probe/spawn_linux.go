package probe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The traced command must not run a single instruction before the probe
// follows it. Go cannot pause between fork and exec, so netexplore starts
// itself as a tiny shim: the shim waits on a pipe, the parent adds the shim's
// PID to the probe's traced set, then releases it, and the shim execs the
// command in place (same PID, so the exec is captured too).

// shimEnv marks a process started as an exec shim; its value is the path
// of the program to exec.
const shimEnv = "NETEXPLORE_EXEC_SHIM"

// shimDeathEnv carries the shim's parent-death signal number, which the
// shim sets again on the thread that execs (see [ShimMain]).
const shimDeathEnv = "NETEXPLORE_EXEC_SHIM_PDEATHSIG"

// IsShim reports whether this process was started as an exec shim.
// cmd/netexplore (and test mains) must call [ShimMain] first thing when it
// returns true.
func IsShim() bool { return os.Getenv(shimEnv) != "" }

// ShimMain waits for the go-ahead on fd 3 and then replaces the process with
// the command in os.Args (argv[0] included). It only returns on failure, with an exit code.
func ShimMain() int {
	path := os.Getenv(shimEnv)
	gate := os.NewFile(3, "gate")
	var b [1]byte
	if n, _ := gate.Read(b[:]); n != 1 {
		// The parent went away without releasing us.
		return 127
	}
	gate.Close()
	// The parent-death signal belongs to one thread: fork set it on the
	// main thread only, and an exec from any other thread (where the Go
	// scheduler may well have moved this goroutine during the blocking
	// read) keeps that thread's empty setting, so the command would outlive
	// netexplore. Set it on the thread that execs; until the exec the main
	// thread's own setting still covers a parent that dies meanwhile.
	runtime.LockOSThread()
	if sig, err := strconv.Atoi(os.Getenv(shimDeathEnv)); err == nil && sig > 0 {
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(sig), 0, 0, 0); err != nil {
			fmt.Fprintf(os.Stderr, "netexplore: setting the parent-death signal: %v\n", err)
			return 127
		}
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, shimEnv+"=") && !strings.HasPrefix(kv, shimDeathEnv+"=") {
			env = append(env, kv)
		}
	}
	err := syscall.Exec(path, os.Args, env)
	fmt.Fprintf(os.Stderr, "netexplore: exec %s: %v\n", path, err)
	return 127
}

// Traced is a command started under the probe.
type Traced struct {
	cmd  *exec.Cmd
	gate *os.File
}

// StartOption changes how [StartTraced] starts a command.
type StartOption func(*exec.Cmd)

// Detached lets the command run on when netexplore dies. By default it is
// killed with SIGKILL then (PR_SET_PDEATHSIG, as the lab is), so that a
// command never goes on untraced behind a trace that ended.
func Detached() StartOption {
	return func(c *exec.Cmd) { c.SysProcAttr.Pdeathsig = 0 }
}

// StartTraced starts argv held at its first instruction and returns it; call
// [Traced.Release] after the probe follows [Traced.PID]. The command's
// standard streams are stdin, stdout and stderr.
func StartTraced(argv []string, stdin io.Reader, stdout, stderr io.Writer, opts ...StartOption) (*Traced, error) {
	if len(argv) == 0 {
		return nil, errors.New("no command to trace: give one after --, e.g. `netexplore trace -- ip link show`")
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("command %q not found: %w", argv[0], err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding netexplore's own binary: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("creating the start gate: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Args = argv
	cmd.Env = append(os.Environ(), shimEnv+"="+path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.ExtraFiles = []*os.File{r}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	for _, o := range opts {
		o(cmd)
	}
	cmd.Env = append(cmd.Env, shimDeathEnv+"="+strconv.Itoa(int(cmd.SysProcAttr.Pdeathsig)))
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	r.Close()
	return &Traced{cmd: cmd, gate: w}, nil
}

// PID returns the process ID the command runs under.
func (t *Traced) PID() int { return t.cmd.Process.Pid }

// Release lets the command run.
func (t *Traced) Release() error {
	_, err := t.gate.Write([]byte{1})
	t.gate.Close()
	if err != nil {
		return fmt.Errorf("releasing pid %d: %w", t.PID(), err)
	}
	return nil
}

// Abort kills a command that was never released (or is still running).
func (t *Traced) Abort() {
	t.gate.Close()
	t.cmd.Process.Kill()
	t.cmd.Wait()
}

// Signal forwards sig to the command.
func (t *Traced) Signal(sig os.Signal) error { return t.cmd.Process.Signal(sig) }

// Kill stops the command with SIGKILL.
func (t *Traced) Kill() error { return t.cmd.Process.Kill() }

// Wait waits for the command and returns its exit status the way a shell
// reports it: the exit code, or 128+signal number when it was killed.
func (t *Traced) Wait() (int, error) {
	err := t.cmd.Wait()
	state := t.cmd.ProcessState
	if state == nil {
		return 127, err
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return 127, err
	}
	return state.ExitCode(), nil
}

// CPUTime returns the user and system CPU time the command and the
// children it waited for used, once it has exited.
func (t *Traced) CPUTime() (user, sys time.Duration) {
	if s := t.cmd.ProcessState; s != nil {
		return s.UserTime(), s.SystemTime()
	}
	return 0, 0
}

// String describes the command for messages.
func (t *Traced) String() string { return t.cmd.Args[0] + " (pid " + strconv.Itoa(t.PID()) + ")" }
