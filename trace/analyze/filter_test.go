package analyze

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/event"
)

// Bad expressions get one line naming what is valid.
func TestParseFilterErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"trace=bogus":     "classes: exec, ioctl, netlink, process, socket, sysctl; syscalls: ioctl,",
		"family=nope":     "valid: audit, connector,",
		"colour=red":      "valid: trace, rtnl (or msg), family",
		"rtnl=RTM-NEW":    "not a message type name",
		"trace=":          "empty value",
		"trace=ioctl,,x":  "empty value",
		"family=route,xx": "unknown netlink family \"xx\"",
	} {
		_, err := ParseFilter([]string{expr})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("-e %s: error %v, want one line with %q", expr, err, want)
		}
	}
}

// kinds returns the kinds and message types of the records f keeps.
func kept(t *testing.T, recs []Record, exprs ...string) []*Record {
	t.Helper()
	f, err := ParseFilter(exprs)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Record
	for i := range recs {
		if f.Match(&recs[i]) {
			out = append(out, &recs[i])
		}
	}
	return out
}

// Filters select on real captures, after pairing: a reply is kept with
// the request type it answers; several expressions must all hold.
func TestFilterMatches(t *testing.T) {
	recs := allRecords(t, NewAnalyzer(nil))
	all := len(recs)
	for _, r := range kept(t, recs, "trace=netlink") {
		if r.Event.SockFamily != 16 {
			t.Fatalf("trace=netlink kept %s on family %d", r.Event.Kind, r.Event.SockFamily)
		}
	}
	ioctls := kept(t, recs, "trace=ioctl")
	notIoctls := kept(t, recs, "trace=!ioctl")
	if len(ioctls) == 0 || len(ioctls)+len(notIoctls) != all {
		t.Fatalf("trace=ioctl %d + trace=!ioctl %d != %d", len(ioctls), len(notIoctls), all)
	}
	if got := kept(t, recs, "trace=sendto,recvfrom"); len(got) == 0 {
		t.Fatal("trace=sendto,recvfrom kept nothing")
	} else {
		for _, r := range got {
			if r.Event.Syscall != "sendto" && r.Event.Syscall != "recvfrom" {
				t.Fatalf("kept %s", r.Event.Syscall)
			}
		}
	}
	newlink := kept(t, recs, "rtnl=newlink")
	acks := 0
	for _, r := range newlink {
		if r.Event.Kind == event.KindRecv && len(r.Decoded.Netlink) == 1 && r.Decoded.Netlink[0].IsAck() {
			acks++
		}
	}
	if len(newlink) == 0 || acks == 0 {
		t.Fatalf("rtnl=newlink kept %d records, %d ACKs", len(newlink), acks)
	}
	nft := kept(t, recs, "family=nftables")
	both := kept(t, recs, "family=nftables", "trace=sendmsg")
	if len(nft) == 0 || len(both) == 0 || len(both) >= len(nft) {
		t.Fatalf("family=nftables %d, with trace=sendmsg %d", len(nft), len(both))
	}
	for _, r := range both {
		if r.Event.Syscall != "sendmsg" || r.Event.SockProto != 12 {
			t.Fatalf("kept %s on protocol %d", r.Event.Syscall, r.Event.SockProto)
		}
	}
}

// -c counts calls and errors per syscall and per message type.
func TestCounts(t *testing.T) {
	a := NewAnalyzer(nil)
	c := NewCounts()
	evs := fixtureEvents(t)["nft_addrtype"]
	for _, e := range evs {
		r := a.Analyze(e)
		c.Add(&r)
	}
	rows := map[string]Count{}
	for _, r := range c.Syscalls() {
		rows["sys "+r.Name] = r
	}
	for _, r := range c.Messages() {
		rows["msg "+r.Name] = r
	}
	calls := uint64(0)
	for _, r := range c.Syscalls() {
		calls += r.Calls
	}
	if calls != uint64(len(evs)) {
		t.Fatalf("%d calls counted for %d events", calls, len(evs))
	}
	if g := rows["msg NFT_MSG_GETCHAIN"]; g.Calls == 0 || g.Errors == 0 || g.Errors > g.Calls {
		t.Fatalf("NFT_MSG_GETCHAIN row %+v: its ENOENT answers are errors", g)
	}
	text := string(c.AppendText(nil))
	if !strings.Contains(text, "errors syscall") || !strings.Contains(text, " total\n") || !strings.Contains(text, "NFT_MSG_GETCHAIN") {
		t.Fatalf("table:\n%s", text)
	}
	var j struct {
		Kind     string  `json:"kind"`
		Syscalls []Count `json:"syscalls"`
		Messages []Count `json:"messages"`
	}
	if err := json.Unmarshal(c.AppendJSON(nil), &j); err != nil || j.Kind != "summary_table" || len(j.Messages) != len(c.Messages()) {
		t.Fatalf("JSON table %+v (%v)", j, err)
	}
}

