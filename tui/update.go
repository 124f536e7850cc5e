package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"syscall"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/session"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.decodeBudget = decodeChunk
	nm, cmd := m.update(msg)
	mm := nm.(Model)
	// A step larger than one chunk goes on decoding between messages.
	if !mm.decodeQueued && mm.stepCount() > 0 && mm.decoding() {
		mm.decodeQueued = true
		cmd = tea.Batch(cmd, func() tea.Msg { return decodeMsg{} })
	}
	return mm, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case decodeMsg:
		m.decodeQueued = false
		m.sync()
		return m, nil
	case tea.WindowSizeMsg:
		cmd := m.resize(msg.Width, msg.Height)
		m.sync()
		return m, cmd
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyTheme()
		m.sync()
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		if m.picker.open {
			return m.pickerWheel(msg.Mouse()), nil
		}
		return m, m.mouse(msg, msg.Mouse(), false)
	case tea.MouseClickMsg:
		if m.picker.open {
			return m, nil
		}
		return m, m.mouse(msg, msg.Mouse(), true)
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
		m.sync()
		return m, refreshCmd(m.sessGen, m.refreshEvery)
	case stepDoneMsg:
		return m.stepDone(msg)
	case restartedMsg:
		return m.restarted(msg)
	case compareLoadedMsg:
		return m.compareLoaded(msg)
	case savedMsg:
		if msg.err != nil {
			m.flash(saveError(msg.path, msg.err), true)
		} else {
			m.unsaved = false
			// Later saves replace the file this one made.
			m.opts.SavePath, m.saveNew = msg.path, false
			m.flash("saved the session to "+msg.path, false)
		}
		return m, nil
	case flashMsg:
		m.flash(msg.text, msg.isErr)
		return m, nil
	}
	// Anything else (the filter's own messages, say) is the panes'.
	return m, m.broadcast(msg)
}

// decoding reports whether the selected step has events left to decode.
func (m *Model) decoding() bool {
	i := m.cur()
	return i < len(m.data) && m.data[i] != nil && !m.data[i].complete()
}

// flash shows a one-off message until the next key press.
// The text is made safe to show: it can name files and quote errors.
func (m *Model) flash(s string, isErr bool) { m.message, m.messageErr = sanitize.Line(s), isErr }

// forward sends msg to pane id.
func (m *Model) forward(id paneID, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.panes[id], cmd = m.panes[id].Update(msg)
	return cmd
}

// broadcast sends msg to every pane.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for id := range m.panes {
		if cmd := m.forward(paneID(id), msg); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	return tea.Batch(cmds...)
}

// typing returns the pane that has taken the keyboard over, if any.
func (m *Model) typing() (paneID, bool) {
	for id, p := range m.panes {
		if in, ok := p.(inputPane); ok && in.Typing() {
			return paneID(id), true
		}
	}
	return 0, false
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	m.message = ""
	m.notice = "" // the key still does its job
	if id, ok := m.typing(); ok {
		if msg.String() == "ctrl+c" {
			m.quitting = true
			return m, tea.Quit
		}
		cmd := m.forward(id, msg)
		m.sync()
		return m, cmd
	}
	if key.Matches(msg, k.Quit) {
		// q asks first when live steps ran and were not saved; ctrl+c and
		// a second q quit.
		if m.live && m.unsaved && !m.confirmQuit && msg.String() == "q" {
			m.confirmQuit = true
			m.flash("the steps you ran are not saved: q again quits, w saves the session to "+m.opts.SavePath, true)
			return m, nil
		}
		m.quitting = true
		return m, tea.Quit
	}
	m.confirmQuit = false
	if m.picker.open {
		return m.pickerKey(msg)
	}
	if m.cmp.picking {
		return m.comparePickerKey(msg)
	}
	if m.cmp.view != nil {
		if m.showHelp {
			m.showHelp = false
			return m, nil
		}
		return m.compareViewKey(msg)
	}
	if m.showHelp {
		m.showHelp = false
		if key.Matches(msg, k.Help, k.Calls.ClearFilter) {
			return m, nil
		}
	}
	var cmd tea.Cmd
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
	case key.Matches(msg, compareKey):
		m.openCompare()
	case key.Matches(msg, k.PrevStep):
		m.selectStep(m.cur() - 1)
	case key.Matches(msg, k.NextStep):
		m.selectStep(m.cur() + 1)
	case key.Matches(msg, k.Focus):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.FocusBack):
		m.setFocus((m.focus + numPanes - 1) % numPanes)
	case key.Matches(msg, k.Pane):
		m.setFocus(paneID(msg.String()[0] - '1'))
	case key.Matches(msg, k.Save):
		cmd = m.save()
	default:
		cmd = m.forwardKey(msg)
	}
	m.sync()
	return m, cmd
}

