package netlink

import (
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Tables of the kernel constants the framing and generic netlink decoders
// use (linux/netlink.h, linux/genetlink.h) as of Linux 6.18. Attribute
// sets are keyed by golang.org/x/sys/unix constants where it has them,
// by the kernel's number otherwise.

// controlNames names the control messages every netlink protocol shares.
var controlNames = render.Enum{
	unix.NLMSG_NOOP:    "NLMSG_NOOP",
	unix.NLMSG_ERROR:   "NLMSG_ERROR",
	unix.NLMSG_DONE:    "NLMSG_DONE",
	unix.NLMSG_OVERRUN: "NLMSG_OVERRUN",
}

// flagsCommon are the nlmsg_flags bits with one meaning for every message.
var flagsCommon = render.Bits("NLM_F_REQUEST", "NLM_F_MULTI", "NLM_F_ACK", "NLM_F_ECHO", "NLM_F_DUMP_INTR", "NLM_F_DUMP_FILTERED")

// flagsNew are the modifiers of a NEW request, in the order strace names them.
var flagsNew = render.FlagSet{
	{Mask: unix.NLM_F_REPLACE, Name: "NLM_F_REPLACE"},
	{Mask: unix.NLM_F_CREATE, Name: "NLM_F_CREATE"},
	{Mask: unix.NLM_F_EXCL, Name: "NLM_F_EXCL"},
	{Mask: unix.NLM_F_APPEND, Name: "NLM_F_APPEND"},
}

// flagsGet are the modifiers of a GET request; ROOT|MATCH is a dump.
var flagsGet = render.FlagSet{
	{Mask: unix.NLM_F_DUMP, Name: "NLM_F_DUMP"},
	{Mask: unix.NLM_F_ROOT, Name: "NLM_F_ROOT"},
	{Mask: unix.NLM_F_MATCH, Name: "NLM_F_MATCH"},
	{Mask: unix.NLM_F_ATOMIC, Name: "NLM_F_ATOMIC"},
}

// flagsDel are the modifiers of a DEL request.
var flagsDel = render.FlagSet{
	{Mask: unix.NLM_F_NONREC, Name: "NLM_F_NONREC"},
	{Mask: unix.NLM_F_BULK, Name: "NLM_F_BULK"},
}

// flagsAck are the bits the kernel sets on NLMSG_ERROR and NLMSG_DONE.
var flagsAck = render.FlagSet{
	{Mask: unix.NLM_F_CAPPED, Name: "NLM_F_CAPPED"},
	{Mask: unix.NLM_F_ACK_TLVS, Name: "NLM_F_ACK_TLVS"},
}

// extackAttrs are the extended ACK attributes (NLMSGERR_ATTR_*).
var extackAttrs = AttrSet{Prefix: "NLMSGERR_ATTR", Attrs: []AttrSpec{
	0:                         {Name: "NLMSGERR_ATTR_UNUSED", Type: Binary},
	unix.NLMSGERR_ATTR_MSG:    {Name: "NLMSGERR_ATTR_MSG", Type: Custom, Decode: extackMessage},
	unix.NLMSGERR_ATTR_OFFS:   {Name: "NLMSGERR_ATTR_OFFS", Type: Custom, Decode: extackOffset},
	unix.NLMSGERR_ATTR_COOKIE: {Name: "NLMSGERR_ATTR_COOKIE", Type: Binary},
	4:                         {Name: "NLMSGERR_ATTR_POLICY", Type: Nest, Nested: &policyAttrs},
	5:                         {Name: "NLMSGERR_ATTR_MISS_TYPE", Type: Uint},
	6:                         {Name: "NLMSGERR_ATTR_MISS_NEST", Type: Uint},
}}

// policyAttrs describe the policy a rejected attribute had to satisfy
// (NLMSGERR_ATTR_POLICY).
var policyAttrs = AttrSet{Prefix: "NL_POLICY_TYPE_ATTR", Attrs: []AttrSpec{
	unix.NL_POLICY_TYPE_ATTR_UNSPEC:          {Name: "NL_POLICY_TYPE_ATTR_UNSPEC", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_TYPE:            {Name: "NL_POLICY_TYPE_ATTR_TYPE", Type: Uint, Values: attrTypeName},
	unix.NL_POLICY_TYPE_ATTR_MIN_VALUE_S:     {Name: "NL_POLICY_TYPE_ATTR_MIN_VALUE_S", Type: Sint},
	unix.NL_POLICY_TYPE_ATTR_MAX_VALUE_S:     {Name: "NL_POLICY_TYPE_ATTR_MAX_VALUE_S", Type: Sint},
	unix.NL_POLICY_TYPE_ATTR_MIN_VALUE_U:     {Name: "NL_POLICY_TYPE_ATTR_MIN_VALUE_U", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_MAX_VALUE_U:     {Name: "NL_POLICY_TYPE_ATTR_MAX_VALUE_U", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_MIN_LENGTH:      {Name: "NL_POLICY_TYPE_ATTR_MIN_LENGTH", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_MAX_LENGTH:      {Name: "NL_POLICY_TYPE_ATTR_MAX_LENGTH", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_POLICY_IDX:      {Name: "NL_POLICY_TYPE_ATTR_POLICY_IDX", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE:  {Name: "NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_BITFIELD32_MASK: {Name: "NL_POLICY_TYPE_ATTR_BITFIELD32_MASK", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_PAD:             {Name: "NL_POLICY_TYPE_ATTR_PAD", Type: Uint},
	unix.NL_POLICY_TYPE_ATTR_MASK:            {Name: "NL_POLICY_TYPE_ATTR_MASK", Type: Uint},
}}

// attrTypeNames names NL_POLICY_TYPE_ATTR_TYPE values.
var attrTypeNames = render.Enum{
	"NL_ATTR_TYPE_INVALID", "NL_ATTR_TYPE_FLAG", "NL_ATTR_TYPE_U8", "NL_ATTR_TYPE_U16",
	"NL_ATTR_TYPE_U32", "NL_ATTR_TYPE_U64", "NL_ATTR_TYPE_S8", "NL_ATTR_TYPE_S16",
	"NL_ATTR_TYPE_S32", "NL_ATTR_TYPE_S64", "NL_ATTR_TYPE_BINARY", "NL_ATTR_TYPE_STRING",
	"NL_ATTR_TYPE_NUL_STRING", "NL_ATTR_TYPE_NESTED", "NL_ATTR_TYPE_NESTED_ARRAY",
	"NL_ATTR_TYPE_BITFIELD32", "NL_ATTR_TYPE_SINT", "NL_ATTR_TYPE_UINT",
}

// attrTypeName names an attribute type of a policy.
var attrTypeName = render.NamerFunc(func(v uint64) string { return attrTypeNames.Prefixed(v, "NL_ATTR_TYPE") })

// ctrlCmdNames names nlctrl commands.
var ctrlCmdNames = render.Enum{
	"CTRL_CMD_UNSPEC", "CTRL_CMD_NEWFAMILY", "CTRL_CMD_DELFAMILY", "CTRL_CMD_GETFAMILY",
	"CTRL_CMD_NEWOPS", "CTRL_CMD_DELOPS", "CTRL_CMD_GETOPS", "CTRL_CMD_NEWMCAST_GRP",
	"CTRL_CMD_DELMCAST_GRP", "CTRL_CMD_GETMCAST_GRP", "CTRL_CMD_GETPOLICY",
}

// ctrlAttrs are the attributes of nlctrl messages (CTRL_ATTR_*).
var ctrlAttrs = AttrSet{Prefix: "CTRL_ATTR", Attrs: []AttrSpec{
	unix.CTRL_ATTR_UNSPEC:       {Name: "CTRL_ATTR_UNSPEC"},
	unix.CTRL_ATTR_FAMILY_ID:    {Name: "CTRL_ATTR_FAMILY_ID", Type: Uint, Values: render.HexInt},
	unix.CTRL_ATTR_FAMILY_NAME:  {Name: "CTRL_ATTR_FAMILY_NAME", Type: String},
	unix.CTRL_ATTR_VERSION:      {Name: "CTRL_ATTR_VERSION", Type: Uint},
	unix.CTRL_ATTR_HDRSIZE:      {Name: "CTRL_ATTR_HDRSIZE", Type: Uint},
	unix.CTRL_ATTR_MAXATTR:      {Name: "CTRL_ATTR_MAXATTR", Type: Uint},
	unix.CTRL_ATTR_OPS:          {Name: "CTRL_ATTR_OPS", Type: NestArray, Nested: &ctrlOpAttrs},
	unix.CTRL_ATTR_MCAST_GROUPS: {Name: "CTRL_ATTR_MCAST_GROUPS", Type: NestArray, Nested: &ctrlMcastAttrs},
	unix.CTRL_ATTR_POLICY:       {Name: "CTRL_ATTR_POLICY", Nested: &byShape},
	unix.CTRL_ATTR_OP_POLICY:    {Name: "CTRL_ATTR_OP_POLICY", Nested: &byShape},
	unix.CTRL_ATTR_OP:           {Name: "CTRL_ATTR_OP", Type: Uint},
}}

// byShape names the attributes of a nest whose layout is not described.
var byShape = AttrSet{Prefix: "attr"}

// ctrlOpAttrs are the members of one CTRL_ATTR_OPS entry.
var ctrlOpAttrs = AttrSet{Prefix: "CTRL_ATTR_OP", Attrs: []AttrSpec{
	unix.CTRL_ATTR_OP_UNSPEC: {Name: "CTRL_ATTR_OP_UNSPEC", Type: Uint},
	unix.CTRL_ATTR_OP_ID:     {Name: "CTRL_ATTR_OP_ID", Type: Uint},
	unix.CTRL_ATTR_OP_FLAGS:  {Name: "CTRL_ATTR_OP_FLAGS", Type: Uint, Values: genlCmdFlags},
}, Value: memberValues}

// ctrlMcastAttrs are the members of one CTRL_ATTR_MCAST_GROUPS entry.
var ctrlMcastAttrs = AttrSet{Prefix: "CTRL_ATTR_MCAST_GRP", Attrs: []AttrSpec{
	unix.CTRL_ATTR_MCAST_GRP_UNSPEC: {Name: "CTRL_ATTR_MCAST_GRP_UNSPEC", Type: Uint},
	unix.CTRL_ATTR_MCAST_GRP_NAME:   {Name: "CTRL_ATTR_MCAST_GRP_NAME", Type: String},
	unix.CTRL_ATTR_MCAST_GRP_ID:     {Name: "CTRL_ATTR_MCAST_GRP_ID", Type: Uint},
}, Value: memberValues}

// memberValues gives an array entry the values of its members, in order.
func memberValues(_ *Walker, _ Attr, children []event.Field) string {
	vals := make([]string, len(children))
	for i, c := range children {
		vals[i] = c.Value
	}
	return strings.Join(vals, " ")
}

// genlCmdFlags names CTRL_ATTR_OP_FLAGS bits.
var genlCmdFlags = render.Bits("GENL_ADMIN_PERM", "GENL_CMD_CAP_DO", "GENL_CMD_CAP_DUMP", "GENL_CMD_CAP_HASPOL", "GENL_UNS_ADMIN_PERM")
