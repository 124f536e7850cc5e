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
// The screen has six panes, numbered in every title by the key that
// focuses them — 1 Steps, 2 Source, 3 Syscalls, 4 Detail, 5 Changes,
// 6 Topology — and a status line. From 140x36 each has a box of its own.
// From 100x30 the layout is stacked: Steps on the left, Source above and
// the Syscalls pane below on the right (Detail, Changes and Topology are
// further tabs of the bottom box), so a call and the line of Go that made
// it are always on screen together. Below that the content panes share
// one box as tabs, and a hint line says so.
//
// Selecting a step selects its first call, and the Source pane always
// brings the line that made the selected call into view, marked ▶.
//
// Each pane is a component with its own file, state and keys, behind the
// small [Pane] interface (pane.go): steps.go, source.go, calls.go (the
// Syscalls pane), detail.go, changes.go and topology.go. The root [Model] is split by
// concern — model.go (state, New), update.go (routing and the walkthrough's
// actions), view.go and layout.go (placing the panes), keys.go, styles.go,
// msgs.go and cmds.go — and keeps the session, the layout, the focus and
// the list of panes. It handles its own keys and forwards every other
// message to the panes; what they share (the theme, the session as shown)
// they read from one common struct that only the root writes, and the
// selection reaches them as messages.
package tui
