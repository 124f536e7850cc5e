package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/internal/sanitize"

	"github.com/netexplore/netexplore/session/compare"
)

// CompareOptions says how a comparison is written.
type CompareOptions struct {
	// A and B describe the runs in full ("built-in recording of the join
	// scenario"); the result's own names are the short ones.
	A, B string
	// Context is how many equal messages to show around each difference
	// (text and Markdown); negative shows every message.
	Context int
	// Known maps a difference, by step and line index, to the allowance
	// that explains it (compare.Result.Explain); Reasons maps an
	// allowance's name to its reason.
	Known   map[[2]int]string
	Reasons map[string]string
}

// opMarks are the text and Markdown prefixes of aligned lines.
var opMarks = map[compare.Op]string{compare.Same: "  ", compare.OnlyA: "- ", compare.OnlyB: "+ ", compare.Changed: "~ "}

// compareLines returns the lines of step d a report shows: every
// difference and context equal lines around it; a nil entry stands for
// equal lines left out.
func compareLines(d compare.StepDiff, context int) []*compare.Line {
	keep := make([]bool, len(d.Lines))
	for i, l := range d.Lines {
		if l.Op == compare.Same && context >= 0 {
			continue
		}
		lo, hi := i-max(context, 0), i+max(context, 0)
		for k := max(lo, 0); k <= hi && k < len(d.Lines); k++ {
			keep[k] = true
		}
	}
	var out []*compare.Line
	for i := range d.Lines {
		if keep[i] {
			out = append(out, &d.Lines[i])
		} else if len(out) == 0 || out[len(out)-1] != nil {
			out = append(out, nil)
		}
	}
	return out
}

// lineText renders one aligned line of a report, and under a changed one
// its changed attributes.
func lineText(l *compare.Line) []string {
	out := []string{opMarks[l.Op] + l.Message().Text}
	for _, c := range l.Changes {
		out = append(out, "      "+c.String())
	}
	return out
}

// stepSummary says how a step compares, in a few words.
func stepSummary(r compare.Result, d compare.StepDiff) string {
	sa, sb := compare.Status(d.A), compare.Status(d.B)
	status := ""
	if sa != sb {
		status = fmt.Sprintf("%s: %s, %s: %s; ", r.A, sa, r.B, sb)
	}
	if !d.Differs() {
		return status + plural(d.Count(compare.Same), "message") + ", the same"
	}
	var parts []string
	for _, p := range []struct {
		op   compare.Op
		what string
	}{{compare.OnlyA, "only in " + r.A}, {compare.OnlyB, "only in " + r.B}, {compare.Changed, "changed"}, {compare.Same, "the same"}} {
		if n := d.Count(p.op); n > 0 {
			parts = append(parts, strings.Replace(plural(n, "message"), "message", "", 1)+p.what)
		}
	}
	if len(parts) == 0 {
		parts = []string{"no messages"}
	}
	return status + strings.Join(parts, ", ")
}

// totals counts the steps that differ and the lines of each kind.
func totals(r compare.Result) (differ int, ops map[compare.Op]int) {
	ops = map[compare.Op]int{}
	for _, d := range r.Steps {
		if d.Differs() {
			differ++
		}
		for _, l := range d.Lines {
			ops[l.Op]++
		}
	}
	return differ, ops
}

// WriteCompareText writes a comparison as text: a header naming the runs,
// then each step with "=" when the runs do the same in it, "≠" when not,
// and under a step that differs its messages like a unified diff ("- "
// only in A, "+ " only in B, "~ " changed, with each changed attribute as
// "name: a -> b"). Every string from the sessions is sanitised.
func WriteCompareText(w io.Writer, r compare.Result, o CompareOptions) error {
	bw := bufio.NewWriter(w)
	differ, ops := totals(r)
	fmt.Fprintf(bw, "%s\n%s\n", sanitize.Line(runLabel("A", r.A, o.A)), sanitize.Line(runLabel("B", r.B, o.B)))
	fmt.Fprintf(bw, "%d of %s differ: %s only in %s, %d only in %s, %d changed, %d the same\n",
		differ, plural(len(r.Steps), "step"), plural(ops[compare.OnlyA], "message"), sanitize.Line(r.A), ops[compare.OnlyB], sanitize.Line(r.B), ops[compare.Changed], ops[compare.Same])
	fmt.Fprintln(bw, "(- only in A, + only in B, ~ changed: attribute: A -> B)")
	known := map[string]bool{}
	for i, d := range r.Steps {
		mark := "="
		if d.Differs() {
			mark = "≠"
		}
		fmt.Fprintf(bw, "\n%s %s  (%s)\n", mark, sanitize.Line(d.Name), sanitize.Line(stepSummary(r, d)))
		if !d.Differs() && o.Context >= 0 {
			continue
		}
		for _, t := range stepLines(i, d, o, known, "...") {
			fmt.Fprintln(bw, "    "+t)
		}
	}
	writeReasons(bw, known, o.Reasons, func(name, reason string) string {
		return sanitize.Line("[" + name + "] " + reason)
	}, "\nKnown differences:\n")
	return bw.Flush()
}

// stepLines returns the sanitised lines of step i's messages for the text
// and markdown forms, gap for the equal messages left out, each line an
// allowance explains tagged "[known: NAME]" and NAME noted in known.
func stepLines(i int, d compare.StepDiff, o CompareOptions, known map[string]bool, gap string) []string {
	var lines []string
	for _, l := range compareLines(d, o.Context) {
		if l == nil {
			lines = append(lines, gap)
			continue
		}
		for k, t := range lineText(l) {
			if k == 0 {
				if name, ok := o.Known[[2]int{i, lineIndex(d, l)}]; ok {
					t += "   [known: " + name + "]"
					known[name] = true
				}
			}
			lines = append(lines, sanitize.Line(t))
		}
	}
	return lines
}

