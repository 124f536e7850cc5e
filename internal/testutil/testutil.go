// Package testutil holds helpers shared by netexplore's tests: gating tests
// that need root, and creating throwaway network namespaces so that no test
// ever changes the host's network.
package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/netexplore/netexplore/internal/netns"
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
// creating one and dropping it again.
func probeNetNS() error {
	ns, err := netns.New()
	if err != nil {
		return err
	}
	return ns.Close()
}

// NetNS creates a network namespace for the test and closes it when the test
// ends.
func NetNS(t testing.TB) netns.Handle {
	t.Helper()
	ns, err := netns.New()
	if err != nil {
		t.Fatalf("creating network namespace: %v", err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// SyncBuffer is a bytes.Buffer safe to read while a process (or another
// goroutine) writes it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
