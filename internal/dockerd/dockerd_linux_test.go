package dockerd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/netexplore/netexplore/internal/testutil"
)

// requireDocker skips the test (or fails it, under
// NETEXPLORE_REQUIRE_PRIVILEGED=1) unless it may run a real Docker daemon,
// and returns the daemon's tools.
func requireDocker(t *testing.T) Tools {
	t.Helper()
	testutil.RequirePrivileged(t)
	for name, pkg := range map[string]string{"dockerd": "docker.io", "containerd": "containerd", "runc": "runc", "busybox": "busybox-static"} {
		testutil.RequireCommand(t, name, pkg)
	}
	tools, err := Check("")
	if err != nil {
		if os.Getenv(testutil.RequirePrivilegedEnv) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return tools
}

// footprint is what a run must not change on the host.
type footprint struct {
	host   string          // links, addresses, routes, firewall
	mounts map[string]bool // lines of /proc/self/mountinfo
	paths  map[string]bool // where a careless daemon writes, and whether it exists
}

// daemonPaths are the places dockerd, containerd and the CLI use by
// default.
func daemonPaths() []string {
	home, _ := os.UserHomeDir()
	return []string{"/opt/containerd", "/run/docker", "/run/containerd", "/run/docker.sock", "/run/docker.pid",
		"/var/lib/docker", "/var/lib/containerd", "/etc/docker/key.json", "/etc/containerd", filepath.Join(home, ".docker")}
}

func takeFootprint(t *testing.T) footprint {
	t.Helper()
	f := footprint{host: testutil.HostState(t), mounts: mountLines(t), paths: map[string]bool{}}
	for _, p := range daemonPaths() {
		_, err := os.Lstat(p)
		f.paths[p] = err == nil
	}
	return f
}

func mountLines(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		lines[l] = true
	}
	return lines
}

// runProcesses lists the processes a run may leave: Docker's programs
// outside the host's network namespace, and re-executions of this binary
// in a stage of a run.
func runProcesses(t *testing.T) []string {
	t.Helper()
	hostNS, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, p := range processes() {
		if p.zombie || testutil.StartedByOtherTest(p.pid) {
			continue
		}
		argv := cmdline(p.pid)
		ns, _ := os.Readlink("/proc/" + strconv.Itoa(p.pid) + "/ns/net")
		docker := slices.Contains([]string{"dockerd", "containerd", "containerd-shim", "docker-proxy", "runc"}, p.comm) && ns != hostNS
		if docker || strings.Contains(argv, roleArg) {
			left = append(left, fmt.Sprintf("%d %s", p.pid, argv))
		}
	}
	return left
}

// runCgroups lists the cgroup parents of runs that exist, but for those
// of another test binary's runs still going (the cgroup is named after
// its run's init process).
func runCgroups() []string {
	var left []string
	for _, m := range cgroupMounts() {
		found, _ := filepath.Glob(filepath.Join(m, cgroupPrefix+"*"))
		for _, c := range found {
			pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(c), cgroupPrefix))
			if err == nil && testutil.StartedByOtherTest(pid) {
				continue
			}
			left = append(left, c)
		}
	}
	return left
}

