package probe

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"testing"
)

// rec makes the i-th test record: its number, then filler of a size that
// varies, one of them larger than a chunk.
func rec(i int) []byte {
	n := 8 + (i*37)%300
	if i == 777 {
		n = 3 * chunkSize
	}
	b := make([]byte, n)
	binary.LittleEndian.PutUint64(b, uint64(i))
	for j := 8; j < n; j++ {
		b[j] = byte(i + j)
	}
	return b
}

// Records come out in order and intact, whether they waited in memory or
// in the file, and memory stays within the limit while the reader lags.
func TestBacklogSpillsInOrder(t *testing.T) {
	dir := t.TempDir()
	b := NewBacklog(4*chunkSize, dir)
	defer b.Release()
	const n = 60000
	done := make(chan error, 1)
	start := make(chan struct{})
	go func() {
		<-start // the reader lags: everything is pushed first
		for i := 0; ; i++ {
			r, ok := b.Next()
			if !ok {
				if i != n {
					done <- fmt.Errorf("got %d records, want %d", i, n)
					return
				}
				done <- nil
				return
			}
			if !bytes.Equal(r, rec(i)) {
				got := -1
				if len(r) >= 8 {
					got = int(binary.LittleEndian.Uint64(r))
				}
				done <- fmt.Errorf("record %d differs: got record %d (%d bytes, want %d)", i, got, len(r), len(rec(i)))
				return
			}
		}
	}()
	peak := 0
	for i := range n {
		b.Push(rec(i))
		if i%1000 == 0 {
			b.Flush()
			peak = max(peak, b.Stats().InMemory)
		}
	}
	st := b.Stats()
	if st.Spilled == 0 || st.InFile == 0 {
		t.Fatalf("nothing spilled: %+v", st)
	}
	if peak > 2*4*chunkSize {
		t.Errorf("memory held %d bytes, limit %d", peak, 4*chunkSize)
	}
	// The file has no name: nothing appears in its directory.
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the spill file is visible: %v", ents)
	}
	close(start)
	b.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d, err := b.Dropped(); d != 0 || err != nil {
		t.Errorf("dropped %d (%v)", d, err)
	}
	if st := b.Stats(); st.Records != 0 || st.InFile != 0 {
		t.Errorf("after draining: %+v", st)
	}
	// The chunks fit in the backlog's own memory, and all came back.
	if b.pool.heap != 0 {
		t.Errorf("%d chunks came from the Go heap; the pool holds %d", b.pool.heap, b.pool.chunks)
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	if b.pool.mem != nil {
		t.Errorf("the chunks' memory is still mapped after Release, %d chunks out", b.pool.out)
	}
}

// When the file cannot be written, records are kept in memory up to twice
// the limit, then dropped and counted: taken + dropped is what was pushed.
func TestBacklogCountsWhatItCannotKeep(t *testing.T) {
	b := NewBacklog(2*chunkSize, "/nonexistent/netexplore")
	const n = 40000
	for i := range n {
		b.Push(rec(i%700 + 1))
	}
	b.Close()
	got := 0
	for {
		if _, ok := b.Next(); !ok {
			break
		}
		got++
	}
	dropped, err := b.Dropped()
	if dropped == 0 || err == nil {
		t.Fatalf("dropped %d (%v), want drops with a reason", dropped, err)
	}
	if uint64(got)+dropped != n {
		t.Fatalf("taken %d + dropped %d != pushed %d", got, dropped, n)
	}
}

// After Abandon, Next ends and pushes are only counted: nothing blocks,
// and pushed minus taken is what was not decoded.
func TestBacklogAbandon(t *testing.T) {
	b := NewBacklog(2*chunkSize, t.TempDir())
	defer b.Release()
	for i := range 5000 {
		b.Push(rec(i%700 + 1))
	}
	b.Flush()
	taken := 0
	for range 10 {
		if _, ok := b.Next(); ok {
			taken++
		}
	}
	b.Abandon()
	if _, ok := b.Next(); ok {
		t.Error("a record after Abandon")
	}
	for i := range 50000 { // far beyond the limit: must not block
		b.Push(rec(i%700 + 1))
	}
	b.Close()
	if b.Pushed() != 55000 || taken != 10 {
		t.Fatalf("pushed %d, taken %d", b.Pushed(), taken)
	}
}
