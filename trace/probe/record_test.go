//go:build linux

package probe

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/bpf"

	"golang.org/x/sys/unix"
)

// TestRecordLayout pins parseRecord's offsets to the struct bpf2go generated
// from bpf/netexplore.h, so a change to the C struct cannot go unnoticed.
func TestRecordLayout(t *testing.T) {
	var ev bpf.NetexploreEvent
	checks := []struct {
		name      string
		got, want uintptr
	}{
		{"size", unsafe.Sizeof(ev), recHeaderSize},
		{"Pid", unsafe.Offsetof(ev.Pid), 8},
		{"Kind", unsafe.Offsetof(ev.Kind), 24},
		{"Fd", unsafe.Offsetof(ev.Fd), 28},
		{"Ret", unsafe.Offsetof(ev.Ret), 32},
		{"Args", unsafe.Offsetof(ev.Args), 40},
		{"SockIno", unsafe.Offsetof(ev.SockIno), 72},
		{"SockFamily", unsafe.Offsetof(ev.SockFamily), 80},
		{"StackLen", unsafe.Offsetof(ev.StackLen), 86},
		{"DataLen", unsafe.Offsetof(ev.DataLen), 88},
		{"Copied", unsafe.Offsetof(ev.Copied), 92},
		{"Comm", unsafe.Offsetof(ev.Comm), 96},
		{"Stack", unsafe.Offsetof(ev.Stack), recStackOffset},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s at %d, parseRecord assumes %d", c.name, c.got, c.want)
		}
	}
}

func TestParseRecord(t *testing.T) {
	b := make([]byte, recHeaderSize+4)
	le := binary.NativeEndian
	le.PutUint32(b[8:], 42)
	b[24] = byte(event.KindSend)
	le.PutUint16(b[26:], 6) // sendmsg
	le.PutUint16(b[80:], unix.AF_NETLINK)
	le.PutUint16(b[86:], 16) // two frames
	le.PutUint32(b[88:], 100)
	le.PutUint32(b[92:], 4)
	b[25] = evfStack
	copy(b[96:], "ip\x00")
	le.PutUint64(b[recStackOffset:], 0x401000)
	le.PutUint64(b[recStackOffset+8:], 0x402000)
	copy(b[recHeaderSize:], []byte{1, 2, 3, 4})
	e, err := parseRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if e.PID != 42 || e.Kind != event.KindSend || e.Syscall != "sendmsg" || e.Comm != "ip" ||
		len(e.Stack) != 2 || e.Stack[1] != 0x402000 || len(e.Data) != 4 || e.DataLen != 100 || !e.Truncated() {
		t.Fatalf("parseRecord = %+v", e)
	}
	if _, err := parseRecord(b[:10]); err == nil {
		t.Error("short record accepted")
	}
	le.PutUint32(b[92:], 9999)
	if _, err := parseRecord(b); err == nil {
		t.Error("record announcing more payload than present accepted")
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add(make([]byte, recHeaderSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseRecord(b)
	})
}
