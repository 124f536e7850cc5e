// Package derive turns a recording of the real Docker daemon into a
// walkthrough whose steps are libnetwork's own functions: each event is
// attributed to the innermost libnetwork function on the daemon's
// captured stack (bridge.setupDevice, setupBridgeIPv4, setupIPChains,
// (*driver).CreateEndpoint, ...), and consecutive events with the same
// attribution form a step. A helper program the daemon starts (iptables,
// docker-proxy, the libnetwork re-executions) belongs to the call that
// started it: the fork event carries the daemon's stack, and every event
// of the child and its descendants goes where the fork went.
//
// The names come from the daemon's own symbol table (its pclntab, read by
// package trace/analyze), so the steps are found, not written: a newer
// daemon yields its own steps.
package derive

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// libnetworkRoots are the import paths libnetwork lived at: its own
// repository up to Docker 20.10, inside moby's from Docker 23.
var libnetworkRoots = []string{"github.com/docker/libnetwork", "github.com/docker/docker/libnetwork"}

// utilityPackages are libnetwork's packages of tools that every part
// uses: a call that goes through them is attributed to the libnetwork
// function that called them (setupIPChains rather than iptables.Raw),
// unless the stack holds nothing else of libnetwork.
var utilityPackages = []string{"iptables", "ns", "netutils", "types", "portallocator", "portmapper",
	"ipamutils", "netlabel", "options", "nlwrap", "internal", "resolvconf"}

// Attribution is the libnetwork function an event is attributed to.
type Attribution struct {
	// Func is the function's full symbol, closures folded into the
	// function that holds them:
	// "github.com/docker/libnetwork/drivers/bridge.setupDevice".
	Func string
	// Frame is the stack frame the function was found in: its file and
	// the line of the call.
	Frame analyze.Frame
}

// Name is the function's name without its package and receiver:
// "setupDevice", "CreateEndpoint". It is the derived step's ID, the name
// the re-enacted steps use too.
func (a Attribution) Name() string {
	short := a.Short()
	if i := strings.LastIndex(short, "."); i >= 0 {
		return short[i+1:]
	}
	return short
}

// Short is the function's symbol from its package's last element on:
// "bridge.setupDevice", "bridge.(*driver).CreateEndpoint".
func (a Attribution) Short() string {
	slash := strings.LastIndex(a.Func, "/")
	return a.Func[slash+1:]
}

// libnetworkPackage returns the package within libnetwork of a function
// symbol ("drivers/bridge", "" for the root package), and whether the
// symbol is libnetwork's at all.
func libnetworkPackage(fn string) (string, bool) {
	for _, root := range libnetworkRoots {
		rest, ok := strings.CutPrefix(fn, root)
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "."):
			return "", true
		case strings.HasPrefix(rest, "/"):
			pkg, _, _ := strings.Cut(rest[1:], ".")
			return pkg, true
		}
	}
	return "", false
}

// isUtility reports whether a libnetwork package is one of the shared
// tools (or below one).
func isUtility(pkg string) bool {
	for _, u := range utilityPackages {
		if pkg == u || strings.HasPrefix(pkg, u+"/") {
			return true
		}
	}
	return false
}

// foldClosure names a closure after the function that holds it:
// "bridge.IsV6Listenable.func1" -> "bridge.IsV6Listenable". The closures
// of package-level variables ("glob..func1") keep their names.
func foldClosure(fn string) string {
	for {
		i := strings.LastIndex(fn, ".func")
		if i < 0 || strings.HasSuffix(fn[:i], ".") || strings.Trim(fn[i+len(".func"):], "0123456789.") != "" {
			return fn
		}
		fn = fn[:i]
	}
}

// Attribute returns the libnetwork function a stack (innermost frame
// first) belongs to: the innermost frame of a libnetwork package that is
// not a shared tool, else the innermost libnetwork frame at all.
func Attribute(frames []analyze.Frame) (Attribution, bool) {
	var first *analyze.Frame
	for i := range frames {
		pkg, ok := libnetworkPackage(frames[i].Func)
		if !ok {
			continue
		}
		if !isUtility(pkg) {
			return Attribution{Func: foldClosure(frames[i].Func), Frame: frames[i]}, true
		}
		if first == nil {
			first = &frames[i]
		}
	}
	if first != nil {
		return Attribution{Func: foldClosure(first.Func), Frame: *first}, true
	}
	return Attribution{}, false
}

// Options describe the recording being derived.
type Options struct {
	// DaemonVersion is the daemon's version ("20.10.24+dfsg1"), for the
	// steps' texts.
	DaemonVersion string
	// Missing says why the libnetwork source is not shown, for every
	// step; empty means a default sentence naming the version.
	Missing string
}

