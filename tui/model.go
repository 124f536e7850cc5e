package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// Driver executes steps for the live walkthrough. It is nil in replay mode.
//
// RunStep and Restart are called off the UI goroutine and may take long;
// View is called on it, often, and must return quickly.
type Driver interface {
	// RunStep runs step i; the Session given to the model is updated in
	// place (events, status, result).
	RunStep(i int) error
	// Restart discards the lab and its namespace and starts again with
	// scenario (one of Options.Scenarios; empty keeps the current one): a
	// fresh session. When it fails before removing anything (the scenario
	// does not accept the configuration, say), it returns a nil session
	// and the walkthrough goes on with the old one; a non-nil session
	// returned with an error replaces the old one, which had to go.
	Restart(scenario string) (*session.Session, error)
	// View calls f while the session is not being modified.
	View(f func(*session.Session))
}

// Titler is implemented by a Driver whose description changes while the
// UI runs (a restart starts a new lab); the status line shows Title instead
// of Options.Title.
type Titler interface {
	Title() string
}

// Options configures the walkthrough.
type Options struct {
	// Session is the walkthrough to show: live (being filled by Driver) or
	// recorded.
	Session *session.Session
	// Driver runs the steps; nil means replay mode: step forward and
	// backward through the recorded steps, nothing runs.
	Driver Driver
	// Title names what is shown in the status line, e.g.
	// "live: netns lab (pid 1234)" or "replay: docker0.nxs".
	Title string
	// SavePath is where w saves the session; empty means
	// netexplore-<time>.nxs in the current directory.
	SavePath string
	// NoColor turns colour off (NO_COLOR or --no-color); attributes such as
	// bold and reverse video remain.
	NoColor bool
	// Scenarios are what s offers in live mode (steps.Scenarios()), in
	// order; the walkthrough restarts with the one chosen.
	Scenarios []steps.Scenario
}

// pane identifies one of the five panes.
type pane int

const (
	paneSteps pane = iota
	paneSource
	paneCalls
	paneDetail
	paneChanges
	numPanes
)

// String returns the pane's title.
func (p pane) String() string {
	switch p {
	case paneSteps:
		return "Steps"
	case paneSource:
		return "Source"
	case paneCalls:
		return "Syscalls"
	case paneDetail:
		return "Detail"
	case paneChanges:
		return "Changes"
	}
	return "?"
}

// stepSnap is what the model last read of one step, under Driver.View: the
// model never reads a live step's fields outside that call.
type stepSnap struct {
	status session.Status
	result *steps.StepResult
	events []session.Event
}

// common is what every pane needs to render: the styles and keys of the
// current theme and mode.
type common struct {
	styles Styles
	keys   keyMap
	gen    int // bumped when the theme changes, so cached renders are redone
}

// Model is the walkthrough's root tea.Model. Build it with [New].
type Model struct {
	opts   Options
	driver Driver
	sess   *session.Session
	com    *common

	// What was last read from the session.
	snap    []stepSnap
	data    []*stepData
	lost    uint64
	header  session.Header
	sources map[string]string

	sessGen    int    // bumped by a restart: older step results are ignored
	revealed   int    // replay: steps revealed so far
	running    int    // live: the step running, -1 when none
	restarting bool   // live: a restart is under way
	switching  string // live: the scenario the restart under way switches to
	runAll     bool   // live: keep running until the end or a failure
	queued     int    // live: n presses waiting for the running step

	dark          bool
	width, height int
	lay           layout
	focus         pane
	tab           pane // content pane the narrow layout shows
	cur           int  // selected step

	steps   stepsPane
	source  sourcePane
	calls   callsPane
	detail  detailPane
	changes changesPane

	filter    textinput.Model
	filtering bool
	help      help.Model
	showHelp  bool
	picker    scenarioPicker
	spinner   spinner.Model
	hl        *highlighter

	refreshEvery time.Duration // how often a running step is read
	decodeQueued bool          // a decodeMsg is on its way
	decodeBudget int           // events the current update may still decode

	message    string
	messageErr bool
	quitting   bool
}

// New returns the walkthrough's root model for opts.
func New(opts Options) Model {
	if opts.SavePath == "" {
		opts.SavePath = defaultSavePath(time.Now())
	}
	live := opts.Driver != nil
	m := Model{
		opts:    opts,
		driver:  opts.Driver,
		sess:    opts.Session,
		com:     &common{styles: DefaultStyles(true, opts.NoColor), keys: defaultKeyMap(live)},
		running: -1,
		dark:    true,

		refreshEvery: refreshInterval,
		focus:        paneSteps,
		tab:          paneSource,
		help:         help.New(),
		spinner:      spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		hl:           newHighlighter(),
	}
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.Placeholder = "filter syscalls"
	m.applyTheme()
	m.decodeBudget = decodeChunk
	m.reload()
	m.width, m.height = 80, 24
	m.layout()
	m.selectStep(0)
	m.fixScroll()
	return m
}

