package tui

import "charm.land/bubbles/v2/key"

// keyMap lists every key of the walkthrough. The help page (?) is built
// from it, so a binding that is not here does not exist.
type keyMap struct {
	// Walkthrough.
	Next, Back, All, Restart, Scenario key.Binding
	// Navigation.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	PrevStep, NextStep                      key.Binding
	Focus, FocusBack, Pane                  key.Binding
	// Syscalls and Detail.
	Toggle, Expand, Collapse, Pair, Filter, ClearFilter, Noise key.Binding
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
	k.Up = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "move up"))
	k.Down = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "move down"))
	k.PageUp = key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up"))
	k.PageDown = key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down"))
	k.Top = key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "go to top"))
	k.Bottom = key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "go to bottom"))
	k.PrevStep = key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous step"))
	k.NextStep = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next step"))
	k.Focus = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "focus next pane"))
	k.FocusBack = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "focus previous pane"))
	k.Pane = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "focus pane by number"))
	k.Toggle = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "expand/collapse field"))
	k.Expand = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "expand field"))
	k.Collapse = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "collapse field"))
	k.Pair = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "go to paired request/reply"))
	k.Filter = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter syscalls"))
	k.ClearFilter = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter / close help"))
	k.Noise = key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "hide/show peeks and forks"))
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
	filter := k.Filter
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
		{k.Focus, k.FocusBack, k.Pane, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Toggle, k.Expand, k.Collapse, k.Pair, k.Filter, k.ClearFilter, k.Noise},
		{k.Save, k.Help, k.Quit},
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
		return "Syscalls & Detail"
	}
	return "Session"
}
