package probe

import (
	"fmt"
	"strings"
)

// Losses counts what the probe could not deliver, by reason. Every place
// that can fill counts its failures, so captured + lost is what the traced
// processes did.
type Losses struct {
	// RingFull counts events dropped because the ring buffer was full.
	RingFull uint64
	// TasksFull counts child processes not followed because the task
	// table was full (see [Options.MaxTasks]); their events are missing.
	TasksFull uint64
	// FdsFull counts /proc/sys files not tracked because the fd table was
	// full (see [Options.MaxFds]); their reads and writes are missing.
	FdsFull uint64
	// Backlog counts events netexplore itself could not keep (the backlog
	// could neither be held in memory nor spilled to disk).
	Backlog uint64
	// Abandoned counts events captured but not printed because the trace
	// was interrupted twice.
	Abandoned uint64
	// Faults counts payloads that are partial because user memory could
	// not be read; those events are delivered, so this is not a loss.
	Faults uint64
}

// Total is the number of events lost, whatever the reason.
func (l Losses) Total() uint64 {
	return l.RingFull + l.TasksFull + l.FdsFull + l.Backlog + l.Abandoned
}

// Add returns the sum of l and o.
func (l Losses) Add(o Losses) Losses {
	return Losses{
		RingFull: l.RingFull + o.RingFull, TasksFull: l.TasksFull + o.TasksFull,
		FdsFull: l.FdsFull + o.FdsFull, Backlog: l.Backlog + o.Backlog,
		Abandoned: l.Abandoned + o.Abandoned, Faults: l.Faults + o.Faults,
	}
}

// Reasons names each non-zero loss with its count, e.g. "3 ring buffer
// full, 2 task table full (--max-tasks)"; it is empty when nothing was lost.
func (l Losses) Reasons() string {
	var parts []string
	for _, r := range []struct {
		n    uint64
		what string
	}{
		{l.RingFull, "ring buffer full"},
		{l.TasksFull, "task table full (--max-tasks)"},
		{l.FdsFull, "fd table full (--max-fds)"},
		{l.Backlog, "backlog could not be kept"},
		{l.Abandoned, "not printed: interrupted"},
	} {
		if r.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", r.n, r.what))
		}
	}
	return strings.Join(parts, ", ")
}
