package probe

import (
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

// BenchmarkOpen measures what every trace waits for before its command
// starts: loading the probe (the verifier's work dominates), attaching
// its hooks and opening the ring buffer, then closing it all again.
func BenchmarkOpen(b *testing.B) {
	testutil.RequirePrivileged(b)
	for b.Loop() {
		p, err := Open(Options{Stacks: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
