package testutil

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// HostState captures what netexplore must never change on the host: links,
// addresses, routes, named network namespaces and firewall rules. Compare
// two captures with ==.
func HostState(t testing.TB) string {
	t.Helper()
	var b bytes.Buffer
	for _, argv := range [][]string{
		{"ip", "-o", "link", "show"},
		{"ip", "-o", "addr", "show"},
		{"ip", "route", "show", "table", "all"},
		{"ip", "netns", "list"},
		{"iptables-save"},
		{"nft", "list", "ruleset"},
	} {
		if _, err := exec.LookPath(argv[0]); err != nil {
			continue
		}
		out, _ := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		// iptables-save stamps the time it ran; that is not state.
		for _, line := range strings.Split(string(out), "\n") {
			if !strings.HasPrefix(line, "# ") {
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

// RequireNoOrphanProbes fails the test when a netexplore probe program is
// loaded without any process holding it: one that outlived the netexplore
// that loaded it. Probes of tests running at the same time have owners, and
// a program being freed is listed without one until the kernel's grace
// periods end — seconds on a machine busy with thousands of exiting
// processes — so only a program still ownerless ten seconds later counts.
// It does nothing when bpftool is not installed.
func RequireNoOrphanProbes(t testing.TB) {
	t.Helper()
	first, ok := ownerlessProbes(t)
	if !ok || len(first) == 0 {
		return
	}
	var again map[int]bool
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		again, _ = ownerlessProbes(t)
		stale := false
		for id := range first {
			stale = stale || again[id]
		}
		if !stale {
			return
		}
	}
	for id := range first {
		if again[id] {
			t.Errorf("netexplore probe program %d outlived its process", id)
		}
	}
}

// ownerlessProbes returns the IDs of loaded netexplore probe programs that
// no process holds, and whether bpftool could tell.
func ownerlessProbes(t testing.TB) (map[int]bool, bool) {
	t.Helper()
	out, err := exec.Command("bpftool", "-j", "prog", "show").Output()
	if err != nil {
		return nil, false
	}
	var progs []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
		Pids []any  `json:"pids"`
	}
	if err := json.Unmarshal(out, &progs); err != nil {
		t.Fatalf("reading bpftool's list: %v", err)
	}
	ids := map[int]bool{}
	for _, p := range progs {
		if p.Name == "handle_fork" && len(p.Pids) == 0 {
			ids[p.ID] = true
		}
	}
	return ids, true
}
