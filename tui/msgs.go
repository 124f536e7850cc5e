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
