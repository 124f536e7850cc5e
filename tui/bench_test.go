package tui

import (
	"testing"

	"github.com/netexplore/netexplore/session"
)

// syntheticSession returns the embedded plan, all steps revealed, whose
// first step holds n events: the recorded step 0 repeated, renumbered.
func syntheticSession(tb testing.TB, n int) *session.Session {
	tb.Helper()
	src := embedded(tb)
	s := &session.Session{Header: src.Header, Sources: src.Sources, Lost: 7, Complete: true}
	for _, st := range src.Steps {
		s.Steps = append(s.Steps, &session.Step{Index: st.Index, Info: st.Info, Source: st.Source, Status: st.Status, Result: st.Result})
	}
	evs := src.Steps[0].Events
	big := make([]session.Event, n)
	for i := range big {
		big[i] = evs[i%len(evs)]
		big[i].Seq = uint64(i + 1)
	}
	s.Steps[0].Events = big
	s.Steps[1].Events = src.Steps[1].Events
	return s
}

// benchModel is a 200x60 replay of the synthetic session with every step
// revealed and the 100,000-event step selected and decoded.
func benchModel(b *testing.B) Model {
	b.Helper()
	m := newSized(Options{Session: syntheticSession(b, 100_000), Title: "bench"}, 200, 60)
	m = press(m, "a", "g", "3")
	for !m.callsPane().data.complete() {
		m = send(m, decodeMsg{})
	}
	if len(m.callsPane().vis) != 100_000 {
		b.Fatalf("step 0 shows %d events", len(m.callsPane().vis))
	}
	return m
}

// BenchmarkViewUpdate100k measures the UI on a step of 100,000 events:
// rendering, scrolling, filtering and selection. Decoding the step happens
// once, when it is first shown (see the decode sub-benchmark).
func BenchmarkViewUpdate100k(b *testing.B) {
	b.Run("decode", func(b *testing.B) {
		s := syntheticSession(b, 100_000)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			d := newStepData()
			d.sync(s.Steps[0].Events, -1)
		}
	})
	b.Run("view", func(b *testing.B) {
		m := benchModel(b)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("scroll", func(b *testing.B) {
		m := benchModel(b)
		keys := []string{"j", "pgdown", "k", "pgup", "pgdown"}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			m = send(m, keyMsg(keys[i%len(keys)]))
			_ = m.View()
			i++
		}
	})
	b.Run("filter", func(b *testing.B) {
		m := press(benchModel(b), "/")
		b.ReportAllocs()
		b.ResetTimer()
		// Each op types one character (narrowing) and deletes it again
		// (a full scan), rendering after each.
		for b.Loop() {
			m = send(m, keyMsg("x"))
			_ = m.View()
			m = send(m, keyMsg("backspace"))
			_ = m.View()
		}
	})
	b.Run("filter_narrow", func(b *testing.B) {
		m := press(benchModel(b), "/", "type:nft_msg_new")
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			m = send(m, keyMsg("c"))
			_ = m.View()
			m = send(m, keyMsg("backspace"))
		}
	})
	b.Run("select_event", func(b *testing.B) {
		m := benchModel(b)
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			k := "j"
			if i%2 == 1 {
				k = "k"
			}
			m = send(m, keyMsg(k))
			_ = m.View()
			i++
		}
	})
	b.Run("select_field", func(b *testing.B) {
		m := press(benchModel(b), "j", "j", "j", "j", "j", "j", "4")
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			k := "j"
			if i%4 >= 2 {
				k = "k"
			}
			m = send(m, keyMsg(k))
			_ = m.View()
			i++
		}
	})
	b.Run("select_step", func(b *testing.B) {
		m := benchModel(b)
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			k := "]"
			if i%2 == 1 {
				k = "["
			}
			m = send(m, keyMsg(k))
			_ = m.View()
			i++
		}
	})
}

// BenchmarkFirstScreenEmbedded measures what `netexplore replay` does
// before its first screen appears: read the built-in session, build the
// model, lay it out and render it once.
func BenchmarkFirstScreenEmbedded(b *testing.B) {
	for b.Loop() {
		s, err := session.Embedded()
		if err != nil {
			b.Fatal(err)
		}
		m := newSized(Options{Session: s, Title: "replay"}, 160, 48)
		if v := m.View(); v.Content == "" {
			b.Fatal("empty first screen")
		}
	}
}
