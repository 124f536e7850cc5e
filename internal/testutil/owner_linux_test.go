package testutil

import (
	"os"
	"os/exec"
	"testing"
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
