// Package netns enters and creates network namespaces from Go, where a
// namespace belongs to an OS thread rather than to a goroutine: [Do] runs a
// function on a thread that joined a namespace, [New] makes a throwaway
// one, [Inode] tells namespaces apart. The lab's steps and the tests share
// this one implementation of the thread juggling that setns and unshare
// need.
package netns

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Handle is an open file for a network namespace (/proc/.../ns/net): the
// namespace lives at least as long as the file is open. It is the
// vishvananda/netns type, so netlink.NewHandleAt and friends accept it.
type Handle = netns.NsHandle

// Current opens the network namespace of the calling thread
// (openat /proc/<pid>/task/<tid>/ns/net). The caller closes it.
func Current() (Handle, error) {
	return netns.Get()
}

// New creates a network namespace and returns a handle to it, leaving the
// caller's namespace as it was. unshare(CLONE_NEWNET) moves the calling
// thread only, so it runs on a locked thread of its own that switches back
// with setns; if it cannot, the thread stays locked and the Go runtime ends
// it instead of reusing it. The namespace has no name: it disappears when
// the handle (and every process and socket in it) is gone.
func New() (Handle, error) {
	type result struct {
		ns  Handle
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get() // openat /proc/<pid>/task/<tid>/ns/net
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{netns.None(), err}
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{netns.None(), fmt.Errorf("unshare(CLONE_NEWNET): %w", err)}
			return
		}
		ns, err := netns.Get() // the new namespace, held by this handle
		if serr := netns.Set(orig); serr != nil {
			if err == nil {
				ns.Close()
			}
			ch <- result{netns.None(), fmt.Errorf("returning to the original network namespace: %w", serr)}
			return // the thread stays locked and dies with the goroutine
		}
		runtime.UnlockOSThread()
		ch <- result{ns, err}
	}()
	r := <-ch
	return r.ns, r.err
}

// Do runs fn on a locked OS thread that has entered ns with setns, the way
// libnetwork's Namespace.InvokeFunc does: /proc/sys/net files and sockets
// belong to the namespace of the thread that opens them. The thread then
// returns to its original namespace; if it cannot, it stays locked and the
// Go runtime ends it instead of reusing it.
func Do(ns Handle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := netns.Set(ns); err != nil { // setns(fd, CLONE_NEWNET)
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		err = fn()
		if serr := netns.Set(orig); serr != nil {
			errc <- errors.Join(err, fmt.Errorf("returning to the original network namespace: %w", serr))
			return // the thread stays locked and dies with the goroutine
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	return <-errc
}

// Inode returns the inode number that identifies the network namespace of
// process pid (0 means the calling process).
func Inode(pid int) (uint64, error) {
	path := "/proc/self/ns/net"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/ns/net"
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, fmt.Errorf("reading the network namespace of process %s: %w", pidName(pid), err)
	}
	return st.Ino, nil
}

// pidName is pid as error messages name it.
func pidName(pid int) string {
	if pid == 0 {
		return "self"
	}
	return strconv.Itoa(pid)
}
