package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/session"
)

// sourcePane shows the selected step: its title, the libnetwork function it
// mirrors, the kernel handlers, the explanation, and the step's Go source
// with every line that made a syscall marked in the gutter and the line
// that made the selected syscall marked ▶ and highlighted.
//
// The selected syscall's line is always brought into view: when a step is
// opened or run (its first call is selected) and when another call is
// selected. Code lines too long for the pane wrap, so no line is ever cut.
// When the pane is wide enough the explanation sits in a column left of
// the code and scrolls on its own (J/K); x collapses it to its first line.
type sourcePane struct {
	sourceKeys
	com *common
	hl  *highlighter

	w, h int

	step int // the step shown
	key  sourceKey
	// prose is the step's header and explanation, code its source; in the
	// single-column arrangement the document is prose followed by code.
	prose, code []string
	// originLine is the line of code (0-based) that made the selected
	// event, -1 if none; originEnd is the line after its last wrapped line.
	originLine, originEnd int
	offset                int // first code line shown (single column: document line)
	proseOff              int // first prose line shown (two columns)
	collapsed             bool
	shown                 eventRef // the event last brought into view
}

// eventRef names one event of one step.
type eventRef struct{ step, row int }

// sourceKeys are the Source pane's keys: moving in the code, scrolling the
// explanation and collapsing it.
type sourceKeys struct {
	navKeys
	ProseUp, ProseDown, Collapse key.Binding
}

func defaultSourceKeys(nav navKeys) sourceKeys {
	return sourceKeys{
		navKeys:   nav,
		ProseUp:   key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "scroll the explanation up")),
		ProseDown: key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "scroll the explanation down")),
		Collapse:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "collapse/expand the explanation")),
	}
}

// own lists the keys beyond moving.
func (k sourceKeys) own() []key.Binding { return []key.Binding{k.Collapse, k.ProseDown, k.ProseUp} }

// GlobalKeys implements globalKeyer: x, J and K work from any pane.
func (k sourceKeys) GlobalKeys() []key.Binding { return k.own() }

// ShortHelp implements help.KeyMap.
func (k sourceKeys) ShortHelp() []key.Binding { return append(k.navKeys.ShortHelp(), k.own()...) }

// FullHelp implements help.KeyMap.
func (k sourceKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.navKeys.ShortHelp(), k.own()}
}

func newSourcePane(com *common) *sourcePane {
	return &sourcePane{sourceKeys: com.keys.Source, com: com, hl: newHighlighter(), originLine: -1, shown: eventRef{-1, -1}}
}

// sourceKey identifies what the document was built from, so it is rebuilt
// only when something it shows changed.
type sourceKey struct {
	step, w, h, events, gen int
	status                  session.Status
	file                    string
	line                    int
	collapsed               bool
}

// Title implements Pane: the file of the step's source.
func (p *sourcePane) Title() (string, string) {
	if s := p.com.stepAt(p.step); s != nil {
		return "Source", s.Source.File
	}
	return "Source", ""
}

// SetSize implements Pane.
func (p *sourcePane) SetSize(w, h int) { p.w, p.h = w, h }

// Info implements Pane: how far down the code the window is.
func (p *sourcePane) Info() string {
	n := len(p.code)
	if !p.columns() {
		n += len(p.prose)
	}
	if n <= p.h {
		return ""
	}
	return fmt.Sprintf("%d%%", 100*min(p.offset+p.h, n)/n)
}

