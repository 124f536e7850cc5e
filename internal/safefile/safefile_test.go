package safefile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.nxs")
	f, err := Create(path, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("target exists before Commit: %v", err)
	}
	f.Write([]byte("hello"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "hello" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestAbortLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep")
	os.WriteFile(path, []byte("old"), 0o644)
	f, err := Create(path, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	f.Close()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("aborted write changed the target: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// A symlink planted at the target is replaced, never followed: the file
// it points to stays untouched.
func TestSymlinkNotFollowed(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "out")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("export"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink != 0 {
		t.Error("the target is still a symlink")
	}
}

func TestCreateErrorsEarly(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ path, want string }{
		{"/nonexistent/x.nxs", "directory /nonexistent"},
		{dir, "is a directory"},
		{"", "no output file"},
	} {
		_, err := Create(c.path, 0, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Create(%q) = %v, want an error mentioning %q", c.path, err, c.want)
		}
	}
}

func TestStdoutAndDevices(t *testing.T) {
	var buf bytes.Buffer
	f, err := Create("-", 0, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	f.Commit()
	if buf.String() != "x" {
		t.Errorf("stdout got %q", buf.String())
	}
	f, err = Create(os.DevNull, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Fatalf("%s was replaced: %v %v", os.DevNull, fi, err)
	}
}

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.WriteFile(a, nil, 0o600)
	link := filepath.Join(dir, "l")
	os.Symlink(a, link)
	if !SameFile(a, a) || !SameFile(a, link) {
		t.Error("same file not recognised")
	}
	hard := filepath.Join(dir, "h")
	if err := os.Link(a, hard); err != nil {
		t.Fatal(err)
	}
	if !SameFile(a, hard) {
		t.Error("a hard link not recognised")
	}
	if SameFile(a, filepath.Join(dir, "b")) || SameFile("-", "-") {
		t.Error("different outputs called the same")
	}
	// The session read from standard input, redirected from the output.
	in, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	defer func(f *os.File) { os.Stdin = f }(os.Stdin)
	os.Stdin = in
	if !SameFile("-", link) {
		t.Error("standard input redirected from the output not recognised")
	}
}

func TestDashesAreNoFileName(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := Create("--", 0, nil); err == nil {
		t.Error(`Create("--") succeeded`)
	}
	if _, err := CreateNew("--", 0); err == nil {
		t.Error(`CreateNew("--") succeeded`)
	}
}

// While a file is written nothing appears in its directory: the data is
// in an unnamed file until Commit (on file systems with O_TMPFILE, such
// as the test's temporary directory), so a killed writer leaves nothing.
func TestNothingVisibleBeforeCommit(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "out"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write([]byte("partial"))
	if !f.unnamed {
		t.Skip("no O_TMPFILE on this file system")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("visible before Commit: %v", entries)
	}
}

// CreateNew refuses an existing name, a symlink included, and its Commit
// never replaces what appeared at the name meanwhile.
func TestCreateNew(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(victim, link)
	for _, p := range []string{victim, link} {
		if _, err := CreateNew(p, 0); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("CreateNew(%s) = %v, want an error", p, err)
		}
	}
	late := filepath.Join(dir, "late")
	f, err := CreateNew(late, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("session"))
	os.Symlink(victim, late) // planted while the session was written
	if err := f.Commit(); err == nil {
		t.Error("Commit replaced a symlink planted meanwhile")
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the symlink's target was written: %q", b)
	}
	fresh := filepath.Join(dir, "fresh")
	f, err = CreateNew(fresh, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("ok"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(fresh); err != nil || fi.Mode().Perm() != 0o600 || !fi.Mode().IsRegular() {
		t.Errorf("fresh: %v %v", fi, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("entries %v, want victim, link, late and fresh", entries)
	}
}
