package ioctl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

// ethtoolNames names the ETHTOOL_* commands of linux/ethtool.h, the first
// u32 of the struct SIOCETHTOOL's ifr_data points to.
var ethtoolNames = render.Enum{
	1: "ETHTOOL_GSET", 2: "ETHTOOL_SSET", 3: "ETHTOOL_GDRVINFO", 4: "ETHTOOL_GREGS",
	5: "ETHTOOL_GWOL", 6: "ETHTOOL_SWOL", 7: "ETHTOOL_GMSGLVL", 8: "ETHTOOL_SMSGLVL",
	9: "ETHTOOL_NWAY_RST", 0xa: "ETHTOOL_GLINK", 0xb: "ETHTOOL_GEEPROM", 0xc: "ETHTOOL_SEEPROM",
	0xe: "ETHTOOL_GCOALESCE", 0xf: "ETHTOOL_SCOALESCE", 0x10: "ETHTOOL_GRINGPARAM",
	0x11: "ETHTOOL_SRINGPARAM", 0x12: "ETHTOOL_GPAUSEPARAM", 0x13: "ETHTOOL_SPAUSEPARAM",
	0x14: "ETHTOOL_GRXCSUM", 0x15: "ETHTOOL_SRXCSUM", 0x16: "ETHTOOL_GTXCSUM", 0x17: "ETHTOOL_STXCSUM",
	0x18: "ETHTOOL_GSG", 0x19: "ETHTOOL_SSG", 0x1a: "ETHTOOL_TEST", 0x1b: "ETHTOOL_GSTRINGS",
	0x1c: "ETHTOOL_PHYS_ID", 0x1d: "ETHTOOL_GSTATS", 0x1e: "ETHTOOL_GTSO", 0x1f: "ETHTOOL_STSO",
	0x20: "ETHTOOL_GPERMADDR", 0x21: "ETHTOOL_GUFO", 0x22: "ETHTOOL_SUFO", 0x23: "ETHTOOL_GGSO",
	0x24: "ETHTOOL_SGSO", 0x25: "ETHTOOL_GFLAGS", 0x26: "ETHTOOL_SFLAGS", 0x27: "ETHTOOL_GPFLAGS",
	0x28: "ETHTOOL_SPFLAGS", 0x29: "ETHTOOL_GRXFH", 0x2a: "ETHTOOL_SRXFH", 0x2b: "ETHTOOL_GGRO",
	0x2c: "ETHTOOL_SGRO", 0x2d: "ETHTOOL_GRXRINGS", 0x2e: "ETHTOOL_GRXCLSRLCNT",
	0x2f: "ETHTOOL_GRXCLSRULE", 0x30: "ETHTOOL_GRXCLSRLALL", 0x31: "ETHTOOL_SRXCLSRLDEL",
	0x32: "ETHTOOL_SRXCLSRLINS", 0x33: "ETHTOOL_FLASHDEV", 0x34: "ETHTOOL_RESET",
	0x35: "ETHTOOL_SRXNTUPLE", 0x36: "ETHTOOL_GRXNTUPLE", 0x37: "ETHTOOL_GSSET_INFO",
	0x38: "ETHTOOL_GRXFHINDIR", 0x39: "ETHTOOL_SRXFHINDIR", 0x3a: "ETHTOOL_GFEATURES",
	0x3b: "ETHTOOL_SFEATURES", 0x3c: "ETHTOOL_GCHANNELS", 0x3d: "ETHTOOL_SCHANNELS",
	0x3e: "ETHTOOL_SET_DUMP", 0x3f: "ETHTOOL_GET_DUMP_FLAG", 0x40: "ETHTOOL_GET_DUMP_DATA",
	0x41: "ETHTOOL_GET_TS_INFO", 0x42: "ETHTOOL_GMODULEINFO", 0x43: "ETHTOOL_GMODULEEEPROM",
	0x44: "ETHTOOL_GEEE", 0x45: "ETHTOOL_SEEE", 0x46: "ETHTOOL_GRSSH", 0x47: "ETHTOOL_SRSSH",
	0x48: "ETHTOOL_GTUNABLE", 0x49: "ETHTOOL_STUNABLE", 0x4a: "ETHTOOL_GPHYSTATS",
	0x4b: "ETHTOOL_PERQUEUE", 0x4c: "ETHTOOL_GLINKSETTINGS", 0x4d: "ETHTOOL_SLINKSETTINGS",
	0x4e: "ETHTOOL_PHY_GTUNABLE", 0x4f: "ETHTOOL_PHY_STUNABLE", 0x50: "ETHTOOL_GFECPARAM",
	0x51: "ETHTOOL_SFECPARAM",
}

