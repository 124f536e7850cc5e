package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/sanitize"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/compare"
)

// CompareSource is a run the split view (c) can put beside the
// walkthrough: a built-in recording, the real Docker daemon's, or a live
// run of the scenario with other options.
type CompareSource struct {
	// Name is what the picker lists ("join@20.10", "--device-api ioctl").
	Name string
	// About says what it is, in a few words.
	About string
	// Open reads or runs it. It is called off the UI goroutine and may take
	// long (a live run).
	Open func() (*session.Session, error)
}

// Split view sizes: below them the view shows A, B and the diff as tabs.
const splitWidth, splitHeight = 160, 48

// compareState is the split view's part of the root model: the picker c
// opens, the run being opened, and the view once it is.
type compareState struct {
	picking bool
	cursor  int
	loading string // the source being opened
	err     string // why the last one failed to open
	view    *compareView
}

// compareView shows the walkthrough (A) and another run (B) side by side,
// step by step, their messages aligned (package session/compare).
type compareView struct {
	res     compare.Result
	about   [2]string // A's and B's descriptions
	step    int       // index into res.Steps
	row     int       // cursor in the step's rows
	stepOff int
	rowOff  int
	tab     int // the tabs layout: 0 A, 1 B, 2 diff
	rows    []cmpRow
}

// cmpRow is one row of a step's aligned messages: a message of A, B or
// both, or under a changed one an attribute that differs.
type cmpRow struct {
	op   compare.Op
	a, b string
	sub  bool // an attribute of the changed message above
	line int  // the aligned line it belongs to
}

// compareLoadedMsg brings the run c opened.
type compareLoadedMsg struct {
	name string
	sess *session.Session
	err  error
}

// Keys of the split view.
var (
	compareKey  = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare with another run"))
	cmpLeaveKey = key.NewBinding(key.WithKeys("c", "esc"), key.WithHelp("c/esc", "leave the comparison"))
	cmpDiffKey  = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "next step that differs"))
	cmpTabKey   = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "A / B / diff (tabs)"))
	cmpMoveKey  = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move in both runs"))
)

// openCompare handles c: the picker of runs to compare with, or leaving
// the split view.
func (m *Model) openCompare() {
	switch {
	case m.cmp.view != nil:
		m.cmp.view = nil
	case len(m.opts.Compare) == 0:
		m.flash("no other run to compare with", false)
	case m.cmp.loading != "":
		m.flash("opening "+m.cmp.loading+": wait a moment", false)
	default:
		m.cmp.picking, m.cmp.err = true, ""
	}
}

// comparePickerKey handles keys while the picker is open.
func (m Model) comparePickerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	n := len(m.opts.Compare)
	switch {
	case key.Matches(msg, k.Choose):
		src := m.opts.Compare[m.cmp.cursor]
		m.cmp.picking, m.cmp.loading = false, src.Name
		m.flash("opening "+src.Name+"…", false)
		return m, func() tea.Msg {
			s, err := src.Open()
			return compareLoadedMsg{name: src.Name, sess: s, err: err}
		}
	case key.Matches(msg, k.Close, compareKey):
		m.cmp.picking = false
	default:
		m.cmp.cursor = k.Nav.moveCursor(msg, m.cmp.cursor, n)
	}
	return m, nil
}

// compareLoaded opens the split view on the run that was opened.
func (m Model) compareLoaded(msg compareLoadedMsg) (tea.Model, tea.Cmd) {
	m.cmp.loading = ""
	if msg.err != nil {
		m.cmp.err = msg.name + ": " + msg.err.Error()
		m.cmp.picking = true
		return m, nil
	}
	about := m.opts.Title
	if about == "" {
		about = "this walkthrough"
	}
	v := &compareView{about: [2]string{about, msg.name}}
	read := func(s *session.Session) { v.res = compare.Sessions("A", s, "B", msg.sess) }
	if m.driver != nil {
		m.driver.View(read)
	} else {
		read(m.sess)
	}
	m.message = ""
	for _, d := range v.res.Steps {
		if compare.Status(d.A) == "pending" {
			m.flash("steps of A that have not run yet have no messages to compare: c, then a runs them all", false)
			break
		}
	}
	v.setStep(0)
	if !v.res.Steps[0].Differs() {
		v.nextDiff()
	}
	m.cmp.view = v
	return m, nil
}

