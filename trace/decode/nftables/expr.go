package nftables

// nf_tables rule expressions (NFTA_EXPR_*): each expression's data is
// decoded with the attribute set of its type, and rendered in one line;
// a small model of the registers lets compared values be shown as
// interface names, addresses or conntrack states instead of raw bytes.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// regKind says how the bytes held in a register are to be read.
type regKind uint8

const (
	kindUnknown   regKind = iota
	kindIfname            // interface name, NUL-padded (a missing NUL means a prefix match)
	kindIPv4              // IPv4 address, possibly a prefix
	kindIPv6              // IPv6 address, possibly a prefix
	kindCtState           // conntrack state bits, host byte order
	kindCtStatus          // conntrack status bits (IPS_*), host byte order
	kindProto             // IP protocol number
	kindPort              // 16-bit port, network byte order
	kindAddrType          // route type (RTN_*), host byte order
	kindNFProto           // NFPROTO_* family, one byte
	kindEtherType         // ethertype, network byte order
	kindMark              // 32-bit mark, host byte order
	kindHostInt           // other integer in host byte order
	kindEther             // Ethernet address
	kindTyped             // a set element of nft datatype reg.nftType
	kindGuess             // a set element of a set not seen: hex, and what its length suggests
)

// reg describes what a register holds while a rule is decoded.
type reg struct {
	what string // "oifname", "ip saddr", "ct state"
	kind regKind
	bits int    // prefix length set by a payload length or bitwise mask, 0 if none
	base string // for a masked value: what was masked ("ct state")
	mask string // and the mask, rendered ("established,related")
	imm  []byte // value loaded by an immediate expression
	// nftType is the nft datatype of a kindTyped set element.
	nftType uint32
}

// regName names a register number as in enum nft_registers.
var regName = render.NamerFunc(func(v uint64) string {
	switch r := uint32(v); {
	case r == unix.NFT_REG_VERDICT:
		return "NFT_REG_VERDICT"
	case r >= unix.NFT_REG_1 && r <= unix.NFT_REG_4:
		return "NFT_REG_" + strconv.Itoa(int(r))
	case r >= unix.NFT_REG32_00 && r <= unix.NFT_REG32_15:
		return fmt.Sprintf("NFT_REG32_%02d", r-unix.NFT_REG32_00)
	}
	return strconv.FormatUint(v, 10)
})

// regText names a register in expression lines.
func regText(r uint32) string {
	return "reg " + strconv.FormatUint(uint64(r), 10)
}

// Attribute numbers of nf_tables.h that golang.org/x/sys/unix lacks.
const (
	nftaBitwiseOp   = 6 // NFTA_BITWISE_OP
	nftaBitwiseData = 7 // NFTA_BITWISE_DATA
	ipCtDirOriginal = 0 // IP_CT_DIR_ORIGINAL, the direction of NFTA_CT_DIRECTION
	nftSetElemAny   = 2 // NFT_SET_ELEM_CATCHALL
	nftBitwiseShl   = 1 // NFT_BITWISE_LSHIFT
	nftBitwiseShr   = 2 // NFT_BITWISE_RSHIFT
)

// exprListAttrs are the members of an expression list: NFTA_LIST_ELEM,
// one expression each.
var exprListAttrs = netlink.AttrSet{Prefix: "NFTA_LIST", Attrs: []netlink.AttrSpec{
	unix.NFTA_LIST_ELEM: {Name: "NFTA_LIST_ELEM", Type: netlink.Custom, Decode: expr},
}}

// exprAttrs are the attributes of one expression: its type's name, and
// its data, decoded with the attribute set of that type.
var exprAttrs = netlink.AttrSet{Prefix: "NFTA_EXPR", Attrs: []netlink.AttrSpec{
	unix.NFTA_EXPR_NAME: {Name: "NFTA_EXPR_NAME", Type: netlink.String},
	unix.NFTA_EXPR_DATA: {Name: "NFTA_EXPR_DATA", Type: netlink.SubMessage, Select: &exprData},
}}

// exprData selects the attributes of NFTA_EXPR_DATA by NFTA_EXPR_NAME;
// its formats are set in init, since expressions nest expressions.
var exprData = netlink.Selector{Attr: unix.NFTA_EXPR_NAME, Prefix: "NFTA_"}

// exprSets maps an expression type to the attribute set of its data.
var exprSets = map[string]*netlink.AttrSet{
	"meta": &metaAttrs, "cmp": &cmpAttrs, "payload": &payloadAttrs,
	"immediate": &immediateAttrs, "bitwise": &bitwiseAttrs, "lookup": &lookupAttrs,
	"ct": &ctExprAttrs, "counter": &counterAttrs, "nat": &natAttrs, "masq": &masqAttrs,
	"redir": &redirAttrs, "match": &matchAttrs, "target": &targetAttrs, "log": &logAttrs,
	"limit": &limitAttrs, "reject": &rejectAttrs, "fib": &fibAttrs, "range": &rangeAttrs,
	"dynset": &dynsetAttrs, "byteorder": &byteorderAttrs, "exthdr": &exthdrAttrs,
	"quota": &quotaAttrs, "connlimit": &connlimitAttrs, "objref": &objrefAttrs,
	"queue": &queueAttrs, "rt": &rtAttrs, "socket": &socketAttrs, "numgen": &numgenAttrs,
	"hash": &hashAttrs, "last": &lastAttrs, "flow_offload": &flowOffloadAttrs,
	"dup": &dupAttrs, "fwd": &fwdAttrs, "synproxy": &synproxyAttrs, "tproxy": &tproxyAttrs,
	"notrack": &notrackAttrs,
}