// defaultSavePath names a session file after the time it is saved.
func defaultSavePath(t time.Time) string {
	return fmt.Sprintf("netexplore-%s.nxs", t.Format("20060102-150405"))
}

// Init implements tea.Model: it asks the terminal for its background colour
// so the theme fits it.
func (m Model) Init() tea.Cmd {
	return tea.RequestBackgroundColor
}

// live reports whether steps really run.
func (m *Model) live() bool { return m.driver != nil }

// reload reads the session again: every step's status, result and events,
// the lost count and the header. It is the only place the model reads a
// live session.
func (m *Model) reload() {
	read := func(s *session.Session) {
		if s == nil {
			return
		}
		if len(m.snap) != len(s.Steps) {
			m.snap = make([]stepSnap, len(s.Steps))
			m.data = make([]*stepData, len(s.Steps))
		}
		for i, st := range s.Steps {
			m.snap[i] = stepSnap{status: st.Status, result: st.Result, events: st.Events}
		}
		m.lost, m.header, m.sources = s.Lost, s.Header, s.Sources
	}
	if m.driver != nil {
		m.driver.View(read)
	} else {
		read(m.sess)
	}
	if m.sess == nil {
		m.snap, m.data = nil, nil
	}
}

// stepCount returns the number of steps in the plan.
func (m *Model) stepCount() int { return len(m.snap) }

// stepAt returns step i, whose plan entry and source never change after
// the plan is made (only Status, Result and Events do, under Driver.View).
func (m *Model) stepAt(i int) *session.Step {
	if m.sess == nil || i < 0 || i >= len(m.sess.Steps) {
		return nil
	}
	return m.sess.Steps[i]
}

// status returns the state shown for step i: in replay mode, steps not yet
// revealed are pending.
func (m *Model) status(i int) session.Status {
	if i < 0 || i >= len(m.snap) {
		return session.Pending
	}
	if !m.live() && i >= m.revealed {
		return session.Pending
	}
	if m.live() && i == m.running && m.snap[i].status == session.Pending {
		return session.Running
	}
	return m.snap[i].status
}

// result returns step i's result when it is shown.
func (m *Model) result(i int) *steps.StepResult {
	if i < 0 || i >= len(m.snap) || (!m.live() && i >= m.revealed) {
		return nil
	}
	return m.snap[i].result
}

// events returns step i's events when they are shown.
func (m *Model) events(i int) []session.Event {
	if i < 0 || i >= len(m.snap) || (!m.live() && i >= m.revealed) {
		return nil
	}
	return m.snap[i].events
}

// stepData returns step i's cache, brought up to date.
func (m *Model) stepData(i int) *stepData {
	if i < 0 || i >= len(m.data) {
		return newStepData()
	}
	evs := m.events(i)
	d := m.data[i]
	if d == nil || len(evs) < len(d.rows) {
		d = newStepData()
		m.data[i] = d
	}
	m.decodeBudget -= d.sync(evs, max(m.decodeBudget, 0))
	return d
}

// eventTotal counts the events shown.
func (m *Model) eventTotal() int {
	n := 0
	for i := range m.snap {
		n += len(m.events(i))
	}
	return n
}

// nextPending returns the next step to run or reveal, or -1: none is left,
// or a step failed (Docker stops at the first failure; restart to go on).
func (m *Model) nextPending() int {
	if !m.live() {
		if m.revealed < len(m.snap) {
			return m.revealed
		}
		return -1
	}
	for i := range m.snap {
		switch m.snap[i].status {
		case session.Failed:
			return -1
		case session.Pending:
			return i
		}
	}
	return -1
}

// doneCount counts the steps that have run (done, failed or skipped).
func (m *Model) doneCount() int {
	n := 0
	for i := range m.snap {
		switch m.status(i) {
		case session.Done, session.Failed, session.Skipped:
			n++
		}
	}
	return n
}

// applyTheme rebuilds everything that depends on the styles.
func (m *Model) applyTheme() {
	m.com.styles = DefaultStyles(m.dark, m.opts.NoColor)
	m.com.gen++
	m.help.Styles = m.com.styles.Help
	st := textinput.DefaultStyles(m.dark)
	if m.opts.NoColor {
		st = textinput.Styles{Cursor: st.Cursor}
	}
	st.Cursor.Blink = false // a steady cursor: no timer, same screen every time
	m.filter.SetStyles(st)
	m.hl.reset()
}

// themeGen identifies the current theme for render caches.
func (m *Model) themeGen() int { return m.com.gen }

// spinnerFrame returns the running step's glyph, without colour.
func (m *Model) spinnerFrame() string { return m.spinner.View() }
