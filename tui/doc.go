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
package tui
