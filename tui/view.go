package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// View implements tea.Model: the whole screen, in the alternate screen
// with mouse reporting.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "netexplore"
	return v
}

// render returns the screen as exactly height lines of width cells each.
// It only reads the model.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var body []string
	switch {
	case m.lay.mode == modeTooSmall:
		body = m.tooSmallView()
	case m.showHelp:
		h := m.lay.body
		if m.lay.hint {
			h++ // the help page takes the hint's line
		}
		body = m.helpView(m.width, h)
	case m.cmp.view != nil:
		body = m.compareBody()
	default:
		body = m.panesView()
	}
	if m.picker.open && m.lay.mode != modeTooSmall && !m.showHelp {
		body = m.pickerOverlay(body)
	}
	if m.cmp.picking && m.lay.mode != modeTooSmall && !m.showHelp {
		body = m.comparePickerOverlay(body)
	}
	if m.notice != "" && m.lay.mode != modeTooSmall {
		body = m.noticeOverlay(body)
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, body...)
	if m.lay.mode != modeTooSmall {
		lines = append(lines, m.statusLine(), m.bottomLine())
	}
	for len(lines) < m.height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	return strings.Join(lines[:m.height], "\n")
}

func (m *Model) tooSmallView() []string {
	msg := fmt.Sprintf("netexplore needs at least %dx%d; this terminal is %dx%d", minWidth, minHeight, m.width, m.height)
	out := blank(m.width, m.height)
	for i, l := range wrap(msg, m.width) {
		if i+m.height/2 < len(out) {
			out[i+m.height/2] = fit(l, m.width)
		}
	}
	return out
}

// paneTitle is a pane's number and name, as every frame and tab shows
// it: "2 Source". The number is the key that focuses the pane.
func (m *Model) paneTitle(id paneID) string {
	name, _ := m.panes[id].Title()
	return fmt.Sprintf("%d %s", int(id)+1, name)
}

// paneBox renders pane id in its box, titled with its number, its name and
// what it shows.
func (m *Model) paneBox(id paneID) []string {
	r := m.lay.rect(id)
	p := m.panes[id]
	focused := m.focus == id
	title := m.paneTitle(id)
	if _, about := p.Title(); about != "" {
		title += " · " + about
	}
	return box(&m.com.styles, title, p.Info(), r.w, r.h, focused, p.View(focused))
}

// panesView draws every slot of the layout and puts the boxes together
// line by line: the slots tile the body, each box line is exactly as wide
// as its box.
func (m *Model) panesView() []string {
	type drawn struct {
		r     rect
		lines []string
	}
	boxes := make([]drawn, 0, len(m.lay.slots))
	for _, s := range m.lay.slots {
		if s.tabbed() {
			boxes = append(boxes, drawn{s.r, m.tabBox(s)})
		} else {
			boxes = append(boxes, drawn{s.r, m.paneBox(s.panes[0])})
		}
	}
	slices.SortStableFunc(boxes, func(a, b drawn) int { return a.r.x - b.r.x })
	out := make([]string, m.lay.body)
	for y := range out {
		var b strings.Builder
		for _, d := range boxes {
			if y >= d.r.y && y < d.r.y+d.r.h && y-d.r.y < len(d.lines) {
				b.WriteString(d.lines[y-d.r.y])
			}
		}
		out[y] = b.String()
	}
	if m.lay.hint {
		out = append(out, m.hintLine())
	}
	return out
}

// tabBox draws a slot whose panes are tabs: the tab names in the top
// edge, the shown pane inside, what it shows in the bottom edge.
func (m *Model) tabBox(s slot) []string {
	st := &m.com.styles
	shown := m.shownTab(s)
	var tabs []string
	for _, id := range s.panes {
		name := m.paneTitle(id)
		if id == shown {
			pt := st.Title
			if m.focus == id {
				pt = st.TitleFocus
			}
			tabs = append(tabs, pt.render("["+name+"]"))
		} else {
			tabs = append(tabs, st.Tab.render(" "+name+" "))
		}
	}
	title := strings.Join(tabs, "")
	focused := m.focus == shown
	tab := m.panes[shown]
	content := boxStyled(st, title, s.r.w, s.r.h, focused, tab.View(focused))
	if len(content) > 0 {
		bc, bp := thinBox, st.Border
		if focused {
			bc, bp = thickBox, st.BorderFocus
		}
		_, caption := tab.Title()
		if info := tab.Info(); info != "" {
			caption = strings.TrimSpace(caption + " " + info)
		}
		content[len(content)-1] = edge(bc.bl, bc.br, bc.h, "", caption, s.r.w-2, bp, st.Muted)
	}
	return content
}

// hintLine tells, in the narrow layout, how the tabs work and what a
// larger terminal shows.
func (m *Model) hintLine() string {
	text := fmt.Sprintf(" tabs: %d-%d · source and syscalls side by side from %dx%d (this is %dx%d)",
		int(paneSource)+1, int(numPanes), stackedWidth, stackedHigh, m.width, m.height)
	return m.com.styles.Muted.render(fit(text, m.width))
}

// noticeOverlay draws Options.Notice in a box across the bottom of the
// panes, wrapped to fit, until the first key.
func (m *Model) noticeOverlay(body []string) []string {
	st := &m.com.styles
	w := m.width
	inner := w - 2
	var lines []string
	for _, l := range wrap(m.notice, inner-2) {
		lines = append(lines, st.Warn.render(fit(" "+l, inner)))
	}
	lines = append(lines, st.Muted.render(fit(" any key closes this note (and does its job)", inner)))
	h := min(len(lines)+2, len(body))
	if h < 3 {
		return body
	}
	box := box(st, "Note", "", w, h, true, lines[:h-2])
	out := append([]string{}, body...)
	copy(out[len(body)-h:], box)
	return out
}
