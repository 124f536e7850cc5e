package packet

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// Sizes of the headers decoded here (linux/if_ether.h, linux/if_arp.h).
const (
	ethHeaderLen = 14
	arpIPv4Len   = 28 // struct arphdr + two MAC/IPv4 pairs
)

// ARP operations (linux/if_arp.h); x/sys/unix does not define them.
const (
	arpOpRequest = 1 // ARPOP_REQUEST
	arpOpReply   = 2 // ARPOP_REPLY
)

// etherTypes names the EtherTypes a container network sends.
var etherTypes = map[uint16]string{
	unix.ETH_P_IP:    "ETH_P_IP",
	unix.ETH_P_ARP:   "ETH_P_ARP",
	unix.ETH_P_IPV6:  "ETH_P_IPV6",
	unix.ETH_P_8021Q: "ETH_P_8021Q",
}

func etherTypeName(t uint16) string {
	if n, ok := etherTypes[t]; ok {
		return n
	}
	return fmt.Sprintf("%#04x", t)
}

// arpOps names ar_op.
var arpOps = map[uint16]string{
	arpOpRequest: "ARPOP_REQUEST",
	arpOpReply:   "ARPOP_REPLY",
}

// Decode decodes the payload of a send on a packet socket of the given
// type (SOCK_RAW or SOCK_DGRAM): its Name is the protocol ("ARP", an
// EtherType), its Summary one line, its Fields the tree, offsets relative
// to b. It never fails: what it does not know is shown as bytes.
func Decode(sockType uint16, b []byte) event.Decoded {
	var d event.Decoded
	switch {
	case sockType == unix.SOCK_RAW:
		d.Name, d.Summary, d.Fields = decodeFrame(b)
	case looksLikeARP(b):
		d.Name = "ARP"
		d.Summary, d.Fields = decodeARP(b, 0)
	default:
		d.Name, d.Summary, d.Fields = "packet", fmt.Sprintf("packet, %d bytes", len(b)), rest(b, 0, "payload")
	}
	return d
}

// decodeFrame decodes an Ethernet frame: destination, source, EtherType,
// then the ARP body when it is one.
func decodeFrame(b []byte) (name, summary string, fields []event.Field) {
	if len(b) < ethHeaderLen {
		return "ethernet", fmt.Sprintf("short Ethernet frame, %d bytes", len(b)), rest(b, 0, "payload")
	}
	typ := binary.BigEndian.Uint16(b[12:])
	hdr := event.Field{Name: "ethhdr", Offset: 0, Length: ethHeaderLen, Children: []event.Field{
		{Name: "h_dest", Value: render.MAC(b[0:6]), Offset: 0, Length: 6},
		{Name: "h_source", Value: render.MAC(b[6:12]), Offset: 6, Length: 6},
		{Name: "h_proto", Value: etherTypeName(typ), Offset: 12, Length: 2},
	}}
	body := b[ethHeaderLen:]
	if typ == unix.ETH_P_ARP && looksLikeARP(body) {
		sum, fields := decodeARP(b, ethHeaderLen)
		return "ARP", sum, append([]event.Field{hdr}, fields...)
	}
	return etherTypeName(typ), fmt.Sprintf("%s frame to %s, %d bytes", etherTypeName(typ), hdr.Children[0].Value, len(b)),
		append([]event.Field{hdr}, rest(body, ethHeaderLen, "payload")...)
}

// looksLikeARP reports whether b starts with an ARP header for IPv4 over
// Ethernet.
func looksLikeARP(b []byte) bool {
	return len(b) >= arpIPv4Len && binary.BigEndian.Uint16(b[0:]) == unix.ARPHRD_ETHER &&
		binary.BigEndian.Uint16(b[2:]) == unix.ETH_P_IP && b[4] == 6 && b[5] == 4
}

// decodeARP decodes the ARP packet at b[off:], which looksLikeARP accepted.
func decodeARP(b []byte, off int) (string, []event.Field) {
	p := b[off:]
	op := binary.BigEndian.Uint16(p[6:])
	sha, tha := render.MAC(p[8:14]), render.MAC(p[18:24])
	spa, tpa := netip.AddrFrom4([4]byte(p[14:18])), netip.AddrFrom4([4]byte(p[24:28]))
	opName, ok := arpOps[op]
	if !ok {
		opName = fmt.Sprint(op)
	}
	f := event.Field{Name: "arphdr", Offset: off, Length: arpIPv4Len, Children: []event.Field{
		{Name: "ar_hrd", Value: "ARPHRD_ETHER", Offset: off, Length: 2},
		{Name: "ar_pro", Value: "ETH_P_IP", Offset: off + 2, Length: 2},
		{Name: "ar_hln", Value: "6", Offset: off + 4, Length: 1},
		{Name: "ar_pln", Value: "4", Offset: off + 5, Length: 1},
		{Name: "ar_op", Value: opName, Offset: off + 6, Length: 2},
		{Name: "ar_sha", Value: sha, Offset: off + 8, Length: 6},
		{Name: "ar_sip", Value: spa.String(), Offset: off + 14, Length: 4},
		{Name: "ar_tha", Value: tha, Offset: off + 18, Length: 6},
		{Name: "ar_tip", Value: tpa.String(), Offset: off + 24, Length: 4},
	}}
	fields := append([]event.Field{f}, rest(p[arpIPv4Len:], off+arpIPv4Len, "padding")...)
	switch {
	case op == arpOpRequest && spa == tpa:
		return fmt.Sprintf("ARP who-has %s tell %s (gratuitous, from %s)", tpa, spa, sha), fields
	case op == arpOpRequest:
		return fmt.Sprintf("ARP who-has %s tell %s (%s)", tpa, spa, sha), fields
	case op == arpOpReply:
		return fmt.Sprintf("ARP reply %s is-at %s", spa, sha), fields
	}
	return fmt.Sprintf("ARP op %s", opName), fields
}

// rest returns b as one hex field, or nothing when b is empty.
func rest(b []byte, off int, name string) []event.Field {
	if len(b) == 0 {
		return nil
	}
	return []event.Field{{Name: name, Value: render.Hex(b), Offset: off, Length: len(b)}}
}
