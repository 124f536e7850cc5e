package main

import (
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/session"
)

// TestRunTextEscapeSession prints the crafted session's steps the way
// `run` does (session/testdata/escape.nxs: escape sequences and newlines
// in titles, names, argv and paths): no control character may reach the
// output, and every step keeps its one header line.
func TestRunTextEscapeSession(t *testing.T) {
	s, err := session.ReadFile("../../session/testdata/escape.nxs")
	if err != nil {
		t.Fatal(err)
	}
	for _, verbose := range []bool{false, true} {
		var b strings.Builder
		w := sanitize.NewWriter(&b)
		for _, st := range s.Steps {
			writeStepText(w, s, st, verbose)
		}
		w.Flush()
		out := b.String()
		if i := strings.IndexAny(out, "\x1b\x07\r\x7f\u202e\u009b"); i >= 0 {
			t.Fatalf("verbose %v: a control character reached the output: %q", verbose, out[max(i-40, 0):min(i+40, len(out))])
		}
		if n := strings.Count(out, "\n== Step ") + strings.Count(out[:min(len(out), 8)], "== Step"); n != len(s.Steps) {
			t.Errorf("verbose %v: %d step headers, want %d", verbose, n, len(s.Steps))
		}
		if !strings.Contains(out, `\x1b]52;c;`) {
			t.Errorf("verbose %v: the hostile text is not shown escaped", verbose)
		}
		if strings.Contains(out, "\n# Injected") {
			t.Errorf("verbose %v: a string broke onto a line of its own", verbose)
		}
	}
}
