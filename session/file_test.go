package session

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netexplore/netexplore/steps"
)

// embedded reads the embedded session, failing the test if it cannot.
func embedded(t testing.TB) *Session {
	t.Helper()
	s, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return s
}

// encode writes s to memory.
func encode(t testing.TB, s *Session) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// small returns a short session made of real recorded steps: the embedded
// session's steps with fewer than 10 events (device creation, sysctls,
// MTU, address, link up, and the skipped ones), renumbered.
func small(t testing.TB) *Session {
	t.Helper()
	full := embedded(t)
	s := &Session{Header: full.Header, Sources: map[string]string{}, Lost: 3, Complete: true}
	for _, st := range full.Steps {
		if len(st.Events) >= 10 {
			continue
		}
		c := *st
		c.Index = len(s.Steps)
		c.records = nil
		s.Steps = append(s.Steps, &c)
		if f := st.Source.File; f != "" {
			s.Sources[f] = full.Sources[f]
		}
	}
	if len(s.Steps) < 5 || s.EventCount() == 0 {
		t.Fatalf("small session has %d steps and %d events: the embedded session changed shape", len(s.Steps), s.EventCount())
	}
	return s
}

// sessionOpts compares sessions field by field; a step's records are
// derived data and compared separately.
var sessionOpts = cmp.Options{
	cmpopts.IgnoreUnexported(Step{}, steps.Step{}),
	cmpopts.EquateEmpty(),
}

