// Package tui is netexplore's interactive walkthrough: a Bubble Tea program
// that shows Docker's bridge setup one step at a time, with the step's
// annotated source, the syscalls it made, each message decoded down to its
// bytes, and what changed in the kernel.
//
// The package only renders a session model ([session.Session]); it never
// talks to the kernel itself. In live mode a [Driver] runs the steps and
// updates the session in place; in replay mode the recorded steps are
// revealed one by one. Both are the same code path.
//
// The screen has five panes — Steps, Source, Syscalls, Detail, Changes —
// and a status line. At 200x60 they are all visible at once; below about
// 140x36 the Steps pane stays on the left and the other four share the
// right side as tabs.
//
// Each pane is a component with its own file, state and keys, behind the
// small [Pane] interface (pane.go): steps.go, source.go, calls.go (the
// Syscalls pane), detail.go and changes.go. The root [Model] is split by
// concern — model.go (state, New), update.go (routing and the walkthrough's
// actions), view.go and layout.go (placing the panes), keys.go, styles.go,
// msgs.go and cmds.go — and keeps the session, the layout, the focus and
// the list of panes. It handles its own keys and forwards every other
// message to the panes; what they share (the theme, the session as shown)
// they read from one common struct that only the root writes, and the
// selection reaches them as messages.
package tui
