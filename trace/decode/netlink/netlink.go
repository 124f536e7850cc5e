package netlink

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"syscall"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Decode decodes every netlink message in b, a payload sent or
// received on a socket of the given NETLINK_* protocol (the third argument
// of socket(2)). A buffer may hold many messages, as a multipart dump
// reply does; each one is returned in order. Decoding never fails: when a
// length field is wrong the message is returned with Malformed set and the
// walk stops there.
func Decode(protocol int, b []byte) []Message { return DecodeContext(protocol, b, nil) }

// DecodeContext is [Decode] with what is known from the rest of the trace:
// interface names to show beside indexes and the names of generic netlink
// family ids. A nil ctx knows nothing.
func DecodeContext(protocol int, b []byte, ctx *Context) []Message {
	if ctx == nil {
		ctx = &Context{}
	}
	body := bodyDecoder(protocol)
	msgs := make([]Message, 0, countMessages(b))
	for off := 0; off < len(b); {
		rest := len(b) - off
		if rest < HeaderLen {
			if allZero(b[off:]) && len(msgs) > 0 {
				break // alignment padding after the last message
			}
			msgs = append(msgs, Message{
				Decoded: event.Decoded{
					Summary:   fmt.Sprintf("%d stray bytes", rest),
					Fields:    []event.Field{{Name: "trailing", Value: render.Hex(b[off:]), Offset: off, Length: rest}},
					Malformed: fmt.Sprintf("%d bytes left at offset %d, too few for a 16-byte nlmsghdr", rest, off),
				},
				Offset:       off,
				Length:       rest,
				ExtackOffset: -1,
			})
			break
		}
		if binary.LittleEndian.Uint32(b[off:]) == 0 && allZero(b[off:]) && len(msgs) > 0 {
			// Unused buffer space after the last message (iproute2 sends
			// its whole request struct); the kernel stops reading at a
			// zero nlmsg_len.
			break
		}
		m, next := decodeMessage(protocol, body, ctx, b, off)
		msgs = append(msgs, m)
		if next <= off {
			break
		}
		off = next
	}
	if len(msgs) == 0 {
		return nil
	}
	return msgs
}

// countMessages counts the whole messages in b, so that DecodeContext
// allocates its list once (an nf_tables batch holds a dozen or more).
func countMessages(b []byte) int {
	n := 0
	for off := 0; len(b)-off >= HeaderLen; n++ {
		l := int(binary.LittleEndian.Uint32(b[off:]))
		if l < HeaderLen || l > len(b)-off {
			return n + 1 // a malformed message ends the list
		}
		off += Align(l)
	}
	if n == 0 && len(b) > 0 {
		return 1 // stray bytes, shown as one message
	}
	return n
}

// decodeRawBody is the body decoder of protocols without a decoder: the
// type is shown as a number and the body as hex.
func decodeRawBody(msgType uint16, body []byte, base int) Body {
	d := Body{Decoded: event.Decoded{Name: strconv.Itoa(int(msgType))}}
	if len(body) > 0 {
		d.Fields = []event.Field{payloadField(body, base)}
	}
	return d
}

// payloadField shows bytes nothing more is known about.
func payloadField(b []byte, base int) event.Field {
	return event.Field{Name: "payload", Value: render.Hex(b), Offset: base, Length: len(b)}
}

// header is a parsed struct nlmsghdr.
type header struct {
	Len   uint32
	Type  uint16
	Flags uint16
	Seq   uint32
	PID   uint32
}

func parseHeader(b []byte) header {
	return header{
		Len:   binary.LittleEndian.Uint32(b[0:]),
		Type:  binary.LittleEndian.Uint16(b[4:]),
		Flags: binary.LittleEndian.Uint16(b[6:]),
		Seq:   binary.LittleEndian.Uint32(b[8:]),
		PID:   binary.LittleEndian.Uint32(b[12:]),
	}
}

