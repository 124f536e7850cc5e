package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// requireRealDocker skips (or fails, under NETEXPLORE_REQUIRE_PRIVILEGED=1)
// unless Debian's Docker can run here.
func requireRealDocker(t *testing.T) {
	t.Helper()
	testutil.RequirePrivileged(t)
	for name, pkg := range map[string]string{"dockerd": "docker.io", "containerd": "containerd", "runc": "runc",
		"busybox": "busybox-static", "iptables": "iptables"} {
		if _, err := exec.LookPath(name); err != nil {
			if _, err := os.Stat("/usr/sbin/" + name); err == nil {
				continue
			}
		}
		testutil.RequireCommand(t, name, pkg)
	}
}

// netnsOf returns the inode of a process's network namespace, or 0.
func netnsOf(pid int) uint64 {
	var st syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st); err != nil {
		return 0
	}
	return st.Ino
}

// procComm is a process's command name and parent, from /proc/PID/stat.
func procComm(pid int) (comm string, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	rest := strings.Fields(s[end+1:])
	if len(rest) < 2 || rest[0] == "Z" {
		return "", 0, false
	}
	ppid, _ = strconv.Atoi(rest[1])
	return s[open+1 : end], ppid, true
}

// processesIn lists the live processes of network namespace ino.
func processesIn(ino uint64) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if netnsOf(pid) != ino {
			continue
		}
		if comm, _, ok := procComm(pid); ok {
			out = append(out, fmt.Sprintf("%d %s", pid, comm))
		}
	}
	return out
}

// daemonBelow waits until a dockerd runs below pid in a network namespace
// of its own (not the `dockerd --version` that checks it) and returns the
// namespace.
func daemonBelow(t *testing.T, pid int, timeout time.Duration) uint64 {
	t.Helper()
	host := netnsOf(os.Getpid())
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		dirs, _ := filepath.Glob("/proc/[0-9]*")
		for _, d := range dirs {
			p, _ := strconv.Atoi(filepath.Base(d))
			comm, _, ok := procComm(p)
			if !ok || comm != "dockerd" || netnsOf(p) == host {
				continue
			}
			for q, hops := p, 0; q > 1 && hops < 16; hops++ {
				if q == pid {
					return netnsOf(p)
				}
				_, q, _ = procComm(q)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no dockerd started below pid %d within %s", pid, timeout)
	return 0
}

// waitFor waits until a process called comm runs in network namespace ino.
func waitFor(t *testing.T, ino uint64, comm string, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, p := range processesIn(ino) {
			if strings.HasSuffix(p, " "+comm) {
				return
			}
		}
	}
	t.Fatalf("no %s ran in the run's namespace within %s", comm, timeout)
}

// requireGone waits until no process is left in network namespace ino.
func requireGone(t *testing.T, ino uint64, wait time.Duration) {
	t.Helper()
	begin := time.Now()
	for {
		left := processesIn(ino)
		if len(left) == 0 {
			t.Logf("no process left in the run's namespace %.1fs after netexplore exited", time.Since(begin).Seconds())
			return
		}
		if time.Since(begin) > wait {
			t.Fatalf("left in the run's network namespace %d after %s: %q", ino, wait, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stepIDs lists a session's step IDs by phase: "docker network create
// mynet/setupDevice".
func stepIDs(s *session.Session) []string {
	var out []string
	for _, st := range s.Steps {
		out = append(out, st.Info.Phase+"/"+st.Info.ID)
	}
	return out
}

// `netexplore docker` records the installed daemon: the steps derived from
// its stacks include libnetwork's bridge setup at start and for the new
// network, the iptables setup of both, and the container's endpoint; the
// host is as before and nothing of the run is left.
func TestDockerRecords(t *testing.T) {
	requireRealDocker(t)
	bin := buildBinary(t)
	before := testutil.HostState(t)
	out := filepath.Join(t.TempDir(), "dockerd.nxs")
	begin := time.Now()
	cmd := exec.Command(bin, "docker", "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("netexplore docker: %v\n%s", err, stderr.String())
	}
	t.Logf("netexplore docker took %.1fs: %s", time.Since(begin).Seconds(), lastLine(stderr.String()))
	s, err := session.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ids := stepIDs(s)
	has := func(phase, id string) bool {
		return slices.ContainsFunc(ids, func(p string) bool {
			i := strings.LastIndex(p, "/")
			return strings.Contains(p[:i], phase) && p[i+1:] == id
		})
	}
	missing := false
	for _, want := range [][2]string{
		{"dockerd", "setupDevice"}, {"dockerd", "setupBridgeIPv4"}, {"dockerd", "setupIPChains"},
		{"dockerd", "setupIPTables"},
		{"network create", "setupDevice"}, {"network create", "setupBridgeIPv4"}, {"network create", "setupIPTables"},
		{"docker run", "CreateEndpoint"}, {"docker run", "AddInterface"},
	} {
		if !has(want[0], want[1]) {
			t.Errorf("no step %s during %q", want[1], want[0])
			missing = true
		}
	}
	if missing {
		t.Logf("the steps: %q", ids)
	}
	if s.Lost != 0 {
		t.Errorf("%d events lost", s.Lost)
	}
	var ino uint64
	for _, st := range s.Steps {
		for _, ev := range st.Events {
			if ev.Comm == "dockerd" && ev.NetNS != 0 {
				ino = uint64(ev.NetNS)
			}
		}
	}
	if ino == 0 {
		t.Fatal("no event of dockerd says which network namespace it ran in")
	}
	requireGone(t, ino, 10*time.Second)
	if after := testutil.HostState(t); after != before {
		t.Errorf("the host changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	testutil.RequireNoOrphanProbes(t)
}

// Ctrl-C and SIGKILL of netexplore while the daemon runs leave nothing:
// the daemon, containerd, the shims and runc all go, and so does the
// namespace.
func TestDockerInterrupted(t *testing.T) {
	requireRealDocker(t)
	bin := buildBinary(t)
	before := testutil.HostState(t)
	// Ctrl-C once containerd runs; SIGKILL once a container's shim does.
	for _, c := range []struct {
		sig  syscall.Signal
		when string
	}{{syscall.SIGINT, "containerd"}, {syscall.SIGKILL, "containerd-shim"}} {
		sig := c.sig
		out := filepath.Join(t.TempDir(), "dockerd.nxs")
		cmd := exec.Command(bin, "docker", "-o", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ino := daemonBelow(t, cmd.Process.Pid, 60*time.Second)
		waitFor(t, ino, c.when, 60*time.Second)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if sig == syscall.SIGINT && cmd.ProcessState.ExitCode() != 130 {
				t.Errorf("after SIGINT: %v, want exit status 130\n%s", err, stderr.String())
			}
		case <-time.After(45 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("netexplore docker did not exit within 45s of %v\n%s", sig, stderr.String())
		}
		requireGone(t, ino, 45*time.Second)
		if _, err := os.Stat(out); err == nil {
			t.Errorf("after %v the session file %s was written", sig, out)
		}
		t.Logf("%v: clean (%s)", sig, lastLine(stderr.String()))
	}
	if after := testutil.HostState(t); after != before {
		t.Errorf("the host changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	testutil.RequireNoOrphanProbes(t)
}

// Without a usable dockerd, one line says what to install, and nothing
// starts.
func TestDockerMissing(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "docker", "--dockerd", "/nonexistent/dockerd")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("netexplore docker with a missing daemon succeeded:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "apt-get install docker.io") {
		t.Errorf("output %q, want one line naming apt-get install docker.io", out)
	}
}
