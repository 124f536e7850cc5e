package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/netexplore/netexplore/session"
)

// keepPartial decides what to do with a session file that was read with
// an error. A file damaged after its header still holds the steps before
// the damage: those are shown, after one line on standard error saying
// what is missing. Anything else is an error.
func keepPartial(s *session.Session, err error) (*session.Session, error) {
	if err == nil {
		return s, nil
	}
	if s == nil || len(s.Steps) == 0 {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "netexplore: %v; showing the %d steps and %d events read before it\n", err, len(s.Steps), s.EventCount())
	if s.Stopped == "" {
		s.Stopped = err.Error()
	}
	return s, nil
}

// addMemoryLimit registers --memory-limit on a command that reads session
// files and returns the function that applies it after parsing. The limit
// is for the whole process: the Go heap is held to what netexplore's own
// binary and runtime leave of it (outsideHeap), and a session may
// decompress to a quarter of that heap (session.Limit), since its events
// and their decoded records take up to three and a half times their text
// in memory once exported (measured on a gzip bomb of repeated netlink
// events: text, jsonl and markdown exports of 256 MiB of text peaked at
// 0.6 to 0.9 GiB).
func addMemoryLimit(fs *flag.FlagSet) func() error {
	limit := fs.String("memory-limit", "256MiB", "the most memory reading and showing a session may take, as `SIZE` (256MiB, 1GiB); netexplore itself takes about 32MiB of it, and a session may decompress to a quarter of the rest")
	return func() error {
		n, err := parseSize(*limit)
		if err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
		heap := max(n-outsideHeap, n/2)
		session.Limit = heap / sessionShare
		debug.SetMemoryLimit(heap)
		return nil
	}
}

// sessionShare is how many times its decompressed size a session may take
// in memory once read and exported.
const sessionShare = 4
