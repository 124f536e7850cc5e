package tui

import (
	"fmt"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap lists every key of the walkthrough: the root model's own and,
// in Nav, Calls and Detail, the panes' (each pane is built with its part).
// The help page (?) is built from it, so a binding that is not here does
// not exist.
type keyMap struct {
	// Walkthrough.
	Next, Back, All, Restart, Scenario key.Binding
	PrevStep, NextStep                 key.Binding
	// Focus.
	Focus, FocusBack, Pane key.Binding
	// Nav moves inside the focused pane; every pane has these keys.
	Nav navKeys
	// The Source, Syscalls, Detail and Topology panes' own keys.
	Source sourceKeys
	Calls  callsKeys
	Detail detailKeys
	// Program.
	Save, Help, Quit key.Binding
	// The scenario picker (s, live mode): Up, Down, Top and Bottom move,
	// Choose starts the scenario, Close closes it.
	Choose, Close key.Binding

	// live is true when steps really run (a Driver is set); it only changes
	// the help texts.
	live bool
}

// defaultKeyMap returns the bindings; live selects the help texts of live
// mode (run) or replay mode (reveal).
func defaultKeyMap(live bool) keyMap {
	k := keyMap{live: live}
	if live {
		k.Next = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "run next step"))
		k.All = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "run all remaining steps"))
		k.Restart = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "restart: fresh namespace"))
		k.Back = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back (replay only)"))
		k.Scenario = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "switch scenario: fresh lab"))
	} else {
		k.Next = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "reveal next recorded step"))
		k.Back = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "step back (hide last step)"))
		k.All = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "reveal all steps"))
		k.Restart = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "start the replay over"))
		k.Scenario = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "how to see other scenarios"))
	}
	k.PrevStep = key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous step"))
	k.NextStep = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next step"))
	k.Focus = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "focus next pane"))
	k.FocusBack = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "focus previous pane"))
	var numbers []string
	for i := 1; i <= int(numPanes); i++ {
		numbers = append(numbers, strconv.Itoa(i))
	}
	k.Pane = key.NewBinding(key.WithKeys(numbers...), key.WithHelp(fmt.Sprintf("1-%d", numPanes), "focus pane by number"))
	k.Nav = defaultNavKeys()
	k.Source = defaultSourceKeys(k.Nav)
	k.Calls = defaultCallsKeys(k.Nav)
	k.Detail = defaultDetailKeys(k.Nav)
	k.Save = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "save the session"))
	k.Help = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
	k.Quit = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	k.Choose = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "start it in a fresh lab"))
	k.Close = key.NewBinding(key.WithKeys("esc", "s"), key.WithHelp("esc", "cancel"))
	return k
}

// ShortHelp implements help.KeyMap: the line at the bottom of the screen.
func (k keyMap) ShortHelp() []key.Binding {
	next := k.Next
	if k.live {
		next.SetHelp("n", "run next")
	} else {
		next.SetHelp("n", "next")
	}
	all := k.All
	all.SetHelp("a", "all")
	focus := k.Focus
	focus.SetHelp("tab", "focus")
	filter := k.Calls.Filter
	filter.SetHelp("/", "filter")
	b := []key.Binding{next}
	if !k.live {
		back := k.Back
		back.SetHelp("b", "back")
		b = append(b, back)
	}
	b = append(b, all)
	if k.live {
		scenario := k.Scenario
		scenario.SetHelp("s", "scenario")
		b = append(b, scenario)
	}
	return append(b, focus, filter, k.Help, k.Quit)
}

// pickerHelp is the bottom line while the scenario picker is open.
func (k keyMap) pickerHelp() []key.Binding {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
	return []key.Binding{move, k.Choose, k.Close, k.Quit}
}

// FullHelp implements help.KeyMap: the help page, one group per column.
func (k keyMap) FullHelp() [][]key.Binding {
	walk := []key.Binding{k.Next}
	if !k.live {
		walk = append(walk, k.Back)
	}
	walk = append(walk, k.All, k.Restart, k.Scenario, k.PrevStep, k.NextStep)
	return [][]key.Binding{
		walk,
		append([]key.Binding{k.Focus, k.FocusBack, k.Pane}, k.Nav.ShortHelp()...),
		append(append(k.Source.own(), k.Detail.own()...), k.Calls.own()...),
		{k.Save, compareKey, k.Help, k.Quit},
	}
}

// helpGroupName titles FullHelp group i on the help page.
func helpGroupName(i int) string {
	switch i {
	case 0:
		return "Walkthrough"
	case 1:
		return "Move"
	case 2:
		return "Source, Detail & Syscalls"
	}
	return "Session"
}

// navKeys move inside a pane: every pane's key map starts with them.
type navKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// moveCursor returns where the navigation key msg moves the cursor of a
// list of n items (unchanged for any other key).
func (k navKeys) moveCursor(msg tea.KeyPressMsg, cursor, n int) int {
	switch {
	case key.Matches(msg, k.Up):
		return clamp(cursor-1, 0, n-1)
	case key.Matches(msg, k.Down):
		return clamp(cursor+1, 0, n-1)
	case key.Matches(msg, k.Top, k.PageUp):
		return 0
	case key.Matches(msg, k.Bottom, k.PageDown):
		return n - 1
	}
	return cursor
}

func defaultNavKeys() navKeys {
	return navKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "move up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "move down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "go to top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "go to bottom")),
	}
}

// ShortHelp implements help.KeyMap.
func (k navKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// FullHelp implements help.KeyMap.
func (k navKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// delta returns how many lines msg moves in a pane that shows page lines
// at a time: 0 when it is not a movement key.
func (k navKeys) delta(msg tea.KeyPressMsg, page int) int {
	switch {
	case key.Matches(msg, k.Up):
		return -1
	case key.Matches(msg, k.Down):
		return 1
	case key.Matches(msg, k.PageUp):
		return -page
	case key.Matches(msg, k.PageDown):
		return page
	case key.Matches(msg, k.Top):
		return -1 << 30
	case key.Matches(msg, k.Bottom):
		return 1 << 30
	}
	return 0
}
