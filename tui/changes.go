package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
)

// changesPane shows what the selected step changed in the kernel (links,
// addresses, routes, sysctls, firewall: before → after), then the step's
// notes and the helper programs it ran.
type changesPane struct{ stepDoc }

func newChangesPane(com *common) *changesPane {
	p := &changesPane{}
	p.stepDoc = newStepDoc(com, p.build)
	return p
}

// Title implements Pane.
func (p *changesPane) Title() (string, string) { return "Changes", "" }

// Update implements Pane: it shows the selected step's changes, and
// scrolls.
func (p *changesPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	p.update(msg)
	return p, nil
}

func (p *changesPane) build(step int) {
	c := p.com
	st := &c.styles
	w := p.w
	add := func(pt paint, indent int, text string) {
		pad := strings.Repeat(" ", indent)
		for _, l := range wrapHanging(text, w-indent, 2) {
			p.lines = append(p.lines, pt.render(fit(pad+l, w)))
		}
	}
	s := c.stepAt(step)
	if s == nil {
		return
	}
	r := c.result(step)
	switch c.status(step) {
	case session.Pending:
		add(st.Muted, 1, "not run yet: the kernel changes appear here once the step has run")
		return
	case session.Running:
		add(st.Accent, 1, "running…")
		return
	case session.Skipped:
		reason := s.Info.SkipReason
		if reason == "" && r != nil && len(r.Notes) > 0 {
			reason = r.Notes[0]
		}
		add(st.Warn, 1, "skipped: "+reason)
		add(st.Muted, 1, "libnetwork does not queue this step with this configuration, so nothing changed.")
		return
	case session.Failed:
		if r != nil && r.Error != "" {
			add(st.Error, 1, "error: "+r.Error)
		}
	}
	if r == nil {
		return
	}
	if len(r.Changes) == 0 {
		add(st.Muted, 1, "no change in links, addresses, routes, sysctls or firewall")
	} else {
		add(st.Bold, 1, fmt.Sprintf("%d kernel change%s", len(r.Changes), plural(len(r.Changes))))
	}
	for _, c := range r.Changes {
		switch c.Op {
		case "added":
			add(st.Added, 1, "+ "+c.Area+": "+c.After)
		case "removed":
			add(st.Removed, 1, "- "+c.Area+": "+c.Before)
		default:
			if name, before, after, ok := sameSetting(c.Before, c.After); ok {
				add(st.Changed, 1, "~ "+c.Area+": "+name)
				add(st.Changed, 3, before+" → "+after)
				continue
			}
			add(st.Changed, 1, "~ "+c.Area+": "+c.Before)
			add(st.Changed, 3, "→ "+c.After)
		}
	}
	if len(r.Notes) > 0 {
		p.lines = append(p.lines, fit("", w))
		add(st.Bold, 1, "notes")
		for _, n := range r.Notes {
			add(st.Text, 1, "· "+n)
		}
	}
	if len(r.Commands) > 0 {
		p.lines = append(p.lines, fit("", w))
		add(st.Bold, 1, fmt.Sprintf("%d helper program%s", len(r.Commands), plural(len(r.Commands))))
		for _, c := range r.Commands {
			line := "$ " + strings.Join(c.Args, " ")
			if c.ExitCode != 0 {
				line += fmt.Sprintf("  (exit %d)", c.ExitCode)
			}
			add(st.Text, 1, line)
		}
	}
}

// sameSetting splits a change of one setting, "name = old" to
// "name = new", into its parts, so the name is shown once.
func sameSetting(before, after string) (name, old, now string, ok bool) {
	bn, bv, okB := strings.Cut(before, " = ")
	an, av, okA := strings.Cut(after, " = ")
	if !okB || !okA || bn != an {
		return "", "", "", false
	}
	return bn, bv, av, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
