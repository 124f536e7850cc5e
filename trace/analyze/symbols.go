package analyze

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
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
// Frames inside netexplore's own binary resolve through the Go runtime to
// file:line; other binaries resolve to ELF symbols when their memory map
// was seen while the process was alive (call [Symbolizer.Note] early).
type Symbolizer struct {
	mu     sync.Mutex
	self   string
	maps   map[uint32][]mapping
	elfs   map[string]*elfSymbols
	inline *inlineIndex
}

type mapping struct {
	start, end, offset uint64
	path               string
}

// NewSymbolizer returns a symbolizer for this machine's processes.
func NewSymbolizer() *Symbolizer {
	self, _ := os.Executable()
	if p, err := filepath.EvalSymlinks(self); err == nil {
		self = p
	}
	return &Symbolizer{self: self, maps: make(map[uint32][]mapping), elfs: make(map[string]*elfSymbols), inline: newInlineIndex(self)}
}

// Note reads the memory map of pid now, while it is alive. Call it when a
// process is first seen and again after it execs; it is cheap to repeat.
func (s *Symbolizer) Note(pid uint32, refresh bool) {
	s.mu.Lock()
	_, have := s.maps[pid]
	s.mu.Unlock()
	if have && !refresh {
		return
	}
	m, err := readMaps(pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.maps[pid] = m
	s.mu.Unlock()
}

// Forget drops what is known about pid (after it exited).
func (s *Symbolizer) Forget(pid uint32) {
	s.mu.Lock()
	delete(s.maps, pid)
	s.mu.Unlock()
}

// Resolve turns a captured stack of pid into frames, innermost first.
func (s *Symbolizer) Resolve(pid uint32, stack []uint64) []Frame {
	if len(stack) == 0 {
		return nil
	}
	s.mu.Lock()
	maps := s.maps[pid]
	s.mu.Unlock()
	frames := make([]Frame, 0, len(stack))
	for i, pc := range stack {
		frames = append(frames, s.frames(maps, pc, i > 0)...)
	}
	return frames
}

// frames resolves one captured address. In netexplore's own code one
// address can stand for several frames because the compiler inlined calls;
// the Go runtime expands them, innermost first.
func (s *Symbolizer) frames(maps []mapping, pc uint64, isReturn bool) []Frame {
	m, ok := findMapping(maps, pc)
	if (ok && m.path == s.self) || (!ok && len(maps) == 0) {
		// netexplore's own code: same binary, same (non-PIE) addresses.
		// CallersFrames takes return addresses; the innermost address is
		// the instruction itself, so present it as one past.
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
		if len(out) > 0 {
			// Recover the callers the compiler inlined this code into.
			at := uint64(lookup) - 1
			for _, c := range s.inline.callers(at) {
				c.PC, c.Module = pc, s.self
				out = append(out, c)
			}
			return out
		}
	}
	f := Frame{PC: pc}
	if !ok {
		return []Frame{f}
	}
	f.Module = m.path
	syms := s.symbols(m.path)
	if syms == nil {
		return []Frame{f}
	}
	vaddr, ok := syms.vaddr(pc - m.start + m.offset)
	if !ok {
		return []Frame{f}
	}
	if name, off, ok := syms.lookup(vaddr); ok {
		f.Func = name
		if off > 0 {
			f.Func += fmt.Sprintf("+0x%x", off)
		}
	}
	return []Frame{f}
}

func findMapping(maps []mapping, pc uint64) (mapping, bool) {
	for _, m := range maps {
		if pc >= m.start && pc < m.end {
			return m, true
		}
	}
	return mapping{}, false
}

func readMaps(pid uint32) ([]mapping, error) {
	f, err := os.Open("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mapping
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
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		out = append(out, mapping{start: start, end: end, offset: off, path: fields[5]})
	}
	return out, sc.Err()
}

type elfSymbol struct {
	addr, size uint64
	name       string
}

type elfSymbols struct {
	progs []elf.ProgHeader
	syms  []elfSymbol
}

func (s *Symbolizer) symbols(path string) *elfSymbols {
	s.mu.Lock()
	defer s.mu.Unlock()
	if syms, ok := s.elfs[path]; ok {
		return syms
	}
	syms := loadELFSymbols(path)
	s.elfs[path] = syms
	return syms
}

func loadELFSymbols(path string) *elfSymbols {
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	out := &elfSymbols{}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			out.progs = append(out.progs, p.ProgHeader)
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
	sort.Slice(out.syms, func(i, j int) bool { return out.syms[i].addr < out.syms[j].addr })
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
