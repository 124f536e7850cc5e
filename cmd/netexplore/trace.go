package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/probe"
)

// runTrace implements `netexplore trace [flags] -- CMD [ARGS...]`: it runs
// CMD under the probe and prints its decoded kernel traffic as it happens.
func runTrace(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text (strace-like, decoded trees) or json (one object per event)")
	output := fs.String("o", "", "write the trace to `FILE` instead of standard error (- for standard output)")
	brief := fs.Bool("brief", false, "text format: one line per event, no decoded trees")
	verbose := fs.Bool("v", false, "text format: every decoded tree, dump replies included, plus a hex dump")
	noStacks := fs.Bool("no-stacks", false, "do not capture user stacks (slightly faster)")
	dataLimit := fs.Int("data-limit", probe.MaxDataLimit, "payload bytes copied per event (at most 32768)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: sudo netexplore trace [flags] -- COMMAND [ARGS...]

Runs COMMAND and prints every ioctl, netlink message (requests and replies,
decoded), /proc/sys read and write, socket option and exec that COMMAND and
its children cause. Other processes are never recorded. The exit status is
COMMAND's.

Examples:
  sudo netexplore trace -- ip link add br0 type bridge
  sudo netexplore trace --format json -- sh -c 'ip link add br0 type bridge && ip link set br0 up'
  sudo unshare -n netexplore trace -- iptables -t nat -A POSTROUTING -s 172.17.0.0/16 -j MASQUERADE

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	argv := fs.Args()
	if len(argv) == 0 {
		fs.Usage()
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", *format)
	}
	if *dataLimit < 1 || *dataLimit > probe.MaxDataLimit {
		return fmt.Errorf("--data-limit %d: must be between 1 and %d", *dataLimit, probe.MaxDataLimit)
	}

	out := stderr
	switch *output {
	case "":
	case "-":
		out = stdout
	default:
		f, err := os.Create(*output)
		if err != nil {
			return fmt.Errorf("creating trace file: %w", err)
		}
		defer f.Close()
		out = f
	}

	tracer, err := probe.Open(probe.Options{Stacks: !*noStacks, DataLimit: *dataLimit})
	if err != nil {
		return err
	}
	defer tracer.Close()
	for _, u := range tracer.Unavailable() {
		fmt.Fprintf(stderr, "netexplore: hook unavailable on this kernel, its events are missing: %s\n", u)
	}

	cmd, err := probe.StartTraced(argv, os.Stdin, stdout, stderr)
	if err != nil {
		return err
	}
	if err := tracer.Follow(cmd.PID()); err != nil {
		cmd.Abort()
		return err
	}
	// The terminal delivers Ctrl-C to the command too; netexplore stays to
	// print the rest of the trace. SIGTERM sent to netexplore alone is
	// passed on.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			if s == syscall.SIGTERM {
				cmd.Signal(s)
			}
		}
	}()
	if err := cmd.Release(); err != nil {
		cmd.Abort()
		return err
	}

	// A burst queues many events at once; collecting garbage less often
	// leaves more CPU to the traced command.
	debug.SetGCPercent(400)
	// The ring buffer is emptied by a reader that only parses records;
	// decoding and printing happen behind a queue so they never slow it.
	bw := bufio.NewWriterSize(out, 1<<16)
	printer := newEventPrinter(bw, *format, analyze.TextOptions{Brief: *brief, Verbose: *verbose})
	queue := probe.NewQueue(0)
	filled := make(chan error, 1)
	go func() { filled <- probe.Fill(tracer, queue) }()
	printed := make(chan error, 1)
	exited := make(chan struct{})
	go func() { printed <- printer.drain(queue, bw, exited) }()

	started := time.Now()
	status, waitErr := cmd.Wait()
	ran := time.Since(started)
	close(exited)
	if err := tracer.Drain(); err != nil {
		return err
	}
	if err := errors.Join(<-filled, <-printed); err != nil {
		return err
	}
	if waitErr != nil {
		return fmt.Errorf("waiting for %s: %w", argv[0], waitErr)
	}
	lost, faults, err := tracer.Lost()
	if err != nil {
		return err
	}
	lost += queue.Dropped()
	fmt.Fprintf(stderr, "netexplore: %d events, %d lost, command ran %.3fs", printer.count, lost, ran.Seconds())
	if faults > 0 {
		fmt.Fprintf(stderr, ", %d partial payloads (user memory not readable)", faults)
	}
	fmt.Fprintln(stderr)
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// eventPrinter analyzes and prints events in the chosen format.
type eventPrinter struct {
	w        io.Writer
	json     bool
	opts     analyze.TextOptions
	analyzer *analyze.Analyzer
	count    int
}

func newEventPrinter(w io.Writer, format string, opts analyze.TextOptions) *eventPrinter {
	return &eventPrinter{w: w, json: format == "json", opts: opts, analyzer: analyze.NewAnalyzer(analyze.NewSymbolizer())}
}

func (p *eventPrinter) print(e event.Event) error {
	r := p.analyzer.Analyze(e)
	if e.Kind == event.KindMmap {
		return nil // bookkeeping for the symbolizer
	}
	p.count++
	if p.json {
		return analyze.WriteJSON(p.w, &r)
	}
	return analyze.WriteText(p.w, &r, p.opts)
}

// During a burst of at least burstEvents per burstPause, decoding would
// take CPU from the command being traced (on a small machine, its own
// core); the printer then holds the output back until the burst ends or the
// command exits. The events wait in the queue, so nothing is lost.
const (
	burstEvents = 10000
	burstPause  = 200 * time.Millisecond
)

// drain prints queued events until the queue closes, flushing whenever it
// Has caught up so an interactive trace appears without delay. exited
// is closed when the traced command has exited.
func (p *eventPrinter) drain(q *probe.Queue, w *bufio.Writer, exited <-chan struct{}) error {
	var pending []event.Event
	for {
		batch := q.Take(nil)
		if batch == nil {
			if err := p.printAll(pending); err != nil {
				return err
			}
			return w.Flush()
		}
		pending = append(pending, batch...)
		if len(batch) >= burstEvents {
			select {
			case <-exited:
			case <-time.After(burstPause):
				continue
			}
		}
		if err := p.printAll(pending); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		pending = pending[:0]
	}
}

func (p *eventPrinter) printAll(events []event.Event) error {
	for i := range events {
		if err := p.print(events[i]); err != nil {
			return err
		}
	}
	return nil
}
