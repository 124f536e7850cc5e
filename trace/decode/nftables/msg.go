package nftables

// nf_tables messages (NFNL_SUBSYS_NFTABLES): message names, the attribute
// spaces of tables, chains, rules, sets, set elements, generations, objects
// and flowtables, and the one-line summaries.

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

// nftMsgNames lists enum nf_tables_msg_types. Values from 25 on are newer
// than some distributions' uapi headers but are understood by the kernel.
var nftMsgNames = [...]string{
	"NFT_MSG_NEWTABLE", "NFT_MSG_GETTABLE", "NFT_MSG_DELTABLE",
	"NFT_MSG_NEWCHAIN", "NFT_MSG_GETCHAIN", "NFT_MSG_DELCHAIN",
	"NFT_MSG_NEWRULE", "NFT_MSG_GETRULE", "NFT_MSG_DELRULE",
	"NFT_MSG_NEWSET", "NFT_MSG_GETSET", "NFT_MSG_DELSET",
	"NFT_MSG_NEWSETELEM", "NFT_MSG_GETSETELEM", "NFT_MSG_DELSETELEM",
	"NFT_MSG_NEWGEN", "NFT_MSG_GETGEN", "NFT_MSG_TRACE",
	"NFT_MSG_NEWOBJ", "NFT_MSG_GETOBJ", "NFT_MSG_DELOBJ", "NFT_MSG_GETOBJ_RESET",
	"NFT_MSG_NEWFLOWTABLE", "NFT_MSG_GETFLOWTABLE", "NFT_MSG_DELFLOWTABLE",
	"NFT_MSG_GETRULE_RESET", "NFT_MSG_DESTROYTABLE", "NFT_MSG_DESTROYCHAIN",
	"NFT_MSG_DESTROYRULE", "NFT_MSG_DESTROYSET", "NFT_MSG_DESTROYSETELEM",
	"NFT_MSG_DESTROYOBJ", "NFT_MSG_DESTROYFLOWTABLE", "NFT_MSG_GETSETELEM_RESET",
}

// nftObject is what an nf_tables message is about.
type nftObject uint8

const (
	nftObjUnknown nftObject = iota
	nftObjTable
	nftObjChain
	nftObjRule
	nftObjSet
	nftObjSetElem
	nftObjGen
	nftObjTrace
	nftObjObj
	nftObjFlowtable
)

var nftMsgObjects = [...]nftObject{
	nftObjTable, nftObjTable, nftObjTable,
	nftObjChain, nftObjChain, nftObjChain,
	nftObjRule, nftObjRule, nftObjRule,
	nftObjSet, nftObjSet, nftObjSet,
	nftObjSetElem, nftObjSetElem, nftObjSetElem,
	nftObjGen, nftObjGen, nftObjTrace,
	nftObjObj, nftObjObj, nftObjObj, nftObjObj,
	nftObjFlowtable, nftObjFlowtable, nftObjFlowtable,
	nftObjRule, nftObjTable, nftObjChain,
	nftObjRule, nftObjSet, nftObjSetElem,
	nftObjObj, nftObjFlowtable, nftObjSetElem,
}

func nftMsgTypeName(msg uint8) (string, netlink.OpKind) {
	if int(msg) >= len(nftMsgNames) {
		return fmt.Sprintf("NFNL_SUBSYS_NFTABLES<<8|%d", msg), netlink.OpOther
	}
	name := nftMsgNames[msg]
	switch {
	case strings.HasPrefix(name, "NFT_MSG_NEW"):
		return name, netlink.OpNew
	case strings.HasPrefix(name, "NFT_MSG_GET"):
		return name, netlink.OpGet
	case strings.HasPrefix(name, "NFT_MSG_DEL"), strings.HasPrefix(name, "NFT_MSG_DESTROY"):
		return name, netlink.OpDel
	}
	return name, netlink.OpOther
}

