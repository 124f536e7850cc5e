package main

import (
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
