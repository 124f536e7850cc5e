// Package eventtest holds test helpers for the engine's leaf types, shared
// by the decoders' tests.
package eventtest

import (
	"testing"

	"github.com/netexplore/netexplore/trace/event"
)

// CheckFieldBounds fails t when a field, at any depth, points outside an
// n-byte payload.
func CheckFieldBounds(t testing.TB, fields []event.Field, n int) {
	t.Helper()
	for _, f := range fields {
		if f.Offset < 0 || f.Length < 0 || f.Offset+f.Length > n {
			t.Errorf("field %s [%d,+%d) outside %d-byte payload", f.Name, f.Offset, f.Length, n)
		}
		CheckFieldBounds(t, f.Children, n)
	}
}
