package rtnl

import (
	"regexp"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

// unnamed matches the name of an attribute no table knows: "attr(7)",
// "TCA(17)".
var unnamed = regexp.MustCompile(`\(\d+\)$`)

// TestCapturesFullyDecoded checks that every stored capture decodes
// without a raw body ("payload") and without attributes left unnamed.
func TestCapturesFullyDecoded(t *testing.T) {
	for _, name := range rtnlCaptureNames(t) {
		c := readRtnlCapture(t, name)
		names := &netlink.Names{}
		for i, r := range c.Records {
			msgs := netlink.DecodeContext(c.Protocol, r.Data, names.Context())
			names.Learn(msgs)
			for j, m := range msgs {
				var walk func(fs []event.Field)
				walk = func(fs []event.Field) {
					for _, f := range fs {
						if f.Name == "payload" || unnamed.MatchString(f.Name) {
							t.Errorf("%s buffer %d msg %d (%s): %s = %s", name, i, j, m.Name, f.Name, f.Value)
						}
						walk(f.Children)
					}
				}
				walk(m.Fields)
			}
		}
	}
}
