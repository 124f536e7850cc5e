package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
// a program being freed can be listed for a while without one (the kernel
// frees programs after an RCU grace period, which a loaded machine
// stretches), so only a program still ownerless after orphanGrace counts.
// It does nothing when bpftool is not installed.
func RequireNoOrphanProbes(t testing.TB) {
	t.Helper()
	left, ok := ownerlessProbes(t)
	for deadline := time.Now().Add(orphanGrace); ok && len(left) > 0 && time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond)
		now, _ := ownerlessProbes(t)
		for id := range left {
			if !now[id] {
				delete(left, id)
			}
		}
	}
	for id := range left {
		t.Errorf("netexplore probe program %d outlived its process", id)
	}
}

// orphanGrace is how long a probe program may stay listed without an owner
// before it counts as left behind.
const orphanGrace = 15 * time.Second

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
	}
	if err := json.Unmarshal(out, &progs); err != nil {
		t.Fatalf("reading bpftool's list: %v", err)
	}
	held := heldPrograms()
	ids := map[int]bool{}
	for _, p := range progs {
		if p.Name == "handle_fork" && !held[p.ID] {
			ids[p.ID] = true
		}
	}
	return ids, true
}

// heldPrograms returns the IDs of the BPF programs some process holds, by
// a program or a link file descriptor. (bpftool lists the holders only
// when built with skeletons, which Debian's is not.)
func heldPrograms() map[int]bool {
	held := map[int]bool{}
	infos, _ := filepath.Glob("/proc/[0-9]*/fdinfo/*")
	for _, p := range infos {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte("prog_id:")) {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "prog_id:"); ok {
				if id, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
					held[id] = true
				}
			}
		}
	}
	return held
}
