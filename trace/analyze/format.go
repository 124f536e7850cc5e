package analyze

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// Record is an event together with everything derived from it: the decoded
// form, the requests its replies answer, and its resolved stack. It is the
// unit that printers, sessions and exporters share.
type Record struct {
	Event   event.Event
	Decoded decode.Result
	// Replies holds, for each netlink message of a receive, the request it
	// answers (nil entries where none is known).
	Replies []*Exchange
	// Frames is the resolved user stack, innermost first.
	Frames []Frame
}

// Analyzer turns raw events into [Record] values, keeping the state that
// spans events: request/reply pairing and process memory maps.
type Analyzer struct {
	conv *Conversation
	sym  *Symbolizer
}

// NewAnalyzer returns an analyzer. sym may be nil to skip stack resolution.
func NewAnalyzer(sym *Symbolizer) *Analyzer {
	return &Analyzer{conv: NewConversation(), sym: sym}
}

// Analyze decodes e and relates it to the events before it.
func (a *Analyzer) Analyze(e event.Event) Record {
	r := Record{Event: e, Decoded: decode.Event(&e)}
	if e.Kind == event.KindSend || e.Kind == event.KindRecv {
		r.Replies = a.conv.Observe(&e, r.Decoded.Netlink)
	}
	if a.sym != nil {
		a.sym.Observe(&e)
		if e.Kind == event.KindExit {
			defer a.sym.Forget(e.PID)
		}
		pid := e.PID
		if e.Kind == event.KindFork {
			pid = e.PPID // the stack is the parent's, at the moment it forked
		}
		r.Frames = a.sym.Resolve(pid, e.Stack)
	}
	return r
}

// TopFrame returns the innermost frame that has a name, if any.
func (r *Record) TopFrame() (Frame, bool) {
	for _, f := range r.Frames {
		if f.Func != "" {
			return f, true
		}
	}
	return Frame{}, false
}

// TextOptions controls the text format.
type TextOptions struct {
	// Brief prints one line per event, without decoded trees.
	Brief bool
	// Verbose prints every tree, dump replies included, and a hex dump.
	Verbose bool
}

