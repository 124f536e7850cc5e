// Package safefile creates the files netexplore writes (sessions, exports,
// traces) so that writing them can neither harm nor surprise: a regular
// file is written to an unnamed file (O_TMPFILE) in the target's directory,
// or a hidden temporary one where the file system has none, and takes the
// target's name only when complete, so a failed, interrupted or killed
// write leaves no half file (and, unnamed, no temporary file either), and a
// symlink planted at the target is replaced, not followed; new files are private (0600) unless asked otherwise; an output
// that is the input is refused; and "-" means standard output.
//
// Targets that are not regular files (a terminal, /dev/null, a pipe) are
// opened and written in place.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// DefaultPerm is the mode of a new file: a trace or session can hold
// secrets (an IPsec key, a password on a command line).
const DefaultPerm os.FileMode = 0o600

// File is an output being written. Write to it, then Commit it; Abort (or
// a deferred Close) discards an uncommitted regular file.
type File struct {
	w       io.Writer
	f       *os.File // nil for standard output
	target  string   // the path the caller named
	temp    string   // the named temporary file Commit renames to target
	unnamed bool     // f is an unnamed (O_TMPFILE) file Commit links to target
	replace bool     // Commit may replace an existing target
	done    bool
}

// Create prepares path for writing with mode perm (0 means DefaultPerm);
// Commit replaces whatever path names then. Everything that can be
// checked before any work is: a missing or unwritable directory, a
// directory named as the file. "-" writes to stdout.
func Create(path string, perm os.FileMode, stdout io.Writer) (*File, error) {
	switch path {
	case "":
		return nil, errors.New("no output file named")
	case "-":
		return &File{w: stdout, target: "-"}, nil
	case "--":
		return nil, errDashes
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
	return create(path, perm, true)
}

// errDashes refuses "--" as a file name: it is almost always a
// misplaced end of the options (`-o -- CMD`).
var errDashes = errors.New(`"--" is not taken as a file name (it ends the options): name the file, or give ./-- for a file called so`)

// CreateNew prepares path, which must not exist, for writing with mode
// perm (0 means DefaultPerm): for a name the user did not choose, such as
// a default one in the current directory. Commit fails rather than
// replace a file (or a symlink) that appeared at path meanwhile.
func CreateNew(path string, perm os.FileMode) (*File, error) {
	if path == "--" {
		return nil, errDashes
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, &os.PathError{Op: "create", Path: path, Err: os.ErrExist}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checking %s: %w", path, err)
	}
	return create(path, perm, false)
}

// create opens the file that becomes path on Commit: an unnamed file in
// path's directory where the file system supports it, so nothing is left
// behind however netexplore dies, else a hidden temporary file there.
func create(path string, perm os.FileMode, replace bool) (*File, error) {
	if perm == 0 {
		perm = DefaultPerm
	}
	dir := filepath.Dir(path)
	out := &File{target: path, replace: replace}
	if fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, uint32(perm)); err == nil {
		out.f, out.unnamed = os.NewFile(uintptr(fd), path), true
	} else {
		f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("cannot write %s: directory %s: %w", path, dir, err)
		}
		out.f, out.temp = f, f.Name()
	}
	out.w = out.f
	// The mode asked for, whatever the umask.
	if err := out.f.Chmod(perm); err != nil {
		out.Abort()
		return nil, fmt.Errorf("setting the mode of %s: %w", path, err)
	}
	return out, nil
}

// Write writes to the output.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// Name is the path the caller named ("-" for standard output).
func (f *File) Name() string { return f.target }

// Commit finishes the output: a regular file is synced and renamed over
// the target (replacing, never following, whatever was there), or for
// CreateNew linked there only if nothing is.
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	if f.f == nil {
		return nil
	}
	if f.temp == "" && !f.unnamed {
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", f.target, err)
		}
		return nil
	}
	err := f.f.Sync()
	if err == nil {
		err = f.place()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if f.temp != "" {
		os.Remove(f.temp)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.target, err)
	}
	return nil
}

// place gives the written file the target's name.
func (f *File) place() error {
	if !f.unnamed {
		if f.replace {
			err := os.Rename(f.temp, f.target)
			if err == nil {
				f.temp = ""
			}
			return err
		}
		return os.Link(f.temp, f.target)
	}
	if !f.replace {
		return linkUnnamed(f.f, f.target)
	}
	// Name it in the target's directory, then rename that over the target.
	for range 10 {
		temp := filepath.Join(filepath.Dir(f.target), fmt.Sprintf(".%s.%d.tmp", filepath.Base(f.target), rand.Uint32()))
		err := linkUnnamed(f.f, temp)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.Rename(temp, f.target); err != nil {
			os.Remove(temp)
			return err
		}
		return nil
	}
	return errors.New("no free temporary name")
}

// linkUnnamed gives the unnamed file f the name path, failing if path
// exists.
func linkUnnamed(f *os.File, path string) error {
	err := unix.Linkat(int(f.Fd()), "", unix.AT_FDCWD, path, unix.AT_EMPTY_PATH)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		// Without CAP_DAC_READ_SEARCH, through /proc.
		err = unix.Linkat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", f.Fd()), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: path, Err: err}
	}
	return nil
}

// Abort discards an uncommitted output: the temporary file is removed (an
// unnamed one disappears when closed) and the target is left as it was.
// It does nothing after Commit.
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
// same existing file, following links; input "-" is standard input (a
// file redirected to it counts).
func SameFile(input, output string) bool {
	if input == "" || output == "" || output == "-" {
		return false
	}
	var a os.FileInfo
	var err error
	if input == "-" {
		a, err = os.Stdin.Stat()
	} else {
		a, err = os.Stat(input)
	}
	if err != nil || !a.Mode().IsRegular() {
		return false
	}
	b, err := os.Stat(output)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}
