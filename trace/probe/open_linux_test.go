package probe

import (
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// BenchmarkOpen measures what every trace waits for before its command
// starts: loading the probe (the verifier's work dominates), attaching
// its hooks and opening the ring buffer, then closing it all again. It
// also reports the two apart: open-ms and close-ms per operation.
func BenchmarkOpen(b *testing.B) {
	testutil.RequirePrivileged(b)
	var opening, closing time.Duration
	for b.Loop() {
		start := time.Now()
		p, err := Open(Options{Stacks: true})
		if err != nil {
			b.Fatal(err)
		}
		opened := time.Now()
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
		opening += opened.Sub(start)
		closing += time.Since(opened)
	}
	b.ReportMetric(float64(opening.Microseconds())/1000/float64(b.N), "open-ms")
	b.ReportMetric(float64(closing.Microseconds())/1000/float64(b.N), "close-ms")
}
