package probe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/bpf"
)

// Options configures the probe before it is loaded.
type Options struct {
	// Stacks turns on capture of the user stack of each syscall.
	Stacks bool
	// DataLimit caps the payload bytes copied per event (at most
	// MaxDataLimit); 0 means MaxDataLimit.
	DataLimit int
	// RingSize is the ring buffer size in bytes (a power of two, multiple of
	// the page size); 0 means DefaultRingSize.
	RingSize int
	// MaxTasks is how many processes the probe can follow at once; 0 means
	// DefaultMaxTasks. Children beyond it are not followed and counted.
	MaxTasks int
	// MaxFds is how many open /proc/sys files the probe can track at once;
	// 0 means DefaultMaxFds. Files beyond it are counted: their reads and
	// writes are missing.
	MaxFds int
	// Stats makes the kernel count each hook's runs and run time (see
	// [Probe.HookStats]); it costs a little per event.
	Stats bool
	// NetNS, when not 0, is the inode of a network namespace: the probe
	// then records every process while it acts in that namespace (and
	// follows it from its first call there), and nothing done elsewhere,
	// whatever [Probe.Follow] was given.
	NetNS uint32
	// Durations makes the probe measure how long each recorded syscall
	// took ([event.Event.Duration]); it costs a timestamp at each entry
	// of the syscalls the probe records.
	Durations bool
	// NoTimestamps leaves each event's [event.Event.Time] 0, for output
	// that shows no time: a clock read less per event, about 0.1 µs on a
	// virtual machine (kvm-clock).
	NoTimestamps bool
}

// Default sizes of the probe's tables. Each entry costs the kernel a few
// dozen bytes (a /proc/sys entry about 200), allocated when the probe loads.
const (
	DefaultMaxTasks = 65536
	DefaultMaxFds   = 16384
)

// MaxDataLimit is the largest per-event payload the probe can copy
// (DATA_MAX in bpf/netexplore.h).
const MaxDataLimit = 32768

// DefaultRingSize is the default ring buffer size: about 100,000 typical
// events, a fraction of a second at the kernel's fastest. The reader only
// moves records to a [Backlog], so it never falls that far behind; the
// ring is mapped twice into the reader's memory, so it counts double in
// its resident size.
const DefaultRingSize = 16 << 20

// hook is one raw (BTF) tracepoint the probe attaches to.
type hook struct {
	name    string
	program string // its program's name in the probe's object
	prog    func(*bpf.NetexplorePrograms) *ebpf.Program
	why     string // what the probe cannot do without it
}

// hooks are all the probe needs: the entry and exit of every syscall (the
// probe dispatches on the syscall number) and the process tree's births,
// execs and deaths. Few attachments keep setup and teardown short: each
// detach waits for the kernel.
var hooks = []hook{
	{"sys_exit", bpf.NetexploreProgOnSysExit, func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.OnSysExit }, "needed to see syscalls"},
	{"sys_enter", bpf.NetexploreProgOnSysEnter, func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.OnSysEnter }, "needed to see execve and close"},
	{"sched_process_fork", bpf.NetexploreProgHandleFork, func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.HandleFork }, "needed to follow child processes"},
	{"sched_process_exec", bpf.NetexploreProgHandleExec, func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.HandleExec }, "needed to see programs start"},
	{"sched_process_exit", bpf.NetexploreProgHandleExit, func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.HandleExit }, "needed to see processes end"},
}

// Probe is the loaded and attached eBPF probe. Create it with [Open],
// tell it which process to follow with [Probe.Follow], read events with
// [Probe.Read], and always [Probe.Close] it: closing detaches every program.
type Probe struct {
	objs        bpf.NetexploreObjects
	data        *ebpf.Collection // the maps of the probe's constants and globals
	links       []link.Link
	ring        *ringReader
	parser      Parser
	unavailable []string
	stats       io.Closer
}

