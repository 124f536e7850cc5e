package analyze

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/event"
)

// allRecords analyzes every fixture event, in file order, with an analyzer
// made by mk, plus a few events whose strings need escaping.
func allRecords(t testing.TB, a *Analyzer) []Record {
	fx := fixtureEvents(t)
	names := make([]string, 0, len(fx))
	for n := range fx {
		names = append(names, n)
	}
	sort.Strings(names)
	var recs []Record
	seq := uint64(0)
	for _, n := range names {
		for _, e := range fx[n] {
			seq++
			e.Seq = seq
			recs = append(recs, a.Analyze(e))
		}
	}
	odd := event.Event{Seq: seq + 1, Kind: event.KindExec, Syscall: "execve", PID: 1, PPID: 0,
		Comm: "a<b>&\"c\"\\\x01\u2028", Data: []byte("/bin/x\x00x\x00\xff\xfe<\u2029>\x00\t\n\r\b\f")}
	odd.DataLen = uint32(len(odd.Data))
	recs = append(recs, a.Analyze(odd))
	fork := event.Event{Seq: seq + 2, Kind: event.KindFork, PID: 5, PPID: 4, Stack: []uint64{1, 2}}
	recs = append(recs, a.Analyze(fork))
	return recs
}

// The hand-written JSON is what encoding/json writes for JSONEvent, byte
// for byte, for every kind of decoded payload the fixtures hold.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	if !handWritable {
		t.Fatal("a type written by hand changed its JSON fields: update json.go (jsonShapes and the encoder)")
	}
	recs := allRecords(t, NewAnalyzer(nil))
	p := NewPrinter(true, TextOptions{})
	for i := range recs {
		r := &recs[i]
		want, err := json.Marshal(r.ToJSON())
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		got, err := AppendJSON(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("event %d (%s): AppendJSON differs from encoding/json at byte %d:\n got %s\nwant %s",
				r.Event.Seq, r.Decoded.Summary, firstDiff(got, want), clip(got, want), clip(want, got))
		}
		viaPrinter, _ := p.Append(nil, r)
		if !bytes.Equal(viaPrinter, want) {
			t.Fatalf("event %d: Printer differs from encoding/json at byte %d", r.Event.Seq, firstDiff(viaPrinter, want))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func clip(a, b []byte) string {
	i := firstDiff(a, b)
	lo, hi := max(0, i-60), min(len(a), i+60)
	return string(a[lo:hi])
}

// Shared results render exactly what fresh decoding renders, in both
// formats, through the printer's caches.
func TestSharedResultsRenderTheSame(t *testing.T) {
	fresh := allRecords(t, NewAnalyzer(nil))
	shared := NewAnalyzer(nil, ShareResults())
	// Twice: the second pass hits the memo for every event.
	for pass := range 2 {
		recs := allRecords(t, shared)
		for _, format := range []struct {
			json bool
			opts TextOptions
		}{{true, TextOptions{}}, {false, TextOptions{}}, {false, TextOptions{Verbose: true}}, {false, TextOptions{Brief: true}}} {
			p := NewPrinter(format.json, format.opts)
			for i := range recs {
				want := renderRecord(t, &fresh[i], format.json, format.opts)
				got, err := p.Append(nil, &recs[i])
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("pass %d, json %v %+v, event %d: shared render differs at byte %d:\n got %q\nwant %q",
						pass, format.json, format.opts, recs[i].Event.Seq, firstDiff(got, want), clip(got, want), clip(want, got))
				}
			}
		}
	}
}

func renderRecord(t *testing.T, r *Record, json bool, opts TextOptions) []byte {
	if json {
		b, err := AppendJSON(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return AppendText(nil, r, opts)
}

// The text format is the one netexplore always printed (the renderer it
// replaced, kept here as the reference).
func TestAppendTextMatchesReference(t *testing.T) {
	for _, opts := range []TextOptions{{}, {Verbose: true}} {
		for _, r := range allRecords(t, NewAnalyzer(nil)) {
			r.Frames = []Frame{{PC: 1, Func: "main.f", File: "f.go", Line: 3}}
			if got, want := string(AppendText(nil, &r, opts)), referenceText(&r, opts); got != want {
				t.Fatalf("%+v, event %d: got\n%s\nwant\n%s", opts, r.Event.Seq, got, want)
			}
		}
	}
}

func referenceText(r *Record, opts TextOptions) string {
	var b strings.Builder
	e, d := &r.Event, &r.Decoded
	fmt.Fprintf(&b, "[%s %d] %s", sanitize.Line(e.Comm), e.PID, sanitize.Line(d.Call))
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMarker, event.KindExec:
	default:
		if e.Failed() {
			fmt.Fprintf(&b, " = -1 %s (%s)", d.Errno, strings.ToUpper(syscall.Errno(-e.Ret).Error()[:1])+syscall.Errno(-e.Ret).Error()[1:])
		} else {
			fmt.Fprintf(&b, " = %d", e.Ret)
		}
	}
	b.WriteString("\n")
	if len(d.Netlink) == 0 {
		fmt.Fprintf(&b, "    %s", sanitize.Line(d.Summary))
		if e.Truncated() {
			fmt.Fprintf(&b, "... (truncated: %d of %d bytes)", len(e.Data), e.DataLen)
		}
		b.WriteString("\n")
	}
	var field func(f event.Field, depth int)
	field = func(f event.Field, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(sanitize.Line(f.Name))
		if f.Value != "" {
			b.WriteString(": ")
			b.WriteString(sanitize.Line(f.Value))
		}
		b.WriteString("\n")
		for _, c := range f.Children {
			field(c, depth+1)
		}
	}
	if fieldsAddDetail(e.Kind, d.Fields) {
		for _, f := range d.Fields {
			field(f, 2)
		}
	}
	{
		multi := len(d.Netlink) > 3
		for i, m := range d.Netlink {
			line := sanitize.Line(m.Summary)
			if i < len(r.Replies) && r.Replies[i] != nil {
				line += fmt.Sprintf("  ← reply to %s (seq %d)", r.Replies[i].Type, r.Replies[i].NlSeq)
			}
			fmt.Fprintf(&b, "    %s\n", line)
			if multi && !opts.Verbose && !m.IsError {
				continue
			}
			for _, f := range m.Fields {
				field(f, 3)
			}
		}
	}
	if f, ok := r.TopFrame(); ok {
		fmt.Fprintf(&b, "    at %s\n", f)
	}
	if opts.Verbose && len(e.Data) > 0 {
		for _, line := range strings.Split(strings.TrimRight(hex.Dump(e.Data), "\n"), "\n") {
			fmt.Fprintf(&b, "      %s\n", line)
		}
	}
	return b.String()
}

// withSeq returns a copy of e whose netlink messages carry sequence numbers
// from seq on.
func withSeq(e event.Event, seq uint32) event.Event {
	data := bytes.Clone(e.Data)
	for off := 0; off+16 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		if n < 16 || off+n > len(data) {
			break
		}
		binary.LittleEndian.PutUint32(data[off+8:], seq)
		seq++
		off += (n + 3) &^ 3
	}
	e.Data = data
	return e
}

// Requests and replies that differ only in their sequence numbers share
// one decoding, patched, and the result is what decoding them gives.
func TestSharedResultsPatchSequenceNumbers(t *testing.T) {
	for _, name := range []string{"rtnl_request", "rtnl_reply", "nft_batch"} {
		e := stormFixture(t, name)
		a := NewAnalyzer(nil, ShareResults())
		var entries []*memoEntry
		for i := range uint32(5) {
			ev := withSeq(e, 1000+100*i)
			r := a.Analyze(ev)
			if want := decode.Event(&ev); !reflect.DeepEqual(r.Decoded, want) {
				t.Fatalf("%s, round %d: shared result differs from decoding", name, i)
			}
			entries = append(entries, r.memo)
		}
		if entries[4] == nil || entries[4] != entries[1] {
			t.Errorf("%s: repeated events did not share one decoding", name)
		}
		if entries[4].patch != patchExact {
			t.Errorf("%s: patch state %d, want exact", name, entries[4].patch)
		}
	}
}

// Streamed results (the trace printer's) are patched in place: each one,
// used before the next event is analyzed, is what decoding gives and
// renders the same in every format, however the sequence numbers come
// back (a number seen before, the same event twice, another event
// between them).
func TestStreamedResultsPatchInPlace(t *testing.T) {
	formats := []struct {
		json bool
		opts TextOptions
	}{{true, TextOptions{}}, {false, TextOptions{}}, {false, TextOptions{Verbose: true}}, {false, TextOptions{Brief: true}}}
	for _, name := range []string{"rtnl_request", "rtnl_reply", "nft_batch"} {
		e := stormFixture(t, name)
		other := stormFixture(t, "ioctl")
		a := NewAnalyzer(nil, StreamResults())
		printers := make([]*Printer, len(formats))
		for i, f := range formats {
			printers[i] = NewPrinter(f.json, f.opts)
		}
		var entries []*memoEntry
		for round, seq := range []uint32{1000, 1100, 1200, 1000, 1000, 0, 1300, 1300, 1100} {
			ev := other
			if seq != 0 {
				ev = withSeq(e, seq)
			}
			ev.Seq = uint64(round + 1)
			r := a.Analyze(ev)
			want := decode.Event(&ev)
			if !reflect.DeepEqual(r.Decoded, want) {
				t.Fatalf("%s, round %d (seq %d): streamed result differs from decoding", name, round, seq)
			}
			fresh := Record{Event: ev, Decoded: want}
			for i, f := range formats {
				got, err := printers[i].Append(nil, &r)
				if err != nil {
					t.Fatal(err)
				}
				if w := renderRecord(t, &fresh, f.json, f.opts); !bytes.Equal(got, w) {
					t.Fatalf("%s, round %d (seq %d), json %v %+v: render differs at byte %d:\n got %q\nwant %q",
						name, round, seq, f.json, f.opts, firstDiff(got, w), clip(got, w), clip(w, got))
				}
			}
			if seq != 0 {
				entries = append(entries, r.memo)
			}
		}
		last := entries[len(entries)-1]
		if last == nil || last != entries[1] || last.patch != patchExact {
			t.Errorf("%s: the exchanges did not share one entry patched in place", name)
		}
	}
}

// The analyzer decodes a trace in order with what it learned: ethtool's
// generic netlink family id from the nlctrl reply that gave it, and an
// nf_tables set's key type from the set dump before its elements.
func TestAnalyzerLearnsFromTheTrace(t *testing.T) {
	all := fixtureEvents(t)
	for _, tc := range []struct {
		file, prefix, want string // prefix finds the message: found, its summary starts with want
	}{
		{"rtnl_ethtool_features", "ethtool ETHTOOL_MSG_FEATURES_GET v0", "ethtool ETHTOOL_MSG_FEATURES_GET v0 NLM_F_REQUEST"},
		{"nft_sets", "NFT_MSG_NEWSETELEM setelem ip t s ", "NFT_MSG_NEWSETELEM setelem ip t s {10.0.0.1} "},
	} {
		events := all[tc.file]
		if len(events) == 0 {
			t.Fatalf("no events in fixture %s", tc.file)
		}
		for _, share := range []bool{false, true} {
			var opts []AnalyzerOption
			if share {
				opts = append(opts, ShareResults())
			}
			a := NewAnalyzer(nil, opts...)
			found := false
			for _, e := range events {
				for _, m := range a.Analyze(e).Decoded.Netlink {
					if strings.HasPrefix(m.Summary, tc.prefix) {
						found = true
						if !strings.HasPrefix(m.Summary, tc.want) {
							t.Errorf("%s: %q, want %q", tc.file, m.Summary, tc.want)
						}
					}
				}
			}
			if !found {
				t.Errorf("%s (shared %v): no message %q decoded", tc.file, share, tc.prefix)
			}
		}
	}
}
