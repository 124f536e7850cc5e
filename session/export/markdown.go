package export

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/internal/topology"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/decode/ioctl"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/netexplore/netexplore/session"
)

func init() {
	register(Markdown, 1, false, func(w io.Writer, s *session.Session, o Options) error { return WriteMarkdown(w, s, o.Markdown) })
}

// MarkdownOptions tunes the Markdown export; zero values give the defaults.
type MarkdownOptions struct {
	// Title is the document's top heading (default: "netexplore session:
	// SCENARIO").
	Title string
	// Intro is Markdown placed between the title and the session summary.
	Intro string
	// MaxRows bounds the rows of each step's event table (default 40); the
	// rest are counted in a last row. A helper process (an iptables run,
	// say) is one row however many events it caused.
	MaxRows int
	// MaxMessages bounds the decoded messages shown in full per step
	// (default 3): the first state-changing request of each type.
	MaxMessages int
	// HexLimit bounds the hex dump under each decoded message, in bytes
	// (default 512).
	HexLimit int
}

func (o *MarkdownOptions) defaults(s *session.Session) {
	if o.Title == "" {
		o.Title = "netexplore session: " + s.Header.Scenario
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 40
	}
	if o.MaxMessages <= 0 {
		o.MaxMessages = 3
	}
	if o.HexLimit <= 0 {
		o.HexLimit = 512
	}
}

// WriteMarkdown writes s as a Markdown document: a summary of the session
// and its configuration, a table of the steps, then one section per step
// with its explanation, the libnetwork function it mirrors, the kernel
// handlers, its source with the lines that made system calls marked, a
// table of its events (each helper process folded into one row), the
// decoded trees of its key requests and the changes it made in the kernel.
// The output depends on nothing but s and opts.
func WriteMarkdown(w io.Writer, s *session.Session, opts MarkdownOptions) error {
	opts.defaults(s)
	m := &mdWriter{w: bufio.NewWriter(w), s: s, opts: opts, slugs: map[string]int{}}
	m.document()
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	return nil
}

type mdWriter struct {
	w     *bufio.Writer
	s     *session.Session
	opts  MarkdownOptions
	slugs map[string]int
}

func (m *mdWriter) printf(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

func (m *mdWriter) document() {
	s, h := m.s, &m.s.Header
	m.printf("# %s\n\n", escapeText(m.opts.Title))
	if intro := strings.TrimSpace(m.opts.Intro); intro != "" {
		m.printf("%s\n\n", intro)
	}
	ran, skipped := 0, 0
	for _, st := range s.Steps {
		if st.Status == session.Skipped {
			skipped++
		} else if st.Status != session.Pending {
			ran++
		}
	}
	m.printf("Recorded %s with netexplore %s on Linux %s: scenario %s, %d steps (%d ran, %d skipped), %d events, %d lost.\n\n",
		h.Recorded.UTC().Format("2006-01-02 15:04 MST"), escapeText(h.Netexplore), escapeText(h.Kernel), code(h.Scenario),
		len(s.Steps), ran, skipped, s.EventCount(), s.Lost)
	if s.Lost > 0 {
		m.printf("**%d events were lost** while recording: the lists below are incomplete.\n\n", s.Lost)
	}
	for _, u := range h.Unavailable {
		m.printf("Hook unavailable while recording, its events are missing: %s.\n\n", escapeText(u))
	}
	if !s.Complete {
		why := "the session ends early"
		if s.Stopped != "" {
			why = escapeText(s.Stopped)
		}
		m.printf("**The recording was interrupted**: %s.\n\n", why)
	}
	m.config()

	anchors := make([]string, len(s.Steps))
	headings := make([]string, len(s.Steps))
	for i, st := range s.Steps {
		headings[i] = fmt.Sprintf("%d. %s — %s", st.Index+1, st.Info.ID, st.Info.Title)
		anchors[i] = m.slug(headings[i])
	}
	m.printf("## Steps\n\n| # | step | phase | status | events |\n|---:|---|---|---|---:|\n")
	for i, st := range s.Steps {
		m.printf("| %d | [%s](#%s) — %s | %s | %s | %d |\n", st.Index+1, cell(st.Info.ID), anchors[i],
			cell(st.Info.Title), cell(st.Info.Phase), st.Status, len(st.Events))
	}
	m.printf("\n")
	for i, st := range s.Steps {
		m.step(st, headings[i])
	}
}

// config writes the configuration the plan was made from, by JSON name.
func (m *mdWriter) config() {
	v := reflect.ValueOf(m.s.Header.Config)
	if v.Kind() != reflect.Struct {
		return
	}
	m.printf("<details><summary>Configuration</summary>\n\n| setting | value |\n|---|---|\n")
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		val := fmt.Sprint(v.Field(i).Interface())
		if val == "" {
			val = "(unset)"
		}
		m.printf("| %s | %s |\n", cellCode(name), cell(val))
	}
	m.printf("\n</details>\n\n")
}