// forwardKey gives a key the root model does not handle to the pane that
// takes it: one whose global keys match it, else the focused pane. A pane
// that starts typing takes the focus in the narrow layout, so what is
// typed is seen.
func (m *Model) forwardKey(msg tea.KeyPressMsg) tea.Cmd {
	to := m.focus
	for id, p := range m.panes {
		if g, ok := p.(globalKeyer); ok && key.Matches(msg, g.GlobalKeys()...) {
			to = paneID(id)
			break
		}
	}
	cmd := m.forward(to, msg)
	if id, ok := m.typing(); ok && !m.visible(id) {
		m.setFocus(id)
	}
	return cmd
}

// mouse sends a wheel turn or a click to the pane under the pointer, in
// the pane's coordinates; a click focuses the pane first.
func (m *Model) mouse(msg tea.Msg, ms tea.Mouse, click bool) tea.Cmd {
	id, ok := m.paneAt(ms.X, ms.Y)
	if !ok || (click && ms.Button != tea.MouseLeft) {
		return nil
	}
	if click {
		m.setFocus(id)
	}
	r := m.lay.rect(id)
	ms.X, ms.Y = ms.X-r.x-1, ms.Y-r.y-1
	if click {
		msg = tea.MouseClickMsg(ms)
	} else {
		msg = tea.MouseWheelMsg(ms)
	}
	cmd := m.forward(id, msg)
	m.sync()
	return cmd
}

// setFocus focuses pane p and shows it if it is a tab.
func (m *Model) setFocus(p paneID) {
	if p < 0 || p >= numPanes {
		return
	}
	m.focus = p
	m.recent = append([]paneID{p}, slices.DeleteFunc(m.recent, func(q paneID) bool { return q == p })...)
}

// selectStep makes step i the selected one.
func (m *Model) selectStep(i int) {
	m.stepsPane().selectStep(i)
	m.sync()
}

// sync tells every pane what is selected: the step the Steps pane chose,
// then the event the Syscalls pane chose among that step's. It costs only
// what changed: new events, a new selection.
func (m *Model) sync() {
	if m.stepCount() == 0 {
		return
	}
	cur := m.cur()
	d := m.stepData(cur)
	m.broadcast(stepMsg{step: cur, data: d})
	calls := m.callsPane()
	row, ok := calls.selected()
	if !ok {
		row = -1
	}
	follow := calls.moves != m.moves
	m.moves = calls.moves
	m.broadcast(eventMsg{step: cur, data: d, row: row, follow: follow})
}

// next runs (live) or reveals (replay) the next step.
func (m *Model) next() tea.Cmd {
	if !m.live {
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

// back hides the last revealed step (replay only).
func (m *Model) back() {
	if m.live {
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
	if !m.live {
		m.revealed = m.stepCount()
		m.sync()
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
	if !m.live {
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
	return saveCmd(m.driver, m.sess, m.opts.SavePath, m.saveNew)
}

func (m Model) stepDone(msg stepDoneMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.sessGen {
		return m, nil
	}
	m.running = -1
	m.unsaved = true
	m.reload()
	m.sync()
	if msg.err != nil {
		m.runAll, m.queued = false, 0
		m.flash(fmt.Sprintf("step %d: %v", msg.step+1, msg.err), true)
		return m, nil
	}
	if m.status(msg.step) == session.Failed {
		m.runAll, m.queued = false, 0
		m.flash(fmt.Sprintf("step %d %s failed", msg.step+1, m.stepAt(msg.step).Info.ID), true)
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
		m.unsaved = false
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
	m.broadcast(sessionMsg{})
	m.selectStep(0)
}

// saveError explains why w could not write the session, and what to do:
// for a directory that cannot be written, which one and how to save
// elsewhere.
func saveError(path string, err error) string {
	abs, aerr := filepath.Abs(path)
	if aerr != nil {
		abs = path
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		cause := err
		for errors.Unwrap(cause) != nil {
			cause = errors.Unwrap(cause)
		}
		return fmt.Sprintf("cannot save to %s: the directory %s is not writable (%v); start netexplore in a directory you can write to",
			abs, filepath.Dir(abs), cause)
	}
	return fmt.Sprintf("cannot save to %s: %v", abs, err)
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
