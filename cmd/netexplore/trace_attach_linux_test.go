package main

import (
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

// netlinkLoop starts a shell in a network namespace of its own that runs
// `ip link show` (or cmd) in a loop and counts its rounds in a file; it
// returns the shell and a function that reads the count.
func netlinkLoop(t *testing.T, cmd string) (*exec.Cmd, func() int) {
	t.Helper()
	counter := filepath.Join(t.TempDir(), "rounds")
	// The count is renamed into place, so a reader never sees it
	// truncated and half written.
	script := `i=0; while :; do ` + cmd + ` >/dev/null; i=$((i+1)); echo $i > ` + counter + `.new; mv ` + counter + `.new ` + counter + `; sleep 0.05; done`
	loop := exec.Command("unshare", "-n", "sh", "-c", script)
	loop.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := loop.Start(); err != nil {
		t.Fatal(err)
	}
	// The whole group goes, and is gone before the directory is removed:
	// an mv the shell started could otherwise put the count back in it.
	t.Cleanup(func() {
		syscall.Kill(-loop.Process.Pid, syscall.SIGKILL)
		loop.Wait()
		for end := time.Now().Add(5 * time.Second); syscall.Kill(-loop.Process.Pid, 0) == nil && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond)
		}
	})
	rounds := func() int {
		b, _ := os.ReadFile(counter)
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}
	// unshare has become the shell once it counts.
	for deadline := time.Now().Add(10 * time.Second); rounds() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the loop did not start")
		}
	}
	return loop, rounds
}

// waitOutput waits until out contains want, or fails after timeout.
func waitOutput(t *testing.T, out *testutil.SyncBuffer, want string, timeout time.Duration) time.Duration {
	t.Helper()
	begin := time.Now()
	for !strings.Contains(out.String(), want) {
		if time.Since(begin) > timeout {
			t.Fatalf("no %q within %s; the trace so far:\n%s", want, timeout, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(begin)
}

// stopTrace sends SIGINT to a trace, as Ctrl-C would, and checks it ends
// cleanly.
func stopTrace(t *testing.T, trace *exec.Cmd, out *testutil.SyncBuffer) {
	t.Helper()
	trace.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- trace.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the trace ended with %v after Ctrl-C:\n%s", err, lastLine(out.String()))
		}
	case <-time.After(15 * time.Second):
		trace.Process.Kill()
		t.Fatal("the trace did not end within 15s of Ctrl-C")
	}
	if last := lastLine(out.String()); !strings.Contains(last, "detached on interrupt") {
		t.Errorf("last line %q, want the count and why the trace ended", last)
	}
}

// requireGoesOn checks that the loop is alive and still making calls.
func requireGoesOn(t *testing.T, loop *exec.Cmd, rounds func() int) {
	t.Helper()
	before := rounds()
	time.Sleep(time.Second)
	if err := loop.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the traced process is gone after the trace ended: %v", err)
	}
	if after := rounds(); after <= before {
		t.Errorf("the traced process stopped making calls: %d rounds before, %d a second later", before, after)
	}
}

// attachSetup checks what the attach tests need and starts the loop they
// attach to: a shell running `ip link show` in a namespace of its own.
func attachSetup(t *testing.T) (bin string, loop *exec.Cmd, rounds func() int) {
	t.Helper()
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "unshare", "util-linux")
	testutil.RequireCommand(t, "ip", "iproute2")
	bin = buildBinary(t)
	loop, rounds = netlinkLoop(t, "ip link show")
	return bin, loop, rounds
}

// startTrace starts `netexplore trace --brief ARGS`, its output and errors
// in one buffer.
func startTrace(t *testing.T, bin string, args ...string) (*exec.Cmd, *testutil.SyncBuffer) {
	t.Helper()
	out := &testutil.SyncBuffer{}
	trace := exec.Command(bin, append([]string{"trace", "--brief"}, args...)...)
	trace.Stdout, trace.Stderr = out, out
	if err := trace.Start(); err != nil {
		t.Fatal(err)
	}
	return trace, out
}

// trace -p attaches to a running shell that runs `ip link show` in a
// loop: its children's netlink calls appear within a second, Ctrl-C
// detaches, and the shell goes on.
func TestTraceAttach(t *testing.T) {
	bin, loop, rounds := attachSetup(t)
	trace, out := startTrace(t, bin, "-p", strconv.Itoa(loop.Process.Pid))
	waitOutput(t, out, "attached to pid "+strconv.Itoa(loop.Process.Pid)+" (sh)", 30*time.Second)
	took := waitOutput(t, out, "RTM_GETLINK", time.Second)
	t.Logf("the first RTM_GETLINK %s after attaching", took.Round(time.Millisecond))
	time.Sleep(time.Second)
	stopTrace(t, trace, out)
	requireGoesOn(t, loop, rounds)
	if n := strings.Count(out.String(), "RTM_GETLINK"); n < 2 {
		t.Errorf("%d RTM_GETLINK in the trace, want one per round", n)
	}
}

// trace --netns records the processes of one namespace and nothing of
// another.
func TestTraceNetns(t *testing.T) {
	bin, loop, rounds := attachSetup(t)
	netlinkLoop(t, "ip addr show") // in a namespace of its own: not traced
	trace, out := startTrace(t, bin, "--netns", strconv.Itoa(loop.Process.Pid))
	waitOutput(t, out, "tracing every process in network namespace", 30*time.Second)
	t.Logf("first event %s after the trace started", waitOutput(t, out, "\n[", 10*time.Second))
	took := waitOutput(t, out, "RTM_GETLINK", time.Second)
	t.Logf("the first RTM_GETLINK %s after the trace started", took.Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	stopTrace(t, trace, out)
	requireGoesOn(t, loop, rounds)
	if strings.Contains(out.String(), "RTM_GETADDR") {
		t.Errorf("the trace holds the other namespace's RTM_GETADDR:\n%s", out.String())
	}
}