func (m *mdWriter) step(st *session.Step, heading string) {
	info := &st.Info
	m.printf("## %s\n\n", escapeText(heading))
	m.printf("**Mirrors:** %s  \n", escapeText(info.Mirrors))
	m.printf("**Phase:** %s · **Status:** %s · **Events:** %d  \n", escapeText(info.Phase), st.Status, len(st.Events))
	if len(info.KernelHandlers) > 0 {
		hs := make([]string, len(info.KernelHandlers))
		for i, k := range info.KernelHandlers {
			hs[i] = code(k)
		}
		m.printf("**Kernel:** %s\n", strings.Join(hs, " → "))
	}
	m.printf("\n")
	m.prose(info.Explanation)
	if st.Status == session.Skipped {
		m.printf("> **Skipped:** %s\n\n", escapeText(info.SkipReason))
	}
	if st.Result != nil && st.Result.Error != "" {
		m.printf("> **Error:** %s\n\n", escapeText(st.Result.Error))
	}

	recs := st.Records()
	procs := helperProcesses(recs)
	m.source(st, recs, procs)
	if len(recs) > 0 {
		m.events(st, recs, procs)
		m.messages(st, recs)
	}
	m.result(st)
	m.network(st)
}

// network draws the scenario's networks after the step as a Mermaid
// flowchart, which GitHub renders: what the step added in green, what it
// changed in yellow. A step that recorded no state of its own (a skipped
// one) shows the network as the step before left it.
func (m *mdWriter) network(st *session.Step) {
	after, before, own := m.s.Network(st.Index)
	if after == nil {
		return
	}
	marks := topology.Compare(before, after)
	switch {
	case !own:
		m.printf("**Network** (unchanged: as the step before left it):\n\n")
	case marks.Any():
		m.printf("**Network after this step** (green: added by it, yellow: changed by it):\n\n")
	default:
		m.printf("**Network after this step** (no interface or address changed):\n\n")
	}
	m.fenced("mermaid", "", strings.Split(strings.TrimSuffix(topology.Mermaid(after, marks), "\n"), "\n"))
}

// prose writes an explanation: each line is a paragraph, except that
// indented lines (a rule listing, say) are kept as a preformatted block.
func (m *mdWriter) prose(text string) {
	var block []string
	flush := func() {
		if len(block) == 0 {
			return
		}
		indent := len(block[0])
		for _, l := range block {
			if t := strings.TrimLeft(l, " \t"); t != "" {
				indent = min(indent, len(l)-len(t))
			}
		}
		lines := make([]string, len(block))
		for i, l := range block {
			lines[i] = sanitize.Block(strings.TrimRight(l[min(indent, len(l)):], " \t"))
		}
		m.fenced("text", "", lines)
		block = nil
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			block = append(block, line)
			continue
		}
		flush()
		if line = strings.TrimSpace(line); line != "" {
			m.printf("%s\n\n", escapeText(line))
		}
	}
	flush()
}

// helpers groups the events of helper processes (programs a step started,
// such as iptables) by the process the step forked.
type helpers struct {
	// root maps a helper's PID to the PID of the process the step forked
	// (itself, or an ancestor for a helper's own children).
	root map[uint32]uint32
}

