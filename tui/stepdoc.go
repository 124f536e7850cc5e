package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// stepDoc is what the panes that show a document about the selected step
// (Changes, Topology) have in common: a scrollable window over lines that
// build, the pane's own function, writes for a step, rebuilt only when
// something they show changed.
type stepDoc struct {
	textWindow
	navKeys
	com *common

	step  int // the step shown
	key   stepDocKey
	build func(step int)
}

// stepDocKey identifies what a document was built from.
type stepDocKey struct {
	step, w, gen int
	status       session.Status
	result       *steps.StepResult
	shown        int // steps shown: a replay reveals them one by one
}

func newStepDoc(com *common, build func(step int)) stepDoc {
	return stepDoc{navKeys: com.keys.Nav, com: com, build: build}
}

// update handles the messages both panes take: the selected step, a new
// session, and the keys and wheel that scroll.
func (d *stepDoc) update(msg tea.Msg) {
	switch msg := msg.(type) {
	case stepMsg:
		d.show(msg.step)
	case sessionMsg:
		d.lines = nil
	case tea.KeyPressMsg, tea.MouseWheelMsg:
		d.scrollBy(msg, d.navKeys)
	}
}

// View implements Pane.
func (d *stepDoc) View(bool) []string { return d.window() }

// show rebuilds the document for step when needed; another step starts at
// the top.
func (d *stepDoc) show(step int) {
	c := d.com
	key := stepDocKey{step: step, w: d.w, gen: c.gen, status: c.status(step), result: c.result(step), shown: c.doneCount()}
	if key == d.key && d.lines != nil {
		return
	}
	if key.step != d.key.step {
		d.offset = 0
	}
	d.step, d.key = step, key
	d.lines = d.lines[:0]
	d.build(step)
	d.offset = clamp(d.offset, 0, max(len(d.lines)-d.h, 0))
}
