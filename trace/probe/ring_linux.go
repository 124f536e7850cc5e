package probe

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// ringReader reads the probe's BPF ring buffer from the kernel's pages,
// mapped into this process: the consumer page read-write, the producer
// page and the data area read-only. Records are handed out straight from
// that memory, without a copy.
//
// One goroutine reads; Drain and Close may be called from any other.
type ringReader struct {
	walk     *ringWalk
	consPage []byte // the consumer page
	prodArea []byte // the producer page, then the data area twice
	epfd     int    // waits for the probe's wakeups and for wake
	wake     int    // an eventfd: Drain and Close interrupt the wait
	// ownP: the reader runs on a thread that has a P of its own (Fill),
	// so it may wait without giving it back (see epollWaitRaw).
	ownP bool

	closing atomic.Bool // Close was called: stop spinning, stop waiting

	mu       sync.Mutex
	reading  bool // a read is under way: Close leaves the unmapping to it
	closed   bool
	freed    bool
	draining bool // Drain was called and the reader has not yet run dry
}

// newRingReader maps the ring buffer of the map fd, whose data area is
// size bytes.
func newRingReader(fd, size int) (*ringReader, error) {
	page := os.Getpagesize()
	cons, err := unix.Mmap(fd, 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mapping the ring buffer's consumer page: %w", err)
	}
	prod, err := unix.Mmap(fd, int64(page), page+2*size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		unix.Munmap(cons)
		return nil, fmt.Errorf("mapping the ring buffer's data: %w", err)
	}
	r := &ringReader{consPage: cons, prodArea: prod, epfd: -1, wake: -1}
	r.walk = newRingWalk(prod[page:], size,
		(*uint64)(unsafe.Pointer(&cons[0])), (*uint64)(unsafe.Pointer(&prod[0])))
	if err := r.openWait(fd); err != nil {
		r.free()
		return nil, err
	}
	return r, nil
}

// warmRing runs the probe's warm_ring program, which writes each page of
// the ring buffer once and leaves a discarded record in each (see
// bpf/netexplore.bpf.c). Run before anything is traced, it takes the cost
// of the pages' first writes away from the traced command.
func warmRing(prog *ebpf.Program) error {
	if _, err := prog.Run(&ebpf.RunOptions{}); err != nil {
		return fmt.Errorf("warming the ring buffer: %w", err)
	}
	return nil
}

// skipDiscarded moves the reader past the records warmRing left.
func (r *ringReader) skipDiscarded() { r.walk.skipDiscarded() }

// openWait prepares the wait: an epoll set holding the map, which the
// kernel makes readable when the probe asks for a wakeup, and an eventfd.
func (r *ringReader) openWait(fd int) error {
	var err error
	if r.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return fmt.Errorf("creating an epoll set for the ring buffer: %w", err)
	}
	if r.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return fmt.Errorf("creating an eventfd for the ring buffer: %w", err)
	}
	for _, f := range []int{fd, r.wake} {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(f)}
		if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, f, &ev); err != nil {
			return fmt.Errorf("waiting on the ring buffer: %w", err)
		}
	}
	return nil
}

// read hands visit the records that wait, up to limit (at least one),
// blocking until one arrives. Each record is valid only during its visit.
// When the ring is empty, read calls idle (if not nil) before it waits.
// It returns [ErrDrained] once the ring runs dry after [ringReader.drain],
// and [ErrProbeClosed] after [ringReader.close].
func (r *ringReader) read(limit int, visit func([]byte), idle func()) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrProbeClosed
	}
	r.reading = true
	r.mu.Unlock()
	defer r.leave()

	w := r.walk
	n, spins := 0, 0
	for {
		if n >= limit {
			w.publish()
			return nil
		}
		rec, st, err := w.next()
		if err != nil {
			return err
		}
		if st != ringRecord && n > 0 {
			// The visits are over: their records' room is the
			// kernel's again.
			w.publish()
			return nil
		}
		switch st {
		case ringRecord:
			visit(rec)
			n++
			continue
		case ringBusy:
			// The probe reserved the record and is still writing it:
			// a copy of a few kilobytes at most, unless its thread was
			// preempted. Records after it must wait for it.
			if r.closing.Load() {
				return ErrProbeClosed
			}
			spins++
			if spins < 100 {
				runtime.Gosched()
			} else {
				time.Sleep(50 * time.Microsecond)
			}
			continue
		}
		if w.reload() {
			continue
		}
		if r.closing.Load() {
			return ErrProbeClosed
		}
		if r.dry() {
			return ErrDrained
		}
		if idle != nil {
			idle()
		}
		if err := r.wait(); err != nil {
			return err
		}
	}
}

