package netlink

import (
	"fmt"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

// Attribute specs: what the decoders know about the attributes of every
// netlink family, as data. An [AttrSet] is one attribute space (the
// kernel's "attribute-set"), indexed by attribute type; each [AttrSpec]
// gives an attribute's name, [Type], the names of its values and, for a
// nest, the set its payload holds. The shape follows the kernel's YAML
// netlink specs (Documentation/netlink/specs) so that tables generated from
// them are values of these types; hand-written code is left for summaries
// and the few layouts a spec cannot express ([Custom]).

// Type says how the payload of an attribute, or a struct member, is read
// and shown. Integer types are in host byte order unless marked
// [BigEndian].
type Type uint8

// Attribute types.
const (
	Auto       Type = iota // unknown: shown by its shape (text, a number or bytes)
	Binary                 // bytes in hex, or the C struct of AttrSpec.Struct
	String                 // NUL-terminated string, quoted
	Flag                   // NLA_FLAG: present means true, no payload
	U8                     // unsigned integers of a fixed size
	U16                    //
	U32                    //
	U64                    //
	S8                     // signed integers of a fixed size
	S16                    //
	S32                    //
	S64                    //
	Uint                   // unsigned integer of 1, 2, 4 or 8 bytes ("uint")
	Sint                   // signed integer of 1, 2, 4 or 8 bytes ("sint")
	MAC                    // hardware address
	Addr                   // IPv4 or IPv6 address, by its size
	IPv4                   // IPv4 address (4 bytes)
	IPv6                   // IPv6 address (16 bytes)
	Nest                   // the attributes of AttrSpec.Nested
	NestArray              // entries 1, 2, ..., each the attributes of AttrSpec.Nested ("indexed-array")
	SubMessage             // attributes of the set AttrSpec.Select picks ("sub-message")
	Custom                 // decoded by AttrSpec.Decode
	Pad                    // struct padding: bytes without a field (members only)

	// BigEndian marks an integer type as network byte order ("byte-order:
	// big-endian" in the specs), e.g. U32|BigEndian.
	BigEndian Type = 0x80
)

// Big-endian integer types.
const (
	BE16   = U16 | BigEndian
	BE32   = U32 | BigEndian
	BE64   = U64 | BigEndian
	UintBE = Uint | BigEndian
)

// size returns the size of a fixed-size type, or 0.
func (t Type) size() int {
	switch t &^ BigEndian {
	case U8, S8:
		return 1
	case U16, S16:
		return 2
	case U32, S32:
		return 4
	case U64, S64:
		return 8
	case IPv4:
		return 4
	case IPv6:
		return 16
	}
	return 0
}

// integer reports whether t is an integer type.
func (t Type) integer() bool {
	switch t &^ BigEndian {
	case U8, U16, U32, U64, S8, S16, S32, S64, Uint, Sint:
		return true
	}
	return false
}

// AttrSpec describes one attribute type of an [AttrSet].
type AttrSpec struct {
	// Name is the kernel's name for the attribute, e.g. "IFLA_MTU".
	Name string
	// Type says how the payload is read.
	Type Type
	// Values names the values of an integer: an enum, flags, or a
	// function of the value. Nil shows the number in decimal.
	Values render.Namer
	// Nested is the attribute set of a Nest or NestArray payload. For an
	// Auto attribute that carries NLA_F_NESTED it names the attributes
	// found inside; by default they take the enclosing set's prefix.
	Nested *AttrSet
	// Elem names the entries of a NestArray; by default they are named by
	// their index, "[1]", "[2]", ...
	Elem string
	// Struct is the C struct a Binary payload holds.
	Struct []Member
	// Select picks the attribute set of a SubMessage payload.
	Select *Selector
	// Decode decodes a Custom attribute.
	Decode DecodeFunc
}

// DecodeFunc decodes a Custom attribute: it returns the field's value and
// children, and may decode nested attributes with w.
type DecodeFunc func(w *Walker, a Attr) (value string, children []event.Field)

// AttrSet describes one attribute space.
type AttrSet struct {
	// Prefix names the attributes missing from Attrs, "IFLA(70)".
	Prefix string
	// Attrs holds the attributes by type; an entry without a Name is
	// unknown.
	Attrs []AttrSpec
	// Header is the fixed-size struct that precedes the attributes, for
	// the formats of a sub-message that start with one ("fixed-header"
	// in the specs, as tc's pfifo_fast options); the attributes start at
	// the next 4-byte boundary after it.
	Header []Member
	// Value, when not nil, gives a Nest or NestArray entry of this set a
	// one-line value from its data and decoded children, e.g. "packets 3
	// bytes 180".
	Value func(w *Walker, a Attr, children []event.Field) string
}

// Spec returns the spec of attribute type t, or nil when the set does not
// know it.
func (s *AttrSet) Spec(t uint16) *AttrSpec {
	if s == nil || int(t) >= len(s.Attrs) || s.Attrs[t].Name == "" {
		return nil
	}
	return &s.Attrs[t]
}

// Name returns the name of attribute type t, or Prefix(t).
func (s *AttrSet) Name(t uint16) string {
	if sp := s.Spec(t); sp != nil {
		return sp.Name
	}
	prefix := "attr"
	if s != nil && s.Prefix != "" {
		prefix = s.Prefix
	}
	return fmt.Sprintf("%s(%d)", prefix, t)
}

// Selector picks the attribute set of a SubMessage attribute by the value
// of a sibling attribute, the way IFLA_INFO_KIND selects what
// IFLA_INFO_DATA holds.
type Selector struct {
	// Attr is the sibling attribute, a string, that names the format.
	Attr uint16
	// Up says how many nesting levels above the attribute's own the
	// selector is found: 0 for a sibling, 1 for a sibling of the
	// enclosing nest (tc's TCA_STATS_APP is selected by TCA_KIND).
	Up int
	// Formats maps each known format to its attribute set.
	Formats map[string]*AttrSet
	// Prefix names the attributes of a format missing from Formats: Prefix
	// then the format in capitals ("IFLA_" for kind "dummy" gives
	// "IFLA_DUMMY(1)").
	Prefix string
}

// Member describes one member of a fixed-size C struct: a message's fixed
// header (ifinfomsg, nfgenmsg) or the payload of a Binary attribute.
type Member struct {
	// Name is the member's name; padding has none.
	Name string
	// Type is a fixed-size integer type, MAC, Addr, Binary or Pad.
	Type Type
	// Len is the size of a MAC, Addr, Binary or Pad member.
	Len int
	// Values names the values of an integer member.
	Values render.Namer
}

// Size returns the number of bytes the member takes.
func (m Member) Size() int {
	if n := m.Type.size(); n > 0 {
		return n
	}
	return m.Len
}

// Struct decodes the members of a struct found at payload offset base. It
// decodes as many members as b holds and reports whether b was short.
func Struct(b []byte, base int, members []Member) (fields []event.Field, short bool) {
	pos := 0
	for _, m := range members {
		n := m.Size()
		if pos+n > len(b) {
			return fields, true
		}
		if m.Name != "" && m.Type != Pad {
			if fields == nil {
				fields = make([]event.Field, 0, len(members)) // one allocation
			}
			fields = append(fields, event.Field{Name: m.Name, Value: Value(m.Type, b[pos:pos+n], m.Values), Offset: base + pos, Length: n})
		}
		pos += n
	}
	return fields, false
}

// StructSize returns the size of a struct: the sum of its members' sizes.
func StructSize(members []Member) int {
	n := 0
	for _, m := range members {
		n += m.Size()
	}
	return n
}

// Ifindex names an integer that is an interface index: the kernel stores
// it as a signed 32-bit number, and a [Walker] whose [Context] knows
// interface names shows the name beside it, "3 (veth0)".
var Ifindex render.Namer = ifindexNamer{}

type ifindexNamer struct{}

// Name renders an interface index as a signed number.
func (ifindexNamer) Name(v uint64) string { return fmt.Sprint(int32(uint32(v))) }

// Bitfield32 is struct nla_bitfield32, the payload of "bitfield32"
// attributes: the bit values and the mask of the bits being set.
var Bitfield32 = []Member{{Name: "value", Type: U32, Values: render.HexInt}, {Name: "selector", Type: U32, Values: render.HexInt}}
