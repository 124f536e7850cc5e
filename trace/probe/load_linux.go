package probe

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"

	"github.com/netexplore/netexplore/bpf"
)

// kernelTypes starts reading the kernel's BTF, which relocating and
// attaching the programs need, in the background: decoding it takes
// tens of milliseconds, as long as reading the probe's object and
// creating its maps, which go on meanwhile.
func kernelTypes() *btf.Cache {
	cache := btf.NewCache()
	go cache.Kernel() // an error shows again when a program asks for it
	return cache
}

// gcPause is the garbage collector's pause while probes load.
var gcPause struct {
	sync.Mutex
	loads   int // loads under way
	percent int // the setting to restore after the last
}

// pauseGC turns the garbage collector off until the returned function is
// called. While a probe loads, the kernel's types decode into a heap that
// stays live until the programs are loaded, so collecting meanwhile is
// wasted work: three collections; paused, the load took 0.172 s instead
// of 0.178 s here (`trace -- true`, medians of 16 interleaved runs). The
// memory limit (debug.SetMemoryLimit) still bounds the heap. Loads that
// overlap share one pause; the last to end restores the setting.
func pauseGC() (resume func()) {
	gcPause.Lock()
	defer gcPause.Unlock()
	if gcPause.loads == 0 {
		gcPause.percent = debug.SetGCPercent(-1)
	}
	gcPause.loads++
	return func() {
		gcPause.Lock()
		defer gcPause.Unlock()
		if gcPause.loads--; gcPause.loads == 0 {
			debug.SetGCPercent(gcPause.percent)
		}
	}
}

// relocateEarly works out, in the background, the CO-RE relocations of
// every program against the kernel's types once its BTF is read, and
// throws the result away: what matters is that the kernel types they
// name are then decoded in the cache. Decoding one decodes every type it
// leads to (task_struct alone takes about 25 ms), and this way it goes
// on while the maps are created, not after.
func relocateEarly(spec *ebpf.CollectionSpec, kernel *btf.Cache) {
	var relos []*btf.CORERelocation
	for _, prog := range spec.Programs {
		for i := range prog.Instructions {
			if reloc := btf.CORERelocationMetadata(&prog.Instructions[i]); reloc != nil {
				relos = append(relos, reloc)
			}
		}
	}
	go func() {
		types, err := kernel.Kernel()
		if err != nil {
			return // the programs' loads report it
		}
		btf.CORERelocate(relos, []*btf.Spec{types}, spec.ByteOrder, func(btf.Type) (btf.TypeID, error) { return 0, nil })
	}()
}

// load creates the probe's maps, then loads each program and attaches it
// in a goroutine of its own, and opens the ring buffer meanwhile. The
// kernel verifies one program at a time per caller: loading them side by
// side puts every core to work, so the probe is ready when the longest
// program (the syscall exit's) is, not when all of them are.
func (p *Probe) load(spec *ebpf.CollectionSpec, kernel *btf.Cache, ringSize int) error {
	data, err := ebpf.NewCollectionWithOptions(&ebpf.CollectionSpec{
		Maps:      spec.Maps,
		Variables: spec.Variables,
		Types:     spec.Types,
		ByteOrder: spec.ByteOrder,
	}, ebpf.CollectionOptions{})
	if err != nil {
		return explainLoadError(err)
	}
	maps := make(map[string]*ebpf.Map, len(data.Maps))
	for name, m := range data.Maps {
		maps[name] = m
	}
	// The probe's own maps move to p.objs; what is left is the data
	// sections (.rodata, .bss), closed with p.data.
	p.data = data
	if err := data.Assign(&p.objs.NetexploreMaps); err != nil {
		return fmt.Errorf("creating the probe's maps: %w", err)
	}

	progs := make(map[string]*ebpf.Program, len(hooks))
	links := make([]link.Link, len(hooks))
	errs := make([]error, len(hooks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, h := range hooks {
		wg.Go(func() {
			prog, err := loadProgram(spec, h.program, maps, kernel)
			if err != nil {
				errs[i] = err
				return
			}
			mu.Lock()
			progs[h.program] = prog
			mu.Unlock()
			links[i], err = link.AttachTracing(link.TracingOptions{Program: prog})
			if err != nil {
				errs[i] = fmt.Errorf("attaching tp_btf/%s (%s): %w", h.name, h.why, err)
			}
		})
	}
	// The ring is warmed (see warmRing) while the hooks load. The program
	// needs nothing the hooks do not, so it must load; running it only
	// saves time, and where the kernel cannot, the probe works without.
	var warmErr error
	var warmed bool
	wg.Go(func() {
		prog, err := loadProgram(spec, bpf.NetexploreProgWarmRing, maps, kernel)
		if err != nil {
			warmErr = err
			return
		}
		mu.Lock()
		progs[bpf.NetexploreProgWarmRing] = prog
		mu.Unlock()
		warmed = warmRing(prog) == nil
	})
	p.ring, err = newRingReader(p.objs.Events.FD(), ringSize)
	wg.Wait()
	if err == nil && warmed {
		p.ring.skipDiscarded()
	}
	err = errors.Join(err, warmErr)

	for _, l := range links {
		if l != nil {
			p.links = append(p.links, l)
		}
	}
	if err := errors.Join(append([]error{err}, errs...)...); err != nil {
		for _, prog := range progs {
			prog.Close()
		}
		return err
	}
	if err := (&ebpf.Collection{Programs: progs}).Assign(&p.objs.NetexplorePrograms); err != nil {
		return fmt.Errorf("loading the probe: %w", err)
	}
	return nil
}

// loadProgram loads the named program of spec, on the maps already
// created.
func loadProgram(spec *ebpf.CollectionSpec, name string, maps map[string]*ebpf.Map, kernel *btf.Cache) (*ebpf.Program, error) {
	coll, err := ebpf.NewCollectionWithOptions(&ebpf.CollectionSpec{
		Maps:      spec.Maps,
		Programs:  map[string]*ebpf.ProgramSpec{name: spec.Programs[name]},
		Types:     spec.Types,
		ByteOrder: spec.ByteOrder,
	}, ebpf.CollectionOptions{MapReplacements: maps, Cache: kernel})
	if err != nil {
		return nil, explainLoadError(err)
	}
	// The collection holds copies of the maps: they go, the program stays.
	prog := coll.DetachProgram(name)
	coll.Close()
	return prog, nil
}
