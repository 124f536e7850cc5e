package tui

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// runCmds executes cmd and everything it leads to, delivering the
// messages that matter (step done, restarted, saved) to the model and
// dropping timer ticks, as the program loop would minus the timers.
func runCmds(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for i := 0; cmd != nil; i++ {
		if i > 100 {
			t.Fatal("commands never settle")
		}
		var next []tea.Cmd
		for _, msg := range collect(cmd) {
			nm, c := m.Update(msg)
			m = nm.(Model)
			if c != nil {
				next = append(next, c)
			}
		}
		cmd = tea.Batch(next...)
	}
	return m
}

// collect runs cmd (a batch is run concurrently) and returns the messages
// the model acts on.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var (
		mu  sync.Mutex
		out []tea.Msg
		wg  sync.WaitGroup
	)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		defer wg.Done()
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, sub := range msg {
				if sub != nil {
					wg.Add(1)
					go run(sub)
				}
			}
		case stepDoneMsg, restartedMsg, savedMsg:
			mu.Lock()
			out = append(out, msg)
			mu.Unlock()
		}
	}
	wg.Add(1)
	go run(cmd)
	wg.Wait()
	return out
}

// runKey presses k and runs what it starts to the end.
func runKey(t *testing.T, m Model, k string) Model {
	t.Helper()
	m, cmd := pressCmd(m, k)
	return runCmds(t, m, cmd)
}

func statuses(m Model) []session.Status {
	var out []session.Status
	for i := 0; i < m.stepCount(); i++ {
		out = append(out, m.status(i))
	}
	return out
}

func TestReplayStepping(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	if m.revealed != 0 || m.status(0) != session.Pending {
		t.Fatalf("start: revealed %d, step 0 %s; want nothing revealed", m.revealed, m.status(0))
	}
	steps := []struct {
		key          string
		revealed     int
		cur          int
		status0      session.Status
		wantsMessage bool
	}{
		{"n", 1, 0, session.Done, false},
		{"n", 2, 1, session.Done, false},
		{"n", 3, 2, session.Done, false},
		{"b", 2, 1, session.Done, false},
		{"a", 19, 1, session.Done, false},
		{"n", 19, 1, session.Done, true},
		{"R", 0, 0, session.Pending, false},
		{"b", 0, 0, session.Pending, false},
	}
	for i, s := range steps {
		m = press(m, s.key)
		if m.revealed != s.revealed || m.cur() != s.cur || m.status(0) != s.status0 || (m.message != "") != s.wantsMessage {
			t.Errorf("after key %d %q: revealed %d cur %d step0 %s message %q; want %d %d %s message=%v",
				i, s.key, m.revealed, m.cur(), m.status(0), m.message, s.revealed, s.cur, s.status0, s.wantsMessage)
		}
	}
	m = press(m, "a")
	if got := m.status(8); got != session.Skipped {
		t.Errorf("step 8 shows %s, want skipped as recorded", got)
	}
	if got, want := m.eventTotal(), embedded(t).EventCount(); got != want {
		t.Errorf("events shown %d, want all %d", got, want)
	}
}

func TestFocusKeys(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	var got []paneID
	for i := 0; i < 7; i++ {
		got = append(got, m.focus)
		m = press(m, "tab")
	}
	if diff := cmp.Diff([]paneID{paneSteps, paneSource, paneCalls, paneDetail, paneChanges, paneTopology, paneSteps}, got); diff != "" {
		t.Errorf("tab order (-want +got):\n%s", diff)
	}
	m = press(m, "shift+tab", "shift+tab", "shift+tab")
	if m.focus != paneChanges || !m.visible(paneChanges) {
		t.Errorf("shift+tab: focus %d, want Changes shown", m.focus)
	}
	m = press(m, "3")
	if m.focus != paneCalls || !m.visible(paneCalls) {
		t.Errorf("3: focus %d, want Syscalls shown", m.focus)
	}
	m = press(m, "1")
	if m.focus != paneSteps {
		t.Errorf("1: focus %d, want Steps", m.focus)
	}
	if !m.visible(paneCalls) || m.visible(paneSource) {
		t.Error("the narrow layout shows the last content tab and only it")
	}
	// The stacked layout keeps Source on screen with the bottom tab.
	m = send(m, teaSize(110, 32))
	if m.lay.mode != modeStacked || !m.visible(paneSource) || !m.visible(paneCalls) {
		t.Errorf("110x32: mode %d, Source and Syscalls should both show", m.lay.mode)
	}
	m = press(m, "4")
	if !m.visible(paneSource) || !m.visible(paneDetail) || m.visible(paneCalls) {
		t.Error("110x32: 4 shows Detail in the bottom box, Source stays")
	}
	m = send(m, teaSize(200, 60))
	for p := paneSteps; p < numPanes; p++ {
		if !m.visible(p) {
			t.Errorf("200x60: pane %d not visible", p)
		}
	}
}

func TestStepNavigation(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	m = press(m, "a", "j", "j")
	if m.cur() != 2 {
		t.Fatalf("j j: step %d, want 2", m.cur())
	}
	m = press(m, "G")
	if m.cur() != 18 {
		t.Errorf("G: step %d, want 18", m.cur())
	}
	m = press(m, "g", "]", "]", "[")
	if m.cur() != 1 {
		t.Errorf("g ] ] [: step %d, want 1", m.cur())
	}
	m = press(m, "3", "]")
	if m.cur() != 2 || m.focus != paneCalls {
		t.Errorf("] from Syscalls: step %d focus %d, want 2 in Syscalls", m.cur(), m.focus)
	}
	if r, ok := m.callsPane().selected(); !ok || r != 0 {
		t.Errorf("a new step selects its first syscall, got row %d %v", r, ok)
	}
}

