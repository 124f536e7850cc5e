package render

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Namer names the values of an integer: an [Enum], an [EnumMap], a
// [FlagSet], or any function ([NamerFunc]). Decoder tables say with a Namer
// how a number is shown.
type Namer interface {
	// Name returns the text for v: its name, its flag names, or the number.
	Name(v uint64) string
}

// NamerFunc makes a function a [Namer].
type NamerFunc func(v uint64) string

// Name returns f(v).
func (f NamerFunc) Name(v uint64) string { return f(v) }

// Enum names the values of a dense enum: Enum[v] is the name of v, ""
// where a value has none. It is the form tables generated from the
// kernel's netlink specs take.
type Enum []string

// Lookup returns the name of v and whether it has one.
func (e Enum) Lookup(v uint64) (string, bool) {
	if v < uint64(len(e)) && e[v] != "" {
		return e[v], true
	}
	return "", false
}

// Name returns the name of v, or v in decimal.
func (e Enum) Name(v uint64) string {
	if s, ok := e.Lookup(v); ok {
		return s
	}
	return strconv.FormatUint(v, 10)
}

// Prefixed returns the name of v, or prefix(v) ("IFLA(70)") when v has none.
func (e Enum) Prefixed(v uint64, prefix string) string {
	if s, ok := e.Lookup(v); ok {
		return s
	}
	return fmt.Sprintf("%s(%d)", prefix, v)
}

// EnumMap names the values of a sparse enum.
type EnumMap map[uint64]string

// Name returns the name of v, or v in decimal.
func (e EnumMap) Name(v uint64) string {
	if s, ok := e[v]; ok {
		return s
	}
	return strconv.FormatUint(v, 10)
}

// Flag names one bit, or a group of bits, of a flags word. A Flag with a
// zero Mask names the value zero ("NUD_NONE").
type Flag struct {
	Mask uint64 // the bits
	Name string // their name, e.g. "IFF_UP"
}

// FlagSet names the bits of a flags word. Flags are taken in order, so a
// group (NLM_F_DUMP, two bits) listed before its members wins over them.
type FlagSet []Flag

// Bits returns the FlagSet whose bit i is named names[i]; an empty name
// leaves the bit unnamed. It is the form of the flags enums of the
// kernel's netlink specs.
func Bits(names ...string) FlagSet {
	var s FlagSet
	for i, n := range names {
		if n != "" {
			s = append(s, Flag{Mask: 1 << i, Name: n})
		}
	}
	return s
}

// Name renders v as its flag names joined by "|" ("IFF_UP|IFF_BROADCAST"),
// with bits that have no name in hex at the end ("IFF_UP|0x40000000").
// Zero is "0" unless the set names it.
func (s FlagSet) Name(v uint64) string { return s.Join(v, "|") }

// Join is [FlagSet.Name] with another separator.
func (s FlagSet) Join(v uint64, sep string) string {
	var parts []string
	for _, f := range s {
		if f.Mask == 0 {
			if v == 0 {
				return f.Name
			}
			continue
		}
		if v&f.Mask == f.Mask {
			parts = append(parts, f.Name)
			v &^= f.Mask
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, sep)
}

// ErrnoName returns the name of an errno as the kernel and strace spell
// it: "EOPNOTSUPP" for 95, which the C library also calls ENOTSUP, and
// unix.ErrnoName's name for the rest ("" when unknown).
func ErrnoName(e syscall.Errno) string {
	if e == unix.EOPNOTSUPP {
		return "EOPNOTSUPP"
	}
	return unix.ErrnoName(e)
}
