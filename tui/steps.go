package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// stepsPane lists the plan in order with each step's state. Its cursor is
// the selected step, which every other pane follows: moving it, clicking a
// step or turning the wheel over the list selects another.
type stepsPane struct {
	navKeys
	com *common

	w, h   int
	cursor int // the selected step
	offset int // first list line shown
}

func newStepsPane(com *common) *stepsPane {
	return &stepsPane{navKeys: com.keys.Nav, com: com}
}

// Title implements Pane.
func (p *stepsPane) Title() (string, string) { return "Steps", "" }

// Info implements Pane: how many steps have run.
func (p *stepsPane) Info() string {
	return fmt.Sprintf("%d/%d run", p.com.doneCount(), p.com.stepCount())
}

// SetSize implements Pane.
func (p *stepsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.follow()
}

// Update implements Pane.
func (p *stepsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if d := p.delta(msg, pageLines(p.h)); d != 0 {
			p.selectStep(p.cursor + d)
		}
	case tea.MouseWheelMsg:
		if d := wheelLines(msg.Mouse()); d != 0 {
			p.selectStep(p.cursor + d/3)
		}
	case tea.MouseClickMsg:
		lines := p.lines()
		if i := p.offset + msg.Y; msg.Y >= 0 && i < len(lines) && lines[i].step >= 0 {
			p.cursor = lines[i].step
		}
	}
	p.follow()
	return p, nil
}

// selectStep makes step i, kept inside the plan, the selected one.
func (p *stepsPane) selectStep(i int) {
	p.cursor = clamp(i, 0, max(p.com.stepCount()-1, 0))
	p.follow()
}

// stepLine is one line of the list: a phase heading, a step (its name
// going on over further lines when it is longer than the pane), or a
// failed step's error.
type stepLine struct {
	step  int // -1 for a phase heading
	phase string
	err   string
	cont  int // 0 for a step's first line, else which continuation line
}

// lines builds the list: a heading whenever the phase changes, each step,
// and the error under a failed step.
func (p *stepsPane) lines() []stepLine {
	c := p.com
	var out []stepLine
	phase := ""
	for i := 0; i < c.stepCount(); i++ {
		st := c.stepAt(i)
		if st.Info.Phase != phase {
			phase = st.Info.Phase
			out = append(out, stepLine{step: -1, phase: phase})
		}
		for j := range p.nameLines(i) {
			out = append(out, stepLine{step: i, cont: j})
		}
		if c.status(i) == session.Failed {
			if r := c.result(i); r != nil && r.Error != "" {
				out = append(out, stepLine{step: i, err: r.Error})
			}
		}
	}
	return out
}

// stepLead is the width of what comes before a step's name: cursor,
// state glyph, number and spaces ("›✓ 12 ").
const stepLead = 6

// nameLines wraps step i's name into the room the list has for it: the
// pane less the lead and, on the first line, the event count.
func (p *stepsPane) nameLines(i int) []string {
	name := p.com.stepAt(i).Info.ID
	room := p.w - stepLead - 1
	first := room - len(p.count(i))
	if p.count(i) != "" {
		first--
	}
	if room < 8 || textWidth(name) <= first {
		return []string{name}
	}
	lines := wrapHanging(name, first, 0)
	if len(lines) > 1 {
		rest := strings.Join(lines[1:], " ")
		lines = append(lines[:1], wrapHanging(rest, room-1, 0)...)
	}
	return lines
}

// count is the number of events step i shows, when the pane has room.
func (p *stepsPane) count(i int) string {
	if n := len(p.com.events(i)); n > 0 && p.w >= 26 {
		return fmt.Sprint(n)
	}
	return ""
}

// footerLines is the number of lines the selected step's summary takes
// below the list when there is room.
const footerLines = 5

// neededHeight is the inner height that shows the whole list and footer.
func (p *stepsPane) neededHeight() int {
	return len(p.lines()) + footerLines
}

// mark returns the state glyph of step i.
func (p *stepsPane) mark(i int) (string, paint) {
	c := p.com
	st := &c.styles
	switch c.status(i) {
	case session.Running:
		return c.spinnerFrame(), st.Accent
	case session.Done:
		return "✓", st.OK
	case session.Failed:
		return "✗", st.Error
	case session.Skipped:
		return "⊘", st.Muted
	}
	if c.restarting {
		return "·", st.Muted
	}
	return "·", st.Text
}

