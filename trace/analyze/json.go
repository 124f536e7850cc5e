package analyze

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

// The JSON form of a record is written by hand rather than through
// encoding/json: reflection over a decoded tree of hundreds of fields
// per event is most of what a trace costs. The output is byte for byte
// what encoding/json writes for [JSONEvent] (a test holds it to that). If
// one of the types it writes gains or loses a field, handWritable turns
// false and records go through encoding/json again, slower but complete.

// jsonShapes lists, per type written by hand, its JSON field names in order.
var jsonShapes = map[reflect.Type][]string{
	reflect.TypeFor[JSONEvent](): {"seq", "time_ns", "pid", "tid", "ppid", "comm", "netns", "kind", "syscall",
		"fd", "ret", "errno", "duration_us", "socket", "call", "summary", "path", "argv", "peek", "netlink", "fields",
		"reply_to", "data_hex", "data_len", "truncated", "stack"},
	reflect.TypeFor[JSONSocket]():  {"family", "type", "protocol", "inode"},
	reflect.TypeFor[Exchange]():    {"request_event", "type", "summary", "nlmsg_seq"},
	reflect.TypeFor[Frame]():       {"pc", "func", "file", "line", "module"},
	reflect.TypeFor[event.Field](): {"name", "value", "ifname", "offset", "length", "children"},
}

// netlink.Message writes its JSON with a MarshalJSON of its own (offset,
// length, type, type_name, flags, flag_names, seq, port_id, summary,
// fields, is_error, errno, errno_name, extack, extack_offset, malformed):
// TestAppendJSONMatchesEncodingJSON holds the encoder below to it, byte
// for byte.

// handWritable is true when every type written by hand still has the
// fields the hand-written encoder knows.
var handWritable = func() bool {
	for t, want := range jsonShapes {
		var got []string
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				return false
			}
			got = append(got, name)
		}
		if !slices.Equal(got, want) {
			return false
		}
	}
	return true
}()

// AppendJSON appends r as one line of JSON (with its newline) to dst.
func AppendJSON(dst []byte, r *Record) ([]byte, error) {
	return appendRecordJSON(dst, r, nil)
}

