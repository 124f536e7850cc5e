package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/sanitize"
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
	// Compare are the runs c offers to show beside this one (the split
	// view), in order; none disables c.
	Compare []CompareSource
	// Notice is shown in a box over the panes when the walkthrough opens,
	// until the first key: why a replay was opened instead of the live
	// walkthrough, say.
	Notice string
}

// common is what the root model shares with every pane: the theme, the
// keys, and the walkthrough as shown. The root model owns it and is its only
// writer; panes keep a pointer to it and only read it.
type common struct {
	*walk
	styles Styles
	keys   keyMap
	gen    int // bumped when the theme changes, so cached renders are redone
}

// Model is the walkthrough's root tea.Model. Build it with [New].
//
// It keeps the session (the embedded [walk], read through the Driver), the
// layout and the focus, and a list of panes it forwards messages to. The
// Steps pane chooses the step and the Syscalls pane the event; after each
// message the root model tells every pane what is selected (sync).
type Model struct {
	*walk
	opts   Options
	driver Driver
	com    *common

	data []*stepData // each step's decoded rows, built as they are shown

	sessGen   int    // bumped by a restart: older step results are ignored
	switching string // live: the scenario the restart under way switches to
	runAll    bool   // live: keep running until the end or a failure
	queued    int    // live: n presses waiting for the running step

	dark          bool
	width, height int
	lay           layout
	panes         [numPanes]Pane
	focus         paneID
	recent        []paneID // panes in the order they were last focused, latest first: a slot of tabs shows its latest
	moves         int      // the Syscalls pane's moves at the last sync

	help     help.Model
	showHelp bool
	picker   scenarioPicker
	cmp      compareState

	refreshEvery time.Duration // how often a running step is read
	decodeQueued bool          // a decodeMsg is on its way
	decodeBudget int           // events the current update may still decode

	message    string
	messageErr bool
	quitting   bool
	// notice is Options.Notice until the first key.
	notice string
	// unsaved is set when a live step ran since the session was last
	// saved; q then asks before quitting (confirmQuit).
	unsaved, confirmQuit bool
	// saveNew is set while SavePath is a default name netexplore has not
	// yet saved to: w then never replaces a file there (see saveCmd).
	saveNew bool
}

// New returns the walkthrough's root model for opts.
func New(opts Options) Model {
	saveNew := opts.SavePath == ""
	if saveNew {
		opts.SavePath = defaultSavePath(time.Now())
	}
	// Both can quote a file's name or a reader's error.
	opts.Title, opts.Notice = sanitize.Line(opts.Title), sanitize.Line(opts.Notice)
	live := opts.Driver != nil
	w := &walk{
		sess:    opts.Session,
		live:    live,
		running: -1,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	com := &common{walk: w, styles: DefaultStyles(true, opts.NoColor), keys: defaultKeyMap(live)}
	m := Model{
		walk:   w,
		opts:   opts,
		driver: opts.Driver,
		com:    com,
		dark:   true,

		refreshEvery: refreshInterval,
		panes:        newPanes(com),
		focus:        paneSteps,
		help:         help.New(),
		saveNew:      saveNew,
	}
	m.applyTheme()
	m.notice = opts.Notice
	m.decodeBudget = decodeChunk
	m.reload()
	m.resize(80, 24)
	m.selectStep(0)
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
			clean := m.snap[i].clean
			if st.Result != m.snap[i].result {
				clean = cleanResult(st.Result)
			}
			m.snap[i] = stepSnap{status: st.Status, result: st.Result, clean: clean, events: st.Events, start: st.Start}
		}
		m.lost, m.header = s.Lost, cleanHeader(s.Header)
		if len(s.Sources) != len(m.sources) || m.sourcesOf != s {
			m.sources, m.sourcesOf = cleanSources(s.Sources), s
		}
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

// applyTheme rebuilds everything that depends on the styles.
func (m *Model) applyTheme() {
	m.com.styles = DefaultStyles(m.dark, m.opts.NoColor)
	m.com.gen++
	m.help.Styles = m.com.styles.Help
	m.broadcast(themeMsg{})
}

// cur returns the selected step, which the Steps pane chooses.
func (m *Model) cur() int { return m.stepsPane().cursor }

// stepsPane returns the Steps pane, which chooses the step.
func (m *Model) stepsPane() *stepsPane { return m.panes[paneSteps].(*stepsPane) }

// callsPane returns the Syscalls pane, which chooses the event.
func (m *Model) callsPane() *callsPane { return m.panes[paneCalls].(*callsPane) }
