package rtnl

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Link messages (RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK and the
// LINKPROP messages): struct ifinfomsg, then IFLA_* attributes. Device
// specific settings sit in IFLA_LINKINFO/IFLA_INFO_DATA and are decoded per
// device kind; the settings of a device as a bridge port sit in
// IFLA_INFO_SLAVE_DATA or, for AF_BRIDGE messages, IFLA_PROTINFO. This file
// holds the attributes a table cannot describe.

// linkStatsNames are the members of struct rtnl_link_stats and
// rtnl_link_stats64 (linux/if_link.h), in order.
var linkStatsNames = []string{
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
	"rx_dropped", "tx_dropped", "multicast", "collisions", "rx_length_errors",
	"rx_over_errors", "rx_crc_errors", "rx_frame_errors", "rx_fifo_errors",
	"rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",
	"tx_heartbeat_errors", "tx_window_errors", "rx_compressed", "tx_compressed",
	"rx_nohandler", "rx_otherhost_dropped",
}

// linkStats decodes IFLA_STATS (size 4) or IFLA_STATS64 (size 8): as
// many counters as the kernel sent, summarized as rx/tx packets and bytes.
func linkStats(size int) netlink.DecodeFunc {
	counters := array(size, false, linkStatsNames, 0, "")
	return func(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
		_, fields := counters(w, a)
		if len(fields) < 4 {
			return render.Hex(a.Data), fields
		}
		return fmt.Sprintf("rx %s packets %s bytes, tx %s packets %s bytes",
			topValue(fields, "rx_packets"), topValue(fields, "rx_bytes"), topValue(fields, "tx_packets"), topValue(fields, "tx_bytes")), fields
	}
}

// array returns a decoder for an attribute holding an array of size-byte
// integers whose entry i is named names[i+first]; past the names (or for
// an empty one) prefix(i+first).
func array(size int, signed bool, names render.Enum, first int, prefix string) netlink.DecodeFunc {
	t := netlink.Uint
	if signed {
		t = netlink.Sint
	}
	return func(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
		fields := make([]event.Field, 0, len(a.Data)/size)
		for i := 0; (i+1)*size <= len(a.Data); i++ {
			name, ok := names.Lookup(uint64(i + first))
			if !ok {
				if prefix == "" {
					break
				}
				name = names.Prefixed(uint64(i+first), prefix)
			}
			fields = append(fields, event.Field{
				Name:   name,
				Value:  netlink.Value(t, a.Data[i*size:(i+1)*size], nil),
				Offset: a.DataOff() + i*size,
				Length: size,
			})
		}
		return "", fields
	}
}

// The per-device arrays of IFLA_AF_SPEC.
var (
	ipv4Devconf = array(4, true, ipv4DevconfNames, 1, "IPV4_DEVCONF")
	ipv6Devconf = array(4, true, ipv6DevconfNames, 0, "DEVCONF")
	ipStats     = array(8, false, ipstatsNames, 0, "IPSTATS_MIB")
	icmp6Stats  = array(8, false, icmp6StatsNames, 0, "ICMP6_MIB")
)

// bridgeID decodes struct ifla_bridge_id: a 2-byte priority and a MAC,
// shown the way brctl does ("8000.0242ac110002").
func bridgeID(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) != 8 {
		return render.Hex(a.Data), nil
	}
	prio := binary.BigEndian.Uint16(a.Data)
	mac := render.MAC(a.Data[2:])
	return render.BridgeID(a.Data), []event.Field{
		{Name: "prio", Value: fmt.Sprint(prio), Offset: a.DataOff(), Length: 2},
		{Name: "addr", Value: mac, Offset: a.DataOff() + 2, Length: 6},
	}
}

// booloptMulti is struct br_boolopt_multi, the value of
// IFLA_BR_MULTI_BOOLOPT, whose bits are numbered by enum br_boolopt_id.
var booloptMulti = []netlink.Member{
	{Name: "optval", Type: netlink.U32, Values: booloptFlags},
	{Name: "optmask", Type: netlink.U32, Values: booloptFlags},
}

// vlanProto names an ethertype that selects a VLAN protocol.
var vlanProto = render.NamerFunc(func(v uint64) string {
	if s, ok := vlanProtoNames[v]; ok {
		return s
	}
	return fmt.Sprintf("%#04x", v)
})

// portRange decodes IFLA_VXLAN_PORT_RANGE: two big-endian ports.
func portRange(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) != 4 {
		return render.Hex(a.Data), nil
	}
	lo, hi := binary.BigEndian.Uint16(a.Data), binary.BigEndian.Uint16(a.Data[2:])
	return fmt.Sprintf("%d-%d", lo, hi), []event.Field{
		{Name: "low", Value: fmt.Sprint(lo), Offset: a.DataOff(), Length: 2},
		{Name: "high", Value: fmt.Sprint(hi), Offset: a.DataOff() + 2, Length: 2},
	}
}

// flagOrNumber decodes an attribute that requests send as a flag and the
// kernel reports as a number.
func flagOrNumber(_ *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if len(a.Data) == 0 {
		return "true", nil
	}
	return netlink.Value(netlink.Uint, a.Data, nil), nil
}