func helperProcesses(recs []analyze.Record) helpers {
	h := helpers{root: map[uint32]uint32{}}
	for i := range recs {
		e := &recs[i].Event
		if e.Kind != event.KindFork {
			continue
		}
		if r, ok := h.root[e.PPID]; ok {
			h.root[e.PID] = r
		} else {
			h.root[e.PID] = e.PID
		}
	}
	return h
}

// of returns the helper group of an event's process, if it is a helper.
func (h helpers) of(e *event.Event) (uint32, bool) {
	r, ok := h.root[e.PID]
	return r, ok
}

// source writes the step function's source, each line that made calls
// marked with what it did, and then the calls made from lines elsewhere.
func (m *mdWriter) source(st *session.Step, recs []analyze.Record, procs helpers) {
	src := &st.Source
	type lineUse struct {
		file   string
		line   int
		events int
		labels []string
		seen   map[string]bool
		runs   map[string]int // helper program -> runs
		progs  []string
	}
	var uses []*lineUse
	byLine := map[string]*lineUse{}
	for i := range recs {
		o := st.Events[i].Origin
		if o == nil {
			continue
		}
		key := o.File + ":" + strconv.Itoa(o.Line)
		u := byLine[key]
		if u == nil {
			u = &lineUse{file: o.File, line: o.Line, seen: map[string]bool{}, runs: map[string]int{}}
			byLine[key] = u
			uses = append(uses, u)
		}
		u.events++
		e := &recs[i].Event
		if _, ok := procs.of(e); ok {
			if e.Kind == event.KindExec {
				prog := programName(&recs[i])
				if u.runs[prog] == 0 {
					u.progs = append(u.progs, prog)
				}
				u.runs[prog]++
			}
			continue
		}
		for _, l := range eventLabels(&recs[i]) {
			if !u.seen[l] {
				u.seen[l] = true
				u.labels = append(u.labels, l)
			}
		}
	}
	describe := func(u *lineUse) string {
		var parts []string
		for _, p := range u.progs {
			if n := u.runs[p]; n > 1 {
				parts = append(parts, fmt.Sprintf("%d× exec %s", n, p))
			} else {
				parts = append(parts, "exec "+p)
			}
		}
		labels := u.labels
		if len(labels) > 4 {
			labels = append(labels[:4:4], "…")
		}
		parts = append(parts, labels...)
		return fmt.Sprintf("%s (%s)", strings.Join(parts, ", "), plural(u.events, "event"))
	}

	if src.Text == "" && src.Func != "" {
		m.printf("**Source:** %s in %s — %s\n\n", code(src.Func), code(src.File), escapeText(src.Missing))
	}
	if src.Text != "" {
		m.printf("**Source:** %s lines %d–%d\n\n", code(src.File), src.StartLine, src.EndLine)
		lines := strings.Split(strings.TrimSuffix(src.Text, "\n"), "\n")
		for i, text := range lines {
			n := src.StartLine + i
			if u := byLine[src.File+":"+strconv.Itoa(n)]; u != nil {
				text += fmt.Sprintf(" // ◀ L%d: %s", n, strings.TrimPrefix(describe(u), " "))
			}
			lines[i] = sanitize.Block(text)
		}
		m.fenced("go", "", lines)
	}
	var outside []*lineUse
	for _, u := range uses {
		if u.file != src.File || u.line < src.StartLine || u.line > src.EndLine {
			outside = append(outside, u)
		}
	}
	if len(outside) > 0 {
		m.printf("Calls made from lines outside this function:\n\n")
		for _, u := range outside {
			text := sourceLine(m.s.Sources[u.file], u.line)
			if text != "" {
				text = " " + code(text)
			}
			m.printf("- %s%s — %s\n", code(fmt.Sprintf("%s:%d", u.file, u.line)), text, escapeText(describe(u)))
		}
		m.printf("\n")
	}
}

