package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
)

// rect is a pane's box on the screen, border included.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// layoutMode is how the panes share the screen.
type layoutMode uint8

// The layouts, from the smallest terminal to the largest.
const (
	// modeTooSmall: not even the narrow layout fits; a message says so.
	modeTooSmall layoutMode = iota
	// modeNarrow: the Steps pane on the left, every other pane a tab of
	// one box on the right, and a hint line saying how to see more.
	modeNarrow
	// modeStacked: the Steps pane on the left, Source above and the
	// Syscalls pane below it on the right, so a call and the line that
	// made it are on screen together; the bottom box has Detail, Changes
	// and Topology as further tabs.
	modeStacked
	// modeWide: every pane in its own box.
	modeWide
)

// slot is one box of the layout: one pane, or several as tabs of which
// the most recently focused one shows.
type slot struct {
	r     rect
	panes []paneID
}

// tabbed reports whether the slot's panes are tabs.
func (s slot) tabbed() bool { return len(s.panes) > 1 }

// layout is where the panes go at the current terminal size.
type layout struct {
	mode  layoutMode
	slots []slot
	// slotOf is the index in slots of each pane's box.
	slotOf [numPanes]int
	// body is the height available to panes (the screen less the hint,
	// status and help lines).
	body int
	// hint is the narrow layout's line under the panes.
	hint bool
}

// rect returns the box pane p is drawn in (shared with the other tabs of
// its slot).
func (l *layout) rect(p paneID) rect { return l.slots[l.slotOf[p]].r }

// Size limits of the layouts.
const (
	minWidth, minHeight       = 50, 10
	stackedWidth, stackedHigh = 100, 30
	wideWidth, wideHeight     = 140, 36
	bottomLines               = 2 // status line and help line
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
	add := func(r rect, panes ...paneID) {
		for _, p := range panes {
			l.slotOf[p] = len(l.slots)
		}
		l.slots = append(l.slots, slot{r: r, panes: panes})
	}
	switch {
	case w < minWidth || h < minHeight:
		l.mode = modeTooSmall
		add(rect{}, paneSteps, paneSource, paneCalls, paneDetail, paneChanges, paneTopology)
	case w >= wideWidth && h >= wideHeight:
		l.mode = modeWide
		left := clamp(w*22/100, 30, 44)
		stepsH := clamp(m.stepsPane().neededHeight()+2, 8, l.body-8)
		add(rect{0, 0, left, stepsH}, paneSteps)
		add(rect{0, stepsH, left, l.body - stepsH}, paneChanges)
		right := w - left
		topH := clamp(l.body*52/100, 10, l.body-8)
		srcW := right * 60 / 100
		add(rect{left, 0, srcW, topH}, paneSource)
		add(rect{left + srcW, 0, right - srcW, topH}, paneTopology)
		callsW := right * 58 / 100
		add(rect{left, topH, callsW, l.body - topH}, paneCalls)
		add(rect{left + callsW, topH, right - callsW, l.body - topH}, paneDetail)
	case w >= stackedWidth && h >= stackedHigh:
		l.mode = modeStacked
		left := clamp(w*28/100, 26, 32)
		add(rect{0, 0, left, l.body}, paneSteps)
		topH := l.body * 52 / 100
		add(rect{left, 0, w - left, topH}, paneSource)
		add(rect{left, topH, w - left, l.body - topH}, paneCalls, paneDetail, paneChanges, paneTopology)
	default:
		l.mode = modeNarrow
		l.hint = true
		l.body--
		left := clamp(w*3/10, 25, 30)
		add(rect{0, 0, left, l.body}, paneSteps)
		add(rect{left, 0, w - left, l.body}, paneSource, paneCalls, paneDetail, paneChanges, paneTopology)
	}
	m.lay = l
	for id, p := range m.panes {
		r := l.rect(paneID(id))
		p.SetSize(max(r.w-2, 0), max(r.h-2, 0))
	}
	m.help.SetWidth(w)
}

// shownTab returns the pane slot s shows: the most recently focused of its
// panes, else its first.
func (m *Model) shownTab(s slot) paneID {
	for _, p := range m.recent {
		if slices.Contains(s.panes, p) {
			return p
		}
	}
	return s.panes[0]
}

// visible reports whether pane p is on screen.
func (m *Model) visible(p paneID) bool {
	if m.lay.mode == modeTooSmall || m.showHelp {
		return false
	}
	return m.shownTab(m.lay.slots[m.lay.slotOf[p]]) == p
}

// paneAt returns the pane under screen cell (x, y).
func (m *Model) paneAt(x, y int) (paneID, bool) {
	for p := paneSteps; p < numPanes; p++ {
		if m.visible(p) && m.lay.rect(p).contains(x, y) {
			return p, true
		}
	}
	return 0, false
}
