package ioctl

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// IoctlCall is a decoded socket ioctl(2): the request and its argument.
type IoctlCall struct {
	// Request is the ioctl request number, e.g. 0x8913.
	Request uint32 `json:"request"`
	// Name is the request's name ("SIOCGIFFLAGS"), or the number in hex
	// ("0x8950") when it is unknown.
	Name string `json:"name"`
	// Summary describes the call in one line, e.g.
	// "SIOCGIFFLAGS lo flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING".
	Summary string `json:"summary"`
	// Fields are the decoded members of the argument, offsets relative to
	// the argument bytes.
	Fields []event.Field `json:"fields,omitempty"`
}

// ioctlKind says how the argument of a request is laid out.
type ioctlKind uint8

const (
	ioctlRaw        ioctlKind = iota // unknown layout: shown as bytes
	ioctlNoArg                       // the third argument is unused
	ioctlInt                         // int
	ioctlTimeval                     // struct timeval (sec, usec)
	ioctlTimespec                    // struct timespec (sec, nsec)
	ioctlIfName                      // struct ifreq, only ifr_name is used
	ioctlIfFlags                     // ifreq: ifr_flags (IFF_*)
	ioctlIfPFlags                    // ifreq: ifr_flags (private flags)
	ioctlIfAddr                      // ifreq: a struct sockaddr
	ioctlIfHwaddr                    // ifreq: ifr_hwaddr
	ioctlIfInt                       // ifreq: an int (ifindex, mtu, metric, qlen)
	ioctlIfGetName                   // ifreq for SIOCGIFNAME: ifindex in, name out
	ioctlIfString                    // ifreq: a second interface name
	ioctlIfMap                       // ifreq: struct ifmap
	ioctlIfData                      // ifreq: a pointer to more user memory
	ioctlIfSettings                  // ifreq: struct if_settings
	ioctlIfMii                       // ifreq: struct mii_ioctl_data in the union
	ioctlIfConf                      // struct ifconf
	ioctlBrName                      // a NUL-terminated bridge name (char *)
	ioctlBrArgs                      // unsigned long args[3] of the old bridge API
	ioctlRtentry                     // struct rtentry
	ioctlArpreq                      // struct arpreq
	ioctlVlan                        // struct vlan_ioctl_args
)

// ioctlInfo describes one request: its name, argument layout, the ifreq
// union member it uses and the key used for it in summaries.
type ioctlInfo struct {
	name   string
	kind   ioctlKind
	member string // ifreq union member, e.g. "ifr_mtu"
	key    string // summary key, e.g. "mtu"
	note   string // what a pointer argument points to
}

