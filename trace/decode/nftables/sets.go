package nftables

// Set elements are bare bytes: only the set's definition (NFTA_SET_KEY_TYPE
// and NFTA_SET_DATA_TYPE, nft's datatype numbers) says whether four bytes
// are an IPv4 address or a mark. Definitions are remembered in the
// decoding context as NFT_MSG_NEWSET messages go by (a batch that creates
// a set and adds elements, nft's GETSET dump before it adds elements), and
// elements are shown by their set's types; elements of a set not seen are
// shown in hex, with what their length suggests.

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// setDef is what a set's definition says about its elements.
type setDef struct {
	keyType, dataType uint32 // nft datatypes, concatenations in 6-bit groups
	keyLen, dataLen   uint32
	hasData           bool
}

// setKey names a set in the context's memory: by family, table and name,
// or by the batch-local NFTA_SET_ID a batch uses for a set it creates.
func setKey(family uint8, table, name string) string {
	return "nft set " + strconv.Itoa(int(family)) + " " + table + " " + name
}

func setIDKey(id uint32) string { return "nft set id " + strconv.FormatUint(uint64(id), 10) }

// rememberSet records the definition an NFT_MSG_NEWSET carries.
func rememberSet(ctx *netlink.Context, family uint8, idx map[uint16][]byte) {
	if ctx == nil {
		return
	}
	var def setDef
	var ok bool
	if def.keyType, ok = be[uint32](idx[unix.NFTA_SET_KEY_TYPE]); !ok {
		return
	}
	def.keyLen, _ = be[uint32](idx[unix.NFTA_SET_KEY_LEN])
	def.dataType, def.hasData = be[uint32](idx[unix.NFTA_SET_DATA_TYPE])
	def.dataLen, _ = be[uint32](idx[unix.NFTA_SET_DATA_LEN])
	ctx.Remember(setKey(family, render.CString(idx[unix.NFTA_SET_TABLE]), render.CString(idx[unix.NFTA_SET_NAME])), def)
	if id, ok := be[uint32](idx[unix.NFTA_SET_ID]); ok {
		ctx.Remember(setIDKey(id), def)
	}
}

// recallSet finds the definition of the set a set-element message is for.
func recallSet(ctx *netlink.Context, family uint8, idx map[uint16][]byte) (setDef, bool) {
	v, ok := ctx.Recall(setKey(family, render.CString(idx[unix.NFTA_SET_ELEM_LIST_TABLE]), render.CString(idx[unix.NFTA_SET_ELEM_LIST_SET])))
	if !ok {
		if id, ok2 := be[uint32](idx[unix.NFTA_SET_ELEM_LIST_SET_ID]); ok2 {
			v, ok = ctx.Recall(setIDKey(id))
		}
	}
	def, isDef := v.(setDef)
	return def, ok && isDef
}

// typeKinds says how the value of a single nft datatype is read, and its
// size in bytes; a concatenation pads each part to 4 bytes.
var typeKinds = map[uint32]struct {
	kind regKind
	size int
}{
	2: {kindNFProto, 1}, 7: {kindIPv4, 4}, 8: {kindIPv6, 16}, 9: {kindEther, 6},
	10: {kindEtherType, 2}, 12: {kindProto, 1}, 13: {kindPort, 2}, 19: {kindMark, 4},
	20: {kindHostInt, 4}, 26: {kindCtState, 4}, 41: {kindIfname, 16},
}

// typedValue renders b as a value of nft datatype t (possibly a
// concatenation, "10.0.0.1 . 80").
func typedValue(t uint32, b []byte) (string, bool) {
	if t < 64 {
		k, ok := typeKinds[t]
		if !ok {
			return "", false
		}
		return valueText(reg{kind: k.kind}, b)
	}
	var types []uint32
	for v := t; v != 0; v >>= 6 {
		types = append([]uint32{v & 0x3f}, types...)
	}
	var parts []string
	off := 0
	for _, part := range types {
		k, ok := typeKinds[part]
		if !ok || off+k.size > len(b) {
			return "", false
		}
		s, ok := valueText(reg{kind: k.kind}, b[off:off+k.size])
		if !ok {
			return "", false
		}
		parts = append(parts, s)
		off += (k.size + 3) &^ 3
	}
	if off != len(b) {
		return "", false
	}
	return strings.Join(parts, " . "), true
}

