package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/probe"
)

// runTrace implements `netexplore trace [flags] -- CMD [ARGS...]`: it runs
// CMD under the probe and prints its decoded kernel traffic as it happens.
func runTrace(args []string, stdout, stderr io.Writer) error {
	f, argv, err := parseTraceFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	filter, _ := analyze.ParseFilter(f.exprs) // checked by parseTraceFlags
	budget, err := parseSize(f.memLimit)
	if err != nil {
		return fmt.Errorf("--memory-limit: %w", err)
	}
	mem, err := planMemory(budget)
	if err != nil {
		return fmt.Errorf("--memory-limit: %w", err)
	}
	runAs, err := f.runAs()
	if err != nil {
		return err
	}
	if len(argv) > 0 {
		if err := commandNotFound(argv[0], stderr); err != nil {
			return err
		}
	}

	// With -o -, the trace has standard output to itself: the command's
	// own output goes to standard error, untouched.
	out, toStderr, cmdOut := stderr, true, stdout
	var outFile *safefile.File
	switch f.output {
	case "":
	case "-":
		out, toStderr, cmdOut = stdout, false, stderr
	default:
		// Private, and named only once the trace ends (see safefile).
		file, err := safefile.Create(f.output, 0, stdout)
		if err != nil {
			return err
		}
		defer file.Close()
		out, toStderr, outFile = file, false, file
	}
	json := f.format == "json"
	// In JSON every line of the trace's stream is an object: warnings
	// and the closing summary too.
	report := newTraceReport(out, stderr, json)

	// The budget bounds the Go heap; the ring buffer is mapped outside it.
	debug.SetMemoryLimit(mem.heap)
	addReaderP()
	if path := os.Getenv("NETEXPLORE_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	// NETEXPLORE_STATS=1 reports the decoder's rate and the phases' times;
	// =kernel also has the kernel time every hook run, which costs two clock
	// reads per run (about 0.15 µs on a virtual machine), so it is opt-in.
	stats := os.Getenv("NETEXPLORE_STATS") != ""
	kernelStats := os.Getenv("NETEXPLORE_STATS") == "kernel"
	begin := time.Now()
	// The signals are caught before the command starts, so none is missed;
	// SIGPIPE too, so that a closed output pipe is an error to handle, not
	// a death.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	defer signal.Stop(sigs)
	opts := probe.Options{
		Stacks: f.needStacks(), DataLimit: f.dataLimit, RingSize: mem.ring,
		Durations: f.needDurations(), NoTimestamps: !f.needTimestamps(),
		MaxTasks: f.maxTasks, MaxFds: f.maxFds, Stats: kernelStats, NetNS: f.attach.ino,
	}
	warnUnavailable := func(tracer *probe.Probe) {
		for _, u := range tracer.Unavailable() {
			report.warn(fmt.Sprintf("hook unavailable on this kernel, its events are missing: %s", u))
		}
	}
	if f.attach.active() {
		tracer, err := probe.Open(opts)
		if err != nil {
			return err
		}
		defer tracer.Close()
		warnUnavailable(tracer)
		runErr := f.attach.run(tracer, sigs, mem.backlog, report, func(b *probe.Backlog) *tracePrinter {
			return f.newPrinter(out, b, filter)
		})
		if outFile != nil {
			if err := outFile.Commit(); err != nil && runErr == nil {
				runErr = err
			}
		}
		return runErr
	}

	// The command starts first, held before its first instruction, so that
	// its start (a process of netexplore's own, see probe.StartTraced)
	// overlaps the probe's load instead of following it. A probe that
	// cannot load is the error that counts: without it nothing runs.
	var startOpts []probe.StartOption
	if f.detach {
		startOpts = append(startOpts, probe.Detached())
	}
	if runAs != nil {
		startOpts = append(startOpts, runAs)
	}
	cmd, startErr := probe.StartTraced(argv, os.Stdin, cmdOut, stderr, startOpts...)
	tracer, err := probe.Open(opts)
	if err != nil {
		if startErr == nil {
			cmd.Abort()
		}
		return err
	}
	defer tracer.Close()
	if startErr != nil {
		return startErr
	}
	warnUnavailable(tracer)
	if err := tracer.Follow(cmd.PID()); err != nil {
		cmd.Abort()
		return err
	}

	backlog := probe.NewBacklog(mem.backlog, "")
	defer backlog.Release()
	pr := f.newPrinter(out, backlog, filter)
	filled := make(chan error, 1)
	go func() { filled <- probe.Fill(tracer, backlog) }()
	printed := make(chan error, 1)
	go func() { printed <- pr.run() }()

	if err := cmd.Release(); err != nil {
		cmd.Abort()
		return err
	}
	started := time.Now()
	waited := make(chan waitResult, 1)
	go func() {
		status, err := cmd.Wait()
		waited <- waitResult{status, err, time.Since(started)}
	}()

	t := traceRun{
		cmd: cmd, tracer: tracer, backlog: backlog, printer: pr,
		sigs: sigs, started: started, waited: waited, printed: printed, stderr: stderr, progress: !toStderr,
		detach: f.detach,
	}
	res := t.wait()
	ended := time.Now()
	if res.brokenPipe {
		// The reader of the output went away (`| head`): stop the
		// command and its children, quietly.
		killFollowed(cmd, tracer)
		return exitError{0}
	}
	// What was traced, up to an interrupt or an error, is the trace: the
	// file takes its name once the summary is in it (or now, on an error).
	commit := func() error {
		if outFile == nil || res.stuck {
			return nil
		}
		return outFile.Commit()
	}
	fillErr := <-filled
	if res.err != nil {
		return errors.Join(res.err, commit())
	}
	if fillErr != nil {
		return errors.Join(fillErr, commit())
	}
	if err := pr.end(report, tracer, traceSummary{ran: res.ran, status: res.status}); err != nil {
		return err
	}
	if err := commit(); err != nil {
		return err
	}
	if stats {
		printStats(stderr, pr, backlog, tracer)
		user, sys := cmd.CPUTime()
		fmt.Fprintf(stderr, "netexplore: %.3fs to load the probe and start the command, %.3fs after it exited; the command used %.3fs user, %.3fs system\n",
			started.Sub(begin).Seconds(), ended.Sub(started.Add(res.ran)).Seconds(), user.Seconds(), sys.Seconds())
	}
	if res.status != 0 {
		return exitError{res.status}
	}
	return nil
}

type waitResult struct {
	status int
	err    error
	ran    time.Duration
}

// traceRun follows a running trace to its end: the command's exit, the
// signals that interrupt it, and the printer catching up.
type traceRun struct {
	cmd      *probe.Traced
	tracer   *probe.Probe
	backlog  *probe.Backlog
	printer  *tracePrinter
	sigs     <-chan os.Signal
	started  time.Time
	waited   <-chan waitResult
	printed  <-chan error
	stderr   io.Writer
	progress bool // report the backlog while it drains (output is not stderr)
	detach   bool // the command may outlive the trace
}

type runResult struct {
	status     int
	ran        time.Duration
	err        error
	brokenPipe bool
	stuck      bool // the printer did not return
}

// After an interrupt, the command has interruptGrace to exit and the
// printer drainLimit (from the interrupt) to write what was captured;
// then what is left is not printed, and counted. A printer stuck on its
// output gets stuckLimit more.
const (
	interruptGrace = 2 * time.Second
	drainLimit     = 5 * time.Second
	stuckLimit     = time.Second
)

func (t *traceRun) wait() runResult {
	var res runResult
	var grace, drain, stuck, tick <-chan time.Time
	running, interrupted, stopped, abandoned := true, false, false, false
	// stop ends the recording: the probe detaches, so nothing is added
	// after what is already in the ring buffer, and the reader drains it.
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		t.printer.unyield()
		t.tracer.Detach()
		t.tracer.Drain()
		if t.progress {
			tick = time.Tick(time.Second)
		}
	}
	abandon := func() {
		if abandoned {
			return
		}
		abandoned = true
		t.backlog.Abandon()
		stop()
		stuck = time.After(stuckLimit)
	}
	for {
		select {
		case w := <-t.waited:
			running = false
			res.status, res.ran = w.status, w.ran
			if w.err != nil {
				res.err = fmt.Errorf("waiting for the command: %w", w.err)
			}
			stop()
		case err := <-t.printed:
			if errors.Is(err, syscall.EPIPE) {
				res.brokenPipe = true
				return res
			}
			if err != nil && res.err == nil {
				res.err = err
			}
			if running {
				// The printer only ends early on an error or an
				// abandon: stop the command rather than let it run on
				// untraced.
				t.cmd.Kill()
				w := <-t.waited
				res.status, res.ran = w.status, w.ran
				stop()
			}
			return res
		case s := <-t.sigs:
			if s == syscall.SIGPIPE {
				continue // a write to the closed pipe fails and says so
			}
			if interrupted {
				// A second interrupt: print nothing more.
				abandon()
				continue
			}
			interrupted = true
			drain = time.After(drainLimit)
			if running {
				// Ctrl-C reached the command through the terminal;
				// SIGTERM was sent to netexplore alone.
				if s == syscall.SIGTERM {
					t.cmd.Signal(s)
				}
				grace = time.After(interruptGrace)
			}
		case <-grace:
			// The command ignores the interrupt: end the trace, and
			// the command with it unless it may run on detached.
			if running {
				if !t.detach {
					killFollowed(t.cmd, t.tracer)
					continue // its exit arrives on t.waited
				}
				res.status = 128 + int(syscall.SIGTERM)
				res.ran = time.Since(t.started)
				running = false
				stop()
			}
		case <-drain:
			abandon()
		case <-stuck:
			// The printer is stuck writing to its output: leave it.
			res.stuck = true
			return res
		case <-tick:
			st := t.backlog.Stats()
			fmt.Fprintf(t.stderr, "netexplore: writing the trace: %d events to go (%s in memory, %s on disk)\n",
				st.Records, mib(int64(st.InMemory)), mib(st.InFile))
		}
	}
}

