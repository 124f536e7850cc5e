package nftables

// nf_tables rule expressions (NFTA_EXPR_*): attribute spaces per expression
// type, a one-line rendering of each expression, and a small model of the
// registers so compared values can be shown as interface names, addresses
// or conntrack states instead of raw bytes.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/event"
)

// nftRegKind says how the bytes held in a register are to be read.
type nftRegKind uint8

const (
	nftKindUnknown   nftRegKind = iota
	nftKindIfname               // interface name, NUL-padded (a missing NUL means a prefix match)
	nftKindIPv4                 // IPv4 address, possibly a prefix
	nftKindIPv6                 // IPv6 address, possibly a prefix
	nftKindCtState              // conntrack state bits, host byte order
	nftKindCtStatus             // conntrack status bits (IPS_*), host byte order
	nftKindProto                // IP protocol number
	nftKindPort                 // 16-bit port, network byte order
	nftKindAddrType             // route type (RTN_*), host byte order
	nftKindNFProto              // NFPROTO_* family, one byte
	nftKindEtherType            // ethertype, network byte order
	nftKindMark                 // 32-bit mark, host byte order
	nftKindHostInt              // other integer in host byte order
)

// nftReg describes what a register holds while a rule is decoded.
type nftReg struct {
	what string // "oifname", "ip saddr", "ct state"
	kind nftRegKind
	bits int    // prefix length set by a payload length or bitwise mask, 0 if none
	base string // for a masked value: what was masked ("ct state")
	mask string // and the mask, rendered ("established,related")
	imm  []byte // value loaded by an immediate expression
}

// nftRegName names a register number as in enum nft_registers.
func nftRegName(r uint32) string {
	switch {
	case r == 0:
		return "NFT_REG_VERDICT"
	case r >= 1 && r <= 4:
		return "NFT_REG_" + strconv.Itoa(int(r))
	case r >= 8 && r <= 23:
		return fmt.Sprintf("NFT_REG32_%02d", r-8)
	}
	return strconv.FormatUint(uint64(r), 10)
}

// nftRegText names a register in expression lines.
func nftRegText(r uint32) string {
	return "reg " + strconv.FormatUint(uint64(r), 10)
}

// nftExprList decodes a list of NFTA_LIST_ELEM expressions and returns the
// expression names in order and the rule they make, as statements.
func (d *nfDecoder) nftExprList(a nfAttr) ([]event.Field, []string, string) {
	var names, stmts []string
	kids := d.attrs(a.data, a.off+4, func(e nfAttr) event.Field {
		if e.typ != 1 {
			return d.unknownAttr(e, "NFTA_LIST")
		}
		f, name := d.nftExpr(e, "NFTA_LIST_ELEM")
		if d.stmt != "" {
			stmts = append(stmts, d.stmt)
		}
		label := name
		if name == "match" || name == "target" {
			if n := nfCString(nfIndex(nfIndex(e.data)[2])[1]); n != "" {
				label += ":" + n
			}
		}
		names = append(names, label)
		return f
	})
	return kids, names, strings.Join(stmts, " ")
}

// nftXt is the match or target whose private data is being decoded.
type nftXt struct {
	name   string
	rev    uint32
	target bool
}

// nftExpr decodes one expression (NFTA_EXPR_NAME and NFTA_EXPR_DATA) in a
// field named name, and returns the expression's type name.
func (d *nfDecoder) nftExpr(a nfAttr, name string) (event.Field, string) {
	idx := nfIndex(a.data)
	ename := nfCString(idx[1])
	edata := nfIndex(idx[2])
	if d.regs == nil {
		d.regs = make(map[uint32]nftReg)
	}

	// Set the context the expression's data attributes are read in.
	d.data = nftReg{}
	var xt nftXt
	switch ename {
	case "cmp", "range":
		if r, ok := nfBE32(edata[1]); ok {
			d.data = d.regs[r]
		}
	case "bitwise":
		if r, ok := nfBE32(edata[1]); ok {
			d.data = d.regs[r]
		}
	case "match", "target":
		xt = nftXt{name: nfCString(edata[1]), target: ename == "target"}
		xt.rev, _ = nfBE32(edata[2])
	}

	f := a.field(name, "")
	f.Children = d.attrs(a.data, a.off+4, func(c nfAttr) event.Field {
		switch c.typ {
		case 1:
			return c.field("NFTA_EXPR_NAME", strconv.Quote(nfCString(c.data)))
		case 2:
			df := c.field("NFTA_EXPR_DATA", "")
			s := nftExprSets[ename]
			if s == nil {
				df.Children = d.set(c.data, c.off+4, nil)
				return df
			}
			df.Children = d.attrs(c.data, c.off+4, func(x nfAttr) event.Field {
				if (ename == "match" && x.typ == 3) || (ename == "target" && x.typ == 3) {
					xf := x.field(s.attrs[3].name, nfHex(x.data))
					xf.Children, _ = xtInfo(xt, x.data, x.off+4)
					return xf
				}
				return d.attr(x, s)
			})
			return df
		}
		return d.unknownAttr(c, "NFTA_EXPR")
	})
	f.Value = d.nftExprLine(ename, edata, xt)
	d.data = nftReg{}
	return f, ename
}

// nftData decodes a struct nft_data block (NFTA_DATA_VALUE or
// NFTA_DATA_VERDICT) and returns its children and a short rendering.
func (d *nfDecoder) nftData(a nfAttr) ([]event.Field, string) {
	var text string
	kids := d.attrs(a.data, a.off+4, func(c nfAttr) event.Field {
		switch c.typ {
		case 1:
			v := nfHex(c.data)
			t, ok := nftValueText(d.data, c.data)
			if ok {
				v += " (" + t + ")"
			} else {
				t = "0x" + nfHex(c.data)
			}
			text = t
			return c.field("NFTA_DATA_VALUE", v)
		case 2:
			vf := c.field("NFTA_DATA_VERDICT", "")
			vf.Children = d.set(c.data, c.off+4, &nftDataVerdictSet)
			vf.Value = nftVerdictData(c.data)
			text = vf.Value
			return vf
		}
		return d.unknownAttr(c, "NFTA_DATA")
	})
	return kids, text
}

