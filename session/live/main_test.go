package live

import (
	"os"
	"testing"

	"github.com/netexplore/netexplore/steps"
)

// TestMain lets the test binary play the lab that Start re-executes,
// as cmd/netexplore does.
func TestMain(m *testing.M) {
	if steps.IsLabProcess() {
		os.Exit(steps.LabMain())
	}
	os.Exit(m.Run())
}
