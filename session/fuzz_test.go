package session

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// checkRead is the property every input must have: Read returns a session
// or one clear error, never panics; with an error, any session it returns
// is the incomplete part read before the damage, and decodes; a session it
// accepts can be decoded (the replay path) and written and read back
// unchanged.
func checkRead(t *testing.T, data []byte) {
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		checkReadError(t, "fuzz input", err)
		if s != nil {
			if s.Complete || s.Header.Format != FormatName {
				t.Fatalf("Read returned a complete or headerless session with the error %v", err)
			}
			for _, st := range s.Steps {
				if recs := st.Records(); len(recs) != len(st.Events) {
					t.Fatalf("partial session, step %d: %d records for %d events", st.Index, len(recs), len(st.Events))
				}
			}
		}
		return
	}
	for _, st := range s.Steps {
		recs := st.Records()
		if len(recs) != len(st.Events) {
			t.Fatalf("step %d: %d records for %d events", st.Index, len(recs), len(st.Events))
		}
	}
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatalf("writing an accepted session: %v", err)
	}
	again, err := Read(&b)
	if err != nil {
		t.Fatalf("reading back an accepted session: %v", err)
	}
	if again.EventCount() != s.EventCount() || len(again.Steps) != len(s.Steps) || len(again.Sources) != len(s.Sources) {
		t.Fatalf("round trip changed the session: %d steps %d events, then %d steps %d events",
			len(s.Steps), s.EventCount(), len(again.Steps), again.EventCount())
	}
}

// FuzzRead feeds arbitrary files to the session reader, starting from the
// embedded recording, a short session and hand-made broken ones.
func FuzzRead(f *testing.F) {
	f.Add(encode(f, embedded(f)))
	f.Add(encode(f, small(f)))
	f.Add(encode(f, tiny(f)))
	f.Add([]byte{})
	f.Add([]byte{0x1f, 0x8b})
	f.Add(gzipLines(f, header(1)+`{"type":"end","lost":0}`+"\n"))
	f.Add(gzipLines(f, header(1)+`{"type":"step","step":{"index":0}}`+"\n"+
		`{"type":"event","index":0,"event":{"kind":5,"syscall":"sendto","sock_family":16,"data":"FAAAABAABQEBAAAAAAAAAA=="}}`+"\n"+
		`{"type":"result","index":0,"status":"done"}`+"\n"+`{"type":"end","lost":0}`+"\n"))
	f.Fuzz(checkRead)
}

// FuzzReadLines fuzzes the JSON lines inside the compression, where a
// byte-level mutation of the gzip stream rarely reaches: the input is
// compressed before it is read.
func FuzzReadLines(f *testing.F) {
	f.Add(plainLines(f, encode(f, tiny(f))))
	f.Add([]byte(header(1) + `{"type":"end","lost":0}` + "\n"))
	f.Add([]byte(header(1) + `{"type":"step","step":{"index":0,"info":{"id":"setupDevice"}}}` + "\n" +
		`{"type":"source","file":"steps/device_linux.go","text":"package steps\n"}` + "\n" +
		`{"type":"event","index":0,"event":{"kind":1,"syscall":"ioctl","sock_family":2,"args":[35232,0,0,0],"data":"ZG9ja2VyMAAAAAAAAAAAAA=="}}` + "\n" +
		`{"type":"event","index":0,"event":{"kind":6,"syscall":"recvmsg","sock_family":16,"sock_proto":12,"data":"JAAAAAIAAAABAAAAAAAAAP7///8UAAAAEAAFAQEAAAAAAAAA"}}` + "\n" +
		`{"type":"result","index":0,"status":"failed","result":{"error":"x","changes":[{"area":"link","op":"added","after":"docker0"}]}}` + "\n" +
		`{"type":"end","lost":2}` + "\n"))
	f.Fuzz(func(t *testing.T, lines []byte) {
		checkRead(t, gzipLines(t, string(lines)))
	})
}

// tiny returns a session of one recorded step whose events keep only
// their innermost frames and no source files: a seed small enough for the
// fuzzer to mutate quickly.
func tiny(t testing.TB) *Session {
	t.Helper()
	s := small(t)
	for _, st := range s.Steps {
		if len(st.Events) < 2 {
			continue
		}
		c := *st
		c.Index = 0
		c.Events = nil
		c.Source.Text = ""
		for _, e := range st.Events {
			e.Frames = e.Frames[:min(2, len(e.Frames))]
			c.AddEvent(e)
		}
		s.Steps = []*Step{&c}
		s.Sources = map[string]string{}
		return s
	}
	t.Fatal("no step with events in the small session")
	return nil
}

// plainLines returns the JSON lines of a session file.
func plainLines(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
