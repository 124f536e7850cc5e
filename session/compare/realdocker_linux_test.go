package compare_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/compare"
	"github.com/netexplore/netexplore/session/live"
	"github.com/netexplore/netexplore/steps"
)

// allowlistFile lists the differences between the real Docker 20.10 and
// `netexplore run --docker-version 20.10` that the test accepts.
const allowlistFile = "testdata/docker-20.10.allow"

// pair is one part of the real daemon's script and the netexplore steps
// that re-enact it.
type pair struct {
	name     string
	real     string                   // the script step
	scenario string                   // the netexplore scenario
	steps    func(*session.Step) bool // which of its steps
}

// TestRealDocker2010 runs Debian's dockerd 20.10 through its script under
// the probe, and `netexplore run --docker-version 20.10` of the scenarios
// that re-enact it, and compares them message by message: rtnetlink
// requests, socket ioctls, /proc/sys writes and the network helpers'
// command lines. Every difference must be in the allowlist, and every
// allowlist entry must still be needed.
func TestRealDocker2010(t *testing.T) {
	tools := requireDocker(t)
	f, err := os.Open(allowlistFile)
	if err != nil {
		t.Fatal(err)
	}
	allow, err := compare.ParseAllowlist(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}

	begin := time.Now()
	real, _, err := live.RecordDockerd(context.Background(), live.DockerdOptions{Run: dockerd.Config{Tools: &tools}, Version: "test", NoStacks: true})
	if err != nil {
		t.Fatalf("the real Docker run: %v", err)
	}
	t.Logf("the real Docker run took %.1fs, %d events, %d lost", time.Since(begin).Seconds(), real.EventCount(), real.Lost)
	labs := map[string]*session.Session{}
	for _, sc := range []string{steps.ScenarioJoin, steps.ScenarioUserBridge, steps.ScenarioMacvlan} {
		begin := time.Now()
		labs[sc] = runLab(t, sc)
		t.Logf("netexplore run --docker-version 20.10 --scenario %s took %.1fs", sc, time.Since(begin).Seconds())
	}
	if real.Lost != 0 {
		t.Errorf("the probe lost %d events of the real run", real.Lost)
	}

	inPhases := func(phases ...string) func(*session.Step) bool {
		return func(st *session.Step) bool { return slices.Contains(phases, st.Info.Phase) }
	}
	from := func(first, last string) func(*session.Step) bool {
		in := false
		return func(st *session.Step) bool {
			if st.Info.ID == first {
				in = true
			}
			keep := in
			if st.Info.ID == last {
				in = false
			}
			return keep
		}
	}
	pairs := []pair{
		{"daemon start", dockerd.StepStart, steps.ScenarioJoin, inPhases(steps.PhaseDaemonStart, steps.PhaseCreateNetwork)},
		{"docker run -p 8080:80", dockerd.StepPublishRun, steps.ScenarioJoin, from("CreateEndpoint (createVeth)", "runc: OCI sysctls")},
		{"docker network create", dockerd.StepBridgeNetwork, steps.ScenarioUserBridge, inPhases(steps.PhaseNetworkCreate)},
		{"docker run --network mynet", dockerd.StepBridgeRun, steps.ScenarioUserBridge,
			func(st *session.Step) bool { return strings.HasPrefix(st.Info.ID, "container joins br-") }},
		{"docker network create -d macvlan", dockerd.StepMacvlanNetwork, steps.ScenarioMacvlan,
			func(st *session.Step) bool {
				return st.Info.Phase == steps.PhaseNetworkCreate || st.Info.ID == "arrangeUserFilterRule"
			}},
		{"docker run --network macnet", dockerd.StepMacvlanRun, steps.ScenarioMacvlan, from("Join (createMacVlan)", "runc: OCI sysctls")},
	}
	var diffs []compare.Difference
	for _, p := range pairs {
		realMsgs := untilWorkload(compare.Extract(stepsNamed(t, real, func(st *session.Step) bool { return st.Info.ID == p.real }), nil, nil),
			stepsNamed(t, real, func(st *session.Step) bool { return st.Info.ID == p.real }))
		labMsgs := compare.Extract(stepsNamed(t, labs[p.scenario], p.steps), nil, nil)
		lines := compare.Diff(realMsgs, labMsgs)
		d := compare.Differences(p.name, "real", "netexplore", lines)
		t.Logf("%s: %d messages from the real daemon, %d from netexplore, %d differences", p.name, len(realMsgs), len(labMsgs), len(d))
		if len(d) > 0 {
			t.Logf("%s (- the real daemon only, + netexplore only):\n%s", p.name, compare.Report(lines, 2))
		}
		diffs = append(diffs, d...)
	}
	unexplained, unused := compare.Check(diffs, allow)
	for _, d := range unexplained {
		t.Errorf("not in %s: %s", allowlistFile, d)
	}
	for _, a := range unused {
		t.Errorf("%s: [%s] no longer occurs: remove it", allowlistFile, a.Name)
	}
}

