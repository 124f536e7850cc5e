package tui

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/<test name>.golden, or rewrites the
// file with -update (make golden).
func checkGolden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run make golden to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; make golden rewrites it after review):\n%s", path, diff)
	}
}

// escapeANSI makes escape sequences visible, for styled golden files.
func escapeANSI(s string) string { return strings.ReplaceAll(s, "\x1b", `\x1b`) }

// embedded returns a fresh copy of the embedded session.
func embedded(t testing.TB) *session.Session {
	t.Helper()
	s, err := session.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// builtin returns a fresh copy of the built-in recording of scenario.
func builtin(t testing.TB, scenario string) *session.Session {
	t.Helper()
	r, err := session.Builtin(scenario)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Open()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newSized builds a model and gives it a window size.
func newSized(opts Options, w, h int) Model {
	if opts.SavePath == "" {
		opts.SavePath = "test.nxs"
	}
	m := New(opts)
	m.refreshEvery = time.Millisecond
	return send(m, tea.WindowSizeMsg{Width: w, Height: h})
}

// send passes one message through Update, dropping the returned command.
func send(m Model, msg tea.Msg) Model {
	nm, _ := m.Update(msg)
	return nm.(Model)
}

// keyMsg turns a key name as bubbles/key spells it into a key press.
func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"space":     {Code: tea.KeySpace, Text: " "},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	}
	if k, ok := special[name]; ok {
		return tea.KeyPressMsg(k)
	}
	r := []rune(name)
	return tea.KeyPressMsg(tea.Key{Code: r[0], Text: name})
}

// press sends key presses; "type:abc" types each character.
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range text {
				m = send(m, keyMsg(string(r)))
			}
			continue
		}
		m = send(m, keyMsg(k))
	}
	return m
}

// pressCmd sends one key and returns the command Update gave back.
func pressCmd(m Model, k string) (Model, tea.Cmd) {
	nm, cmd := m.Update(keyMsg(k))
	return nm.(Model), cmd
}

// plain renders the screen without escape sequences and checks that it is
// exactly w×h cells.
func plain(t *testing.T, m Model) string {
	t.Helper()
	out := m.View().Content
	checkSize(t, out, m.width, m.height)
	return ansi.Strip(out)
}

// checkSize fails unless out has h lines of exactly w cells.
func checkSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

// selectNode moves the Detail cursor to the first node named name.
func selectNode(t *testing.T, m Model, name string) Model {
	t.Helper()
	for i := 0; i < 200; i++ {
		if n, ok := m.detailPane().selected(); ok && n.name == name {
			return m
		}
		m = press(m, "j")
	}
	t.Fatalf("no node %q in the Detail tree", name)
	return m
}

// selectCall moves the Syscalls pane's cursor down to the first row whose
// text contains want.
func selectCall(t *testing.T, m Model, want string) Model {
	t.Helper()
	for i := 0; i < 200; i++ {
		if r, ok := m.callsPane().selected(); ok && strings.Contains(m.callsPane().data.rows[r].text, want) {
			return m
		}
		m = press(m, "j")
	}
	t.Fatalf("no syscall row with %q", want)
	return m
}

// fakeDriver is a Driver whose steps append synthetic events: a netlink
// request, its ACK and, for odd steps, a helper process. Steps listed in
// fail fail; RunStep blocks until release is closed when it is set.
// Restart refuses the scenarios in refuse, leaving the session alone, and
// for those in lose returns a fresh session of the old scenario with the
// error, as when the old lab was gone before the new one failed.
type fakeDriver struct {
	mu        sync.Mutex
	sess      *session.Session
	ran       []int
	fail      map[int]bool
	restarts  int
	scenarios []string // what each Restart asked for
	refuse    map[string]error
	lose      map[string]error
	release   chan struct{}
}

// newFakeSession returns a plan of n pending steps with sources.
func newFakeSession(n int) *session.Session {
	s := &session.Session{
		Header:  session.Header{Kernel: "6.18.0-test", Scenario: "fake"},
		Sources: map[string]string{"steps/fake.go": "package steps\n\nfunc fake(env *Env) error {\n\treturn env.Handle.LinkAdd(nil)\n}\n"},
	}
	for i := 0; i < n; i++ {
		phase := steps.PhaseCreateNetwork
		if i == 0 {
			phase = steps.PhaseDaemonStart
		}
		s.Steps = append(s.Steps, &session.Step{
			Index:  i,
			Info:   steps.Step{ID: "fakeStep" + string(rune('A'+i)), Phase: phase, Title: "Fake step", Explanation: "Does nothing real.", Func: "fake"},
			Source: steps.Source{File: "steps/fake.go", StartLine: 3, EndLine: 5, Text: "func fake(env *Env) error {\n\treturn env.Handle.LinkAdd(nil)\n}\n"},
			Status: session.Pending,
		})
	}
	return s
}

