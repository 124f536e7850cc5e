package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/peakrss"
	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// chaosWorkloads is set where the test binary can play the workloads of
// chaos_helper_linux_amd64_test.go.
var chaosWorkloads bool

// TestChaos keeps the promise of "nothing lost, nothing injected" on the
// real binary, in about a minute: every subcommand killed at a random
// moment (the seed is logged; NETEXPLORE_CHAOS_SEED=N repeats a run)
// leaves the host, the probe and the file system as they were and its
// output complete or marked; losses are counted exactly when the probe's
// tables overflow; a gzip bomb is read within its memory limit; the
// crafted escape-sequence session is shown, never obeyed; and outputs are
// private and never overwrite their input.
func TestChaos(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	bin := buildBinary(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("NETEXPLORE_CHAOS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (NETEXPLORE_CHAOS_SEED=%d go test -run TestChaos repeats this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	host := testutil.HostState(t)

	t.Run("kills", func(t *testing.T) { chaosKills(t, bin, rng, host) })
	t.Run("task table", func(t *testing.T) { chaosTable(t, bin, "netlink", "--max-tasks", "socket", "tasks_full") })
	t.Run("fd table", func(t *testing.T) { chaosTable(t, bin, "sysctl", "--max-fds", "read", "fds_full") })
	t.Run("exec results", func(t *testing.T) { chaosExecResults(t, bin) })
	t.Run("gzip bomb", func(t *testing.T) { chaosBomb(t, bin) })
	t.Run("escape session", func(t *testing.T) { chaosEscape(t, bin) })
	t.Run("outputs", func(t *testing.T) { chaosOutputs(t, bin) })

	if after := testutil.HostState(t); after != host {
		t.Errorf("the host changed:\n%s", lineDiff(host, after))
	}
	testutil.RequireNoOrphanProbes(t)
}

// lineDiff lists the lines only before has (-) and only after has (+).
func lineDiff(before, after string) string {
	count := map[string]int{}
	for _, l := range strings.Split(before, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(after, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		switch {
		case n > 0:
			out = append(out, "- "+l)
		case n < 0:
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// victim is a subcommand the kills subtest interrupts.
type victim struct {
	name string
	// args runs it writing into dir (the binary's path comes first).
	args func(dir string) []string
	// span is about how long it runs: the signal comes within it.
	span time.Duration
	// keys, when set, runs it in a terminal (tmux) and types them.
	keys []string
	// check examines what it left in dir after sig.
	check func(t *testing.T, dir string, sig syscall.Signal, stderr string)
}

func chaosKills(t *testing.T, bin string, rng *rand.Rand, host string) {
	reference := chaosRun(t, bin, "export", "--format", "text").stdout
	victims := []victim{
		{name: "run", args: func(string) []string { return []string{"run"} }, span: 4 * time.Second},
		{name: "record", args: func(dir string) []string { return []string{"record", "-o", filepath.Join(dir, "out.nxs")} },
			span: 4 * time.Second, check: checkRecording},
		{name: "trace", args: func(dir string) []string {
			return []string{"trace", "-o", filepath.Join(dir, "out.txt"), "--", "sh", "-c", "for i in $(seq 40); do ip link show lo; sleep 0.05; done"}
		}, span: 3 * time.Second, check: checkTraceFile},
		{name: "export", args: func(dir string) []string {
			return []string{"export", "--format", "text", "-o", filepath.Join(dir, "out.txt")}
		}, span: 1500 * time.Millisecond, check: func(t *testing.T, dir string, sig syscall.Signal, _ string) {
			// Either the whole export or nothing.
			if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err == nil && string(b) != reference {
				t.Errorf("after %v the export is incomplete: %d of %d bytes", sig, len(b), len(reference))
			}
		}},
		{name: "walkthrough", args: func(string) []string { return nil }, span: 3 * time.Second, keys: []string{"a"}},
		{name: "replay", args: func(string) []string { return []string{"replay"} }, span: time.Second, keys: []string{"a", "3", "j", "j", "4"}},
	}
	for _, v := range victims {
		t.Run(v.name, func(t *testing.T) {
			// An interrupt or a termination, and a kill, in either order.
			sigs := []syscall.Signal{[]syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[rng.IntN(2)], syscall.SIGKILL}
			rng.Shuffle(len(sigs), func(i, j int) { sigs[i], sigs[j] = sigs[j], sigs[i] })
			for _, sig := range sigs {
				delay := time.Duration(rng.Int64N(int64(v.span)))
				dir := t.TempDir()
				stderr := killOnce(t, bin, v, dir, sig, delay)
				if strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") {
					t.Fatalf("%v after %v: a Go crash:\n%s", sig, delay, stderr)
				}
				deadline := time.Now().Add(5 * time.Second)
				for len(labProcesses(bin)) > 0 && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
				if left := labProcesses(bin); len(left) > 0 {
					t.Fatalf("%v after %v: lab processes remain: %v", sig, delay, left)
				}
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					if e.Name() != "out.nxs" && e.Name() != "out.txt" {
						t.Errorf("%v after %v: %s left behind", sig, delay, e.Name())
						continue
					}
					if fi, err := e.Info(); err == nil && fi.Mode().Perm() != 0o600 {
						t.Errorf("%v after %v: %s has mode %v, want 0600", sig, delay, e.Name(), fi.Mode().Perm())
					}
				}
				if v.check != nil {
					v.check(t, dir, sig, stderr)
				}
				t.Logf("%v after %v: clean (%s)", sig, delay.Round(time.Millisecond), lastLine(stderr))
			}
			if after := testutil.HostState(t); after != host {
				t.Fatalf("the host changed:\n%s", lineDiff(host, after))
			}
		})
	}
}

// killOnce starts v with its temporary files in dir, sends sig after
// delay, waits for it to end and returns its standard error (for a
// terminal one, the screen).
func killOnce(t *testing.T, bin string, v victim, dir string, sig syscall.Signal, delay time.Duration) string {
	t.Helper()
	env := append(os.Environ(), "TMPDIR="+dir)
	if v.keys != nil {
		return killInTerminal(t, bin, v, dir, sig, delay)
	}
	cmd := exec.Command(bin, v.args(dir)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay)
	cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		// It finished first (0), or said it was interrupted (130, 143),
		// or died of the signal before it had anything to clean up;
		// trace ends with its command's status.
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		code := cmd.ProcessState.ExitCode()
		ok := code == 0 || code == 128+int(sig) || ws.Signaled() && ws.Signal() == sig || v.name == "trace" && code > 128
		if sig != syscall.SIGKILL && !ok {
			t.Errorf("%s: exit %d after %v at %v, want 0 or %d\n%s", v.name, code, sig, delay, 128+int(sig), stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%s did not exit within 30s of %v", v.name, sig)
	}
	return stderr.String()
}

// chaosTerminals numbers the tmux servers of killInTerminal.
var chaosTerminals atomic.Int64

// killInTerminal runs v in a tmux server of its own, types its keys once
// the screen is up, and signals it after delay.
func killInTerminal(t *testing.T, bin string, v victim, dir string, sig syscall.Signal, delay time.Duration) string {
	t.Helper()
	testutil.RequireCommand(t, "tmux", "tmux")
	// A server of its own each time: one just killed may still be
	// going away under the previous name.
	name := fmt.Sprintf("nx-chaos-%d-%d", os.Getpid(), chaosTerminals.Add(1))
	argv := append([]string{"env", "TMPDIR=" + dir, bin}, v.args(dir)...)
	if out, err := exec.Command("tmux", append([]string{"-L", name, "new-session", "-d", "-s", name, "-x", "160", "-y", "48"}, argv...)...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	defer exec.Command("tmux", "-L", name, "kill-server").Run()
	out, err := exec.Command("tmux", "-L", name, "display", "-p", "-t", name, "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	waitScreen(t, name, "Steps")
	exec.Command("tmux", append([]string{"-L", name, "send-keys", "-t", name}, v.keys...)...).Run()
	time.Sleep(delay)
	screen, _ := exec.Command("tmux", "-L", name, "capture-pane", "-p", "-t", name).Output()
	syscall.Kill(pid, sig)
	if !waitGone(pid, 30*time.Second) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("%s did not exit within 30s of %v", v.name, sig)
	}
	return lastLine(string(screen))
}

// checkRecording: a recording killed outright leaves no file (unless it
// had finished before the kill: the file is named only once complete); one
// interrupted leaves a session that says so, or a complete one.
func checkRecording(t *testing.T, dir string, sig syscall.Signal, _ string) {
	path := filepath.Join(dir, "out.nxs")
	if _, err := os.Stat(path); err != nil {
		return // nothing written: the interrupt came before the lab ran
	}
	s, err := session.ReadFile(path)
	if err != nil {
		t.Fatalf("after %v: %v", sig, err)
	}
	if sig == syscall.SIGKILL && !s.Complete {
		t.Errorf("a recording killed outright left an incomplete %s", path)
	}
	if !s.Complete && !strings.HasPrefix(s.Stopped, "interrupted ") {
		t.Errorf("after %v the recording is neither complete nor marked interrupted: %q", sig, s.Stopped)
	}
}

// checkTraceFile: a trace killed outright leaves no file (it is named only
// when the trace ends), unless it had ended before the kill: its final
// line was printed.
func checkTraceFile(t *testing.T, dir string, sig syscall.Signal, stderr string) {
	if _, err := os.Stat(filepath.Join(dir, "out.txt")); err == nil && sig == syscall.SIGKILL && !traceEnded.MatchString(lastLine(stderr)) {
		t.Errorf("a trace killed outright left its output (its last line: %q)", lastLine(stderr))
	}
}

// traceEnded matches the final line of a trace that ran to its end.
var traceEnded = regexp.MustCompile(`^netexplore: \d+ events, \d+ lost, command ran `)

// result is what a run of the binary gave.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
	maxRSS         int64 // bytes, when measured (see chaosBomb)
}

// chaosRun runs the binary to the end.
func chaosRun(t *testing.T, bin string, args ...string) result {
	t.Helper()
	return chaosRunEnv(t, bin, nil, args...)
}

func chaosRunEnv(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return chaosRunCmd(t, cmd)
}

// chaosRunCmd runs cmd to the end.
func chaosRunCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	args := cmd.Args[1:]
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("%v: a Go crash:\n%s", args, r.stderr)
	}
	return r
}

// chaosTable overflows one of the probe's tables: 200 processes alive at
// once, each making one call of kind, against a table of 64 entries
// (flag). Captured + reported lost must be exactly what they made, and the
// JSON summary must name the reason.
func chaosTable(t *testing.T, bin, mode, flag, kind, reason string) {
	if !chaosWorkloads {
		t.Skip("the workloads need linux/amd64")
	}
	const n = 200
	out := filepath.Join(t.TempDir(), "out.jsonl")
	r := chaosRunEnv(t, bin, []string{fmt.Sprintf("%s=%s %d", chaosHelperEnv, mode, n)},
		"trace", flag, "64", "--format", "json", "-o", out, "--", os.Args[0])
	if r.code != 0 || strings.TrimSpace(r.stdout) != strconv.Itoa(n) {
		t.Fatalf("exit %d, the workload says %q\n%s", r.code, r.stdout, r.stderr)
	}
	captured, root := 0, 0
	var summary *chaosSummary
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e struct {
			PID  int    `json:"pid"`
			Kind string `json:"kind"`
			Ret  int64  `json:"ret"`
			Path string `json:"path"`
			chaosSummary
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if e.Kind == "summary" {
			summary = &e.chaosSummary
		}
		if root == 0 && e.Kind == "exec" && e.Path == os.Args[0] {
			root = e.PID
		}
		if e.Kind == kind && e.PID != root && root != 0 && e.Ret >= 0 {
			captured++
		}
	}
	if summary == nil {
		t.Fatalf("no summary object in the trace:\n%s", r.stderr)
	}
	lost := int(summary.Lost)
	if summary.LostReasons["ring_full"] > 0 {
		t.Fatalf("events lost to the ring buffer: the test cannot count (%v)", summary.LostReasons)
	}
	t.Logf("%d captured + %d lost of %d made: %v", captured, lost, n, summary.LostReasons)
	if captured+lost != n {
		t.Errorf("captured %d + lost %d != %d made (%v)", captured, lost, n, summary.LostReasons)
	}
	if lost == 0 || summary.LostReasons[reason] == 0 {
		t.Errorf("a table of 64 for %d processes: the summary's reasons %v do not name %q", n, summary.LostReasons, reason)
	}
}

// chaosSummary is the closing {"kind":"summary"} object of a JSON trace.
type chaosSummary struct {
	Events      uint64            `json:"events"`
	Lost        uint64            `json:"lost"`
	LostReasons map[string]uint64 `json:"lost_reasons"`
}

// chaosExecResults: the traced command's exec result is in every trace
// (runs a few at a time, as a loaded machine would).
func chaosExecResults(t *testing.T, bin string) {
	const runs, together = 50, 5
	var mu sync.Mutex
	missing := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, together)
	for range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cmd := exec.Command(bin, "trace", "--format", "json", "-o", "-", "--", "sh", "-c", "exit 0")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			mu.Lock()
			defer mu.Unlock()
			if err != nil || !strings.Contains(stdout.String(), `"kind":"exec-result","syscall":"execve","fd":-1,"ret":0`) {
				missing++
				t.Logf("no exec result (%v):\n%s%s", err, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), `"lost":0,"lost_reasons":{}`) {
				t.Errorf("no summary with 0 lost: %q", stdout.String())
			}
		}()
	}
	wg.Wait()
	if missing != 0 {
		t.Errorf("%d of %d traces of sh -c 'exit 0' lack the exec result", missing, runs)
	}
}