// killFollowed sends SIGKILL to every process the probe still follows: the
// command first, so that its exit status is always the kill's (a shell
// whose child died first could otherwise reap it and exit 0 between two
// kills), then its descendants. Each is pinned by a pidfd and checked to
// be followed still, so a PID reused meanwhile is never signalled.
func killFollowed(cmd *probe.Traced, tracer *probe.Probe) {
	cmd.Kill()
	fds := map[int]int{}
	for _, pid := range tracer.Followed() {
		if fd, err := unix.PidfdOpen(pid, 0); err == nil {
			fds[pid] = fd
		}
	}
	still := map[int]bool{}
	for _, pid := range tracer.Followed() {
		still[pid] = true
	}
	for pid, fd := range fds {
		if still[pid] {
			unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		}
		unix.Close(fd)
	}
}

// end writes the trace's last lines once the printer is done: the table
// of -c and -C, the summary, and why the backlog dropped records, if it
// did. It fills in sum's events and losses: the probe's counts, the
// records the backlog dropped, and the records read from the ring but
// never printed because the trace was cut short.
func (p *tracePrinter) end(report *traceReport, tracer *probe.Probe, sum traceSummary) error {
	losses, err := tracer.Losses()
	if err != nil {
		return err
	}
	dropped, dropErr := p.backlog.Dropped()
	losses.Backlog += dropped
	losses.Abandoned += p.backlog.Pushed() - p.processed.Load() - dropped
	if p.counts != nil {
		report.counts(p.counts)
	}
	sum.events, sum.losses = p.count.Load(), losses
	report.summary(sum)
	if dropErr != nil {
		report.warn(dropErr.Error())
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// tracePrinter parses, analyzes and prints the records of a backlog.
type tracePrinter struct {
	w       io.Writer
	buf     []byte // output not yet handed to the writer
	backlog *probe.Backlog

	writes   chan []byte // to the writer
	spare    chan []byte // emptied by the writer
	written  chan struct{}
	writeErr atomic.Pointer[error]
	parser   probe.Parser
	analyzer *analyze.Analyzer
	printer  *analyze.Printer
	filter   *analyze.Filter // -e: records printed and counted
	counts   *analyze.Counts // -c, -C: the table at the end
	quiet    bool            // -c: count, print nothing
	ifnames  *decode.KernelIfnames

	prio      sync.Mutex
	tid       int           // the printer's thread, once it runs
	normal    bool          // the command has exited: normal priority
	count     atomic.Uint64 // events printed
	processed atomic.Uint64 // records taken from the backlog
	busy      atomic.Int64  // time spent printing (not waiting), ns
}

// printerNice is the printer's priority while the command runs: where the
// two compete for a core, the command goes first, and the printer takes
// what it leaves; what waits goes to the backlog. Once the command has
// exited, the printer runs at the normal priority.
const printerNice = 10

// readerP is the P (the right to run Go code) the trace adds for the
// ring's reader, which runs on a thread of its own and keeps its P while
// it waits for records (see probe.Fill).
const readerP = 1

// addReaderP gives the Go scheduler one more P for the reader, unless
// GOMAXPROCS is set; without it, the output writer and the garbage
// collector would wait for the P the reader holds. One more than that
// made the traced command slower: idle Ps send the scheduler looking for
// work at each wake-up. On the 280k storm on 2 CPUs, command time with 3
// Ps against 4: text 0.996 s against 1.068 s and 1.121 s against 1.155 s
// (medians of 15, interleaved), JSON 1.114 s against 1.164 s (of 9).
// Before the reader kept its P, two more Ps than the default took the
// command from 1.00 s to 0.94 s.
func addReaderP() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + readerP)
	}
}

