package render

import (
	"encoding/binary"
	"strings"
)

// Bytes reads little- and big-endian integers and C strings out of a
// payload without ever indexing past its end: what is missing reads as
// zero, so a decoder checks [Bytes.Has] before it trusts a member.
type Bytes []byte

// Has reports whether the n bytes at off are all there.
func (b Bytes) Has(off, n int) bool { return off >= 0 && n >= 0 && off+n <= len(b) }

// U8 returns the byte at off.
func (b Bytes) U8(off int) uint8 {
	if !b.Has(off, 1) {
		return 0
	}
	return b[off]
}

// U16 returns the little-endian 16-bit integer at off.
func (b Bytes) U16(off int) uint16 {
	if !b.Has(off, 2) {
		return 0
	}
	return binary.LittleEndian.Uint16(b[off:])
}

// BE16 returns the big-endian 16-bit integer at off.
func (b Bytes) BE16(off int) uint16 {
	if !b.Has(off, 2) {
		return 0
	}
	return binary.BigEndian.Uint16(b[off:])
}

// U32 returns the little-endian 32-bit integer at off.
func (b Bytes) U32(off int) uint32 {
	if !b.Has(off, 4) {
		return 0
	}
	return binary.LittleEndian.Uint32(b[off:])
}

// BE32 returns the big-endian 32-bit integer at off.
func (b Bytes) BE32(off int) uint32 {
	if !b.Has(off, 4) {
		return 0
	}
	return binary.BigEndian.Uint32(b[off:])
}

// U64 returns the little-endian 64-bit integer at off.
func (b Bytes) U64(off int) uint64 {
	if !b.Has(off, 8) {
		return 0
	}
	return binary.LittleEndian.Uint64(b[off:])
}

// Slice returns b[off:off+n], clipped to what is there.
func (b Bytes) Slice(off, n int) []byte {
	if off < 0 || off >= len(b) || n <= 0 {
		return nil
	}
	if off+n > len(b) {
		n = len(b) - off
	}
	return b[off : off+n]
}

// CString returns the NUL-terminated string at off within at most max
// bytes, and whether a terminating NUL was found.
func (b Bytes) CString(off, max int) (string, bool) {
	s := b.Slice(off, max)
	if i := strings.IndexByte(string(s), 0); i >= 0 {
		return string(s[:i]), true
	}
	return string(s), false
}