// eventLabels names what an event of the step's own process did, for the
// source markers: the message types it sent, the ioctl, the sysctl.
func eventLabels(r *analyze.Record) []string {
	e, d := &r.Event, &r.Decoded
	switch e.Kind {
	case event.KindSend:
		var out []string
		for _, msg := range d.Netlink {
			if msg.Type < 16 || strings.HasPrefix(msg.Name, "NFNL_MSG_BATCH_") {
				continue // control messages and batch brackets
			}
			out = append(out, msg.Name)
		}
		return out
	case event.KindIoctl:
		return []string{ioctl.Name(uint32(e.Args[0]))}
	case event.KindWrite:
		return []string{"write " + sysctlName(d.Path)}
	case event.KindRead:
		return []string{"read " + sysctlName(d.Path)}
	case event.KindExec:
		return []string{"exec " + programName(r)}
	}
	return nil
}

// sysctlName turns /proc/sys/net/ipv4/ip_forward into net.ipv4.ip_forward.
func sysctlName(p string) string {
	if rest, ok := strings.CutPrefix(p, "/proc/sys/"); ok {
		return strings.ReplaceAll(rest, "/", ".")
	}
	return p
}

// programName is the base name of an exec'd program.
func programName(r *analyze.Record) string {
	p := r.Decoded.Path
	if len(r.Decoded.Argv) > 0 {
		p = r.Decoded.Argv[0]
	}
	if p == "" {
		p = r.Event.Path
	}
	return path.Base(p)
}

// sourceLine returns line n (1-based) of text, trimmed.
func sourceLine(text string, n int) string {
	for i := 1; text != ""; i++ {
		line, rest, _ := strings.Cut(text, "\n")
		if i == n {
			return strings.TrimSpace(line)
		}
		text = rest
	}
	return ""
}

// events writes the step's event table: one row per event of the step's
// own process, one row per helper process.
func (m *mdWriter) events(st *session.Step, recs []analyze.Record, procs helpers) {
	type row struct {
		first, last int // event indexes
		group       uint32
		helper      bool
		count       int
	}
	var rows []*row
	groups := map[uint32]*row{}
	for i := range recs {
		if g, ok := procs.of(&recs[i].Event); ok {
			if r := groups[g]; r != nil {
				r.last, r.count = i, r.count+1
				continue
			}
			r := &row{first: i, last: i, group: g, helper: true, count: 1}
			groups[g] = r
			rows = append(rows, r)
			continue
		}
		rows = append(rows, &row{first: i, last: i, count: 1})
	}
	title := plural(len(recs), "event")
	switch n := len(groups); {
	case n == 1:
		title += "; the helper process is one row"
	case n > 1:
		title += fmt.Sprintf("; each of the %s is one row", plural(n, "helper process"))
	}
	m.printf("**Events** — %s:\n\n| # | process | call | what | line |\n|---:|---|---|---|---|\n", title)
	shown := rows
	if len(rows) > m.opts.MaxRows {
		shown = rows[:m.opts.MaxRows]
	}
	for _, r := range shown {
		if !r.helper {
			rec := &recs[r.first]
			m.printf("| %d | %s %d | %s | %s | %s |\n", r.first+1, cell(rec.Event.Comm), rec.Event.PID,
				cellCode(callText(rec)), cellCode(whatText(rec)), originText(st.Events[r.first].Origin))
			continue
		}
		m.printf("| %d–%d | %s | helper process, %s | %s | %s |\n", r.first+1, r.last+1,
			helperProcessName(recs, r.group, procs), plural(r.count, "event"),
			helperWhat(recs, r.group, procs), originText(st.Events[r.first].Origin))
	}
	if rest := rows[len(shown):]; len(rest) > 0 {
		events, hs := 0, 0
		for _, r := range rest {
			events += r.count
			if r.helper {
				hs++
			}
		}
		what := plural(len(rest)-hs, "more event")
		if hs > 0 {
			what = fmt.Sprintf("%s and %s", plural(hs, "more helper process"), what)
			if len(rest) == hs {
				what = plural(hs, "more helper process")
			}
		}
		m.printf("| … | | | %s (%s) not listed: `netexplore export --format text` prints every event | |\n", what, plural(events, "event"))
	}
	m.printf("\n")
}