func init() { exprData.Formats = exprSets }

// exprList decodes a list of expressions: its value is the rule they make,
// as statements, and the expression names are kept for the summary.
func exprList(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	d := state(w)
	var names, stmts []string
	kids := w.Walk(a.Data, a.DataOff(), func(e netlink.Attr) event.Field {
		d.stmt = ""
		f := w.Attr(e, &exprListAttrs)
		if e.Type != unix.NFTA_LIST_ELEM {
			return f
		}
		if d.stmt != "" {
			stmts = append(stmts, d.stmt)
		}
		idx := netlink.Index(e.Data)
		label := render.CString(idx[unix.NFTA_EXPR_NAME])
		if label == "match" || label == "target" {
			if n := render.CString(netlink.Index(idx[unix.NFTA_EXPR_DATA])[unix.NFTA_MATCH_NAME]); n != "" {
				label += ":" + n
			}
		}
		names = append(names, label)
		return f
	})
	d.exprNames = names
	return strings.Join(stmts, " "), kids
}

// expr decodes one expression (NFTA_EXPR_NAME and NFTA_EXPR_DATA); its
// value is the expression's line.
func expr(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	d := state(w)
	idx := netlink.Index(a.Data)
	name := render.CString(idx[unix.NFTA_EXPR_NAME])
	data := netlink.Index(idx[unix.NFTA_EXPR_DATA])

	// The data a comparison or mask holds is read as what its source
	// register holds.
	d.data = reg{}
	if src := map[string]uint16{"cmp": unix.NFTA_CMP_SREG, "range": unix.NFTA_RANGE_SREG, "bitwise": unix.NFTA_BITWISE_SREG}[name]; src != 0 {
		if r, ok := be[uint32](data[src]); ok {
			d.data = d.regs[r]
		}
	}
	children := w.Attrs(a.Data, a.DataOff(), &exprAttrs)
	line := d.exprLine(w.Family, name, data)
	d.data = reg{}
	return line, children
}

// dataAttrs are the members of struct nft_data (NFTA_DATA_*).
var dataAttrs = netlink.AttrSet{Prefix: "NFTA_DATA", Attrs: []netlink.AttrSpec{
	unix.NFTA_DATA_VALUE:   {Name: "NFTA_DATA_VALUE", Type: netlink.Custom, Decode: dataValue},
	unix.NFTA_DATA_VERDICT: {Name: "NFTA_DATA_VERDICT", Type: netlink.Custom, Decode: dataVerdict},
}}

// data decodes a struct nft_data block (NFTA_DATA_VALUE or
// NFTA_DATA_VERDICT); its value is the datum rendered.
func data(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	var text string
	kids := w.Walk(a.Data, a.DataOff(), func(c netlink.Attr) event.Field {
		f := w.Attr(c, &dataAttrs)
		switch c.Type {
		case unix.NFTA_DATA_VALUE:
			text = valueOrHex(state(w).data, c.Data)
		case unix.NFTA_DATA_VERDICT:
			text = f.Value
		}
		return f
	})
	return text, kids
}

// dataValue decodes NFTA_DATA_VALUE: its bytes, and what they mean for the
// register the expression reads.
func dataValue(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	v := render.Hex(a.Data)
	if r := state(w).data; r.kind == kindGuess {
		if g, ok := guessText(a.Data); ok {
			v += " (" + g + ")"
		}
	} else if t, ok := valueText(r, a.Data); ok {
		v += " (" + t + ")"
	}
	return v, nil
}

// dataVerdict decodes NFTA_DATA_VERDICT ("jump DOCKER").
func dataVerdict(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	return verdictData(a.Data), w.Attrs(a.Data, a.DataOff(), &verdictAttrs)
}

// verdictData renders an NFTA_DATA_VERDICT block ("jump DOCKER").
func verdictData(b []byte) string {
	idx := netlink.Index(b)
	code, ok := be[uint32](idx[unix.NFTA_VERDICT_CODE])
	if !ok {
		return ""
	}
	return verdictText(int32(code), render.CString(idx[unix.NFTA_VERDICT_CHAIN]))
}

// dataText renders the payload of a struct nft_data block read as r.
func dataText(r reg, b []byte) string {
	idx := netlink.Index(b)
	if v, ok := idx[unix.NFTA_DATA_VERDICT]; ok {
		return verdictData(v)
	}
	v, ok := idx[unix.NFTA_DATA_VALUE]
	if !ok {
		return ""
	}
	return valueOrHex(r, v)
}

// valueOrHex renders a value read as r, or its bytes as a hex number.
func valueOrHex(r reg, b []byte) string {
	if t, ok := valueText(r, b); ok {
		return t
	}
	return "0x" + render.Hex(b)
}

// setElemValue gives a set element (NFTA_SET_ELEM_*) its "key : data"
// rendering as value.
func setElemValue(w *netlink.Walker, a netlink.Attr, _ []event.Field) string {
	idx := netlink.Index(a.Data)
	d := state(w)
	var s string
	if k, ok := idx[unix.NFTA_SET_ELEM_KEY]; ok {
		s = dataText(d.setKey, k)
	}
	if k, ok := idx[nftaSetElemKeyEnd]; ok {
		s += "-" + dataText(d.setKey, k)
	}
	flags, hasFlags := be[uint32](idx[unix.NFTA_SET_ELEM_FLAGS])
	if hasFlags && flags&nftSetElemAny != 0 {
		s = "*"
	}
	if v, ok := idx[unix.NFTA_SET_ELEM_DATA]; ok {
		s += " : " + dataText(d.setData, v)
	}
	if hasFlags && flags&unix.NFT_SET_ELEM_INTERVAL_END != 0 {
		s += " (interval end)"
	}
	return s
}

