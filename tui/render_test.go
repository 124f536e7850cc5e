package tui

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// sizes are the terminal sizes every pane state is rendered at.
var sizes = []struct{ w, h int }{{80, 24}, {100, 30}, {160, 48}}

// renderStates are the screens the golden files cover, built from the
// embedded recording of Docker's default bridge.
func renderStates(t *testing.T) []struct {
	name  string
	build func(w, h int) Model
} {
	replay := func(w, h int) Model {
		return newSized(Options{Session: embedded(t), Title: "replay: docker0.nxs"}, w, h)
	}
	return []struct {
		name  string
		build func(w, h int) Model
	}{
		// Nothing revealed yet: every step pending, step 0's explanation.
		{"start", replay},
		// Four steps revealed; setupDevice selected in the Steps pane.
		{"steps_device", func(w, h int) Model { return press(replay(w, h), "n", "n", "n", "n") }},
		// The Syscalls pane: RTM_NEWLINK selected, its source line highlighted.
		{"syscalls_device", func(w, h int) Model { return press(replay(w, h), "n", "n", "n", "n", "3") }},
		// Source pane focused after following the selected syscall.
		{"source_device", func(w, h int) Model { return press(replay(w, h), "n", "n", "n", "n", "3", "j", "k", "2") }},
		// The Detail pane: IFLA_IFNAME selected, its bytes highlighted.
		{"detail_ifname", func(w, h int) Model {
			return selectNode(t, press(replay(w, h), "n", "n", "n", "n", "4"), "IFLA_IFNAME")
		}},
		// A collapsed then re-expanded node: IFLA_LINKINFO opened.
		{"detail_linkinfo_open", func(w, h int) Model {
			m := selectNode(t, press(replay(w, h), "n", "n", "n", "n", "4"), "IFLA_LINKINFO")
			return press(m, "enter", "j")
		}},
		// The Changes pane of setupDevice.
		{"changes_device", func(w, h int) Model { return press(replay(w, h), "n", "n", "n", "n", "5") }},
		// Helper processes indented under their exec (step 0).
		{"syscalls_helpers", func(w, h int) Model { return press(replay(w, h), "n", "3", "j", "j", "j", "j") }},
		// A netlink error reply in red, with its errno.
		{"syscalls_error", func(w, h int) Model {
			m := press(replay(w, h), "n", "3")
			for i := 0; i < 30; i++ {
				if r, ok := m.callsPane().selected(); ok && m.callsPane().data.rows[r].kind == rowError && m.callsPane().data.rows[r].req >= 0 {
					break
				}
				m = press(m, "j")
			}
			return m
		}},
		// The filter typed and kept.
		{"filter", func(w, h int) Model { return press(replay(w, h), "a", "1", "g", "/", "type:newchain", "enter") }},
		// The filter while it is being typed.
		{"filter_typing", func(w, h int) Model { return press(replay(w, h), "a", "1", "g", "/", "type:ip nat") }},
		// Peeks, forks and exec results hidden.
		{"hidden_noise", func(w, h int) Model { return press(replay(w, h), "n", "3", "H") }},
		// A skipped step and its reason.
		{"skipped", func(w, h int) Model {
			return press(replay(w, h), "a", "1", "g", "j", "j", "j", "j", "j", "j", "j", "j")
		}},
		// A failed step and its error.
		{"failed", func(w, h int) Model {
			s := embedded(t)
			s.Steps[6].Status = session.Failed
			s.Steps[6].Result.Error = "setting MTU of docker0: invalid argument"
			m := newSized(Options{Session: s, Title: "replay: failed.nxs"}, w, h)
			return press(m, "a", "]", "]", "]", "]", "]", "]")
		}},
		// A syscall whose origin lies outside the step's function.
		{"origin_outside", func(w, h int) Model {
			s := embedded(t)
			for i := range s.Steps[3].Events {
				s.Steps[3].Events[i].Origin = &analyze.Frame{File: "steps/env.go", Line: 60, Func: "github.com/netexplore/netexplore/steps.(*Env).notef"}
			}
			m := newSized(Options{Session: s, Title: "replay"}, w, h)
			return press(m, "n", "n", "n", "n", "3", "j", "k")
		}},
		// The help page.
		{"help", func(w, h int) Model { return press(replay(w, h), "?") }},
		// The Topology pane after the join scenario's last step: docker0,
		// the veth pairs, the containers' namespaces with eth0.
		{"topology_join", func(w, h int) Model {
			m := newSized(Options{Session: builtin(t, "join"), Title: "replay: join"}, w, h)
			return press(m, "a", "1", "G", "6")
		}},
		// Topology after the step that plugged the first container's veth
		// into docker0: the port is marked changed.
		{"topology_step", func(w, h int) Model {
			m := newSized(Options{Session: builtin(t, "join"), Title: "replay: join"}, w, h)
			for m.stepAt(m.cur()).Info.ID != "CreateEndpoint (addToBridge)" {
				m = press(m, "n")
			}
			return press(m, "6")
		}},
		// The note a replay opened for want of root shows until a key.
		{"notice", func(w, h int) Model {
			return newSized(Options{Session: embedded(t), Title: "replay", Notice: "live mode needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN): this is a replay of the built-in recording of Docker's default bridge; run `sudo netexplore` for the live walkthrough"}, w, h)
		}},
		// Live mode with a step running (spinner stopped at its first frame).
		{"live_running", func(w, h int) Model {
			f := &fakeDriver{sess: newFakeSession(4)}
			m := newSized(Options{Session: f.sess, Driver: f, Title: "live: netns lab (pid 1234)"}, w, h)
			m = press(m, "n")
			f.mu.Lock()
			for _, e := range syntheticEvents(100, true) {
				f.sess.Steps[0].AddEvent(e)
			}
			f.mu.Unlock()
			return send(m, refreshMsg{gen: m.sessGen})
		}},
		// Live mode, the scenario picker open over the panes: the default
		// bridge marked current, the cursor moved to join.
		{"scenario_picker", func(w, h int) Model {
			f := &fakeDriver{sess: newFakeSession(4)}
			f.sess.Header.Scenario = "bridge"
			m := newSized(Options{Session: f.sess, Driver: f, Title: "live: netns lab (pid 1234)", Scenarios: steps.Scenarios()}, w, h)
			return press(m, "s", "j", "j")
		}},
		// Live mode after two steps, the second failed.
		{"live_failed", func(w, h int) Model {
			f := &fakeDriver{sess: newFakeSession(4), fail: map[int]bool{1: true}}
			m := newSized(Options{Session: f.sess, Driver: f, Title: "live: netns lab (pid 1234)"}, w, h)
			m = runKey(t, m, "n")
			return runKey(t, m, "n")
		}},
	}
}

