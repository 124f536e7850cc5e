package genl

import (
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

//go:generate go run ../../../internal/nlspecgen -spec ethtool -family

func init() {
	ethtoolFamily.Summary = ethtoolSummary
	ethtoolSetHeader.Attrs[1].Values = netlink.Ifindex // ETHTOOL_A_HEADER_DEV_INDEX
	ethtoolSetBitsetBit.Value = bitValue
	netlink.RegisterFamily(&ethtoolFamily)
}

// ethtoolSummary names the device an ethtool message is about, from its
// request header (ETHTOOL_A_*_HEADER).
func ethtoolSummary(attrs []event.Field) string {
	for _, a := range attrs {
		if !strings.HasSuffix(a.Name, "_HEADER") {
			continue
		}
		for _, c := range a.Children {
			switch c.Name {
			case "ETHTOOL_A_HEADER_DEV_NAME":
				return strings.Trim(c.Value, `"`)
			case "ETHTOOL_A_HEADER_DEV_INDEX":
				return "dev index=" + c.Value
			}
		}
	}
	return ""
}

// bitValue gives a bit of an ethtool bitset its name and whether it is
// set: "rx-checksum on".
func bitValue(_ *netlink.Walker, _ netlink.Attr, children []event.Field) string {
	name, on := "", "off"
	for _, c := range children {
		switch c.Name {
		case "ETHTOOL_A_BITSET_BIT_NAME":
			name = strings.Trim(c.Value, `"`)
		case "ETHTOOL_A_BITSET_BIT_INDEX":
			if name == "" {
				name = "bit " + c.Value
			}
		case "ETHTOOL_A_BITSET_BIT_VALUE":
			on = "on"
		}
	}
	return render.Join(name, on)
}
