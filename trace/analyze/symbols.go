package analyze

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/trace/event"
)

// Frame is one resolved frame of a captured user stack.
type Frame struct {
	// PC is the return address the probe captured.
	PC uint64 `json:"pc"`
	// Func is the function name, when symbols are available.
	Func string `json:"func,omitempty"`
	// File and Line locate the source, when debug information is available
	// (always for netexplore's own code).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Module is the binary or shared library the PC falls in.
	Module string `json:"module,omitempty"`
}

// String renders the frame as `func (file:line)` or `func+0x1f (module)`.
func (f Frame) String() string {
	switch {
	case f.File != "":
		return fmt.Sprintf("%s (%s:%d)", f.Func, f.File, f.Line)
	case f.Func != "":
		return fmt.Sprintf("%s (%s)", f.Func, filepath.Base(f.Module))
	case f.Module != "":
		return fmt.Sprintf("0x%x (%s)", f.PC, filepath.Base(f.Module))
	}
	return fmt.Sprintf("0x%x", f.PC)
}

// Symbolizer maps captured user stacks to functions and source lines.
//
// It learns where each traced process has which file's code from the
// probe's own events, as they happened: [Symbolizer.Observe] takes the
// mmap events (the program and its loader at exec, every library mapped
// after), forks (a child starts with its parent's mappings) and exits. So a
// process that is long gone when its events are printed still resolves;
// /proc is read only for a process that was already running when tracing
// began ([Symbolizer.Seed], or the first stack of a process no event
// described).
//
// Frames inside netexplore's own binary resolve through the Go runtime to
// file:line; other Go binaries (even stripped ones, such as Debian's
// dockerd) through their pclntab to function and file:line; the rest to ELF
// symbols. Each binary is loaded once.
// Resolved frames are shared between the events whose stacks are equal:
// treat them as read-only.
type Symbolizer struct {
	mu     sync.Mutex
	self   string
	inline *inlineIndex
	procs  map[uint32]*procMaps
	objs   map[objectKey]*object
	seed   maphash.Seed
}

// procMaps is what one process has mapped, and the stacks of it already
// resolved.
type procMaps struct {
	maps   []mapping // sorted by start, not overlapping
	stacks map[uint64]resolvedStack
}

type resolvedStack struct {
	pcs    []uint64
	frames []Frame
}

type mapping struct {
	start, end, offset uint64
	obj                *object
}

type objectKey struct {
	path string
	dev  uint32
	ino  uint64
}

// object is one binary or library with its symbols and the frames already
// resolved in it, by address.
type object struct {
	path   string
	dev    uint32
	ino    uint64
	self   bool // netexplore's own binary: resolved through the runtime
	once   sync.Once
	elf    *elfSymbols
	mu     sync.Mutex
	frames map[frameKey][]Frame
}

type frameKey struct {
	fileOff  uint64
	isReturn bool
}

// Bounds on what the symbolizer remembers: resolved stacks per process and
// frames per binary. Beyond them a cache starts over; the mappings
// themselves are dropped when a process exits.
const (
	maxStacksPerProc = 1024
	maxFramesPerObj  = 1 << 16
)

// NewSymbolizer returns a symbolizer for this machine's processes.
func NewSymbolizer() *Symbolizer {
	self, _ := os.Executable()
	if p, err := filepath.EvalSymlinks(self); err == nil {
		self = p
	}
	return &Symbolizer{
		self:   self,
		inline: newInlineIndex(self),
		procs:  make(map[uint32]*procMaps),
		objs:   make(map[objectKey]*object),
		seed:   maphash.MakeSeed(),
	}
}

// Observe updates what is known about the traced processes from one event:
// the mappings an mmap event reports, a child's birth (it shares its
// parent's mappings until it execs) and a process's exit. Feed it every
// event, in order, before resolving that event's stack.
func (s *Symbolizer) Observe(e *event.Event) {
	switch e.Kind {
	case event.KindMmap:
		if e.Mapping != nil {
			s.addMapping(e.PID, e.Path, *e.Mapping)
		}
	case event.KindFork:
		s.mu.Lock()
		if parent := s.procs[e.PPID]; parent != nil {
			s.procs[e.PID] = &procMaps{maps: parent.maps}
		}
		s.mu.Unlock()
	}
}

// Forget drops what is known about pid (after it exited).
func (s *Symbolizer) Forget(pid uint32) {
	s.mu.Lock()
	delete(s.procs, pid)
	s.mu.Unlock()
}