// nftVerdictData renders an NFTA_DATA_VERDICT block ("jump DOCKER").
func nftVerdictData(b []byte) string {
	idx := nfIndex(b)
	code, ok := nfBE32(idx[1])
	if !ok {
		return ""
	}
	return nftVerdictText(int32(code), nfCString(idx[2]))
}

// nftDataText renders the payload of a struct nft_data block read as r.
func nftDataText(r nftReg, b []byte) string {
	idx := nfIndex(b)
	if v, ok := idx[2]; ok {
		return nftVerdictData(v)
	}
	v, ok := idx[1]
	if !ok {
		return ""
	}
	if t, ok := nftValueText(r, v); ok {
		return t
	}
	return "0x" + nfHex(v)
}

// nftSetElemText renders one set element (NFTA_SET_ELEM_*) as "key : data".
func nftSetElemText(b []byte) string {
	idx := nfIndex(b)
	var s string
	if k, ok := idx[1]; ok {
		s = nftDataText(nftReg{}, k)
	}
	if k, ok := idx[10]; ok {
		s += "-" + nftDataText(nftReg{}, k)
	}
	if v, ok := nfBE32(idx[3]); ok && v&2 != 0 {
		s = "*"
	}
	if v, ok := idx[2]; ok {
		s += " : " + nftDataText(nftReg{}, v)
	}
	if v, ok := nfBE32(idx[3]); ok && v&1 != 0 {
		s += " (interval end)"
	}
	return s
}

// nftValueText interprets the bytes of a value compared with, or loaded
// into, a register holding r.
func nftValueText(r nftReg, b []byte) (string, bool) {
	switch r.kind {
	case nftKindIfname:
		s := nfCString(b)
		if len(s) == len(b) {
			s += "*"
		}
		return strconv.Quote(s), true
	case nftKindIPv4, nftKindIPv6:
		n := 4
		if r.kind == nftKindIPv6 {
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
	case nftKindCtState:
		if len(b) != 4 {
			return "", false
		}
		return nftCtStateText(binary.LittleEndian.Uint32(b)), true
	case nftKindCtStatus:
		if len(b) != 4 {
			return "", false
		}
		v := binary.LittleEndian.Uint32(b)
		return strings.ToLower(strings.ReplaceAll(nfFlagNames(ctStatusNames, uint64(v)), "IPS_", "")), true
	case nftKindProto:
		if len(b) != 1 {
			return "", false
		}
		return nfProtoName(b[0]), true
	case nftKindPort:
		if len(b) != 2 {
			return "", false
		}
		return strconv.Itoa(int(binary.BigEndian.Uint16(b))), true
	case nftKindAddrType:
		if len(b) != 4 {
			return "", false
		}
		return nftRouteType(binary.LittleEndian.Uint32(b)), true
	case nftKindNFProto:
		if len(b) != 1 {
			return "", false
		}
		return nfFamilyName(b[0]), true
	case nftKindEtherType:
		if len(b) != 2 {
			return "", false
		}
		switch v := binary.BigEndian.Uint16(b); v {
		case 0x0800:
			return "ip", true
		case 0x86dd:
			return "ip6", true
		case 0x0806:
			return "arp", true
		case 0x8100:
			return "vlan", true
		default:
			return fmt.Sprintf("0x%04x", v), true
		}
	case nftKindMark:
		if len(b) != 4 {
			return "", false
		}
		return fmt.Sprintf("0x%x", binary.LittleEndian.Uint32(b)), true
	case nftKindHostInt:
		if len(b) != 4 {
			return "", false
		}
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b)), 10), true
	}
	if s, ok := nfPrintable(b); ok {
		return strconv.Quote(s), true
	}
	return "", false
}

