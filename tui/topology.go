package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/topology"
	"github.com/netexplore/netexplore/session"
)

// topologyPane draws the scenario's networks after the selected step: each
// network namespace as a box with its interfaces and addresses, bridge
// ports under their bridge, wires joining veth pairs and tunnels across
// namespaces, and what the step added (+) or changed (~) highlighted. It is
// drawn from the state the lab read from the kernel after the step, never
// from the step's explanation.
type topologyPane struct{ stepDoc }

func newTopologyPane(com *common) *topologyPane {
	p := &topologyPane{}
	p.stepDoc = newStepDoc(com, p.build)
	return p
}

// Title implements Pane: which step's state the picture shows.
func (p *topologyPane) Title() (string, string) {
	if s := p.com.stepAt(p.step); s != nil && p.com.status(p.step) != session.Pending {
		return "Topology", fmt.Sprintf("after %d %s", s.Index+1, s.Info.ID)
	}
	return "Topology", ""
}

// Update implements Pane: it draws the selected step's network, and
// scrolls.
func (p *topologyPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	p.update(msg)
	return p, nil
}

func (p *topologyPane) build(step int) {
	c := p.com
	st := &c.styles
	w := p.w
	note := func(pt paint, text string) {
		for _, l := range wrap(text, w-1) {
			p.lines = append(p.lines, pt.render(fit(" "+l, w)))
		}
	}
	after, before, own := c.network(step)
	if after == nil {
		switch {
		case c.stepCount() == 0:
		case c.status(step) == session.Pending:
			note(st.Muted, "not run yet: the picture of the namespaces, their interfaces and addresses appears once a step has run")
		default:
			note(st.Muted, "this session holds no network state (it was recorded before netexplore kept one): record it again to see the picture")
		}
		return
	}
	var marks *topology.Marks
	switch {
	case own:
		marks = topology.Compare(before, after)
		if marks.Any() {
			note(st.Muted, "+ added, ~ changed by this step")
		} else {
			note(st.Muted, "this step changed no interface or address")
		}
	case c.status(step) == session.Pending:
		note(st.Muted, "not run yet: the network as it stands now")
	default:
		note(st.Muted, "no state recorded for this step: the network as the step before left it")
	}
	for _, l := range topology.Art(after, marks, w-1) {
		line := " "
		for _, s := range l {
			line += topologyPaint(st, s.Class).render(s.Text)
		}
		p.lines = append(p.lines, fitStyled(line, w))
	}
}

// topologyPaint returns the style of a class of the picture.
func topologyPaint(st *Styles, c topology.Class) paint {
	switch c {
	case topology.Border, topology.Detail:
		return st.Muted
	case topology.Title:
		return st.Bold
	case topology.Wire:
		return st.Accent
	case topology.New:
		return st.Added
	case topology.Modified:
		return st.Changed
	case topology.Removed:
		return st.Removed
	}
	return st.Text
}
