package netlink

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"
)

// MaxDepth bounds how deeply attributes nest; real messages stay under ten
// levels, and a hostile payload must not make the walk recurse without end.
const MaxDepth = 32

// Walker decodes the attributes of one message with [AttrSet]s and
// remembers the first malformation it meets, so a decoder reports why its
// message did not decode completely while still showing all it could.
type Walker struct {
	// Family is the address family of the message's fixed header
	// (ifi_family, nfgen_family), for attributes whose meaning depends on
	// it.
	Family uint8
	// NetOrder says the protocol sends integers in network byte order,
	// as nfnetlink does: unknown attributes are guessed that way.
	NetOrder bool
	// State is the protocol decoder's own state, for its Custom
	// attributes.
	State any
	// Ctx is what is known from the rest of the trace (interface names);
	// nil knows nothing.
	Ctx *Context
	// Malformed is the first problem met, "" if none.
	Malformed string

	depth    int
	siblings [][]Attr
}

// Fail records a problem unless an earlier one was recorded.
func (w *Walker) Fail(format string, args ...any) {
	if w.Malformed == "" {
		w.Malformed = fmt.Sprintf(format, args...)
	}
}

// Walk splits b, found at payload offset base, into attributes and makes a
// field of each with fn. Bytes that do not form an attribute are reported
// and shown as one last field.
func (w *Walker) Walk(b []byte, base int, fn func(a Attr) event.Field) []event.Field {
	if w.depth >= MaxDepth {
		w.Fail("attributes nested more than %d levels deep at offset %d", MaxDepth, base)
		return nil
	}
	attrs, bad := ParseAttrs(b, base)
	w.depth++
	w.siblings = append(w.siblings, attrs)
	fields := make([]event.Field, 0, len(attrs))
	for _, a := range attrs {
		fields = append(fields, fn(a))
	}
	w.siblings = w.siblings[:len(w.siblings)-1]
	w.depth--
	if bad != "" {
		w.Fail("%s", bad)
		pos := 0
		if n := len(attrs); n > 0 {
			pos = min(attrs[n-1].Off-base+Align(attrs[n-1].Len), len(b))
		}
		fields = append(fields, event.Field{Name: "bad attribute", Value: render.Hex(b[pos:]), Offset: base + pos, Length: len(b) - pos})
	}
	return fields
}

// Attrs decodes the attributes in b, found at payload offset base, with s.
func (w *Walker) Attrs(b []byte, base int, s *AttrSet) []event.Field {
	return w.Walk(b, base, func(a Attr) event.Field { return w.Attr(a, s) })
}

// Sibling returns the attribute of type t among those being walked, the
// siblings of the attribute being decoded (the last one, if t occurs
// twice).
func (w *Walker) Sibling(t uint16) (Attr, bool) { return w.relative(t, 0) }

// Attr decodes one attribute with the spec s has for its type. An
// attribute s does not know is named Prefix(type) and shown by its shape.
func (w *Walker) Attr(a Attr, s *AttrSet) event.Field {
	f := event.Field{Name: s.Name(a.Type), Offset: a.Off, Length: a.Len}
	sp := s.Spec(a.Type)
	if sp == nil {
		sp = &AttrSpec{}
	}
	t := sp.Type
	if a.NetOrder && t.integer() || t == Auto && (a.NetOrder || w.NetOrder) {
		t |= BigEndian
	}
	if sp.Struct != nil {
		fields, short := w.Struct(a.Data, a.DataOff(), sp.Struct)
		if short {
			f.Value = render.Hex(a.Data)
		}
		f.Children = fields
		return f
	}
	if !nests(t, a) {
		f.Value = Value(t, a.Data, sp.Values)
		if sp.Values == Ifindex {
			w.nameIndex(&f, a.Data)
		}
		return f
	}
	// The attribute holds more attributes.
	if w.depth >= MaxDepth {
		w.Fail("attributes nested more than %d levels deep at offset %d", MaxDepth, a.Off)
		f.Value = render.Hex(a.Data)
		return f
	}
	switch t &^ BigEndian {
	case Auto:
		nested := sp.Nested
		if nested == nil {
			nested = &AttrSet{}
			if s != nil {
				nested.Prefix = s.Prefix
			}
		}
		f.Children = w.Attrs(a.Data, a.DataOff(), nested)
	case Nest:
		f.Children = w.Attrs(a.Data, a.DataOff(), sp.Nested)
		f.Value = w.nestValue(sp.Nested, a, f.Children)
	case NestArray:
		f.Children = w.Walk(a.Data, a.DataOff(), func(e Attr) event.Field {
			name := sp.Elem
			if name == "" {
				name = fmt.Sprintf("[%d]", e.Type)
			}
			ef := event.Field{Name: name, Offset: e.Off, Length: e.Len}
			ef.Children = w.Attrs(e.Data, e.DataOff(), sp.Nested)
			ef.Value = w.nestValue(sp.Nested, e, ef.Children)
			return ef
		})
	case SubMessage:
		f.Value, f.Children = w.subMessage(sp.Select, a)
	case Custom:
		f.Value, f.Children = sp.Decode(w, a)
	}
	return f
}

