package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/compare"
)

// compareSources are the runs the split view tests offer: built-in
// recordings, and one that fails to open.
func compareSources(t *testing.T) []CompareSource {
	var out []CompareSource
	for _, name := range []string{"join@20.10", session.RealDocker} {
		out = append(out, CompareSource{Name: name, About: "built-in recording", Open: func() (*session.Session, error) {
			r, err := session.Lookup(name)
			if err != nil {
				return nil, err
			}
			return r.Open()
		}})
	}
	out = append(out, CompareSource{Name: "broken", About: "cannot be opened", Open: func() (*session.Session, error) {
		return nil, errors.New("no such run")
	}})
	return out
}

// openSplit replays the built-in join walkthrough at w×h, presses c and
// opens source i of compareSources, running the command it returns as
// Bubble Tea would.
func openSplit(t *testing.T, w, h, i int) Model {
	t.Helper()
	m := newSized(Options{Session: builtin(t, "join"), Title: "replay: join", Compare: compareSources(t)}, w, h)
	m = press(m, "c")
	if !m.cmp.picking {
		t.Fatal("c did not open the picker")
	}
	for range i {
		m = press(m, "j")
	}
	m, cmd := pressCmd(m, "enter")
	if cmd == nil {
		t.Fatal("enter returned no command to open the run")
	}
	return send(m, cmd())
}

// toStep selects aligned step name in the split view.
func toStep(t *testing.T, m Model, name string) Model {
	t.Helper()
	m = press(m, "g")
	for range len(m.cmp.view.res.Steps) {
		if m.cmp.view.res.Steps[m.cmp.view.step].Name == name {
			return m
		}
		m = press(m, "]")
	}
	t.Fatalf("no step %s", name)
	return m
}

func TestCompareSplit(t *testing.T) {
	for _, sz := range [][2]int{{160, 48}, {240, 70}} {
		m := openSplit(t, sz[0], sz[1], 0)
		if m.cmp.view == nil {
			t.Fatalf("%dx%d: no split view", sz[0], sz[1])
		}
		// setupDevice: Docker 29's RTM_NEWLINK against 20.10's, the MAC
		// changed; move to the row of that message.
		m = toStep(t, m, "setupDevice")
		v := m.cmp.view
		for v.row < len(v.rows) && v.rows[v.row].op != compare.Changed {
			m = press(m, "j")
		}
		out := plain(t, m)
		for _, want := range []string{"A source · replay: join", "B source · join@20.10", "A syscalls · setupDevice", "~ RTM_NEWLINK", "IFLA_ADDRESS: <mac1>", "IFLA_ADDRESS: 02:42:<mac1>", "≠"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: the split view lacks %q", sz[0], sz[1], want)
			}
		}
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) { checkGolden(t, out) })
	}
}

// TestCompareInStep checks that moving moves both runs: the selected row
// is one aligned line, shown on both sides, and the step list and both
// sides follow [ and ].
func TestCompareInStep(t *testing.T) {
	m := toStep(t, openSplit(t, 160, 48, 0), "setupBridgeIPv4")
	v := m.cmp.view
	d := v.res.Steps[v.step]
	if len(d.A) == 0 || len(d.B) == 0 || d.A[0].Info.ID != "setupBridgeIPv4" || d.B[0].Info.ID != "setupBridgeIPv4" {
		t.Fatalf("the aligned step is not both runs' setupBridgeIPv4")
	}
	for m.cmp.view.row < len(m.cmp.view.rows)-1 && m.cmp.view.rows[m.cmp.view.row].op != compare.Same {
		m = press(m, "j")
	}
	r := m.cmp.view.rows[m.cmp.view.row]
	l := d.Lines[r.line]
	if l.Op != compare.Same {
		t.Fatalf("setupBridgeIPv4 has no message both runs send")
	}
	out := plain(t, m)
	if n := strings.Count(out, l.A.Text[:40]); n < 2 {
		t.Errorf("the selected message shows %d times, want on both sides", n)
	}
	step := m.cmp.view.step
	m = press(m, "]")
	if m.cmp.view.step != step+1 || m.cmp.view.row != 0 {
		t.Errorf("] moved to step %d row %d", m.cmp.view.step, m.cmp.view.row)
	}
	m = press(m, "d")
	if !m.cmp.view.res.Steps[m.cmp.view.step].Differs() {
		t.Error("d selected a step that does not differ")
	}
	m = press(m, "esc")
	if m.cmp.view != nil {
		t.Fatal("esc did not leave the split view")
	}
	if out := plain(t, m); !strings.Contains(out, "1 Steps") {
		t.Error("leaving the split view did not bring the panes back")
	}
	m = press(openSplit(t, 160, 48, 0), "c")
	if m.cmp.view != nil || m.cmp.picking {
		t.Error("c in the split view did not leave it")
	}
}

// TestCompareTabs renders the split view below 160x48: A, B and the diff
// as tabs, and a note saying so.
func TestCompareTabs(t *testing.T) {
	m := toStep(t, openSplit(t, 120, 40, 0), "setupDevice")
	for _, tab := range []string{"A", "B", "diff"} {
		out := plain(t, m)
		if !strings.Contains(out, "["+tab+"]") || !strings.Contains(out, "the side-by-side view needs 160x48, this is 120x40") {
			t.Errorf("tab %s: no tab bar or note:\n%s", tab, out)
		}
		t.Run(tab, func(t *testing.T) { checkGolden(t, out) })
		m = press(m, "tab")
	}
}

// TestComparePicker renders the picker, and an error for a run that
// cannot be opened, which keeps the picker open.
func TestComparePicker(t *testing.T) {
	m := newSized(Options{Session: builtin(t, "join"), Title: "replay: join", Compare: compareSources(t)}, 160, 48)
	m = press(m, "c")
	checkGolden(t, plain(t, m))
	m = openSplit(t, 160, 48, 2)
	if m.cmp.view != nil || !m.cmp.picking || !strings.Contains(plain(t, m), "broken: no such run") {
		t.Errorf("a run that fails to open: view %v, picking %v", m.cmp.view != nil, m.cmp.picking)
	}
	m = press(m, "esc")
	if m.cmp.picking {
		t.Error("esc did not close the picker")
	}
	none := press(newSized(Options{Session: builtin(t, "join")}, 160, 48), "c")
	if none.cmp.picking || !strings.Contains(plain(t, none), "no other run to compare with") {
		t.Error("c without runs to compare with")
	}
}

// TestCompareRealDocker opens the real daemon's recording beside a
// walkthrough: its steps have no source, which the view says.
func TestCompareRealDocker(t *testing.T) {
	m := toStep(t, openSplit(t, 160, 48, 1), "daemon-start")
	if out := plain(t, m); !strings.Contains(out, "no source in this run") || !strings.Contains(out, "A has no step daemon-start") {
		t.Errorf("the real daemon's step:\n%s", out)
	}
}
