package compare

import (
	"slices"

	"github.com/netexplore/netexplore/session"
)

// Attr is one attribute of a [Message]: its path in the decoded message
// and its normalised value.
type Attr struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Change is an attribute whose value differs between two messages that
// share their [Message.Key]. A is empty when only the second message has
// the attribute, B when only the first has it.
type Change struct {
	Name string `json:"name"`
	A    string `json:"a"`
	B    string `json:"b"`
}

// Changes lists the attributes of a and b whose values differ, in a's
// order, then those only b has.
func Changes(a, b []Attr) []Change {
	bv := make(map[string]string, len(b))
	for _, x := range b {
		bv[x.Name] = x.Value
	}
	inA := make(map[string]bool, len(a))
	var out []Change
	for _, x := range a {
		inA[x.Name] = true
		if v, ok := bv[x.Name]; !ok || v != x.Value {
			out = append(out, Change{Name: x.Name, A: x.Value, B: v})
		}
	}
	for _, x := range b {
		if !inA[x.Name] {
			out = append(out, Change{Name: x.Name, B: x.Value})
		}
	}
	return out
}

// Align aligns two message sequences like [Diff], then turns a message of
// A and one of B that share their key, in the same run of differences,
// into one [Changed] line that lists the attributes that differ. A
// message pairs with the first unpaired one of the other run with its
// key; the changed line takes the first run's place.
func Align(a, b []Message) []Line {
	lines := Diff(a, b)
	out := make([]Line, 0, len(lines))
	for i := 0; i < len(lines); {
		if lines[i].Op == Same {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].Op != Same {
			j++
		}
		out = append(out, pairBlock(lines[i:j])...)
		i = j
	}
	return out
}

// pairBlock pairs the messages of one run of differences.
func pairBlock(block []Line) []Line {
	used := make([]bool, len(block))
	out := make([]Line, 0, len(block))
	for i, l := range block {
		if used[i] {
			continue
		}
		if l.Op == OnlyA {
			for j := range block {
				if !used[j] && block[j].Op == OnlyB && block[j].B.Key == l.A.Key {
					used[j] = true
					l = Line{Op: Changed, A: l.A, B: block[j].B, Changes: Changes(l.A.Attrs, block[j].B.Attrs)}
					break
				}
			}
		}
		used[i] = true
		out = append(out, l)
	}
	return out
}

// StepDiff is one step of a comparison: the steps of A and of B that
// correspond (either may be missing) and their messages aligned.
type StepDiff struct {
	// Name is the step's ID, or what the two runs' steps stand for.
	Name string `json:"step"`
	// A and B are the runs' steps; either is empty when only one run has
	// the step.
	A []*session.Step `json:"-"`
	B []*session.Step `json:"-"`
	// Lines are the step's messages, aligned.
	Lines []Line `json:"-"`
}

// Differs reports whether the two runs do something different in the
// step, or only one of them has it.
func (d StepDiff) Differs() bool {
	if len(d.A) == 0 || len(d.B) == 0 {
		return true
	}
	return slices.ContainsFunc(d.Lines, func(l Line) bool { return l.Op != Same })
}

// Count returns how many of the step's lines have op.
func (d StepDiff) Count(op Op) int {
	n := 0
	for _, l := range d.Lines {
		if l.Op == op {
			n++
		}
	}
	return n
}

// Status names what a run did of the step: "ran", "skipped", "failed",
// "pending", or "absent" when the run has no such step.
func Status(sts []*session.Step) string {
	if len(sts) == 0 {
		return "absent"
	}
	for _, st := range sts {
		switch st.Status {
		case session.Failed:
			return "failed"
		case session.Pending, session.Running:
			return "pending"
		}
	}
	if slices.ContainsFunc(sts, func(st *session.Step) bool { return st.Status == session.Done }) {
		return "ran"
	}
	return "skipped"
}

// Result is the comparison of two runs, step by step.
type Result struct {
	// A and B name the runs.
	A, B string
	// Steps are the aligned steps, in order.
	Steps []StepDiff
}

// Differs reports whether the runs differ anywhere.
func (r Result) Differs() bool {
	return slices.ContainsFunc(r.Steps, StepDiff.Differs)
}

// Sessions compares two sessions: their steps are aligned by ID (a
// longest common subsequence, so steps only one run plans stay in their
// place), then each pair's messages with [Align]. A container's messages
// end where its command starts ([UntilWorkload]).
func Sessions(nameA string, a *session.Session, nameB string, b *session.Session) Result {
	res := Result{A: nameA, B: nameB}
	for _, p := range alignSteps(a.Steps, b.Steps) {
		d := StepDiff{Name: p.name}
		if p.a != nil {
			d.A = []*session.Step{p.a}
		}
		if p.b != nil {
			d.B = []*session.Step{p.b}
		}
		res.Steps = append(res.Steps, d)
	}
	res.alignMessages()
	return res
}

// alignMessages fills in every step's lines. Each step's messages are
// normalised afresh, per run: placeholders count from 1 in every step, so
// a step only one run has, or one that makes an extra interface, does not
// shift the numbers of the steps after it.
func (r *Result) alignMessages() {
	for i := range r.Steps {
		d := &r.Steps[i]
		d.Lines = Align(UntilWorkload(Extract(d.A, nil, nil), d.A), UntilWorkload(Extract(d.B, nil, nil), d.B))
	}
}

// stepPair is one entry of a step alignment.
type stepPair struct {
	name string
	a, b *session.Step
}

// alignSteps aligns two step lists on their IDs.
func alignSteps(a, b []*session.Step) []stepPair {
	ma := make([]Message, len(a))
	for i, st := range a {
		ma[i] = Message{Text: st.Info.ID, Step: i}
	}
	mb := make([]Message, len(b))
	for i, st := range b {
		mb[i] = Message{Text: st.Info.ID, Step: i}
	}
	var out []stepPair
	for _, l := range Diff(ma, mb) {
		p := stepPair{name: l.Message().Text}
		if l.Op != OnlyB {
			p.a = a[l.A.Step]
		}
		if l.Op != OnlyA {
			p.b = b[l.B.Step]
		}
		out = append(out, p)
	}
	return out
}
