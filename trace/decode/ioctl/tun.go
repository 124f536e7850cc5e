package ioctl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// TunDevice is /dev/net/tun as the kernel's dev_t (MISC_MAJOR << 20 |
// TUN_MINOR): the device the probe reports for an ioctl on a tun fd.
const TunDevice = 10<<20 | 200

// DeviceName names the character device of an ioctl's fd, as the probe
// reports it (the kernel's dev_t), e.g. "/dev/net/tun"; "" when unknown.
func DeviceName(dev uint32) string {
	if dev == TunDevice {
		return "/dev/net/tun"
	}
	return ""
}

// The ioctls of the tun/tap driver (linux/if_tun.h).
var tunRequests = map[uint32]info{
	0x400454c8: {name: "TUNSETNOCSUM", kind: argValue, key: "nocsum"},
	0x400454c9: {name: "TUNSETDEBUG", kind: argValue, key: "debug"},
	0x400454ca: {name: "TUNSETIFF", kind: argTunIfreq},
	0x400454cb: {name: "TUNSETPERSIST", kind: argValue, key: "persist"},
	0x400454cc: {name: "TUNSETOWNER", kind: argValue, key: "owner"},
	0x400454cd: {name: "TUNSETLINK", kind: argValue, key: "link"},
	0x400454ce: {name: "TUNSETGROUP", kind: argValue, key: "group"},
	0x800454cf: {name: "TUNGETFEATURES", kind: argTunFeatures, out: true},
	0x400454d0: {name: "TUNSETOFFLOAD", kind: argValue, key: "offload"},
	0x400454d1: {name: "TUNSETTXFILTER", kind: argTunFilter},
	0x800454d2: {name: "TUNGETIFF", kind: argTunIfreq, out: true},
	0x800454d3: {name: "TUNGETSNDBUF", kind: argInt, key: "sndbuf", out: true},
	0x400454d4: {name: "TUNSETSNDBUF", kind: argInt, key: "sndbuf"},
	0x401054d5: {name: "TUNATTACHFILTER", kind: argFprog},
	0x401054d6: {name: "TUNDETACHFILTER", kind: argFprog},
	0x800454d7: {name: "TUNGETVNETHDRSZ", kind: argInt, key: "vnet_hdr_sz", out: true},
	0x400454d8: {name: "TUNSETVNETHDRSZ", kind: argInt, key: "vnet_hdr_sz"},
	0x400454d9: {name: "TUNSETQUEUE", kind: argTunIfreq},
	0x400454da: {name: "TUNSETIFINDEX", kind: argInt, key: "ifindex"},
	0x801054db: {name: "TUNGETFILTER", kind: argFprog, out: true},
	0x400454dc: {name: "TUNSETVNETLE", kind: argInt, key: "vnet_le"},
	0x800454dd: {name: "TUNGETVNETLE", kind: argInt, key: "vnet_le", out: true},
	0x400454de: {name: "TUNSETVNETBE", kind: argInt, key: "vnet_be"},
	0x800454df: {name: "TUNGETVNETBE", kind: argInt, key: "vnet_be", out: true},
	0x800454e0: {name: "TUNSETSTEERINGEBPF", kind: argInt, key: "prog_fd"},
	0x800454e1: {name: "TUNSETFILTEREBPF", kind: argInt, key: "prog_fd"},
	0x400454e2: {name: "TUNSETCARRIER", kind: argInt, key: "carrier"},
	0x000054e3: {name: "TUNGETDEVNETNS", kind: argNone},
}

// tunFlags names the flags of TUNSETIFF's ifr_flags and of
// TUNGETFEATURES (linux/if_tun.h). IFF_NOFILTER shares IFF_NO_PI's bit
// (it is TUNSETTXFILTER's), so it is not listed.
var tunFlags = render.FlagSet{
	{Mask: 0x0001, Name: "IFF_TUN"}, {Mask: 0x0002, Name: "IFF_TAP"},
	{Mask: 0x0010, Name: "IFF_NAPI"}, {Mask: 0x0020, Name: "IFF_NAPI_FRAGS"},
	{Mask: 0x0040, Name: "IFF_NO_CARRIER"}, {Mask: 0x0100, Name: "IFF_MULTI_QUEUE"},
	{Mask: 0x0200, Name: "IFF_ATTACH_QUEUE"}, {Mask: 0x0400, Name: "IFF_DETACH_QUEUE"},
	{Mask: 0x0800, Name: "IFF_PERSIST"}, {Mask: 0x1000, Name: "IFF_NO_PI"},
	{Mask: 0x2000, Name: "IFF_ONE_QUEUE"}, {Mask: 0x4000, Name: "IFF_VNET_HDR"},
	{Mask: 0x8000, Name: "IFF_TUN_EXCL"},
}