func TestLiveRunNext(t *testing.T) {
	f := &fakeDriver{sess: newFakeSession(4)}
	m := newSized(Options{Session: f.sess, Driver: f}, 80, 24)
	m, cmd := pressCmd(m, "n")
	if cmd == nil || m.running != 0 || m.status(0) != session.Running {
		t.Fatalf("n: running %d status %s cmd %v; want step 0 running", m.running, m.status(0), cmd != nil)
	}
	if !strings.Contains(plain(t, m), "running 1 fakeStepA") {
		t.Error("the running step is not announced")
	}
	m = runCmds(t, m, cmd)
	if m.running != -1 || m.status(0) != session.Done {
		t.Fatalf("after the step: running %d status %s", m.running, m.status(0))
	}
	if n := len(m.callsPane().vis); n != 2 {
		t.Errorf("step 0 shows %d syscalls, want 2", n)
	}
	m = runKey(t, m, "n")
	if diff := cmp.Diff([]int{0, 1}, f.ran); diff != "" {
		t.Errorf("steps run (-want +got):\n%s", diff)
	}
	if m.cur() != 1 {
		t.Errorf("selected step %d, want the step that ran (1)", m.cur())
	}
	// Step 1 has a helper process: fork and exec at the parent's depth,
	// exit indented under them.
	var texts []string
	for _, r := range m.callsPane().data.rows {
		texts = append(texts, r.text)
	}
	want := []string{
		"RTM_NEWLINK br0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL",
		"→ ACK",
		"new process 11 (parent 10)",
		"exec iptables -t nat -N DOCKER",
		"  process 11 exited with status 0",
	}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestLiveQueueAndRunAll(t *testing.T) {
	f := &fakeDriver{sess: newFakeSession(4)}
	m := newSized(Options{Session: f.sess, Driver: f}, 80, 24)
	m, first := pressCmd(m, "n")
	m = press(m, "n", "n")
	if m.queued != 2 {
		t.Fatalf("queued %d, want 2", m.queued)
	}
	m = runCmds(t, m, first)
	if diff := cmp.Diff([]int{0, 1, 2}, f.ran); diff != "" {
		t.Errorf("queued presses ran (-want +got):\n%s", diff)
	}
	m = runKey(t, m, "a")
	if diff := cmp.Diff([]session.Status{session.Done, session.Done, session.Done, session.Done}, statuses(m)); diff != "" {
		t.Errorf("after a (-want +got):\n%s", diff)
	}
	if m.runAll || m.running >= 0 {
		t.Errorf("run all still on: runAll %v running %d", m.runAll, m.running)
	}
	m = runKey(t, m, "n")
	if !strings.Contains(m.message, "every step has run") {
		t.Errorf("n after the last step: message %q", m.message)
	}
}

func TestLiveFailureStopsAndRestart(t *testing.T) {
	f := &fakeDriver{sess: newFakeSession(4), fail: map[int]bool{1: true}}
	m := newSized(Options{Session: f.sess, Driver: f}, 80, 24)
	m = runKey(t, m, "a")
	if diff := cmp.Diff([]session.Status{session.Done, session.Failed, session.Pending, session.Pending}, statuses(m)); diff != "" {
		t.Errorf("run all stops at the failure (-want +got):\n%s", diff)
	}
	if !m.messageErr || !strings.Contains(m.message, "failed") {
		t.Errorf("failure message %q (error %v)", m.message, m.messageErr)
	}
	if !strings.Contains(plain(t, m), "creating bridge: file exists") {
		t.Error("the failed step's error is not shown")
	}
	m = runKey(t, m, "n")
	if len(f.ran) != 2 || !strings.Contains(m.message, "R restarts") {
		t.Errorf("n after a failure ran %v, message %q", f.ran, m.message)
	}
	oldGen := m.sessGen
	m = runKey(t, m, "R")
	if f.restarts != 1 || m.sessGen != oldGen+1 || m.restarting {
		t.Fatalf("restart: %d restarts, gen %d, restarting %v", f.restarts, m.sessGen, m.restarting)
	}
	if diff := cmp.Diff([]session.Status{session.Pending, session.Pending, session.Pending, session.Pending}, statuses(m)); diff != "" {
		t.Errorf("after restart (-want +got):\n%s", diff)
	}
	if m.eventTotal() != 0 || m.cur() != 0 {
		t.Errorf("after restart: %d events, step %d selected", m.eventTotal(), m.cur())
	}
	// A step result from before the restart is ignored.
	m = send(m, stepDoneMsg{step: 3, gen: oldGen})
	if m.status(3) != session.Pending {
		t.Error("a stale step result changed the fresh session")
	}
}

func TestLiveRunningGuards(t *testing.T) {
	release := make(chan struct{})
	f := &fakeDriver{sess: newFakeSession(3), release: release}
	m := newSized(Options{Session: f.sess, Driver: f}, 80, 24)
	m, cmd := pressCmd(m, "n")
	done := make(chan tea.Msg, 1)
	go func() { done <- collect(cmd)[0] }()

	// While the step runs, events it made show up on refresh.
	deadline := time.Now().Add(5 * time.Second)
	for len(m.callsPane().vis) < 2 && time.Now().Before(deadline) {
		m = send(m, refreshMsg{gen: m.sessGen})
		time.Sleep(5 * time.Millisecond)
	}
	if len(m.callsPane().vis) != 2 {
		t.Fatalf("running step shows %d syscalls, want 2", len(m.callsPane().vis))
	}
	for _, k := range []string{"R", "w"} {
		m, c := pressCmd(m, k)
		if c != nil || !strings.Contains(m.message, "wait for the running step") {
			t.Errorf("%s while running: cmd %v message %q", k, c != nil, m.message)
		}
	}
	m = press(m, "b")
	if !strings.Contains(m.message, "cannot be undone") {
		t.Errorf("b in live mode: message %q", m.message)
	}
	// A key press must not block while the step runs.
	start := time.Now()
	m = press(m, "3", "j", "k", "4", "j", "tab", "?", "?")
	if d := time.Since(start); d > time.Second {
		t.Errorf("keys took %v while a step ran", d)
	}
	close(release)
	m = send(m, <-done)
	if m.status(0) != session.Done {
		t.Errorf("status %s after the step finished", m.status(0))
	}
	// Ticks after the step are dropped, which stops the spinner and refresh.
	if _, c := m.Update(refreshMsg{gen: m.sessGen}); c != nil {
		t.Error("refresh keeps ticking after the step finished")
	}
}

func TestQuitKeys(t *testing.T) {
	for _, keys := range [][]string{{"q"}, {"ctrl+c"}, {"/", "type:abc", "ctrl+c"}, {"?", "q"}} {
		m := newSized(Options{Session: embedded(t)}, 80, 24)
		m = press(m, keys[:len(keys)-1]...)
		m, cmd := pressCmd(m, keys[len(keys)-1])
		if cmd == nil {
			t.Errorf("%v: no command", keys)
			continue
		}
		if _, ok := cmd().(tea.QuitMsg); !ok || !m.quitting {
			t.Errorf("%v does not quit", keys)
		}
	}
	// q while typing a filter is text, not quit.
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	m = press(m, "/", "q")
	if m.quitting || m.callsPane().filter.Value() != "q" {
		t.Errorf("q in the filter: quitting %v, filter %q", m.quitting, m.callsPane().filter.Value())
	}
}

func TestFilter(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = press(m, "n", "/", "type:newchain")
	total := len(m.callsPane().data.rows)
	if n := len(m.callsPane().vis); n == 0 || n >= total {
		t.Fatalf("filter newchain shows %d of %d", n, total)
	}
	for _, i := range m.callsPane().vis {
		if !strings.Contains(m.callsPane().data.rows[i].lower, "newchain") {
			t.Fatalf("row %q does not match", m.callsPane().data.rows[i].text)
		}
	}
	narrow := len(m.callsPane().vis)
	m = press(m, "backspace", "backspace", "backspace", "backspace", "backspace")
	if n := len(m.callsPane().vis); n <= narrow {
		t.Errorf("shorter query shows %d, want more than %d", n, narrow)
	}
	m = press(m, "type:CHAIN", "enter")
	if m.callsPane().filtering || len(m.callsPane().vis) != narrow {
		t.Errorf("enter keeps the filter: filtering %v, %d rows, want %d", m.callsPane().filtering, len(m.callsPane().vis), narrow)
	}
	// The filter follows to other steps.
	m = press(m, "a", "]")
	for _, i := range m.callsPane().vis {
		if !strings.Contains(m.callsPane().data.rows[i].lower, "newchain") {
			t.Fatalf("step 1 row %q does not match", m.callsPane().data.rows[i].text)
		}
	}
	m = press(m, "esc")
	if m.callsPane().filter.Value() != "" || len(m.callsPane().vis) != len(m.callsPane().data.rows) {
		t.Errorf("esc clears: filter %q, %d of %d rows", m.callsPane().filter.Value(), len(m.callsPane().vis), len(m.callsPane().data.rows))
	}
	m = press(m, "H")
	for _, i := range m.callsPane().vis {
		if m.callsPane().data.rows[i].noise {
			t.Fatalf("H leaves %q", m.callsPane().data.rows[i].text)
		}
	}
}

func TestPairJump(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	m = press(m, "n", "n", "n", "n", "3")
	m = press(m, "p")
	if r, _ := m.callsPane().selected(); r != 1 {
		t.Fatalf("p on RTM_NEWLINK went to row %d, want its ACK (1)", r)
	}
	if !strings.Contains(plain(t, press(m, "4")), "reply to event 1") {
		t.Error("the Detail pane does not name the request")
	}
	m = press(m, "p")
	if r, _ := m.callsPane().selected(); r != 0 {
		t.Errorf("p on the ACK went to row %d, want the request (0)", r)
	}
}

func TestSourceFollowsOrigin(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = press(m, "n", "3")
	origins := map[int]bool{}
	for _, e := range m.callsPane().data.events {
		origins[e.Origin.Line] = true
	}
	src := m.sourcePane().code
	marked := map[int]bool{}
	for _, l := range src {
		text := stripANSI(l)
		var n int
		if strings.Contains(text, "●") && scanLine(text, &n) {
			marked[n] = true
		}
	}
	if diff := cmp.Diff(origins, marked); diff != "" {
		t.Errorf("gutter marks are not the events' origins (-origins +marked):\n%s", diff)
	}
	// Move to an event of another line: the highlighted line follows.
	evs := m.callsPane().data.events
	first, _ := m.callsPane().selected()
	target := evs[first].Origin.Line
	for _, e := range evs {
		if e.Origin.Line != evs[first].Origin.Line {
			target = e.Origin.Line
		}
	}
	for i := 0; i < 3000; i++ {
		r, _ := m.callsPane().selected()
		if evs[r].Origin.Line == target {
			break
		}
		m = press(m, "j")
	}
	sp := m.sourcePane()
	hl := stripANSI(sp.code[sp.originLine])
	if want := fmt.Sprintf("▶%4d", target); !strings.HasPrefix(hl, want) {
		t.Errorf("highlighted line %q, want line %d", hl, target)
	}
	checkOriginShown(t, m)
}

// checkOriginShown fails unless the Source pane shows the line that made
// the selected syscall, marked ▶, whole.
func checkOriginShown(t *testing.T, m Model) {
	t.Helper()
	sp := m.sourcePane()
	_, lo, hi := sp.scrollable()
	if lo < 0 {
		t.Fatal("no origin line in the Source pane")
	}
	if lo < sp.offset || hi > sp.offset+sp.h {
		t.Errorf("the line that made the selected syscall (lines %d-%d) is outside the window (%d+%d)", lo, hi, sp.offset, sp.h)
	}
	if !strings.Contains(plain(t, m), "▶") {
		t.Error("no ▶ on screen")
	}
}

// TestSourceShowsFirstCall: revealing or selecting a step selects its
// first call and brings the line that made it into view, at every layout,
// with no other key.
func TestSourceShowsFirstCall(t *testing.T) {
	for _, sz := range [][2]int{{160, 48}, {100, 30}, {240, 70}, {140, 36}, {120, 40}} {
		m := newSized(Options{Session: embedded(t)}, sz[0], sz[1])
		m = press(m, "n", "n", "n", "n") // the fourth step is setupDevice
		screen := plain(t, m)
		if !strings.Contains(screen, "RTM_NEWLINK docker0") {
			t.Errorf("%dx%d: setupDevice's RTM_NEWLINK is not on screen:\n%s", sz[0], sz[1], screen)
		}
		checkOriginShown(t, m)
		m = press(m, "[", "]")
		checkOriginShown(t, m)
	}
}

// scanLine reads the line number of a source gutter.
func scanLine(s string, n *int) bool {
	s = strings.TrimLeft(strings.TrimPrefix(s, "▶"), " ")
	i := strings.IndexByte(s, ' ')
	if i <= 0 {
		return false
	}
	v := 0
	for _, c := range s[:i] {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + int(c-'0')
	}
	*n = v
	return true
}

func TestDetailTree(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = press(m, "n", "n", "n", "n", "4")
	m = selectNode(t, m, "IFLA_LINKINFO")
	before := len(m.detailPane().vis)
	m = press(m, "right")
	if len(m.detailPane().vis) != before+2 {
		t.Fatalf("opening IFLA_LINKINFO shows %d nodes, want %d", len(m.detailPane().vis), before+2)
	}
	m = press(m, "right")
	if n, _ := m.detailPane().selected(); n.name != "IFLA_INFO_KIND" {
		t.Errorf("right on an open node went to %q, want its first child", n.name)
	}
	out := plain(t, m)
	if !strings.Contains(out, "IFLA_INFO_KIND: bytes 68-77 (10) of 84 bytes") {
		t.Errorf("hex caption missing:\n%s", out)
	}
	m = press(m, "left")
	if n, _ := m.detailPane().selected(); n.name != "IFLA_LINKINFO" {
		t.Errorf("left on a leaf went to %q, want its parent", n.name)
	}
	m = press(m, "left")
	if len(m.detailPane().vis) != before {
		t.Errorf("left closes: %d nodes, want %d", len(m.detailPane().vis), before)
	}
	m = press(m, "enter", "enter")
	if len(m.detailPane().vis) != before {
		t.Errorf("enter twice: %d nodes, want %d", len(m.detailPane().vis), before)
	}
}

func TestSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saved.nxs")
	m := newSized(Options{Session: embedded(t), SavePath: path}, 80, 24)
	m = runKey(t, m, "w")
	if m.messageErr || !strings.Contains(m.message, "saved the session to "+path) {
		t.Fatalf("message %q", m.message)
	}
	s, err := session.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.EventCount() != embedded(t).EventCount() {
		t.Errorf("saved %d events, want %d", s.EventCount(), embedded(t).EventCount())
	}
	m = newSized(Options{Session: embedded(t), SavePath: filepath.Join(t.TempDir(), "no", "such", "dir.nxs")}, 80, 24)
	m = runKey(t, m, "w")
	if !m.messageErr {
		t.Errorf("saving to a missing directory: message %q", m.message)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

// TestSaveDefaultName: w with no --save writes a new file in the current
// directory, privately, never through a symlink planted at the name it
// picked (it takes the next free name), and later saves replace the
// file it made.
func TestSaveDefaultName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m := send(New(Options{Session: embedded(t)}), tea.WindowSizeMsg{Width: 80, Height: 24})
	planted := m.opts.SavePath
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	if err := os.Symlink(victim, planted); err != nil {
		t.Fatal(err)
	}
	m = runKey(t, m, "w")
	want := strings.TrimSuffix(planted, ".nxs") + "-2.nxs"
	if m.messageErr || !strings.Contains(m.message, "saved the session to "+want) {
		t.Fatalf("message %q, want a save to %s", m.message, want)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("w wrote through the symlink: %q", b)
	}
	fi, err := os.Lstat(want)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want a regular file with mode 0600", want, fi, err)
	}
	m = runKey(t, m, "w")
	if m.messageErr || !strings.Contains(m.message, "saved the session to "+want) {
		t.Errorf("second save: message %q, want a save to %s again", m.message, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("directory holds %v, want the victim, the symlink and one session", entries)
	}
}

func TestMouse(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = press(m, "n")
	r := m.lay.rect(paneCalls)
	sel, _ := m.callsPane().selected()
	m = send(m, tea.MouseWheelMsg{X: r.x + 5, Y: r.y + 5, Button: tea.MouseWheelDown})
	if m.callsPane().offset != 3 {
		t.Errorf("wheel down over Syscalls: offset %d, want 3", m.callsPane().offset)
	}
	if r, _ := m.callsPane().selected(); r != sel {
		t.Errorf("the wheel moved the selection from %d to %d", sel, r)
	}
	m = send(m, tea.MouseClickMsg{X: r.x + 5, Y: r.y + 3, Button: tea.MouseLeft})
	if got, _ := m.callsPane().selected(); m.focus != paneCalls || got != 5 {
		t.Errorf("click: focus %d row %d, want Syscalls row 5", m.focus, got)
	}
	s := m.lay.rect(paneSteps)
	m = send(m, tea.MouseClickMsg{X: s.x + 3, Y: s.y + 5, Button: tea.MouseLeft})
	// Line 5 of the screen is the list's fifth line: after the phase
	// heading, steps 0 and 1 and the next heading, step 2.
	if m.focus != paneSteps || m.cur() != 2 {
		t.Errorf("click in Steps: focus %d step %d, want Steps step 2", m.focus, m.cur())
	}
	m = send(m, tea.MouseWheelMsg{X: s.x + 3, Y: s.y + 5, Button: tea.MouseWheelUp})
	if m.cur() != 1 {
		t.Errorf("wheel up in Steps: step %d, want 1", m.cur())
	}
}

func TestBackgroundColor(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	dark := m.View().Content
	m = send(m, tea.BackgroundColorMsg{Color: lightGray{}})
	if m.dark || !strings.Contains(m.View().Content, "\x1b[") || m.View().Content == dark {
		t.Error("a light background does not switch to the light theme")
	}
}

type lightGray struct{}

func (lightGray) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

func TestHelpListsEveryKey(t *testing.T) {
	for _, live := range []bool{false, true} {
		opts := Options{Session: embedded(t)}
		if live {
			f := &fakeDriver{sess: newFakeSession(3)}
			opts = Options{Session: f.sess, Driver: f}
		}
		m := press(newSized(opts, 80, 24), "?")
		out := plain(t, m)
		for _, g := range m.com.keys.FullHelp() {
			for _, b := range g {
				if line := b.Help().Key + "  " + b.Help().Desc; !strings.Contains(squeeze(out), squeeze(line)) {
					t.Errorf("live=%v: help page lacks %q", live, line)
				}
			}
		}
		if m = press(m, "x"); m.showHelp {
			t.Error("a key does not close the help page")
		}
	}
}

// squeeze collapses runs of spaces.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func stripANSI(s string) string { return strings.TrimRight(ansiStrip(s), " ") }

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		s       string
		w, hang int
		want    []string
	}{
		{"a b c", 10, 0, []string{"a b c"}},
		{"one two three four", 9, 0, []string{"one two", "three", "four"}},
		{"one two three four", 9, 2, []string{"one two", "  three", "  four"}},
		{"→ net.ipv6.conf.docker0.accept_ra = 1", 12, 2, []string{"→ net.ipv6.", "  conf.", "  docker0.", "  accept_ra", "  = 1"}},
		{"abcdefghij", 4, 0, []string{"abcd", "efgh", "ij"}},
		{"", 5, 0, []string{""}},
		{"x\n\ny", 5, 0, []string{"x", "", "y"}},
	} {
		if diff := cmp.Diff(c.want, wrapHanging(c.s, c.w, c.hang)); diff != "" {
			t.Errorf("wrapHanging(%q, %d, %d) (-want +got):\n%s", c.s, c.w, c.hang, diff)
		}
	}
}

