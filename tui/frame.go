package tui

import (
	"fmt"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Text fitting. Every line a pane returns is exactly as wide as the pane,
// so the screen is always fully redrawn and a resize leaves no garbage.

// isASCII reports whether s is printable ASCII only, the common case, where
// width is the byte length.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return false
		}
	}
	return true
}

// textWidth returns the display width of plain (unstyled) text.
func textWidth(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// truncate cuts plain text to at most w cells, ending in "…" when cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if isASCII(s) {
		if len(s) <= w {
			return s
		}
		return s[:w-1] + "…"
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fit truncates or pads plain text to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = truncate(s, w)
	if n := textWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitStyled truncates or pads styled text to exactly w cells.
func fitStyled(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// wrap breaks plain text into lines of at most w cells, at spaces when it
// can; a word longer than a line is cut. Existing newlines are kept; an
// empty input gives one empty line.
func wrap(s string, w int) []string { return wrapHanging(s, w, 0) }

// wrapHanging is wrap with continuation lines of each paragraph indented by
// hang cells.
func wrapHanging(s string, w, hang int) []string {
	if w <= 0 {
		return nil
	}
	if hang >= w {
		hang = 0
	}
	pad := strings.Repeat(" ", hang)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if textWidth(para) <= w {
			out = append(out, para)
			continue
		}
		first := len(out)
		width := func() int {
			if len(out) > first {
				return w - hang
			}
			return w
		}
		emit := func(l string) {
			if len(out) > first {
				l = pad + l
			}
			out = append(out, l)
		}
		line, lineW := "", 0
		for _, word := range strings.Fields(para) {
			ww := textWidth(word)
			if lineW > 0 && lineW+1+ww <= width() {
				line += " " + word
				lineW += 1 + ww
				continue
			}
			if lineW > 0 && ww > width() && width()-lineW-1 > 0 {
				// A word longer than any line starts on this one.
				room := breakPoint(word, width()-lineW-1)
				if room > 0 {
					emit(line + " " + ansi.Cut(word, 0, room))
					word = ansi.Cut(word, room, ww)
					ww = textWidth(word)
					line, lineW = "", 0
				}
			}
			if lineW > 0 {
				emit(line)
			}
			for ww > width() {
				cut := breakPoint(word, width())
				if cut == 0 {
					cut = width()
				}
				emit(ansi.Cut(word, 0, cut))
				word = ansi.Cut(word, cut, ww)
				ww = textWidth(word)
			}
			line, lineW = word, ww
		}
		emit(line)
	}
	return out
}

// breakPoint returns where to cut a word too long for a line of w cells,
// leaving at least a third of the line: after the last ".", "/", ",", ":"
// or "|", else after the last "-" or "_" or before the last capital that
// follows a small letter — so that "net.ipv6.conf.docker0.accept_ra"
// breaks between its parts and "setupVerifyAndReconcileIPv4" between its
// words, never inside one. It returns 0 when there is no such place (the
// caller cuts at w).
func breakPoint(word string, w int) int {
	r := []rune(word)
	if !isASCII(word) || len(r) <= w {
		return 0
	}
	lo := max(w/3, 1)
	for i := w; i >= lo; i-- {
		if strings.ContainsRune("./,:|", r[i-1]) {
			return i
		}
	}
	for i := w; i >= lo; i-- {
		if strings.ContainsRune("-_", r[i-1]) || (unicode.IsLower(r[i-1]) && unicode.IsUpper(r[i])) {
			return i
		}
	}
	return 0
}

// rule draws a heading line: text followed by a horizontal line to w cells.
func rule(text string, w int) string {
	if n := w - textWidth(text); n > 0 {
		return text + strings.Repeat("─", n)
	}
	return truncate(text, w)
}

// expandTabs replaces tabs with spaces up to the next multiple of four, the
// way the source reads in an editor.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// boxChars is one border set.
type boxChars struct{ h, v, tl, tr, bl, br string }

var (
	thinBox  = boxChars{"─", "│", "┌", "┐", "└", "┘"}
	thickBox = boxChars{"━", "┃", "┏", "┓", "┗", "┛"}
)

// box draws a frame of w×h cells around body, with title in the top edge
// and info right-aligned in the bottom edge. Body lines must already be
// exactly w-2 cells wide; missing lines are left blank. A focused box is
// drawn with heavy lines (so focus shows without colour) in the accent
// colour.
func box(st *Styles, title, info string, w, h int, focused bool, body []string) []string {
	if w < 2 || h < 2 {
		return blank(w, h)
	}
	bc, bp, tp := thinBox, st.Border, st.Title
	if focused {
		bc, bp, tp = thickBox, st.BorderFocus, st.TitleFocus
	}
	inner := w - 2
	out := make([]string, 0, h)
	out = append(out, edge(bc.tl, bc.tr, bc.h, title, "", inner, bp, tp))
	side := bp.render(bc.v)
	pad := strings.Repeat(" ", inner)
	for i := 0; i < h-2; i++ {
		line := pad
		if i < len(body) {
			line = body[i]
		}
		out = append(out, side+line+side)
	}
	out = append(out, edge(bc.bl, bc.br, bc.h, "", info, inner, bp, st.Muted))
	return out
}

// boxStyled is box with a pre-styled title (the narrow layout's tab bar).
func boxStyled(st *Styles, title string, w, h int, focused bool, body []string) []string {
	lines := box(st, "", "", w, h, focused, body)
	if len(lines) == 0 || title == "" {
		return lines
	}
	bc, bp := thinBox, st.Border
	if focused {
		bc, bp = thickBox, st.BorderFocus
	}
	inner := w - 2
	tw := ansi.StringWidth(title)
	if tw+2 > inner {
		title = ansi.Truncate(title, inner-2, "…")
		tw = ansi.StringWidth(title)
	}
	rest := inner - 1 - tw
	if rest < 0 {
		rest = 0
	}
	lines[0] = bp.render(bc.tl+bc.h) + title + bp.render(strings.Repeat(bc.h, rest)+bc.tr)
	return lines
}

// edge draws a top or bottom border with an optional left title and right
// info text.
func edge(left, right, h, title, info string, inner int, bp, tp paint) string {
	var b strings.Builder
	b.WriteString(bp.render(left))
	used := 0
	if title != "" && inner > 4 {
		t := truncate(" "+title+" ", inner-2)
		b.WriteString(bp.render(h))
		b.WriteString(tp.render(t))
		used = 1 + textWidth(t)
	}
	infoStr := ""
	if info != "" && inner-used > 6 {
		infoStr = truncate(" "+info+" ", inner-used-2)
	}
	fill := inner - used - textWidth(infoStr)
	if infoStr != "" {
		fill--
	}
	if fill < 0 {
		fill = 0
	}
	b.WriteString(bp.render(strings.Repeat(h, fill)))
	if infoStr != "" {
		b.WriteString(tp.render(infoStr))
		b.WriteString(bp.render(h))
	}
	b.WriteString(bp.render(right))
	return b.String()
}

// blank returns h lines of w spaces.
func blank(w, h int) []string {
	if h <= 0 {
		return nil
	}
	if w < 0 {
		w = 0
	}
	line := strings.Repeat(" ", w)
	out := make([]string, h)
	for i := range out {
		out[i] = line
	}
	return out
}

// joinColumns places blocks of lines side by side. Every block must have
// the same number of lines, each of its own fixed width.
func joinColumns(blocks ...[]string) []string {
	if len(blocks) == 0 {
		return nil
	}
	n := len(blocks[0])
	out := make([]string, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		for _, bl := range blocks {
			if i < len(bl) {
				b.WriteString(bl[i])
			}
		}
		out[i] = b.String()
	}
	return out
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// textWidthStyled returns the display width of styled text.
func textWidthStyled(s string) int { return ansi.StringWidth(s) }

// textWindow is a scrollable window over pre-rendered lines: the part the
// panes that show a document (source, changes) have in common.
type textWindow struct {
	w, h   int
	offset int
	lines  []string
}

// SetSize implements Pane.
func (t *textWindow) SetSize(w, h int) { t.w, t.h = w, h }

// window renders the visible lines, padded to the pane's height.
func (t *textWindow) window() []string {
	out := make([]string, 0, t.h)
	for i := t.offset; i < len(t.lines) && len(out) < t.h; i++ {
		out = append(out, t.lines[i])
	}
	for len(out) < t.h {
		out = append(out, strings.Repeat(" ", t.w))
	}
	return out
}

// scroll moves the window by n lines.
func (t *textWindow) scroll(n int) {
	t.offset = clamp(t.offset+n, 0, max(len(t.lines)-t.h, 0))
}

// scrollBy scrolls the window for a movement key of k or a turn of the
// mouse wheel.
func (t *textWindow) scrollBy(msg tea.Msg, k navKeys) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		t.scroll(k.delta(msg, pageLines(t.h)))
	case tea.MouseWheelMsg:
		if d := wheelLines(msg.Mouse()); d != 0 {
			t.scroll(d)
		}
	}
}

// Info implements Pane: how far down the document the window is.
func (t *textWindow) Info() string {
	if len(t.lines) <= t.h {
		return ""
	}
	return fmt.Sprintf("%d%%", 100*(t.offset+t.h)/len(t.lines))
}