// nftBody decodes the attributes of an nf_tables message and summarizes it.
func (d *nfDecoder) nftBody(msg uint8, attrs []byte, off int) ([]event.Field, string) {
	obj := nftObjUnknown
	if int(msg) < len(nftMsgObjects) {
		obj = nftMsgObjects[msg]
	}
	idx := nfIndex(attrs)
	str := func(typ uint16) string {
		if v, ok := idx[typ]; ok {
			return nfCString(v)
		}
		return ""
	}
	fam := ""
	if d.family != 0 {
		fam = nfFamilyName(d.family)
	}
	switch obj {
	case nftObjTable:
		return d.set(attrs, off, &nftTableSet), nftJoin("table", fam, str(1))
	case nftObjChain:
		fields := d.set(attrs, off, &nftChainSet)
		s := nftJoin("chain", fam, str(1), str(3))
		if hook, ok := idx[4]; ok {
			s += " " + nftHookText(d.family, hook)
		}
		if v, ok := nfBE32(idx[5]); ok {
			s += " policy " + nftVerdictText(int32(v), "")
		}
		return fields, s
	case nftObjRule:
		d.regs, d.l4, d.l3 = make(map[uint32]nftReg), "", 0
		fields := d.set(attrs, off, &nftRuleSet)
		s := nftJoin("rule", fam, str(1), str(2))
		if _, ok := nftTopField(fields, "NFTA_RULE_EXPRESSIONS"); ok {
			s += " [" + strings.Join(d.exprNames, " ") + "]"
		}
		if v, ok := nfBE64(idx[3]); ok {
			s += " handle " + strconv.FormatUint(v, 10)
		}
		if v, ok := nfBE64(idx[6]); ok {
			s += " position " + strconv.FormatUint(v, 10)
		}
		return fields, s
	case nftObjSet:
		fields := d.set(attrs, off, &nftSetSet)
		s := nftJoin("set", fam, str(1), str(2))
		if v, ok := nfBE32(idx[3]); ok && v != 0 {
			s += " " + strings.ToLower(strings.ReplaceAll(nfFlagNames(nftSetFlagNames, uint64(v)), "NFT_SET_", ""))
		}
		return fields, s
	case nftObjSetElem:
		fields := d.set(attrs, off, &nftSetElemListSet)
		s := nftJoin("setelem", fam, str(1), str(2))
		if f, ok := nftTopField(fields, "NFTA_SET_ELEM_LIST_ELEMENTS"); ok {
			n := len(f.Children)
			switch {
			case n == 1:
				s += " {" + f.Children[0].Value + "}"
			case n > 1:
				s += fmt.Sprintf(" {%s, ... %d elements}", f.Children[0].Value, n)
			}
		}
		return fields, s
	case nftObjGen:
		fields := d.set(attrs, off, &nftGenSet)
		s := "gen"
		if v, ok := nfBE32(idx[1]); ok {
			s += " id " + strconv.FormatUint(uint64(v), 10)
		}
		if v, ok := nfBE32(idx[2]); ok {
			s += " pid " + strconv.FormatUint(uint64(v), 10)
		}
		if v := str(3); v != "" {
			s += " " + v
		}
		return fields, s
	case nftObjTrace:
		return d.set(attrs, off, &nftTraceSet), nftJoin("trace", fam, str(1), str(2))
	case nftObjObj:
		fields := d.set(attrs, off, &nftObjAttrSet)
		d.nftObjDataFix(fields, attrs, off)
		s := nftJoin("obj", fam, str(1), str(2))
		if v, ok := nfBE32(idx[3]); ok {
			s += " type " + strings.ToLower(strings.TrimPrefix(nfEnumName(nftObjectTypes, uint64(v)), "NFT_OBJECT_"))
		}
		return fields, s
	case nftObjFlowtable:
		fields := d.set(attrs, off, &nftFlowtableSet)
		return fields, nftJoin("flowtable", fam, str(1), str(2))
	}
	return d.set(attrs, off, nil), fam
}