// chaosBomb exports a gzip bomb: a small file of one valid event repeated
// until it holds four times the memory limit. The export must say so in
// one clear line and export what it read, its memory within the limit.
func chaosBomb(t *testing.T, bin string) {
	const limit = 64 << 20
	path := filepath.Join(t.TempDir(), "bomb.nxs")
	writeBomb(t, path, 4*limit)
	fi, _ := os.Stat(path)
	// The peak is GNU time's figure: the rusage of a child of this big
	// test process would count the test's own memory (see peakrss).
	cmd := exec.Command(bin, "export", "--memory-limit", "64MiB", "--format", "text", "-o", "/dev/null", path)
	peak, err := peakrss.Measure(cmd, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := chaosRunCmd(t, cmd)
	if r.maxRSS, err = peak(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d-byte bomb: exit %d in %v, peak RSS %d MiB: %s", fi.Size(), r.code, r.took.Round(time.Millisecond), r.maxRSS>>20, strings.TrimSpace(r.stderr))
	// What was read before the limit is exported, after one line.
	if r.code != 0 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "more than the memory limit allows") {
		t.Errorf("exit %d, stderr %q: want one line about the memory limit", r.code, r.stderr)
	}
	if r.maxRSS > limit {
		t.Errorf("peak RSS %d MiB for a limit of %d MiB", r.maxRSS>>20, limit>>20)
	}
}

// writeBomb writes a session whose first step has one event repeated until
// the decompressed text passes size bytes.
func writeBomb(t *testing.T, path string, size int) {
	t.Helper()
	rec, err := session.Builtin("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := rec.Open()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := session.Write(&text, s); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&text)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var head []byte
	var event []byte
	for _, l := range bytes.SplitAfter(plain, []byte("\n")) {
		switch {
		case bytes.Contains(l, []byte(`"type":"event"`)):
			event = l
		case event == nil:
			head = append(head, l...)
		}
		if event != nil {
			break
		}
	}
	if event == nil {
		t.Fatal("no event line in the built-in recording")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.Write(head)
	block := bytes.Repeat(event, (1<<20)/len(event)+1)
	for n := len(head); n < size; n += len(block) {
		zw.Write(block)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// chaosEscape shows the crafted session (session/testdata/escape.nxs)
// through the binary: no escape or bell byte in any text output, and in a
// terminal the title and the clipboard stay untouched.
func chaosEscape(t *testing.T, bin string) {
	const file = "../../session/testdata/escape.nxs"
	for _, args := range [][]string{
		{"export", "--format", "text", file},
		{"export", "--format", "text", "--brief", file},
		{"export", "--format", "text", "-v", file},
		{"export", "--format", "markdown", file},
	} {
		r := chaosRun(t, bin, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		if i := strings.IndexAny(r.stdout, "\x1b\x07"); i >= 0 {
			t.Errorf("%v: an escape or bell byte in the output: %q", args, r.stdout[max(i-40, 0):min(i+40, len(r.stdout))])
		}
	}
	testutil.RequireCommand(t, "tmux", "tmux")
	name := fmt.Sprintf("nx-escape-%d", os.Getpid())
	abs, _ := filepath.Abs(file)
	if out, err := exec.Command("tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "160", "-y", "48", "sh", "-c", bin+" replay "+abs+"; sleep 30").CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	defer exec.Command("tmux", "-L", name, "kill-server").Run()
	exec.Command("tmux", "-L", name, "set", "-g", "set-clipboard", "on").Run()
	exec.Command("tmux", "-L", name, "select-pane", "-t", name, "-T", "chaos-title").Run()
	waitScreen(t, name, "Steps")
	for _, keys := range [][]string{{"a"}, {"1"}, {"3", "j", "j"}, {"4"}, {"5"}, {"6"}, {"2"}} {
		exec.Command("tmux", append([]string{"-L", name, "send-keys", "-t", name}, keys...)...).Run()
		time.Sleep(200 * time.Millisecond)
	}
	screen := waitScreen(t, name, `\x1b]0;`)
	title, _ := exec.Command("tmux", "-L", name, "display", "-p", "-t", name, "#{pane_title}").Output()
	// The walkthrough names the window itself; nothing else may.
	if got := strings.TrimSpace(string(title)); got != "chaos-title" && got != "netexplore" {
		t.Errorf("the replay changed the terminal's title to %q", got)
	}
	if bufs, _ := exec.Command("tmux", "-L", name, "list-buffers").Output(); len(bytes.TrimSpace(bufs)) > 0 {
		t.Errorf("the replay wrote the clipboard: %s", bufs)
	}
	if strings.Contains(screen, "Injected heading\n") {
		t.Errorf("a newline from the session reached the screen:\n%s", screen)
	}
}

// chaosOutputs runs the binary on bad outputs and inputs: each case must
// end with its exit status and one clear line, in time, and leave the
// files it names as they were. Cases of new flags belong in this table.
func chaosOutputs(t *testing.T, bin string) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nxs")
	rec, _ := session.Builtin("")
	s, err := rec.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := session.WriteFile(in, s); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(in)
	hard, soft := filepath.Join(dir, "hard.nxs"), filepath.Join(dir, "soft.nxs")
	os.Link(in, hard)
	os.Symlink(in, soft)
	fifo := filepath.Join(dir, "fifo.nxs")
	syscall.Mkfifo(fifo, 0o600)
	var cut bytes.Buffer // a line cut short inside a valid gzip stream
	zr, _ := gzip.NewReader(bytes.NewReader(orig))
	plain, _ := io.ReadAll(zr)
	zw := gzip.NewWriter(&cut)
	zw.Write(plain[:len(plain)/2])
	zw.Close()
	cutPath := filepath.Join(dir, "cut.nxs")
	os.WriteFile(cutPath, cut.Bytes(), 0o600)

	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
		within time.Duration
	}{
		{"record to a missing directory", []string{"record", "-o", "/nonexistent/x.nxs"}, 1, "no such file or directory", time.Second},
		{"record to a directory", []string{"record", "-o", dir}, 1, "is a directory", time.Second},
		{"record to a full device", []string{"record", "-o", "/dev/full"}, 1, "no space left on device", 15 * time.Second},
		{"record to --", []string{"record", "-o", "--"}, 1, `"--" is not taken as a file name`, time.Second},
		{"export onto its input", []string{"export", in, "-o", in}, 1, "is the session being exported", time.Second},
		{"export onto a hard link of its input", []string{"export", in, "-o", hard}, 1, "is the session being exported", time.Second},
		{"export onto a symlink to its input", []string{"export", in, "-o", soft}, 1, "is the session being exported", time.Second},
		{"export a directory", []string{"export", dir}, 1, "is a directory", time.Second},
		{"export a FIFO", []string{"export", fifo}, 1, "not a regular file", time.Second},
		{"export a line cut inside a valid gzip", []string{"export", "--format", "text", "-o", "/dev/null", cutPath}, 0, "truncated session", 5 * time.Second},
		{"version with a flag", []string{"version", "--bogus"}, 2, "takes no arguments", time.Second},
		{"a /0 bridge subnet", []string{"run", "--bip", "10.0.0.1/0"}, 1, "/0 subnet", time.Second},
		{"a /32 bridge subnet", []string{"run", "--bip", "10.0.0.1/32"}, 1, "/32 subnet", time.Second},
		{"replay saving to standard output", []string{"replay", "--save", "-"}, 1, "--save -", time.Second},
		{"trace to --", []string{"trace", "-o", "--", "true"}, 2, "-o needs a file name", time.Second},
		{"trace of a missing command", []string{"trace", "--", "/nonexistent/cmd"}, 127, "not found", time.Second},
	} {
		// Timed beyond what starting the binary takes now, on a machine
		// that may be loaded.
		startup := chaosRun(t, bin, "version").took
		r := chaosRun(t, bin, c.args...)
		r.took -= startup
		if r.code != c.code || !strings.Contains(r.stderr, c.stderr) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s (%v): exit %d, stderr %q; want exit %d and one line with %q", c.name, c.args, r.code, r.stderr, c.code, c.stderr)
		}
		// A record that ran steps first would have printed their progress
		// (one line is asserted above); the time is a loose bound beyond
		// that, as a loaded machine starts each process slowly.
		if r.took > c.within+3*startup {
			t.Errorf("%s: took %v beyond starting up (%v), want under %v", c.name, r.took, startup, c.within)
		}
	}
	if b, _ := os.ReadFile(in); !bytes.Equal(b, orig) {
		t.Error("the input session changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "--")); err == nil {
		t.Error(`a file named "--" was written`)
	}

	// A symlink at the output is replaced, never written through.
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "link.md")
	os.Symlink(victim, link)
	if r := chaosRun(t, bin, "export", in, "-o", link); r.code != 0 {
		t.Fatalf("export -o link: %s", r.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Error("export wrote through a symlink")
	}
	// Every file written is private, whatever the umask.
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	out := filepath.Join(dir, "out.md")
	chaosRun(t, bin, "export", in, "-o", out)
	for _, p := range []string{out, link} {
		if fi, err := os.Lstat(p); err != nil || fi.Mode() != 0o600 {
			t.Errorf("%s: %v %v, want a regular file with mode 0600", p, fi, err)
		}
	}
	// - is standard output, for record too.
	r := chaosRun(t, bin, "record", "-o", "-", "--scenario", "none")
	if r.code != 0 {
		t.Fatalf("record -o -: exit %d: %s", r.code, r.stderr)
	}
	got, err := session.Read(strings.NewReader(r.stdout))
	if err != nil || !got.Complete {
		t.Errorf("record -o - did not write a complete session to standard output: %v", err)
	}
}
