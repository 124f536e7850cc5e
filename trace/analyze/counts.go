package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/event"
)

// Counts tallies a trace as strace -c does: per syscall, the calls and
// those that failed; per netlink message type, the messages sent and
// received (ACKs counted apart from errors) and the error ACKs that
// answered requests of that type. When the probe measured durations
// (trace -T, -c), the syscall table also has strace's time columns: total
// seconds and microseconds per call.
type Counts struct {
	syscalls map[string]*Count
	messages map[string]*Count
	timed    bool // some event had a duration
}

// Count is one row of a [Counts] table.
type Count struct {
	Name   string `json:"name"`
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
	// Time is the time the calls took, as far as the probe measured it.
	Time time.Duration `json:"-"`
}

// NewCounts returns an empty tally.
func NewCounts() *Counts {
	return &Counts{syscalls: map[string]*Count{}, messages: map[string]*Count{}}
}

func row(m map[string]*Count, name string) *Count {
	c := m[name]
	if c == nil {
		c = &Count{Name: name}
		m[name] = c
	}
	return c
}

// Add counts r.
func (c *Counts) Add(r *Record) {
	e := &r.Event
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker, event.KindMmap, event.KindUnknown:
		return
	case event.KindExec:
		row(c.syscalls, "execve").Calls++
		return
	case event.KindExecResult:
		// The call was counted at its entry; its failure and time show here.
		x := row(c.syscalls, "execve")
		if e.Failed() {
			x.Errors++
		}
		c.addTime(x, e.Duration)
		return
	}
	s := row(c.syscalls, e.Syscall)
	s.Calls++
	c.addTime(s, e.Duration)
	if e.Failed() {
		s.Errors++
	}
	for i := range r.Decoded.Netlink {
		m := &r.Decoded.Netlink[i]
		name := m.Name
		if m.IsAck() {
			name = "ACK" // NLMSG_ERROR with error 0
		}
		row(c.messages, name).Calls++
		if m.IsError && m.Errno != 0 && i < len(r.Replies) && r.Replies[i] != nil {
			row(c.messages, r.Replies[i].Type).Errors++
		}
	}
}

func (c *Counts) addTime(r *Count, d time.Duration) {
	if d > 0 {
		r.Time += d
		c.timed = true
	}
}

// Syscalls and Messages return the rows, most frequent first.
func (c *Counts) Syscalls() []Count { return sortedRows(c.syscalls) }

// Messages returns the message type rows, most frequent first.
func (c *Counts) Messages() []Count { return sortedRows(c.messages) }

func sortedRows(m map[string]*Count) []Count {
	rows := make([]Count, 0, len(m))
	for _, r := range m {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Name, b.Name))
	})
	return rows
}

// AppendText appends the two tables, strace -c style.
func (c *Counts) AppendText(dst []byte) []byte {
	dst = appendTable(dst, "calls", "syscall", c.Syscalls(), c.timed)
	if len(c.messages) > 0 {
		dst = append(dst, '\n')
		dst = appendTable(dst, "count", "message type", c.Messages(), false)
	}
	return dst
}

// appendTable appends one table; timed adds the time columns in front, as
// strace -c has them.
func appendTable(dst []byte, count, name string, rows []Count, timed bool) []byte {
	const rule = "-------- -------- --------------------\n"
	const timeRule = "----------- ----------- "
	if timed {
		dst = fmt.Appendf(dst, "%11s %11s ", "seconds", "usecs/call")
	}
	dst = fmt.Appendf(dst, "%8s %8s %s\n", count, "errors", name)
	if timed {
		dst = append(dst, timeRule...)
	}
	dst = append(dst, rule...)
	var total Count
	for _, r := range rows {
		dst = appendRow(dst, r, timed)
		total.Calls += r.Calls
		total.Errors += r.Errors
		total.Time += r.Time
	}
	if timed {
		dst = append(dst, timeRule...)
	}
	dst = append(dst, rule...)
	total.Name = "total"
	return appendRow(dst, total, timed)
}

func appendRow(dst []byte, r Count, timed bool) []byte {
	errs := ""
	if r.Errors > 0 {
		errs = fmt.Sprint(r.Errors)
	}
	if timed {
		dst = fmt.Appendf(dst, "%11.6f %11d ", r.Time.Seconds(), r.usecsPerCall())
	}
	return fmt.Appendf(dst, "%8d %8s %s\n", r.Calls, errs, sanitize.Line(r.Name))
}

// usecsPerCall is the mean time of a call in whole microseconds.
func (r Count) usecsPerCall() int64 {
	if r.Calls == 0 {
		return 0
	}
	return r.Time.Microseconds() / int64(r.Calls)
}

// AppendJSON appends the tables as one line:
// {"kind":"summary_table","syscalls":[...],"messages":[...]}; a syscall row
// has "seconds" and "usecs_per_call" when its time was measured.
func (c *Counts) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"kind":"summary_table","syscalls":`...)
	dst = appendRowsJSON(dst, c.Syscalls())
	dst = append(dst, `,"messages":`...)
	dst = appendRowsJSON(dst, c.Messages())
	return append(dst, "}\n"...)
}

func appendRowsJSON(dst []byte, rows []Count) []byte {
	dst = append(dst, '[')
	for i, r := range rows {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, `{"name":`, r.Name)
		dst = appendUint(dst, `,"calls":`, r.Calls)
		dst = appendUint(dst, `,"errors":`, r.Errors)
		if r.Time > 0 {
			dst = append(dst, `,"seconds":`...)
			dst = strconv.AppendFloat(dst, r.Time.Seconds(), 'f', 6, 64)
			dst = appendInt(dst, `,"usecs_per_call":`, r.usecsPerCall())
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
