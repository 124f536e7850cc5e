package peakrss

import (
	"os/exec"
	"testing"
)

// The parent's own memory does not leak into the figure, and the
// command's does show: a 100 MiB test process measures /bin/true small and
// a Python that fills 64 MiB above 64 MiB.
func TestMeasure(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	ballast := make([]byte, 100<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	measure := func(name string, args ...string) int64 {
		cmd := exec.Command(name, args...)
		peak, err := Measure(cmd, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		n, err := peak()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := measure("/bin/true"); n > 20<<20 {
		t.Errorf("/bin/true measured %d MiB beside a 100 MiB parent", n>>20)
	}
	if _, err := exec.LookPath("python3"); err == nil {
		if n := measure("python3", "-c", "b = b'x' * (64 << 20)"); n < 64<<20 {
			t.Errorf("a Python filling 64 MiB measured %d MiB", n>>20)
		}
	}
	if ballast[len(ballast)-1] != 1 {
		t.Fatal("ballast")
	}
}

// A command that fails keeps its exit status, and its peak is still read.
func TestMeasureFailure(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command("sh", "-c", "exit 3")
	peak, err := Measure(cmd, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3", err)
	}
	if n, err := peak(); err != nil || n <= 0 {
		t.Errorf("peak %d, %v", n, err)
	}
}
