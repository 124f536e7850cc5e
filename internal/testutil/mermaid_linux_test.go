package testutil

import "testing"

// TestMermaidErrors checks that the parser really parses: a good diagram
// passes, a broken one does not, and blocks are found in Markdown.
func TestMermaidErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	errs := MermaidErrors(t, []string{"flowchart LR\n  a --> b", "flowchart LR\n  a[[broken"})
	if errs[0] != "" || errs[1] == "" {
		t.Errorf("errors %q: want the first diagram accepted and the second rejected", errs)
	}
	md := "text\n\n```mermaid\nflowchart LR\n  a --> b\n```\n\n````mermaid\nflowchart TD\n  c\n````\n"
	if got := MermaidBlocks(md); len(got) != 2 || got[0] != "flowchart LR\n  a --> b" || got[1] != "flowchart TD\n  c" {
		t.Errorf("MermaidBlocks = %q", got)
	}
}
