package analyze

import (
	"debug/elf"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

//go:noinline
func goTableMarker() int { return len(os.Args) }

// The test binary's own pclntab names the function and line of an address,
// as the Go runtime does.
func TestGoTableSelf(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := loadGoTable(f)
	if g == nil {
		t.Fatal("no pclntab found")
	}
	pc := reflect.ValueOf(goTableMarker).Pointer()
	want := runtime.FuncForPC(pc)
	wantFile, wantLine := want.FileLine(pc)
	name, file, line, ok := g.lookup(uint64(pc))
	if !ok || name != want.Name() || file != wantFile || line != wantLine {
		t.Errorf("lookup = %q %s:%d %v, want %q %s:%d", name, file, line, ok, want.Name(), wantFile, wantLine)
	}
}

// Debian's dockerd, when installed: its libnetwork functions resolve with
// their files.
func TestGoTableDockerd(t *testing.T) {
	const path = "/usr/sbin/dockerd"
	f, err := elf.Open(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	defer f.Close()
	g := loadGoTable(f)
	if g == nil {
		t.Fatalf("no pclntab found in %s", path)
	}
	var entry uint64
	for _, fn := range g.tab.Funcs {
		if strings.HasSuffix(fn.Name, "libnetwork/drivers/bridge.setupDevice") {
			entry = fn.Entry
		}
	}
	if entry == 0 {
		t.Fatal("bridge.setupDevice is not in dockerd's table")
	}
	// Every address of the function, inlined calls included (setupDevice
	// inlines netlink's helpers), is placed in its own file.
	for off := uint64(0); off < 256; off += 8 {
		name, file, _, ok := g.lookup(entry + off)
		if !ok || !strings.HasSuffix(name, "bridge.setupDevice") || !strings.HasSuffix(file, "drivers/bridge/setup_device.go") {
			t.Fatalf("lookup(setupDevice+%#x) = %q in %s, want bridge.setupDevice in drivers/bridge/setup_device.go", off, name, file)
		}
	}
	// The address the ELF symbol gives agrees with the table.
	syms, _ := f.DynamicSymbols()
	for _, s := range syms {
		if strings.HasSuffix(s.Name, "libnetwork/drivers/bridge.setupDevice") && s.Value != entry {
			t.Errorf("the dynamic symbol is at %#x, the table says %#x", s.Value, entry)
		}
	}
}

// FuzzGoTable parses arbitrary bytes as a pclntab and looks addresses up
// in it: a damaged binary must give no frames, never a crash.
func FuzzGoTable(f *testing.F) {
	if exe, err := os.Executable(); err == nil {
		if ef, err := elf.Open(exe); err == nil {
			if s := ef.Section(".gopclntab"); s != nil {
				if data, err := s.Data(); err == nil {
					f.Add(data[:min(len(data), 4096)], uint64(0x401000), uint64(0x401100))
				}
			}
			ef.Close()
		}
	}
	f.Add(goTableMagics[1], uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, data []byte, textStart, pc uint64) {
		tab, err := safeTable(data, textStart)
		if err != nil || tab == nil {
			return
		}
		g := &goTable{tab: tab}
		g.lookup(pc)
		g.lookup(textStart)
	})
}
