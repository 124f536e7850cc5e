package analyze

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/trace/event"
)

// fixtureLines renders a capture's events in the one-line format.
func fixtureLines(t *testing.T, name string, a *Analyzer) []string {
	t.Helper()
	evs, ok := fixtureEvents(t)[name]
	if !ok {
		t.Fatalf("no fixture %s", name)
	}
	var lines []string
	for i, e := range evs {
		e.Seq = uint64(i + 1)
		r := a.Analyze(e)
		lines = append(lines, string(AppendText(nil, &r, TextOptions{Lines: true})))
	}
	return lines
}

func findLine(t *testing.T, lines []string, want string) string {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l, want) {
			return l
		}
	}
	t.Fatalf("no line contains %q in:\n%s", want, strings.Join(lines, ""))
	return ""
}

// The default format says on one line what each call did, from captures
// of the real kernel: a request with its key attributes, its ACK or error
// with the request it answers, a dump folded, a rule as nft writes it.
func TestLineFormat(t *testing.T) {
	steps := fixtureLines(t, "rtnl_docker_steps", NewAnalyzer(nil))
	findLine(t, steps, "] sendto(3<NETLINK_ROUTE>, RTM_NEWLINK docker0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL) = 84\n")
	findLine(t, steps, "] recvfrom(3<NETLINK_ROUTE>, ACK RTM_NEWLINK) = 36\n")

	nft := fixtureLines(t, "nft_addrtype", NewAnalyzer(nil))
	findLine(t, nft, "recvmsg(3<NETLINK_NETFILTER>, ERROR NFT_MSG_GETCHAIN -ENOENT (No such file or directory)) = ")

	dump := fixtureLines(t, "rtnl_bridge_link_dump", NewAnalyzer(nil))
	findLine(t, dump, "recvmsg(3<NETLINK_ROUTE>, 2 × RTM_NEWLINK: lo, br0) = 3348\n")

	masq := fixtureLines(t, "nft_nat_masquerade", NewAnalyzer(nil))
	findLine(t, masq, `NFT_MSG_NEWRULE rule ip nat POSTROUTING oifname != "docker0" ip saddr 172.17.0.0/16 counter`)

	ioctl := fixtureLines(t, "ioctl_siocbraddbr_br0", NewAnalyzer(nil))
	findLine(t, ioctl, `ioctl(3<AF_INET>, SIOCBRADDBR "br0") = 0`)
}

// Lines and Brief print exactly one line per event, for every event of
// every capture.
func TestLineFormatOneLinePerEvent(t *testing.T) {
	for _, r := range allRecords(t, NewAnalyzer(nil)) {
		for _, opts := range []TextOptions{{Lines: true}, {Brief: true}} {
			out := AppendText(nil, &r, opts)
			if bytes.Count(out, []byte("\n")) != 1 || out[len(out)-1] != '\n' {
				t.Fatalf("%+v, event %d (%s): not one line: %q", opts, r.Event.Seq, r.Event.Kind, out)
			}
		}
	}
}

// Failed calls read as strace prints them, errno 95 by its usual name.
func TestLineErrors(t *testing.T) {
	for _, c := range []struct {
		ret  int64
		want string
	}{
		{-1, " = -1 EPERM (Operation not permitted)\n"},
		{-13, " = -1 EACCES (Permission denied)\n"},
		{-95, " = -1 EOPNOTSUPP (Operation not supported)\n"},
	} {
		e := event.Event{Kind: event.KindIoctl, Syscall: "ioctl", PID: 1, Comm: "x", Fd: 3, Ret: c.ret,
			SockFamily: 2, Args: [4]uint64{0x89a0}, Data: make([]byte, 40), DataLen: 40}
		r := NewAnalyzer(nil).Analyze(e)
		for _, opts := range []TextOptions{{Lines: true}, {Brief: true}, {}} {
			if got := string(AppendText(nil, &r, opts)); !strings.Contains(got, c.want) {
				t.Errorf("ret %d, %+v: %q does not contain %q", c.ret, opts, got, c.want)
			}
		}
	}
}