// compareViewKey handles keys in the split view: every one moves both
// runs at once.
func (m Model) compareViewKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.com.keys
	v := m.cmp.view
	page := max(m.lay.body/2, 1)
	switch {
	case key.Matches(msg, cmpLeaveKey):
		m.cmp.view = nil
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.Nav.Up):
		v.move(-1)
	case key.Matches(msg, k.Nav.Down):
		v.move(1)
	case key.Matches(msg, k.Nav.PageUp):
		v.move(-page)
	case key.Matches(msg, k.Nav.PageDown):
		v.move(page)
	case key.Matches(msg, k.Nav.Top):
		v.move(-len(v.rows))
	case key.Matches(msg, k.Nav.Bottom):
		v.move(len(v.rows))
	case key.Matches(msg, k.PrevStep):
		v.setStep(v.step - 1)
	case key.Matches(msg, k.NextStep):
		v.setStep(v.step + 1)
	case key.Matches(msg, cmpDiffKey):
		v.nextDiff()
	case key.Matches(msg, cmpTabKey):
		v.tab = (v.tab + 1) % 3
	default:
		m.flash("comparing: c or esc goes back to the walkthrough", false)
	}
	return m, nil
}

// setStep selects aligned step i and its first row.
func (v *compareView) setStep(i int) {
	v.step = clamp(i, 0, len(v.res.Steps)-1)
	v.rows = cmpRows(v.res.Steps[v.step])
	v.row, v.rowOff = 0, 0
}

// nextDiff selects the next step that differs, after the current one,
// going round.
func (v *compareView) nextDiff() {
	n := len(v.res.Steps)
	for k := 1; k <= n; k++ {
		if i := (v.step + k) % n; v.res.Steps[i].Differs() {
			v.setStep(i)
			return
		}
	}
}

// move moves the cursor by n rows.
func (v *compareView) move(n int) { v.row = clamp(v.row+n, 0, max(len(v.rows)-1, 0)) }

// cmpRows lays out a step's aligned lines as rows, each changed message
// followed by the attributes that differ.
func cmpRows(d compare.StepDiff) []cmpRow {
	var out []cmpRow
	for i, l := range d.Lines {
		r := cmpRow{op: l.Op, line: i}
		if l.Op != compare.OnlyB {
			r.a = l.A.Text
		}
		if l.Op != compare.OnlyA {
			r.b = l.B.Text
		}
		out = append(out, r)
		for _, c := range l.Changes {
			out = append(out, cmpRow{op: compare.Changed, sub: true, line: i, a: "  " + c.Name + ": " + c.A, b: "  " + c.Name + ": " + c.B})
		}
	}
	return out
}

// stepMark is how the steps list marks an aligned step.
func stepMark(d compare.StepDiff) string {
	switch {
	case len(d.B) == 0:
		return "A"
	case len(d.A) == 0:
		return "B"
	case d.Differs():
		return "≠"
	}
	return "="
}

// compareBody draws the split view (or its tabs) in place of the panes.
func (m *Model) compareBody() []string {
	st := &m.com.styles
	w, h := m.width, m.lay.body
	split := m.width >= splitWidth && m.height >= splitHeight
	if !split {
		h-- // the note
	}
	left := clamp(w*18/100, 24, 40)
	out := joinColumns(m.cmpStepsBox(left, h), m.cmpRunsBoxes(w-left, h, split))
	if !split {
		note := fmt.Sprintf(" tabs A / B / diff (tab switches): the side-by-side view needs %dx%d, this is %dx%d", splitWidth, splitHeight, m.width, m.height)
		out = append(out, st.Muted.render(fit(note, w)))
	}
	return out
}

// cmpStepsBox draws the aligned steps, marked = (the same), ≠ (different),
// A or B (one run only).
func (m *Model) cmpStepsBox(w, h int) []string {
	v := m.cmp.view
	st := &m.com.styles
	inner, rows := w-2, h-2
	v.stepOff = scrollTo(v.stepOff, v.step, rows, len(v.res.Steps))
	var lines []string
	for i := v.stepOff; i < len(v.res.Steps) && len(lines) < rows; i++ {
		d := v.res.Steps[i]
		mark := stepMark(d)
		text := fit(" "+mark+" "+strconv.Itoa(i+1)+" "+sanitize.Line(d.Name), inner)
		switch {
		case i == v.step:
			lines = append(lines, st.Selected.render(text))
		case mark == "=":
			lines = append(lines, st.Muted.render(text))
		case mark == "A":
			lines = append(lines, st.Removed.render(text))
		case mark == "B":
			lines = append(lines, st.Added.render(text))
		default:
			lines = append(lines, st.Changed.render(text))
		}
	}
	differ := 0
	for _, d := range v.res.Steps {
		if d.Differs() {
			differ++
		}
	}
	return box(st, "Steps · A vs B", fmt.Sprintf("%d of %d differ", differ, len(v.res.Steps)), w, h, true, lines)
}

