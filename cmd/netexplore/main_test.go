package main

import (
	"fmt"
	"os"
	"testing"
)

// binDir holds the netexplore binary the tests build once and run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netexplore-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Let tests run the binary as an unprivileged user too.
	os.Chmod(dir, 0o755)
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
