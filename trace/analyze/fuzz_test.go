package analyze

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// FuzzRender holds the hand-written JSON to encoding/json's output, and a
// shared (patched) decoding to a fresh one, for any payload the decoders
// may see.
func FuzzRender(f *testing.F) {
	for _, evs := range fixtureEvents(f) {
		for _, e := range evs {
			f.Add(uint8(e.Kind), e.SockFamily, e.SockProto, e.Args[0], e.Ret, e.Data, uint32(7))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, family, proto uint16, arg0 uint64, ret int64, data []byte, seq uint32) {
		e := event.Event{
			Seq: 1, Kind: event.Kind(kind % 18), Syscall: "sendmsg", PID: 1, TID: 1, Comm: "fuzz",
			SockFamily: family % 20, SockProto: proto % 20, Args: [4]uint64{arg0}, Ret: ret,
			Data: data, DataLen: uint32(len(data)), Stack: []uint64{1},
		}
		if e.Kind == event.KindMmap {
			e.Mapping = &event.Mapping{}
		}
		r := NewAnalyzer(nil).Analyze(e)
		want, err := json.Marshal(r.ToJSON())
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendJSON(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, append(want, '\n')) {
			t.Fatalf("AppendJSON differs from encoding/json:\n got %s\nwant %s", got, want)
		}
		// The one-line forms are one line, whatever the event.
		for _, opts := range []TextOptions{{Lines: true}, {Brief: true}} {
			if out := AppendText(nil, &r, opts); bytes.Count(out, []byte("\n")) != 1 {
				t.Fatalf("%+v: not one line: %q", opts, out)
			}
		}
		// The same event again with other sequence numbers: shared and
		// patched, it must decode as a fresh decoding does.
		a := NewAnalyzer(nil, ShareResults())
		a.Analyze(e)
		if e.SockFamily == unix.AF_NETLINK {
			e2 := withSeq(e, seq)
			if r2 := a.Analyze(e2); !reflect.DeepEqual(r2.Decoded, decode.Event(&e2)) {
				t.Fatal("a shared decoding differs from a fresh one")
			}
		}
	})
}