func (f *fakeDriver) RunStep(i int) error {
	f.mu.Lock()
	st := f.sess.Steps[i]
	st.Status = session.Running
	f.ran = append(f.ran, i)
	rel := f.release
	f.mu.Unlock()
	f.mu.Lock()
	for _, e := range syntheticEvents(uint64(100*(i+1)), i%2 == 1) {
		st.AddEvent(e)
	}
	f.mu.Unlock()
	if rel != nil {
		<-rel
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	res := &steps.StepResult{Step: i, ID: st.Info.ID, Changes: []steps.Change{{Area: "link", Op: "added", After: "br" + string(rune('0'+i))}}}
	st.Status = session.Done
	if f.fail[i] {
		res.Error = "creating bridge: file exists"
		st.Status = session.Failed
	}
	st.Result = res
	return nil
}

func (f *fakeDriver) Restart(scenario string) (*session.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts++
	f.scenarios = append(f.scenarios, scenario)
	if err := f.refuse[scenario]; err != nil {
		return nil, err
	}
	old := f.sess.Header.Scenario
	f.sess = newFakeSession(len(f.sess.Steps))
	f.sess.Header.Scenario = old
	if err := f.lose[scenario]; err != nil {
		return f.sess, err
	}
	if scenario != "" {
		f.sess.Header.Scenario = scenario
	}
	return f.sess, nil
}

func (f *fakeDriver) View(fn func(*session.Session)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.sess)
}

// newlinkBytes is an RTM_NEWLINK request for "br0", kind bridge.
func newlinkBytes(seq uint32) []byte {
	b := []byte{
		0x38, 0, 0, 0, 0x10, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr: len 56, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ifinfomsg
		0x08, 0, 0x03, 0, 'b', 'r', '0', 0, // IFLA_IFNAME "br0"
		0x10, 0, 0x12, 0, 0x0b, 0, 0x01, 0, 'b', 'r', 'i', 'd', 'g', 'e', 0, 0, // IFLA_LINKINFO {IFLA_INFO_KIND "bridge"}
	}
	b[8], b[9], b[10], b[11] = byte(seq), byte(seq>>8), byte(seq>>16), byte(seq>>24)
	return b
}

// ackBytes is the ACK of request seq.
func ackBytes(seq uint32) []byte {
	b := make([]byte, 36)
	b[0], b[4] = 36, 2 // len, NLMSG_ERROR
	b[8], b[9], b[10], b[11] = byte(seq), byte(seq>>8), byte(seq>>16), byte(seq>>24)
	copy(b[20:], newlinkBytes(seq)[:16])
	return b
}

// syntheticEvents returns a send/ACK pair made on fake.go line 4, plus a
// helper process (fork, exec, exit) when helper is set.
func syntheticEvents(seq uint64, helper bool) []session.Event {
	origin := &analyze.Frame{File: "steps/fake.go", Line: 4, Func: "github.com/netexplore/netexplore/steps.fake"}
	nl := func(kind event.Kind, sys string, data []byte, ret int64) session.Event {
		e := event.Event{Seq: seq, Kind: kind, Syscall: sys, PID: 10, TID: 10, Comm: "netexplore", Fd: 5, Ret: ret,
			SockFamily: 16, SockType: 3, SockProto: 0, SockIno: 77, Data: data, DataLen: uint32(len(data))}
		seq++
		return session.Event{Event: e, Origin: origin}
	}
	nlseq := uint32(seq)
	req := newlinkBytes(nlseq)
	evs := []session.Event{
		nl(event.KindSend, "sendto", req, int64(len(req))),
		nl(event.KindRecv, "recvfrom", ackBytes(nlseq), 36),
	}
	if helper {
		argv := []byte("/usr/sbin/iptables\x00iptables\x00-t\x00nat\x00-N\x00DOCKER\x00")
		evs = append(evs,
			session.Event{Event: event.Event{Seq: seq, Kind: event.KindFork, PID: 11, PPID: 10, Comm: "netexplore"}, Origin: origin},
			session.Event{Event: event.Event{Seq: seq + 1, Kind: event.KindExec, Syscall: "execve", PID: 11, Comm: "netexplore", Data: argv, DataLen: uint32(len(argv))}, Origin: origin},
			session.Event{Event: event.Event{Seq: seq + 2, Kind: event.KindExit, PID: 11, Comm: "iptables", Ret: 0}, Origin: origin},
		)
	}
	return evs
}

// writeSession encodes s, for a round-trip check of saved files.
func writeSession(t *testing.T, s *session.Session) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := session.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ansiStrip(s string) string { return ansi.Strip(s) }

// sourcePane returns the Source pane.
func (m *Model) sourcePane() *sourcePane { return m.panes[paneSource].(*sourcePane) }

// detailPane returns the Detail pane.
func (m *Model) detailPane() *detailPane { return m.panes[paneDetail].(*detailPane) }