func TestEmbeddedSession(t *testing.T) {
	s := embedded(t)
	if !s.Complete {
		t.Error("embedded session is not complete")
	}
	if s.Header.Format != FormatName || s.Header.Version != FormatVersion {
		t.Errorf("header format %q version %d, want %q %d", s.Header.Format, s.Header.Version, FormatName, FormatVersion)
	}
	if len(s.Steps) == 0 || s.EventCount() == 0 {
		t.Fatalf("embedded session has %d steps and %d events", len(s.Steps), s.EventCount())
	}
	for _, st := range s.Steps {
		if st.Status == Pending {
			t.Errorf("step %d (%s) has no result", st.Index, st.Info.ID)
		}
		if st.Source.Text == "" {
			t.Errorf("step %d (%s) has no source", st.Index, st.Info.ID)
		}
		for i := range st.Events {
			if o := st.Events[i].Origin; o != nil && s.Sources[o.File] == "" {
				t.Errorf("step %d event %d: origin %s:%d has no source text in the session", st.Index, i, o.File, o.Line)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for name, orig := range map[string]*Session{"embedded": embedded(t), "small": small(t)} {
		t.Run(name, func(t *testing.T) {
			data := encode(t, orig)
			got, err := Read(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Read(Write(session)): %v", err)
			}
			if diff := cmp.Diff(orig.Header, got.Header); diff != "" {
				t.Errorf("header differs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(orig.Sources, got.Sources); diff != "" {
				t.Errorf("sources differ (-want +got):\n%s", diff)
			}
			if got.Lost != orig.Lost || got.Complete != orig.Complete {
				t.Errorf("lost %d complete %v, want %d %v", got.Lost, got.Complete, orig.Lost, orig.Complete)
			}
			if len(got.Steps) != len(orig.Steps) {
				t.Fatalf("%d steps, want %d", len(got.Steps), len(orig.Steps))
			}
			for i, want := range orig.Steps {
				st := got.Steps[i]
				if diff := cmp.Diff(want, st, sessionOpts); diff != "" {
					t.Errorf("step %d (%s) differs (-want +got):\n%s", i, want.Info.ID, diff)
					continue
				}
				wantRecs, gotRecs := want.Records(), st.Records()
				if len(gotRecs) != len(wantRecs) {
					t.Fatalf("step %d: %d records, want %d", i, len(gotRecs), len(wantRecs))
				}
				for j := range wantRecs {
					if !bytes.Equal(gotRecs[j].Event.Data, wantRecs[j].Event.Data) {
						t.Errorf("step %d event %d: payload bytes differ", i, j)
					}
					if diff := cmp.Diff(wantRecs[j].Decoded, gotRecs[j].Decoded, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("step %d event %d: decoded tree differs (-want +got):\n%s", i, j, diff)
					}
					if diff := cmp.Diff(wantRecs[j].Replies, gotRecs[j].Replies); diff != "" {
						t.Errorf("step %d event %d: reply pairing differs (-want +got):\n%s", i, j, diff)
					}
				}
			}
			// Writing what was read gives the same bytes: the format is stable.
			if again := encode(t, got); !bytes.Equal(again, data) {
				t.Errorf("Write(Read(Write(s))) differs from Write(s): %d bytes vs %d", len(again), len(data))
			}
		})
	}
}

// TestRecordsDecode checks that the embedded session still decodes to the
// messages the walkthrough relies on.
func TestRecordsDecode(t *testing.T) {
	s := embedded(t)
	want := map[string]bool{"RTM_NEWLINK": false, "RTM_NEWADDR": false, "NFT_MSG_NEWRULE": false, "NFT_MSG_NEWCHAIN": false}
	for _, st := range s.Steps {
		for _, r := range st.Records() {
			if r.Event.Kind != event.KindSend {
				continue
			}
			for _, m := range r.Decoded.Netlink {
				if _, ok := want[m.Name]; ok {
					want[m.Name] = true
				}
				if m.Malformed != "" {
					t.Errorf("step %d (%s): %s is malformed: %s", st.Index, st.Info.ID, m.Name, m.Malformed)
				}
			}
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("no %s request decoded in the embedded session", name)
		}
	}
}

// errorClasses are how every read error starts: one clear statement of
// what is wrong with the file.
var errorClasses = []string{
	ErrNotSession.Error(),
	"truncated session",
	"corrupt session",
	"session format version",
}

// checkReadError fails unless err is one clear error of a known class.
func checkReadError(t *testing.T, what string, err error) {
	t.Helper()
	msg := err.Error()
	ok := false
	for _, c := range errorClasses {
		if strings.HasPrefix(msg, c) {
			ok = !strings.Contains(msg[len(c):], c)
			break
		}
	}
	if !ok || strings.Contains(msg, "\n") {
		t.Errorf("%s: unclear error %q", what, msg)
	}
}

// gzipLines compresses text the way a session file is compressed.
func gzipLines(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// header is a valid header line of the given version.
func header(version int) string {
	b, _ := json.Marshal(line{Type: "header", Header: &Header{Format: FormatName, Version: version, Scenario: "bridge"}})
	return string(b) + "\n"
}

func TestReadNewerVersion(t *testing.T) {
	data := gzipLines(t, header(FormatVersion+1)+`{"type":"end","lost":0}`+"\n")
	_, err := Read(bytes.NewReader(data))
	if err == nil {
		t.Fatal("a session from a newer format version was accepted")
	}
	checkReadError(t, "newer version", err)
	if !strings.Contains(err.Error(), "upgrade netexplore") {
		t.Errorf("error %q does not say to upgrade", err)
	}

	// The same version with an unknown kind of line reads fine: minor
	// additions are skipped.
	data = gzipLines(t, header(FormatVersion)+`{"type":"thumbnail","text":"x"}`+"\n"+`{"type":"end","lost":0}`+"\n")
	if _, err := Read(bytes.NewReader(data)); err != nil {
		t.Errorf("unknown line type: %v", err)
	}
}

func TestReadNotSession(t *testing.T) {
	valid := encode(t, small(t))
	plain, err := gzip.NewReader(bytes.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	var jsonl bytes.Buffer
	jsonl.ReadFrom(plain)

	for _, tc := range []struct {
		name  string
		data  []byte
		class string
	}{
		{"empty", nil, ErrNotSession.Error()},
		{"one byte", []byte{0x1f}, ErrNotSession.Error()},
		{"text", []byte("hello, world\n"), ErrNotSession.Error()},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotSession.Error()},
		{"uncompressed session", jsonl.Bytes(), ErrNotSession.Error()},
		{"gzip of text", gzipLines(t, "hello\nworld\n"), ErrNotSession.Error()},
		{"gzip of nothing", gzipLines(t, ""), ErrNotSession.Error()},
		{"gzip of json", gzipLines(t, `{"a":1}`+"\n"), ErrNotSession.Error()},
		{"other format", gzipLines(t, strings.Replace(header(1), FormatName, "pcapng", 1)), ErrNotSession.Error()},
		{"header only", gzipLines(t, header(1)), "truncated session"},
		{"version 0", gzipLines(t, header(0)), "corrupt session"},
		{"event before step", gzipLines(t, header(1)+`{"type":"event","index":0,"event":{}}`+"\n"), "corrupt session"},
		{"step out of order", gzipLines(t, header(1)+`{"type":"step","step":{"index":1}}`+"\n"), "corrupt session"},
		{"unknown status", gzipLines(t, header(1)+`{"type":"step","step":{"index":0}}`+"\n"+`{"type":"result","index":0,"status":"weird"}`+"\n"), "corrupt session"},
		{"line after end", gzipLines(t, header(1)+`{"type":"end","lost":0}`+"\n"+`{"type":"end","lost":0}`+"\n"), "corrupt session"},
		{"end without count", gzipLines(t, header(1)+`{"type":"end"}`+"\n"), "corrupt session"},
		{"trailing garbage on a line", gzipLines(t, header(1)+`{"type":"end","lost":0} {"x":1}`+"\n"), "corrupt session"},
		{"two sessions", append(append([]byte{}, valid...), valid...), "corrupt session"},
		{"garbage after the file", append(append([]byte{}, valid...), "garbage"...), "corrupt session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Read(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatalf("accepted as a session with %d steps", len(s.Steps))
			}
			checkReadError(t, tc.name, err)
			if !strings.HasPrefix(err.Error(), tc.class) {
				t.Errorf("error %q, want one starting %q", err, tc.class)
			}
			if tc.class == ErrNotSession.Error() && !errors.Is(err, ErrNotSession) {
				t.Errorf("error %q does not wrap ErrNotSession", err)
			}
		})
	}
}

// cutPoints returns the offsets to cut or corrupt a file of n bytes at:
// every offset of the first head bytes and of the last tail, and about
// budget more spread evenly in between.
func cutPoints(n, head, tail, budget int) []int {
	var out []int
	step := max(1, (n-head-tail)/budget)
	for i := 0; i < n; {
		out = append(out, i)
		switch {
		case i < head || i >= n-tail:
			i++
		default:
			i = min(i+step, max(n-tail, i+1))
		}
	}
	return out
}

// cutCases are the sessions to cut and corrupt: every byte of the small
// one's gzip header and trailer and hundreds of places in between; a few
// dozen places of the large embedded one (each read of it takes a while).
func cutCases(t *testing.T) map[string]struct {
	s                  *Session
	head, tail, budget int
} {
	return map[string]struct {
		s                  *Session
		head, tail, budget int
	}{
		"small":    {small(t), 64, 32, 600},
		"embedded": {embedded(t), 10, 8, 16},
	}
}

func TestReadTruncated(t *testing.T) {
	for name, tc := range cutCases(t) {
		t.Run(name, func(t *testing.T) {
			data := encode(t, tc.s)
			for _, n := range cutPoints(len(data), tc.head, tc.tail, tc.budget) {
				s, err := Read(bytes.NewReader(data[:n]))
				if err == nil {
					t.Errorf("cut at %d of %d bytes: accepted with %d steps", n, len(data), len(s.Steps))
					continue
				}
				what := fmt.Sprintf("cut at %d of %d bytes", n, len(data))
				checkReadError(t, what, err)
				// Past the gzip header, the file is recognisably a session
				// that ends too early.
				if n >= 10 && !strings.HasPrefix(err.Error(), "truncated session") {
					t.Errorf("%s: error %q does not say truncated", what, err)
				}
			}
		})
	}
}

func TestReadCorrupted(t *testing.T) {
	for name, tc := range cutCases(t) {
		t.Run(name, func(t *testing.T) {
			data := encode(t, tc.s)
			for _, off := range cutPoints(len(data), tc.head, tc.tail, tc.budget) {
				flips := []byte{0x01, 0xff}
				if name == "embedded" {
					flips = flips[1:]
				}
				for _, flip := range flips {
					bad := bytes.Clone(data)
					bad[off] ^= flip
					s, err := Read(bytes.NewReader(bad))
					what := fmt.Sprintf("byte %d of %d xor %#x", off, len(data), flip)
					if err != nil {
						checkReadError(t, what, err)
						continue
					}
					// Only bytes nothing checks (the gzip header's time, flags
					// for the OS) may change without an error, and then the
					// content must be exactly the original.
					if !bytes.Equal(encode(t, s), data) {
						t.Errorf("%s: accepted as a different session", what)
					}
				}
			}
		})
	}
}

func TestReadLongLine(t *testing.T) {
	data := gzipLines(t, header(1)+`{"type":"source","file":"x","text":"`+strings.Repeat("a", maxLine)+`"}`+"\n")
	_, err := Read(bytes.NewReader(data))
	if err == nil {
		t.Fatal("a line longer than the limit was accepted")
	}
	checkReadError(t, "long line", err)
	if !strings.Contains(err.Error(), "longer than") {
		t.Errorf("error %q does not name the long line", err)
	}
}

// TestWriterStreams checks the streaming writer produces what Write does,
// and that a session interrupted before Close reads as truncated.
func TestWriterStreams(t *testing.T) {
	s := small(t)
	var b bytes.Buffer
	w, err := NewWriter(&b, s.Header)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.body(s); err != nil {
		t.Fatal(err)
	}
	if err := w.gz.Flush(); err != nil {
		t.Fatal(err)
	}
	_, err = Read(bytes.NewReader(b.Bytes()))
	if err == nil || !strings.HasPrefix(err.Error(), "truncated session") {
		t.Errorf("session without its end line: error %v, want truncated", err)
	}
	if err := w.Close(s.Lost); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("reading the streamed session: %v", err)
	}
	if diff := cmp.Diff(s.Steps, got.Steps, sessionOpts); diff != "" {
		t.Errorf("streamed session differs (-want +got):\n%s", diff)
	}
}

func TestReadFileErrors(t *testing.T) {
	_, err := ReadFile(t.TempDir() + "/missing.nxs")
	if err == nil || !strings.Contains(err.Error(), "opening session") {
		t.Errorf("missing file: error %v", err)
	}
	path := t.TempDir() + "/s.nxs"
	if err := WriteFile(path, small(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("ReadFile(WriteFile(s)): %v", err)
	}
}

// BenchmarkEmbeddedLoad measures what replay does before its first screen:
// read the embedded session and decode every step's events.
func BenchmarkEmbeddedLoad(b *testing.B) {
	events := 0
	for b.Loop() {
		s, err := Embedded()
		if err != nil {
			b.Fatal(err)
		}
		events = 0
		for _, st := range s.Steps {
			events += len(st.Records())
		}
	}
	b.ReportMetric(float64(events), "events")
}

// BenchmarkEmbeddedRead measures reading the embedded session alone,
// without decoding the events.
func BenchmarkEmbeddedRead(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// An interrupted recording ends with an end line that says so: it reads
// without error, not Complete, with the reason.
func TestReadInterrupted(t *testing.T) {
	s := small(t)
	var b bytes.Buffer
	w, err := NewWriter(&b, s.Header)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.body(s); err != nil {
		t.Fatal(err)
	}
	if err := w.Interrupt(3, "interrupted during step 2/2 (setupDevice)"); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("interrupted session: %v", err)
	}
	if got.Complete || got.Stopped != "interrupted during step 2/2 (setupDevice)" || got.Lost != 3 {
		t.Errorf("Complete %v, Stopped %q, Lost %d", got.Complete, got.Stopped, got.Lost)
	}
	if len(got.Steps) != len(s.Steps) {
		t.Errorf("%d steps, want %d", len(got.Steps), len(s.Steps))
	}
}

// A file cut short still gives the steps before the cut, with the error.
func TestReadTruncatedKeepsSteps(t *testing.T) {
	s := small(t)
	data := encode(t, s)
	// Decompress, cut the text after the first event line, compress again.
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	plain.ReadFrom(zr)
	lines := strings.SplitAfter(plain.String(), "\n")
	cut := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `{"type":"event"`) {
			cut = i + 1
			break
		}
	}
	if cut == 0 {
		t.Fatal("no event line in the small session")
	}
	text := strings.Join(lines[:cut], "") + lines[cut][:len(lines[cut])/2]
	got, err := Read(bytes.NewReader(gzipLines(t, text)))
	if err == nil || !strings.HasPrefix(err.Error(), "truncated session: the last line") {
		t.Fatalf("error %v, want a truncated last line", err)
	}
	if got == nil || len(got.Steps) == 0 || got.EventCount() != 1 || got.Complete {
		t.Fatalf("partial session not returned: %+v", got)
	}
}

// A small file that decompresses beyond the limit is refused with a clear
// error, without reading it all.
func TestReadLimit(t *testing.T) {
	defer func(l int64) { Limit = l }(Limit)
	Limit = 1 << 20
	ev := `{"type":"event","index":0,"event":{"seq":1,"data":"` + strings.Repeat("A", 4096) + `"}}` + "\n"
	text := header(1) + `{"type":"step","step":{"index":0}}` + "\n" + strings.Repeat(ev, 600)
	data := gzipLines(t, text)
	if len(data) > 64<<10 {
		t.Fatalf("bomb is %d bytes, want a small file", len(data))
	}
	_, err := Read(bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "memory limit") {
		t.Fatalf("error %v, want the memory limit", err)
	}
	checkReadError(t, "bomb", err)
}

func TestReadFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: error %v", err)
	}
	fifo := dir + "/fifo"
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("fifo: error %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}