// A payload the probe cut is marked in text, and in JSON by "truncated"
// and the real length.
func TestLineTruncated(t *testing.T) {
	e := fixtureEvents(t)["rtnl_docker_steps"][0]
	full := len(e.Data)
	e.DataLen = uint32(full)
	e.Data = e.Data[:full-8]
	r := NewAnalyzer(nil).Analyze(e)
	want := "... (truncated: " + itoa(full-8) + " of " + itoa(full) + " bytes)"
	for _, opts := range []TextOptions{{Lines: true}, {Brief: true}} {
		if got := string(AppendText(nil, &r, opts)); !strings.Contains(got, want) {
			t.Errorf("%+v: %q has no %q", opts, got, want)
		}
	}
	b, err := AppendJSON(nil, &r)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Truncated bool `json:"truncated"`
		DataLen   int  `json:"data_len"`
	}
	if err := json.Unmarshal(b, &j); err != nil || !j.Truncated || j.DataLen != full {
		t.Fatalf("JSON %s: truncated %v data_len %d (%v)", b, j.Truncated, j.DataLen, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Terminal escapes from the traced program never reach the text output:
// not in its name, its argv, or a decoded value; JSON keeps them exact.
func TestTextIsSanitized(t *testing.T) {
	const evil = "\x1b]0;title\x07"
	exec := event.Event{Kind: event.KindExec, Syscall: "execve", PID: 7, Comm: "c" + evil,
		Data: []byte("/bin/x\x00x\x00" + evil + "\x00")}
	exec.DataLen = uint32(len(exec.Data))
	write := event.Event{Kind: event.KindWrite, Syscall: "write", PID: 7, Comm: evil, Fd: 4, Ret: 2,
		Data: []byte("/proc/sys/net/x\x00" + evil)}
	write.DataLen = uint32(len(write.Data))
	a := NewAnalyzer(nil)
	for _, e := range []event.Event{exec, write} {
		r := a.Analyze(e)
		for _, opts := range []TextOptions{{Lines: true}, {Brief: true}, {}, {Verbose: true}} {
			out := AppendText(nil, &r, opts)
			if bytes.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%s, %+v: control bytes reach the text: %q", e.Kind, opts, out)
			}
		}
		b, _ := AppendJSON(nil, &r)
		if !bytes.Contains(b, []byte(`\u001b]0;title\u0007`)) {
			t.Errorf("%s: JSON does not keep the string exactly: %s", e.Kind, b)
		}
	}
	c := NewCounts()
	c.Add(ptr(a.Analyze(write)))
	if out := c.AppendText(nil); bytes.ContainsAny(out, "\x1b\x07") {
		t.Errorf("-c table: %q", out)
	}
}

func ptr[T any](v T) *T { return &v }

// -t, -tt and -r prefix text lines; JSON gets "time" and "relative_us".
func TestTimestamps(t *testing.T) {
	evs := fixtureEvents(t)["rtnl_docker_steps"][:2]
	evs[0].Time = time.Second
	evs[1].Time = time.Second + 1500*time.Microsecond
	ts := Timestamps{Clock: 2, Relative: true, Offset: time.Duration(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano()) - time.Second, Location: time.UTC}
	a := NewAnalyzer(nil)
	text := NewPrinter(false, TextOptions{Lines: true, Time: ts})
	js := NewPrinter(true, TextOptions{Time: ts})
	var lines, objs []byte
	for _, e := range evs {
		r := a.Analyze(e)
		lines, _ = text.Append(lines, &r)
		objs, _ = js.Append(objs, &r)
	}
	want := regexp.MustCompile(`^03:04:05\.000000 0\.000000 \[fixture 100\] .*\n03:04:05\.001500 0\.001500 \[fixture 100\] `)
	if !want.Match(lines) {
		t.Fatalf("text:\n%s", lines)
	}
	var last struct {
		Time       string `json:"time"`
		RelativeUs int64  `json:"relative_us"`
	}
	for line := range bytes.SplitSeq(bytes.TrimSpace(objs), []byte("\n")) {
		if err := json.Unmarshal(line, &last); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
	}
	if last.Time != "2026-01-02T03:04:05.001500Z" || last.RelativeUs != 1500 {
		t.Fatalf("JSON time %q relative %d", last.Time, last.RelativeUs)
	}
	// -t: seconds only.
	r := a.Analyze(evs[0])
	p := NewPrinter(false, TextOptions{Lines: true, Time: Timestamps{Clock: 1, Offset: ts.Offset, Location: time.UTC}})
	if out, _ := p.Append(nil, &r); !bytes.HasPrefix(out, []byte("03:04:05 [")) {
		t.Fatalf("-t: %q", out)
	}
}
