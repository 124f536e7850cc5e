package analyze

import (
	"debug/dwarf"
	"debug/elf"
	"sync"
)

// A frame-pointer walk yields one return address per physical frame, but
// the Go compiler inlines small functions into their callers, so one
// address can stand for several source-level frames (a step function that
// calls netlink's LinkAdd, inlined, shows up as LinkAdd alone). The runtime
// cannot expand such addresses, so inlineIndex reads the binary's DWARF
// inlining tree to recover the callers and the lines they made the calls on.

// inlineIndex expands addresses of one binary into inlined frames.
type inlineIndex struct {
	once sync.Once
	path string
	d    *dwarf.Data
	mu   sync.Mutex
	memo map[uint64][]Frame
}

func newInlineIndex(path string) *inlineIndex {
	return &inlineIndex{path: path, memo: map[uint64][]Frame{}}
}

func (x *inlineIndex) load() {
	f, err := elf.Open(x.path)
	if err != nil {
		return
	}
	defer f.Close()
	if d, err := f.DWARF(); err == nil {
		x.d = d
	}
}

// callers returns, for an address inside inlined code, the frames that
// enclose the innermost one, innermost first, each with the line of its
// call into the frame below it. It returns nil when pc is not inlined code or
// the binary has no DWARF.
func (x *inlineIndex) callers(pc uint64) []Frame {
	x.once.Do(x.load)
	if x.d == nil {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if fr, ok := x.memo[pc]; ok {
		return fr
	}
	fr := x.lookup(pc)
	x.memo[pc] = fr
	return fr
}

func (x *inlineIndex) lookup(pc uint64) []Frame {
	r := x.d.Reader()
	cu, err := r.SeekPC(pc)
	if err != nil || cu == nil {
		return nil
	}
	lr, err := x.d.LineReader(cu)
	if err != nil || lr == nil {
		return nil
	}
	files := lr.Files()
	// Find the subprogram containing pc among the unit's children.
	for {
		e, err := r.Next()
		if err != nil || e == nil || e.Tag == 0 {
			return nil
		}
		if e.Tag != dwarf.TagSubprogram {
			if e.Children {
				r.SkipChildren()
			}
			continue
		}
		if !x.contains(e, pc) {
			if e.Children {
				r.SkipChildren()
			}
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		chain := []Frame{{PC: pc, Func: name}}
		if e.Children {
			chain = x.descend(r, pc, chain, files)
		}
		if len(chain) < 2 {
			return nil
		}
		// Innermost caller first, like the rest of a stack.
		callers := chain[:len(chain)-1]
		for i, j := 0, len(callers)-1; i < j; i, j = i+1, j-1 {
			callers[i], callers[j] = callers[j], callers[i]
		}
		return callers
	}
}

// descend follows the inlined subroutines containing pc. Each one found
// fixes the line of the call in the frame above it.
func (x *inlineIndex) descend(r *dwarf.Reader, pc uint64, chain []Frame, files []*dwarf.LineFile) []Frame {
	for {
		e, err := r.Next()
		if err != nil || e == nil || e.Tag == 0 {
			return chain
		}
		if e.Tag != dwarf.TagInlinedSubroutine || !x.contains(e, pc) {
			if e.Children {
				r.SkipChildren()
			}
			continue
		}
		caller := &chain[len(chain)-1]
		if i, ok := e.Val(dwarf.AttrCallFile).(int64); ok && i >= 0 && int(i) < len(files) && files[i] != nil {
			caller.File = files[i].Name
		}
		if l, ok := e.Val(dwarf.AttrCallLine).(int64); ok {
			caller.Line = int(l)
		}
		chain = append(chain, Frame{PC: pc, Func: x.originName(e)})
		if !e.Children {
			return chain
		}
		// Continue among this subroutine's children.
	}
}

func (x *inlineIndex) originName(e *dwarf.Entry) string {
	off, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
	if !ok {
		return ""
	}
	r := x.d.Reader()
	r.Seek(off)
	o, err := r.Next()
	if err != nil || o == nil {
		return ""
	}
	name, _ := o.Val(dwarf.AttrName).(string)
	return name
}

func (x *inlineIndex) contains(e *dwarf.Entry, pc uint64) bool {
	ranges, err := x.d.Ranges(e)
	if err != nil {
		return false
	}
	for _, rg := range ranges {
		if pc >= rg[0] && pc < rg[1] {
			return true
		}
	}
	return false
}