// decodeMessage decodes the message whose header starts at b[off:]. It
// returns the message and the offset of the next one, or -1 when the walk
// must stop.
func decodeMessage(protocol int, body ContextDecoder, ctx *Context, b []byte, off int) (Message, int) {
	h := parseHeader(b[off:])
	m := Message{
		Offset:       off,
		Type:         h.Type,
		Flags:        h.Flags,
		Seq:          h.Seq,
		PortID:       h.PID,
		ExtackOffset: -1,
	}
	end, next := off+int(h.Len), off+Align(int(h.Len))
	switch {
	case h.Len < HeaderLen:
		m.Malformed = fmt.Sprintf("nlmsg_len %d is shorter than the 16-byte header", h.Len)
		end, next = off+HeaderLen, -1
	case uint64(off)+uint64(h.Len) > uint64(len(b)):
		m.Malformed = fmt.Sprintf("nlmsg_len %d runs past the end of the payload (%d bytes left)", h.Len, len(b)-off)
		end, next = len(b), -1
	}
	m.Length = end - off
	payload := b[off+HeaderLen : end]
	base := off + HeaderLen

	var (
		op        = OpOther
		ackFlags  bool
		bodySum   string
		bodyField []event.Field
	)
	switch h.Type {
	case unix.NLMSG_ERROR:
		m.Name = "NLMSG_ERROR"
		ackFlags = true
		bodyField = decodeError(protocol, body, ctx, b[:end], off, h, &m)
	case unix.NLMSG_DONE:
		m.Name = "NLMSG_DONE"
		ackFlags = true
		bodyField, bodySum = decodeDone(payload, base, h, &m)
	default:
		if h.Type < unix.NLMSG_MIN_TYPE {
			m.Name = controlNames.Prefixed(uint64(h.Type), "NLMSG")
			if len(payload) > 0 {
				bodyField = []event.Field{payloadField(payload, base)}
			}
			break
		}
		d := body(Header{Type: h.Type, Flags: h.Flags, Ctx: ctx}, payload, base)
		m.Name, op, bodySum, bodyField = d.Name, d.Op, d.Summary, d.Fields
		if m.Name == "" {
			m.Name = strconv.Itoa(int(h.Type))
		}
		if d.Malformed != "" && m.Malformed == "" {
			m.Malformed = d.Malformed
		}
	}
	m.FlagNames = FlagNames(h.Flags, op, ackFlags)
	m.Fields = make([]event.Field, 1, 1+len(bodyField))
	m.Fields[0] = headerField(off, h, m.Name, m.FlagNames)
	m.Fields = append(m.Fields, bodyField...)
	if !m.IsError {
		m.Summary = render.Join(m.Name, bodySum, summaryFlags(m.FlagNames))
	}
	return m, next
}

// summaryFlags is the flag part of a summary: nothing when no flag is set.
func summaryFlags(names string) string {
	if names == "0" {
		return ""
	}
	return names
}

// headerField renders the nlmsghdr at payload offset off as a "nlmsghdr"
// block.
func headerField(off int, h header, typeName, flagNames string) event.Field {
	children := []event.Field{
		{Name: "nlmsg_len", Value: strconv.FormatUint(uint64(h.Len), 10), Offset: off, Length: 4},
		{Name: "nlmsg_type", Value: typeName, Offset: off + 4, Length: 2},
		{Name: "nlmsg_flags", Value: flagNames, Offset: off + 6, Length: 2},
		{Name: "nlmsg_seq", Value: strconv.FormatUint(uint64(h.Seq), 10), Offset: off + 8, Length: 4},
		{Name: "nlmsg_pid", Value: strconv.FormatUint(uint64(h.PID), 10), Offset: off + 12, Length: 4},
	}
	return event.Field{Name: "nlmsghdr", Value: typeName, Offset: off, Length: HeaderLen, Children: children}
}

// flagSets holds the nlmsg_flags names of each operation kind: the common
// bits, then the ones whose meaning depends on the operation.
var flagSets = map[OpKind]render.FlagSet{
	OpOther: flagsCommon,
	OpNew:   append(append(render.FlagSet{}, flagsCommon...), flagsNew...),
	OpGet:   append(append(render.FlagSet{}, flagsCommon...), flagsGet...),
	OpDel:   append(append(render.FlagSet{}, flagsCommon...), flagsDel...),
}

