// Package safefile creates the files netexplore writes (sessions, exports,
// traces) so that writing them can neither harm nor surprise: a regular
// file is written to a temporary file in the target's directory and renamed
// over the target only when complete, so a failed or interrupted write
// leaves no half file and a symlink planted at the target is replaced, not
// followed; new files are private (0600) unless asked otherwise; an output
// that is the input is refused; and "-" means standard output.
//
// Targets that are not regular files (a terminal, /dev/null, a pipe) are
// opened and written in place.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// DefaultPerm is the mode of a new file: a trace or session can hold
// secrets (an IPsec key, a password on a command line).
const DefaultPerm os.FileMode = 0o600

// File is an output being written. Write to it, then Commit it; Abort (or
// a deferred Close) discards an uncommitted regular file.
type File struct {
	w      io.Writer
	f      *os.File // nil for standard output
	target string   // the path the caller named
	temp   string   // the temporary file renamed to target by Commit; "" when writing in place
	done   bool
}

// Create prepares path for writing with mode perm (0 means DefaultPerm).
// Everything that can be checked before any work is: a missing or
// unwritable directory, a directory named as the file. "-" writes to
// stdout.
func Create(path string, perm os.FileMode, stdout io.Writer) (*File, error) {
	if perm == 0 {
		perm = DefaultPerm
	}
	switch path {
	case "":
		return nil, errors.New("no output file named")
	case "-":
		return &File{w: stdout, target: "-"}, nil
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s is a directory: name a file in it", path)
	case err == nil && !fi.Mode().IsRegular():
		// A device, a FIFO or a socket: write in place.
		f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		return &File{w: f, f: f, target: path}, nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("checking %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot write %s: directory %s: %w", path, dir, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("setting the mode of %s: %w", path, err)
	}
	return &File{w: f, f: f, target: path, temp: f.Name()}, nil
}

// Write writes to the output.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// Name is the path the caller named ("-" for standard output).
func (f *File) Name() string { return f.target }

// Commit finishes the output: a regular file is synced and renamed over
// the target (replacing, never following, whatever was there).
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	if f.f == nil {
		return nil
	}
	if f.temp == "" {
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", f.target, err)
		}
		return nil
	}
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.temp, f.target)
	}
	if err != nil {
		os.Remove(f.temp)
		return fmt.Errorf("writing %s: %w", f.target, err)
	}
	return nil
}

// Abort discards an uncommitted output: the temporary file is removed and
// the target is left as it was. It does nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if f.f != nil {
		f.f.Close()
	}
	if f.temp != "" {
		os.Remove(f.temp)
	}
}

// Close is Abort, so `defer out.Close()` cleans up every early return.
func (f *File) Close() error {
	f.Abort()
	return nil
}

// SameFile reports whether output would overwrite input: both name the
// same existing file, following links.
func SameFile(input, output string) bool {
	if input == "" || output == "" || input == "-" || output == "-" {
		return false
	}
	a, err := os.Stat(input)
	if err != nil {
		return false
	}
	b, err := os.Stat(output)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}
