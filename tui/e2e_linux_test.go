package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// TestEndToEnd drives the real binary in a terminal (tmux) through the
// first three steps of the live walkthrough, as a learner would: it opens
// with the step list, n runs a step, and q quits leaving no lab behind.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "tmux", "tmux")

	bin := buildBinary(t)
	before := testutil.HostState(t)
	term := newTmux(t, 160, 48, bin)
	screen := term.waitFor(t, 30*time.Second, func(s string) bool {
		return strings.Contains(s, "[exited") || (strings.Contains(s, "Steps") && strings.Contains(s, "setupDevice"))
	})
	if strings.Contains(screen, "[exited") {
		t.Skipf("netexplore with no arguments does not open the walkthrough yet (the command line wiring is pending); it showed:\n%s", strings.TrimRight(screen, "\n "))
	}
	for _, want := range []string{"newFirewaller", "setupUserChains", "setupDevice", "setupDeviceUp", "lost 0"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, screen)
		}
	}

	// Run the first four steps, one key press each.
	steps := []struct {
		id   string
		want []string // on screen once the step is done (its syscalls are selected)
	}{
		{"newFirewaller", []string{"exec /usr/sbin/"}},
		{"setupUserChains", []string{"exec /usr/sbin/iptables", "DOCKER-USER"}},
		{"newInterface", []string{"RTM_GETLINK docker0"}},
		{"setupDevice", []string{"RTM_NEWLINK docker0 kind=bridge", "→ ACK", "+ link: docker0 bridge"}},
	}
	for i, st := range steps {
		term.keys(t, "n")
		done := fmt.Sprintf("✓ %2d %s", i+1, st.id)
		screen = term.waitFor(t, 90*time.Second, func(s string) bool {
			return strings.Contains(s, done) || strings.Contains(s, "[exited") || strings.Contains(s, fmt.Sprintf("✗ %2d", i+1))
		})
		if !strings.Contains(screen, done) {
			t.Fatalf("step %d %s did not finish:\n%s", i, st.id, screen)
		}
		for _, want := range st.want {
			if !strings.Contains(screen, want) {
				t.Errorf("after step %d the screen lacks %q:\n%s", i, want, screen)
			}
		}
	}
	if strings.Contains(screen, " 0 events") {
		t.Errorf("no events captured:\n%s", screen)
	}

	// The steps that ran are not saved: q asks first, a second q quits.
	term.keys(t, "q")
	screen = term.waitFor(t, 30*time.Second, func(s string) bool { return strings.Contains(s, "not saved") })
	if !strings.Contains(screen, "q again quits") {
		t.Errorf("q on an unsaved live session does not ask first:\n%s", screen)
	}
	term.keys(t, "q")
	screen = term.waitFor(t, 30*time.Second, func(s string) bool { return strings.Contains(s, "[exited") })
	if !strings.Contains(screen, "[exited 0]") {
		t.Errorf("netexplore did not exit cleanly:\n%s", screen)
	}
	// The lab is a re-execution of the same binary; none may be left.
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := processesOf(bin)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lab processes left after quitting: %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Nothing the walkthrough did may show on the host, and its probe is gone.
	if after := testutil.HostState(t); after != before {
		t.Errorf("the host changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	testutil.RequireNoOrphanProbes(t)
}

// TestEndToEndReplay opens the built-in recording in a real terminal at
// the wide and the smallest side-by-side size, as a learner without root
// would, and presses n three times and nothing else: setupDevice's
// RTM_NEWLINK must be on the screen together with the source line that
// sent it, marked ▶.
func TestEndToEndReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	testutil.RequireCommand(t, "tmux", "tmux")
	bin := buildBinary(t)
	for _, size := range [][2]int{{160, 48}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			term := newTmux(t, size[0], size[1], bin+" replay")
			screen := term.waitFor(t, 30*time.Second, func(s string) bool {
				return strings.Contains(s, "[exited") || strings.Contains(s, "1 Steps")
			})
			if !strings.Contains(screen, "1 Steps") {
				t.Fatalf("replay did not open:\n%s", screen)
			}
			// Daemon start's two steps and newInterface come before
			// setupDevice, the fourth.
			for i := 1; i <= 4; i++ {
				term.keys(t, "n")
				want := fmt.Sprintf("%d/", i) // the status line's "4/19 steps"
				screen = term.waitFor(t, 30*time.Second, func(s string) bool { return strings.Contains(s, " "+want) })
			}
			screen = term.waitFor(t, 30*time.Second, func(s string) bool { return strings.Contains(s, "RTM_NEWLINK docker0") })
			if !strings.Contains(screen, "RTM_NEWLINK docker0") {
				t.Fatalf("setupDevice's RTM_NEWLINK is not on screen after n n n n:\n%s", screen)
			}
			marked := ""
			for _, l := range strings.Split(screen, "\n") {
				if i := strings.Index(l, "▶"); i >= 0 {
					marked = l[i:]
				}
			}
			if !strings.Contains(marked, "LinkAdd") {
				t.Errorf("the line marked ▶ is %q, want the LinkAdd call that sent RTM_NEWLINK; screen:\n%s", marked, screen)
			}
			term.keys(t, "q")
			screen = term.waitFor(t, 30*time.Second, func(s string) bool { return strings.Contains(s, "[exited") })
			if !strings.Contains(screen, "[exited 0]") {
				t.Errorf("replay did not exit cleanly:\n%s", screen)
			}
		})
	}
}

// buildBinary builds netexplore into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "netexplore")
	build := exec.Command("go", "build", "-o", bin, "./cmd/netexplore")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building netexplore: %v\n%s", err, out)
	}
	return bin
}

// tmux is one detached tmux session running a command.
type tmux struct{ name string }

// tmuxCount numbers the tmux sessions of this process.
var tmuxCount atomic.Int32

// newTmux starts cmd in a w×h terminal. When cmd exits the pane shows
// "[exited N]" and stays, so the test can read the exit status.
func newTmux(t *testing.T, w, h int, cmd string) *tmux {
	t.Helper()
	// Each terminal gets a tmux server of its own (-L): with a shared
	// server, killing the last session stops it while the next test's
	// new-session is connecting.
	tm := &tmux{name: fmt.Sprintf("nx-e2e-%d-%d", os.Getpid(), tmuxCount.Add(1))}
	script := fmt.Sprintf("%s; echo \"[exited $?]\"; sleep 600", cmd)
	out, err := exec.Command("tmux", "-L", tm.name, "new-session", "-d", "-s", tm.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.name, "kill-server").Run() })
	return tm
}

func (tm *tmux) keys(t *testing.T, keys ...string) {
	t.Helper()
	args := append([]string{"-L", tm.name, "send-keys", "-t", tm.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
}

func (tm *tmux) capture(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("tmux", "-L", tm.name, "capture-pane", "-p", "-t", tm.name).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux capture-pane: %v\n%s", err, out)
	}
	return string(out)
}

// waitFor polls the screen until ok accepts it or the timeout passes, and
// returns the last screen.
func (tm *tmux) waitFor(t *testing.T, timeout time.Duration, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := tm.capture(t)
		if ok(s) || time.Now().After(deadline) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processesOf lists the PIDs of running processes whose executable is bin.
func processesOf(bin string) []string {
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && strings.TrimSuffix(exe, " (deleted)") == bin {
			pids = append(pids, e.Name())
		}
	}
	return pids
}
