package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// -T appends the call's time after its result, as strace does; JSON has
// "duration_us" whenever the probe measured it; an unmeasured call shows
// neither.
func TestDurations(t *testing.T) {
	evs := fixtureEvents(t)["rtnl_docker_steps"][:2]
	evs[0].Duration = 123456 * time.Nanosecond
	evs[1].Duration = 0
	a := NewAnalyzer(nil)
	timed, untimed := a.Analyze(evs[0]), a.Analyze(evs[1])
	for _, opts := range []TextOptions{{Lines: true, Durations: true}, {Brief: true, Durations: true}, {Durations: true}} {
		if got := string(AppendText(nil, &timed, opts)); !strings.Contains(got, " = 84 <0.000123>\n") {
			t.Errorf("%+v: %q has no \" = 84 <0.000123>\"", opts, got)
		}
		if got := string(AppendText(nil, &untimed, opts)); strings.Contains(got, " <") {
			t.Errorf("%+v, no duration: %q", opts, got)
		}
	}
	if got := string(AppendText(nil, &timed, TextOptions{Lines: true})); strings.Contains(got, "<0.") {
		t.Errorf("without Durations: %q", got)
	}
	b, err := AppendJSON(nil, &timed)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		DurationUs *float64 `json:"duration_us"`
	}
	if err := json.Unmarshal(b, &j); err != nil || j.DurationUs == nil || *j.DurationUs != 123.456 {
		t.Fatalf("JSON %s: duration_us %v (%v)", b, j.DurationUs, err)
	}
	if std, _ := json.Marshal(timed.ToJSON()); !bytes.Equal(bytes.TrimSpace(b), std) {
		t.Fatalf("hand-written JSON differs from encoding/json:\n%s\n%s", b, std)
	}
	if b, _ := AppendJSON(nil, &untimed); bytes.Contains(b, []byte("duration_us")) {
		t.Fatalf("JSON without a duration: %s", b)
	}
}

func TestAppendDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                          " <0.000000>",
		999:                        " <0.000000>",
		1500 * time.Nanosecond:     " <0.000001>",
		100 * time.Millisecond:     " <0.100000>",
		1234567 * time.Microsecond: " <1.234567>",
		90 * time.Minute:           " <5400.000000>",
	} {
		if got := string(appendDuration(nil, d)); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

// -c adds strace's time columns when durations were measured: total
// seconds and microseconds per call, in the table and its JSON rows.
func TestCountsTime(t *testing.T) {
	a := NewAnalyzer(nil)
	evs := fixtureEvents(t)["rtnl_docker_steps"]
	c, plain := NewCounts(), NewCounts()
	var total time.Duration
	for i, e := range evs {
		r := a.Analyze(e)
		plain.Add(&r)
		r.Event.Duration = time.Duration(i+1) * 10 * time.Microsecond
		total += r.Event.Duration
		c.Add(&r)
	}
	if text := string(plain.AppendText(nil)); strings.Contains(text, "seconds") {
		t.Fatalf("untimed table has a time column:\n%s", text)
	}
	text := string(c.AppendText(nil))
	if !strings.Contains(text, "    seconds  usecs/call    calls   errors syscall\n") {
		t.Fatalf("table header:\n%s", text)
	}
	var sum time.Duration
	for _, r := range c.Syscalls() {
		sum += r.Time
		if r.Time == 0 || r.usecsPerCall() != r.Time.Microseconds()/int64(r.Calls) {
			t.Errorf("row %+v", r)
		}
	}
	if sum != total {
		t.Fatalf("rows sum to %v, want %v", sum, total)
	}
	if want := fmt.Sprintf("%11.6f %11d %8d", total.Seconds(), total.Microseconds()/int64(len(evs)), len(evs)); !strings.Contains(text, want+"          total\n") {
		t.Fatalf("no total row %q in:\n%s", want, text)
	}
	var j struct {
		Syscalls []struct {
			Name         string  `json:"name"`
			Calls        uint64  `json:"calls"`
			Seconds      float64 `json:"seconds"`
			UsecsPerCall int64   `json:"usecs_per_call"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal(c.AppendJSON(nil), &j); err != nil || len(j.Syscalls) == 0 {
		t.Fatalf("JSON table %+v (%v)", j, err)
	}
	for _, r := range j.Syscalls {
		if r.Seconds <= 0 || r.UsecsPerCall <= 0 {
			t.Errorf("JSON row %+v", r)
		}
	}
}