// TestFilterMatchesScan checks the incremental filter (narrowing scans and
// the history of shorter queries) against a plain scan, over a random
// sequence of typing, deleting and H.
func TestFilterMatchesScan(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	m = press(m, "n", "/")
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "nft_msgewdockr -:"
	for i := 0; i < 400; i++ {
		switch r := rng.IntN(10); {
		case r < 6:
			m = press(m, string(alphabet[rng.IntN(len(alphabet))]))
		case r < 9:
			m = press(m, "backspace")
		default:
			m = press(m, "enter", "H", "/")
		}
		q := strings.ToLower(m.callsPane().filter.Value())
		var want []int32
		for j, row := range m.callsPane().data.rows {
			if (!m.callsPane().hide || !row.noise) && strings.Contains(row.lower, q) {
				want = append(want, int32(j))
			}
		}
		if diff := cmp.Diff(want, m.callsPane().vis, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("op %d, query %q hide %v: shown rows differ from a scan (-want +got):\n%s", i, q, m.callsPane().hide, diff)
		}
	}
}

// TestChunkedDecoding checks that a step larger than one chunk is decoded
// a chunk per message, showing its progress, until complete.
func TestChunkedDecoding(t *testing.T) {
	m := newSized(Options{Session: syntheticSession(t, 3*decodeChunk+10)}, 80, 24)
	m, cmd := pressCmd(m, "n")
	if got := len(m.callsPane().data.rows); got != decodeChunk {
		t.Fatalf("first update decoded %d events, want one chunk (%d)", got, decodeChunk)
	}
	if !strings.Contains(m.callsPane().Info(), "decoding 33%") {
		t.Errorf("progress not shown: %q", m.callsPane().Info())
	}
	n := 0
	for cmd != nil {
		var msgs []tea.Msg
		if msg := cmd(); msg != nil {
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					if c != nil {
						msgs = append(msgs, c())
					}
				}
			} else {
				msgs = append(msgs, msg)
			}
		}
		cmd = nil
		for _, msg := range msgs {
			if _, ok := msg.(decodeMsg); ok {
				n++
				var c tea.Cmd
				nm, c := m.Update(msg)
				m, cmd = nm.(Model), c
			}
		}
	}
	if n != 3 || !m.callsPane().data.complete() || len(m.callsPane().vis) != 3*decodeChunk+10 {
		t.Errorf("after %d decode messages: %d of %d rows", n, len(m.callsPane().data.rows), len(m.callsPane().data.events))
	}
}

