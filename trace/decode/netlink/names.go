package netlink

// Names of kernel constants used by the netlink decoders. Values come from
// the kernel's uapi headers (linux/netlink.h, rtnetlink.h, if_link.h,
// if_bridge.h, if_addr.h, neighbour.h, netconf.h, net_namespace.h, ip.h,
// ipv6.h, snmp.h, genetlink.h, if_arp.h, if.h, lwtunnel.h) as of Linux 6.18.
// Dense enums are slices indexed by value; sparse ones are maps; bit sets
// are ordered lists of nlFlag.

// Flag names one bit (or a group of bits) of a flags word.
type Flag struct {
	Mask uint64
	Name string
}

// nlmsgTypeNames names the control messages every netlink protocol shares.
var nlmsgTypeNames = []string{
	1: "NLMSG_NOOP",
	2: "NLMSG_ERROR",
	3: "NLMSG_DONE",
	4: "NLMSG_OVERRUN",
}

// nlmFlagsCommon are the nlmsg_flags bits with one meaning for every message.
var nlmFlagsCommon = []Flag{
	{0x01, "NLM_F_REQUEST"},
	{0x02, "NLM_F_MULTI"},
	{0x04, "NLM_F_ACK"},
	{0x08, "NLM_F_ECHO"},
	{0x10, "NLM_F_DUMP_INTR"},
	{0x20, "NLM_F_DUMP_FILTERED"},
}

// nlmFlagsNew are the modifiers of a NEW request.
var nlmFlagsNew = []Flag{
	{0x100, "NLM_F_REPLACE"},
	{0x400, "NLM_F_CREATE"},
	{0x200, "NLM_F_EXCL"},
	{0x800, "NLM_F_APPEND"},
}

// nlmFlagsGet are the modifiers of a GET request; ROOT|MATCH is a dump.
var nlmFlagsGet = []Flag{
	{0x300, "NLM_F_DUMP"},
	{0x100, "NLM_F_ROOT"},
	{0x200, "NLM_F_MATCH"},
	{0x400, "NLM_F_ATOMIC"},
}

// nlmFlagsDel are the modifiers of a DEL request.
var nlmFlagsDel = []Flag{
	{0x100, "NLM_F_NONREC"},
	{0x200, "NLM_F_BULK"},
}

// nlmFlagsAck are the bits the kernel sets on NLMSG_ERROR and NLMSG_DONE.
var nlmFlagsAck = []Flag{
	{0x100, "NLM_F_CAPPED"},
	{0x200, "NLM_F_ACK_TLVS"},
}

// genlCmdFlags names CTRL_ATTR_OP_FLAGS bits (linux/genetlink.h).
var genlCmdFlags = []Flag{
	{0x01, "GENL_ADMIN_PERM"}, {0x02, "GENL_CMD_CAP_DO"}, {0x04, "GENL_CMD_CAP_DUMP"},
	{0x08, "GENL_CMD_CAP_HASPOL"}, {0x10, "GENL_UNS_ADMIN_PERM"},
}

// nlmsgerrAttrNames names extended ACK attributes (linux/netlink.h).
var nlmsgerrAttrNames = []string{
	0: "NLMSGERR_ATTR_UNUSED",
	1: "NLMSGERR_ATTR_MSG",
	2: "NLMSGERR_ATTR_OFFS",
	3: "NLMSGERR_ATTR_COOKIE",
	4: "NLMSGERR_ATTR_POLICY",
	5: "NLMSGERR_ATTR_MISS_TYPE",
	6: "NLMSGERR_ATTR_MISS_NEST",
}

