package session

import (
	"fmt"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/netexplore/netexplore/internal/topology"
	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/steps"
)

// Status is a step's state in a walkthrough.
type Status string

// Step states.
const (
	Pending Status = "pending"
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Header describes a session: where and how it was recorded.
type Header struct {
	// Format is always "netexplore-session".
	Format string `json:"format"`
	// Version is the file format version (see FormatVersion).
	Version int `json:"version"`
	// Netexplore is the version of netexplore that recorded the session.
	Netexplore string `json:"netexplore"`
	// Kernel is the kernel release the session was recorded on.
	Kernel string `json:"kernel"`
	// Recorded is when recording began.
	Recorded time.Time `json:"recorded"`
	// Scenario names the plan that ran ("bridge" for Docker's default bridge).
	Scenario string `json:"scenario"`
	// Config is the configuration the plan was made from.
	Config steps.Config `json:"config"`
	// Unavailable lists probe hooks that could not be attached.
	Unavailable []string `json:"unavailable,omitempty"`
}

// Event is one captured event with its resolved stack and the source line
// in package steps that caused it.
type Event struct {
	event.Event
	// Frames is the resolved user stack, innermost first.
	Frames []analyze.Frame `json:"frames,omitempty"`
	// Origin is the first frame inside package steps: the line of the
	// walkthrough's code that made this call (for a helper process, the line
	// that started it). Nil when unknown.
	Origin *analyze.Frame `json:"origin,omitempty"`
}

// Step is one step of the plan and everything that happened while it ran.
type Step struct {
	// Index is the step's position in the plan.
	Index int `json:"index"`
	// Info is the plan's description of the step.
	Info steps.Step `json:"info"`
	// Source is the step function's source as it was when recorded.
	Source steps.Source `json:"source"`
	// Status is the step's state.
	Status Status `json:"status"`
	// Result is what the lab reported: error, changes, notes, commands.
	Result *steps.StepResult `json:"result,omitempty"`
	// Events are the events captured between the step's markers.
	Events []Event `json:"-"`
	// Start is the kernel monotonic time of the step's begin marker, which
	// event times are shown relative to; zero when unknown (the first
	// event's time is used then). It is written on the step's result line.
	Start time.Duration `json:"-"`

	records []analyze.Record
}

// Session is a whole walkthrough.
type Session struct {
	Header Header
	Steps  []*Step
	// Sources maps a repository-relative file name to its text, for every
	// file an event's origin points into.
	Sources map[string]string
	// Lost is the number of events the probe had to drop (always shown).
	Lost uint64
	// Outside counts events captured outside any step (the lab's own
	// snapshots), which are not part of the lesson.
	Outside int
	// Complete is true when the session ended normally (the end line was
	// read, or the live run finished).
	Complete bool
	// Stopped says why a session that is not Complete ends early, when the
	// recording said so: "interrupted during step 3/18 (setupDevice)".
	Stopped string
}

// EventCount returns the number of events in all steps.
func (s *Session) EventCount() int {
	n := 0
	for _, st := range s.Steps {
		n += len(st.Events)
	}
	return n
}

// Records returns the step's events decoded and paired, computed once.
func (st *Step) Records() []analyze.Record {
	if st.records != nil || len(st.Events) == 0 {
		return st.records
	}
	a := analyze.NewAnalyzer(nil)
	st.records = make([]analyze.Record, len(st.Events))
	for i := range st.Events {
		r := a.Analyze(st.Events[i].Event)
		r.Frames = st.Events[i].Frames
		st.records[i] = r
	}
	return st.records
}

// Offset returns how long after the step started its event i happened:
// after the begin marker, or after the first event when the session did
// not record the marker's time.
func (st *Step) Offset(i int) time.Duration {
	if i < 0 || i >= len(st.Events) {
		return 0
	}
	start := st.Start
	if start == 0 || start > st.Events[0].Time {
		start = st.Events[0].Time
	}
	return st.Events[i].Time - start
}

// FormatOffset renders a time since the step started the way every output
// shows it: "+1.234ms".
func FormatOffset(d time.Duration) string {
	return fmt.Sprintf("+%.3fms", float64(d)/float64(time.Millisecond))
}

// NetnsName names the network namespace whose inode is ino after the
// namespaces the steps' network states list ("host", "container1"), or
// returns "" when none does.
func (s *Session) NetnsName(ino uint32) string {
	if ino == 0 {
		return ""
	}
	for _, st := range s.Steps {
		if st.Result != nil {
			if name := st.Result.Network.NamespaceOf(uint64(ino)); name != "" {
				return name
			}
		}
	}
	return ""
}

// Netns describes an event's network namespace for a person: its name and
// inode ("host (4026532178)"), or the inode alone when it has no name.
func (s *Session) Netns(ino uint32) string {
	if ino == 0 {
		return "unknown"
	}
	if name := s.NetnsName(ino); name != "" {
		return fmt.Sprintf("%s (%d)", name, ino)
	}
	return fmt.Sprint(ino)
}

// Network returns the scenario's networks after step i, the state before
// step i, and whether step i recorded one of its own (see [topology.At]).
func (s *Session) Network(i int) (after, before *topology.Network, own bool) {
	if i >= len(s.Steps) {
		i = len(s.Steps) - 1
	}
	return topology.At(i, func(j int) *topology.Network {
		if r := s.Steps[j].Result; r != nil {
			return r.Network
		}
		return nil
	})
}

// AddEvent appends an event to the step, keeping Records current.
func (st *Step) AddEvent(e Event) {
	st.Events = append(st.Events, e)
	st.records = nil
}

// OriginOf returns the frame of the step code that made a call: the frame
// in the step's own function, whose symbol is stepFunc ([steps.Step.Symbol]),
// when there is one, so that the line lies in the source the learner is
// reading; else the innermost frame in the step function's package (code
// the step started on another thread, such as inside a container's
// namespace). The lab that runs the steps lives in a package of its own,
// so its frames are never an origin. The file is made
// repository-relative ("steps/device_linux.go").
func OriginOf(frames []analyze.Frame, stepFunc string) *analyze.Frame {
	pkg := packageOf(stepFunc)
	var inPkg *analyze.Frame
	for _, f := range frames {
		if f.File == "" || pkg == "" || !strings.HasPrefix(f.Func, pkg) {
			continue
		}
		f.File = RepoRelative(f.File)
		if f.Func == stepFunc {
			return &f
		}
		if inPkg == nil {
			inPkg = &f
		}
	}
	return inPkg
}

// packageOf returns the prefix that a function symbol shares with the
// other functions of its package: "github.com/netexplore/netexplore/steps."
// for "github.com/netexplore/netexplore/steps.setupDevice". It is "" for "".
func packageOf(symbol string) string {
	slash := strings.LastIndex(symbol, "/")
	dot := strings.Index(symbol[slash+1:], ".")
	if dot < 0 {
		return ""
	}
	return symbol[:slash+2+dot]
}

// RepoRelative shortens the path of a netexplore source file, as the
// binary records it (absolute, or module-relative with -trimpath), to its
// path in the repository ("steps/device_linux.go").
func RepoRelative(file string) string {
	for _, root := range sourceRoots() {
		if rel, ok := strings.CutPrefix(file, root); ok {
			return rel
		}
	}
	return file
}

// StepSummary is a one-line description of a finished step for progress
// displays.
func StepSummary(st *Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%2d %-30s %-8s %3d events", st.Index, st.Info.ID, st.Status, len(st.Events))
	if st.Result != nil && st.Result.Error != "" {
		fmt.Fprintf(&b, "  %s", st.Result.Error)
	}
	return b.String()
}

// sourceRoots returns the prefixes the binary's file names carry for the
// repository's root: the module's directory when it was built, worked out
// from where this package's own file was, and the module path that a
// -trimpath build writes instead.
var sourceRoots = sync.OnceValue(func() []string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Path == "" {
		return nil
	}
	mod := bi.Main.Path
	fn := runtime.FuncForPC(reflect.ValueOf(packageOf).Pointer())
	file, _ := fn.FileLine(fn.Entry())
	roots := []string{mod + "/"}
	if rel, ok := strings.CutPrefix(strings.TrimSuffix(packageOf(fn.Name()), "."), mod+"/"); ok {
		if dir, ok := strings.CutSuffix(path.Dir(file), "/"+rel); ok && dir+"/" != roots[0] {
			roots = append([]string{dir + "/"}, roots...)
		}
	}
	return roots
})
