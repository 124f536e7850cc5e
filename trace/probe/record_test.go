//go:build linux

package probe

import (
	"encoding/binary"
	"testing"
	"time"
	"unsafe"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/bpf"

	"golang.org/x/sys/unix"
)

// record lays out h, payload and stack as the probe writes them to the
// ring: the header, the payload, then the frames at the next multiple of 8.
func record(h bpf.NetexploreEvent, payload []byte, stack ...uint64) []byte {
	b := make([]byte, recHeaderSize, recHeaderSize+len(payload)+8+8*len(stack))
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(&h)), recHeaderSize))
	b = append(b, payload...)
	for len(b)%8 != 0 && len(stack) > 0 {
		b = append(b, 0)
	}
	for _, pc := range stack {
		b = binary.LittleEndian.AppendUint64(b, pc)
	}
	return b
}

func TestParseRecord(t *testing.T) {
	h := bpf.NetexploreEvent{
		Pid: 42, Kind: uint8(event.KindSend), Syscall: 6, // sendmsg
		SockFamily: unix.AF_NETLINK, StackDepth: 2, DataLen: 100, Copied: 5, Flags: evfStack,
	}
	h.Comm[0], h.Comm[1] = 'i', 'p'
	var p Parser
	e, err := p.Parse(record(h, []byte{1, 2, 3, 4, 5}, 0x401000, 0x402000))
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 1 || e.PID != 42 || e.Kind != event.KindSend || e.Syscall != "sendmsg" || e.Comm != "ip" ||
		len(e.Stack) != 2 || e.Stack[1] != 0x402000 || len(e.Data) != 5 || e.DataLen != 100 || !e.Truncated() {
		t.Fatalf("Parse = %+v", e)
	}
	if _, err := p.Parse(record(h, []byte{1, 2, 3, 4, 5})[:10]); err == nil {
		t.Error("short record accepted")
	}
	if _, err := p.Parse(record(h, []byte{1, 2, 3, 4, 5}, 0x401000)); err == nil {
		t.Error("record announcing more frames than present accepted")
	}
	h.Copied = 9999
	if _, err := p.Parse(record(h, []byte{1, 2, 3, 4})); err == nil {
		t.Error("record announcing more payload than present accepted")
	}
}

// Events with the same frames share one Stack; other frames get their
// own, and a record's bytes do not live on in it.
func TestParseSharesStacks(t *testing.T) {
	h := bpf.NetexploreEvent{Pid: 7, Kind: uint8(event.KindIoctl), StackDepth: 3, Flags: evfStack}
	var p Parser
	parse := func(stack ...uint64) []uint64 {
		t.Helper()
		b := record(h, nil, stack...)
		e, err := p.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		clear(b) // the record is gone; the stack must not be its bytes
		return e.Stack
	}
	a := parse(0x401000, 0x402000, 0x403000)
	b := parse(0x401000, 0x402000, 0x403000)
	c := parse(0x401000, 0x402000, 0x404000)
	if unsafe.SliceData(a) != unsafe.SliceData(b) {
		t.Error("two events with the same frames have stacks of their own")
	}
	if unsafe.SliceData(a) == unsafe.SliceData(c) || c[2] != 0x404000 {
		t.Errorf("an event with other frames shares a stack: %#x", c)
	}
	if a[0] != 0x401000 || a[2] != 0x403000 || cap(a) != 3 {
		t.Errorf("stack %#x (cap %d), want 0x401000 0x402000 0x403000 (cap 3)", a, cap(a))
	}
	for i := range maxStacks { // a new stack each: the cache starts over
		parse(uint64(i)+1, 2, 3)
	}
	if len(p.stacks) > maxStacks {
		t.Errorf("%d stacks cached, at most %d", len(p.stacks), maxStacks)
	}
}

// A borrowing parser's payload is the record's bytes; a copying one's
// outlives the record.
func TestParseBorrow(t *testing.T) {
	h := bpf.NetexploreEvent{Kind: uint8(event.KindSend), Syscall: 6, DataLen: 3, Copied: 3}
	for _, borrow := range []bool{false, true} {
		p := Parser{Borrow: borrow}
		rec := record(h, []byte{1, 2, 3})
		e, err := p.Parse(rec)
		if err != nil {
			t.Fatal(err)
		}
		clear(rec) // the record's place is reused
		if got, want := e.Data[0] == 0, borrow; got != want {
			t.Errorf("borrow %v: payload %v after the record was cleared", borrow, e.Data)
		}
		if len(e.Data) != 3 || cap(e.Data) != 3 {
			t.Errorf("borrow %v: payload len %d cap %d, want 3 and 3", borrow, len(e.Data), cap(e.Data))
		}
	}
}

// The probe reports a mapped file's path last component first.
func TestParseMmapRecord(t *testing.T) {
	h := bpf.NetexploreEvent{Pid: 7, Kind: uint8(event.KindMmap), Flags: evfNewImage, SockIno: 0x800001}
	h.Args = [4]uint64{0x1000, 0x5000, 0x2000, 99}
	path := []byte("libc.so.6\x00x86_64-linux-gnu\x00lib\x00usr\x00")
	h.Copied = uint32(len(path))
	var p Parser
	e, err := p.Parse(record(h, path))
	if err != nil {
		t.Fatal(err)
	}
	m := e.Mapping
	if e.Path != "/usr/lib/x86_64-linux-gnu/libc.so.6" || m == nil || m.Start != 0x1000 || m.End != 0x5000 ||
		m.Offset != 0x2000 || m.Inode != 99 || m.Dev != 0x800001 || !m.NewImage || e.Data != nil {
		t.Fatalf("Parse = %+v, mapping %+v", e, m)
	}
}

// A fork the probe could not follow says so.
func TestParseUnfollowedFork(t *testing.T) {
	h := bpf.NetexploreEvent{Pid: 7, Kind: uint8(event.KindFork), Flags: evfUnfollowed}
	h.Args[0] = 8
	var p Parser
	e, err := p.Parse(record(h, nil))
	if err != nil {
		t.Fatal(err)
	}
	if e.PID != 8 || e.PPID != 7 || e.Args[1] != 1 {
		t.Fatalf("Parse = %+v", e)
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add(make([]byte, recHeaderSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Parser
		p.Parse(b)
	})
}

// The header's duration counts nanoseconds, or microseconds when the probe
// flags a long call.
func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		dur   uint32
		flags uint8
		want  time.Duration
	}{
		{0, 0, 0},
		{1234, 0, 1234 * time.Nanosecond},
		{5_000_000, evfDurationUs, 5 * time.Second},
	} {
		h := bpf.NetexploreEvent{Kind: uint8(event.KindRecv), Syscall: 8, Duration: tc.dur, Flags: tc.flags}
		var p Parser
		e, err := p.Parse(record(h, nil))
		if err != nil {
			t.Fatal(err)
		}
		if e.Duration != tc.want {
			t.Errorf("duration %d flags %#x: got %v, want %v", tc.dur, tc.flags, e.Duration, tc.want)
		}
	}
}
