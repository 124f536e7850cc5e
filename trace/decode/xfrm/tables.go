package xfrm

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
)

// Value names (linux/xfrm.h, linux/in.h).
var (
	protoNames  = render.EnumMap{0: "0", 50: "IPPROTO_ESP", 51: "IPPROTO_AH", 108: "IPPROTO_COMP", 41: "IPPROTO_IPV6", 43: "IPPROTO_ROUTING", 60: "IPPROTO_DSTOPTS", 255: "IPSEC_PROTO_ANY"}
	modeNames   = render.Enum{"XFRM_MODE_TRANSPORT", "XFRM_MODE_TUNNEL", "XFRM_MODE_ROUTEOPTIMIZATION", "XFRM_MODE_IN_TRIGGER", "XFRM_MODE_BEET", "XFRM_MODE_IPTFS"}
	dirNames    = render.Enum{"XFRM_POLICY_IN", "XFRM_POLICY_OUT", "XFRM_POLICY_FWD"}
	actionNames = render.Enum{"XFRM_POLICY_ALLOW", "XFRM_POLICY_BLOCK"}
	saFlags     = render.Bits("XFRM_STATE_NOECN", "XFRM_STATE_DECAP_DSCP", "XFRM_STATE_NOPMTUDISC", "XFRM_STATE_WILDRECV", "XFRM_STATE_ICMP", "XFRM_STATE_AF_UNSPEC", "XFRM_STATE_ALIGN4", "XFRM_STATE_ESN")
	policyFlags = render.Bits("XFRM_POLICY_LOCALOK", "XFRM_POLICY_ICMP")
	shareNames  = render.Enum{"XFRM_SHARE_ANY", "XFRM_SHARE_SESSION", "XFRM_SHARE_USER", "XFRM_SHARE_UNIQUE"}
	family16    = render.NamerFunc(func(v uint64) string { return sockaddr.AFNames.Name(v) })
)

// selector is struct xfrm_selector, its members prefixed.
func selector(prefix string) []netlink.Member {
	return []netlink.Member{
		{Name: prefix + "daddr", Type: netlink.Binary, Len: 16},
		{Name: prefix + "saddr", Type: netlink.Binary, Len: 16},
		{Name: prefix + "dport", Type: netlink.BE16},
		{Name: prefix + "dport_mask", Type: netlink.BE16, Values: render.HexInt},
		{Name: prefix + "sport", Type: netlink.BE16},
		{Name: prefix + "sport_mask", Type: netlink.BE16, Values: render.HexInt},
		{Name: prefix + "family", Type: netlink.U16, Values: family16},
		{Name: prefix + "prefixlen_d", Type: netlink.U8},
		{Name: prefix + "prefixlen_s", Type: netlink.U8},
		{Name: prefix + "proto", Type: netlink.U8},
		{Type: netlink.Pad, Len: 3},
		{Name: prefix + "ifindex", Type: netlink.S32, Values: netlink.Ifindex},
		{Name: prefix + "user", Type: netlink.U32},
	}
}

// lifetimeCfg is struct xfrm_lifetime_cfg and lifetimeCur struct
// xfrm_lifetime_cur, their members prefixed.
func lifetimeCfg(p string) []netlink.Member {
	var m []netlink.Member
	for _, n := range []string{"soft_byte_limit", "hard_byte_limit", "soft_packet_limit", "hard_packet_limit",
		"soft_add_expires_seconds", "hard_add_expires_seconds", "soft_use_expires_seconds", "hard_use_expires_seconds"} {
		m = append(m, netlink.Member{Name: p + n, Type: netlink.U64})
	}
	return m
}

func lifetimeCur(p string) []netlink.Member {
	return []netlink.Member{{Name: p + "bytes", Type: netlink.U64}, {Name: p + "packets", Type: netlink.U64}, {Name: p + "add_time", Type: netlink.U64}, {Name: p + "use_time", Type: netlink.U64}}
}

func concat(parts ...[]netlink.Member) []netlink.Member {
	var m []netlink.Member
	for _, p := range parts {
		m = append(m, p...)
	}
	return m
}

