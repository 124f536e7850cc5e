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
