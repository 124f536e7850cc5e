package export

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

var (
	embeddedOnce sync.Once
	embeddedS    *session.Session
	embeddedErr  error
)

// embedded returns the embedded session, read once for all tests (the
// exporters do not modify it).
func embedded(t *testing.T) *session.Session {
	t.Helper()
	embeddedOnce.Do(func() { embeddedS, embeddedErr = session.Embedded() })
	if embeddedErr != nil {
		t.Fatalf("reading the embedded session: %v", embeddedErr)
	}
	return embeddedS
}

// stepByID returns the first step with the given ID.
func stepByID(t *testing.T, s *session.Session, id string) *session.Step {
	t.Helper()
	for _, st := range s.Steps {
		if st.Info.ID == id {
			return st
		}
	}
	t.Fatalf("the session has no step %s", id)
	return nil
}

func export(t *testing.T, s *session.Session, f Format, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s, f, opts); err != nil {
		t.Fatalf("exporting %s: %v", f, err)
	}
	return b.Bytes()
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(string(f))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("html"); err == nil || !strings.Contains(err.Error(), "markdown, jsonl, pcapng, text") {
		t.Errorf("ParseFormat(html): error %v does not list the formats", err)
	}
	if err := Write(&bytes.Buffer{}, &session.Session{}, "html", Options{}); err == nil {
		t.Error("Write with an unknown format succeeded")
	}
}

// TestDeterministic exports every format twice: the bytes must not change
// (the docs are checked in and compared).
func TestDeterministic(t *testing.T) {
	s := embedded(t)
	for _, f := range Formats() {
		a, b := export(t, s, f, Options{}), export(t, s, f, Options{})
		if !bytes.Equal(a, b) {
			t.Errorf("%s export differs between two runs", f)
		}
		if len(a) == 0 {
			t.Errorf("%s export is empty", f)
		}
	}
}

