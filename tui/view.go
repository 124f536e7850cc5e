package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
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

// paneBox renders pane p in its box.
func (m *Model) paneBox(p pane) []string {
	r := m.lay.rects[p]
	focused := m.focus == p
	st := &m.com.styles
	switch p {
	case paneSteps:
		info := fmt.Sprintf("%d/%d run", m.doneCount(), m.stepCount())
		return box(st, "Steps", info, r.w, r.h, focused, m.steps.view(m, focused))
	case paneSource:
		return box(st, m.sourceTitle(), m.source.info(), r.w, r.h, focused, m.source.view())
	case paneCalls:
		return box(st, m.callsTitle(), m.calls.info(), r.w, r.h, focused, m.calls.view(m, focused, m.callsEmpty()))
	case paneDetail:
		return box(st, "Detail", m.detail.info(), r.w, r.h, focused, m.detail.view(m, focused))
	case paneChanges:
		return box(st, "Changes", m.changes.info(), r.w, r.h, focused, m.changes.view())
	}
	return blank(r.w, r.h)
}

// body renders the inner lines of content pane p, for the narrow layout.
func (m *Model) paneBody(p pane) []string {
	focused := m.focus == p
	switch p {
	case paneSource:
		return m.source.view()
	case paneCalls:
		return m.calls.view(m, focused, m.callsEmpty())
	case paneDetail:
		return m.detail.view(m, focused)
	case paneChanges:
		return m.changes.view()
	}
	return nil
}

func (m *Model) sourceTitle() string {
	if s := m.stepAt(m.cur); s != nil && s.Source.File != "" {
		return "Source · " + s.Source.File
	}
	return "Source"
}

func (m *Model) callsTitle() string {
	t := "Syscalls"
	if s := m.stepAt(m.cur); s != nil {
		t += " · " + s.Info.ID
	}
	if q := m.filter.Value(); q != "" {
		t += fmt.Sprintf(" · /%s", q)
	}
	if m.calls.hide {
		t += " · H"
	}
	return t
}

// callsEmpty says why the Syscalls pane is empty.
func (m *Model) callsEmpty() string {
	switch m.status(m.cur) {
	case session.Pending:
		if m.cur == m.nextPending() {
			if m.live() {
				return "not run yet: press n to run this step"
			}
			return "not shown yet: press n to reveal this recorded step"
		}
		return "not run yet"
	case session.Running:
		return "running: waiting for the first syscall…"
	case session.Skipped:
		return "skipped: the step made no syscall"
	}
	return "no syscall was captured for this step"
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
	for p := paneSource; p < numPanes; p++ {
		name := fmt.Sprintf("%d %s", int(p)+1, p)
		if p == m.tab {
			pt := st.Title
			if m.focus == p {
				pt = st.TitleFocus
			}
			tabs = append(tabs, pt.render("["+name+"]"))
		} else {
			tabs = append(tabs, st.Tab.render(" "+name+" "))
		}
	}
	title := strings.Join(tabs, "")
	focused := m.focus == m.tab
	content := boxStyled(st, title, r.w, r.h, focused, m.paneBody(m.tab))
	if len(content) > 0 {
		bc, bp := thinBox, st.Border
		if focused {
			bc, bp = thickBox, st.BorderFocus
		}
		caption := m.tabCaption()
		if info := m.paneInfo(m.tab); info != "" {
			caption = strings.TrimSpace(caption + " " + info)
		}
		content[len(content)-1] = edge(bc.bl, bc.br, bc.h, "", caption, r.w-2, bp, st.Muted)
	}
	return joinColumns(m.paneBox(paneSteps), content)
}

// tabCaption names what the narrow layout's content tab shows.
func (m *Model) tabCaption() string {
	switch m.tab {
	case paneSource:
		return strings.TrimPrefix(strings.TrimPrefix(m.sourceTitle(), "Source"), " · ")
	case paneCalls:
		return strings.TrimPrefix(m.callsTitle(), "Syscalls · ")
	}
	return ""
}

func (m *Model) paneInfo(p pane) string {
	switch p {
	case paneSource:
		return m.source.info()
	case paneCalls:
		return m.calls.info()
	case paneDetail:
		return m.detail.info()
	case paneChanges:
		return m.changes.info()
	}
	return ""
}
