// Command storm measures what tracing costs, as a user waits for it. Its
// workload hammers the kernel's networking interfaces — ioctl SIOCGIFFLAGS
// calls and RTM_GETLINK round trips on loopback, in a network namespace of
// its own — and it runs that workload untraced, traced by netexplore (text
// and JSON output written to a file), and under `strace -f`, at two sizes:
// 280,000 events and 3,000,000.
//
// For each traced run it reports the whole-process wall time of
// `netexplore trace -o FILE` (what a user waits for: probe load, the
// command, the last line written), the traced command's own time, the peak
// resident memory of netexplore (GNU time's figure), the decoder's
// rate, the spilled backlog and the kernel's time per hook run, and it
// checks that every event of the workload is in the output. The 280k
// rounds take turns, and each figure is the fastest of its rounds.
//
// Beside them it measures two floors. The hook floor: the untraced
// command while programs that return at once are attached to the syscall
// tracepoints netexplore uses, the least any tracer built on them costs
// on this machine. The output floor, for each 280k trace: the untraced
// command while as many bytes as the trace wrote are written into a new
// file in its place, the least any tracer that writes that output costs
// here, whatever its probe and its formatting. It also times writing them
// alone beside the trace's file, which then holds its memory. The output
// files go to a tmpfs when one is available, so the figures measure
// netexplore rather than the disk.
//
// Its last line is machine-readable; the ratios are of the 280k runs (the
// worse of text and JSON), the memory is the 3M runs' peak, the output
// floor is the larger of text's and JSON's:
//
//	bench: whole/untraced=1.85 cmd/untraced=1.31 strace/untraced=37.2 rss_mib=150 events=6560000/6560000 lost=0 floor/untraced=1.25 output_floor/untraced=1.60
//
// Run it through `make bench` (as root).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/peakrss"
)

func main() {
	worker := flag.Bool("worker", false, "run the workload itself (used internally)")
	ioctls := flag.Int("ioctls", 200000, "ioctl SIOCGIFFLAGS calls (worker)")
	getlinks := flag.Int("getlinks", 40000, "RTM_GETLINK request/reply round trips (worker)")
	bin := flag.String("netexplore", "bin/netexplore", "netexplore binary to measure")
	rounds := flag.Int("rounds", 3, "runs of each 280k variant; the fastest counts (the 3M variants run once)")
	large := flag.Bool("large", true, "also run the 3M-event variants")
	doStrace := flag.Bool("strace", true, "also run the workload under strace -f (280k only)")
	dir := flag.String("dir", "", "directory for the trace files (default: /dev/shm when it is a tmpfs, else the temporary directory)")
	flag.Parse()
	if *worker {
		if err := storm(*ioctls, *getlinks); err != nil {
			fmt.Fprintln(os.Stderr, "storm:", err)
			os.Exit(1)
		}
		return
	}
	b := bench{bin: *bin, rounds: *rounds, dir: *dir}
	if err := b.run(*large, *doStrace); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// storm is the workload: it runs in its own network namespace (unshare -n),
// where only lo exists.
func storm(ioctls, getlinks int) error {
	sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	var ifr [40]byte
	copy(ifr[:], "lo")
	for range ioctls {
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(sock), unix.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
			return fmt.Errorf("SIOCGIFFLAGS: %w", errno)
		}
	}
	nl, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	// RTM_GETLINK for ifindex 1 (lo): nlmsghdr + ifinfomsg.
	req := make([]byte, 32)
	le := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
	le(req[0:], 32)
	req[4], req[5] = unix.RTM_GETLINK, 0
	req[6], req[7] = unix.NLM_F_REQUEST, 0
	le(req[20:], 1)
	buf := make([]byte, 32768)
	for i := range getlinks {
		le(req[8:], uint32(i+1))
		if err := unix.Sendto(nl, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return fmt.Errorf("sendto: %w", err)
		}
		if _, _, err := unix.Recvfrom(nl, buf, 0); err != nil {
			return fmt.Errorf("recvfrom: %w", err)
		}
	}
	return nil
}

// size is one workload size.
type size struct {
	name             string
	ioctls, getlinks int
}

func (s size) events() int { return s.ioctls + 2*s.getlinks }

var (
	small = size{"280k", 200000, 40000}
	big   = size{"3M", 2960000, 20000}
)

// formats are the output formats each traced variant runs with.
var formats = []string{"text", "json"}

type bench struct {
	bin    string
	rounds int
	dir    string
	self   string
}