// cmpRunsBoxes draws the runs: A and B side by side, each its source above
// its messages, or in the tabs layout one of A, B and the diff.
func (m *Model) cmpRunsBoxes(w, h int, split bool) []string {
	v := m.cmp.view
	st := &m.com.styles
	d := v.res.Steps[v.step]
	srcH := h * 38 / 100
	if !split {
		inner := w - 2
		var lines []string
		switch v.tab {
		case 2:
			lines = m.cmpDiffLines(inner, h-2)
		default:
			side := v.tab
			lines = append(m.cmpSource(side, inner, srcH), st.Border.render(strings.Repeat("─", inner)))
			lines = append(lines, m.cmpCalls(side, inner, h-2-len(lines))...)
		}
		var tabs []string
		for i, name := range []string{"A", "B", "diff"} {
			if i == v.tab {
				tabs = append(tabs, st.TitleFocus.render("["+name+"]"))
			} else {
				tabs = append(tabs, st.Tab.render(" "+name+" "))
			}
		}
		return boxStyled(st, strings.Join(tabs, "")+st.Title.render(" · "+sanitize.Line(d.Name)), w, h, false, lines)
	}
	wa := w / 2
	var cols [][]string
	for side, cw := range []int{wa, w - wa} {
		name := string(rune('A' + side))
		about := sanitize.Line(v.about[side])
		src := box(st, name+" source · "+about, "", cw, srcH, false, m.cmpSource(side, cw-2, srcH-2))
		calls := box(st, name+" syscalls · "+sanitize.Line(d.Name), m.cmpCount(side), cw, h-srcH, side == 0, m.cmpCalls(side, cw-2, h-srcH-2))
		cols = append(cols, append(src, calls...))
	}
	return joinColumns(cols...)
}

// cmpCount says how many of the step's messages only one side has.
func (m *Model) cmpCount(side int) string {
	d := m.cmp.view.res.Steps[m.cmp.view.step]
	only := d.Count(compare.OnlyA)
	if side == 1 {
		only = d.Count(compare.OnlyB)
	}
	return fmt.Sprintf("%d only here · %d changed · %d same", only, d.Count(compare.Changed), d.Count(compare.Same))
}

// cmpSteps returns side's steps of the selected aligned step.
func (v *compareView) cmpSteps(side int) []*session.Step {
	d := v.res.Steps[v.step]
	if side == 0 {
		return d.A
	}
	return d.B
}

