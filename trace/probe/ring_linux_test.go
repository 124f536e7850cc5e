package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/trace/event"
)

// ringProducer drives the reader with the kernel's own ring buffer code:
// a ring buffer map and small programs, run one at a time through
// BPF_PROG_TEST_RUN, each of which reserves a record of one size, stamps
// it at both ends with the next number of a counter, and submits or
// discards it.
type ringProducer struct {
	ring, counter *ebpf.Map
	progs         map[ringProg]*ebpf.Program
	seq           uint64 // the number the next record gets
}

type ringProg struct {
	size    int
	discard bool
}

// ringTestSizes are the record sizes the programs make: padded and not,
// up to a quarter of the smallest ring.
var ringTestSizes = []int{16, 44, 200, 1000}

func newRingProducer(t *testing.T, size int) *ringProducer {
	t.Helper()
	testutil.RequirePrivileged(t)
	ring, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: uint32(size)})
	if err != nil {
		t.Fatalf("creating a ring buffer: %v", err)
	}
	t.Cleanup(func() { ring.Close() })
	counter, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		t.Fatalf("creating a counter: %v", err)
	}
	t.Cleanup(func() { counter.Close() })
	p := &ringProducer{ring: ring, counter: counter, progs: map[ringProg]*ebpf.Program{}}
	for _, n := range ringTestSizes {
		for _, discard := range []bool{false, true} {
			prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
				Type:         ebpf.SocketFilter,
				License:      "GPL",
				Instructions: producerProgram(ring, counter, n, discard),
			})
			if err != nil {
				t.Fatalf("loading a producer of %d-byte records: %v", n, err)
			}
			t.Cleanup(func() { prog.Close() })
			p.progs[ringProg{n, discard}] = prog
		}
	}
	return p
}

// producerProgram reserves a record of size bytes, writes the counter's
// value at its start and end, increments the counter and submits (or
// discards) the record without waking the reader, as the probe does.
func producerProgram(ring, counter *ebpf.Map, size int, discard bool) asm.Instructions {
	release := asm.FnRingbufSubmit
	if discard {
		release = asm.FnRingbufDiscard
	}
	return asm.Instructions{
		asm.StoreImm(asm.RFP, -4, 0, asm.Word),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadMapPtr(asm.R1, counter.FD()),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Reg(asm.R6, asm.R0),
		asm.LoadMapPtr(asm.R1, ring.FD()),
		asm.Mov.Imm(asm.R2, int32(size)),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnRingbufReserve.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.LoadMem(asm.R7, asm.R6, 0, asm.DWord),
		asm.StoreMem(asm.R0, 0, asm.R7, asm.DWord),
		asm.StoreMem(asm.R0, int16(size-8), asm.R7, asm.DWord),
		asm.Add.Imm(asm.R7, 1),
		asm.StoreMem(asm.R6, 0, asm.R7, asm.DWord),
		asm.Mov.Reg(asm.R1, asm.R0),
		asm.Mov.Imm(asm.R2, 1), // BPF_RB_NO_WAKEUP
		release.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	}
}

// produce makes one record and returns its number.
func (p *ringProducer) produce(t *testing.T, size int, discard bool) uint64 {
	t.Helper()
	if _, err := p.progs[ringProg{size, discard}].Run(&ebpf.RunOptions{Data: make([]byte, 14)}); err != nil {
		t.Fatalf("running the producer: %v", err)
	}
	var next uint64
	if err := p.counter.Lookup(uint32(0), &next); err != nil {
		t.Fatal(err)
	}
	if next != p.seq+1 {
		t.Fatalf("the counter is at %d after record %d: the ring refused it", next, p.seq)
	}
	p.seq++
	return next - 1
}

// checkRecord says what is wrong with a record read, if anything.
func checkRecord(rec []byte, seq uint64, size int) error {
	if len(rec) != size {
		return fmt.Errorf("record %d: %d bytes, want %d", seq, len(rec), size)
	}
	if a, b := binary.LittleEndian.Uint64(rec), binary.LittleEndian.Uint64(rec[size-8:]); a != seq || b != seq {
		return fmt.Errorf("record %d: stamped %d at its start and %d at its end", seq, a, b)
	}
	return nil
}

// readDrained reads until ErrDrained and returns the records' copies.
func readDrained(t *testing.T, r *ringReader) [][]byte {
	t.Helper()
	var got [][]byte
	for {
		err := r.readAll(func(rec []byte) { got = append(got, append([]byte(nil), rec...)) }, nil)
		if errors.Is(err, ErrDrained) {
			return got
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
	}
}

func newTestRingReader(t *testing.T, p *ringProducer, size int) *ringReader {
	t.Helper()
	r, err := newRingReader(p.ring.FD(), size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.close() })
	return r
}

