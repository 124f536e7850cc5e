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
// runs in a namespace of its own (the host stays untouched) and its flags
// parse, as do those of trace --help's examples.
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
		examples++
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
