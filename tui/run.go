package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
)

// Run runs the walkthrough in the terminal (alternate screen, mouse on) and
// returns when the user quits or ctx is cancelled. The terminal is restored
// on every exit, including errors, panics and Ctrl-C during a running step;
// a step still running is left to the caller, who stops the Driver.
func Run(ctx context.Context, opts Options) error {
	p := tea.NewProgram(New(opts), tea.WithContext(ctx))
	_, err := p.Run()
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled):
		return nil
	}
	return err
}
