package lab

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the lab process: Start
// re-executes os.Executable() (this binary) with EnvVar set.
func TestMain(m *testing.M) {
	if IsChild() {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}
