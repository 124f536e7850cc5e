// Command storm measures what tracing costs a process that hammers the
// kernel's networking interfaces. It runs one workload — many ioctl
// SIOCGIFFLAGS calls and RTM_GETLINK round trips on loopback, in a network
// namespace of its own — three ways in one run: untraced, traced by
// netexplore (payloads and stacks on, JSON output decoded and written), and
// under `strace -f` when installed. It prints the wall-time ratios and how
// many of the expected events netexplore captured, ending with one line:
//
//	bench: traced/untraced=1.31 strace/untraced=80.2 events=280000/280000 lost=0
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
	"regexp"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	worker := flag.Bool("worker", false, "run the workload itself (used internally)")
	ioctls := flag.Int("ioctls", 200000, "ioctl SIOCGIFFLAGS calls")
	getlinks := flag.Int("getlinks", 40000, "RTM_GETLINK request/reply round trips")
	bin := flag.String("netexplore", "bin/netexplore", "netexplore binary to measure")
	rounds := flag.Int("rounds", 3, "runs of each variant; the fastest counts")
	flag.Parse()
	if *worker {
		if err := storm(*ioctls, *getlinks); err != nil {
			fmt.Fprintln(os.Stderr, "storm:", err)
			os.Exit(1)
		}
		return
	}
	if err := bench(*bin, *ioctls, *getlinks, *rounds); err != nil {
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

func bench(bin string, ioctls, getlinks, rounds int) error {
	if os.Geteuid() != 0 {
		return errors.New("needs root: the traced variant loads eBPF")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	workload := []string{"unshare", "-n", self, "-worker", "-ioctls", strconv.Itoa(ioctls), "-getlinks", strconv.Itoa(getlinks)}
	fmt.Printf("workload: %d ioctl SIOCGIFFLAGS + %d RTM_GETLINK round trips, best of %d\n", ioctls, getlinks, rounds)

	untraced, err := best(rounds, func() error { return runQuiet(workload...) })
	if err != nil {
		return fmt.Errorf("untraced run: %w", err)
	}
	fmt.Printf("untraced:  %v\n", untraced.Round(time.Millisecond))

	out, err := os.CreateTemp("", "netexplore-bench-*.jsonl")
	if err != nil {
		return err
	}
	out.Close()
	defer os.Remove(out.Name())
	var lost int
	var ran time.Duration
	traced, err := best(rounds, func() error {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, append([]string{"trace", "--format", "json", "-o", out.Name(), "--"}, workload...)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %s", err, stderr.String())
		}
		m := regexp.MustCompile(`(\d+) events, (\d+) lost, command ran ([0-9.]+)s`).FindStringSubmatch(stderr.String())
		if m == nil {
			return fmt.Errorf("no event summary in netexplore's output: %s", stderr.String())
		}
		lost, _ = strconv.Atoi(m[2])
		secs, _ := strconv.ParseFloat(m[3], 64)
		if d := time.Duration(secs * float64(time.Second)); ran == 0 || d < ran {
			ran = d
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("traced run: %w", err)
	}
	fmt.Printf("traced:    %v command time (netexplore, payloads and stacks on); %v until every event was decoded and written as JSON\n",
		ran.Round(time.Millisecond), traced.Round(time.Millisecond))
	captured, err := countStormEvents(out.Name())
	if err != nil {
		return err
	}
	expected := ioctls + 2*getlinks

	stracePart := "strace/untraced=n/a"
	if path, err := exec.LookPath("strace"); err == nil {
		st, err := best(1, func() error { return runQuiet(append([]string{path, "-f", "-o", "/dev/null"}, workload...)...) })
		if err != nil {
			return fmt.Errorf("strace run: %w", err)
		}
		fmt.Printf("strace -f: %v\n", st.Round(time.Millisecond))
		stracePart = fmt.Sprintf("strace/untraced=%.1f", st.Seconds()/untraced.Seconds())
	} else {
		fmt.Println("strace -f: not installed (apt-get install strace)")
	}
	fmt.Printf("bench: traced/untraced=%.2f %s events=%d/%d lost=%d\n",
		ran.Seconds()/untraced.Seconds(), stracePart, captured, expected, lost)
	if captured != expected || lost != 0 {
		return fmt.Errorf("captured %d of %d expected events, %d lost", captured, expected, lost)
	}
	return nil
}

func runQuiet(argv ...string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %s", err, stderr.String())
	}
	return nil
}

func best(rounds int, f func() error) (time.Duration, error) {
	var min time.Duration
	for i := 0; i < rounds; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if d := time.Since(start); i == 0 || d < min {
			min = d
		}
	}
	return min, nil
}

// countStormEvents counts the workload's own events in a JSON trace: the
// SIOCGIFFLAGS ioctls, the RTM_GETLINK requests and their replies.
func countStormEvents(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	type msg struct {
		TypeName string `json:"type_name"`
	}
	type event struct {
		Kind    string `json:"kind"`
		Comm    string `json:"comm"`
		Call    string `json:"call"`
		Netlink []msg  `json:"netlink"`
		ReplyTo []*struct {
			Type string `json:"type"`
		} `json:"reply_to"`
	}
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return 0, fmt.Errorf("reading the trace: %w", err)
		}
		switch {
		case e.Kind == "ioctl" && bytes.Contains([]byte(e.Call), []byte("SIOCGIFFLAGS")):
			n++
		case e.Kind == "send" && len(e.Netlink) == 1 && e.Netlink[0].TypeName == "RTM_GETLINK":
			n++
		case e.Kind == "recv" && len(e.ReplyTo) == 1 && e.ReplyTo[0] != nil && e.ReplyTo[0].Type == "RTM_GETLINK":
			n++
		}
	}
	return n, sc.Err()
}
