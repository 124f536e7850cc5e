package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
)

// liveCompare runs `netexplore compare --format json A B` from a real
// build, as root, and returns its document.
func liveCompare(t *testing.T, a, b string) compareDoc {
	t.Helper()
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	testutil.RequireCommand(t, "nft", "nftables")
	out, err := exec.Command(buildBinary(t), "compare", "--format", "json", a, b).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("compare %q %q: %v: %s", a, b, err, stderr)
	}
	var doc compareDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestCompareDeviceAPI compares two live runs of Docker 20.10's default
// bridge, one creating the bridge with ioctl(SIOCBRADDBR) and one with
// RTM_NEWLINK: setupDevice differs in exactly that, and nothing else
// differs but the RTM_GETLINK that looks docker0 up, which the netlink
// path sends in setupDevice and the ioctl path in setupBridgeIPv4.
func TestCompareDeviceAPI(t *testing.T) {
	doc := liveCompare(t, "run --docker-version 20.10 --device-api ioctl", "run --docker-version 20.10 --device-api netlink")
	seen := map[string]bool{}
	for _, st := range doc.Steps {
		if !st.Differs {
			continue
		}
		for _, l := range st.Lines {
			if l.Op == "same" {
				continue
			}
			text := l.A + l.B
			name, _, _ := strings.Cut(text, " ")
			switch {
			case st.Step == "setupDevice" && l.Op == "only-a" && (name == "SIOCBRADDBR" || name == "SIOCSIFHWADDR"):
			case st.Step == "setupDevice" && l.Op == "only-b" && name == "RTM_NEWLINK" && strings.Contains(text, `IFLA_INFO_KIND="bridge"`):
			case (st.Step == "setupDevice" && l.Op == "only-b" || st.Step == "setupBridgeIPv4" && l.Op == "only-a") &&
				name == "RTM_GETLINK" && strings.Contains(text, `IFLA_IFNAME="docker0"`):
			default:
				t.Errorf("%s: unexpected %s %s", st.Step, l.Op, text)
				continue
			}
			seen[st.Step+" "+l.Op+" "+name] = true
		}
	}
	for _, want := range []string{"setupDevice only-a SIOCBRADDBR", "setupDevice only-a SIOCSIFHWADDR", "setupDevice only-b RTM_NEWLINK"} {
		if !seen[want] {
			t.Errorf("missing difference: %s", want)
		}
	}
}

// TestCompareFirewallBackend compares live runs with Docker's iptables
// and nftables backends: every step that differs is one where a run
// executes iptables, ip6tables or nft, and the two backends do differ.
func TestCompareFirewallBackend(t *testing.T) {
	doc := liveCompare(t, "run --firewall-backend iptables", "run --firewall-backend nftables")
	if !doc.Differs {
		t.Fatal("the backends do not differ")
	}
	firewall := func(text string) bool {
		for _, p := range []string{"exec iptables ", "exec ip6tables ", "exec nft "} {
			if strings.HasPrefix(text, p) {
				return true
			}
		}
		return false
	}
	differ := 0
	for _, st := range doc.Steps {
		if !st.Differs {
			continue
		}
		differ++
		touches := false
		for _, l := range st.Lines {
			touches = touches || firewall(l.A) || firewall(l.B)
		}
		if !touches {
			t.Errorf("%s differs but runs no firewall command in either run", st.Step)
		}
	}
	t.Logf("%d of %d steps differ", differ, len(doc.Steps))
}