// setThread records the printer's thread and gives it the priority the
// printer should have now.
func (p *tracePrinter) setThread(tid int) {
	p.prio.Lock()
	defer p.prio.Unlock()
	p.tid = tid
	if !p.normal {
		unix.Setpriority(unix.PRIO_PROCESS, tid, printerNice)
	}
}

// unyield gives the printer the normal priority again: the command has
// exited. It is best effort: without the right to raise it back, the
// priority stays.
func (p *tracePrinter) unyield() {
	p.prio.Lock()
	defer p.prio.Unlock()
	p.normal = true
	if p.tid != 0 {
		unix.Setpriority(unix.PRIO_PROCESS, p.tid, 0)
	}
}

// printerFlushSize is how much output the printer gathers per write.
const printerFlushSize = 256 << 10

func newTracePrinter(w io.Writer, b *probe.Backlog, json bool, opts analyze.TextOptions) *tracePrinter {
	// Stacks are resolved only where they are shown: JSON and the text
	// format's trees (-v).
	var sym *analyze.Symbolizer
	if json || !(opts.Lines || opts.Brief) {
		sym = analyze.NewSymbolizer()
	}
	opts.Time.Offset = monotonicOffset()
	// Interface names come from the trace's link messages, else from the
	// kernel, asked in the namespace of the process while it lives.
	ifnames := decode.NewKernelIfnames()
	return &tracePrinter{
		w: w, backlog: b, buf: make([]byte, 0, 2*printerFlushSize),
		analyzer: analyze.NewAnalyzer(sym, analyze.StreamResults(),
			analyze.ResolveNames(ifnames.Ifname, decode.KernelFamilies())),
		printer: analyze.NewPrinter(json, opts),
		ifnames: ifnames,
		// Each record is printed before the next is read; what the
		// analyzer keeps, it copies.
		parser: probe.Parser{Borrow: true},
	}
}