func (s *Symbolizer) addMapping(pid uint32, path string, m event.Mapping) {
	obj := s.object(path, m.Dev, m.Inode)
	s.mu.Lock()
	defer s.mu.Unlock()
	var old []mapping
	if p := s.procs[pid]; p != nil && !m.NewImage {
		old = p.maps
	}
	// A new mapping replaces whatever it overlaps, as in the kernel.
	maps := make([]mapping, 0, len(old)+1)
	for _, o := range old {
		if o.end <= m.Start || o.start >= m.End {
			maps = append(maps, o)
		}
	}
	maps = append(maps, mapping{start: m.Start, end: m.End, offset: m.Offset, obj: obj})
	sort.Slice(maps, func(i, j int) bool { return maps[i].start < maps[j].start })
	s.procs[pid] = &procMaps{maps: maps}
}

// Seed reads the mappings of pid from /proc: for a process that was already
// running when the probe started following it, so its program was mapped
// before any event could report it. Call it while the process is alive.
func (s *Symbolizer) Seed(pid uint32) error {
	f, err := os.Open("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/maps")
	if err != nil {
		return fmt.Errorf("reading the memory map of pid %d: %w", pid, err)
	}
	defer f.Close()
	var maps []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.Contains(fields[1], "x") || !strings.HasPrefix(fields[5], "/") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		off, err3 := strconv.ParseUint(fields[2], 16, 64)
		ino, err4 := strconv.ParseUint(fields[4], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			continue
		}
		maps = append(maps, mapping{start: start, end: end, offset: off, obj: s.object(fields[5], 0, ino)})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the memory map of pid %d: %w", pid, err)
	}
	s.mu.Lock()
	s.procs[pid] = &procMaps{maps: maps}
	s.mu.Unlock()
	return nil
}

// object returns the binary at path, identified by its device and inode
// (0 when unknown), loading nothing yet.
func (s *Symbolizer) object(path string, dev uint32, ino uint64) *object {
	key := objectKey{path, dev, ino}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.objs[key]; ok {
		return o
	}
	o := &object{path: path, dev: dev, ino: ino, self: path == s.self, frames: make(map[frameKey][]Frame)}
	s.objs[key] = o
	return o
}

// Resolve turns a captured stack of pid into frames, innermost first.
// When the process's mappings are known, the stack ends at the first
// address that is not a return address in mapped code: without frame
// pointers (most C programs) a frame-pointer walk goes on into data.
func (s *Symbolizer) Resolve(pid uint32, stack []uint64) []Frame {
	if len(stack) == 0 {
		return nil
	}
	h := s.hashStack(stack)
	s.mu.Lock()
	p := s.procs[pid]
	if p == nil {
		// No event reported the process's mappings: it was running
		// before it was followed (trace -p, --netns, the lab). They are
		// read from /proc while it lives; else nothing is known, and
		// its stacks are still cached, until it exits.
		s.mu.Unlock()
		_ = s.Seed(pid)
		s.mu.Lock()
		if p = s.procs[pid]; p == nil {
			p = &procMaps{}
			s.procs[pid] = p
		}
	}
	r, ok := p.stacks[h]
	s.mu.Unlock()
	if ok && slices.Equal(r.pcs, stack) {
		return r.frames
	}
	frames := s.resolve(p.maps, stack)
	s.mu.Lock()
	if p.stacks == nil || len(p.stacks) >= maxStacksPerProc {
		p.stacks = make(map[uint64]resolvedStack)
	}
	p.stacks[h] = resolvedStack{pcs: slices.Clone(stack), frames: frames}
	s.mu.Unlock()
	return frames
}

func (s *Symbolizer) resolve(maps []mapping, stack []uint64) []Frame {
	frames := make([]Frame, 0, len(stack))
	for i, pc := range stack {
		m, ok := findMapping(maps, pc)
		if !ok {
			if len(maps) > 0 {
				break // not code: the walk left the stack
			}
			// Nothing known about the process: it can only be
			// netexplore itself (the lab), whose code is ours.
			fr := s.selfFrames(pc, i > 0)
			if len(fr) == 0 {
				fr = []Frame{{PC: pc}}
			}
			frames = append(frames, fr...)
			continue
		}
		fr, valid := m.obj.resolveAt(s, pc-m.start+m.offset, pc, i > 0)
		if !valid {
			break
		}
		frames = append(frames, fr...)
	}
	return frames
}