// TestRandomInput throws random keys, clicks, wheel turns and resizes at a
// replay and a live model: nothing may panic and every screen must be
// exactly the terminal's size.
func TestRandomInput(t *testing.T) {
	keys := []string{"n", "b", "a", "R", "[", "]", "tab", "shift+tab", "1", "2", "3", "4", "5", "up", "down", "pgup", "pgdown",
		"home", "end", "enter", "space", "left", "right", "p", "/", "x", "e", "backspace", "esc", "H", "?", "j", "k", "g", "G", "s"}
	for _, live := range []bool{false, true} {
		opts := Options{Session: embedded(t)}
		if live {
			f := &fakeDriver{sess: newFakeSession(5), fail: map[int]bool{3: true}, refuse: map[string]error{"host": errors.New("refused")}}
			opts = Options{Session: f.sess, Driver: f, Scenarios: steps.Scenarios()}
		}
		m := newSized(opts, 120, 40)
		rng := rand.New(rand.NewPCG(3, 4))
		w, h := 120, 40
		for i := 0; i < 3000; i++ {
			var msg tea.Msg
			switch r := rng.IntN(20); {
			case r == 0:
				w, h = 20+rng.IntN(200), 5+rng.IntN(60)
				msg = teaSize(w, h)
			case r == 1:
				msg = tea.MouseWheelMsg{X: rng.IntN(w), Y: rng.IntN(h), Button: tea.MouseWheelDown}
			case r == 2:
				msg = tea.MouseClickMsg{X: rng.IntN(w), Y: rng.IntN(h), Button: tea.MouseLeft}
			case r == 3 && live:
				msg = stepDoneMsg{step: m.running, gen: m.sessGen}
			default:
				msg = keyMsg(keys[rng.IntN(len(keys))])
			}
			nm, cmd := m.Update(msg)
			m = nm.(Model)
			if live && cmd != nil && rng.IntN(4) == 0 {
				m = runCmds(t, m, cmd)
			}
			if m.quitting {
				t.Fatal("quit without q")
			}
			checkSize(t, m.View().Content, w, h)
		}
	}
}