// A one-page ring wraps around a hundred times: every submitted record
// comes out once, in order, whole (records that straddle the end
// included), and no discarded one does.
func TestRingReaderWrapsAround(t *testing.T) {
	size := os.Getpagesize()
	p := newRingProducer(t, size)
	r := newTestRingReader(t, p, size)
	rng := rand.New(rand.NewPCG(1, 2))
	type want struct {
		seq  uint64
		size int
	}
	var written, discarded int
	for round := 0; written < 100*size; round++ {
		var wants []want
		// Fill the ring to about three quarters, then read it all.
		for burst := 0; burst < size*3/4-1008; {
			n := ringTestSizes[rng.IntN(len(ringTestSizes))]
			discard := rng.IntN(4) == 0
			seq := p.produce(t, n, discard)
			if discard {
				discarded++
			} else {
				wants = append(wants, want{seq, n})
			}
			total := (ringHeaderSize + n + 7) &^ 7
			burst += total
			written += total
		}
		if err := r.drain(); err != nil {
			t.Fatal(err)
		}
		got := readDrained(t, r)
		if len(got) != len(wants) {
			t.Fatalf("round %d: read %d records, want %d", round, len(got), len(wants))
		}
		for i, w := range wants {
			if err := checkRecord(got[i], w.seq, w.size); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if n := r.available(); n != 0 {
			t.Fatalf("round %d: %d bytes left unread", round, n)
		}
	}
	if discarded == 0 {
		t.Fatal("no record was discarded")
	}
}

// inBothWaits runs test with a reader that waits the scheduler's way and
// with one that keeps its P while it waits (Fill's, see epollWaitRaw).
func inBothWaits(t *testing.T, test func(t *testing.T, ownP bool)) {
	for _, ownP := range []bool{false, true} {
		t.Run(fmt.Sprintf("ownP=%v", ownP), func(t *testing.T) { test(t, ownP) })
	}
}

// Drain with records waiting: read returns them all, then ErrDrained
// once, then waits again (and finds a record that comes later).
func TestRingReaderDrainPending(t *testing.T) { inBothWaits(t, testRingReaderDrainPending) }

func testRingReaderDrainPending(t *testing.T, ownP bool) {
	size := 64 << 10
	p := newRingProducer(t, size)
	r := newTestRingReader(t, p, size)
	r.ownP = ownP
	for range 50 {
		p.produce(t, 200, false)
	}
	if err := r.drain(); err != nil {
		t.Fatal(err)
	}
	got := readDrained(t, r)
	if len(got) != 50 {
		t.Fatalf("read %d records before ErrDrained, want 50", len(got))
	}
	for i, rec := range got {
		if err := checkRecord(rec, uint64(i), 200); err != nil {
			t.Fatal(err)
		}
	}
	later := make(chan error, 1)
	go func() {
		later <- r.read(1, func(rec []byte) {
			if err := checkRecord(rec, 50, 44); err != nil {
				later <- err
			}
		}, nil)
	}()
	select {
	case err := <-later:
		t.Fatalf("read returned %v on an empty ring after ErrDrained, want it to wait", err)
	case <-time.After(100 * time.Millisecond):
	}
	p.produce(t, 44, false)
	select {
	case err := <-later:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a record written while read waited was not read")
	}
}

// Close interrupts a read that waits on an empty ring; every later call
// says the probe is closed.
func TestRingReaderCloseWhileBlocked(t *testing.T) { inBothWaits(t, testRingReaderCloseWhileBlocked) }

func testRingReaderCloseWhileBlocked(t *testing.T, ownP bool) {
	p := newRingProducer(t, 64<<10)
	r := newTestRingReader(t, p, 64<<10)
	r.ownP = ownP
	done := make(chan error, 1)
	go func() { done <- r.readAll(func([]byte) {}, nil) }()
	time.Sleep(50 * time.Millisecond)
	if err := r.close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrProbeClosed) {
			t.Fatalf("the blocked read returned %v, want ErrProbeClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("close did not interrupt the blocked read")
	}
	if err := r.readAll(func([]byte) {}, nil); !errors.Is(err, ErrProbeClosed) {
		t.Errorf("read after close: %v, want ErrProbeClosed", err)
	}
	if err := r.drain(); !errors.Is(err, ErrProbeClosed) {
		t.Errorf("drain after close: %v, want ErrProbeClosed", err)
	}
	if !r.isFreed() {
		t.Error("the ring is still mapped after close")
	}
}

// Close during a visit returns at once and leaves the ring mapped until
// the visit ends: the record the visit holds stays readable.
func TestRingReaderCloseDuringVisit(t *testing.T) {
	p := newRingProducer(t, 64<<10)
	r := newTestRingReader(t, p, 64<<10)
	p.produce(t, 1000, false)
	inVisit, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- r.readAll(func(rec []byte) {
			close(inVisit)
			<-release
			if err := checkRecord(rec, 0, 1000); err != nil {
				done <- err
			}
		}, nil)
	}()
	<-inVisit
	closed := make(chan error, 1)
	go func() { closed <- r.close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("close waited for the visit")
	}
	if r.isFreed() {
		t.Fatal("close unmapped the ring under a visit")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !r.isFreed() {
		t.Error("the ring is still mapped after the read that outlived close")
	}
	if err := r.readAll(func([]byte) {}, nil); !errors.Is(err, ErrProbeClosed) {
		t.Errorf("read after close: %v, want ErrProbeClosed", err)
	}
}

// isFreed reports whether the ring was unmapped.
func (r *ringReader) isFreed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.freed
}

