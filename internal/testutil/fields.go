package testutil

import (
	"testing"

	"github.com/netexplore/netexplore/trace/event"
)

// CheckFieldBounds fails when a field points outside the payload.
func CheckFieldBounds(t *testing.T, fields []event.Field, n int) {
	t.Helper()
	for _, f := range fields {
		if f.Offset < 0 || f.Length < 0 || f.Offset+f.Length > n {
			t.Errorf("field %s [%d,+%d) outside %d-byte payload", f.Name, f.Offset, f.Length, n)
		}
		CheckFieldBounds(t, f.Children, n)
	}
}