// callText is the call with its result, as in the text format.
func callText(r *analyze.Record) string {
	e, d := &r.Event, &r.Decoded
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker, event.KindExec:
		return d.Call
	}
	s := fmt.Sprintf("%s = %d", d.Call, e.Ret)
	if d.Errno != "" {
		s += " " + d.Errno
	}
	return s
}

// whatText is the event's summary, with the request a reply answers.
func whatText(r *analyze.Record) string {
	s := r.Decoded.Summary
	if len(r.Replies) > 0 && r.Replies[0] != nil {
		s += fmt.Sprintf(" ← reply to %s (seq %d)", r.Replies[0].Type, r.Replies[0].NlSeq)
	}
	return s
}

func originText(o *analyze.Frame) string {
	if o == nil {
		return ""
	}
	return cell(fmt.Sprintf("%s:%d", path.Base(o.File), o.Line))
}

// helperProcessName is "iptables 9213": the program the helper became.
func helperProcessName(recs []analyze.Record, group uint32, procs helpers) string {
	comm := ""
	for i := range recs {
		e := &recs[i].Event
		if g, ok := procs.of(e); ok && g == group && e.PID == group {
			comm = e.Comm
			if e.Kind == event.KindExecResult || (e.Kind != event.KindFork && e.Kind != event.KindExec) {
				break
			}
		}
	}
	return fmt.Sprintf("%s %d", cell(comm), group)
}

// helperWhat describes a helper process: its command line, how it ended
// and whether it changed anything (the state-changing requests it sent).
func helperWhat(recs []analyze.Record, group uint32, procs helpers) string {
	var cmd, exit string
	var changes []string
	seen := map[string]bool{}
	for i := range recs {
		r := &recs[i]
		e := &r.Event
		if g, ok := procs.of(e); !ok || g != group {
			continue
		}
		switch e.Kind {
		case event.KindExec:
			if cmd == "" && e.PID == group {
				cmd = strings.TrimPrefix(r.Decoded.Summary, "exec ")
			}
		case event.KindExit:
			if e.PID == group {
				exit = r.Decoded.Summary
				if _, rest, ok := strings.Cut(exit, fmt.Sprintf("process %d ", e.PID)); ok {
					exit = rest
				}
			}
		case event.KindSend:
			for _, msg := range r.Decoded.Netlink {
				if isChange(&msg) && !seen[msg.Name] {
					seen[msg.Name] = true
					changes = append(changes, msg.Name)
				}
			}
		case event.KindIoctl, event.KindWrite:
			for _, l := range eventLabels(r) {
				if !seen[l] && (e.Kind == event.KindWrite || isChangeIoctl(l)) {
					seen[l] = true
					changes = append(changes, l)
				}
			}
		}
	}
	var b strings.Builder
	if cmd != "" {
		b.WriteString(cellCode(cmd))
	}
	if exit != "" {
		fmt.Fprintf(&b, " → %s", escapeCell(exit))
	}
	if len(changes) > 0 {
		fmt.Fprintf(&b, "; sent %s", escapeCell(strings.Join(changes, ", ")))
	} else {
		b.WriteString("; changed nothing")
	}
	return b.String()
}

// isChange reports whether a message is a request that creates, deletes
// or sets something (RTM_NEWLINK, NFT_MSG_NEWRULE, RTM_SETLINK, ...).
func isChange(msg *netlink.Message) bool {
	const nlmFRequest = 1
	if msg.Flags&nlmFRequest == 0 || msg.Type < 16 {
		return false
	}
	verb := msg.Name[strings.LastIndex(msg.Name, "_")+1:]
	return strings.HasPrefix(verb, "NEW") || strings.HasPrefix(verb, "DEL") || strings.HasPrefix(verb, "SET")
}

// isChangeIoctl reports whether an ioctl request changes state: the
// bridge ioctls and the SIOCS* (set) requests.
func isChangeIoctl(name string) bool {
	return strings.HasPrefix(name, "SIOCBR") || strings.HasPrefix(name, "SIOCS")
}

