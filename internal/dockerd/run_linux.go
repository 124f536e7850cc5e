package dockerd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/child"
	"github.com/netexplore/netexplore/internal/marker"
)

// How long the daemon may take to stop before it is killed, and how long
// leftover processes may take to die.
const (
	stopTimeout = 20 * time.Second
	killTimeout = 5 * time.Second
)

// Run takes cfg's steps with a real Docker daemon in the calling process,
// which must already be in private network and mount namespaces: started
// with CLONE_NEWNET|CLONE_NEWNS (better with CLONE_NEWPID too, and a
// parent-death signal) by a parent in the host's. It refuses to run in the
// network or mount namespace of its parent or of PID 1.
//
// Run makes the mount tree private, mounts fresh tmpfs on /run and /opt
// (and proc on /proc when the process has its own PID namespace), starts
// dockerd in a temporary directory under /run (dockerd starts its own
// containerd), waits for the API to answer, takes the steps, and stops the
// daemon. On every path (success, a failed step, ctx cancelled) it then
// kills whatever is left of the daemon's process tree, removes the
// containers' cgroup parent and undoes its mounts, which takes the
// temporary directory with them.
//
// While it runs, the process is a child subreaper: the containerd shims,
// which daemonize, stay in its tree, and Run reaps them at the end. The
// process should start no other children meanwhile.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := requirePrivateNamespaces(); err != nil {
		return Result{}, err
	}
	return run(ctx, cfg)
}

// run is [Run] without the namespace check, for the worker of a
// re-executed run: its namespaces were made for it, and its parent (init)
// shares them.
func run(ctx context.Context, cfg Config) (res Result, err error) {
	begin := time.Now()
	plan, err := Plan(cfg.Steps)
	if err != nil {
		return res, err
	}
	if cfg.Tools == nil {
		t, err := Check(cfg.Dockerd)
		if err != nil {
			return res, err
		}
		cfg.Tools = &t
	}
	res.Version = cfg.Tools.Version
	r := &runner{cfg: cfg, log: &lineTail{max: 200}}
	defer func() {
		err = errors.Join(err, r.cleanup())
		res.Duration = time.Since(begin)
	}()
	if err := r.isolate(); err != nil {
		return res, err
	}
	for i, s := range plan {
		sr, err := r.step(ctx, i, s)
		res.Steps = append(res.Steps, sr)
		if err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("interrupted during step %s: %w", s.Name, ctx.Err())
			}
			return res, fmt.Errorf("step %s: %w", s.Name, err)
		}
	}
	return res, nil
}

// requirePrivateNamespaces refuses the network and mount namespaces of the
// parent process and of PID 1 (which some sandboxes do not let even root
// inspect; the parent's must be readable).
func requirePrivateNamespaces() error {
	for _, ns := range []string{"net", "mnt"} {
		self, err := os.Readlink("/proc/self/ns/" + ns)
		if err != nil {
			return fmt.Errorf("reading this process's %s namespace: %w", ns, err)
		}
		for _, pid := range []string{strconv.Itoa(os.Getppid()), "1"} {
			other, err := os.Readlink("/proc/" + pid + "/ns/" + ns)
			if err != nil {
				if pid == "1" && errors.Is(err, fs.ErrPermission) {
					continue
				}
				return fmt.Errorf("cannot prove the %s namespace is private: %w", ns, err)
			}
			if other == self {
				return fmt.Errorf("refusing to start a real Docker daemon in the %s namespace of process %s: "+
					"start it through dockerd.Command or dockerd.Argv, which make fresh namespaces", ns, pid)
			}
		}
	}
	return nil
}

// Mark issues the probe's step marker, ioctl(-1, marker.Request(index,
// phase), 0): it fails at once with EBADF, but the probe records it on
// syscall entry, so a trace shows exactly which events a step caused.
func Mark(index int, phase marker.Phase) {
	_, _, _ = unix.Syscall(unix.SYS_IOCTL, ^uintptr(0), uintptr(marker.Request(index, phase)), 0)
}

// runner is the state of one run.
type runner struct {
	cfg    Config
	dir    string   // the temporary directory, under the private /run
	sock   string   // the daemon's API socket
	env    []string // the environment of the daemon and the CLI
	mounts []string // mount points to undo, in mount order
	cgroup string   // the containers' cgroup parent
	log    *lineTail
	daemon *child.Child
}

// step takes step s as the index-th of the run, between two hook calls.
func (r *runner) step(ctx context.Context, index int, s Step) (StepResult, error) {
	sr := StepResult{Index: index, Name: s.Name, Command: s.Command}
	if err := ctx.Err(); err != nil {
		return sr, err
	}
	r.hook(index, s, marker.Begin, nil)
	watch := watchHelpers()
	begin := time.Now()
	out, err := s.do(r, ctx)
	sr.Duration = time.Since(begin)
	sr.Output = strings.TrimSpace(out)
	sr.Helpers = watch.stop()
	if err != nil {
		sr.Error = err.Error()
	}
	r.hook(index, s, marker.End, &sr)
	// After the end marker: the harness's own look at the links is not
	// the step's traffic. (The step's end report goes without them.)
	sr.Links = netDevices()
	return sr, err
}

