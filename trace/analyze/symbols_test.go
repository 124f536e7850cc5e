package analyze

import (
	"debug/elf"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/trace/event"
)

// libcSymbol returns the path of the C library, the file offset of its
// code segment, and the file offset of the symbol name in it.
func libcSymbol(t *testing.T, name string) (path string, textOff, symOff uint64, ino uint64) {
	t.Helper()
	for _, p := range []string{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			t.Fatal(err)
		}
		syms, _ := f.DynamicSymbols()
		for _, s := range syms {
			if s.Name != name {
				continue
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_LOAD && prog.Flags&elf.PF_X != 0 && s.Value >= prog.Vaddr && s.Value < prog.Vaddr+prog.Filesz {
					return p, prog.Off &^ 0xfff, s.Value - prog.Vaddr + prog.Off, st.Ino
				}
			}
		}
	}
	t.Skip("no x86-64 C library with dynamic symbols on this machine")
	return
}

// Stacks resolve against mappings learned from events, after the process
// is gone, and children inherit their parent's mappings.
func TestSymbolizerFromEvents(t *testing.T) {
	path, textOff, symOff, ino := libcSymbol(t, "getpid")
	s := NewSymbolizer()
	const start = 0x7f0000000000
	s.Observe(&event.Event{Kind: event.KindMmap, PID: 10, Path: path,
		Mapping: &event.Mapping{Start: start, End: start + 1<<24, Offset: textOff, Inode: ino, NewImage: true}})
	pc := start + symOff - textOff + 3
	frames := s.Resolve(10, []uint64{pc})
	if len(frames) != 1 || frames[0].Func != "getpid+0x3" || frames[0].Module != path {
		t.Fatalf("Resolve = %+v, want getpid+0x3 in %s", frames, path)
	}
	s.Observe(&event.Event{Kind: event.KindFork, PID: 11, PPID: 10})
	if fr := s.Resolve(11, []uint64{pc}); len(fr) != 1 || fr[0].Func != "getpid+0x3" {
		t.Errorf("child resolves %+v, want its parent's mappings", fr)
	}
	// A frame outside every mapping ends the stack: the walk went astray.
	if fr := s.Resolve(10, []uint64{pc, 0x2f3d4c4c45485300, pc}); len(fr) != 1 {
		t.Errorf("Resolve kept %d frames of a stack that leaves the mappings after 1", len(fr))
	}
	// A new image replaces the old mappings.
	s.Observe(&event.Event{Kind: event.KindMmap, PID: 10, Path: path,
		Mapping: &event.Mapping{Start: 2 * start, End: 2*start + 1<<24, Offset: textOff, Inode: ino, NewImage: true}})
	if fr := s.Resolve(10, []uint64{pc}); len(fr) != 0 {
		t.Errorf("after exec, an address of the old image resolves to %+v", fr)
	}
	s.Forget(10)
	if _, ok := s.procs[10]; ok {
		t.Error("Forget kept the process's mappings")
	}
}

// A file replaced since it was mapped (another inode) is not used.
func TestSymbolizerChecksTheFile(t *testing.T) {
	path, textOff, symOff, ino := libcSymbol(t, "getpid")
	s := NewSymbolizer()
	const start = 0x7f0000000000
	s.Observe(&event.Event{Kind: event.KindMmap, PID: 10, Path: path,
		Mapping: &event.Mapping{Start: start, End: start + 1<<24, Offset: textOff, Inode: ino + 1}})
	fr := s.Resolve(10, []uint64{start + symOff - textOff})
	if len(fr) != 1 || fr[0].Func != "" {
		t.Fatalf("Resolve = %+v, want an unnamed frame", fr)
	}
}
