// Package procs makes many short processes fast, for tests that need
// thousands of traced processes at once. fork(2) copies the address space
// of a Go program (milliseconds each on a small virtual machine); these
// processes share the test's memory instead (clone with CLONE_VM, not
// CLONE_THREAD: each is a process of its own) and run a few syscalls from
// a tiny assembly stub on a stack of their own.
package procs

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"
)

// What a child does.
const (
	// Netlink opens a NETLINK_ROUTE socket.
	Netlink = 0
	// Sysctl opens /proc/sys/net/ipv4/ip_forward and reads it, and exits
	// without closing it.
	Sysctl = 1
)

// job is what the assembly stub reads; keep the layout.
type job struct {
	close int64 // an fd the child closes first
	mode  int64
	path  *byte
	wait  int64 // an fd the child reads one byte from before exiting, or -1
}

const stackSize = 256

func cloneChild(stack uintptr, j *job) (pid uintptr, errno uintptr)

// Run makes n children that each do what mode says. With together, they
// all stay alive until the last one is made (each waits on a pipe);
// otherwise each exits at once and is reaped before the next starts. It
// returns how many children it made, once all of them have exited.
func Run(n, mode int, together bool) (int, error) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return 0, err
	}
	path := append([]byte("/proc/sys/net/ipv4/ip_forward"), 0)
	j := &job{close: int64(p[1]), mode: int64(mode), path: &path[0], wait: int64(p[0])}
	if !together {
		j.wait = -1
	}
	stacks := make([]byte, n*stackSize)
	made := 0
	var err error
	for i := range n {
		top := uintptr(unsafe.Pointer(&stacks[(i+1)*stackSize-1])) &^ 15
		pid, errno := cloneChild(top, j)
		if errno != 0 {
			err = fmt.Errorf("clone: %w", syscall.Errno(errno))
			break
		}
		made++
		if !together {
			var ws syscall.WaitStatus
			syscall.Wait4(int(pid), &ws, 0, nil)
		}
	}
	syscall.Close(p[1]) // the waiting children read EOF and exit
	for {
		if _, werr := syscall.Wait4(-1, nil, 0, nil); werr == syscall.ECHILD {
			break
		}
	}
	syscall.Close(p[0])
	runtime.KeepAlive(stacks)
	runtime.KeepAlive(path)
	runtime.KeepAlive(j)
	return made, err
}
