package dockerd

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	all, err := Plan(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stepNames(all), stepNames(Script()); !slices.Equal(got, want) {
		t.Errorf("Plan(nil) = %v, want the whole script %v", got, want)
	}
	some, err := Plan([]string{StepMacvlanRun})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{StepStart, StepImage, StepMacvlanParent, StepMacvlanNetwork, StepMacvlanRun, StepStop}
	if got := stepNames(some); !slices.Equal(got, want) {
		t.Errorf("Plan(macvlan-run) = %v, want %v (its needs, in script order, between start and stop)", got, want)
	}
	if _, err := Plan([]string{"nope"}); err == nil || !strings.Contains(err.Error(), StepPublishRun) {
		t.Errorf("Plan(nope) = %v, want an error that lists the steps", err)
	}
	for _, s := range Script() {
		for _, n := range s.Needs {
			if !slices.Contains(stepNames(Script()), n) {
				t.Errorf("step %s needs unknown step %s", s.Name, n)
			}
		}
	}
}

func TestCheckMissingDockerd(t *testing.T) {
	_, err := Check("/nonexistent/dockerd")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Check = %v, want ErrUnavailable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasSuffix(msg, InstallHint) {
		t.Errorf("error %q: want one line ending in %q", msg, InstallHint)
	}
}

// A missing daemon fails before any namespace exists: one error line, a
// done report that carries it, and nothing started.
func TestLaunchWithoutDockerd(t *testing.T) {
	cmd, err := Command(context.Background(), Config{Dockerd: "/nonexistent/dockerd"})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("run = %v, want exit status 1", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "dockerd") || !strings.HasSuffix(lines[0], InstallHint) {
		t.Errorf("stderr = %q, want one line naming dockerd and ending in %q", stderr.String(), InstallHint)
	}
	var done []Report
	if err := ReadReports(&stdout, func(r Report) { done = append(done, r) }); err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0].Phase != PhaseDone || !strings.Contains(done[0].Error, InstallHint) {
		t.Errorf("reports = %+v, want one done report with the error", done)
	}
}

func TestRunRefusesHostNamespaces(t *testing.T) {
	// As root the parent's namespaces are readable and the same; without
	// root they may be unreadable, and that is a refusal too.
	_, err := Run(context.Background(), Config{})
	if err == nil || !strings.Contains(err.Error(), "refusing") && !strings.Contains(err.Error(), "cannot prove") {
		t.Fatalf("Run in the test's own namespaces = %v, want a refusal", err)
	}
}

func TestBusyboxImage(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := busyboxImage(exe) // any file serves as the binary here
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(b))
	links := map[string]string{}
	var size int64 = -1
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch h.Typeflag {
		case tar.TypeSymlink:
			links[h.Name] = h.Linkname
		case tar.TypeReg:
			if h.Name == "bin/busybox" {
				size = h.Size
			}
		}
	}
	if size != st.Size() {
		t.Errorf("bin/busybox holds %d bytes, want %d", size, st.Size())
	}
	for _, a := range []string{"sh", "sleep", "true", "ip"} {
		if links["bin/"+a] != "busybox" {
			t.Errorf("bin/%s -> %q, want busybox", a, links["bin/"+a])
		}
	}
}

func TestReadReports(t *testing.T) {
	in := `{"phase":"begin","index":1,"name":"image-import"}
not a report
{"phase":"end","index":1,"name":"image-import","step":{"index":1,"name":"image-import","command":"x","duration":5}}
{"phase":"done","result":{"version":"20.10.24","steps":[],"duration":7},"error":"boom"}
`
	var got []Report
	if err := ReadReports(strings.NewReader(in), func(r Report) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Phase != PhaseBegin || got[1].Step == nil || got[1].Step.Duration != 5 ||
		got[2].Result == nil || got[2].Result.Version != "20.10.24" || got[2].Error != "boom" {
		t.Errorf("reports = %+v", got)
	}
}

func TestLineTail(t *testing.T) {
	tail := &lineTail{max: 3}
	for _, chunk := range []string{"one\ntw", "o\nthree\nfour\n", "fi"} {
		if _, err := tail.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tail.last(3), "  four\n  fi"; !strings.HasSuffix(got, want) || strings.Contains(got, "one") {
		t.Errorf("last(3) = %q, want it to end in %q without the dropped lines", got, want)
	}
	if got := (&lineTail{max: 3}).last(5); got != "  (empty)" {
		t.Errorf("empty tail = %q", got)
	}
}
