package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// The strace-like flags of `netexplore trace`, run for real: the binary
// under `unshare -n`, so that every command acts in a new, empty network
// namespace and the host is untouched.

// traceIn runs `unshare -n netexplore ARGS...` and returns its exit status,
// standard output and standard error.
func traceIn(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	testutil.RequirePrivileged(t)
	return runCmd(t, exec.Command("unshare", append([]string{"-n", buildBinary(t)}, args...)...))
}

// runCmd runs cmd and returns its exit status, standard output and
// standard error.
func runCmd(t *testing.T, cmd *exec.Cmd) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// traceLines returns the lines of the trace's text output (not the
// command's, not netexplore's own): those that start with "[comm pid]",
// after any timestamps.
func traceLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if regexp.MustCompile(`^[0-9:. ]*\[\S+ \d+\] `).MatchString(l) {
			lines = append(lines, l)
		}
	}
	return lines
}

// jsonLines parses every line of out as a JSON object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line is not a JSON object (%v): %q", err, l)
		}
		objs = append(objs, o)
	}
	return objs
}

// -c prints a table of calls and message types instead of the trace, with
// strace's time columns for the syscalls.
func TestTraceCountTable(t *testing.T) {
	code, _, stderr := traceIn(t, "trace", "-c", "--", "ip", "link", "add", "b0", "type", "bridge")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if l := traceLines(stderr); len(l) != 0 {
		t.Fatalf("-c printed the trace: %q", l)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ +seconds +usecs/call +calls +errors syscall$`),
		regexp.MustCompile(`(?m)^ +\d+\.\d{6} +\d+ +[1-9]\d* +\d* sendmsg$`),
		regexp.MustCompile(`(?m)^ +\d+\.\d{6} +\d+ +[1-9]\d* +\d* setsockopt$`),
		regexp.MustCompile(`(?m)^ +\d+\.\d{6} +\d+ +[1-9]\d* +\d* total$`),
		regexp.MustCompile(`(?m)^ +count +errors message type$`),
		regexp.MustCompile(`(?m)^ +[1-9]\d* +\d* RTM_NEWLINK$`),
		regexp.MustCompile(`(?m)^ +[1-9]\d* +\d* total$`),
	} {
		if !want.MatchString(stderr) {
			t.Errorf("no %s in:\n%s", want, stderr)
		}
	}
	// In JSON, the table is one object before the summary.
	code, stdout, stderr := traceIn(t, "trace", "-c", "--format", "json", "-o", "-", "--", "ip", "link", "add", "b0", "type", "bridge")
	objs := jsonLines(t, stdout)
	if code != 0 || len(objs) != 2 || objs[0]["kind"] != "summary_table" || objs[1]["kind"] != "summary" {
		t.Fatalf("exit %d, objects %v\n%s", code, objs, stderr)
	}
	rows, _ := objs[0]["syscalls"].([]any)
	for _, row := range rows {
		if row, _ := row.(map[string]any); row["seconds"] == nil || row["usecs_per_call"] == nil {
			t.Errorf("JSON row without time: %v", row)
		}
	}
	if len(rows) == 0 {
		t.Errorf("JSON table without syscalls: %v", objs[0])
	}
}

// -T ends each call's line with the time it took, as strace does; JSON
// records carry "duration_us". Without -T, neither.
func TestTraceDurations(t *testing.T) {
	timed := regexp.MustCompile(` = -?\d+( E[A-Z]+ \(.*\))? <\d+\.\d{6}>$`)
	for _, args := range [][]string{{"-T"}, {}} {
		code, _, stderr := traceIn(t, append(append([]string{"trace"}, args...), "-e", "trace=netlink", "--", "ip", "link", "show")...)
		lines := traceLines(stderr)
		if code != 0 || len(lines) < 3 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		for _, l := range lines {
			if timed.MatchString(l) != (len(args) > 0) {
				t.Errorf("%v: line %q", args, l)
			}
		}
	}
	code, stdout, stderr := traceIn(t, "trace", "-T", "--format", "json", "-o", "-", "-e", "trace=netlink", "--", "ip", "link", "show")
	objs := jsonLines(t, stdout)
	if code != 0 || len(objs) < 3 {
		t.Fatalf("exit %d, %d objects\n%s", code, len(objs), stderr)
	}
	for _, o := range objs[:len(objs)-1] {
		if d, ok := o["duration_us"].(float64); !ok || d <= 0 {
			t.Errorf("no duration_us: %v", o)
		}
	}
}

// -e filters and -tt timestamps in text; -e, -t and -r in JSON.
func TestTraceFilterAndTimes(t *testing.T) {
	code, _, stderr := traceIn(t, "trace", "-tt", "-e", "trace=netlink", "-e", "rtnl=RTM_NEWLINK", "--", "ip", "link", "add", "b0", "type", "bridge")
	lines := traceLines(stderr)
	if code != 0 || len(lines) == 0 {
		t.Fatalf("exit %d, no trace\n%s", code, stderr)
	}
	line := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} \[ip \d+\] (sendto|sendmsg|recvmsg)\(3<NETLINK_ROUTE>, .*RTM_NEWLINK.*\) = \d+$`)
	created := false
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q is not a timed RTM_NEWLINK exchange", l)
		}
		created = created || strings.Contains(l, "RTM_NEWLINK b0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL) = ")
	}
	if !created {
		t.Errorf("no line creates b0:\n%s", strings.Join(lines, "\n"))
	}
	// The time of day is now's: the probe stamped the events (text
	// without -t or -r leaves the stamp out).
	if at, err := time.ParseInLocation("15:04:05.000000", lines[0][:15], time.Local); err != nil {
		t.Errorf("line %q: %v", lines[0], err)
	} else {
		now := time.Now()
		sinceMidnight := func(x time.Time) time.Duration {
			h, m, s := x.Clock()
			return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
		}
		if d := (sinceMidnight(now) - sinceMidnight(at) + 24*time.Hour) % (24 * time.Hour); d > time.Minute {
			t.Errorf("line %q: the time of day is %v before now (%s)", lines[0], d, now.Format("15:04:05"))
		}
	}

	code, stdout, stderr := traceIn(t, "trace", "--format", "json", "-o", "-", "-t", "-r", "-e", "family=route", "-e", "trace=!setsockopt",
		"--", "ip", "link", "add", "b0", "type", "bridge")
	objs := jsonLines(t, stdout)
	if code != 0 || len(objs) < 3 {
		t.Fatalf("exit %d, %d objects\n%s", code, len(objs), stderr)
	}
	for _, o := range objs[:len(objs)-1] {
		sock, _ := o["socket"].(map[string]any)
		if sock["protocol"] != "NETLINK_ROUTE" || o["syscall"] == "setsockopt" {
			t.Errorf("event passed the filter: %v", o)
		}
		if _, ok := o["time"].(string); !ok {
			t.Errorf("no time: %v", o)
		}
		if _, ok := o["relative_us"].(float64); !ok {
			t.Errorf("no relative_us: %v", o)
		}
	}
	sum := objs[len(objs)-1]
	if sum["kind"] != "summary" || sum["exit_status"] != 0.0 || sum["lost"] != 0.0 || sum["events"] != float64(len(objs)-1) {
		t.Errorf("summary %v", sum)
	}
}