// stepsNamed returns the steps of s that keep accepts, failing the test if
// none does or one of them failed.
func stepsNamed(t *testing.T, s *session.Session, keep func(*session.Step) bool) []*session.Step {
	t.Helper()
	var out []*session.Step
	for _, st := range s.Steps {
		if keep(st) {
			if st.Status == session.Failed {
				t.Errorf("%s: step %s failed: %s", s.Header.Scenario, st.Info.ID, st.Result.Error)
			}
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no step selected", s.Header.Scenario)
	}
	return out
}

// untilWorkload cuts a real container's messages where the container's
// command starts: what follows is its life and its removal (--rm), which
// netexplore does not re-enact.
func untilWorkload(msgs []compare.Message, sts []*session.Step) []compare.Message {
	for _, st := range sts {
		for _, r := range st.Records() {
			if r.Event.Kind == event.KindExec && r.Event.Comm == "runc:[2:INIT]" {
				return slices.DeleteFunc(msgs, func(m compare.Message) bool { return m.Seq > r.Event.Seq })
			}
		}
	}
	return msgs
}

// runLab runs `netexplore run --docker-version 20.10 --scenario sc` under
// the probe and returns its session.
func runLab(t *testing.T, sc string) *session.Session {
	t.Helper()
	cfg := steps.DefaultConfig()
	cfg.Scenario, cfg.DockerVersion = sc, steps.Docker2010
	cfg.SettleDefaults(func(flag string) bool { return flag == "docker-version" })
	r, err := live.Start(context.Background(), live.Options{Config: cfg, Scenario: sc, Version: "test", NoStacks: true})
	if err != nil {
		t.Fatal(err)
	}
	runErr := r.RunAll(nil)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	s := r.Session()
	for _, st := range s.Steps {
		if st.Status == session.Failed {
			t.Fatalf("--scenario %s: step %s failed: %s", sc, st.Info.ID, st.Result.Error)
		}
	}
	if s.Lost != 0 {
		t.Errorf("--scenario %s: %d events lost", sc, s.Lost)
	}
	return s
}

// requireDocker skips (or fails, under NETEXPLORE_REQUIRE_PRIVILEGED=1) a
// test that needs root and Debian's docker.io, and returns the daemon's
// tools.
func requireDocker(t *testing.T) dockerd.Tools {
	t.Helper()
	testutil.RequirePrivileged(t)
	for name, pkg := range map[string]string{"dockerd": "docker.io", "containerd": "containerd", "runc": "runc", "busybox": "busybox-static", "iptables": "iptables"} {
		testutil.RequireCommand(t, name, pkg)
	}
	tools, err := dockerd.Check("")
	if err != nil {
		if os.Getenv(testutil.RequirePrivilegedEnv) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return tools
}
