package analyze

import (
	"bytes"
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"io"
)

// goTable is a Go binary's runtime symbol table, the pclntab: every
// function's name and the file:line of every PC. The Go runtime needs it
// for its own stack traces, so stripped builds keep it (Debian's dockerd
// has neither .symtab nor DWARF, but has this).
type goTable struct {
	tab *gosym.Table
}

// Magic numbers of the pclntab formats debug/gosym reads that carry the
// start of the text segment: Go 1.18 and 1.19, and Go 1.20 and later.
var goTableMagics = [][]byte{
	{0xf0, 0xff, 0xff, 0xff, 0, 0, 1, 8},
	{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8},
}

// maxGoTableScan bounds how many bytes of a binary's read-only data are
// searched for a pclntab when it has no .gopclntab section.
const maxGoTableScan = 256 << 20

// loadGoTable finds and parses f's pclntab, or returns nil when f is not a
// Go binary of a supported version (x86-64, Go 1.18 or later). A non-PIE
// binary keeps it in .gopclntab; a position-independent one (what Debian
// builds) inside .data.rel.ro, where its header is found by its magic.
func loadGoTable(f *elf.File) *goTable {
	if f.Machine != elf.EM_X86_64 {
		return nil
	}
	var cands []*elf.Section
	if s := f.Section(".gopclntab"); s != nil {
		cands = append(cands, s)
	}
	for _, name := range []string{".data.rel.ro", ".rodata"} {
		if s := f.Section(name); s != nil && s.Type == elf.SHT_PROGBITS {
			cands = append(cands, s)
		}
	}
	for _, s := range cands {
		if s.Size > maxGoTableScan {
			continue
		}
		data, err := io.ReadAll(s.Open())
		if err != nil {
			continue
		}
		for off := 0; off < len(data); {
			at := -1
			for _, m := range goTableMagics {
				if i := bytes.Index(data[off:], m); i >= 0 && (at < 0 || off+i < at) {
					at = off + i
				}
			}
			if at < 0 {
				break
			}
			// Headers are pointer-aligned.
			if at%8 == 0 {
				if t := parseGoTable(f, data[at:], s.Addr+uint64(at)); t != nil {
					return t
				}
			}
			off = at + 1
		}
	}
	return nil
}

// parseGoTable parses the pclntab whose header is at the start of data,
// loaded at address addr, and checks that it describes f's code.
func parseGoTable(f *elf.File, data []byte, addr uint64) *goTable {
	const textStartOff = 8 + 2*8 // magic, pad, quantum, ptrsize, nfunc, nfiles
	if len(data) < textStartOff+8 {
		return nil
	}
	text := f.Section(".text")
	if text == nil {
		return nil
	}
	textStart := binary.LittleEndian.Uint64(data[textStartOff:])
	if textStart == 0 {
		// Position-independent: the field is filled in by a relocation.
		// Recent linkers leave it 0: the text starts with the section.
		if textStart = relativeRelocation(f, addr+textStartOff); textStart == 0 {
			textStart = text.Addr
		}
	}
	if textStart < text.Addr || textStart >= text.Addr+text.Size {
		return nil
	}
	tab, err := safeTable(data, textStart)
	if err != nil || tab == nil {
		return nil
	}
	// A header that only looks like one yields no functions in .text.
	fn := tab.LookupFunc("runtime.main")
	if fn == nil || fn.Entry < text.Addr || fn.Entry >= text.Addr+text.Size {
		return nil
	}
	return &goTable{tab: tab}
}

// safeTable parses a pclntab; debug/gosym panics on some malformed input.
func safeTable(data []byte, textStart uint64) (tab *gosym.Table, err error) {
	if !plausibleFuncCount(data) {
		return nil, io.ErrUnexpectedEOF
	}
	defer func() {
		if recover() != nil {
			tab, err = nil, io.ErrUnexpectedEOF
		}
	}()
	return gosym.NewTable(nil, gosym.NewLineTable(data, textStart))
}

// plausibleFuncCount reports whether the function count in a pclntab
// header fits in the table: each function takes at least 8 bytes of it.
// debug/gosym allocates for the count it reads before any other check, so
// a corrupt count would exhaust memory, a crash recover cannot catch.
func plausibleFuncCount(data []byte) bool {
	if len(data) < 16 {
		return false
	}
	var n uint64
	switch data[7] { // pointer size
	case 4:
		n = uint64(binary.LittleEndian.Uint32(data[8:]))
	case 8:
		n = binary.LittleEndian.Uint64(data[8:])
	default:
		return false
	}
	return n <= uint64(len(data))/8
}

// relativeRelocation returns the addend of the R_X86_64_RELATIVE
// relocation of the 8 bytes at addr, or 0 when there is none.
func relativeRelocation(f *elf.File, addr uint64) uint64 {
	const relative = 8 // R_X86_64_RELATIVE
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		for i := 0; i+24 <= len(data); i += 24 {
			if binary.LittleEndian.Uint64(data[i:]) == addr && binary.LittleEndian.Uint64(data[i+8:])&0xffffffff == relative {
				return binary.LittleEndian.Uint64(data[i+16:])
			}
		}
	}
	return 0
}

// lookup returns the function and source position of the instruction at
// vaddr (for a return address, pass the address of the call: one less).
//
// Code the compiler inlined has the position of the inlined function's
// line, in that function's file, while the name is the caller's; without
// the inlining tree (which debug/gosym does not read) the line of the call
// is unknown, so such an address gets the caller's own file and the line
// it starts at, not a line of another function under its name.
func (g *goTable) lookup(vaddr uint64) (fn, file string, line int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	file, line, f := g.tab.PCToLine(vaddr)
	if f == nil {
		return "", "", 0, false
	}
	if entryFile, entryLine, _ := g.tab.PCToLine(f.Entry); entryFile != "" && entryFile != file {
		file, line = entryFile, entryLine
	}
	return f.Name, file, line, true
}
