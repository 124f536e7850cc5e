package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// finalLine finds netexplore's last line in its standard error.
func finalLine(t *testing.T, stderr string) string {
	t.Helper()
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, " events, ") && strings.Contains(l, " lost") {
			return l
		}
	}
	t.Fatalf("no final line in:\n%s", stderr)
	return ""
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) STATE ...: the state follows the last ')'.
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

// waitGone waits up to d for pid to be gone.
func waitGone(pid int, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if !alive(pid) {
			return true
		}
	}
	return false
}

// children lists the child processes of pid.
func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// waitChild waits until pid has started its command and returns it. Go's
// os/exec forks a throwaway child of the same program once, to learn
// whether the kernel has pidfds; that one is not the command (its command
// line is its parent's).
func waitChild(t *testing.T, pid int) int {
	t.Helper()
	self, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		for _, c := range children(pid) {
			if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", c)); err == nil && len(cmdline) > 0 && !bytes.Equal(cmdline, self) {
				return c
			}
		}
	}
	t.Fatalf("process %d started no command", pid)
	return 0
}

// waitExec waits until process pid runs the program named comm: a command
// starts held in netexplore's own shim, and runs only once released.
func waitExec(t *testing.T, pid int, comm string) {
	t.Helper()
	// The probe loads first: on a loaded machine that takes seconds.
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(b)) == comm {
			return
		}
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	wchan, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pid))
	t.Fatalf("process %d never ran %s: it runs %q, waiting in %s\n%s", pid, comm, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}), wchan, status)
}

// Every frame of ip's stacks is named, 20 runs out of 20, also while another
// heavy trace runs: the mappings come from the probe's events, not from
// /proc after ip is gone.
func TestTraceSymbolizesShortLivedProcesses(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	bin := buildBinary(t)
	heavy := exec.Command(bin, "trace", "-o", "/dev/null", "--", "sh", "-c", "while :; do ip link show >/dev/null; done")
	if err := heavy.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		heavy.Process.Signal(syscall.SIGTERM)
		heavy.Wait()
	}()
	out := filepath.Join(t.TempDir(), "ip.jsonl")
	const runs = 20
	good := 0
	for run := range runs {
		if b, err := exec.Command(bin, "trace", "--format", "json", "-o", out, "--", "ip", "-br", "link").CombinedOutput(); err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, b)
		}
		frames, named, stacks := symbolized(t, out, "ip")
		if stacks == 0 {
			t.Fatalf("run %d: no event of ip carries a stack", run)
		}
		if frames == named {
			good++
		} else {
			t.Errorf("run %d: %d of %d frames of ip named", run, named, frames)
		}
	}
	if good != runs {
		t.Fatalf("every frame named in %d runs of %d", good, runs)
	}
}