// appendRecordJSON appends r; p, when not nil, supplies rendered pieces it
// keeps (stacks, sockets).
func appendRecordJSON(dst []byte, r *Record, p *Printer) ([]byte, error) {
	if !handWritable {
		b, err := json.Marshal(r.ToJSON())
		if err != nil {
			return dst, err
		}
		return append(append(dst, b...), '\n'), nil
	}
	e, d := &r.Event, &r.Decoded
	dst = appendUint(dst, `{"seq":`, e.Seq)
	dst = appendInt(dst, `,"time_ns":`, int64(e.Time))
	dst = appendUint(dst, `,"pid":`, uint64(e.PID))
	dst = appendUint(dst, `,"tid":`, uint64(e.TID))
	if e.PPID != 0 {
		dst = appendUint(dst, `,"ppid":`, uint64(e.PPID))
	}
	dst = appendString(dst, `,"comm":`, e.Comm)
	dst = appendUint(dst, `,"netns":`, uint64(e.NetNS))
	dst = append(dst, `,"kind":`...)
	dst = appendKindJSON(dst, e.Kind)
	if e.Syscall != "" {
		dst = appendString(dst, `,"syscall":`, e.Syscall)
	}
	dst = appendInt(dst, `,"fd":`, int64(e.Fd))
	dst = appendInt(dst, `,"ret":`, e.Ret)
	cached := r.memo.forJSON()
	if cached != nil {
		dst = append(dst, cached.errno...)
	} else {
		dst = appendErrnoJSON(dst, d)
	}
	if e.Duration > 0 {
		dst = append(dst, `,"duration_us":`...)
		dst = strconv.AppendFloat(dst, durationUs(e.Duration), 'f', -1, 64)
	}
	if e.SockFamily != 0 {
		if p != nil {
			dst = p.appendSocketJSON(dst, r)
		} else {
			dst = appendSocketJSON(dst, r.socket())
		}
	}
	if cached != nil {
		dst = append(dst, cached.call...)
	} else {
		dst = appendCallJSON(dst, d)
	}
	if len(d.Netlink) > 0 {
		dst = append(dst, `,"netlink":[`...)
		for i := range d.Netlink {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendMessageJSON(dst, &d.Netlink[i], cached.tail(i))
		}
		dst = append(dst, ']')
	}
	if len(d.Fields) > 0 {
		dst = append(dst, `,"fields":`...)
		if tree := cached.tree(); tree != nil {
			dst = append(dst, tree...)
		} else {
			dst = appendFieldsJSON(dst, d.Fields)
		}
	}
	if r.hasReplies() {
		dst = append(dst, `,"reply_to":[`...)
		for i, x := range r.Replies {
			if i > 0 {
				dst = append(dst, ',')
			}
			if x == nil {
				dst = append(dst, "null"...)
				continue
			}
			dst = appendUint(dst, `{"request_event":`, x.RequestSeq)
			dst = appendString(dst, `,"type":`, x.Type)
			dst = appendString(dst, `,"summary":`, x.Summary)
			dst = appendUint(dst, `,"nlmsg_seq":`, uint64(x.NlSeq))
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if len(e.Data) > 0 {
		dst = append(dst, `,"data_hex":"`...)
		if h := r.memo.dataHex(e.Data); h != nil {
			dst = append(dst, h...)
		} else {
			dst = hex.AppendEncode(dst, e.Data)
		}
		dst = append(dst, '"')
	}
	dst = appendUint(dst, `,"data_len":`, uint64(e.DataLen))
	if e.Truncated() {
		dst = append(dst, `,"truncated":true`...)
	}
	switch {
	case p != nil:
		dst = append(dst, p.stack(r)...)
	case len(r.Frames) > 0 || len(e.Stack) > 0:
		dst = appendStackJSON(dst, r)
	}
	return append(dst, "}\n"...), nil
}

// appendErrnoJSON appends the `,"errno"` member of d, if any.
func appendErrnoJSON(dst []byte, d *decode.Result) []byte {
	if d.Errno == "" {
		return dst
	}
	dst = append(dst, `,"errno":`...)
	return appendJSONString(dst, d.Errno)
}

// appendCallJSON appends the members of d from "call" to "peek".
func appendCallJSON(dst []byte, d *decode.Result) []byte {
	dst = appendString(dst, `,"call":`, d.Call)
	dst = appendString(dst, `,"summary":`, d.Summary)
	if d.Path != "" {
		dst = appendString(dst, `,"path":`, d.Path)
	}
	if len(d.Argv) > 0 {
		dst = append(dst, `,"argv":[`...)
		for i, a := range d.Argv {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, a)
		}
		dst = append(dst, ']')
	}
	if d.Peek {
		dst = append(dst, `,"peek":true`...)
	}
	return dst
}

// appendSocketJSON appends the `,"socket"` member.
func appendSocketJSON(dst []byte, s *JSONSocket) []byte {
	dst = appendSocketHeadJSON(dst, s.Family, s.Type, s.Protocol)
	dst = strconv.AppendUint(dst, s.Inode, 10)
	return append(dst, '}')
}

// appendSocketHeadJSON appends the `,"socket"` member up to its inode.
func appendSocketHeadJSON(dst []byte, family, typ, proto string) []byte {
	dst = appendString(dst, `,"socket":{"family":`, family)
	dst = appendString(dst, `,"type":`, typ)
	dst = appendString(dst, `,"protocol":`, proto)
	return append(dst, `,"inode":`...)
}

// kindJSON holds each kind's name as a JSON string.
var kindJSON = func() [256][]byte {
	var t [256][]byte
	for k := range t {
		t[k] = appendJSONString(nil, event.Kind(k).String())
	}
	return t
}()

func appendKindJSON(dst []byte, k event.Kind) []byte { return append(dst, kindJSON[k]...) }

// appendStackJSON appends the `,"stack":[...]` member of r.
func appendStackJSON(dst []byte, r *Record) []byte {
	dst = append(dst, `,"stack":[`...)
	if len(r.Frames) > 0 {
		for i := range r.Frames {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFrameJSON(dst, &r.Frames[i])
		}
	} else {
		for i, pc := range r.Event.Stack {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFrameJSON(dst, &Frame{PC: pc})
		}
	}
	return append(dst, ']')
}

func appendFrameJSON(dst []byte, f *Frame) []byte {
	dst = appendUint(dst, `{"pc":`, f.PC)
	if f.Func != "" {
		dst = appendString(dst, `,"func":`, f.Func)
	}
	if f.File != "" {
		dst = appendString(dst, `,"file":`, f.File)
	}
	if f.Line != 0 {
		dst = appendInt(dst, `,"line":`, int64(f.Line))
	}
	if f.Module != "" {
		dst = appendString(dst, `,"module":`, f.Module)
	}
	return append(dst, '}')
}

// appendMessageJSON appends one netlink message; tail, when not nil, is
// the rendered form of its fields after the first (see memoEntry).
func appendMessageJSON(dst []byte, m *netlink.Message, tail []byte) []byte {
	dst = appendInt(dst, `{"offset":`, int64(m.Offset))
	dst = appendInt(dst, `,"length":`, int64(m.Length))
	dst = appendUint(dst, `,"type":`, uint64(m.Type))
	dst = appendString(dst, `,"type_name":`, m.Name)
	dst = appendUint(dst, `,"flags":`, uint64(m.Flags))
	dst = appendString(dst, `,"flag_names":`, m.FlagNames)
	dst = appendUint(dst, `,"seq":`, uint64(m.Seq))
	dst = appendUint(dst, `,"port_id":`, uint64(m.PortID))
	dst = appendString(dst, `,"summary":`, m.Summary)
	dst = append(dst, `,"fields":`...)
	switch {
	case m.Fields == nil:
		dst = append(dst, "null"...)
	case tail != nil && len(m.Fields) > 0:
		dst = append(dst, '[')
		dst = appendFieldJSON(dst, &m.Fields[0])
		dst = append(dst, tail...)
		dst = append(dst, ']')
	default:
		dst = appendFieldsJSON(dst, m.Fields)
	}
	if m.IsError {
		dst = append(dst, `,"is_error":true`...)
	}
	if m.Errno != 0 {
		dst = appendInt(dst, `,"errno":`, int64(m.Errno))
	}
	if m.ErrnoName != "" {
		dst = appendString(dst, `,"errno_name":`, m.ErrnoName)
	}
	if m.Extack != "" {
		dst = appendString(dst, `,"extack":`, m.Extack)
	}
	dst = appendInt(dst, `,"extack_offset":`, int64(m.ExtackOffset))
	if m.Malformed != "" {
		dst = appendString(dst, `,"malformed":`, m.Malformed)
	}
	return append(dst, '}')
}

// appendFieldsJSON appends a tree as a JSON array.
func appendFieldsJSON(dst []byte, fields []event.Field) []byte {
	dst = append(dst, '[')
	for i := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFieldJSON(dst, &fields[i])
	}
	return append(dst, ']')
}