// The ethtool commands decoded member by member.
const (
	ethtoolGset          = 0x01
	ethtoolSset          = 0x02
	ethtoolGdrvinfo      = 0x03
	ethtoolGlink         = 0x0a
	ethtoolGlinksettings = 0x4c
	ethtoolSlinksettings = 0x4d
)

// ethtoolName returns the name of an ethtool command, or its number in hex.
func ethtoolName(cmd uint32) string {
	if s, ok := ethtoolNames.Lookup(uint64(cmd)); ok {
		return s
	}
	return fmt.Sprintf("ETHTOOL_%#x", cmd)
}

// ethtoolIsGet reports whether the kernel answers the command by writing
// into its struct: the GET commands and the dump and time-stamp queries.
func ethtoolIsGet(cmd uint32) bool {
	n := ethtoolName(cmd)
	return strings.HasPrefix(n, "ETHTOOL_G") || strings.HasPrefix(n, "ETHTOOL_PHY_G")
}

// ethtoolCmd peeks at the command number of a SIOCETHTOOL argument as the
// probe records it: the ifreq, then the struct ifr_data points to.
func ethtoolCmd(b render.Bytes) (uint32, bool) {
	if !b.Has(ifreqSize, 4) {
		return 0, false
	}
	return b.U32(ifreqSize), true
}

// ifreqSize is the size of struct ifreq on amd64.
const ifreqSize = 40

// decodeEthtool decodes the ethtool struct at off (after the ifreq). With
// answer false (the call failed) only the command is shown: what follows
// it holds no answer. It returns the summary words and the struct as one
// field.
func decodeEthtool(b render.Bytes, off int, answer bool) ([]string, event.Field) {
	cmd := b.U32(off)
	name := ethtoolName(cmd)
	f := event.Field{Name: "ifr_data", Value: name, Offset: off, Length: len(b) - off,
		Children: []event.Field{{Name: "cmd", Value: name, Offset: off, Length: 4}}}
	parts := []string{name}
	if !answer && ethtoolIsGet(cmd) {
		f.Length = 4
		return parts, f
	}
	var kids []event.Field
	var words []string
	switch cmd {
	case ethtoolGdrvinfo:
		words, kids = ethtoolDrvinfo(b, off)
	case ethtoolGset, ethtoolSset:
		words, kids = ethtoolLegacySettings(b, off)
	case ethtoolGlinksettings, ethtoolSlinksettings:
		words, kids = ethtoolLinkSettings(b, off)
	default:
		if len(b)-off == 8 { // struct ethtool_value
			v := b.U32(off + 4)
			s := strconv.FormatUint(uint64(v), 10)
			key := "data"
			if cmd == ethtoolGlink {
				key, s = "link", map[bool]string{true: "up", false: "down"}[v != 0]
			}
			kids = []event.Field{{Name: "data", Value: s, Offset: off + 4, Length: 4}}
			words = []string{key + "=" + s}
		} else if len(b)-off > 4 {
			kids = rawFields(b, off+4, "rest")
		}
	}
	f.Children = append(f.Children, kids...)
	return append(parts, words...), f
}

