package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
)

// node is one line of the Detail tree. Nodes are kept in preorder; a
// node's descendants are nodes[i+1 : end].
type node struct {
	name, value string
	off, n      int // bytes of Event.Data the node was decoded from; n == 0: none
	depth       int
	end         int
}

// detailPane shows the selected event: its call, where in the step's code
// it came from, what it pairs with, its decoded fields as an expandable
// tree, and the payload as a hex dump with the selected field's bytes
// highlighted.
type detailPane struct {
	detailKeys
	com *common

	w, h int

	step, row int // the event shown; row -1: none
	rows      int // the step's row count when built (pairing can change)
	head      []headLine
	nodes     []node
	open      []bool
	vis       []int
	cursor    int
	offset    int
	hexOff    int
	data      []byte
	dataLen   uint32
}

// headLine is a header line and its style class.
type headLine struct {
	text  string
	class rowKind
	muted bool
}

// detailKeys are the Detail pane's keys: moving, and opening and closing
// the tree's nodes.
type detailKeys struct {
	navKeys
	Toggle, Expand, Collapse key.Binding
}

func defaultDetailKeys(nav navKeys) detailKeys {
	return detailKeys{
		navKeys:  nav,
		Toggle:   key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "expand/collapse field")),
		Expand:   key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "expand field")),
		Collapse: key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "collapse field")),
	}
}

// own lists the keys beyond moving.
func (k detailKeys) own() []key.Binding { return []key.Binding{k.Toggle, k.Expand, k.Collapse} }

// ShortHelp implements help.KeyMap.
func (k detailKeys) ShortHelp() []key.Binding { return append(k.navKeys.ShortHelp(), k.own()...) }

// FullHelp implements help.KeyMap.
func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.navKeys.ShortHelp(), k.own()}
}

func newDetailPane(com *common) *detailPane {
	return &detailPane{detailKeys: com.keys.Detail, com: com}
}

// Title implements Pane.
func (p *detailPane) Title() (string, string) { return "Detail", "" }

// SetSize implements Pane.
func (p *detailPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.follow()
}

// Update implements Pane: it shows the selected event; keys, the wheel
// and clicks move in its tree and open or close nodes.
func (p *detailPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case eventMsg:
		p.setEvent(msg.data, msg.step, msg.row)
	case tea.KeyPressMsg:
		switch d := p.delta(msg, pageLines(p.h)); {
		case d != 0:
			p.move(d)
		case key.Matches(msg, p.Toggle):
			p.setOpen(false, true)
		case key.Matches(msg, p.Expand):
			p.setOpen(true, false)
		case key.Matches(msg, p.Collapse):
			p.setOpen(false, false)
		}
	case tea.MouseWheelMsg:
		if d := wheelLines(msg.Mouse()); d != 0 {
			p.move(d)
		}
	case tea.MouseClickMsg:
		head, _, _ := p.split()
		if i := p.offset + msg.Y - head; msg.Y >= head && i < len(p.vis) {
			p.cursor = i
		}
	}
	p.follow()
	return p, nil
}

// setEvent shows row of step (row < 0: nothing selected).
func (p *detailPane) setEvent(d *stepData, step, row int) {
	if step == p.step && row == p.row && len(d.rows) == p.rows && p.nodes != nil {
		return
	}
	same := step == p.step && row == p.row
	p.step, p.row, p.rows = step, row, len(d.rows)
	p.head, p.nodes, p.open, p.data, p.dataLen = nil, p.nodes[:0], p.open[:0], nil, 0
	if !same {
		p.cursor, p.offset, p.hexOff = 0, 0, 0
	}
	if row < 0 || row >= len(d.events) {
		p.visible()
		return
	}
	rec := d.record(row)
	p.data, p.dataLen = rec.Event.Data, rec.Event.DataLen
	p.header(d, row, &rec)
	p.tree(&rec)
	// Everything decoded from the event's bytes, its process name and its
	// stack is shown, never obeyed, by the terminal (see clean.go).
	for i := range p.head {
		p.head[i].text = sanitize.Line(p.head[i].text)
	}
	for i := range p.nodes {
		p.nodes[i].name, p.nodes[i].value = sanitize.Line(p.nodes[i].name), sanitize.Line(p.nodes[i].value)
	}
	p.open = make([]bool, len(p.nodes))
	for i, n := range p.nodes {
		p.open[i] = n.depth == 0 && n.name != "stack"
	}
	p.visible()
	p.cursor = clamp(p.cursor, 0, max(len(p.vis)-1, 0))
}

