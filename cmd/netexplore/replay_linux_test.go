package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/trace/probe"
)

// asNobody prefixes argv so that it runs as the unprivileged user nobody.
func asNobody(argv ...string) []string {
	return append([]string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"}, argv...)
}

// TestReplayUnprivileged opens the walkthrough as an unprivileged user in a
// real terminal (tmux): once through `replay`, once through the bare
// command, which must fall back to the built-in recording.
func TestReplayUnprivileged(t *testing.T) {
	testutil.RequirePrivileged(t) // dropping to nobody needs root
	testutil.RequireCommand(t, "tmux", "tmux")
	testutil.RequireCommand(t, "setpriv", "util-linux")
	bin := buildBinary(t)
	for _, args := range [][]string{{"replay"}, {}} {
		name := "nx-replay-" + strings.Join(append([]string{"bare"}, args...), "-")
		cmdline := strings.Join(asNobody(append([]string{bin}, args...)...), " ") + "; echo EXIT=$?; sleep 30"
		if out, err := exec.Command("tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmdline).CombinedOutput(); err != nil {
			t.Fatalf("tmux: %v: %s", err, out)
		}
		defer exec.Command("tmux", "-L", name, "kill-server").Run() // a server of its own: a shared one stops with its last session
		screen := waitScreen(t, name, "replay:")
		for _, want := range []string{"Steps", "setupDevice", "lost 0"} {
			if !strings.Contains(screen, want) {
				t.Errorf("%v: screen lacks %q:\n%s", args, want, screen)
			}
		}
		// The fallback says why on the screen itself, with the one list
		// of capabilities README and the errors give.
		if len(args) == 0 && !strings.Contains(squeezeScreen(screen), "live mode needs root ("+probe.Capabilities+")") {
			t.Errorf("the fallback replay does not say why on screen:\n%s", screen)
		}
		exec.Command("tmux", "-L", name, "send-keys", "-t", name, "q").Run()
		waitScreen(t, name, "EXIT=0")
	}
}

// squeezeScreen joins a screen's lines without their frames, so a message
// wrapped over several lines reads as one.
func squeezeScreen(screen string) string {
	var words []string
	for _, l := range strings.Split(screen, "\n") {
		words = append(words, strings.Fields(strings.Trim(l, "│┃ "))...)
	}
	return strings.Join(words, " ")
}

// waitScreen polls a tmux pane until it shows want, and returns the screen.
func waitScreen(t *testing.T, session, want string) string {
	t.Helper()
	var screen string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, _ := exec.Command("tmux", "-L", session, "capture-pane", "-p", "-t", session).Output()
		screen = string(out)
		if strings.Contains(screen, want) {
			return screen
		}
	}
	t.Fatalf("screen never showed %q:\n%s", want, screen)
	return ""
}

// TestExportUnprivileged exports the built-in recording as nobody.
func TestExportUnprivileged(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "setpriv", "util-linux")
	bin := buildBinary(t)
	argv := asNobody(bin, "export", "--format", "text")
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("export as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "RTM_NEWLINK docker0 kind=bridge") {
		t.Errorf("export lacks the bridge creation:\n%.2000s", out)
	}
}
