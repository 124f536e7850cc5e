// Package xfrm decodes NETLINK_XFRM, the IPsec configuration protocol of
// `ip xfrm`: security associations (xfrm_usersa_info, xfrm_usersa_id),
// policies (xfrm_userpolicy_info, xfrm_userpolicy_id) and their XFRMA_*
// attributes. The kernel has no netlink spec for it: the tables are
// written by hand from linux/xfrm.h (Linux 6.18), in the form generated
// tables take.
package xfrm

import (
	"encoding/binary"
	"fmt"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

func init() { netlink.RegisterBodyContext(unix.NETLINK_XFRM, decodeBody) }

// msgNames names the XFRM_MSG_* types.
var msgNames = render.EnumMap{
	0x10: "XFRM_MSG_NEWSA", 0x11: "XFRM_MSG_DELSA", 0x12: "XFRM_MSG_GETSA",
	0x13: "XFRM_MSG_NEWPOLICY", 0x14: "XFRM_MSG_DELPOLICY", 0x15: "XFRM_MSG_GETPOLICY",
	0x16: "XFRM_MSG_ALLOCSPI", 0x17: "XFRM_MSG_ACQUIRE", 0x18: "XFRM_MSG_EXPIRE",
	0x19: "XFRM_MSG_UPDPOLICY", 0x1a: "XFRM_MSG_UPDSA", 0x1b: "XFRM_MSG_POLEXPIRE",
	0x1c: "XFRM_MSG_FLUSHSA", 0x1d: "XFRM_MSG_FLUSHPOLICY", 0x1e: "XFRM_MSG_NEWAE",
	0x1f: "XFRM_MSG_GETAE", 0x20: "XFRM_MSG_REPORT", 0x21: "XFRM_MSG_MIGRATE",
	0x22: "XFRM_MSG_NEWSADINFO", 0x23: "XFRM_MSG_GETSADINFO", 0x24: "XFRM_MSG_NEWSPDINFO",
	0x25: "XFRM_MSG_GETSPDINFO", 0x26: "XFRM_MSG_MAPPING", 0x27: "XFRM_MSG_SETDEFAULT",
	0x28: "XFRM_MSG_GETDEFAULT",
}

// A body is one of a few structs; which one depends on the type and, for
// the GET and DEL requests that carry either form, on its size.
type body struct {
	name    string
	members []netlink.Member
}

var (
	saInfo     = body{"xfrm_usersa_info", usersaInfo}
	saID       = body{"xfrm_usersa_id", usersaID}
	policyInfo = body{"xfrm_userpolicy_info", userpolicyInfo}
	policyID   = body{"xfrm_userpolicy_id", userpolicyID}
	saFlush    = body{"xfrm_usersa_flush", []netlink.Member{{Name: "proto", Type: netlink.U8, Values: protoNames}}}
	aevent     = body{"xfrm_aevent_id", aeventID}
	expire     = body{"xfrm_user_expire", append(append([]netlink.Member{}, usersaInfo...), netlink.Member{Name: "hard", Type: netlink.U8}, netlink.Member{Type: netlink.Pad, Len: 7})}
	polExpire  = body{"xfrm_user_polexpire", append(append([]netlink.Member{}, userpolicyInfo...), netlink.Member{Name: "hard", Type: netlink.U8}, netlink.Member{Type: netlink.Pad, Len: 7})}
	u32Flags   = body{"flags", []netlink.Member{{Name: "flags", Type: netlink.U32}}}
)

// bodies lists the candidate bodies of each type, largest first.
var bodies = map[uint16][]body{
	0x10: {saInfo}, 0x1a: {saInfo}, 0x11: {saInfo, saID}, 0x12: {saInfo, saID},
	0x13: {policyInfo}, 0x19: {policyInfo}, 0x14: {policyInfo, policyID}, 0x15: {policyInfo, policyID},
	0x1c: {saFlush}, 0x18: {expire}, 0x1b: {polExpire}, 0x1e: {aevent}, 0x1f: {aevent},
	0x22: {u32Flags}, 0x23: {u32Flags}, 0x24: {u32Flags}, 0x25: {u32Flags},
}

// decodeBody decodes an xfrm message.
func decodeBody(h netlink.Header, b []byte, base int) netlink.Body {
	d := netlink.Body{Decoded: event.Decoded{Name: msgNames.Name(uint64(h.Type))}}
	switch h.Type {
	case 0x10, 0x13, 0x19, 0x1a, 0x16, 0x1e, 0x22, 0x24:
		d.Op = netlink.OpNew
	case 0x11, 0x14, 0x1c, 0x1d:
		d.Op = netlink.OpDel
	case 0x12, 0x15, 0x1f, 0x23, 0x25, 0x28:
		d.Op = netlink.OpGet
	}
	if len(b) == 0 {
		return d
	}
	w := &netlink.Walker{Ctx: h.Ctx}
	if h.Request() && h.Flags&unix.NLM_F_DUMP == unix.NLM_F_DUMP {
		// Dump requests carry attributes only (XFRMA_ADDRESS_FILTER).
		d.Fields = w.Attrs(b, base, &attrSet)
		d.Malformed = w.Malformed
		return d
	}
	var chosen *body
	for _, c := range bodies[h.Type] {
		if len(b) >= netlink.StructSize(c.members) {
			chosen = &c
			break
		}
	}
	if chosen == nil {
		d.Fields = []event.Field{{Name: "payload", Value: render.Hex(b), Offset: base, Length: len(b)}}
		if len(bodies[h.Type]) > 0 {
			d.Malformed = fmt.Sprintf("body of %d bytes is shorter than %s", len(b), bodies[h.Type][len(bodies[h.Type])-1].name)
		}
		return d
	}
	size := netlink.StructSize(chosen.members)
	hdr, _ := w.Struct(b[:size], base, chosen.members)
	d.Fields = []event.Field{{Name: chosen.name, Offset: base, Length: size, Children: hdr}}
	var attrs []event.Field
	if start := netlink.Align(size); start < len(b) {
		attrs = w.Attrs(b[start:], base+start, &attrSet)
		d.Fields = append(d.Fields, attrs...)
	}
	d.Malformed = w.Malformed
	d.Summary = summary(hdr, attrs)
	return d
}

// summary describes an SA or a policy the way `ip xfrm` lists it.
func summary(hdr, attrs []event.Field) string {
	v := func(name string) string {
		f, _ := event.Top(hdr, name)
		return f.Value
	}
	switch {
	case v("id.spi") != "":
		return render.Join("src "+v("saddr"), "dst "+v("id.daddr"), "proto "+v("id.proto"), "spi "+v("id.spi"), "mode "+v("mode"))
	case v("spi") != "":
		return render.Join("dst "+v("daddr"), "proto "+v("proto"), "spi "+v("spi"))
	case v("dir") != "":
		return render.Join("src "+v("sel.saddr")+"/"+v("sel.prefixlen_s"), "dst "+v("sel.daddr")+"/"+v("sel.prefixlen_d"), "dir "+v("dir"))
	}
	return ""
}

// algo decodes struct xfrm_algo (and its auth and AEAD variants): the
// algorithm's name, the key length in bits, the key.
func algo(extra string) netlink.DecodeFunc {
	return func(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
		hdr := 64 + 4
		if extra != "" {
			hdr += 4
		}
		if len(a.Data) < hdr {
			w.Fail("%d-byte algorithm at offset %d is shorter than xfrm_algo", len(a.Data), a.Off)
			return render.Hex(a.Data), nil
		}
		name := render.CString(a.Data[:64])
		bits := binary.LittleEndian.Uint32(a.Data[64:])
		fields := []event.Field{
			{Name: "alg_name", Value: render.Quote(name), Offset: a.DataOff(), Length: 64},
			{Name: "alg_key_len", Value: fmt.Sprint(bits), Offset: a.DataOff() + 64, Length: 4},
		}
		if extra != "" {
			fields = append(fields, event.Field{Name: extra, Value: fmt.Sprint(binary.LittleEndian.Uint32(a.Data[68:])), Offset: a.DataOff() + 68, Length: 4})
		}
		fields = append(fields, event.Field{Name: "alg_key", Value: render.Hex(a.Data[hdr:]), Offset: a.DataOff() + hdr, Length: len(a.Data) - hdr})
		return render.Quote(name), fields
	}
}

// templates decodes XFRMA_TMPL: an array of struct xfrm_user_tmpl.
func templates(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	size := netlink.StructSize(userTmpl)
	var fields []event.Field
	for pos := 0; pos+size <= len(a.Data); pos += size {
		m, _ := w.Struct(a.Data[pos:pos+size], a.DataOff()+pos, userTmpl)
		fields = append(fields, event.Field{Name: "xfrm_user_tmpl", Offset: a.DataOff() + pos, Length: size, Children: m})
	}
	return "", fields
}