// readAll is read with no limit: a batch is everything the producer had
// written when the batch began.
func (r *ringReader) readAll(visit func([]byte), idle func()) error {
	return r.read(math.MaxInt, visit, idle)
}

// dry reports, once, that the ring ran dry after drain.
func (r *ringReader) dry() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.draining
	r.draining = false
	return d
}

// wait blocks until the probe wakes the reader, drain or close is called,
// or pollInterval passes: the probe wakes the reader only for a large
// backlog, so smaller ones are found by looking again.
func (r *ringReader) wait() error {
	var evs [2]unix.EpollEvent
	wait := unix.EpollWait
	if r.ownP {
		wait = epollWaitRaw
	}
	n, err := wait(r.epfd, evs[:], int(pollInterval/time.Millisecond))
	if err != nil && !errors.Is(err, unix.EINTR) {
		return fmt.Errorf("waiting for the ring buffer: %w", err)
	}
	for _, ev := range evs[:max(n, 0)] {
		if int(ev.Fd) == r.wake {
			var b [8]byte
			unix.Read(r.wake, b[:]) // resets the counter
		}
	}
	return nil
}

// leave ends a read; the last of it and close unmaps the ring.
func (r *ringReader) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reading = false
	if r.closed {
		r.free()
	}
}

// available returns the bytes that wait to be read.
func (r *ringReader) available() uint64 { return r.walk.available() }

// drain makes read return what the ring holds and then, once, ErrDrained.
func (r *ringReader) drain() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrProbeClosed
	}
	r.draining = true
	return r.signal()
}

// signal interrupts a wait; r.mu is held.
func (r *ringReader) signal() error {
	one := [8]byte{1}
	if _, err := unix.Write(r.wake, one[:]); err != nil {
		return fmt.Errorf("waking the ring buffer's reader: %w", err)
	}
	return nil
}

// close makes read return ErrProbeClosed. It does not wait for a read
// under way: the read unmaps the ring when it returns.
func (r *ringReader) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	r.closing.Store(true)
	err := r.signal()
	if !r.reading {
		err = errors.Join(err, r.free())
	}
	return err
}

// free unmaps the ring and closes the descriptors, once; r.mu is held (or
// the reader is not shared yet).
func (r *ringReader) free() error {
	if r.freed {
		return nil
	}
	r.freed = true
	var errs []error
	for _, fd := range []int{r.epfd, r.wake} {
		if fd >= 0 {
			errs = append(errs, unix.Close(fd))
		}
	}
	errs = append(errs, unix.Munmap(r.prodArea), unix.Munmap(r.consPage))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("releasing the ring buffer: %w", err)
	}
	return nil
}

// epollWaitRaw is epoll_wait made without telling the Go scheduler, for
// a reader with a P of its own. Told, the scheduler marks the reader's P
// as blocked in a system call, and its monitor takes the P back after
// 10 ms, then looks again every 20 µs for the next millisecond: on the
// 280k storm, about 2,000 wake-ups of a thread of netexplore's (3,800
// with a CPU hog beside), some on the traced command's CPU, and the
// command took 1.118 s instead of 1.050 s with text output, 1.348 s
// instead of 1.221 s with JSON (medians of 15 and 9 interleaved runs).
// Untold, it sees a goroutine that runs long and asks it to stop with a
// signal every 10 ms, which ends the wait with EINTR; so does a stop of
// the world for the collector.
func epollWaitRaw(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	n, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_WAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
