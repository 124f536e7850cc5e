package dockerd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/netexplore/netexplore/internal/marker"
)

// Config says which daemon to run and which steps of [Script] to take. The
// fields without a json:"-" tag travel to a re-executed run as JSON.
type Config struct {
	// Tools are the programs to use, as found by [Check]. Nil means the
	// run calls Check itself (with Dockerd); a caller that checks first
	// gets the error before anything starts, and spares the run the
	// `--version` calls.
	Tools *Tools `json:"tools,omitempty"`
	// Dockerd is the daemon's path when Tools is nil; empty means dockerd in
	// PATH or in /usr/sbin.
	Dockerd string `json:"dockerd,omitempty"`
	// Steps names the steps of [Script] to take, in the script's order;
	// the steps they need, and the daemon's start and stop, are taken as
	// well. Empty means every step.
	Steps []string `json:"steps,omitempty"`
	// StartTimeout bounds the wait for the daemon's API; 0 means
	// [DefaultStartTimeout].
	StartTimeout time.Duration `json:"start_timeout,omitempty"`
	// CgroupParent is the cgroup the daemon puts its containers under.
	// Empty means /netexplore-dockerd-<pid of the calling process>; a
	// re-executed run names it after its init process, which removes it
	// whatever happens to the run.
	CgroupParent string `json:"cgroup_parent,omitempty"`
	// Verbose copies the daemon's log to the standard error of a
	// re-executed run.
	Verbose bool `json:"verbose,omitempty"`
	// Log receives the daemon's log as it runs (its tail is kept in any
	// case, for error messages).
	Log io.Writer `json:"-"`
	// Hook is called right before and right after each step.
	Hook Hook `json:"-"`
}

// DefaultStartTimeout is how long a run waits for the daemon's API to
// answer: it usually takes about three seconds.
const DefaultStartTimeout = 60 * time.Second

// Hook marks step boundaries: it is called with [marker.Begin] and a nil
// result right before step index runs, and with [marker.End] and the
// step's result right after it returned. [Mark] issues the probe's marker
// syscall for it.
type Hook func(index int, step Step, phase marker.Phase, res *StepResult)

// Step is one scripted action of a run.
type Step struct {
	// Name identifies the step ("daemon-start", "bridge-run", ...).
	Name string `json:"name"`
	// Command is what the step does, written as the command line a person
	// would type.
	Command string `json:"command"`
	// Needs names the steps that must have run before this one.
	Needs []string `json:"needs,omitempty"`
	// do performs the step and returns its output.
	do func(r *runner, ctx context.Context) (string, error)
}

// The names the script uses inside Docker and the namespace. They match the
// re-enacted scenarios of package steps, so that both send the same names.
const (
	imageName      = "busybox"
	userNetwork    = "mynet"
	macvlanNetwork = "macnet"
	macvlanParent  = "eth0"
	macvlanPeer    = "lan0"
)

// Step names of [Script].
const (
	StepStart          = "daemon-start"
	StepImage          = "image-import"
	StepBridgeNetwork  = "bridge-network"
	StepBridgeRun      = "bridge-run"
	StepPublishRun     = "publish-run"
	StepMacvlanParent  = "macvlan-parent"
	StepMacvlanNetwork = "macvlan-network"
	StepMacvlanRun     = "macvlan-run"
	StepStop           = "daemon-stop"
)

// Script returns every step a run can take, in order. Containers are kept
// short-lived: `true`, `sleep 3` (long enough to see docker-proxy, even on
// a busy machine), or one `ip` call that shows the address the container
// got.
func Script() []Step {
	showAddr := []string{"ip", "-o", "-4", "addr", "show", "dev", "eth0"}
	return []Step{
		{Name: StepStart, Command: "dockerd --config-file daemon.json --data-root data --exec-root exec -H unix://docker.sock " +
			"--pidfile docker.pid --storage-driver vfs --cgroup-parent /netexplore-dockerd-<pid>", do: (*runner).startDaemon},
		{Name: StepImage, Command: "tar -c bin/busybox bin/sh ... | docker import - " + imageName, do: (*runner).importImage},
		dockerStep(StepBridgeNetwork, nil, "network", "create", userNetwork),
		dockerStep(StepBridgeRun, []string{StepImage, StepBridgeNetwork},
			append([]string{"run", "--rm", "--network", userNetwork, imageName}, showAddr...)...),
		dockerStep(StepPublishRun, []string{StepImage}, "run", "--rm", "--network", "bridge", "-p", "8080:80", imageName, "sleep", "3"),
		{Name: StepMacvlanParent, Command: "ip link add " + macvlanParent + " type veth peer name " + macvlanPeer +
			" && ip link set " + macvlanParent + " up && ip link set " + macvlanPeer + " up", do: (*runner).makeMacvlanParent},
		dockerStep(StepMacvlanNetwork, []string{StepMacvlanParent}, "network", "create", "-d", "macvlan",
			"--subnet", "192.168.100.0/24", "--gateway", "192.168.100.1", "-o", "parent="+macvlanParent, macvlanNetwork),
		dockerStep(StepMacvlanRun, []string{StepImage, StepMacvlanNetwork},
			append([]string{"run", "--rm", "--network", macvlanNetwork, imageName}, showAddr...)...),
		{Name: StepStop, Command: "kill -TERM $(cat docker.pid)", do: (*runner).stopDaemon},
	}
}