// appendFieldsTailJSON appends fields as the rest of an array, each with
// its leading comma.
func appendFieldsTailJSON(dst []byte, fields []event.Field) []byte {
	for i := range fields {
		dst = append(dst, ',')
		dst = appendFieldJSON(dst, &fields[i])
	}
	return dst
}

func appendFieldJSON(dst []byte, f *event.Field) []byte {
	dst = appendString(dst, `{"name":`, f.Name)
	if f.Value != "" {
		dst = appendString(dst, `,"value":`, f.Value)
	}
	if f.Ifname != "" {
		dst = appendString(dst, `,"ifname":`, f.Ifname)
	}
	dst = appendInt(dst, `,"offset":`, int64(f.Offset))
	dst = appendInt(dst, `,"length":`, int64(f.Length))
	if len(f.Children) > 0 {
		dst = append(dst, `,"children":`...)
		dst = appendFieldsJSON(dst, f.Children)
	}
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it: control characters, quotes and backslashes, the HTML
// characters <, > and &, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendUint, appendInt and appendString append a member: its key (with
// the leading comma or brace, colon included) and its value.
func appendUint(dst []byte, key string, v uint64) []byte {
	return strconv.AppendUint(append(dst, key...), v, 10)
}

func appendInt(dst []byte, key string, v int64) []byte {
	return strconv.AppendInt(append(dst, key...), v, 10)
}

func appendString(dst []byte, key, v string) []byte {
	return appendJSONString(append(dst, key...), v)
}
