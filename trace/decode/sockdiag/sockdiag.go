// Package sockdiag decodes NETLINK_SOCK_DIAG, the protocol ss(8) lists
// sockets with: SOCK_DIAG_BY_FAMILY requests (inet_diag_req_v2,
// unix_diag_req, netlink_diag_req, packet_diag_req) and the kernel's
// replies (inet_diag_msg, unix_diag_msg, ...) with their attributes. The
// kernel has no netlink spec for it: the tables are written by hand from
// linux/sock_diag.h, inet_diag.h, unix_diag.h, netlink_diag.h and
// packet_diag.h (Linux 6.18), in the form generated tables take.
package sockdiag

import (
	"fmt"
	"strconv"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

func init() { netlink.RegisterBodyContext(unix.NETLINK_SOCK_DIAG, decodeBody) }

// Message types (linux/sock_diag.h, linux/inet_diag.h).
var msgNames = render.EnumMap{18: "TCPDIAG_GETSOCK", 19: "DCCPDIAG_GETSOCK", 20: "SOCK_DIAG_BY_FAMILY", 21: "SOCK_DESTROY"}

// part is a piece of a fixed header: members, or a nested struct shown
// as one field (inet_diag_sockid).
type part struct {
	name    string // the nested struct's field name, "" for plain members
	members []netlink.Member
}

// layout is the fixed header and attributes of one family in one
// direction.
type layout struct {
	header string
	parts  []part
	attrs  *netlink.AttrSet
}

func (l *layout) size() int {
	n := 0
	for _, p := range l.parts {
		n += netlink.StructSize(p.members)
	}
	return n
}

// decodeBody decodes a sock_diag message: the family in the first byte
// and the direction pick the layout.
func decodeBody(h netlink.Header, body []byte, base int) netlink.Body {
	d := netlink.Body{Decoded: event.Decoded{Name: msgNames.Name(uint64(h.Type))}}
	if h.Type == 20 || h.Type == 18 || h.Type == 19 {
		d.Op = netlink.OpGet
	}
	if len(body) == 0 {
		return d
	}
	layouts := replies
	if h.Request() {
		layouts = requests
	}
	l, ok := layouts[body[0]]
	if !ok {
		d.Fields = []event.Field{{Name: "payload", Value: render.Hex(body), Offset: base, Length: len(body)}}
		d.Summary = sockaddr.AFNames.Name(uint64(body[0]))
		return d
	}
	size := l.size()
	if len(body) < size {
		d.Malformed = fmt.Sprintf("body of %d bytes is shorter than %s (%d bytes)", len(body), l.header, size)
		d.Fields = []event.Field{{Name: "payload", Value: render.Hex(body), Offset: base, Length: len(body)}}
		return d
	}
	w := &netlink.Walker{Family: body[0], Ctx: h.Ctx}
	var members []event.Field
	pos := 0
	for _, p := range l.parts {
		n := netlink.StructSize(p.members)
		fs, _ := w.Struct(body[pos:pos+n], base+pos, p.members)
		if p.name == "" {
			members = append(members, fs...)
		} else {
			members = append(members, event.Field{Name: p.name, Offset: base + pos, Length: n, Children: fs})
		}
		pos += n
	}
	if body[0] == unix.AF_INET {
		ipv4Sockid(members, body, base)
	}
	d.Fields = []event.Field{{Name: l.header, Offset: base, Length: size, Children: members}}
	var attrs []event.Field
	if start := netlink.Align(size); start < len(body) {
		attrs = w.Attrs(body[start:], base+start, l.attrs)
		d.Fields = append(d.Fields, attrs...)
	}
	d.Malformed = w.Malformed
	d.Summary = summary(body, members, attrs, h.Request())
	return d
}

// summary describes a request by what it asks for, a reply by the socket.
func summary(body []byte, members, attrs []event.Field, request bool) string {
	family := sockaddr.AFNames.Name(uint64(body[0]))
	if request {
		return render.Join(family, topValue(members, "sdiag_protocol"))
	}
	switch body[0] {
	case unix.AF_INET, unix.AF_INET6:
		id, _ := event.Top(members, "id")
		return render.Join(family, topValue(members, "idiag_state"),
			topValue(id.Children, "idiag_src")+":"+topValue(id.Children, "idiag_sport"),
			topValue(id.Children, "idiag_dst")+":"+topValue(id.Children, "idiag_dport"))
	case unix.AF_UNIX:
		return render.Join(family, topValue(members, "udiag_type"), topValue(attrs, "UNIX_DIAG_NAME"), "ino "+topValue(members, "udiag_ino"))
	case unix.AF_NETLINK:
		return render.Join(family, topValue(members, "ndiag_protocol"), "portid "+topValue(members, "ndiag_portid"))
	}
	return family
}

func topValue(fields []event.Field, name string) string {
	f, _ := event.Top(fields, name)
	return f.Value
}

// Value names.
var (
	tcpStates = render.Enum{"", "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1", "TCP_FIN_WAIT2",
		"TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING", "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE"}
	// tcpStateFlags names the bits of idiag_states: bit n is state n.
	tcpStateFlags = render.Bits(tcpStates...)
	ipProtos      = render.EnumMap{0: "IPPROTO_IP", 1: "IPPROTO_ICMP", 6: "IPPROTO_TCP", 17: "IPPROTO_UDP", 33: "IPPROTO_DCCP", 58: "IPPROTO_ICMPV6", 132: "IPPROTO_SCTP", 136: "IPPROTO_UDPLITE", 255: "IPPROTO_RAW", 262: "IPPROTO_MPTCP"}
	inetDiagExts  = render.Bits("1<<(INET_DIAG_MEMINFO-1)", "1<<(INET_DIAG_INFO-1)", "1<<(INET_DIAG_VEGASINFO-1)", "1<<(INET_DIAG_CONG-1)",
		"1<<(INET_DIAG_TOS-1)", "1<<(INET_DIAG_TCLASS-1)", "1<<(INET_DIAG_SKMEMINFO-1)", "1<<(INET_DIAG_SHUTDOWN-1)")
	sockTypes   = render.EnumMap{1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET"}
	udiagShow   = render.Bits("UDIAG_SHOW_NAME", "UDIAG_SHOW_VFS", "UDIAG_SHOW_PEER", "UDIAG_SHOW_ICONS", "UDIAG_SHOW_RQLEN", "UDIAG_SHOW_MEMINFO", "UDIAG_SHOW_UID")
	ndiagShow   = render.Bits("NDIAG_SHOW_MEMINFO", "NDIAG_SHOW_GROUPS", "NDIAG_SHOW_RING_CFG", "NDIAG_SHOW_FLAGS")
	pdiagShow   = render.Bits("PACKET_SHOW_INFO", "PACKET_SHOW_MCLIST", "PACKET_SHOW_RING_CFG", "PACKET_SHOW_FANOUT", "PACKET_SHOW_MEMINFO", "PACKET_SHOW_FILTER")
	nlProtocols = render.NamerFunc(func(v uint64) string { return sockaddr.ProtocolName(unix.AF_NETLINK, uint16(v)) })
	// A decimal number, for members strace prints in decimal.
	decimal = render.NamerFunc(func(v uint64) string { return strconv.FormatUint(v, 10) })
)

// ipv4Sockid shows the addresses of an AF_INET inet_diag_sockid as IPv4:
// they take the first 4 of their 16 bytes.
func ipv4Sockid(members []event.Field, body []byte, base int) {
	for i := range members {
		if members[i].Name != "id" {
			continue
		}
		for j := range members[i].Children {
			c := &members[i].Children[j]
			if c.Name == "idiag_src" || c.Name == "idiag_dst" {
				c.Value = render.Addr(body[c.Offset-base : c.Offset-base+4])
			}
		}
	}
}
