package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/internal/topology"
	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/session"
)

func init() {
	register(Text, 4, false, func(w io.Writer, s *session.Session, o Options) error { return WriteText(w, s, o.Brief, o.Verbose) })
}

// WriteText writes the session in the strace-like text format of
// `netexplore trace`, with a header before each step. An event's "at" line
// is the step code that made the call (its origin) when known. brief
// prints one line per event; verbose prints every decoded tree and a hex
// dump.
//
// Every string from the session is shown safely (package sanitize): one
// that should fill one line is kept on it, and the whole text passes
// through a sanitize.Writer, so no escape sequence reaches a terminal.
func WriteText(w io.Writer, s *session.Session, brief, verbose bool) error {
	sw := sanitize.NewWriter(w)
	bw := bufio.NewWriter(sw)
	h := &s.Header
	line := sanitize.Line
	fmt.Fprintf(bw, "# netexplore session %q recorded %s by netexplore %s on Linux %s\n",
		h.Scenario, h.Recorded.UTC().Format("2006-01-02 15:04:05 MST"), line(h.Netexplore), line(h.Kernel))
	fmt.Fprintf(bw, "# %d steps, %d events, %d lost\n", len(s.Steps), s.EventCount(), s.Lost)
	if !s.Complete {
		why := "the session ends early"
		if s.Stopped != "" {
			why = s.Stopped
		}
		fmt.Fprintf(bw, "# the recording was interrupted: %s; the steps after it did not run\n", line(why))
	}
	for _, u := range h.Unavailable {
		fmt.Fprintf(bw, "# hook unavailable while recording, its events are missing: %s\n", line(u))
	}
	opts := analyze.TextOptions{Brief: brief, Verbose: verbose}
	for _, st := range s.Steps {
		fmt.Fprintf(bw, "\n== Step %d/%d  %s — %s  [%s]\n", st.Index+1, len(s.Steps), line(st.Info.ID), line(st.Info.Title), st.Status)
		fmt.Fprintf(bw, "   mirrors: %s\n", line(st.Info.Mirrors))
		switch {
		case st.Source.Text == "" && st.Source.Func != "":
			fmt.Fprintf(bw, "   source:  %s in %s (%s)\n", line(st.Source.Func), line(st.Source.File), line(st.Source.Missing))
		case st.Source.File != "":
			fmt.Fprintf(bw, "   source:  %s:%d-%d\n", line(st.Source.File), st.Source.StartLine, st.Source.EndLine)
		}
		if len(st.Info.KernelHandlers) > 0 {
			fmt.Fprintf(bw, "   kernel:  %s\n", line(strings.Join(st.Info.KernelHandlers, " → ")))
		}
		if st.Status == session.Skipped {
			fmt.Fprintf(bw, "   skipped: %s\n", line(st.Info.SkipReason))
			continue
		}
		if st.Result != nil && st.Result.Error != "" {
			fmt.Fprintf(bw, "   error:   %s\n", line(st.Result.Error))
		}
		fmt.Fprintf(bw, "   events:  %d (each: its number, the time since the step started, its network namespace)\n\n", len(st.Events))
		recs := st.Records()
		for i := range recs {
			r := recs[i]
			if o := st.Events[i].Origin; o != nil {
				r.Frames = []analyze.Frame{*o}
			}
			fmt.Fprintf(bw, "#%d %s netns %s ", i+1, session.FormatOffset(st.Offset(i)), line(s.Netns(r.Event.NetNS)))
			if err := analyze.WriteText(bw, &r, opts); err != nil {
				return fmt.Errorf("writing text: %w", err)
			}
		}
		if st.Result != nil && len(st.Result.Changes) > 0 {
			fmt.Fprintln(bw, "\n   changes:")
			for _, c := range st.Result.Changes {
				fmt.Fprintf(bw, "     %s\n", line(c.String()))
			}
		}
		if after, before, own := s.Network(st.Index); own {
			fmt.Fprintln(bw, "\n   network after this step (+ added, ~ changed by it):")
			for _, l := range topology.Art(after, topology.Compare(before, after), textArtWidth) {
				fmt.Fprintf(bw, "     %s\n", strings.TrimRight(l.String(), " "))
			}
		}
	}
	if err := errors.Join(bw.Flush(), sw.Flush()); err != nil {
		return fmt.Errorf("writing text: %w", err)
	}
	return nil
}

// textArtWidth is the width of the network pictures of the text export,
// which indents them by five columns.
const textArtWidth = 74