func (p *detailPane) header(d *stepData, row int, rec *analyze.Record) {
	e, dec := &rec.Event, &rec.Decoded
	call := dec.Call
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker:
	default:
		call += fmt.Sprintf(" = %d", e.Ret)
	}
	kind := rowCall
	if dec.Errno != "" {
		call += " " + dec.Errno
		kind = rowError
	}
	p.head = append(p.head, headLine{text: call, class: kind})
	c := p.com
	p.head = append(p.head, headLine{text: fmt.Sprintf("event %d of %d · %s · netns %s",
		row+1, len(d.events), session.FormatOffset(c.offset(p.step, row)), c.netns(e.NetNS)), muted: true})
	info := fmt.Sprintf("pid %d %s · kernel seq %d", e.PID, e.Comm, e.Seq)
	if len(e.Data) > 0 || e.DataLen > 0 {
		info += fmt.Sprintf(" · %d bytes", e.DataLen)
		if e.Truncated() {
			info += fmt.Sprintf(" (%d captured)", len(e.Data))
		}
	}
	p.head = append(p.head, headLine{text: info, muted: true})
	if o := d.events[row].Origin; o != nil {
		fn := o.Func[strings.LastIndex(o.Func, ".")+1:]
		p.head = append(p.head, headLine{text: fmt.Sprintf("from %s (%s:%d)", fn, o.File, o.Line), muted: true})
	} else if f, ok := rec.TopFrame(); ok {
		p.head = append(p.head, headLine{text: "at " + f.String(), muted: true})
	}
	r := &d.rows[row]
	switch {
	case r.req >= 0:
		p.head = append(p.head, headLine{text: fmt.Sprintf("reply to event %d (p: go there)", r.req+1), class: rowReply})
	case r.reply >= 0:
		p.head = append(p.head, headLine{text: fmt.Sprintf("answered by event %d (p: go there)", r.reply+1), class: rowReply})
	}
}

// eventName names the event whose kernel sequence number is seq: "event 3"
// when it belongs to the step shown, else by its sequence number.
func (p *detailPane) eventName(seq uint64) string {
	for i, e := range p.com.events(p.step) {
		if e.Seq == seq {
			return fmt.Sprintf("event %d", i+1)
		}
	}
	return fmt.Sprintf("kernel seq %d", seq)
}

// tree flattens the decoded event into nodes.
func (p *detailPane) tree(rec *analyze.Record) {
	dec := &rec.Decoded
	switch {
	case len(dec.Netlink) > 0:
		for i := range dec.Netlink {
			m := &dec.Netlink[i]
			top := len(p.nodes)
			p.nodes = append(p.nodes, node{name: m.Summary, off: m.Offset, n: m.Length})
			if i < len(rec.Replies) && rec.Replies[i] != nil {
				x := rec.Replies[i]
				p.nodes = append(p.nodes, node{name: "reply to", value: fmt.Sprintf("%s (%s, nlmsg_seq %d)", x.Type, p.eventName(x.RequestSeq), x.NlSeq), depth: 1})
				p.nodes[len(p.nodes)-1].end = len(p.nodes)
			}
			if m.Malformed != "" {
				p.nodes = append(p.nodes, node{name: "malformed", value: m.Malformed, depth: 1})
				p.nodes[len(p.nodes)-1].end = len(p.nodes)
			}
			p.fields(m.Fields, 1)
			p.nodes[top].end = len(p.nodes)
		}
	default:
		p.fields(dec.Fields, 0)
	}
	if len(rec.Frames) > 0 {
		top := len(p.nodes)
		p.nodes = append(p.nodes, node{name: "stack", value: fmt.Sprintf("%d frames, innermost first", len(rec.Frames))})
		for _, f := range rec.Frames {
			p.nodes = append(p.nodes, node{name: f.String(), depth: 1, end: len(p.nodes) + 1})
		}
		p.nodes[top].end = len(p.nodes)
	}
}

func (p *detailPane) fields(fs []event.Field, depth int) {
	for _, f := range fs {
		i := len(p.nodes)
		p.nodes = append(p.nodes, node{name: f.Name, value: f.Value, off: f.Offset, n: f.Length, depth: depth})
		p.fields(f.Children, depth+1)
		p.nodes[i].end = len(p.nodes)
	}
}

// visible lists the nodes not inside a closed one.
func (p *detailPane) visible() {
	p.vis = p.vis[:0]
	for i := 0; i < len(p.nodes); {
		p.vis = append(p.vis, i)
		if p.open[i] {
			i++
		} else {
			i = p.nodes[i].end
		}
	}
}

// selected returns the node under the cursor.
func (p *detailPane) selected() (node, bool) {
	if p.cursor < 0 || p.cursor >= len(p.vis) {
		return node{}, false
	}
	return p.nodes[p.vis[p.cursor]], true
}

