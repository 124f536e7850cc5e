package netlink

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/google/go-cmp/cmp"
)

// attr builds one attribute with its padding.
func attr(typ uint16, data ...byte) []byte {
	b := make([]byte, Align(AttrHeaderLen+len(data)))
	binary.LittleEndian.PutUint16(b, uint16(AttrHeaderLen+len(data)))
	binary.LittleEndian.PutUint16(b[2:], typ)
	copy(b[AttrHeaderLen:], data)
	return b
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

var (
	testInner = AttrSet{Prefix: "IN", Attrs: []AttrSpec{
		1: {Name: "IN_PORT", Type: BE16},
		2: {Name: "IN_MODE", Type: U32, Values: render.Enum{"OFF", "ON"}},
	}, Value: func(_ *Walker, _ Attr, children []event.Field) string { return "with " + children[0].Value }}
	testKinds = Selector{Attr: 1, Prefix: "K_", Formats: map[string]*AttrSet{"inner": &testInner}}
	testOuter = AttrSet{Prefix: "OUT", Attrs: []AttrSpec{
		1: {Name: "OUT_KIND", Type: String},
		2: {Name: "OUT_DATA", Type: SubMessage, Select: &testKinds},
		3: {Name: "OUT_NEST", Type: Nest, Nested: &testInner},
		4: {Name: "OUT_LIST", Type: NestArray, Nested: &testInner},
		5: {Name: "OUT_PAIR", Type: Binary, Struct: []Member{{Name: "a", Type: U16}, {Type: Pad, Len: 2}, {Name: "b", Type: S32}}},
		6: {Name: "OUT_FLAGS", Type: Uint, Values: render.Bits("F_A", "F_B")},
		7: {Name: "OUT_CUSTOM", Type: Custom, Decode: func(w *Walker, a Attr) (string, []event.Field) {
			k, _ := w.Sibling(1)
			return "kind " + render.CString(k.Data), nil
		}},
		8: {Name: "OUT_WRONG", Type: U32},
	}}
)

func TestWalker(t *testing.T) {
	b := cat(
		attr(1, 'i', 'n', 'n', 'e', 'r', 0),
		attr(2, cat(attr(1, 0x12, 0x34), attr(2, 1, 0, 0, 0))...),
		attr(3|nlaFNested, attr(1, 0, 80)...),
		attr(4, attr(1, attr(1, 0, 22)...)...),
		attr(5, 7, 0, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff),
		attr(6, 3, 0, 0, 0),
		attr(7),
		attr(8, 1, 2),
		attr(9, 'x', 'y', 0, 0),
	)
	w := &Walker{}
	got := w.Attrs(b, 100, &testOuter)
	var flat []string
	var walk func(fields []event.Field, depth int)
	walk = func(fields []event.Field, depth int) {
		for _, f := range fields {
			flat = append(flat, strings.Repeat(" ", depth)+f.Name+"="+f.Value)
			walk(f.Children, depth+1)
		}
	}
	walk(got, 0)
	want := []string{
		`OUT_KIND="inner"`,
		`OUT_DATA=`, ` IN_PORT=4660`, ` IN_MODE=ON`,
		`OUT_NEST=with 80`, ` IN_PORT=80`,
		`OUT_LIST=`, ` [1]=with 22`, `  IN_PORT=22`,
		`OUT_PAIR=`, ` a=7`, ` b=-2`,
		`OUT_FLAGS=F_A|F_B`,
		`OUT_CUSTOM=kind inner`,
		`OUT_WRONG=0102 (2 bytes, expected 4)`,
		`OUT(9)="xy"`,
	}
	if diff := cmp.Diff(want, flat); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if w.Malformed != "" {
		t.Errorf("Malformed = %q", w.Malformed)
	}
	if got[0].Offset != 100 || got[0].Length != 10 {
		t.Errorf("OUT_KIND at %d+%d, want 100+10", got[0].Offset, got[0].Length)
	}
}

// TestWalkerUnknownFormat decodes a sub-message whose format has no set:
// by shape when it holds attributes, as bytes when it does not.
func TestWalkerUnknownFormat(t *testing.T) {
	w := &Walker{}
	got := w.Attrs(cat(attr(1, 'd', 'u', 'm', 0), attr(2, attr(3, 5)...)), 0, &testOuter)
	if f := got[1]; len(f.Children) != 1 || f.Children[0].Name != "K_DUM(3)" || f.Children[0].Value != "5" {
		t.Errorf("OUT_DATA of an unknown kind = %+v", f)
	}
	got = w.Attrs(cat(attr(1, 'd', 'u', 'm', 0), attr(2, 0xff)), 0, &testOuter)
	if f := got[1]; len(f.Children) != 0 || f.Value != "ff" {
		t.Errorf("OUT_DATA that holds no attributes = %+v", f)
	}
	if w.Malformed != "" {
		t.Errorf("Malformed = %q", w.Malformed)
	}
}

// TestWalkerMalformed checks that the first problem is kept and the
// bytes that do not form an attribute are still shown.
func TestWalkerMalformed(t *testing.T) {
	b := cat(attr(6, 1, 0, 0, 0), []byte{0x40, 0, 6, 0, 1, 2})
	w := &Walker{}
	got := w.Attrs(b, 16, &testOuter)
	if w.Malformed != "attribute at offset 24 has nla_len 64 with 6 bytes left" {
		t.Errorf("Malformed = %q", w.Malformed)
	}
	last := got[len(got)-1]
	if last.Name != "bad attribute" || last.Offset != 24 || last.Length != 6 {
		t.Errorf("last field = %+v", last)
	}
	w.Attrs([]byte{1, 2}, 0, &testOuter)
	if !strings.HasPrefix(w.Malformed, "attribute at offset 24") {
		t.Errorf("a later problem replaced the first: %q", w.Malformed)
	}
	// Zero padding after the last attribute is not a problem.
	w = &Walker{}
	w.Attrs(cat(attr(6, 1, 0, 0, 0), []byte{0, 0}), 0, &testOuter)
	if w.Malformed != "" {
		t.Errorf("padding reported: %q", w.Malformed)
	}
}

func TestWalkerDepth(t *testing.T) {
	loop := &AttrSet{Prefix: "L"}
	loop.Attrs = []AttrSpec{1: {Name: "L_NEST", Type: Nest, Nested: loop}}
	b := attr(1, 1, 0, 0, 0)
	for range MaxDepth + 5 {
		b = attr(1, b...)
	}
	w := &Walker{}
	w.Attrs(b, 0, loop)
	if !strings.Contains(w.Malformed, "nested more than") {
		t.Errorf("Malformed = %q, want the nesting limit", w.Malformed)
	}
}

// TestMessageJSON pins the documented JSON form of a message
// (docs/jsonl-schema.md): its keys, their order, and a round trip.
func TestMessageJSON(t *testing.T) {
	m := Message{
		Decoded: event.Decoded{Name: "RTM_NEWLINK", Summary: "RTM_NEWLINK br0", Fields: []event.Field{{Name: "x", Offset: 16, Length: 4}}},
		Offset:  0, Length: 20, Type: 16, Flags: 5, FlagNames: "NLM_F_REQUEST|NLM_F_ACK", Seq: 1, ExtackOffset: -1,
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"offset":0,"length":20,"type":16,"type_name":"RTM_NEWLINK","flags":5,"flag_names":"NLM_F_REQUEST|NLM_F_ACK",` +
		`"seq":1,"port_id":0,"summary":"RTM_NEWLINK br0","fields":[{"name":"x","offset":16,"length":4}],"extack_offset":-1}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
