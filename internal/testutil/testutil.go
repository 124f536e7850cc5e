// Package testutil holds helpers shared by netexplore's tests: gating tests
// that need root, and creating throwaway network namespaces so that no test
// ever changes the host's network.
package testutil

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// RequirePrivilegedEnv names the environment variable that turns privilege
// skips into failures. CI sets it to 1 so that kernel tests cannot silently
// stop running.
const RequirePrivilegedEnv = "NETEXPLORE_REQUIRE_PRIVILEGED"

// skipOrFail skips the test with reason, or fails it when
// NETEXPLORE_REQUIRE_PRIVILEGED=1.
func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv(RequirePrivilegedEnv) == "1" {
		t.Fatalf("%s (and %s=1 forbids skipping)", reason, RequirePrivilegedEnv)
	}
	t.Skip(reason)
}

// RequirePrivileged skips (or fails, see [RequirePrivilegedEnv]) a test that
// needs root: it must be able to create a network namespace.
func RequirePrivileged(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root to create network namespaces: run the tests with sudo")
		return
	}
	if err := probeNetNS(); err != nil {
		skipOrFail(t, "cannot create a network namespace: "+err.Error())
	}
}

// RequireCommand skips (or fails) a test when the program name is not in
// PATH, saying which Debian package provides it.
func RequireCommand(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		skipOrFail(t, name+" not found in PATH: apt-get install "+debianPackage)
	}
	return p
}

// probeNetNS checks that the caller may create a network namespace, by
// creating one on a locked thread and dropping it again.
func probeNetNS() error {
	ns, err := NewNetNS()
	if err != nil {
		return err
	}
	return ns.Close()
}

// NewNetNS creates a new, unnamed network namespace and returns a handle to
// it. The calling goroutine stays in its original namespace. The namespace
// lives as long as the handle (or a process inside it) does: close the handle
// to drop it.
func NewNetNS() (netns.NsHandle, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	orig, err := netns.Get()
	if err != nil {
		return netns.None(), err
	}
	defer orig.Close()

	ns, err := netns.New() // unshare(CLONE_NEWNET) on this thread
	if err != nil {
		return netns.None(), err
	}
	if err := netns.Set(orig); err != nil {
		ns.Close()
		// The thread is stuck in the new namespace: let the runtime
		// discard it instead of reusing it.
		runtime.LockOSThread()
		return netns.None(), errors.Join(errors.New("returning to the original network namespace"), err)
	}
	return ns, nil
}

// NetNS creates a network namespace for the test and closes it when the test
// ends.
func NetNS(t testing.TB) netns.NsHandle {
	t.Helper()
	ns, err := NewNetNS()
	if err != nil {
		t.Fatalf("creating network namespace: %v", err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// InNetNS runs fn on a locked OS thread that has joined ns, then returns the
// thread to its original namespace. If that fails, the thread is discarded
// rather than reused.
func InNetNS(ns netns.NsHandle, fn func() error) error {
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
		if err := netns.Set(ns); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		ferr := fn()
		if err := netns.Set(orig); err != nil {
			// Leave the thread locked: the goroutine ends and the
			// runtime terminates the thread.
			errc <- errors.Join(ferr, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// NetNSInode returns the inode number that identifies the network namespace
// of process pid (0 means the calling process).
func NetNSInode(pid int) (uint64, error) {
	path := "/proc/self/ns/net"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/ns/net"
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}
