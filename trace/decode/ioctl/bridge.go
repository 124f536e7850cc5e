package ioctl

import (
	"fmt"
	"strconv"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

// The old bridge API (linux/if_bridge.h), which brctl falls back to when
// sysfs does not show the bridge: SIOCDEVPRIVATE on the bridge, with
// ifr_data pointing to unsigned long args[4], a BRCTL_* command and its
// arguments. A GET writes its answer where args[1] points. The probe
// copies args after the ifreq and the answer after args.

// BRCTL_* commands of SIOCDEVPRIVATE (net/bridge/br_ioctl.c).
const (
	brctlAddIf              = 4
	brctlDelIf              = 5
	brctlGetBridgeInfo      = 6
	brctlGetPortList        = 7
	brctlSetForwardDelay    = 8
	brctlSetHelloTime       = 9
	brctlSetMaxAge          = 10
	brctlSetAgeingTime      = 11
	brctlSetGCInterval      = 12
	brctlGetPortInfo        = 13
	brctlSetStpState        = 14
	brctlSetBridgePriority  = 15
	brctlSetPortPriority    = 16
	brctlSetPathCost        = 17
	brctlGetFdbEntries      = 18
	brctlArgsSize           = 32 // unsigned long args[4]
	bridgeInfoSize          = 72 // struct __bridge_info
	portInfoSize            = 48 // struct __port_info
	fdbEntrySize            = 16 // struct __fdb_entry
	userHZ                  = 100
	firstDevPrivateCommand  = brctlAddIf
	lastDevPrivateCommand   = brctlGetFdbEntries
	brctlArgsOffset         = ifreqSize
	brctlAnswerOffset       = ifreqSize + brctlArgsSize
	brctlMaxReportedEntries = 8 // list entries named in the summary
)

// looksLikeBrctl reports whether the SIOCDEVPRIVATE argument b holds
// brctl's args after the ifreq: a command of the bridge's device-private
// range. A tunnel's struct ip_tunnel_parm (SIOCGETTUNNEL, the same
// request) starts with the tunnel's name instead.
func looksLikeBrctl(b render.Bytes) bool {
	if !b.Has(brctlArgsOffset, brctlArgsSize) {
		return false
	}
	cmd := b.U64(brctlArgsOffset)
	return cmd >= firstDevPrivateCommand && cmd <= lastDevPrivateCommand
}

// decodeBrctl decodes brctl's args and a GET's answer after the ifreq.
// With answer false (the call failed) a GET's answer is left out. It
// returns the summary words and args as one field.
func decodeBrctl(b render.Bytes, answer bool) ([]string, event.Field) {
	const off = brctlArgsOffset
	cmd := b.U64(off)
	name := brctlNames.Name(cmd)
	arg := func(i int) uint64 { return b.U64(off + 8*i) }
	argField := func(i int, fname, value string) event.Field {
		return event.Field{Name: fname, Value: value, Offset: off + 8*i, Length: 8}
	}
	f := event.Field{Name: "*ifr_data", Value: "unsigned long args[4]: " + name, Offset: off, Length: brctlArgsSize,
		Children: []event.Field{argField(0, "args[0]", name)}}
	words := []string{name}
	pointer := func(what string) {
		f.Children = append(f.Children, argField(1, "args[1]", render.Pointer(arg(1))+" (pointer to "+what+")"))
	}
	switch cmd {
	case brctlAddIf, brctlDelIf:
		v := strconv.FormatInt(int64(int32(arg(1))), 10)
		f.Children = append(f.Children, argField(1, "ifindex", v))
		words = append(words, "ifindex="+v)
	case brctlSetForwardDelay, brctlSetHelloTime, brctlSetMaxAge, brctlSetAgeingTime, brctlSetGCInterval:
		v := clockTicks(arg(1))
		f.Children = append(f.Children, argField(1, "args[1]", v))
		words = append(words, v)
	case brctlSetStpState:
		v := map[bool]string{true: "on", false: "off"}[arg(1) != 0]
		f.Children = append(f.Children, argField(1, "args[1]", fmt.Sprintf("%d (%s)", arg(1), v)))
		words = append(words, v)
	case brctlSetBridgePriority:
		v := strconv.FormatUint(arg(1), 10)
		f.Children = append(f.Children, argField(1, "priority", v))
		words = append(words, "priority="+v)
	case brctlSetPortPriority, brctlSetPathCost:
		key := map[uint64]string{brctlSetPortPriority: "priority", brctlSetPathCost: "path_cost"}[cmd]
		port, v := strconv.FormatUint(arg(1), 10), strconv.FormatUint(arg(2), 10)
		f.Children = append(f.Children, argField(1, "port_no", port), argField(2, key, v))
		words = append(words, "port "+port, key+"="+v)
	case brctlGetBridgeInfo:
		pointer("struct __bridge_info")
		if answer {
			kids, w := bridgeInfo(b, brctlAnswerOffset)
			f.Children = append(f.Children, kids...)
			words = append(words, w...)
		}
	case brctlGetPortInfo:
		pointer("struct __port_info")
		port := strconv.FormatUint(arg(2), 10)
		f.Children = append(f.Children, argField(2, "port_no", port))
		words = append(words, "port "+port)
		if answer {
			kids, w := portInfo(b, brctlAnswerOffset)
			f.Children = append(f.Children, kids...)
			words = append(words, w...)
		}
	case brctlGetPortList:
		pointer("int ifindex[], by port number")
		f.Children = append(f.Children, argField(2, "args[2]", fmt.Sprintf("%d (ports asked for)", arg(2))))
		if answer {
			kids, w := portList(b, brctlAnswerOffset)
			f.Children = append(f.Children, kids...)
			words = append(words, w...)
		}
	case brctlGetFdbEntries:
		pointer("struct __fdb_entry[]")
		f.Children = append(f.Children, argField(2, "args[2]", fmt.Sprintf("%d (entries asked for)", arg(2))),
			argField(3, "args[3]", fmt.Sprintf("%d (first entry)", arg(3))))
		if answer {
			kids, w := fdbEntries(b, brctlAnswerOffset)
			f.Children = append(f.Children, kids...)
			words = append(words, w...)
		}
	}
	if !answer && isBrctlGet(cmd) {
		words = append(words, noAnswer)
	}
	return words, f
}

// isBrctlGet reports whether the kernel answers cmd where args[1] points.
func isBrctlGet(cmd uint64) bool {
	switch cmd {
	case brctlGetBridgeInfo, brctlGetPortList, brctlGetPortInfo, brctlGetFdbEntries:
		return true
	}
	return false
}

// clockTicks shows a time of the old bridge API, in USER_HZ ticks:
// "300 (3.00 s)".
func clockTicks(v uint64) string {
	return fmt.Sprintf("%d (%.2f s)", v, float64(v)/userHZ)
}

// bridgeIDValue shows the 8-byte bridge id (priority, MAC) at off as
// brctl does: "8000.0242ac110001".
func bridgeIDValue(b render.Bytes, off int) string { return render.BridgeID(b[off : off+8]) }

// structMember is one member of a fixed struct: its name, offset, size
// and how its value reads.
type structMember struct {
	name string
	off  int
	size int
	show func(b render.Bytes, off int) string
}

func showU8(b render.Bytes, off int) string    { return strconv.Itoa(int(b[off])) }
func showU16(b render.Bytes, off int) string   { return strconv.Itoa(int(b.U16(off))) }
func showHex16(b render.Bytes, off int) string { return fmt.Sprintf("%#04x", b.U16(off)) }
func showU32(b render.Bytes, off int) string   { return strconv.FormatUint(uint64(b.U32(off)), 10) }
func showTicks(b render.Bytes, off int) string {
	return clockTicks(uint64(b.U32(off)))
}

// showJiffies shows one of the three times __bridge_info carries in the
// kernel's own ticks (HZ, a build option): br_ioctl.c copies
// forward_delay, bridge_max_age and bridge_hello_time unconverted, unlike
// their neighbours.
func showJiffies(b render.Bytes, off int) string {
	return showU32(b, off) + " (jiffies: the kernel copies this one unconverted)"
}

func showBool(b render.Bytes, off int) string {
	return map[bool]string{true: "1 (yes)", false: "0 (no)"}[b[off] != 0]
}

// structFields decodes the members of a struct at base that b holds.
func structFields(b render.Bytes, base int, members []structMember) []event.Field {
	var out []event.Field
	for _, m := range members {
		if !b.Has(base+m.off, m.size) {
			break
		}
		out = append(out, event.Field{Name: m.name, Value: m.show(b, base+m.off), Offset: base + m.off, Length: m.size})
	}
	return out
}

// struct __bridge_info (linux/if_bridge.h); its times are in USER_HZ
// ticks except three (see showJiffies).
var bridgeInfoMembers = []structMember{
	{"designated_root", 0, 8, bridgeIDValue},
	{"bridge_id", 8, 8, bridgeIDValue},
	{"root_path_cost", 16, 4, showU32},
	{"max_age", 20, 4, showTicks},
	{"hello_time", 24, 4, showTicks},
	{"forward_delay", 28, 4, showJiffies},
	{"bridge_max_age", 32, 4, showJiffies},
	{"bridge_hello_time", 36, 4, showJiffies},
	{"bridge_forward_delay", 40, 4, showTicks},
	{"topology_change", 44, 1, showBool},
	{"topology_change_detected", 45, 1, showBool},
	{"root_port", 46, 1, showU8},
	{"stp_enabled", 47, 1, showBool},
	{"ageing_time", 48, 4, showTicks},
	{"gc_interval", 52, 4, showTicks},
	{"hello_timer_value", 56, 4, showTicks},
	{"tcn_timer_value", 60, 4, showTicks},
	{"topology_change_timer_value", 64, 4, showTicks},
	{"gc_timer_value", 68, 4, showTicks},
}

// bridgeInfo decodes the struct __bridge_info at off: what `brctl
// showstp` prints.
func bridgeInfo(b render.Bytes, off int) ([]event.Field, []string) {
	return decodeStruct(b, off, bridgeInfoSize, bridgeInfoMembers, func() []string {
		stp := map[bool]string{true: "on", false: "off"}[b[off+47] != 0]
		return []string{"id=" + bridgeIDValue(b, off+8), "stp=" + stp,
			fmt.Sprintf("forward_delay=%.2fs", float64(b.U32(off+40))/userHZ)}
	})
}

// decodeStruct decodes the fixed struct of size bytes at off, with words
// for its summary, or keeps what b holds of it raw when it is cut short.
func decodeStruct(b render.Bytes, off, size int, members []structMember, words func() []string) ([]event.Field, []string) {
	if !b.Has(off, size) {
		return rawFields(b, off, "answer"), nil
	}
	return structFields(b, off, members), words()
}

// Port states of the spanning tree (BR_STATE_*).
var portStateNames = render.Enum{"disabled", "listening", "learning", "forwarding", "blocking"}

// struct __port_info (linux/if_bridge.h).
var portInfoMembers = []structMember{
	{"designated_root", 0, 8, bridgeIDValue},
	{"designated_bridge", 8, 8, bridgeIDValue},
	{"port_id", 16, 2, showHex16},
	{"designated_port", 18, 2, showHex16},
	{"path_cost", 20, 4, showU32},
	{"designated_cost", 24, 4, showU32},
	{"state", 28, 1, func(b render.Bytes, off int) string { return portStateNames.Name(uint64(b[off])) }},
	{"top_change_ack", 29, 1, showBool},
	{"config_pending", 30, 1, showBool},
	{"message_age_timer_value", 32, 4, showTicks},
	{"forward_delay_timer_value", 36, 4, showTicks},
	{"hold_timer_value", 40, 4, showTicks},
}

// portInfo decodes the struct __port_info at off.
func portInfo(b render.Bytes, off int) ([]event.Field, []string) {
	return decodeStruct(b, off, portInfoSize, portInfoMembers, func() []string {
		return []string{"state=" + portStateNames.Name(uint64(b[off+28])), "path_cost=" + showU32(b, off+20)}
	})
}

// portList decodes the port list at off: ifindex by port number, 0 for a
// free port number. Only the ports in use are fields, ifindex[port].
func portList(b render.Bytes, off int) ([]event.Field, []string) {
	var kids []event.Field
	var words []string
	for i := 0; b.Has(off+4*i, 4); i++ {
		index := int32(b.U32(off + 4*i))
		if index == 0 {
			continue
		}
		v := strconv.Itoa(int(index))
		kids = append(kids, event.Field{Name: fmt.Sprintf("ifindex[%d]", i), Value: v, Offset: off + 4*i, Length: 4})
		if len(kids) <= brctlMaxReportedEntries {
			words = append(words, fmt.Sprintf("port %d", i), "ifindex="+v)
		}
	}
	if len(kids) == 0 {
		return nil, []string{"(no ports)"}
	}
	if len(kids) > brctlMaxReportedEntries {
		words = append(words, fmt.Sprintf("(%d ports)", len(kids)))
	}
	return kids, words
}

// struct __fdb_entry (linux/if_bridge.h).
var fdbEntryMembers = []structMember{
	{"mac_addr", 0, 6, func(b render.Bytes, off int) string { return render.MAC(b[off : off+6]) }},
	{"port_no", 6, 1, showU8},
	{"is_local", 7, 1, showBool},
	{"ageing_timer_value", 8, 4, showTicks},
	{"port_hi", 12, 1, showU8},
}

// fdbEntries decodes the forwarding entries at off: what `brctl showmacs`
// prints.
func fdbEntries(b render.Bytes, off int) ([]event.Field, []string) {
	var kids []event.Field
	var words []string
	for i := 0; b.Has(off+fdbEntrySize*i, fdbEntrySize); i++ {
		at := off + fdbEntrySize*i
		mac := render.MAC(b[at : at+6])
		kids = append(kids, event.Field{Name: fmt.Sprintf("[%d]", i), Value: mac, Offset: at, Length: fdbEntrySize,
			Children: structFields(b, at, fdbEntryMembers)})
		if i < brctlMaxReportedEntries {
			where := fmt.Sprintf("port %d", b[at+6])
			if b[at+7] != 0 {
				where += " local"
			}
			words = append(words, mac+" ("+where+")")
		}
	}
	if len(kids) > brctlMaxReportedEntries {
		words = append(words, fmt.Sprintf("(%d entries)", len(kids)))
	}
	if len(kids) == 0 {
		words = append(words, "(no entries)")
	}
	return kids, words
}
