package probe

import (
	"os"
	"testing"
)

// TestMain lets the test binary play the exec shim that StartTraced
// re-executes, as cmd/netexplore does.
func TestMain(m *testing.M) {
	if IsShim() {
		os.Exit(ShimMain())
	}
	os.Exit(m.Run())
}