// TestDetailSynthetic checks the trees built for payloads that are
// NUL-separated text: exec arguments and /proc/sys writes.
func TestDetailSynthetic(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	// topNodes lists the Detail pane's top-level nodes, stack left out.
	topNodes := func(m Model, withPos bool) []string {
		var got []string
		for _, n := range m.detailPane().nodes {
			if n.name != "stack" && n.depth == 0 {
				if withPos {
					got = append(got, fmt.Sprintf("%s=%s@%d+%d", n.name, n.value, n.off, n.n))
				} else {
					got = append(got, fmt.Sprintf("%s=%s", n.name, n.value))
				}
			}
		}
		return got
	}
	// seek moves down the Syscalls pane until the Detail pane's first node
	// is first.
	seek := func(m Model, first string, nodes int) Model {
		for range 400 {
			if got := topNodes(m, false); len(got) == nodes && strings.HasPrefix(got[0], first) {
				return m
			}
			m = press(m, "j")
		}
		t.Fatalf("no event whose tree starts with %s", first)
		return m
	}
	m = seek(press(m, "a", "3", "g"), `path="/usr/sbin/nft"`, 4) // step 1: exec /usr/sbin/nft -f -
	want := []string{`path="/usr/sbin/nft"@0+13`, `argv[0]="/usr/sbin/nft"@14+13`, `argv[1]="-f"@28+2`, `argv[2]="-"@31+1`}
	if diff := cmp.Diff(want, topNodes(m, true)); diff != "" {
		t.Errorf("exec tree (-want +got):\n%s", diff)
	}
	// setupDefaultSysctl writes accept_ra.
	for range 10 {
		if m.sess.Steps[m.cur()].Info.ID == "setupDefaultSysctl" {
			break
		}
		m = press(m, "]")
	}
	m = seek(press(m, "g"), `path="/proc/sys/net/ipv6/conf/docker0/accept_ra"`, 2) // the write, not the open
	want = []string{`path="/proc/sys/net/ipv6/conf/docker0/accept_ra"`, `value="0\n"`}
	if diff := cmp.Diff(want, topNodes(m, false)); diff != "" {
		t.Errorf("sysctl write tree (-want +got):\n%s", diff)
	}
}