// guessText says what a value of an unknown set's key may be: text, or
// by its length an address, a port, a MAC address.
func guessText(b []byte) (string, bool) {
	if s, ok := render.Text(b); ok {
		return render.Quote(s), true // an interface name
	}
	switch len(b) {
	case 2:
		return "port " + strconv.Itoa(int(render.Bytes(b).BE16(0))) + "?", true
	case 4, 16:
		a, _ := netip.AddrFromSlice(b)
		return "address " + a.String() + "?", true
	case 6:
		return "MAC " + render.MAC(b) + "?", true
	}
	return "", false
}

// elemKey and elemData decode NFTA_SET_ELEM_KEY (and KEY_END) and
// NFTA_SET_ELEM_DATA by the types of their set.
func elemKey(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	return elemValue(w, a, state(w).setKey)
}

func elemData(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	return elemValue(w, a, state(w).setData)
}

func elemValue(w *netlink.Walker, a netlink.Attr, r reg) (string, []event.Field) {
	d := state(w)
	d.data = r
	text, kids := data(w, a)
	d.data = reg{}
	return text, kids
}

// setElemRegs sets how the elements of a set-element message read: by
// their set's definition when it is known, else by guessing.
func (d *decoder) setElemRegs(family uint8, idx map[uint16][]byte) {
	def, ok := recallSet(d.ctx, family, idx)
	if !ok {
		d.setKey, d.setData = reg{kind: kindGuess}, reg{kind: kindGuess}
		return
	}
	d.setKey = reg{kind: kindTyped, nftType: def.keyType}
	d.setData = reg{kind: kindGuess}
	if def.hasData && def.dataType != unix.NFT_DATA_VERDICT {
		d.setData = reg{kind: kindTyped, nftType: def.dataType}
	}
}

// The user data nft stores with tables, chains, rules, sets, elements and
// objects is libnftnl's type-length-value list (libnftnl/udata.h): one
// byte of type, one of length, the value. Each owner numbers its types.

// udataKind says how a user data value reads.
type udataKind uint8

const (
	udString    udataKind = iota // NUL-terminated text (comments)
	udU32                        // a u32 in host byte order
	udByteorder                  // enum byteorder
	udVerdict                    // a verdict code
	udTypeof                     // nested TLVs: the expression a set is typed by
	udExprType                   // nft's enum expr_types
	udRaw                        // bytes
)

// udataType is one type of an owner's user data.
type udataType struct {
	name string
	kind udataKind
}

// Each owner's user data types (enum nftnl_udata_*_types).
var (
	tableUdata = []udataType{{"NFTNL_UDATA_TABLE_COMMENT", udString}}
	chainUdata = []udataType{{"NFTNL_UDATA_CHAIN_COMMENT", udString}}
	ruleUdata  = []udataType{{"NFTNL_UDATA_RULE_COMMENT", udString}, {"NFTNL_UDATA_RULE_EBTABLES_POLICY", udVerdict}}
	objUdata   = []udataType{{"NFTNL_UDATA_OBJ_COMMENT", udString}}
	setUdata   = []udataType{
		{"NFTNL_UDATA_SET_KEYBYTEORDER", udByteorder}, {"NFTNL_UDATA_SET_DATABYTEORDER", udByteorder},
		{"NFTNL_UDATA_SET_MERGE_ELEMENTS", udU32}, {"NFTNL_UDATA_SET_KEY_TYPEOF", udTypeof},
		{"NFTNL_UDATA_SET_DATA_TYPEOF", udTypeof}, {"NFTNL_UDATA_SET_EXPR", udRaw},
		{"NFTNL_UDATA_SET_DATA_INTERVAL", udU32}, {"NFTNL_UDATA_SET_COMMENT", udString},
	}
	setElemUdata = []udataType{{"NFTNL_UDATA_SET_ELEM_COMMENT", udString}, {"NFTNL_UDATA_SET_ELEM_FLAGS", udU32}}
	typeofUdata  = []udataType{{"NFTNL_UDATA_SET_TYPEOF_EXPR", udExprType}, {"NFTNL_UDATA_SET_TYPEOF_DATA", udRaw}}
)