func TestJSONL(t *testing.T) {
	s := embedded(t)
	out := export(t, s, JSONL, Options{})
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	var all []*session.Event
	var stepOf []*session.Step
	for _, st := range s.Steps {
		for i := range st.Events {
			all = append(all, &st.Events[i])
			stepOf = append(stepOf, st)
		}
	}
	n := 0
	for sc.Scan() {
		var got struct {
			Step      *int           `json:"step"`
			StepIndex *int           `json:"step_index"`
			Event     int            `json:"event"`
			Offset    *int64         `json:"offset_ns"`
			StepID    string         `json:"step_id"`
			Seq       uint64         `json:"seq"`
			Kind      string         `json:"kind"`
			Call      string         `json:"call"`
			Sum       string         `json:"summary"`
			Data      string         `json:"data_hex"`
			Origin    *analyze.Frame `json:"origin"`
		}
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if n >= len(all) {
			t.Fatalf("more lines than the %d events", len(all))
		}
		e, st := all[n], stepOf[n]
		if got.StepIndex == nil || *got.StepIndex != st.Index || got.StepID != st.Info.ID {
			t.Errorf("line %d: step_index %v %q, want %d %q", n+1, got.StepIndex, got.StepID, st.Index, st.Info.ID)
		}
		if got.Step == nil || *got.Step != st.Index {
			t.Errorf("line %d: the deprecated step %v is not step_index %d", n+1, got.Step, st.Index)
		}
		if want := eventNumber(st, e); got.Event != want || got.Offset == nil || *got.Offset < 0 {
			t.Errorf("line %d: event %d offset %v, want event %d and an offset", n+1, got.Event, got.Offset, want)
		}
		if got.Seq != e.Seq || got.Kind != e.Kind.String() || got.Call == "" || got.Sum == "" {
			t.Errorf("line %d: seq %d kind %q call %q summary %q, want seq %d kind %q", n+1, got.Seq, got.Kind, got.Call, got.Sum, e.Seq, e.Kind)
		}
		if got.Data != hex.EncodeToString(e.Data) {
			t.Errorf("line %d: data_hex is not the event's payload", n+1)
		}
		if (got.Origin == nil) != (e.Origin == nil) || (e.Origin != nil && *got.Origin != *e.Origin) {
			t.Errorf("line %d: origin %v, want %v", n+1, got.Origin, e.Origin)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(all) || n != s.EventCount() {
		t.Errorf("%d lines for %d events", n, s.EventCount())
	}
}

func TestText(t *testing.T) {
	s := embedded(t)
	st := stepByID(t, s, "setupDevice")
	o := st.Events[0].Origin
	if o == nil {
		t.Fatal("setupDevice's first event has no origin")
	}
	out := string(export(t, s, Text, Options{}))
	for _, want := range []string{
		fmt.Sprintf("# %d steps, %d events, %d lost\n", len(s.Steps), s.EventCount(), s.Lost),
		fmt.Sprintf("== Step %d/%d  setupDevice — %s  [done]\n", st.Index+1, len(s.Steps), st.Info.Title),
		fmt.Sprintf("   source:  %s:%d-%d\n", st.Source.File, st.Source.StartLine, st.Source.EndLine),
		"    RTM_NEWLINK docker0 kind=bridge",
		"        IFLA_INFO_KIND: \"bridge\"\n",
		fmt.Sprintf("    at %s\n", *o),
		"   changes:\n     + link: docker0 bridge",
		"   skipped: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text export lacks %q", want)
		}
	}
	if n := strings.Count(out, "\n== Step "); n != len(s.Steps) {
		t.Errorf("%d step headers, want %d", n, len(s.Steps))
	}

	brief := string(export(t, s, Text, Options{Brief: true}))
	verbose := string(export(t, s, Text, Options{Verbose: true}))
	if len(brief) >= len(out) || len(verbose) <= len(out) {
		t.Errorf("brief %d bytes, default %d, verbose %d: want brief < default < verbose", len(brief), len(out), len(verbose))
	}
	if strings.Contains(brief, "IFLA_INFO_KIND") {
		t.Error("brief text has decoded trees")
	}
}

// markdownTable matches a table row.
var markdownTable = regexp.MustCompile(`^\|.*\|$`)

// cells counts the cells of a table row, ignoring escaped pipes.
func cells(row string) int {
	return strings.Count(strings.ReplaceAll(row, `\|`, ""), "|") - 1
}

// checkMarkdown checks what breaks rendering: unbalanced code fences and
// table rows with the wrong number of cells.
func checkMarkdown(t *testing.T, md string) {
	t.Helper()
	inFence, header := false, -1
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if !markdownTable.MatchString(line) {
			header = -1
			continue
		}
		if header < 0 {
			header = cells(line)
			continue
		}
		if n := cells(line); n != header {
			t.Errorf("line %d: table row has %d cells, the header %d: %s", i+1, n, header, line)
		}
	}
	if inFence {
		t.Error("a code fence is not closed")
	}
}