// requireNoLeftovers waits (a killed run cleans up in the background) until
// no process or cgroup of a run is left, then checks that the host is as
// before: same links, addresses, routes and firewall, no new mount, none
// of the daemon's default paths created.
func requireNoLeftovers(t *testing.T, before footprint, wait time.Duration) {
	t.Helper()
	begin := time.Now()
	for {
		procs, cgroups := runProcesses(t), runCgroups()
		if len(procs) == 0 && len(cgroups) == 0 {
			t.Logf("nothing left %.1fs after the run ended", time.Since(begin).Seconds())
			break
		}
		if time.Since(begin) > wait {
			t.Fatalf("left after %s: processes %q, cgroups %q", wait, procs, cgroups)
		}
		time.Sleep(100 * time.Millisecond)
	}
	after := takeFootprint(t)
	if after.host != before.host {
		t.Errorf("the host's network state changed:\nbefore:\n%s\nafter:\n%s", before.host, after.host)
	}
	for l := range after.mounts {
		if !before.mounts[l] && regexp.MustCompile(`netexplore|docker|containerd| /run| /opt| /proc| /sys/fs/cgroup`).MatchString(l) {
			t.Errorf("new mount on the host: %s", l)
		}
	}
	for p, existed := range before.paths {
		if after.paths[p] != existed {
			t.Errorf("%s: existed %v before the run, %v after", p, existed, after.paths[p])
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(os.TempDir(), "netexplore-dockerd*")); len(tmp) > 0 {
		t.Errorf("temporary directories left: %v", tmp)
	}
}

// runPipes carry a run's output to the test: reports on one, error text on
// the other. The run gets the write ends as files, so that waiting for its
// launcher returns as soon as the launcher exits, not when the last
// process of the run closes its copy.
type runPipes struct {
	outR, outW, errR, errW *os.File
	stderr                 *testutil.SyncBuffer
}

func newRunPipes(t *testing.T) *runPipes {
	t.Helper()
	p := &runPipes{stderr: &testutil.SyncBuffer{}}
	var err error
	if p.outR, p.outW, err = os.Pipe(); err == nil {
		p.errR, p.errW, err = os.Pipe()
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// started closes the write ends in this process, once the run holds them,
// and starts reading: stderr into p.stderr, reports to onReport (from
// another goroutine) as they arrive and all of them to the channel once
// every process of the run has closed its output.
func (p *runPipes) started(onReport func(Report)) <-chan []Report {
	p.outW.Close()
	p.errW.Close()
	go func() {
		defer p.errR.Close()
		_, _ = io.Copy(p.stderr, p.errR)
	}()
	reports := make(chan []Report, 1)
	go func() {
		defer p.outR.Close()
		var all []Report
		_ = ReadReports(p.outR, func(rep Report) {
			all = append(all, rep)
			if onReport != nil {
				onReport(rep)
			}
		})
		reports <- all
	}()
	return reports
}

// startRun starts a re-executed run of cfg; see [runPipes.started] for
// the reports.
func startRun(t *testing.T, cfg Config, onReport func(Report)) (*exec.Cmd, *testutil.SyncBuffer, <-chan []Report) {
	t.Helper()
	cmd, err := Command(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := newRunPipes(t)
	cmd.Stdout, cmd.Stderr = p.outW, p.errW
	err = cmd.Start()
	reports := p.started(onReport)
	if err != nil {
		t.Fatal(err)
	}
	return cmd, p.stderr, reports
}

// TestRealDocker takes the whole script and checks what each step did:
// docker0 in the run's namespace and not on the host, the user-defined
// bridge and macvlan networks with a container on each, docker-proxy for
// the published port; then that nothing is left.
func TestRealDocker(t *testing.T) {
	tools := requireDocker(t)
	// A cgroup parent of a run that was killed: this run must sweep it.
	stale := "/" + cgroupPrefix + "999999999"
	for _, m := range cgroupMounts() {
		if err := os.Mkdir(filepath.Join(m, stale), 0o755); err != nil {
			t.Fatalf("planting a stale cgroup: %v", err)
		}
	}
	t.Cleanup(func() { _ = removeCgroup(stale) })
	before := takeFootprint(t)

	var hostDocker0 []string
	cmd, stderr, reports := startRun(t, Config{Tools: &tools}, func(r Report) {
		if r.Phase == PhaseEnd && r.Name == StepStart {
			// While the daemon runs, docker0 exists in its namespace only.
			if _, err := netlink.LinkByName("docker0"); err == nil {
				hostDocker0 = append(hostDocker0, "docker0 appeared on the host")
			}
		}
	})
	begin := time.Now()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	t.Logf("the run took %.1fs", time.Since(begin).Seconds())
	all := <-reports
	if len(all) == 0 || all[len(all)-1].Phase != PhaseDone || all[len(all)-1].Result == nil {
		t.Fatalf("no done report: %+v", all)
	}
	res := all[len(all)-1].Result
	if len(hostDocker0) > 0 {
		t.Error(hostDocker0[0])
	}
	for _, s := range res.Steps {
		t.Logf("%-16s %5.2fs  %s", s.Name, s.Duration.Seconds(), s.Command)
	}
	if got, want := len(res.Steps), len(Script()); got != want {
		t.Fatalf("%d steps taken, want %d", got, want)
	}

	step := func(name string) StepResult {
		s, _ := res.Step(name)
		if s.Error != "" {
			t.Errorf("step %s failed: %s", name, s.Error)
		}
		return s
	}
	if s := step(StepStart); !slices.Contains(s.Links, "docker0") {
		t.Errorf("after %s the namespace holds %v, want docker0", StepStart, s.Links)
	}
	id := regexp.MustCompile(`^[0-9a-f]{64}$`)
	if s := step(StepBridgeNetwork); !id.MatchString(s.Output) {
		t.Errorf("%s printed %q, want a network ID", StepBridgeNetwork, s.Output)
	} else if !slices.Contains(s.Links, "br-"+s.Output[:12]) {
		t.Errorf("after %s the namespace holds %v, want br-%s", StepBridgeNetwork, s.Links, s.Output[:12])
	}
	if s := step(StepBridgeRun); !strings.Contains(s.Output, "inet 172.18.0.2/16") {
		t.Errorf("the container on %s shows %q, want 172.18.0.2/16 on eth0", userNetwork, s.Output)
	}
	if s := step(StepPublishRun); !slices.ContainsFunc(s.Helpers, func(h string) bool {
		return strings.Contains(h, "docker-proxy") && strings.Contains(h, "-host-port 8080") && strings.Contains(h, "-container-port 80")
	}) {
		t.Errorf("no docker-proxy for 8080:80 seen while %s ran; saw %q", StepPublishRun, s.Helpers)
	}
	if s := step(StepMacvlanNetwork); !id.MatchString(s.Output) {
		t.Errorf("%s printed %q, want a network ID", StepMacvlanNetwork, s.Output)
	}
	if s := step(StepMacvlanRun); !strings.Contains(s.Output, "inet 192.168.100.2/24") {
		t.Errorf("the container on %s shows %q, want 192.168.100.2/24 on eth0", macvlanNetwork, s.Output)
	}
	step(StepStop)

	requireNoLeftovers(t, before, 10*time.Second)
}

// TestRealDockerInterrupted signals the run's launcher while a container
// publishes a port: SIGKILL (the caller died) or SIGINT (Ctrl-C). Either
// way the run must leave nothing behind.
func TestRealDockerInterrupted(t *testing.T) {
	tools := requireDocker(t)
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			before := takeFootprint(t)
			publishing := make(chan struct{})
			var once sync.Once
			cmd, stderr, reports := startRun(t, Config{Tools: &tools, Steps: []string{StepPublishRun}}, func(r Report) {
				if r.Phase == PhaseBegin && r.Name == StepPublishRun {
					once.Do(func() { close(publishing) })
				}
			})
			select {
			case <-publishing:
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
				t.Fatal("the run never reached " + StepPublishRun)
			}
			// Signal in the middle of the container's three seconds of life,
			// once its docker-proxy runs.
			deadline := time.Now().Add(10 * time.Second)
			for !slices.ContainsFunc(runProcesses(t), func(p string) bool { return strings.Contains(p, "docker-proxy") }) {
				if time.Now().After(deadline) {
					t.Fatal("docker-proxy never started")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var exit *exec.ExitError
			if err := cmd.Wait(); !errors.As(err, &exit) {
				t.Fatalf("the signalled launcher: %v", err)
			}
			requireNoLeftovers(t, before, initGrace+15*time.Second)
			all := <-reports // complete once every process of the run is gone
			if sig == syscall.SIGKILL {
				return
			}
			if exit.ExitCode() != 1 {
				t.Errorf("exit code %d after SIGINT, want 1", exit.ExitCode())
			}
			if last := all[len(all)-1]; last.Phase != PhaseDone || !strings.Contains(last.Error, "interrupted during step "+StepPublishRun) {
				t.Errorf("last report %+v, want done with the interruption", last)
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr %q does not say the run was interrupted", stderr)
			}
		})
	}
}

// TestDaemonStartFailures starts stand-ins for dockerd that never answer:
// one hangs, one exits. The error names what happened and ends with the
// daemon's log, and nothing is left.
func TestDaemonStartFailures(t *testing.T) {
	testutil.RequirePrivileged(t)
	for _, tc := range []struct{ name, script, want string }{
		{"hangs", "sleep 60", "did not answer on "},
		{"exits", "exit 3", "dockerd exited (exit status 3) before its API answered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := filepath.Join(t.TempDir(), "dockerd")
			script := "#!/bin/sh\necho 'level=info msg=\"fake daemon for the test\"'\n" + tc.script + "\n"
			if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			before := takeFootprint(t)
			tools := Tools{Dockerd: fake, Docker: "/bin/false", Busybox: "/bin/false", Version: "0"}
			cmd, stderr, reports := startRun(t, Config{Tools: &tools, StartTimeout: time.Second}, nil)
			if err := cmd.Wait(); err == nil {
				t.Fatal("the run succeeded")
			}
			requireNoLeftovers(t, before, 10*time.Second)
			all := <-reports
			last := all[len(all)-1].Error
			if !strings.Contains(last, tc.want) || !strings.HasSuffix(last, "the end of its log:\n  level=info msg=\"fake daemon for the test\"") {
				t.Errorf("error %q: want %q and the daemon's log", last, tc.want)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
		})
	}
}

// directRunEnv holds the Config of a test binary started to call Run
// itself, as a caller that makes its own namespaces would.
const directRunEnv = "NETEXPLORE_DOCKERD_TEST_RUN"

// directRunMain calls Run with the Config in cfg and prints the result as
// JSON.
func directRunMain(cfg string) int {
	var c Config
	if err := json.Unmarshal([]byte(cfg), &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := Run(ctx, c)
	_ = json.NewEncoder(os.Stdout).Encode(res)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestRunInPrivateNamespaces calls Run in a process started with
// CLONE_NEWNET|CLONE_NEWNS only, as `unshare -n -m` would: without a PID
// namespace to die with, Run itself must stop everything, the daemonized
// containerd shims included.
func TestRunInPrivateNamespaces(t *testing.T) {
	tools := requireDocker(t)
	before := takeFootprint(t)
	raw, err := json.Marshal(Config{Tools: &tools, Steps: []string{StepPublishRun}})
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), directRunEnv+"="+string(raw))
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, stderr.String())
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if s, ok := res.Step(StepPublishRun); !ok || !slices.ContainsFunc(s.Helpers, func(h string) bool { return strings.Contains(h, "docker-proxy") }) {
		t.Errorf("%s: %+v, want docker-proxy seen", StepPublishRun, s)
	}
	t.Logf("Run took %.1fs", res.Duration.Seconds())
	for _, s := range res.Steps {
		t.Logf("%-16s %5.2fs", s.Name, s.Duration.Seconds())
	}
	requireNoLeftovers(t, before, 10*time.Second)
}