// nftaSetElemKeyEnd is NFTA_SET_ELEM_KEY_END, the end of a range element.
const nftaSetElemKeyEnd = 10

// valueText interprets the bytes of a value compared with, or loaded
// into, a register holding r.
func valueText(r reg, b []byte) (string, bool) {
	rb := render.Bytes(b)
	switch r.kind {
	case kindTyped:
		return typedValue(r.nftType, b)
	case kindGuess:
		if s, ok := render.Text(b); ok {
			return render.Quote(s), true
		}
		if g, ok := guessText(b); ok {
			return "0x" + render.Hex(b) + " (" + g + ")", true
		}
		return "", false
	case kindEther:
		if len(b) != 6 {
			return "", false
		}
		return render.MAC(b), true
	case kindIfname:
		s := render.CString(b)
		if len(s) == len(b) {
			s += "*"
		}
		return render.Quote(s), true
	case kindIPv4, kindIPv6:
		n := 4
		if r.kind == kindIPv6 {
			n = 16
		}
		if len(b) == 0 || len(b) > n {
			return "", false
		}
		full := make([]byte, n)
		copy(full, b)
		a, _ := netip.AddrFromSlice(full)
		bitsLen := r.bits
		if bitsLen == 0 && len(b) < n {
			bitsLen = len(b) * 8
		}
		if bitsLen > 0 && bitsLen < n*8 {
			return fmt.Sprintf("%s/%d", a, bitsLen), true
		}
		return a.String(), true
	case kindCtState:
		if len(b) != 4 {
			return "", false
		}
		return ctStateText(rb.U32(0)), true
	case kindCtStatus:
		if len(b) != 4 {
			return "", false
		}
		return strings.ToLower(strings.ReplaceAll(statusFlags.Name(uint64(rb.U32(0))), "IPS_", "")), true
	case kindProto:
		if len(b) != 1 {
			return "", false
		}
		return protoName(b[0]), true
	case kindPort:
		if len(b) != 2 {
			return "", false
		}
		return strconv.Itoa(int(rb.BE16(0))), true
	case kindAddrType:
		if len(b) != 4 {
			return "", false
		}
		return routeTypes.Name(uint64(rb.U32(0))), true
	case kindNFProto:
		if len(b) != 1 {
			return "", false
		}
		return familyName(b[0]), true
	case kindEtherType:
		if len(b) != 2 {
			return "", false
		}
		v := rb.BE16(0)
		if s, ok := etherTypes[v]; ok {
			return s, true
		}
		return fmt.Sprintf("0x%04x", v), true
	case kindMark:
		if len(b) != 4 {
			return "", false
		}
		return fmt.Sprintf("0x%x", rb.U32(0)), true
	case kindHostInt:
		if len(b) != 4 {
			return "", false
		}
		return strconv.FormatUint(uint64(rb.U32(0)), 10), true
	}
	if s, ok := render.Text(b); ok {
		return render.Quote(s), true
	}
	return "", false
}

// etherTypes names the ethertypes nft names.
var etherTypes = map[uint16]string{unix.ETH_P_IP: "ip", unix.ETH_P_IPV6: "ip6", unix.ETH_P_ARP: "arp", unix.ETH_P_8021Q: "vlan"}

// ctStateFlags names conntrack state bits (NF_CT_STATE_*_BIT) as nft does.
var ctStateFlags = render.FlagSet{
	{Mask: 1 << 0, Name: "invalid"}, {Mask: 1 << 1, Name: "established"}, {Mask: 1 << 2, Name: "related"},
	{Mask: 1 << 3, Name: "new"}, {Mask: 1 << 6, Name: "untracked"},
}

// ctStateText renders conntrack state bits as nft does:
// "established,related".
func ctStateText(v uint32) string { return ctStateFlags.Join(uint64(v), ",") }

// routeTypes names route types (RTN_*) the way nft does.
var routeTypes = render.Enum{
	"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
	"blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve",
}

// metaKeys lists enum nft_meta_keys without the NFT_META_ prefix.
var metaKeys = render.Enum{
	"LEN", "PROTOCOL", "PRIORITY", "MARK", "IIF", "OIF", "IIFNAME", "OIFNAME",
	"IIFTYPE", "OIFTYPE", "SKUID", "SKGID", "NFTRACE", "RTCLASSID", "SECMARK",
	"NFPROTO", "L4PROTO", "BRI_IIFNAME", "BRI_OIFNAME", "PKTTYPE", "CPU",
	"IIFGROUP", "OIFGROUP", "CGROUP", "PRANDOM", "SECPATH", "IIFKIND", "OIFKIND",
	"BRI_IIFPVID", "BRI_IIFVPROTO", "TIME_NS", "TIME_DAY", "TIME_HOUR", "SDIF", "SDIFNAME",
}

// ctKeys lists enum nft_ct_keys without the NFT_CT_ prefix.
var ctKeys = render.Enum{
	"STATE", "DIRECTION", "STATUS", "MARK", "SECMARK", "EXPIRATION", "HELPER",
	"L3PROTOCOL", "SRC", "DST", "PROTOCOL", "PROTO_SRC", "PROTO_DST", "LABELS",
	"PKTS", "BYTES", "AVGPKT", "ZONE", "EVENTMASK", "SRC_IP", "DST_IP",
	"SRC_IP6", "DST_IP6", "ID",
}

// The full names of the meta and ct keys.
var (
	metaKeyNames = prefixed("NFT_META_", metaKeys)
	ctKeyNames   = prefixed("NFT_CT_", ctKeys)
)