// Update implements Pane: it shows the selected event's step and origin,
// and scrolls.
func (p *sourcePane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case eventMsg:
		var origin *analyze.Frame
		if msg.row >= 0 {
			origin = msg.data.events[msg.row].Origin
		}
		p.update(msg.step, msg.row, msg.data, origin, msg.follow)
	case sessionMsg:
		p.code, p.prose = nil, nil
		p.shown = eventRef{-1, -1}
	case themeMsg:
		p.hl.reset()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.Collapse):
			p.collapsed = !p.collapsed
			p.key = sourceKey{} // rebuilt on the next eventMsg
			p.proseOff = 0
		case key.Matches(msg, p.ProseDown):
			p.scrollProse(1)
		case key.Matches(msg, p.ProseUp):
			p.scrollProse(-1)
		default:
			p.scroll(p.delta(msg, pageLines(p.h)))
		}
	case tea.MouseWheelMsg:
		if d := wheelLines(msg.Mouse()); d != 0 {
			if p.columns() && msg.Mouse().X < p.proseWidth() {
				p.scrollProse(d)
			} else {
				p.scroll(d)
			}
		}
	}
	return p, nil
}

// columns reports whether the explanation and the code sit side by side.
func (p *sourcePane) columns() bool { return p.w >= sideBySide && !p.collapsed }

// sideBySide is the narrowest pane that shows the explanation beside the
// code: a column of text and one of code each still readable.
const sideBySide = 96

// proseWidth is the width of the explanation's column, divider included.
func (p *sourcePane) proseWidth() int { return clamp(p.w*36/100, 32, 60) }

// codeWidth is the width the code is laid out in.
func (p *sourcePane) codeWidth() int {
	if p.columns() {
		return p.w - p.proseWidth()
	}
	return p.w
}

// lines returns how many lines scroll with the code, and the line of the
// origin among them.
func (p *sourcePane) scrollable() (n, origin, originEnd int) {
	if p.columns() || p.originLine < 0 {
		origin, originEnd = p.originLine, p.originEnd
	} else {
		origin, originEnd = p.originLine+len(p.prose), p.originEnd+len(p.prose)
	}
	if p.columns() {
		return len(p.code), origin, originEnd
	}
	return len(p.prose) + len(p.code), origin, originEnd
}

func (p *sourcePane) scroll(d int) {
	n, _, _ := p.scrollable()
	p.offset = clamp(p.offset+d, 0, max(n-p.h, 0))
}

func (p *sourcePane) scrollProse(d int) {
	if !p.columns() {
		p.scroll(d)
		return
	}
	p.proseOff = clamp(p.proseOff+d, 0, max(len(p.prose)-p.h, 0))
}

// contextLines is how many lines around the selected call's line stay in
// view when it is brought into view.
const contextLines = 3

// update rebuilds the document when needed and brings the selected
// event's line into view when the selection changed (or follow asks).
func (p *sourcePane) update(step, row int, d *stepData, origin *analyze.Frame, follow bool) {
	key := sourceKey{step: step, w: p.w, h: p.h, events: len(d.rows), gen: p.com.gen, status: p.com.status(step), collapsed: p.collapsed}
	if origin != nil {
		key.file, key.line = origin.File, origin.Line
	}
	if step != p.step {
		p.offset, p.proseOff = 0, 0
	}
	p.step = step
	if key != p.key || p.code == nil {
		p.key = key
		p.build(d, origin)
	}
	ref := eventRef{step, row}
	if follow || ref != p.shown {
		p.shown = ref
		p.follow()
	}
	n, _, _ := p.scrollable()
	p.offset = clamp(p.offset, 0, max(n-p.h, 0))
}

// follow scrolls as little as it can to show the origin line with a few
// lines of context on each side (all of it, if it wrapped onto more lines
// than fit).
func (p *sourcePane) follow() {
	n, lo, hi := p.scrollable()
	if lo < 0 {
		return
	}
	ctx := min(contextLines, max((p.h-(hi-lo))/2, 0))
	top := max(lo-ctx, 0)
	bottom := min(hi+ctx, n)
	switch {
	case bottom-top > p.h:
		p.offset = lo
	case top < p.offset:
		p.offset = top
	case bottom > p.offset+p.h:
		p.offset = bottom - p.h
	}
	p.offset = clamp(p.offset, 0, max(n-p.h, 0))
}

