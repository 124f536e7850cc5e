package netlink

import (
	"github.com/netexplore/netexplore/trace/event"
)

// OpKind selects how nlmsg_flags bits 0x100-0x800 are named: the kernel
// reuses them with different meanings for new, get and delete requests.
type OpKind uint8

const (
	OpOther OpKind = iota // only the common flags apply
	OpNew                 // NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND
	OpGet                 // NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC (DUMP = ROOT|MATCH)
	OpDel                 // NLM_F_NONREC, NLM_F_BULK
)

// Body is what a protocol decoder reports about the body of one
// netlink message (everything after the 16-byte nlmsghdr).
type Body struct {
	// TypeName names nlmsg_type for this protocol ("RTM_NEWLINK").
	TypeName string
	// Op is the operation kind used to name the request flags.
	Op OpKind
	// Summary describes the body in a few words without the type name,
	// e.g. `docker0 kind=bridge` or `table ip filter chain DOCKER`.
	Summary string
	// Fields are the body's decoded fields, offsets relative to the payload.
	Fields []event.Field
	// Malformed is set when the body could not be decoded completely.
	Malformed string
}
