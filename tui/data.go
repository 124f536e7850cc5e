package tui

import (
	"strings"

	"github.com/netexplore/netexplore/internal/sanitize"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
)

// rowKind classifies a syscall row for styling.
type rowKind uint8

const (
	rowCall    rowKind = iota // a request or plain syscall
	rowReply                  // a receive that answers a request
	rowError                  // a failed syscall or a netlink error
	rowQuiet                  // an expected failure (EAGAIN: nothing waiting)
	rowProcess                // process bookkeeping: fork, exec result, exit
	rowExec                   // a helper program starts
)

// row is one event of a step, decoded once into what the Syscalls pane
// shows. The full decoded tree is not kept: the Detail pane decodes the one
// selected event again, which keeps 100,000 events cheap in memory.
type row struct {
	text  string // indentation, reply arrow and summary
	lower string // text in lower case, for the filter
	kind  rowKind
	depth uint8
	// noise marks rows that H hides: peeks, forks and exec results.
	noise bool
	// req is the row of the request this reply answers, reply the first
	// row answering this request; -1 when none.
	req, reply int32
	// replies are the exchanges of a receive, one per netlink message.
	replies []*analyze.Exchange
}

// stepData caches the rows of one step. Rows are appended as events
// arrive, so a running step costs only its new events.
type stepData struct {
	events []session.Event
	rows   []row

	an      *analyze.Analyzer
	depth   map[uint32]int
	sendRow map[uint64]int32 // event seq of a send -> its row
	// origins counts events per source line: file -> line -> count.
	origins map[string]map[int]int
}

func newStepData() *stepData {
	return &stepData{
		an:      analyze.NewAnalyzer(nil, analyze.ResolveNames(nil, nil)), // names learned within the step
		depth:   map[uint32]int{},
		sendRow: map[uint64]int32{},
		origins: map[string]map[int]int{},
	}
}

// decodeChunk is how many events are decoded per update: a huge step is
// decoded a chunk at a time between key presses, so the UI never stalls.
const decodeChunk = 5000

// sync brings the cache up to date with the step's events (a snapshot
// whose first len(d.rows) elements are the ones already decoded), decoding
// at most limit new events (limit < 0: all). It returns how many it decoded.
func (d *stepData) sync(events []session.Event, limit int) int {
	d.events = events
	end := len(events)
	if limit >= 0 && end-len(d.rows) > limit {
		end = len(d.rows) + limit
	}
	n := 0
	for i := len(d.rows); i < end; i++ {
		d.add(&events[i])
		n++
	}
	return n
}

// complete reports whether every event of the snapshot is decoded.
func (d *stepData) complete() bool { return len(d.rows) == len(d.events) }

func (d *stepData) add(ev *session.Event) {
	rec := d.an.Analyze(ev.Event)
	e, dec := &rec.Event, &rec.Decoded
	idx := int32(len(d.rows))
	r := row{req: -1, reply: -1}

	depth := d.depth[e.PID]
	switch e.Kind {
	case event.KindFork:
		depth = d.depth[e.PPID] + 1
		d.depth[e.PID] = depth
		depth--
		r.kind, r.noise = rowProcess, true
	case event.KindExec:
		depth--
		r.kind = rowExec
	case event.KindExecResult:
		r.kind, r.noise = rowProcess, true
		if e.Failed() {
			r.kind, r.noise = rowError, false
		}
	case event.KindExit:
		r.kind = rowProcess
	}
	if depth < 0 {
		depth = 0
	}
	if depth > 255 {
		depth = 255
	}
	r.depth = uint8(depth)

	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString("  ")
	}
	answered := false
	for _, x := range rec.Replies {
		if x != nil {
			answered = true
			r.replies = rec.Replies
			if ri, ok := d.sendRow[x.RequestSeq]; ok {
				if r.req < 0 {
					r.req = ri
				}
				if d.rows[ri].reply < 0 {
					d.rows[ri].reply = idx
				}
			}
		}
	}
	if answered {
		b.WriteString("→ ")
		r.kind = rowReply
	}
	b.WriteString(dec.Summary)
	if dec.Errno != "" && e.Kind != event.KindExecResult {
		if !strings.Contains(dec.Summary, dec.Errno) {
			b.WriteString("  ✗ ")
			b.WriteString(dec.Errno)
		}
		r.kind = rowError
		if dec.Errno == "EAGAIN" {
			r.kind = rowQuiet
		}
	}
	for i := range dec.Netlink {
		if m := &dec.Netlink[i]; m.IsError && m.Errno != 0 {
			r.kind = rowError
		}
	}
	if dec.Peek {
		r.noise = true
		r.kind = rowQuiet
	}
	if e.Kind == event.KindSend {
		d.sendRow[e.Seq] = idx
	}
	r.text = sanitize.Line(b.String())
	r.lower = strings.ToLower(r.text)
	d.rows = append(d.rows, r)

	if o := ev.Origin; o != nil && o.File != "" {
		m := d.origins[o.File]
		if m == nil {
			m = map[int]int{}
			d.origins[o.File] = m
		}
		m[o.Line]++
	}
}

// record decodes event i again, in full, for the Detail pane.
func (d *stepData) record(i int) analyze.Record {
	ev := d.events[i]
	r := analyze.Record{Event: ev.Event, Frames: ev.Frames}
	r.Decoded = decode.Event(&r.Event)
	if i < len(d.rows) {
		r.Replies = d.rows[i].replies
	}
	return r
}