// numberedIoctls makes n SIOCGIFFLAGS ioctls on lo, each numbered in the
// part of the ifreq the kernel leaves alone (bytes 24 to 32), which the
// probe copies with the rest at exit.
func numberedIoctls(n int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	var ifr [40]byte
	copy(ifr[:], "lo")
	for i := range n {
		binary.LittleEndian.PutUint64(ifr[24:], uint64(i))
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
			return i, fmt.Errorf("SIOCGIFFLAGS: %w", errno)
		}
	}
	return n, nil
}

// A probe with a ring of two pages, read through Fill, while the command
// writes hundreds of times as much: every record that arrives is whole
// and in order, and every one that did not is counted as lost.
func TestProbeSmallRing(t *testing.T) {
	testutil.RequirePrivileged(t)
	const n = 20000
	ring := 2 * os.Getpagesize()
	t.Setenv(helperEnv, "ioctls "+strconv.Itoa(n))
	p, err := Open(Options{RingSize: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var stdout bytes.Buffer
	cmd, err := StartTraced([]string{os.Args[0]}, nil, &stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Follow(cmd.PID()); err != nil {
		cmd.Abort()
		t.Fatal(err)
	}
	b := NewBacklog(0, t.TempDir())
	defer b.Release()
	filled := make(chan error, 1)
	go func() { filled <- Fill(p, b) }()
	type result struct {
		seqs  []uint64
		bytes int
		err   error
	}
	decoded := make(chan result, 1)
	go func() {
		var r result
		var parser Parser
		for {
			rec, ok := b.Next()
			if !ok {
				break
			}
			r.bytes += len(rec)
			e, err := parser.Parse(rec)
			if err != nil {
				r.err = err
				break
			}
			if e.Kind == event.KindIoctl && e.Args[0] == unix.SIOCGIFFLAGS && len(e.Data) >= 32 {
				r.seqs = append(r.seqs, binary.LittleEndian.Uint64(e.Data[24:]))
			}
		}
		decoded <- r
	}()
	if err := cmd.Release(); err != nil {
		t.Fatal(err)
	}
	if status, err := cmd.Wait(); err != nil || status != 0 {
		t.Fatalf("helper: status %d, %v", status, err)
	}
	if m := made(t, stdout.String()); m != n {
		t.Fatalf("the helper made %d ioctls, want %d", m, n)
	}
	if err := p.Detach(); err != nil {
		t.Fatal(err)
	}
	if err := p.Drain(); err != nil {
		t.Fatal(err)
	}
	if err := <-filled; err != nil {
		t.Fatal(err)
	}
	r := <-decoded
	if r.err != nil {
		t.Fatal(r.err)
	}
	l, err := p.Losses()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d ioctls captured, %d bytes read through a ring of %d, %d lost to a full ring", len(r.seqs), n, r.bytes, ring, l.RingFull)
	for i, seq := range r.seqs {
		if seq >= n || i > 0 && seq <= r.seqs[i-1] {
			t.Fatalf("ioctl %d of those captured is numbered %d, after %d", i, seq, r.seqs[max(i-1, 0)])
		}
	}
	if missing := uint64(n - len(r.seqs)); missing > l.RingFull {
		t.Errorf("%d ioctls missing, only %d events counted lost", missing, l.RingFull)
	}
	if r.bytes < 16*ring {
		t.Errorf("only %d bytes read: the ring of %d did not wrap around often", r.bytes, ring)
	}
}

// BenchmarkRingProducer measures what the reader costs the probe: the
// kernel's time per record for a program that works about a microsecond,
// as the probe does, then sends a 168-byte record as the probe did (a look
// at the fill, then bpf_ringbuf_output, waking the reader past 256 KiB),
// while a reader on another thread empties the ring: this package's, or
// cilium/ebpf's for comparison. Each touch of a position the program also
// touches moves a cache line between the two CPUs. The two readers take
// turns, b.N records each, so a machine's changing load weighs on both;
// the medians of the turns are reported.
func BenchmarkRingProducer(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	ring, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer ring.Close()
	look, err := ringBenchProgram(ring, true)
	if err != nil {
		b.Fatal(err)
	}
	defer look.Close()
	noLook, err := ringBenchProgram(ring, false)
	if err != nil {
		b.Fatal(err)
	}
	defer noLook.Close()

	variants := []struct {
		name, reader string
		prog         *ebpf.Program
	}{
		{"netexplore", "netexplore", look},
		{"cilium", "cilium", look},
		{"netexplore-nolook", "netexplore", noLook},
	}
	turns := map[string][]float64{}
	lost := map[string]int64{}
	b.ResetTimer()
	for range 5 {
		for _, v := range variants {
			per, n := ringProducerTurn(b, ring, v.prog, v.reader, b.N)
			turns[v.name] = append(turns[v.name], float64(per.Nanoseconds()))
			lost[v.name] += n
		}
	}
	// A record the ring had no room for costs less than one sent: a
	// turn with losses (a reader that did not run) says little.
	for _, v := range variants {
		sort.Float64s(turns[v.name])
		b.ReportMetric(turns[v.name][len(turns[v.name])/2], v.name+"-ns/record")
		b.ReportMetric(float64(lost[v.name]), v.name+"-lost")
	}
}

// ringBenchProgram builds the benchmark's producer; without look it
// never queries the ring and never wakes the reader, which then finds
// the records by polling.
func ringBenchProgram(ring *ebpf.Map, look bool) (*ebpf.Program, error) {
	const wake, recSize = 256 << 10, 160
	insns := asm.Instructions{
		asm.Mov.Imm(asm.R8, 1500),
		asm.Sub.Imm(asm.R8, 1).WithSymbol("spin"),
		asm.JNE.Imm(asm.R8, 0, "spin"),
		asm.Mov.Imm(asm.R1, 7),
	}
	for off := -recSize; off < 0; off += 8 {
		insns = append(insns, asm.StoreMem(asm.RFP, int16(off), asm.R1, asm.DWord))
	}
	insns = append(insns, asm.Mov.Imm(asm.R9, 1)) // BPF_RB_NO_WAKEUP
	if look {
		insns = append(insns,
			asm.LoadMapPtr(asm.R1, ring.FD()),
			asm.Mov.Imm(asm.R2, 0), // BPF_RB_AVAIL_DATA
			asm.FnRingbufQuery.Call(),
			asm.JGE.Imm(asm.R0, wake, "send"),
			asm.Add.Imm(asm.R0, recSize+ringHeaderSize),
			asm.JLT.Imm(asm.R0, wake, "send"),
			asm.Mov.Imm(asm.R9, 2), // BPF_RB_FORCE_WAKEUP
		)
	}
	insns = append(insns,
		asm.LoadMapPtr(asm.R1, ring.FD()).WithSymbol("send"),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -recSize),
		asm.Mov.Imm(asm.R3, recSize),
		asm.Mov.Reg(asm.R4, asm.R9),
		asm.FnRingbufOutput.Call(),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
	)
	return ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, License: "GPL", Instructions: insns})
}