// ethtoolString is one char[32] member of a struct at base.
func ethtoolString(b render.Bytes, base, off int, name string) (event.Field, string, bool) {
	if !b.Has(base+off, 1) {
		return event.Field{}, "", false
	}
	s, _ := b.CString(base+off, 32)
	return event.Field{Name: name, Value: render.Quote(s), Offset: base + off, Length: len(b.Slice(base+off, 32))}, s, true
}

// struct ethtool_drvinfo: cmd, driver[32] @4, version[32] @36,
// fw_version[32] @68, bus_info[32] @100, erom_version[32] @132,
// reserved2[12] @164, then five u32 counts @176.
func ethtoolDrvinfo(b render.Bytes, base int) ([]string, []event.Field) {
	var kids []event.Field
	var words []string
	for _, m := range []struct {
		name string
		off  int
	}{{"driver", 4}, {"version", 36}, {"fw_version", 68}, {"bus_info", 100}, {"erom_version", 132}} {
		f, s, ok := ethtoolString(b, base, m.off, m.name)
		if !ok {
			break
		}
		kids = append(kids, f)
		if s != "" && m.name != "erom_version" {
			words = append(words, m.name+"="+render.Quote(s))
		}
	}
	for i, n := range []string{"n_priv_flags", "n_stats", "testinfo_len", "eedump_len", "regdump_len"} {
		off := base + 176 + 4*i
		if b.Has(off, 4) {
			kids = append(kids, event.Field{Name: n, Value: strconv.FormatUint(uint64(b.U32(off)), 10), Offset: off, Length: 4})
		}
	}
	return words, kids
}

// Values of the link settings' members (linux/ethtool.h).
var (
	ethtoolDuplex  = render.EnumMap{0: "half", 1: "full", 0xff: "unknown"}
	ethtoolPort    = render.EnumMap{0: "TP", 1: "AUI", 2: "MII", 3: "FIBRE", 4: "BNC", 5: "DA", 0xef: "NONE", 0xff: "OTHER"}
	ethtoolAutoneg = render.EnumMap{0: "off", 1: "on"}
)

// ethtoolSpeed renders a speed in Mb/s; SPEED_UNKNOWN is all ones.
func ethtoolSpeed(v uint32) string {
	if v == 0xffffffff || v == 0xffff {
		return "unknown"
	}
	return strconv.FormatUint(uint64(v), 10) + "Mb/s"
}

// byteMember is a u8 member of a struct at base, named by namer.
func byteMember(b render.Bytes, base, off int, name string, namer render.Namer) (event.Field, bool) {
	if !b.Has(base+off, 1) {
		return event.Field{}, false
	}
	return event.Field{Name: name, Value: namer.Name(uint64(b.U8(base + off))), Offset: base + off, Length: 1}, true
}

// numberNamer renders a value in decimal.
var numberNamer = render.NamerFunc(func(v uint64) string { return strconv.FormatUint(v, 10) })

// struct ethtool_cmd (ETHTOOL_GSET/SSET): supported @4, advertising @8,
// speed @12 (u16, speed_hi @28), duplex @14, port @15, phy_address @16,
// transceiver @17, autoneg @18, lp_advertising @32.
func ethtoolLegacySettings(b render.Bytes, base int) ([]string, []event.Field) {
	var kids []event.Field
	var words []string
	for _, m := range []struct {
		name string
		off  int
	}{{"supported", 4}, {"advertising", 8}} {
		if b.Has(base+m.off, 4) {
			kids = append(kids, event.Field{Name: m.name, Value: fmt.Sprintf("%#x", b.U32(base+m.off)), Offset: base + m.off, Length: 4})
		}
	}
	if b.Has(base+12, 2) {
		speed := uint32(b.U16(base + 12))
		if b.Has(base+28, 2) {
			speed |= uint32(b.U16(base+28)) << 16
		}
		s := ethtoolSpeed(speed)
		kids = append(kids, event.Field{Name: "speed", Value: s, Offset: base + 12, Length: 2})
		words = append(words, "speed="+s)
	}
	for _, m := range []struct {
		name  string
		off   int
		namer render.Namer
	}{{"duplex", 14, ethtoolDuplex}, {"port", 15, ethtoolPort}, {"phy_address", 16, numberNamer}, {"transceiver", 17, numberNamer}, {"autoneg", 18, ethtoolAutoneg}} {
		if f, ok := byteMember(b, base, m.off, m.name, m.namer); ok {
			kids = append(kids, f)
			if m.name == "duplex" || m.name == "autoneg" {
				words = append(words, m.name+"="+f.Value)
			}
		}
	}
	if b.Has(base+32, 4) {
		kids = append(kids, event.Field{Name: "lp_advertising", Value: fmt.Sprintf("%#x", b.U32(base+32)), Offset: base + 32, Length: 4})
	}
	return words, kids
}