// exprTypes names nft's enum expr_types (nftables' include/expression.h),
// the kind of expression a set is declared with (typeof, or a concatenation).
var exprTypes = render.Enum{
	"EXPR_INVALID", "EXPR_VERDICT", "EXPR_SYMBOL", "EXPR_VARIABLE", "EXPR_VALUE",
	"EXPR_PREFIX", "EXPR_RANGE", "EXPR_PAYLOAD", "EXPR_EXTHDR", "EXPR_META",
	"EXPR_SOCKET", "EXPR_OSF", "EXPR_CT", "EXPR_CONCAT",
}

// byteorders names nft's enum byteorder.
var byteorders = render.Enum{"BYTEORDER_INVALID", "BYTEORDER_HOST_ENDIAN", "BYTEORDER_BIG_ENDIAN"}

// userdataOf returns the decoder of an owner's user data attribute.
func userdataOf(types []udataType) netlink.DecodeFunc {
	return func(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
		return udata(types, a.Data, a.DataOff())
	}
}

// udata decodes a user data TLV list at off. Its value is the comment
// when there is one, else its members' values.
func udata(types []udataType, b []byte, off int) (string, []event.Field) {
	var kids []event.Field
	var comment string
	var values []string
	for pos := 0; pos+2 <= len(b); {
		t, l := b[pos], int(b[pos+1])
		if pos+2+l > len(b) {
			kids = append(kids, event.Field{Name: "truncated", Value: render.Hex(b[pos:]), Offset: off + pos, Length: len(b) - pos})
			break
		}
		v := b[pos+2 : pos+2+l]
		ut := udataType{name: "udata type " + strconv.Itoa(int(t)), kind: udRaw}
		if int(t) < len(types) {
			ut = types[t]
		}
		f := event.Field{Name: ut.name, Offset: off + pos, Length: 2 + l}
		f.Value, f.Children = udataValue(ut.kind, v, off+pos+2)
		if ut.kind == udString && comment == "" && strings.HasSuffix(ut.name, "_COMMENT") {
			comment = f.Value
		}
		values = append(values, f.Value)
		kids = append(kids, f)
		pos += 2 + l
	}
	if comment != "" {
		return "comment " + comment, kids
	}
	return strings.Join(values, ", "), kids
}

// udataValue renders one user data value of kind k at off.
func udataValue(k udataKind, v []byte, off int) (string, []event.Field) {
	rb := render.Bytes(v)
	switch k {
	case udString:
		if s, ok := render.Text(v); ok {
			return render.Quote(s), nil
		}
	case udU32, udByteorder, udVerdict, udExprType:
		if len(v) != 4 {
			break
		}
		n := rb.U32(0)
		switch k {
		case udByteorder:
			return byteorders.Name(uint64(n)), nil
		case udVerdict:
			return verdictName.Name(uint64(n)), nil
		case udExprType:
			return exprTypes.Name(uint64(n)), nil
		}
		return strconv.FormatUint(uint64(n), 10), nil
	case udTypeof:
		s, kids := udata(typeofUdata, v, off)
		return "typeof " + s, kids
	}
	if len(v) == 0 {
		return "(empty)", nil
	}
	return render.Hex(v), nil
}

// setBackend renders NFTA_SET_TYPE: the kernel prints its set backend's
// ops with %ps, a symbol name, or an address when the kernel keeps no
// symbol names.
func setBackend(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	s := render.CString(a.Data)
	if strings.HasPrefix(s, "0x") {
		return render.Quote(s) + " (the backend's address: the kernel has no symbol names)", nil
	}
	return render.Quote(s), nil
}

// HasSetMessages reports whether a NETLINK_NETFILTER payload holds an
// nf_tables set or set-element message: the messages whose decoding
// learns from, or depends on, the messages before them.
func HasSetMessages(b []byte) bool {
	rb := render.Bytes(b)
	for off := 0; off+netlink.HeaderLen <= len(b); {
		n, typ := int(rb.U32(off)), rb.U16(off+4)
		if typ>>8 == unix.NFNL_SUBSYS_NFTABLES && int(uint8(typ)) < len(msgObjects) {
			if o := msgObjects[uint8(typ)]; o == objSet || o == objSetElem {
				return true
			}
		}
		if n < netlink.HeaderLen {
			break
		}
		off += (n + 3) &^ 3
	}
	return false
}
