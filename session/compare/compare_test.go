package compare

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
	"github.com/netexplore/netexplore/trace/event"
)

func TestNormaliser(t *testing.T) {
	n := NewNormaliser()
	for _, tt := range []struct{ in, want string }{
		{"veth1234abc", "veth<1>"},
		{"veth9999999 veth1234abc", "veth<2> veth<1>"},
		{"br-0123456789ab", "br-<1>"},
		{"02:42:ac:11:00:02", "02:42:<mac1>"},
		{"ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"},
		{"/run/docker/netns/421ca8f63209", "<netns1>"},
		{"/proc/123/fd/7", "<netns2>"},
		{"/proc/self/exe", "/proc/self/exe"},
	} {
		if got := n.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"127.0.0.11:59321", "127.0.0.11:<port1>"},
		{"59321", "<port1>"},
		{"8080", "8080"},
		{"172.17.0.2:80", "172.17.0.2:80"},
		{"2147483647", "2147483647"},
	} {
		if got := n.Arg(tt.in); got != tt.want {
			t.Errorf("Arg(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	fields := []event.Field{{Name: "ifinfomsg", Children: []event.Field{{Name: "ifi_index", Value: "7"}, {Name: "ifi_flags", Value: "0"}}},
		{Name: "IFLA_MASTER", Value: "2"}, {Name: "IFLA_NET_NS_FD", Value: "33"}, {Name: "IFLA_IFNAME", Value: `"veth1234abc"`},
		{Name: "IFLA_LINKINFO", Value: "veth"}, {Name: "ifi_index", Value: "0"}}
	want := `ifinfomsg{ifi_index=<if1> ifi_flags=0} IFLA_MASTER=<if2> IFLA_NET_NS_FD=<fd1> IFLA_IFNAME="veth<1>" IFLA_LINKINFO=veth ifi_index=0`
	if got := n.fields(fields); got != want {
		t.Errorf("fields = %s\nwant     %s", got, want)
	}
}

// exec returns an exec event of pid running the program at path with
// argv.
func exec(seq uint64, pid uint32, comm, path string, argv ...string) event.Event {
	return event.Event{Seq: seq, Kind: event.KindExec, PID: pid, Comm: comm, Path: path,
		Data: []byte(path + "\x00" + strings.Join(argv, "\x00") + "\x00")}
}

// write returns a /proc/sys write of pid.
func write(seq uint64, pid uint32, path, value string) event.Event {
	return event.Event{Seq: seq, Kind: event.KindWrite, PID: pid, Comm: "x", Path: path, Data: []byte(path + "\x00" + value),
		DataLen: uint32(len(path) + 1 + len(value)), Ret: int64(len(value))}
}

func TestExtract(t *testing.T) {
	st := &session.Step{Index: 0, Info: steps.Step{ID: "s"}}
	for _, e := range []event.Event{
		exec(1, 10, "dockerd", "/usr/sbin/iptables", "/usr/sbin/iptables", "--wait", "-t", "nat", "-N", "DOCKER"),
		exec(2, 11, "dockerd", "/usr/bin/containerd", "containerd"), // not a network helper
		{Seq: 3, Kind: event.KindFork, PID: 12, PPID: 11},
		write(4, 12, "/proc/sys/net/ipv4/ip_forward", "1\n"), // containerd's child: quiet
		exec(5, 13, "dockerd", "/proc/self/exe", "set-ipv6", "/run/docker/netns/0123abcd", "all", "false"),
		write(6, 13, "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1\n"),
		exec(7, 14, "runc", "/proc/self/exe", "runc", "init"),
		{Seq: 8, Kind: event.KindFork, PID: 15, PPID: 14},
		write(9, 15, "/proc/sys/net/ipv4/ping_group_range", "0 2147483647"),
		write(10, 15, "/proc/sys/net/ipv4/ip_unprivileged_port_start", "0"),
		exec(11, 15, "runc:[2:INIT]", "/bin/ip", "ip", "addr"), // the container's command
		write(12, 15, "/proc/sys/net/ipv4/ip_forward", "0\n"),
	} {
		st.AddEvent(session.Event{Event: e})
	}
	var got []string
	for _, m := range Extract([]*session.Step{st}, nil, nil) {
		got = append(got, m.Kind+" "+m.Text)
	}
	want := []string{
		"exec exec iptables --wait -t nat -N DOCKER",
		"exec exec set-ipv6 <netns1> all false",
		`sysctl /proc/sys/net/ipv6/conf/all/disable_ipv6 = "1\n"`,
		`sysctl /proc/sys/net/ipv4/ip_unprivileged_port_start = "0"`, // sorted: runc writes a map
		`sysctl /proc/sys/net/ipv4/ping_group_range = "0 2147483647"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Extract (-want +got):\n%s", diff)
	}
}

// msgs makes messages of kind exec from texts.
func msgs(texts ...string) []Message {
	var out []Message
	for i, s := range texts {
		out = append(out, Message{Kind: KindExec, Text: s, Seq: uint64(i + 1)})
	}
	return out
}

func TestDiff(t *testing.T) {
	lines := Diff(msgs("a", "b", "c", "d"), msgs("a", "x", "c", "d", "e"))
	got := Report(lines, -1)
	want := "  a\n- b\n+ x\n  c\n  d\n+ e\n"
	if got != want {
		t.Errorf("Report =\n%s\nwant\n%s", got, want)
	}
	if got, want := Report(Diff(msgs("1", "2", "3", "4", "5", "6"), msgs("1", "2", "3", "4", "5", "7")), 1), "  ...\n  5\n- 6\n+ 7\n"; got != want {
		t.Errorf("Report with context =\n%s\nwant\n%s", got, want)
	}
	d := Differences("p", "real", "nx", lines)
	if len(d) != 3 || d[0].Side != "real" || d[1].Side != "nx" || d[2].Message.Text != "e" {
		t.Errorf("Differences = %v", d)
	}
	if len(Differences("p", "a", "b", Diff(msgs("a"), msgs("a")))) != 0 {
		t.Error("equal runs differ")
	}
}

func TestAllowlist(t *testing.T) {
	allow, err := ParseAllowlist(strings.NewReader(`# comment
[resolver]
pair: docker run*
only: real
match: exec set-ipv6 *
match: exec setup-resolver *
reason: dockerd re-executes itself
  to enter the namespace.

[anything]
match: exec true
reason: a test
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(allow) != 2 || allow[0].Reason != "dockerd re-executes itself to enter the namespace." || allow[1].Pair != "*" {
		t.Fatalf("allowlist = %+v", allow)
	}
	diffs := []Difference{
		{Pair: "docker run --network mynet", Side: "real", Message: Message{Text: "exec set-ipv6 <netns1> all false"}},
		{Pair: "docker run --network mynet", Side: "netexplore", Message: Message{Text: "exec set-ipv6 <netns1> all false"}},
		{Pair: "daemon start", Side: "real", Message: Message{Text: "exec setup-resolver x"}},
	}
	unexplained, unused := Check(diffs, allow)
	if len(unexplained) != 2 || unexplained[0].Side != "netexplore" || unexplained[1].Pair != "daemon start" {
		t.Errorf("unexplained = %v", unexplained)
	}
	if len(unused) != 1 || unused[0].Name != "anything" {
		t.Errorf("unused = %v", unused)
	}
	for _, bad := range []string{"match: x\n", "[x]\nmatch: y\n", "[x]\nreason: r\n", "[x]\nwhat: y\n", "[x]\nmatch: y\n  more\nreason: r\n"} {
		if _, err := ParseAllowlist(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseAllowlist(%q) succeeded", bad)
		}
	}
}
