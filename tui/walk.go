package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/spinner"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/internal/topology"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// stepSnap is what the model last read of one step, under Driver.View: the
// model never reads a live step's fields outside that call.
type stepSnap struct {
	status session.Status
	result *steps.StepResult // as the session holds it
	clean  *steps.StepResult // result made safe to show (cleanResult)
	events []session.Event
	start  time.Duration
}

// walk is the walkthrough as the screen shows it: the session's steps as
// last read, which of them are shown (a replay reveals them one by one),
// the step running and the spinner that marks it. The root model owns it
// and is its only writer; panes read it through [common].
type walk struct {
	// What was last read from the session.
	sess    *session.Session
	snap    []stepSnap
	lost    uint64
	header  session.Header    // made safe to show (cleanHeader)
	sources map[string]string // text made safe to show (cleanSources)
	// steps caches the plan's steps made safe to show (cleanStep), for
	// the session stepsOf names.
	steps   []*session.Step
	stepsOf *session.Session
	// sourcesOf is the session sources was read from.
	sourcesOf *session.Session

	live       bool // steps really run (a Driver is set)
	revealed   int  // replay: steps revealed so far
	running    int  // live: the step running, -1 when none
	restarting bool // live: a restart is under way
	spinner    spinner.Model
}

// stepCount returns the number of steps in the plan.
func (w *walk) stepCount() int { return len(w.snap) }

// stepAt returns step i, whose plan entry and source never change after
// the plan is made (only Status, Result and Events do, under Driver.View).
// The step handed out is a copy whose text is safe to show (cleanStep).
func (w *walk) stepAt(i int) *session.Step {
	if w.sess == nil || i < 0 || i >= len(w.sess.Steps) {
		return nil
	}
	if w.stepsOf != w.sess || len(w.steps) != len(w.sess.Steps) {
		w.steps, w.stepsOf = make([]*session.Step, len(w.sess.Steps)), w.sess
	}
	if w.steps[i] == nil {
		w.steps[i] = cleanStep(w.sess.Steps[i])
	}
	return w.steps[i]
}

// shown reports whether step i's outcome is shown: in replay mode, steps
// not yet revealed look pending.
func (w *walk) shown(i int) bool {
	return i >= 0 && i < len(w.snap) && (w.live || i < w.revealed)
}

// status returns the state shown for step i.
func (w *walk) status(i int) session.Status {
	if !w.shown(i) {
		return session.Pending
	}
	if w.live && i == w.running && w.snap[i].status == session.Pending {
		return session.Running
	}
	return w.snap[i].status
}

// result returns step i's result when it is shown.
func (w *walk) result(i int) *steps.StepResult {
	if !w.shown(i) {
		return nil
	}
	return w.snap[i].clean
}

// events returns step i's events when they are shown.
func (w *walk) events(i int) []session.Event {
	if !w.shown(i) {
		return nil
	}
	return w.snap[i].events
}

// offset returns how long after step i started its event row happened.
func (w *walk) offset(i, row int) time.Duration {
	evs := w.events(i)
	if row < 0 || row >= len(evs) {
		return 0
	}
	start := w.snap[i].start
	if start == 0 || start > evs[0].Time {
		start = evs[0].Time
	}
	return evs[row].Time - start
}

// netns describes a network namespace by the name the session's network
// states give its inode, and the inode.
func (w *walk) netns(ino uint32) string {
	if ino == 0 {
		return "unknown"
	}
	for i := range w.snap {
		if r := w.result(i); r != nil {
			if name := r.Network.NamespaceOf(uint64(ino)); name != "" {
				return fmt.Sprintf("%s (%d)", sanitize.Line(name), ino)
			}
		}
	}
	return fmt.Sprint(ino)
}

// eventTotal counts the events shown.
func (w *walk) eventTotal() int {
	n := 0
	for i := range w.snap {
		n += len(w.events(i))
	}
	return n
}

// nextPending returns the next step to run or reveal, or -1: none is left,
// or a step failed (Docker stops at the first failure; restart to go on).
func (w *walk) nextPending() int {
	if !w.live {
		if w.revealed < len(w.snap) {
			return w.revealed
		}
		return -1
	}
	for i := range w.snap {
		switch w.snap[i].status {
		case session.Failed:
			return -1
		case session.Pending:
			return i
		}
	}
	return -1
}

// doneCount counts the steps that have run (done, failed or skipped).
func (w *walk) doneCount() int {
	n := 0
	for i := range w.snap {
		switch w.status(i) {
		case session.Done, session.Failed, session.Skipped:
			n++
		}
	}
	return n
}

// anyFailed reports whether a step failed.
func (w *walk) anyFailed() bool {
	for i := range w.snap {
		if w.snap[i].status == session.Failed {
			return true
		}
	}
	return false
}

// currentScenario names the session's scenario; sessions recorded before
// scenarios existed show Docker's default bridge.
func (w *walk) currentScenario() string {
	if w.header.Scenario == "" {
		return steps.ScenarioBridge
	}
	return w.header.Scenario
}

// spinnerFrame returns the running step's glyph, without colour.
func (w *walk) spinnerFrame() string { return w.spinner.View() }

// network returns the scenario's networks as they stand after step i, the
// state before step i, and whether step i recorded one of its own (see
// [topology.At]); only the steps shown count.
func (w *walk) network(i int) (after, before *topology.Network, own bool) {
	return topology.At(min(i, len(w.snap)-1), func(j int) *topology.Network {
		if r := w.result(j); r != nil {
			return r.Network
		}
		return nil
	})
}
