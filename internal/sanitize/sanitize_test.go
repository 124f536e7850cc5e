package sanitize

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"docker0", "docker0"},
		{"RTM_NEWLINK ✓ ünïcode", "RTM_NEWLINK ✓ ünïcode"},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"\x1b]52;c;cGF5bG9hZA==\x1b\\", `\x1b]52;c;cGF5bG9hZA==\x1b\`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"rtl \u202egnp.exe", `rtl \u202egnp.exe`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"del \x7f", `del \x7f`},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBlockKeepsLines(t *testing.T) {
	in := "line 1\n\tline 2\x1b[2J\n"
	want := "line 1\n\tline 2\\x1b[2J\n"
	if got := Block(in); got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b]0;x\x07\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Block(s)} {
			if strings.ContainsAny(out, "\x1b\x07\r\x7f") || strings.ContainsRune(out, 0x9b) || strings.ContainsRune(out, 0x202e) {
				t.Fatalf("unsafe character left in %q", out)
			}
		}
		if strings.ContainsAny(Line(s), "\n\t") {
			t.Fatalf("Line kept a line break: %q", Line(s))
		}
		// A Writer shows the same, however the text is cut into writes.
		var b strings.Builder
		w := NewWriter(&b)
		w.Write([]byte(s[:len(s)/2]))
		w.Write([]byte(s[len(s)/2:]))
		w.Flush()
		if b.String() != Block(s) {
			t.Fatalf("Writer wrote %q, Block gives %q", b.String(), Block(s))
		}
	})
}

func BenchmarkLineClean(b *testing.B) {
	s := "RTM_NEWLINK docker0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"
	for b.Loop() {
		Line(s)
	}
}

func TestWriterSplitsAnywhere(t *testing.T) {
	in := "ünï\x1b]0;t\x07 ✓ \u202e end\n\tok\xff"
	want := Block(in)
	for size := 1; size <= len(in); size++ {
		var b strings.Builder
		w := NewWriter(&b)
		for i := 0; i < len(in); i += size {
			if _, err := w.Write([]byte(in[i:min(i+size, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("writes of %d bytes: %q, want %q", size, b.String(), want)
		}
	}
}

func TestAppendLine(t *testing.T) {
	for _, s := range []string{"docker0", "\x1b]0;title\x07", "a\nb", "\u202e"} {
		if got, want := string(AppendLine([]byte("x"), s)), "x"+Line(s); got != want {
			t.Errorf("AppendLine(%q) = %q, want %q", s, got, want)
		}
	}
}
