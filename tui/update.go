package tui

import (
	"fmt"

	"github.com/netexplore/netexplore/trace/analyze"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.decodeBudget = decodeChunk
	nm, cmd := m.update(msg)
	mm := nm.(Model)
	mm.fixScroll()
	// A step larger than one chunk goes on decoding between messages.
	if !mm.decodeQueued && mm.stepCount() > 0 && mm.calls.data != nil && !mm.calls.data.complete() {
		mm.decodeQueued = true
		cmd = tea.Batch(cmd, func() tea.Msg { return decodeMsg{} })
	}
	return mm, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case decodeMsg:
		m.decodeQueued = false
		m.sync(false)
		return m, nil
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		m.sync(false)
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyTheme()
		m.sync(false)
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		if m.picker.open {
			return m.pickerWheel(msg.Mouse()), nil
		}
		m.handleWheel(msg.Mouse())
		return m, nil
	case tea.MouseClickMsg:
		if !m.picker.open {
			m.handleClick(msg.Mouse())
		}
		return m, nil
	case spinner.TickMsg:
		if m.running < 0 && !m.restarting {
			return m, nil // let the spinner stop
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case refreshMsg:
		if msg.gen != m.sessGen || m.running < 0 {
			return m, nil
		}
		m.reload()
		m.sync(false)
		return m, refreshCmd(m.sessGen, m.refreshEvery)
	case stepDoneMsg:
		return m.stepDone(msg)
	case restartedMsg:
		return m.restarted(msg)
	case savedMsg:
		if msg.err != nil {
			m.flash(fmt.Sprintf("saving failed: %v", msg.err), true)
		} else {
			m.flash("saved the session to "+msg.path, false)
		}
		return m, nil
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		return m, cmd
	}
	return m, nil
}

// fixScroll keeps the cursors of the Steps and Detail panes in view. View
// only reads the offsets it sets.
func (m *Model) fixScroll() {
	m.steps.follow(m)
	m.detail.follow()
}

// flash shows a one-off message until the next key press.
func (m *Model) flash(s string, isErr bool) { m.message, m.messageErr = s, isErr }

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	m.message = ""
	if m.filtering {
		return m.filterKey(msg)
	}
	if key.Matches(msg, k.Quit) {
		m.quitting = true
		return m, tea.Quit
	}
	if m.picker.open {
		return m.pickerKey(msg)
	}
	if m.showHelp {
		m.showHelp = false
		if key.Matches(msg, k.Help, k.ClearFilter) {
			return m, nil
		}
	}
	var cmd tea.Cmd
	follow := false
	switch {
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.Next):
		cmd = m.next()
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.All):
		cmd = m.all()
	case key.Matches(msg, k.Restart):
		cmd = m.restart()
	case key.Matches(msg, k.Scenario):
		m.openPicker()
	case key.Matches(msg, k.PrevStep):
		m.selectStep(m.cur - 1)
	case key.Matches(msg, k.NextStep):
		m.selectStep(m.cur + 1)
	case key.Matches(msg, k.Focus):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.FocusBack):
		m.setFocus((m.focus + numPanes - 1) % numPanes)
	case key.Matches(msg, k.Pane):
		m.setFocus(pane(msg.String()[0] - '1'))
	case key.Matches(msg, k.Filter):
		m.filtering = true
		if !m.lay.wide {
			m.setFocus(paneCalls)
		}
		cmd = m.filter.Focus()
	case key.Matches(msg, k.ClearFilter):
		m.filter.SetValue("")
	case key.Matches(msg, k.Noise):
		m.calls.toggleHide()
		follow = true
	case key.Matches(msg, k.Pair):
		follow = m.pair()
	case key.Matches(msg, k.Save):
		cmd = m.save()
	default:
		follow = m.navigate(msg)
	}
	m.sync(follow)
	return m, cmd
}

// filterKey handles keys while the filter line has focus.
func (m Model) filterKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	switch {
	case msg.String() == "ctrl+c":
		m.quitting = true
		return m, tea.Quit
	case msg.String() == "enter":
		m.filtering = false
		m.filter.Blur()
	case key.Matches(msg, k.ClearFilter):
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
	case msg.String() == "up" || msg.String() == "down":
		if msg.String() == "up" {
			m.calls.move(-1)
		} else {
			m.calls.move(1)
		}
		m.sync(true)
		return m, nil
	default:
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.sync(true)
		return m, cmd
	}
	m.sync(true)
	return m, nil
}

