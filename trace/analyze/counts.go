package analyze

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/event"
)

// Counts tallies a trace as strace -c does: per syscall, the calls and
// those that failed; per netlink message type, the messages sent and
// received (ACKs counted apart from errors) and the error ACKs that
// answered requests of that type. The
// probe records when a call returns, not how long it took, so there is no
// time column.
type Counts struct {
	syscalls map[string]*Count
	messages map[string]*Count
}

// Count is one row of a [Counts] table.
type Count struct {
	Name   string `json:"name"`
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
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
		// The call was counted at its entry; its failure shows here.
		if e.Failed() {
			row(c.syscalls, "execve").Errors++
		}
		return
	}
	s := row(c.syscalls, e.Syscall)
	s.Calls++
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
	dst = appendTable(dst, "calls", "syscall", c.Syscalls())
	if len(c.messages) > 0 {
		dst = append(dst, '\n')
		dst = appendTable(dst, "count", "message type", c.Messages())
	}
	return dst
}

func appendTable(dst []byte, count, name string, rows []Count) []byte {
	const rule = "-------- -------- --------------------\n"
	dst = fmt.Appendf(dst, "%8s %8s %s\n", count, "errors", name)
	dst = append(dst, rule...)
	var total Count
	for _, r := range rows {
		dst = appendRow(dst, r)
		total.Calls += r.Calls
		total.Errors += r.Errors
	}
	dst = append(dst, rule...)
	total.Name = "total"
	return appendRow(dst, total)
}

func appendRow(dst []byte, r Count) []byte {
	errs := ""
	if r.Errors > 0 {
		errs = fmt.Sprint(r.Errors)
	}
	return fmt.Appendf(dst, "%8d %8s %s\n", r.Calls, errs, sanitize.Line(r.Name))
}

// AppendJSON appends the tables as one line:
// {"kind":"summary_table","syscalls":[...],"messages":[...]}.
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
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