// The fixed headers.
var (
	xfrmID = func(p string) []netlink.Member {
		return []netlink.Member{
			{Name: p + "daddr", Type: netlink.Binary, Len: 16},
			{Name: p + "spi", Type: netlink.BE32, Values: render.HexInt},
			{Name: p + "proto", Type: netlink.U8, Values: protoNames},
			{Type: netlink.Pad, Len: 3},
		}
	}
	usersaInfo = concat(selector("sel."), xfrmID("id."), []netlink.Member{{Name: "saddr", Type: netlink.Binary, Len: 16}},
		lifetimeCfg("lft."), lifetimeCur("curlft."),
		[]netlink.Member{
			{Name: "stats.replay_window", Type: netlink.U32}, {Name: "stats.replay", Type: netlink.U32}, {Name: "stats.integrity_failed", Type: netlink.U32},
			{Name: "seq", Type: netlink.U32}, {Name: "reqid", Type: netlink.U32}, {Name: "family", Type: netlink.U16, Values: family16},
			{Name: "mode", Type: netlink.U8, Values: modeNames}, {Name: "replay_window", Type: netlink.U8},
			{Name: "flags", Type: netlink.U8, Values: saFlags}, {Type: netlink.Pad, Len: 7},
		})
	usersaID = []netlink.Member{
		{Name: "daddr", Type: netlink.Binary, Len: 16},
		{Name: "spi", Type: netlink.BE32, Values: render.HexInt},
		{Name: "family", Type: netlink.U16, Values: family16},
		{Name: "proto", Type: netlink.U8, Values: protoNames},
		{Type: netlink.Pad, Len: 1},
	}
	userpolicyInfo = concat(selector("sel."), lifetimeCfg("lft."), lifetimeCur("curlft."), []netlink.Member{
		{Name: "priority", Type: netlink.U32}, {Name: "index", Type: netlink.U32},
		{Name: "dir", Type: netlink.U8, Values: dirNames}, {Name: "action", Type: netlink.U8, Values: actionNames},
		{Name: "flags", Type: netlink.U8, Values: policyFlags}, {Name: "share", Type: netlink.U8, Values: shareNames},
		{Type: netlink.Pad, Len: 4},
	})
	userpolicyID = concat(selector("sel."), []netlink.Member{
		{Name: "index", Type: netlink.U32}, {Name: "dir", Type: netlink.U8, Values: dirNames}, {Type: netlink.Pad, Len: 3},
	})
	aeventID = concat([]netlink.Member{
		{Name: "sa_id.daddr", Type: netlink.Binary, Len: 16}, {Name: "sa_id.spi", Type: netlink.BE32, Values: render.HexInt},
		{Name: "sa_id.family", Type: netlink.U16, Values: family16}, {Name: "sa_id.proto", Type: netlink.U8, Values: protoNames}, {Type: netlink.Pad, Len: 1},
		{Name: "saddr", Type: netlink.Binary, Len: 16}, {Name: "flags", Type: netlink.U32}, {Name: "reqid", Type: netlink.U32},
	})
	userTmpl = concat(xfrmID("id."), []netlink.Member{
		{Name: "family", Type: netlink.U16, Values: family16}, {Type: netlink.Pad, Len: 2},
		{Name: "saddr", Type: netlink.Binary, Len: 16}, {Name: "reqid", Type: netlink.U32},
		{Name: "mode", Type: netlink.U8, Values: modeNames}, {Name: "share", Type: netlink.U8, Values: shareNames},
		{Name: "optional", Type: netlink.U8}, {Type: netlink.Pad, Len: 1},
		{Name: "aalgos", Type: netlink.U32, Values: render.HexInt}, {Name: "ealgos", Type: netlink.U32, Values: render.HexInt},
		{Name: "calgos", Type: netlink.U32, Values: render.HexInt},
	})
)

