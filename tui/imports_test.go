package tui

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoProbe checks the layering rule that keeps replay and live mode on
// one path: the TUI renders a session model and never loads a probe, so
// neither the eBPF objects nor the probe may be among its dependencies.
func TestNoProbe(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command to list the package's dependencies")
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/netexplore/netexplore/bpf" || strings.HasPrefix(pkg, "github.com/netexplore/netexplore/trace/probe") {
			t.Errorf("tui depends on %s", pkg)
		}
	}
}
