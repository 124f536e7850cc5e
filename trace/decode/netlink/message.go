package netlink

import (
	"github.com/netexplore/netexplore/trace/event"
)

// Netlink protocol numbers (the third argument of socket(AF_NETLINK, ...)).
const (
	Route     = 0
	Netfilter = 12
	Generic   = 16
)

// Message is one decoded netlink message of a payload.
type Message struct {
	// Offset and Length locate the whole message (header included) in the payload.
	Offset int `json:"offset"`
	Length int `json:"length"`
	// Type is nlmsg_type and TypeName its name ("RTM_NEWLINK", "NLMSG_ERROR",
	// "NFT_MSG_NEWRULE", ...); unknown types are rendered as numbers.
	Type     uint16 `json:"type"`
	TypeName string `json:"type_name"`
	// Flags is nlmsg_flags and FlagNames their names for the operation kind
	// of the message ("NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL").
	Flags     uint16 `json:"flags"`
	FlagNames string `json:"flag_names"`
	Seq       uint32 `json:"seq"`
	PortID    uint32 `json:"port_id"`
	// Summary is a one-line description for event lists, e.g.
	// "RTM_NEWLINK docker0 kind=bridge NLM_F_CREATE|NLM_F_EXCL", "ACK",
	// "error EEXIST: File exists".
	Summary string `json:"summary"`
	// Fields is the full tree: the "nlmsghdr" block first, then the body.
	Fields []event.Field `json:"fields"`
	// IsError is true for NLMSG_ERROR; Errno is then its positive errno
	// (0 for an ACK) and ErrnoName its name ("EEXIST").
	IsError   bool   `json:"is_error,omitempty"`
	Errno     int    `json:"errno,omitempty"`
	ErrnoName string `json:"errno_name,omitempty"`
	// Extack is the extended ACK message (NLMSGERR_ATTR_MSG) and
	// ExtackOffset the offending attribute's offset (NLMSGERR_ATTR_OFFS),
	// -1 when absent.
	Extack       string `json:"extack,omitempty"`
	ExtackOffset int    `json:"extack_offset"`
	// Malformed describes why decoding stopped early, if it did.
	Malformed string `json:"malformed,omitempty"`
}

// IsAck reports whether the message is an NLMSG_ERROR with errno 0.
func (m *Message) IsAck() bool { return m.IsError && m.Errno == 0 }

// IsDone reports whether the message ends a multipart dump.
func (m *Message) IsDone() bool { return m.Type == 3 }
