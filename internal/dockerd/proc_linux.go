package dockerd

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// process is one entry of /proc.
type process struct {
	pid, ppid int
	comm      string
	zombie    bool
}

// processes lists the processes /proc shows.
func processes() []process {
	entries, _ := os.ReadDir("/proc")
	var ps []process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		rest := strings.Fields(s[end+1:])
		if len(rest) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(rest[1])
		ps = append(ps, process{pid: pid, ppid: ppid, comm: s[open+1 : end], zombie: rest[0] == "Z"})
	}
	return ps
}

// descendants returns the live processes below pid.
func descendants(pid int, ps []process) []process {
	children := map[int][]process{}
	for _, p := range ps {
		children[p.ppid] = append(children[p.ppid], p)
	}
	var out []process
	queue := []int{pid}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			queue = append(queue, c.pid)
			if !c.zombie {
				out = append(out, c)
			}
		}
		queue = queue[1:]
	}
	return out
}

// killDescendants kills every process below this one and reaps the
// orphans that were reparented to it, until none is left or timeout
// passes.
func killDescendants(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		reapOrphans()
		left := descendants(os.Getpid(), processes())
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			names := make([]string, len(left))
			for i, p := range left {
				names[i] = fmt.Sprintf("%s (pid %d)", p.comm, p.pid)
			}
			return fmt.Errorf("processes still running after cleanup: %s", strings.Join(names, ", "))
		}
		for _, p := range left {
			_ = unix.Kill(p.pid, unix.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reapOrphans collects the exit status of every child that has exited.
func reapOrphans() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// helperComms are the command names of the daemon's helper processes that
// a step reports (a comm is cut to 15 bytes).
var helperComms = []string{"docker-proxy", "containerd-shim"}

// helperWatch samples /proc while a step runs, collecting the command lines
// of the daemon's helper processes.
type helperWatch struct {
	quit chan struct{}
	seen chan []string
}

// watchHelpers starts sampling /proc every 20ms. Reading /proc leaves no
// trace in a capture: the probe records only /proc/sys.
func watchHelpers() *helperWatch {
	w := &helperWatch{quit: make(chan struct{}), seen: make(chan []string, 1)}
	go func() {
		seen := map[string]bool{}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			for _, p := range processes() {
				if !p.zombie && slices.Contains(helperComms, p.comm) {
					if argv := cmdline(p.pid); argv != "" {
						seen[argv] = true
					}
				}
			}
			select {
			case <-w.quit:
				w.seen <- slices.Sorted(maps.Keys(seen))
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the command lines seen, sorted.
func (w *helperWatch) stop() []string {
	close(w.quit)
	return <-w.seen
}

// cmdline returns process pid's command line, arguments separated by
// spaces.
func cmdline(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// netDevices lists the network devices of this process's network
// namespace, from /proc/net/dev (which, unlike a netlink dump, leaves no
// trace in a capture), sorted.
func netDevices() []string {
	var names []string
	eachLine("/proc/net/dev", func(line string) {
		if name, _, ok := strings.Cut(line, ":"); ok {
			names = append(names, strings.TrimSpace(name))
		}
	})
	slices.Sort(names)
	return names
}

// cgroupPrefix starts the name of a run's cgroup parent; the PID of the
// process that owns it follows.
const cgroupPrefix = "netexplore-dockerd-"

// cgroupMounts returns the mount points of the cgroup (v1 and v2) file
// systems.
func cgroupMounts() []string {
	var mounts []string
	eachLine("/proc/self/mountinfo", func(line string) {
		// id parent major:minor root mountpoint options ... - fstype source super
		before, after, ok := strings.Cut(line, " - ")
		fields, fstype := strings.Fields(before), strings.Fields(after)
		if ok && len(fields) >= 5 && len(fstype) > 0 && (fstype[0] == "cgroup" || fstype[0] == "cgroup2") {
			mounts = append(mounts, fields[4])
		}
	})
	return mounts
}

// eachLine calls fn with each line of the file at path; a file that cannot
// be read has none.
func eachLine(path string, fn func(line string)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fn(sc.Text())
	}
}

// removeCgroup removes the cgroup directory parent (an absolute cgroup
// path) and everything below it from every hierarchy, deepest first. A
// cgroup that still holds a process cannot be removed; that is an error.
func removeCgroup(parent string) error {
	var errs []error
	for _, m := range cgroupMounts() {
		errs = append(errs, removeTree(filepath.Join(m, parent)))
	}
	return errors.Join(errs...)
}

// removeTree removes the cgroup directory dir and its sub-cgroups.
func removeTree(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := unix.Rmdir(dirs[i]); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("removing cgroup %s: %w", dirs[i], err))
		}
	}
	return errors.Join(errs...)
}

// sweepCgroups removes the cgroup parents of earlier runs whose owner is
// gone (a run killed with SIGKILL cannot remove its own), except keep. It
// must run while /proc shows the host's processes.
func sweepCgroups(keep string) {
	for _, m := range cgroupMounts() {
		entries, _ := os.ReadDir(m)
		for _, e := range entries {
			pid, ok := strings.CutPrefix(e.Name(), cgroupPrefix)
			if !ok || !e.IsDir() || "/"+e.Name() == keep {
				continue
			}
			if _, err := os.Stat("/proc/" + pid); err == nil {
				continue // its run is still going
			}
			_ = removeTree(filepath.Join(m, e.Name()))
		}
	}
}
