package probe

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// memRing is a ring buffer in ordinary memory, written the way the kernel
// writes its own: 8-byte headers, records padded to 8 bytes, the data area
// seen twice in a row (here by writing every byte to both copies).
type memRing struct {
	size       uint64
	data       []byte
	cons, prod uint64
}

func newMemRing(size int) *memRing {
	return &memRing{size: uint64(size), data: make([]byte, 2*size)}
}

func (m *memRing) walk() *ringWalk {
	return newRingWalk(m.data, int(m.size), &m.cons, &m.prod)
}

// put writes b at position pos, in both copies.
func (m *memRing) put(pos uint64, b []byte) {
	for i, c := range b {
		j := (pos + uint64(i)) & (m.size - 1)
		m.data[j] = c
		m.data[j+m.size] = c
	}
}

func (m *memRing) header(pos uint64, v uint32) {
	m.put(pos, binary.LittleEndian.AppendUint32(nil, v))
}

// reserve takes room for a record of n bytes as the kernel does: refused
// when the consumer position says the ring has no room for it. The
// record is busy until committed.
func (m *memRing) reserve(n int) (uint64, bool) {
	total := (ringHeaderSize + uint64(n) + 7) &^ 7
	pos := m.prod
	if pos+total-atomic.LoadUint64(&m.cons) > m.size {
		return 0, false
	}
	m.header(pos, ringBusyBit|uint32(n))
	atomic.StoreUint64(&m.prod, pos+total)
	return pos, true
}

// commit fills the record reserved at pos and clears its busy bit, or
// marks it discarded.
func (m *memRing) commit(pos uint64, rec []byte, discard bool) {
	m.put(pos+ringHeaderSize, rec)
	h := uint32(len(rec))
	if discard {
		h |= ringDiscardBit
	}
	m.header(pos, h)
}

// testRecord is the i-th record of a property run: its number, then bytes
// derived from it, up to n bytes.
func testRecord(i, n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(i*7 + j)
	}
	if n >= 8 {
		binary.LittleEndian.PutUint64(b, uint64(i))
	}
	return b
}

// A producer and a consumer take random turns on small rings: every
// committed record comes out once, in order, intact, wrapped or not;
// discarded ones never; a busy record holds back everything after it;
// and the consumer position the producer sees is never behind the reader
// by more than publishEvery and a record.
func TestRingWalkProperty(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, seed*31+7))
		size := 64 << rng.IntN(6) // 64 B to 2 KiB
		m := newMemRing(size)
		w := m.walk()
		maxRec := size/2 - ringHeaderSize
		var want [][]byte // committed, not yet read
		var busy []uint64 // reserved, not committed, with their record
		var busyRec [][]byte
		var busyDiscard []bool
		seq, read := 0, 0
		for step := 0; step < 3000; step++ {
			switch op := rng.IntN(10); {
			case op < 4: // reserve, maybe commit at once
				rec := testRecord(seq, rng.IntN(maxRec+1))
				pos, ok := m.reserve(len(rec))
				if !ok {
					continue
				}
				seq++
				busy = append(busy, pos)
				busyRec = append(busyRec, rec)
				busyDiscard = append(busyDiscard, rng.IntN(5) == 0)
				if rng.IntN(3) != 0 {
					continue
				}
				fallthrough
			case op < 6: // commit the oldest reservation
				if len(busy) == 0 {
					continue
				}
				m.commit(busy[0], busyRec[0], busyDiscard[0])
				if !busyDiscard[0] {
					want = append(want, busyRec[0])
				}
				busy, busyRec, busyDiscard = busy[1:], busyRec[1:], busyDiscard[1:]
			default: // read a few records
				for range rng.IntN(4) + 1 {
					rec, st, err := w.next()
					if err != nil {
						t.Fatalf("seed %d step %d: %v", seed, step, err)
					}
					if lag := w.pos - atomic.LoadUint64(&m.cons); lag > w.every+uint64(size)/2+ringHeaderSize {
						t.Fatalf("seed %d: the consumer position lags %d bytes behind the reader", seed, lag)
					}
					switch st {
					case ringRecord:
						if len(want) == 0 {
							t.Fatalf("seed %d step %d: record %x read, none committed", seed, step, rec)
						}
						if !bytes.Equal(rec, want[0]) {
							t.Fatalf("seed %d step %d: record %d reads %x, want %x", seed, step, read, rec, want[0])
						}
						want = want[1:]
						read++
						continue
					case ringBusy:
						if len(busy) == 0 || w.pos != busy[0] {
							t.Fatalf("seed %d step %d: busy at %d, the oldest reservation is %v", seed, step, w.pos, busy)
						}
					case ringEnd:
						w.reload()
					}
					break
				}
			}
		}
		// Commit what is left and read to the end.
		for i := range busy {
			m.commit(busy[i], busyRec[i], busyDiscard[i])
			if !busyDiscard[i] {
				want = append(want, busyRec[i])
			}
		}
		for w.reload() {
			for {
				rec, st, err := w.next()
				if err != nil || st == ringBusy {
					t.Fatalf("seed %d: at the end: %v, status %d", seed, err, st)
				}
				if st == ringEnd {
					break
				}
				if len(want) == 0 || !bytes.Equal(rec, want[0]) {
					t.Fatalf("seed %d: at the end, record %x read", seed, rec)
				}
				want = want[1:]
				read++
			}
		}
		if len(want) != 0 {
			t.Fatalf("seed %d: %d committed records never read", seed, len(want))
		}
		if m.cons != m.prod {
			t.Fatalf("seed %d: consumer position %d, producer %d after reading all", seed, m.cons, m.prod)
		}
		if m.prod < 4*m.size && seq > 100 {
			t.Logf("seed %d: the ring wrapped only %d times", seed, m.prod/m.size)
		}
	}
}