// WriteText writes r in netexplore's strace-like text format: a call line,
// then the decoded tree indented below it.
func WriteText(w io.Writer, r *Record, opts TextOptions) error {
	var b strings.Builder
	e, d := &r.Event, &r.Decoded
	fmt.Fprintf(&b, "[%s %d] %s", e.Comm, e.PID, d.Call)
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker, event.KindExec:
	default:
		fmt.Fprintf(&b, " = %d", e.Ret)
		if d.Errno != "" {
			fmt.Fprintf(&b, " %s", d.Errno)
		}
	}
	b.WriteString("\n")
	if len(d.Netlink) == 0 || opts.Brief {
		fmt.Fprintf(&b, "    %s\n", d.Summary)
	}
	if !opts.Brief && fieldsAddDetail(e.Kind, d.Fields) {
		for _, f := range d.Fields {
			writeField(&b, f, 2)
		}
	}
	if !opts.Brief {
		multi := len(d.Netlink) > 3
		for i, m := range d.Netlink {
			line := m.Summary
			if i < len(r.Replies) && r.Replies[i] != nil {
				line += fmt.Sprintf("  ← reply to %s (seq %d)", r.Replies[i].Type, r.Replies[i].NlSeq)
			}
			fmt.Fprintf(&b, "    %s\n", line)
			if multi && !opts.Verbose && !m.IsError {
				continue
			}
			for _, f := range m.Fields {
				writeField(&b, f, 3)
			}
		}
	}
	if f, ok := r.TopFrame(); ok {
		fmt.Fprintf(&b, "    at %s\n", f)
	}
	if opts.Verbose && len(e.Data) > 0 {
		for _, line := range strings.Split(strings.TrimRight(hex.Dump(e.Data), "\n"), "\n") {
			fmt.Fprintf(&b, "      %s\n", line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fieldsAddDetail reports whether a tree says more than its summary: a
// single flat field (an int socket option) does not, nor do the plain
// text payloads of exec and /proc/sys events or process births and exits.
func fieldsAddDetail(k event.Kind, fields []event.Field) bool {
	switch k {
	case event.KindExec, event.KindOpen, event.KindRead, event.KindWrite, event.KindFork, event.KindExit:
		return false
	}
	return len(fields) > 1 || (len(fields) == 1 && len(fields[0].Children) > 0)
}

func writeField(b *strings.Builder, f event.Field, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(f.Name)
	if f.Value != "" {
		b.WriteString(": ")
		b.WriteString(f.Value)
	}
	b.WriteString("\n")
	for _, c := range f.Children {
		writeField(b, c, depth+1)
	}
}

// JSONSocket describes the socket an event used.
type JSONSocket struct {
	Family   string `json:"family"`
	Type     string `json:"type"`
	Protocol string `json:"protocol"`
	Inode    uint64 `json:"inode"`
}

// JSONEvent is the stable JSON form of a [Record], one object per line in
// `netexplore trace --format json` and `export --format jsonl`. Field names
// are part of netexplore's interface (see README.md); add, never rename.
type JSONEvent struct {
	Seq       uint64            `json:"seq"`
	TimeNs    int64             `json:"time_ns"`
	PID       uint32            `json:"pid"`
	TID       uint32            `json:"tid"`
	PPID      uint32            `json:"ppid,omitempty"`
	Comm      string            `json:"comm"`
	NetNS     uint32            `json:"netns"`
	Kind      string            `json:"kind"`
	Syscall   string            `json:"syscall,omitempty"`
	Fd        int32             `json:"fd"`
	Ret       int64             `json:"ret"`
	Errno     string            `json:"errno,omitempty"`
	Socket    *JSONSocket       `json:"socket,omitempty"`
	Call      string            `json:"call"`
	Summary   string            `json:"summary"`
	Path      string            `json:"path,omitempty"`
	Argv      []string          `json:"argv,omitempty"`
	Peek      bool              `json:"peek,omitempty"`
	Netlink   []netlink.Message `json:"netlink,omitempty"`
	Fields    []event.Field     `json:"fields,omitempty"`
	ReplyTo   []*Exchange       `json:"reply_to,omitempty"`
	DataHex   string            `json:"data_hex,omitempty"`
	DataLen   uint32            `json:"data_len"`
	Truncated bool              `json:"truncated,omitempty"`
	Stack     []Frame           `json:"stack,omitempty"`
}

// ToJSON converts r to its stable JSON form.
func (r *Record) ToJSON() JSONEvent {
	e, d := &r.Event, &r.Decoded
	j := JSONEvent{
		Seq: e.Seq, TimeNs: int64(e.Time), PID: e.PID, TID: e.TID, PPID: e.PPID,
		Comm: e.Comm, NetNS: e.NetNS, Kind: e.Kind.String(), Syscall: e.Syscall,
		Fd: e.Fd, Ret: e.Ret, Errno: d.Errno, Call: d.Call, Summary: d.Summary,
		Path: d.Path, Argv: d.Argv, Peek: d.Peek, Netlink: d.Netlink, Fields: d.Fields,
		DataHex: hex.EncodeToString(e.Data), DataLen: e.DataLen, Truncated: e.Truncated(),
		Stack: r.Frames,
	}
	for _, x := range r.Replies {
		if x != nil {
			j.ReplyTo = r.Replies
			break
		}
	}
	if e.SockFamily != 0 {
		j.Socket = &JSONSocket{
			Family:   sockaddr.FamilyName(e.SockFamily),
			Type:     sockaddr.TypeName(e.SockType),
			Protocol: sockaddr.ProtocolName(e.SockFamily, e.SockProto),
			Inode:    e.SockIno,
		}
	}
	if len(j.Stack) == 0 && len(e.Stack) > 0 {
		for _, pc := range e.Stack {
			j.Stack = append(j.Stack, Frame{PC: pc})
		}
	}
	return j
}

// WriteJSON writes r as one line of JSON.
func WriteJSON(w io.Writer, r *Record) error {
	b, err := json.Marshal(r.ToJSON())
	if err != nil {
		return fmt.Errorf("encoding event %d: %w", r.Event.Seq, err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
