package argv

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netexplore/netexplore/trace/event/eventtest"
)

// cmdlineOf runs argv through sh and returns the shell's own
// /proc/<pid>/cmdline: the argument vector exactly as the kernel stores it
// (NUL-terminated strings), the same bytes the probe copies at execve.
func cmdlineOf(t *testing.T, args ...string) []byte {
	t.Helper()
	argv := append([]string{"-c", "cat /proc/$$/cmdline"}, args...)
	out, err := exec.Command("sh", argv...).Output()
	if err != nil {
		t.Fatalf("sh %q: %v", argv, err)
	}
	return out
}

func TestDecodeArgvFromKernel(t *testing.T) {
	rule := []string{"iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"}
	raw := cmdlineOf(t, rule...)
	argv := Decode(raw)
	want := append([]string{"sh", "-c", "cat /proc/$$/cmdline"}, rule...)
	if diff := cmp.Diff(want, argv); diff != "" {
		t.Fatalf("DecodeArgv (-want +got):\n%s", diff)
	}
	if got, want := Format(argv[3:]), "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -j MASQUERADE"; got != want {
		t.Errorf("FormatArgv = %s\nwant        %s", got, want)
	}
	if got, want := Format(argv[:3]), "sh -c 'cat /proc/$$/cmdline'"; got != want {
		t.Errorf("FormatArgv = %s, want %s", got, want)
	}
	fields := Fields(raw)
	if len(fields) != len(want) {
		t.Fatalf("%d fields, want %d", len(fields), len(want))
	}
	off := 0
	for i, f := range fields {
		if f.Offset != off || f.Length != len(want[i])+1 || f.Value != `"`+want[i]+`"` {
			t.Errorf("field %d = %+v, want offset %d length %d", i, f, off, len(want[i])+1)
		}
		off += f.Length
	}
	if off != len(raw) {
		t.Errorf("fields cover %d of %d bytes", off, len(raw))
	}
}

func TestDecodeArgvTruncated(t *testing.T) {
	raw := cmdlineOf(t, "nft", "-f", "/etc/nftables.conf")
	// The probe's copy limit cuts the last argument short.
	cut := raw[:len(raw)-6]
	got := Decode(cut)
	want := []string{"sh", "-c", "cat /proc/$$/cmdline", "nft", "-f", "/etc/nftables"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeArgv of truncated capture (-want +got):\n%s", diff)
	}
	fields := Fields(cut)
	if last := fields[len(fields)-1]; last.Length != 13 || last.Offset != len(cut)-13 || last.Value != `"/etc/nftables"` {
		t.Errorf("last field %+v", last)
	}
	if Decode(nil) != nil || Fields(nil) != nil {
		t.Error("empty input must give nil")
	}
	if diff := cmp.Diff([]string{"sh", "-c", ""}, Decode([]byte("sh\x00-c\x00\x00"))); diff != "" {
		t.Errorf("empty argument lost (-want +got):\n%s", diff)
	}
}

func TestFormatArgv(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"ip", "link", "add", "br0", "type", "bridge"}, "ip link add br0 type bridge"},
		{[]string{"iptables", "--wait", "-t", "nat", "-C", "DOCKER", "-i", "docker0", "-j", "RETURN"}, "iptables --wait -t nat -C DOCKER -i docker0 -j RETURN"},
		{[]string{"iptables", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"}, "iptables -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"},
		{[]string{"sh", "-c", "echo it's"}, `sh -c 'echo it'\''s'`},
		{[]string{"echo", ""}, "echo ''"},
		{[]string{"printf", "a\tb\n"}, `printf $'a\tb\n'`},
		{[]string{"x", "\x01\xff'"}, `x $'\x01\xff\''`},
		{[]string{"x", "héllo wörld"}, `x 'héllo wörld'`},
		{[]string{"x", "*", "a b", "$HOME", "~", "#"}, `x '*' 'a b' '$HOME' '~' '#'`},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := Format(tc.argv); got != tc.want {
			t.Errorf("FormatArgv(%q) = %s, want %s", tc.argv, got, tc.want)
		}
	}
}

// TestFormatArgvRoundTrip feeds FormatArgv's output to bash and checks that
// bash rebuilds the same argument vector.
func TestFormatArgvRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	argv := []string{"iptables", "!", "it's", "", "a\tb\nc", "\x01\x7f\xfe", "$(id)", "`id`", "a\\b", "-j", "ünïcode", " lead", "*?[]{}~#&;|<>()"}
	out, err := exec.Command("bash", "-c", `printf '%s\0' `+Format(argv)).Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	if diff := cmp.Diff(argv, Decode(out)); diff != "" {
		t.Errorf("round trip through bash (-want +got):\n%s", diff)
	}
}

func FuzzDecodeArgv(f *testing.F) {
	f.Add([]byte("iptables\x00-t\x00nat\x00-N\x00DOCKER\x00"))
	f.Add([]byte("nft\x00-f"))
	f.Add([]byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		argv := Decode(b)
		joined := strings.Join(argv, "\x00")
		if len(b) > 0 && joined != string(b) && joined+"\x00" != string(b) {
			t.Fatalf("DecodeArgv(%q) = %q does not rebuild the input", b, argv)
		}
		fields := Fields(b)
		if len(fields) != len(argv) {
			t.Fatalf("%d fields for %d arguments", len(fields), len(argv))
		}
		eventtest.CheckFieldBounds(t, fields, len(b))
		_ = Format(argv)
	})
}
