package nftables

// NETLINK_NETFILTER (nfnetlink) message bodies: struct nfgenmsg, then the
// attributes of the subsystem the high byte of nlmsg_type names. Batches
// frame nf_tables transactions; nf_tables (iptables-nft and nft), the
// nft_compat revision query and conntrack have decoders.

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// nfgenmsgLen is sizeof(struct nfgenmsg).
const nfgenmsgLen = 4

// subsysNames names the nfnetlink subsystems (NFNL_SUBSYS_*).
var subsysNames = render.Enum{
	"NFNL_SUBSYS_NONE", "NFNL_SUBSYS_CTNETLINK", "NFNL_SUBSYS_CTNETLINK_EXP",
	"NFNL_SUBSYS_QUEUE", "NFNL_SUBSYS_ULOG", "NFNL_SUBSYS_OSF", "NFNL_SUBSYS_IPSET",
	"NFNL_SUBSYS_ACCT", "NFNL_SUBSYS_CTNETLINK_TIMEOUT", "NFNL_SUBSYS_CTHELPER",
	"NFNL_SUBSYS_NFTABLES", "NFNL_SUBSYS_NFT_COMPAT", "NFNL_SUBSYS_HOOK",
}

// subsysModules names the subsystems the way the kernel modules are known.
var subsysModules = render.Enum{
	"none", "ctnetlink", "ctnetlink_exp", "queue", "ulog", "osf", "ipset",
	"acct", "cttimeout", "cthelper", "nf_tables", "nft_compat", "hook",
}

// subsysModule names a subsystem by its module, "subsys N" when unknown.
func subsysModule(id uint16) string {
	if s, ok := subsysModules.Lookup(uint64(id)); ok {
		return s
	}
	return "subsys " + strconv.Itoa(int(id))
}

// families names the NFPROTO_* families the way nft spells them.
var families = render.EnumMap{
	unix.NFPROTO_UNSPEC: "unspec", unix.NFPROTO_INET: "inet", unix.NFPROTO_IPV4: "ip",
	unix.NFPROTO_ARP: "arp", unix.NFPROTO_NETDEV: "netdev", unix.NFPROTO_BRIDGE: "bridge",
	unix.NFPROTO_IPV6: "ip6", unix.NFPROTO_DECNET: "decnet",
}

// familyName names an NFPROTO_* value the way nft spells families.
func familyName(f uint8) string { return families.Name(uint64(f)) }

// nfprotoNames names the NFPROTO_* values.
var nfprotoNames = render.EnumMap{
	unix.NFPROTO_UNSPEC: "NFPROTO_UNSPEC", unix.NFPROTO_INET: "NFPROTO_INET", unix.NFPROTO_IPV4: "NFPROTO_IPV4",
	unix.NFPROTO_ARP: "NFPROTO_ARP", unix.NFPROTO_NETDEV: "NFPROTO_NETDEV", unix.NFPROTO_BRIDGE: "NFPROTO_BRIDGE",
	unix.NFPROTO_IPV6: "NFPROTO_IPV6", unix.NFPROTO_DECNET: "NFPROTO_DECNET",
}

// afNames names the address families conntrack messages carry.
var afNames = render.EnumMap{
	unix.AF_UNSPEC: "AF_UNSPEC", unix.AF_INET: "AF_INET", unix.AF_BRIDGE: "AF_BRIDGE", unix.AF_INET6: "AF_INET6",
}

// protoNames names IP protocols the way nft does.
var protoNames = render.EnumMap{
	unix.IPPROTO_ICMP: "icmp", unix.IPPROTO_IGMP: "igmp", unix.IPPROTO_IPIP: "ipip", unix.IPPROTO_TCP: "tcp",
	unix.IPPROTO_UDP: "udp", unix.IPPROTO_DCCP: "dccp", unix.IPPROTO_IPV6: "ipv6", unix.IPPROTO_GRE: "gre",
	unix.IPPROTO_ESP: "esp", unix.IPPROTO_AH: "ah", unix.IPPROTO_ICMPV6: "icmpv6", unix.IPPROTO_SCTP: "sctp",
	unix.IPPROTO_UDPLITE: "udplite",
}

// protoName names an IP protocol number.
func protoName(p uint8) string { return protoNames.Name(uint64(p)) }