// struct ethtool_link_settings (ETHTOOL_GLINKSETTINGS/SLINKSETTINGS, 48
// bytes): speed @4, duplex @8, port @9, phy_address @10, autoneg @11,
// link_mode_masks_nwords @15 (s8), then three bitmaps of nwords u32 each
// (supported, advertising, lp_advertising). A first GET with nwords 0 is
// the handshake: the kernel answers with -nwords.
func ethtoolLinkSettings(b render.Bytes, base int) ([]string, []event.Field) {
	var kids []event.Field
	var words []string
	if b.Has(base+4, 4) {
		s := ethtoolSpeed(b.U32(base + 4))
		kids = append(kids, event.Field{Name: "speed", Value: s, Offset: base + 4, Length: 4})
		words = append(words, "speed="+s)
	}
	for _, m := range []struct {
		name  string
		off   int
		namer render.Namer
	}{{"duplex", 8, ethtoolDuplex}, {"port", 9, ethtoolPort}, {"phy_address", 10, numberNamer}, {"autoneg", 11, ethtoolAutoneg}} {
		if f, ok := byteMember(b, base, m.off, m.name, m.namer); ok {
			kids = append(kids, f)
			if m.name == "duplex" || m.name == "autoneg" {
				words = append(words, m.name+"="+f.Value)
			}
		}
	}
	if !b.Has(base+15, 1) {
		return words, kids
	}
	nwords := int(int8(b.U8(base + 15)))
	v := strconv.Itoa(nwords)
	if nwords < 0 {
		// The handshake's answer holds nothing but the word count.
		v += " (the kernel's answer to the size handshake: use " + strconv.Itoa(-nwords) + ")"
		words = []string{"nwords=" + strconv.Itoa(nwords) + " (size handshake)"}
	}
	kids = append(kids, event.Field{Name: "link_mode_masks_nwords", Value: v, Offset: base + 15, Length: 1})
	if nwords <= 0 {
		return words, kids
	}
	for i, n := range []string{"supported", "advertising", "lp_advertising"} {
		off := base + 48 + 4*nwords*i
		mask := b.Slice(off, 4*nwords)
		if len(mask) == 0 {
			break
		}
		kids = append(kids, event.Field{Name: n, Value: ethtoolMask(mask), Offset: off, Length: len(mask)})
	}
	return words, kids
}

// ethtoolMask renders a link-mode bitmap of u32 words as one hex number,
// most significant word first, as ethtool does.
func ethtoolMask(b render.Bytes) string {
	var sb strings.Builder
	sb.WriteString("0x")
	started := false
	for i := len(b)/4 - 1; i >= 0; i-- {
		w := b.U32(4 * i)
		if !started {
			if w == 0 && i > 0 {
				continue
			}
			sb.WriteString(strconv.FormatUint(uint64(w), 16))
			started = true
			continue
		}
		fmt.Fprintf(&sb, "%08x", w)
	}
	return sb.String()
}
