// Package peakrss measures the peak resident memory of a command the way
// GNU time does: from a small process of its own. The rusage a parent gets
// for a child it started itself cannot be used: the kernel carries the
// resident peak of the memory a process leaves at exec into its figure,
// and a child Go starts shares its parent's memory until that exec, so the
// child of a 200 MiB process reports at least 200 MiB.
package peakrss

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// timePath is GNU time (Debian's package time).
const timePath = "/usr/bin/time"

// Available reports whether the measuring program is installed.
func Available() error {
	if _, err := os.Stat(timePath); err != nil {
		return fmt.Errorf("measuring peak memory needs GNU time (apt-get install time): %w", err)
	}
	return nil
}

// Measure changes cmd to run under GNU time and returns the function that
// reads the command's peak resident memory, in bytes, once cmd has run.
// cmd's exit status stays the command's; dir holds the measurement's
// file.
func Measure(cmd *exec.Cmd, dir string) (peak func() (int64, error), err error) {
	if err := Available(); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "peakrss-*")
	if err != nil {
		return nil, err
	}
	out := f.Name()
	f.Close()
	path := cmd.Path
	cmd.Args = append([]string{timePath, "-f", "%M", "-o", out, "--", path}, cmd.Args[1:]...)
	cmd.Path = timePath
	return func() (int64, error) {
		defer os.Remove(out)
		b, err := os.ReadFile(out)
		if err != nil {
			return 0, err
		}
		// The figure is the last line; a command that failed or died of
		// a signal has a line about it before.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		kib, err := strconv.ParseInt(strings.TrimSpace(lines[len(lines)-1]), 10, 64)
		if err != nil {
			return 0, errors.New("GNU time gave no peak memory: " + strings.TrimSpace(string(b)))
		}
		return kib << 10, nil
	}, nil
}
