package main

import (
	"os"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/probe"
)

// TestREADMECapabilities: README lists the capabilities live mode needs
// exactly as the errors and the walkthrough do.
func TestREADMECapabilities(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), probe.Capabilities) {
		t.Errorf("README.md does not list the capabilities as %q", probe.Capabilities)
	}
	if !strings.Contains(probe.ErrNeedsRoot.Error(), probe.Capabilities) {
		t.Errorf("the error %q does not list them", probe.ErrNeedsRoot)
	}
}

// TestREADMETraceExamples: every `netexplore trace` example in README.md
// that runs a command runs it in a namespace of its own (the host stays
// untouched) and its flags parse, as do those of trace --help's examples;
// examples that attach (-p, --netns) run no command.
func TestREADMETraceExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for _, line := range append(strings.Split(string(b), "\n"), strings.Split(traceUsage, "\n")...) {
		line = strings.TrimSpace(line)
		_, rest, ok := strings.Cut(line, "netexplore trace ")
		if !ok || !strings.HasPrefix(line, "sudo ") && !strings.HasPrefix(line, "unshare ") && !strings.HasPrefix(line, "netexplore trace") {
			continue // prose
		}
		if strings.Contains(line, "[flags]") {
			continue // a synopsis
		}
		examples++
		if attach := strings.Contains(rest, "-p ") || strings.Contains(rest, "--netns "); attach {
			// Attaching only watches processes that already run; there
			// is no command of its own to change anything.
			if strings.Contains(rest, " -- ") {
				t.Errorf("attach example with a command: %s", line)
			}
			continue
		}
		if !strings.Contains(line, "unshare -n") {
			t.Errorf("example outside a namespace of its own: %s", line)
		}
		flags, _, _ := strings.Cut(rest, " -- ")
		args := strings.Fields(flags)
		for i := range args {
			args[i] = strings.Trim(args[i], "'")
		}
		var out, errOut strings.Builder
		if _, _, err := parseTraceFlags(append(args, "--", "true"), &out, &errOut); err != nil {
			t.Errorf("%s: %v %s", line, err, errOut.String())
		}
	}
	if examples < 10 {
		t.Errorf("only %d trace examples found", examples)
	}
}
