package probe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Backlog is the first-in first-out queue of raw records between the
// ring-buffer reader and the decoder. The reader only copies records in,
// so a burst never waits on decoding and printing, which is what would
// make the ring buffer overflow; the decoder takes them out in order.
//
// Its memory is bounded: records are kept in chunks, and once the chunks
// held in memory reach the limit, further chunks go to a temporary file
// that has no name (O_TMPFILE, or unlinked at once), so nothing is left
// behind on any exit path. Records are never dropped while the file can
// be written; when it cannot, they are counted ([Backlog.Dropped]). The
// chunks held in memory are in a mapping of their own, outside the Go
// heap, so a full backlog does not make the heap grow (see chunkPool).
//
// One goroutine may call Push and Flush while another calls Next.
type Backlog struct {
	memLimit int
	dir      string

	// Owned by the writer.
	cur *chunk

	mu        sync.Mutex
	cond      *sync.Cond
	queue     []*chunk // published chunks, oldest first
	inMemory  int      // bytes of queued chunks held in memory
	pool      chunkPool
	file      *os.File
	fileEnd   int64 // where the next spilled chunk goes
	inFile    int   // queued chunks in the file
	closed    bool
	dropped   uint64
	records   uint64 // records queued and not yet taken
	spilled   uint64 // bytes ever written to the file
	fileErr   error
	toSpill   []*chunk // chunks for the spiller, oldest first
	spilling  bool     // the spiller runs
	spillCond *sync.Cond
	room      *sync.Cond // memory was freed
	abandoned bool
	stop      atomic.Bool // abandoned, for Next's lock-free path
	pushed    atomic.Uint64

	// Owned by the reader.
	reading *chunk
	off     int
	idle    func() func()
}

// chunk holds records back to back, each as a 4-byte length, the bytes
// and padding to 8 bytes.
type chunk struct {
	buf     []byte
	records int
	fileOff int64 // where the chunk is in the file, -1 when in memory
	size    int   // len(buf) when spilled
	taken   bool  // the decoder has it
	writing bool  // the spiller is writing it
}

// chunkSize is the size of a backlog chunk: large enough that spilling
// costs one write per few thousand records.
const chunkSize = 256 << 10

// DefaultBacklogMemory is how much of the backlog is kept in memory before
// it spills to a file.
const DefaultBacklogMemory = 32 << 20

// backlogLimit is the in-memory limit of a backlog asked for memLimit
// bytes (0: DefaultBacklogMemory): at least two chunks.
func backlogLimit(memLimit int) int {
	if memLimit <= 0 {
		memLimit = DefaultBacklogMemory
	}
	return max(memLimit, 2*chunkSize)
}

// backlogChunks is how many chunks a backlog asked for memLimit bytes can
// hold in memory at once: up to twice its limit while the spiller catches
// up, and besides the queue, the chunk being filled, the one being read
// and one read back from the file.
func backlogChunks(memLimit int) int { return 2*backlogLimit(memLimit)/chunkSize + 3 }

// BacklogMemory is the most memory the chunks of a backlog asked for
// memLimit bytes take: they live outside the Go heap (see chunkPool).
func BacklogMemory(memLimit int) int64 { return int64(backlogChunks(memLimit)) * chunkSize }

// NewBacklog returns a backlog that keeps up to memLimit bytes of records
// in memory (0: DefaultBacklogMemory) and spills the rest to a temporary
// file in dir ("" for the system's temporary directory), created when
// first needed.
func NewBacklog(memLimit int, dir string) *Backlog {
	if dir == "" {
		dir = os.TempDir()
	}
	b := &Backlog{memLimit: backlogLimit(memLimit), dir: dir}
	b.pool.chunks = backlogChunks(memLimit)
	b.cond = sync.NewCond(&b.mu)
	b.spillCond = sync.NewCond(&b.mu)
	b.room = sync.NewCond(&b.mu)
	return b
}

// Push appends a copy of rec. Records larger than a chunk get a chunk of
// their own.
func (b *Backlog) Push(rec []byte) {
	b.pushed.Add(1)
	need := 4 + len(rec)
	need = (need + 7) &^ 7
	if b.cur != nil && len(b.cur.buf)+need > cap(b.cur.buf) {
		b.publish()
	}
	if b.cur == nil {
		b.cur = b.newChunk(need)
	}
	c := b.cur
	c.buf = binary.LittleEndian.AppendUint32(c.buf, uint32(len(rec)))
	c.buf = append(c.buf, rec...)
	for len(c.buf)%8 != 0 {
		c.buf = append(c.buf, 0)
	}
	c.records++
}

// Flush makes the records pushed so far visible to Next. The reader calls
// it whenever the ring buffer is empty, so a quiet trace prints at once.
func (b *Backlog) Flush() {
	if b.cur != nil && b.cur.records > 0 {
		b.publish()
	}
}

