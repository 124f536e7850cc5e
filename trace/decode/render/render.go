// Package render turns the values decoders find into the text every
// decoder shows: bytes in hex (with one truncation rule), quoted C strings,
// enum and flag names, hardware and IP addresses, pointers. [Bytes] reads
// the members of fixed-layout structs without indexing past the end.
//
// It is a leaf of the decoders: every protocol package renders with it, so
// the same value reads the same in an ioctl argument, a socket option and
// a netlink attribute.
package render

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxHex is how many bytes [Hex] shows before it shortens a value.
const MaxHex = 64

// Hex renders bytes as lowercase hex. Past [MaxHex] bytes it shows the
// first MaxHex of them followed by the total, "… (300 bytes)"; the field
// that holds the value still covers every byte.
func Hex(b []byte) string {
	if len(b) > MaxHex {
		return hex.EncodeToString(b[:MaxHex]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return hex.EncodeToString(b)
}

// HexInt names a number by its value in hex ("0x1f"): for marks, masks and
// other numbers read as bits.
var HexInt Namer = NamerFunc(func(v uint64) string { return fmt.Sprintf("%#x", v) })

// Decimal names a number by its value in decimal.
var Decimal Namer = NamerFunc(func(v uint64) string { return strconv.FormatUint(v, 10) })

// CString returns the string in b up to its first NUL byte.
func CString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Quote renders a string the way strace does: in double quotes, with Go
// escapes for anything not printable.
func Quote(s string) string { return strconv.Quote(s) }

// QuoteC quotes the NUL-terminated string at the start of b.
func QuoteC(b []byte) string { return Quote(CString(b)) }

// Plain returns s unquoted when it is a plain printable word, else quoted.
func Plain(s string) string {
	if s == "" || !utf8.ValidString(s) {
		return Quote(s)
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '\\' || !strconv.IsPrint(r) {
			return Quote(s)
		}
	}
	return s
}

// Text returns the string b holds when it reads as text: at least two
// printable ASCII characters, then nothing but NUL bytes.
func Text(b []byte) (string, bool) {
	s := CString(b)
	if len(s) < 2 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return "", false
		}
	}
	for _, c := range b[len(s):] {
		if c != 0 {
			return "", false
		}
	}
	return s, true
}

// MAC renders a hardware address as aa:bb:cc:dd:ee:ff.
func MAC(b []byte) string { return net.HardwareAddr(b).String() }

// BridgeID renders an 8-byte bridge identifier (a 2-byte priority, then a
// MAC) as brctl and the kernel's sysfs show it: "8000.0242ac110002". Other
// sizes are rendered as hex.
func BridgeID(b []byte) string {
	if len(b) != 8 {
		return Hex(b)
	}
	return fmt.Sprintf("%02x%02x.%x", b[0], b[1], b[2:])
}

// Addr renders a 4-byte IPv4 or a 16-byte IPv6 address; other sizes as hex.
func Addr(b []byte) string {
	switch len(b) {
	case 4:
		return netip.AddrFrom4([4]byte(b)).String()
	case 16:
		return netip.AddrFrom16([16]byte(b)).String()
	}
	return Hex(b)
}

// Pointer renders a user-space pointer: "NULL" or its address in hex.
func Pointer(p uint64) string {
	if p == 0 {
		return "NULL"
	}
	return fmt.Sprintf("%#x", p)
}

// Join joins the non-empty parts with spaces.
func Join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
