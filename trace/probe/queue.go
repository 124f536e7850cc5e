package probe

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// readerNice is the scheduling priority of the thread that empties the ring
// buffer: above the traced command and the decoder, so that on a busy
// machine it still runs as soon as records wait. It only copies them.
const readerNice = -10

// Fill moves records from probe to b until the probe is drained or
// closed, then closes b. It returns the first read error. Whenever the
// ring buffer is empty it flushes b, so a quiet trace prints at once.
//
// Fill runs on a thread of its own, at a higher priority when the
// process may raise it (root). While the ring is empty it waits without
// giving its P back to the Go scheduler, which saves the scheduler's
// monitor thousands of wake-ups: the program should have a P to spare
// for it (GOMAXPROCS one above the CPUs it needs otherwise).
func Fill(probe *Probe, b *Backlog) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	probe.ring.ownP = true
	old, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err == nil {
		// The raw value is 20 - nice. Only this thread is changed.
		unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), readerNice)
		defer unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 20-old)
	}
	defer b.Close()
	push, flush := b.Push, b.Flush
	for {
		// Each batch goes straight from the ring's memory into the
		// backlog; whenever the ring is empty the backlog is flushed.
		err := probe.ring.readAll(push, flush)
		if err == ErrDrained || err == ErrProbeClosed {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
