package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Pane is one pane of the walkthrough's screen: a component the root model
// sizes, focuses, forwards messages to and draws in a frame.
//
// A pane keeps its own state (cursor, scroll, caches) and its own keys,
// which it lists through help.KeyMap. What it needs of the walkthrough it
// reads from the [common] it was built with (the theme and the session as
// shown, which only the root model changes), and the selection comes to it
// as messages: [stepMsg], then [eventMsg].
//
// The root model sends a pane:
//   - the keys it does not handle itself, when the pane has the focus or
//     when one of the pane's [globalKeyer] keys matches;
//   - the mouse events over it, in its own coordinates (0, 0 is the first
//     cell inside its frame);
//   - every other message: [stepMsg], [eventMsg], [themeMsg],
//     [sessionMsg], tea.WindowSizeMsg and any message it does not know.
//
// To add a pane: write it in its own file, give it a paneID below and a
// constructor in newPanes, and a place in each layout (layout.go): a box
// of its own in the wide one, a tab in the others. If it has keys beyond moving,
// list them on the help page (keyMap.FullHelp).
type Pane interface {
	// ShortHelp and FullHelp list the keys the pane acts on.
	help.KeyMap
	// Title returns the pane's name ("Syscalls") and what it shows now
	// ("setupDevice · /newlink"), which may be empty. The frame shows both,
	// after the pane's number; a tab bar shows the number and name and its
	// bottom edge the rest.
	Title() (name, about string)
	// Info is the position shown right-aligned in the frame's bottom edge.
	Info() string
	// SetSize gives the pane its size inside the frame.
	SetSize(w, h int)
	// Update handles a message and returns the pane.
	Update(msg tea.Msg) (Pane, tea.Cmd)
	// View renders the pane's inside as lines exactly as wide as the pane.
	// focused says whether the pane has the focus.
	View(focused bool) []string
}

// globalKeyer is implemented by a pane that takes some keys whatever pane
// has the focus, as the Syscalls pane does with its filter, H and p.
type globalKeyer interface {
	GlobalKeys() []key.Binding
}

// inputPane is implemented by a pane that can take the keyboard over, as
// the Syscalls pane does while its filter is typed: every key then goes to
// it, and its input line replaces the help at the bottom of the screen.
type inputPane interface {
	// Typing reports whether the pane has the keyboard.
	Typing() bool
	// InputLine renders what is being typed for the bottom line.
	InputLine() string
}

// paneID names a pane by its place in the root model's list, which is also
// the focus order and the number key that focuses it.
type paneID int

// The panes, in focus order.
const (
	paneSteps paneID = iota
	paneSource
	paneCalls
	paneDetail
	paneChanges
	paneTopology
	numPanes
)

// newPanes builds the panes, each with its own keys taken from com.keys.
func newPanes(com *common) [numPanes]Pane {
	return [numPanes]Pane{
		paneSteps:    newStepsPane(com),
		paneSource:   newSourcePane(com),
		paneCalls:    newCallsPane(com),
		paneDetail:   newDetailPane(com),
		paneChanges:  newChangesPane(com),
		paneTopology: newTopologyPane(com),
	}
}

// pageLines is how far page up and page down move in a pane of height h.
func pageLines(h int) int {
	if h > 2 {
		return h - 1
	}
	return 10
}

// wheelLines is how far one turn of the mouse wheel scrolls: 3 lines up
// or down, 0 for other buttons.
func wheelLines(ms tea.Mouse) int {
	switch ms.Button {
	case tea.MouseWheelUp:
		return -3
	case tea.MouseWheelDown:
		return 3
	}
	return 0
}
