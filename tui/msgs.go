package tui

import "github.com/netexplore/netexplore/session"

// stepDoneMsg reports that Driver.RunStep returned. gen is the session
// generation it belongs to: results from before a restart are ignored.
type stepDoneMsg struct {
	step, gen int
	err       error
}

// refreshMsg asks the model to read the running step's new events.
type refreshMsg struct{ gen int }

// restartedMsg carries the fresh session of Driver.Restart. scenario is
// the one asked for: empty for R, which keeps the current one.
type restartedMsg struct {
	scenario string
	sess     *session.Session
	err      error
}

// savedMsg reports the outcome of w.
type savedMsg struct {
	path string
	err  error
}

// decodeMsg asks the model to decode the next chunk of a large step.
type decodeMsg struct{}

// flashMsg asks the root model to show a one-off message on the bottom
// line; panes return it through [flashCmd].
type flashMsg struct {
	text  string
	isErr bool
}

// Messages the root model sends every pane.

// stepMsg tells the panes which step is selected, with its events decoded
// as far as they are. The Syscalls pane shows them and chooses the event.
type stepMsg struct {
	step int
	data *stepData
}

// eventMsg tells the panes which event is selected: row of data, the
// selected step's events, or -1 when none is. follow is set when the user
// moved to it in the Syscalls pane; the Source pane then scrolls to the
// line that made it.
type eventMsg struct {
	step   int
	data   *stepData
	row    int
	follow bool
}

// themeMsg says the styles in [common] changed (the terminal's background
// turned out light, say).
type themeMsg struct{}

// sessionMsg says a restart replaced the session: what the panes cached of
// the old one is gone.
type sessionMsg struct{}