// navigate moves inside the focused pane. It reports whether the selected
// syscall may have changed (the Source pane then follows it).
func (m *Model) navigate(msg tea.KeyPressMsg) bool {
	k := &m.com.keys
	page := 10
	if r := m.lay.rects[m.focus]; r.h > 4 {
		page = r.h - 3
	}
	delta := 0
	switch {
	case key.Matches(msg, k.Up):
		delta = -1
	case key.Matches(msg, k.Down):
		delta = 1
	case key.Matches(msg, k.PageUp):
		delta = -page
	case key.Matches(msg, k.PageDown):
		delta = page
	case key.Matches(msg, k.Top):
		delta = -1 << 30
	case key.Matches(msg, k.Bottom):
		delta = 1 << 30
	}
	switch m.focus {
	case paneSteps:
		if delta != 0 {
			m.selectStep(clamp(m.cur+delta, 0, m.stepCount()-1))
		}
	case paneSource:
		m.source.scroll(delta)
	case paneChanges:
		m.changes.scroll(delta)
	case paneCalls:
		if delta != 0 {
			m.calls.move(delta)
			return true
		}
	case paneDetail:
		switch {
		case delta != 0:
			m.detail.move(delta)
		case key.Matches(msg, k.Toggle):
			m.detail.setOpen(false, true)
		case key.Matches(msg, k.Expand):
			m.detail.setOpen(true, false)
		case key.Matches(msg, k.Collapse):
			m.detail.setOpen(false, false)
		}
	}
	return false
}

// setFocus focuses pane p; the narrow layout shows it if it is a content pane.
func (m *Model) setFocus(p pane) {
	if p < 0 || p >= numPanes {
		return
	}
	m.focus = p
	if p != paneSteps {
		m.tab = p
	}
}

// selectStep makes step i the selected one.
func (m *Model) selectStep(i int) {
	m.cur = clamp(i, 0, max(m.stepCount()-1, 0))
	m.sync(false)
}

// sync brings every pane in line with the selected step and syscall. It
// costs only what changed: new events, a new selection.
func (m *Model) sync(follow bool) {
	if m.stepCount() == 0 {
		return
	}
	d := m.stepData(m.cur)
	m.calls.setData(m.cur, d)
	m.calls.setFilter(m.filter.Value())
	row, ok := m.calls.selected()
	var origin *analyze.Frame
	if ok {
		origin = d.events[row].Origin
	} else {
		row = -1
	}
	m.detail.setEvent(d, m.cur, row)
	m.source.update(m, d, origin, follow)
	m.changes.update(m)
}

// pair jumps between a request and its reply.
func (m *Model) pair() bool {
	row, ok := m.calls.selected()
	if !ok {
		return false
	}
	r := m.calls.data.rows[row]
	target := r.reply
	if target < 0 {
		target = r.req
	}
	if target < 0 {
		m.flash("this syscall has no paired request or reply", false)
		return false
	}
	if !m.calls.jumpTo(int(target)) {
		m.flash("the paired syscall is hidden by the filter", false)
		return false
	}
	return true
}

// next runs (live) or reveals (replay) the next step.
func (m *Model) next() tea.Cmd {
	if !m.live() {
		if m.revealed >= m.stepCount() {
			m.flash("all recorded steps are shown: b steps back, R starts over", false)
			return nil
		}
		m.revealed++
		m.selectStep(m.revealed - 1)
		return nil
	}
	if m.restarting {
		m.flash("restarting: wait a moment", false)
		return nil
	}
	if m.running >= 0 {
		m.queued++ // shown next to the running step
		return nil
	}
	return m.startNext()
}

// startNext starts the next pending step, if any.
func (m *Model) startNext() tea.Cmd {
	i := m.nextPending()
	if i < 0 {
		m.runAll, m.queued = false, 0
		if m.anyFailed() {
			m.flash("a step failed, and Docker stops there too: R restarts in a fresh namespace", true)
		} else {
			m.flash("every step has run: R restarts, w saves the session", false)
		}
		return nil
	}
	m.running = i
	m.selectStep(i)
	return tea.Batch(runStepCmd(m.driver, i, m.sessGen), refreshCmd(m.sessGen, m.refreshEvery), m.spinner.Tick)
}

func (m *Model) anyFailed() bool {
	for i := range m.snap {
		if m.snap[i].status == session.Failed {
			return true
		}
	}
	return false
}

// back hides the last revealed step (replay only).
func (m *Model) back() {
	if m.live() {
		m.flash("steps that ran cannot be undone: R restarts in a fresh namespace", false)
		return
	}
	if m.revealed == 0 {
		return
	}
	m.revealed--
	m.selectStep(max(m.revealed-1, 0))
}

// all runs (live) or reveals (replay) every remaining step.
func (m *Model) all() tea.Cmd {
	if !m.live() {
		m.revealed = m.stepCount()
		m.sync(false)
		return nil
	}
	m.runAll = true
	if m.running >= 0 || m.restarting {
		return nil
	}
	return m.startNext()
}

// restart starts over: a fresh lab (live) or nothing revealed (replay).
func (m *Model) restart() tea.Cmd {
	if !m.live() {
		m.revealed = 0
		m.selectStep(0)
		return nil
	}
	if m.running >= 0 {
		m.flash("wait for the running step to finish before restarting", false)
		return nil
	}
	if m.restarting {
		return nil
	}
	m.restarting = true
	m.runAll, m.queued = false, 0
	return tea.Batch(restartCmd(m.driver, ""), m.spinner.Tick)
}