// writeReasons writes the reasons of the allowances used, by name.
func writeReasons(w io.Writer, used map[string]bool, reasons map[string]string, line func(name, reason string) string, heading string) {
	if len(used) == 0 {
		return
	}
	fmt.Fprint(w, heading)
	for _, name := range sortedKeys(used) {
		fmt.Fprintln(w, line(name, reasons[name]))
	}
}

// sortedKeys returns a set's members in order.
func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// lineIndex returns l's index in d's lines (l points into them).
func lineIndex(d compare.StepDiff, l *compare.Line) int {
	for i := range d.Lines {
		if &d.Lines[i] == l {
			return i
		}
	}
	return -1
}

// runLabel introduces run side (A or B), named name, described by desc.
func runLabel(side, name, desc string) string {
	if name == side {
		return side + ": " + desc
	}
	return side + " (" + name + "): " + desc
}

// WriteCompareMarkdown writes a comparison as Markdown: a table of the
// steps, then for each step that differs a diff block. Strings from the
// sessions are escaped like the Markdown export's.
func WriteCompareMarkdown(w io.Writer, r compare.Result, o CompareOptions) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw}
	differ, ops := totals(r)
	m.printf("# Comparison: %s and %s\n\n", escapeText(r.A), escapeText(r.B))
	m.printf("- %s\n- %s\n\n", escapeText(runLabel("A", r.A, o.A)), escapeText(runLabel("B", r.B, o.B)))
	m.printf("%d of %s differ: %s only in A, %d only in B, %d changed, %d the same.\n\n",
		differ, plural(len(r.Steps), "step"), plural(ops[compare.OnlyA], "message"), ops[compare.OnlyB], ops[compare.Changed], ops[compare.Same])
	m.printf("| | Step | A | B | Messages |\n|---|---|---|---|---|\n")
	for _, d := range r.Steps {
		mark := "="
		if d.Differs() {
			mark = "≠"
		}
		m.printf("| %s | %s | %s | %s | %s |\n", mark, cell(d.Name), compare.Status(d.A), compare.Status(d.B), cell(stepSummary(r, d)))
	}
	m.printf("\n")
	known := map[string]bool{}
	for i, d := range r.Steps {
		if !d.Differs() && o.Context >= 0 {
			continue
		}
		m.printf("## %s\n\n", escapeText(d.Name))
		m.printf("%s\n\n", escapeText(stepSummary(r, d)))
		lines := stepLines(i, d, o, known, "  ...")
		if len(lines) > 0 {
			m.fenced("diff", "", lines)
		}
	}
	writeReasons(bw, known, o.Reasons, func(name, reason string) string {
		return "- **" + escapeText(name) + "**: " + escapeText(reason)
	}, "## Known differences\n\n")
	return bw.Flush()
}

// compareJSON is the JSON document of a comparison.
type compareJSON struct {
	A       runJSON      `json:"a"`
	B       runJSON      `json:"b"`
	Differs bool         `json:"differs"`
	Steps   []stepJSON   `json:"steps"`
	Known   []reasonJSON `json:"known,omitempty"`
}

type runJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type stepJSON struct {
	Step    string     `json:"step"`
	A       string     `json:"a"`
	B       string     `json:"b"`
	Differs bool       `json:"differs"`
	Lines   []lineJSON `json:"lines"`
}

type lineJSON struct {
	Op      string           `json:"op"`
	Kind    string           `json:"kind"`
	A       string           `json:"a,omitempty"`
	B       string           `json:"b,omitempty"`
	SeqA    uint64           `json:"seq_a,omitempty"`
	SeqB    uint64           `json:"seq_b,omitempty"`
	Changes []compare.Change `json:"changes,omitempty"`
	Known   string           `json:"known,omitempty"`
}

type reasonJSON struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// WriteCompareJSON writes a comparison as one JSON document: the runs,
// whether they differ, and every step with every aligned message (op
// "same", "only-a", "only-b" or "changed"; the message's normalised text
// in each run that has it, its event number there, and for "changed" the
// attributes that differ). Strings are exact, not sanitised.
func WriteCompareJSON(w io.Writer, r compare.Result, o CompareOptions) error {
	doc := compareJSON{A: runJSON{r.A, o.A}, B: runJSON{r.B, o.B}, Differs: r.Differs(), Steps: []stepJSON{}}
	known := map[string]bool{}
	for i, d := range r.Steps {
		sj := stepJSON{Step: d.Name, A: compare.Status(d.A), B: compare.Status(d.B), Differs: d.Differs(), Lines: []lineJSON{}}
		for j, l := range d.Lines {
			lj := lineJSON{Op: l.Op.String(), Kind: l.Message().Kind, Changes: l.Changes, Known: o.Known[[2]int{i, j}]}
			if l.Op != compare.OnlyB {
				lj.A, lj.SeqA = l.A.Text, l.A.Seq
			}
			if l.Op != compare.OnlyA {
				lj.B, lj.SeqB = l.B.Text, l.B.Seq
			}
			if lj.Known != "" {
				known[lj.Known] = true
			}
			sj.Lines = append(sj.Lines, lj)
		}
		doc.Steps = append(doc.Steps, sj)
	}
	for _, name := range sortedKeys(known) {
		doc.Known = append(doc.Known, reasonJSON{name, o.Reasons[name]})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
