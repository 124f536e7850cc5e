package tui

import (
	"fmt"
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
	case m.lay.tooSmall:
		body = m.tooSmallView()
	case m.showHelp:
		body = m.helpView(m.width, m.lay.body)
	case m.lay.wide:
		body = m.wideView()
	default:
		body = m.narrowView()
	}
	if m.picker.open && !m.lay.tooSmall && !m.showHelp {
		body = m.pickerOverlay(body)
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, body...)
	if !m.lay.tooSmall {
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

// paneBox renders pane id in its box, titled with its name and what it
// shows.
func (m *Model) paneBox(id paneID) []string {
	r := m.lay.rects[id]
	p := m.panes[id]
	focused := m.focus == id
	title, about := p.Title()
	if about != "" {
		title += " · " + about
	}
	return box(&m.com.styles, title, p.Info(), r.w, r.h, focused, p.View(focused))
}

func (m *Model) wideView() []string {
	left := append(m.paneBox(paneSteps), m.paneBox(paneChanges)...)
	top := joinColumns(m.paneBox(paneSource), m.paneBox(paneDetail))
	right := append(top, m.paneBox(paneCalls)...)
	return joinColumns(left, right)
}

func (m *Model) narrowView() []string {
	r := m.lay.rects[paneSource]
	st := &m.com.styles
	var tabs []string
	for id := paneSource; id < numPanes; id++ {
		name, _ := m.panes[id].Title()
		name = fmt.Sprintf("%d %s", int(id)+1, name)
		if id == m.tab {
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
	focused := m.focus == m.tab
	tab := m.panes[m.tab]
	content := boxStyled(st, title, r.w, r.h, focused, tab.View(focused))
	if len(content) > 0 {
		bc, bp := thinBox, st.Border
		if focused {
			bc, bp = thickBox, st.BorderFocus
		}
		_, caption := tab.Title()
		if info := tab.Info(); info != "" {
			caption = strings.TrimSpace(caption + " " + info)
		}
		content[len(content)-1] = edge(bc.bl, bc.br, bc.h, "", caption, r.w-2, bp, st.Muted)
	}
	return joinColumns(m.paneBox(paneSteps), content)
}
