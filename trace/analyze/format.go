package analyze

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// Record is an event together with everything derived from it: the decoded
// form, the requests its replies answer, and its resolved stack. It is the
// unit that printers, sessions and exporters share.
//
// Decoded and Frames may be shared with other records (see
// [ShareResults] and [Symbolizer]): treat them as read-only.
type Record struct {
	Event   event.Event
	Decoded decode.Result
	// Replies holds, for each netlink message of a receive, the request it
	// answers (nil entries where none is known).
	Replies []*Exchange
	// Frames is the resolved user stack, innermost first.
	Frames []Frame

	// memo is the shared decoding Decoded came from, with its rendered
	// pieces; nil when Decoded is the record's own.
	memo *memoEntry
}

// Analyzer turns raw events into [Record] values, keeping the state that
// spans events: request/reply pairing and process memory maps.
type Analyzer struct {
	conv  *Conversation
	sym   *Symbolizer
	memo  *decodeMemo
	names *names // nil: indexes stay numbers
	// history learns, when names is nil, what later messages need:
	// generic netlink family ids from nlctrl replies, the key types of
	// nf_tables sets; historyCtx decodes with it.
	history    netlink.Names
	historyCtx *netlink.Context
}

// AnalyzerOption configures an [Analyzer].
type AnalyzerOption func(*Analyzer)

// ShareResults makes the analyzer decode each distinct event once and
// share the decoded form between the records that have it (a trace
// repeats itself: the same ioctl, the same request with the next sequence
// number). Records then must not be modified.
func ShareResults() AnalyzerOption {
	return func(a *Analyzer) { a.memo = newDecodeMemo() }
}

// StreamResults is [ShareResults] for a consumer that is done with each
// record before it analyzes the next (the trace printer): a shared
// netlink decoding then takes the next exchange's sequence number and
// port ID in place instead of in a copy of its fields, so a record's
// decoded form is valid only until the next call of
// [Analyzer.AnalyzeInto]. A link reply has some 60 top-level fields,
// which were copied for every exchange.
func StreamResults() AnalyzerOption {
	return func(a *Analyzer) {
		a.memo = newDecodeMemo()
		a.memo.inPlace = true
	}
}

