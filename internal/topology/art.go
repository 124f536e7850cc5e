package topology

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/netexplore/netexplore/internal/sanitize"
)

// Class is what a piece of the picture shows, for whoever colours it.
type Class uint8

// The classes.
const (
	// Text is an interface's name, kind and state.
	Text Class = iota
	// Border is a namespace's frame.
	Border
	// Title is a namespace's name in its frame.
	Title
	// Detail is an address, a tunnel, a lower device, a route.
	Detail
	// Wire is a line between namespaces: a veth pair, a tunnel.
	Wire
	// New is something the step added.
	New
	// Modified is something the step changed.
	Modified
	// Removed is what the step removed, listed under the picture.
	Removed
)

// Segment is a run of text of one class.
type Segment struct {
	Text  string
	Class Class
}

// Line is one line of the picture.
type Line []Segment

// String returns the line's text.
func (l Line) String() string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Width returns the line's width in cells (every character of the
// picture is one cell wide).
func (l Line) Width() int {
	n := 0
	for _, s := range l {
		n += utf8.RuneCountInString(s.Text)
	}
	return n
}

// minBox is the narrowest namespace box worth drawing wires beside.
const minBox = 28

// Art draws the network in at most width cells per line: one box per
// namespace, top to bottom, each interface on a line (a bridge's ports
// under it), addresses and tunnels below their interface, and the
// default route. Wires on the right join the two ends of each veth pair
// and tunnel across namespaces; when there is no room for them, each end
// names the other. What marks says the step added starts with "+", what
// it changed with "~", and the interfaces it removed are listed below.
// Names are shown safely (package sanitize), each on its line.
func Art(n *Network, marks *Marks, width int) []Line {
	if n == nil || len(n.Namespaces) == 0 || width < 12 {
		return nil
	}
	var cross []Edge
	for _, e := range n.Edges() {
		if e.Cross() {
			cross = append(cross, e)
		}
	}
	a := &artist{n: n, marks: marks}
	lanes := len(cross)
	boxW := width
	if lanes > 0 && width-2*lanes >= minBox {
		boxW = width - 2*lanes
	} else {
		lanes = 0
		a.label = true
	}
	a.edgesOf = map[End][]Edge{}
	for _, e := range cross {
		a.edgesOf[e.From] = append(a.edgesOf[e.From], e)
		a.edgesOf[e.To] = append(a.edgesOf[e.To], e)
	}
	for _, ns := range n.Namespaces {
		a.box(&ns, boxW)
	}
	if lanes > 0 {
		a.wires(cross)
	}
	out := make([]Line, len(a.rows))
	for i, r := range a.rows {
		out[i] = r.line
	}
	if marks != nil && len(marks.Removed) > 0 {
		for _, l := range wrapText("- removed: "+sanitize.Line(strings.Join(marks.Removed, ", ")), width, 4) {
			out = append(out, Line{{l, Removed}})
		}
	}
	return out
}

// artist builds the picture row by row.
type artist struct {
	n       *Network
	marks   *Marks
	label   bool // no wires: each end of a cross edge names the other
	edgesOf map[End][]Edge
	rows    []artRow
}

// artRow is one line and, when it shows an interface, which.
type artRow struct {
	line   Line
	anchor *End
}

// box draws namespace ns in a frame boxW cells wide.
func (a *artist) box(ns *Namespace, boxW int) {
	inner := boxW - 2
	title := sanitize.Line(ns.Name)
	tc := Title
	switch a.marks.Of(ns.Name, "", "") {
	case Added:
		title, tc = "+ "+title, New
	}
	top := "┌─ "
	rest := boxW - utf8.RuneCountInString(top) - 2
	title = truncate(title, max(rest, 1))
	fill := boxW - utf8.RuneCountInString(top) - utf8.RuneCountInString(title) - 2
	a.rows = append(a.rows, artRow{line: Line{{top, Border}, {title, tc}, {" " + strings.Repeat("─", max(fill, 0)) + "┐", Border}}})

	content := func(mark Mark, indent int, text string, class Class, anchor *End) {
		glyph := "  "
		switch mark {
		case Added:
			glyph, class = "+ ", New
		case Changed:
			glyph, class = "~ ", Modified
		}
		for i, l := range wrapText(sanitize.Line(text), inner-2-indent, 2) {
			seg := glyph + strings.Repeat(" ", indent) + l
			if i > 0 {
				seg = "  " + strings.Repeat(" ", indent) + l
			}
			r := artRow{line: Line{{"│", Border}, {pad(seg, inner), class}, {"│", Border}}}
			if i == 0 {
				r.anchor = anchor
			}
			a.rows = append(a.rows, r)
		}
	}
	trees := ns.ordered()
	if len(trees) == 0 {
		content(Same, 0, "(no interface up)", Detail, nil)
	}
	link := func(l *Link, indent int, prefix string) {
		end := End{ns.Name, l.Name}
		text := prefix + l.describe()
		if a.label {
			for _, e := range a.edgesOf[end] {
				other := e.To
				if other == end {
					other = e.From
				}
				text += " ↔ " + other.String()
			}
		}
		content(a.marks.Of(ns.Name, l.Name, ""), indent, text, Text, &end)
		sub := indent + utf8.RuneCountInString(prefix) + 2
		for _, d := range l.details(ns.Name) {
			m := a.marks.Of(ns.Name, l.Name, d)
			if m == Same && a.marks.Of(ns.Name, l.Name, "") == Added {
				m = Added
			}
			content(m, sub, d, Detail, nil)
		}
	}
	for _, t := range trees {
		link(&t.link, 0, "")
		for i, p := range t.ports {
			prefix := "├ "
			if i == len(t.ports)-1 {
				prefix = "└ "
			}
			link(&p, 2, prefix)
		}
	}
	if ns.Gateway != "" {
		content(a.marks.Of(ns.Name, "", ""), 0, "default via "+ns.Gateway, Detail, nil)
	}
	a.rows = append(a.rows, artRow{line: Line{{"└" + strings.Repeat("─", max(inner, 0)) + "┘", Border}}})
}

