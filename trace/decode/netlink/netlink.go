package netlink

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Layout constants of the netlink wire format (linux/netlink.h).
const (
	NlmsgHdrLen = 16 // sizeof(struct nlmsghdr)
	NlaHdrLen   = 4  // sizeof(struct nlattr)

	nlmsgError   = 2    // NLMSG_ERROR
	nlmsgDone    = 3    // NLMSG_DONE
	nlmsgMinType = 0x10 // first protocol-specific message type

	nlmFCapped  = 0x100 // NLMSG_ERROR: the request is echoed without its payload
	nlmFAckTLVs = 0x200 // NLMSG_ERROR/DONE: extended ACK attributes follow

	nlaFNested       = 0x8000
	nlaFNetByteorder = 0x4000
	nlaTypeMask      = 0x3fff

	nlmsgerrAttrMsg    = 1
	nlmsgerrAttrOffs   = 2
	nlmsgerrAttrPolicy = 4

	genlIDCtrl = 0x10 // the nlctrl family, the only fixed generic netlink id

	// nlMaxHexValue caps how many bytes a hex Value shows; the field's
	// Offset and Length still cover all of them.
	nlMaxHexValue = 64
)

// BodyDecoder decodes the body of a protocol-specific message: the bytes
// after the 16-byte nlmsghdr, found at payload offset base.
type BodyDecoder func(msgType uint16, body []byte, base int) Body

// Decode decodes every netlink message in b, a payload sent or
// received on a socket of the given NETLINK_* protocol (the third argument
// of socket(2)). A buffer may hold many messages, as a multipart dump
// reply does; each one is returned in order. Decoding never fails: when a
// length field is wrong the message is returned with Malformed set and the
// walk stops there.
func Decode(protocol int, b []byte) []Message {
	body := nlBodyDecoderFor(protocol)
	var msgs []Message
	for off := 0; off < len(b); {
		rest := len(b) - off
		if rest < NlmsgHdrLen {
			if nlAllZero(b[off:]) && len(msgs) > 0 {
				break // alignment padding after the last message
			}
			msgs = append(msgs, Message{
				Offset:       off,
				Length:       rest,
				ExtackOffset: -1,
				Summary:      fmt.Sprintf("%d stray bytes", rest),
				Fields:       []event.Field{{Name: "trailing", Value: Hex(b[off:]), Offset: off, Length: rest}},
				Malformed:    fmt.Sprintf("%d bytes left at offset %d, too few for a 16-byte nlmsghdr", rest, off),
			})
			break
		}
		if binary.LittleEndian.Uint32(b[off:]) == 0 && nlAllZero(b[off:]) && len(msgs) > 0 {
			// Unused buffer space after the last message (iproute2 sends
			// its whole request struct); the kernel stops reading at a
			// zero nlmsg_len.
			break
		}
		m, next := nlDecodeMessage(protocol, body, b, off)
		msgs = append(msgs, m)
		if next <= off {
			break
		}
		off = next
	}
	return msgs
}

// nlBodyDecoders holds the body decoder of each netlink protocol that has
// one; protocol packages add theirs with registerBody when they load.
var nlBodyDecoders = map[int]BodyDecoder{}

// RegisterBody makes decode the body decoder of a NETLINK_* protocol. It is
// called from package init functions only.
func RegisterBody(protocol int, decode BodyDecoder) { nlBodyDecoders[protocol] = decode }

func init() { RegisterBody(Generic, decodeGenericBody) }

// nlBodyDecoderFor picks the body decoder of a netlink protocol.
func nlBodyDecoderFor(protocol int) BodyDecoder {
	if d, ok := nlBodyDecoders[protocol]; ok {
		return d
	}
	return decodeRawBody
}

// decodeRawBody is the body decoder of protocols without a decoder: the
// type is shown as a number and the body as hex.
func decodeRawBody(msgType uint16, body []byte, base int) Body {
	d := Body{TypeName: strconv.Itoa(int(msgType))}
	if len(body) > 0 {
		d.Fields = []event.Field{{Name: "payload", Value: Hex(body), Offset: base, Length: len(body)}}
	}
	return d
}

// nlHeader is a parsed struct nlmsghdr.
type nlHeader struct {
	Len   uint32
	Type  uint16
	Flags uint16
	Seq   uint32
	PID   uint32
}

