package probe

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// chunkPool holds the backlog's regular chunks in one anonymous mapping,
// outside the Go heap. In the heap, a full backlog counted as live memory,
// which the garbage collector lets the heap grow to twice of: the
// 3M-event JSON trace of `make bench` peaked at 98–115 MB of RSS with the
// chunks in the heap, and at 78–85 MB with this pool. The mapping is only
// reserved until used, and a returned chunk is the next one handed out,
// so the pages reused are those touched last.
//
// Its methods are called with the backlog's lock held.
type chunkPool struct {
	chunks   int      // chunks the mapping holds
	mem      []byte   // the mapping; nil until first needed
	heapOnly bool     // no mapping: it could not be made, or was released
	carved   int      // chunks handed out of mem so far
	free     [][]byte // chunks given back, reused last in first out
	out      int      // chunks of mem handed out and not given back
	heap     int      // chunks taken from the Go heap: the mapping's were all out
}

// get returns an empty buffer with room for chunkSize bytes: a chunk of
// the mapping, or of the Go heap once all of the mapping's are out.
func (p *chunkPool) get() []byte {
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		p.out++
		return b
	}
	if p.mem == nil && !p.heapOnly && p.chunks > 0 {
		mem, err := unix.Mmap(-1, 0, p.chunks*chunkSize, unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			p.heapOnly = true
		} else {
			p.mem = mem
		}
	}
	if p.mem != nil && p.carved < p.chunks {
		off := p.carved * chunkSize
		p.carved++
		p.out++
		return p.mem[off : off : off+chunkSize]
	}
	p.heap++
	return make([]byte, 0, chunkSize)
}

// put takes back a buffer get returned. One of the Go heap is left to the
// garbage collector.
func (p *chunkPool) put(b []byte) {
	if !p.owns(b) {
		return
	}
	p.out--
	p.free = append(p.free, b[:0])
}

// owns reports whether b is a chunk of the mapping.
func (p *chunkPool) owns(b []byte) bool {
	if p.mem == nil || cap(b) != chunkSize {
		return false
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(p.mem)))
	at := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return at >= base && at < base+uintptr(len(p.mem))
}

// release unmaps the pool once every chunk is back. A chunk still out
// may hold a record the decoder borrowed, and reading an unmapped page
// would crash, so then the mapping stays until the process exits.
func (p *chunkPool) release() error {
	if p.mem == nil || p.out > 0 {
		return nil
	}
	mem := p.mem
	p.mem, p.free, p.carved, p.heapOnly = nil, nil, 0, true
	if err := unix.Munmap(mem); err != nil {
		return fmt.Errorf("unmapping the backlog's memory: %w", err)
	}
	return nil
}