func TestRender(t *testing.T) {
	for _, st := range renderStates(t) {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", st.name, sz.w, sz.h), func(t *testing.T) {
				checkGolden(t, plain(t, st.build(sz.w, sz.h)))
			})
		}
	}
}

// TestRenderStyled keeps one styled screen per theme, escape codes
// included, to catch style regressions.
func TestRenderStyled(t *testing.T) {
	for _, theme := range []struct {
		name string
		dark bool
	}{{"dark", true}, {"light", false}} {
		t.Run(theme.name, func(t *testing.T) {
			m := newSized(Options{Session: embedded(t), Title: "replay: docker0.nxs"}, 160, 48)
			m.dark = theme.dark
			m.applyTheme()
			m = selectNode(t, press(m, "n", "n", "n", "n", "3", "4"), "IFLA_IFNAME")
			out := m.View().Content
			checkSize(t, out, 160, 48)
			checkGolden(t, escapeANSI(out))
		})
	}
}

// TestNoColor checks that NO_COLOR leaves no colour in the output, only
// attributes (bold, reverse video).
func TestNoColor(t *testing.T) {
	m := newSized(Options{Session: embedded(t), NoColor: true}, 160, 48)
	m = selectNode(t, press(m, "n", "n", "n", "n", "3", "4"), "IFLA_IFNAME")
	out := m.View().Content
	if re := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`); re.MatchString(out) {
		t.Errorf("NO_COLOR output contains a colour sequence: %q", re.FindString(out))
	}
	for _, want := range []string{"\x1b[7m", "\x1b[1m"} {
		if !containsString(out, want) {
			t.Errorf("NO_COLOR output lacks %q (reverse video marks the selection)", want)
		}
	}
}

func containsString(s, sub string) bool {
	return len(sub) == 0 || regexp.MustCompile(regexp.QuoteMeta(sub)).MatchString(s)
}

// TestResize renders at many sizes, including tiny ones, checking every
// screen is exactly the terminal's size (no garbage left after a resize).
func TestResize(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 80, 24)
	m = press(m, "a", "3", "j", "j", "4", "j")
	for _, sz := range [][2]int{{200, 60}, {80, 24}, {40, 10}, {1, 1}, {139, 35}, {140, 36}, {60, 12}, {50, 10}, {300, 100}, {81, 25}} {
		m = send(m, teaSize(sz[0], sz[1]))
		checkSize(t, m.View().Content, sz[0], sz[1])
	}
}

func TestRenderTooSmall(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 40, 8)
	checkGolden(t, plain(t, m))
}
