package probe

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

// The kernel's BPF ring buffer lays each record out as an 8-byte header,
// its length with two flag bits and the record's page offset (of no use to
// a reader), then the record padded to 8 bytes (kernel/bpf/ringbuf.c).
const (
	ringHeaderSize = 8
	ringBusyBit    = 1 << 31 // reserved, not yet committed
	ringDiscardBit = 1 << 30 // committed as discarded: skip it
)

// ringWalk walks the records of a BPF ring buffer's data area. It loads
// the producer position once per batch, not once per record, and stores
// the consumer position once per batch (and every publishEvery bytes
// within a long one), because each load or store of a position the probe
// also touches moves a cache line between the reader's CPU and the probe's.
//
// It knows nothing of where the memory comes from: the Linux reader maps
// the kernel's pages, the tests build rings in ordinary memory.
type ringWalk struct {
	// data is the data area mapped twice in a row, as the kernel maps it,
	// so a record that wraps around the end is contiguous.
	data []byte
	mask uint64 // data area size - 1
	// cons and prod point to the positions the kernel shares: the
	// consumer position is the reader's to store, the producer position
	// the kernel's.
	cons, prod *uint64

	pos       uint64 // the next record's position
	end       uint64 // the producer position loaded for this batch
	published uint64 // the consumer position last stored
	every     uint64 // publish at least every this many bytes
}

// ringStatus says what [ringWalk.next] found.
type ringStatus int

const (
	ringRecord ringStatus = iota // a record
	ringEnd                      // the end of the batch
	ringBusy                     // a record the probe has not committed yet
)

// publishEvery is the most the reader consumes before it tells the kernel:
// small against the ring, so the probe never sees it fuller than it is by
// much, large against a record, so the store is rare.
const publishEvery = 256 << 10

// newRingWalk walks a data area of size bytes (data holds it twice) whose
// positions are at cons and prod, from the consumer position on.
func newRingWalk(data []byte, size int, cons, prod *uint64) *ringWalk {
	pos := atomic.LoadUint64(cons)
	return &ringWalk{
		data: data, mask: uint64(size) - 1, cons: cons, prod: prod,
		pos: pos, end: pos, published: pos,
		every: min(publishEvery, uint64(size)/8),
	}
}

// next returns the next record of the batch, straight from the ring's
// memory. The record stays valid until the next call of next or reload:
// only then may the kernel reuse its place.
func (w *ringWalk) next() ([]byte, ringStatus, error) {
	for w.pos != w.end {
		if w.pos-w.published >= w.every {
			w.publish()
		}
		hdr, n, size := w.header()
		if hdr&ringBusyBit != 0 {
			return nil, ringBusy, nil
		}
		if size > w.end-w.pos {
			return nil, ringEnd, fmt.Errorf("corrupt ring buffer: a record of %d bytes at position %d runs past the producer position %d", n, w.pos, w.end)
		}
		start := w.pos&w.mask + ringHeaderSize
		w.pos += size
		if hdr&ringDiscardBit != 0 {
			continue
		}
		return w.data[start : start+n : start+n], ringRecord, nil
	}
	return nil, ringEnd, nil
}

// skipDiscarded moves past the discarded records that wait, up to the
// first record that is not one, and gives their room back to the kernel.
func (w *ringWalk) skipDiscarded() {
	w.reload()
	for w.pos != w.end {
		hdr, _, size := w.header()
		if hdr&ringBusyBit != 0 || hdr&ringDiscardBit == 0 || size > w.end-w.pos {
			break // next takes it from here, and reports a corrupt ring
		}
		w.pos += size
	}
	w.publish()
}

// header reads the header of the record at w.pos: its length word, the
// record's length n and the room it takes (header and padding included).
// Loading the word atomically orders it after the kernel's commit (an
// xchg): the record's bytes are then visible.
func (w *ringWalk) header() (hdr uint32, n, size uint64) {
	hdr = atomic.LoadUint32((*uint32)(unsafe.Pointer(&w.data[w.pos&w.mask])))
	n = uint64(hdr &^ (ringBusyBit | ringDiscardBit))
	return hdr, n, (ringHeaderSize + n + 7) &^ 7
}

// reload starts a batch: it gives the kernel back what was read and loads
// the producer position. It reports whether records wait.
func (w *ringWalk) reload() bool {
	w.publish()
	w.end = atomic.LoadUint64(w.prod)
	if w.end-w.pos > w.mask+1 {
		// Never trust a position beyond one ring's worth of data.
		w.end = w.pos + w.mask + 1
	}
	return w.end != w.pos
}

// publish stores the consumer position if it moved: the records before
// it must no longer be in use.
func (w *ringWalk) publish() {
	if w.pos != w.published {
		atomic.StoreUint64(w.cons, w.pos)
		w.published = w.pos
	}
}

// available returns the bytes the producer has written and the reader not
// yet consumed.
func (w *ringWalk) available() uint64 {
	return atomic.LoadUint64(w.prod) - w.pos
}
