package render

import (
	"strings"
	"testing"
)

func TestFlagSet(t *testing.T) {
	iff := Bits("IFF_UP", "IFF_BROADCAST", "", "IFF_LOOPBACK")
	nud := append(FlagSet{{Name: "NUD_NONE"}}, Bits("NUD_INCOMPLETE", "NUD_REACHABLE")...)
	dump := FlagSet{{Mask: 0x300, Name: "NLM_F_DUMP"}, {Mask: 0x100, Name: "NLM_F_ROOT"}, {Mask: 0x200, Name: "NLM_F_MATCH"}}
	for _, tt := range []struct {
		got, want string
	}{
		{iff.Name(0), "0"},
		{iff.Name(0x1), "IFF_UP"},
		{iff.Name(0x9), "IFF_UP|IFF_LOOPBACK"},
		{iff.Name(0x4), "0x4"},
		{iff.Name(0x40000003), "IFF_UP|IFF_BROADCAST|0x40000000"},
		{iff.Join(0x3, ","), "IFF_UP,IFF_BROADCAST"},
		{nud.Name(0), "NUD_NONE"},
		{nud.Name(2), "NUD_REACHABLE"},
		{dump.Name(0x300), "NLM_F_DUMP"},
		{dump.Name(0x100), "NLM_F_ROOT"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestEnums(t *testing.T) {
	e := Enum{0: "A", 2: "C"}
	m := EnumMap{254: "RT_TABLE_MAIN"}
	for _, tt := range []struct {
		got, want string
	}{
		{e.Name(0), "A"}, {e.Name(1), "1"}, {e.Name(7), "7"},
		{e.Prefixed(2, "X"), "C"}, {e.Prefixed(1, "X"), "X(1)"},
		{m.Name(254), "RT_TABLE_MAIN"}, {m.Name(3), "3"},
		{HexInt.Name(255), "0xff"}, {Decimal.Name(255), "255"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestValues(t *testing.T) {
	long := make([]byte, MaxHex+1)
	for _, tt := range []struct {
		got, want string
	}{
		{Hex(nil), ""},
		{Hex([]byte{0xde, 0xad}), "dead"},
		{Hex(long), strings.Repeat("00", MaxHex) + "… (65 bytes)"},
		{QuoteC([]byte("br0\x00\x00")), `"br0"`},
		{Plain("br0"), "br0"}, {Plain("a b"), `"a b"`}, {Plain(""), `""`},
		{MAC([]byte{2, 0x42, 0xac, 0x11, 0, 2}), "02:42:ac:11:00:02"},
		{BridgeID([]byte{0x80, 0, 2, 0x42, 0xac, 0x11, 0, 2}), "8000.0242ac110002"},
		{BridgeID([]byte{0x80, 0}), "8000"},
		{Addr([]byte{172, 17, 0, 1}), "172.17.0.1"},
		{Addr([]byte{1, 2, 3}), "010203"},
		{Pointer(0), "NULL"}, {Pointer(0x1000), "0x1000"},
		{Join("a", "", "b"), "a b"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"docker0\x00\x00", "docker0", true},
		{"docker0", "docker0", true},
		{"a\x00", "", false},
		{"ab\x00x", "", false},
		{"\x01\x02\x00", "", false},
	} {
		if s, ok := Text([]byte(tt.in)); s != tt.want || ok != tt.ok {
			t.Errorf("Text(%q) = %q, %v; want %q, %v", tt.in, s, ok, tt.want, tt.ok)
		}
	}
}

func TestBytes(t *testing.T) {
	b := Bytes{1, 2, 3, 4, 'h', 'i', 0, 9}
	if b.U16(0) != 0x0201 || b.BE16(0) != 0x0102 || b.U32(0) != 0x04030201 || b.BE32(0) != 0x01020304 {
		t.Errorf("integers read wrong")
	}
	if b.U32(6) != 0 || b.U64(1) != 0 || b.U8(8) != 0 || b.Has(7, 2) || !b.Has(0, 8) {
		t.Errorf("reads past the end must give zero")
	}
	if s, nul := b.CString(4, 8); s != "hi" || !nul {
		t.Errorf("CString = %q, %v", s, nul)
	}
	if got := b.Slice(6, 10); len(got) != 2 {
		t.Errorf("Slice clipped to %d bytes, want 2", len(got))
	}
}
