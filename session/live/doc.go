// Package live runs a walkthrough for real: it loads the probe, starts the
// lab in its own network namespace, runs the plan's steps there one at a
// time and builds the [session.Session] from what the probe saw, each event
// attributed to the step whose markers enclose it.
//
// It is the only part of the session model that needs the kernel (root,
// the eBPF probe); the session package itself reads, writes and exports
// sessions without it, so the TUI and replay never load a probe.
package live
