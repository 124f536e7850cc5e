package probe

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unsafe"

	"github.com/netexplore/netexplore/trace/event"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
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
}

// MaxDataLimit is the largest per-event payload the probe can copy
// (DATA_MAX in bpf/netexplore.h).
const MaxDataLimit = 32768

// DefaultRingSize is the default ring buffer size: large enough to absorb a
// burst of several hundred thousand small events while the reader catches up.
const DefaultRingSize = 64 << 20

// hook is one tracepoint the probe attaches to.
type hook struct {
	group, name string
	prog        func(*bpf.NetexplorePrograms) *ebpf.Program
	required    bool // the probe is useless without it
}

var hooks = []hook{
	{"sched", "sched_process_exit", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.HandleExit }, true},
	{"syscalls", "sys_exit_ioctl", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitIoctl }, true},
	{"syscalls", "sys_exit_socket", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitSocket }, false},
	{"syscalls", "sys_exit_bind", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitBind }, false},
	{"syscalls", "sys_exit_connect", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitConnect }, false},
	{"syscalls", "sys_exit_sendto", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitSendto }, true},
	{"syscalls", "sys_exit_sendmsg", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitSendmsg }, true},
	{"syscalls", "sys_exit_recvfrom", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitRecvfrom }, true},
	{"syscalls", "sys_exit_recvmsg", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitRecvmsg }, true},
	{"syscalls", "sys_exit_setsockopt", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitSetsockopt }, false},
	{"syscalls", "sys_exit_getsockopt", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitGetsockopt }, false},
	{"syscalls", "sys_exit_openat", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitOpenat }, false},
	{"syscalls", "sys_exit_write", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitWrite }, false},
	{"syscalls", "sys_exit_read", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitRead }, false},
	{"syscalls", "sys_enter_close", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.EnterClose }, false},
	{"syscalls", "sys_exit_dup2", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitDup2 }, false},
	{"syscalls", "sys_exit_dup3", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitDup3 }, false},
	{"syscalls", "sys_enter_execve", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.EnterExecve }, true},
	{"syscalls", "sys_exit_execve", func(p *bpf.NetexplorePrograms) *ebpf.Program { return p.ExitExecve }, false},
}

// Probe is the loaded and attached eBPF probe. Create it with [Open],
// tell it which process to follow with [Probe.Follow], read events with
// [Probe.Read], and always [Probe.Close] it: closing detaches every program.
type Probe struct {
	objs        bpf.NetexploreObjects
	links       []link.Link
	reader      *ringbuf.Reader
	rec         ringbuf.Record
	seq         uint64
	unavailable []string
}

// Open checks the prerequisites, loads the probe into the kernel and
// attaches its hooks. Errors say what is missing and what to do.
func Open(opts Options) (*Probe, error) {
	if err := checkPrerequisites(); err != nil {
		return nil, err
	}
	spec, err := bpf.LoadNetexplore()
	if err != nil {
		return nil, fmt.Errorf("reading the embedded probe: %w", err)
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, fmt.Errorf("counting CPUs: %w", err)
	}
	spec.Maps[bpf.NetexploreMapScratch].MaxEntries = uint32(ncpu)
	ring := opts.RingSize
	if ring == 0 {
		ring = DefaultRingSize
	}
	if ring < os.Getpagesize() || ring&(ring-1) != 0 {
		return nil, fmt.Errorf("ring buffer size %d: must be a power of two of at least %d bytes", ring, os.Getpagesize())
	}
	spec.Maps[bpf.NetexploreMapEvents].MaxEntries = uint32(ring)
	limit := opts.DataLimit
	if limit <= 0 || limit > MaxDataLimit {
		limit = MaxDataLimit
	}
	if err := spec.Variables[bpf.NetexploreVarDataLimit].Set(uint32(limit)); err != nil {
		return nil, fmt.Errorf("setting the payload limit: %w", err)
	}
	if err := spec.Variables[bpf.NetexploreVarCaptureStacks].Set(opts.Stacks); err != nil {
		return nil, fmt.Errorf("setting stack capture: %w", err)
	}

	p := &Probe{}
	if err := spec.LoadAndAssign(&p.objs, nil); err != nil {
		return nil, explainLoadError(err)
	}
	if err := p.attach(); err != nil {
		p.Close()
		return nil, err
	}
	p.reader, err = ringbuf.NewReader(p.objs.Events)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("opening the ring buffer: %w", err)
	}
	return p, nil
}

func (p *Probe) attach() error {
	fork, err := link.AttachTracing(link.TracingOptions{Program: p.objs.HandleFork})
	if err != nil {
		return fmt.Errorf("attaching tp_btf/sched_process_fork (needed to follow child processes): %w", err)
	}
	p.links = append(p.links, fork)
	for _, h := range hooks {
		l, err := link.Tracepoint(h.group, h.name, h.prog(&p.objs.NetexplorePrograms), nil)
		if err != nil {
			if h.required {
				return fmt.Errorf("attaching tracepoint %s/%s: %w", h.group, h.name, err)
			}
			p.unavailable = append(p.unavailable, fmt.Sprintf("%s/%s: %v", h.group, h.name, err))
			continue
		}
		p.links = append(p.links, l)
	}
	return nil
}

// Unavailable lists the optional hooks that could not be attached on this
// kernel, each with the reason. Their events are missing from the capture.
func (p *Probe) Unavailable() []string { return p.unavailable }

