package steps

import (
	"errors"
	"fmt"
	"time"

	"github.com/netexplore/netexplore/internal/topology"
)

// Phases group the steps by when dockerd performs them.
const (
	// PhaseDaemonStart steps run once when dockerd starts, before any
	// network exists.
	PhaseDaemonStart = "daemon start"
	// PhaseCreateNetwork steps are queued by the bridge driver's
	// createNetwork for one network (docker0 here).
	PhaseCreateNetwork = "createNetwork"
)

// Step is one thing Docker's bridge driver does to the kernel, in the order
// libnetwork does it.
type Step struct {
	// ID is the libnetwork name of the step, e.g. "setupDevice". Two steps
	// can share an ID: createNetwork queues setupDefaultSysctl twice for
	// docker0.
	ID string `json:"id"`
	// Phase is PhaseDaemonStart or PhaseCreateNetwork.
	Phase string `json:"phase"`
	// Title is a one-line summary for a step list.
	Title string `json:"title"`
	// Mirrors names the moby function and file this step reproduces.
	Mirrors string `json:"mirrors"`
	// Explanation tells a learner what Docker does here, why, and which
	// kernel code handles it.
	Explanation string `json:"explanation"`
	// KernelHandlers lists the kernel functions that serve the step's
	// requests, outermost first.
	KernelHandlers []string `json:"kernel_handlers,omitempty"`
	// Skipped is true when libnetwork would not queue (or could not run)
	// the step with this configuration.
	Skipped bool `json:"skipped,omitempty"`
	// SkipReason is the condition that is false, in libnetwork's terms.
	SkipReason string `json:"skip_reason,omitempty"`
	// Func is the name of the Go function in package steps that does the
	// work. [Plan] takes it from the function itself; a recorded session
	// keeps it.
	Func string `json:"func"`

	// code is the function that does the work, bound to the values it
	// works on: the step's link to its code.
	code code
}

// ErrSkipped is returned by [Step.Run] for a skipped step.
var ErrSkipped = errors.New("step is skipped")

// Run performs the step in env's network namespace.
func (s Step) Run(env *Env) error {
	if s.Skipped {
		return fmt.Errorf("%s: %w: %s", s.ID, ErrSkipped, s.SkipReason)
	}
	if s.code.run == nil {
		return fmt.Errorf("%s: no implementation", s.ID)
	}
	if env == nil {
		return fmt.Errorf("%s: no environment", s.ID)
	}
	return s.code.run(env)
}

// Symbol returns the full name of the step's Go function as the binary
// and its stack frames name it
// ("github.com/netexplore/netexplore/steps.setupDevice"), or "" for a step
// read back from a recording, which has no function.
func (s Step) Symbol() string {
	if fn := s.code.function(); fn != nil {
		return fn.Name()
	}
	return ""
}

// StepResult is what the lab reports after running one step.
type StepResult struct {
	// Step is the step's index in the plan.
	Step int `json:"step"`
	// ID repeats the step's ID.
	ID string `json:"id"`
	// Error is the step's error, empty on success.
	Error string `json:"error,omitempty"`
	// Skipped is true when the step was not run because the plan skips it.
	Skipped bool `json:"skipped,omitempty"`
	// Changes is the difference between the namespace's state before and
	// after the step.
	Changes []Change `json:"changes"`
	// Notes are remarks the step made while running (values it read,
	// decisions it took).
	Notes []string `json:"notes,omitempty"`
	// Commands are the helper programs the step ran, in order.
	Commands []CommandRun `json:"commands,omitempty"`
	// Duration is how long the step took, without the snapshots.
	Duration time.Duration `json:"duration_ns"`
	// Network is the shape of the scenario's networks after the step,
	// read from the same snapshot as Changes: what the topology pictures
	// draw. Nil for a skipped step and in sessions recorded before it
	// was kept.
	Network *topology.Network `json:"network,omitempty"`
}

// CommandRun records one helper program a step ran.
type CommandRun struct {
	// Args is the full argument vector, program path first.
	Args []string `json:"args"`
	// Stdin is what the step fed the program (the ruleset for nft).
	Stdin string `json:"stdin,omitempty"`
	// ExitCode is the program's exit status (-1 if it did not start).
	ExitCode int `json:"exit_code"`
	// Output is the program's combined stdout and stderr.
	Output string `json:"output,omitempty"`
}

// Change is one difference between two snapshots.
type Change struct {
	// Area is "link", "address", "route", "sysctl" or "firewall" for the
	// lab namespace; changes in another namespace of the scenario name it
	// in parentheses: "link (container1)", "neighbour (overlay A)".
	Area string `json:"area"`
	// Op is "added", "removed" or "changed".
	Op string `json:"op"`
	// Before and After are the readable lines; one is empty for added and
	// removed entries.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// String renders the change as a diff line.
func (c Change) String() string {
	switch c.Op {
	case "added":
		return fmt.Sprintf("+ %s: %s", c.Area, c.After)
	case "removed":
		return fmt.Sprintf("- %s: %s", c.Area, c.Before)
	}
	return fmt.Sprintf("~ %s: %s -> %s", c.Area, c.Before, c.After)
}
