package netlink

import (
	"encoding/json"

	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Message is one decoded netlink message of a payload. Its Name is the
// message type's name ("RTM_NEWLINK", "NLMSG_ERROR", "NFT_MSG_NEWRULE",
// ...; unknown types as numbers), its Summary one line for event lists
// ("RTM_NEWLINK docker0 kind=bridge NLM_F_CREATE|NLM_F_EXCL", "ACK",
// "error EEXIST: File exists") and its Fields the full tree: the
// "nlmsghdr" block first, then the body.
type Message struct {
	event.Decoded
	// Offset and Length locate the whole message (header included) in the payload.
	Offset int
	Length int
	// Type is nlmsg_type.
	Type uint16
	// Flags is nlmsg_flags and FlagNames their names for the operation kind
	// of the message ("NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL").
	Flags     uint16
	FlagNames string
	// Seq is nlmsg_seq and PortID nlmsg_pid, the sending socket's port id.
	Seq    uint32
	PortID uint32
	// IsError is true for NLMSG_ERROR; Errno is then its positive errno
	// (0 for an ACK) and ErrnoName its name ("EEXIST").
	IsError   bool
	Errno     int
	ErrnoName string
	// Extack is the extended ACK message (NLMSGERR_ATTR_MSG) and
	// ExtackOffset the offending attribute's offset (NLMSGERR_ATTR_OFFS),
	// -1 when absent.
	Extack       string
	ExtackOffset int
}

// IsAck reports whether the message is an NLMSG_ERROR with errno 0.
func (m *Message) IsAck() bool { return m.IsError && m.Errno == 0 }

// IsDone reports whether the message ends a multipart dump.
func (m *Message) IsDone() bool { return m.Type == unix.NLMSG_DONE }

// messageJSON is the JSON form of a Message. Its keys and their order are
// part of netexplore's interface (docs/jsonl-schema.md).
type messageJSON struct {
	Offset       int           `json:"offset"`
	Length       int           `json:"length"`
	Type         uint16        `json:"type"`
	TypeName     string        `json:"type_name"`
	Flags        uint16        `json:"flags"`
	FlagNames    string        `json:"flag_names"`
	Seq          uint32        `json:"seq"`
	PortID       uint32        `json:"port_id"`
	Summary      string        `json:"summary"`
	Fields       []event.Field `json:"fields"`
	IsError      bool          `json:"is_error,omitempty"`
	Errno        int           `json:"errno,omitempty"`
	ErrnoName    string        `json:"errno_name,omitempty"`
	Extack       string        `json:"extack,omitempty"`
	ExtackOffset int           `json:"extack_offset"`
	Malformed    string        `json:"malformed,omitempty"`
}

// MarshalJSON writes the message in its documented JSON form.
func (m Message) MarshalJSON() ([]byte, error) {
	return json.Marshal(messageJSON{
		Offset: m.Offset, Length: m.Length, Type: m.Type, TypeName: m.Name,
		Flags: m.Flags, FlagNames: m.FlagNames, Seq: m.Seq, PortID: m.PortID,
		Summary: m.Summary, Fields: m.Fields, IsError: m.IsError, Errno: m.Errno,
		ErrnoName: m.ErrnoName, Extack: m.Extack, ExtackOffset: m.ExtackOffset, Malformed: m.Malformed,
	})
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (m *Message) UnmarshalJSON(b []byte) error {
	var j messageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*m = Message{
		Decoded: event.Decoded{Name: j.TypeName, Summary: j.Summary, Fields: j.Fields, Malformed: j.Malformed},
		Offset:  j.Offset, Length: j.Length, Type: j.Type, Flags: j.Flags, FlagNames: j.FlagNames,
		Seq: j.Seq, PortID: j.PortID, IsError: j.IsError, Errno: j.Errno, ErrnoName: j.ErrnoName,
		Extack: j.Extack, ExtackOffset: j.ExtackOffset,
	}
	return nil
}

// OpKind selects how nlmsg_flags bits 0x100-0x800 are named: the kernel
// reuses them with different meanings for new, get and delete requests.
type OpKind uint8

// Operation kinds.
const (
	OpOther OpKind = iota // only the common flags apply
	OpNew                 // NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND
	OpGet                 // NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC (DUMP = ROOT|MATCH)
	OpDel                 // NLM_F_NONREC, NLM_F_BULK
)

// Body is what a protocol decoder reports about the body of one netlink
// message (everything after the 16-byte nlmsghdr): its Name is the
// message type's name for the protocol ("RTM_NEWLINK"), its Summary
// describes the body in a few words without the type name (`docker0
// kind=bridge`, `table ip filter chain DOCKER`), its Fields have offsets
// relative to the payload.
type Body struct {
	event.Decoded
	// Op is the operation kind used to name the request flags.
	Op OpKind
}

// BodyDecoder decodes the body of a protocol-specific message: the bytes
// after the 16-byte nlmsghdr, found at payload offset base.
type BodyDecoder func(msgType uint16, body []byte, base int) Body

// Header is what a [ContextDecoder] knows of a message besides its body:
// the type and flags of its nlmsghdr and the decoding [Context].
type Header struct {
	Type  uint16 // nlmsg_type
	Flags uint16 // nlmsg_flags
	// Ctx holds what is known from the rest of the trace; never nil.
	Ctx *Context
}

// Request reports whether the message goes from user space to the kernel
// (NLM_F_REQUEST), which is how generic netlink families whose request and
// reply commands are numbered apart tell them apart.
func (h Header) Request() bool { return h.Flags&unix.NLM_F_REQUEST != 0 }

// ContextDecoder is a [BodyDecoder] that also uses the message's flags and
// the decoding [Context] (interface names, generic netlink family ids).
type ContextDecoder func(h Header, body []byte, base int) Body

// bodyDecoders holds the body decoder of each netlink protocol that has
// one; protocol packages add theirs with RegisterBody when they load.
var bodyDecoders = map[int]ContextDecoder{}

// RegisterBody makes decode the body decoder of a NETLINK_* protocol. It is
// called from package init functions only.
func RegisterBody(protocol int, decode BodyDecoder) {
	bodyDecoders[protocol] = func(h Header, body []byte, base int) Body { return decode(h.Type, body, base) }
}

// RegisterBodyContext is [RegisterBody] for a decoder that uses the
// message's flags or the decoding context.
func RegisterBodyContext(protocol int, decode ContextDecoder) { bodyDecoders[protocol] = decode }

// bodyDecoder picks the body decoder of a netlink protocol.
func bodyDecoder(protocol int) ContextDecoder {
	if d, ok := bodyDecoders[protocol]; ok {
		return d
	}
	return func(h Header, body []byte, base int) Body { return decodeRawBody(h.Type, body, base) }
}