// nftCtStateText renders conntrack state bits (NF_CT_STATE_*_BIT) as nft
// does: invalid, established, related, new, untracked.
func nftCtStateText(v uint32) string {
	if v == 0 {
		return "0"
	}
	names := []struct {
		bit  uint32
		name string
	}{{1 << 0, "invalid"}, {1 << 1, "established"}, {1 << 2, "related"}, {1 << 3, "new"}, {1 << 6, "untracked"}}
	var parts []string
	for _, n := range names {
		if v&n.bit != 0 {
			parts = append(parts, n.name)
			v &^= n.bit
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", v))
	}
	return strings.Join(parts, ",")
}

var nftRouteTypes = []string{
	"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
	"blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve",
}

func nftRouteType(v uint32) string {
	if int(v) < len(nftRouteTypes) {
		return nftRouteTypes[v]
	}
	return strconv.FormatUint(uint64(v), 10)
}

// nftMetaKeys lists enum nft_meta_keys without the NFT_META_ prefix.
var nftMetaKeys = []string{
	"LEN", "PROTOCOL", "PRIORITY", "MARK", "IIF", "OIF", "IIFNAME", "OIFNAME",
	"IIFTYPE", "OIFTYPE", "SKUID", "SKGID", "NFTRACE", "RTCLASSID", "SECMARK",
	"NFPROTO", "L4PROTO", "BRI_IIFNAME", "BRI_OIFNAME", "PKTTYPE", "CPU",
	"IIFGROUP", "OIFGROUP", "CGROUP", "PRANDOM", "SECPATH", "IIFKIND", "OIFKIND",
	"BRI_IIFPVID", "BRI_IIFVPROTO", "TIME_NS", "TIME_DAY", "TIME_HOUR", "SDIF", "SDIFNAME",
}

// nftCtKeys lists enum nft_ct_keys without the NFT_CT_ prefix.
var nftCtKeys = []string{
	"STATE", "DIRECTION", "STATUS", "MARK", "SECMARK", "EXPIRATION", "HELPER",
	"L3PROTOCOL", "SRC", "DST", "PROTOCOL", "PROTO_SRC", "PROTO_DST", "LABELS",
	"PKTS", "BYTES", "AVGPKT", "ZONE", "EVENTMASK", "SRC_IP", "DST_IP",
	"SRC_IP6", "DST_IP6", "ID",
}

func nftPrefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

func nftKeyShort(names []string, v uint32) string {
	if int(v) < len(names) {
		return strings.ToLower(names[v])
	}
	return strconv.FormatUint(uint64(v), 10)
}

// nftMetaWhat names a meta key as nft writes it: interface keys bare
// ("oifname"), the others qualified ("meta l4proto").
func nftMetaWhat(key uint32) string {
	k := nftKeyShort(nftMetaKeys, key)
	switch key {
	case 4, 5, 6, 7, 8, 9, 21, 22: // IIF OIF IIFNAME OIFNAME IIFTYPE OIFTYPE IIFGROUP OIFGROUP
		return k
	}
	return "meta " + k
}

func nftMetaKind(key uint32) nftRegKind {
	switch key {
	case 6, 7, 17, 18, 26, 27, 34: // IIFNAME OIFNAME BRI_IIFNAME BRI_OIFNAME IIFKIND OIFKIND SDIFNAME
		return nftKindIfname
	case 16: // L4PROTO
		return nftKindProto
	case 15: // NFPROTO
		return nftKindNFProto
	case 1: // PROTOCOL
		return nftKindEtherType
	case 3: // MARK
		return nftKindMark
	case 4, 5, 10, 11, 33: // IIF OIF SKUID SKGID SDIF
		return nftKindHostInt
	}
	return nftKindUnknown
}

func nftCtKind(key uint32) nftRegKind {
	switch key {
	case 0:
		return nftKindCtState
	case 2:
		return nftKindCtStatus
	case 3:
		return nftKindMark
	case 7:
		return nftKindNFProto
	case 10:
		return nftKindProto
	case 11, 12:
		return nftKindPort
	case 19, 20:
		return nftKindIPv4
	case 21, 22:
		return nftKindIPv6
	}
	return nftKindUnknown
}

var nftPayloadBases = []string{"NFT_PAYLOAD_LL_HEADER", "NFT_PAYLOAD_NETWORK_HEADER", "NFT_PAYLOAD_TRANSPORT_HEADER", "NFT_PAYLOAD_INNER_HEADER"}
var nftPayloadBaseShort = []string{"link", "network", "transport", "inner"}

// nftPayloadReg names the header field a payload load reads. In inet,
// bridge and netdev tables l3 is the network protocol an earlier comparison
// settled on; l4 is the transport protocol, if any.
func nftPayloadReg(family, l3 uint8, base, off, n uint32, l4 string) nftReg {
	net := family
	if family == 1 || family == 5 || family == 7 {
		net = l3
	}
	th := "th"
	if l4 == "tcp" || l4 == "udp" || l4 == "sctp" || l4 == "dccp" || l4 == "udplite" {
		th = l4
	}
	switch base {
	case 0:
		if family == 7 || family == 5 { // bridge, netdev: Ethernet header
			switch {
			case off == 0 && n == 6:
				return nftReg{what: "ether daddr"}
			case off == 6 && n == 6:
				return nftReg{what: "ether saddr"}
			case off == 12 && n == 2:
				return nftReg{what: "ether type", kind: nftKindEtherType}
			}
		}
	case 1:
		switch net {
		case 2:
			switch {
			case off == 12 && n >= 1 && n <= 4:
				return nftReg{what: "ip saddr", kind: nftKindIPv4}
			case off == 16 && n >= 1 && n <= 4:
				return nftReg{what: "ip daddr", kind: nftKindIPv4}
			case off == 9 && n == 1:
				return nftReg{what: "ip protocol", kind: nftKindProto}
			case off == 8 && n == 1:
				return nftReg{what: "ip ttl"}
			}
		case 10:
			switch {
			case off == 8 && n >= 1 && n <= 16:
				return nftReg{what: "ip6 saddr", kind: nftKindIPv6}
			case off == 24 && n >= 1 && n <= 16:
				return nftReg{what: "ip6 daddr", kind: nftKindIPv6}
			case off == 6 && n == 1:
				return nftReg{what: "ip6 nexthdr", kind: nftKindProto}
			}
		}
	case 2:
		switch {
		case off == 0 && n == 2:
			return nftReg{what: th + " sport", kind: nftKindPort}
		case off == 2 && n == 2:
			return nftReg{what: th + " dport", kind: nftKindPort}
		}
	}
	return nftReg{what: fmt.Sprintf("%s header @%d/%d", nftKeyShort(nftPayloadBaseShort, base), off, n)}
}

var nftCmpOps = []string{"NFT_CMP_EQ", "NFT_CMP_NEQ", "NFT_CMP_LT", "NFT_CMP_LTE", "NFT_CMP_GT", "NFT_CMP_GTE"}
var nftCmpSymbols = []string{"==", "!=", "<", "<=", ">", ">="}

var nftNATRangeFlags = []string{
	"NF_NAT_RANGE_MAP_IPS", "NF_NAT_RANGE_PROTO_SPECIFIED", "NF_NAT_RANGE_PROTO_RANDOM",
	"NF_NAT_RANGE_PERSISTENT", "NF_NAT_RANGE_PROTO_RANDOM_FULLY", "NF_NAT_RANGE_PROTO_OFFSET",
	"NF_NAT_RANGE_NETMAP",
}

var nftLogLevels = []string{
	"NFT_LOGLEVEL_EMERG", "NFT_LOGLEVEL_ALERT", "NFT_LOGLEVEL_CRIT", "NFT_LOGLEVEL_ERR",
	"NFT_LOGLEVEL_WARNING", "NFT_LOGLEVEL_NOTICE", "NFT_LOGLEVEL_INFO", "NFT_LOGLEVEL_DEBUG",
	"NFT_LOGLEVEL_AUDIT",
}

var nftFibResults = []string{"NFT_FIB_RESULT_UNSPEC", "NFT_FIB_RESULT_OIF", "NFT_FIB_RESULT_OIFNAME", "NFT_FIB_RESULT_ADDRTYPE"}
var nftFibFlags = []string{"NFTA_FIB_F_SADDR", "NFTA_FIB_F_DADDR", "NFTA_FIB_F_MARK", "NFTA_FIB_F_IIF", "NFTA_FIB_F_OIF", "NFTA_FIB_F_PRESENT"}

var (
	nftMetaSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_META_DREG", kind: nfReg},
		2: {name: "NFTA_META_KEY", kind: nfEnum32, enum: nftPrefixed("NFT_META_", nftMetaKeys)},
		3: {name: "NFTA_META_SREG", kind: nfReg},
	}}
	nftCmpSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_CMP_SREG", kind: nfReg},
		2: {name: "NFTA_CMP_OP", kind: nfEnum32, enum: nftCmpOps},
		3: {name: "NFTA_CMP_DATA", kind: nfData},
	}}
	nftPayloadSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_PAYLOAD_DREG", kind: nfReg},
		2: {name: "NFTA_PAYLOAD_BASE", kind: nfEnum32, enum: nftPayloadBases},
		3: {name: "NFTA_PAYLOAD_OFFSET", kind: nfU32},
		4: {name: "NFTA_PAYLOAD_LEN", kind: nfU32},
		5: {name: "NFTA_PAYLOAD_SREG", kind: nfReg},
		6: {name: "NFTA_PAYLOAD_CSUM_TYPE", kind: nfEnum32, enum: []string{"NFT_PAYLOAD_CSUM_NONE", "NFT_PAYLOAD_CSUM_INET", "NFT_PAYLOAD_CSUM_SCTP"}},
		7: {name: "NFTA_PAYLOAD_CSUM_OFFSET", kind: nfU32},
		8: {name: "NFTA_PAYLOAD_CSUM_FLAGS", kind: nfFlags32, flags: []string{"NFT_PAYLOAD_L4CSUM_PSEUDOHDR"}},
	}}
	nftImmediateSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_IMMEDIATE_DREG", kind: nfReg},
		2: {name: "NFTA_IMMEDIATE_DATA", kind: nfData},
	}}
	nftBitwiseSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_BITWISE_SREG", kind: nfReg},
		2: {name: "NFTA_BITWISE_DREG", kind: nfReg},
		3: {name: "NFTA_BITWISE_LEN", kind: nfU32},
		4: {name: "NFTA_BITWISE_MASK", kind: nfData},
		5: {name: "NFTA_BITWISE_XOR", kind: nfData},
		6: {name: "NFTA_BITWISE_OP", kind: nfEnum32, enum: []string{"NFT_BITWISE_MASK_XOR", "NFT_BITWISE_LSHIFT", "NFT_BITWISE_RSHIFT", "NFT_BITWISE_AND", "NFT_BITWISE_OR", "NFT_BITWISE_XOR"}},
		7: {name: "NFTA_BITWISE_DATA", kind: nfData},
		8: {name: "NFTA_BITWISE_SREG2", kind: nfReg},
	}}
	nftLookupSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_LOOKUP_SET", kind: nfString},
		2: {name: "NFTA_LOOKUP_SREG", kind: nfReg},
		3: {name: "NFTA_LOOKUP_DREG", kind: nfReg},
		4: {name: "NFTA_LOOKUP_SET_ID", kind: nfU32},
		5: {name: "NFTA_LOOKUP_FLAGS", kind: nfFlags32, flags: []string{"NFT_LOOKUP_F_INV"}},
	}}
	nftCtSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_CT_DREG", kind: nfReg},
		2: {name: "NFTA_CT_KEY", kind: nfEnum32, enum: nftPrefixed("NFT_CT_", nftCtKeys)},
		3: {name: "NFTA_CT_DIRECTION", kind: nfEnum8, enum: []string{"IP_CT_DIR_ORIGINAL", "IP_CT_DIR_REPLY"}},
		4: {name: "NFTA_CT_SREG", kind: nfReg},
	}}
	nftNATSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_NAT_TYPE", kind: nfEnum32, enum: []string{"NFT_NAT_SNAT", "NFT_NAT_DNAT"}},
		2: {name: "NFTA_NAT_FAMILY", kind: nfFamily32},
		3: {name: "NFTA_NAT_REG_ADDR_MIN", kind: nfReg},
		4: {name: "NFTA_NAT_REG_ADDR_MAX", kind: nfReg},
		5: {name: "NFTA_NAT_REG_PROTO_MIN", kind: nfReg},
		6: {name: "NFTA_NAT_REG_PROTO_MAX", kind: nfReg},
		7: {name: "NFTA_NAT_FLAGS", kind: nfFlags32, flags: nftNATRangeFlags},
	}}
	nftMasqSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_MASQ_FLAGS", kind: nfFlags32, flags: nftNATRangeFlags},
		2: {name: "NFTA_MASQ_REG_PROTO_MIN", kind: nfReg},
		3: {name: "NFTA_MASQ_REG_PROTO_MAX", kind: nfReg},
	}}
	nftRedirSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_REDIR_REG_PROTO_MIN", kind: nfReg},
		2: {name: "NFTA_REDIR_REG_PROTO_MAX", kind: nfReg},
		3: {name: "NFTA_REDIR_FLAGS", kind: nfFlags32, flags: nftNATRangeFlags},
	}}
	nftMatchSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_MATCH_NAME", kind: nfString},
		2: {name: "NFTA_MATCH_REV", kind: nfU32},
		3: {name: "NFTA_MATCH_INFO", kind: nfBinary},
	}}
	nftTargetSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_TARGET_NAME", kind: nfString},
		2: {name: "NFTA_TARGET_REV", kind: nfU32},
		3: {name: "NFTA_TARGET_INFO", kind: nfBinary},
	}}
	nftLogSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_LOG_GROUP", kind: nfU16},
		2: {name: "NFTA_LOG_PREFIX", kind: nfString},
		3: {name: "NFTA_LOG_SNAPLEN", kind: nfU32},
		4: {name: "NFTA_LOG_QTHRESHOLD", kind: nfU16},
		5: {name: "NFTA_LOG_LEVEL", kind: nfEnum32, enum: nftLogLevels},
		6: {name: "NFTA_LOG_FLAGS", kind: nfFlags32, flags: []string{"NF_LOG_TCPSEQ", "NF_LOG_TCPOPT", "NF_LOG_IPOPT", "NF_LOG_UID", "NF_LOG_NFLOG", "NF_LOG_MACDECODE"}},
	}}
	nftLimitSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_LIMIT_RATE", kind: nfU64},
		2: {name: "NFTA_LIMIT_UNIT", kind: nfU64},
		3: {name: "NFTA_LIMIT_BURST", kind: nfU32},
		4: {name: "NFTA_LIMIT_TYPE", kind: nfEnum32, enum: []string{"NFT_LIMIT_PKTS", "NFT_LIMIT_PKT_BYTES"}},
		5: {name: "NFTA_LIMIT_FLAGS", kind: nfFlags32, flags: []string{"NFT_LIMIT_F_INV"}},
		6: {name: "NFTA_LIMIT_PAD", kind: nfBinary},
	}}
	nftRejectSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_REJECT_TYPE", kind: nfEnum32, enum: []string{"NFT_REJECT_ICMP_UNREACH", "NFT_REJECT_TCP_RST", "NFT_REJECT_ICMPX_UNREACH"}},
		2: {name: "NFTA_REJECT_ICMP_CODE", kind: nfU8},
	}}
	nftFibSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_FIB_DREG", kind: nfReg},
		2: {name: "NFTA_FIB_RESULT", kind: nfEnum32, enum: nftFibResults},
		3: {name: "NFTA_FIB_FLAGS", kind: nfFlags32, flags: nftFibFlags},
	}}
	nftRangeSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_RANGE_SREG", kind: nfReg},
		2: {name: "NFTA_RANGE_OP", kind: nfEnum32, enum: []string{"NFT_RANGE_EQ", "NFT_RANGE_NEQ"}},
		3: {name: "NFTA_RANGE_FROM_DATA", kind: nfData},
		4: {name: "NFTA_RANGE_TO_DATA", kind: nfData},
	}}
	nftDynsetSet = nfSet{attrs: []nfSpec{
		1:  {name: "NFTA_DYNSET_SET_NAME", kind: nfString},
		2:  {name: "NFTA_DYNSET_SET_ID", kind: nfU32},
		3:  {name: "NFTA_DYNSET_OP", kind: nfEnum32, enum: []string{"NFT_DYNSET_OP_ADD", "NFT_DYNSET_OP_UPDATE", "NFT_DYNSET_OP_DELETE"}},
		4:  {name: "NFTA_DYNSET_SREG_KEY", kind: nfReg},
		5:  {name: "NFTA_DYNSET_SREG_DATA", kind: nfReg},
		6:  {name: "NFTA_DYNSET_TIMEOUT", kind: nfU64},
		7:  {name: "NFTA_DYNSET_EXPR", kind: nfExpr},
		8:  {name: "NFTA_DYNSET_PAD", kind: nfBinary},
		9:  {name: "NFTA_DYNSET_FLAGS", kind: nfFlags32, flags: []string{"NFT_DYNSET_F_INV", "NFT_DYNSET_F_EXPR"}},
		10: {name: "NFTA_DYNSET_EXPRESSIONS", kind: nfExprList},
	}}
	nftByteorderSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_BYTEORDER_SREG", kind: nfReg},
		2: {name: "NFTA_BYTEORDER_DREG", kind: nfReg},
		3: {name: "NFTA_BYTEORDER_OP", kind: nfEnum32, enum: []string{"NFT_BYTEORDER_NTOH", "NFT_BYTEORDER_HTON"}},
		4: {name: "NFTA_BYTEORDER_LEN", kind: nfU32},
		5: {name: "NFTA_BYTEORDER_SIZE", kind: nfU32},
	}}
	nftExthdrSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_EXTHDR_DREG", kind: nfReg},
		2: {name: "NFTA_EXTHDR_TYPE", kind: nfU8},
		3: {name: "NFTA_EXTHDR_OFFSET", kind: nfU32},
		4: {name: "NFTA_EXTHDR_LEN", kind: nfU32},
		5: {name: "NFTA_EXTHDR_FLAGS", kind: nfFlags32, flags: []string{"NFT_EXTHDR_F_PRESENT"}},
		6: {name: "NFTA_EXTHDR_OP", kind: nfEnum32, enum: []string{"NFT_EXTHDR_OP_IPV6", "NFT_EXTHDR_OP_TCPOPT", "NFT_EXTHDR_OP_IPV4", "NFT_EXTHDR_OP_SCTP", "NFT_EXTHDR_OP_DCCP"}},
		7: {name: "NFTA_EXTHDR_SREG", kind: nfReg},
	}}
	nftQuotaSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_QUOTA_BYTES", kind: nfU64},
		2: {name: "NFTA_QUOTA_FLAGS", kind: nfFlags32, flags: []string{"NFT_QUOTA_F_INV", "NFT_QUOTA_F_DEPLETED"}},
		3: {name: "NFTA_QUOTA_PAD", kind: nfBinary},
		4: {name: "NFTA_QUOTA_CONSUMED", kind: nfU64},
	}}
	nftConnlimitSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_CONNLIMIT_COUNT", kind: nfU32},
		2: {name: "NFTA_CONNLIMIT_FLAGS", kind: nfFlags32, flags: []string{"NFT_CONNLIMIT_F_INV"}},
	}}
	nftObjrefSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_OBJREF_IMM_TYPE", kind: nfObjType},
		2: {name: "NFTA_OBJREF_IMM_NAME", kind: nfString},
		3: {name: "NFTA_OBJREF_SET_SREG", kind: nfReg},
		4: {name: "NFTA_OBJREF_SET_NAME", kind: nfString},
		5: {name: "NFTA_OBJREF_SET_ID", kind: nfU32},
	}}
	nftQueueSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_QUEUE_NUM", kind: nfU16},
		2: {name: "NFTA_QUEUE_TOTAL", kind: nfU16},
		3: {name: "NFTA_QUEUE_FLAGS", kind: nfFlags16, flags: []string{"NFT_QUEUE_FLAG_BYPASS", "NFT_QUEUE_FLAG_CPU_FANOUT"}},
		4: {name: "NFTA_QUEUE_SREG_QNUM", kind: nfReg},
	}}
	nftRtSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_RT_DREG", kind: nfReg},
		2: {name: "NFTA_RT_KEY", kind: nfEnum32, enum: []string{"NFT_RT_CLASSID", "NFT_RT_NEXTHOP4", "NFT_RT_NEXTHOP6", "NFT_RT_TCPMSS", "NFT_RT_XFRM"}},
	}}
	nftSocketSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_SOCKET_KEY", kind: nfEnum32, enum: []string{"NFT_SOCKET_TRANSPARENT", "NFT_SOCKET_MARK", "NFT_SOCKET_WILDCARD", "NFT_SOCKET_CGROUPV2"}},
		2: {name: "NFTA_SOCKET_DREG", kind: nfReg},
		3: {name: "NFTA_SOCKET_LEVEL", kind: nfU32},
	}}
	nftNumgenSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_NG_DREG", kind: nfReg},
		2: {name: "NFTA_NG_MODULUS", kind: nfU32},
		3: {name: "NFTA_NG_TYPE", kind: nfEnum32, enum: []string{"NFT_NG_INCREMENTAL", "NFT_NG_RANDOM"}},
		4: {name: "NFTA_NG_OFFSET", kind: nfU32},
	}}
	nftHashSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_HASH_SREG", kind: nfReg},
		2: {name: "NFTA_HASH_DREG", kind: nfReg},
		3: {name: "NFTA_HASH_LEN", kind: nfU32},
		4: {name: "NFTA_HASH_MODULUS", kind: nfU32},
		5: {name: "NFTA_HASH_SEED", kind: nfHex32},
		6: {name: "NFTA_HASH_OFFSET", kind: nfU32},
		7: {name: "NFTA_HASH_TYPE", kind: nfEnum32, enum: []string{"NFT_HASH_JENKINS", "NFT_HASH_SYM"}},
	}}
	nftLastSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_LAST_SET", kind: nfU32},
		2: {name: "NFTA_LAST_MSECS", kind: nfU64},
		3: {name: "NFTA_LAST_PAD", kind: nfBinary},
	}}
	nftFlowOffloadSet = nfSet{attrs: []nfSpec{1: {name: "NFTA_FLOW_TABLE_NAME", kind: nfString}}}
	nftDupSet         = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_DUP_SREG_ADDR", kind: nfReg},
		2: {name: "NFTA_DUP_SREG_DEV", kind: nfReg},
	}}
	nftFwdSet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_FWD_SREG_DEV", kind: nfReg},
		2: {name: "NFTA_FWD_SREG_ADDR", kind: nfReg},
		3: {name: "NFTA_FWD_NFPROTO", kind: nfFamily32},
	}}
	nftSynproxySet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_SYNPROXY_MSS", kind: nfU16},
		2: {name: "NFTA_SYNPROXY_WSCALE", kind: nfU8},
		3: {name: "NFTA_SYNPROXY_FLAGS", kind: nfHex32},
	}}
	nftTproxySet = nfSet{attrs: []nfSpec{
		1: {name: "NFTA_TPROXY_FAMILY", kind: nfFamily32},
		2: {name: "NFTA_TPROXY_REG_ADDR", kind: nfReg},
		3: {name: "NFTA_TPROXY_REG_PORT", kind: nfReg},
	}}
	nftNotrackSet = nfSet{}
)