func TestStatusShowsLost(t *testing.T) {
	s := embedded(t)
	s.Lost = 12
	out := plain(t, newSized(Options{Session: s, Title: "replay: lossy.nxs"}, 80, 24))
	if !strings.Contains(out, "lost 12") {
		t.Errorf("lost events not shown:\n%s", out)
	}
}

// pickerModel returns a live model of the default bridge whose first step
// Has run, with every scenario to choose from.
func pickerModel(t *testing.T, f *fakeDriver) Model {
	t.Helper()
	f.sess.Header.Scenario = steps.ScenarioBridge
	m := newSized(Options{Session: f.sess, Driver: f, Scenarios: steps.Scenarios()}, 160, 48)
	return runKey(t, m, "n")
}

// pickerNames returns the picker's scenario names, in order.
func pickerNames(m Model) []string {
	var out []string
	for _, s := range m.opts.Scenarios {
		out = append(out, s.Name)
	}
	return out
}

func TestScenarioPicker(t *testing.T) {
	f := &fakeDriver{sess: newFakeSession(4)}
	m := pickerModel(t, f)
	names := pickerNames(m)
	m = press(m, "s")
	if !m.picker.open || names[m.picker.cursor] != steps.ScenarioBridge {
		t.Fatalf("s: open %v, cursor on %q; want the picker open on the current scenario", m.picker.open, names[m.picker.cursor])
	}
	out := plain(t, m)
	for _, s := range steps.Scenarios() {
		if !strings.Contains(out, s.Name) || !strings.Contains(out, s.Summary) {
			t.Errorf("the picker lacks %s: %s", s.Name, s.Summary)
		}
	}
	if !strings.Contains(out, "› ● bridge") {
		t.Errorf("the current scenario is not marked under the cursor:\n%s", out)
	}
	// Moving: the cursor stops at both ends; keys other than the picker's
	// do nothing while it is open.
	for _, c := range []struct {
		keys []string
		want string
	}{
		{[]string{"j"}, steps.ScenarioUserBridge},
		{[]string{"down", "down", "down", "down", "down", "down"}, steps.ScenarioOverlay},
		{[]string{"k", "up"}, steps.ScenarioJoin},
		{[]string{"g"}, steps.ScenarioNone},
		{[]string{"up"}, steps.ScenarioNone},
		{[]string{"G"}, steps.ScenarioOverlay},
		{[]string{"home", "j", "j", "j", "j", "n", "a", "R", "3", "tab"}, steps.ScenarioJoin},
	} {
		m = press(m, c.keys...)
		if got := names[m.picker.cursor]; got != c.want || !m.picker.open {
			t.Errorf("after %v: cursor on %q (open %v), want %q", c.keys, got, m.picker.open, c.want)
		}
	}
	if m.focus != paneSteps || len(f.ran) != 1 || f.restarts != 0 {
		t.Errorf("keys leaked through the picker: focus %d, ran %v, %d restarts", m.focus, f.ran, f.restarts)
	}
	m = send(m, tea.MouseWheelMsg{X: 80, Y: 20, Button: tea.MouseWheelDown})
	m = send(m, tea.MouseWheelMsg{X: 80, Y: 20, Button: tea.MouseWheelUp})
	if got := names[m.picker.cursor]; got != steps.ScenarioJoin {
		t.Errorf("wheel down and up: cursor on %q, want join", got)
	}

	// Choosing restarts the walkthrough with that scenario.
	m, cmd := pressCmd(m, "enter")
	if m.picker.open || !m.restarting || cmd == nil {
		t.Fatalf("enter: open %v restarting %v cmd %v", m.picker.open, m.restarting, cmd != nil)
	}
	if !strings.Contains(plain(t, m), "starting scenario join in a fresh namespace") {
		t.Error("the switch under way is not announced")
	}
	oldGen := m.sessGen
	m = runCmds(t, m, cmd)
	if diff := cmp.Diff([]string{steps.ScenarioJoin}, f.scenarios); diff != "" {
		t.Errorf("Restart calls (-want +got):\n%s", diff)
	}
	if m.restarting || m.sessGen != oldGen+1 || m.sess != f.sess || m.currentScenario() != steps.ScenarioJoin {
		t.Fatalf("after the switch: restarting %v gen %d scenario %q", m.restarting, m.sessGen, m.currentScenario())
	}
	if diff := cmp.Diff([]session.Status{session.Pending, session.Pending, session.Pending, session.Pending}, statuses(m)); diff != "" {
		t.Errorf("after the switch (-want +got):\n%s", diff)
	}
	out = plain(t, m)
	if !strings.Contains(out, "scenario join │") || !strings.Contains(m.message, "scenario join") || m.messageErr {
		t.Errorf("the new scenario is not shown: message %q\n%s", m.message, out)
	}
	// The next picker marks join as current; R keeps it.
	if m = press(m, "s"); names[m.picker.cursor] != steps.ScenarioJoin {
		t.Errorf("reopened on %q, want join", names[m.picker.cursor])
	}
	m = press(m, "esc")
	if m.picker.open {
		t.Error("esc does not close the picker")
	}
	if m = press(m, "s", "s"); m.picker.open {
		t.Error("s does not close the picker")
	}
	m = runKey(t, m, "R")
	if diff := cmp.Diff([]string{steps.ScenarioJoin, ""}, f.scenarios); diff != "" || m.currentScenario() != steps.ScenarioJoin {
		t.Errorf("R after a switch: scenario %q, Restart calls (-want +got):\n%s", m.currentScenario(), diff)
	}
}

