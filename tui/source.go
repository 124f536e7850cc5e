package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/session"
)

// sourcePane shows the selected step: its title, the libnetwork function it
// mirrors, the kernel handlers, the explanation, and the step's Go source
// with every line that made a syscall marked in the gutter and the line
// that made the selected syscall highlighted.
type sourcePane struct {
	textWindow
	navKeys
	com *common
	hl  *highlighter

	step       int // the step shown
	key        sourceKey
	originLine int // document line of the selected event's origin, -1 if none
}

func newSourcePane(com *common) *sourcePane {
	return &sourcePane{navKeys: com.keys.Nav, com: com, hl: newHighlighter()}
}

// sourceKey identifies what the document was built from, so it is rebuilt
// only when something it shows changed.
type sourceKey struct {
	step, w, events, gen int
	status               session.Status
	file                 string
	line                 int
}

// Title implements Pane: the file of the step's source.
func (p *sourcePane) Title() (string, string) {
	if s := p.com.stepAt(p.step); s != nil {
		return "Source", s.Source.File
	}
	return "Source", ""
}

// Update implements Pane: it shows the selected event's step and origin,
// and scrolls.
func (p *sourcePane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case eventMsg:
		p.step = msg.step
		var origin *analyze.Frame
		if msg.row >= 0 {
			origin = msg.data.events[msg.row].Origin
		}
		p.update(msg.data, origin, msg.follow)
	case sessionMsg:
		p.lines = nil
	case themeMsg:
		p.hl.reset()
	case tea.KeyPressMsg, tea.MouseWheelMsg:
		p.scrollBy(msg, p.navKeys)
	}
	return p, nil
}

// View implements Pane.
func (p *sourcePane) View(bool) []string { return p.window() }

// gutterWidth is the width of "▶ 123 ● ".
const gutterWidth = 8

// contextLines is how many lines around an origin outside the step's
// function are shown.
const contextLines = 6

// update rebuilds the document when needed. follow scrolls to the origin
// line (the user moved to another syscall).
func (p *sourcePane) update(d *stepData, origin *analyze.Frame, follow bool) {
	key := sourceKey{step: p.step, w: p.w, events: len(d.rows), gen: p.com.gen, status: p.com.status(p.step)}
	if origin != nil {
		key.file, key.line = origin.File, origin.Line
	}
	if key != p.key || p.lines == nil {
		if key.step != p.key.step {
			p.offset = 0
		}
		p.key = key
		p.build(d, origin)
	}
	if follow && p.originLine >= 0 {
		if p.originLine < p.offset || p.originLine >= p.offset+p.h {
			p.offset = p.originLine - p.h/3
		}
	}
	p.offset = clamp(p.offset, 0, max(len(p.lines)-p.h, 0))
}

func (p *sourcePane) build(d *stepData, origin *analyze.Frame) {
	c := p.com
	st := &c.styles
	w := p.w
	p.lines = p.lines[:0]
	p.originLine = -1
	add := func(pt paint, text string) {
		for _, l := range wrap(text, w) {
			p.lines = append(p.lines, pt.render(fit(l, w)))
		}
	}
	labelled := func(label, text string) {
		lines := wrap(text, w-9)
		for i, l := range lines {
			lab := strings.Repeat(" ", 9)
			if i == 0 {
				lab = fit(label, 9)
			}
			p.lines = append(p.lines, st.Muted.render(lab)+fit(l, w-9))
		}
	}
	s := c.stepAt(p.step)
	if s == nil {
		p.lines = blank(w, 1)
		return
	}
	info := s.Info
	add(st.Bold, fmt.Sprintf("%d %s · %s", s.Index, info.ID, info.Title))
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
	if info.Mirrors != "" {
		labelled("mirrors", info.Mirrors)
	}
	if len(info.KernelHandlers) > 0 {
		labelled("kernel", strings.Join(info.KernelHandlers, " → "))
	}
	if info.Explanation != "" {
		p.lines = append(p.lines, fit("", w))
		add(st.Text, info.Explanation)
	}
	src := s.Source
	p.lines = append(p.lines, fit("", w))
	if src.Text == "" {
		add(st.Muted, "(source not recorded)")
		return
	}
	inExcerpt := origin != nil && origin.File == src.File && origin.Line >= src.StartLine && origin.Line <= src.EndLine
	p.lines = append(p.lines, st.Muted.render(rule(fmt.Sprintf("── %s:%d-%d ", src.File, src.StartLine, src.EndLine), w)))
	code := p.hl.lines(fmt.Sprintf("%s#%d", src.File, src.StartLine), src.Text)
	sel := 0
	if inExcerpt {
		sel = origin.Line
	}
	p.code(code, src.StartLine, d.origins[src.File], sel)

	if origin != nil && !inExcerpt && origin.File != "" {
		text, ok := c.sources[origin.File]
		p.lines = append(p.lines, fit("", w))
		if !ok {
			add(st.Muted, fmt.Sprintf("the selected syscall came from %s:%d (source not recorded)", origin.File, origin.Line))
			return
		}
		fn := strings.TrimPrefix(origin.Func, "github.com/netexplore/netexplore/")
		p.lines = append(p.lines, st.Muted.render(rule(fmt.Sprintf("── called from %s:%d %s ", origin.File, origin.Line, fn), w)))
		all := p.hl.lines("file#"+origin.File, text)
		from := clamp(origin.Line-contextLines, 1, max(len(all), 1))
		to := clamp(origin.Line+contextLines, 1, len(all))
		if from <= to && to <= len(all) {
			p.code(all[from-1:to], from, d.origins[origin.File], origin.Line)
		}
	}
}

// code appends source lines numbered from first, marking lines in marks
// and highlighting line sel.
func (p *sourcePane) code(lines []codeLine, first int, marks map[int]int, sel int) {
	st := &p.com.styles
	cw := p.w - gutterWidth
	for i, cl := range lines {
		n := first + i
		cur, dot := " ", " "
		if marks[n] > 0 {
			dot = "●"
		}
		if n == sel {
			cur = "▶"
			p.originLine = len(p.lines)
		}
		gutter := fmt.Sprintf("%s%4d %s ", cur, n, dot)
		if n == sel {
			p.lines = append(p.lines, st.Origin.render(fit(gutter+cl.plain, p.w)))
			continue
		}
		g := st.Muted.render(gutter[:len(gutter)-len(dot)-1])
		if dot != " " {
			g += st.Gutter.render(dot) + " "
		} else {
			g += "  "
		}
		if cw <= 0 {
			p.lines = append(p.lines, fitStyled(g, p.w))
			continue
		}
		p.lines = append(p.lines, g+cl.render(&st.Syntax, cw))
	}
}
