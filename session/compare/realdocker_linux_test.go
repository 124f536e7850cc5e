package compare_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/internal/testutil"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/compare"
	"github.com/netexplore/netexplore/session/live"
	"github.com/netexplore/netexplore/steps"
)

// allowlistFile lists the differences between the real Docker 20.10 and
// `netexplore run --docker-version 20.10` that the test accepts.
const allowlistFile = "testdata/docker-20.10.allow"

// saveDockerEnv names the variable that, when set to a path, makes
// TestRealDocker2010 save the real daemon's session there, once it has
// been compared: `make recordings-docker` records the built-in
// recording of the real dockerd 20.10 that way.
const saveDockerEnv = "NETEXPLORE_SAVE_DOCKER"

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

	var diffs []compare.Difference
	for _, p := range compare.DockerPairs() {
		realSteps := stepsNamed(t, real, func(sts []*session.Step) []*session.Step {
			return slices.DeleteFunc(slices.Clone(sts), func(st *session.Step) bool { return st.Info.ID != p.Real })
		})
		realMsgs := compare.UntilWorkload(compare.Extract(realSteps, nil, nil), realSteps)
		labMsgs := compare.Extract(stepsNamed(t, labs[p.Scenario], p.Select), nil, nil)
		lines := compare.Diff(realMsgs, labMsgs)
		d := compare.Differences(p.Name, "real", "netexplore", lines)
		t.Logf("%s: %d messages from the real daemon, %d from netexplore, %d differences", p.Name, len(realMsgs), len(labMsgs), len(d))
		if len(d) > 0 {
			t.Logf("%s (- the real daemon only, + netexplore only):\n%s", p.Name, compare.Report(lines, 2))
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
	if path := os.Getenv(saveDockerEnv); path != "" && !t.Failed() {
		if err := session.WriteFile(path, real); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved the real Docker run to %s", path)
	}
}

// stepsNamed returns the steps of s that sel selects, failing the test if
// none is or one of them failed.
func stepsNamed(t *testing.T, s *session.Session, sel func([]*session.Step) []*session.Step) []*session.Step {
	t.Helper()
	out := sel(s.Steps)
	for _, st := range out {
		if st.Status == session.Failed {
			t.Errorf("%s: step %s failed: %s", s.Header.Scenario, st.Info.ID, st.Result.Error)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no step selected", s.Header.Scenario)
	}
	return out
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
