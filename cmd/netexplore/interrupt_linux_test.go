package main

import (
	"bufio"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// TestRecordInterrupted interrupts a recording once its fourth step has
// started: the file must hold the steps that finished (three, or four when
// the short step 4 ended before the signal was handled), say it was
// interrupted and where, and the command must exit 130 with an interrupt,
// not a failure, on standard error.
func TestRecordInterrupted(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	bin := buildBinary(t)
	out := filepath.Join(t.TempDir(), "cut.nxs")
	cmd := exec.Command(bin, "record", "-o", out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	sent := false
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if !sent && strings.HasPrefix(sc.Text(), "[4/") {
			cmd.Process.Signal(syscall.SIGINT)
			sent = true
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want status 130\n%s", err, log.String())
	}
	s, err := session.ReadFile(out)
	if err != nil {
		t.Fatalf("reading the interrupted recording: %v", err)
	}
	// Where the interrupt landed: in step 4, or between steps: after its
	// line was printed but before it began, or just after it ended.
	done := 3
	switch {
	case strings.HasPrefix(s.Stopped, "interrupted during step 4/"):
	case s.Stopped == "interrupted between steps":
		if s.Steps[3].Status != session.Pending {
			done = 4
		}
	default:
		t.Errorf("Stopped %q, want the interrupt during or just after step 4", s.Stopped)
	}
	if s.Complete {
		t.Errorf("an interrupted recording is marked complete")
	}
	if !strings.Contains(log.String(), s.Stopped) || strings.Contains(log.String(), "failed") {
		t.Errorf("stderr does not report the interrupt (%q) plainly:\n%s", s.Stopped, log.String())
	}
	for i, st := range s.Steps {
		finished := st.Status != session.Pending
		if finished != (i < done) {
			t.Errorf("step %d (%s): status %s", i+1, st.Info.ID, st.Status)
		}
	}
	if s.EventCount() == 0 {
		t.Error("no events recorded before the interrupt")
	}
	// The text export says so at its top and holds the finished steps.
	var text, errOut strings.Builder
	if code := run([]string{"export", "--format", "text", "--brief", out}, &text, &errOut); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(text.String(), "\n# the recording was interrupted: "+s.Stopped) {
		t.Errorf("the text export does not say the recording was interrupted:\n%.400s", text.String())
	}
	if n := strings.Count(text.String(), "  [done]\n"); n != done {
		t.Errorf("the text export shows %d steps done, want %d", n, done)
	}
}
