package dockerd

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/marker"
	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/probe"
)

// traceRun runs cfg's steps under a fresh probe, started through
// probe.StartTraced as netexplore starts traced commands, and returns the
// decoded records and the run's last report.
func traceRun(t *testing.T, cfg Config) ([]analyze.Record, Report) {
	t.Helper()
	p, err := probe.Open(probe.Options{})
	if err != nil {
		t.Fatalf("opening the probe: %v", err)
	}
	defer p.Close()
	argv, err := Argv(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pipes := newRunPipes(t)
	tr, err := probe.StartTraced(argv, nil, pipes.outW, pipes.errW)
	reports := pipes.started(nil)
	if err != nil {
		t.Fatalf("StartTraced: %v", err)
	}
	if err := p.Follow(tr.PID()); err != nil {
		tr.Abort()
		t.Fatal(err)
	}
	if err := tr.Release(); err != nil {
		t.Fatal(err)
	}
	type capture struct {
		events []event.Event
		err    error
	}
	captured := make(chan capture, 1)
	go func() {
		var c capture
		for {
			e, err := p.Read()
			if err != nil {
				if !errors.Is(err, probe.ErrDrained) {
					c.err = err
				}
				break
			}
			c.events = append(c.events, e)
		}
		captured <- c
	}()
	status, err := tr.Wait()
	all := <-reports
	if err != nil || status != 0 || len(all) == 0 {
		t.Fatalf("the traced run exited with %d, %v:\n%s", status, err, pipes.stderr)
	}
	if err := p.Drain(); err != nil {
		t.Fatal(err)
	}
	c := <-captured
	if c.err != nil {
		t.Fatalf("reading the probe: %v", c.err)
	}
	evs := c.events
	if lost, _, err := p.Lost(); err != nil || lost != 0 {
		t.Errorf("the probe lost %d events (%v)", lost, err)
	}
	a := analyze.NewAnalyzer(nil)
	recs := make([]analyze.Record, len(evs))
	for i, e := range evs {
		recs[i] = a.Analyze(e)
	}
	return recs, all[len(all)-1]
}

// TestRealDockerUnderProbe traces a run from its first instruction and
// checks that the capture holds what the real daemon is known to send
// (shared/reference/real-docker-20.10-comparison.txt): docker0 created with
// RTM_NEWLINK kind bridge, accept_ra written, iptables executed, a veth
// pair for the container, all from dockerd's own threads, each inside its
// step's markers.
func TestRealDockerUnderProbe(t *testing.T) {
	tools := requireDocker(t)
	before := takeFootprint(t)
	begin := time.Now()
	recs, last := traceRun(t, Config{Tools: &tools, Steps: []string{StepPublishRun}})
	t.Logf("the traced run took %.1fs and captured %d events", time.Since(begin).Seconds(), len(recs))
	if last.Phase != PhaseDone || last.Error != "" || last.Result == nil {
		t.Fatalf("last report %+v, want a successful done", last)
	}
	plan, _ := Plan([]string{StepPublishRun})

	// dockerd is the process that executed the daemon (the run's tools are
	// known, so nothing else runs it, not even for --version).
	dockerdPID := uint32(0)
	for _, r := range recs {
		if r.Event.Kind == event.KindExec && filepath.Base(r.Decoded.Path) == "dockerd" {
			dockerdPID = r.Event.PID
			break
		}
	}
	if dockerdPID == 0 {
		t.Fatal("no exec of dockerd captured")
	}

	// Which step each event belongs to, from the markers.
	step := -1
	stepOf := make([]int, len(recs))
	byKind := map[string]int{}
	threads := map[uint32]int{}
	daemon := map[uint32]bool{dockerdPID: true} // dockerd itself
	children := map[uint32]bool{}               // the programs it starts
	for i, r := range recs {
		if r.Event.Kind == event.KindFork && r.Event.PPID == dockerdPID {
			children[r.Event.PID] = true
		}
		if r.Event.Kind == event.KindMarker {
			n, phase, _ := marker.Parse(uint32(r.Event.Args[0]))
			if phase == marker.Begin {
				step = n
			} else {
				step = -1
			}
		}
		stepOf[i] = step
		byKind[r.Event.Kind.String()]++
		if r.Event.PID == dockerdPID {
			threads[r.Event.TID]++
		}
	}
	t.Logf("events by kind: %s", countList(byKind))
	t.Logf("dockerd (pid %d): %d events from %d threads", dockerdPID, sum(threads), len(threads))

	// find returns the first record of a process in from that matches, and
	// the step it happened in.
	find := func(what string, from map[uint32]bool, match func(r *analyze.Record) bool) (*analyze.Record, string) {
		t.Helper()
		for i := range recs {
			if from[recs[i].Event.PID] && match(&recs[i]) {
				name := "no step"
				if s := stepOf[i]; s >= 0 && s < len(plan) {
					name = plan[s].Name
				}
				t.Logf("%-42s #%d in %s: %s", what, recs[i].Event.Seq, name, recs[i].Decoded.Summary)
				return &recs[i], name
			}
		}
		t.Errorf("no %s by dockerd captured", what)
		return nil, ""
	}
	newlink := func(prefix, kind string) func(r *analyze.Record) bool {
		return func(r *analyze.Record) bool {
			if r.Event.Kind != event.KindSend {
				return false
			}
			for _, m := range r.Decoded.Netlink {
				if strings.HasPrefix(m.Summary, "RTM_NEWLINK "+prefix) {
					f, ok := event.Find(m.Fields, "IFLA_INFO_KIND")
					return ok && strings.Contains(f.Value, kind)
				}
			}
			return false
		}
	}
	if _, in := find("RTM_NEWLINK docker0 kind=bridge", daemon, newlink("docker0", "bridge")); in != "" && in != StepStart {
		t.Errorf("docker0 was created in step %s, want %s", in, StepStart)
	}
	find("write of accept_ra", daemon, func(r *analyze.Record) bool {
		return r.Event.Kind == event.KindWrite && strings.HasSuffix(r.Decoded.Path, "/accept_ra")
	})
	find("exec of iptables", children, func(r *analyze.Record) bool {
		return r.Event.Kind == event.KindExec && len(r.Decoded.Argv) > 0 && filepath.Base(r.Decoded.Argv[0]) == "iptables"
	})
	if _, in := find("RTM_NEWLINK veth kind=veth", daemon, newlink("veth", "veth")); in != "" && in != StepPublishRun {
		t.Errorf("the container's veth pair was created in step %s, want %s", in, StepPublishRun)
	}
	if _, in := find("exec of docker-proxy", children, func(r *analyze.Record) bool {
		return r.Event.Kind == event.KindExec && filepath.Base(r.Decoded.Path) == "docker-proxy"
	}); in != "" && in != StepPublishRun {
		t.Errorf("docker-proxy started in step %s, want %s", in, StepPublishRun)
	}
	if len(threads) < 2 {
		t.Errorf("events from %d of dockerd's threads, want its Go threads (several)", len(threads))
	}
	markers := byKind[event.KindMarker.String()]
	if markers != 2*len(plan) {
		t.Errorf("%d step markers, want %d (begin and end of %d steps)", markers, 2*len(plan), len(plan))
	}
	requireNoLeftovers(t, before, 10*time.Second)
}

// countList renders counts as "name=n" sorted by decreasing count.
func countList(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, counts[k])
	}
	return strings.Join(parts, " ")
}

func sum(m map[uint32]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