// dockerStep is a step that runs the Docker CLI with args.
func dockerStep(name string, needs []string, args ...string) Step {
	return Step{Name: name, Command: "docker " + strings.Join(args, " "), Needs: needs,
		do: func(r *runner, ctx context.Context) (string, error) { return r.docker(ctx, nil, args...) }}
}

// Plan returns the steps of [Script] that a run with the given step names
// takes, in order: the named ones, the ones they need, and always the
// daemon's start and stop. No names means every step.
func Plan(names []string) ([]Step, error) {
	script := Script()
	if len(names) == 0 {
		return script, nil
	}
	byName := map[string]Step{}
	for _, s := range script {
		byName[s.Name] = s
	}
	want := map[string]bool{StepStart: true, StepStop: true}
	var add func(string) error
	add = func(name string) error {
		s, ok := byName[name]
		if !ok {
			return fmt.Errorf("no step %q in the real Docker script: choose from %s", name, strings.Join(stepNames(script), ", "))
		}
		want[name] = true
		for _, n := range s.Needs {
			if err := add(n); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range names {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(script, func(s Step) bool { return !want[s.Name] }), nil
}

// stepNames lists the names of steps.
func stepNames(steps []Step) []string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Name
	}
	return names
}

// StepResult is what one step did.
type StepResult struct {
	// Index is the step's position in the run (its marker number).
	Index int `json:"index"`
	// Name and Command are the step's, from [Script].
	Name    string `json:"name"`
	Command string `json:"command"`
	// Output is what the step printed (the CLI's combined output).
	Output string `json:"output,omitempty"`
	// Error says why the step failed; empty when it succeeded.
	Error string `json:"error,omitempty"`
	// Duration is how long the step took.
	Duration time.Duration `json:"duration"`
	// Links are the network devices of the run's namespace after the step,
	// listed after its end marker (so not in the step's end report).
	Links []string `json:"links,omitempty"`
	// Helpers are the command lines of the daemon's helper processes
	// (docker-proxy, containerd shims) seen while the step ran.
	Helpers []string `json:"helpers,omitempty"`
}

// Result is what a whole run did.
type Result struct {
	// Version is the daemon's version, e.g. "20.10.24+dfsg1".
	Version string `json:"version"`
	// Steps holds one result per step taken, in order.
	Steps []StepResult `json:"steps"`
	// Duration is the run's wall time, cleanup included.
	Duration time.Duration `json:"duration"`
}

// Step returns the result of the step called name, if it was taken.
func (r *Result) Step(name string) (StepResult, bool) {
	for _, s := range r.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return StepResult{}, false
}

// Report phases.
const (
	// PhaseBegin reports that a step starts.
	PhaseBegin = "begin"
	// PhaseEnd reports a step's result.
	PhaseEnd = "end"
	// PhaseDone is the last line of a run.
	PhaseDone = "done"
)

// Report is one JSON line that a re-executed run writes to its standard
// output: one at each step's begin and end, and a last one when the run is
// done.
type Report struct {
	// Phase is [PhaseBegin], [PhaseEnd] or [PhaseDone].
	Phase string `json:"phase"`
	// Index and Name identify the step (begin and end).
	Index int    `json:"index,omitempty"`
	Name  string `json:"name,omitempty"`
	// Step is the step's result (end).
	Step *StepResult `json:"step,omitempty"`
	// Result is the whole run's result (done).
	Result *Result `json:"result,omitempty"`
	// Error says why the run failed (done); empty when it succeeded.
	Error string `json:"error,omitempty"`
}

// ReadReports decodes the report lines of a re-executed run from r and
// calls fn with each, until r ends. Lines that are not reports are skipped.
func ReadReports(r io.Reader, fn func(Report)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var rep Report
		if json.Unmarshal(sc.Bytes(), &rep) == nil && rep.Phase != "" {
			fn(rep)
		}
	}
	return sc.Err()
}
