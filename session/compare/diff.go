package compare

import (
	"fmt"
	"strings"
)

// Op says where an aligned line comes from.
type Op int

// Alignment operations.
const (
	Same    Op = iota // in both runs
	OnlyA             // in the first run only
	OnlyB             // in the second run only
	Changed           // in both runs, with attributes that differ (see Align)
)

// String names the operation as reports and JSON spell it.
func (o Op) String() string {
	switch o {
	case Same:
		return "same"
	case OnlyA:
		return "only-a"
	case OnlyB:
		return "only-b"
	case Changed:
		return "changed"
	}
	return "?"
}

// Line is one entry of an alignment: a message of the first run (A), of
// the second (B), or of both.
type Line struct {
	Op   Op
	A, B Message // A is set unless Op is OnlyB, B unless Op is OnlyA
	// Changes are the attributes that differ, for Changed.
	Changes []Change
}

// Message returns the line's message: the first run's, unless only the
// second has it.
func (l Line) Message() Message {
	if l.Op == OnlyB {
		return l.B
	}
	return l.A
}

// Diff aligns two message sequences on their kind and text: the longest
// common subsequence is matched, everything else belongs to one run only.
// Among alignments of the same length it prefers to report a run's extra
// messages where they occur, not shifted past equal ones.
func Diff(a, b []Message) []Line {
	key := func(m Message) string { return m.Kind + "\x00" + m.Text }
	n, m := len(a), len(b)
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case key(a[i]) == key(b[j]):
				lcs[i][j] = lcs[i+1][j+1] + 1
			case lcs[i+1][j] >= lcs[i][j+1]:
				lcs[i][j] = lcs[i+1][j]
			default:
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	var out []Line
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case key(a[i]) == key(b[j]):
			out = append(out, Line{Op: Same, A: a[i], B: b[j]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, Line{Op: OnlyA, A: a[i]})
			i++
		default:
			out = append(out, Line{Op: OnlyB, B: b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{Op: OnlyA, A: a[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{Op: OnlyB, B: b[j]})
	}
	return out
}

// Difference is a message one run has and the other has not.
type Difference struct {
	// Pair names what was compared (e.g. "daemon start").
	Pair string
	// Side names the run that has the message.
	Side string
	// Message is the message.
	Message Message
}

// String renders the difference for a report.
func (d Difference) String() string {
	return fmt.Sprintf("%s: only %s: %s", d.Pair, d.Side, d.Message)
}

// Differences returns the lines of an alignment that are in one run only,
// as differences of pair, naming the runs nameA and nameB.
func Differences(pair, nameA, nameB string, lines []Line) []Difference {
	var out []Difference
	for _, l := range lines {
		switch l.Op {
		case OnlyA:
			out = append(out, Difference{Pair: pair, Side: nameA, Message: l.A})
		case OnlyB:
			out = append(out, Difference{Pair: pair, Side: nameB, Message: l.B})
		case Changed:
			out = append(out, Difference{Pair: pair, Side: nameA, Message: l.A}, Difference{Pair: pair, Side: nameB, Message: l.B})
		}
	}
	return out
}

// Report renders an alignment like a unified diff: "  " before a message
// both runs have, "- " before one of the first run only, "+ " before one
// of the second, "~ " before a changed one (the first run's version, then
// each changed attribute as "    name: a -> b"). context is how many equal lines to keep around each
// difference (negative keeps all); cut runs are shown as "  ...".
func Report(lines []Line, context int) string {
	keep := make([]bool, len(lines))
	for i, l := range lines {
		if l.Op == Same && context >= 0 {
			continue
		}
		lo, hi := i-context, i+context
		if context < 0 {
			lo, hi = i, i
		}
		for k := max(lo, 0); k <= hi && k < len(lines); k++ {
			keep[k] = true
		}
	}
	var b strings.Builder
	cut := false
	for i, l := range lines {
		if !keep[i] {
			if !cut {
				b.WriteString("  ...\n")
				cut = true
			}
			continue
		}
		cut = false
		prefix := map[Op]string{Same: "  ", OnlyA: "- ", OnlyB: "+ ", Changed: "~ "}[l.Op]
		b.WriteString(prefix + l.Message().Text + "\n")
		for _, c := range l.Changes {
			b.WriteString("    " + c.String() + "\n")
		}
	}
	return b.String()
}

// String renders the change as "name: a -> b", with "(none)" for a side
// that lacks the attribute.
func (c Change) String() string {
	none := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	return c.Name + ": " + none(c.A) + " -> " + none(c.B)
}
