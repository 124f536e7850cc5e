package compare_test

import (
	"os"
	"testing"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/trace/probe"

	"github.com/netexplore/netexplore/steps/lab"
)

// TestMain lets the test binary play the processes the comparison test
// re-executes: the lab and its re-executions, the real Docker run's
// stages, and the probe's exec shim.
func TestMain(m *testing.M) {
	switch {
	case lab.IsChild():
		os.Exit(lab.Main())
	case dockerd.IsRole():
		os.Exit(dockerd.RoleMain())
	case probe.IsShim():
		os.Exit(probe.ShimMain())
	}
	os.Exit(m.Run())
}