// Open checks the prerequisites, loads the probe into the kernel and
// attaches its hooks. Errors say what is missing and what to do.
func Open(opts Options) (*Probe, error) {
	if err := checkPrerequisites(); err != nil {
		return nil, err
	}
	defer pauseGC()()
	ring := opts.RingSize
	if ring == 0 {
		ring = DefaultRingSize
	}
	if ring < os.Getpagesize() || ring&(ring-1) != 0 {
		return nil, fmt.Errorf("ring buffer size %d: must be a power of two of at least %d bytes", ring, os.Getpagesize())
	}
	kernel := kernelTypes()
	spec, err := bpf.LoadNetexplore()
	if err != nil {
		return nil, fmt.Errorf("reading the embedded probe: %w", err)
	}
	relocateEarly(spec, kernel)
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, fmt.Errorf("counting CPUs: %w", err)
	}
	spec.Maps[bpf.NetexploreMapScratch].MaxEntries = uint32(ncpu)
	spec.Maps[bpf.NetexploreMapEvents].MaxEntries = uint32(ring)
	spec.Maps[bpf.NetexploreMapTraced].MaxEntries = uint32(orDefault(opts.MaxTasks, DefaultMaxTasks))
	spec.Maps[bpf.NetexploreMapSysctlFds].MaxEntries = uint32(orDefault(opts.MaxFds, DefaultMaxFds))
	limit := opts.DataLimit
	if limit <= 0 || limit > MaxDataLimit {
		limit = MaxDataLimit
	}
	if err := spec.Variables[bpf.NetexploreVarDataLimit].Set(uint32(limit)); err != nil {
		return nil, fmt.Errorf("setting the payload limit: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarWakeupBytes].Set(uint32(wakeupBytes(ring))); err != nil {
		return nil, fmt.Errorf("setting the wakeup mark: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarCaptureStacks].Set(opts.Stacks); err != nil {
		return nil, fmt.Errorf("setting stack capture: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarNetnsFilter].Set(opts.NetNS); err != nil {
		return nil, fmt.Errorf("setting the network namespace filter: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarWantDurations].Set(opts.Durations); err != nil {
		return nil, fmt.Errorf("setting duration measurement: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarWantTimestamps].Set(!opts.NoTimestamps); err != nil {
		return nil, fmt.Errorf("setting timestamps: %w", err)
	}

	p := &Probe{}
	if opts.Stats {
		if p.stats, err = ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME)); err != nil {
			return nil, fmt.Errorf("enabling BPF run-time statistics: %w", err)
		}
	}
	if err := p.load(spec, kernel, ring); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// wakeupBytes is how much must wait in a ring of size bytes before the
// probe wakes the reader. Each wake-up interrupts the traced command's
// CPU (the probe queues it there), so fewer are better, as long as the
// rest of the ring absorbs the time the reader takes to wake and drain:
// in a ring of 16 MiB or more, 4 MiB, which leaves 12 MiB (on the 280k
// storm the command took 1.075 s instead of 1.123 s with text output and
// 1.264 s instead of 1.323 s with JSON, medians of 15 and 9 interleaved
// runs, and lost nothing under two CPU hogs); in a smaller ring, 256 KiB
// or a quarter of it, since a 4 MiB ring already lost events under a CPU
// hog with the reader woken that early.
func wakeupBytes(size int) int {
	if size >= 16<<20 {
		return 4 << 20
	}
	return min(256<<10, size/4)
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Unavailable lists the optional hooks that could not be attached on this
// kernel, each with the reason. Their events are missing from the capture.
func (p *Probe) Unavailable() []string { return p.unavailable }

// Follow adds the process pid (and, from now on, every process it forks) to
// the traced set.
func (p *Probe) Follow(pid int) error {
	if err := p.objs.Traced.Put(uint32(pid), bpf.NetexploreTask{}); err != nil {
		return fmt.Errorf("following pid %d: %w", pid, err)
	}
	return nil
}

// Followed lists the processes the probe follows now: the command and
// every descendant still alive. A trace that ends before its command uses
// it to stop the whole tree, not only the process it started.
func (p *Probe) Followed() []int {
	var pids []int
	var pid uint32
	var task bpf.NetexploreTask
	it := p.objs.Traced.Iterate()
	for it.Next(&pid, &task) {
		pids = append(pids, int(pid))
	}
	return pids
}

// Read blocks until the next event arrives. It returns [ErrProbeClosed]
// after [Probe.Close], and [ErrDrained] once [Probe.Drain] was called and
// every pending event has been read. [Fill] reads faster.
func (p *Probe) Read() (event.Event, error) {
	var e event.Event
	var perr error
	if err := p.ring.read(1, func(b []byte) { e, perr = p.parser.Parse(b) }, nil); err != nil {
		return event.Event{}, err
	}
	return e, perr
}

// Drain makes Read return the events already in the ring buffer and then
// [ErrDrained] once, instead of blocking. It is safe to call while another
// goroutine is blocked in Read.
func (p *Probe) Drain() error {
	return p.ring.drain()
}

// Losses returns what the probe could not deliver so far, by reason.
func (p *Probe) Losses() (Losses, error) {
	var l Losses
	for i, dst := range []*uint64{&l.RingFull, &l.Faults, &l.TasksFull, &l.FdsFull} {
		var per []uint64
		if err := p.objs.Stats.Lookup(uint32(i), &per); err != nil {
			return Losses{}, fmt.Errorf("reading the probe's loss counters: %w", err)
		}
		for _, v := range per {
			*dst += v
		}
	}
	return l, nil
}

// Lost returns how many events the probe could not deliver, whatever the
// reason, and how many user-memory copies failed (see [Probe.Losses]).
func (p *Probe) Lost() (lost, faults uint64, err error) {
	l, err := p.Losses()
	return l.Total(), l.Faults, err
}

// HookStat is the kernel's count of one hook's runs and their total time.
type HookStat struct {
	// Name is the tracepoint the hook is attached to.
	Name string
	// Runs counts the hook's runs, for traced processes or not.
	Runs uint64
	// Time is the total time spent in those runs.
	Time time.Duration
}

// HookStats returns each hook's runs and run time so far, busiest first,
// when the probe was opened with [Options.Stats].
func (p *Probe) HookStats() []HookStat {
	if p.stats == nil {
		return nil
	}
	var out []HookStat
	for _, h := range hooks {
		name, prog := h.name, h.prog(&p.objs.NetexplorePrograms)
		st, err := prog.Stats()
		if err == nil && st.RunCount > 0 {
			out = append(out, HookStat{Name: name, Runs: st.RunCount, Time: st.Runtime})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time > out[j].Time })
	return out
}

// Detach stops recording: no event is added to the ring buffer after it
// returns, while those already there can still be read (see
// [Probe.Drain]). A trace that ends when its command exits detaches
// first, so that nothing a leftover child does afterwards is left
// unread.
func (p *Probe) Detach() error {
	return errors.Join(p.detach()...)
}

// Close detaches every hook and frees the probe's kernel objects.
func (p *Probe) Close() error {
	var errs []error
	if p.ring != nil {
		errs = append(errs, p.ring.close())
	}
	errs = append(errs, p.detach()...)
	errs = append(errs, p.objs.Close())
	if p.data != nil {
		p.data.Close()
		p.data = nil
	}
	if p.stats != nil {
		errs = append(errs, p.stats.Close())
		p.stats = nil
	}
	return errors.Join(errs...)
}

// detach closes every hook. Detaching a tracepoint waits for a kernel grace
// period, tens of milliseconds each, so the hooks are detached in parallel.
func (p *Probe) detach() []error {
	var wg sync.WaitGroup
	closeErrs := make([]error, len(p.links))
	for i, l := range p.links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			closeErrs[i] = l.Close()
		}()
	}
	wg.Wait()
	p.links = nil
	return closeErrs
}

// pollInterval bounds how long an event can wait in the ring buffer before
// the reader looks: the probe does not wake the reader for every event.
const pollInterval = 20 * time.Millisecond

// ErrProbeClosed is returned by [Probe.Read] after [Probe.Close].
var ErrProbeClosed = errors.New("probe closed")

// ErrDrained is returned by [Probe.Read] when draining and no event is left.
var ErrDrained = errors.New("no more events")

// Capabilities lists what live mode needs, in the words every message,
// the walkthrough and README use: the probe needs CAP_BPF and CAP_PERFMON,
// the lab CAP_NET_ADMIN and CAP_SYS_ADMIN (namespaces, and mounting
// tracefs when it is missing).
const Capabilities = "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN"

// ErrNeedsRoot says the probe cannot be loaded without privileges.
var ErrNeedsRoot = errors.New("live mode needs root (" + Capabilities + "): run with sudo, or try `netexplore replay`")

// Where the kernel exposes what the probe needs. The environment variables
// NETEXPLORE_BTF_PATH and NETEXPLORE_TRACEFS_PATH override them, so tests
// can show the error a machine without them gets.
const (
	defaultBTFPath     = "/sys/kernel/btf/vmlinux"
	defaultTracefsPath = "/sys/kernel/tracing"
)

func pathFromEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// checkPrerequisites turns the usual reasons a probe cannot load into one
// clear sentence each, before the kernel is asked anything.
func checkPrerequisites() error {
	if os.Geteuid() != 0 {
		return ErrNeedsRoot
	}
	btf := pathFromEnv("NETEXPLORE_BTF_PATH", defaultBTFPath)
	if _, err := os.Stat(btf); err != nil {
		return fmt.Errorf("this kernel exposes no BTF (%s is missing): netexplore needs a kernel built with CONFIG_DEBUG_INFO_BTF=y", btf)
	}
	return ensureTracefs(pathFromEnv("NETEXPLORE_TRACEFS_PATH", defaultTracefsPath))
}

// ensureTracefs mounts tracefs at dir when it is missing: attaching a
// tracepoint needs its event IDs from there.
func ensureTracefs(dir string) error {
	if _, err := os.Stat(dir + "/events/syscalls"); err == nil {
		return nil
	}
	if dir == defaultTracefsPath {
		if _, err := os.Stat("/sys/kernel/debug/tracing/events/syscalls"); err == nil {
			return nil
		}
	}
	if err := unix.Mount("tracefs", dir, "tracefs", 0, ""); err != nil {
		return fmt.Errorf("tracefs is not mounted and mounting it at %s failed (%v): run `mount -t tracefs tracefs %s`", dir, err, dir)
	}
	if _, err := os.Stat(dir + "/events/syscalls"); err != nil {
		return errors.New("this kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS): netexplore cannot trace syscalls here")
	}
	return nil
}

// explainLoadError shortens a load failure to its cause: a verifier log is
// hundreds of lines, the user needs the first useful one.
func explainLoadError(err error) error {
	var ve *ebpf.VerifierError
	if errors.As(err, &ve) {
		return fmt.Errorf("the kernel's verifier refused the probe (%s): netexplore cannot trace on this kernel", strings.TrimSpace(ve.Error()))
	}
	if errors.Is(err, unix.EPERM) {
		return fmt.Errorf("the kernel refused to load the probe (%w): run as root (%s)", err, Capabilities)
	}
	return fmt.Errorf("loading the probe: %w", err)
}