func TestMarkdown(t *testing.T) {
	s := embedded(t)
	md := string(export(t, s, Markdown, Options{}))
	checkMarkdown(t, md)

	// One section per step, each linked from the table of steps.
	m := &mdWriter{slugs: map[string]int{}}
	for _, st := range s.Steps {
		heading := fmt.Sprintf("%d. %s — %s", st.Index+1, st.Info.ID, st.Info.Title)
		if !strings.Contains(md, "\n## "+escapeText(heading)+"\n") {
			t.Errorf("no section for step %d (%s)", st.Index+1, st.Info.ID)
		}
		if anchor := m.slug(heading); !strings.Contains(md, "](#"+anchor+")") {
			t.Errorf("the table of steps does not link to #%s", anchor)
		}
	}

	// Every line of a step function that made calls is marked in its source.
	for _, st := range s.Steps {
		for i := range st.Events {
			o := st.Events[i].Origin
			if o == nil || o.File != st.Source.File || o.Line < st.Source.StartLine || o.Line > st.Source.EndLine {
				continue
			}
			if !strings.Contains(md, fmt.Sprintf(" // ◀ L%d: ", o.Line)) {
				t.Errorf("step %s: source line %d is not marked", st.Info.ID, o.Line)
			}
		}
	}

	// The key requests are decoded field by field.
	for _, want := range []string{
		"`RTM_NEWLINK docker0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL` — event 1",
		"- `IFLA_IFNAME` = `\"docker0\"` · bytes ",
		"  - `IFLA_INFO_KIND` = `\"bridge\"` · bytes ",
		"`RTM_NEWADDR 172.17.0.1/16",
		"- `IFA_LOCAL` = `172.17.0.1` · bytes ",
		"`NFT_MSG_NEWRULE rule ip nat POSTROUTING [meta cmp payload cmp counter target:MASQUERADE]",
		"-j MASQUERADE` · bytes ",
		"`RTM_SETLINK index=2 mtu=1500",
		"`NFT_MSG_NEWCHAIN chain ip filter FORWARD hook forward prio 0 policy drop",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}

	// Kernel changes of every step that ran.
	for _, st := range s.Steps {
		if st.Result == nil || st.Status == session.Skipped {
			continue
		}
		for _, c := range st.Result.Changes {
			if !strings.Contains(md, "- "+code(c.String())+"\n") {
				t.Errorf("step %s: change %q missing", st.Info.ID, c)
			}
		}
	}
	for _, st := range s.Steps {
		if st.Status == session.Skipped && !strings.Contains(md, "> **Skipped:** "+escapeText(st.Info.SkipReason)) {
			t.Errorf("skipped step %s has no skip reason", st.Info.ID)
		}
	}
}

// TestMarkdownFolds checks that the long daemon-start step is folded: one
// row per helper process, at most MaxRows rows, and a count of the rest.
func TestMarkdownFolds(t *testing.T) {
	s := embedded(t)
	st := stepByID(t, s, "newFirewaller")
	forks := 0
	for _, r := range st.Records() {
		if r.Event.Kind == event.KindFork {
			forks++
		}
	}
	if forks < 20 {
		t.Fatalf("newFirewaller forked %d helpers; the test expects many", forks)
	}
	const maxRows = 12
	md := string(export(t, s, Markdown, Options{Markdown: MarkdownOptions{MaxRows: maxRows}}))
	section := md[strings.Index(md, "## 1. newFirewaller"):]
	section = section[:strings.Index(section, "\n## ")]
	rows, helperRows := 0, 0
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| # ") {
			rows++
			if strings.Contains(line, "helper process, ") {
				helperRows++
			}
		}
	}
	if rows != maxRows+1 {
		t.Errorf("%d event rows, want %d and one row counting the rest", rows, maxRows+1)
	}
	if want := fmt.Sprintf("%d more helper processes", forks-helperRows); !strings.Contains(section, want) {
		t.Errorf("the last row does not say %q", want)
	}
	for _, want := range []string{
		"helper process, ",
		"`/usr/sbin/nft -f -` → exited with status 1; sent NFT_MSG_DELTABLE",
		"changed nothing",
		"× exec iptables",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("newFirewaller's section lacks %q", want)
		}
	}
}