func (p *detailPane) move(n int) {
	p.cursor = clamp(p.cursor+n, 0, max(len(p.vis)-1, 0))
}

// setOpen opens or closes the node under the cursor; toggle flips it.
// Closing a leaf or a closed node moves to its parent; opening an open
// node moves to its first child.
func (p *detailPane) setOpen(open, toggle bool) {
	if p.cursor >= len(p.vis) {
		return
	}
	i := p.vis[p.cursor]
	hasKids := p.nodes[i].end > i+1
	if toggle {
		open = !p.open[i]
	}
	switch {
	case hasKids && open != p.open[i]:
		p.open[i] = open
		p.visible()
	case open && hasKids:
		p.move(1)
	case !open && !toggle:
		for j := p.cursor - 1; j >= 0; j-- {
			if p.nodes[p.vis[j]].depth < p.nodes[i].depth {
				p.cursor = j
				break
			}
		}
	}
}

// hexLayout returns the bytes per hex row for the pane's width.
func (p *detailPane) hexPerRow() int {
	switch {
	case p.w >= 75:
		return 16
	case p.w >= 43:
		return 8
	}
	return 4
}

// split returns the heights of the tree and the hex dump.
func (p *detailPane) split() (head, tree, hex int) {
	head = min(len(p.head), p.h)
	rest := p.h - head
	if len(p.data) > 0 && rest > 4 {
		rows := (len(p.data)+p.hexPerRow()-1)/p.hexPerRow() + 1
		hex = min(rows, rest/2)
		if len(p.nodes) == 0 {
			hex = min(rows, rest)
		}
	}
	return head, rest - hex, hex
}

// View implements Pane.
func (p *detailPane) View(focused bool) []string {
	st := &p.com.styles
	out := make([]string, 0, p.h)
	if p.row < 0 {
		out = append(out, st.Muted.render(fit(" no syscall selected", p.w)))
		return append(out, blank(p.w, p.h-1)...)
	}
	headH, treeH, hexH := p.split()
	for _, h := range p.head[:headH] {
		pt := rowPaint(st, h.class)
		if h.muted {
			pt = st.Muted
		}
		out = append(out, pt.render(fit(" "+h.text, p.w)))
	}
	showRange := p.w >= 50
	for i := p.offset; i < len(p.vis) && i < p.offset+treeH; i++ {
		n := p.nodes[p.vis[i]]
		glyph := "  "
		if n.end > p.vis[i]+1 {
			glyph = "▸ "
			if p.open[p.vis[i]] {
				glyph = "▾ "
			}
		}
		cursor := " "
		if i == p.cursor {
			cursor = "›"
		}
		text := strings.Repeat("  ", n.depth) + glyph + n.name
		if n.value != "" {
			text += ": " + n.value
		}
		rng := ""
		if showRange && n.n > 0 {
			rng = fmt.Sprintf(" [%d+%d]", n.off, n.n)
		}
		body := fit(text, p.w-1-len(rng))
		if i == p.cursor {
			if sel := st.cursorRow(focused); sel.pre != "" {
				out = append(out, sel.render(cursor+body+rng))
				continue
			}
		}
		out = append(out, cursor+st.Text.render(body)+st.Muted.render(rng))
	}
	for len(out) < headH+treeH {
		out = append(out, strings.Repeat(" ", p.w))
	}
	if hexH > 0 {
		out = append(out, p.hexView(st, hexH)...)
	}
	for len(out) < p.h {
		out = append(out, strings.Repeat(" ", p.w))
	}
	return out[:p.h]
}

// follow scrolls the tree so the cursor is visible, and the hex dump so
// the selected field's bytes are.
func (p *detailPane) follow() {
	_, treeH, hexH := p.split()
	p.offset = scrollTo(p.offset, p.cursor, treeH, len(p.vis))
	if hexH <= 1 {
		return
	}
	per := p.hexPerRow()
	rows := (len(p.data) + per - 1) / per
	if sel, ok := p.selected(); ok && sel.n > 0 {
		lo, hi := sel.off, sel.off+sel.n
		p.hexOff = scrollTo(p.hexOff, lo/per, hexH-1, rows)
		if end := (hi - 1) / per; end-p.hexOff >= hexH-1 && end-lo/per < hexH-1 {
			p.hexOff = scrollTo(p.hexOff, end, hexH-1, rows)
		}
	}
	p.hexOff = clamp(p.hexOff, 0, max(rows-(hexH-1), 0))
}

// Info implements Pane: the node under the cursor.
func (p *detailPane) Info() string {
	if len(p.vis) == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", p.cursor+1, len(p.vis))
}
