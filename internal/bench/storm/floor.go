package main

import (
	"fmt"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
)

// floorHooks are the tracepoints every syscall tracer of this kind
// attaches to, netexplore's probe included.
var floorHooks = []string{"sys_enter", "sys_exit"}

// withEmptyHooks runs f while a program that returns at once is attached
// to each of floorHooks. While any syscall tracepoint is attached, the
// kernel sends every syscall of every process through its slow path and
// calls the programs: the command's time then is the floor of every
// tracer built on these hooks, before it looks at a single event.
func withEmptyHooks(f func() (time.Duration, error)) (time.Duration, error) {
	var links []link.Link
	defer func() {
		for _, l := range links {
			l.Close()
		}
	}()
	for _, name := range floorHooks {
		prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
			Name:         "floor_" + name,
			Type:         ebpf.Tracing,
			AttachType:   ebpf.AttachTraceRawTp,
			AttachTo:     name,
			Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
			License:      "GPL",
		})
		if err != nil {
			return 0, fmt.Errorf("loading an empty %s hook: %w", name, err)
		}
		l, err := link.AttachTracing(link.TracingOptions{Program: prog})
		prog.Close() // the link holds it
		if err != nil {
			return 0, fmt.Errorf("attaching an empty %s hook: %w", name, err)
		}
		links = append(links, l)
	}
	return f()
}