// syntheticSession is a one-step session with an ioctl-created bridge
// (the bytes of trace/testdata/ioctl_siocbraddbr_br0.hex, with docker0), a
// failed step, lost events and text that needs escaping.
func syntheticSession() *session.Session {
	name := append([]byte("docker0"), make([]byte, 9)...)
	s := &session.Session{
		Header: session.Header{
			Format: session.FormatName, Version: session.FormatVersion, Netexplore: "test", Kernel: "6.18",
			Recorded: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Scenario: "bridge",
			Config: steps.DefaultConfig(), Unavailable: []string{"netlink/netlink_extack"},
		},
		Sources: map[string]string{"steps/device_linux.go": "package steps\n\nfunc ioctlCreateBridge() {\n\tioctl()\n}\n"},
		Lost:    2,
	}
	origin := &analyze.Frame{Func: "github.com/netexplore/netexplore/steps.ioctlCreateBridge", File: "steps/device_linux.go", Line: 4}
	st := &session.Step{
		Index: 0,
		Info: steps.Step{ID: "setupDevice", Phase: steps.PhaseCreateNetwork, Title: "Create the bridge | with *ioctl*",
			Mirrors: "ioctlCreateBridge <setup_device_linux.go>", Explanation: "First line with a_b and _c_.\n  indented rule\nLast.",
			KernelHandlers: []string{"sock_ioctl", "br_ioctl_stub"}},
		Source: steps.Source{File: "steps/device_linux.go", StartLine: 3, EndLine: 5, Text: "func ioctlCreateBridge() {\n\tioctl()\n}\n"},
		Status: session.Failed,
		Result: &steps.StepResult{Error: "creating bridge: EEXIST", Notes: []string{"a <note>"},
			Commands: []steps.CommandRun{{Args: []string{"/usr/sbin/nft", "-f", "-"}, Stdin: "table ip t {\n}\n", ExitCode: 1, Output: "Error: x\nmore"}}},
	}
	st.AddEvent(session.Event{Event: event.Event{Seq: 1, Time: time.Second, Kind: event.KindIoctl, Syscall: "ioctl",
		PID: 10, TID: 10, Comm: "netexplore", Fd: 5, Args: [4]uint64{0x89a0}, SockFamily: 2, SockType: 2,
		Data: name, DataLen: uint32(len(name))}, Origin: origin})
	st.AddEvent(session.Event{Event: event.Event{Seq: 2, Time: time.Second + 5, Kind: event.KindSend, Syscall: "sendto",
		PID: 10, TID: 10, Comm: "netexplore", Fd: 6, SockFamily: 16, SockType: 3, Ret: 20,
		Data: []byte{20, 0, 0, 0, 18, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, DataLen: 20}, Origin: origin})
	s.Steps = []*session.Step{st}
	return s
}

func TestMarkdownSynthetic(t *testing.T) {
	s := syntheticSession()
	md := string(export(t, s, Markdown, Options{}))
	checkMarkdown(t, md)
	for _, want := range []string{
		"# netexplore session: bridge\n",
		"**2 events were lost**",
		"**The recording was interrupted**",
		"Hook unavailable while recording, its events are missing: netlink/netlink_extack.",
		"Create the bridge \\| with \\*ioctl\\*",
		"**Mirrors:** ioctlCreateBridge &lt;setup_device_linux.go>",
		"First line with a_b and \\_c\\_.\n\n```text\nindented rule\n```\n\nLast.",
		"> **Error:** creating bridge: EEXIST",
		"\tioctl() // ◀ L4: SIOCBRADDBR, RTM_GETLINK (2 events)",
		"`SIOCBRADDBR \"docker0\"` — event 1",
		"- `bridge_name` = `\"docker0\" (char *, not an ifreq)` · bytes 0–7",
		"- a &lt;note>",
		"- `nft -f -` → exit 1: `Error: x …`",
		"  ```text\n  table ip t {\n  }\n  ```",
		"**Kernel changes:** none visible",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"IFLA_IFNAME":            "IFLA_IFNAME",
		"_x_":                    `\_x\_`,
		"a*b":                    `a\*b`,
		"iptables -n -L <chain>": "iptables -n -L &lt;chain>",
		"a < b -> c":             "a < b -> c",
		"`x`":                    "\\`x\\`",
		"#1 and #2":              `\#1 and #2`,
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := code("a`b"); got != "``a`b``" {
		t.Errorf("code(a`b) = %q", got)
	}
	if got := cellCode("A|B"); got != "`A\\|B`" {
		t.Errorf("cellCode(A|B) = %q", got)
	}
	if got := shellJoin([]string{"iptables", "!", "-o", "it's", ""}); got != `iptables '!' -o 'it'\''s' ''` {
		t.Errorf("shellJoin = %q", got)
	}
}

// craftedSession is syntheticSession with hostile text wherever a session
// file can carry text: terminal escapes (title, bell, OSC 52 clipboard),
// raw HTML, line breaks that would start headings, and backtick runs that
// would close code fences.
func craftedSession() *session.Session {
	const evil = "x\x1b]0;pwned\x07\x1b]52;c;cGF5bG9hZA==\x07\n# Injected heading\n<script>alert(1)</script><img src=x onerror=alert(1)>```\u202e"
	s := syntheticSession()
	s.Header.Kernel, s.Header.Netexplore, s.Header.Scenario = evil, evil, evil
	s.Header.Unavailable = []string{evil}
	st := s.Steps[0]
	st.Info.ID, st.Info.Title, st.Info.Mirrors = evil, evil, evil
	st.Info.Explanation = evil + "\n  " + evil + "\n" + evil
	st.Info.KernelHandlers = []string{evil}
	st.Source.File = evil
	st.Source.Text = "func f() {\n\t" + evil + "\n}\n"
	s.Sources = map[string]string{evil: st.Source.Text}
	st.Result.Error = evil
	st.Result.Notes = []string{evil}
	st.Result.Commands = []steps.CommandRun{{Args: []string{evil}, Stdin: evil, Output: evil}}
	for i := range st.Events {
		st.Events[i].Comm = evil
		st.Events[i].Origin.File = evil
	}
	return s
}

// TestMarkdownNoInjection renders the crafted session: no escape or bell
// byte may reach the file, no raw HTML may stand outside code, no heading
// may be injected, and every code fence must close.
func TestMarkdownNoInjection(t *testing.T) {
	checkNoInjection(t, string(export(t, craftedSession(), Markdown, Options{})))
}

// checkNoInjection fails unless md is well-formed Markdown in which no
// hostile text escaped its code span, fence or cell.
func checkNoInjection(t *testing.T, md string) {
	t.Helper()
	checkMarkdown(t, md)
	if strings.ContainsAny(md, "\x1b\x07") {
		t.Error("an ESC or BEL byte reached the markdown")
	}
	if strings.ContainsRune(md, '\u202e') {
		t.Error("a bidirectional override reached the markdown")
	}
	var outside []string
	inFence := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if f := leadingBackticks(trimmed); len(f) >= 3 && (inFence == "" || f == inFence) {
			if inFence == "" {
				inFence = f
			} else {
				inFence = ""
			}
			continue
		}
		if inFence != "" {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(trimmed, "#> "), "Injected") {
			t.Errorf("injected heading: %q", line)
		}
		outside = append(outside, stripCodeSpans(line))
	}
	text := strings.ToLower(strings.Join(outside, "\n"))
	for _, tag := range []string{"<script", "<img"} {
		if strings.Contains(text, tag) {
			t.Errorf("raw HTML %q outside code", tag)
		}
	}
}

// TestEscapeSessionFile exports session/testdata/escape.nxs, the built-in
// recording with hostile text in every string and inside the events'
// bytes (interface names in netlink and nftables messages, argv, /proc/sys
// paths): neither Markdown nor text (brief and verbose) may carry an
// escape sequence, a bell or a bidirectional override; the Markdown none
// of the injections checkNoInjection looks for; and the text keeps one
// header line per step.
func TestEscapeSessionFile(t *testing.T) {
	s, err := session.ReadFile("../testdata/escape.nxs")
	if err != nil {
		t.Fatal(err)
	}
	checkNoInjection(t, string(export(t, s, Markdown, Options{})))
	for _, o := range []Options{{}, {Brief: true}, {Verbose: true}} {
		text := string(export(t, s, Text, o))
		if i := strings.IndexAny(text, "\x1b\x07\r\x7f\u202e\u009b"); i >= 0 {
			t.Fatalf("text (brief %v, verbose %v): a control character reached the output: %q", o.Brief, o.Verbose, text[max(i-40, 0):min(i+40, len(text))])
		}
		if !strings.Contains(text, `\x1b]52;c;`) {
			t.Errorf("text (brief %v, verbose %v) does not show the hostile text escaped", o.Brief, o.Verbose)
		}
		if strings.Contains(text, "\n# Injected") {
			t.Errorf("text (brief %v, verbose %v): a string broke onto a line of its own", o.Brief, o.Verbose)
		}
		headers := 0
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "== Step ") {
				headers++
				if !strings.HasSuffix(l, "]") {
					t.Errorf("text (brief %v, verbose %v): a step header is cut: %q", o.Brief, o.Verbose, l)
				}
			}
		}
		if headers != len(s.Steps) {
			t.Errorf("text (brief %v, verbose %v): %d step header lines, want %d", o.Brief, o.Verbose, headers, len(s.Steps))
		}
	}
}