// traced is what one traced run measured.
type traced struct {
	whole, cmd  time.Duration
	rssMiB      float64
	captured    int
	lost        int
	decoderRate string
	spilled     string
	kernel      string
	phases      string // probe load and start, and the drain after the command
	outBytes    int64
	// writeAlone is how long writing outBytes beside the trace file takes
	// with no tracer running, the fastest and the slowest of the rounds.
	// The memory it gets is what the trace's file could not take, on a
	// virtual machine often memory the host has to set up again.
	writeAlone, writeAloneMax time.Duration
	// floor is the output floor (280k only): the untraced command while
	// outBytes are written in place of the trace's file, the fastest of
	// the rounds.
	floor outputFloor
}

// outputFloor is the untraced command run while a file as large as a
// trace's output is written: the part of a trace's wait that is writing
// its bytes, the file system's and the machine's memory's rather than
// netexplore's. On a virtual machine it moves with how recently the memory
// the file gets was last used.
type outputFloor struct {
	whole   time.Duration // until both the command and the write ended
	command time.Duration // the command's own time
	write   time.Duration // the write's own time
}

func (b *bench) run(large, doStrace bool) error {
	if os.Geteuid() != 0 {
		return errors.New("needs root: the traced variants load eBPF")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b.self = self
	if b.dir == "" {
		b.dir = os.TempDir()
		var st unix.Statfs_t
		if unix.Statfs("/dev/shm", &st) == nil && st.Type == unix.TMPFS_MAGIC && unix.Access("/dev/shm", unix.W_OK) == nil {
			b.dir = "/dev/shm"
		}
	}
	fmt.Printf("trace files in %s; %d rounds of the 280k variants, interleaved (the fastest of each counts), one of each 3M variant\n", b.dir, b.rounds)
	sizes := []size{small}
	if large {
		sizes = append(sizes, big)
	}
	var worstWhole, worstCmd, straceRatio, floorRatio, outputFloorRatio, peakRSS float64
	var rss280k float64
	captured, expected, lost := 0, 0, 0
	for _, sz := range sizes {
		rounds := b.rounds
		if sz == big {
			rounds = 1
		}
		fmt.Printf("\n%s events: %d ioctl SIOCGIFFLAGS + %d RTM_GETLINK round trips\n", sz.name, sz.ioctls, sz.getlinks)
		// The rounds interleave the variants, so that the machine's drift
		// during the run touches each alike.
		var untraced time.Duration
		runs := map[string]*traced{}
		for i := range rounds {
			d, err := timed(b.workload(sz)...)
			if err != nil {
				return fmt.Errorf("untraced run: %w", err)
			}
			if i == 0 || d < untraced {
				untraced = d
			}
			for _, format := range formats {
				t, err := b.traceOnce(sz, format, "1")
				if err != nil {
					return fmt.Errorf("traced run (%s, %s): %w", sz.name, format, err)
				}
				if runs[format] == nil {
					runs[format] = &t
				} else {
					runs[format].keepFastest(t)
				}
			}
		}
		fmt.Printf("  %-18s %8s\n", "untraced", ms(untraced))
		if sz == small {
			floor, err := withEmptyHooks(func() (time.Duration, error) {
				return best(rounds, func() (time.Duration, error) { return timed(b.workload(sz)...) })
			})
			if err != nil {
				return fmt.Errorf("floor run: %w", err)
			}
			floorRatio = ratio(floor, untraced)
			fmt.Printf("  %-18s %8s (%.2fx): the command with empty sys_enter/sys_exit hooks, the least any syscall tracer here costs\n",
				"floor", ms(floor), floorRatio)
		}
		for _, format := range formats {
			t := *runs[format]
			if sz == small {
				// The kernel's own accounting reads the clock twice per hook
				// run, which would slow the timed runs: one more run, untimed.
				k, err := b.traceOnce(sz, format, "kernel")
				if err != nil {
					return fmt.Errorf("traced run (%s, %s): %w", sz.name, format, err)
				}
				t.kernel = k.kernel
			}
			whole, cmd := ratio(t.whole, untraced), ratio(t.cmd, untraced)
			fmt.Printf("  %-18s %8s whole (%.2fx), command %s (%.2fx), peak RSS %.0f MiB, decoder %s, spilled %s, %d/%d events, %d lost\n",
				"netexplore "+format, ms(t.whole), whole, ms(t.cmd), cmd, t.rssMiB, t.decoderRate, t.spilled, t.captured, sz.events(), t.lost)
			if t.kernel != "" {
				fmt.Printf("  %-18s kernel (one more run, with the kernel's own timing): %s\n", "", t.kernel)
			}
			if t.phases != "" {
				fmt.Printf("  %-18s %s\n", "", t.phases)
			}
			if sz == small {
				f := t.floor
				fmt.Printf("  %-18s output %.1f MB; writing as many bytes beside it, alone: %s\n",
					"", float64(t.outBytes)/1e6, span(t.writeAlone, t.writeAloneMax, untraced))
				fmt.Printf("  %-18s output floor %s (%.2fx): the untraced command while they are written in the trace's place (command %s, %.2fx; the write %s)\n",
					"", ms(f.whole), ratio(f.whole, untraced), ms(f.command), ratio(f.command, untraced), ms(f.write))
				outputFloorRatio = max(outputFloorRatio, ratio(f.whole, untraced))
			} else {
				fmt.Printf("  %-18s output %.1f MB\n", "", float64(t.outBytes)/1e6)
			}
			captured += t.captured
			expected += sz.events()
			lost += t.lost
			if sz == small {
				worstWhole, worstCmd = max(worstWhole, whole), max(worstCmd, cmd)
				rss280k = max(rss280k, t.rssMiB)
			} else {
				peakRSS = max(peakRSS, t.rssMiB)
			}
		}
		if sz == small && doStrace {
			if path, err := exec.LookPath("strace"); err == nil {
				st, err := timed(append([]string{path, "-f", "-o", "/dev/null"}, b.workload(sz)...)...)
				if err != nil {
					return fmt.Errorf("strace run: %w", err)
				}
				straceRatio = ratio(st, untraced)
				fmt.Printf("  %-18s %8s (%.1fx)\n", "strace -f", ms(st), straceRatio)
			} else {
				fmt.Println("  strace -f: not installed (apt-get install strace)")
			}
		}
	}
	if !large {
		peakRSS = rss280k
	} else {
		fmt.Printf("\npeak RSS: %.0f MiB at 280k events, %.0f MiB at 3M (%+.0f%%)\n", rss280k, peakRSS, 100*(peakRSS-rss280k)/rss280k)
	}
	stracePart := "strace/untraced=n/a"
	if straceRatio > 0 {
		stracePart = fmt.Sprintf("strace/untraced=%.1f", straceRatio)
	}
	fmt.Printf("bench: whole/untraced=%.2f cmd/untraced=%.2f %s rss_mib=%.0f events=%d/%d lost=%d floor/untraced=%.2f output_floor/untraced=%.2f\n",
		worstWhole, worstCmd, stracePart, peakRSS, captured, expected, lost, floorRatio, outputFloorRatio)
	if captured != expected || lost != 0 {
		return fmt.Errorf("captured %d of %d expected events, %d lost", captured, expected, lost)
	}
	return nil
}

func (b *bench) workload(sz size) []string {
	return []string{"unshare", "-n", b.self, "-worker", "-ioctls", strconv.Itoa(sz.ioctls), "-getlinks", strconv.Itoa(sz.getlinks)}
}

// finalLine is netexplore's last line, and the statistics lines it prints
// with NETEXPLORE_STATS=1 (the kernel's with NETEXPLORE_STATS=kernel).
var (
	finalLine   = regexp.MustCompile(`(\d+) events, (\d+) lost, command ran ([0-9.]+)s`)
	decoderLine = regexp.MustCompile(`decoder \d+ events in [0-9.]+s busy \((\d+) events/s\); backlog spilled ([0-9.]+ MiB)`)
	kernelLine  = regexp.MustCompile(`kernel (\d+ hook runs, \d+ns each on average)`)
	phasesLine  = regexp.MustCompile(`([0-9.]+)s to load the probe and start the command, ([0-9.]+)s after it exited`)
)

// keepFastest folds another run of the same variant into t: each time is
// the fastest of the runs, as the untraced one is; the memory is the
// largest.
func (t *traced) keepFastest(o traced) {
	if o.whole < t.whole {
		t.whole, t.phases = o.whole, o.phases
	}
	t.cmd = min(t.cmd, o.cmd)
	t.writeAlone, t.writeAloneMax = min(t.writeAlone, o.writeAlone), max(t.writeAloneMax, o.writeAloneMax)
	if o.floor.whole < t.floor.whole {
		t.floor = o.floor
	}
	t.rssMiB = max(t.rssMiB, o.rssMiB)
	t.captured, t.lost = min(t.captured, o.captured), max(t.lost, o.lost)
}

// traceOnce runs netexplore on the workload once with NETEXPLORE_STATS=stats
// and checks its output.
func (b *bench) traceOnce(sz size, format, stats string) (traced, error) {
	out := filepath.Join(b.dir, fmt.Sprintf("netexplore-bench-%d.%s", os.Getpid(), format))
	defer os.Remove(out)
	var stderr bytes.Buffer
	args := append([]string{"trace", "--format", format, "-o", out, "--"}, b.workload(sz)...)
	cmd := exec.Command(b.bin, args...)
	cmd.Env = append(os.Environ(), "NETEXPLORE_STATS="+stats)
	cmd.Stderr = &stderr
	// GNU time measures the peak: this process's own memory would count
	// in the rusage of a child it starts (see peakrss).
	peak, err := peakrss.Measure(cmd, b.dir)
	if err != nil {
		return traced{}, err
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return traced{}, fmt.Errorf("%v: %s", err, stderr.String())
	}
	t := traced{whole: time.Since(start)}
	rss, err := peak()
	if err != nil {
		return traced{}, err
	}
	t.rssMiB = float64(rss) / (1 << 20)
	n, summary, err := countStormEvents(out, format == "json")
	if err != nil {
		return traced{}, err
	}
	if format != "json" {
		summary = stderr.String() // text: the summary is netexplore's last line there
	}
	m := finalLine.FindStringSubmatch(summary)
	if m == nil {
		return traced{}, fmt.Errorf("no event summary in netexplore's output: %s", stderr.String())
	}
	t.lost, _ = strconv.Atoi(m[2])
	secs, _ := strconv.ParseFloat(m[3], 64)
	t.cmd = time.Duration(secs * float64(time.Second))
	if m := decoderLine.FindStringSubmatch(stderr.String()); m != nil {
		t.decoderRate, t.spilled = m[1]+" events/s", m[2]
	}
	if m := kernelLine.FindStringSubmatch(stderr.String()); m != nil {
		t.kernel = m[1]
	}
	if m := phasesLine.FindStringSubmatch(stderr.String()); m != nil {
		t.phases = fmt.Sprintf("%ss to load the probe and start, %ss to finish after the command", m[1], m[2])
	}
	t.captured = n
	st, err := os.Stat(out)
	if err != nil {
		return traced{}, err
	}
	t.outBytes = st.Size()
	if stats == "kernel" || sz != small {
		// The kernel run reports only its kernel line; the 3M runs'
		// output is not written again (4.5 GB of JSON, 18 s alone).
		return t, nil
	}
	if t.writeAlone, err = writeBytes(b.dir, t.outBytes); err != nil {
		return traced{}, err
	}
	t.writeAloneMax = t.writeAlone
	if t.floor, err = b.timeOutputFloor(sz, out, t.outBytes); err != nil {
		return traced{}, err
	}
	return t, nil
}

// writeBytes writes n bytes into a new file in dir, in 256 KiB writes as
// netexplore's output writer makes, removes it, and returns the time the
// writing took.
func writeBytes(dir string, n int64) (time.Duration, error) {
	f, err := os.CreateTemp(dir, "netexplore-bench-write-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	chunk := bytes.Repeat([]byte("x"), 256<<10)
	start := time.Now()
	for left := n; left > 0; left -= int64(len(chunk)) {
		if _, err := f.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
			return 0, err
		}
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// timeOutputFloor runs the untraced workload while n bytes are written
// into a new file (writeBytes). It removes the trace file out first: the
// trace itself ran soon after the last round's files were removed, and on
// a virtual machine memory freed a moment ago is faster to write than
// memory the host has taken back; so the floor is the least the output
// costs here.
func (b *bench) timeOutputFloor(sz size, out string, n int64) (outputFloor, error) {
	if err := os.Remove(out); err != nil {
		return outputFloor{}, err
	}
	type result struct {
		d   time.Duration
		err error
	}
	wrote := make(chan result, 1)
	start := time.Now()
	go func() {
		d, err := writeBytes(b.dir, n)
		wrote <- result{d, err}
	}()
	command, cmdErr := timed(b.workload(sz)...)
	w := <-wrote
	whole := time.Since(start)
	if err := errors.Join(cmdErr, w.err); err != nil {
		return outputFloor{}, fmt.Errorf("output floor: %w", err)
	}
	return outputFloor{whole: whole, command: command, write: w.d}, nil
}

func timed(argv ...string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, stderr.String())
	}
	return time.Since(start), nil
}

func best(rounds int, f func() (time.Duration, error)) (time.Duration, error) {
	var min time.Duration
	for i := range rounds {
		d, err := f()
		if err != nil {
			return 0, err
		}
		if i == 0 || d < min {
			min = d
		}
	}
	return min, nil
}

func ratio(d, base time.Duration) float64 { return d.Seconds() / base.Seconds() }

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// span is the range from lo to hi and its ratio to base, or one figure
// when lo and hi round alike.
func span(lo, hi, base time.Duration) string {
	if ms(lo) == ms(hi) {
		return fmt.Sprintf("%s (%.2fx untraced)", ms(lo), ratio(lo, base))
	}
	return fmt.Sprintf("%s to %s (%.2fx to %.2fx untraced)", ms(lo), ms(hi), ratio(lo, base), ratio(hi, base))
}

// countStormEvents counts the workload's own events in a trace: the
// SIOCGIFFLAGS ioctls, the RTM_GETLINK requests and the replies paired
// with them. A JSON trace's closing summary object is returned as the
// text form of netexplore's last line ("N events, M lost, command ran Ss").
func countStormEvents(path string, isJSON bool) (n int, summary string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if isJSON {
			if bytes.HasPrefix(line, []byte(`{"kind":"summary"`)) {
				var o struct {
					Events, Lost   uint64
					CommandSeconds float64 `json:"command_seconds"`
				}
				if err := json.Unmarshal(line, &o); err != nil {
					return 0, "", fmt.Errorf("reading the summary: %w", err)
				}
				summary = fmt.Sprintf("%d events, %d lost, command ran %.3fs", o.Events, o.Lost, o.CommandSeconds)
				continue
			}
			ok, err := isStormJSON(line)
			if err != nil {
				return 0, "", fmt.Errorf("reading the trace: %w", err)
			}
			if ok {
				n++
			}
			continue
		}
		// One line per call: "[storm PID] ioctl(5<AF_INET>, SIOCGIFFLAGS lo ...) = 0",
		// "[storm PID] sendto(6<NETLINK_ROUTE>, RTM_GETLINK ...) = 32",
		// "[storm PID] recvfrom(6<NETLINK_ROUTE>, RTM_NEWLINK lo ...) = 1468".
		if !bytes.HasPrefix(line, []byte("[storm ")) {
			continue
		}
		switch {
		case bytes.Contains(line, []byte("] ioctl(")) && bytes.Contains(line, []byte("SIOCGIFFLAGS")),
			bytes.Contains(line, []byte("] sendto(")) && bytes.Contains(line, []byte("<NETLINK_ROUTE>, RTM_GETLINK ")),
			bytes.Contains(line, []byte("] recvfrom(")) && bytes.Contains(line, []byte("<NETLINK_ROUTE>, RTM_NEWLINK ")):
			n++
		}
	}
	return n, summary, sc.Err()
}

