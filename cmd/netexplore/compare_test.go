package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"
)

// compareDoc is the part of `compare --format json` the tests read.
type compareDoc struct {
	Differs bool `json:"differs"`
	Steps   []struct {
		Step    string `json:"step"`
		A, B    string
		Differs bool `json:"differs"`
		Lines   []struct {
			Op    string `json:"op"`
			Kind  string `json:"kind"`
			A     string `json:"a"`
			B     string `json:"b"`
			Known string `json:"known"`
		} `json:"lines"`
	} `json:"steps"`
	Known []struct{ Name, Reason string } `json:"known"`
}

// runCmd runs netexplore in-process and returns its exit status and
// output.
func runMain(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCompareRecordings(t *testing.T) {
	code, out, errs := runMain("compare", "join", "join")
	if code != 0 || !strings.Contains(out, "0 of ") || strings.Contains(out, "≠") {
		t.Errorf("compare join join: status %d, stderr %q, output:\n%s", code, errs, out)
	}
	if code, _, _ := runMain("compare", "--exit-code", "join", "join"); code != 0 {
		t.Errorf("compare --exit-code of equal runs: status %d, want 0", code)
	}
	// Flags after the runs count too.
	code, out, _ = runMain("compare", "join", "join@20.10", "--exit-code", "--format", "json")
	if code != 1 {
		t.Errorf("compare --exit-code of different runs: status %d, want 1", code)
	}
	var doc compareDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("compare --format json: %v", err)
	}
	if !doc.Differs {
		t.Error("join and join@20.10 do not differ")
	}
	for _, st := range doc.Steps {
		if st.Step == "setupMTU" && (st.A != "ran" || st.B != "absent") {
			t.Errorf("setupMTU: A %s, B %s; want ran and absent (Docker 20.10 has no setupMTU)", st.A, st.B)
		}
	}
	code, out, _ = runMain("compare", "--format", "markdown", "join", "join@20.10")
	if code != 0 || !strings.Contains(out, "| ≠ | setupDevice | ran | ran |") || !strings.Contains(out, "```diff") {
		t.Errorf("compare --format markdown: status %d, output:\n%.2000s", code, out)
	}
}

func TestCompareBuiltin(t *testing.T) {
	code, out, errs := runMain("compare", "--builtin", "--format", "json")
	if code != 0 {
		t.Fatalf("compare --builtin: status %d: %s", code, errs)
	}
	var doc compareDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Steps) < 6 || len(doc.Known) == 0 {
		t.Fatalf("compare --builtin: %d steps, %d known differences", len(doc.Steps), len(doc.Known))
	}
	for _, st := range doc.Steps {
		for _, l := range st.Lines {
			if l.Op != "same" && l.Known == "" {
				t.Errorf("%s: unexplained %s %s%s", st.Step, l.Op, l.A, l.B)
			}
		}
	}
	code, out, _ = runMain("compare", "--builtin")
	if code != 0 || !strings.Contains(out, "[known: ") || !strings.Contains(out, "Known differences:") {
		t.Errorf("compare --builtin: status %d, output:\n%s", code, out)
	}
}

func TestCompareBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"compare", "nosuch", "join"}, 1, `A: "nosuch" is neither a session file, a built-in recording (`},
		{[]string{"compare", "join", "--", "--device-api ioctl"}, 1, `B: "--device-api ioctl": a live run is written 'run --device-api ioctl'`},
		{[]string{"compare", "run --bogus", "join"}, 1, `flag provided but not defined: -bogus`},
		{[]string{"compare", "run --scenario nosuch", "join"}, 1, `nosuch`},
		{[]string{"compare", "run extra", "join"}, 1, `unexpected argument "extra"`},
		{[]string{"compare", "join"}, 2, "compare needs two runs"},
		{[]string{"compare", "--builtin", "join"}, 2, "takes no runs"},
		{[]string{"compare", "--format", "yaml", "join", "join"}, 1, `unknown --format "yaml"`},
	} {
		code, _, errs := runMain(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) || strings.Contains(errs, "panic") {
			t.Errorf("%q: status %d, stderr %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
		if c.code == 1 && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%q: more than one line on stderr: %q", c.args, errs)
		}
	}
	if code, _, errs := runMain("compare", "--help"); code != 0 || !strings.Contains(errs, "Examples:") || !strings.Contains(errs, "docker-20.10") {
		t.Errorf("compare --help: status %d, usage:\n%s", code, errs)
	}
}

// TestCompareSources checks what the split view offers: every built-in
// recording, and when live the option variants of the walkthrough's own
// command line that its Docker version accepts, which parse as live runs.
func TestCompareSources(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--device-api ioctl, --firewall-backend nftables, --docker-version 20.10"},
		{[]string{"--docker-version", "20.10"}, "--device-api ioctl, --docker-version 29"}, // 20.10 had no nftables backend
	} {
		var p planFlags
		fs := flagSet(&p)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		p.applyDefaults(fs)
		replay := compareSources(nil, p.cfg, false)
		live := compareSources(c.args, p.cfg, true)
		if len(replay) != len(recordingIDs()) {
			t.Errorf("replay offers %d runs, want the %d built-in recordings", len(replay), len(recordingIDs()))
		}
		var names []string
		for _, s := range live[len(replay):] {
			names = append(names, s.Name)
		}
		if got := strings.Join(names, ", "); got != c.want {
			t.Errorf("%q: live variants = %s, want %s", c.args, got, c.want)
		}
	}
}

// flagSet returns a flag set with p's flags.
func flagSet(p *planFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	p.add(fs)
	return fs
}

// FuzzRunSpec feeds compare's run parser arbitrary specs: each is parsed
// or refused with an error, never a panic.
func FuzzRunSpec(f *testing.F) {
	for _, s := range []string{"join", "docker-20.10", "run", "run --device-api ioctl", "run --scenario", "run --mtu x", "--ipv6", "run\t-h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if r, err := parseRunSpec(spec); err == nil && r.describe == "" {
			t.Errorf("%q: parsed with no description", spec)
		}
	})
}
