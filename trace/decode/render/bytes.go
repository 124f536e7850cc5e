package render

import (
	"encoding/binary"
	"strings"
	"unsafe"
)

// Bytes reads little- and big-endian integers and C strings out of a
// payload without ever indexing past its end: what is missing reads as
// zero, so a decoder checks [Bytes.Has] before it trusts a member.
type Bytes []byte

// Has reports whether the n bytes at off are all there.
func (b Bytes) Has(off, n int) bool { return off >= 0 && n >= 0 && off+n <= len(b) }

// U8 returns the byte at off.
func (b Bytes) U8(off int) uint8 { return read(b, off, func(p []byte) uint8 { return p[0] }) }

// U16 returns the little-endian 16-bit integer at off.
func (b Bytes) U16(off int) uint16 { return read(b, off, binary.LittleEndian.Uint16) }

// BE16 returns the big-endian 16-bit integer at off.
func (b Bytes) BE16(off int) uint16 { return read(b, off, binary.BigEndian.Uint16) }

// U32 returns the little-endian 32-bit integer at off.
func (b Bytes) U32(off int) uint32 { return read(b, off, binary.LittleEndian.Uint32) }

// BE32 returns the big-endian 32-bit integer at off.
func (b Bytes) BE32(off int) uint32 { return read(b, off, binary.BigEndian.Uint32) }

// U64 returns the little-endian 64-bit integer at off.
func (b Bytes) U64(off int) uint64 { return read(b, off, binary.LittleEndian.Uint64) }

// read reads the integer of type T at off with get, or gives zero when b
// ends before it.
func read[T uint8 | uint16 | uint32 | uint64](b Bytes, off int, get func([]byte) T) T {
	var v T
	if !b.Has(off, int(unsafe.Sizeof(v))) {
		return 0
	}
	return get(b[off:])
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