// isStormJSON reports whether a JSON trace line is one of the workload's
// events. Only the lines that could be are decoded.
func isStormJSON(line []byte) (bool, error) {
	if !bytes.Contains(line, []byte(`"comm":"storm"`)) {
		return false, nil
	}
	if bytes.Contains(line, []byte(`"kind":"ioctl"`)) {
		return bytes.Contains(line, []byte(`"call":"ioctl(`)) && bytes.Contains(line, []byte(`SIOCGIFFLAGS)"`)), nil
	}
	var e struct {
		Kind    string `json:"kind"`
		Call    string `json:"call"`
		Netlink []struct {
			TypeName string `json:"type_name"`
		} `json:"netlink"`
		ReplyTo []*struct {
			Type string `json:"type"`
		} `json:"reply_to"`
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return false, err
	}
	switch {
	case e.Kind == "ioctl" && strings.Contains(e.Call, "SIOCGIFFLAGS"):
		return true, nil
	case e.Kind == "send" && len(e.Netlink) == 1 && e.Netlink[0].TypeName == "RTM_GETLINK":
		return true, nil
	case e.Kind == "recv" && len(e.ReplyTo) == 1 && e.ReplyTo[0] != nil && e.ReplyTo[0].Type == "RTM_GETLINK":
		return true, nil
	}
	return false, nil
}
