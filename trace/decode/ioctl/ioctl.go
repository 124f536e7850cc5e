package ioctl

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// argKind says how the argument of a request is laid out.
type argKind uint8

const (
	argRaw         argKind = iota // unknown layout: shown as bytes
	argNone                       // the third argument is unused
	argInt                        // int
	argTimeval                    // struct timeval (sec, usec)
	argTimespec                   // struct timespec (sec, nsec)
	argIfName                     // struct ifreq, only ifr_name is used
	argIfFlags                    // ifreq: ifr_flags (IFF_*)
	argIfPFlags                   // ifreq: ifr_flags (private flags)
	argIfAddr                     // ifreq: a struct sockaddr
	argIfHwaddr                   // ifreq: ifr_hwaddr
	argIfInt                      // ifreq: an int (ifindex, mtu, metric, qlen)
	argIfGetName                  // ifreq for SIOCGIFNAME: ifindex in, name out
	argIfString                   // ifreq: a second interface name
	argIfMap                      // ifreq: struct ifmap
	argIfData                     // ifreq: a pointer to more user memory
	argIfSettings                 // ifreq: struct if_settings
	argIfMii                      // ifreq: struct mii_ioctl_data in the union
	argIfConf                     // struct ifconf
	argBrName                     // a NUL-terminated bridge name (char *)
	argBrArgs                     // unsigned long args[3] of the old bridge API
	argRtentry                    // struct rtentry
	argArpreq                     // struct arpreq
	argVlan                       // struct vlan_ioctl_args
	argValue                      // the value itself, not a pointer (TUNSETPERSIST)
	argTunIfreq                   // ifreq: a name and tun flags (TUNSETIFF)
	argTunFeatures                // unsigned int of tun flags (TUNGETFEATURES)
	argTunFilter                  // struct tun_filter
	argFprog                      // struct sock_fprog
)

// info describes one request: its name, argument layout, the ifreq
// union member it uses and the key used for it in summaries.
type info struct {
	name   string
	kind   argKind
	member string // ifreq union member, e.g. "ifr_mtu"
	key    string // summary key, e.g. "mtu"
	note   string // what a pointer argument points to
	out    bool   // the kernel answers in the argument (a GET)
}

// isGet reports whether the kernel writes its answer into the argument:
// then a failed call's argument holds no answer, only what was passed.
func (in info) isGet() bool {
	switch in.name {
	case "FIONREAD", "TIOCOUTQ", "FIOGETOWN", "SIOCATMARK", "SIOCOUTQNSD", "SIOCGPGRP":
		return true
	case "SIOCGIFBR", "SIOCGSKNS":
		return false // the argument is only read; the answer goes elsewhere
	}
	return in.out || strings.HasPrefix(in.name, "SIOCG")
}