// stripCodeSpans removes the inline code spans of a line: a run of n
// backticks up to the next run of exactly n.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		open := leadingBackticks(line[i:])
		end := -1
		for j := i + len(open); j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			run := leadingBackticks(line[j:])
			if run == open {
				end = j + len(run)
				break
			}
			j += len(run)
		}
		if end < 0 {
			b.WriteString(open)
			i += len(open)
			continue
		}
		i = end
	}
	return b.String()
}

func leadingBackticks(s string) string {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return s[:n]
}

// eventNumber is e's number in st, from 1.
func eventNumber(st *session.Step, e *session.Event) int {
	for i := range st.Events {
		if &st.Events[i] == e {
			return i + 1
		}
	}
	return 0
}

// TestJSONSchemaDocumented: every field of the walkthrough's JSON events
// and of their embedded trace event is described in docs/jsonl-schema.md.
func TestJSONSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/jsonl-schema.md")
	if err != nil {
		t.Fatal(err)
	}
	var names func(reflect.Type) []string
	names = func(rt reflect.Type) []string {
		var out []string
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Anonymous {
				out = append(out, names(f.Type)...)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				out = append(out, name)
			}
		}
		return out
	}
	for _, name := range names(reflect.TypeOf(JSONLEvent{})) {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/jsonl-schema.md does not describe the field %q", name)
		}
	}
}

