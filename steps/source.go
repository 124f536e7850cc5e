package steps

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strings"
	"sync"
)

// sourceFS holds the package's own source, so a viewer can show the code
// behind each step (and any line a stack frame points at) without the
// source tree. Every non-test .go file of the package is listed; a test
// checks that none is missing.
//
//go:embed address_linux.go check_linux.go config.go device_linux.go doc.go env.go iptables_linux.go join_linux.go macvlan_linux.go modes_linux.go nftables_linux.go overlay_linux.go plan.go runner.go sandbox_linux.go scenario.go scenario_join.go scenario_macvlan.go scenario_modes.go scenario_overlay.go scenario_userbridge.go snapshot.go source.go step.go sysctl_linux.go
var sourceFS embed.FS

// sourceDir is the package's directory relative to the repository root.
const sourceDir = "steps"

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
}

// funcLoc is where one top-level function is declared.
type funcLoc struct {
	file       string
	start, end int
}

var (
	indexOnce sync.Once
	funcIndex map[string]funcLoc
	indexErr  error
)

// buildIndex parses the embedded files once and records every top-level
// function without a receiver.
func buildIndex() {
	funcIndex = map[string]funcLoc{}
	fset := token.NewFileSet()
	entries, err := sourceFS.ReadDir(".")
	if err != nil {
		indexErr = err
		return
	}
	for _, e := range entries {
		src, err := sourceFS.ReadFile(e.Name())
		if err != nil {
			indexErr = err
			return
		}
		f, err := parser.ParseFile(fset, e.Name(), src, parser.ParseComments)
		if err != nil {
			indexErr = fmt.Errorf("parsing embedded %s: %w", e.Name(), err)
			return
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			start := fd.Pos()
			if fd.Doc != nil {
				start = fd.Doc.Pos()
			}
			funcIndex[fd.Name.Name] = funcLoc{
				file:  path.Join(sourceDir, e.Name()),
				start: fset.Position(start).Line,
				end:   fset.Position(fd.End()).Line,
			}
		}
	}
}

// SourceOf returns the source of the function that implements s (s.Func),
// with its doc comment.
func SourceOf(s Step) (Source, error) {
	indexOnce.Do(buildIndex)
	if indexErr != nil {
		return Source{}, indexErr
	}
	loc, ok := funcIndex[s.Func]
	if !ok {
		return Source{}, fmt.Errorf("no function %q in package steps", s.Func)
	}
	text, err := sourceFS.ReadFile(path.Base(loc.file))
	if err != nil {
		return Source{}, err
	}
	lines := strings.SplitAfter(string(text), "\n")
	return Source{
		File:      loc.file,
		StartLine: loc.start,
		EndLine:   loc.end,
		Text:      strings.Join(lines[loc.start-1:loc.end], ""),
	}, nil
}

// SourceFiles returns the package's source files, keyed by
// repository-relative path ("steps/device_linux.go").
func SourceFiles() map[string]string {
	files := map[string]string{}
	entries, _ := sourceFS.ReadDir(".")
	for _, e := range entries {
		b, err := sourceFS.ReadFile(e.Name())
		if err == nil {
			files[path.Join(sourceDir, e.Name())] = string(b)
		}
	}
	return files
}

// sourceFileNames returns the embedded file names, sorted.
func sourceFileNames() []string {
	var names []string
	entries, _ := sourceFS.ReadDir(".")
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}
