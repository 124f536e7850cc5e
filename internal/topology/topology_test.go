package topology

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test -update rewrites it after review):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func art(n *Network, m *Marks, w int) string {
	var b strings.Builder
	for _, l := range Art(n, m, w) {
		if l.Width() > w {
			panic("line wider than asked")
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestArt(t *testing.T) {
	before := joinNetwork()
	before.Namespaces[1].Links = before.Namespaces[1].Links[:1]
	before.Namespaces[1].Gateway = ""
	before.Namespaces[0].Links = before.Namespaces[0].Links[:2]
	marks := Compare(before, joinNetwork())
	checkGolden(t, "join_60.txt", art(joinNetwork(), marks, 60))
	checkGolden(t, "join_30.txt", art(joinNetwork(), marks, 30))
	checkGolden(t, "overlay_56.txt", art(overlayNetwork(), nil, 56))
	checkGolden(t, "macvlan_50.txt", art(macvlanNetwork(), nil, 50))
}

func TestMermaid(t *testing.T) {
	before := joinNetwork()
	before.Namespaces[0].Links[1].Addresses = nil
	checkGolden(t, "join.mmd", Mermaid(joinNetwork(), Compare(before, joinNetwork())))
	checkGolden(t, "overlay.mmd", Mermaid(overlayNetwork(), nil))
}

func TestEdges(t *testing.T) {
	var got []string
	for _, e := range overlayNetwork().Edges() {
		got = append(got, string(e.Kind)+" "+e.From.String()+" "+e.To.String())
	}
	want := []string{
		"veth pair host A/eth0 host B/eth0",
		"port overlay A/vxlan0 overlay A/br0",
		"tunnel overlay A/vxlan0 overlay B/vxlan0",
		"port overlay A/veth0 overlay A/br0",
		"veth pair overlay A/veth0 container A/eth0",
		"port overlay B/vxlan0 overlay B/br0",
		"port overlay B/veth0 overlay B/br0",
		"veth pair overlay B/veth0 container B/eth0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompare(t *testing.T) {
	after := joinNetwork()
	before := joinNetwork()
	before.Namespaces = before.Namespaces[:1]
	before.Namespaces[0].Links = append(before.Namespaces[0].Links, Link{Name: "old0", Kind: "veth", State: "UP"})
	m := Compare(before, after)
	if m.Of("container1", "", "") != Added || m.Of("container1", "eth0", "") != Added {
		t.Error("the container and its eth0 are new")
	}
	if m.Of("host", "docker0", "") != Same {
		t.Error("docker0 did not change")
	}
	if len(m.Removed) != 1 || m.Removed[0] != "interface host/old0" {
		t.Errorf("removed = %q", m.Removed)
	}
	if Compare(after, after).Any() {
		t.Error("no change expected between equal networks")
	}
}

func TestNamespaceOf(t *testing.T) {
	n := joinNetwork()
	if got := n.NamespaceOf(4026532200); got != "container1" {
		t.Errorf("NamespaceOf = %q", got)
	}
	if got := n.NamespaceOf(1); got != "" {
		t.Errorf("NamespaceOf unknown = %q", got)
	}
}
