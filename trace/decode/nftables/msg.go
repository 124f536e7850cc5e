package nftables

// nf_tables messages (NFNL_SUBSYS_NFTABLES): message names, what each is
// about, the one-line summaries, and the attributes tables.go cannot
// describe (hooks named per family, user data, object data).

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// msgNames lists enum nf_tables_msg_types. Values from 25 on are newer
// than some distributions' uapi headers but are understood by the kernel.
var msgNames = render.Enum{
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

// object is what an nf_tables message is about.
type object uint8

const (
	objUnknown object = iota
	objTable
	objChain
	objRule
	objSet
	objSetElem
	objGen
	objTrace
	objObj
	objFlowtable
)

// msgObjects says what each message of msgNames is about.
var msgObjects = [...]object{
	objTable, objTable, objTable,
	objChain, objChain, objChain,
	objRule, objRule, objRule,
	objSet, objSet, objSet,
	objSetElem, objSetElem, objSetElem,
	objGen, objGen, objTrace,
	objObj, objObj, objObj, objObj,
	objFlowtable, objFlowtable, objFlowtable,
	objRule, objTable, objChain,
	objRule, objSet, objSetElem,
	objObj, objFlowtable, objSetElem,
}

// decodeTables decodes the attributes of an nf_tables message and
// summarizes it.
func decodeTables(w *netlink.Walker, msg uint8, attrs []byte, off int) ([]event.Field, string) {
	obj := objUnknown
	if int(msg) < len(msgObjects) {
		obj = msgObjects[msg]
	}
	idx := netlink.Index(attrs)
	str := func(typ uint16) string { return render.CString(idx[typ]) }
	fam := ""
	if w.Family != 0 {
		fam = familyName(w.Family)
	}
	switch obj {
	case objTable:
		return w.Attrs(attrs, off, &tableAttrs), render.Join("table", fam, str(unix.NFTA_TABLE_NAME))
	case objChain:
		fields := w.Attrs(attrs, off, &chainAttrs)
		s := render.Join("chain", fam, str(unix.NFTA_CHAIN_TABLE), str(unix.NFTA_CHAIN_NAME))
		if hook, ok := idx[unix.NFTA_CHAIN_HOOK]; ok {
			s += " " + hookText(w.Family, hook)
		}
		if v, ok := be[uint32](idx[unix.NFTA_CHAIN_POLICY]); ok {
			s += " policy " + verdictText(int32(v), "")
		}
		return fields, s
	case objRule:
		d := state(w)
		d.regs, d.l4, d.l3 = map[uint32]reg{}, "", 0
		fields := w.Attrs(attrs, off, &ruleAttrs)
		s := render.Join("rule", fam, str(unix.NFTA_RULE_TABLE), str(unix.NFTA_RULE_CHAIN))
		if _, ok := event.Top(fields, "NFTA_RULE_EXPRESSIONS"); ok {
			s += " [" + strings.Join(d.exprNames, " ") + "]"
		}
		if v, ok := be[uint64](idx[unix.NFTA_RULE_HANDLE]); ok {
			s += " handle " + strconv.FormatUint(v, 10)
		}
		if v, ok := be[uint64](idx[unix.NFTA_RULE_POSITION]); ok {
			s += " position " + strconv.FormatUint(v, 10)
		}
		return fields, s
	case objSet:
		if msg != unix.NFT_MSG_DELSET {
			rememberSet(state(w).ctx, w.Family, idx)
		}
		fields := w.Attrs(attrs, off, &setAttrs)
		s := render.Join("set", fam, str(unix.NFTA_SET_TABLE), str(unix.NFTA_SET_NAME))
		if v, ok := be[uint32](idx[unix.NFTA_SET_FLAGS]); ok && v != 0 {
			s += " " + strings.ToLower(strings.ReplaceAll(setFlags.Name(uint64(v)), "NFT_SET_", ""))
		}
		return fields, s
	case objSetElem:
		state(w).setElemRegs(w.Family, idx)
		fields := w.Attrs(attrs, off, &setElemListAttrs)
		s := render.Join("setelem", fam, str(unix.NFTA_SET_ELEM_LIST_TABLE), str(unix.NFTA_SET_ELEM_LIST_SET))
		if f, ok := event.Top(fields, "NFTA_SET_ELEM_LIST_ELEMENTS"); ok {
			switch n := len(f.Children); {
			case n == 1:
				s += " {" + f.Children[0].Value + "}"
			case n > 1:
				s += fmt.Sprintf(" {%s, ... %d elements}", f.Children[0].Value, n)
			}
		}
		return fields, s
	case objGen:
		fields := w.Attrs(attrs, off, &genAttrs)
		s := "gen"
		if v, ok := be[uint32](idx[unix.NFTA_GEN_ID]); ok {
			s += " id " + strconv.FormatUint(uint64(v), 10)
		}
		if v, ok := be[uint32](idx[unix.NFTA_GEN_PROC_PID]); ok {
			s += " pid " + strconv.FormatUint(uint64(v), 10)
		}
		if v := str(unix.NFTA_GEN_PROC_NAME); v != "" {
			s += " " + v
		}
		return fields, s
	case objTrace:
		return w.Attrs(attrs, off, &traceAttrs), render.Join("trace", fam, str(unix.NFTA_TRACE_TABLE), str(unix.NFTA_TRACE_CHAIN))
	case objObj:
		fields := w.Attrs(attrs, off, &objAttrs)
		s := render.Join("obj", fam, str(unix.NFTA_OBJ_TABLE), str(unix.NFTA_OBJ_NAME))
		if v, ok := be[uint32](idx[unix.NFTA_OBJ_TYPE]); ok {
			s += " type " + strings.ToLower(strings.TrimPrefix(objectTypes.Name(uint64(v)), "NFT_OBJECT_"))
		}
		return fields, s
	case objFlowtable:
		fields := w.Attrs(attrs, off, &flowtableAttrs)
		return fields, render.Join("flowtable", fam, str(nftaFlowtableTable), str(nftaFlowtableName))
	}
	return w.Attrs(attrs, off, nil), fam
}

// hookNames names the hooks of each family the way nft does.
var hookNames = map[uint8]render.Enum{
	unix.NFPROTO_ARP:    {"input", "output", "forward"},
	unix.NFPROTO_NETDEV: {"ingress", "egress"},
}

// inetHooks names the hooks of the IP families (and bridge, inet).
var inetHooks = render.Enum{"prerouting", "input", "forward", "output", "postrouting", "ingress"}

// hookName names a hook number the way nft does for the family.
func hookName(family uint8, n uint32) string {
	names, ok := hookNames[family]
	if !ok {
		names = inetHooks
	}
	return names.Name(uint64(n))
}

// hookNum decodes NFTA_HOOK_HOOKNUM and NFTA_FLOWTABLE_HOOK_NUM, whose
// names depend on the message's family.
func hookNum(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	name := render.NamerFunc(func(v uint64) string { return hookName(w.Family, uint32(v)) })
	return netlink.Value(netlink.BE32, a.Data, name), nil
}

// Attribute numbers of nf_tables.h that golang.org/x/sys/unix lacks.
const (
	nftaHookDevs       = 4 // NFTA_HOOK_DEVS, the devices of a netdev hook
	nftaFlowtableTable = 1 // NFTA_FLOWTABLE_TABLE
	nftaFlowtableName  = 2 // NFTA_FLOWTABLE_NAME
)

// hookValue gives NFTA_CHAIN_HOOK its hook as value.
func hookValue(w *netlink.Walker, a netlink.Attr, _ []event.Field) string {
	return hookText(w.Family, a.Data)
}

// hookText renders an NFTA_CHAIN_HOOK / NFTA_FLOWTABLE_HOOK block as
// "hook forward prio 0".
func hookText(family uint8, b []byte) string {
	idx := netlink.Index(b)
	var parts []string
	if v, ok := be[uint32](idx[unix.NFTA_HOOK_HOOKNUM]); ok {
		parts = append(parts, "hook "+hookName(family, v))
	}
	if v, ok := be[uint32](idx[unix.NFTA_HOOK_PRIORITY]); ok {
		parts = append(parts, "prio "+strconv.Itoa(int(int32(v))))
	}
	if v, ok := idx[unix.NFTA_HOOK_DEV]; ok {
		parts = append(parts, "device "+render.QuoteC(v))
	}
	if devs, ok := idx[nftaHookDevs]; ok {
		var names []string
		attrs, _ := netlink.ParseAttrs(devs, 0)
		for _, a := range attrs {
			names = append(names, render.CString(a.Data))
		}
		parts = append(parts, "devices "+strings.Join(names, ","))
	}
	return strings.Join(parts, " ")
}

// counterValue gives NFTA_CHAIN_COUNTERS its counts as value.
func counterValue(_ *netlink.Walker, a netlink.Attr, _ []event.Field) string {
	idx := netlink.Index(a.Data)
	return packetsBytes(idx[unix.NFTA_COUNTER_PACKETS], idx[unix.NFTA_COUNTER_BYTES])
}

// Verdict codes (linux/netfilter.h NF_*, linux/netfilter/nf_tables.h NFT_*).
const (
	nfDrop   = 0
	nfAccept = 1
	nfStolen = 2
	nfQueue  = 3
	nfRepeat = 4
	nfStop   = 5
)

// verdicts names the verdict codes: the kernel's name and nft's word.
var verdicts = map[int32]struct{ name, word string }{
	nfDrop: {"NF_DROP", "drop"}, nfAccept: {"NF_ACCEPT", "accept"}, nfStolen: {"NF_STOLEN", "stolen"},
	nfQueue: {"NF_QUEUE", "queue"}, nfRepeat: {"NF_REPEAT", "repeat"}, nfStop: {"NF_STOP", "stop"},
	unix.NFT_CONTINUE: {"NFT_CONTINUE", "continue"}, unix.NFT_BREAK: {"NFT_BREAK", "break"},
	unix.NFT_JUMP: {"NFT_JUMP", "jump"}, unix.NFT_GOTO: {"NFT_GOTO", "goto"}, unix.NFT_RETURN: {"NFT_RETURN", "return"},
}

// verdictName names a verdict code; a queue verdict keeps its queue
// number in the high bits ("NF_QUEUE|0x10000").
var verdictName = render.NamerFunc(func(u uint64) string {
	v := int32(uint32(u))
	if n, ok := verdicts[v]; ok {
		return n.name
	}
	if v >= 0 {
		if n, ok := verdicts[v&0xff]; ok {
			return fmt.Sprintf("%s|0x%x", n.name, uint32(v)&^0xff)
		}
	}
	return strconv.Itoa(int(v))
})

// verdictText renders a verdict the way nft writes it ("accept",
// "jump DOCKER").
func verdictText(v int32, chain string) string {
	s := verdictName.Name(uint64(uint32(v)))
	if n, ok := verdicts[v]; ok {
		s = n.word
	}
	if chain != "" {
		s += " " + chain
	}
	return s
}

// objectTypes names NFT_OBJECT_* values.
var objectTypes = render.Enum{
	"NFT_OBJECT_UNSPEC", "NFT_OBJECT_COUNTER", "NFT_OBJECT_QUOTA", "NFT_OBJECT_CT_HELPER",
	"NFT_OBJECT_LIMIT", "NFT_OBJECT_CONNLIMIT", "NFT_OBJECT_TUNNEL", "NFT_OBJECT_CT_TIMEOUT",
	"NFT_OBJECT_SECMARK", "NFT_OBJECT_CT_EXPECT", "NFT_OBJECT_SYNPROXY",
}

// setFlags names NFTA_SET_FLAGS bits.
var setFlags = render.Bits(
	"NFT_SET_ANONYMOUS", "NFT_SET_CONSTANT", "NFT_SET_INTERVAL", "NFT_SET_MAP",
	"NFT_SET_TIMEOUT", "NFT_SET_EVAL", "NFT_SET_OBJECT", "NFT_SET_CONCAT", "NFT_SET_EXPR",
)

// datatypes names the set key and data types nft stores in
// NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE. They are nft's own numbering (the
// kernel keeps them for userspace only); concatenations combine several in
// 6-bit groups.
var datatypes = render.Enum{
	0: "invalid", 1: "verdict", 2: "nf_proto", 3: "bitmask", 4: "integer", 5: "string",
	6: "ll_addr", 7: "ipv4_addr", 8: "ipv6_addr", 9: "ether_addr", 10: "ether_type",
	11: "arp_op", 12: "inet_proto", 13: "inet_service", 14: "icmp_type", 15: "tcp_flag",
	19: "mark", 20: "iface_index", 26: "ct_state", 28: "ct_status", 41: "ifname",
}

// datatypeName names an NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE value.
var datatypeName = render.NamerFunc(func(u uint64) string {
	v := uint32(u)
	if v == unix.NFT_DATA_VERDICT {
		return "NFT_DATA_VERDICT"
	}
	if v < 64 {
		return fmt.Sprintf("%s (%d)", datatypes.Name(uint64(v)), v)
	}
	var parts []string
	for t := v; t != 0; t >>= 6 {
		parts = append([]string{datatypes.Name(uint64(t & 0x3f))}, parts...)
	}
	return fmt.Sprintf("%s (0x%x)", strings.Join(parts, " . "), v)
})

// objDataAttrs holds the attributes of NFTA_OBJ_DATA by object type.
var objDataAttrs = map[uint32]*netlink.AttrSet{
	unix.NFT_OBJECT_COUNTER:   &counterAttrs,
	unix.NFT_OBJECT_QUOTA:     &quotaAttrs,
	unix.NFT_OBJECT_LIMIT:     &limitAttrs,
	unix.NFT_OBJECT_CONNLIMIT: &connlimitAttrs,
}

// objData decodes NFTA_OBJ_DATA with the attributes of the object type
// NFTA_OBJ_TYPE names, or as bytes for other types.
func objData(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if t, ok := w.Sibling(unix.NFTA_OBJ_TYPE); ok {
		if v, ok := be[uint32](t.Data); ok && objDataAttrs[v] != nil {
			return "", w.Attrs(a.Data, a.DataOff(), objDataAttrs[v])
		}
	}
	return render.Hex(a.Data), nil
}
