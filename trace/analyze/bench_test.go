package analyze

import (
	"testing"

	"github.com/netexplore/netexplore/trace/event"
)

// BenchmarkDecodeFormat measures what one event costs from parsed event to
// rendered line, per event kind and output format: "repeated" is a trace's
// steady state (the same call again, with the next netlink sequence
// number: decoded once, shared); "distinct" decodes every event afresh.
// It reports ns/event and allocs/event.
func BenchmarkDecodeFormat(b *testing.B) {
	for _, kind := range []string{"ioctl", "rtnl_request", "rtnl_reply", "nft_batch"} {
		e := stormFixture(b, kind)
		e.Stack = []uint64{0x401000, 0x402000, 0x403000}
		// "line" is trace's default text format, "text" the trees of -v.
		for _, format := range []string{"line", "text", "json"} {
			for _, mode := range []string{"repeated", "distinct"} {
				b.Run(kind+"/"+format+"/"+mode, func(b *testing.B) {
					benchDecodeFormat(b, e, format, mode == "repeated")
				})
			}
		}
	}
}

func benchDecodeFormat(b *testing.B, e event.Event, format string, shared bool) {
	var opts []AnalyzerOption
	if shared {
		opts = append(opts, StreamResults()) // as the trace printer does
	}
	a := NewAnalyzer(NewSymbolizer(), opts...)
	p := NewPrinter(format == "json", TextOptions{Lines: format == "line"})
	var buf []byte
	var r Record
	// Requests and replies carry the next sequence number each time.
	events := make([]event.Event, 64)
	for i := range events {
		events[i] = withSeq(e, uint32(1000+i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.Event = events[i%len(events)]
		r.Event.Seq = uint64(i)
		a.AnalyzeInto(&r)
		var err error
		if buf, err = p.Append(buf[:0], &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
	b.SetBytes(int64(len(buf)))
}