// Follow adds the process pid (and, from now on, every process it forks) to
// the traced set.
func (p *Probe) Follow(pid int) error {
	one := uint8(1)
	if err := p.objs.Traced.Put(uint32(pid), one); err != nil {
		return fmt.Errorf("following pid %d: %w", pid, err)
	}
	return nil
}

// Read blocks until the next event arrives. It returns [ErrProbeClosed]
// after [Probe.Close], and [ErrDrained] once [Probe.Drain] was called and
// every pending event has been read.
func (p *Probe) Read() (event.Event, error) {
	for {
		// The probe wakes the reader only for large backlogs (see
		// wakeup_bytes in the probe); a short deadline picks up the rest.
		p.reader.SetDeadline(time.Now().Add(pollInterval))
		err := p.reader.ReadInto(&p.rec)
		if err != nil {
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				continue
			case errors.Is(err, ringbuf.ErrFlushed):
				return event.Event{}, ErrDrained
			case errors.Is(err, ringbuf.ErrClosed), errors.Is(err, os.ErrClosed):
				return event.Event{}, ErrProbeClosed
			}
			return event.Event{}, fmt.Errorf("reading the ring buffer: %w", err)
		}
		ev, err := parseRecord(p.rec.RawSample)
		if err != nil {
			return event.Event{}, err
		}
		p.seq++
		ev.Seq = p.seq
		return ev, nil
	}
}

// Drain makes Read return the events already in the ring buffer and then
// [ErrDrained] once, instead of blocking. It is safe to call while another
// goroutine is blocked in Read.
func (p *Probe) Drain() error {
	if err := p.reader.Flush(); err != nil {
		return fmt.Errorf("flushing the ring buffer: %w", err)
	}
	return nil
}

// Lost returns how many events the probe dropped because the ring buffer
// was full, and how many user-memory copies failed.
func (p *Probe) Lost() (lost, faults uint64, err error) {
	var per []uint64
	if err := p.objs.Stats.Lookup(uint32(0), &per); err != nil {
		return 0, 0, fmt.Errorf("reading the lost-event counter: %w", err)
	}
	for _, v := range per {
		lost += v
	}
	if err := p.objs.Stats.Lookup(uint32(1), &per); err != nil {
		return 0, 0, fmt.Errorf("reading the fault counter: %w", err)
	}
	for _, v := range per {
		faults += v
	}
	return lost, faults, nil
}

// Close detaches every hook and frees the probe's kernel objects.
func (p *Probe) Close() error {
	var errs []error
	if p.reader != nil {
		errs = append(errs, p.reader.Close())
	}
	for _, l := range p.links {
		errs = append(errs, l.Close())
	}
	p.links = nil
	errs = append(errs, p.objs.Close())
	return errors.Join(errs...)
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

// recHeaderSize is the size of struct event (bpf/netexplore.h) as bpf2go
// generated it; the payload follows the header.
const recHeaderSize = int(unsafe.Sizeof(bpf.NetexploreEvent{}))

// parseRecord turns one ring-buffer sample into an [event.Event]. The
// header is copied into the struct bpf2go generated from struct event, so
// the Go side cannot drift from the C layout; a size check guards against
// a mismatched object.
func parseRecord(b []byte) (event.Event, error) {
	if len(b) < recHeaderSize {
		return event.Event{}, fmt.Errorf("short ring buffer record: %d bytes, want at least %d", len(b), recHeaderSize)
	}
	var h bpf.NetexploreEvent
	// The sample's alignment is not guaranteed, so copy rather than cast.
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&h)), recHeaderSize), b)
	e := event.Event{
		Time:       time.Duration(h.TsNs),
		PID:        h.Pid,
		TID:        h.Tid,
		PPID:       h.Ppid,
		NetNS:      h.Netns,
		Kind:       event.Kind(h.Kind),
		Syscall:    syscallName(h.Syscall),
		Fd:         h.Fd,
		Ret:        h.Ret,
		Args:       h.Args,
		SockIno:    h.SockIno,
		SockFamily: h.SockFamily,
		SockType:   h.SockType,
		SockProto:  h.SockProto,
		DataLen:    h.DataLen,
		Comm:       cString(unsafe.Slice((*byte)(unsafe.Pointer(&h.Comm[0])), len(h.Comm))),
	}
	if h.Flags&evfStack != 0 && int(h.StackLen) <= len(h.Stack)*8 {
		n := int(h.StackLen) / 8
		e.Stack = make([]uint64, 0, n)
		for _, pc := range h.Stack[:n] {
			if pc == 0 {
				break
			}
			e.Stack = append(e.Stack, pc)
		}
	}
	copied := int(h.Copied)
	if copied > len(b)-recHeaderSize {
		return event.Event{}, fmt.Errorf("corrupt ring buffer record: %d payload bytes announced, %d present", copied, len(b)-recHeaderSize)
	}
	if copied > 0 {
		e.Data = append([]byte(nil), b[recHeaderSize:recHeaderSize+copied]...)
	}
	if e.DataLen < uint32(copied) {
		e.DataLen = uint32(copied)
	}
	if h.Flags&evfReadFault != 0 {
		e.ReadFault = true
	}
	if e.Kind == event.KindFork {
		// The probe records a fork from the parent's side; present it as
		// the child's birth.
		e.PPID = e.PID
		e.PID = uint32(e.Args[0])
		e.TID = e.PID
	}
	return e, nil
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