// JSON is one object per line on the trace's stream, the summary and
// warnings included: `2>&1 >/dev/null | jq` reads it whole; with -o - the
// trace has standard output and the command's output goes, untouched, to
// standard error.
func TestTraceJSONStream(t *testing.T) {
	testutil.RequirePrivileged(t)
	bin := buildBinary(t)
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq is missing: run make deps")
	}
	out, err := exec.Command("unshare", "-n", "bash", "-c",
		"set -o pipefail; '"+bin+"' trace --format json -- ip -br link 2>&1 >/dev/null | jq -c .").CombinedOutput()
	if err != nil {
		t.Fatalf("jq failed: %v\n%s", err, out)
	}
	objs := jsonLines(t, string(out))
	if objs[len(objs)-1]["kind"] != "summary" || len(objs) < 5 {
		t.Fatalf("last object %v of %d", objs[len(objs)-1], len(objs))
	}

	code, stdout, stderr := traceIn(t, "trace", "--format", "json", "-o", "-", "--", "ip", "-br", "link")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	objs = jsonLines(t, stdout)
	if objs[len(objs)-1]["kind"] != "summary" {
		t.Fatalf("last object %v", objs[len(objs)-1])
	}
	want, err := exec.Command("unshare", "-n", "ip", "-br", "link").Output()
	if err != nil {
		t.Fatal(err)
	}
	if stderr != string(want) {
		t.Fatalf("the command's output on stderr is %q, want %q", stderr, want)
	}
}

