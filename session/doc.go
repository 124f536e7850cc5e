// Package session holds what one walkthrough produced — the plan with each
// step's source and explanation, every captured event with its resolved
// stack, each step's kernel changes and the lost-event count — and reads and
// writes it as a session file.
//
// A session file is a gzip-compressed stream of JSON lines: a header line,
// then step, source, event and result lines in the order they happened, then
// an end line. It is written as the walkthrough runs, so an interrupted
// recording is detected as truncated rather than silently short. The format
// is documented in docs/session-format.md.
//
// One session model feeds the live TUI, replay and every export format.
package session
