package main

import (
	"flag"
	"fmt"
	"os"

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
// files and returns the function that applies it after parsing: the most
// a session may hold once decompressed (see session.Limit).
func addMemoryLimit(fs *flag.FlagSet) func() error {
	limit := fs.String("memory-limit", "256MiB", "the most a session file may hold once decompressed, as `SIZE` (256MiB, 1GiB)")
	return func() error {
		n, err := parseSize(*limit)
		if err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
		session.Limit = n
		return nil
	}
}