// messages writes the decoded trees of the step's key requests: the first
// state-changing request of each type, from any process of the step.
func (m *mdWriter) messages(st *session.Step, recs []analyze.Record) {
	type pick struct {
		rec, msg int // msg is -1 for an ioctl
	}
	var picks []pick
	seen := map[string]bool{}
	for i := range recs {
		if len(picks) >= m.opts.MaxMessages {
			break
		}
		r := &recs[i]
		switch r.Event.Kind {
		case event.KindSend:
			for j := range r.Decoded.Netlink {
				msg := &r.Decoded.Netlink[j]
				if isChange(msg) && !seen[msg.Name] && len(picks) < m.opts.MaxMessages {
					seen[msg.Name] = true
					picks = append(picks, pick{i, j})
				}
			}
		case event.KindIoctl:
			name := ioctl.Name(uint32(r.Event.Args[0]))
			if isChangeIoctl(name) && !seen[name] && len(r.Decoded.Fields) > 0 {
				seen[name] = true
				picks = append(picks, pick{i, -1})
			}
		}
	}
	if len(picks) == 0 {
		return
	}
	m.printf("**Decoded requests** (byte ranges are relative to the start of the message):\n\n")
	for _, p := range picks {
		r := &recs[p.rec]
		e := &r.Event
		where := ""
		if o := st.Events[p.rec].Origin; o != nil {
			where = fmt.Sprintf(", line %d of %s", o.Line, code(o.File))
		}
		var fields []event.Field
		var summary string
		var data []byte
		base := 0
		if p.msg >= 0 {
			msg := &r.Decoded.Netlink[p.msg]
			fields, summary, base = msg.Fields, msg.Summary, msg.Offset
			if msg.Offset >= 0 && msg.Offset <= len(e.Data) {
				data = e.Data[msg.Offset:min(len(e.Data), msg.Offset+max(msg.Length, 0))]
			}
			if len(r.Decoded.Netlink) > 1 {
				where = fmt.Sprintf(", message %d of %d%s", p.msg+1, len(r.Decoded.Netlink), where)
			}
		} else {
			fields, summary, data = r.Decoded.Fields, r.Decoded.Summary, e.Data
			if name := ioctl.Name(uint32(e.Args[0])); !strings.HasPrefix(summary, name) {
				summary = name + " " + summary
			}
		}
		m.printf("%s — event %d, %s %d %s%s, %s:\n\n", code(summary), p.rec+1, cell(e.Comm), e.PID,
			code(callText(r)), where, plural(len(data), "byte"))
		for _, f := range fields {
			m.field(f, base, 0)
		}
		m.printf("\n")
		if len(data) > 0 {
			dump := data
			more := ""
			if len(dump) > m.opts.HexLimit {
				dump = dump[:m.opts.HexLimit]
				more = fmt.Sprintf("… %d more bytes\n", len(data)-len(dump))
			}
			m.printf("<details><summary>%s</summary>\n\n", plural(len(data), "byte"))
			m.fenced("text", "", strings.Split(strings.TrimSuffix(hex.Dump(dump)+more, "\n"), "\n"))
			m.printf("</details>\n\n")
		}
	}
}

// field writes one decoded field as a nested list item.
func (m *mdWriter) field(f event.Field, base, depth int) {
	m.printf("%s- %s", strings.Repeat("  ", depth), code(f.Name))
	if f.Value != "" {
		m.printf(" = %s", code(f.Value))
	}
	start := f.Offset - base
	switch {
	case f.Length > 1:
		m.printf(" · bytes %d–%d", start, start+f.Length-1)
	case f.Length == 1:
		m.printf(" · byte %d", start)
	}
	m.printf("\n")
	for _, c := range f.Children {
		m.field(c, base, depth+1)
	}
}

