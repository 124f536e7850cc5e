package steps

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the lab process: StartLab
// re-executes os.Executable() (this binary) with LabEnv set.
func TestMain(m *testing.M) {
	if IsLabProcess() {
		os.Exit(LabMain())
	}
	os.Exit(m.Run())
}
