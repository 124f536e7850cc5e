package tui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/netexplore/netexplore/session"
)

// callsKeys are the Syscalls pane's keys: its filter, H and p work from any
// pane (GlobalKeys), moving only when it has the focus.
type callsKeys struct {
	navKeys
	Pair, Filter, ClearFilter, Noise key.Binding
}

func defaultCallsKeys(nav navKeys) callsKeys {
	return callsKeys{
		navKeys:     nav,
		Pair:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "go to paired request/reply")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter syscalls")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter / close help")),
		Noise:       key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "hide/show peeks and forks")),
	}
}

// own lists the keys beyond moving.
func (k callsKeys) own() []key.Binding {
	return []key.Binding{k.Pair, k.Filter, k.ClearFilter, k.Noise}
}

// GlobalKeys implements globalKeyer: every key but moving.
func (k callsKeys) GlobalKeys() []key.Binding { return k.own() }

// ShortHelp implements help.KeyMap.
func (k callsKeys) ShortHelp() []key.Binding { return append(k.navKeys.ShortHelp(), k.own()...) }

// FullHelp implements help.KeyMap.
func (k callsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.navKeys.ShortHelp(), k.own()} }

// callsPane lists the selected step's events, one line each: requests with
// their replies, helper processes indented under their exec, errors in red.
// Its cursor is the selected event, which the Detail and Source panes
// follow. Only the visible window is rendered; filtering scans the cached
// lower-case lines once, or only the previous matches when the query grows.
type callsPane struct {
	callsKeys
	com *common

	w, h int

	data *stepData
	step int

	vis    []int32 // rows shown (filter and H applied), in order
	n      int     // rows of data considered for vis
	query  string  // lower-case filter
	hide   bool    // H: hide peeks, forks, exec results
	cursor int     // index into vis
	offset int     // first index of vis shown

	// hist keeps the matches of shorter queries while the query grows, so
	// deleting a character restores them instead of scanning again.
	hist []filterResult

	filter    textinput.Model // the query, typed on the bottom line
	filtering bool            // the filter has the keyboard
	// moves counts the user's moves to another event (keys, clicks, the
	// filter); the Source pane scrolls to the line that made the new one.
	moves int
	// stepMoves is moves when the step was selected: while they are equal
	// the user has not moved, and the first call is selected as rows come.
	stepMoves int
}

// filterResult is the matches of one query.
type filterResult struct {
	query string
	vis   []int32
	n     int
}

// maxHist bounds the filter history.
const maxHist = 32

func newCallsPane(com *common) *callsPane {
	p := &callsPane{callsKeys: com.keys.Calls, com: com, filter: textinput.New()}
	p.filter.Prompt = "/"
	p.filter.Placeholder = "filter syscalls"
	return p
}

// Title implements Pane: the step, the filter and whether H hides rows.
func (p *callsPane) Title() (string, string) {
	var about []string
	if s := p.com.stepAt(p.step); s != nil {
		about = append(about, fmt.Sprintf("%d %s", s.Index+1, s.Info.ID))
	}
	if q := p.filter.Value(); q != "" {
		about = append(about, "/"+q)
	}
	if p.hide {
		about = append(about, "H")
	}
	return "Syscalls", strings.Join(about, " · ")
}

// SetSize implements Pane.
func (p *callsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.offset = scrollTo(p.offset, p.cursor, p.h, len(p.vis))
}

// Update implements Pane.
func (p *callsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case stepMsg:
		p.setData(msg.step, msg.data)
		p.setFilter(p.filter.Value())
	case sessionMsg:
		p.data = nil
	case themeMsg:
		st := textinput.DefaultStyles(p.com.styles.Dark)
		if p.com.styles.Plain {
			st = textinput.Styles{Cursor: st.Cursor}
		}
		st.Cursor.Blink = false // a steady cursor: no timer, same screen every time
		p.filter.SetStyles(st)
	case tea.WindowSizeMsg:
		p.filter.SetWidth(clamp(msg.Width-40, 10, 40))
	case tea.KeyPressMsg:
		if p.filtering {
			return p, p.typeKey(msg)
		}
		return p, p.key(msg)
	case tea.MouseWheelMsg:
		if d := wheelLines(msg.Mouse()); d != 0 {
			p.scroll(d)
		}
	case tea.MouseClickMsg:
		if p.click(msg.Y) {
			p.moves++
		}
	default:
		if p.filtering {
			var cmd tea.Cmd
			p.filter, cmd = p.filter.Update(msg)
			return p, cmd
		}
	}
	return p, nil
}

// key handles a key while the filter is not being typed.
func (p *callsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.Filter):
		p.filtering = true
		return p.filter.Focus()
	case key.Matches(msg, p.ClearFilter):
		p.filter.SetValue("")
		p.setFilter("")
	case key.Matches(msg, p.Noise):
		p.toggleHide()
		p.moves++
	case key.Matches(msg, p.Pair):
		return p.pair()
	default:
		if d := p.delta(msg, pageLines(p.h)); d != 0 {
			p.move(d)
			p.moves++
		}
	}
	return nil
}