// View implements Pane.
func (p *sourcePane) View(bool) []string {
	out := make([]string, 0, p.h)
	if !p.columns() {
		doc := func(i int) string {
			if i < len(p.prose) {
				return p.prose[i]
			}
			return p.code[i-len(p.prose)]
		}
		n := len(p.prose) + len(p.code)
		for i := p.offset; i < n && len(out) < p.h; i++ {
			out = append(out, doc(i))
		}
		for len(out) < p.h {
			out = append(out, strings.Repeat(" ", p.w))
		}
		return out
	}
	st := &p.com.styles
	pw := p.proseWidth()
	div := st.Border.render("│")
	for i := 0; i < p.h; i++ {
		left := strings.Repeat(" ", pw-1)
		if j := p.proseOff + i; j < len(p.prose) {
			left = p.prose[j]
		}
		if i == p.h-1 && p.proseOff+p.h < len(p.prose) {
			left = st.Muted.render(fit(fmt.Sprintf(" ↓ %d more lines: J", len(p.prose)-p.proseOff-p.h+1), pw-1))
		}
		right := strings.Repeat(" ", p.w-pw)
		if j := p.offset + i; j < len(p.code) {
			right = p.code[j]
		}
		out = append(out, left+div+right)
	}
	return out
}

// build lays the step out: the header and explanation in p.prose, the
// code in p.code, each line exactly as wide as its column.
func (p *sourcePane) build(d *stepData, origin *analyze.Frame) {
	p.prose, p.code = p.prose[:0], p.code[:0]
	p.originLine, p.originEnd = -1, -1
	pw := p.w
	if p.columns() {
		pw = p.proseWidth() - 1
	}
	p.buildProse(pw)
	p.buildCode(d, origin, p.codeWidth())
}

// buildProse writes the step's title, state, what it mirrors, the kernel
// handlers and the explanation (its first line only when collapsed).
func (p *sourcePane) buildProse(w int) {
	c := p.com
	st := &c.styles
	add := func(pt paint, text string) {
		for _, l := range wrap(text, w) {
			p.prose = append(p.prose, pt.render(fit(l, w)))
		}
	}
	labelled := func(label, text string) {
		for i, l := range wrap(text, w-9) {
			lab := strings.Repeat(" ", 9)
			if i == 0 {
				lab = fit(label, 9)
			}
			p.prose = append(p.prose, st.Muted.render(lab)+fit(l, w-9))
		}
	}
	s := c.stepAt(p.step)
	if s == nil {
		p.prose = blank(w, 1)
		return
	}
	info := s.Info
	add(st.Bold, fmt.Sprintf("%d %s · %s", s.Index+1, info.ID, info.Title))
	switch c.status(p.step) {
	case session.Skipped:
		add(st.Warn, "skipped: "+info.SkipReason)
	case session.Failed:
		if r := c.result(p.step); r != nil {
			add(st.Error, "failed: "+r.Error)
		}
	case session.Pending:
		if info.Skipped {
			add(st.Muted, "will be skipped: "+info.SkipReason)
		}
	}
	if p.collapsed {
		if first := firstSentence(info.Explanation); first != "" {
			add(st.Text, first)
		}
		add(st.Muted, "(explanation collapsed: x shows it)")
		p.prose = append(p.prose, fit("", w))
		return
	}
	if info.Mirrors != "" {
		labelled("mirrors", info.Mirrors)
	}
	if len(info.KernelHandlers) > 0 {
		labelled("kernel", strings.Join(info.KernelHandlers, " → "))
	}
	if info.Explanation != "" {
		p.prose = append(p.prose, fit("", w))
		add(st.Text, info.Explanation)
	}
	if !p.columns() {
		p.prose = append(p.prose, fit("", w))
	}
}

// firstSentence returns text up to its first full stop.
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.Index(text, ". "); i >= 0 {
		return text[:i+1]
	}
	return text
}