// wires draws each cross edge in a lane of its own on the right of the
// boxes, from the line of one end to the line of the other. Lanes are
// reused by edges whose spans do not overlap, the shortest spans nearest
// the boxes.
func (a *artist) wires(cross []Edge) {
	type wire struct {
		from, to int
		lane     int
	}
	row := func(e End) int {
		for i, r := range a.rows {
			if r.anchor != nil && *r.anchor == e {
				return i
			}
		}
		return -1
	}
	var ws []wire
	for _, e := range cross {
		f, t := row(e.From), row(e.To)
		if f < 0 || t < 0 || f == t {
			continue
		}
		ws = append(ws, wire{from: min(f, t), to: max(f, t)})
	}
	slices.SortStableFunc(ws, func(x, y wire) int { return (x.to - x.from) - (y.to - y.from) })
	lanes := 0
	for i := range ws {
		for l := 0; ; l++ {
			free := true
			for _, o := range ws[:i] {
				if o.lane == l && o.from <= ws[i].to && ws[i].from <= o.to {
					free = false
					break
				}
			}
			if free {
				ws[i].lane = l
				lanes = max(lanes, l+1)
				break
			}
		}
	}
	for y := range a.rows {
		cells := []rune(strings.Repeat(" ", 2*lanes))
		reach := -1 // the farthest lane a wire leaves this row for
		for _, w := range ws {
			col := 2*w.lane + 1
			switch {
			case y == w.from:
				cells[col] = '┐'
				reach = max(reach, col)
			case y == w.to:
				cells[col] = '┘'
				reach = max(reach, col)
			case y > w.from && y < w.to:
				cells[col] = '│'
			}
		}
		for c := 0; c < reach; c++ {
			switch cells[c] {
			case ' ':
				cells[c] = '─'
			case '│':
				cells[c] = '┼'
			case '┐': // a nearer wire starts here too, the line goes on
				cells[c] = '┬'
			case '┘':
				cells[c] = '┴'
			}
		}
		line := a.rows[y].line
		if reach >= 0 && len(line) > 0 && line[len(line)-1].Text == "│" {
			line[len(line)-1] = Segment{"├", Border}
		}
		a.rows[y].line = append(line, Segment{string(cells), Wire})
	}
}

// pad fits s to exactly w cells.
func pad(s string, w int) string {
	s = truncate(s, w)
	if n := utf8.RuneCountInString(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// truncate cuts s to w cells, ending in "…" when cut.
func truncate(s string, w int) string {
	if utf8.RuneCountInString(s) <= w {
		return s
	}
	if w <= 1 {
		return string([]rune(s)[:max(w, 0)])
	}
	return string([]rune(s)[:w-1]) + "…"
}

// wrapText breaks s into lines of at most w cells at spaces, continuation
// lines indented by hang; a word longer than a line is cut.
func wrapText(s string, w, hang int) []string {
	if w < hang+4 {
		return []string{truncate(s, max(w, 1))}
	}
	var out []string
	cur, width := "", w
	flush := func(l string) {
		out = append(out, l)
		cur, width = "", w-hang
	}
	for _, word := range strings.Fields(s) {
		for utf8.RuneCountInString(word) > width {
			if cur != "" {
				flush(cur)
			}
			r := []rune(word)
			flush(string(r[:width]))
			word = string(r[width:])
		}
		switch {
		case cur == "":
			cur = word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= width:
			cur += " " + word
		default:
			flush(cur)
			cur = word
		}
	}
	if cur != "" || len(out) == 0 {
		out = append(out, cur)
	}
	for i := 1; i < len(out); i++ {
		out[i] = strings.Repeat(" ", hang) + out[i]
	}
	return out
}
