package probe

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

// gcPercent returns the collector's setting without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// Overlapping pauses share one: the collector stays off until the last
// ends, and then has its setting back.
func TestPauseGCNests(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	first := pauseGC()
	second := pauseGC()
	if p := gcPercent(); p != -1 {
		t.Fatalf("during two pauses the setting is %d, want -1 (off)", p)
	}
	first()
	if p := gcPercent(); p != -1 {
		t.Fatalf("with one pause left the setting is %d, want -1 (off)", p)
	}
	second()
	if p := gcPercent(); p != 77 {
		t.Fatalf("after the pauses the setting is %d, want 77 back", p)
	}
}

// Loading the probe runs no collection, and leaves the collector on.
func TestOpenCollectsNoGarbage(t *testing.T) {
	testutil.RequirePrivileged(t)
	before := gcPercent()
	var start, end runtime.MemStats
	runtime.ReadMemStats(&start)
	p, err := Open(Options{Stacks: true})
	runtime.ReadMemStats(&end)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n := end.NumGC - start.NumGC; n != 0 {
		t.Errorf("%d collections while the probe loaded, want none", n)
	}
	if p := gcPercent(); p != before {
		t.Errorf("after Open the collector's setting is %d, want %d", p, before)
	}
}
