package analyze

import (
	"strconv"
	"time"
)

// Printer renders records in the text or JSON format, reusing what it
// already rendered: the decoded trees of records that share their decoded
// form ([ShareResults]) and the stacks of records that share their frames.
// It renders exactly what [AppendText] and [AppendJSON] do.
type Printer struct {
	json    bool
	opts    TextOptions
	stacks  map[stackKey][]byte
	sockets map[[3]uint16][]byte // the socket member up to the inode
	prev    time.Duration        // the time of the previous event printed
}

// stackKey identifies a resolved stack by its frames' storage, which the
// symbolizer shares between the records with that stack.
type stackKey struct {
	first *Frame
	n     int
}

// maxPrinterStacks bounds the rendered stacks a printer keeps.
const maxPrinterStacks = 1024

// NewPrinter returns a printer for the JSON format, or for the text format
// with opts.
func NewPrinter(json bool, opts TextOptions) *Printer {
	return &Printer{json: json, opts: opts, stacks: make(map[stackKey][]byte), sockets: make(map[[3]uint16][]byte)}
}

// appendSocketJSON appends r's socket member, its names rendered once per
// kind of socket.
func (p *Printer) appendSocketJSON(dst []byte, r *Record) []byte {
	e := &r.Event
	k := [3]uint16{e.SockFamily, e.SockType, e.SockProto}
	head, ok := p.sockets[k]
	if !ok {
		s := r.socket()
		head = appendSocketHeadJSON(nil, s.Family, s.Type, s.Protocol)
		if len(p.sockets) >= maxPrinterStacks {
			p.sockets = make(map[[3]uint16][]byte)
		}
		p.sockets[k] = head
	}
	dst = append(dst, head...)
	dst = strconv.AppendUint(dst, e.SockIno, 10)
	return append(dst, '}')
}

// Append appends r to dst in the printer's format.
func (p *Printer) Append(dst []byte, r *Record) ([]byte, error) {
	t := &p.opts.Time
	prev := p.prev
	p.prev = r.Event.Time
	if p.json {
		start := len(dst)
		dst, err := appendRecordJSON(dst, r, p)
		if err != nil || !t.any() || len(dst) < start+2 {
			return dst, err
		}
		dst = t.appendJSONTime(dst[:len(dst)-2], r.Event.Time, prev)
		return append(dst, "}\n"...), nil
	}
	if t.any() {
		dst = t.appendTextTime(dst, r.Event.Time, prev)
	}
	if p.opts.Lines || p.opts.Brief {
		return appendLine(dst, r, p.opts.Brief, p.opts.Durations), nil
	}
	return appendRecordText(dst, r, p.opts, string(p.stack(r))), nil
}

// stack returns r's rendered stack: its JSON member, or the text format's
// top frame.
func (p *Printer) stack(r *Record) []byte {
	if len(r.Frames) == 0 {
		if p.json && len(r.Event.Stack) > 0 {
			return appendStackJSON(nil, r)
		}
		return nil
	}
	k := stackKey{&r.Frames[0], len(r.Frames)}
	if b, ok := p.stacks[k]; ok {
		return b
	}
	var b []byte
	if p.json {
		b = appendStackJSON(nil, r)
	} else if f, ok := r.TopFrame(); ok {
		b = []byte(f.String())
	}
	if len(p.stacks) >= maxPrinterStacks {
		p.stacks = make(map[stackKey][]byte)
	}
	p.stacks[k] = b
	return b
}
