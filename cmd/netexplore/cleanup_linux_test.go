package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// buildBinary builds cmd/netexplore once per test run (see TestMain).
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		bin := filepath.Join(binDir, "netexplore")
		out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	once sync.Once
	bin  string
	err  error
}

// labProcesses lists live netexplore labs started from bin. Labs of other
// packages' tests running at the same time run other binaries.
func labProcesses(bin string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		exe, err := os.Readlink(d + "/exe")
		if err != nil || exe != bin {
			continue
		}
		env, err := os.ReadFile(d + "/environ")
		if err == nil && bytes.Contains(env, []byte("NETEXPLORE_LAB=")) {
			out = append(out, d)
		}
	}
	return out
}

// TestInterruptedRunLeavesNothing runs the walkthrough and interrupts it at
// random moments with SIGINT, SIGTERM and SIGKILL. Afterwards the host must
// be exactly as before and no lab process or probe may remain.
func TestInterruptedRunLeavesNothing(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	bin := buildBinary(t)
	before := testutil.HostState(t)
	seed := time.Now().UnixNano()
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL, syscall.SIGINT, syscall.SIGTERM} {
		delay := time.Duration(rng.IntN(2500)) * time.Millisecond
		cmd := exec.Command(bin, "run")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("netexplore run did not exit within 20s of %v", sig)
		}
		// The lab dies with its parent (SIGKILL included); give the kernel
		// a moment to reap it.
		deadline := time.Now().Add(5 * time.Second)
		for len(labProcesses(bin)) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if left := labProcesses(bin); len(left) > 0 {
			t.Fatalf("after %v at %v: lab processes remain: %v", sig, delay, left)
		}
		if after := testutil.HostState(t); after != before {
			t.Fatalf("after %v at %v the host changed:\nbefore:\n%s\nafter:\n%s", sig, delay, before, after)
		}
		t.Logf("%v after %v: clean (%s)", sig, delay, strings.TrimSpace(lastLine(stderr.String())))
	}
	testutil.RequireNoOrphanProbes(t)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}
