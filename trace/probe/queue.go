package probe

import (
	"sync"

	"github.com/netexplore/netexplore/trace/event"
)

// Queue decouples reading the ring buffer from decoding: the reader only
// parses records and appends them here, so a burst of events never waits
// on decoding and printing, which is what would make the ring buffer
// overflow. Events beyond Limit are dropped and counted, never silently.
type Queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	events  []event.Event
	closed  bool
	limit   int
	dropped uint64
}

// DefaultQueueLimit bounds how many decoded-but-unprinted events netexplore
// keeps in memory (each is a few hundred bytes plus its payload).
const DefaultQueueLimit = 4 << 20

// NewQueue returns a queue holding at most limit events (0: DefaultQueueLimit).
func NewQueue(limit int) *Queue {
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	q := &Queue{limit: limit}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends e, or counts it as dropped when the queue is full.
func (q *Queue) Push(e event.Event) {
	q.mu.Lock()
	if len(q.events) >= q.limit {
		q.dropped++
	} else {
		q.events = append(q.events, e)
	}
	q.mu.Unlock()
	q.cond.Signal()
}

// Close marks the end of input; Take returns what is left, then nil.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// Take blocks until events are available and returns all of them, reusing
// spare's storage for the next batch. It returns nil once the queue is
// closed and empty.
func (q *Queue) Take(spare []event.Event) []event.Event {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.events) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.events) == 0 {
		return nil
	}
	batch := q.events
	q.events = spare[:0]
	return batch
}

// Dropped returns how many events did not fit.
func (q *Queue) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// Fill reads events from probe into q until the probe is drained or closed,
// then closes q. It returns the first read error.
func Fill(probe *Probe, q *Queue) error {
	defer q.Close()
	for {
		e, err := probe.Read()
		if err == ErrDrained || err == ErrProbeClosed {
			return nil
		}
		if err != nil {
			return err
		}
		q.Push(e)
	}
}