func (b *Backlog) newChunk(need int) *chunk {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.takeFree(need)
}

// takeFree returns an empty chunk of at least need bytes; b.mu is held.
func (b *Backlog) takeFree(need int) *chunk {
	if need <= chunkSize {
		return &chunk{buf: b.pool.get(), fileOff: -1}
	}
	return &chunk{buf: make([]byte, 0, need), fileOff: -1}
}

// recycle gives c's memory back for reuse; b.mu is held.
func (b *Backlog) recycle(c *chunk) {
	b.pool.put(c.buf)
	c.buf = nil
}

// publish queues the current chunk. Beyond the memory limit it is also
// handed to the spiller, which moves it to the file; the reader of the
// ring buffer never waits for the disk. Only when even twice the limit
// is held (the file cannot be written, or not fast enough) are records
// dropped, and counted.
func (b *Backlog) publish() {
	c := b.cur
	b.cur = nil
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.abandoned {
		b.recycle(c)
		return
	}
	// Twice the limit in memory: the spiller is behind. Wait for it (the
	// ring buffer holds what arrives meanwhile); without a file, drop.
	for b.inMemory+cap(c.buf) > 2*b.memLimit && b.fileErr == nil && b.spilling && !b.abandoned {
		b.room.Wait()
	}
	if b.abandoned {
		b.recycle(c)
		return
	}
	if b.inMemory+cap(c.buf) > b.memLimit {
		if b.inMemory+cap(c.buf) > 2*b.memLimit {
			b.dropped += uint64(c.records)
			b.recycle(c)
			return
		}
		if b.fileErr == nil {
			b.toSpill = append(b.toSpill, c)
			if !b.spilling {
				b.spilling = true
				go b.spiller()
			}
			b.spillCond.Signal()
		}
	}
	b.inMemory += cap(c.buf)
	b.queue = append(b.queue, c)
	b.records += uint64(c.records)
	b.cond.Signal()
}

// spiller writes the chunks handed to it to the file, oldest first, and
// frees their memory, unless the decoder took them meanwhile.
func (b *Backlog) spiller() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		for len(b.toSpill) == 0 && !b.closed {
			b.spillCond.Wait()
		}
		if len(b.toSpill) == 0 {
			b.spilling = false
			return
		}
		c := b.toSpill[0]
		b.toSpill[0] = nil
		b.toSpill = b.toSpill[1:]
		if c.taken || b.fileErr != nil {
			continue
		}
		if b.file == nil {
			f, err := openUnnamed(b.dir)
			if err != nil {
				b.fileErr = err
				b.room.Broadcast()
				continue
			}
			b.file = f
		}
		off := b.fileEnd
		b.fileEnd += int64(len(c.buf))
		c.writing = true
		b.mu.Unlock()
		_, err := b.file.WriteAt(c.buf, off)
		b.mu.Lock()
		c.writing = false
		b.cond.Broadcast() // advance may wait for this write
		if err != nil {
			b.fileErr = fmt.Errorf("spilling the backlog to %s: %w", b.dir, err)
			b.room.Broadcast()
			continue
		}
		b.spilled += uint64(len(c.buf))
		if c.taken {
			continue // the decoder read it from memory meanwhile
		}
		b.inMemory -= cap(c.buf)
		b.inFile++
		c.fileOff, c.size = off, len(c.buf)
		b.recycle(c)
		b.room.Broadcast()
	}
}

// openUnnamed creates a file in dir that no name points to: it disappears
// when closed or when the process dies, however it dies.
func openUnnamed(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err == nil {
		return os.NewFile(uintptr(fd), dir+"/(netexplore backlog)"), nil
	}
	// Without O_TMPFILE support: create, then unlink at once.
	f, err := os.CreateTemp(dir, "netexplore-backlog-*")
	if err != nil {
		return nil, fmt.Errorf("creating the backlog's spill file: %w", err)
	}
	os.Remove(f.Name())
	return f, nil
}

// Close marks the end of input: Next returns what is left, then false.
// The writer must not push after Close.
func (b *Backlog) Close() {
	b.Flush()
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
	b.spillCond.Broadcast()
}

// OnIdle sets a function that Next calls before it waits for records (the
// decoder has caught up: time to flush its output); the function it
// returns is called once records arrived. Set it before the first Next.
func (b *Backlog) OnIdle(f func() (resumed func())) { b.idle = f }