func nlParseHeader(b []byte) nlHeader {
	return nlHeader{
		Len:   binary.LittleEndian.Uint32(b[0:]),
		Type:  binary.LittleEndian.Uint16(b[4:]),
		Flags: binary.LittleEndian.Uint16(b[6:]),
		Seq:   binary.LittleEndian.Uint32(b[8:]),
		PID:   binary.LittleEndian.Uint32(b[12:]),
	}
}

// nlDecodeMessage decodes the message whose header starts at b[off:]. It
// returns the message and the offset of the next one, or -1 when the walk
// must stop.
func nlDecodeMessage(protocol int, body BodyDecoder, b []byte, off int) (Message, int) {
	h := nlParseHeader(b[off:])
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
	case h.Len < NlmsgHdrLen:
		m.Malformed = fmt.Sprintf("nlmsg_len %d is shorter than the 16-byte header", h.Len)
		end, next = off+NlmsgHdrLen, -1
	case uint64(off)+uint64(h.Len) > uint64(len(b)):
		m.Malformed = fmt.Sprintf("nlmsg_len %d runs past the end of the payload (%d bytes left)", h.Len, len(b)-off)
		end, next = len(b), -1
	}
	m.Length = end - off
	payload := b[off+NlmsgHdrLen : end]
	base := off + NlmsgHdrLen

	var (
		op        = OpOther
		ackFlags  bool
		bodySum   string
		bodyField []event.Field
	)
	switch h.Type {
	case nlmsgError:
		m.TypeName = "NLMSG_ERROR"
		ackFlags = true
		bodyField = nlDecodeError(protocol, body, b[:end], off, h, &m)
	case nlmsgDone:
		m.TypeName = "NLMSG_DONE"
		ackFlags = true
		bodyField, bodySum = nlDecodeDone(payload, base, h, &m)
	default:
		if h.Type < nlmsgMinType {
			m.TypeName = Name(nlmsgTypeNames, uint64(h.Type), "NLMSG")
			if len(payload) > 0 {
				bodyField = []event.Field{{Name: "payload", Value: Hex(payload), Offset: base, Length: len(payload)}}
			}
			break
		}
		d := body(h.Type, payload, base)
		m.TypeName, op, bodySum, bodyField = d.TypeName, d.Op, d.Summary, d.Fields
		if m.TypeName == "" {
			m.TypeName = strconv.Itoa(int(h.Type))
		}
		if d.Malformed != "" && m.Malformed == "" {
			m.Malformed = d.Malformed
		}
	}
	m.FlagNames = FlagNames(h.Flags, op, ackFlags)
	m.Fields = append([]event.Field{nlHeaderField(off, h, m.TypeName, m.FlagNames)}, bodyField...)
	if !m.IsError {
		m.Summary = Join(m.TypeName, bodySum, nlSummaryFlags(m.FlagNames))
	}
	return m, next
}

// nlSummaryFlags is the flag part of a summary: nothing when no flag is set.
func nlSummaryFlags(names string) string {
	if names == "0" {
		return ""
	}
	return names
}

// nlHeaderField renders the nlmsghdr at payload offset off as a "nlmsghdr"
// block.
func nlHeaderField(off int, h nlHeader, typeName, flagNames string) event.Field {
	return event.Field{
		Name:   "nlmsghdr",
		Value:  typeName,
		Offset: off,
		Length: NlmsgHdrLen,
		Children: []event.Field{
			{Name: "nlmsg_len", Value: strconv.FormatUint(uint64(h.Len), 10), Offset: off, Length: 4},
			{Name: "nlmsg_type", Value: typeName, Offset: off + 4, Length: 2},
			{Name: "nlmsg_flags", Value: flagNames, Offset: off + 6, Length: 2},
			{Name: "nlmsg_seq", Value: strconv.FormatUint(uint64(h.Seq), 10), Offset: off + 8, Length: 4},
			{Name: "nlmsg_pid", Value: strconv.FormatUint(uint64(h.PID), 10), Offset: off + 12, Length: 4},
		},
	}
}

