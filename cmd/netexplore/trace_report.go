package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/probe"
)

// traceReport writes what a trace says besides its events: warnings, the
// -c table and the closing summary. In text they are lines on standard
// error ("netexplore: ..."); in JSON, objects in the trace's own stream, so
// that every line of it parses:
//
//	{"kind":"warning","message":"..."}
//	{"kind":"summary_table","syscalls":[{"name":"sendto","calls":2,"errors":0}],"messages":[...]}
//	{"kind":"summary","events":12,"lost":0,"lost_reasons":{},"command_seconds":0.004,"exit_status":0}
type traceReport struct {
	out, stderr io.Writer
	json        bool
}

func newTraceReport(out, stderr io.Writer, json bool) *traceReport {
	return &traceReport{out: out, stderr: stderr, json: json}
}

// warn reports something the user should know.
func (t *traceReport) warn(msg string) {
	if t.json {
		t.object(struct {
			Kind    string `json:"kind"`
			Message string `json:"message"`
		}{"warning", msg})
		return
	}
	fmt.Fprintf(t.stderr, "netexplore: %s\n", msg)
}

// counts writes the -c table: to the trace's output, as strace -c does.
func (t *traceReport) counts(c *analyze.Counts) {
	if t.json {
		t.out.Write(c.AppendJSON(nil))
		return
	}
	t.out.Write(c.AppendText(nil))
}

// summaryObject is the closing {"kind":"summary"} object of a JSON trace:
// a command's time and exit status, or for an attached trace (-p,
// --netns) how long it traced and why it ended.
type summaryObject struct {
	Kind            string            `json:"kind"`
	Events          uint64            `json:"events"`
	Lost            uint64            `json:"lost"`
	LostReasons     map[string]uint64 `json:"lost_reasons"`
	PartialPayloads uint64            `json:"partial_payloads,omitempty"`
	CommandSeconds  *float64          `json:"command_seconds,omitempty"`
	ExitStatus      *int              `json:"exit_status,omitempty"`
	TracedSeconds   *float64          `json:"traced_seconds,omitempty"`
	Ended           string            `json:"ended,omitempty"`
}

// traceSummary is what the closing line reports.
type traceSummary struct {
	events uint64
	losses probe.Losses
	ran    time.Duration
	status int
	// ended says why an attached trace (-p, --netns) ended; it has no
	// command, so no exit status.
	ended string
}

func (t *traceReport) summary(s traceSummary) {
	if t.json {
		l := s.losses
		reasons := map[string]uint64{}
		for name, n := range map[string]uint64{
			"ring_full": l.RingFull, "tasks_full": l.TasksFull, "fds_full": l.FdsFull,
			"backlog": l.Backlog, "abandoned": l.Abandoned,
		} {
			if n > 0 {
				reasons[name] = n
			}
		}
		o := summaryObject{Kind: "summary", Events: s.events, Lost: l.Total(), LostReasons: reasons, PartialPayloads: l.Faults}
		seconds, status := s.ran.Seconds(), s.status
		if s.ended != "" {
			o.TracedSeconds, o.Ended = &seconds, s.ended
		} else {
			o.CommandSeconds, o.ExitStatus = &seconds, &status
		}
		t.object(o)
		return
	}
	if s.ended != "" {
		fmt.Fprintf(t.stderr, "netexplore: %d events, %d lost, traced %.3fs; %s", s.events, s.losses.Total(), s.ran.Seconds(), s.ended)
	} else {
		fmt.Fprintf(t.stderr, "netexplore: %d events, %d lost, command ran %.3fs", s.events, s.losses.Total(), s.ran.Seconds())
	}
	if r := s.losses.Reasons(); r != "" {
		fmt.Fprintf(t.stderr, " (lost: %s)", r)
	}
	if s.losses.Faults > 0 {
		fmt.Fprintf(t.stderr, ", %d partial payloads (user memory not readable)", s.losses.Faults)
	}
	fmt.Fprintln(t.stderr)
}

func (t *traceReport) object(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	t.out.Write(append(b, '\n'))
}

// monotonicOffset is the wall-clock time minus CLOCK_MONOTONIC, the clock
// the probe stamps events with.
func monotonicOffset() time.Duration {
	var ts unix.Timespec
	now := time.Now()
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return time.Duration(now.UnixNano() - ts.Nano())
}