// tunOffloads names TUNSETOFFLOAD's TUN_F_* bits.
var tunOffloads = render.Bits("TUN_F_CSUM", "TUN_F_TSO4", "TUN_F_TSO6", "TUN_F_TSO_ECN", "TUN_F_UFO", "TUN_F_USO4", "TUN_F_USO6")

// decodeValue decodes a request whose third argument is the value itself
// (TUNSETPERSIST 1, TUNSETOWNER uid): it is shown from the raw argument,
// as a field without bytes.
func decodeValue(in info, arg uint64) (string, []event.Field) {
	v := strconv.FormatInt(int64(int32(arg)), 10)
	switch in.key {
	case "offload":
		v = tunOffloads.Name(uint64(uint32(arg)))
	case "link":
		v = sockaddr.Arphrd(uint16(arg))
	case "owner", "group":
		if int32(arg) == -1 {
			v = "-1 (none)"
		}
	}
	return in.key + "=" + v, []event.Field{{Name: in.key, Value: v + " (the argument itself, not a pointer)"}}
}

// decodeTunIfreq decodes the ifreq of TUNSETIFF, TUNGETIFF and
// TUNSETQUEUE: a name and tun flags (IFF_TAP|IFF_NO_PI).
func decodeTunIfreq(b render.Bytes) (string, []event.Field) {
	nameField, name, ok := ifNameField(b, 0, "ifr_name")
	if !ok {
		return "(no argument captured)", nil
	}
	fields := []event.Field{nameField}
	var parts []string
	if name != `""` { // TUNSETQUEUE needs no name
		parts = append(parts, name)
	}
	if b.Has(16, 2) {
		v := tunFlags.Name(uint64(b.U16(16)))
		fields = append(fields, event.Field{Name: "ifr_flags", Value: v, Offset: 16, Length: 2})
		parts = append(parts, v)
	}
	return strings.Join(parts, " "), fields
}

// decodeTunFeatures decodes TUNGETFEATURES' unsigned int of flags.
func decodeTunFeatures(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", rawFields(b, 0, "arg")
	}
	v := tunFlags.Name(uint64(b.U32(0)))
	return "features=" + v, []event.Field{{Name: "features", Value: v, Offset: 0, Length: 4}}
}

// struct tun_filter: flags (u16, TUN_FLT_ALLMULTI), count (u16), then
// count 6-byte addresses.
func decodeTunFilter(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 4) {
		return "", rawFields(b, 0, "arg")
	}
	flags := render.Bits("TUN_FLT_ALLMULTI").Name(uint64(b.U16(0)))
	count := int(b.U16(2))
	fields := []event.Field{
		{Name: "flags", Value: flags, Offset: 0, Length: 2},
		{Name: "count", Value: strconv.Itoa(count), Offset: 2, Length: 2},
	}
	for i := 0; i < count && b.Has(4+6*i, 6); i++ {
		fields = append(fields, event.Field{Name: fmt.Sprintf("addr[%d]", i), Value: render.MAC(b[4+6*i : 10+6*i]), Offset: 4 + 6*i, Length: 6})
	}
	return fmt.Sprintf("flags=%s count=%d", flags, count), fields
}

// struct sock_fprog: len (u16), then (after padding) a pointer to the
// classic BPF instructions.
func decodeFprog(b render.Bytes) (string, []event.Field) {
	if !b.Has(0, 2) {
		return "", rawFields(b, 0, "arg")
	}
	n := strconv.Itoa(int(b.U16(0)))
	fields := []event.Field{{Name: "len", Value: n, Offset: 0, Length: 2}}
	if b.Has(8, 8) {
		fields = append(fields, event.Field{Name: "filter", Value: render.Pointer(b.U64(8)) + " (pointer to the instructions, not captured)", Offset: 8, Length: 8})
	}
	return "len=" + n, fields
}

// ValueArg returns the third argument of a request that passes its value
// there instead of a pointer (TUNSETPERSIST 1), for the call line.
func ValueArg(request uint32, arg uint64) (string, bool) {
	in, ok := lookup(request)
	if !ok || in.kind != argValue {
		return "", false
	}
	return strconv.FormatInt(int64(int32(arg)), 10), true
}
