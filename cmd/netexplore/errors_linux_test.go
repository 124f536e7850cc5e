package main

import (
	"bytes"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// TestTraceMissingPrerequisites runs the real binary the way a user on a
// machine without privileges, BTF or tracefs would, and checks for one
// clear line, a non-zero exit status and no Go panic or stack trace.
func TestTraceMissingPrerequisites(t *testing.T) {
	testutil.RequirePrivileged(t) // to drop to nobody we must be root
	bin := buildBinary(t)
	cases := []struct {
		name string
		env  []string
		cred *syscall.Credential
		want string
	}{
		{"unprivileged", nil, &syscall.Credential{Uid: 65534, Gid: 65534}, "needs root"},
		{"no BTF", []string{"NETEXPLORE_BTF_PATH=/nonexistent/vmlinux"}, nil, "no BTF"},
		{"no tracefs", []string{"NETEXPLORE_TRACEFS_PATH=/nonexistent/tracing"}, nil, "tracefs is not mounted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "trace", "--", "true")
			cmd.Env = append(cmd.Environ(), c.env...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			exitErr, ok := err.(*exec.ExitError)
			if !ok || exitErr.ExitCode() == 0 {
				t.Fatalf("exit = %v, want a non-zero status", err)
			}
			out := strings.TrimSpace(stderr.String())
			if strings.Count(out, "\n") != 0 || !strings.Contains(out, c.want) {
				t.Errorf("stderr = %q, want one line mentioning %q", out, c.want)
			}
			if strings.Contains(out, "goroutine") || strings.Contains(out, "panic") {
				t.Errorf("stderr shows a Go crash: %s", out)
			}
		})
	}
}

// TestTraceExitStatus checks that trace exits with the traced command's status.
func TestTraceExitStatus(t *testing.T) {
	testutil.RequirePrivileged(t)
	bin := buildBinary(t)
	cmd := exec.Command(bin, "trace", "--brief", "--", "sh", "-c", "exit 7")
	err := cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 7 {
		t.Fatalf("exit = %v, want status 7", err)
	}
}

// TestVersionAndHelp checks the conventions a user tries first: --version
// and --help print to standard output and succeed; stray arguments to
// version are refused.
func TestVersionAndHelp(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"--version"}, 0, "netexplore "},
		{[]string{"version"}, 0, "netexplore "},
		{[]string{"version", "--bogus"}, 2, ""},
		{[]string{"--help"}, 0, "Usage:"},
		{[]string{"-h"}, 0, "Usage:"},
	} {
		var out, errOut strings.Builder
		code := run(c.args, &out, &errOut)
		if code != c.code || !strings.Contains(out.String(), c.stdout) {
			t.Errorf("netexplore %v: exit %d, stdout %q; want %d and %q", c.args, code, out.String(), c.code, c.stdout)
		}
	}
}

// TestExportMemoryLimit: export (and replay) read sessions under the limit
// --memory-limit sets, and refuse a larger one with one clear line.
func TestExportMemoryLimit(t *testing.T) {
	defer func(l int64) { session.Limit = l }(session.Limit)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	var out, errOut strings.Builder
	if code := run([]string{"export", "--memory-limit", "64KiB", "--format", "text"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "more than the memory limit allows") {
		t.Errorf("64KiB: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"export", "--memory-limit", "lots"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "--memory-limit") {
		t.Errorf("bad size: exit %d, stderr %q", code, errOut.String())
	}
}
