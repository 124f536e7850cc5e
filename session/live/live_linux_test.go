package live

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/google/go-cmp/cmp"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
)

// runLive runs the whole plan for cfg for real, under the probe, and
// returns the finished session.
func runLive(t *testing.T, cfg steps.Config) *session.Session {
	t.Helper()
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	live, err := Start(context.Background(), Options{Config: cfg, Scenario: "bridge", Version: "test"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	runErr := live.RunAll(nil)
	if err := live.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if runErr != nil {
		t.Fatalf("RunAll: %v", runErr)
	}
	s := live.Session()
	for _, st := range s.Steps {
		if st.Status == session.Failed {
			t.Fatalf("step %d %s failed: %s", st.Index, st.Info.ID, st.Result.Error)
		}
	}
	if s.Lost != 0 {
		t.Fatalf("%d events lost", s.Lost)
	}
	return s
}

// step returns the first step with id.
func step(t *testing.T, s *session.Session, id string) *session.Step {
	t.Helper()
	for _, st := range s.Steps {
		if st.Info.ID == id {
			return st
		}
	}
	t.Fatalf("no step %s in the plan", id)
	return nil
}

// expect finds an event of st whose summary contains want (among the
// summaries of its netlink messages too) and checks that it names the
// source line that made it.
func expect(t *testing.T, st *session.Step, kind event.Kind, want string) *analyze.Record {
	t.Helper()
	recs := st.Records()
	for i := range recs {
		r := &recs[i]
		if r.Event.Kind != kind {
			continue
		}
		texts := []string{r.Decoded.Summary}
		for _, m := range r.Decoded.Netlink {
			texts = append(texts, m.Summary)
		}
		for _, text := range texts {
			if !strings.Contains(text, want) {
				continue
			}
			o := st.Events[i].Origin
			if o == nil || !strings.HasPrefix(o.File, "steps/") || o.Line == 0 {
				t.Errorf("%s: %q has no source line in package steps (origin %+v)", st.Info.ID, want, o)
			}
			return r
		}
	}
	var seen []string
	for _, r := range recs {
		seen = append(seen, r.Event.Kind.String()+": "+r.Decoded.Summary)
	}
	t.Fatalf("%s: no %s event mentioning %q; saw:\n%s", st.Info.ID, kind, want, strings.Join(seen, "\n"))
	return nil
}

func expectChange(t *testing.T, st *session.Step, want string) {
	t.Helper()
	for _, c := range st.Result.Changes {
		if strings.Contains(c.String(), want) {
			return
		}
	}
	t.Errorf("%s: no change mentioning %q in %v", st.Info.ID, want, st.Result.Changes)
}

// TestLiveDefaultBridge runs Docker's default bridge for real and checks
// that each step shows the kernel traffic and the changes it must cause,
// each event with its source line, and that recording and reading the
// session back gives the same events, bytes and decoded trees.
func TestLiveDefaultBridge(t *testing.T) {
	s := runLive(t, steps.DefaultConfig())

	fw := step(t, s, "newFirewaller")
	expect(t, fw, event.KindExec, "exec /usr/sbin/iptables --wait -t nat -N DOCKER")
	expect(t, fw, event.KindSend, "NFT_MSG_NEWCHAIN")

	dev := step(t, s, "setupDevice")
	r := expect(t, dev, event.KindSend, "RTM_NEWLINK docker0 kind=bridge")
	if !strings.Contains(r.Decoded.Netlink[0].FlagNames, "NLM_F_CREATE|NLM_F_EXCL") {
		t.Errorf("setupDevice flags %q", r.Decoded.Netlink[0].FlagNames)
	}
	expect(t, dev, event.KindRecv, "ACK")
	expectChange(t, dev, "docker0 bridge")

	expect(t, step(t, s, "setupDefaultSysctl"), event.KindWrite, "/proc/sys/net/ipv6/conf/docker0/accept_ra = 0")
	expect(t, step(t, s, "setupMTU"), event.KindSend, "mtu=1500")

	v4 := step(t, s, "setupBridgeIPv4")
	expect(t, v4, event.KindSend, "RTM_NEWADDR 172.17.0.1/16")
	expectChange(t, v4, "172.17.0.1/16")

	fwd := step(t, s, "setupIPv4Forwarding")
	expect(t, fwd, event.KindWrite, "/proc/sys/net/ipv4/ip_forward = 1")
	expect(t, fwd, event.KindExec, "-P FORWARD DROP")

	nw := step(t, s, "addfirewallerNetwork")
	expect(t, nw, event.KindExec, "MASQUERADE")
	expectChange(t, nw, "MASQUERADE")

	up := step(t, s, "setupDeviceUp")
	r = expect(t, up, event.KindSend, "RTM_NEWLINK")
	if f, _ := event.Find(r.Decoded.Netlink[0].Fields, "ifi_change"); !strings.Contains(f.Value, "IFF_UP") {
		t.Errorf("setupDeviceUp ifi_change = %q, want IFF_UP", f.Value)
	}
	expectChange(t, up, "docker0")

	// Round trip: record, read back, compare with the live session.
	var buf bytes.Buffer
	if err := session.Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := session.Read(&buf)
	if err != nil {
		t.Fatalf("reading the recorded session: %v", err)
	}
	if len(back.Steps) != len(s.Steps) {
		t.Fatalf("read %d steps, recorded %d", len(back.Steps), len(s.Steps))
	}
	for i, st := range s.Steps {
		got, want := back.Steps[i].Records(), st.Records()
		if len(got) != len(want) {
			t.Fatalf("step %d: %d events read back, %d live", i, len(got), len(want))
		}
		for j := range want {
			if !bytes.Equal(got[j].Event.Data, want[j].Event.Data) {
				t.Fatalf("step %d event %d: bytes differ", i, j)
			}
			if diff := cmp.Diff(want[j].Decoded, got[j].Decoded); diff != "" {
				t.Fatalf("step %d event %d: decoded tree differs (-live +replayed):\n%s", i, j, diff)
			}
			if diff := cmp.Diff(st.Events[j].Origin, back.Steps[i].Events[j].Origin); diff != "" {
				t.Fatalf("step %d event %d: origin differs:\n%s", i, j, diff)
			}
		}
	}
}

// TestLiveVariants runs the plan variants the issue names and checks the
// traffic that distinguishes each.
func TestLiveVariants(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*steps.Config)
		check func(*testing.T, *session.Session)
	}{
		{"device-api ioctl", func(c *steps.Config) {
			c.DeviceAPI, c.DockerVersion, c.IP6Tables = steps.DeviceAPIIoctl, steps.Docker2010, false
		}, func(t *testing.T, s *session.Session) {
			expect(t, step(t, s, "setupDevice"), event.KindIoctl, `SIOCBRADDBR "docker0"`)
			expect(t, step(t, s, "setupDevice"), event.KindIoctl, "SIOCSIFHWADDR docker0")
			// No RTM_NEWLINK attempt, and the index is learnt lazily.
			if findIn(s, "setupDevice", event.KindSend, "RTM_NEWLINK") || findIn(s, "setupDevice", event.KindSend, "RTM_GETLINK") {
				t.Error("setupDevice sent netlink with --device-api ioctl")
			}
			expect(t, step(t, s, "setupBridgeIPv4"), event.KindSend, "RTM_GETLINK docker0")
		}},
		{"ipv6", func(c *steps.Config) { c.EnableIPv6, c.FixedCIDRv6 = true, "fd00::/64" }, func(t *testing.T, s *session.Session) {
			expect(t, step(t, s, "setupBridgeIPv6"), event.KindSend, "RTM_NEWADDR fd00::1/64")
		}},
		{"mtu 1400", func(c *steps.Config) { c.MTU = 1400 }, func(t *testing.T, s *session.Session) {
			expect(t, step(t, s, "setupMTU"), event.KindSend, "mtu=1400")
		}},
		{"userland-proxy=false", func(c *steps.Config) { c.UserlandProxy = false }, func(t *testing.T, s *session.Session) {
			expect(t, step(t, s, "setupLoopbackAddressesRouting"), event.KindWrite, "route_localnet = 1")
		}},
		{"icc=false", func(c *steps.Config) { c.ICC = false }, func(t *testing.T, s *session.Session) {
			expect(t, step(t, s, "addfirewallerNetwork"), event.KindExec, "-i docker0 -o docker0 -j DROP")
		}},
		{"iptables=false", func(c *steps.Config) { c.IPTables, c.IP6Tables = false, false }, func(t *testing.T, s *session.Session) {
			for _, st := range s.Steps {
				for _, r := range st.Records() {
					if r.Event.Kind == event.KindExec && strings.Contains(r.Decoded.Summary, "iptables") {
						t.Errorf("%s ran iptables with --iptables=false: %s", st.Info.ID, r.Decoded.Summary)
					}
				}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := steps.DefaultConfig()
			c.edit(&cfg)
			c.check(t, runLive(t, cfg))
		})
	}
}

// findIn reports whether any step with id has a kind event whose summary
// (or one of its netlink messages' summaries) contains want, made by code
// with a source line in package steps.
func findIn(s *session.Session, id string, kind event.Kind, want string) bool {
	for _, st := range s.Steps {
		if st.Info.ID != id {
			continue
		}
		for i, r := range st.Records() {
			if r.Event.Kind != kind || st.Events[i].Origin == nil {
				continue
			}
			texts := []string{r.Decoded.Summary}
			for _, m := range r.Decoded.Netlink {
				texts = append(texts, m.Summary)
			}
			for _, text := range texts {
				if strings.Contains(text, want) {
					return true
				}
			}
		}
	}
	return false
}

// TestLiveScenarios runs every scenario for real under the probe and checks
// the messages that make it what it is, and that its connectivity checks
// ran and passed (runLive fails on any failed step).
func TestLiveScenarios(t *testing.T) {
	type want struct {
		step string
		kind event.Kind
		text string
	}
	cases := []struct {
		scenario string
		wants    []want
		checks   bool // the scenario ends with connectivity checks
	}{
		{"none", []want{{"runc create (network namespace)", event.KindSend, "RTM_NEWLINK index=1 up"},
			{"runc create (network namespace)", event.KindWrite, "ping_group_range"},
			{"sandbox: SetKey", event.KindSend, "RTM_NEWLINK index=1 up"}}, true},
		{"host", []want{{"lab: the host's NIC", event.KindSend, "kind=veth"}}, true},
		{"user-bridge", []want{
			{"setupDevice", event.KindSend, "RTM_NEWLINK br-5c8f1e2a9b3d kind=bridge"},
			{"container joins br-5c8f1e2a9b3d (CreateEndpoint + Join)", event.KindExec, "-j DNAT --to-destination 127.0.0.11:"},
			{"setupBridgeIPv4", event.KindSend, "RTM_NEWADDR 172.18.0.1/16"},
		}, true},
		{"join", []want{
			{"CreateEndpoint (createVeth)", event.KindSend, "kind=veth peer="},
			{"CreateEndpoint (createVeth)", event.KindSend, "peer-netns-fd="},
			{"CreateEndpoint (addToBridge)", event.KindSend, "master="},
			{"updateGateway (programGateway)", event.KindSend, "RTM_NEWROUTE default via 172.17.0.1"},
			{"AddPorts (setPerPortIptables)", event.KindExec, "DNAT"},
			{"AddPorts (setPerPortIptables)", event.KindExec, "-t raw -C PREROUTING"},
			{"AddPorts (setPerPortIptables)", event.KindExec, "-t nat -C POSTROUTING -p tcp -s 172.17.0.2"},
			{"mapPorts (startProxy)", event.KindExec, "docker-proxy -proto tcp -host-ip ::"},
			{"newInterface", event.KindSend, "RTM_GETROUTE"},
		}, true},
		{"macvlan", []want{{"Join (createMacVlan)", event.KindSend, "kind=macvlan mode=bridge"}}, true},
		{"overlay", []want{
			{"createVxlan", event.KindSend, "kind=vxlan id=4097"},
			{"programs the FDB (peerAdd)", event.KindSend, "RTM_NEWNEIGH"},
		}, true},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			cfg := steps.DefaultConfig()
			cfg.Scenario = c.scenario
			s := runLive(t, cfg)
			for _, w := range c.wants {
				if !findIn(s, w.step, w.kind, w.text) {
					t.Errorf("no %s event mentioning %q under step %q", w.kind, w.text, w.step)
				}
			}
			if c.scenario == "join" {
				checkJoinNamespaces(t, s)
			}
			if !c.checks {
				return
			}
			ran := 0
			for _, st := range s.Steps {
				if strings.HasPrefix(st.Info.ID, "check:") && st.Status == session.Done {
					ran++
				}
			}
			if ran == 0 {
				t.Errorf("no connectivity check ran")
			}
		})
	}
}