// nftJoin joins the non-empty words.
func nftJoin(words ...string) string {
	var out []string
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func nftTopField(fields []event.Field, name string) (event.Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return event.Field{}, false
}

// nftHookName names a hook number the way nft does for the family.
func nftHookName(family uint8, n uint32) string {
	var names []string
	switch family {
	case 3: // arp
		names = []string{"input", "output", "forward"}
	case 5: // netdev
		names = []string{"ingress", "egress"}
	default:
		names = []string{"prerouting", "input", "forward", "output", "postrouting", "ingress"}
	}
	if int(n) < len(names) {
		return names[n]
	}
	return strconv.FormatUint(uint64(n), 10)
}

// nftHookText renders an NFTA_CHAIN_HOOK / NFTA_FLOWTABLE_HOOK block as
// "hook forward prio 0".
func nftHookText(family uint8, b []byte) string {
	idx := nfIndex(b)
	var parts []string
	if v, ok := nfBE32(idx[1]); ok {
		parts = append(parts, "hook "+nftHookName(family, v))
	}
	if v, ok := nfBE32(idx[2]); ok {
		parts = append(parts, "prio "+strconv.Itoa(int(int32(v))))
	}
	if v, ok := idx[3]; ok {
		parts = append(parts, "device "+strconv.Quote(nfCString(v)))
	}
	if devs, ok := idx[4]; ok {
		var names []string
		nfEach(devs, func(_ uint16, data []byte) { names = append(names, nfCString(data)) })
		parts = append(parts, "devices "+strings.Join(names, ","))
	}
	return strings.Join(parts, " ")
}

var nftVerdictNames = map[int32]string{
	0: "NF_DROP", 1: "NF_ACCEPT", 2: "NF_STOLEN", 3: "NF_QUEUE", 4: "NF_REPEAT", 5: "NF_STOP",
	-1: "NFT_CONTINUE", -2: "NFT_BREAK", -3: "NFT_JUMP", -4: "NFT_GOTO", -5: "NFT_RETURN",
}

func nftVerdictName(v int32) string {
	if n, ok := nftVerdictNames[v]; ok {
		return n
	}
	if v >= 0 {
		if n, ok := nftVerdictNames[v&0xff]; ok {
			return fmt.Sprintf("%s|0x%x", n, uint32(v)&^0xff)
		}
	}
	return strconv.Itoa(int(v))
}

// nftVerdictText renders a verdict the way nft writes it ("accept",
// "jump DOCKER").
func nftVerdictText(v int32, chain string) string {
	var s string
	switch v {
	case 0:
		s = "drop"
	case 1:
		s = "accept"
	case 2:
		s = "stolen"
	case 3:
		s = "queue"
	case 4:
		s = "repeat"
	case 5:
		s = "stop"
	case -1:
		s = "continue"
	case -2:
		s = "break"
	case -3:
		s = "jump"
	case -4:
		s = "goto"
	case -5:
		s = "return"
	default:
		s = nftVerdictName(v)
	}
	if chain != "" {
		s += " " + chain
	}
	return s
}

var nftObjectTypes = []string{
	"NFT_OBJECT_UNSPEC", "NFT_OBJECT_COUNTER", "NFT_OBJECT_QUOTA", "NFT_OBJECT_CT_HELPER",
	"NFT_OBJECT_LIMIT", "NFT_OBJECT_CONNLIMIT", "NFT_OBJECT_TUNNEL", "NFT_OBJECT_CT_TIMEOUT",
	"NFT_OBJECT_SECMARK", "NFT_OBJECT_CT_EXPECT", "NFT_OBJECT_SYNPROXY",
}

var nftSetFlagNames = []string{
	"NFT_SET_ANONYMOUS", "NFT_SET_CONSTANT", "NFT_SET_INTERVAL", "NFT_SET_MAP",
	"NFT_SET_TIMEOUT", "NFT_SET_EVAL", "NFT_SET_OBJECT", "NFT_SET_CONCAT", "NFT_SET_EXPR",
}

// nftUserdata decodes libnftnl's type-length-value user data (a rule's
// comment is type 0).
func nftUserdata(a nfAttr) (string, []event.Field) {
	var kids []event.Field
	var comment string
	b := a.data
	for pos := 0; pos+2 <= len(b); {
		t, l := b[pos], int(b[pos+1])
		if pos+2+l > len(b) {
			break
		}
		v := b[pos+2 : pos+2+l]
		value := nfHex(v)
		if s, ok := nfPrintable(v); ok {
			value = strconv.Quote(s)
		}
		f := event.Field{Name: "udata type " + strconv.Itoa(int(t)), Value: value, Offset: a.off + 4 + pos, Length: 2 + l}
		kids = append(kids, f)
		if s, ok := nfPrintable(v); ok && t == 0 && comment == "" {
			comment = s
		}
		pos += 2 + l
	}
	if comment != "" {
		return "comment " + strconv.Quote(comment), kids
	}
	return nfHex(b), kids
}

var nftHookDevsSet = nfSet{attrs: []nfSpec{1: {name: "NFTA_DEVICE_NAME", kind: nfString}}}

var nftHookSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_HOOK_HOOKNUM", kind: nfHookNum},
	2: {name: "NFTA_HOOK_PRIORITY", kind: nfS32},
	3: {name: "NFTA_HOOK_DEV", kind: nfString},
	4: {name: "NFTA_HOOK_DEVS", kind: nfNest, sub: &nftHookDevsSet},
}}

var nftCounterSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_COUNTER_BYTES", kind: nfU64},
	2: {name: "NFTA_COUNTER_PACKETS", kind: nfU64},
	3: {name: "NFTA_COUNTER_PAD", kind: nfBinary},
}}

var nftTableSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_TABLE_NAME", kind: nfString},
	2: {name: "NFTA_TABLE_FLAGS", kind: nfFlags32, flags: []string{"NFT_TABLE_F_DORMANT", "NFT_TABLE_F_OWNER", "NFT_TABLE_F_PERSIST"}},
	3: {name: "NFTA_TABLE_USE", kind: nfU32},
	4: {name: "NFTA_TABLE_HANDLE", kind: nfU64},
	5: {name: "NFTA_TABLE_PAD", kind: nfBinary},
	6: {name: "NFTA_TABLE_USERDATA", kind: nfUserdata},
	7: {name: "NFTA_TABLE_OWNER", kind: nfU32},
}}

var nftChainSet = nfSet{attrs: []nfSpec{
	1:  {name: "NFTA_CHAIN_TABLE", kind: nfString},
	2:  {name: "NFTA_CHAIN_HANDLE", kind: nfU64},
	3:  {name: "NFTA_CHAIN_NAME", kind: nfString},
	4:  {name: "NFTA_CHAIN_HOOK", kind: nfNest, sub: &nftHookSet},
	5:  {name: "NFTA_CHAIN_POLICY", kind: nfVerdict},
	6:  {name: "NFTA_CHAIN_USE", kind: nfU32},
	7:  {name: "NFTA_CHAIN_TYPE", kind: nfString},
	8:  {name: "NFTA_CHAIN_COUNTERS", kind: nfNest, sub: &nftCounterSet},
	9:  {name: "NFTA_CHAIN_PAD", kind: nfBinary},
	10: {name: "NFTA_CHAIN_FLAGS", kind: nfFlags32, flags: []string{"NFT_CHAIN_BASE", "NFT_CHAIN_HW_OFFLOAD", "NFT_CHAIN_BINDING"}},
	11: {name: "NFTA_CHAIN_ID", kind: nfU32},
	12: {name: "NFTA_CHAIN_USERDATA", kind: nfUserdata},
}}

var nftRuleCompatSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_RULE_COMPAT_PROTO", kind: nfU32},
	2: {name: "NFTA_RULE_COMPAT_FLAGS", kind: nfFlags32, flags: []string{"NFT_RULE_COMPAT_F_UNUSED", "NFT_RULE_COMPAT_F_INV"}},
}}

