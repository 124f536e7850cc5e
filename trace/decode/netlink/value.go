package netlink

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/netexplore/netexplore/trace/decode/render"
)

// Value renders data as a value of type t, for the scalar types: integers
// (named by values, in decimal when values is nil), strings, flags,
// addresses and bytes. A fixed-size value of another size is shown as its
// bytes and both sizes; an Auto value is guessed from its shape.
func Value(t Type, data []byte, values render.Namer) string {
	bigEndian := t&BigEndian != 0
	switch base := t &^ BigEndian; base {
	case Binary, Pad:
		return render.Hex(data)
	case String:
		return render.QuoteC(data)
	case Flag:
		if len(data) == 0 {
			return "true"
		}
		return render.Hex(data)
	case U8, U16, U32, U64, S8, S16, S32, S64:
		if n := base.size(); len(data) != n {
			return wrongSize(data, n)
		}
		return integer(base >= S8 && base <= S64, data, bigEndian, values)
	case Uint, Sint:
		if _, ok := uintOf(data, bigEndian); !ok {
			return render.Hex(data)
		}
		return integer(base == Sint, data, bigEndian, values)
	case MAC:
		return render.MAC(data)
	case Addr:
		return render.Addr(data)
	case IPv4, IPv6:
		if n := base.size(); len(data) != n {
			return wrongSize(data, n)
		}
		a, _ := netip.AddrFromSlice(data)
		return a.String()
	}
	return guess(data, bigEndian)
}

// wrongSize shows a fixed-size value that has another size.
func wrongSize(data []byte, want int) string {
	return render.Join(render.Hex(data), fmt.Sprintf("(%d bytes, expected %d)", len(data), want))
}

// integer renders a 1, 2, 4 or 8-byte integer.
func integer(signed bool, data []byte, bigEndian bool, values render.Namer) string {
	v, _ := uintOf(data, bigEndian)
	if signed {
		shift := 64 - 8*len(data)
		v = uint64(int64(v<<shift) >> shift)
	}
	switch {
	case values != nil:
		return values.Name(v)
	case signed:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(v, 10)
}

// guess renders a value nothing is known about: text if it reads as a C
// string, a number if it has the size of one, bytes otherwise.
func guess(data []byte, bigEndian bool) string {
	if s, ok := render.Text(data); ok && len(s) < len(data) {
		return render.Quote(s)
	}
	if v, ok := uintOf(data, bigEndian); ok {
		return strconv.FormatUint(v, 10)
	}
	return render.Hex(data)
}

// uintOf reads a 1, 2, 4 or 8-byte unsigned integer in host (little endian)
// or network byte order.
func uintOf(b []byte, bigEndian bool) (uint64, bool) {
	var order binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		order = binary.BigEndian
	}
	switch len(b) {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(order.Uint16(b)), true
	case 4:
		return uint64(order.Uint32(b)), true
	case 8:
		return order.Uint64(b), true
	}
	return 0, false
}
