package probe

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
)

// The call chains of callChains: the same leaf (chainLeaf) and the same
// function above it (chainMid), reached from chainViaA, from chainViaB
// (the same code as chainViaA, so every frame up to the caller's is laid
// out at the same addresses), and from the two call sites of chainViaC.
// Two chains then differ only two frames above the system call.
var chainOrder = []string{"chainViaA", "chainViaB", "chainViaC:first", "chainViaC:second"}

// callChains makes rounds SIOCGIFFLAGS ioctls through each chain, in
// chainOrder, and returns how many it made.
func callChains(rounds int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	made := 0
	for range rounds {
		for _, call := range []func(int) error{
			chainViaA, chainViaB,
			func(fd int) error { return chainViaC(fd, true) },
			func(fd int) error { return chainViaC(fd, false) },
		} {
			if err := call(fd); err != nil {
				return made, err
			}
			made++
		}
	}
	return made, nil
}

//go:noinline
func chainViaA(fd int) error { return chainMid(fd) }

//go:noinline
func chainViaB(fd int) error { return chainMid(fd) }

//go:noinline
func chainViaC(fd int, first bool) error {
	if first {
		return chainMid(fd) // chainViaC:first
	}
	return chainMid(fd) // chainViaC:second
}

//go:noinline
func chainMid(fd int) error { return chainLeaf(fd) }

//go:noinline
func chainLeaf(fd int) error {
	var ifr [40]byte
	copy(ifr[:], "lo")
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
		return fmt.Errorf("SIOCGIFFLAGS: %w", errno)
	}
	return nil
}

// Calls that reach the kernel through the same leaf but from different
// callers, with the same frame layout up to two frames above the system
// call, each get their own stack: the walk reads every frame of every
// event and never takes one call chain for another.
func TestStacksTellCallChainsApart(t *testing.T) {
	const rounds = 500
	evs, losses, out, _ := traceRun(t, Options{Stacks: true}, []string{helperEnv + "=stacks " + fmt.Sprint(rounds)}, os.Args[0])
	if made(t, out) != rounds*len(chainOrder) || losses.Total() != 0 {
		t.Fatalf("helper made %s calls, %d lost; want %d, 0", strings.TrimSpace(out), losses.Total(), rounds*len(chainOrder))
	}
	a := analyze.NewAnalyzer(analyze.NewSymbolizer())
	var got []string
	for _, e := range evs {
		r := a.Analyze(e)
		if e.Kind != event.KindIoctl || e.Args[0] != unix.SIOCGIFFLAGS {
			continue
		}
		chain, err := chainOf(r.Frames)
		if err != nil {
			t.Fatalf("event %d: %v", e.Seq, err)
		}
		got = append(got, chain)
	}
	if len(got) != rounds*len(chainOrder) {
		t.Fatalf("%d SIOCGIFFLAGS ioctls with a call chain; want %d", len(got), rounds*len(chainOrder))
	}
	for i, chain := range got {
		if want := chainOrder[i%len(chainOrder)]; chain != want {
			t.Fatalf("ioctl %d came through %s; want %s", i, chain, want)
		}
	}
}

// chainOf names the chain a stack came through: the frame above chainMid,
// and for chainViaC which of its call sites (by the source line's comment).
func chainOf(frames []analyze.Frame) (string, error) {
	names := make([]string, len(frames))
	for i, f := range frames {
		names[i] = f.Func
	}
	for i := 0; i+2 < len(frames); i++ {
		if !hasFunc(frames[i], "chainLeaf") || !hasFunc(frames[i+1], "chainMid") {
			continue
		}
		caller := frames[i+2]
		for _, via := range []string{"chainViaA", "chainViaB"} {
			if hasFunc(caller, via) {
				return via, nil
			}
		}
		if hasFunc(caller, "chainViaC") {
			line, err := sourceLine(caller.File, caller.Line)
			if err != nil {
				return "", err
			}
			for _, site := range []string{"chainViaC:first", "chainViaC:second"} {
				if strings.HasSuffix(line, "// "+site) {
					return site, nil
				}
			}
			return "", fmt.Errorf("chainViaC called chainMid from line %d: %q", caller.Line, line)
		}
		return "", fmt.Errorf("chainMid called from %s", caller.Func)
	}
	return "", fmt.Errorf("no chainLeaf under chainMid in the stack %v", names)
}

func hasFunc(f analyze.Frame, name string) bool {
	fn, _, _ := strings.Cut(f.Func, "+")
	return fn == "github.com/netexplore/netexplore/trace/probe."+name
}

// sourceLine returns line n (from 1) of file, its spaces trimmed.
func sourceLine(file string, n int) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	lines := strings.Split(string(b), "\n")
	if n < 1 || n > len(lines) {
		return "", fmt.Errorf("%s has no line %d", file, n)
	}
	return strings.TrimSpace(lines[n-1]), nil
}