// xdpFlags names IFLA_XDP_FLAGS bits (linux/if_link.h).
var xdpFlags = render.Bits("XDP_FLAGS_UPDATE_IF_NOEXIST", "XDP_FLAGS_SKB_MODE", "XDP_FLAGS_DRV_MODE", "XDP_FLAGS_HW_MODE", "XDP_FLAGS_REPLACE")

// linkinfoKind gives IFLA_LINKINFO the device kind as its value.
func linkinfoKind(_ *netlink.Walker, a netlink.Attr, _ []event.Field) string {
	return render.CString(netlink.Index(a.Data)[unix.IFLA_INFO_KIND])
}

// vethPeer decodes VETH_INFO_PEER: the other end of a veth pair, as a
// whole ifinfomsg followed by its own IFLA_* attributes (its name, its
// namespace, ...).
func vethPeer(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	size := netlink.StructSize(ifinfomsg)
	if len(a.Data) < size {
		w.Fail("VETH_INFO_PEER at offset %d is shorter than ifinfomsg", a.Off)
		return render.Hex(a.Data), nil
	}
	hdr, _ := netlink.Struct(a.Data, a.DataOff(), ifinfomsg)
	family := w.Family
	w.Family = a.Data[0]
	attrs := w.Attrs(a.Data[size:], a.DataOff()+size, &linkAttrs)
	w.Family = family
	fields := append([]event.Field{{Name: "ifinfomsg", Offset: a.DataOff(), Length: size, Children: hdr}}, attrs...)
	return topValue(attrs, "IFLA_IFNAME"), fields
}

// afSpec decodes IFLA_AF_SPEC. In AF_BRIDGE messages it holds
// IFLA_BRIDGE_* attributes; otherwise one nest per address family.
func afSpec(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	if w.Family == unix.AF_BRIDGE {
		return "", w.Attrs(a.Data, a.DataOff(), &bridgeAFAttrs)
	}
	return "", w.Attrs(a.Data, a.DataOff(), &afSpecAttrs)
}

// protinfo decodes IFLA_PROTINFO, whose content depends on the family:
// bridge port settings for AF_BRIDGE, IPv6 settings for AF_INET6.
func protinfo(w *netlink.Walker, a netlink.Attr) (string, []event.Field) {
	switch w.Family {
	case unix.AF_BRIDGE:
		if !a.Nested && len(a.Data) == 1 {
			return brStateNames.Name(uint64(a.Data[0])), nil // old form: the port state alone
		}
		return "", w.Attrs(a.Data, a.DataOff(), &brportAttrs)
	case unix.AF_INET6:
		return "", w.Attrs(a.Data, a.DataOff(), &inet6Attrs)
	}
	if a.Nested {
		return "", w.Attrs(a.Data, a.DataOff(), &netlink.AttrSet{Prefix: "IFLA_PROTINFO"})
	}
	return render.Hex(a.Data), nil
}

// linkSummary describes a link message: the device, its kind and the
// settings a learner looks for.
func linkSummary(hdr render.Bytes, attrs []event.Field, _ bool) string {
	var parts []string
	if name := topValue(attrs, "IFLA_IFNAME"); name != "" {
		parts = append(parts, name)
	} else if i := index(hdr, 4); i != 0 {
		parts = append(parts, fmt.Sprintf("index=%d", i))
	} else if hdr[0] != unix.AF_UNSPEC {
		parts = append(parts, familyName(hdr[0]))
	}
	if li, ok := event.Top(attrs, "IFLA_LINKINFO"); ok {
		parts = append(parts, labeled(li.Children, "IFLA_INFO_KIND", "kind="))
		if data, ok := event.Top(li.Children, "IFLA_INFO_DATA"); ok {
			if peer, ok := event.Top(data.Children, "VETH_INFO_PEER"); ok {
				parts = append(parts, "peer="+peer.Value,
					labeled(peer.Children, "IFLA_NET_NS_FD", "peer-netns-fd="),
					labeled(peer.Children, "IFLA_NET_NS_PID", "peer-netns-pid="))
			}
			if mode := topValue(data.Children, "IFLA_MACVLAN_MODE"); mode != "" {
				parts = append(parts, "mode="+strings.ToLower(strings.TrimPrefix(mode, "MACVLAN_MODE_")))
			}
			parts = append(parts, labeled(data.Children, "IFLA_VXLAN_ID", "id="))
		}
	}
	parts = append(parts,
		labeled(attrs, "IFLA_LINK", "link="),
		labeled(attrs, "IFLA_MTU", "mtu="),
		labeled(attrs, "IFLA_MASTER", "master="),
		labeled(attrs, "IFLA_NET_NS_FD", "netns-fd="),
		labeled(attrs, "IFLA_NET_NS_PID", "netns-pid="),
	)
	if p, ok := event.Top(attrs, "IFLA_PROTINFO"); ok && hdr[0] == unix.AF_BRIDGE {
		switch topValue(p.Children, "IFLA_BRPORT_MODE") {
		case "BRIDGE_MODE_HAIRPIN":
			parts = append(parts, "hairpin on")
		case "BRIDGE_MODE_UNSPEC":
			parts = append(parts, "hairpin off")
		}
	}
	if change := hdr.U32(12); change&unix.IFF_UP != 0 {
		if hdr.U32(8)&unix.IFF_UP != 0 {
			parts = append(parts, "up")
		} else {
			parts = append(parts, "down")
		}
	}
	return render.Join(parts...)
}
