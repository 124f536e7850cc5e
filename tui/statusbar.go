package tui

import (
	"fmt"
	"strconv"
	"strings"
)

// statusLine shows where the walkthrough runs, its scenario, how far it
// is, how many events were captured and lost (always shown: nothing is
// dropped silently), and the kernel.
func (m *Model) statusLine() string {
	st := &m.com.styles
	title := m.opts.Title
	if t, ok := m.opts.Driver.(Titler); ok {
		title = t.Title() // the lab changes on restart
	}
	if title == "" {
		title = "replay"
		if m.live {
			title = "live"
		}
	}
	lost := "lost " + strconv.FormatUint(m.lost, 10)
	fixed := []string{
		"scenario " + m.currentScenario(),
		fmt.Sprintf("%d/%d steps", m.doneCount(), m.stepCount()),
		groupThousands(m.eventTotal()) + " events",
		lost,
	}
	if k := m.header.Kernel; k != "" {
		fixed = append(fixed, "kernel "+k)
	}
	const sep = " │ "
	rest := strings.Join(fixed, sep)
	// The title gives way first, then the kernel.
	room := m.width - 2 - textWidth(rest) - len(sep)
	if room < 8 && m.header.Kernel != "" {
		fixed = fixed[:len(fixed)-1]
		rest = strings.Join(fixed, sep)
		room = m.width - 2 - textWidth(rest) - len(sep)
	}
	line := " "
	if room >= 4 {
		line += truncate(title, room) + sep
	}
	line = fit(line+rest, m.width)
	if m.lost > 0 && !st.Plain {
		// Lost events are a warning: paint that part.
		if i := strings.Index(line, lost); i >= 0 {
			return st.StatusBar.render(line[:i]) + st.Error.render(lost) + st.StatusBar.render(line[i+len(lost):])
		}
	}
	return st.StatusBar.render(line)
}

// bottomLine shows the filter being typed, a message, or the short help
// (after the running step, if one runs).
func (m *Model) bottomLine() string {
	st := &m.com.styles
	state := ""
	switch {
	case m.restarting && m.switching != "":
		state = m.spinnerFrame() + " starting scenario " + m.switching + " in a fresh namespace…"
	case m.restarting:
		state = m.spinnerFrame() + " restarting in a fresh namespace…"
	case m.running >= 0:
		state = fmt.Sprintf("%s running %d %s…", m.spinnerFrame(), m.running+1, m.stepAt(m.running).Info.ID)
		if m.queued > 0 {
			state += fmt.Sprintf(" (+%d queued)", m.queued)
		} else if m.runAll {
			state += " (running all)"
		}
	}
	if state != "" {
		state = " " + st.Accent.render(state) + " "
	}
	if id, ok := m.typing(); ok {
		return fitStyled(m.panes[id].(inputPane).InputLine(), m.width)
	}
	if m.message != "" {
		pt := st.Accent
		if m.messageErr {
			pt = st.Error
		}
		return fitStyled(state+pt.render(" "+m.message), m.width)
	}
	if m.picker.open {
		return fitStyled(state+" "+m.help.ShortHelpView(m.com.keys.pickerHelp()), m.width)
	}
	if m.cmp.picking {
		return fitStyled(state+" "+m.help.ShortHelpView(m.comparePickerHelp()), m.width)
	}
	if m.cmp.view != nil {
		return fitStyled(state+" "+m.help.ShortHelpView(m.compareHelp()), m.width)
	}
	return fitStyled(state+" "+m.help.ShortHelpView(m.com.keys.ShortHelp()), m.width)
}

// groupThousands writes n with thousands separators: 100,000.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