// Next returns the next record, blocking until one is available, and
// false once the backlog is closed and empty. The record is valid until
// the next call.
func (b *Backlog) Next() ([]byte, bool) {
	for {
		if b.stop.Load() {
			return nil, false
		}
		if c := b.reading; c != nil && b.off < len(c.buf) {
			n := int(binary.LittleEndian.Uint32(c.buf[b.off:]))
			rec := c.buf[b.off+4 : b.off+4+n]
			b.off += (4 + n + 7) &^ 7
			return rec, true
		}
		if !b.advance() {
			return nil, false
		}
	}
}

// advance moves the reader to the next chunk, loading it from the file if
// it was spilled.
func (b *Backlog) advance() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.reading; c != nil {
		b.records -= uint64(c.records)
		b.recycle(c)
		b.reading, b.off = nil, 0
	}
	for {
		if b.abandoned {
			return false
		}
		if len(b.queue) == 0 && !b.closed && b.idle != nil {
			b.mu.Unlock()
			done := b.idle()
			b.mu.Lock()
			for len(b.queue) == 0 && !b.closed && !b.abandoned {
				b.cond.Wait()
			}
			done()
		}
		for len(b.queue) == 0 && !b.closed && !b.abandoned {
			b.cond.Wait()
		}
		if len(b.queue) == 0 || b.abandoned {
			return false
		}
		c := b.queue[0]
		if c.writing {
			// The spiller is writing it: take it once written.
			b.cond.Wait()
			continue
		}
		b.queue[0] = nil
		b.queue = b.queue[1:]
		c.taken = true
		if c.fileOff < 0 {
			b.inMemory -= cap(c.buf)
			b.room.Broadcast()
			b.reading, b.off = c, 0
			return true
		}
		// Read it back without the lock: the reader of the ring buffer
		// must not wait for the disk. Its place in the file stays taken
		// until inFile counts it out.
		buf := b.takeFree(c.size).buf[:c.size]
		b.mu.Unlock()
		_, err := b.file.ReadAt(buf, c.fileOff)
		b.mu.Lock()
		if b.abandoned {
			return false
		}
		b.inFile--
		if b.inFile == 0 && len(b.toSpill) == 0 && !b.anyWriting() {
			// Everything spilled has been read back: start the file over.
			b.fileEnd = 0
			b.file.Truncate(0)
		}
		if err != nil {
			// Written moments ago, yet unreadable: the chunk is lost,
			// and counted.
			b.dropped += uint64(c.records)
			b.records -= uint64(c.records)
			if b.fileErr == nil {
				b.fileErr = fmt.Errorf("reading back the backlog's spill file: %w", err)
			}
			continue
		}
		c.buf, c.fileOff = buf, -1
		b.reading, b.off = c, 0
		return true
	}
}

// anyWriting reports whether the spiller is writing a chunk; b.mu is held.
func (b *Backlog) anyWriting() bool {
	for _, c := range b.queue {
		if c.writing {
			return true
		}
	}
	return false
}

// BacklogStats describes a backlog at one moment.
type BacklogStats struct {
	// Records waiting to be taken (published ones; a few more may sit in
	// the chunk being filled).
	Records uint64
	// InMemory and InFile are the bytes waiting in memory and on disk.
	InMemory int
	InFile   int64
	// Spilled is the total written to the file so far.
	Spilled uint64
}

// Stats returns the backlog's current size.
func (b *Backlog) Stats() BacklogStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	var inFile int64
	for _, c := range b.queue {
		if c.fileOff >= 0 {
			inFile += int64(c.size)
		}
	}
	return BacklogStats{Records: b.records, InMemory: b.inMemory, InFile: inFile, Spilled: b.spilled}
}

// Dropped returns how many records could be kept neither in memory nor in
// the file, and the file error that caused it.
func (b *Backlog) Dropped() (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped, b.fileErr
}

// Abandon empties the backlog and makes it discard what is pushed from
// now on: the decoder stops (an interrupted trace). [Backlog.Pushed] still
// counts everything, so what was not decoded can be told exactly.
func (b *Backlog) Abandon() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.abandoned = true
	b.stop.Store(true)
	for _, c := range b.queue {
		c.taken = true
		if !c.writing {
			b.recycle(c)
		}
	}
	b.queue, b.toSpill = nil, nil
	b.records, b.inMemory, b.inFile = 0, 0, 0
	b.room.Broadcast()
	b.cond.Broadcast()
	b.spillCond.Broadcast()
}

// Pushed returns how many records were pushed so far.
func (b *Backlog) Pushed() uint64 { return b.pushed.Load() }

// Release closes the spill file (which has no name, so nothing is left)
// and frees the memory of the chunks once none is in use.
func (b *Backlog) Release() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.pool.release()
	if b.file == nil {
		return err
	}
	if cerr := b.file.Close(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = errors.Join(err, fmt.Errorf("closing the backlog's spill file: %w", cerr))
	}
	b.file = nil
	return err
}
