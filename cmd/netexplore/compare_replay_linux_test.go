package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

// TestReplayDockerCompare opens `replay --docker` as an unprivileged user
// in a real terminal (tmux), then the split view (c) against the first
// built-in recording the picker offers, and leaves it; and runs `compare
// --builtin` as that user, which needs neither root nor Docker.
func TestReplayDockerCompare(t *testing.T) {
	testutil.RequirePrivileged(t) // dropping to nobody needs root
	testutil.RequireCommand(t, "tmux", "tmux")
	testutil.RequireCommand(t, "setpriv", "util-linux")
	bin := buildBinary(t)
	const name = "nx-replay-docker"
	cmdline := strings.Join(asNobody(bin, "replay", "--docker"), " ") + "; echo EXIT=$?; sleep 30"
	if out, err := exec.Command("tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "170", "-y", "50", cmdline).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	defer exec.Command("tmux", "-L", name, "kill-server").Run()
	screen := waitScreen(t, name, "replay: built-in recording of the real dockerd 20.10")
	for _, want := range []string{"setupIPChains", "removeIPChains · bridge.removeIPChains"} {
		if !strings.Contains(screen, want) {
			t.Errorf("replay --docker does not show the daemon's libnetwork steps (%q):\n%s", want, screen)
		}
	}
	keys := func(k ...string) {
		if out, err := exec.Command("tmux", append([]string{"-L", name, "send-keys", "-t", name}, k...)...).CombinedOutput(); err != nil {
			t.Fatalf("send-keys: %v: %s", err, out)
		}
	}
	keys("c")
	waitScreen(t, name, "Compare with")
	keys("Enter")
	screen = waitScreen(t, name, "Steps · A vs B")
	for _, want := range []string{"A source · replay: built-in recording of the real dockerd", "B syscalls", "d next step that differs"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the split view lacks %q:\n%s", want, screen)
		}
	}
	keys("Escape")
	waitScreen(t, name, "1 Steps")
	keys("q")
	waitScreen(t, name, "EXIT=0")

	argv := asNobody(bin, "compare", "--builtin")
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "= daemon start") {
		t.Errorf("compare --builtin as nobody: %v\n%s", err, out)
	}
}