// attrSet holds the XFRMA_* attributes.
var attrSet = netlink.AttrSet{Prefix: "XFRMA", Attrs: []netlink.AttrSpec{
	0:  {Name: "XFRMA_UNSPEC"},
	1:  {Name: "XFRMA_ALG_AUTH", Type: netlink.Custom, Decode: algo("")},
	2:  {Name: "XFRMA_ALG_CRYPT", Type: netlink.Custom, Decode: algo("")},
	3:  {Name: "XFRMA_ALG_COMP", Type: netlink.Custom, Decode: algo("")},
	4:  {Name: "XFRMA_ENCAP", Type: netlink.Binary},
	5:  {Name: "XFRMA_TMPL", Type: netlink.Custom, Decode: templates},
	6:  {Name: "XFRMA_SA", Type: netlink.Binary, Struct: usersaInfo},
	7:  {Name: "XFRMA_POLICY", Type: netlink.Binary, Struct: userpolicyInfo},
	8:  {Name: "XFRMA_SEC_CTX", Type: netlink.Binary},
	9:  {Name: "XFRMA_LTIME_VAL", Type: netlink.Binary, Struct: lifetimeCur("")},
	10: {Name: "XFRMA_REPLAY_VAL", Type: netlink.Binary, Struct: []netlink.Member{{Name: "oseq", Type: netlink.U32}, {Name: "seq", Type: netlink.U32}, {Name: "bitmap", Type: netlink.U32, Values: render.HexInt}}},
	11: {Name: "XFRMA_REPLAY_THRESH", Type: netlink.U32},
	12: {Name: "XFRMA_ETIMER_THRESH", Type: netlink.U32},
	13: {Name: "XFRMA_SRCADDR", Type: netlink.Binary},
	14: {Name: "XFRMA_COADDR", Type: netlink.Binary},
	15: {Name: "XFRMA_LASTUSED", Type: netlink.U64},
	16: {Name: "XFRMA_POLICY_TYPE", Type: netlink.Binary, Struct: []netlink.Member{{Name: "type", Type: netlink.U8, Values: render.Enum{"XFRM_POLICY_TYPE_MAIN", "XFRM_POLICY_TYPE_SUB"}}, {Type: netlink.Pad, Len: 5}}},
	17: {Name: "XFRMA_MIGRATE", Type: netlink.Binary},
	18: {Name: "XFRMA_ALG_AEAD", Type: netlink.Custom, Decode: algo("alg_icv_len")},
	19: {Name: "XFRMA_KMADDRESS", Type: netlink.Binary},
	20: {Name: "XFRMA_ALG_AUTH_TRUNC", Type: netlink.Custom, Decode: algo("alg_trunc_len")},
	21: {Name: "XFRMA_MARK", Type: netlink.Binary, Struct: []netlink.Member{{Name: "v", Type: netlink.U32, Values: render.HexInt}, {Name: "m", Type: netlink.U32, Values: render.HexInt}}},
	22: {Name: "XFRMA_TFCPAD", Type: netlink.U32},
	23: {Name: "XFRMA_REPLAY_ESN_VAL", Type: netlink.Binary},
	24: {Name: "XFRMA_SA_EXTRA_FLAGS", Type: netlink.U32, Values: render.Bits("XFRM_SA_XFLAG_DONT_ENCAP_DSCP", "XFRM_SA_XFLAG_OSEQ_MAY_WRAP")},
	25: {Name: "XFRMA_PROTO", Type: netlink.U8, Values: protoNames},
	26: {Name: "XFRMA_ADDRESS_FILTER", Type: netlink.Binary},
	27: {Name: "XFRMA_PAD", Type: netlink.Binary},
	28: {Name: "XFRMA_OFFLOAD_DEV", Type: netlink.Binary},
	29: {Name: "XFRMA_SET_MARK", Type: netlink.U32, Values: render.HexInt},
	30: {Name: "XFRMA_SET_MARK_MASK", Type: netlink.U32, Values: render.HexInt},
	31: {Name: "XFRMA_IF_ID", Type: netlink.U32},
	32: {Name: "XFRMA_MTIMER_THRESH", Type: netlink.U32},
	33: {Name: "XFRMA_SA_DIR", Type: netlink.U8, Values: render.Enum{"", "XFRM_SA_DIR_IN", "XFRM_SA_DIR_OUT"}},
	34: {Name: "XFRMA_NAT_KEEPALIVE_INTERVAL", Type: netlink.U32},
	35: {Name: "XFRMA_SA_PCPU", Type: netlink.U32},
	36: {Name: "XFRMA_IPTFS_DROP_TIME", Type: netlink.U32},
	37: {Name: "XFRMA_IPTFS_REORDER_WINDOW", Type: netlink.U16},
	38: {Name: "XFRMA_IPTFS_DONT_FRAG", Type: netlink.Flag},
	39: {Name: "XFRMA_IPTFS_INIT_DELAY", Type: netlink.U32},
	40: {Name: "XFRMA_IPTFS_MAX_QSIZE", Type: netlink.U32},
	41: {Name: "XFRMA_IPTFS_PKT_SIZE", Type: netlink.U32},
}}
