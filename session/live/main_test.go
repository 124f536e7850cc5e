package live

import (
	"os"
	"testing"

	"github.com/netexplore/netexplore/steps/lab"
)

// TestMain lets the test binary play the lab that Start re-executes,
// as cmd/netexplore does.
func TestMain(m *testing.M) {
	if lab.IsChild() {
		os.Exit(lab.Main())
	}
	os.Exit(m.Run())
}