func (r *runner) hook(index int, s Step, phase marker.Phase, res *StepResult) {
	if r.cfg.Hook != nil {
		r.cfg.Hook(index, s, phase, res)
	}
}

// isolate prepares the private mount namespace: a private mount tree,
// /proc of the process's own PID namespace, tmpfs on /run and /opt, and
// the temporary directory with the daemon's configuration.
func (r *runner) isolate() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mount tree private (mount --make-rprivate /): %w", err)
	}
	// While /proc still shows the host's processes: name the cgroup parent
	// after this process and sweep those of runs that were killed.
	hostPID, err := os.Readlink("/proc/self")
	if err != nil {
		return fmt.Errorf("reading /proc/self: %w", err)
	}
	r.cgroup = r.cfg.CgroupParent
	if r.cgroup == "" {
		r.cgroup = "/" + cgroupPrefix + hostPID
	}
	sweepCgroups(r.cgroup)
	if hostPID != strconv.Itoa(os.Getpid()) {
		// A PID namespace of our own: the daemon and containerd must see
		// its /proc, not the host's.
		if err := r.mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return err
		}
	}
	for _, dir := range []string{"/run", "/opt"} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		if err := r.mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
			return err
		}
	}
	if err := prepareNetNS(); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("becoming a child subreaper: %w", err)
	}
	if r.dir, err = os.MkdirTemp("/run", "netexplore-dockerd-"); err != nil {
		return fmt.Errorf("creating the daemon's directory: %w", err)
	}
	for _, d := range []string{"data", "exec", "cli", "tmp"} {
		if err := os.Mkdir(filepath.Join(r.dir, d), 0o700); err != nil {
			return fmt.Errorf("creating the daemon's directory: %w", err)
		}
	}
	// The key path keeps dockerd out of /etc/docker; the short shutdown
	// timeout makes an interrupted run stop its containers quickly.
	daemonJSON, _ := json.Marshal(map[string]any{
		"deprecated-key-path": filepath.Join(r.dir, "key.json"),
		"shutdown-timeout":    2,
	})
	if err := os.WriteFile(r.path("daemon.json"), daemonJSON, 0o600); err != nil {
		return fmt.Errorf("writing daemon.json: %w", err)
	}
	r.sock = r.path("docker.sock")
	r.env = append(cleanEnv(), "PATH="+searchPath(), "TMPDIR="+r.path("tmp"),
		"DOCKER_HOST=unix://"+r.sock, "DOCKER_CONFIG="+r.path("cli"))
	return nil
}

// forwardingSysctls are preset to 0 in the run's namespace.
var forwardingSysctls = []string{
	"/proc/sys/net/ipv4/ip_forward",
	"/proc/sys/net/ipv6/conf/all/forwarding",
	"/proc/sys/net/ipv6/conf/default/forwarding",
}

// prepareNetNS makes the fresh network namespace look like a fresh host,
// as the lab of package steps does: lo up, and forwarding off (a new
// namespace copies the host's IPv4 settings, so the daemon would otherwise
// find whatever the machine has).
func prepareNetNS() error {
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	for _, p := range forwardingSysctls {
		if _, err := os.Stat(p); err != nil {
			continue // no IPv6 in this kernel
		}
		if err := os.WriteFile(p, []byte("0\n"), 0o644); err != nil {
			return fmt.Errorf("presetting %s: %w", p, err)
		}
	}
	return nil
}

// path returns name inside the run's temporary directory.
func (r *runner) path(name string) string { return filepath.Join(r.dir, name) }

// mount mounts a fresh file system of type fstype on target and remembers
// to undo it.
func (r *runner) mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return fmt.Errorf("mounting %s on %s: %w", fstype, target, err)
	}
	r.mounts = append(r.mounts, target)
	return nil
}

// cleanEnv is the process's environment without the variables that would
// steer the daemon or the CLI elsewhere.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "DOCKER_"), name == "PATH", name == "TMPDIR", name == "NOTIFY_SOCKET",
			name == "LISTEN_FDS", name == "LISTEN_PID", name == "CONTAINERD_ADDRESS":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// cleanup kills the daemon if it still runs (the run failed or was
// interrupted: there is nothing to stop gracefully in a namespace that is
// about to go, and a person who pressed Ctrl-C wants it quick), kills and
// reaps whatever is left of its tree, removes the cgroup parent and undoes
// the mounts.
func (r *runner) cleanup() error {
	var errs []error
	if r.daemon != nil && !r.daemon.Done() {
		_ = r.daemon.Cmd.Process.Kill()
		<-r.daemon.Exited
	}
	errs = append(errs, killDescendants(killTimeout))
	if r.cgroup != "" {
		errs = append(errs, removeCgroup(r.cgroup))
	}
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	for i := len(r.mounts) - 1; i >= 0; i-- {
		if err := unix.Unmount(r.mounts[i], unix.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", r.mounts[i], err))
		}
	}
	r.mounts = nil
	return errors.Join(errs...)
}

