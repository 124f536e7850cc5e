package tui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// paint is a style reduced to the escape sequences around its text, so hot
// rendering paths can style a string with two concatenations instead of a
// full lipgloss render. The zero paint leaves text as it is.
type paint struct{ pre, post string }

// newPaint captures the escape sequences lipgloss emits for s. Only
// attribute styles (colours, bold, italic, reverse, ...) are meaningful here:
// no padding, width or borders.
func newPaint(s lipgloss.Style) paint {
	const mark = "\x00"
	r := s.Render(mark)
	i := strings.Index(r, mark)
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], post: r[i+len(mark):]}
}

// render styles text.
func (p paint) render(text string) string {
	if p.pre == "" || text == "" {
		return text
	}
	return p.pre + text + p.post
}

// syntaxStyles colour Go source by token class.
type syntaxStyles struct {
	Keyword, Type, Func, String, Number, Comment, Operator, Plain paint
}

// Styles holds every style the walkthrough uses for one theme. It is built
// once per theme by [DefaultStyles] and stored on the model; views never
// build styles themselves.
type Styles struct {
	// Dark is true for the dark-background theme; Plain is true when colour
	// is off (NO_COLOR), where only attributes such as bold and reverse
	// video remain.
	Dark, Plain bool

	// Pane frames and titles, unfocused and focused.
	Border, BorderFocus, Title, TitleFocus paint
	// Tab is an inactive tab name in the narrow layout's tab bar.
	Tab paint

	// Text classes.
	Text, Bold, Muted, Accent, Error, Warn, OK, Reply, Exec paint

	// Selected marks the cursor row of the focused pane; SelectedBlur the
	// cursor row of an unfocused one.
	Selected, SelectedBlur paint
	// Gutter marks a source line that made at least one syscall; Origin is
	// the whole source line that made the selected syscall.
	Gutter, Origin paint
	// HexSel marks the bytes of the selected field in the hex dump;
	// HexDim the offset column.
	HexSel, HexDim paint
	// Added, Removed and Changed colour the kernel changes.
	Added, Removed, Changed paint
	// StatusBar is the status line background; StatusKey its emphasised parts.
	StatusBar, StatusKey paint

	// Syntax colours the step's Go source.
	Syntax syntaxStyles
	// Help styles the bubbles/help short help line.
	Help help.Styles
}

// DefaultStyles returns the styles for a dark or light terminal background,
// or colourless styles when plain is true (NO_COLOR).
func DefaultStyles(dark, plain bool) Styles {
	if plain {
		return plainStyles(dark)
	}
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	fg := func(light, darkc string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(light, darkc)) }

	var (
		accent = c("#1d4ed8", "#7aa2f7")
		border = c("#9aa3b5", "#414868")
		muted  = fg("#6b7280", "#7c82a0")
	)
	s := Styles{Dark: dark}
	s.Border = newPaint(lipgloss.NewStyle().Foreground(border))
	s.BorderFocus = newPaint(lipgloss.NewStyle().Foreground(accent))
	s.Title = newPaint(lipgloss.NewStyle().Foreground(c("#4b5263", "#a9b1d6")).Bold(true))
	s.TitleFocus = newPaint(lipgloss.NewStyle().Foreground(accent).Bold(true))
	s.Tab = newPaint(muted)

	s.Text = paint{}
	s.Bold = newPaint(lipgloss.NewStyle().Bold(true))
	s.Muted = newPaint(muted)
	s.Accent = newPaint(lipgloss.NewStyle().Foreground(accent))
	s.Error = newPaint(fg("#c0132b", "#f7768e"))
	s.Warn = newPaint(fg("#9a6700", "#e0af68"))
	s.OK = newPaint(fg("#2f7d16", "#9ece6a"))
	s.Reply = newPaint(fg("#0b7285", "#7dcfff"))
	s.Exec = newPaint(fg("#7c3aed", "#bb9af7").Bold(true))

	s.Selected = newPaint(lipgloss.NewStyle().Background(c("#c7d2fe", "#2e3c64")).Foreground(c("#111827", "#e6e9f5")))
	s.SelectedBlur = newPaint(lipgloss.NewStyle().Background(c("#e5e7eb", "#292e42")))
	s.Gutter = newPaint(fg("#b45309", "#ff9e64").Bold(true))
	s.Origin = newPaint(lipgloss.NewStyle().Background(c("#fde68a", "#4a3f1a")).Foreground(c("#111827", "#f5e6b8")))
	s.HexSel = newPaint(lipgloss.NewStyle().Background(accent).Foreground(c("#ffffff", "#16161e")).Bold(true))
	s.HexDim = newPaint(muted)
	s.Added = newPaint(fg("#2f7d16", "#9ece6a"))
	s.Removed = newPaint(fg("#c0132b", "#f7768e"))
	s.Changed = newPaint(fg("#9a6700", "#e0af68"))
	s.StatusBar = newPaint(lipgloss.NewStyle().Background(c("#e5e7eb", "#1f2335")).Foreground(c("#374151", "#a9b1d6")))
	s.StatusKey = newPaint(lipgloss.NewStyle().Background(c("#e5e7eb", "#1f2335")).Foreground(accent).Bold(true))

	s.Syntax = syntaxStyles{
		Keyword:  newPaint(fg("#8839ef", "#bb9af7")),
		Type:     newPaint(fg("#0b7285", "#2ac3de")),
		Func:     newPaint(fg("#1d4ed8", "#7aa2f7")),
		String:   newPaint(fg("#2f7d16", "#9ece6a")),
		Number:   newPaint(fg("#c2410c", "#ff9e64")),
		Comment:  newPaint(muted.Italic(true)),
		Operator: newPaint(fg("#4b5563", "#89ddff")),
	}
	s.Help = help.DefaultStyles(dark)
	return s
}

// cursorRow is the style of a pane's cursor row: Selected when the pane
// has the focus, SelectedBlur when not. When it is the zero paint (an
// unfocused pane without colour), the row keeps the pane's own styles.
func (st *Styles) cursorRow(focused bool) paint {
	if focused {
		return st.Selected
	}
	return st.SelectedBlur
}

// plainStyles uses no colour at all: focus shows through the frame's line
// weight, selection through reverse video.
func plainStyles(dark bool) Styles {
	bold := newPaint(lipgloss.NewStyle().Bold(true))
	rev := newPaint(lipgloss.NewStyle().Reverse(true))
	s := Styles{Dark: dark, Plain: true}
	s.Title = bold
	s.TitleFocus = bold
	s.Bold = bold
	s.Exec = bold
	s.Error = bold
	s.Selected = rev
	s.Origin = rev
	s.HexSel = rev
	s.Gutter = bold
	s.StatusKey = bold
	s.Help = help.Styles{}
	return s
}
