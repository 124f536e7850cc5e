package topology

import (
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

// TestMermaidParses runs the flowcharts through a real Mermaid parser:
// plain, with marks, with a removal note, and with hostile names.
func TestMermaidParses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	before := joinNetwork()
	before.Namespaces[0].Links = append(before.Namespaces[0].Links, Link{Name: "gone0", Kind: "veth", State: "UP"})
	hostile := joinNetwork()
	hostile.Namespaces[1].Name = `c"1 <b>|end`
	hostile.Namespaces[0].Links[2].Peer.Namespace = hostile.Namespaces[1].Name
	hostile.Namespaces[1].Links[1].Name = "eth`0#x\x1b"
	hostile.Namespaces[0].Links[2].Peer.Link = hostile.Namespaces[1].Links[1].Name
	testutil.CheckMermaid(t, []string{
		Mermaid(joinNetwork(), nil),
		Mermaid(joinNetwork(), Compare(before, joinNetwork())),
		Mermaid(overlayNetwork(), Compare(nil, overlayNetwork())),
		Mermaid(hostile, nil),
		Mermaid(nil, nil),
		Mermaid(&Network{Namespaces: []Namespace{{Name: "empty"}}}, nil),
	})
}