// NewAnalyzer returns an analyzer. sym may be nil to skip stack resolution.
func NewAnalyzer(sym *Symbolizer, opts ...AnalyzerOption) *Analyzer {
	a := &Analyzer{conv: NewConversation(), sym: sym}
	// Interface names are left out: indexes stay as the kernel sent them.
	a.historyCtx = &netlink.Context{Families: &a.history, Memory: a.history.Context().Memory}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Analyze decodes e and relates it to the events before it.
func (a *Analyzer) Analyze(e event.Event) Record {
	r := Record{Event: e}
	a.AnalyzeInto(&r)
	return r
}

// AnalyzeInto is [Analyzer.Analyze] for the event already in r.Event; it
// sets every other field of r.
func (a *Analyzer) AnalyzeInto(r *Record) {
	e := &r.Event
	r.memo, r.Replies, r.Frames = nil, nil, nil
	var ns *nsNames
	var ctx *netlink.Context
	if a.names != nil && (isNetlinkPayload(e) || e.Kind == event.KindIoctl) {
		ns = a.names.of(e)
		ctx = ns.ctx
	}
	history := decode.NeedsHistory(e)
	switch {
	case history:
		// Decoded with what earlier messages told (a family's id, a set's
		// key type): not a function of the event alone, so not shared.
		if ctx == nil {
			ctx = a.historyCtx
		}
		r.Decoded = decode.EventContext(e, ctx)
		if ns == nil {
			a.history.Learn(r.Decoded.Netlink)
		}
	case a.memo != nil:
		var gen uint64
		if ns != nil {
			gen = ns.gen
		}
		r.Decoded, r.memo = a.memo.decode(e, ctx, gen)
	default:
		r.Decoded = decode.EventContext(e, ctx)
	}
	if ns != nil && (r.memo == nil || !r.memo.learned) {
		ns.learn(r.Decoded.Netlink)
		if r.memo != nil {
			r.memo.learned = true
		}
	}
	if e.Kind == event.KindSend || e.Kind == event.KindRecv {
		r.Replies = a.conv.Observe(e, r.Decoded.Netlink)
	}
	if a.sym != nil {
		a.sym.Observe(e)
		pid := e.PID
		if e.Kind == event.KindFork {
			pid = e.PPID // the stack is the parent's, at the moment it forked
		}
		r.Frames = a.sym.Resolve(pid, e.Stack)
		if e.Kind == event.KindExit {
			a.sym.Forget(e.PID)
		}
	}
}

// Hidden reports whether a printer leaves the record out: mmap events only
// tell the symbolizer where code is.
func (r *Record) Hidden() bool { return r.Event.Kind == event.KindMmap }

// TopFrame returns the innermost frame that has a name, if any.
func (r *Record) TopFrame() (Frame, bool) {
	for _, f := range r.Frames {
		if f.Func != "" {
			return f, true
		}
	}
	return Frame{}, false
}

// TextOptions controls the text format (and, for Time, the JSON format).
// The zero value prints each event's call line with its decoded tree below.
type TextOptions struct {
	// Lines prints one line per syscall: the call with its decoded
	// payload summarised as its arguments, and its result (the default
	// of `netexplore trace`).
	Lines bool
	// Brief prints exactly one line per event: the call, message types
	// only, and the result.
	Brief bool
	// Verbose prints every tree, dump replies included, and a hex dump.
	Verbose bool
	// Time adds timestamps (see [Timestamps]).
	Time Timestamps
	// Durations appends the time each call took, as strace -T does:
	// " <0.000123>" after the result, in seconds; nothing for an event
	// the probe did not measure.
	Durations bool
}

// WriteText writes r in netexplore's strace-like text format: a call line,
// then the decoded tree indented below it.
func WriteText(w io.Writer, r *Record, opts TextOptions) error {
	_, err := w.Write(AppendText(nil, r, opts))
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
	Seq     uint64 `json:"seq"`
	TimeNs  int64  `json:"time_ns"`
	PID     uint32 `json:"pid"`
	TID     uint32 `json:"tid"`
	PPID    uint32 `json:"ppid,omitempty"`
	Comm    string `json:"comm"`
	NetNS   uint32 `json:"netns"`
	Kind    string `json:"kind"`
	Syscall string `json:"syscall,omitempty"`
	Fd      int32  `json:"fd"`
	Ret     int64  `json:"ret"`
	Errno   string `json:"errno,omitempty"`
	// DurationUs is the time the call took, in microseconds, when the
	// probe measured it (trace -T, -c).
	DurationUs *float64          `json:"duration_us,omitempty"`
	Socket     *JSONSocket       `json:"socket,omitempty"`
	Call       string            `json:"call"`
	Summary    string            `json:"summary"`
	Path       string            `json:"path,omitempty"`
	Argv       []string          `json:"argv,omitempty"`
	Peek       bool              `json:"peek,omitempty"`
	Netlink    []netlink.Message `json:"netlink,omitempty"`
	Fields     []event.Field     `json:"fields,omitempty"`
	ReplyTo    []*Exchange       `json:"reply_to,omitempty"`
	DataHex    string            `json:"data_hex,omitempty"`
	DataLen    uint32            `json:"data_len"`
	Truncated  bool              `json:"truncated,omitempty"`
	Stack      []Frame           `json:"stack,omitempty"`
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
	if e.Duration > 0 {
		us := durationUs(e.Duration)
		j.DurationUs = &us
	}
	if r.hasReplies() {
		j.ReplyTo = r.Replies
	}
	j.Socket = r.socket()
	if len(j.Stack) == 0 && len(e.Stack) > 0 {
		for _, pc := range e.Stack {
			j.Stack = append(j.Stack, Frame{PC: pc})
		}
	}
	return j
}

func (r *Record) hasReplies() bool {
	for _, x := range r.Replies {
		if x != nil {
			return true
		}
	}
	return false
}

func (r *Record) socket() *JSONSocket {
	e := &r.Event
	if e.SockFamily == 0 {
		return nil
	}
	return &JSONSocket{
		Family:   sockaddr.FamilyName(e.SockFamily),
		Type:     sockaddr.TypeName(e.SockType),
		Protocol: sockaddr.ProtocolName(e.SockFamily, e.SockProto),
		Inode:    e.SockIno,
	}
}

// WriteJSON writes r as one line of JSON.
func WriteJSON(w io.Writer, r *Record) error {
	b, err := AppendJSON(nil, r)
	if err != nil {
		return fmt.Errorf("encoding event %d: %w", r.Event.Seq, err)
	}
	_, err = w.Write(b)
	return err
}