var nftRuleSet = nfSet{attrs: []nfSpec{
	1:  {name: "NFTA_RULE_TABLE", kind: nfString},
	2:  {name: "NFTA_RULE_CHAIN", kind: nfString},
	3:  {name: "NFTA_RULE_HANDLE", kind: nfU64},
	4:  {name: "NFTA_RULE_EXPRESSIONS", kind: nfExprList},
	5:  {name: "NFTA_RULE_COMPAT", kind: nfNest, sub: &nftRuleCompatSet},
	6:  {name: "NFTA_RULE_POSITION", kind: nfU64},
	7:  {name: "NFTA_RULE_USERDATA", kind: nfUserdata},
	8:  {name: "NFTA_RULE_PAD", kind: nfBinary},
	9:  {name: "NFTA_RULE_ID", kind: nfU32},
	10: {name: "NFTA_RULE_POSITION_ID", kind: nfU32},
	11: {name: "NFTA_RULE_CHAIN_ID", kind: nfU32},
}}

var nftSetFieldSet = nfSet{attrs: []nfSpec{1: {name: "NFTA_SET_FIELD_LEN", kind: nfU32}}}

var nftSetDescSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_SET_DESC_SIZE", kind: nfU32},
	2: {name: "NFTA_SET_DESC_CONCAT", kind: nfList, sub: &nftSetFieldSet},
}}

var nftSetSet = nfSet{attrs: []nfSpec{
	1:  {name: "NFTA_SET_TABLE", kind: nfString},
	2:  {name: "NFTA_SET_NAME", kind: nfString},
	3:  {name: "NFTA_SET_FLAGS", kind: nfFlags32, flags: nftSetFlagNames},
	4:  {name: "NFTA_SET_KEY_TYPE", kind: nfDatatype},
	5:  {name: "NFTA_SET_KEY_LEN", kind: nfU32},
	6:  {name: "NFTA_SET_DATA_TYPE", kind: nfDatatype},
	7:  {name: "NFTA_SET_DATA_LEN", kind: nfU32},
	8:  {name: "NFTA_SET_POLICY", kind: nfEnum32, enum: []string{"NFT_SET_POL_PERFORMANCE", "NFT_SET_POL_MEMORY"}},
	9:  {name: "NFTA_SET_DESC", kind: nfNest, sub: &nftSetDescSet},
	10: {name: "NFTA_SET_ID", kind: nfU32},
	11: {name: "NFTA_SET_TIMEOUT", kind: nfU64},
	12: {name: "NFTA_SET_GC_INTERVAL", kind: nfU32},
	13: {name: "NFTA_SET_USERDATA", kind: nfUserdata},
	14: {name: "NFTA_SET_PAD", kind: nfBinary},
	15: {name: "NFTA_SET_OBJ_TYPE", kind: nfObjType},
	16: {name: "NFTA_SET_HANDLE", kind: nfU64},
	17: {name: "NFTA_SET_EXPR", kind: nfExpr},
	18: {name: "NFTA_SET_EXPRESSIONS", kind: nfExprList},
}}

// nftDatatypes names the set key and data types nft stores in
// NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE. They are nft's own numbering (the
// kernel keeps them for userspace only); concatenations combine several in
// 6-bit groups and are shown as numbers.
var nftDatatypes = []string{
	0: "invalid", 1: "verdict", 2: "nf_proto", 3: "bitmask", 4: "integer", 5: "string",
	6: "ll_addr", 7: "ipv4_addr", 8: "ipv6_addr", 9: "ether_addr", 10: "ether_type",
	11: "arp_op", 12: "inet_proto", 13: "inet_service", 14: "icmp_type", 15: "tcp_flag",
	19: "mark", 20: "iface_index", 26: "ct_state", 28: "ct_status", 41: "ifname",
}