func TestScenarioPickerErrors(t *testing.T) {
	refused := errors.New("--scenario macvlan does not create docker0, so --bip does not apply: drop it, or use --scenario bridge, user-bridge or join")
	f := &fakeDriver{sess: newFakeSession(4), refuse: map[string]error{steps.ScenarioMacvlan: refused}}
	m := pickerModel(t, f)
	before, gen := m.sess, m.sessGen
	m = press(m, "s", "j", "j", "j") // bridge → macvlan
	m = runKey(t, m, "enter")
	if diff := cmp.Diff([]string{steps.ScenarioMacvlan}, f.scenarios); diff != "" {
		t.Errorf("Restart calls (-want +got):\n%s", diff)
	}
	// The walkthrough stays where it was: same session, step 0 still done.
	if m.sess != before || m.sessGen != gen || m.currentScenario() != steps.ScenarioBridge || m.status(0) != session.Done {
		t.Errorf("a refused switch changed the walkthrough: scenario %q gen %d step 0 %s", m.currentScenario(), m.sessGen, m.status(0))
	}
	if !m.messageErr || !strings.Contains(m.message, "cannot switch to scenario macvlan: still on bridge") {
		t.Errorf("message %q (error %v)", m.message, m.messageErr)
	}
	// The picker shows the whole error, on the scenario refused.
	if !m.picker.open || pickerNames(m)[m.picker.cursor] != steps.ScenarioMacvlan {
		t.Fatalf("picker open %v after a refused switch", m.picker.open)
	}
	if m.picker.err != refused.Error() || !strings.Contains(plain(t, m), "✗ --scenario macvlan does not create docker0, so --bip does not apply") {
		t.Errorf("the picker does not show the error %q:\n%s", m.picker.err, plain(t, m))
	}
	if out := plain(t, send(m, teaSize(80, 24))); !strings.Contains(out, "✗ --scenario macvlan does not create") {
		t.Errorf("80x24: the picker does not show the error:\n%s", out)
	}
	m = press(m, "esc")
	if m.picker.open || m.picker.err != "" {
		t.Error("esc leaves the picker or its error")
	}

	// A scenario that fails once the old lab is gone: the driver brings the
	// old scenario back in a fresh lab, and the model shows that one.
	f = &fakeDriver{sess: newFakeSession(4), lose: map[string]error{steps.ScenarioOverlay: errors.New("starting the lab: no vxlan")}}
	m = pickerModel(t, f)
	m = runKey(t, press(m, "s", "G"), "enter")
	if m.sess != f.sess || m.currentScenario() != steps.ScenarioBridge || m.status(0) != session.Pending {
		t.Errorf("lost lab: scenario %q step 0 %s, want a fresh bridge", m.currentScenario(), m.status(0))
	}
	if !m.messageErr || !strings.Contains(m.message, "scenario overlay did not start: bridge restarted in a fresh namespace") {
		t.Errorf("message %q", m.message)
	}
	if !m.picker.open || !strings.Contains(m.picker.err, "no vxlan") {
		t.Errorf("picker open %v err %q", m.picker.open, m.picker.err)
	}
}

