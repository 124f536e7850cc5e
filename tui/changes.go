package tui

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// changesPane shows what the selected step changed in the kernel (links,
// addresses, routes, sysctls, firewall: before → after), then the step's
// notes and the helper programs it ran.
type changesPane struct {
	textWindow

	key changesKey
}

type changesKey struct {
	step, w, gen int
	status       session.Status
	result       *steps.StepResult
}

func (p *changesPane) setSize(w, h int) { p.w, p.h = w, h }

// Update rebuilds the lines when the step or its result changed.
func (p *changesPane) update(m *Model) {
	key := changesKey{step: m.cur, w: p.w, gen: m.themeGen(), status: m.status(m.cur), result: m.result(m.cur)}
	if key == p.key && p.lines != nil {
		return
	}
	if key.step != p.key.step {
		p.offset = 0
	}
	p.key = key
	p.build(m)
	p.offset = clamp(p.offset, 0, max(len(p.lines)-p.h, 0))
}

func (p *changesPane) build(m *Model) {
	st := &m.com.styles
	w := p.w
	p.lines = p.lines[:0]
	add := func(pt paint, indent int, text string) {
		pad := strings.Repeat(" ", indent)
		for _, l := range wrapHanging(text, w-indent, 2) {
			p.lines = append(p.lines, pt.render(fit(pad+l, w)))
		}
	}
	s := m.stepAt(m.cur)
	if s == nil {
		return
	}
	r := m.result(m.cur)
	switch m.status(m.cur) {
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

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