// findMapping finds the mapping that contains pc in maps, sorted by start.
func findMapping(maps []mapping, pc uint64) (mapping, bool) {
	i := sort.Search(len(maps), func(i int) bool { return maps[i].end > pc })
	if i < len(maps) && pc >= maps[i].start {
		return maps[i], true
	}
	return mapping{}, false
}

// resolveAt resolves the address at file offset off of the object (pc is the
// address it had in the process). valid is false when a return address
// does not follow a call instruction: the stack walk went astray there.
func (o *object) resolveAt(s *Symbolizer, off, pc uint64, isReturn bool) (frames []Frame, valid bool) {
	key := frameKey{off, isReturn}
	o.mu.Lock()
	cached, ok := o.frames[key]
	o.mu.Unlock()
	if !ok {
		cached = o.resolveOffset(s, off, pc, isReturn)
		o.mu.Lock()
		if len(o.frames) >= maxFramesPerObj {
			o.frames = make(map[frameKey][]Frame)
		}
		o.frames[key] = cached
		o.mu.Unlock()
	}
	if cached == nil {
		return nil, false
	}
	if cached[0].PC == pc {
		return cached, true
	}
	// The same code at another address (another process, ASLR).
	out := slices.Clone(cached)
	for i := range out {
		out[i].PC = pc
	}
	return out, true
}

// resolveOffset resolves one address; nil means it is no return address.
func (o *object) resolveOffset(s *Symbolizer, off, pc uint64, isReturn bool) []Frame {
	if o.self {
		// Go keeps frame pointers: every return address is one.
		if fr := s.selfFrames(pc, isReturn); len(fr) > 0 {
			return fr
		}
		return []Frame{{PC: pc, Module: o.path}}
	}
	f := Frame{PC: pc, Module: o.path}
	syms := o.symbols()
	if syms == nil {
		return []Frame{f}
	}
	vaddr, ok := syms.vaddr(off)
	if !ok {
		return []Frame{f}
	}
	if isReturn && !syms.followsCall(vaddr) {
		return nil
	}
	if syms.gotab != nil {
		// A Go binary: its pclntab names the function and the line. A
		// return address is looked up at the call before it.
		at := vaddr
		if isReturn {
			at--
		}
		if name, file, line, ok := syms.gotab.lookup(at); ok {
			f.Func, f.File, f.Line = name, file, line
			return []Frame{f}
		}
	}
	if name, symOff, ok := syms.lookup(vaddr); ok {
		f.Func = name
		if symOff > 0 {
			f.Func += fmt.Sprintf("+0x%x", symOff)
		}
	}
	return []Frame{f}
}

