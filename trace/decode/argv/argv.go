package argv

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/netexplore/netexplore/trace/event"
)

// Decode splits an execve(2) argument vector captured as NUL-terminated
// strings laid end to end. The last string may lack its NUL when the
// capture was cut short; it is kept as it is. Empty input gives nil.
func Decode(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	s = strings.TrimSuffix(s, "\x00")
	return strings.Split(s, "\x00")
}

// Fields is [Decode] with the byte range of each argument,
// named "argv[0]", "argv[1]", ...; a field's Length includes the argument's
// terminating NUL when it was captured.
func Fields(b []byte) []event.Field {
	return NulFields(b, true, func(i int) string { return "argv[" + strconv.Itoa(i) + "]" })
}

// NulFields splits NUL-terminated strings laid end to end (the probe's
// format for argv and /proc/sys payloads) into quoted fields named by
// Name(i). With withNUL a field's Length includes its terminating NUL when
// it was captured; otherwise it covers the text alone. A last string cut
// short by the copy limit is kept.
func NulFields(b []byte, withNUL bool, name func(i int) string) []event.Field {
	var fields []event.Field
	for off, i := 0, 0; off < len(b); i++ {
		n := strings.IndexByte(string(b[off:]), 0)
		end, next := off+n, off+n+1
		if n < 0 {
			end, next = len(b), len(b)
		}
		length := end - off
		if withNUL {
			length = next - off
		}
		fields = append(fields, event.Field{
			Name:   name(i),
			Value:  strconv.Quote(string(b[off:end])),
			Offset: off,
			Length: length,
		})
		off = next
	}
	return fields
}

// Format renders an argument vector as a shell command line a person
// could paste: arguments made only of safe characters stay bare, others
// are single-quoted ('!' -> '!'), and arguments holding control characters
// or invalid UTF-8 use bash's $'...' quoting.
func Format(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = argvQuote(a)
	}
	return strings.Join(parts, " ")
}

// argvSafe reports whether r needs no quoting in any position.
func argvSafe(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("@%+=:,./-_", r)
}

// argvQuote quotes one argument for a POSIX shell when needed.
func argvQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe, printable := true, utf8.ValidString(s)
	for _, r := range s {
		if !argvSafe(r) {
			safe = false
		}
		if r < ' ' || r == 0x7f || (r >= 0x80 && !strconv.IsPrint(r)) {
			printable = false
		}
	}
	if safe {
		return s
	}
	if printable {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var sb strings.Builder
	sb.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			sb.WriteString(argvHexByte(s[i]))
		case r == '\'' || r == '\\':
			sb.WriteString(`\` + string(r))
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < ' ' || r == 0x7f || (r >= 0x80 && !strconv.IsPrint(r)):
			for _, c := range []byte(s[i : i+size]) {
				sb.WriteString(argvHexByte(c))
			}
		default:
			sb.WriteRune(r)
		}
		i += size
	}
	sb.WriteString("'")
	return sb.String()
}

// argvHexByte renders one byte as a $'...' escape: \x0a.
func argvHexByte(c byte) string {
	const digits = "0123456789abcdef"
	return `\x` + string([]byte{digits[c>>4], digits[c&0xf]})
}
