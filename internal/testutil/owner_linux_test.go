package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A process started by this test binary carries its mark, one started
// with another binary's mark is another's, and one without a mark is
// nobody else's.
func TestStartedByOtherTest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string
		other bool
	}{
		{"inherited", os.Environ(), false},
		{"another binary's", append(os.Environ(), OwnerEnv+"=1"), true},
		{"no mark", []string{"PATH=" + os.Getenv("PATH")}, false},
	} {
		cmd := exec.Command("sleep", "30")
		cmd.Env = tc.env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The environment shows once the exec has set up the new stack
		// (the command name changes a little before).
		proc := fmt.Sprintf("/proc/%d/", cmd.Process.Pid)
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			comm, _ := os.ReadFile(proc + "comm")
			env, _ := os.ReadFile(proc + "environ")
			if strings.TrimSpace(string(comm)) == "sleep" && len(env) > 0 {
				break
			}
		}
		got := StartedByOtherTest(cmd.Process.Pid)
		cmd.Process.Kill()
		cmd.Wait()
		if got != tc.other {
			t.Errorf("%s: StartedByOtherTest = %v, want %v", tc.name, got, tc.other)
		}
	}
	if os.Getenv(OwnerEnv) == "" {
		t.Fatalf("%s is not set in the test binary", OwnerEnv)
	}
}
