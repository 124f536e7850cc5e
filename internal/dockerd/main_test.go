package dockerd

import (
	"os"
	"testing"

	"github.com/netexplore/netexplore/trace/probe"
)

// TestMain lets the test binary play the re-executed stages of a real
// Docker run (Argv re-executes this binary), a process that calls Run
// itself (TestRunInPrivateNamespaces), and the probe's exec shim.
func TestMain(m *testing.M) {
	if IsRole() {
		os.Exit(RoleMain())
	}
	if cfg := os.Getenv(directRunEnv); cfg != "" {
		os.Exit(directRunMain(cfg))
	}
	if probe.IsShim() {
		os.Exit(probe.ShimMain())
	}
	os.Exit(m.Run())
}
