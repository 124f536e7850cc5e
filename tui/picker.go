package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// scenarioPicker is the overlay s opens in live mode: every scenario with
// its summary, the current one marked. Choosing one restarts the
// walkthrough in a fresh lab with it.
type scenarioPicker struct {
	open   bool
	cursor int // index into Options.Scenarios
	// err says why the last switch failed; it stays under the list until
	// the picker closes.
	err string
}

// scenarioIndex returns the position of scenario name in the picker, or -1.
func (m *Model) scenarioIndex(name string) int {
	for i, s := range m.opts.Scenarios {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// replayScenarioMessage explains that a recording's scenario is fixed and
// how to record another, as fully as the bottom line allows.
func (m *Model) replayScenarioMessage() string {
	const record = "netexplore record --scenario NAME -o FILE"
	long := fmt.Sprintf("this recording shows scenario %s and a replay cannot change it: to see another, record it with %s", m.currentScenario(), record)
	if textWidth(long)+1 <= m.width {
		return long
	}
	return fmt.Sprintf("scenario %s is fixed in a replay: %s", m.currentScenario(), record)
}

// openPicker handles s: the picker in live mode, a message in a replay.
func (m *Model) openPicker() {
	switch {
	case !m.live:
		m.flash(m.replayScenarioMessage(), false)
	case len(m.opts.Scenarios) == 0:
		m.flash("no other scenario to choose from", false)
	case m.running >= 0:
		m.flash("wait for the running step to finish before switching scenario", false)
	case m.restarting:
		m.flash("restarting: wait a moment", false)
	default:
		m.picker = scenarioPicker{open: true, cursor: max(m.scenarioIndex(m.currentScenario()), 0)}
	}
}

// pickerKey handles keys while the picker is open: move, choose, close.
func (m Model) pickerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	n := len(m.opts.Scenarios)
	switch {
	case key.Matches(msg, k.Choose):
		return m, m.switchScenario(m.opts.Scenarios[m.picker.cursor].Name)
	case key.Matches(msg, k.Close):
		m.picker = scenarioPicker{}
	default:
		m.picker.cursor = k.Nav.moveCursor(msg, m.picker.cursor, n)
	}
	return m, nil
}

// switchScenario closes the picker and restarts the walkthrough in a fresh
// lab with scenario name.
func (m *Model) switchScenario(name string) tea.Cmd {
	m.picker = scenarioPicker{}
	m.restarting, m.switching = true, name
	m.runAll, m.queued = false, 0
	return tea.Batch(restartCmd(m.driver, name), m.spinner.Tick)
}

// pickerOverlay draws the picker over body (the panes' lines), centred.
func (m *Model) pickerOverlay(body []string) []string {
	st := &m.com.styles
	items := m.opts.Scenarios
	if len(items) == 0 || len(body) < 3 || m.width < 10 {
		return body
	}
	nameW := 0
	for _, s := range items {
		nameW = max(nameW, textWidth(s.Name))
	}
	lead := 5 + nameW + 2 // " › ● name  "
	full := 0
	for _, s := range items {
		full = max(full, lead+textWidth(s.Summary)+1)
	}
	w := min(full+2, m.width-4)
	if w < 40 {
		w = min(m.width, 40)
	}
	inner := w - 2
	sumW := inner - lead - 1
	cut := false
	for _, s := range items {
		cut = cut || textWidth(s.Summary) > sumW
	}

	// The list, the selected summary in full when the list cuts it, and
	// why the last switch failed.
	cur := m.currentScenario()
	var list []string
	for i, s := range items {
		cursor, mark := " ", " "
		if i == m.picker.cursor {
			cursor = "›"
		}
		if s.Name == cur {
			mark = "●"
		}
		name := fit(s.Name, nameW)
		summary := fit(truncate(s.Summary, max(sumW, 0)), max(inner-lead, 0))
		if i == m.picker.cursor && st.Selected.pre != "" {
			list = append(list, st.Selected.render(fit(" "+cursor+" "+mark+" "+name+"  "+summary, inner)))
			continue
		}
		list = append(list, fitStyled(" "+cursor+" "+st.OK.render(mark)+" "+st.Accent.render(name)+"  "+st.Text.render(summary), inner))
	}
	var detail, errs []string
	if cut {
		s := items[m.picker.cursor]
		for _, l := range wrap(s.Name+": "+s.Summary, inner-2) {
			detail = append(detail, fit(" "+l, inner))
		}
	}
	if m.picker.err != "" {
		for _, l := range wrap("✗ "+m.picker.err, inner-2) {
			errs = append(errs, st.Error.render(fit(" "+l, inner)))
		}
	}

	// Fit the box in the body: the summary gives way first, then the list
	// shrinks to three rows around the cursor, then the error is cut.
	avail := len(body) - 2
	sep := []string{st.Border.render(strings.Repeat("─", inner))}
	tail := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			if len(p) > 0 {
				out = append(out, sep...)
				out = append(out, p...)
			}
		}
		return out
	}
	rest := tail(detail, errs)
	listH := min(len(list), avail)
	if listH+len(rest) > avail {
		rest = tail(errs)
		listH = clamp(avail-len(rest), min(len(list), 3), listH)
		if listH+len(rest) > avail {
			rest = rest[:max(avail-listH, 0)]
		}
	}
	off := scrollTo(0, m.picker.cursor, listH, len(list))
	content := append(append([]string{}, list[off:off+listH]...), rest...)
	h := len(content) + 2
	lines := box(st, "Choose a scenario · a fresh lab replaces this one", "● current", w, h, true, content)

	x := (m.width - w) / 2
	y := (len(body) - h) / 2
	out := append([]string{}, body...)
	for i, l := range lines {
		out[y+i] = overlay(out[y+i], x, w, l)
	}
	return out
}

// overlay replaces the w cells of the styled line starting at cell x with
// over, which is exactly w cells wide.
func overlay(line string, x, w int, over string) string {
	const reset = "\x1b[m"
	return ansi.Truncate(line, x, "") + reset + over + reset + ansi.TruncateLeft(line, x+w, "")
}