// nftExprSets maps an expression type name (NFTA_EXPR_NAME) to the
// attribute space of its NFTA_EXPR_DATA.
var nftExprSets = map[string]*nfSet{
	"meta": &nftMetaSet, "cmp": &nftCmpSet, "payload": &nftPayloadSet,
	"immediate": &nftImmediateSet, "bitwise": &nftBitwiseSet, "lookup": &nftLookupSet,
	"ct": &nftCtSet, "counter": &nftCounterSet, "nat": &nftNATSet, "masq": &nftMasqSet,
	"redir": &nftRedirSet, "match": &nftMatchSet, "target": &nftTargetSet, "log": &nftLogSet,
	"limit": &nftLimitSet, "reject": &nftRejectSet, "fib": &nftFibSet, "range": &nftRangeSet,
	"dynset": &nftDynsetSet, "byteorder": &nftByteorderSet, "exthdr": &nftExthdrSet,
	"quota": &nftQuotaSet, "connlimit": &nftConnlimitSet, "objref": &nftObjrefSet,
	"queue": &nftQueueSet, "rt": &nftRtSet, "socket": &nftSocketSet, "numgen": &nftNumgenSet,
	"hash": &nftHashSet, "last": &nftLastSet, "flow_offload": &nftFlowOffloadSet,
	"dup": &nftDupSet, "fwd": &nftFwdSet, "synproxy": &nftSynproxySet, "tproxy": &nftTproxySet,
	"notrack": &nftNotrackSet,
}