// typeKey handles a key while the filter has the keyboard: enter keeps
// the filter, esc clears it, up and down move in the list and the rest
// edits the query.
func (p *callsPane) typeKey(msg tea.KeyPressMsg) tea.Cmd {
	p.moves++
	switch {
	case msg.String() == "enter":
		p.filtering = false
		p.filter.Blur()
	case key.Matches(msg, p.ClearFilter):
		p.filtering = false
		p.filter.Blur()
		p.filter.SetValue("")
		p.setFilter("")
	case msg.String() == "up":
		p.move(-1)
	case msg.String() == "down":
		p.move(1)
	default:
		var cmd tea.Cmd
		p.filter, cmd = p.filter.Update(msg)
		p.setFilter(p.filter.Value())
		return cmd
	}
	return nil
}

// Typing implements inputPane.
func (p *callsPane) Typing() bool { return p.filtering }

// InputLine implements inputPane: the query and how many rows match.
func (p *callsPane) InputLine() string {
	count := fmt.Sprintf("  %s match · enter keep · esc clear", p.Info())
	return p.filter.View() + p.com.styles.Muted.render(count)
}

// pair jumps between a request and its reply.
func (p *callsPane) pair() tea.Cmd {
	row, ok := p.selected()
	if !ok {
		return nil
	}
	r := p.data.rows[row]
	target := r.reply
	if target < 0 {
		target = r.req
	}
	if target < 0 {
		return flashCmd("this syscall has no paired request or reply", false)
	}
	if !p.jumpTo(int(target)) {
		return flashCmd("the paired syscall is hidden by the filter", false)
	}
	p.moves++
	return nil
}

// empty says why the pane is empty.
func (p *callsPane) empty() string {
	c := p.com
	switch c.status(p.step) {
	case session.Pending:
		if p.step == c.nextPending() {
			if c.live {
				return "not run yet: press n to run this step"
			}
			return "not shown yet: press n to reveal this recorded step"
		}
		return "not run yet"
	case session.Running:
		return "running: waiting for the first syscall…"
	case session.Skipped:
		return "skipped: the step made no syscall"
	}
	return "no syscall was captured for this step"
}

// setData shows step's rows. Switching steps selects the step's first
// call; the same step only takes in its new rows, and selects the first
// call when the first rows arrive and the cursor was never moved.
func (p *callsPane) setData(step int, d *stepData) {
	if d != p.data || step != p.step {
		p.data, p.step = d, step
		p.cursor, p.offset = 0, 0
		p.rebuild()
		p.stepMoves = p.moves
		p.selectFirstCall()
		return
	}
	before := len(p.vis)
	p.extend()
	if p.moves == p.stepMoves && len(p.vis) > before {
		p.selectFirstCall()
	}
}

// selectFirstCall puts the cursor on the step's first call: the first row
// that is a request, an error or a helper program's start rather than a
// reply or process bookkeeping (the first row when there is none).
func (p *callsPane) selectFirstCall() {
	for i, r := range p.vis {
		switch row := &p.data.rows[r]; row.kind {
		case rowCall, rowError, rowExec:
			if !row.noise {
				p.cursor = i
				p.offset = scrollTo(0, i, p.h, len(p.vis))
				return
			}
		}
	}
	p.cursor = 0
}

// match reports whether row i passes the filter and H.
func (p *callsPane) match(i int) bool {
	r := &p.data.rows[i]
	if p.hide && r.noise {
		return false
	}
	return p.query == "" || strings.Contains(r.lower, p.query)
}

func (p *callsPane) rebuild() {
	p.vis = p.vis[:0]
	p.n = 0
	p.hist = p.hist[:0]
	p.extend()
}

func (p *callsPane) extend() {
	if p.data == nil {
		return
	}
	for i := p.n; i < len(p.data.rows); i++ {
		if p.match(i) {
			p.vis = append(p.vis, int32(i))
		}
	}
	p.n = len(p.data.rows)
}

// setFilter applies a new query, keeping the selected row when it still
// matches. A longer query only scans the previous matches; deleting back to
// an earlier query restores its matches from the history.
func (p *callsPane) setFilter(q string) {
	q = strings.ToLower(q)
	if q == p.query {
		return
	}
	sel, hadSel := p.selected()
	defer p.restore(sel, hadSel)
	for len(p.hist) > 0 {
		h := p.hist[len(p.hist)-1]
		if h.query == q {
			p.hist = p.hist[:len(p.hist)-1]
			p.query, p.vis, p.n = q, h.vis, h.n
			p.extend() // rows decoded since
			return
		}
		if strings.HasPrefix(q, h.query) {
			break
		}
		p.hist = p.hist[:len(p.hist)-1]
	}
	if strings.Contains(q, p.query) {
		// Every match of the longer query matches the shorter one.
		if strings.HasPrefix(q, p.query) && len(p.hist) < maxHist {
			p.hist = append(p.hist, filterResult{query: p.query, vis: p.vis, n: p.n})
		}
		prev := p.vis
		p.query = q
		out := make([]int32, 0, len(prev)/2+1)
		for _, i := range prev {
			if p.match(int(i)) {
				out = append(out, i)
			}
		}
		p.vis = out
		return
	}
	p.query = q
	p.vis = nil
	p.rebuild()
}