// ackFlagSet holds the nlmsg_flags names of NLMSG_ERROR and NLMSG_DONE.
var ackFlagSet = append(append(render.FlagSet{}, flagsCommon...), flagsAck...)

// FlagNames names nlmsg_flags: the common bits, then the bits whose
// meaning depends on the operation (new, get, delete, or the kernel's
// acknowledgement flags), then any remaining bits in hex.
func FlagNames(flags uint16, op OpKind, ack bool) string {
	if ack {
		return ackFlagSet.Name(uint64(flags))
	}
	return flagSets[op].Name(uint64(flags))
}

// decodeError decodes the body of an NLMSG_ERROR whose header is at
// b[off:] (b ends with the message): struct nlmsgerr (error code and the
// request it answers) and the extended ACK attributes.
func decodeError(protocol int, body ContextDecoder, ctx *Context, b []byte, off int, h header, m *Message) []event.Field {
	m.IsError = true
	base := off + HeaderLen
	if len(b)-base < 4 {
		if m.Malformed == "" {
			m.Malformed = "NLMSG_ERROR without its 4-byte error code"
		}
		m.Summary = "error (truncated)"
		return nil
	}
	code := int32(binary.LittleEndian.Uint32(b[base:]))
	errno := int(code)
	if errno < 0 {
		errno = -errno
	}
	m.Errno = errno
	fields := []event.Field{{Name: "error", Value: errnoValue(code), Offset: base, Length: 4}}
	if errno != 0 {
		m.ErrnoName = render.ErrnoName(syscall.Errno(errno))
	}

	// The request being answered: its header, and its payload unless the
	// kernel capped it.
	reqOff := base + 4
	reqLen := 0
	var reqFields []event.Field
	if len(b)-reqOff >= HeaderLen {
		rh := parseHeader(b[reqOff:])
		capped := h.Flags&unix.NLM_F_CAPPED != 0
		var msg event.Field
		if capped || rh.Len <= HeaderLen {
			d := body(Header{Type: rh.Type, Flags: rh.Flags, Ctx: ctx}, nil, reqOff+HeaderLen)
			name := typeName(rh.Type, d.Name)
			flags := FlagNames(rh.Flags, d.Op, rh.Type == unix.NLMSG_ERROR || rh.Type == unix.NLMSG_DONE)
			reqLen = HeaderLen
			msg = event.Field{Name: "msg", Value: render.Join(name, summaryFlags(flags)), Offset: reqOff, Length: HeaderLen,
				Children: []event.Field{headerField(reqOff, rh, name, flags)}}
		} else {
			inner, _ := decodeMessage(protocol, body, ctx, b, reqOff)
			reqLen = inner.Length
			msg = event.Field{Name: "msg", Value: inner.Summary, Offset: reqOff, Length: inner.Length, Children: inner.Fields}
			if inner.Malformed != "" && m.Malformed == "" {
				m.Malformed = "echoed request: " + inner.Malformed
			}
		}
		reqFields = msg.Children
		fields = append(fields, msg)
	} else if len(b) > reqOff {
		fields = append(fields, event.Field{Name: "msg", Value: render.Hex(b[reqOff:]), Offset: reqOff, Length: len(b) - reqOff})
		reqLen = len(b) - reqOff
	}

	if h.Flags&unix.NLM_F_ACK_TLVS != 0 {
		tlvOff := reqOff + Align(reqLen)
		if tlvOff < len(b) {
			fields = append(fields, decodeExtack(b[tlvOff:], tlvOff, reqOff, reqFields, m)...)
		}
	}

	if errno == 0 {
		m.Summary = "ACK"
	} else {
		m.Summary = "error " + errnoText(errno)
	}
	if m.Extack != "" {
		m.Summary += ": " + m.Extack
	}
	return fields
}