// startDaemon starts dockerd and waits until its API answers.
func (r *runner) startDaemon(ctx context.Context) (string, error) {
	args := []string{
		"--config-file", r.path("daemon.json"),
		"--data-root", r.path("data"),
		"--exec-root", r.path("exec"),
		"-H", "unix://" + r.sock,
		"--pidfile", r.path("docker.pid"),
		"--storage-driver", "vfs",
		"--cgroup-parent", r.cgroup,
	}
	cmd := exec.Command(r.cfg.Tools.Dockerd, args...)
	cmd.Env = r.env
	var log io.Writer = r.log
	if r.cfg.Log != nil {
		log = io.MultiWriter(r.log, r.cfg.Log)
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Its children (containerd, docker-proxy) inherit the log pipe: once
	// the daemon has exited, Wait must not wait for them to close it.
	cmd.WaitDelay = time.Second
	// If this process dies, the daemon stops its containers and containerd.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	begin := time.Now()
	d, err := child.Start(cmd)
	if err != nil {
		return "", fmt.Errorf("starting %s: %w", r.cfg.Tools.Dockerd, err)
	}
	r.daemon = d
	if err := r.waitAPI(ctx); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s\nthe API answered after %.1fs", r.cfg.Tools.Dockerd, strings.Join(args, " "), time.Since(begin).Seconds()), nil
}

// waitAPI polls the daemon's /_ping until it answers, the daemon exits, the
// start timeout passes or ctx is cancelled.
func (r *runner) waitAPI(ctx context.Context) error {
	timeout := r.cfg.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", r.sock)
		},
	}}
	defer client.CloseIdleConnections()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := client.Get("http://docker/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-r.daemon.Exited:
			return fmt.Errorf("dockerd exited (%v) before its API answered; the end of its log:\n%s", r.daemon.Err, r.log.last(20))
		case <-deadline.C:
			return fmt.Errorf("dockerd did not answer on %s within %s; the end of its log:\n%s", r.sock, timeout, r.log.last(20))
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// stopDaemon is the last step: SIGTERM, as a service manager would send.
func (r *runner) stopDaemon(context.Context) (string, error) {
	if r.daemon == nil {
		return "", errors.New("the daemon is not running")
	}
	return r.stop()
}

// stop sends the daemon SIGTERM and waits for it to exit, killing it after
// stopTimeout.
func (r *runner) stop() (string, error) {
	begin := time.Now()
	_ = r.daemon.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.daemon.Exited:
	case <-time.After(stopTimeout):
		_ = r.daemon.Cmd.Process.Kill()
		<-r.daemon.Exited
		return "", fmt.Errorf("dockerd did not stop within %s and was killed; the end of its log:\n%s", stopTimeout, r.log.last(20))
	}
	if r.daemon.Err != nil {
		return "", fmt.Errorf("dockerd exited with %w; the end of its log:\n%s", r.daemon.Err, r.log.last(20))
	}
	return fmt.Sprintf("dockerd stopped after %.1fs", time.Since(begin).Seconds()), nil
}

// docker runs the Docker CLI with args against the run's daemon.
func (r *runner) docker(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, r.cfg.Tools.Docker, args...)
	cmd.Env = r.env
	cmd.Stdin = stdin
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// importImage makes the busybox image from a static busybox.
func (r *runner) importImage(ctx context.Context) (string, error) {
	tarball, err := busyboxImage(r.cfg.Tools.Busybox)
	if err != nil {
		return "", err
	}
	return r.docker(ctx, bytes.NewReader(tarball), "import", "-", imageName)
}

// makeMacvlanParent creates the veth pair whose end eth0 is the macvlan
// network's parent, as a host's NIC would be, and brings both ends up.
func (r *runner) makeMacvlanParent(context.Context) (string, error) {
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: macvlanParent}, PeerName: macvlanPeer}
	if err := netlink.LinkAdd(veth); err != nil {
		return "", fmt.Errorf("creating the veth pair %s/%s: %w", macvlanParent, macvlanPeer, err)
	}
	for _, name := range []string{macvlanParent, macvlanPeer} {
		link, err := netlink.LinkByName(name)
		if err == nil {
			err = netlink.LinkSetUp(link)
		}
		if err != nil {
			return "", fmt.Errorf("bringing %s up: %w", name, err)
		}
	}
	return "", nil
}

// lineTail keeps the last max lines written to it.
type lineTail struct {
	mu      sync.Mutex
	lines   []string
	partial string
	max     int
}

// Write splits p into lines and keeps the last max.
func (t *lineTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	text := t.partial + string(p)
	parts := strings.Split(text, "\n")
	t.partial = parts[len(parts)-1]
	t.lines = append(t.lines, parts[:len(parts)-1]...)
	if over := len(t.lines) - t.max; over > 0 {
		t.lines = append(t.lines[:0], t.lines[over:]...)
	}
	return len(p), nil
}

// last returns the last n lines, indented for an error message.
func (t *lineTail) last(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := append([]string(nil), t.lines...)
	if t.partial != "" {
		lines = append(lines, t.partial)
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return "  (empty)"
	}
	return "  " + strings.Join(lines, "\n  ")
}