// run prints every record until the backlog is closed and empty, flushing
// whenever it has caught up, so an interactive trace appears at once.
func (p *tracePrinter) run() error {
	// The printer runs on a thread of its own, so that its priority can
	// be lowered while the command runs (see setThread).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p.setThread(unix.Gettid())
	var r analyze.Record
	var idle time.Duration
	start := time.Now()
	defer func() { p.busy.Store(int64(time.Since(start) - idle)) }()
	var werr error
	p.backlog.OnIdle(func() func() {
		if werr == nil {
			werr = p.flush()
		}
		t := time.Now()
		return func() { idle += time.Since(t) }
	})
	for {
		if werr != nil {
			return werr
		}
		rec, ok := p.backlog.Next()
		if !ok {
			return p.finish()
		}
		p.processed.Add(1)
		ev, err := p.parser.Parse(rec)
		if err != nil {
			return err
		}
		r.Event = ev
		p.analyzer.AnalyzeInto(&r)
		if r.Hidden() || !p.filter.Match(&r) {
			continue
		}
		p.count.Add(1)
		if p.counts != nil {
			p.counts.Add(&r)
		}
		if p.quiet {
			continue
		}
		if p.buf, err = p.printer.Append(p.buf, &r); err != nil {
			return err
		}
		if len(p.buf) >= printerFlushSize {
			if err := p.flush(); err != nil {
				return err
			}
		}
	}
}

// flush hands the gathered output to the writer and takes an empty
// buffer back: printing makes no garbage per event, and formatting goes
// on while the output is written. It returns the writer's error, if it
// had one.
func (p *tracePrinter) flush() error {
	if p.writes == nil {
		p.startWriter()
	}
	if len(p.buf) > 0 {
		p.writes <- p.buf
		p.buf = <-p.spare
	}
	if err := p.writeErr.Load(); err != nil {
		return *err
	}
	return nil
}

// printerBuffers is how many output buffers the printer and its writer
// pass between them.
const printerBuffers = 3

