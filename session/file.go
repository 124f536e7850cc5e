package session

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/netexplore/netexplore/internal/safefile"

	"github.com/netexplore/netexplore/steps"
)

// FormatName identifies a session file in its header line.
const FormatName = "netexplore-session"

// FormatVersion is the session file format this build writes. Readers
// accept this version and older ones.
const FormatVersion = 1

// maxLine bounds one JSON line, so a hostile file cannot make the reader
// allocate without limit. An event carries at most 32 KiB of payload (hex
// encoded in JSON: 64 KiB); a source file line can be larger but not this large.
const maxLine = 16 << 20

// line is one line of a session file; Type says which other fields are set.
type line struct {
	Type   string            `json:"type"`
	Header *Header           `json:"header,omitempty"`
	Step   *Step             `json:"step,omitempty"`
	Index  *int              `json:"index,omitempty"`
	Event  *Event            `json:"event,omitempty"`
	Result *steps.StepResult `json:"result,omitempty"`
	File   string            `json:"file,omitempty"`
	Text   string            `json:"text,omitempty"`
	Lost   *uint64           `json:"lost,omitempty"`
	Status Status            `json:"status,omitempty"`
	// Start is on a result line: the step's begin marker time.
	Start time.Duration `json:"start_ns,omitempty"`
	// Interrupted, on the end line, says the recording was stopped early
	// and where: "interrupted during step 3/18 (setupDevice)".
	Interrupted string `json:"interrupted,omitempty"`
}

// Writer streams a session to a file as it happens.
type Writer struct {
	gz  *gzip.Writer
	enc *json.Encoder
	err error
}

// NewWriter writes the header line and returns a writer for the rest.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	h.Format, h.Version = FormatName, FormatVersion
	gz := gzip.NewWriter(w)
	sw := &Writer{gz: gz, enc: json.NewEncoder(gz)}
	sw.put(line{Type: "header", Header: &h})
	return sw, sw.err
}

func (w *Writer) put(l line) {
	if w.err == nil {
		if err := w.enc.Encode(l); err != nil {
			w.err = fmt.Errorf("writing session: %w", err)
		}
	}
}

// Step writes a step's plan entry (before it runs).
func (w *Writer) Step(st *Step) error { w.put(line{Type: "step", Step: st}); return w.err }

// Source writes the text of a source file events point into.
func (w *Writer) Source(file, text string) error {
	w.put(line{Type: "source", File: file, Text: text})
	return w.err
}

// Event writes one event of step index.
func (w *Writer) Event(index int, e *Event) error {
	w.put(line{Type: "event", Index: &index, Event: e})
	return w.err
}

// Result writes the outcome of step index, and when it started (the
// kernel monotonic time of its begin marker, 0 when unknown).
func (w *Writer) Result(index int, status Status, r *steps.StepResult, start time.Duration) error {
	w.put(line{Type: "result", Index: &index, Status: status, Result: r, Start: start})
	return w.err
}

// Close writes the end line and flushes the compressed stream. It does not
// close the underlying writer.
func (w *Writer) Close(lost uint64) error { return w.end(line{Type: "end", Lost: &lost}) }

// Interrupt ends a recording that was stopped early: the end line says
// why, so a reader shows the steps written so far as an interrupted
// session rather than a damaged file.
func (w *Writer) Interrupt(lost uint64, why string) error {
	return w.end(line{Type: "end", Lost: &lost, Interrupted: why})
}

func (w *Writer) end(l line) error {
	w.put(l)
	if err := w.gz.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("writing session: %w", err)
	}
	return w.err
}

