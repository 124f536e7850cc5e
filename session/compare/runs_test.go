package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netexplore/netexplore/session"
)

func TestChanges(t *testing.T) {
	a := []Attr{{"flags", "NLM_F_REQUEST"}, {"IFLA_IFNAME", `"docker0"`}, {"IFLA_ADDRESS", "02:42:<mac1>"}, {"IFLA_MTU", "1500"}}
	b := []Attr{{"flags", "NLM_F_REQUEST"}, {"IFLA_IFNAME", `"docker0"`}, {"IFLA_ADDRESS", "<mac1>"}, {"IFLA_TXQLEN", "0"}}
	want := []Change{{"IFLA_ADDRESS", "02:42:<mac1>", "<mac1>"}, {"IFLA_MTU", "1500", ""}, {"IFLA_TXQLEN", "", "0"}}
	if diff := cmp.Diff(want, Changes(a, b)); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	if got := want[1].String(); got != "IFLA_MTU: 1500 -> (none)" {
		t.Errorf("Change.String = %q", got)
	}
}

// keyed makes messages with a key and one attribute from "key=value".
func keyed(specs ...string) []Message {
	var out []Message
	for i, s := range specs {
		k, v, _ := strings.Cut(s, "=")
		out = append(out, Message{Kind: KindNetlink, Text: s, Key: k, Attrs: []Attr{{"v", v}}, Seq: uint64(i + 1)})
	}
	return out
}

func TestAlign(t *testing.T) {
	lines := Align(keyed("a=1", "b=1", "c=1", "d=1"), keyed("a=1", "c=2", "x=1", "b=2", "d=1"))
	var got []string
	for _, l := range lines {
		s := l.Op.String() + " " + l.Message().Text
		if l.Op == Changed {
			s += " -> " + l.B.Text + " " + l.Changes[0].String()
		}
		got = append(got, s)
	}
	// Only a and d are equal; in the run of differences between them b
	// pairs with b and c with c, whatever their order, and x has no
	// partner.
	want := []string{"same a=1", "changed b=1 -> b=2 v: 1 -> 2", "changed c=1 -> c=2 v: 1 -> 2", "only-b x=1", "same d=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Align (-want +got):\n%s", diff)
	}
	for _, l := range lines {
		if l.Op == Changed && l.A.Key != l.B.Key {
			t.Errorf("changed line pairs keys %q and %q", l.A.Key, l.B.Key)
		}
	}
	if n := len(Differences("p", "a", "b", Align(keyed("a=1"), keyed("a=2")))); n != 2 {
		t.Errorf("a changed line is %d differences, want one per side", n)
	}
}

// recording opens a built-in recording by name.
func recording(t *testing.T, name string) *session.Session {
	t.Helper()
	r, err := session.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Open()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSessionsVersions compares the built-in join walkthrough as Docker 29
// and as Docker 20.10 perform it: steps one release has stay on their
// side, the bridge is made the same way in both, and what
// docs/docker-versions.md lists shows: setupMTU only in 29, the
// `iptables -L -n` probe only in 20.10, and 29's random MAC address
// against 20.10's 02:42 one.
func TestSessionsVersions(t *testing.T) {
	res := Sessions("29", recording(t, "join"), "20.10", recording(t, "join@20.10"))
	step := func(name string) StepDiff {
		t.Helper()
		i := slices.IndexFunc(res.Steps, func(d StepDiff) bool { return d.Name == name })
		if i < 0 {
			t.Fatalf("no step %s", name)
		}
		return res.Steps[i]
	}
	if d := step("setupMTU"); len(d.A) != 1 || len(d.B) != 0 || !d.Differs() {
		t.Errorf("setupMTU: %d steps of 29, %d of 20.10, want 1 and 0", len(d.A), len(d.B))
	}
	if d := step("configure (setupIPChains)"); len(d.A) != 0 || !slices.ContainsFunc(d.Lines, func(l Line) bool {
		return l.Op == OnlyB && l.B.Text == "exec iptables --wait -L -n"
	}) {
		t.Errorf("configure (setupIPChains): want 20.10's iptables -L -n probe, got\n%s", Report(d.Lines, -1))
	}
	if d := step("newInterface"); d.Differs() {
		t.Errorf("newInterface differs:\n%s", Report(d.Lines, -1))
	}
	dev := step("setupDevice")
	i := slices.IndexFunc(dev.Lines, func(l Line) bool { return l.Op == Changed })
	if i < 0 {
		t.Fatalf("setupDevice: no changed RTM_NEWLINK:\n%s", Report(dev.Lines, -1))
	}
	if l := dev.Lines[i]; l.A.Key != `netlink RTM_NEWLINK "docker0"` || !slices.Contains(l.Changes, Change{"IFLA_ADDRESS", "<mac1>", "02:42:<mac1>"}) {
		t.Errorf("setupDevice's changed line: %s, %v", l.A.Key, l.Changes)
	}
	if !res.Differs() {
		t.Error("the releases do not differ")
	}
	same := Sessions("a", recording(t, "join"), "b", recording(t, "join"))
	if same.Differs() {
		t.Errorf("a recording differs from itself")
	}
}

// TestRealDockerBuiltin holds the built-in recording of the real dockerd
// 20.10 against the built-in re-enactment, as `compare --builtin` does:
// every part of the daemon's script is matched, and every difference is
// one the allowlist explains.
func TestRealDockerBuiltin(t *testing.T) {
	real := recording(t, session.RealDocker)
	labs := map[string]*session.Session{}
	for _, sc := range RealDockerScenarios() {
		labs[sc] = recording(t, sc+"@20.10")
	}
	res := RealDocker("real", real, "netexplore", labs)
	if len(res.Steps) != len(DockerPairs()) {
		t.Fatalf("%d steps, want one per pair (%d)", len(res.Steps), len(DockerPairs()))
	}
	known := res.Explain(DockerAllowlist(), "real", "netexplore")
	for i, d := range res.Steps {
		if len(d.A) == 0 || len(d.B) == 0 {
			t.Errorf("%s: %d real steps, %d netexplore steps", d.Name, len(d.A), len(d.B))
		}
		if d.Count(Same) == 0 {
			t.Errorf("%s: nothing in common", d.Name)
		}
		for j, l := range d.Lines {
			if _, ok := known[[2]int{i, j}]; l.Op != Same && !ok {
				t.Errorf("%s: a difference the allowlist does not explain: %s %s", d.Name, l.Op, l.Message().Text)
			}
		}
	}
	if len(known) == 0 {
		t.Error("no known difference: the macvlan network's is expected")
	}
}

func TestRuleKey(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"iptables --wait -t nat -I POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "iptables -t nat -I POSTROUTING"},
		{"iptables --wait -A DOCKER-USER -j RETURN", "iptables -A DOCKER-USER"},
		{"set-ipv6 <netns1> all false", "set-ipv6"},
		{"iptables -t", "iptables"},
	} {
		if got := strings.Join(ruleKey(strings.Fields(c.args)), " "); got != c.want {
			t.Errorf("ruleKey(%s) = %q, want %q", c.args, got, c.want)
		}
	}
}