// View implements Pane.
func (p *stepsPane) View(focused bool) []string {
	c := p.com
	st := &c.styles
	if c.stepCount() == 0 {
		return append([]string{fit("no steps in this session", p.w)}, blank(p.w, p.h-1)...)
	}
	lines := p.lines()
	listH, footer := p.listHeight(len(lines))
	off := clamp(p.offset, 0, max(len(lines)-listH, 0))

	out := make([]string, 0, p.h)
	for i := off; i < len(lines) && len(out) < listH; i++ {
		out = append(out, p.line(lines[i], focused))
	}
	if footer {
		out = append(out, st.Border.render(strings.Repeat("─", p.w)))
		out = append(out, p.footer()...)
	}
	for len(out) < p.h {
		out = append(out, strings.Repeat(" ", p.w))
	}
	return out[:p.h]
}

// listHeight returns the height of the list for n lines and whether the
// footer fits below it.
func (p *stepsPane) listHeight(n int) (int, bool) {
	if p.h-n >= footerLines {
		return n, true
	}
	return p.h, false
}

// follow scrolls the list so the selected step is visible.
func (p *stepsPane) follow() {
	lines := p.lines()
	listH, _ := p.listHeight(len(lines))
	cur := 0
	for i, l := range lines {
		if l.step == p.cursor && l.err == "" && l.cont == 0 {
			cur = i
			break
		}
	}
	p.offset = scrollTo(p.offset, cur, listH, len(lines))
}

func (p *stepsPane) line(l stepLine, focused bool) string {
	c := p.com
	st := &c.styles
	if l.step < 0 {
		return st.Muted.render(fit(" "+l.phase, p.w))
	}
	if l.err != "" {
		return st.Error.render(fit("     ✗ "+l.err, p.w))
	}
	i := l.step
	names := p.nameLines(i)
	glyph, gp := p.mark(i)
	cursor := " "
	var text string
	if l.cont > 0 {
		glyph, cursor = " ", " "
		text = strings.Repeat(" ", stepLead-2) + " " + names[min(l.cont, len(names)-1)]
	} else {
		count := p.count(i)
		nameW := p.w - stepLead - 1 - len(count)
		if count != "" {
			nameW--
		}
		text = fmt.Sprintf("%2d %s", i+1, fit(names[0], max(nameW, 1)))
		if count != "" {
			text += " " + count
		}
		if i == p.cursor {
			cursor = "›"
		}
	}
	rest := fit(" "+text, p.w-2)
	if i == p.cursor {
		if sel := st.cursorRow(focused); sel.pre != "" {
			return sel.render(cursor + glyph + rest)
		}
	}
	style := st.Text
	switch c.status(i) {
	case session.Skipped, session.Pending:
		style = st.Muted
		if c.status(i) == session.Pending && i == c.nextPending() {
			style = st.Bold
		}
	case session.Failed:
		style = st.Error
	}
	return cursor + gp.render(glyph) + style.render(rest)
}

// footer summarises the selected step: its title and what became of it.
func (p *stepsPane) footer() []string {
	c := p.com
	st := &c.styles
	cur := p.cursor
	s := c.stepAt(cur)
	var lines []string
	for _, l := range wrap(s.Info.Title, p.w-1) {
		lines = append(lines, st.Bold.render(fit(" "+l, p.w)))
	}
	var state string
	sp := st.Muted
	switch c.status(cur) {
	case session.Pending:
		state = "not run yet"
		if cur == c.nextPending() {
			state = "next: press n"
		}
		if s.Info.Skipped {
			state += " (will be skipped)"
		}
	case session.Running:
		state, sp = "running…", st.Accent
	case session.Done:
		state, sp = fmt.Sprintf("done · %d events · %d changes", len(c.events(cur)), changeCount(c.result(cur))), st.OK
	case session.Failed:
		state, sp = "failed", st.Error
		if r := c.result(cur); r != nil && r.Error != "" {
			state += ": " + r.Error
		}
	case session.Skipped:
		state = "skipped: " + s.Info.SkipReason
		if r := c.result(cur); r != nil && len(r.Notes) > 0 && s.Info.SkipReason == "" {
			state = "skipped: " + r.Notes[0]
		}
	}
	for _, l := range wrap(state, p.w-1) {
		lines = append(lines, sp.render(fit(" "+l, p.w)))
	}
	if len(lines) > footerLines-1 {
		lines = lines[:footerLines-1]
	}
	return lines
}

// changeCount returns the number of kernel changes in r.
func changeCount(r *steps.StepResult) int {
	if r == nil {
		return 0
	}
	return len(r.Changes)
}

// scrollTo returns an offset that keeps line cur inside a window of h lines
// over n lines, moving off as little as possible.
func scrollTo(off, cur, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cur < off {
		off = cur
	}
	if cur >= off+h {
		off = cur - h + 1
	}
	return clamp(off, 0, max(n-h, 0))
}