func (p *tracePrinter) startWriter() {
	p.writes = make(chan []byte, printerBuffers)
	p.spare = make(chan []byte, printerBuffers)
	p.written = make(chan struct{})
	for range printerBuffers - 1 {
		p.spare <- make([]byte, 0, 2*printerFlushSize)
	}
	go func() {
		defer close(p.written)
		for b := range p.writes {
			if p.writeErr.Load() == nil {
				if _, err := p.w.Write(b); err != nil {
					p.writeErr.Store(&err)
				}
			}
			p.spare <- b[:0]
		}
	}()
}

// finish flushes what is left and waits for the writer.
func (p *tracePrinter) finish() error {
	p.ifnames.Close()
	err := p.flush()
	close(p.writes)
	<-p.written
	if werr := p.writeErr.Load(); werr != nil {
		return *werr
	}
	return err
}

// printStats reports where the time went (NETEXPLORE_STATS=1): the
// decoder's rate, the backlog, and (NETEXPLORE_STATS=kernel) the kernel's
// time in each hook.
func printStats(w io.Writer, pr *tracePrinter, b *probe.Backlog, tracer *probe.Probe) {
	busy := time.Duration(pr.busy.Load())
	rate := 0.0
	if busy > 0 {
		rate = float64(pr.processed.Load()) / busy.Seconds()
	}
	st := b.Stats()
	fmt.Fprintf(w, "netexplore: decoder %d events in %.3fs busy (%.0f events/s); backlog spilled %s\n",
		pr.processed.Load(), busy.Seconds(), rate, mib(int64(st.Spilled)))
	var runs uint64
	var total time.Duration
	var parts []string
	for _, h := range tracer.HookStats() {
		runs += h.Runs
		total += h.Time
		parts = append(parts, fmt.Sprintf("%s %d×%dns", h.Name, h.Runs, h.Time.Nanoseconds()/int64(h.Runs)))
	}
	if runs > 0 {
		fmt.Fprintf(w, "netexplore: kernel %d hook runs, %dns each on average: %s\n",
			runs, total.Nanoseconds()/int64(runs), strings.Join(parts, ", "))
	}
}

// memoryPlan divides a memory budget between the ring buffer (mapped twice
// into netexplore's memory), the backlog held in memory before it spills,
// and the Go heap.
type memoryPlan struct {
	ring    int
	backlog int
	heap    int64
}

// outsideHeap is what netexplore takes besides the Go heap: the pages of
// its binary, thread stacks and the runtime's own (a session export of a
// gzip bomb peaked at 50 MiB of RSS with 26 MiB of heap).
const outsideHeap = 32 << 20

// minMemoryLimit is the smallest budget netexplore runs in.
const minMemoryLimit = 64 << 20

func planMemory(budget int64) (memoryPlan, error) {
	if budget < minMemoryLimit {
		return memoryPlan{}, fmt.Errorf("%s is too little: netexplore needs at least %s", mib(budget), mib(minMemoryLimit))
	}
	// The ring buffer absorbs the moments the reader does not run: an
	// eighth of the budget (mapped twice: a quarter), at most 16 MiB,
	// about 80,000 events. A larger ring costs start-up time: each of its
	// pages is written once before the command starts (see
	// probe.warmRing), about 3 ms per MiB on a virtual machine.
	ring := 4 << 20
	for int64(ring)*2*8 <= budget && ring < 16<<20 {
		ring *= 2
	}
	// The backlog spills early: memory is for decoding. Its chunks live
	// outside the Go heap, up to twice its share while the spill file
	// catches up (probe.BacklogMemory).
	backlog := int(budget / 16)
	return memoryPlan{ring: ring, backlog: backlog, heap: budget - 2*int64(ring) - probe.BacklogMemory(backlog) - outsideHeap}, nil
}

// parseSize reads a size such as 256MiB, 1GiB, 512M or 300000000 (bytes).
func parseSize(s string) (int64, error) {
	num := strings.TrimRight(s, "KMGiBkmgb")
	unit := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(s[len(num):], "B"), "b"))
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size (use e.g. 256MiB or 1GiB)", s)
	}
	mult := map[string]float64{"": 1, "k": 1 << 10, "ki": 1 << 10, "m": 1 << 20, "mi": 1 << 20, "g": 1 << 30, "gi": 1 << 30}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("%q: unknown unit %q (use KiB, MiB or GiB)", s, unit)
	}
	return int64(n * mult), nil
}

// startCPUProfile writes a CPU profile of the trace to path
// (NETEXPLORE_CPUPROFILE, for `go tool pprof`).
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
