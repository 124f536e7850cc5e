package tui

import tea "charm.land/bubbletea/v2"

// rect is a pane's box on the screen, border included.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// layout is where the panes go at the current terminal size.
type layout struct {
	// wide shows all five panes; otherwise the Steps pane is on the left
	// and the other four share the right side as tabs.
	wide bool
	// tooSmall means not even the narrow layout fits.
	tooSmall bool
	// rects holds each pane's box. In the narrow layout the four content
	// panes share one box.
	rects [numPanes]rect
	// body is the height available to panes (the screen less the status
	// and help lines).
	body int
}

// Size limits of the layouts.
const (
	minWidth, minHeight   = 50, 10
	wideWidth, wideHeight = 140, 36
	bottomLines           = 2 // status line and help line
)

// resize lays the screen out for a terminal of w×h cells and tells the
// panes: each its own size, and all of them the terminal's.
func (m *Model) resize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.layout()
	return m.broadcast(tea.WindowSizeMsg{Width: w, Height: h})
}

// layout places the panes for the current size and tells each its inner size.
func (m *Model) layout() {
	w, h := m.width, m.height
	l := layout{body: h - bottomLines}
	switch {
	case w < minWidth || h < minHeight:
		l.tooSmall = true
	case w >= wideWidth && h >= wideHeight:
		l.wide = true
		left := clamp(w*22/100, 30, 44)
		stepsH := clamp(m.stepsPane().neededHeight()+2, 8, l.body-8)
		l.rects[paneSteps] = rect{0, 0, left, stepsH}
		l.rects[paneChanges] = rect{0, stepsH, left, l.body - stepsH}
		right := w - left
		topH := clamp(l.body/2, 10, l.body-8)
		srcW := right * 55 / 100
		l.rects[paneSource] = rect{left, 0, srcW, topH}
		l.rects[paneDetail] = rect{left + srcW, 0, right - srcW, topH}
		l.rects[paneCalls] = rect{left, topH, right, l.body - topH}
	default:
		left := clamp(w*3/10, 25, 30)
		l.rects[paneSteps] = rect{0, 0, left, l.body}
		content := rect{left, 0, w - left, l.body}
		for p := paneSource; p < numPanes; p++ {
			l.rects[p] = content
		}
	}
	m.lay = l
	for id, p := range m.panes {
		r := l.rects[id]
		p.SetSize(max(r.w-2, 0), max(r.h-2, 0))
	}
	m.help.SetWidth(w)
}

// visible reports whether pane p is on screen.
func (m *Model) visible(p paneID) bool {
	if m.lay.tooSmall || m.showHelp {
		return false
	}
	if m.lay.wide || p == paneSteps {
		return true
	}
	return p == m.tab
}

// paneAt returns the pane under screen cell (x, y).
func (m *Model) paneAt(x, y int) (paneID, bool) {
	for p := paneSteps; p < numPanes; p++ {
		if m.visible(p) && m.lay.rects[p].contains(x, y) {
			return p, true
		}
	}
	return 0, false
}