func init() {
	netlink.RegisterBodyContext(unix.NETLINK_NETFILTER, func(h netlink.Header, body []byte, base int) netlink.Body {
		return decodeBodyContext(h.Type, body, base, h.Ctx)
	})
}

// decoder is what decoding one message keeps besides the walker: what the
// registers of the rule being decoded hold, and what its expressions made
// of it. It is the Walker's State.
type decoder struct {
	regs      map[uint32]reg
	data      reg      // how NFTA_DATA_VALUE in the current expression is read
	stmt      string   // statement completed by the last expression decoded
	exprNames []string // expression names of the last expression list decoded
	l4        string   // transport protocol the current rule matched ("tcp")
	l3        uint8    // network protocol (NFPROTO_*) the current rule matched
	// ctx remembers set definitions across messages; setKey and setData
	// say how the elements of the current set-element message read.
	ctx             *netlink.Context
	setKey, setData reg
}

// state returns the decoder of the message w walks.
func state(w *netlink.Walker) *decoder { return w.State.(*decoder) }

// decodeBody decodes the body of one NETLINK_NETFILTER message: msgType is
// the full nlmsg_type, body starts with struct nfgenmsg and sits at offset
// base of the payload.
func decodeBody(msgType uint16, body []byte, base int) netlink.Body {
	return decodeBodyContext(msgType, body, base, &netlink.Context{})
}

// decodeBodyContext is [decodeBody] with the decoding context, which
// remembers set definitions for the elements of later messages.
func decodeBodyContext(msgType uint16, body []byte, base int, ctx *netlink.Context) netlink.Body {
	subsys, msg := msgType>>8, uint8(msgType)
	var out netlink.Body
	switch {
	case msgType == unix.NFNL_MSG_BATCH_BEGIN:
		out.Name = "NFNL_MSG_BATCH_BEGIN"
	case msgType == unix.NFNL_MSG_BATCH_END:
		out.Name = "NFNL_MSG_BATCH_END"
	case subsys == unix.NFNL_SUBSYS_NFTABLES:
		out.Name, out.Op = msgTypeName(msgNames, "NFNL_SUBSYS_NFTABLES", msg)
	case subsys == unix.NFNL_SUBSYS_CTNETLINK:
		out.Name, out.Op = msgTypeName(conntrackMsgNames, "NFNL_SUBSYS_CTNETLINK", msg)
	case subsys == unix.NFNL_SUBSYS_CTNETLINK_EXP:
		out.Name, out.Op = msgTypeName(expectMsgNames, "NFNL_SUBSYS_CTNETLINK_EXP", msg)
	case subsys == unix.NFNL_SUBSYS_NFT_COMPAT && msg == nfnlMsgCompatGet:
		out.Name, out.Op = "NFNL_MSG_COMPAT_GET", netlink.OpGet
	case int(subsys) < len(subsysNames):
		out.Name = fmt.Sprintf("%s<<8|%d", subsysNames[subsys], msg)
	default:
		out.Name = fmt.Sprintf("0x%04x", msgType)
	}

	if len(body) < nfgenmsgLen {
		out.Malformed = fmt.Sprintf("body has %d bytes, shorter than struct nfgenmsg (4)", len(body))
		if len(body) > 0 {
			out.Fields = []event.Field{{Name: "nfgenmsg", Value: render.Hex(body), Offset: base, Length: len(body)}}
		}
		return out
	}
	resID := render.Bytes(body).BE16(2)
	isBatch := msgType == unix.NFNL_MSG_BATCH_BEGIN || msgType == unix.NFNL_MSG_BATCH_END
	out.Fields = []event.Field{nfgenmsgField(body, base, subsys, isBatch)}
	attrs, aoff := body[nfgenmsgLen:], base+nfgenmsgLen
	w := &netlink.Walker{Family: body[0], NetOrder: true, State: &decoder{regs: map[uint32]reg{}, ctx: ctx}}

	var fields []event.Field
	switch {
	case isBatch:
		fields = w.Attrs(attrs, aoff, &batchAttrs)
		out.Summary = "subsys " + subsysModule(resID)
		if v, ok := be[uint32](netlink.Index(attrs)[unix.NFNL_BATCH_GENID]); ok {
			out.Summary += " genid " + strconv.FormatUint(uint64(v), 10)
		}
	case subsys == unix.NFNL_SUBSYS_NFTABLES:
		fields, out.Summary = decodeTables(w, msg, attrs, aoff)
	case subsys == unix.NFNL_SUBSYS_CTNETLINK:
		fields, out.Summary = decodeConntrack(w, msg, attrs, aoff)
	case subsys == unix.NFNL_SUBSYS_CTNETLINK_EXP:
		fields, out.Summary = w.Attrs(attrs, aoff, &expectAttrs), familyName(w.Family)
	case subsys == unix.NFNL_SUBSYS_NFT_COMPAT:
		fields, out.Summary = w.Attrs(attrs, aoff, &compatAttrs), compatSummary(attrs)
	default:
		fields, out.Summary = w.Attrs(attrs, aoff, nil), subsysModule(subsys)
	}
	out.Fields = append(out.Fields, fields...)
	out.Malformed = w.Malformed
	return out
}