// ringProducerTurn runs prog n times while the named reader empties the
// ring, and returns the kernel's time per run and the records not read.
func ringProducerTurn(b *testing.B, ring *ebpf.Map, prog *ebpf.Program, reader string, n int) (time.Duration, int64) {
	var read atomic.Int64
	sink := make([]byte, 256<<10)
	keep := func(rec []byte) {
		off := int(read.Add(1)) * 256 % (len(sink) - len(rec))
		copy(sink[off:], rec)
	}
	done := make(chan error, 1)
	var stop func() error
	switch reader {
	case "netexplore":
		r, err := newRingReader(ring.FD(), int(ring.MaxEntries()))
		if err != nil {
			b.Fatal(err)
		}
		stop = r.close
		go func() {
			runtime.LockOSThread()
			for {
				if err := r.readAll(keep, nil); err != nil {
					done <- err
					return
				}
			}
		}()
	case "cilium":
		r, err := ringbuf.NewReader(ring)
		if err != nil {
			b.Fatal(err)
		}
		// Its AvailableBytes reads unmapped memory after Close: the
		// reader stops first, within a poll.
		var quit atomic.Bool
		stop = func() error {
			quit.Store(true)
			done <- <-done
			return r.Close()
		}
		r.SetDeadline(time.Now()) // look at once, as the probe did
		go func() {
			runtime.LockOSThread()
			var rec ringbuf.Record
			for !quit.Load() {
				if r.AvailableBytes() == 0 {
					r.SetDeadline(time.Now().Add(pollInterval))
				}
				err := r.ReadInto(&rec)
				if errors.Is(err, os.ErrDeadlineExceeded) {
					continue
				}
				if err != nil {
					done <- err
					return
				}
				keep(rec.RawSample)
			}
			done <- nil
		}()
	}
	_, per, err := prog.Benchmark(make([]byte, 14), n, nil)
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); read.Load() < int64(n) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	stop()
	<-done
	return per, int64(n) - read.Load()
}