func prefixed(prefix string, names render.Enum) render.Enum {
	out := make(render.Enum, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// keyShort names a key the way nft writes it, in lower case.
func keyShort(names render.Enum, v uint32) string {
	return strings.ToLower(names.Name(uint64(v)))
}

// Meta keys that golang.org/x/sys/unix lacks.
const (
	nftMetaIifkind  = 26 // NFT_META_IIFKIND
	nftMetaOifkind  = 27 // NFT_META_OIFKIND
	nftMetaSdif     = 33 // NFT_META_SDIF
	nftMetaSdifname = 34 // NFT_META_SDIFNAME
)

// metaWhat names a meta key as nft writes it: interface keys bare
// ("oifname"), the others qualified ("meta l4proto").
func metaWhat(key uint32) string {
	k := keyShort(metaKeys, key)
	switch key {
	case unix.NFT_META_IIF, unix.NFT_META_OIF, unix.NFT_META_IIFNAME, unix.NFT_META_OIFNAME,
		unix.NFT_META_IIFTYPE, unix.NFT_META_OIFTYPE, unix.NFT_META_IIFGROUP, unix.NFT_META_OIFGROUP:
		return k
	}
	return "meta " + k
}

// metaKind says how the value a meta key loads is read.
func metaKind(key uint32) regKind {
	switch key {
	case unix.NFT_META_IIFNAME, unix.NFT_META_OIFNAME, unix.NFT_META_BRI_IIFNAME, unix.NFT_META_BRI_OIFNAME,
		nftMetaIifkind, nftMetaOifkind, nftMetaSdifname:
		return kindIfname
	case unix.NFT_META_L4PROTO:
		return kindProto
	case unix.NFT_META_NFPROTO:
		return kindNFProto
	case unix.NFT_META_PROTOCOL:
		return kindEtherType
	case unix.NFT_META_MARK:
		return kindMark
	case unix.NFT_META_IIF, unix.NFT_META_OIF, unix.NFT_META_SKUID, unix.NFT_META_SKGID, nftMetaSdif:
		return kindHostInt
	}
	return kindUnknown
}

// ctKind says how the value a ct key loads is read.
func ctKind(key uint32) regKind {
	switch key {
	case unix.NFT_CT_STATE:
		return kindCtState
	case unix.NFT_CT_STATUS:
		return kindCtStatus
	case unix.NFT_CT_MARK:
		return kindMark
	case unix.NFT_CT_L3PROTOCOL:
		return kindNFProto
	case unix.NFT_CT_PROTOCOL:
		return kindProto
	case unix.NFT_CT_PROTO_SRC, unix.NFT_CT_PROTO_DST:
		return kindPort
	case unix.NFT_CT_SRC_IP, unix.NFT_CT_DST_IP:
		return kindIPv4
	case unix.NFT_CT_SRC_IP6, unix.NFT_CT_DST_IP6:
		return kindIPv6
	}
	return kindUnknown
}

var payloadBases = render.Enum{"NFT_PAYLOAD_LL_HEADER", "NFT_PAYLOAD_NETWORK_HEADER", "NFT_PAYLOAD_TRANSPORT_HEADER", "NFT_PAYLOAD_INNER_HEADER"}
var payloadBaseShort = render.Enum{"link", "network", "transport", "inner"}

// Offsets of header fields nft names (IPv4, IPv6, transport, Ethernet).
const (
	ipTTL, ipProtocol, ipSaddr, ipDaddr  = 8, 9, 12, 16
	ip6Nexthdr, ip6Saddr, ip6Daddr       = 6, 8, 24
	thSport, thDport                     = 0, 2
	etherDaddr, etherSaddr, etherTypeOff = 0, 6, 12
)

// payloadReg names the header field a payload load reads. In inet,
// bridge and netdev tables l3 is the network protocol an earlier comparison
// settled on; l4 is the transport protocol, if any.
func payloadReg(family, l3 uint8, base, off, n uint32, l4 string) reg {
	net := family
	if family == unix.NFPROTO_INET || family == unix.NFPROTO_NETDEV || family == unix.NFPROTO_BRIDGE {
		net = l3
	}
	th := "th"
	if l4 == "tcp" || l4 == "udp" || l4 == "sctp" || l4 == "dccp" || l4 == "udplite" {
		th = l4
	}
	switch base {
	case unix.NFT_PAYLOAD_LL_HEADER:
		if family == unix.NFPROTO_BRIDGE || family == unix.NFPROTO_NETDEV { // Ethernet header
			switch {
			case off == etherDaddr && n == 6:
				return reg{what: "ether daddr"}
			case off == etherSaddr && n == 6:
				return reg{what: "ether saddr"}
			case off == etherTypeOff && n == 2:
				return reg{what: "ether type", kind: kindEtherType}
			}
		}
	case unix.NFT_PAYLOAD_NETWORK_HEADER:
		switch net {
		case unix.NFPROTO_IPV4:
			switch {
			case off == ipSaddr && n >= 1 && n <= 4:
				return reg{what: "ip saddr", kind: kindIPv4}
			case off == ipDaddr && n >= 1 && n <= 4:
				return reg{what: "ip daddr", kind: kindIPv4}
			case off == ipProtocol && n == 1:
				return reg{what: "ip protocol", kind: kindProto}
			case off == ipTTL && n == 1:
				return reg{what: "ip ttl"}
			}
		case unix.NFPROTO_IPV6:
			switch {
			case off == ip6Saddr && n >= 1 && n <= 16:
				return reg{what: "ip6 saddr", kind: kindIPv6}
			case off == ip6Daddr && n >= 1 && n <= 16:
				return reg{what: "ip6 daddr", kind: kindIPv6}
			case off == ip6Nexthdr && n == 1:
				return reg{what: "ip6 nexthdr", kind: kindProto}
			}
		}
	case unix.NFT_PAYLOAD_TRANSPORT_HEADER:
		switch {
		case off == thSport && n == 2:
			return reg{what: th + " sport", kind: kindPort}
		case off == thDport && n == 2:
			return reg{what: th + " dport", kind: kindPort}
		}
	}
	return reg{what: fmt.Sprintf("%s header @%d/%d", keyShort(payloadBaseShort, base), off, n)}
}

var cmpOps = render.Enum{"NFT_CMP_EQ", "NFT_CMP_NEQ", "NFT_CMP_LT", "NFT_CMP_LTE", "NFT_CMP_GT", "NFT_CMP_GTE"}
var cmpSymbols = render.Enum{"==", "!=", "<", "<=", ">", ">="}

var natRangeFlags = render.Bits(
	"NF_NAT_RANGE_MAP_IPS", "NF_NAT_RANGE_PROTO_SPECIFIED", "NF_NAT_RANGE_PROTO_RANDOM",
	"NF_NAT_RANGE_PERSISTENT", "NF_NAT_RANGE_PROTO_RANDOM_FULLY", "NF_NAT_RANGE_PROTO_OFFSET",
	"NF_NAT_RANGE_NETMAP",
)

var logLevels = render.Enum{
	"NFT_LOGLEVEL_EMERG", "NFT_LOGLEVEL_ALERT", "NFT_LOGLEVEL_CRIT", "NFT_LOGLEVEL_ERR",
	"NFT_LOGLEVEL_WARNING", "NFT_LOGLEVEL_NOTICE", "NFT_LOGLEVEL_INFO", "NFT_LOGLEVEL_DEBUG",
	"NFT_LOGLEVEL_AUDIT",
}

var fibResults = render.Enum{"NFT_FIB_RESULT_UNSPEC", "NFT_FIB_RESULT_OIF", "NFT_FIB_RESULT_OIFNAME", "NFT_FIB_RESULT_ADDRTYPE"}
var fibFlags = render.Bits("NFTA_FIB_F_SADDR", "NFTA_FIB_F_DADDR", "NFTA_FIB_F_MARK", "NFTA_FIB_F_IIF", "NFTA_FIB_F_OIF", "NFTA_FIB_F_PRESENT")

// fibFlagWords names the fib flags the way nft writes them.
var fibFlagWords = render.Bits("saddr", "daddr", "mark", "iif", "oif", "present")

// lower strips prefix from the name v has in names and writes it in lower
// case: "NFT_LOGLEVEL_WARNING" becomes "warning".
func lower(names render.Enum, v uint64, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(names.Name(v), prefix))
}

// exprLine renders one expression in a line close to nft's
// --debug=netlink output, updates the register model, and sets d.stmt to
// the statement the expression completes, written the way nft or iptables
// would show it ("" for expressions that only load a register).
func (d *decoder) exprLine(family uint8, name string, a map[uint16][]byte) string {
	d.stmt = ""
	u32 := func(t uint16) (uint32, bool) { return be[uint32](a[t]) }
	regWhat := func(r uint32) string {
		if w := d.regs[r].what; w != "" {
			return w
		}
		return regText(r)
	}
	line := func(s string) string {
		d.stmt = s
		return s
	}
	switch name {
	case "meta":
		key, _ := u32(unix.NFTA_META_KEY)
		k := metaWhat(key)
		if r, ok := u32(unix.NFTA_META_DREG); ok {
			d.regs[r] = reg{what: k, kind: metaKind(key)}
			return fmt.Sprintf("meta load %s => %s", strings.TrimPrefix(k, "meta "), regText(r))
		}
		if r, ok := u32(unix.NFTA_META_SREG); ok {
			return line(fmt.Sprintf("%s set %s", k, d.regValue(r, metaKind(key))))
		}
		return k
	case "cmp":
		return d.cmpLine(a, regWhat)
	case "payload":
		base, _ := u32(unix.NFTA_PAYLOAD_BASE)
		off, _ := u32(unix.NFTA_PAYLOAD_OFFSET)
		n, _ := u32(unix.NFTA_PAYLOAD_LEN)
		loc := fmt.Sprintf("%db @ %s header + %d", n, keyShort(payloadBaseShort, base), off)
		if r, ok := u32(unix.NFTA_PAYLOAD_DREG); ok {
			rg := payloadReg(family, d.l3, base, off, n, d.l4)
			d.regs[r] = rg
			return fmt.Sprintf("payload load %s => %s (%s)", loc, regText(r), rg.what)
		}
		if r, ok := u32(unix.NFTA_PAYLOAD_SREG); ok {
			return line(fmt.Sprintf("payload write %s => %s", regText(r), loc))
		}
		return "payload " + loc
	case "immediate":
		r, _ := u32(unix.NFTA_IMMEDIATE_DREG)
		v := a[unix.NFTA_IMMEDIATE_DATA]
		if r == unix.NFT_REG_VERDICT {
			return "immediate " + line(dataText(reg{}, v))
		}
		d.regs[r] = reg{what: dataText(reg{}, v), imm: netlink.Index(v)[unix.NFTA_DATA_VALUE]}
		return fmt.Sprintf("immediate %s = %s", regText(r), dataText(reg{}, v))
	case "bitwise":
		return d.bitwiseLine(a, regWhat)
	case "lookup":
		set := render.CString(a[unix.NFTA_LOOKUP_SET])
		r, _ := u32(unix.NFTA_LOOKUP_SREG)
		flags, _ := u32(unix.NFTA_LOOKUP_FLAGS)
		if dr, ok := u32(unix.NFTA_LOOKUP_DREG); ok {
			if dr == unix.NFT_REG_VERDICT {
				return "lookup " + line(fmt.Sprintf("%s vmap @%s", regWhat(r), set))
			}
			d.regs[dr] = reg{what: fmt.Sprintf("%s map @%s", regWhat(r), set)}
			return fmt.Sprintf("lookup %s map @%s => %s", regWhat(r), set, regText(dr))
		}
		if flags&unix.NFT_LOOKUP_F_INV != 0 {
			return "lookup " + line(fmt.Sprintf("%s != @%s", regWhat(r), set))
		}
		return "lookup " + line(fmt.Sprintf("%s @%s", regWhat(r), set))
	case "ct":
		key, _ := u32(unix.NFTA_CT_KEY)
		k := keyShort(ctKeys, key)
		if dir, ok := a[unix.NFTA_CT_DIRECTION]; ok && len(dir) == 1 {
			if dir[0] == ipCtDirOriginal {
				k = "original " + k
			} else {
				k = "reply " + k
			}
		}
		if r, ok := u32(unix.NFTA_CT_DREG); ok {
			d.regs[r] = reg{what: "ct " + k, kind: ctKind(key)}
			return fmt.Sprintf("ct load %s => %s", k, regText(r))
		}
		if r, ok := u32(unix.NFTA_CT_SREG); ok {
			return line(fmt.Sprintf("ct %s set %s", k, d.regValue(r, ctKind(key))))
		}
		return "ct " + k
	case "counter":
		d.stmt = "counter"
		if s := packetsBytes(a[unix.NFTA_COUNTER_PACKETS], a[unix.NFTA_COUNTER_BYTES]); s != "" {
			return "counter " + s
		}
		return "counter"
	case "nat":
		return d.natLine(a)
	case "masq", "redir":
		s := name
		ft := uint16(unix.NFTA_MASQ_FLAGS)
		d.stmt = "masquerade"
		if name == "redir" {
			ft = unix.NFTA_REDIR_FLAGS
			d.stmt = "redirect"
		}
		if f, ok := u32(ft); ok && f != 0 {
			s += " flags " + natRangeFlags.Name(uint64(f))
		}
		return s
	case "match", "target":
		ext := compatExt{name: render.CString(a[unix.NFTA_MATCH_NAME]), target: name == "target"}
		ext.rev, _ = u32(unix.NFTA_MATCH_REV)
		_, text := compatInfo(ext, a[unix.NFTA_MATCH_INFO], 0)
		s := name + " " + ext.name
		stmt := "-m " + ext.name
		if ext.target {
			stmt = "-j " + ext.name
		}
		if text != "" {
			s += " " + text
			stmt += " " + text
		}
		d.stmt = stmt
		return s
	case "log":
		s := "log"
		if p, ok := a[unix.NFTA_LOG_PREFIX]; ok {
			s += " prefix " + render.QuoteC(p)
		}
		if g, ok := be[uint16](a[unix.NFTA_LOG_GROUP]); ok {
			s += " group " + strconv.Itoa(int(g))
		}
		if l, ok := u32(unix.NFTA_LOG_LEVEL); ok {
			s += " level " + lower(logLevels, uint64(l), "NFT_LOGLEVEL_")
		}
		return line(s)
	case "limit":
		rate, _ := be[uint64](a[unix.NFTA_LIMIT_RATE])
		unit, _ := be[uint64](a[unix.NFTA_LIMIT_UNIT])
		s := fmt.Sprintf("limit rate %d/%s", rate, timeUnit(unit))
		if t, ok := u32(unix.NFTA_LIMIT_TYPE); ok && t == unix.NFT_LIMIT_PKT_BYTES {
			s = fmt.Sprintf("limit rate %d bytes/%s", rate, timeUnit(unit))
		}
		if f, ok := u32(unix.NFTA_LIMIT_FLAGS); ok && f&unix.NFT_LIMIT_F_INV != 0 {
			s = strings.Replace(s, "rate ", "rate over ", 1)
		}
		if b, ok := u32(unix.NFTA_LIMIT_BURST); ok && b != 0 {
			s += " burst " + strconv.FormatUint(uint64(b), 10)
		}
		return line(s)
	case "reject":
		t, _ := u32(unix.NFTA_REJECT_TYPE)
		s := "reject " + lower(rejectTypes, uint64(t), "NFT_REJECT_")
		if c, ok := a[unix.NFTA_REJECT_ICMP_CODE]; ok && len(c) == 1 {
			s += " code " + strconv.Itoa(int(c[0]))
		}
		return line(s)
	case "fib":
		return d.fibLine(a)
	case "range":
		r, _ := u32(unix.NFTA_RANGE_SREG)
		op, _ := u32(unix.NFTA_RANGE_OP)
		s := regWhat(r)
		if op == unix.NFT_RANGE_NEQ {
			s += " !="
		}
		return "range " + line(s+" "+dataText(d.regs[r], a[unix.NFTA_RANGE_FROM_DATA])+"-"+dataText(d.regs[r], a[unix.NFTA_RANGE_TO_DATA]))
	case "dynset":
		op, _ := u32(unix.NFTA_DYNSET_OP)
		s := "dynset"
		if o, ok := dynsetOps.Lookup(uint64(op)); ok {
			s += " " + o
		}
		s += " @" + render.CString(a[unix.NFTA_DYNSET_SET_NAME])
		if r, ok := u32(unix.NFTA_DYNSET_SREG_KEY); ok {
			s += " { " + regWhat(r) + " }"
		}
		return line(s)
	case "byteorder":
		sr, _ := u32(unix.NFTA_BYTEORDER_SREG)
		dr, _ := u32(unix.NFTA_BYTEORDER_DREG)
		op, _ := u32(unix.NFTA_BYTEORDER_OP)
		fn := "ntoh"
		if op == unix.NFT_BYTEORDER_HTON {
			fn = "hton"
		}
		d.regs[dr] = reg{what: d.regs[sr].what}
		return fmt.Sprintf("byteorder %s = %s(%s)", regText(dr), fn, regWhat(sr))
	case "quota":
		b, _ := be[uint64](a[unix.NFTA_QUOTA_BYTES])
		return line(fmt.Sprintf("quota %d bytes", b))
	case "objref":
		if n, ok := a[unix.NFTA_OBJREF_IMM_NAME]; ok {
			t, _ := u32(unix.NFTA_OBJREF_IMM_TYPE)
			return line(fmt.Sprintf("%s name %s", lower(objectTypes, uint64(t), "NFT_OBJECT_"), render.QuoteC(n)))
		}
		return line("objref map @" + render.CString(a[unix.NFTA_OBJREF_SET_NAME]))
	case "queue":
		n, _ := be[uint16](a[unix.NFTA_QUEUE_NUM])
		return line("queue num " + strconv.Itoa(int(n)))
	case "notrack":
		return line("notrack")
	case "":
		return line("(no name)")
	}
	// Loads into a register this model does not follow invalidate it.
	if set := exprData.Formats[name]; set != nil {
		for t, sp := range set.Attrs {
			if r, ok := u32(uint16(t)); ok && strings.HasSuffix(sp.Name, "DREG") {
				delete(d.regs, r)
				return name
			}
		}
	}
	return line(name)
}

// rejectTypes names NFTA_REJECT_TYPE values.
var rejectTypes = render.Enum{"NFT_REJECT_ICMP_UNREACH", "NFT_REJECT_TCP_RST", "NFT_REJECT_ICMPX_UNREACH"}

// dynsetOps names the operations of a dynset expression the way nft does.
var dynsetOps = render.Enum{"add", "update", "delete"}

// cmpLine renders a cmp expression and notes what a comparison settles:
// the transport protocol of "th dport", the network protocol of
// "network header @12/4".
func (d *decoder) cmpLine(a map[uint16][]byte, regWhat func(uint32) string) string {
	r, _ := be[uint32](a[unix.NFTA_CMP_SREG])
	op, _ := be[uint32](a[unix.NFTA_CMP_OP])
	sym, ok := cmpSymbols.Lookup(uint64(op))
	if !ok {
		sym = strconv.FormatUint(uint64(op), 10)
	}
	rg := d.regs[r]
	value := dataText(rg, a[unix.NFTA_CMP_DATA])
	v := netlink.Index(a[unix.NFTA_CMP_DATA])[unix.NFTA_DATA_VALUE]
	if op == unix.NFT_CMP_EQ {
		switch {
		case rg.kind == kindProto:
			d.l4 = value // "th dport" below becomes "tcp dport"
		case rg.kind == kindNFProto && len(v) == 1:
			d.l3 = v[0] // "network header @12/4" becomes "ip saddr"
		case rg.kind == kindEtherType && len(v) == 2:
			switch binary.BigEndian.Uint16(v) {
			case unix.ETH_P_IP:
				d.l3 = unix.NFPROTO_IPV4
			case unix.ETH_P_IPV6:
				d.l3 = unix.NFPROTO_IPV6
			}
		}
	}
	switch {
	case rg.mask != "" && op == unix.NFT_CMP_NEQ && !anyNonZero(v):
		d.stmt = rg.base + " " + rg.mask
	case rg.mask != "" && op == unix.NFT_CMP_EQ && !anyNonZero(v):
		d.stmt = rg.base + " & " + rg.mask + " == 0"
	case op == unix.NFT_CMP_EQ:
		d.stmt = regWhat(r) + " " + value
	default:
		d.stmt = regWhat(r) + " " + sym + " " + value
	}
	return fmt.Sprintf("cmp %s %s %s", regWhat(r), sym, value)
}

// bitwiseLine renders a bitwise expression: a shift, or a mask (a prefix
// length for an address) and an optional xor.
func (d *decoder) bitwiseLine(a map[uint16][]byte, regWhat func(uint32) string) string {
	sr, _ := be[uint32](a[unix.NFTA_BITWISE_SREG])
	dr, _ := be[uint32](a[unix.NFTA_BITWISE_DREG])
	src := d.regs[sr]
	op, _ := be[uint32](a[nftaBitwiseOp])
	if op == nftBitwiseShl || op == nftBitwiseShr {
		shift, _ := be[uint32](netlink.Index(a[nftaBitwiseData])[unix.NFTA_DATA_VALUE])
		dir := "<<"
		if op == nftBitwiseShr {
			dir = ">>"
		}
		d.regs[dr] = reg{what: src.what}
		return fmt.Sprintf("bitwise %s = %s %s %d", regText(dr), regText(sr), dir, shift)
	}
	mask := netlink.Index(a[unix.NFTA_BITWISE_MASK])[unix.NFTA_DATA_VALUE]
	xor := netlink.Index(a[unix.NFTA_BITWISE_XOR])[unix.NFTA_DATA_VALUE]
	out := src
	maskText := dataText(src, a[unix.NFTA_BITWISE_MASK])
	if src.kind == kindIPv4 || src.kind == kindIPv6 {
		if p, ok := prefixLen(mask); ok {
			out.bits = p
			maskText = "/" + strconv.Itoa(p)
		}
	} else if src.what != "" {
		out.what = src.what + " & " + maskText
		out.base, out.mask = src.what, maskText
	}
	s := fmt.Sprintf("bitwise %s = (%s & %s)", regText(dr), regWhat(sr), maskText)
	if anyNonZero(xor) {
		s += " ^ " + dataText(src, a[unix.NFTA_BITWISE_XOR])
		out.base, out.mask = "", ""
	}
	d.regs[dr] = out
	return s
}

// natLine renders a nat expression and the snat or dnat statement it
// makes, with the addresses and ports loaded by immediates.
func (d *decoder) natLine(a map[uint16][]byte) string {
	u32 := func(t uint16) (uint32, bool) { return be[uint32](a[t]) }
	typ, _ := u32(unix.NFTA_NAT_TYPE)
	fam, _ := u32(unix.NFTA_NAT_FAMILY)
	s, stmt := "nat snat", "snat"
	if typ == unix.NFT_NAT_DNAT {
		s, stmt = "nat dnat", "dnat"
	}
	if f, ok := u32(unix.NFTA_NAT_FAMILY); ok {
		s += " " + familyName(uint8(f))
	}
	var to string
	if r, ok := u32(unix.NFTA_NAT_REG_ADDR_MIN); ok {
		s += " addr " + regText(r)
		to = d.regs[r].immAddr(fam)
		if r2, ok := u32(unix.NFTA_NAT_REG_ADDR_MAX); ok && r2 != r {
			s += " - " + regText(r2)
			to += "-" + d.regs[r2].immAddr(fam)
		}
	}
	if r, ok := u32(unix.NFTA_NAT_REG_PROTO_MIN); ok {
		s += " proto " + regText(r)
		to += ":" + d.regs[r].immPort()
		if r2, ok := u32(unix.NFTA_NAT_REG_PROTO_MAX); ok && r2 != r {
			s += " - " + regText(r2)
			to += "-" + d.regs[r2].immPort()
		}
	}
	if to != "" {
		stmt += " to " + to
	}
	if f, ok := u32(unix.NFTA_NAT_FLAGS); ok && f != 0 {
		s += " flags " + natRangeFlags.Name(uint64(f))
	}
	d.stmt = stmt
	return s
}

// fibLine renders a fib expression: the lookup and what it loads.
func (d *decoder) fibLine(a map[uint16][]byte) string {
	res, _ := be[uint32](a[unix.NFTA_FIB_RESULT])
	flags, _ := be[uint32](a[unix.NFTA_FIB_FLAGS])
	rs := lower(fibResults, uint64(res), "NFT_FIB_RESULT_")
	if res == unix.NFT_FIB_RESULT_ADDRTYPE {
		rs = "type"
	}
	var words []string
	for _, f := range fibFlagWords {
		if uint64(flags)&f.Mask != 0 {
			words = append(words, f.Name)
		}
	}
	what := "fib " + strings.Join(words, " . ") + " " + rs
	if r, ok := be[uint32](a[unix.NFTA_FIB_DREG]); ok {
		kind := kindUnknown
		switch res {
		case unix.NFT_FIB_RESULT_OIFNAME:
			kind = kindIfname
		case unix.NFT_FIB_RESULT_ADDRTYPE:
			kind = kindAddrType
		case unix.NFT_FIB_RESULT_OIF:
			kind = kindHostInt
		}
		d.regs[r] = reg{what: what, kind: kind}
		return fmt.Sprintf("%s => %s", what, regText(r))
	}
	return what
}

// regValue renders what register r holds for a statement that stores it
// in a field of the given kind: a constant loaded by immediate is shown in
// that kind ("0x10" for a mark), anything else by its source.
func (d *decoder) regValue(r uint32, kind regKind) string {
	rg := d.regs[r]
	if rg.imm != nil {
		if t, ok := valueText(reg{kind: kind}, rg.imm); ok {
			return t
		}
	}
	if rg.what != "" {
		return rg.what
	}
	return regText(r)
}

// immAddr renders an address loaded by an immediate expression.
func (r reg) immAddr(family uint32) string {
	if len(r.imm) == 4 || (len(r.imm) == 16 && family == unix.NFPROTO_IPV6) {
		a, _ := netip.AddrFromSlice(r.imm)
		return a.String()
	}
	return r.what
}

// immPort renders a port loaded by an immediate expression.
func (r reg) immPort() string {
	if p, ok := be[uint16](r.imm); ok {
		return strconv.Itoa(int(p))
	}
	return r.what
}

// timeUnits names the units of a limit the way nft does.
var timeUnits = map[uint64]string{1: "second", 60: "minute", 3600: "hour", 86400: "day", 604800: "week"}

func timeUnit(seconds uint64) string {
	if u, ok := timeUnits[seconds]; ok {
		return u
	}
	return strconv.FormatUint(seconds, 10) + "s"
}

// prefixLen returns the prefix length of a contiguous network mask.
func prefixLen(mask []byte) (int, bool) {
	if len(mask) == 0 {
		return 0, false
	}
	n, ended := 0, false
	for _, c := range mask {
		ones := bits.LeadingZeros8(^c)
		if ended && c != 0 || c<<ones != 0 {
			return 0, false
		}
		n += ones
		if ones < 8 {
			ended = true
		}
	}
	return n, true
}

func anyNonZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return true
		}
	}
	return false
}