// recordMentioning returns the first event of any step whose summary or
// netlink message summary contains text.
func recordMentioning(s *session.Session, kind event.Kind, text string) (analyze.Record, bool) {
	for _, st := range s.Steps {
		for _, r := range st.Records() {
			if r.Event.Kind != kind {
				continue
			}
			texts := []string{r.Decoded.Summary}
			for _, m := range r.Decoded.Netlink {
				texts = append(texts, m.Summary)
			}
			for _, t := range texts {
				if strings.Contains(t, text) {
					return r, true
				}
			}
		}
	}
	return analyze.Record{}, false
}

// checkJoinNamespaces checks that an event's netns is the namespace its
// socket acts in: the container's address is added through a socket opened
// in the container's namespace, the gateway's in the lab's host namespace;
// and that the container's gratuitous ARP is recorded.
func checkJoinNamespaces(t *testing.T, s *session.Session) {
	t.Helper()
	host, ok := recordMentioning(s, event.KindSend, "RTM_NEWADDR 172.17.0.1/16")
	if !ok {
		t.Fatal("no RTM_NEWADDR 172.17.0.1/16")
	}
	ctr, ok := recordMentioning(s, event.KindSend, "RTM_NEWADDR 172.17.0.2/16")
	if !ok {
		t.Fatal("no RTM_NEWADDR 172.17.0.2/16")
	}
	if host.Event.NetNS == 0 || ctr.Event.NetNS == 0 || host.Event.NetNS == ctr.Event.NetNS {
		t.Errorf("container address added in netns %d, gateway in %d: want two different namespaces", ctr.Event.NetNS, host.Event.NetNS)
	}
	arp, ok := recordMentioning(s, event.KindSend, "ARP who-has 172.17.0.2 tell 172.17.0.2")
	if !ok {
		t.Fatal("the container's gratuitous ARP was not recorded")
	}
	if arp.Event.NetNS != ctr.Event.NetNS {
		t.Errorf("gratuitous ARP in netns %d, container's address in %d", arp.Event.NetNS, ctr.Event.NetNS)
	}
}