// WriteFile writes a complete session to path, privately (0600), through
// a temporary file renamed over path when complete (see package safefile).
func WriteFile(path string, s *Session) error {
	f, err := safefile.Create(path, 0, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := Write(f, s); err != nil {
		return err
	}
	return f.Commit()
}

// Write writes a complete session.
func Write(out io.Writer, s *Session) error {
	w, err := NewWriter(out, s.Header)
	if err != nil {
		return err
	}
	w.body(s)
	return w.Close(s.Lost)
}

// body writes everything of s between the header and the end line: its
// sources, then each step with its events and result.
func (w *Writer) body(s *Session) error {
	for file, text := range sortedSources(s.Sources) {
		w.Source(file, text)
	}
	for _, st := range s.Steps {
		w.Step(st)
		for i := range st.Events {
			w.Event(st.Index, &st.Events[i])
		}
		if st.Status != Pending {
			w.Result(st.Index, st.Status, st.Result, st.Start)
		}
	}
	return w.err
}

// ReadFile reads the session file at path. Like [Read], it returns what it
// could read along with an error about a damaged file.
func ReadFile(path string) (*Session, error) {
	// Only a regular file is a session: opening a FIFO would wait for a
	// writer forever, and a directory is a mistake worth naming.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("opening session: %w", err)
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a session file", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (%s): give a session file, or - to read standard input", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening session: %w", err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Limit bounds the bytes a session may hold once decompressed, so a small
// hostile file (a gzip bomb) cannot exhaust memory. Commands set it from
// --memory-limit.
var Limit int64 = 256 << 20

// errOverLimit reports a session that decompresses to more than Limit.
func errOverLimit() error {
	return fmt.Errorf("corrupt session: it decompresses to more than %d MiB, more than the memory limit allows (raise it with --memory-limit if the file is genuine)", Limit>>20)
}

// ErrNotSession says the input is not a netexplore session at all.
var ErrNotSession = errors.New("not a netexplore session file")

// Read reads a session. Every malformed input — empty, not gzip, not a
// session, a newer format, truncated, corrupted, larger than [Limit] — is
// reported as one error that says which; it never panics. When the damage
// comes after a valid header, the session read up to it is returned with
// the error (Complete false), so a caller can still show those steps.
func Read(r io.Reader) (*Session, error) {
	s, err := read(r)
	if err != nil && (s == nil || s.Header.Format == "") {
		return nil, err
	}
	if err != nil {
		// What was read before the damage is a part, even when its end
		// line was among it (a gzip checksum fails only after the last
		// byte).
		s.Complete = false
	}
	return s, err
}

func read(r io.Reader) (*Session, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotSession)
	}
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return nil, fmt.Errorf("%w: no gzip header", ErrNotSession)
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated session: the file ends inside its gzip header")
		}
		return nil, fmt.Errorf("%w: %v", ErrNotSession, err)
	}
	// One gzip member is one session: anything after it is an error, not
	// a second session to append.
	gz.Multistream(false)
	src := &errReader{r: io.LimitReader(gz, Limit+1)}
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	s := &Session{Sources: map[string]string{}}
	n := 0
	for sc.Scan() {
		n++
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			// A line cut short by the end of the data, or by a corrupt
			// compressed stream, is reported as that.
			if src.err != nil && src.err != io.EOF {
				return s, streamError(src.err, n-1)
			}
			if src.n > Limit {
				return s, errOverLimit()
			}
			if n == 1 {
				return nil, fmt.Errorf("%w: the first line is not a session header", ErrNotSession)
			}
			if !sc.Scan() && sc.Err() == nil && src.last != '\n' {
				// The data ends inside this line: the file was cut while
				// being written, then compressed whole.
				return s, fmt.Errorf("truncated session: the last line (%d) is cut short", n)
			}
			return s, fmt.Errorf("corrupt session: line %d: %v", n, err)
		}
		if n == 1 {
			if err := checkHeader(l); err != nil {
				return nil, err
			}
			s.Header = *l.Header
			continue
		}
		if s.Complete || s.Stopped != "" {
			return s, fmt.Errorf("corrupt session: line %d follows the end line", n)
		}
		if err := s.apply(l, n); err != nil {
			return s, err
		}
	}
	if src.n > Limit {
		return s, errOverLimit()
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return s, fmt.Errorf("corrupt session: line %d is longer than %d bytes", n+1, maxLine)
		}
		return s, streamError(err, n)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no header", ErrNotSession)
	}
	if !s.Complete && s.Stopped == "" {
		return s, fmt.Errorf("truncated session: no end line after %d lines (the recording was cut short)", n)
	}
	if _, err := br.Peek(1); err == nil {
		return s, errors.New("corrupt session: unexpected data after the end of the session")
	}
	return s, nil
}

// errReader remembers the first error of the reader it wraps, so that a
// line the scanner hands out incomplete can be blamed on the stream, and
// counts the bytes read.
type errReader struct {
	r    io.Reader
	err  error
	n    int64
	last byte // the last byte read: a whole file ends with a newline
}

// Read implements io.Reader.
func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.n += int64(n)
	if n > 0 {
		e.last = p[n-1]
	}
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// streamError describes an error of the compressed stream after n
// complete lines.
func streamError(err error, n int) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated session: the file ends after line %d", n)
	}
	return fmt.Errorf("corrupt session after line %d: %v", n, err)
}

func checkHeader(l line) error {
	if l.Type != "header" || l.Header == nil || l.Header.Format != FormatName {
		return fmt.Errorf("%w: the first line is not a session header", ErrNotSession)
	}
	if l.Header.Version > FormatVersion {
		return fmt.Errorf("session format version %d is newer than this netexplore understands (%d): upgrade netexplore", l.Header.Version, FormatVersion)
	}
	if l.Header.Version < 1 {
		return fmt.Errorf("corrupt session: format version %d", l.Header.Version)
	}
	return nil
}

func (s *Session) apply(l line, n int) error {
	switch l.Type {
	case "step":
		if l.Step == nil || l.Step.Index != len(s.Steps) {
			return fmt.Errorf("corrupt session: line %d: step out of order", n)
		}
		st := *l.Step
		st.Status = Pending
		s.Steps = append(s.Steps, &st)
	case "source":
		if l.File == "" {
			return fmt.Errorf("corrupt session: line %d: source without a file name", n)
		}
		s.Sources[l.File] = l.Text
	case "event":
		st, err := s.stepAt(l.Index, n)
		if err != nil {
			return err
		}
		if l.Event == nil {
			return fmt.Errorf("corrupt session: line %d: event line without an event", n)
		}
		st.AddEvent(*l.Event)
	case "result":
		st, err := s.stepAt(l.Index, n)
		if err != nil {
			return err
		}
		switch l.Status {
		case Done, Failed, Skipped:
		default:
			return fmt.Errorf("corrupt session: line %d: unknown step status %q", n, l.Status)
		}
		st.Status, st.Result, st.Start = l.Status, l.Result, l.Start
	case "end":
		if l.Lost == nil {
			return fmt.Errorf("corrupt session: line %d: end line without a lost count", n)
		}
		s.Lost = *l.Lost
		if l.Interrupted != "" {
			s.Stopped = l.Interrupted
		} else {
			s.Complete = true
		}
	default:
		// Lines of unknown type come from a newer minor revision; skip them.
	}
	return nil
}

func (s *Session) stepAt(index *int, n int) (*Step, error) {
	if index == nil || *index < 0 || *index >= len(s.Steps) {
		return nil, fmt.Errorf("corrupt session: line %d: refers to a step that does not exist", n)
	}
	return s.Steps[*index], nil
}

// sortedSources yields the sources in file name order, so equal sessions
// write equal files.
func sortedSources(m map[string]string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}