// symbolized counts the frames of comm's events in a JSON trace, those
// with a function name, and the events with a stack.
func symbolized(t *testing.T, path, comm string) (frames, named, stacks int) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e struct {
			Comm  string `json:"comm"`
			Stack []struct {
				Func string `json:"func"`
			} `json:"stack"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Comm != comm || len(e.Stack) == 0 {
			continue
		}
		stacks++
		for _, fr := range e.Stack {
			frames++
			if fr.Func != "" {
				named++
			}
		}
	}
	return frames, named, stacks
}

// An interrupted trace prints what it captured and its final line, and
// its exit status is the command's: SIGTERM sent to netexplore is passed
// on; Ctrl-C reaches the whole foreground group; a command that ignores
// both is stopped, with its children, two seconds later.
func TestTraceInterrupted(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	bin := buildBinary(t)
	for _, tc := range []struct {
		name    string
		script  string
		signal  syscall.Signal
		toGroup bool
		status  int
	}{
		{"SIGTERM", "ip link show lo >/dev/null; : >\"$MARK\"; exec sleep 30", syscall.SIGTERM, false, 128 + 15},
		{"Ctrl-C", "ip link show lo >/dev/null; : >\"$MARK\"; exec sleep 30", syscall.SIGINT, true, 128 + 2},
		{"ignored", "trap '' TERM INT; ip link show lo >/dev/null; : >\"$MARK\"; sleep 30; true", syscall.SIGTERM, false, 128 + 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out, mark := filepath.Join(dir, "trace.txt"), filepath.Join(dir, "ip-ran")
			cmd := exec.Command(bin, "trace", "-o", out, "--", "sh", "-c", tc.script)
			cmd.Env = append(os.Environ(), "MARK="+mark)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			root := waitChild(t, cmd.Process.Pid)
			// Wait until ip has run (its events are then in the ring; the
			// output file is named only when the trace ends).
			for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
				if _, err := os.Stat(mark); err == nil {
					break
				}
			}
			desc := children(root) // the sleep, when the shell forked it
			start := time.Now()
			if tc.toGroup {
				syscall.Kill(-cmd.Process.Pid, tc.signal)
			} else {
				cmd.Process.Signal(tc.signal)
			}
			err := cmd.Wait()
			took := time.Since(start)
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			}
			if status != tc.status {
				t.Errorf("exit status %d, want %d (%v)\n%s", status, tc.status, err, stderr.String())
			}
			if took > 5*time.Second {
				t.Errorf("netexplore took %v to end after the signal", took)
			}
			line := finalLine(t, stderr.String())
			if !strings.Contains(line, " 0 lost") {
				t.Errorf("final line %q", line)
			}
			if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("RTM_GETLINK")) {
				t.Errorf("the trace lacks what ip did:\n%s", b)
			}
			for _, pid := range append(desc, root) {
				if !waitGone(pid, 2*time.Second) {
					t.Errorf("process %d of the traced command outlived the trace", pid)
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
}

// When netexplore dies, the command dies with it, unless
// --detach-on-exit.
func TestTraceKilledTakesTheCommand(t *testing.T) {
	testutil.RequirePrivileged(t)
	bin := buildBinary(t)
	for _, detach := range []bool{false, true} {
		args := []string{"trace", "-o", "/dev/null"}
		if detach {
			args = append(args, "--detach-on-exit")
		}
		cmd := exec.Command(bin, append(args, "--", "sleep", "30")...)
		// A file, not a pipe: the command inherits it, and a pipe would
		// keep Wait waiting for the command too.
		errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = errFile
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if b, _ := os.ReadFile(errFile.Name()); t.Failed() {
				t.Logf("netexplore's standard error:\n%s", b)
			}
		})
		sleep := waitChild(t, cmd.Process.Pid)
		waitExec(t, sleep, "sleep") // released and running
		cmd.Process.Kill()
		cmd.Wait()
		// The kernel signals the command as netexplore exits; on a loaded
		// machine the command may take a while to run its own end.
		gone := waitGone(sleep, 10*time.Second)
		switch {
		case !detach && !gone:
			t.Error("the command outlived a killed netexplore")
		case detach && gone:
			t.Error("with --detach-on-exit the command died with netexplore")
		}
		if !gone {
			syscall.Kill(sleep, syscall.SIGKILL)
		}
	}
}

// A closed output pipe (`| head -1`) ends the trace quietly: status 0,
// nothing on standard error, the command and its children stopped.
func TestTraceBrokenPipe(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	bin := buildBinary(t)
	cmd := exec.Command(bin, "trace", "-o", "-", "--", "sh", "-c", "while :; do ip link show lo >/dev/null; done")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	shell := waitChild(t, cmd.Process.Pid)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "[") {
		t.Fatalf("first line %q, %v", line, err)
	}
	stdout.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("netexplore: %v", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("netexplore did not end after its output closed")
	}
	if s := stderr.String(); s != "" {
		t.Errorf("standard error is not quiet: %q", s)
	}
	if !waitGone(shell, 2*time.Second) {
		syscall.Kill(shell, syscall.SIGKILL)
		t.Error("the command outlived the trace")
	}
}

// A backlog that spills leaves no file behind, even when netexplore is
// killed: the spill file never has a name.
func TestTraceSpillLeavesNoFile(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	bin := buildBinary(t)
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch")
	if err := os.WriteFile(batch, bytes.Repeat([]byte("link show lo\n"), 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o755)
	fifo := filepath.Join(dir, "out")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// The smallest budget spills after 4 MiB; the output is a pipe nobody
	// reads, so everything goes to the backlog.
	cmd := exec.Command(bin, "trace", "--memory-limit", "64MiB", "--format", "json", "-o", fifo, "--", "ip", "-batch", batch)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	reader, err := os.Open(fifo) // lets netexplore open it; never read
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	spilled := false
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end) && !spilled; time.Sleep(50 * time.Millisecond) {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", cmd.Process.Pid))
		for _, fd := range fds {
			if target, _ := os.Readlink(fd); strings.HasPrefix(target, tmp) {
				spilled = true
			}
		}
		if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
			t.Fatalf("the spill file has a name: %v", ents)
		}
	}
	if !spilled {
		t.Fatal("the backlog never spilled")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Fatalf("files left behind: %v", ents)
	}
}

// The final line names each reason for a loss.
func TestTraceFinalLineNamesLosses(t *testing.T) {
	testutil.RequirePrivileged(t)
	bin := buildBinary(t)
	cmd := exec.Command(bin, "trace", "--max-tasks", "2", "-o", "/dev/null", "--", "sh", "-c", "sleep 0.1 & sleep 0.1 & sleep 0.1 & wait")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	line := finalLine(t, stderr.String())
	if !strings.Contains(line, "(lost: ") || !strings.Contains(line, "task table full (--max-tasks)") {
		t.Fatalf("final line %q does not name the full task table", line)
	}
}