// result writes the step's kernel changes, notes and helper commands.
func (m *mdWriter) result(st *session.Step) {
	res := st.Result
	if res == nil || st.Status == session.Skipped {
		if res != nil && len(res.Notes) > 0 {
			m.notes(res.Notes)
		}
		return
	}
	if len(res.Changes) > 0 {
		m.printf("**Kernel changes:**\n\n")
		for _, c := range res.Changes {
			m.printf("- %s\n", code(c.String()))
		}
		m.printf("\n")
	} else {
		m.printf("**Kernel changes:** none visible in links, addresses, routes, sysctls or firewall rules.\n\n")
	}
	m.notes(res.Notes)
	if len(res.Commands) > 0 {
		m.printf("<details><summary>%s run by this step</summary>\n\n", plural(len(res.Commands), "helper command"))
		for _, c := range res.Commands {
			args := append([]string{}, c.Args...)
			if len(args) > 0 {
				args[0] = path.Base(args[0])
			}
			m.printf("- %s → exit %d", code(shellJoin(args)), c.ExitCode)
			if out := strings.TrimSpace(c.Output); out != "" {
				first, _, more := strings.Cut(out, "\n")
				if more {
					first += " …"
				}
				m.printf(": %s", code(first))
			}
			m.printf("\n")
			if c.Stdin != "" {
				m.printf("\n")
				lines := strings.Split(strings.TrimRight(c.Stdin, "\n"), "\n")
				for i, l := range lines {
					lines[i] = sanitize.Block(l)
				}
				m.fenced("text", "  ", lines)
			}
		}
		m.printf("\n</details>\n\n")
	}
}

func (m *mdWriter) notes(notes []string) {
	if len(notes) == 0 {
		return
	}
	m.printf("**Notes:**\n\n")
	for _, n := range notes {
		m.printf("- %s\n", escapeText(n))
	}
	m.printf("\n")
}

// slug returns the anchor GitHub gives a heading: lower case, punctuation
// dropped, spaces as hyphens, "-1", "-2", ... for repeats.
func (m *mdWriter) slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	s := b.String()
	n := m.slugs[s]
	m.slugs[s] = n + 1
	if n > 0 {
		s = fmt.Sprintf("%s-%d", s, n)
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "s") {
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// shellJoin quotes args the way a shell user would type them.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:=,+@%", r))
		}) < 0 {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

// cellCode renders s as an inline code span inside a table cell, where a
// pipe must be escaped even in code.
func cellCode(s string) string { return escapeCell(code(s)) }

// fenced writes lines as a fenced code block of the given language, each
// line after indent. The fence is longer than any run of backticks in the
// lines, so no line can close it early.
func (m *mdWriter) fenced(lang, indent string, lines []string) {
	fence := "```"
	for _, l := range lines {
		for strings.Contains(l, fence) {
			fence += "`"
		}
	}
	m.printf("%s%s%s\n", indent, fence, lang)
	for _, l := range lines {
		m.printf("%s%s\n", indent, l)
	}
	m.printf("%s%s\n\n", indent, fence)
}

// code renders s as an inline code span, control characters shown as
// escapes (package sanitize).
func code(s string) string {
	s = sanitize.Line(strings.ReplaceAll(s, "\n", " "))
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// cell escapes plain text for a table cell.
func cell(s string) string { return escapeCell(escapeText(s)) }

func escapeCell(s string) string {
	return strings.ReplaceAll(sanitize.Line(strings.ReplaceAll(s, "\n", " ")), "|", `\|`)
}

// escapeText escapes the characters that Markdown would take for markup
// in running text: backslashes, backticks, asterisks, a "<" that could
// open an HTML tag, a leading "#", and underscores at the edge of a word
// (inside a word, as in IFLA_IFNAME, they cannot start emphasis).
//
// It is for one line: line breaks become spaces and other control
// characters are shown as escapes (package sanitize), so no string can
// start a heading or a block of its own.
func escapeText(s string) string {
	var b strings.Builder
	rs := []rune(sanitize.Line(strings.ReplaceAll(s, "\n", " ")))
	word := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	for i, r := range rs {
		switch {
		case r == '\\' || r == '`' || r == '*':
			b.WriteByte('\\')
		case r == '<' && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || strings.ContainsRune("/!?", rs[i+1])):
			b.WriteString("&lt;")
			continue
		case r == '_' && (!word(i-1) || !word(i+1)):
			b.WriteByte('\\')
		case r == '#' && i == 0:
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
