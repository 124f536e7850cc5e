package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/session"
)

// refreshInterval is how often a running step's new events are read.
const refreshInterval = 150 * time.Millisecond

// runStepCmd runs step i off the UI goroutine.
func runStepCmd(d Driver, i, gen int) tea.Cmd {
	return func() tea.Msg {
		return stepDoneMsg{step: i, gen: gen, err: d.RunStep(i)}
	}
}

// refreshCmd schedules the next read of a running step after d.
func refreshCmd(gen int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshMsg{gen: gen} })
}

// restartCmd discards the lab and starts a fresh one with scenario (empty:
// the current one) off the UI goroutine.
func restartCmd(d Driver, scenario string) tea.Cmd {
	return func() tea.Msg {
		s, err := d.Restart(scenario)
		return restartedMsg{scenario: scenario, sess: s, err: err}
	}
}

// saveCmd writes the session to path off the UI goroutine; a live session
// is written while the driver holds it still. A new file (fresh: a default
// name in the current directory, which anyone who can write there could
// predict) is created only where nothing is, never replacing a file or
// following a symlink planted there: when the name is taken, the next
// free one of path-2.nxs ... path-9.nxs is used.
func saveCmd(d Driver, s *session.Session, path string, fresh bool) tea.Cmd {
	return func() tea.Msg {
		var err error
		write := func(s *session.Session) {
			if !fresh {
				err = session.WriteFile(path, s)
				return
			}
			base := strings.TrimSuffix(path, ".nxs")
			for n := 1; n < 10; n++ {
				if n > 1 {
					path = fmt.Sprintf("%s-%d.nxs", base, n)
				}
				if err = writeNew(path, s); !errors.Is(err, fs.ErrExist) {
					return
				}
			}
		}
		if d != nil {
			d.View(write)
		} else {
			write(s)
		}
		return savedMsg{path: path, err: err}
	}
}

// writeNew writes s to path, which must not exist (safefile.CreateNew).
func writeNew(path string, s *session.Session) error {
	f, err := safefile.CreateNew(path, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := session.Write(f, s); err != nil {
		return err
	}
	return f.Commit()
}

// flashCmd returns a command that shows text on the bottom line.
func flashCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, isErr: isErr} }
}
