package layers

import (
	"go/build"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/netexplore/netexplore"

// rule forbids packages matching from (a path prefix, relative to the
// module) to depend, directly or not, on packages matching any of to.
type rule struct {
	from   string
	to     []string
	reason string
}

var rules = []rule{
	{"bpf", []string{"trace", "steps", "session", "tui", "cmd", "internal"}, "bpf is the bottom layer"},
	{"trace", []string{"steps", "session", "tui", "cmd", "internal/dockerd", "internal/docgen"}, "the engine knows nothing of lessons, sessions or screens"},
	{"trace/event", []string{"trace/decode", "trace/analyze", "trace/probe", "bpf"}, "event is the engine's leaf"},
	{"trace/decode", []string{"trace/analyze", "trace/probe", "bpf"}, "decoders are pure functions over bytes"},
	{"trace/analyze", []string{"trace/probe", "bpf"}, "analysis works on recorded events too"},
	{"steps", []string{"trace/probe", "bpf", "session", "tui", "cmd"}, "the lessons never load a probe and know nothing above them"},
	{"session", []string{"tui", "cmd"}, "the session model sits below its screens"},
	{"tui", []string{"trace/probe", "bpf", "session/live", "steps/lab"}, "the UI renders a session model; replay and live share one path"},
	{"internal/marker", []string{"trace", "steps", "session", "tui", "cmd", "bpf"}, "a leaf both sides share"},
	{"internal/netns", []string{"trace", "steps", "session", "tui", "cmd", "bpf"}, "a leaf both sides share"},
	{"internal/safefile", []string{"trace", "steps", "session", "tui", "cmd", "bpf"}, "a leaf both sides share"},
	{"internal/sanitize", []string{"trace", "steps", "session", "tui", "cmd", "bpf"}, "a leaf both sides share"},
}

func under(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }

// TestLayers checks every rule against the packages' real imports (test
// files excluded: a test may reach up to drive what it tests).
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, full := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(full, module), "/")
		p, err := build.Import(full, "", 0)
		if err != nil {
			t.Fatalf("reading %s: %v", full, err)
		}
		for _, imp := range p.Imports {
			if r, ok := strings.CutPrefix(imp, module+"/"); ok {
				imports[rel] = append(imports[rel], r)
			}
		}
	}
	if len(imports) < 10 {
		t.Fatalf("only %d packages with project imports found: the test is not seeing the module", len(imports))
	}
	// deps returns pkg's transitive project imports, each with the import
	// chain that brings it in.
	deps := func(pkg string) map[string]string {
		seen := map[string]string{}
		var walk func(p, chain string)
		walk = func(p, chain string) {
			for _, imp := range imports[p] {
				if _, ok := seen[imp]; ok {
					continue
				}
				c := chain + " -> " + imp
				seen[imp] = c
				walk(imp, c)
			}
		}
		walk(pkg, pkg)
		return seen
	}
	checked := 0
	for pkg := range imports {
		d := deps(pkg)
		for _, r := range rules {
			if !under(pkg, r.from) {
				continue
			}
			checked++
			for dep, chain := range d {
				for _, bad := range r.to {
					if under(dep, bad) {
						t.Errorf("%s must not depend on %s (%s): %s", pkg, dep, r.reason, chain)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rule applied to any package")
	}
	// The walk must see through layers: the CLI reaches the probe only
	// through other packages' imports as well as its own.
	if _, ok := deps("tui")["trace/event"]; !ok {
		t.Error("tui's dependencies do not include trace/event: the import walk is broken")
	}
}
