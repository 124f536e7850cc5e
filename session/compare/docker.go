package compare

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// DockerPair is one part of the real Docker daemon's script (package
// internal/dockerd) and the steps of a netexplore scenario that re-enact
// it with --docker-version 20.10.
type DockerPair struct {
	// Name says what is compared: "daemon start".
	Name string
	// Real is the script step's ID in the real daemon's session.
	Real string
	// Scenario is the re-enacting scenario.
	Scenario string
	// Select picks the scenario's steps that re-enact the script step.
	Select func([]*session.Step) []*session.Step
}

// DockerPairs lists what the real daemon's script does and which
// netexplore steps do the same, in the script's order.
func DockerPairs() []DockerPair {
	inPhases := func(phases ...string) func([]*session.Step) []*session.Step {
		return keep(func(st *session.Step) bool { return slices.Contains(phases, st.Info.Phase) })
	}
	from := func(first, last string) func([]*session.Step) []*session.Step {
		return func(sts []*session.Step) []*session.Step {
			var out []*session.Step
			in := false
			for _, st := range sts {
				in = in || st.Info.ID == first
				if in {
					out = append(out, st)
				}
				if st.Info.ID == last {
					in = false
				}
			}
			return out
		}
	}
	return []DockerPair{
		{"daemon start", dockerd.StepStart, steps.ScenarioJoin, inPhases(steps.PhaseDaemonStart, steps.PhaseCreateNetwork)},
		{"docker run -p 8080:80", dockerd.StepPublishRun, steps.ScenarioJoin, from("CreateEndpoint (createVeth)", "runc: OCI sysctls")},
		{"docker network create", dockerd.StepBridgeNetwork, steps.ScenarioUserBridge, inPhases(steps.PhaseNetworkCreate)},
		{"docker run --network mynet", dockerd.StepBridgeRun, steps.ScenarioUserBridge,
			keep(func(st *session.Step) bool { return strings.HasPrefix(st.Info.ID, "container joins br-") })},
		{"docker network create -d macvlan", dockerd.StepMacvlanNetwork, steps.ScenarioMacvlan,
			keep(func(st *session.Step) bool {
				return st.Info.Phase == steps.PhaseNetworkCreate || st.Info.ID == "arrangeUserFilterRule"
			})},
		{"docker run --network macnet", dockerd.StepMacvlanRun, steps.ScenarioMacvlan, from("Join (createMacVlan)", "runc: OCI sysctls")},
	}
}

// keep returns a step selector that keeps the steps f accepts.
func keep(f func(*session.Step) bool) func([]*session.Step) []*session.Step {
	return func(sts []*session.Step) []*session.Step {
		var out []*session.Step
		for _, st := range sts {
			if f(st) {
				out = append(out, st)
			}
		}
		return out
	}
}

// UntilWorkload cuts a real container's messages where the container's
// command starts: what follows is its life and its removal (--rm), which
// netexplore does not re-enact.
func UntilWorkload(msgs []Message, sts []*session.Step) []Message {
	for _, st := range sts {
		for _, r := range st.Records() {
			if r.Event.Kind == event.KindExec && r.Event.Comm == "runc:[2:INIT]" {
				return slices.DeleteFunc(msgs, func(m Message) bool { return m.Seq > r.Event.Seq })
			}
		}
	}
	return msgs
}

// RealDocker compares the real daemon's session (A) with the sessions of
// the scenarios that re-enact it (B, by scenario name), one step per
// [DockerPair]. A pair whose script step or scenario is missing has the
// side that is there only.
func RealDocker(nameA string, real *session.Session, nameB string, labs map[string]*session.Session) Result {
	res := Result{A: nameA, B: nameB}
	byID := map[string]*session.Step{}
	for _, st := range real.Steps {
		byID[st.Info.ID] = st
	}
	for _, p := range DockerPairs() {
		d := StepDiff{Name: p.Name}
		if st := byID[p.Real]; st != nil {
			d.A = []*session.Step{st}
		}
		if lab := labs[p.Scenario]; lab != nil {
			d.B = p.Select(lab.Steps)
		}
		res.Steps = append(res.Steps, d)
	}
	res.alignMessages()
	return res
}

// Explain returns, for every difference of r that an allowance covers,
// the allowance's name, keyed by step index and line index. sideA and
// sideB are the names the allowances give the runs.
func (r Result) Explain(allow []Allowance, sideA, sideB string) map[[2]int]string {
	out := map[[2]int]string{}
	for i, d := range r.Steps {
		for j, l := range d.Lines {
			for _, diff := range Differences(d.Name, sideA, sideB, []Line{l}) {
				for _, a := range allow {
					if a.Covers(diff) {
						out[[2]int{i, j}] = a.Name
					}
				}
			}
		}
	}
	return out
}

// RealDockerScenarios are the scenarios [DockerPairs] needs.
func RealDockerScenarios() []string {
	var out []string
	for _, p := range DockerPairs() {
		if !slices.Contains(out, p.Scenario) {
			out = append(out, p.Scenario)
		}
	}
	return out
}

// DockerAllowlist returns the differences between the real dockerd 20.10
// and the re-enactment that are known, with their reasons: the allowlist
// TestRealDocker2010 holds the two to. Its runs are named "real" and
// "netexplore".
func DockerAllowlist() []Allowance {
	allow, err := ParseAllowlist(strings.NewReader(dockerAllowlist))
	if err != nil {
		panic(fmt.Sprintf("the built-in allowlist: %v", err)) // caught by the tests
	}
	return allow
}

//go:embed testdata/docker-20.10.allow
var dockerAllowlist string