// nftDatatypeName names an NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE value.
func nftDatatypeName(v uint32) string {
	if v == 0xffffff00 {
		return "NFT_DATA_VERDICT"
	}
	name := func(t uint32) string {
		if int(t) < len(nftDatatypes) && nftDatatypes[t] != "" {
			return nftDatatypes[t]
		}
		return strconv.FormatUint(uint64(t), 10)
	}
	if v < 64 {
		return fmt.Sprintf("%s (%d)", name(v), v)
	}
	var parts []string
	for t := v; t != 0; t >>= 6 {
		parts = append([]string{name(t & 0x3f)}, parts...)
	}
	return fmt.Sprintf("%s (0x%x)", strings.Join(parts, " . "), v)
}

var nftDataVerdictSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_VERDICT_CODE", kind: nfVerdict},
	2: {name: "NFTA_VERDICT_CHAIN", kind: nfString},
	3: {name: "NFTA_VERDICT_CHAIN_ID", kind: nfU32},
}}

var nftSetElemSet = nfSet{attrs: []nfSpec{
	1:  {name: "NFTA_SET_ELEM_KEY", kind: nfData},
	2:  {name: "NFTA_SET_ELEM_DATA", kind: nfData},
	3:  {name: "NFTA_SET_ELEM_FLAGS", kind: nfFlags32, flags: []string{"NFT_SET_ELEM_INTERVAL_END", "NFT_SET_ELEM_CATCHALL"}},
	4:  {name: "NFTA_SET_ELEM_TIMEOUT", kind: nfU64},
	5:  {name: "NFTA_SET_ELEM_EXPIRATION", kind: nfU64},
	6:  {name: "NFTA_SET_ELEM_USERDATA", kind: nfUserdata},
	7:  {name: "NFTA_SET_ELEM_EXPR", kind: nfExpr},
	8:  {name: "NFTA_SET_ELEM_PAD", kind: nfBinary},
	9:  {name: "NFTA_SET_ELEM_OBJREF", kind: nfString},
	10: {name: "NFTA_SET_ELEM_KEY_END", kind: nfData},
	11: {name: "NFTA_SET_ELEM_EXPRESSIONS", kind: nfExprList},
}}

var nftSetElemListSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_SET_ELEM_LIST_TABLE", kind: nfString},
	2: {name: "NFTA_SET_ELEM_LIST_SET", kind: nfString},
	3: {name: "NFTA_SET_ELEM_LIST_ELEMENTS", kind: nfList, sub: &nftSetElemSet},
	4: {name: "NFTA_SET_ELEM_LIST_SET_ID", kind: nfU32},
}}

var nftGenSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_GEN_ID", kind: nfU32},
	2: {name: "NFTA_GEN_PROC_PID", kind: nfU32},
	3: {name: "NFTA_GEN_PROC_NAME", kind: nfString},
}}

var nftTraceSet = nfSet{attrs: []nfSpec{
	1:  {name: "NFTA_TRACE_TABLE", kind: nfString},
	2:  {name: "NFTA_TRACE_CHAIN", kind: nfString},
	3:  {name: "NFTA_TRACE_RULE_HANDLE", kind: nfU64},
	4:  {name: "NFTA_TRACE_TYPE", kind: nfEnum32, enum: []string{"NFT_TRACETYPE_UNSPEC", "NFT_TRACETYPE_POLICY", "NFT_TRACETYPE_RETURN", "NFT_TRACETYPE_RULE"}},
	5:  {name: "NFTA_TRACE_VERDICT", kind: nfNest, sub: &nftDataVerdictSet},
	6:  {name: "NFTA_TRACE_ID", kind: nfHex32},
	7:  {name: "NFTA_TRACE_LL_HEADER", kind: nfBinary},
	8:  {name: "NFTA_TRACE_NETWORK_HEADER", kind: nfBinary},
	9:  {name: "NFTA_TRACE_TRANSPORT_HEADER", kind: nfBinary},
	10: {name: "NFTA_TRACE_IIF", kind: nfU32},
	11: {name: "NFTA_TRACE_IIFTYPE", kind: nfU16},
	12: {name: "NFTA_TRACE_OIF", kind: nfU32},
	13: {name: "NFTA_TRACE_OIFTYPE", kind: nfU16},
	14: {name: "NFTA_TRACE_MARK", kind: nfHex32},
	15: {name: "NFTA_TRACE_NFPROTO", kind: nfFamily32},
	16: {name: "NFTA_TRACE_POLICY", kind: nfVerdict},
	17: {name: "NFTA_TRACE_PAD", kind: nfBinary},
}}

var nftObjAttrSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_OBJ_TABLE", kind: nfString},
	2: {name: "NFTA_OBJ_NAME", kind: nfString},
	3: {name: "NFTA_OBJ_TYPE", kind: nfObjType},
	4: {name: "NFTA_OBJ_DATA", kind: nfBinary}, // decoded per type in nftObjData
	5: {name: "NFTA_OBJ_USE", kind: nfU32},
	6: {name: "NFTA_OBJ_HANDLE", kind: nfU64},
	7: {name: "NFTA_OBJ_PAD", kind: nfBinary},
	8: {name: "NFTA_OBJ_USERDATA", kind: nfUserdata},
}}

var nftFlowtableHookSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_FLOWTABLE_HOOK_NUM", kind: nfHookNum},
	2: {name: "NFTA_FLOWTABLE_HOOK_PRIORITY", kind: nfS32},
	3: {name: "NFTA_FLOWTABLE_HOOK_DEVS", kind: nfNest, sub: &nftHookDevsSet},
}}

var nftFlowtableSet = nfSet{attrs: []nfSpec{
	1: {name: "NFTA_FLOWTABLE_TABLE", kind: nfString},
	2: {name: "NFTA_FLOWTABLE_NAME", kind: nfString},
	3: {name: "NFTA_FLOWTABLE_HOOK", kind: nfNest, sub: &nftFlowtableHookSet},
	4: {name: "NFTA_FLOWTABLE_USE", kind: nfU32},
	5: {name: "NFTA_FLOWTABLE_HANDLE", kind: nfU64},
	6: {name: "NFTA_FLOWTABLE_PAD", kind: nfBinary},
	7: {name: "NFTA_FLOWTABLE_FLAGS", kind: nfFlags32, flags: []string{"NFT_FLOWTABLE_HW_OFFLOAD", "NFT_FLOWTABLE_COUNTER"}},
}}

// nftObjDataSets decodes NFTA_OBJ_DATA by object type.
var nftObjDataSets = map[uint32]*nfSet{
	1: &nftCounterSet,
	2: &nftQuotaSet,
	4: &nftLimitSet,
	5: &nftConnlimitSet,
}

// nftObjDataFix re-decodes NFTA_OBJ_DATA once the object type is known;
// attrs are the message's attributes, found at payload offset off.
func (d *nfDecoder) nftObjDataFix(fields []event.Field, attrs []byte, off int) {
	typ, ok := nfBE32(nfIndex(attrs)[3])
	if !ok {
		return
	}
	s := nftObjDataSets[typ]
	if s == nil {
		return
	}
	data := make(map[int][]byte) // attribute offset -> NFTA_OBJ_DATA payload
	for pos := 0; pos+4 <= len(attrs); {
		l := int(binary.LittleEndian.Uint16(attrs[pos:]))
		if l < 4 || l > len(attrs)-pos {
			break
		}
		if binary.LittleEndian.Uint16(attrs[pos+2:])&0x3fff == 4 {
			data[off+pos] = attrs[pos+4 : pos+l]
		}
		pos += (l + 3) &^ 3
	}
	for i := range fields {
		f := &fields[i]
		if b, ok := data[f.Offset]; ok && f.Name == "NFTA_OBJ_DATA" {
			f.Value = ""
			f.Children = d.set(b, f.Offset+4, s)
		}
	}
}

// nftBE16 reads a big-endian 16-bit value.
func nftBE16(b []byte) (uint16, bool) {
	if len(b) != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(b), true
}