// save writes the session (w).
func (m *Model) save() tea.Cmd {
	if m.running >= 0 || m.restarting {
		m.flash("wait for the running step to finish before saving", false)
		return nil
	}
	m.flash("saving to "+m.opts.SavePath+"…", false)
	return saveCmd(m.driver, m.sess, m.opts.SavePath)
}

func (m Model) stepDone(msg stepDoneMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.sessGen {
		return m, nil
	}
	m.running = -1
	m.reload()
	m.sync(false)
	if msg.err != nil {
		m.runAll, m.queued = false, 0
		m.flash(fmt.Sprintf("step %d: %v", msg.step, msg.err), true)
		return m, nil
	}
	if m.status(msg.step) == session.Failed {
		m.runAll, m.queued = false, 0
		m.flash(fmt.Sprintf("step %d %s failed", msg.step, m.stepAt(msg.step).Info.ID), true)
		return m, nil
	}
	if m.runAll || m.queued > 0 {
		if m.queued > 0 {
			m.queued--
		}
		return m, m.startNext()
	}
	return m, nil
}

func (m Model) restarted(msg restartedMsg) (tea.Model, tea.Cmd) {
	m.restarting, m.switching = false, ""
	if msg.sess != nil {
		m.adopt(msg.sess)
	}
	switch {
	case msg.err != nil && msg.scenario == "":
		m.flash(fmt.Sprintf("restart failed: %v", msg.err), true)
	case msg.err != nil:
		// Stay on the scenario shown, and say why in the picker, where
		// another one can be chosen.
		m.picker = scenarioPicker{open: true, cursor: max(m.scenarioIndex(msg.scenario), 0), err: msg.err.Error()}
		if msg.sess != nil {
			m.flash(fmt.Sprintf("scenario %s did not start: %s restarted in a fresh namespace", msg.scenario, m.currentScenario()), true)
		} else {
			m.flash(fmt.Sprintf("cannot switch to scenario %s: still on %s", msg.scenario, m.currentScenario()), true)
		}
	case msg.sess == nil:
		m.flash("restart failed: the driver returned no session", true)
	case msg.scenario != "":
		m.flash(fmt.Sprintf("scenario %s, in a fresh namespace: n runs the first step", m.currentScenario()), false)
	default:
		m.flash("restarted in a fresh namespace", false)
	}
	return m, nil
}

// adopt makes s, a fresh session from Driver.Restart, the one shown.
func (m *Model) adopt(s *session.Session) {
	m.sess = s
	m.sessGen++
	m.snap, m.data = nil, nil
	m.reload()
	m.calls.data = nil
	m.source.lines, m.changes.lines = nil, nil
	m.selectStep(0)
}

// pickerWheel moves the picker's cursor with the mouse wheel.
func (m Model) pickerWheel(ms tea.Mouse) Model {
	switch ms.Button {
	case tea.MouseWheelUp:
		m.picker.cursor = max(m.picker.cursor-1, 0)
	case tea.MouseWheelDown:
		m.picker.cursor = min(m.picker.cursor+1, len(m.opts.Scenarios)-1)
	}
	return m
}

// handleWheel scrolls the pane under the mouse.
func (m *Model) handleWheel(ms tea.Mouse) {
	p, ok := m.paneAt(ms.X, ms.Y)
	if !ok {
		return
	}
	delta := 3
	switch ms.Button {
	case tea.MouseWheelUp:
		delta = -3
	case tea.MouseWheelDown:
	default:
		return
	}
	switch p {
	case paneSteps:
		m.selectStep(m.cur + delta/3)
	case paneSource:
		m.source.scroll(delta)
	case paneCalls:
		m.calls.scroll(delta)
	case paneDetail:
		m.detail.move(delta)
		m.sync(false)
	case paneChanges:
		m.changes.scroll(delta)
	}
}

// handleClick focuses the pane under the mouse and selects the line clicked.
func (m *Model) handleClick(ms tea.Mouse) {
	if ms.Button != tea.MouseLeft {
		return
	}
	p, ok := m.paneAt(ms.X, ms.Y)
	if !ok {
		return
	}
	m.setFocus(p)
	y := ms.Y - m.lay.rects[p].y - 1
	follow := false
	switch p {
	case paneSteps:
		lines := m.steps.lines(m)
		if i := m.steps.offset + y; y >= 0 && i < len(lines) && lines[i].step >= 0 {
			m.cur = lines[i].step
		}
	case paneCalls:
		follow = m.calls.click(y)
	case paneDetail:
		head, _, _ := m.detail.split()
		if i := m.detail.offset + y - head; y >= head && i < len(m.detail.vis) {
			m.detail.cursor = i
		}
	}
	m.sync(follow)
}
