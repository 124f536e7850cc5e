package derive

import (
	"slices"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
)

// recording is a run of Debian's dockerd 20.10 under the probe, with
// stacks, as session/live.RecordDockerd returns it: daemon start, image
// import, `docker network create mynet`, `docker run --rm -p 8080:80`,
// daemon stop.
const recording = "testdata/dockerd-20.10.nxs"

func derived(t *testing.T) *session.Session {
	t.Helper()
	rec, err := session.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	return Derive(rec, Options{DaemonVersion: "20.10.24+dfsg1"})
}

// find returns the steps with the given ID in a phase whose name contains
// phase.
func find(s *session.Session, phase, id string) []*session.Step {
	var out []*session.Step
	for _, st := range s.Steps {
		if st.Info.ID == id && strings.Contains(st.Info.Phase, phase) {
			out = append(out, st)
		}
	}
	return out
}

// summaries lists what a step's events did, decoded.
func summaries(st *session.Step) string {
	var out []string
	for _, r := range st.Records() {
		out = append(out, r.Decoded.Summary)
	}
	return strings.Join(out, "\n")
}

// execs lists the programs a step's helper processes ran.
func execs(st *session.Step) []string {
	var out []string
	for _, ev := range st.Events {
		if ev.Kind == event.KindExec {
			argv0, _, _ := strings.Cut(string(ev.Data), "\x00")
			out = append(out, argv0)
		}
	}
	return out
}

// The daemon's start and the network's creation yield libnetwork's bridge
// steps, with their traffic, and the container's run its endpoint's.
func TestDeriveFindsLibnetworkSteps(t *testing.T) {
	s := derived(t)
	for _, c := range []struct {
		phase, id, traffic string
	}{
		{"dockerd", "setupDevice", "RTM_NEWLINK"},
		{"dockerd", "setupBridgeIPv4", "RTM_NEWADDR"},
		{"dockerd", "setupDeviceUp", "RTM_NEWLINK"},
		{"network create", "setupDevice", "RTM_NEWLINK"},
		{"network create", "setupBridgeIPv4", "RTM_NEWADDR"},
		{"docker run", "CreateEndpoint", "RTM_NEWLINK"},
		{"docker run", "AddInterface", "RTM_NEWLINK"},
	} {
		steps := find(s, c.phase, c.id)
		if len(steps) == 0 {
			t.Errorf("no step %s during %q", c.id, c.phase)
			continue
		}
		var all []string
		for _, st := range steps {
			all = append(all, summaries(st))
		}
		if !strings.Contains(strings.Join(all, "\n"), c.traffic) {
			t.Errorf("step %s during %q has no %s:\n%s", c.id, c.phase, c.traffic, strings.Join(all, "\n"))
		}
	}
}

// iptables runs nested under the libnetwork call that started it: the
// daemon's chains at start, the network's rules at creation, and
// docker-proxy under the port's allocation.
func TestDeriveNestsHelpers(t *testing.T) {
	s := derived(t)
	for _, c := range []struct{ phase, id, program string }{
		{"dockerd", "setupIPChains", "iptables"},
		{"network create", "setupIPTables", "iptables"},
		{"docker run", "allocatePort", "docker-proxy"},
	} {
		var progs []string
		for _, st := range find(s, c.phase, c.id) {
			progs = append(progs, execs(st)...)
		}
		if !slices.ContainsFunc(progs, func(p string) bool { return p == c.program || strings.HasSuffix(p, "/"+c.program) }) {
			t.Errorf("step %s during %q ran %v, want %s among them", c.id, c.phase, progs, c.program)
		}
	}
	// No step is made of a helper's events alone: each begins with its
	// call in the daemon (the fork, or a call it made itself).
	for _, st := range s.Steps {
		if st.Events[0].Kind == event.KindExec || st.Events[0].Kind == event.KindExit {
			t.Errorf("step %d (%s) begins with a helper's %s", st.Index, st.Info.ID, st.Events[0].Kind)
		}
	}
}

// Every step names its function, file and why the code is not shown, and
// every event points at the function's file.
func TestDeriveSources(t *testing.T) {
	s := derived(t)
	if len(s.Steps) < 20 {
		t.Fatalf("only %d steps derived", len(s.Steps))
	}
	if s.Outside == 0 {
		t.Error("no event counted outside libnetwork (the CLI and containerd make some)")
	}
	for _, st := range s.Steps {
		src := st.Source
		if src.Func == "" || src.Text != "" || !strings.Contains(src.Missing, "20.10.24") {
			t.Errorf("step %d (%s): source %+v, want the function and why its text is missing", st.Index, st.Info.ID, src)
		}
		if !strings.HasPrefix(src.File, "github.com/docker/libnetwork/") || !strings.HasSuffix(src.File, ".go") {
			t.Errorf("step %d (%s) is in %q, want a file of libnetwork", st.Index, st.Info.ID, src.File)
		}
		for _, ev := range st.Events {
			if ev.Origin == nil || ev.Origin.File != src.File {
				t.Fatalf("step %d (%s): event %s points at %+v, want %s", st.Index, st.Info.ID, ev.Kind, ev.Origin, src.File)
			}
		}
	}
}

func TestAttribute(t *testing.T) {
	const lib = "github.com/docker/libnetwork/"
	frames := func(names ...string) []analyze.Frame {
		var out []analyze.Frame
		for _, n := range names {
			out = append(out, analyze.Frame{Func: n})
		}
		return out
	}
	for _, c := range []struct {
		frames []analyze.Frame
		want   string
	}{
		{frames("syscall.Syscall6", "github.com/vishvananda/netlink.LinkAdd", lib+"drivers/bridge.setupDevice", lib+"drivers/bridge.(*bridgeSetup).apply"),
			lib + "drivers/bridge.setupDevice"},
		{frames("os/exec.(*Cmd).Run", lib+"iptables.IPTable.Raw", lib+"iptables.IPTable.NewChain", lib+"drivers/bridge.setupIPChains"),
			lib + "drivers/bridge.setupIPChains"},
		{frames(lib+"iptables.detectIptables", lib+"iptables.initCheck"), lib + "iptables.detectIptables"},
		{frames(lib+"drivers/bridge.IsV6Listenable.func1", lib+"drivers/bridge.IsV6Listenable"), lib + "drivers/bridge.IsV6Listenable"},
		{frames(lib + "portallocator.glob..func1"), lib + "portallocator.glob..func1"},
		{frames("github.com/docker/docker/libnetwork/drivers/bridge.setupDevice"), "github.com/docker/docker/libnetwork/drivers/bridge.setupDevice"},
		{frames("github.com/docker/libnetworkx.F", "main.main"), ""},
	} {
		a, ok := Attribute(c.frames)
		if a.Func != c.want || ok != (c.want != "") {
			t.Errorf("Attribute(%v) = %q, %v; want %q", c.frames, a.Func, ok, c.want)
		}
	}
	a := Attribution{Func: lib + "drivers/bridge.(*driver).CreateEndpoint"}
	if a.Name() != "CreateEndpoint" || a.Short() != "bridge.(*driver).CreateEndpoint" {
		t.Errorf("Name, Short = %q, %q", a.Name(), a.Short())
	}
}
