// Package sanitize makes untrusted strings safe to show to a person. What
// netexplore prints comes from traced programs and recorded sessions:
// process and interface names, argv, file contents, a session's own text.
// Any of them can hold terminal escape sequences (setting the window title,
// writing the clipboard through OSC 52, ringing the bell), bidirectional
// overrides that reorder what is read, or bytes that are not UTF-8. Every
// human-readable output (text, brief, the terminal UI, Markdown) passes its
// strings through here, so such characters are shown, not obeyed:
// ESC becomes `\x1b`, U+202E becomes `\u202e`. JSON output stays exact.
package sanitize

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Line returns s for display on one line: every control character,
// newlines and tabs included, is written as an escape.
func Line(s string) string { return clean(s, false) }

// Block returns s for display as text that may span lines: newlines and
// tabs are kept, every other control character is written as an escape.
func Block(s string) string { return clean(s, true) }

// AppendLine appends [Line](s) to dst; when s needs no escaping (the
// common case) it copies s and allocates nothing else.
func AppendLine(dst []byte, s string) []byte {
	if isClean(s, false) {
		return append(dst, s...)
	}
	return append(dst, clean(s, false)...)
}

// clean does the work of Line and Block. It returns s itself when nothing
// needs escaping, which is the common case.
func clean(s string, keepLines bool) string {
	if isClean(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isClean reports whether s can be shown as it is.
func isClean(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			// Decode the rest only when there is non-ASCII to check.
			for _, r := range s[i:] {
				if r == utf8.RuneError || unsafeRune(r) || (r < 0x20 && !(keepLines && (r == '\n' || r == '\t'))) || r == 0x7f {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
		if c < 0x20 && !(keepLines && (c == '\n' || c == '\t')) || c == 0x7f {
			return false
		}
	}
	return true
}

// unsafeRune reports the non-ASCII characters a terminal or a browser
// would act on rather than show: C1 control codes (U+0080-U+009F, which
// some terminals take as CSI/OSC introducers) and the bidirectional
// formatting characters that can make text read differently from what it is.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0xfeff: // zero-width no-break space (byte order mark)
		return true
	}
	return false
}

// Writer passes everything written through it to an underlying writer as
// Block would show it: newlines and tabs kept, every other control
// character and escape sequence written visibly. A character split
// between two writes is held back until the next one; Flush writes what
// is held. Wrap a human-readable output in it when its text is assembled
// by code that cannot escape each string itself.
type Writer struct {
	w    io.Writer
	held []byte // the start of a character cut by the end of the last write
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer.
func (sw *Writer) Write(p []byte) (int, error) {
	data := p
	if len(sw.held) > 0 {
		data = append(sw.held, p...)
		sw.held = nil
	}
	// Hold back an incomplete character at the end (at most 3 bytes).
	cut := len(data)
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	if cut < len(data) {
		sw.held = append([]byte(nil), data[cut:]...)
	}
	if _, err := io.WriteString(sw.w, Block(string(data[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a character held back from the last write, escaped since
// it is incomplete.
func (sw *Writer) Flush() error {
	if len(sw.held) == 0 {
		return nil
	}
	_, err := io.WriteString(sw.w, Block(string(sw.held)))
	sw.held = nil
	return err
}