// Derive returns a session with rec's header and events whose steps are
// derived from the events' stacks. rec's steps are the phases the events
// happened in (one per scripted action: "docker network create mynet");
// the derived steps keep them as their phase. Events outside libnetwork
// (the CLI, containerd, runc, the daemon's other work) belong to no step
// and are counted in the result's Outside.
func Derive(rec *session.Session, opts Options) *session.Session {
	out := &session.Session{
		Header: rec.Header, Sources: map[string]string{}, Lost: rec.Lost, Outside: rec.Outside,
		Complete: rec.Complete, Stopped: rec.Stopped,
	}
	missing := opts.Missing
	if missing == "" {
		missing = fmt.Sprintf("moby's source for Docker %s is not at hand (the names and files come from dockerd's symbol table)", opts.DaemonVersion)
	}
	helperOf := map[uint32]Attribution{} // helper process -> the call that started it
	last := map[string]*session.Step{}   // phase and function -> its latest step
	var cur *session.Step
	for _, phase := range rec.Steps {
		for _, ev := range phase.Events {
			a, helper, ok := attribute(&ev, helperOf)
			if !ok {
				out.Outside++
				continue
			}
			key := phaseName(phase) + "\x00" + a.Func
			st := cur
			switch {
			case cur != nil && cur.Source.Func == a.Func && cur.Info.Phase == phaseName(phase):
			case helper && last[key] != nil:
				// A helper that outlives its call (docker-proxy, a slow
				// iptables) stays nested under it.
				st = last[key]
			default:
				st = newStep(len(out.Steps), a, phase, missing, opts.DaemonVersion)
				out.Steps = append(out.Steps, st)
				last[key] = st
				cur = st
			}
			origin := a.Frame
			origin.File = sourcePath(origin.File)
			ev.Origin = &origin
			if st.Start == 0 {
				st.Start = ev.Time
			}
			st.AddEvent(ev)
			st.Result.Duration = max(st.Result.Duration, ev.Time-st.Start)
		}
	}
	for _, st := range out.Steps {
		st.Result.Notes = append(st.Result.Notes, helperNotes(st)...)
	}
	return out
}

// attribute finds an event's libnetwork function: that of the call that
// started its process, for a helper, else its own stack's (a fork's stack
// is the parent's). helper is true for the events of a helper process
// after its fork. It records the helpers that forks start.
func attribute(ev *session.Event, helperOf map[uint32]Attribution) (a Attribution, helper, ok bool) {
	e := &ev.Event
	if e.Kind == event.KindFork {
		a, ok := helperOf[e.PPID]
		if !ok {
			a, ok = Attribute(ev.Frames)
		}
		if ok {
			helperOf[e.PID] = a
		}
		return a, false, ok
	}
	if a, ok := helperOf[e.PID]; ok {
		if e.Kind == event.KindExit {
			delete(helperOf, e.PID)
		}
		return a, true, true
	}
	a, ok = Attribute(ev.Frames)
	return a, false, ok
}

// phaseName is the phase a derived step shows: the scripted action it
// happened during.
func phaseName(phase *session.Step) string {
	if phase.Info.Title != "" {
		return phase.Info.Title
	}
	return phase.Info.ID
}

// newStep is an empty derived step for function a.
func newStep(index int, a Attribution, phase *session.Step, missing, version string) *session.Step {
	file := sourcePath(a.Frame.File)
	where := a.Func
	if file != "" {
		where += " (" + file + ")"
	}
	return &session.Step{
		Index: index,
		Info: steps.Step{
			ID: a.Name(), Phase: phaseName(phase), Title: a.Short(),
			Mirrors: where,
			Explanation: fmt.Sprintf("What the real dockerd %s did in libnetwork's %s while `%s` ran: "+
				"every call whose innermost libnetwork frame (past libnetwork's shared tools such as its iptables "+
				"and netlink wrappers) is this function, with the helper programs it started.", version, a.Short(), phaseName(phase)),
		},
		Source: steps.Source{File: file, StartLine: a.Frame.Line, EndLine: a.Frame.Line, Func: a.Func, Missing: missing},
		Status: session.Done,
		Result: &steps.StepResult{Step: index, ID: a.Name(), Changes: []steps.Change{}},
	}
}

// sourcePath shortens a file the daemon was built from to its import
// path: "/build/.../src/github.com/docker/libnetwork/drivers/bridge/setup_device.go"
// becomes "github.com/docker/libnetwork/drivers/bridge/setup_device.go".
func sourcePath(file string) string {
	if i := strings.LastIndex(file, "/src/"); i >= 0 {
		return file[i+len("/src/"):]
	}
	if i := strings.Index(file, "github.com/"); i >= 0 {
		return file[i:]
	}
	return file
}

// helperNotes lists the command lines of the helper programs a step ran,
// from its exec events.
func helperNotes(st *session.Step) []string {
	var notes []string
	for _, ev := range st.Events {
		if ev.Kind == event.KindExec && len(ev.Data) > 0 {
			argv := strings.Split(strings.TrimRight(string(ev.Data), "\x00"), "\x00")
			notes = append(notes, "helper: "+strings.Join(argv, " "))
		}
	}
	return notes
}
