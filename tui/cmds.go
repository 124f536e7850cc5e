package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
)

// refreshInterval is how often a running step's new events are read.
const refreshInterval = 150 * time.Millisecond

// runStepCmd runs step i off the UI goroutine.
func runStepCmd(d Driver, i, gen int) tea.Cmd {
	return func() tea.Msg {
		return stepDoneMsg{step: i, gen: gen, err: d.RunStep(i)}
	}
}

// refreshCmd schedules the next read of a running step after d.
func refreshCmd(gen int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshMsg{gen: gen} })
}

// restartCmd discards the lab and starts a fresh one with scenario (empty:
// the current one) off the UI goroutine.
func restartCmd(d Driver, scenario string) tea.Cmd {
	return func() tea.Msg {
		s, err := d.Restart(scenario)
		return restartedMsg{scenario: scenario, sess: s, err: err}
	}
}

// saveCmd writes the session to path off the UI goroutine; a live session
// is written while the driver holds it still.
func saveCmd(d Driver, s *session.Session, path string) tea.Cmd {
	return func() tea.Msg {
		var err error
		write := func(s *session.Session) { err = session.WriteFile(path, s) }
		if d != nil {
			d.View(write)
		} else {
			write(s)
		}
		return savedMsg{path: path, err: err}
	}
}

// flashCmd returns a command that shows text on the bottom line.
func flashCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, isErr: isErr} }
}
