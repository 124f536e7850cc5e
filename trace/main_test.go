package trace

import (
	"flag"
	"os"
	"testing"
)

// update makes the capture tests rewrite their testdata from the real
// kernel (needs root): go test ./trace -run 'TestCaptureFixtures|TestRtnlCapture' -args -update
var update = flag.Bool("update", false, "rewrite testdata files (captures need root)")

// TestMain lets the test binary play the exec shim that StartTraced
// re-executes, as cmd/netexplore does.
func TestMain(m *testing.M) {
	if IsShim() {
		os.Exit(ShimMain())
	}
	os.Exit(m.Run())
}