// msgTypeName names message msg of a subsystem whose messages names
// lists, with the operation kind its name implies.
func msgTypeName(names render.Enum, subsys string, msg uint8) (string, netlink.OpKind) {
	name, ok := names.Lookup(uint64(msg))
	if !ok {
		return fmt.Sprintf("%s<<8|%d", subsys, msg), netlink.OpOther
	}
	for _, op := range []struct {
		verb string
		kind netlink.OpKind
	}{{"_NEW", netlink.OpNew}, {"_GET", netlink.OpGet}, {"_DEL", netlink.OpDel}, {"_DESTROY", netlink.OpDel}} {
		if strings.Contains(name, op.verb) {
			return name, op.kind
		}
	}
	return name, netlink.OpOther
}

// nfgenmsgField decodes struct nfgenmsg at the start of body.
func nfgenmsgField(body []byte, base int, subsys uint16, isBatch bool) event.Field {
	fam := body[0]
	famName := nfprotoNames[uint64(fam)]
	if subsys == unix.NFNL_SUBSYS_CTNETLINK || subsys == unix.NFNL_SUBSYS_CTNETLINK_EXP {
		famName = afNames[uint64(fam)]
	}
	famValue := familyName(fam)
	if famName != "" {
		famValue = famName + " (" + famValue + ")"
	}
	version := strconv.Itoa(int(body[1]))
	if body[1] == unix.NFNETLINK_V0 {
		version = "NFNETLINK_V0"
	}
	resID := render.Bytes(body).BE16(2)
	resValue := strconv.Itoa(int(resID))
	if isBatch {
		resValue = subsysNames.Name(uint64(resID))
	}
	return event.Field{
		Name: "nfgenmsg", Value: "family " + familyName(fam), Offset: base, Length: nfgenmsgLen,
		Children: []event.Field{
			{Name: "nfgen_family", Value: famValue, Offset: base, Length: 1},
			{Name: "version", Value: version, Offset: base + 1, Length: 1},
			{Name: "res_id", Value: resValue, Offset: base + 2, Length: 2},
		},
	}
}

// compatSummary describes an nft_compat revision query: "target MASQUERADE rev 0".
func compatSummary(attrs []byte) string {
	idx := netlink.Index(attrs)
	kind := "match"
	if v, ok := be[uint32](idx[unix.NFTA_COMPAT_TYPE]); ok && v == nftCompatTarget {
		kind = "target"
	}
	s := kind + " " + render.CString(idx[unix.NFTA_COMPAT_NAME])
	if v, ok := be[uint32](idx[unix.NFTA_COMPAT_REV]); ok {
		s += " rev " + strconv.FormatUint(uint64(v), 10)
	}
	return s
}

// Constants of linux/netfilter/nf_tables_compat.h.
const (
	nfnlMsgCompatGet = 0 // NFNL_MSG_COMPAT_GET, the revision query
	nftCompatTarget  = 1 // NFT_COMPAT_TARGET, the NFTA_COMPAT_TYPE of a target
)

// be reads an attribute payload holding one big-endian integer of type T,
// and reports whether it has the size of one.
func be[T uint16 | uint32 | uint64](b []byte) (T, bool) {
	var v T
	if len(b) != int(unsafe.Sizeof(v)) {
		return 0, false
	}
	for _, c := range b {
		v = v<<8 | T(c)
	}
	return v, true
}