// nlPolicyTypeAttrNames names the members of NLMSGERR_ATTR_POLICY.
var nlPolicyTypeAttrNames = []string{
	0:  "NL_POLICY_TYPE_ATTR_UNSPEC",
	1:  "NL_POLICY_TYPE_ATTR_TYPE",
	2:  "NL_POLICY_TYPE_ATTR_MIN_VALUE_S",
	3:  "NL_POLICY_TYPE_ATTR_MAX_VALUE_S",
	4:  "NL_POLICY_TYPE_ATTR_MIN_VALUE_U",
	5:  "NL_POLICY_TYPE_ATTR_MAX_VALUE_U",
	6:  "NL_POLICY_TYPE_ATTR_MIN_LENGTH",
	7:  "NL_POLICY_TYPE_ATTR_MAX_LENGTH",
	8:  "NL_POLICY_TYPE_ATTR_POLICY_IDX",
	9:  "NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE",
	10: "NL_POLICY_TYPE_ATTR_BITFIELD32_MASK",
	11: "NL_POLICY_TYPE_ATTR_PAD",
	12: "NL_POLICY_TYPE_ATTR_MASK",
}

// nlAttrTypeNames names NL_POLICY_TYPE_ATTR_TYPE values.
var nlAttrTypeNames = []string{
	0:  "NL_ATTR_TYPE_INVALID",
	1:  "NL_ATTR_TYPE_FLAG",
	2:  "NL_ATTR_TYPE_U8",
	3:  "NL_ATTR_TYPE_U16",
	4:  "NL_ATTR_TYPE_U32",
	5:  "NL_ATTR_TYPE_U64",
	6:  "NL_ATTR_TYPE_S8",
	7:  "NL_ATTR_TYPE_S16",
	8:  "NL_ATTR_TYPE_S32",
	9:  "NL_ATTR_TYPE_S64",
	10: "NL_ATTR_TYPE_BINARY",
	11: "NL_ATTR_TYPE_STRING",
	12: "NL_ATTR_TYPE_NUL_STRING",
	13: "NL_ATTR_TYPE_NESTED",
	14: "NL_ATTR_TYPE_NESTED_ARRAY",
	15: "NL_ATTR_TYPE_BITFIELD32",
	16: "NL_ATTR_TYPE_SINT",
	17: "NL_ATTR_TYPE_UINT",
}

// ctrlCmdNames names nlctrl commands (linux/genetlink.h).
var ctrlCmdNames = []string{
	0:  "CTRL_CMD_UNSPEC",
	1:  "CTRL_CMD_NEWFAMILY",
	2:  "CTRL_CMD_DELFAMILY",
	3:  "CTRL_CMD_GETFAMILY",
	4:  "CTRL_CMD_NEWOPS",
	5:  "CTRL_CMD_DELOPS",
	6:  "CTRL_CMD_GETOPS",
	7:  "CTRL_CMD_NEWMCAST_GRP",
	8:  "CTRL_CMD_DELMCAST_GRP",
	9:  "CTRL_CMD_GETMCAST_GRP",
	10: "CTRL_CMD_GETPOLICY",
}

// ctrlAttrNames names nlctrl attributes.
var ctrlAttrNames = []string{
	0:  "CTRL_ATTR_UNSPEC",
	1:  "CTRL_ATTR_FAMILY_ID",
	2:  "CTRL_ATTR_FAMILY_NAME",
	3:  "CTRL_ATTR_VERSION",
	4:  "CTRL_ATTR_HDRSIZE",
	5:  "CTRL_ATTR_MAXATTR",
	6:  "CTRL_ATTR_OPS",
	7:  "CTRL_ATTR_MCAST_GROUPS",
	8:  "CTRL_ATTR_POLICY",
	9:  "CTRL_ATTR_OP_POLICY",
	10: "CTRL_ATTR_OP",
}

// ctrlAttrOpNames names the members of one CTRL_ATTR_OPS entry.
var ctrlAttrOpNames = []string{
	0: "CTRL_ATTR_OP_UNSPEC",
	1: "CTRL_ATTR_OP_ID",
	2: "CTRL_ATTR_OP_FLAGS",
}

// ctrlAttrMcastGrpNames names the members of one CTRL_ATTR_MCAST_GROUPS entry.
var ctrlAttrMcastGrpNames = []string{
	0: "CTRL_ATTR_MCAST_GRP_UNSPEC",
	1: "CTRL_ATTR_MCAST_GRP_NAME",
	2: "CTRL_ATTR_MCAST_GRP_ID",
}
