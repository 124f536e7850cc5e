package main

import (
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// TestDocsMermaid: every scenario page has a picture of the network for
// every step, and a real Mermaid parser accepts every diagram of every
// page (GitHub renders them with the same library).
func TestDocsMermaid(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	docs, err := generate(testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, r := range session.Recordings() {
		s, err := r.Open()
		if err != nil {
			t.Fatal(err)
		}
		blocks := testutil.MermaidBlocks(string(docs[pageFile(r)]))
		if len(blocks) != len(s.Steps) {
			t.Errorf("%s: %d Mermaid blocks for %d steps", pageFile(r), len(blocks), len(s.Steps))
		}
		all = append(all, blocks...)
	}
	index := testutil.MermaidBlocks(string(docs[pagesDir+"/README.md"]))
	if len(index) != len(session.Recordings()) {
		t.Errorf("the index has %d pictures for %d recordings", len(index), len(session.Recordings()))
	}
	all = append(all, index...)
	for i, d := range all {
		if !strings.HasPrefix(d, "flowchart") {
			t.Fatalf("diagram %d is not a flowchart:\n%s", i, d)
		}
	}
	testutil.CheckMermaid(t, all)
}