// Interface names learned from the trace's own link messages show beside
// later indexes, in summaries and fields (JSON "ifname"), the same with
// shared decodings as without.
func TestResolveNames(t *testing.T) {
	for _, opts := range [][]AnalyzerOption{{ResolveNames(nil, nil)}, {ResolveNames(nil, nil), ShareResults()}} {
		lines := fixtureLines(t, "rtnl_docker_steps", NewAnalyzer(nil, opts...))
		findLine(t, lines, "RTM_NEWADDR 172.17.0.1/16 dev docker0 ")
		findLine(t, lines, "RTM_SETLINK index=2 (docker0) mtu=1500")
	}
	a := NewAnalyzer(nil, ResolveNames(nil, nil))
	var b []byte
	for _, e := range fixtureEvents(t)["rtnl_docker_steps"] {
		r := a.Analyze(e)
		b, _ = AppendJSON(b, &r)
	}
	if !strings.Contains(string(b), `"value":"2 (docker0)","ifname":"docker0"`) {
		t.Fatal(`no field with "ifname":"docker0" in the JSON`)
	}
	// Without names, the indexes stay numbers.
	lines := fixtureLines(t, "rtnl_docker_steps", NewAnalyzer(nil))
	findLine(t, lines, "RTM_NEWADDR 172.17.0.1/16 dev index=2 ")
}

// Names asked from the kernel (here a stand-in for it) name indexes the
// trace never showed, per namespace.
func TestResolveNamesAsks(t *testing.T) {
	asked := 0
	ask := func(pid, netns uint32, index int32) (string, bool) {
		asked++
		if netns == 4026531840 && index == 2 {
			return "br-kernel", true
		}
		return "", false
	}
	e := fixtureEvents(t)["rtnl_docker_steps"]
	var setlink event.Event
	for _, ev := range e {
		if r := NewAnalyzer(nil).Analyze(ev); strings.Contains(r.Decoded.Summary, "RTM_SETLINK index=2") {
			setlink = ev
		}
	}
	a := NewAnalyzer(nil, ResolveNames(ask, nil), ShareResults())
	r := a.Analyze(setlink)
	if !strings.Contains(r.Decoded.Summary, "index=2 (br-kernel)") || asked == 0 {
		t.Fatalf("summary %q, asked %d", r.Decoded.Summary, asked)
	}
	setlink.NetNS = 1
	if r := a.Analyze(setlink); strings.Contains(r.Decoded.Summary, "br-kernel") {
		t.Fatalf("another namespace got the name: %q", r.Decoded.Summary)
	}
	// An index the kernel did not know is not asked again, until the
	// names change.
	a = NewAnalyzer(nil, ResolveNames(ask, nil))
	a.Analyze(setlink)
	before := asked
	a.Analyze(setlink)
	if asked != before {
		t.Fatalf("asked %d times more for an unknown index", asked-before)
	}
}

// An ioctl's interface index gets its name too: the port a bridge
// request adds, named in the namespace the call acts in.
func TestResolveNamesIoctl(t *testing.T) {
	var addif event.Event
	for _, e := range fixtureEvents(t)["ioctl_siocbraddif_br0"] {
		if e.Kind == event.KindIoctl {
			addif = e
		}
	}
	ask := func(pid, netns uint32, index int32) (string, bool) {
		if netns == addif.NetNS && index == 4 {
			return "veth0", true
		}
		return "", false
	}
	for _, opts := range [][]AnalyzerOption{{ResolveNames(ask, nil)}, {ResolveNames(ask, nil), ShareResults()}} {
		r := NewAnalyzer(nil, opts...).Analyze(addif)
		if r.Decoded.Summary != "SIOCBRADDIF br0 ifindex=4 (veth0)" {
			t.Errorf("summary %q", r.Decoded.Summary)
		}
	}
	if r := NewAnalyzer(nil).Analyze(addif); r.Decoded.Summary != "SIOCBRADDIF br0 ifindex=4" {
		t.Errorf("without names: summary %q", r.Decoded.Summary)
	}
}

// Any expression is parsed or refused with one line, never a panic, and
// a parsed filter matches any record.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"trace=netlink,ioctl", "trace=!sysctl", "rtnl=RTM_NEWLINK,NEWADDR", "family=nftables", "msg=", "x", "=", "family=!route,genl"} {
		f.Add(s)
	}
	recs := allRecords(f, NewAnalyzer(nil))
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := ParseFilter(strings.Split(expr, ";"))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		for i := range recs {
			flt.Match(&recs[i])
		}
	})
}