// FlagNames names nlmsg_flags: the common bits, then the bits whose
// meaning depends on the operation (new, get, delete, or the kernel's
// acknowledgement flags), then any remaining bits in hex.
func FlagNames(flags uint16, op OpKind, ack bool) string {
	v := uint64(flags)
	var parts []string
	take := func(table []Flag) {
		for _, f := range table {
			if f.Mask != 0 && v&f.Mask == f.Mask {
				parts = append(parts, f.Name)
				v &^= f.Mask
			}
		}
	}
	take(nlmFlagsCommon)
	switch {
	case ack:
		take(nlmFlagsAck)
	case op == OpNew:
		take(nlmFlagsNew)
	case op == OpGet:
		take(nlmFlagsGet)
	case op == OpDel:
		take(nlmFlagsDel)
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

// nlDecodeError decodes the body of an NLMSG_ERROR whose header is at
// b[off:] (b ends with the message): struct nlmsgerr (error code and the
// request it answers) and the extended ACK attributes.
func nlDecodeError(protocol int, body BodyDecoder, b []byte, off int, h nlHeader, m *Message) []event.Field {
	m.IsError = true
	base := off + NlmsgHdrLen
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
	fields := []event.Field{{Name: "error", Value: nlErrnoValue(code), Offset: base, Length: 4}}
	if errno != 0 {
		m.ErrnoName = unix.ErrnoName(syscall.Errno(errno))
	}

	// The request being answered: its header, and its payload unless the
	// kernel capped it.
	reqOff := base + 4
	reqLen := 0
	var reqFields []event.Field
	if len(b)-reqOff >= NlmsgHdrLen {
		rh := nlParseHeader(b[reqOff:])
		capped := h.Flags&nlmFCapped != 0
		var msg event.Field
		if capped || rh.Len <= NlmsgHdrLen {
			d := body(rh.Type, nil, reqOff+NlmsgHdrLen)
			name := nlTypeName(rh.Type, d.TypeName)
			flags := FlagNames(rh.Flags, d.Op, rh.Type == nlmsgError || rh.Type == nlmsgDone)
			reqLen = NlmsgHdrLen
			msg = event.Field{Name: "msg", Value: Join(name, nlSummaryFlags(flags)), Offset: reqOff, Length: NlmsgHdrLen,
				Children: []event.Field{nlHeaderField(reqOff, rh, name, flags)}}
		} else {
			inner, _ := nlDecodeMessage(protocol, body, b, reqOff)
			reqLen = inner.Length
			msg = event.Field{Name: "msg", Value: inner.Summary, Offset: reqOff, Length: inner.Length, Children: inner.Fields}
			if inner.Malformed != "" && m.Malformed == "" {
				m.Malformed = "echoed request: " + inner.Malformed
			}
		}
		reqFields = msg.Children
		fields = append(fields, msg)
	} else if len(b) > reqOff {
		fields = append(fields, event.Field{Name: "msg", Value: Hex(b[reqOff:]), Offset: reqOff, Length: len(b) - reqOff})
		reqLen = len(b) - reqOff
	}

	if h.Flags&nlmFAckTLVs != 0 {
		tlvOff := reqOff + Align(reqLen)
		if tlvOff < len(b) {
			fields = append(fields, nlDecodeExtack(b[tlvOff:], tlvOff, reqOff, reqFields, m)...)
		}
	}

	if errno == 0 {
		m.Summary = "ACK"
	} else {
		m.Summary = "error " + nlErrnoText(errno)
	}
	if m.Extack != "" {
		m.Summary += ": " + m.Extack
	}
	return fields
}

// nlDecodeDone decodes the body of NLMSG_DONE: the dump's final error code
// and, with NLM_F_ACK_TLVS, extended ACK attributes.
func nlDecodeDone(payload []byte, base int, h nlHeader, m *Message) ([]event.Field, string) {
	if len(payload) < 4 {
		if len(payload) > 0 {
			return []event.Field{{Name: "payload", Value: Hex(payload), Offset: base, Length: len(payload)}}, ""
		}
		return nil, ""
	}
	code := int32(binary.LittleEndian.Uint32(payload))
	fields := []event.Field{{Name: "error", Value: nlErrnoValue(code), Offset: base, Length: 4}}
	if h.Flags&nlmFAckTLVs != 0 && len(payload) > 4 {
		fields = append(fields, nlDecodeExtack(payload[4:], base+4, -1, nil, m)...)
	}
	sum := ""
	if code != 0 {
		e := int(code)
		if e < 0 {
			e = -e
		}
		sum = "error " + nlErrnoText(e)
	}
	if m.Extack != "" {
		sum = Join(sum, m.Extack)
	}
	return fields, sum
}

// nlErrnoValue renders an error code the way the kernel stores it:
// negative errno ("-EEXIST (File exists)") or 0.
func nlErrnoValue(code int32) string {
	if code == 0 {
		return "0"
	}
	if code < 0 {
		e := syscall.Errno(-int64(code))
		if name := unix.ErrnoName(e); name != "" {
			return "-" + name + " (" + nlCapitalize(e.Error()) + ")"
		}
	}
	return strconv.Itoa(int(code))
}

// nlErrnoText renders a positive errno as "EEXIST (File exists)".
func nlErrnoText(errno int) string {
	e := syscall.Errno(errno)
	name := unix.ErrnoName(e)
	if name == "" {
		return strconv.Itoa(errno)
	}
	return name + " (" + nlCapitalize(e.Error()) + ")"
}

func nlCapitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// nlDecodeExtack decodes extended ACK attributes (NLMSGERR_ATTR_*) found at
// payload offset base. reqOff is where the echoed request starts (-1 if
// none) and reqFields its decoded fields, used to name the attribute that
// NLMSGERR_ATTR_OFFS points at.
func nlDecodeExtack(b []byte, base, reqOff int, reqFields []event.Field, m *Message) []event.Field {
	attrs, bad := ParseAttrs(b, base)
	if bad != "" && m.Malformed == "" {
		m.Malformed = "extended ACK: " + bad
	}
	var fields []event.Field
	for _, a := range attrs {
		f := event.Field{Name: Name(nlmsgerrAttrNames, uint64(a.Type), "NLMSGERR_ATTR"), Offset: a.Off, Length: a.Len}
		switch a.Type {
		case nlmsgerrAttrMsg:
			s := CString(a.Data)
			m.Extack = s
			f.Value = strconv.Quote(s)
		case nlmsgerrAttrOffs:
			v, ok := nlUint(a.Data, false)
			if !ok {
				f.Value = Hex(a.Data)
				break
			}
			m.ExtackOffset = int(v)
			f.Value = strconv.FormatUint(v, 10)
			if reqOff >= 0 {
				if name := nlFieldAt(reqFields, reqOff+int(v)); name != "" {
					f.Value += " (" + name + ")"
				}
			}
		case 5, 6: // NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST
			f.Value = UintValue(a, nil)
		case nlmsgerrAttrPolicy:
			f.Children = nlDecodePolicy(a)
		default:
			f.Value = Hex(a.Data)
		}
		fields = append(fields, f)
	}
	return fields
}

// nlDecodePolicy decodes NLMSGERR_ATTR_POLICY: the policy the rejected
// attribute had to satisfy.
func nlDecodePolicy(a Attr) []event.Field {
	attrs, _ := ParseAttrs(a.Data, a.Off+NlaHdrLen)
	var fields []event.Field
	for _, x := range attrs {
		f := event.Field{Name: Name(nlPolicyTypeAttrNames, uint64(x.Type), "NL_POLICY_TYPE_ATTR"), Offset: x.Off, Length: x.Len}
		switch x.Type {
		case 1: // NL_POLICY_TYPE_ATTR_TYPE
			f.Value = UintValue(x, func(v uint64) string { return Name(nlAttrTypeNames, v, "NL_ATTR_TYPE") })
		case 2, 3: // MIN_VALUE_S, MAX_VALUE_S
			f.Value = IntValue(x)
		default:
			f.Value = UintValue(x, nil)
		}
		fields = append(fields, f)
	}
	return fields
}

// nlFieldAt returns the name of the deepest field that starts at offset
// off, or "".
func nlFieldAt(fields []event.Field, off int) string {
	for _, f := range fields {
		if off < f.Offset || off >= f.Offset+f.Length {
			continue
		}
		if name := nlFieldAt(f.Children, off); name != "" {
			return name
		}
		if f.Offset == off {
			return f.Name
		}
	}
	return ""
}

// nlTypeName is the name a body decoder gave, or the type as a number.
func nlTypeName(t uint16, name string) string {
	if t > 0 && t < nlmsgMinType {
		return Name(nlmsgTypeNames, uint64(t), "NLMSG")
	}
	if name == "" {
		return strconv.Itoa(int(t))
	}
	return name
}

// Attr is one netlink attribute (struct nlattr and its payload).
type Attr struct {
	Type     uint16 // nla_type without the NLA_F_* bits
	Nested   bool   // NLA_F_NESTED was set
	NetOrder bool   // NLA_F_NET_BYTEORDER was set
	Off      int    // payload offset of the attribute header
	Len      int    // nla_len: header plus data, without padding
	Data     []byte
}

// DataOff is the payload offset of the attribute's data.
func (a Attr) DataOff() int { return a.Off + NlaHdrLen }

// ParseAttrs splits b, found at payload offset base, into attributes. It
// stops at the first attribute with an impossible length and says why.
func ParseAttrs(b []byte, base int) ([]Attr, string) {
	var attrs []Attr
	for pos := 0; pos < len(b); {
		rest := len(b) - pos
		if rest < NlaHdrLen {
			if nlAllZero(b[pos:]) {
				break
			}
			return attrs, fmt.Sprintf("%d stray bytes at offset %d", rest, base+pos)
		}
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		t := binary.LittleEndian.Uint16(b[pos+2:])
		if l < NlaHdrLen || l > rest {
			return attrs, fmt.Sprintf("attribute at offset %d has nla_len %d with %d bytes left", base+pos, l, rest)
		}
		attrs = append(attrs, Attr{
			Type:     t & nlaTypeMask,
			Nested:   t&nlaFNested != 0,
			NetOrder: t&nlaFNetByteorder != 0,
			Off:      base + pos,
			Len:      l,
			Data:     b[pos+NlaHdrLen : pos+l],
		})
		pos += Align(l)
	}
	return attrs, ""
}

// Align rounds n up to the 4-byte netlink alignment.
func Align(n int) int { return (n + 3) &^ 3 }

func nlAllZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Join joins the non-empty parts with spaces.
func Join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// Name looks v up in a table indexed by value; unknown values are shown
// as prefix(v), e.g. "IFLA(70)".
func Name(table []string, v uint64, prefix string) string {
	if v < uint64(len(table)) && table[v] != "" {
		return table[v]
	}
	return fmt.Sprintf("%s(%d)", prefix, v)
}

// Enum renders v with its name from table, or as a number.
func Enum(table []string) func(uint64) string {
	return func(v uint64) string {
		if v < uint64(len(table)) && table[v] != "" {
			return table[v]
		}
		return strconv.FormatUint(v, 10)
	}
}

// EnumMap renders v with its name from a sparse table, or as a number.
func EnumMap(table map[uint64]string) func(uint64) string {
	return func(v uint64) string {
		if s, ok := table[v]; ok {
			return s
		}
		return strconv.FormatUint(v, 10)
	}
}

// Flags renders a flags word as "A|B|0x40", or "0".
func Flags(v uint64, table []Flag) string {
	var parts []string
	for _, f := range table {
		if f.Mask != 0 && v&f.Mask == f.Mask {
			parts = append(parts, f.Name)
			v &^= f.Mask
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

// FlagsOf returns a renderer for nlFlags with a fixed table.
func FlagsOf(table []Flag) func(uint64) string {
	return func(v uint64) string { return Flags(v, table) }
}

// nlUint reads a 1, 2, 4 or 8-byte unsigned integer in host (little
// endian) or network byte order.
func nlUint(b []byte, bigEndian bool) (uint64, bool) {
	var order binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		order = binary.BigEndian
	}
	switch len(b) {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(order.Uint16(b)), true
	case 4:
		return uint64(order.Uint32(b)), true
	case 8:
		return order.Uint64(b), true
	}
	return 0, false
}

// Int reads a 1, 2, 4 or 8-byte signed integer in host byte order.
func Int(b []byte) (int64, bool) {
	v, ok := nlUint(b, false)
	if !ok {
		return 0, false
	}
	switch len(b) {
	case 1:
		return int64(int8(v)), true
	case 2:
		return int64(int16(v)), true
	case 4:
		return int64(int32(v)), true
	}
	return int64(v), true
}

// UintValue renders an integer attribute, with render (if any) turning
// the number into names. Data of an odd size is shown as hex.
func UintValue(a Attr, render func(uint64) string) string {
	v, ok := nlUint(a.Data, a.NetOrder)
	if !ok {
		return Hex(a.Data)
	}
	if render != nil {
		return render(v)
	}
	return strconv.FormatUint(v, 10)
}

// IntValue renders a signed integer attribute.
func IntValue(a Attr) string {
	v, ok := Int(a.Data)
	if !ok {
		return Hex(a.Data)
	}
	return strconv.FormatInt(v, 10)
}

// Hex renders bytes as lowercase hex, shortened past nlMaxHexValue bytes.
func Hex(b []byte) string {
	if len(b) > nlMaxHexValue {
		return hex.EncodeToString(b[:nlMaxHexValue]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return hex.EncodeToString(b)
}

// CString returns the string in b up to its first NUL.
func CString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Quote renders a NUL-terminated string attribute as a quoted string.
func Quote(b []byte) string { return strconv.Quote(CString(b)) }

// MAC renders a hardware address as aa:bb:cc:dd:ee:ff.
func MAC(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

// Addr renders a 4-byte IPv4 or 16-byte IPv6 address; other sizes as hex.
func Addr(b []byte) string {
	switch len(b) {
	case 4:
		return netip.AddrFrom4([4]byte(b)).String()
	case 16:
		return netip.AddrFrom16([16]byte(b)).String()
	}
	return Hex(b)
}

// nlLooksLikeString reports whether b is printable text ending in one NUL.
func nlLooksLikeString(b []byte) bool {
	if len(b) < 2 || b[len(b)-1] != 0 {
		return false
	}
	for _, c := range b[:len(b)-1] {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// AutoValue renders an attribute nothing is known about: text if it looks
// like a C string, a number if it has the size of one, hex otherwise.
func AutoValue(a Attr) string {
	switch {
	case len(a.Data) == 0:
		return ""
	case nlLooksLikeString(a.Data):
		return Quote(a.Data)
	case len(a.Data) == 1 || len(a.Data) == 2 || len(a.Data) == 4 || len(a.Data) == 8:
		return UintValue(a, nil)
	}
	return Hex(a.Data)
}

// AutoAttrs decodes attributes of an unknown layout, recursing into
// those marked NLA_F_NESTED.
func AutoAttrs(b []byte, base int, prefix string, depth int) ([]event.Field, string) {
	attrs, bad := ParseAttrs(b, base)
	fields := make([]event.Field, 0, len(attrs))
	for _, a := range attrs {
		f := event.Field{Name: fmt.Sprintf("%s(%d)", prefix, a.Type), Offset: a.Off, Length: a.Len}
		if a.Nested && depth < 8 {
			var sub string
			f.Children, sub = AutoAttrs(a.Data, a.DataOff(), prefix, depth+1)
			if bad == "" {
				bad = sub
			}
		} else {
			f.Value = AutoValue(a)
		}
		fields = append(fields, f)
	}
	return fields, bad
}

// Generic netlink (NETLINK_GENERIC): struct genlmsghdr, then attributes.
// Only the nlctrl family has a fixed id; the others get theirs at run
// time, so their attributes are decoded by shape.

// decodeGenericBody decodes a generic netlink message body.
func decodeGenericBody(msgType uint16, body []byte, base int) Body {
	d := Body{TypeName: fmt.Sprintf("%#x", msgType)}
	ctrl := msgType == genlIDCtrl
	if ctrl {
		d.TypeName = "nlctrl"
	}
	if len(body) == 0 {
		return d
	}
	if len(body) < 4 {
		d.Malformed = fmt.Sprintf("body of %d bytes is shorter than the 4-byte genlmsghdr", len(body))
		d.Fields = []event.Field{{Name: "payload", Value: Hex(body), Offset: base, Length: len(body)}}
		return d
	}
	cmd, version := body[0], body[1]
	cmdName := strconv.Itoa(int(cmd))
	if ctrl {
		cmdName = Name(ctrlCmdNames, uint64(cmd), "CTRL_CMD")
		switch cmd {
		case 1, 4, 7: // NEWFAMILY, NEWOPS, NEWMCAST_GRP
			d.Op = OpNew
		case 2, 5, 8:
			d.Op = OpDel
		case 3, 6, 9, 10:
			d.Op = OpGet
		}
	}
	d.Fields = []event.Field{{Name: "genlmsghdr", Value: cmdName, Offset: base, Length: 4, Children: []event.Field{
		{Name: "cmd", Value: cmdName, Offset: base, Length: 1},
		{Name: "version", Value: strconv.Itoa(int(version)), Offset: base + 1, Length: 1},
	}}}
	var attrs []event.Field
	if ctrl {
		attrs, d.Malformed = nlCtrlAttrs(body[4:], base+4)
		d.Summary = Join(cmdName, nlCtrlSummary(attrs))
	} else {
		attrs, d.Malformed = AutoAttrs(body[4:], base+4, "attr", 0)
		d.Summary = "cmd " + cmdName
	}
	d.Fields = append(d.Fields, attrs...)
	return d
}

// nlCtrlAttrs decodes nlctrl (CTRL_ATTR_*) attributes.
func nlCtrlAttrs(b []byte, base int) ([]event.Field, string) {
	attrs, bad := ParseAttrs(b, base)
	var fields []event.Field
	for _, a := range attrs {
		f := event.Field{Name: Name(ctrlAttrNames, uint64(a.Type), "CTRL_ATTR"), Offset: a.Off, Length: a.Len}
		switch a.Type {
		case 1: // CTRL_ATTR_FAMILY_ID
			f.Value = UintValue(a, func(v uint64) string { return fmt.Sprintf("%#x", v) })
		case 2: // CTRL_ATTR_FAMILY_NAME
			f.Value = Quote(a.Data)
		case 3, 4, 5, 10: // VERSION, HDRSIZE, MAXATTR, OP
			f.Value = UintValue(a, nil)
		case 6: // CTRL_ATTR_OPS
			f.Children = nlCtrlArray(a, ctrlAttrOpNames, "CTRL_ATTR_OP", func(x Attr) string {
				if x.Type == 2 { // CTRL_ATTR_OP_FLAGS
					return UintValue(x, FlagsOf(genlCmdFlags))
				}
				return UintValue(x, nil)
			})
		case 7: // CTRL_ATTR_MCAST_GROUPS
			f.Children = nlCtrlArray(a, ctrlAttrMcastGrpNames, "CTRL_ATTR_MCAST_GRP", func(x Attr) string {
				if x.Type == 1 { // CTRL_ATTR_MCAST_GRP_NAME
					return Quote(x.Data)
				}
				return UintValue(x, nil)
			})
		default:
			if a.Nested {
				f.Children, _ = AutoAttrs(a.Data, a.DataOff(), "attr", 1)
			} else {
				f.Value = AutoValue(a)
			}
		}
		fields = append(fields, f)
	}
	return fields, bad
}

// nlCtrlArray decodes a nested array (entries numbered 1, 2, ...) whose
// entries hold attributes named by names.
func nlCtrlArray(a Attr, names []string, prefix string, value func(Attr) string) []event.Field {
	entries, _ := ParseAttrs(a.Data, a.DataOff())
	var out []event.Field
	for _, e := range entries {
		ef := event.Field{Name: fmt.Sprintf("[%d]", e.Type), Offset: e.Off, Length: e.Len}
		members, _ := ParseAttrs(e.Data, e.DataOff())
		var vals []string
		for _, x := range members {
			v := value(x)
			ef.Children = append(ef.Children, event.Field{Name: Name(names, uint64(x.Type), prefix), Value: v, Offset: x.Off, Length: x.Len})
			vals = append(vals, v)
		}
		ef.Value = strings.Join(vals, " ")
		out = append(out, ef)
	}
	return out
}

// nlCtrlSummary describes an nlctrl message by the family it is about.
func nlCtrlSummary(fields []event.Field) string {
	var parts []string
	for _, f := range fields {
		switch f.Name {
		case "CTRL_ATTR_FAMILY_NAME":
			parts = append(parts, strings.Trim(f.Value, `"`))
		case "CTRL_ATTR_FAMILY_ID":
			parts = append(parts, "id="+f.Value)
		}
	}
	return strings.Join(parts, " ")
}