// Usage conventions: help and versions on stdout, a missing command exits
// 127 with one line, -o takes a file name, not the -- that ends the flags.
func TestTraceConventions(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"trace", "--help"}, 0, "Usage: sudo netexplore trace", ""},
		{[]string{"trace", "-h"}, 0, "-e EXPR", ""},
		{[]string{"trace", "--version"}, 0, "netexplore ", ""},
		{[]string{"--version"}, 0, "netexplore ", ""},
		{[]string{"--help"}, 0, "trace ", ""},
		{[]string{"trace", "--", "no-such-command-x"}, 127, "", "netexplore: no-such-command-x: not found\n"},
		{[]string{"trace", "-o", "--", "true"}, 2, "", "netexplore trace: -o needs a file name (or - for standard output) before --\n"},
		{[]string{"trace", "-e", "trace=bogus", "--", "true"}, 2, "", "classes: exec, ioctl, netlink, process, socket, sysctl"},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = dir
		code, stdout, stderr := runCmd(t, cmd)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) ||
			(c.stderr == "" && stderr != "") || strings.Count(stderr, "\n") > 1 {
			t.Errorf("netexplore %q: exit %d, stdout %.80q, stderr %q; want %d, %q, %q",
				c.args, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files created: %v", ents)
	}
}

// -u runs the command as another user, still traced: nobody's netlink
// request fails with EPERM, shown as strace shows errors.
func TestTraceRunAs(t *testing.T) {
	code, stdout, stderr := traceIn(t, "trace", "-u", "nobody", "--", "id", "-u")
	if code != 0 || stdout != "65534\n" || !strings.Contains(stderr, `execve("/usr/bin/id", ["id", "-u"])`) {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	code, _, stderr = traceIn(t, "trace", "-u", "nobody", "-e", "trace=netlink", "--", "ip", "link", "add", "b0", "type", "bridge")
	if code == 0 || !strings.Contains(stderr, "ERROR RTM_NEWLINK -EPERM (Operation not permitted)) = ") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

// Escape sequences from the traced program (its argv, an interface alias)
// never reach the text output, at any verbosity; JSON keeps them exact.
func TestTraceTextIsSanitized(t *testing.T) {
	const evil = "\x1b]0;title\x07"
	dir := t.TempDir()
	for _, v := range []string{"--brief", "-v", "-vv", "-C"} {
		out := filepath.Join(dir, "trace"+v)
		code, _, stderr := traceIn(t, "trace", v, "-o", out, "--", "ip", "link", "set", "lo", "alias", evil)
		b, _ := os.ReadFile(out)
		if code != 0 || len(b) == 0 {
			t.Fatalf("%s: exit %d, %d bytes\n%s", v, code, len(b), stderr)
		}
		if bytes.ContainsAny(b, "\x1b\x07") {
			t.Errorf("%s: control bytes in the text:\n%q", v, b)
		}
		if !bytes.Contains(b, []byte(`\x1b]0;title`)) {
			t.Errorf("%s: the alias is not shown escaped:\n%s", v, b)
		}
	}
	out := filepath.Join(dir, "trace.json")
	traceIn(t, "trace", "--format", "json", "-o", out, "--", "ip", "link", "set", "lo", "alias", evil)
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte(`\u001b]0;title\u0007`)) {
		t.Errorf("JSON does not keep the alias exactly")
	}
}