// decodeDone decodes the body of NLMSG_DONE: the dump's final error code
// and, with NLM_F_ACK_TLVS, extended ACK attributes.
func decodeDone(payload []byte, base int, h header, m *Message) ([]event.Field, string) {
	if len(payload) < 4 {
		if len(payload) > 0 {
			return []event.Field{payloadField(payload, base)}, ""
		}
		return nil, ""
	}
	code := int32(binary.LittleEndian.Uint32(payload))
	fields := []event.Field{{Name: "error", Value: errnoValue(code), Offset: base, Length: 4}}
	if h.Flags&unix.NLM_F_ACK_TLVS != 0 && len(payload) > 4 {
		fields = append(fields, decodeExtack(payload[4:], base+4, -1, nil, m)...)
	}
	sum := ""
	if code != 0 {
		e := int(code)
		if e < 0 {
			e = -e
		}
		sum = "error " + errnoText(e)
	}
	if m.Extack != "" {
		sum = render.Join(sum, m.Extack)
	}
	return fields, sum
}

// errnoValue renders an error code the way the kernel stores it:
// negative errno ("-EEXIST (File exists)") or 0.
func errnoValue(code int32) string {
	if code == 0 {
		return "0"
	}
	if code < 0 {
		e := syscall.Errno(-int64(code))
		if render.ErrnoName(e) != "" {
			return "-" + render.ErrnoText(e)
		}
	}
	return strconv.Itoa(int(code))
}

// errnoText renders a positive errno as "EEXIST (File exists)".
func errnoText(errno int) string { return render.ErrnoText(syscall.Errno(errno)) }

// extack is what decoding extended ACK attributes needs besides the
// walker: the message to fill in and the echoed request, to name the
// attribute NLMSGERR_ATTR_OFFS points at.
type extack struct {
	m         *Message
	reqOff    int // where the echoed request starts, -1 if none
	reqFields []event.Field
}

// decodeExtack decodes extended ACK attributes (NLMSGERR_ATTR_*) found at
// payload offset base.
func decodeExtack(b []byte, base, reqOff int, reqFields []event.Field, m *Message) []event.Field {
	w := &Walker{State: &extack{m: m, reqOff: reqOff, reqFields: reqFields}}
	fields := w.Attrs(b, base, &extackAttrs)
	if w.Malformed != "" && m.Malformed == "" {
		m.Malformed = "extended ACK: " + w.Malformed
	}
	return fields
}

// extackMessage decodes NLMSGERR_ATTR_MSG, the kernel's explanation.
func extackMessage(w *Walker, a Attr) (string, []event.Field) {
	s := render.CString(a.Data)
	w.State.(*extack).m.Extack = s
	return render.Quote(s), nil
}

// extackOffset decodes NLMSGERR_ATTR_OFFS: the offset of the attribute the
// kernel rejected, named when the echoed request holds it.
func extackOffset(w *Walker, a Attr) (string, []event.Field) {
	x := w.State.(*extack)
	v, ok := uintOf(a.Data, false)
	if !ok {
		return render.Hex(a.Data), nil
	}
	x.m.ExtackOffset = int(v)
	s := strconv.FormatUint(v, 10)
	if x.reqOff >= 0 {
		if name := fieldAt(x.reqFields, x.reqOff+int(v)); name != "" {
			s += " (" + name + ")"
		}
	}
	return s, nil
}

// fieldAt returns the name of the deepest field that starts at offset
// off, or "".
func fieldAt(fields []event.Field, off int) string {
	for _, f := range fields {
		if off < f.Offset || off >= f.Offset+f.Length {
			continue
		}
		if name := fieldAt(f.Children, off); name != "" {
			return name
		}
		if f.Offset == off {
			return f.Name
		}
	}
	return ""
}

// typeName is the name a body decoder gave, or the type as a number.
func typeName(t uint16, name string) string {
	if t > 0 && t < unix.NLMSG_MIN_TYPE {
		return controlNames.Prefixed(uint64(t), "NLMSG")
	}
	if name == "" {
		return strconv.Itoa(int(t))
	}
	return name
}