// BenchmarkRingReader measures the reader's own time per record: a ring
// filled with 168-byte records, emptied into a backlog by this package's
// reader, or by cilium/ebpf's (which copies each record once more) for
// comparison.
func BenchmarkRingReader(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	const size, records = 16 << 20, 80000
	ring, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.RingBuf, MaxEntries: size})
	if err != nil {
		b.Fatal(err)
	}
	defer ring.Close()
	prog, err := ringBenchProgram(ring, false)
	if err != nil {
		b.Fatal(err)
	}
	defer prog.Close()
	fill := func() {
		if _, err := prog.Run(&ebpf.RunOptions{Data: make([]byte, 14), Repeat: records}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("netexplore", func(b *testing.B) {
		r, err := newRingReader(ring.FD(), size)
		if err != nil {
			b.Fatal(err)
		}
		defer r.close()
		benchmarkEmptying(b, fill, records, func(push func([]byte)) {
			for r.available() > 0 {
				if err := r.readAll(push, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("cilium", func(b *testing.B) {
		r, err := ringbuf.NewReader(ring)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		var rec ringbuf.Record
		benchmarkEmptying(b, fill, records, func(push func([]byte)) {
			for r.AvailableBytes() > 0 {
				r.SetDeadline(time.Now())
				if err := r.ReadInto(&rec); err != nil {
					b.Fatal(err)
				}
				push(rec.RawSample)
			}
		})
	})
}

// benchmarkEmptying times empty, which moves the records fill wrote into
// a backlog (a decoder takes them out meanwhile), and reports it per
// record.
func benchmarkEmptying(b *testing.B, fill func(), records int, empty func(push func([]byte))) {
	bl := NewBacklog(0, b.TempDir())
	defer bl.Release()
	go func() {
		for _, ok := bl.Next(); ok; _, ok = bl.Next() {
		}
	}()
	defer bl.Close()
	for b.Loop() {
		b.StopTimer()
		fill()
		b.StartTimer()
		empty(bl.Push)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*records), "ns/record")
}

// Open writes every page of the ring buffer once before anything is
// traced (warmRing), then reads past what that left: the consumer
// position has reached the ring's last page and nothing waits.
func TestProbeWarmsRing(t *testing.T) {
	testutil.RequirePrivileged(t)
	const size = 256 << 10
	p, err := Open(Options{RingSize: size})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	page := uint64(os.Getpagesize())
	cons := atomic.LoadUint64(p.ring.walk.cons)
	if cons <= size-page || cons > size {
		t.Fatalf("consumer position %d after Open, want it in the last page of the %d-byte ring", cons, size)
	}
	if n := p.ring.available(); n != 0 {
		t.Fatalf("%d bytes wait after Open, want none", n)
	}
}

// The reader is woken with at least three quarters of the ring free, and
// with 12 MiB free in the rings a trace uses by default.
func TestWakeupLeavesRoom(t *testing.T) {
	for size := 4096; size <= 64<<20; size *= 2 {
		mark := wakeupBytes(size)
		if mark <= 0 || mark > size/4 {
			t.Errorf("ring of %d bytes: wake-up at %d, want 1 to %d", size, mark, size/4)
		}
		if size >= DefaultRingSize && size-mark < 12<<20 {
			t.Errorf("ring of %d bytes: %d free at the wake-up, want 12 MiB", size, size-mark)
		}
	}
}