// nftExprLine renders one expression in a line close to nft's
// --debug=netlink output, updates the register model, and sets d.stmt to
// the statement the expression completes, written the way nft or iptables
// would show it ("" for expressions that only load a register).
func (d *nfDecoder) nftExprLine(name string, a map[uint16][]byte, xt nftXt) string {
	d.stmt = ""
	u32 := func(t uint16) (uint32, bool) { return nfBE32(a[t]) }
	regWhat := func(r uint32) string {
		if w := d.regs[r].what; w != "" {
			return w
		}
		return nftRegText(r)
	}
	line := func(s string) string {
		d.stmt = s
		return s
	}
	switch name {
	case "meta":
		key, _ := u32(2)
		k := nftMetaWhat(key)
		if r, ok := u32(1); ok {
			d.regs[r] = nftReg{what: k, kind: nftMetaKind(key)}
			return fmt.Sprintf("meta load %s => %s", strings.TrimPrefix(k, "meta "), nftRegText(r))
		}
		if r, ok := u32(3); ok {
			return line(fmt.Sprintf("%s set %s", k, d.regValue(r, nftMetaKind(key))))
		}
		return k
	case "cmp":
		r, _ := u32(1)
		op, _ := u32(2)
		sym := strconv.FormatUint(uint64(op), 10)
		if int(op) < len(nftCmpSymbols) {
			sym = nftCmpSymbols[op]
		}
		reg := d.regs[r]
		value := nftDataText(reg, a[3])
		if v := nfIndex(a[3])[1]; op == 0 {
			switch {
			case reg.kind == nftKindProto:
				d.l4 = value // "th dport" below becomes "tcp dport"
			case reg.kind == nftKindNFProto && len(v) == 1:
				d.l3 = v[0] // "network header @12/4" becomes "ip saddr"
			case reg.kind == nftKindEtherType && len(v) == 2:
				switch binary.BigEndian.Uint16(v) {
				case 0x0800:
					d.l3 = 2
				case 0x86dd:
					d.l3 = 10
				}
			}
		}
		switch {
		case reg.mask != "" && op == 1 && !nftAnyNonZero(nfIndex(a[3])[1]):
			d.stmt = reg.base + " " + reg.mask
		case reg.mask != "" && op == 0 && !nftAnyNonZero(nfIndex(a[3])[1]):
			d.stmt = reg.base + " & " + reg.mask + " == 0"
		case op == 0:
			d.stmt = regWhat(r) + " " + value
		default:
			d.stmt = regWhat(r) + " " + sym + " " + value
		}
		return fmt.Sprintf("cmp %s %s %s", regWhat(r), sym, value)
	case "payload":
		base, _ := u32(2)
		off, _ := u32(3)
		n, _ := u32(4)
		loc := fmt.Sprintf("%db @ %s header + %d", n, nftKeyShort(nftPayloadBaseShort, base), off)
		if r, ok := u32(1); ok {
			reg := nftPayloadReg(d.family, d.l3, base, off, n, d.l4)
			d.regs[r] = reg
			return fmt.Sprintf("payload load %s => %s (%s)", loc, nftRegText(r), reg.what)
		}
		if r, ok := u32(5); ok {
			return line(fmt.Sprintf("payload write %s => %s", nftRegText(r), loc))
		}
		return "payload " + loc
	case "immediate":
		r, _ := u32(1)
		if r == 0 {
			return "immediate " + line(nftDataText(nftReg{}, a[2]))
		}
		v := nfIndex(a[2])[1]
		d.regs[r] = nftReg{what: nftDataText(nftReg{}, a[2]), imm: v}
		return fmt.Sprintf("immediate %s = %s", nftRegText(r), nftDataText(nftReg{}, a[2]))
	case "bitwise":
		sr, _ := u32(1)
		dr, _ := u32(2)
		src := d.regs[sr]
		op, _ := u32(6)
		if op == 1 || op == 2 {
			shift, _ := nfBE32(nfIndex(a[7])[1])
			dir := "<<"
			if op == 2 {
				dir = ">>"
			}
			d.regs[dr] = nftReg{what: src.what}
			return fmt.Sprintf("bitwise %s = %s %s %d", nftRegText(dr), nftRegText(sr), dir, shift)
		}
		mask := nfIndex(a[4])[1]
		xor := nfIndex(a[5])[1]
		out := src
		maskText := nftDataText(src, a[4])
		if src.kind == nftKindIPv4 || src.kind == nftKindIPv6 {
			if p, ok := nftPrefixLen(mask); ok {
				out.bits = p
				maskText = "/" + strconv.Itoa(p)
			}
		} else if src.what != "" {
			out.what = src.what + " & " + maskText
			out.base, out.mask = src.what, maskText
		}
		s := fmt.Sprintf("bitwise %s = (%s & %s)", nftRegText(dr), regWhat(sr), maskText)
		if nftAnyNonZero(xor) {
			s += " ^ " + nftDataText(src, a[5])
			out.base, out.mask = "", ""
		}
		d.regs[dr] = out
		return s
	case "lookup":
		set := nfCString(a[1])
		r, _ := u32(2)
		flags, _ := u32(5)
		if dr, ok := u32(3); ok {
			if dr == 0 {
				return "lookup " + line(fmt.Sprintf("%s vmap @%s", regWhat(r), set))
			}
			d.regs[dr] = nftReg{what: fmt.Sprintf("%s map @%s", regWhat(r), set)}
			return fmt.Sprintf("lookup %s map @%s => %s", regWhat(r), set, nftRegText(dr))
		}
		if flags&1 != 0 {
			return "lookup " + line(fmt.Sprintf("%s != @%s", regWhat(r), set))
		}
		return "lookup " + line(fmt.Sprintf("%s @%s", regWhat(r), set))
	case "ct":
		key, _ := u32(2)
		k := nftKeyShort(nftCtKeys, key)
		if dir, ok := a[3]; ok && len(dir) == 1 {
			if dir[0] == 0 {
				k = "original " + k
			} else {
				k = "reply " + k
			}
		}
		if r, ok := u32(1); ok {
			d.regs[r] = nftReg{what: "ct " + k, kind: nftCtKind(key)}
			return fmt.Sprintf("ct load %s => %s", k, nftRegText(r))
		}
		if r, ok := u32(4); ok {
			return line(fmt.Sprintf("ct %s set %s", k, d.regValue(r, nftCtKind(key))))
		}
		return "ct " + k
	case "counter":
		d.stmt = "counter"
		p, ok1 := nfBE64(a[2])
		b, ok2 := nfBE64(a[1])
		if !ok1 || !ok2 {
			return "counter"
		}
		return fmt.Sprintf("counter packets %d bytes %d", p, b)
	case "nat":
		typ, _ := u32(1)
		fam, _ := u32(2)
		s, stmt := "nat snat", "snat"
		if typ == 1 {
			s, stmt = "nat dnat", "dnat"
		}
		if f, ok := u32(2); ok {
			s += " " + nfFamilyName(uint8(f))
		}
		var to string
		if r, ok := u32(3); ok {
			s += " addr " + nftRegText(r)
			to = d.regs[r].immAddr(fam)
			if r2, ok := u32(4); ok && r2 != r {
				s += " - " + nftRegText(r2)
				to += "-" + d.regs[r2].immAddr(fam)
			}
		}
		if r, ok := u32(5); ok {
			s += " proto " + nftRegText(r)
			to += ":" + d.regs[r].immPort()
			if r2, ok := u32(6); ok && r2 != r {
				s += " - " + nftRegText(r2)
				to += "-" + d.regs[r2].immPort()
			}
		}
		if to != "" {
			stmt += " to " + to
		}
		if f, ok := u32(7); ok && f != 0 {
			s += " flags " + nfFlagNames(nftNATRangeFlags, uint64(f))
		}
		d.stmt = stmt
		return s
	case "masq", "redir":
		s := name
		ft := uint16(1)
		d.stmt = "masquerade"
		if name == "redir" {
			ft = 3
			d.stmt = "redirect"
		}
		if f, ok := u32(ft); ok && f != 0 {
			s += " flags " + nfFlagNames(nftNATRangeFlags, uint64(f))
		}
		return s
	case "match", "target":
		_, text := xtInfo(xt, a[3], 0)
		s := name + " " + xt.name
		stmt := "-m " + xt.name
		if name == "target" {
			stmt = "-j " + xt.name
		}
		if text != "" {
			s += " " + text
			stmt += " " + text
		}
		d.stmt = stmt
		return s
	case "log":
		s := "log"
		if p, ok := a[2]; ok {
			s += " prefix " + strconv.Quote(nfCString(p))
		}
		if g, ok := nftBE16(a[1]); ok {
			s += " group " + strconv.Itoa(int(g))
		}
		if l, ok := u32(5); ok {
			s += " level " + strings.ToLower(strings.TrimPrefix(nfEnumName(nftLogLevels, uint64(l)), "NFT_LOGLEVEL_"))
		}
		return line(s)
	case "limit":
		rate, _ := nfBE64(a[1])
		unit, _ := nfBE64(a[2])
		s := fmt.Sprintf("limit rate %d/%s", rate, nftTimeUnit(unit))
		if t, ok := u32(4); ok && t == 1 {
			s = fmt.Sprintf("limit rate %d bytes/%s", rate, nftTimeUnit(unit))
		}
		if f, ok := u32(5); ok && f&1 != 0 {
			s = strings.Replace(s, "rate ", "rate over ", 1)
		}
		if b, ok := u32(3); ok && b != 0 {
			s += " burst " + strconv.FormatUint(uint64(b), 10)
		}
		return line(s)
	case "reject":
		t, _ := u32(1)
		s := "reject " + strings.ToLower(strings.TrimPrefix(nfEnumName(nftRejectSet.attrs[1].enum, uint64(t)), "NFT_REJECT_"))
		if c, ok := a[2]; ok && len(c) == 1 {
			s += " code " + strconv.Itoa(int(c[0]))
		}
		return line(s)
	case "fib":
		res, _ := u32(2)
		flags, _ := u32(3)
		var fl []string
		for i, n := range []string{"saddr", "daddr", "mark", "iif", "oif", "present"} {
			if flags&(1<<i) != 0 {
				fl = append(fl, n)
			}
		}
		rs := strings.ToLower(strings.TrimPrefix(nfEnumName(nftFibResults, uint64(res)), "NFT_FIB_RESULT_"))
		if res == 3 {
			rs = "type"
		}
		what := "fib " + strings.Join(fl, " . ") + " " + rs
		if r, ok := u32(1); ok {
			kind := nftKindUnknown
			switch res {
			case 2:
				kind = nftKindIfname
			case 3:
				kind = nftKindAddrType
			case 1:
				kind = nftKindHostInt
			}
			d.regs[r] = nftReg{what: what, kind: kind}
			return fmt.Sprintf("%s => %s", what, nftRegText(r))
		}
		return what
	case "range":
		r, _ := u32(1)
		op, _ := u32(2)
		s := regWhat(r)
		if op == 1 {
			s += " !="
		}
		return "range " + line(s+" "+nftDataText(d.regs[r], a[3])+"-"+nftDataText(d.regs[r], a[4]))
	case "dynset":
		op, _ := u32(3)
		ops := []string{"add", "update", "delete"}
		s := "dynset"
		if int(op) < len(ops) {
			s += " " + ops[op]
		}
		s += " @" + nfCString(a[1])
		if r, ok := u32(4); ok {
			s += " { " + regWhat(r) + " }"
		}
		return line(s)
	case "byteorder":
		sr, _ := u32(1)
		dr, _ := u32(2)
		op, _ := u32(3)
		fn := "ntoh"
		if op == 1 {
			fn = "hton"
		}
		d.regs[dr] = nftReg{what: d.regs[sr].what}
		return fmt.Sprintf("byteorder %s = %s(%s)", nftRegText(dr), fn, regWhat(sr))
	case "quota":
		b, _ := nfBE64(a[1])
		return line(fmt.Sprintf("quota %d bytes", b))
	case "objref":
		if n, ok := a[2]; ok {
			t, _ := u32(1)
			return line(fmt.Sprintf("%s name %s", strings.ToLower(strings.TrimPrefix(nfEnumName(nftObjectTypes, uint64(t)), "NFT_OBJECT_")), strconv.Quote(nfCString(n))))
		}
		return line("objref map @" + nfCString(a[4]))
	case "queue":
		n, _ := nftBE16(a[1])
		return line("queue num " + strconv.Itoa(int(n)))
	case "notrack":
		return line("notrack")
	case "":
		return line("(no name)")
	}
	for _, t := range []uint16{1, 2} {
		// Loads into a register this model does not follow invalidate it.
		if r, ok := u32(t); ok && strings.HasSuffix(nftExprSets[name].attrName(t), "DREG") {
			delete(d.regs, r)
			return name
		}
	}
	return line(name)
}

