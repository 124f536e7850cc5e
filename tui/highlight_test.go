package tui

import (
	"strings"
	"testing"
)

// classString spells a line's classes, one letter a byte: . plain,
// k keyword, t type, f function, s string, n number, c comment.
func classString(l codeLine) string {
	var b strings.Builder
	for _, s := range l.segs {
		b.WriteString(strings.Repeat(string(".ktfsnc"[s.class]), len(s.text)))
	}
	return b.String()
}

// TestHighlightClasses pins the colour classes of Go as the Source pane
// has always shown them: predeclared constants read as keywords,
// predeclared types and called builtins as types, other called names as
// functions.
func TestHighlightClasses(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`package main`,
			`kkkkkkk.....`},
		{`func (r *T) Name(b []byte) error {`,
			`kkkk........ffff.....tttt..ttttt..`},
		{`x := len(s) + cap (b) + len`,
			`.....ttt......ttt..........`},
		{`if v, ok := m[k]; !ok || v == nil { return false }`,
			`kk............................kkk...kkkkkk.kkkkk..`},
		{`n := 0x1f + 0o17 + 1_000 + 1.5e3 + 2i + 'a' + "s\"q"`,
			`.....nnnn...nnnn...nnnnn...nnnnn...nn...sss...ssssss`},
		{"s := `raw` // done",
			".....sssss.ccccccc"},
		{`v := any(x).(comparable); var c iota`,
			`.....ttt.....tttttttttt...kkk...kkkk`},
		// A comment between a name and its parenthesis hides the call.
		{`go fmt.Println /* a */ (x)`,
			`kk.............ccccccc....`},
		{`f[int](x); g := T{}`,
			`..ttt..............`},
	} {
		lines := tokenise(tc.src)
		if len(lines) != 1 {
			t.Fatalf("%q: %d lines", tc.src, len(lines))
		}
		if got := classString(lines[0]); got != tc.want {
			t.Errorf("%q\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

// TestHighlightAcrossLines checks tokens that span lines (a block comment,
// a raw string) colour every line they cover, and tabs are expanded first.
func TestHighlightAcrossLines(t *testing.T) {
	src := "/* one\n\ttwo */ x := `a\nb` + 1\n\tf()\n"
	want := []string{
		"cccccc",
		"cccccccccc......ss",
		"ss...n",
		"....f..",
	}
	lines := tokenise(src)
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		if got := classString(l); got != want[i] {
			t.Errorf("line %d %q\n got %s\nwant %s", i+1, l.plain, got, want[i])
		}
	}
}

// FuzzHighlight feeds anything, Go or not: the highlighter never panics,
// every line's runs spell the line, and the lines joined are the input
// with its tabs expanded.
func FuzzHighlight(f *testing.F) {
	for _, s := range []string{
		"package main\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
		"\tif err != nil {\n\t\treturn err // cut here",
		"/* never closed\n x := 1",
		"s := `never closed\nstill raw",
		"x := \"open\ny := 'ab' + '",
		"\ufeffpackage p\r\n// crlf\r\nvar s = `a\r\nb`\r\n",
		"int main(void) { return 0; } # not go @ $ \x00 \xff\xfe",
		"",
		"\n\n",
		"0x 0o9 1e+ 0b2 .e5 ..._ 1__2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := tokenise(src)
		raw := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
		if len(lines) != len(raw) {
			t.Fatalf("%d lines, want %d", len(lines), len(raw))
		}
		for i, l := range lines {
			want := expandTabs(raw[i])
			if l.plain != want {
				t.Fatalf("line %d: plain %q, want %q", i+1, l.plain, want)
			}
			var b strings.Builder
			for _, s := range l.segs {
				if s.text == "" {
					t.Fatalf("line %d: an empty run", i+1)
				}
				b.WriteString(s.text)
			}
			if b.String() != want {
				t.Fatalf("line %d: runs spell %q, want %q", i+1, b.String(), want)
			}
		}
	})
}
