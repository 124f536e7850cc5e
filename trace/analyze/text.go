package analyze

import (
	"encoding/hex"

	"github.com/netexplore/netexplore/internal/sanitize"
	"strconv"

	"github.com/netexplore/netexplore/trace/event"
)

// AppendText appends r in netexplore's strace-like text format to dst: a
// call line, then the decoded tree indented below it; with opts.Lines or
// opts.Brief, one line. Strings from the traced program or the kernel are
// sanitized (see package sanitize).
func AppendText(dst []byte, r *Record, opts TextOptions) []byte {
	if opts.Lines || opts.Brief {
		return appendLine(dst, r, opts.Brief, opts.Durations)
	}
	at := ""
	if f, ok := r.TopFrame(); ok {
		at = f.String()
	}
	return appendRecordText(dst, r, opts, at)
}

// appendRecordText is AppendText with the stack's line (top frame)
// already rendered.
func appendRecordText(dst []byte, r *Record, opts TextOptions, at string) []byte {
	e, d := &r.Event, &r.Decoded
	dst = append(dst, '[')
	dst = sanitize.AppendLine(dst, e.Comm)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, uint64(e.PID), 10)
	dst = append(dst, "] "...)
	dst = sanitize.AppendLine(dst, d.Call)
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker, event.KindExec:
		dst = append(dst, '\n')
	default:
		dst = appendResult(dst, e, opts.Durations)
	}
	if len(d.Netlink) == 0 {
		dst = append(dst, "    "...)
		dst = sanitize.AppendLine(dst, d.Summary)
		dst = appendTruncation(dst, e)
		dst = append(dst, '\n')
	}
	if fieldsAddDetail(e.Kind, d.Fields) {
		if tree := r.memo.forText().tree(); tree != nil {
			dst = append(dst, tree...)
		} else {
			dst = appendFieldsText(dst, d.Fields, 2)
		}
	}
	{
		multi := len(d.Netlink) > 3
		for i := range d.Netlink {
			m := &d.Netlink[i]
			dst = append(dst, "    "...)
			dst = sanitize.AppendLine(dst, m.Summary)
			if i < len(r.Replies) && r.Replies[i] != nil {
				dst = append(dst, "  ← reply to "...)
				dst = sanitize.AppendLine(dst, r.Replies[i].Type)
				dst = append(dst, " (seq "...)
				dst = strconv.AppendUint(dst, uint64(r.Replies[i].NlSeq), 10)
				dst = append(dst, ')')
			}
			dst = append(dst, '\n')
			if multi && !opts.Verbose && !m.IsError {
				continue
			}
			if tail := r.memo.forText().tail(i); tail != nil && len(m.Fields) > 0 {
				dst = appendFieldText(dst, &m.Fields[0], 3)
				dst = append(dst, tail...)
			} else {
				dst = appendFieldsText(dst, m.Fields, 3)
			}
		}
	}
	if at != "" {
		dst = append(dst, "    at "...)
		dst = sanitize.AppendLine(dst, at)
		dst = append(dst, '\n')
	}
	if opts.Verbose && len(e.Data) > 0 {
		dst = appendHexDump(dst, e.Data)
	}
	return dst
}

func appendFieldsText(dst []byte, fields []event.Field, depth int) []byte {
	for i := range fields {
		dst = appendFieldText(dst, &fields[i], depth)
	}
	return dst
}

const indent = "                                                                "

func appendFieldText(dst []byte, f *event.Field, depth int) []byte {
	for n := 2 * depth; n > 0; n -= len(indent) {
		dst = append(dst, indent[:min(n, len(indent))]...)
	}
	dst = sanitize.AppendLine(dst, f.Name)
	if f.Value != "" {
		dst = append(dst, ": "...)
		dst = sanitize.AppendLine(dst, f.Value)
	}
	dst = append(dst, '\n')
	for i := range f.Children {
		dst = appendFieldText(dst, &f.Children[i], depth+1)
	}
	return dst
}

// appendHexDump appends hex.Dump's lines, each indented by six spaces.
func appendHexDump(dst []byte, data []byte) []byte {
	dump := hex.Dump(data)
	for len(dump) > 0 {
		line := dump
		if i := indexByte(dump, '\n'); i >= 0 {
			line, dump = dump[:i], dump[i+1:]
		} else {
			dump = ""
		}
		dst = append(dst, "      "...)
		dst = append(dst, line...)
		dst = append(dst, '\n')
	}
	return dst
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
