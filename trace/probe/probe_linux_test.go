package probe

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
)

// traceCommand runs argv under a fresh probe and returns every record.
func traceCommand(t *testing.T, argv ...string) []analyze.Record {
	t.Helper()
	testutil.RequirePrivileged(t)
	probe, err := Open(Options{Stacks: true})
	if err != nil {
		t.Fatalf("OpenProbe: %v", err)
	}
	defer probe.Close()
	cmd, err := StartTraced(argv, nil, os.Stderr, os.Stderr)
	if err != nil {
		t.Fatalf("StartTraced: %v", err)
	}
	if err := probe.Follow(cmd.PID()); err != nil {
		cmd.Abort()
		t.Fatal(err)
	}
	if err := cmd.Release(); err != nil {
		t.Fatal(err)
	}
	type result struct {
		events []event.Event
		err    error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		for {
			e, err := probe.Read()
			if errors.Is(err, ErrDrained) {
				break
			}
			if err != nil {
				r.err = err
				break
			}
			r.events = append(r.events, e)
		}
		done <- r
	}()
	status, err := cmd.Wait()
	if err != nil {
		t.Fatalf("waiting for %v: %v", argv, err)
	}
	if err := probe.Drain(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if status != 0 {
		t.Fatalf("%v exited with %d", argv, status)
	}
	lost, _, err := probe.Lost()
	if err != nil || lost != 0 {
		t.Fatalf("Lost() = %d, %v; want 0", lost, err)
	}
	a := analyze.NewAnalyzer(analyze.NewSymbolizer())
	recs := make([]analyze.Record, len(r.events))
	for i, e := range r.events {
		recs[i] = a.Analyze(e)
	}
	return recs
}

// findMessage returns the first netlink message of a send (or receive) whose
// summary starts with prefix, with its record.
func findMessage(recs []analyze.Record, kind event.Kind, prefix string) (*analyze.Record, *netlink.Message) {
	for i := range recs {
		r := &recs[i]
		if r.Event.Kind != kind {
			continue
		}
		for j := range r.Decoded.Netlink {
			if strings.HasPrefix(r.Decoded.Netlink[j].Summary, prefix) {
				return r, &r.Decoded.Netlink[j]
			}
		}
	}
	return nil, nil
}

func fieldValue(t *testing.T, fields []event.Field, name string) string {
	t.Helper()
	f, ok := event.Find(fields, name)
	if !ok {
		t.Fatalf("field %s missing", name)
	}
	return f.Value
}

func requireCommand(t *testing.T, name, pkg string) {
	t.Helper()
	testutil.RequireCommand(t, name, pkg)
}

func TestTraceIproute2(t *testing.T) {
	requireCommand(t, "ip", "iproute2")
	recs := traceCommand(t, "unshare", "-n", "sh", "-c",
		"ip link add br0 type bridge && ip addr add 172.17.0.1/16 dev br0 && ip link set br0 up && "+
			"ip route add 10.9.0.0/24 via 172.17.0.2 && ip link add v0 type veth peer name v1")

	req, msg := findMessage(recs, event.KindSend, "RTM_NEWLINK br0")
	if msg == nil {
		t.Fatal("no RTM_NEWLINK br0 request captured")
	}
	if got := fieldValue(t, msg.Fields, "IFLA_INFO_KIND"); !strings.Contains(got, "bridge") {
		t.Errorf("IFLA_INFO_KIND = %s, want bridge", got)
	}
	for _, flag := range []string{"NLM_F_REQUEST", "NLM_F_ACK", "NLM_F_CREATE", "NLM_F_EXCL"} {
		if !strings.Contains(msg.FlagNames, flag) {
			t.Errorf("flags %q lack %s", msg.FlagNames, flag)
		}
	}
	if req.Event.Comm != "ip" || req.Event.SockProto != unix.NETLINK_ROUTE {
		t.Errorf("request from %s proto %d, want ip on NETLINK_ROUTE", req.Event.Comm, req.Event.SockProto)
	}
	// The ACK must be paired with the request.
	acked := false
	for _, r := range recs {
		for i, m := range r.Decoded.Netlink {
			if r.Event.Kind == event.KindRecv && m.IsAck() && i < len(r.Replies) && r.Replies[i] != nil && r.Replies[i].RequestSeq == req.Event.Seq {
				acked = true
			}
		}
	}
	if !acked {
		t.Error("the RTM_NEWLINK br0 request has no paired ACK")
	}

	if _, m := findMessage(recs, event.KindSend, "RTM_NEWADDR"); m == nil {
		t.Error("no RTM_NEWADDR captured")
	} else if got := fieldValue(t, m.Fields, "IFA_LOCAL"); got != "172.17.0.1" {
		t.Errorf("IFA_LOCAL = %s, want 172.17.0.1", got)
	}
	if _, m := findMessage(recs, event.KindSend, "RTM_NEWROUTE"); m == nil {
		t.Error("no RTM_NEWROUTE captured")
	} else if got := fieldValue(t, m.Fields, "RTA_GATEWAY"); got != "172.17.0.2" {
		t.Errorf("RTA_GATEWAY = %s, want 172.17.0.2", got)
	}
	up := false
	for _, r := range recs {
		for _, m := range r.Decoded.Netlink {
			if r.Event.Kind == event.KindSend && strings.HasPrefix(m.Name, "RTM_NEWLINK") && strings.Contains(fieldValueOr(m.Fields, "ifi_change"), "IFF_UP") {
				up = true
			}
		}
	}
	if !up {
		t.Error("no RTM_NEWLINK with ifi_change IFF_UP captured")
	}
	// veth: the peer's name sits in a nested ifinfomsg inside VETH_INFO_PEER.
	_, veth := findMessage(recs, event.KindSend, "RTM_NEWLINK v0")
	if veth == nil {
		t.Fatal("no RTM_NEWLINK v0 captured")
	}
	peer, ok := event.Find(veth.Fields, "VETH_INFO_PEER")
	if !ok {
		t.Fatal("VETH_INFO_PEER not decoded")
	}
	if got := fieldValue(t, peer.Children, "IFLA_IFNAME"); !strings.Contains(got, "v1") {
		t.Errorf("peer IFLA_IFNAME = %s, want v1", got)
	}

	// Every event comes from the traced tree.
	tree := map[uint32]bool{}
	for _, r := range recs {
		if r.Event.Kind == event.KindFork {
			tree[r.Event.PID] = true
		}
	}
	root := recs[0].Event.PID
	tree[root] = true
	for _, r := range recs {
		if !tree[r.Event.PID] {
			t.Errorf("event %d from pid %d (%s) outside the traced tree", r.Event.Seq, r.Event.PID, r.Event.Comm)
		}
	}
}

func fieldValueOr(fields []event.Field, name string) string {
	f, _ := event.Find(fields, name)
	return f.Value
}

func TestTraceIgnoresOtherProcesses(t *testing.T) {
	requireCommand(t, "ip", "iproute2")
	testutil.RequirePrivileged(t)
	// A busy neighbour doing netlink and socket ioctls the whole time.
	noise := exec.Command("unshare", "-n", "sh", "-c", "while :; do ip link show >/dev/null; done")
	if err := noise.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { noise.Process.Kill(); noise.Wait() }()
	recs := traceCommand(t, "unshare", "-n", "sh", "-c", "ip link add nx0 type bridge; sleep 0.2")
	pids := map[uint32]bool{recs[0].Event.PID: true}
	for _, r := range recs {
		if r.Event.Kind == event.KindFork {
			pids[r.Event.PID] = true
		}
	}
	for _, r := range recs {
		if !pids[r.Event.PID] {
			t.Fatalf("captured pid %d (%s) that is not in the traced tree", r.Event.PID, r.Event.Comm)
		}
		for _, m := range r.Decoded.Netlink {
			if strings.Contains(m.Summary, "RTM_GETLINK") && r.Event.Kind == event.KindSend && !strings.Contains(m.Summary, "nx0") {
				// `ip link add` itself asks only about nx0; a dump request
				// would be the neighbour's `ip link show`.
				if strings.Contains(m.FlagNames, "NLM_F_DUMP") {
					t.Fatalf("captured a link dump, which only the untraced neighbour sends: %s", m.Summary)
				}
			}
		}
	}
}

func TestTraceIptablesNft(t *testing.T) {
	requireCommand(t, "iptables", "iptables")
	recs := traceCommand(t, "unshare", "-n", "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE")
	var exec *analyze.Record
	for i := range recs {
		if recs[i].Event.Kind == event.KindExec && strings.Contains(recs[i].Decoded.Summary, "iptables") {
			exec = &recs[i]
		}
	}
	if exec == nil {
		t.Fatal("exec of iptables not captured")
	}
	if got := strings.Join(exec.Decoded.Argv, " "); !strings.Contains(got, "-j MASQUERADE") {
		t.Errorf("argv = %q", got)
	}
	_, rule := findMessage(recs, event.KindSend, "NFT_MSG_NEWRULE")
	if rule == nil {
		t.Fatal("no NFT_MSG_NEWRULE captured")
	}
	// iptables-nft expresses -j MASQUERADE as an xt target expression.
	if !strings.Contains(rule.Summary, "POSTROUTING") || !strings.Contains(rule.Summary, "target:MASQUERADE") {
		t.Errorf("NEWRULE summary %q lacks the chain or the MASQUERADE target", rule.Summary)
	}
	if _, begin := findMessage(recs, event.KindSend, "NFNL_MSG_BATCH_BEGIN"); begin == nil {
		t.Error("no batch begin captured")
	}
}

func TestTraceIoctlBridge(t *testing.T) {
	requireCommand(t, "python3", "python3")
	script := `import fcntl, socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
fcntl.ioctl(s.fileno(), 0x89a0, b"pybr0\0")`
	recs := traceCommand(t, "unshare", "-n", "python3", "-c", script)
	for _, r := range recs {
		if r.Event.Kind == event.KindIoctl && strings.HasPrefix(r.Decoded.Summary, "SIOCBRADDBR") {
			if !strings.Contains(r.Decoded.Summary, `"pybr0"`) {
				t.Errorf("summary %q lacks the bridge name", r.Decoded.Summary)
			}
			if r.Event.Ret != 0 {
				t.Errorf("SIOCBRADDBR returned %d", r.Event.Ret)
			}
			return
		}
	}
	t.Fatal("no SIOCBRADDBR ioctl captured")
}

func TestTraceSysctlWrite(t *testing.T) {
	recs := traceCommand(t, "unshare", "-n", "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward >/dev/null")
	var wrote, read bool
	for _, r := range recs {
		switch {
		case r.Event.Kind == event.KindWrite && r.Decoded.Summary == "/proc/sys/net/ipv4/ip_forward = 1":
			wrote = true
		case r.Event.Kind == event.KindRead && strings.Contains(r.Decoded.Summary, "ip_forward = 1"):
			read = true
		}
	}
	if !wrote || !read {
		for _, r := range recs {
			t.Log(r.Event.Kind, r.Decoded.Summary)
		}
		t.Fatalf("write seen %v, read seen %v; want both", wrote, read)
	}
}