// A long run of discarded records still moves the consumer position along
// every publishEvery bytes, so the producer sees the room they freed.
func TestRingWalkPublishesWithinLongBatch(t *testing.T) {
	m := newMemRing(4096)
	w := m.walk()
	for i := 0; ; i++ {
		pos, ok := m.reserve(56)
		if !ok {
			break
		}
		m.commit(pos, testRecord(i, 56), true)
	}
	if !w.reload() {
		t.Fatal("nothing to read")
	}
	if _, st, err := w.next(); st != ringEnd || err != nil {
		t.Fatalf("next over discarded records = %d, %v; want the end", st, err)
	}
	if lag := w.pos - m.cons; lag > w.every {
		t.Errorf("consumer position %d bytes behind after a batch of discards, want at most %d", lag, w.every)
	}
}

// FuzzRingWalk reads rings of arbitrary bytes: it must never panic or read
// outside the ring, and must report what it cannot walk as an error.
func FuzzRingWalk(f *testing.F) {
	const size = 256
	valid := newMemRing(size)
	for i, n := range []int{0, 5, 100, 13, 60} {
		pos, _ := valid.reserve(n)
		valid.commit(pos, testRecord(i, n), i == 3)
	}
	valid.cons = valid.prod - 96 // a wrapped record
	f.Add(valid.data[:size], uint64(0), uint16(valid.prod))
	f.Add(valid.data[:size], valid.prod-200, uint16(200))
	busy := newMemRing(size)
	busy.reserve(30)
	f.Add(busy.data[:size], uint64(0), uint16(busy.prod))
	corrupt := newMemRing(size)
	corrupt.header(0, 1000)
	f.Add(corrupt.data[:size], uint64(0), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, cons uint64, length uint16) {
		m := newMemRing(size)
		m.put(0, data[:min(len(data), size)])
		// The kernel keeps positions 8-aligned; anything else is up to
		// the fuzzer.
		m.cons = cons &^ 7
		m.prod = m.cons + uint64(length)&^7
		w := m.walk()
		got := uint64(0)
		for w.reload() {
			rec, st, err := w.next()
			if err != nil || st == ringBusy {
				return
			}
			if st == ringRecord {
				got += uint64(len(rec))
				if len(rec) > size {
					t.Fatalf("a record of %d bytes from a ring of %d", len(rec), size)
				}
			}
		}
		if got > uint64(length) {
			t.Fatalf("%d record bytes from %d written", got, length)
		}
		if m.cons != w.pos {
			t.Fatalf("consumer position %d not stored (walked to %d)", m.cons, w.pos)
		}
	})
}

// skipDiscarded passes the discarded records that wait, stops at the
// first committed or busy one, and gives the room it passed back.
func TestRingWalkSkipDiscarded(t *testing.T) {
	m := newMemRing(4096)
	for range 5 {
		pos, _ := m.reserve(100)
		m.commit(pos, testRecord(0, 100), true)
	}
	kept, _ := m.reserve(40)
	m.commit(kept, testRecord(1, 40), false)
	w := m.walk()
	w.skipDiscarded()
	if m.cons != kept {
		t.Fatalf("consumer position %d after the skip, want %d (the first kept record)", m.cons, kept)
	}
	rec, st, err := w.next()
	if err != nil || st != ringRecord || !bytes.Equal(rec, testRecord(1, 40)) {
		t.Fatalf("after the skip: %v %v %x, want the kept record", st, err, rec)
	}

	// A busy record holds the skip back; once discarded, it is passed.
	m = newMemRing(4096)
	pos, _ := m.reserve(100)
	m.commit(pos, testRecord(0, 100), true)
	busy, _ := m.reserve(100)
	w = m.walk()
	w.skipDiscarded()
	if m.cons != busy {
		t.Fatalf("consumer position %d with a busy record, want %d", m.cons, busy)
	}
	m.commit(busy, testRecord(0, 100), true)
	w.skipDiscarded()
	if m.cons != m.prod {
		t.Fatalf("consumer position %d once all are discarded, want %d", m.cons, m.prod)
	}

	// A discarded record that runs past the producer position is not
	// passed: next reports the corrupt ring.
	m = newMemRing(4096)
	bad, _ := m.reserve(100)
	m.header(bad, ringDiscardBit|2000)
	w = m.walk()
	w.skipDiscarded()
	if m.cons != bad {
		t.Fatalf("consumer position %d with a corrupt record, want %d", m.cons, bad)
	}
	if _, _, err := w.next(); err == nil {
		t.Fatal("next after the skip: no error for a record past the producer position")
	}
}
