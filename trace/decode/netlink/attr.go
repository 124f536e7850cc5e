package netlink

import (
	"encoding/binary"
	"fmt"
)

// Sizes of the netlink wire format (linux/netlink.h).
const (
	HeaderLen     = 16 // sizeof(struct nlmsghdr)
	AttrHeaderLen = 4  // sizeof(struct nlattr)
)

// Bits of nla_type besides the attribute type (linux/netlink.h).
const (
	nlaFNested       = 0x8000 // NLA_F_NESTED
	nlaFNetByteorder = 0x4000 // NLA_F_NET_BYTEORDER
	nlaTypeMask      = 0x3fff // NLA_TYPE_MASK
)

// Attr is one netlink attribute as found in a payload: struct nlattr and
// its data.
type Attr struct {
	Type     uint16 // nla_type without the NLA_F_* bits
	Nested   bool   // NLA_F_NESTED was set
	NetOrder bool   // NLA_F_NET_BYTEORDER was set
	Off      int    // payload offset of the attribute header
	Len      int    // nla_len: header plus data, without padding
	Data     []byte // the data after the header
}

// DataOff is the payload offset of the attribute's data.
func (a Attr) DataOff() int { return a.Off + AttrHeaderLen }

// ParseAttrs splits b, found at payload offset base, into attributes. It
// stops at the first attribute with an impossible length and says why;
// fewer than four zero bytes at the end are padding, not an error.
func ParseAttrs(b []byte, base int) ([]Attr, string) {
	attrs := make([]Attr, 0, countAttrs(b))
	for pos := 0; pos < len(b); {
		rest := len(b) - pos
		if rest < AttrHeaderLen {
			if allZero(b[pos:]) {
				break
			}
			return attrs, fmt.Sprintf("%d stray bytes at offset %d", rest, base+pos)
		}
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		t := binary.LittleEndian.Uint16(b[pos+2:])
		if l < AttrHeaderLen || l > rest {
			return attrs, fmt.Sprintf("attribute at offset %d has nla_len %d with %d bytes left", base+pos, l, rest)
		}
		attrs = append(attrs, Attr{
			Type:     t & nlaTypeMask,
			Nested:   t&nlaFNested != 0,
			NetOrder: t&nlaFNetByteorder != 0,
			Off:      base + pos,
			Len:      l,
			Data:     b[pos+AttrHeaderLen : pos+l],
		})
		pos += Align(l)
	}
	return attrs, ""
}

// countAttrs counts the well-formed attributes at the start of b, so that
// ParseAttrs allocates their slice once (a link's IFLA_AF_SPEC holds
// arrays of some 90 attributes).
func countAttrs(b []byte) int {
	n := 0
	for pos := 0; len(b)-pos >= AttrHeaderLen; n++ {
		l := int(binary.LittleEndian.Uint16(b[pos:]))
		if l < AttrHeaderLen || l > len(b)-pos {
			break
		}
		pos += Align(l)
	}
	return n
}

// Index maps the attribute types of b to their data, for summaries that
// look attributes up by type. A type that occurs twice maps to its last
// occurrence; malformed input yields what could be read.
func Index(b []byte) map[uint16][]byte {
	attrs, _ := ParseAttrs(b, 0)
	idx := make(map[uint16][]byte, len(attrs))
	for _, a := range attrs {
		idx[a.Type] = a.Data
	}
	return idx
}

// Align rounds n up to the 4-byte netlink alignment.
func Align(n int) int { return (n + 3) &^ 3 }

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