// buildCode writes the step function's source and, when the selected
// call came from a line outside it, that line with a few around it.
func (p *sourcePane) buildCode(d *stepData, origin *analyze.Frame, w int) {
	c := p.com
	st := &c.styles
	add := func(pt paint, text string) {
		for _, l := range wrap(text, w) {
			p.code = append(p.code, pt.render(fit(l, w)))
		}
	}
	s := c.stepAt(p.step)
	if s == nil {
		return
	}
	src := s.Source
	if src.Text == "" && src.Func != "" {
		// Code that is not netexplore's: its function, where it lives, and
		// why its text is missing.
		p.code = append(p.code, st.Muted.render(rule("── "+src.Func+" ", w)))
		if src.File != "" {
			add(paint{}, "in "+src.File)
		}
		if src.Missing != "" {
			add(st.Muted, src.Missing)
		}
		if origin != nil && origin.File != "" {
			add(paint{}, fmt.Sprintf("the selected call came from %s:%d", origin.File, origin.Line))
		}
		return
	}
	if src.Text == "" {
		add(st.Muted, "(source not recorded)")
		return
	}
	inExcerpt := origin != nil && origin.File == src.File && origin.Line >= src.StartLine && origin.Line <= src.EndLine
	p.code = append(p.code, st.Muted.render(rule(fmt.Sprintf("── %s:%d-%d ", src.File, src.StartLine, src.EndLine), w)))
	code := p.hl.lines(fmt.Sprintf("%s#%d", src.File, src.StartLine), src.Text)
	sel := 0
	if inExcerpt {
		sel = origin.Line
	}
	p.codeLines(code, src.StartLine, d.origins[src.File], sel, w)

	if origin != nil && !inExcerpt && origin.File != "" {
		text, ok := c.sources[origin.File]
		p.code = append(p.code, fit("", w))
		if !ok {
			add(st.Muted, fmt.Sprintf("the selected syscall came from %s:%d (source not recorded)", sanitize.Line(origin.File), origin.Line))
			return
		}
		fn := sanitize.Line(strings.TrimPrefix(origin.Func, "github.com/netexplore/netexplore/"))
		p.code = append(p.code, st.Muted.render(rule(fmt.Sprintf("── called from %s:%d %s ", sanitize.Line(origin.File), origin.Line, fn), w)))
		all := p.hl.lines("file#"+origin.File, text)
		const around = 6
		from := clamp(origin.Line-around, 1, max(len(all), 1))
		to := clamp(origin.Line+around, 1, len(all))
		if from <= to && to <= len(all) {
			p.codeLines(all[from-1:to], from, d.origins[origin.File], origin.Line, w)
		}
	}
}

// gutterWidth is the width of "▶ 123 ● ".
const gutterWidth = 8

// codeLines appends source lines numbered from first, marking lines in
// marks and highlighting line sel. A line longer than the column wraps
// onto further lines under the code, after a blank gutter.
func (p *sourcePane) codeLines(lines []codeLine, first int, marks map[int]int, sel, w int) {
	st := &p.com.styles
	cw := w - gutterWidth
	for i, cl := range lines {
		n := first + i
		cur, dot := " ", " "
		if marks[n] > 0 {
			dot = "●"
		}
		if n == sel {
			cur = "▶"
			p.originLine = len(p.code)
		}
		gutter := fmt.Sprintf("%s%4d %s ", cur, n, dot)
		if cw <= 0 {
			p.code = append(p.code, fit(gutter, w))
			continue
		}
		parts := cl.wrapPoints(cw)
		for j, pt := range parts {
			g := strings.Repeat(" ", gutterWidth-2) + "↪ "
			if j == 0 {
				g = gutter
			}
			if n == sel {
				p.code = append(p.code, st.Origin.render(fit(g, gutterWidth)+fit(cl.plain[pt.from:pt.to], cw)))
				continue
			}
			var gs string
			if j == 0 {
				gs = st.Muted.render(g[:len(g)-len(dot)-1])
				if dot != " " {
					gs += st.Gutter.render(dot) + " "
				} else {
					gs += "  "
				}
			} else {
				gs = st.Muted.render(g)
			}
			p.code = append(p.code, gs+cl.renderRange(&st.Syntax, pt.from, pt.to, cw))
		}
		if n == sel {
			p.originEnd = len(p.code)
		}
	}
}