// cmpSource renders side's source of the selected step: its function with
// line numbers, or why there is none.
func (m *Model) cmpSource(side, w, h int) []string {
	v := m.cmp.view
	st := &m.com.styles
	sts := v.cmpSteps(side)
	var lines []string
	switch {
	case len(sts) == 0:
		lines = []string{st.Muted.render(fit(fmt.Sprintf(" %s has no step %s", string(rune('A'+side)), sanitize.Line(v.res.Steps[v.step].Name)), w))}
	case sts[0].Source.Text == "":
		lines = []string{st.Muted.render(fit(" no source in this run: "+sanitize.Line(sts[0].Info.Mirrors), w))}
	default:
		src := sts[0].Source
		for i, l := range strings.Split(strings.TrimRight(src.Text, "\n"), "\n") {
			if len(lines) >= h {
				break
			}
			n := fmt.Sprintf("%4d ", src.StartLine+i)
			lines = append(lines, st.Muted.render(n)+st.Text.render(fit(sanitize.Line(expandTabs(l)), max(w-len(n), 0))))
		}
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return lines[:max(h, 0)]
}

// cmpPaint is the paint of a row of op on one side.
func (st *Styles) cmpPaint(op compare.Op) paint {
	switch op {
	case compare.OnlyA:
		return st.Removed
	case compare.OnlyB:
		return st.Added
	case compare.Changed:
		return st.Changed
	}
	return st.Text
}

// cmpMarks are the marks before a row of each op.
var cmpMarks = map[compare.Op]string{compare.Same: "  ", compare.OnlyA: "- ", compare.OnlyB: "+ ", compare.Changed: "~ "}

// cmpCalls renders side's messages of the selected step, row for row with
// the other side's, then the selected message in full.
func (m *Model) cmpCalls(side, w, h int) []string {
	v := m.cmp.view
	st := &m.com.styles
	detailH := min(6, h/3)
	listH := h - detailH - 1
	v.rowOff = scrollTo(v.rowOff, v.row, listH, len(v.rows))
	var lines []string
	if len(v.rows) == 0 {
		lines = append(lines, st.Muted.render(fit(" no messages in this step", w)))
	}
	for i := v.rowOff; i < len(v.rows) && len(lines) < listH; i++ {
		r := v.rows[i]
		text := r.a
		if side == 1 {
			text = r.b
		}
		mark := cmpMarks[r.op]
		if r.sub {
			mark = "  "
		}
		if text == "" && !r.sub {
			text, mark = "·", "  " // the other run has a message here
		}
		row := fit(mark+sanitize.Line(text), w)
		switch {
		case i == v.row:
			lines = append(lines, st.Selected.render(row))
		case text == "·":
			lines = append(lines, st.Muted.render(row))
		default:
			lines = append(lines, st.cmpPaint(r.op).render(row))
		}
	}
	for len(lines) < listH {
		lines = append(lines, strings.Repeat(" ", w))
	}
	lines = append(lines, st.Border.render(strings.Repeat("─", w)))
	var detail []string
	if v.row < len(v.rows) {
		l := v.res.Steps[v.step].Lines[v.rows[v.row].line]
		msg, ok := l.A, l.Op != compare.OnlyB
		if side == 1 {
			msg, ok = l.B, l.Op != compare.OnlyA
		}
		text := " (not in this run)"
		if ok {
			text = fmt.Sprintf("%s #%d: %s", sanitize.Line(msg.Comm), msg.Seq, sanitize.Line(msg.Text))
		}
		detail = wrap(text, w)
	}
	for i := 0; i < detailH; i++ {
		s := ""
		if i < len(detail) {
			s = detail[i]
		}
		lines = append(lines, st.Text.render(fit(s, w)))
	}
	return lines[:max(h, 0)]
}

// cmpDiffLines renders the selected step as a unified diff, for the tabs
// layout.
func (m *Model) cmpDiffLines(w, h int) []string {
	v := m.cmp.view
	st := &m.com.styles
	v.rowOff = scrollTo(v.rowOff, v.row, h, len(v.rows))
	var lines []string
	for i := v.rowOff; i < len(v.rows) && len(lines) < h; i++ {
		r := v.rows[i]
		var text string
		switch {
		case r.sub:
			text = "      " + strings.TrimSpace(r.a) + " -> " + strings.TrimSpace(r.b[strings.Index(r.b, ":")+1:])
		case r.op == compare.OnlyB:
			text = cmpMarks[r.op] + r.b
		default:
			text = cmpMarks[r.op] + r.a
		}
		row := fit(sanitize.Line(text), w)
		if i == v.row {
			lines = append(lines, st.Selected.render(row))
		} else {
			lines = append(lines, st.cmpPaint(r.op).render(row))
		}
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return lines
}

// comparePickerOverlay draws the list of runs c can compare with over
// body, centred.
func (m *Model) comparePickerOverlay(body []string) []string {
	st := &m.com.styles
	items := m.opts.Compare
	if len(items) == 0 || len(body) < 3 || m.width < 10 {
		return body
	}
	nameW := 0
	for _, s := range items {
		nameW = max(nameW, textWidth(s.Name))
	}
	w := clamp(nameW+60, 40, m.width-4)
	inner := w - 2
	var list []string
	for i, s := range items {
		cursor := " "
		if i == m.cmp.cursor {
			cursor = "›"
		}
		text := fit(" "+cursor+" "+fit(sanitize.Line(s.Name), nameW)+"  "+sanitize.Line(s.About), inner)
		if i == m.cmp.cursor {
			list = append(list, st.Selected.render(text))
		} else {
			list = append(list, st.Text.render(text))
		}
	}
	if m.cmp.err != "" {
		list = append(list, st.Border.render(strings.Repeat("─", inner)))
		for _, l := range wrap("✗ "+sanitize.Line(m.cmp.err), inner-2) {
			list = append(list, st.Error.render(fit(" "+l, inner)))
		}
	}
	listH := min(len(list), len(body)-2)
	off := scrollTo(0, m.cmp.cursor, listH, len(list))
	content := list[off : off+listH]
	h := len(content) + 2
	lines := box(st, "Compare with · A is this walkthrough, B the run you choose", "enter opens · esc cancels", w, h, true, content)
	x, y := (m.width-w)/2, (len(body)-h)/2
	out := append([]string{}, body...)
	for i, l := range lines {
		out[y+i] = overlay(out[y+i], x, w, l)
	}
	return out
}

// comparePickerHelp is the bottom line while the picker of runs is open.
func (m *Model) comparePickerHelp() []key.Binding {
	k := &m.com.keys
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open it beside this run"))
	return []key.Binding{move, open, k.Close, k.Quit}
}

// compareHelp is the bottom line in the split view.
func (m *Model) compareHelp() []key.Binding {
	k := &m.com.keys
	return []key.Binding{cmpMoveKey, k.PrevStep, k.NextStep, cmpDiffKey, cmpTabKey, cmpLeaveKey, k.Quit}
}
