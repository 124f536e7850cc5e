//go:build linux

package probe

import (
	"testing"
	"unsafe"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/bpf"

	"golang.org/x/sys/unix"
)

// record lays out h and payload as the probe writes them to the ring.
func record(h bpf.NetexploreEvent, payload []byte) []byte {
	b := make([]byte, recHeaderSize, recHeaderSize+len(payload))
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(&h)), recHeaderSize))
	return append(b, payload...)
}

func TestParseRecord(t *testing.T) {
	h := bpf.NetexploreEvent{
		Pid: 42, Kind: uint8(event.KindSend), Syscall: 6, // sendmsg
		SockFamily: unix.AF_NETLINK, StackLen: 16, DataLen: 100, Copied: 4, Flags: evfStack,
	}
	h.Comm[0], h.Comm[1] = 'i', 'p'
	h.Stack[0], h.Stack[1] = 0x401000, 0x402000
	b := record(h, []byte{1, 2, 3, 4})
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
	h.Copied = 9999
	if _, err := parseRecord(record(h, []byte{1, 2, 3, 4})); err == nil {
		t.Error("record announcing more payload than present accepted")
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add(make([]byte, recHeaderSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseRecord(b)
	})
}