// regValue renders what register r holds for a statement that stores it
// in a field of the given kind: a constant loaded by immediate is shown in
// that kind ("0x10" for a mark), anything else by its source.
func (d *nfDecoder) regValue(r uint32, kind nftRegKind) string {
	reg := d.regs[r]
	if reg.imm != nil {
		if t, ok := nftValueText(nftReg{kind: kind}, reg.imm); ok {
			return t
		}
	}
	if reg.what != "" {
		return reg.what
	}
	return nftRegText(r)
}

// immAddr renders an address loaded by an immediate expression.
func (r nftReg) immAddr(family uint32) string {
	if len(r.imm) == 4 || (len(r.imm) == 16 && family == 10) {
		a, _ := netip.AddrFromSlice(r.imm)
		return a.String()
	}
	return r.what
}

// immPort renders a port loaded by an immediate expression.
func (r nftReg) immPort() string {
	if len(r.imm) == 2 {
		return strconv.Itoa(int(binary.BigEndian.Uint16(r.imm)))
	}
	return r.what
}

// attrName returns the name of attribute type t, or "".
func (s *nfSet) attrName(t uint16) string {
	if s == nil || int(t) >= len(s.attrs) {
		return ""
	}
	return s.attrs[t].name
}

func nftTimeUnit(seconds uint64) string {
	switch seconds {
	case 1:
		return "second"
	case 60:
		return "minute"
	case 3600:
		return "hour"
	case 86400:
		return "day"
	case 604800:
		return "week"
	}
	return strconv.FormatUint(seconds, 10) + "s"
}

// nftPrefixLen returns the prefix length of a contiguous network mask.
func nftPrefixLen(mask []byte) (int, bool) {
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

func nftAnyNonZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return true
		}
	}
	return false
}
