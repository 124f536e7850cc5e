package session

import (
	"fmt"
	"strings"
	"time"

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

// AddEvent appends an event to the step, keeping Records current.
func (st *Step) AddEvent(e Event) {
	st.Events = append(st.Events, e)
	st.records = nil
}

// stepsPackage is the import path prefix of frames inside package steps.
const stepsPackage = "github.com/netexplore/netexplore/steps."

// plumbingFiles are the files of package steps that run steps rather than
// being steps: a frame there is a helper (the exec wrapper, the runner
// loop), and the learner wants the step line that called it.
var plumbingFiles = map[string]bool{"steps/env.go": true, "steps/runner.go": true, "steps/step.go": true}

// OriginOf returns the frame of the step code that made a call: the frame
// in the step's own function stepFunc when there is one (so the line lies
// in the source the learner is reading), else the first frame in package
// steps outside its plumbing, else the first frame in package steps. The
// file is made repository-relative ("steps/device_linux.go").
func OriginOf(frames []analyze.Frame, stepFunc string) *analyze.Frame {
	var inSteps, fallback *analyze.Frame
	for _, f := range frames {
		if !strings.HasPrefix(f.Func, stepsPackage) || f.File == "" {
			continue
		}
		f.File = RepoRelative(f.File)
		switch {
		case stepFunc != "" && f.Func == stepsPackage+stepFunc:
			return &f
		case inSteps == nil && !plumbingFiles[f.File]:
			inSteps = &f
		case fallback == nil:
			fallback = &f
		}
	}
	if inSteps != nil {
		return inSteps
	}
	return fallback
}

// RepoRelative shortens an absolute build path of a netexplore source file
// to its path in the repository.
func RepoRelative(file string) string {
	if i := strings.LastIndex(file, "/steps/"); i >= 0 {
		return file[i+1:]
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