// ioctlTable holds the socket ioctls of linux/sockios.h and
// asm-generic/sockios.h, plus the generic file ioctls used on sockets.
var ioctlTable = map[uint32]ioctlInfo{
	0x8901: {name: "FIOSETOWN", kind: ioctlInt, key: "pid"},
	0x8902: {name: "SIOCSPGRP", kind: ioctlInt, key: "pgrp"},
	0x8903: {name: "FIOGETOWN", kind: ioctlInt, key: "pid"},
	0x8904: {name: "SIOCGPGRP", kind: ioctlInt, key: "pgrp"},
	0x8905: {name: "SIOCATMARK", kind: ioctlInt, key: "atmark"},
	0x8906: {name: "SIOCGSTAMP", kind: ioctlTimeval},
	0x8907: {name: "SIOCGSTAMPNS", kind: ioctlTimespec},
	0x890b: {name: "SIOCADDRT", kind: ioctlRtentry},
	0x890c: {name: "SIOCDELRT", kind: ioctlRtentry},
	0x890d: {name: "SIOCRTMSG", kind: ioctlRaw},
	0x8910: {name: "SIOCGIFNAME", kind: ioctlIfGetName},
	0x8911: {name: "SIOCSIFLINK", kind: ioctlIfName},
	0x8912: {name: "SIOCGIFCONF", kind: ioctlIfConf},
	0x8913: {name: "SIOCGIFFLAGS", kind: ioctlIfFlags, member: "ifr_flags", key: "flags"},
	0x8914: {name: "SIOCSIFFLAGS", kind: ioctlIfFlags, member: "ifr_flags", key: "flags"},
	0x8915: {name: "SIOCGIFADDR", kind: ioctlIfAddr, member: "ifr_addr", key: "addr"},
	0x8916: {name: "SIOCSIFADDR", kind: ioctlIfAddr, member: "ifr_addr", key: "addr"},
	0x8917: {name: "SIOCGIFDSTADDR", kind: ioctlIfAddr, member: "ifr_dstaddr", key: "dstaddr"},
	0x8918: {name: "SIOCSIFDSTADDR", kind: ioctlIfAddr, member: "ifr_dstaddr", key: "dstaddr"},
	0x8919: {name: "SIOCGIFBRDADDR", kind: ioctlIfAddr, member: "ifr_broadaddr", key: "broadaddr"},
	0x891a: {name: "SIOCSIFBRDADDR", kind: ioctlIfAddr, member: "ifr_broadaddr", key: "broadaddr"},
	0x891b: {name: "SIOCGIFNETMASK", kind: ioctlIfAddr, member: "ifr_netmask", key: "netmask"},
	0x891c: {name: "SIOCSIFNETMASK", kind: ioctlIfAddr, member: "ifr_netmask", key: "netmask"},
	0x891d: {name: "SIOCGIFMETRIC", kind: ioctlIfInt, member: "ifr_metric", key: "metric"},
	0x891e: {name: "SIOCSIFMETRIC", kind: ioctlIfInt, member: "ifr_metric", key: "metric"},
	0x891f: {name: "SIOCGIFMEM", kind: ioctlIfName},
	0x8920: {name: "SIOCSIFMEM", kind: ioctlIfName},
	0x8921: {name: "SIOCGIFMTU", kind: ioctlIfInt, member: "ifr_mtu", key: "mtu"},
	0x8922: {name: "SIOCSIFMTU", kind: ioctlIfInt, member: "ifr_mtu", key: "mtu"},
	0x8923: {name: "SIOCSIFNAME", kind: ioctlIfString, member: "ifr_newname", key: "newname"},
	0x8924: {name: "SIOCSIFHWADDR", kind: ioctlIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8925: {name: "SIOCGIFENCAP", kind: ioctlIfInt, member: "ifr_ivalue", key: "encap"},
	0x8926: {name: "SIOCSIFENCAP", kind: ioctlIfInt, member: "ifr_ivalue", key: "encap"},
	0x8927: {name: "SIOCGIFHWADDR", kind: ioctlIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8929: {name: "SIOCGIFSLAVE", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x8930: {name: "SIOCSIFSLAVE", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x8931: {name: "SIOCADDMULTI", kind: ioctlIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8932: {name: "SIOCDELMULTI", kind: ioctlIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8933: {name: "SIOCGIFINDEX", kind: ioctlIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x8934: {name: "SIOCSIFPFLAGS", kind: ioctlIfPFlags, member: "ifr_flags", key: "pflags"},
	0x8935: {name: "SIOCGIFPFLAGS", kind: ioctlIfPFlags, member: "ifr_flags", key: "pflags"},
	0x8936: {name: "SIOCDIFADDR", kind: ioctlIfAddr, member: "ifr_addr", key: "addr"},
	0x8937: {name: "SIOCSIFHWBROADCAST", kind: ioctlIfHwaddr, member: "ifr_hwaddr", key: "hwbroadcast"},
	0x8938: {name: "SIOCGIFCOUNT", kind: ioctlRaw},
	0x8940: {name: "SIOCGIFBR", kind: ioctlBrArgs},
	0x8941: {name: "SIOCSIFBR", kind: ioctlBrArgs},
	0x8942: {name: "SIOCGIFTXQLEN", kind: ioctlIfInt, member: "ifr_qlen", key: "txqlen"},
	0x8943: {name: "SIOCSIFTXQLEN", kind: ioctlIfInt, member: "ifr_qlen", key: "txqlen"},
	0x8946: {name: "SIOCETHTOOL", kind: ioctlIfData, note: "an ethtool command struct (ETHTOOL_*)"},
	0x8947: {name: "SIOCGMIIPHY", kind: ioctlIfMii},
	0x8948: {name: "SIOCGMIIREG", kind: ioctlIfMii},
	0x8949: {name: "SIOCSMIIREG", kind: ioctlIfMii},
	0x894a: {name: "SIOCWANDEV", kind: ioctlIfSettings},
	0x894b: {name: "SIOCOUTQNSD", kind: ioctlInt, key: "bytes"},
	0x894c: {name: "SIOCGSKNS", kind: ioctlNoArg},
	0x8953: {name: "SIOCDARP", kind: ioctlArpreq},
	0x8954: {name: "SIOCGARP", kind: ioctlArpreq},
	0x8955: {name: "SIOCSARP", kind: ioctlArpreq},
	0x8960: {name: "SIOCDRARP", kind: ioctlArpreq},
	0x8961: {name: "SIOCGRARP", kind: ioctlArpreq},
	0x8962: {name: "SIOCSRARP", kind: ioctlArpreq},
	0x8970: {name: "SIOCGIFMAP", kind: ioctlIfMap},
	0x8971: {name: "SIOCSIFMAP", kind: ioctlIfMap},
	0x8980: {name: "SIOCADDDLCI", kind: ioctlRaw},
	0x8981: {name: "SIOCDELDLCI", kind: ioctlRaw},
	0x8982: {name: "SIOCGIFVLAN", kind: ioctlVlan},
	0x8983: {name: "SIOCSIFVLAN", kind: ioctlVlan},
	0x8990: {name: "SIOCBONDENSLAVE", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x8991: {name: "SIOCBONDRELEASE", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x8992: {name: "SIOCBONDSETHWADDR", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x8993: {name: "SIOCBONDSLAVEINFOQUERY", kind: ioctlIfData, note: "struct ifslave"},
	0x8994: {name: "SIOCBONDINFOQUERY", kind: ioctlIfData, note: "struct ifbond"},
	0x8995: {name: "SIOCBONDCHANGEACTIVE", kind: ioctlIfString, member: "ifr_slave", key: "slave"},
	0x89a0: {name: "SIOCBRADDBR", kind: ioctlBrName},
	0x89a1: {name: "SIOCBRDELBR", kind: ioctlBrName},
	0x89a2: {name: "SIOCBRADDIF", kind: ioctlIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x89a3: {name: "SIOCBRDELIF", kind: ioctlIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x89b0: {name: "SIOCSHWTSTAMP", kind: ioctlIfData, note: "struct hwtstamp_config"},
	0x89b1: {name: "SIOCGHWTSTAMP", kind: ioctlIfData, note: "struct hwtstamp_config"},
	// Generic file ioctls (asm-generic/ioctls.h) that also apply to sockets;
	// on a socket FIONREAD is SIOCINQ and TIOCOUTQ is SIOCOUTQ.
	0x5411: {name: "TIOCOUTQ", kind: ioctlInt, key: "bytes"},
	0x541b: {name: "FIONREAD", kind: ioctlInt, key: "bytes"},
	0x5421: {name: "FIONBIO", kind: ioctlInt, key: "nonblock"},
	0x5450: {name: "FIONCLEX", kind: ioctlNoArg},
	0x5451: {name: "FIOCLEX", kind: ioctlNoArg},
	0x5452: {name: "FIOASYNC", kind: ioctlInt, key: "async"},
	// _IOR(SOCK_IOC_TYPE, 0x06/0x07, long long[2]): the 64-bit time variants.
	0x80108906: {name: "SIOCGSTAMP_NEW", kind: ioctlTimeval},
	0x80108907: {name: "SIOCGSTAMPNS_NEW", kind: ioctlTimespec},
}

// Private request ranges of linux/sockios.h.
const (
	ioctlProtoPrivate = 0x89e0 // SIOCPROTOPRIVATE .. 0x89ef
	ioctlDevPrivate   = 0x89f0 // SIOCDEVPRIVATE .. 0x89ff
)

// ioctlLookup returns what is known about request.
func ioctlLookup(request uint32) (ioctlInfo, bool) {
	if in, ok := ioctlTable[request]; ok {
		return in, true
	}
	switch {
	case request >= ioctlDevPrivate && request <= ioctlDevPrivate+0xf:
		return ioctlInfo{name: ioctlPrivateName("SIOCDEVPRIVATE", request-ioctlDevPrivate), kind: ioctlIfData,
			note: "device-private data (e.g. struct ip_tunnel_parm for SIOCGETTUNNEL, brctl arguments on a bridge)"}, true
	case request >= ioctlProtoPrivate && request <= ioctlProtoPrivate+0xf:
		return ioctlInfo{name: ioctlPrivateName("SIOCPROTOPRIVATE", request-ioctlProtoPrivate), kind: ioctlRaw}, true
	}
	return ioctlInfo{}, false
}

func ioctlPrivateName(base string, n uint32) string {
	if n == 0 {
		return base
	}
	return base + "+" + strconv.Itoa(int(n))
}

// Name returns the name of a socket ioctl request, e.g. "SIOCBRADDBR"
// for 0x89a0, "SIOCDEVPRIVATE+1" inside the device-private range, or the
// number in hex ("0x8950") when it is unknown.
func Name(request uint32) string {
	if in, ok := ioctlLookup(request); ok {
		return in.name
	}
	return fmt.Sprintf("%#x", request)
}

// Decode decodes the argument of a socket ioctl. arg is what the probe
// copied from the third argument after the call returned (up to the size
// of struct ifreq, 40 bytes on amd64), so requests that read something
// (SIOCGIF*) show the kernel's answer. Short or garbled input is decoded as
// far as it goes; unknown requests keep their bytes as one raw field.
func Decode(request uint32, arg []byte) IoctlCall {
	return DecodeSocket(sockaddr.AFUnspec, request, arg)
}

// DecodeSocket is [Decode] for a socket whose address family is
// known (Event.SockFamily). The family matters for the few requests whose
// argument depends on it: on AF_INET6 sockets SIOCSIFADDR and SIOCDIFADDR
// take a struct in6_ifreq and SIOCADDRT and SIOCDELRT a struct in6_rtmsg.
// With AF_UNSPEC the layout is guessed from the bytes.
func DecodeSocket(family uint16, request uint32, arg []byte) IoctlCall {
	b := sockaddr.Bytes(arg)
	in, ok := ioctlLookup(request)
	call := IoctlCall{Request: request, Name: Name(request)}
	if !ok {
		call.Summary = fmt.Sprintf("%s (unknown socket ioctl)", call.Name)
		call.Fields = ioctlRawFields(b, 0, "arg")
		return call
	}
	var sum string
	var fields []event.Field
	switch in.kind {
	case ioctlNoArg:
		sum = ""
	case ioctlInt:
		sum, fields = ioctlDecodeInt(b, in)
	case ioctlTimeval, ioctlTimespec:
		sum, fields = ioctlDecodeTime(b, in.kind)
	case ioctlIfConf:
		sum, fields = ioctlDecodeIfconf(b)
	case ioctlBrName:
		sum, fields = ioctlDecodeBrName(b)
	case ioctlBrArgs:
		sum, fields = ioctlDecodeBrArgs(b)
	case ioctlRtentry:
		if family == sockaddr.AFInet6 || (family == sockaddr.AFUnspec && !ioctlLooksLikeRtentry(b)) {
			sum, fields = ioctlDecodeIn6Rtmsg(b)
		} else {
			sum, fields = ioctlDecodeRtentry(b)
		}
	case ioctlArpreq:
		sum, fields = ioctlDecodeArpreq(b)
	case ioctlVlan:
		sum, fields = ioctlDecodeVlan(b)
	case ioctlRaw:
		fields = ioctlRawFields(b, 0, "arg")
	default:
		if in.kind == ioctlIfAddr && (request == 0x8916 || request == 0x8936) &&
			(family == sockaddr.AFInet6 || (family == sockaddr.AFUnspec && len(b) > 0 && !ioctlLooksLikeIfName(b))) {
			sum, fields = ioctlDecodeIn6Ifreq(b)
		} else {
			sum, fields = ioctlDecodeIfreq(b, in)
		}
	}
	call.Summary = strings.TrimSpace(call.Name + " " + sum)
	call.Fields = fields
	return call
}

// ioctlRawFields returns b[off:] as one raw field, or nothing when empty.
func ioctlRawFields(b sockaddr.Bytes, off int, name string) []event.Field {
	if off >= len(b) {
		return nil
	}
	return []event.Field{{Name: name, Value: sockaddr.Hex(b[off:]), Offset: off, Length: len(b) - off}}
}

func ioctlDecodeInt(b sockaddr.Bytes, in ioctlInfo) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	v := strconv.Itoa(int(int32(b.U32(0))))
	return in.key + "=" + v, []event.Field{{Name: in.key, Value: v, Offset: 0, Length: 4}}
}

func ioctlDecodeTime(b sockaddr.Bytes, kind ioctlKind) (string, []event.Field) {
	sub := "tv_usec"
	if kind == ioctlTimespec {
		sub = "tv_nsec"
	}
	if !b.Has(0, 16) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	sec, frac := int64(b.U64(0)), int64(b.U64(8))
	fields := []event.Field{
		{Name: "tv_sec", Value: strconv.FormatInt(sec, 10), Offset: 0, Length: 8},
		{Name: sub, Value: strconv.FormatInt(frac, 10), Offset: 8, Length: 8},
	}
	return fmt.Sprintf("tv_sec=%d %s=%d", sec, sub, frac), fields
}

// IFF_* interface flags (linux/if.h). ifr_flags is a short, so only the
// low 16 bits can appear in an ifreq.
var ioctlIffNames = []sockaddr.Flag{
	{1 << 0, "IFF_UP"}, {1 << 1, "IFF_BROADCAST"}, {1 << 2, "IFF_DEBUG"},
	{1 << 3, "IFF_LOOPBACK"}, {1 << 4, "IFF_POINTOPOINT"},
	{1 << 5, "IFF_NOTRAILERS"}, {1 << 6, "IFF_RUNNING"}, {1 << 7, "IFF_NOARP"},
	{1 << 8, "IFF_PROMISC"}, {1 << 9, "IFF_ALLMULTI"}, {1 << 10, "IFF_MASTER"},
	{1 << 11, "IFF_SLAVE"}, {1 << 12, "IFF_MULTICAST"}, {1 << 13, "IFF_PORTSEL"},
	{1 << 14, "IFF_AUTOMEDIA"}, {1 << 15, "IFF_DYNAMIC"},
	{1 << 16, "IFF_LOWER_UP"}, {1 << 17, "IFF_DORMANT"}, {1 << 18, "IFF_ECHO"},
}

// ioctlLooksLikeIfName reports whether b starts with a plausible interface
// Name: printable bytes followed by a NUL within IFNAMSIZ.
func ioctlLooksLikeIfName(b sockaddr.Bytes) bool {
	s, ok := b.Cstring(0, 16)
	if !ok || s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/' {
			return false
		}
	}
	return true
}

// ioctlIfNameField decodes the 16-byte name at off and returns it as a field and
// for display.
func ioctlIfNameField(b sockaddr.Bytes, off int, name string) (event.Field, string, bool) {
	if off >= len(b) {
		return event.Field{}, "", false
	}
	s, _ := b.Cstring(off, 16)
	n := min(16, len(b)-off)
	return event.Field{Name: name, Value: sockaddr.Quote(s), Offset: off, Length: n}, sockaddr.Plain(s), true
}

// ioctlDecodeIfreq decodes a struct ifreq: ifr_name[16] then a 24-byte
// union whose member depends on the request.
func ioctlDecodeIfreq(b sockaddr.Bytes, in ioctlInfo) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	nameField, name, ok := ioctlIfNameField(b, 0, "ifr_name")
	if !ok {
		return "(no argument captured)", nil
	}
	if in.kind != ioctlIfGetName {
		fields = append(fields, nameField)
		parts = append(parts, name)
	}
	const u = 16 // offset of the union
	switch in.kind {
	case ioctlIfName:
		fields = append(fields, ioctlRawFields(b, u, "ifr_ifru")...)
	case ioctlIfFlags, ioctlIfPFlags:
		if b.Has(u, 2) {
			fl := b.U16(u)
			v := fmt.Sprintf("%#x", fl)
			if in.kind == ioctlIfFlags {
				v = sockaddr.Flags(uint64(fl), ioctlIffNames)
			}
			fields = append(fields, event.Field{Name: in.member, Value: v, Offset: u, Length: 2})
			parts = append(parts, in.key+"="+v)
		}
	case ioctlIfInt:
		if b.Has(u, 4) {
			v := strconv.Itoa(int(int32(b.U32(u))))
			fields = append(fields, event.Field{Name: in.member, Value: v, Offset: u, Length: 4})
			parts = append(parts, in.key+"="+v)
		}
	case ioctlIfGetName:
		if b.Has(u, 4) {
			v := strconv.Itoa(int(int32(b.U32(u))))
			parts = append(parts, "ifindex="+v)
			fields = append(fields, nameField, event.Field{Name: "ifr_ifindex", Value: v, Offset: u, Length: 4})
		} else {
			fields = append(fields, nameField)
		}
		if name != `""` {
			parts = append(parts, "name="+name)
		}
	case ioctlIfString:
		if f, s, ok := ioctlIfNameField(b, u, in.member); ok {
			fields = append(fields, f)
			parts = append(parts, in.key+"="+s)
		}
	case ioctlIfAddr:
		if sa := b.Slice(u, 16); len(sa) > 0 {
			sum, children := sockaddr.DecodeFor(sa, -1)
			f := event.Field{Name: in.member, Offset: u, Length: len(sa), Children: sockaddr.Shift(children, u)}
			f.Value = ioctlSockaddrValue(sum, children)
			fields = append(fields, f)
			parts = append(parts, in.key+"="+f.Value)
		}
	case ioctlIfHwaddr:
		if f, v, ok := ioctlHwaddr(b, u, in.member); ok {
			fields = append(fields, f)
			parts = append(parts, in.key+"="+v)
		}
	case ioctlIfMap:
		fields = append(fields, ioctlIfmap(b, u)...)
	case ioctlIfData:
		if b.Has(u, 8) {
			p := b.U64(u)
			v := sockaddr.Pointer(p)
			note := in.note
			if note == "" {
				note = "more data"
			}
			fields = append(fields, event.Field{Name: "ifr_data", Value: v + " (pointer to " + note + " in user memory, not captured)", Offset: u, Length: 8})
			parts = append(parts, "ifr_data="+v)
		}
	case ioctlIfSettings:
		if b.Has(u, 4) {
			fields = append(fields, event.Field{Name: "type", Value: fmt.Sprintf("%#x", b.U32(u)), Offset: u, Length: 4})
		}
		if b.Has(u+4, 4) {
			fields = append(fields, event.Field{Name: "size", Value: strconv.FormatUint(uint64(b.U32(u+4)), 10), Offset: u + 4, Length: 4})
		}
		if b.Has(u+8, 8) {
			fields = append(fields, event.Field{Name: "ifs_ifsu", Value: sockaddr.Pointer(b.U64(u+8)) + " (pointer, not captured)", Offset: u + 8, Length: 8})
		}
	case ioctlIfMii:
		for i, n := range []string{"phy_id", "reg_num", "val_in", "val_out"} {
			off := u + 2*i
			if b.Has(off, 2) {
				v := fmt.Sprintf("%#x", b.U16(off))
				fields = append(fields, event.Field{Name: n, Value: v, Offset: off, Length: 2})
				parts = append(parts, n+"="+v)
			}
		}
	}
	return strings.Join(parts, " "), fields
}

// ioctlSockaddrValue renders a struct sockaddr inside an ifreq: the bare
// address for AF_INET, the sockaddr summary otherwise.
func ioctlSockaddrValue(sum string, children []event.Field) string {
	if f, ok := event.Find(children, "sin_addr"); ok {
		return f.Value
	}
	return sum
}

// ioctlMacLen returns how many bytes of sa_data hold the hardware address
// for a hardware type with 6-byte addresses, or 0 when unknown.
func ioctlMacLen(hatype uint16) int {
	switch hatype {
	case 1, 2, 6, 772, 774, 800, 801, 802, 803: // ETHER, EETHER, IEEE802, LOOPBACK, FDDI, IEEE802_TR, IEEE80211*
		return 6
	}
	return 0
}

// ioctlHwaddr decodes the struct sockaddr holding a hardware address:
// sa_family is an ARPHRD_* type, sa_data the address.
func ioctlHwaddr(b sockaddr.Bytes, off int, name string) (event.Field, string, bool) {
	if !b.Has(off, 2) {
		return event.Field{}, "", false
	}
	ht := b.U16(off)
	f := event.Field{Name: name, Offset: off, Length: len(b.Slice(off, 16))}
	f.Children = append(f.Children, event.Field{Name: "sa_family", Value: sockaddr.Arphrd(ht), Offset: off, Length: 2})
	data := b.Slice(off+2, 14)
	var addr string
	if n := ioctlMacLen(ht); n > 0 && len(data) >= n {
		addr = net.HardwareAddr(data[:n]).String()
		f.Children = append(f.Children, event.Field{Name: "sa_data", Value: addr, Offset: off + 2, Length: n})
	} else if len(data) > 0 {
		addr = net.HardwareAddr(data).String()
		f.Children = append(f.Children, event.Field{Name: "sa_data", Value: addr, Offset: off + 2, Length: len(data)})
	}
	f.Value = addr
	v := addr
	if ht != 1 {
		v = addr + " (" + sockaddr.Arphrd(ht) + ")"
		f.Value = v
	}
	return f, v, true
}

// struct ifmap: mem_start, mem_end (unsigned long), base_addr (u16), irq,
// dma, port (u8).
func ioctlIfmap(b sockaddr.Bytes, u int) []event.Field {
	var out []event.Field
	if b.Has(u, 8) {
		out = append(out, event.Field{Name: "mem_start", Value: fmt.Sprintf("%#x", b.U64(u)), Offset: u, Length: 8})
	}
	if b.Has(u+8, 8) {
		out = append(out, event.Field{Name: "mem_end", Value: fmt.Sprintf("%#x", b.U64(u+8)), Offset: u + 8, Length: 8})
	}
	if b.Has(u+16, 2) {
		out = append(out, event.Field{Name: "base_addr", Value: fmt.Sprintf("%#x", b.U16(u+16)), Offset: u + 16, Length: 2})
	}
	for i, n := range []string{"irq", "dma", "port"} {
		if b.Has(u+18+i, 1) {
			out = append(out, event.Field{Name: n, Value: strconv.Itoa(int(b.U8(u + 18 + i))), Offset: u + 18 + i, Length: 1})
		}
	}
	return out
}

// struct ifconf: int ifc_len, then (after 4 bytes of padding) a pointer to
// the buffer of ifreqs.
func ioctlDecodeIfconf(b sockaddr.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	n := int(int32(b.U32(0)))
	v := strconv.Itoa(n)
	if n > 0 && n%40 == 0 {
		v += fmt.Sprintf(" (%d × struct ifreq)", n/40)
	}
	fields := []event.Field{{Name: "ifc_len", Value: v, Offset: 0, Length: 4}}
	sum := "len=" + strconv.Itoa(n)
	if b.Has(8, 8) {
		p := sockaddr.Pointer(b.U64(8))
		note := " (pointer to the ifreq array, not captured)"
		if p == "NULL" {
			note = " (asks only for the needed buffer size)"
		}
		fields = append(fields, event.Field{Name: "ifc_buf", Value: p + note, Offset: 8, Length: 8})
		sum += " buf=" + p
	}
	return sum, fields
}

// SIOCBRADDBR and SIOCBRDELBR take a char * bridge name, not an ifreq; the
// kernel reads at most IFNAMSIZ-1 bytes of it.
func ioctlDecodeBrName(b sockaddr.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return "(no argument captured)", nil
	}
	s, nul := b.Cstring(0, 16)
	n := len(s)
	if nul {
		n++
	}
	return sockaddr.Quote(s), []event.Field{{Name: "bridge_name", Value: sockaddr.Quote(s) + " (char *, not an ifreq)", Offset: 0, Length: n}}
}

var ioctlBrctlNames = []string{
	"BRCTL_GET_VERSION", "BRCTL_GET_BRIDGES", "BRCTL_ADD_BRIDGE",
	"BRCTL_DEL_BRIDGE", "BRCTL_ADD_IF", "BRCTL_DEL_IF", "BRCTL_GET_BRIDGE_INFO",
	"BRCTL_GET_PORT_LIST", "BRCTL_SET_BRIDGE_FORWARD_DELAY",
	"BRCTL_SET_BRIDGE_HELLO_TIME", "BRCTL_SET_BRIDGE_MAX_AGE",
	"BRCTL_SET_AGEING_TIME", "BRCTL_SET_GC_INTERVAL", "BRCTL_GET_PORT_INFO",
	"BRCTL_SET_BRIDGE_STP_STATE", "BRCTL_SET_BRIDGE_PRIORITY",
	"BRCTL_SET_PORT_PRIORITY", "BRCTL_SET_PATH_COST", "BRCTL_GET_FDB_ENTRIES",
}

// SIOCGIFBR and SIOCSIFBR take unsigned long args[3] of the old bridge API
// (linux/if_bridge.h): a BRCTL_* command and two arguments.
func ioctlDecodeBrArgs(b sockaddr.Bytes) (string, []event.Field) {
	if !b.Has(0, 8) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	cmd := b.U64(0)
	name := strconv.FormatUint(cmd, 10)
	if cmd < uint64(len(ioctlBrctlNames)) {
		name = ioctlBrctlNames[cmd]
	}
	fields := []event.Field{{Name: "args[0]", Value: name, Offset: 0, Length: 8}}
	for i := 1; i < 3; i++ {
		if b.Has(8*i, 8) {
			fields = append(fields, event.Field{Name: fmt.Sprintf("args[%d]", i), Value: fmt.Sprintf("%#x", b.U64(8*i)), Offset: 8 * i, Length: 8})
		}
	}
	return name, fields
}

// RTF_* route flags (linux/route.h).
var ioctlRtfNames = []sockaddr.Flag{
	{0x1, "RTF_UP"}, {0x2, "RTF_GATEWAY"}, {0x4, "RTF_HOST"},
	{0x8, "RTF_REINSTATE"}, {0x10, "RTF_DYNAMIC"}, {0x20, "RTF_MODIFIED"},
	{0x40, "RTF_MTU"}, {0x80, "RTF_WINDOW"}, {0x100, "RTF_IRTT"},
	{0x200, "RTF_REJECT"},
}

// ioctlLooksLikeRtentry reports whether b starts like a struct rtentry
// (rt_pad1 zero, rt_dst an AF_INET or AF_UNSPEC sockaddr) rather than an
// IPv6 struct in6_rtmsg.
func ioctlLooksLikeRtentry(b sockaddr.Bytes) bool {
	if !b.Has(8, 2) {
		return true
	}
	fam := b.U16(8)
	return b.U64(0) == 0 && (fam == sockaddr.AFInet || fam == sockaddr.AFUnspec)
}

// struct rtentry (amd64): rt_pad1 @0, rt_dst @8, rt_gateway @24,
// rt_genmask @40 (struct sockaddr each), rt_flags @56, rt_metric @80,
// rt_dev @88 (char *), rt_mtu @96, rt_window @104, rt_irtt @112.
func ioctlDecodeRtentry(b sockaddr.Bytes) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	for _, m := range []struct {
		name, key string
		off       int
	}{{"rt_dst", "dst", 8}, {"rt_gateway", "gateway", 24}, {"rt_genmask", "genmask", 40}} {
		sa := b.Slice(m.off, 16)
		if len(sa) == 0 {
			continue
		}
		sum, children := sockaddr.DecodeFor(sa, -1)
		v := ioctlSockaddrValue(sum, children)
		fields = append(fields, event.Field{Name: m.name, Value: v, Offset: m.off, Length: len(sa), Children: sockaddr.Shift(children, m.off)})
		parts = append(parts, m.key+"="+v)
	}
	if b.Has(56, 2) {
		v := sockaddr.Flags(uint64(b.U16(56)), ioctlRtfNames)
		fields = append(fields, event.Field{Name: "rt_flags", Value: v, Offset: 56, Length: 2})
		parts = append(parts, "flags="+v)
	}
	if b.Has(80, 2) {
		v := strconv.Itoa(int(int16(b.U16(80))))
		fields = append(fields, event.Field{Name: "rt_metric", Value: v, Offset: 80, Length: 2})
		parts = append(parts, "metric="+v)
	}
	if b.Has(88, 8) {
		fields = append(fields, event.Field{Name: "rt_dev", Value: sockaddr.Pointer(b.U64(88)) + " (char *, not captured)", Offset: 88, Length: 8})
	}
	for _, m := range []struct {
		name string
		off  int
	}{{"rt_mtu", 96}, {"rt_window", 104}} {
		if b.Has(m.off, 8) {
			fields = append(fields, event.Field{Name: m.name, Value: strconv.FormatUint(b.U64(m.off), 10), Offset: m.off, Length: 8})
		}
	}
	if b.Has(112, 2) {
		fields = append(fields, event.Field{Name: "rt_irtt", Value: strconv.Itoa(int(b.U16(112))), Offset: 112, Length: 2})
	}
	note := "(struct rtentry, not an ifreq)"
	if len(b) < 120 {
		note = fmt.Sprintf("(struct rtentry, not an ifreq; %d of 120 bytes captured)", len(b))
	}
	parts = append(parts, note)
	return strings.Join(parts, " "), fields
}

// struct in6_rtmsg: rtmsg_dst @0, rtmsg_src @16, rtmsg_gateway @32 (in6_addr
// each), rtmsg_type @48, rtmsg_dst_len @52, rtmsg_src_len @54,
// rtmsg_metric @56, rtmsg_info @64, rtmsg_flags @72, rtmsg_ifindex @76.
func ioctlDecodeIn6Rtmsg(b sockaddr.Bytes) (string, []event.Field) {
	var fields []event.Field
	addrs := map[string]string{}
	for _, m := range []struct {
		name string
		off  int
	}{{"rtmsg_dst", 0}, {"rtmsg_src", 16}, {"rtmsg_gateway", 32}} {
		if b.Has(m.off, 16) {
			a := netip.AddrFrom16([16]byte(b[m.off : m.off+16])).String()
			addrs[m.name] = a
			fields = append(fields, event.Field{Name: m.name, Value: a, Offset: m.off, Length: 16})
		}
	}
	var parts []string
	if a, ok := addrs["rtmsg_dst"]; ok {
		if b.Has(52, 2) {
			a += "/" + strconv.Itoa(int(b.U16(52)))
		}
		parts = append(parts, "dst="+a)
	}
	if a, ok := addrs["rtmsg_gateway"]; ok {
		parts = append(parts, "gateway="+a)
	}
	u32s := []struct {
		name string
		off  int
		size int
	}{{"rtmsg_type", 48, 4}, {"rtmsg_dst_len", 52, 2}, {"rtmsg_src_len", 54, 2}, {"rtmsg_metric", 56, 4}, {"rtmsg_info", 64, 8}, {"rtmsg_flags", 72, 4}, {"rtmsg_ifindex", 76, 4}}
	for _, m := range u32s {
		if !b.Has(m.off, m.size) {
			continue
		}
		var v string
		switch m.size {
		case 2:
			v = strconv.Itoa(int(b.U16(m.off)))
		case 4:
			v = strconv.Itoa(int(int32(b.U32(m.off))))
		default:
			v = strconv.FormatUint(b.U64(m.off), 10)
		}
		if m.name == "rtmsg_flags" {
			v = sockaddr.Flags(uint64(b.U32(m.off)), ioctlRtfNames)
		}
		fields = append(fields, event.Field{Name: m.name, Value: v, Offset: m.off, Length: m.size})
	}
	note := "(struct in6_rtmsg of an AF_INET6 socket, not an ifreq)"
	if len(b) < 80 {
		note = fmt.Sprintf("(struct in6_rtmsg of an AF_INET6 socket, not an ifreq; %d of 80 bytes captured)", len(b))
	}
	parts = append(parts, note)
	return strings.Join(parts, " "), fields
}

// struct in6_ifreq: ifr6_addr @0, ifr6_prefixlen @16, ifr6_ifindex @20.
func ioctlDecodeIn6Ifreq(b sockaddr.Bytes) (string, []event.Field) {
	if !b.Has(0, 16) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	a := netip.AddrFrom16([16]byte(b[0:16])).String()
	fields := []event.Field{{Name: "ifr6_addr", Value: a, Offset: 0, Length: 16}}
	sum := a
	if b.Has(16, 4) {
		pl := strconv.FormatUint(uint64(b.U32(16)), 10)
		fields = append(fields, event.Field{Name: "ifr6_prefixlen", Value: pl, Offset: 16, Length: 4})
		sum += "/" + pl
	}
	if b.Has(20, 4) {
		ix := strconv.Itoa(int(int32(b.U32(20))))
		fields = append(fields, event.Field{Name: "ifr6_ifindex", Value: ix, Offset: 20, Length: 4})
		sum += " ifindex=" + ix
	}
	return sum + " (struct in6_ifreq of an AF_INET6 socket)", fields
}

// ioctlAllZero reports whether b holds only zero bytes.
func ioctlAllZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ATF_* ARP entry flags (linux/if_arp.h).
var ioctlAtfNames = []sockaddr.Flag{
	{0x02, "ATF_COM"}, {0x04, "ATF_PERM"}, {0x08, "ATF_PUBL"},
	{0x10, "ATF_USETRAILERS"}, {0x20, "ATF_NETMASK"}, {0x40, "ATF_DONTPUB"},
}

// struct arpreq: arp_pa @0 (sockaddr), arp_ha @16 (hardware sockaddr),
// arp_flags @32, arp_netmask @36 (sockaddr), arp_dev[16] @52.
func ioctlDecodeArpreq(b sockaddr.Bytes) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	if sa := b.Slice(0, 16); len(sa) > 0 {
		sum, children := sockaddr.DecodeFor(sa, -1)
		v := ioctlSockaddrValue(sum, children)
		fields = append(fields, event.Field{Name: "arp_pa", Value: v, Offset: 0, Length: len(sa), Children: children})
		parts = append(parts, v)
	}
	if f, v, ok := ioctlHwaddr(b, 16, "arp_ha"); ok {
		if ioctlAllZero(b.Slice(16, 16)) {
			f.Value = "unset"
		} else {
			parts = append(parts, "lladdr="+v)
		}
		fields = append(fields, f)
	}
	if b.Has(32, 4) {
		v := sockaddr.Flags(uint64(b.U32(32)), ioctlAtfNames)
		fields = append(fields, event.Field{Name: "arp_flags", Value: v, Offset: 32, Length: 4})
		parts = append(parts, "flags="+v)
	}
	if sa := b.Slice(36, 16); len(sa) > 0 {
		sum, children := sockaddr.DecodeFor(sa, -1)
		fields = append(fields, event.Field{Name: "arp_netmask", Value: ioctlSockaddrValue(sum, children), Offset: 36, Length: len(sa), Children: sockaddr.Shift(children, 36)})
	}
	if f, s, ok := ioctlIfNameField(b, 52, "arp_dev"); ok {
		fields = append(fields, f)
		parts = append(parts, "dev="+s)
	}
	return strings.Join(parts, " "), fields
}

var ioctlVlanCmdNames = []string{
	"ADD_VLAN_CMD", "DEL_VLAN_CMD", "SET_VLAN_INGRESS_PRIORITY_CMD",
	"SET_VLAN_EGRESS_PRIORITY_CMD", "GET_VLAN_INGRESS_PRIORITY_CMD",
	"GET_VLAN_EGRESS_PRIORITY_CMD", "SET_VLAN_NAME_TYPE_CMD",
	"SET_VLAN_FLAG_CMD", "GET_VLAN_REALDEV_NAME_CMD", "GET_VLAN_VID_CMD",
}

// struct vlan_ioctl_args: int cmd @0, char device1[24] @4, a 24-byte union
// u @28 (device2 or an int), short vlan_qos @52.
func ioctlDecodeVlan(b sockaddr.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", ioctlRawFields(b, 0, "arg")
	}
	cmd := b.U32(0)
	name := strconv.FormatUint(uint64(cmd), 10)
	if cmd < uint32(len(ioctlVlanCmdNames)) {
		name = ioctlVlanCmdNames[cmd]
	}
	fields := []event.Field{{Name: "cmd", Value: name, Offset: 0, Length: 4}}
	parts := []string{name}
	if len(b) > 4 {
		s, _ := b.Cstring(4, 24)
		fields = append(fields, event.Field{Name: "device1", Value: sockaddr.Quote(s), Offset: 4, Length: len(b.Slice(4, 24))})
		parts = append(parts, sockaddr.Plain(s))
	}
	if b.Has(28, 4) {
		switch cmd {
		case 0, 9: // ADD_VLAN_CMD, GET_VLAN_VID_CMD
			v := strconv.Itoa(int(int32(b.U32(28))))
			fields = append(fields, event.Field{Name: "u.VID", Value: v, Offset: 28, Length: 4})
			parts = append(parts, "vid="+v)
		case 8: // GET_VLAN_REALDEV_NAME_CMD
			s, _ := b.Cstring(28, 24)
			fields = append(fields, event.Field{Name: "u.device2", Value: sockaddr.Quote(s), Offset: 28, Length: len(b.Slice(28, 24))})
		default:
			fields = append(fields, event.Field{Name: "u", Value: strconv.FormatUint(uint64(b.U32(28)), 10), Offset: 28, Length: 4})
		}
	}
	if b.Has(52, 2) {
		fields = append(fields, event.Field{Name: "vlan_qos", Value: strconv.Itoa(int(int16(b.U16(52)))), Offset: 52, Length: 2})
	}
	return strings.Join(parts, " "), fields
}
