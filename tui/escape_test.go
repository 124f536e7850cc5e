package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/netexplore/netexplore/session"
)

// styling matches the escape sequences the renderer itself writes without
// colour (NoColor): select graphic rendition with attributes only (bold,
// faint, italic, underline, reverse and their resets).
var styling = regexp.MustCompile(`\x1b\[(?:[0-9]|2[0-9])?(?:;(?:[0-9]|2[0-9]))*m`)

// TestEscapeSessionIsShownNotObeyed walks the crafted session (see
// session/escape_test.go: escape sequences, bells, newlines and HTML in
// titles, names, argv, /proc/sys paths, source code and the header)
// through every pane at every layout: the screen must show the hostile
// text escaped (`\x1b`), keep every line exactly the terminal's width
// (a newline in a title breaks no border), and hold no escape sequence
// other than the renderer's own styling.
func TestEscapeSessionIsShownNotObeyed(t *testing.T) {
	s, err := session.ReadFile("../session/testdata/escape.nxs")
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	check := func(name string, m Model) {
		t.Helper()
		out := m.View().Content
		checkSize(t, out, m.width, m.height)
		rest := styling.ReplaceAllString(out, "")
		if i := strings.IndexFunc(rest, func(r rune) bool {
			return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e
		}); i >= 0 {
			t.Fatalf("%s: a control character reaches the terminal: %q", name, rest[max(i-40, 0):min(i+40, len(rest))])
		}
		shown = shown || strings.Contains(ansi.Strip(out), `\x1b]`)
	}
	for _, sz := range sizes {
		m := newSized(Options{Session: s, NoColor: true, Title: "replay: escape.nxs"}, sz.w, sz.h)
		check("start", m)
		for step := 0; step < len(s.Steps); step++ {
			m = press(m, "n")
			for _, pane := range []string{"1", "2", "3", "4", "5", "6"} {
				m = press(m, pane)
				check(fmt.Sprintf("%dx%d step %d pane %s", sz.w, sz.h, step+1, pane), m)
			}
			// Walk a few events, their details expanded.
			m = press(m, "3")
			for range 4 {
				m = press(m, "j", "4", "enter", "3")
				check(fmt.Sprintf("%dx%d step %d events", sz.w, sz.h, step+1), m)
			}
		}
		m = press(m, "?")
		check("help", m)
	}
	if !shown {
		t.Error("the hostile text never appeared escaped on the screen: the session was not shown")
	}
}