// TestNetworkPictures: the Markdown export has a Mermaid picture for every
// step and the text export draws the network, from the join scenario's
// recording: docker0, the veth pair, and the container's eth0 with its
// address.
func TestNetworkPictures(t *testing.T) {
	r, err := session.Builtin("join")
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Open()
	if err != nil {
		t.Fatal(err)
	}
	md := string(export(t, s, Markdown, Options{}))
	if got := strings.Count(md, "```mermaid\n"); got != len(s.Steps) {
		t.Errorf("%d Mermaid blocks for %d steps", got, len(s.Steps))
	}
	for _, want := range []string{`subgraph ns2["netns container1"]`, "<b>eth0</b><br/>veth · UP<br/>172.17.0.2/16", "<-->|veth pair|", "<b>docker0</b>"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown export lacks %q", want)
		}
	}
	text := string(export(t, s, Text, Options{Brief: true}))
	for _, want := range []string{"network after this step", "┌─ container1", "eth0 veth UP", "172.17.0.2/16", "docker0 bridge UP", "netns container1 ("} {
		if !strings.Contains(text, want) {
			t.Errorf("the text export lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^#1 \+\d+\.\d{3}ms netns host \(\d+\) \[`).MatchString(text) {
		t.Error("the text export does not number events with their time and namespace")
	}
}