func TestScenarioPickerGuards(t *testing.T) {
	release := make(chan struct{})
	f := &fakeDriver{sess: newFakeSession(3), release: release}
	f.sess.Header.Scenario = steps.ScenarioBridge
	m := newSized(Options{Session: f.sess, Driver: f, Scenarios: steps.Scenarios()}, 80, 24)
	m, cmd := pressCmd(m, "n")
	done := make(chan []tea.Msg, 1)
	go func() { done <- collect(cmd) }()
	m = press(m, "s")
	if m.picker.open || !strings.Contains(m.message, "wait for the running step") {
		t.Errorf("s while a step runs: open %v message %q", m.picker.open, m.message)
	}
	close(release)
	for _, msg := range <-done {
		m = send(m, msg)
	}
	// No scenarios given: nothing to pick.
	m = newSized(Options{Session: f.sess, Driver: f}, 80, 24)
	if m = press(m, "s"); m.picker.open || m.message == "" {
		t.Errorf("s without scenarios: open %v message %q", m.picker.open, m.message)
	}
}

func TestScenarioReplay(t *testing.T) {
	for _, sz := range sizes {
		m := newSized(Options{Session: embedded(t), Scenarios: steps.Scenarios()}, sz.w, sz.h)
		m = press(m, "s")
		if m.picker.open {
			t.Errorf("%dx%d: a replay opened the picker", sz.w, sz.h)
		}
		for _, want := range []string{"scenario bridge", "netexplore record --scenario NAME -o FILE"} {
			if !strings.Contains(m.message, want) {
				t.Errorf("%dx%d: message %q lacks %q", sz.w, sz.h, m.message, want)
			}
		}
		// The message fits the bottom line whole.
		lines := strings.Split(plain(t, m), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, strings.TrimSpace(m.message)) {
			t.Errorf("%dx%d: the bottom line cuts the message: %q", sz.w, sz.h, last)
		}
		if !strings.Contains(lines[len(lines)-2], "scenario bridge │") {
			t.Errorf("%dx%d: status line %q lacks the scenario", sz.w, sz.h, lines[len(lines)-2])
		}
	}
	// A session recorded before scenarios existed is the default bridge.
	s := embedded(t)
	s.Header.Scenario = ""
	if m := newSized(Options{Session: s}, 160, 48); m.currentScenario() != steps.ScenarioBridge {
		t.Errorf("no scenario in the header shows %q", m.currentScenario())
	}
}

// TestTopologyJoin: after the join scenario, the Topology pane shows
// docker0, the veth pair and the container's namespace with eth0 and its
// address; the Detail pane names the namespace an event acted in.
func TestTopologyJoin(t *testing.T) {
	m := newSized(Options{Session: builtin(t, "join")}, 160, 48)
	m = press(m, "a", "1", "G", "6")
	pic := stripANSI(strings.Join(m.panes[paneTopology].View(true), "\n"))
	for _, want := range []string{"docker0 bridge UP", "172.17.0.1/16", "veth", "┌─ container1", "eth0 veth UP", "172.17.0.2/16", "default via 172.17.0.1"} {
		if !strings.Contains(pic, want) {
			t.Errorf("the Topology pane lacks %q:\n%s", want, pic)
		}
	}
	if !regexp.MustCompile(`├─+┐`).MatchString(pic) || !strings.Contains(pic, "┘") {
		t.Errorf("no wire joins the veth pair:\n%s", pic)
	}
	// An event of the container's namespace is named so in the Detail pane.
	found := false
	for i := 0; i < 40 && !found; i++ {
		found = strings.Contains(plain(t, m), "netns container1 (")
		m = press(m, "3", "j")
	}
	if !found {
		t.Error("no event of the last step is shown as acting in container1")
	}
}