// nameIndex adds the name of the interface index held in data to f, when
// the walker's context knows it: Value "4 (docker0)", Ifname "docker0".
func (w *Walker) nameIndex(f *event.Field, data []byte) {
	v, ok := uintOf(data, false)
	if !ok {
		return
	}
	if name, ok := w.Ctx.Ifname(int32(uint32(v))); ok {
		f.NameInterface(name)
	}
}

// Struct is [Struct] that also names the interface indexes among the
// members (those whose Values is [Ifindex]) when the context knows them.
func (w *Walker) Struct(b []byte, base int, members []Member) ([]event.Field, bool) {
	fields, short := Struct(b, base, members)
	if w.Ctx == nil || w.Ctx.Ifnames == nil {
		return fields, short
	}
	i := 0
	for _, m := range members {
		if m.Name == "" || m.Type == Pad {
			continue
		}
		if i >= len(fields) {
			break
		}
		if m.Values == Ifindex {
			f := &fields[i]
			w.nameIndex(f, b[f.Offset-base:f.Offset-base+f.Length])
		}
		i++
	}
	return fields, short
}

// nests reports whether an attribute of type t holds more attributes (a
// Custom one may).
func nests(t Type, a Attr) bool {
	switch t &^ BigEndian {
	case Nest, NestArray, SubMessage, Custom:
		return true
	case Auto:
		return a.Nested
	}
	return false
}

// nestValue is the one-line value s gives a nest of its attributes.
func (w *Walker) nestValue(s *AttrSet, a Attr, children []event.Field) string {
	if s == nil || s.Value == nil {
		return ""
	}
	return s.Value(w, a, children)
}

// subMessage decodes a SubMessage attribute with the set its selector
// picks. The attributes of a format without a set are shown by their
// shape, or as bytes when the payload does not hold attributes.
func (w *Walker) subMessage(sel *Selector, a Attr) (string, []event.Field) {
	format := ""
	if s, ok := w.relative(sel.Attr, sel.Up); ok {
		format = render.CString(s.Data)
	}
	set, ok := sel.Formats[format]
	if !ok {
		if _, bad := ParseAttrs(a.Data, a.DataOff()); bad != "" || len(a.Data) == 0 {
			return render.Hex(a.Data), nil
		}
		set = &AttrSet{Prefix: sel.Prefix + strings.ToUpper(format)}
	}
	if set.Header == nil {
		return "", w.Attrs(a.Data, a.DataOff(), set)
	}
	size := StructSize(set.Header)
	hdr, short := w.Struct(a.Data, a.DataOff(), set.Header)
	n := min(len(a.Data), size)
	fields := []event.Field{{Name: "header", Offset: a.DataOff(), Length: n, Children: hdr}}
	if short {
		w.Fail("%d bytes at offset %d are shorter than the %d-byte header of %q", len(a.Data), a.DataOff(), size, format)
		fields[0].Value = render.Hex(a.Data)
		return "", fields
	}
	if rest := Align(size); rest < len(a.Data) {
		fields = append(fields, w.Attrs(a.Data[rest:], a.DataOff()+rest, set)...)
	}
	return "", fields
}

// relative returns the attribute of type t at the level up levels above
// the attributes being walked (0: the siblings).
func (w *Walker) relative(t uint16, up int) (Attr, bool) {
	n := len(w.siblings) - 1 - up
	if n < 0 {
		return Attr{}, false
	}
	var found Attr
	ok := false
	for _, a := range w.siblings[n] {
		if a.Type == t {
			found, ok = a, true
		}
	}
	return found, ok
}
