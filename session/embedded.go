package session

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/steps"
)

// recorded holds the sessions built into netexplore: one walkthrough of
// each scenario, recorded on a real kernel with `netexplore record` (see
// `make recordings`). They let replay, the docs and the tests work on any
// machine, without root.
//
// A file is named after its scenario, recorded/SCENARIO.nxs, for the
// Docker behaviour the steps mirror by default; a recording of the steps
// as another Docker release performs them is recorded/SCENARIO@VERSION.nxs
// (recorded/bridge@20.10.nxs, say).
//
// recorded/real/NAME.nxs are recordings of the real Docker daemon
// (recorded/real/docker-20.10.nxs: Debian's dockerd 20.10 through the
// script of package internal/dockerd; recorded/real/docker-20.10-libnetwork.nxs:
// the same daemon under `netexplore docker`; see `make recordings-docker`).
//
//go:embed recorded/*.nxs recorded/real/*.nxs
var recorded embed.FS

// RealDocker names the built-in recording of the real Docker daemon that
// `compare --builtin` compares: one step per command of its script.
const RealDocker = "docker-20.10"

// RealDockerSteps names the built-in recording of the real Docker daemon
// that `replay --docker` opens: made by `netexplore docker`, its steps are
// the libnetwork functions found on dockerd's own stacks.
const RealDockerSteps = "docker-20.10-libnetwork"

// EmbeddedName describes the built-in recording of Docker's default bridge
// in messages.
const EmbeddedName = "built-in recording of Docker's default bridge"

// Recording is one session built into netexplore.
type Recording struct {
	// Scenario is the scenario it walks through ("bridge", "join", ...).
	Scenario string
	// DockerVersion is the Docker release whose steps it follows, empty
	// for the default (the behaviour the steps mirror unless told
	// otherwise).
	DockerVersion string
	// File is its path in the repository: session/recorded/join.nxs.
	File string
	// Real is set for a recording of the real Docker daemon, whose steps
	// are its script's, not a scenario's (Scenario is then empty).
	Real bool
}

// ID is the recording's name on the command line: its file's base name
// without .nxs ("join", "join@20.10", "docker-20.10").
func (r Recording) ID() string { return strings.TrimSuffix(path.Base(r.File), ".nxs") }

// Name describes the recording in messages: "built-in recording of the
// join scenario".
func (r Recording) Name() string {
	if r.Real {
		if v, ok := strings.CutSuffix(r.ID(), "-libnetwork"); ok {
			return "built-in recording of the real " + strings.Replace(v, "-", "d ", 1) + ", steps by libnetwork function"
		}
		return "built-in recording of the real " + strings.Replace(r.ID(), "-", "d ", 1)
	}
	if r.Scenario == steps.ScenarioBridge && r.DockerVersion == "" {
		return EmbeddedName
	}
	s := "built-in recording of the " + r.Scenario + " scenario"
	if r.DockerVersion != "" {
		s += " as Docker " + r.DockerVersion + " performs it"
	}
	return s
}

// Open reads the recording.
func (r Recording) Open() (*Session, error) {
	b, err := recorded.ReadFile(strings.TrimPrefix(r.File, "session/"))
	if err != nil {
		return nil, err
	}
	s, err := Read(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.File, err)
	}
	return s, nil
}

// Recordings lists the built-in recordings in the order of
// [steps.Scenarios], each scenario's default one before those of other
// Docker releases.
func Recordings() []Recording {
	entries, _ := recorded.ReadDir("recorded")
	var out []Recording
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".nxs")
		if !ok {
			continue
		}
		scenario, version, _ := strings.Cut(name, "@")
		out = append(out, Recording{Scenario: scenario, DockerVersion: version, File: path.Join("session/recorded", e.Name())})
	}
	order := map[string]int{}
	for i, s := range steps.Scenarios() {
		order[s.Name] = i
	}
	slices.SortStableFunc(out, func(a, b Recording) int {
		if oa, ob := order[a.Scenario], order[b.Scenario]; oa != ob {
			return oa - ob
		}
		return strings.Compare(a.DockerVersion, b.DockerVersion)
	})
	return out
}

// RealRecordings lists the built-in recordings of the real Docker daemon,
// by name.
func RealRecordings() []Recording {
	entries, _ := recorded.ReadDir("recorded/real")
	var out []Recording
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".nxs") {
			out = append(out, Recording{File: path.Join("session/recorded/real", e.Name()), Real: true})
		}
	}
	return out
}

// Lookup returns the built-in recording named name (see [Recording.ID]):
// a scenario's, a scenario's as another Docker release performs it, or
// the real daemon's.
func Lookup(name string) (Recording, error) {
	all := append(Recordings(), RealRecordings()...)
	var have []string
	for _, r := range all {
		if r.ID() == name {
			return r, nil
		}
		have = append(have, r.ID())
	}
	return Recording{}, fmt.Errorf("no built-in recording named %q: there are %s", name, strings.Join(have, ", "))
}

// Builtin returns the built-in recording of scenario (empty: Docker's
// default bridge) with Docker's default behaviour.
func Builtin(scenario string) (Recording, error) {
	if scenario == "" {
		scenario = steps.ScenarioBridge
	}
	var have []string
	for _, r := range Recordings() {
		if r.Scenario == scenario && r.DockerVersion == "" {
			return r, nil
		}
		if r.DockerVersion == "" {
			have = append(have, r.Scenario)
		}
	}
	return Recording{}, fmt.Errorf("no built-in recording of scenario %q: there are %s", scenario, strings.Join(have, ", "))
}

// Embedded returns the built-in recording of Docker's default bridge.
func Embedded() (*Session, error) {
	r, err := Builtin(steps.ScenarioBridge)
	if err != nil {
		return nil, err
	}
	return r.Open()
}
