package steps

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

// sourceFS holds the package's own source, so a viewer can show the code
// behind each step (and any line a stack frame points at) without the
// source tree. The pattern takes every file as it is; [SourceFiles] and
// [SourceOf] leave the tests out.
//
//go:embed *.go
var sourceFS embed.FS

// Source is a function's text and where it lives.
type Source struct {
	// File is repository-relative, e.g. "steps/device_linux.go".
	File string `json:"file"`
	// StartLine and EndLine are 1-based and inclusive; StartLine is the
	// first line of the doc comment when there is one.
	StartLine int `json:"start_line"`
	EndLine   int `json:"end_line"`
	// Text is the lines StartLine..EndLine, each ending in a newline.
	Text string `json:"text"`
	// Func is the function's full symbol when the code is not netexplore's
	// own: a step derived from the real dockerd names the libnetwork
	// function its calls came from, e.g.
	// "github.com/docker/libnetwork/drivers/bridge.setupDevice".
	Func string `json:"func,omitempty"`
	// Missing says why Text is empty: where the code would come from and
	// that it is not at hand.
	Missing string `json:"missing,omitempty"`
}

// SourceOf returns the source of the function that does s's work, with its
// doc comment. The function is found from the binary's record of it (its
// symbol and file), not from a name: a step read back from a recording has
// none, and its recorded Source is what there is.
func SourceOf(s Step) (Source, error) {
	fn := s.code.function()
	if fn == nil {
		return Source{}, fmt.Errorf("step %s has no function", s.ID)
	}
	pkg, name := splitSymbol(fn.Name())
	file, _ := fn.FileLine(fn.Entry())
	base := path.Base(file)
	text, err := sourceFS.ReadFile(base)
	if err != nil {
		return Source{}, fmt.Errorf("%s: %w", fn.Name(), err)
	}
	start, end, err := funcLines(base, text, name)
	if err != nil {
		return Source{}, err
	}
	lines := strings.SplitAfter(string(text), "\n")
	return Source{
		File:      path.Join(repoDir(pkg), base),
		StartLine: start,
		EndLine:   end,
		Text:      strings.Join(lines[start-1:end], ""),
	}, nil
}

// funcLines returns the first and last line of the top-level function name
// in the Go file text, the first being its doc comment's when it has one.
func funcLines(file string, text []byte, name string) (start, end int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, text, parser.ParseComments)
	if err != nil {
		return 0, 0, fmt.Errorf("parsing embedded %s: %w", file, err)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != name {
			continue
		}
		pos := fd.Pos()
		if fd.Doc != nil {
			pos = fd.Doc.Pos()
		}
		return fset.Position(pos).Line, fset.Position(fd.End()).Line, nil
	}
	return 0, 0, fmt.Errorf("no function %s in %s", name, file)
}

// SourceFiles returns the package's source files, keyed by
// repository-relative path ("steps/device_linux.go").
func SourceFiles() map[string]string {
	files := map[string]string{}
	dir := repoDir(packagePath())
	for _, name := range sourceFileNames() {
		if b, err := sourceFS.ReadFile(name); err == nil {
			files[path.Join(dir, name)] = string(b)
		}
	}
	return files
}

// sourceFileNames returns the names of the package's embedded files without
// the tests, sorted.
func sourceFileNames() []string {
	names, _ := fs.Glob(sourceFS, "*.go")
	kept := names[:0]
	for _, n := range names {
		if !strings.HasSuffix(n, "_test.go") {
			kept = append(kept, n)
		}
	}
	return kept
}

// packagePath returns this package's import path, as the binary records
// it for one of the package's functions.
func packagePath() string {
	pkg, _ := splitSymbol(runtime.FuncForPC(reflect.ValueOf(SourceFiles).Pointer()).Name())
	return pkg
}

// repoDir returns the directory of package pkg relative to the repository
// root: its import path without the main module's path, or its last
// element when the binary does not record the module.
func repoDir(pkg string) string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != "" {
		if rel, found := strings.CutPrefix(pkg, bi.Main.Path+"/"); found {
			return rel
		}
	}
	return path.Base(pkg)
}