// selfFrames resolves an address in netexplore's own code: same binary,
// same (non-PIE) addresses. One address can stand for several frames
// because the compiler inlined calls; the Go runtime expands them,
// innermost first, and the DWARF inlining tree adds the callers it cannot.
func (s *Symbolizer) selfFrames(pc uint64, isReturn bool) []Frame {
	// CallersFrames takes return addresses; the innermost address is the
	// instruction itself, so present it as one past.
	lookup := uintptr(pc)
	if !isReturn {
		lookup++
	}
	var out []Frame
	it := runtime.CallersFrames([]uintptr{lookup})
	for {
		fr, more := it.Next()
		if fr.Function != "" {
			out = append(out, Frame{PC: pc, Func: fr.Function, File: fr.File, Line: fr.Line, Module: s.self})
		}
		if !more {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	for _, c := range s.inline.callers(uint64(lookup) - 1) {
		c.PC, c.Module = pc, s.self
		out = append(out, c)
	}
	return out
}

func (s *Symbolizer) hashStack(stack []uint64) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	var b [8]byte
	for _, pc := range stack {
		binary.LittleEndian.PutUint64(b[:], pc)
		h.Write(b[:])
	}
	return h.Sum64()
}

type elfSymbol struct {
	addr, size uint64
	name       string
}

// elfSymbols is what a binary's ELF file says: where its segments load,
// its function symbols, its code bytes (to check return addresses) and,
// for a Go binary, its pclntab.
type elfSymbols struct {
	progs []*elf.Prog
	syms  []elfSymbol
	gotab *goTable
}

func (o *object) symbols() *elfSymbols {
	o.once.Do(func() { o.elf = loadELFSymbols(o.path, o.dev, o.ino) })
	return o.elf
}

// loadELFSymbols reads the binary at path, if it is still the file that
// was mapped (same device and inode, when known).
func loadELFSymbols(path string, dev uint32, ino uint64) *elfSymbols {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nil
	}
	if ino != 0 && st.Ino != ino {
		return nil
	}
	if dev != 0 && (unix.Major(st.Dev) != dev>>20 || unix.Minor(st.Dev) != dev&0xfffff) {
		return nil
	}
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	// The file stays open for followsCall; it is read only when a new
	// return address is seen.
	out := &elfSymbols{}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			out.progs = append(out.progs, p)
		}
	}
	for _, load := range []func() ([]elf.Symbol, error){f.Symbols, f.DynamicSymbols} {
		syms, err := load()
		if err != nil {
			continue
		}
		for _, sym := range syms {
			if elf.ST_TYPE(sym.Info) == elf.STT_FUNC && sym.Value != 0 {
				out.syms = append(out.syms, elfSymbol{addr: sym.Value, size: sym.Size, name: sym.Name})
			}
		}
	}
	// Of aliases (getpid, __getpid), keep the public name.
	sort.Slice(out.syms, func(i, j int) bool {
		a, b := out.syms[i], out.syms[j]
		if a.addr != b.addr {
			return a.addr < b.addr
		}
		ua, ub := len(a.name)-len(strings.TrimLeft(a.name, "_")), len(b.name)-len(strings.TrimLeft(b.name, "_"))
		if ua != ub {
			return ua < ub
		}
		return a.name < b.name
	})
	out.syms = slices.CompactFunc(out.syms, func(a, b elfSymbol) bool { return a.addr == b.addr })
	out.gotab = loadGoTable(f)
	return out
}

// vaddr converts a file offset to the ELF virtual address it is loaded at.
func (e *elfSymbols) vaddr(fileOff uint64) (uint64, bool) {
	for _, p := range e.progs {
		if fileOff >= p.Off && fileOff < p.Off+p.Filesz {
			return fileOff - p.Off + p.Vaddr, true
		}
	}
	return 0, false
}

// followsCall reports whether the code just before vaddr ends with a call
// instruction, as it must for a return address. The x86-64 call forms
// compilers emit: rel32, through a register, and through memory (with an
// 8- or 32-bit displacement, RIP-relative or SIB).
func (e *elfSymbols) followsCall(vaddr uint64) bool {
	var p *elf.Prog
	for _, q := range e.progs {
		if q.Flags&elf.PF_X != 0 && vaddr >= q.Vaddr+7 && vaddr <= q.Vaddr+q.Filesz {
			p = q
		}
	}
	if p == nil {
		return false
	}
	var b [7]byte
	if _, err := p.ReadAt(b[:], int64(vaddr-7-p.Vaddr)); err != nil {
		return false
	}
	// b[6] is the last byte before vaddr; b[6-k+1] starts a k-byte call.
	switch {
	case b[2] == 0xe8: // call rel32
		return true
	case b[5] == 0xff && b[6]&0xf8 == 0xd0: // call reg
		return true
	case b[4] == 0xff && b[5]&0x38 == 0x10 && b[5]&0xc0 == 0x40: // call [reg+disp8]
		return true
	case b[3] == 0xff && b[4]&0x38 == 0x10 && b[4]&0xc7 == 0x44: // call [sib+disp8]
		return true
	case b[1] == 0xff && (b[2] == 0x15 || (b[2]&0x38 == 0x10 && b[2]&0xc0 == 0x80)): // call [rip+disp32], [reg+disp32]
		return true
	case b[0] == 0xff && b[1]&0x38 == 0x10 && b[1]&0xc7 == 0x84: // call [sib+disp32]
		return true
	case b[5] == 0xff && b[6]&0x38 == 0x10 && b[6]&0xc0 == 0: // call [reg]
		return true
	}
	return false
}

func (e *elfSymbols) lookup(addr uint64) (string, uint64, bool) {
	i := sort.Search(len(e.syms), func(i int) bool { return e.syms[i].addr > addr }) - 1
	if i < 0 {
		return "", 0, false
	}
	sym := e.syms[i]
	if sym.size != 0 && addr >= sym.addr+sym.size {
		return "", 0, false
	}
	return sym.name, addr - sym.addr, true
}
