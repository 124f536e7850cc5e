package tui

import (
	"github.com/netexplore/netexplore/internal/sanitize"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// A recorded session can hold any text, and the lab's results carry names
// the kernel reported. So every string the screen shows from a session
// enters the model made safe (package sanitize): control characters and
// escape sequences are shown as `\x1b`, and a string meant for one line
// (a title, a name) stays on it, so it can neither drive the terminal nor
// break a pane's borders. The session's text comes in through walk's
// accessors (stepAt, result, and the header and sources reload reads),
// which hand out the copies made here; an event's decoded text is made
// safe where its row (stepData.add) and its Detail tree are built.

// cleanStep returns a copy of st whose text is safe to show.
func cleanStep(st *session.Step) *session.Step {
	c := *st
	i := &c.Info
	i.ID, i.Phase, i.Title, i.Mirrors = sanitize.Line(i.ID), sanitize.Line(i.Phase), sanitize.Line(i.Title), sanitize.Line(i.Mirrors)
	i.SkipReason, i.Func = sanitize.Line(i.SkipReason), sanitize.Line(i.Func)
	i.Explanation = sanitize.Block(i.Explanation)
	i.KernelHandlers = cleanLines(i.KernelHandlers)
	c.Source.File, c.Source.Text = sanitize.Line(c.Source.File), sanitize.Block(c.Source.Text)
	return &c
}

// cleanResult returns a copy of r whose text is safe to show (nil for nil).
// The network keeps its names as recorded, since its links name each
// other by them: topology.Art shows them safely, and walk.netns cleans the
// namespace names it hands out.
func cleanResult(r *steps.StepResult) *steps.StepResult {
	if r == nil {
		return nil
	}
	c := *r
	c.ID, c.Error = sanitize.Line(c.ID), sanitize.Line(c.Error)
	c.Notes = cleanLines(c.Notes)
	c.Changes = make([]steps.Change, len(r.Changes))
	for i, ch := range r.Changes {
		c.Changes[i] = steps.Change{Area: sanitize.Line(ch.Area), Op: sanitize.Line(ch.Op), Before: sanitize.Line(ch.Before), After: sanitize.Line(ch.After)}
	}
	c.Commands = make([]steps.CommandRun, len(r.Commands))
	for i, cmd := range r.Commands {
		c.Commands[i] = steps.CommandRun{Args: cleanLines(cmd.Args), Stdin: sanitize.Block(cmd.Stdin), ExitCode: cmd.ExitCode, Output: sanitize.Block(cmd.Output)}
	}
	return &c
}

// cleanHeader returns h with its text safe to show.
func cleanHeader(h session.Header) session.Header {
	h.Netexplore, h.Kernel, h.Scenario = sanitize.Line(h.Netexplore), sanitize.Line(h.Kernel), sanitize.Line(h.Scenario)
	h.Unavailable = cleanLines(h.Unavailable)
	return h
}

// cleanSources returns the recorded source files with their text safe to
// show; the keys stay as recorded, since events name files by them.
func cleanSources(src map[string]string) map[string]string {
	c := make(map[string]string, len(src))
	for k, v := range src {
		c[k] = sanitize.Block(v)
	}
	return c
}

// cleanLines returns ss with each string kept to one line.
func cleanLines(ss []string) []string {
	if ss == nil {
		return nil
	}
	c := make([]string, len(ss))
	for i, s := range ss {
		c[i] = sanitize.Line(s)
	}
	return c
}
