package probe

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTimestamps checks that events carry the kernel's monotonic time,
// in order, unless NoTimestamps leaves it out.
func TestTimestamps(t *testing.T) {
	before := monotonicNow(t)
	evs, _, _, _ := traceRun(t, Options{}, nil, "ip", "link", "show")
	after := monotonicNow(t)
	if len(evs) < 3 {
		t.Fatalf("ip link show: %d events", len(evs))
	}
	var prev time.Duration
	for _, e := range evs {
		if e.Time < before || e.Time > after {
			t.Errorf("%v event %d at %v, outside the run (%v to %v)", e.Kind, e.Seq, e.Time, before, after)
		}
		if e.Time < prev {
			t.Errorf("%v event %d at %v, before the event ahead of it (%v)", e.Kind, e.Seq, e.Time, prev)
		}
		prev = e.Time
	}

	evs, _, _, _ = traceRun(t, Options{NoTimestamps: true}, nil, "ip", "link", "show")
	if len(evs) < 3 {
		t.Fatalf("ip link show, no timestamps: %d events", len(evs))
	}
	for _, e := range evs {
		if e.Time != 0 {
			t.Errorf("NoTimestamps: %v event %d has time %v", e.Kind, e.Seq, e.Time)
		}
	}
}

// monotonicNow is CLOCK_MONOTONIC, the clock bpf_ktime_get_ns reads.
func monotonicNow(t *testing.T) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
