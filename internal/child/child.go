// Package child starts processes whose parent-death signal must mean the
// death of the caller: the kernel sends PR_SET_PDEATHSIG when the thread
// that forked the child ends, not the process, so the child is started and
// waited for from a goroutine locked to its OS thread, which keeps that
// thread alive exactly as long as the child runs (Go issue 27505).
package child

import (
	"os/exec"
	"runtime"
)

// Child is a started process whose exit the goroutine that started it
// waits for.
type Child struct {
	// Cmd is the command, started.
	Cmd *exec.Cmd
	// Exited is closed once the child has exited and Err is set.
	Exited <-chan struct{}
	// Err is Wait's result; read it only after Exited is closed.
	Err error
}

// Start starts cmd from a goroutine locked to its OS thread, which then
// waits for it.
func Start(cmd *exec.Cmd) (*Child, error) {
	exited := make(chan struct{})
	c := &Child{Cmd: cmd, Exited: exited}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.Err = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// Done reports whether the child has exited.
func (c *Child) Done() bool {
	select {
	case <-c.Exited:
		return true
	default:
		return false
	}
}