// requests holds the socket ioctls of linux/sockios.h and
// asm-generic/sockios.h, plus the generic file ioctls used on sockets.
var requests = map[uint32]info{
	0x8901: {name: "FIOSETOWN", kind: argInt, key: "pid"},
	0x8902: {name: "SIOCSPGRP", kind: argInt, key: "pgrp"},
	0x8903: {name: "FIOGETOWN", kind: argInt, key: "pid"},
	0x8904: {name: "SIOCGPGRP", kind: argInt, key: "pgrp"},
	0x8905: {name: "SIOCATMARK", kind: argInt, key: "atmark"},
	0x8906: {name: "SIOCGSTAMP", kind: argTimeval},
	0x8907: {name: "SIOCGSTAMPNS", kind: argTimespec},
	0x890b: {name: "SIOCADDRT", kind: argRtentry},
	0x890c: {name: "SIOCDELRT", kind: argRtentry},
	0x890d: {name: "SIOCRTMSG", kind: argRaw},
	0x8910: {name: "SIOCGIFNAME", kind: argIfGetName},
	0x8911: {name: "SIOCSIFLINK", kind: argIfName},
	0x8912: {name: "SIOCGIFCONF", kind: argIfConf},
	0x8913: {name: "SIOCGIFFLAGS", kind: argIfFlags, member: "ifr_flags", key: "flags"},
	0x8914: {name: "SIOCSIFFLAGS", kind: argIfFlags, member: "ifr_flags", key: "flags"},
	0x8915: {name: "SIOCGIFADDR", kind: argIfAddr, member: "ifr_addr", key: "addr"},
	0x8916: {name: "SIOCSIFADDR", kind: argIfAddr, member: "ifr_addr", key: "addr"},
	0x8917: {name: "SIOCGIFDSTADDR", kind: argIfAddr, member: "ifr_dstaddr", key: "dstaddr"},
	0x8918: {name: "SIOCSIFDSTADDR", kind: argIfAddr, member: "ifr_dstaddr", key: "dstaddr"},
	0x8919: {name: "SIOCGIFBRDADDR", kind: argIfAddr, member: "ifr_broadaddr", key: "broadaddr"},
	0x891a: {name: "SIOCSIFBRDADDR", kind: argIfAddr, member: "ifr_broadaddr", key: "broadaddr"},
	0x891b: {name: "SIOCGIFNETMASK", kind: argIfAddr, member: "ifr_netmask", key: "netmask"},
	0x891c: {name: "SIOCSIFNETMASK", kind: argIfAddr, member: "ifr_netmask", key: "netmask"},
	0x891d: {name: "SIOCGIFMETRIC", kind: argIfInt, member: "ifr_metric", key: "metric"},
	0x891e: {name: "SIOCSIFMETRIC", kind: argIfInt, member: "ifr_metric", key: "metric"},
	0x891f: {name: "SIOCGIFMEM", kind: argIfName},
	0x8920: {name: "SIOCSIFMEM", kind: argIfName},
	0x8921: {name: "SIOCGIFMTU", kind: argIfInt, member: "ifr_mtu", key: "mtu"},
	0x8922: {name: "SIOCSIFMTU", kind: argIfInt, member: "ifr_mtu", key: "mtu"},
	0x8923: {name: "SIOCSIFNAME", kind: argIfString, member: "ifr_newname", key: "newname"},
	0x8924: {name: "SIOCSIFHWADDR", kind: argIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8925: {name: "SIOCGIFENCAP", kind: argIfInt, member: "ifr_ivalue", key: "encap"},
	0x8926: {name: "SIOCSIFENCAP", kind: argIfInt, member: "ifr_ivalue", key: "encap"},
	0x8927: {name: "SIOCGIFHWADDR", kind: argIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8929: {name: "SIOCGIFSLAVE", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x8930: {name: "SIOCSIFSLAVE", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x8931: {name: "SIOCADDMULTI", kind: argIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8932: {name: "SIOCDELMULTI", kind: argIfHwaddr, member: "ifr_hwaddr", key: "hwaddr"},
	0x8933: {name: "SIOCGIFINDEX", kind: argIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x8934: {name: "SIOCSIFPFLAGS", kind: argIfPFlags, member: "ifr_flags", key: "pflags"},
	0x8935: {name: "SIOCGIFPFLAGS", kind: argIfPFlags, member: "ifr_flags", key: "pflags"},
	0x8936: {name: "SIOCDIFADDR", kind: argIfAddr, member: "ifr_addr", key: "addr"},
	0x8937: {name: "SIOCSIFHWBROADCAST", kind: argIfHwaddr, member: "ifr_hwaddr", key: "hwbroadcast"},
	0x8938: {name: "SIOCGIFCOUNT", kind: argRaw},
	0x8940: {name: "SIOCGIFBR", kind: argBrArgs},
	0x8941: {name: "SIOCSIFBR", kind: argBrArgs},
	0x8942: {name: "SIOCGIFTXQLEN", kind: argIfInt, member: "ifr_qlen", key: "txqlen"},
	0x8943: {name: "SIOCSIFTXQLEN", kind: argIfInt, member: "ifr_qlen", key: "txqlen"},
	0x8946: {name: "SIOCETHTOOL", kind: argIfData, note: "an ethtool command struct (ETHTOOL_*)"},
	0x8947: {name: "SIOCGMIIPHY", kind: argIfMii},
	0x8948: {name: "SIOCGMIIREG", kind: argIfMii},
	0x8949: {name: "SIOCSMIIREG", kind: argIfMii},
	0x894a: {name: "SIOCWANDEV", kind: argIfSettings},
	0x894b: {name: "SIOCOUTQNSD", kind: argInt, key: "bytes"},
	0x894c: {name: "SIOCGSKNS", kind: argNone},
	0x8953: {name: "SIOCDARP", kind: argArpreq},
	0x8954: {name: "SIOCGARP", kind: argArpreq},
	0x8955: {name: "SIOCSARP", kind: argArpreq},
	0x8960: {name: "SIOCDRARP", kind: argArpreq},
	0x8961: {name: "SIOCGRARP", kind: argArpreq},
	0x8962: {name: "SIOCSRARP", kind: argArpreq},
	0x8970: {name: "SIOCGIFMAP", kind: argIfMap},
	0x8971: {name: "SIOCSIFMAP", kind: argIfMap},
	0x8980: {name: "SIOCADDDLCI", kind: argRaw},
	0x8981: {name: "SIOCDELDLCI", kind: argRaw},
	0x8982: {name: "SIOCGIFVLAN", kind: argVlan},
	0x8983: {name: "SIOCSIFVLAN", kind: argVlan},
	0x8990: {name: "SIOCBONDENSLAVE", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x8991: {name: "SIOCBONDRELEASE", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x8992: {name: "SIOCBONDSETHWADDR", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x8993: {name: "SIOCBONDSLAVEINFOQUERY", kind: argIfData, note: "struct ifslave"},
	0x8994: {name: "SIOCBONDINFOQUERY", kind: argIfData, note: "struct ifbond"},
	0x8995: {name: "SIOCBONDCHANGEACTIVE", kind: argIfString, member: "ifr_slave", key: "slave"},
	0x89a0: {name: "SIOCBRADDBR", kind: argBrName},
	0x89a1: {name: "SIOCBRDELBR", kind: argBrName},
	0x89a2: {name: "SIOCBRADDIF", kind: argIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x89a3: {name: "SIOCBRDELIF", kind: argIfInt, member: "ifr_ifindex", key: "ifindex"},
	0x89b0: {name: "SIOCSHWTSTAMP", kind: argIfData, note: "struct hwtstamp_config"},
	0x89b1: {name: "SIOCGHWTSTAMP", kind: argIfData, note: "struct hwtstamp_config"},
	// Generic file ioctls (asm-generic/ioctls.h) that also apply to sockets;
	// on a socket FIONREAD is SIOCINQ and TIOCOUTQ is SIOCOUTQ.
	0x5411: {name: "TIOCOUTQ", kind: argInt, key: "bytes"},
	0x541b: {name: "FIONREAD", kind: argInt, key: "bytes"},
	0x5421: {name: "FIONBIO", kind: argInt, key: "nonblock"},
	0x5450: {name: "FIONCLEX", kind: argNone},
	0x5451: {name: "FIOCLEX", kind: argNone},
	0x5452: {name: "FIOASYNC", kind: argInt, key: "async"},
	// _IOR(SOCK_IOC_TYPE, 0x06/0x07, long long[2]): the 64-bit time variants.
	0x80108906: {name: "SIOCGSTAMP_NEW", kind: argTimeval},
	0x80108907: {name: "SIOCGSTAMPNS_NEW", kind: argTimespec},
}

// privateRange is the size of the private request ranges of
// linux/sockios.h, SIOCDEVPRIVATE and SIOCPROTOPRIVATE.
const privateRange = 0x10

// lookup returns what is known about request.
func lookup(request uint32) (info, bool) {
	if in, ok := requests[request]; ok {
		return in, true
	}
	if in, ok := tunRequests[request]; ok {
		return in, true
	}
	switch {
	case request >= unix.SIOCDEVPRIVATE && request < unix.SIOCDEVPRIVATE+privateRange:
		return info{name: privateName("SIOCDEVPRIVATE", request-unix.SIOCDEVPRIVATE), kind: argIfData,
			note: "device-private data (e.g. struct ip_tunnel_parm for SIOCGETTUNNEL, brctl arguments on a bridge)"}, true
	case request >= unix.SIOCPROTOPRIVATE && request < unix.SIOCPROTOPRIVATE+privateRange:
		return info{name: privateName("SIOCPROTOPRIVATE", request-unix.SIOCPROTOPRIVATE), kind: argRaw}, true
	}
	return info{}, false
}

func privateName(base string, n uint32) string {
	if n == 0 {
		return base
	}
	return base + "+" + strconv.Itoa(int(n))
}

// Name returns the name of an ioctl request, e.g. "SIOCBRADDBR"
// for 0x89a0, "SIOCDEVPRIVATE+1" inside the device-private range, or the
// number in hex ("0x8950") when it is unknown.
func Name(request uint32) string {
	if in, ok := lookup(request); ok {
		return in.name
	}
	return fmt.Sprintf("%#x", request)
}

// Call is one ioctl as the probe recorded it.
type Call struct {
	// Request is the second argument (SIOCGIFFLAGS, TUNSETIFF...).
	Request uint32
	// Family is the address family of the socket behind the fd, 0 when
	// the fd is not a socket (or unknown).
	Family uint16
	// Device is the character device behind the fd as the kernel's dev_t
	// ([TunDevice] for /dev/net/tun), 0 when not one.
	Device uint32
	// Arg is the third argument of a request that passes a value in it
	// (TUNSETPERSIST, TUNSETOWNER); the probe leaves it 0 for a pointer
	// to a struct it copies.
	Arg uint64
	// Data is what the probe copied from the argument after the call
	// returned: the request's struct, and for SIOCETHTOOL the ethtool
	// struct ifr_data points to after the ifreq, for SIOCADDRT the
	// device name rt_dev points to after the rtentry.
	Data []byte
	// Failed says the call returned an error: the argument of a GET then
	// holds no answer, and only what was passed in is decoded.
	Failed bool
	// Ifname, when set, names interface indexes in the caller's network
	// namespace: the port a bridge request adds ("ifindex=4 (veth0)"),
	// the interface of an IPv6 address or route.
	Ifname func(index int32) (string, bool)
}

// Decode decodes the argument of a socket ioctl. arg is what the probe
// copied from the third argument after the call returned, so requests that
// read something (SIOCGIF*) show the kernel's answer. Short or garbled
// input is decoded as far as it goes; unknown requests keep their bytes as
// one raw field. The result is named after the request ([Name]).
func Decode(request uint32, arg []byte) event.Decoded {
	return DecodeCall(Call{Request: request, Data: arg})
}

// DecodeSocket is [Decode] for a socket whose address family is
// known (Event.SockFamily). The family matters for the few requests whose
// argument depends on it: on AF_INET6 sockets SIOCSIFADDR and SIOCDIFADDR
// take a struct in6_ifreq and SIOCADDRT and SIOCDELRT a struct in6_rtmsg.
// With AF_UNSPEC the layout is guessed from the bytes.
func DecodeSocket(family uint16, request uint32, arg []byte) event.Decoded {
	return DecodeCall(Call{Request: request, Family: family, Data: arg})
}

// noAnswer ends the summary of a failed GET, whose answer fields are left out.
const noAnswer = "(no answer: the call failed)"

// DecodeCall decodes one ioctl: its request, its argument, and whether
// the call failed (see [Call]).
func DecodeCall(c Call) event.Decoded {
	b := render.Bytes(c.Data)
	request, family := c.Request, c.Family
	in, ok := lookup(request)
	call := event.Decoded{Name: Name(request)}
	if !ok {
		call.Summary = fmt.Sprintf("%s (unknown ioctl)", call.Name)
		if c.Device == 0 && (request>>8 == unix.SOCK_IOC_TYPE || family != 0) {
			call.Summary = fmt.Sprintf("%s (unknown socket ioctl)", call.Name)
		}
		call.Fields = rawFields(b, 0, "arg")
		return call
	}
	// A failed GET: only what was passed in is decoded.
	answer := !c.Failed || !in.isGet()
	var sum string
	var fields []event.Field
	switch in.kind {
	case argNone:
		sum = ""
	case argValue:
		sum, fields = decodeValue(in, c.Arg)
	case argInt, argTimeval, argTimespec, argIfConf, argTunFeatures, argTunIfreq, argFprog:
		if !answer { // nothing passed in matters
			sum = noAnswer
			break
		}
		switch in.kind {
		case argInt:
			sum, fields = decodeInt(b, in)
		case argTimeval, argTimespec:
			sum, fields = decodeTime(b, in.kind)
		case argIfConf:
			sum, fields = decodeIfconf(b)
		case argTunFeatures:
			sum, fields = decodeTunFeatures(b)
		case argTunIfreq:
			sum, fields = decodeTunIfreq(b)
		case argFprog:
			sum, fields = decodeFprog(b)
		}
	case argTunFilter:
		sum, fields = decodeTunFilter(b)
	case argBrName:
		sum, fields = decodeBrName(b)
	case argBrArgs:
		sum, fields = decodeBrArgs(b)
	case argRtentry:
		if family == unix.AF_INET6 || (family == unix.AF_UNSPEC && !looksLikeRtentry(b)) {
			sum, fields = decodeIn6Rtmsg(b)
		} else {
			sum, fields = decodeRtentry(b)
		}
	case argArpreq:
		sum, fields = decodeArpreq(b, answer)
	case argVlan:
		sum, fields = decodeVlan(b)
	case argRaw:
		fields = rawFields(b, 0, "arg")
	default:
		if in.kind == argIfAddr && (request == unix.SIOCSIFADDR || request == unix.SIOCDIFADDR) &&
			(family == unix.AF_INET6 || (family == unix.AF_UNSPEC && len(b) > 0 && !looksLikeIfName(b))) {
			sum, fields = decodeIn6Ifreq(b)
		} else {
			sum, fields = decodeIfreq(b, in, answer, c.Failed)
		}
	}
	if c.Ifname != nil {
		sum = nameIndexes(sum, fields, c.Ifname)
	}
	call.Summary = strings.TrimSpace(call.Name + " " + sum)
	call.Fields = fields
	return call
}

// indexFields are the fields that hold an interface index.
var indexFields = map[string]bool{"ifr_ifindex": true, "ifr6_ifindex": true, "rtmsg_ifindex": true, "ifindex": true}

// nameIndexes puts the interface's name beside each index field that
// lookup knows, in the field (Value "4 (veth0)", Ifname) and in the
// summary ("ifindex=4 (veth0)"), and returns the summary. An index whose
// name the request already carries in ifr_name is left as it is.
func nameIndexes(sum string, fields []event.Field, lookup func(int32) (string, bool)) string {
	own := ""
	for _, f := range fields {
		if f.Name == "ifr_name" {
			own = f.Value
		}
	}
	var walk func(fields []event.Field)
	walk = func(fields []event.Field) {
		for i := range fields {
			walk(fields[i].Children)
			sum = nameIndex(sum, &fields[i], own, lookup)
		}
	}
	walk(fields)
	return sum
}

// isIndexField reports whether a field holds an interface index:
// ifr_ifindex and its kin, brctl's ifindex and its port list's ifindex[N].
func isIndexField(name string) bool {
	return indexFields[name] || strings.HasPrefix(name, "ifindex[")
}

// nameIndex names the interface of one index field (see nameIndexes).
func nameIndex(sum string, f *event.Field, own string, lookup func(int32) (string, bool)) string {
	if !isIndexField(f.Name) || f.Ifname != "" {
		return sum
	}
	index, err := strconv.ParseInt(f.Value, 10, 32)
	if err != nil || index <= 0 {
		return sum
	}
	name, ok := lookup(int32(index))
	if !ok || name == "" || own == strconv.Quote(name) {
		return sum
	}
	number := f.Value
	f.NameInterface(name)
	words := strings.Split(sum, " ")
	if j := slices.Index(words, "ifindex="+number); j >= 0 {
		words[j] = "ifindex=" + f.Value
		sum = strings.Join(words, " ")
	}
	return sum
}

// rawFields returns b[off:] as one raw field, or nothing when empty.
func rawFields(b render.Bytes, off int, name string) []event.Field {
	if off >= len(b) {
		return nil
	}
	return []event.Field{{Name: name, Value: render.Hex(b[off:]), Offset: off, Length: len(b) - off}}
}

func decodeInt(b render.Bytes, in info) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", rawFields(b, 0, "arg")
	}
	v := strconv.Itoa(int(int32(b.U32(0))))
	return in.key + "=" + v, []event.Field{{Name: in.key, Value: v, Offset: 0, Length: 4}}
}

func decodeTime(b render.Bytes, kind argKind) (string, []event.Field) {
	sub := "tv_usec"
	if kind == argTimespec {
		sub = "tv_nsec"
	}
	if !b.Has(0, 16) {
		return "", rawFields(b, 0, "arg")
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
var iffNames = render.Bits(
	"IFF_UP", "IFF_BROADCAST", "IFF_DEBUG", "IFF_LOOPBACK", "IFF_POINTOPOINT",
	"IFF_NOTRAILERS", "IFF_RUNNING", "IFF_NOARP", "IFF_PROMISC", "IFF_ALLMULTI",
	"IFF_MASTER", "IFF_SLAVE", "IFF_MULTICAST", "IFF_PORTSEL", "IFF_AUTOMEDIA",
	"IFF_DYNAMIC", "IFF_LOWER_UP", "IFF_DORMANT", "IFF_ECHO",
)

// looksLikeIfName reports whether b starts with a plausible interface
// Name: printable bytes followed by a NUL within IFNAMSIZ.
func looksLikeIfName(b render.Bytes) bool {
	s, ok := b.CString(0, 16)
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

// ifNameField decodes the 16-byte name at off and returns it as a field and
// for display.
func ifNameField(b render.Bytes, off int, name string) (event.Field, string, bool) {
	if off >= len(b) {
		return event.Field{}, "", false
	}
	s, _ := b.CString(off, 16)
	n := min(16, len(b)-off)
	return event.Field{Name: name, Value: render.Quote(s), Offset: off, Length: n}, render.Plain(s), true
}

// decodeIfreq decodes a struct ifreq: ifr_name[16] then a 24-byte
// union whose member depends on the request.
//
// With answer false (a failed GET) the union is left out: it holds what
// was passed in, not the kernel's answer. failed says the call failed,
// for SIOCETHTOOL, whose command decides whether it is a GET.
func decodeIfreq(b render.Bytes, in info, answer, failed bool) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	nameField, name, ok := ifNameField(b, 0, "ifr_name")
	if !ok {
		return "(no argument captured)", nil
	}
	if in.kind != argIfGetName {
		fields = append(fields, nameField)
		parts = append(parts, name)
	}
	const u = 16 // offset of the union
	if !answer {
		if in.kind == argIfGetName && b.Has(u, 4) {
			v := strconv.Itoa(int(int32(b.U32(u))))
			return "ifindex=" + v + " " + noAnswer, []event.Field{{Name: "ifr_ifindex", Value: v, Offset: u, Length: 4}}
		}
		return strings.Join(append(parts, noAnswer), " "), fields
	}
	switch in.kind {
	case argIfName:
		fields = append(fields, rawFields(b, u, "ifr_ifru")...)
	case argIfFlags, argIfPFlags:
		if b.Has(u, 2) {
			fl := b.U16(u)
			v := fmt.Sprintf("%#x", fl)
			if in.kind == argIfFlags {
				v = iffNames.Name(uint64(fl))
			}
			fields = append(fields, event.Field{Name: in.member, Value: v, Offset: u, Length: 2})
			parts = append(parts, in.key+"="+v)
		}
	case argIfInt:
		if b.Has(u, 4) {
			v := strconv.Itoa(int(int32(b.U32(u))))
			fields = append(fields, event.Field{Name: in.member, Value: v, Offset: u, Length: 4})
			parts = append(parts, in.key+"="+v)
		}
	case argIfGetName:
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
	case argIfString:
		if f, s, ok := ifNameField(b, u, in.member); ok {
			fields = append(fields, f)
			parts = append(parts, in.key+"="+s)
		}
	case argIfAddr:
		if f, ok := sockaddrField(b, u, in.member); ok {
			fields = append(fields, f)
			parts = append(parts, in.key+"="+f.Value)
		}
	case argIfHwaddr:
		if f, v, ok := hwaddr(b, u, in.member); ok {
			fields = append(fields, f)
			parts = append(parts, in.key+"="+v)
		}
	case argIfMap:
		fields = append(fields, ifmap(b, u)...)
	case argIfData:
		if in.name == "SIOCDEVPRIVATE" && looksLikeBrctl(b) {
			words, f := decodeBrctl(b, !failed)
			fields = append(fields, event.Field{Name: "ifr_data", Value: render.Pointer(b.U64(u)) + " (pointer to brctl's args below)", Offset: u, Length: 8}, f)
			parts = append(parts, words...)
		} else if cmd, ok := ethtoolCmd(b); ok && in.name == "SIOCETHTOOL" && b.Has(u, 8) {
			words, f := decodeEthtool(b, ifreqSize, !failed)
			fields = append(fields, event.Field{Name: "ifr_data", Value: render.Pointer(b.U64(u)) + " (pointer to the " + ethtoolName(cmd) + " struct below)", Offset: u, Length: 8}, f)
			fields[len(fields)-1].Name = "*ifr_data"
			parts = append(parts, words...)
			if failed && ethtoolIsGet(cmd) {
				parts = append(parts, noAnswer)
			}
		} else if b.Has(u, 8) {
			p := b.U64(u)
			v := render.Pointer(p)
			note := in.note
			if note == "" {
				note = "more data"
			}
			fields = append(fields, event.Field{Name: "ifr_data", Value: v + " (pointer to " + note + " in user memory, not captured)", Offset: u, Length: 8})
			parts = append(parts, "ifr_data="+v)
		}
	case argIfSettings:
		if b.Has(u, 4) {
			fields = append(fields, event.Field{Name: "type", Value: fmt.Sprintf("%#x", b.U32(u)), Offset: u, Length: 4})
		}
		if b.Has(u+4, 4) {
			fields = append(fields, event.Field{Name: "size", Value: strconv.FormatUint(uint64(b.U32(u+4)), 10), Offset: u + 4, Length: 4})
		}
		if b.Has(u+8, 8) {
			fields = append(fields, event.Field{Name: "ifs_ifsu", Value: render.Pointer(b.U64(u+8)) + " (pointer, not captured)", Offset: u + 8, Length: 8})
		}
	case argIfMii:
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

// sockaddrField decodes the struct sockaddr in the 16 bytes at off as a
// field called name. Its value is the bare address for AF_INET, the
// sockaddr summary otherwise.
func sockaddrField(b render.Bytes, off int, name string) (event.Field, bool) {
	sa := b.Slice(off, 16)
	if len(sa) == 0 {
		return event.Field{}, false
	}
	d := sockaddr.Decode(sa)
	f := event.Field{Name: name, Value: d.Summary, Offset: off, Length: len(sa), Children: event.Shift(d.Fields, off)}
	if a, ok := event.Find(d.Fields, "sin_addr"); ok {
		f.Value = a.Value
	}
	return f, true
}

// macLen returns how many bytes of sa_data hold the hardware address
// for a hardware type with 6-byte addresses, or 0 when unknown.
func macLen(hatype uint16) int {
	switch hatype {
	case unix.ARPHRD_ETHER, unix.ARPHRD_EETHER, unix.ARPHRD_IEEE802, unix.ARPHRD_LOOPBACK, unix.ARPHRD_FDDI,
		unix.ARPHRD_IEEE802_TR, unix.ARPHRD_IEEE80211, unix.ARPHRD_IEEE80211_PRISM, unix.ARPHRD_IEEE80211_RADIOTAP:
		return 6
	}
	return 0
}

// hwaddr decodes the struct sockaddr holding a hardware address:
// sa_family is an ARPHRD_* type, sa_data the address.
func hwaddr(b render.Bytes, off int, name string) (event.Field, string, bool) {
	if !b.Has(off, 2) {
		return event.Field{}, "", false
	}
	ht := b.U16(off)
	f := event.Field{Name: name, Offset: off, Length: len(b.Slice(off, 16))}
	f.Children = append(f.Children, event.Field{Name: "sa_family", Value: sockaddr.Arphrd(ht), Offset: off, Length: 2})
	data := b.Slice(off+2, 14)
	var addr string
	if n := macLen(ht); n > 0 && len(data) >= n {
		addr = render.MAC(data[:n])
		f.Children = append(f.Children, event.Field{Name: "sa_data", Value: addr, Offset: off + 2, Length: n})
	} else if len(data) > 0 {
		addr = render.MAC(data)
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
func ifmap(b render.Bytes, u int) []event.Field {
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
func decodeIfconf(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", rawFields(b, 0, "arg")
	}
	n := int(int32(b.U32(0)))
	v := strconv.Itoa(n)
	if n > 0 && n%40 == 0 {
		v += fmt.Sprintf(" (%d × struct ifreq)", n/40)
	}
	fields := []event.Field{{Name: "ifc_len", Value: v, Offset: 0, Length: 4}}
	sum := "len=" + strconv.Itoa(n)
	if b.Has(8, 8) {
		p := render.Pointer(b.U64(8))
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
func decodeBrName(b render.Bytes) (string, []event.Field) {
	if len(b) == 0 {
		return "(no argument captured)", nil
	}
	s, nul := b.CString(0, 16)
	n := len(s)
	if nul {
		n++
	}
	return render.Quote(s), []event.Field{{Name: "bridge_name", Value: render.Quote(s) + " (char *, not an ifreq)", Offset: 0, Length: n}}
}

// brctlNames names the commands of the old bridge API (linux/if_bridge.h).
var brctlNames = render.Enum{
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
func decodeBrArgs(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 8) {
		return "", rawFields(b, 0, "arg")
	}
	cmd := b.U64(0)
	name := brctlNames.Name(cmd)
	fields := []event.Field{{Name: "args[0]", Value: name, Offset: 0, Length: 8}}
	for i := 1; i < 3; i++ {
		if b.Has(8*i, 8) {
			fields = append(fields, event.Field{Name: fmt.Sprintf("args[%d]", i), Value: fmt.Sprintf("%#x", b.U64(8*i)), Offset: 8 * i, Length: 8})
		}
	}
	return name, fields
}

// RTF_* route flags (linux/route.h).
var rtfNames = render.Bits(
	"RTF_UP", "RTF_GATEWAY", "RTF_HOST", "RTF_REINSTATE", "RTF_DYNAMIC",
	"RTF_MODIFIED", "RTF_MTU", "RTF_WINDOW", "RTF_IRTT", "RTF_REJECT",
)

// looksLikeRtentry reports whether b starts like a struct rtentry
// (rt_pad1 zero, rt_dst an AF_INET or AF_UNSPEC sockaddr) rather than an
// IPv6 struct in6_rtmsg.
func looksLikeRtentry(b render.Bytes) bool {
	if !b.Has(8, 2) {
		return true
	}
	fam := b.U16(8)
	return b.U64(0) == 0 && (fam == unix.AF_INET || fam == unix.AF_UNSPEC)
}

// rtentrySize is the size of struct rtentry on amd64.
const rtentrySize = 120

// struct rtentry (amd64): rt_pad1 @0, rt_dst @8, rt_gateway @24,
// rt_genmask @40 (struct sockaddr each), rt_flags @56, rt_metric @80,
// rt_dev @88 (char *), rt_mtu @96, rt_window @104, rt_irtt @112.
func decodeRtentry(b render.Bytes) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	for _, m := range []struct {
		name, key string
		off       int
	}{{"rt_dst", "dst", 8}, {"rt_gateway", "gateway", 24}, {"rt_genmask", "genmask", 40}} {
		if f, ok := sockaddrField(b, m.off, m.name); ok {
			fields = append(fields, f)
			if !allZero(b.Slice(m.off, 16)) { // a route without gateway leaves it unset
				parts = append(parts, m.key+"="+f.Value)
			}
		}
	}
	if b.Has(56, 2) {
		v := rtfNames.Name(uint64(b.U16(56)))
		fields = append(fields, event.Field{Name: "rt_flags", Value: v, Offset: 56, Length: 2})
		parts = append(parts, "flags="+v)
	}
	if b.Has(80, 2) {
		v := strconv.Itoa(int(int16(b.U16(80))))
		fields = append(fields, event.Field{Name: "rt_metric", Value: v, Offset: 80, Length: 2})
		parts = append(parts, "metric="+v)
	}
	if b.Has(88, 8) {
		p := b.U64(88)
		f := event.Field{Name: "rt_dev", Value: render.Pointer(p) + " (char *, not captured)", Offset: 88, Length: 8}
		if p == 0 {
			f.Value = "NULL (no device)"
		} else if len(b) > rtentrySize {
			// The probe follows the pointer: the name comes after the struct.
			dev, nul := b.CString(rtentrySize, 16)
			n := len(dev)
			if nul {
				n++
			}
			f.Value = render.Pointer(p) + " (char *)"
			f.Children = []event.Field{{Name: "*rt_dev", Value: render.Quote(dev), Offset: rtentrySize, Length: n}}
			parts = append(parts, "dev="+render.Plain(dev))
		}
		fields = append(fields, f)
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
	if len(b) < rtentrySize {
		note = fmt.Sprintf("(struct rtentry, not an ifreq; %d of 120 bytes captured)", len(b))
	}
	parts = append(parts, note)
	return strings.Join(parts, " "), fields
}

// struct in6_rtmsg: rtmsg_dst @0, rtmsg_src @16, rtmsg_gateway @32 (in6_addr
// each), rtmsg_type @48, rtmsg_dst_len @52, rtmsg_src_len @54,
// rtmsg_metric @56, rtmsg_info @64, rtmsg_flags @72, rtmsg_ifindex @76.
func decodeIn6Rtmsg(b render.Bytes) (string, []event.Field) {
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
			v = rtfNames.Name(uint64(b.U32(m.off)))
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
func decodeIn6Ifreq(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 16) {
		return "", rawFields(b, 0, "arg")
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

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ATF_* ARP entry flags (linux/if_arp.h).
var atfNames = render.Bits(
	"", "ATF_COM", "ATF_PERM", "ATF_PUBL", "ATF_USETRAILERS", "ATF_NETMASK", "ATF_DONTPUB",
)

// struct arpreq: arp_pa @0 (sockaddr), arp_ha @16 (hardware sockaddr),
// arp_flags @32, arp_netmask @36 (sockaddr), arp_dev[16] @52. With answer
// false (a failed SIOCGARP) only the address and device asked about are
// shown.
func decodeArpreq(b render.Bytes, answer bool) (string, []event.Field) {
	var fields []event.Field
	var parts []string
	if f, ok := sockaddrField(b, 0, "arp_pa"); ok {
		fields = append(fields, f)
		parts = append(parts, f.Value)
	}
	if !answer {
		if f, s, ok := ifNameField(b, 52, "arp_dev"); ok {
			fields = append(fields, f)
			parts = append(parts, "dev="+s)
		}
		return strings.Join(append(parts, noAnswer), " "), fields
	}
	if f, v, ok := hwaddr(b, 16, "arp_ha"); ok {
		if allZero(b.Slice(16, 16)) {
			f.Value = "unset"
		} else {
			parts = append(parts, "lladdr="+v)
		}
		fields = append(fields, f)
	}
	if b.Has(32, 4) {
		v := atfNames.Name(uint64(b.U32(32)))
		fields = append(fields, event.Field{Name: "arp_flags", Value: v, Offset: 32, Length: 4})
		parts = append(parts, "flags="+v)
	}
	if f, ok := sockaddrField(b, 36, "arp_netmask"); ok {
		fields = append(fields, f)
	}
	if f, s, ok := ifNameField(b, 52, "arp_dev"); ok {
		fields = append(fields, f)
		parts = append(parts, "dev="+s)
	}
	return strings.Join(parts, " "), fields
}

// vlanCmdNames names the commands of SIOCGIFVLAN and SIOCSIFVLAN
// (linux/if_vlan.h).
var vlanCmdNames = render.Enum{
	"ADD_VLAN_CMD", "DEL_VLAN_CMD", "SET_VLAN_INGRESS_PRIORITY_CMD",
	"SET_VLAN_EGRESS_PRIORITY_CMD", "GET_VLAN_INGRESS_PRIORITY_CMD",
	"GET_VLAN_EGRESS_PRIORITY_CMD", "SET_VLAN_NAME_TYPE_CMD",
	"SET_VLAN_FLAG_CMD", "GET_VLAN_REALDEV_NAME_CMD", "GET_VLAN_VID_CMD",
}

// The vlan_ioctl_args commands whose union member is not a plain number.
const (
	addVlanCmd            = 0 // ADD_VLAN_CMD: u.VID
	getVlanRealdevNameCmd = 8 // GET_VLAN_REALDEV_NAME_CMD: u.device2
	getVlanVidCmd         = 9 // GET_VLAN_VID_CMD: u.VID
)

// struct vlan_ioctl_args: int cmd @0, char device1[24] @4, a 24-byte union
// u @28 (device2 or an int), short vlan_qos @52.
func decodeVlan(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", rawFields(b, 0, "arg")
	}
	cmd := b.U32(0)
	name := vlanCmdNames.Name(uint64(cmd))
	fields := []event.Field{{Name: "cmd", Value: name, Offset: 0, Length: 4}}
	parts := []string{name}
	if len(b) > 4 {
		s, _ := b.CString(4, 24)
		fields = append(fields, event.Field{Name: "device1", Value: render.Quote(s), Offset: 4, Length: len(b.Slice(4, 24))})
		parts = append(parts, render.Plain(s))
	}
	if b.Has(28, 4) {
		switch cmd {
		case addVlanCmd, getVlanVidCmd:
			v := strconv.Itoa(int(int32(b.U32(28))))
			fields = append(fields, event.Field{Name: "u.VID", Value: v, Offset: 28, Length: 4})
			parts = append(parts, "vid="+v)
		case getVlanRealdevNameCmd:
			s, _ := b.CString(28, 24)
			fields = append(fields, event.Field{Name: "u.device2", Value: render.Quote(s), Offset: 28, Length: len(b.Slice(28, 24))})
		default:
			fields = append(fields, event.Field{Name: "u", Value: strconv.FormatUint(uint64(b.U32(28)), 10), Offset: 28, Length: 4})
		}
	}
	if b.Has(52, 2) {
		fields = append(fields, event.Field{Name: "vlan_qos", Value: strconv.Itoa(int(int16(b.U16(52)))), Offset: 52, Length: 2})
	}
	return strings.Join(parts, " "), fields
}