// toggleHide flips H.
func (p *callsPane) toggleHide() {
	sel, ok := p.selected()
	p.hide = !p.hide
	p.rebuild()
	p.restore(sel, ok)
}

// restore puts the cursor on row sel, or the first row after it.
func (p *callsPane) restore(sel int, ok bool) {
	if !ok {
		p.cursor = 0
	} else {
		p.cursor = sort.Search(len(p.vis), func(i int) bool { return int(p.vis[i]) >= sel })
	}
	p.cursor = clamp(p.cursor, 0, max(len(p.vis)-1, 0))
	p.offset = scrollTo(p.offset, p.cursor, p.h, len(p.vis))
}

// selected returns the row under the cursor.
func (p *callsPane) selected() (int, bool) {
	if p.cursor < 0 || p.cursor >= len(p.vis) {
		return 0, false
	}
	return int(p.vis[p.cursor]), true
}

// move moves the cursor by n rows.
func (p *callsPane) move(n int) {
	p.cursor = clamp(p.cursor+n, 0, max(len(p.vis)-1, 0))
	p.offset = scrollTo(p.offset, p.cursor, p.h, len(p.vis))
}

// scroll moves the window without moving the cursor (mouse wheel).
func (p *callsPane) scroll(n int) {
	p.offset = clamp(p.offset+n, 0, max(len(p.vis)-p.h, 0))
}

// click selects the row at line y of the pane.
func (p *callsPane) click(y int) bool {
	i := p.offset + y
	if i < 0 || i >= len(p.vis) {
		return false
	}
	p.cursor = i
	return true
}

// jumpTo moves the cursor to row r if it is shown.
func (p *callsPane) jumpTo(r int) bool {
	i := sort.Search(len(p.vis), func(i int) bool { return int(p.vis[i]) >= r })
	if i >= len(p.vis) || int(p.vis[i]) != r {
		return false
	}
	p.cursor = i
	p.offset = scrollTo(p.offset, p.cursor, p.h, len(p.vis))
	if p.cursor < p.offset+p.h/4 || p.cursor > p.offset+p.h*3/4 {
		p.offset = clamp(p.cursor-p.h/3, 0, max(len(p.vis)-p.h, 0))
	}
	return true
}

// numberWidth is the width of the event number column (events are
// numbered from 1 in each step, as every export numbers them), shown when
// the pane is wide enough.
func (p *callsPane) numberWidth() int {
	if p.w < 40 || p.data == nil || len(p.data.events) == 0 {
		return 0
	}
	return len(strconv.Itoa(len(p.data.events))) + 1
}

// View implements Pane: the visible window.
func (p *callsPane) View(focused bool) []string {
	st := &p.com.styles
	out := make([]string, 0, p.h)
	if p.data == nil || len(p.vis) == 0 {
		msg := p.empty()
		if p.data != nil && len(p.data.rows) > 0 {
			msg = "no syscall matches the filter"
		}
		for _, l := range wrap(msg, p.w-1) {
			out = append(out, st.Muted.render(fit(" "+l, p.w)))
		}
	}
	sw := p.numberWidth()
	var num []byte
	for i := p.offset; i < len(p.vis) && len(out) < p.h; i++ {
		ri := int(p.vis[i])
		r := &p.data.rows[ri]
		cursor := " "
		if i == p.cursor {
			cursor = "›"
		}
		seq := ""
		if sw > 0 {
			num = strconv.AppendInt(num[:0], int64(ri+1), 10)
			seq = strings.Repeat(" ", max(sw-1-len(num), 0)) + string(num) + " "
		}
		text := fit(r.text, p.w-1-len(seq))
		if i == p.cursor {
			if sel := st.cursorRow(focused); sel.pre != "" {
				out = append(out, sel.render(cursor+seq+text))
				continue
			}
		}
		out = append(out, cursor+st.Muted.render(seq)+rowPaint(st, r.kind).render(text))
	}
	for len(out) < p.h {
		out = append(out, strings.Repeat(" ", p.w))
	}
	return out[:p.h]
}

// rowPaint returns the style of a row kind.
func rowPaint(st *Styles, k rowKind) paint {
	switch k {
	case rowReply:
		return st.Reply
	case rowError:
		return st.Error
	case rowQuiet, rowProcess:
		return st.Muted
	case rowExec:
		return st.Exec
	}
	return st.Text
}

// Info implements Pane: the selected row, the rows shown and the progress
// of decoding.
func (p *callsPane) Info() string {
	if p.data == nil || len(p.data.rows) == 0 {
		return ""
	}
	pos := fmt.Sprintf("%d/%d", min(p.cursor+1, len(p.vis)), len(p.vis))
	if len(p.vis) != len(p.data.rows) {
		pos += fmt.Sprintf(" of %d", len(p.data.rows))
	}
	if !p.data.complete() {
		pos += fmt.Sprintf(" · decoding %d%%", 100*len(p.data.rows)/len(p.data.events))
	}
	return pos
}
