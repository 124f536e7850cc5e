package probe

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/trace/event"
)

// traceRun runs argv (with extra environment) under a probe opened with
// opts, reading as it goes, and returns every event, the probe's losses and
// the command's standard output. The probe is returned open, for checks of
// its tables; the test closes it.
func traceRun(t *testing.T, opts Options, env []string, argv ...string) ([]event.Event, Losses, string, *Probe) {
	t.Helper()
	testutil.RequirePrivileged(t)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	p, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	var stdout bytes.Buffer
	cmd, err := StartTraced(argv, nil, &stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Follow(cmd.PID()); err != nil {
		cmd.Abort()
		t.Fatal(err)
	}
	done := make(chan []event.Event, 1)
	errc := make(chan error, 1)
	go func() {
		var evs []event.Event
		for {
			e, err := p.Read()
			if errors.Is(err, ErrDrained) {
				break
			}
			if err != nil {
				errc <- err
				return
			}
			evs = append(evs, e)
		}
		done <- evs
	}()
	if err := cmd.Release(); err != nil {
		t.Fatal(err)
	}
	if status, err := cmd.Wait(); err != nil || status != 0 {
		t.Fatalf("%v: status %d, %v", argv, status, err)
	}
	if err := p.Detach(); err != nil {
		t.Fatal(err)
	}
	if err := p.Drain(); err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	select {
	case evs = <-done:
	case err := <-errc:
		t.Fatal(err)
	}
	l, err := p.Losses()
	if err != nil {
		t.Fatal(err)
	}
	return evs, l, stdout.String(), p
}

// made reads how many children the helper made.
func made(t *testing.T, out string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("helper printed %q", out)
	}
	return n
}

// count returns the events of kind made by the children (not pid root).
func count(evs []event.Event, kind event.Kind, root uint32) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && e.PID != root && e.Ret >= 0 {
			n++
		}
	}
	return n
}

func rootPID(t *testing.T, evs []event.Event) uint32 {
	t.Helper()
	for _, e := range evs {
		if e.Kind == event.KindExec {
			return e.PID
		}
	}
	t.Fatal("no exec of the helper captured")
	return 0
}

// 20,000 children alive at once, each opening a netlink socket: with the
// default task table every socket is captured; with a table too small
// (16,384, what the probe once had), every child it could not follow is
// counted, and captured + lost is exactly what the children did.
func TestLossAccountingManyChildren(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		name     string
		maxTasks int
	}{{"default table", 0}, {"table of 16384", 16384}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{MaxTasks: tc.maxTasks, RingSize: 64 << 20}
			evs, l, out, _ := traceRun(t, opts, []string{helperEnv + "=netlink " + strconv.Itoa(n)}, os.Args[0])
			if m := made(t, out); m != n {
				t.Fatalf("the helper made %d children, want %d", m, n)
			}
			root := rootPID(t, evs)
			captured := count(evs, event.KindSocket, root)
			unfollowed := 0
			for _, e := range evs {
				if e.Kind == event.KindFork && e.Args[1] == 1 {
					unfollowed++
				}
			}
			t.Logf("%d sockets captured, %d children not followed (%+v)", captured, unfollowed, l)
			if l.RingFull != 0 {
				t.Fatalf("%d events lost to a full ring buffer: the test cannot count", l.RingFull)
			}
			if uint64(captured)+l.Total() != n {
				t.Errorf("captured %d + lost %d != %d made", captured, l.Total(), n)
			}
			if uint64(unfollowed) != l.TasksFull {
				t.Errorf("%d forks say they were not followed, %d counted", unfollowed, l.TasksFull)
			}
			if tc.maxTasks == 0 && l.Total() != 0 {
				t.Errorf("the default table lost %+v", l)
			}
			if tc.maxTasks != 0 && l.TasksFull == 0 {
				t.Error("a table smaller than the children lost nothing")
			}
		})
	}
}

// 5,000 processes that exit with a /proc/sys file open: their fds leave
// the probe's table with them, so every read is captured and the table is
// empty at the end. All alive at once with a table of 1,000, each fd the
// table could not hold is counted: captured + lost is what they did.
func TestLossAccountingSysctlFds(t *testing.T) {
	const n = 5000
	for _, tc := range []struct {
		name   string
		mode   string
		maxFds int
	}{{"one after the other", "sysctl", 0}, {"all at once, table of 1000", "sysctl-together", 1000}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{MaxFds: tc.maxFds, RingSize: 64 << 20}
			evs, l, out, p := traceRun(t, opts, []string{helperEnv + "=" + tc.mode + " " + strconv.Itoa(n)}, os.Args[0])
			if m := made(t, out); m != n {
				t.Fatalf("the helper made %d children, want %d", m, n)
			}
			root := rootPID(t, evs)
			reads := count(evs, event.KindRead, root)
			t.Logf("%d reads captured (%+v)", reads, l)
			if l.RingFull != 0 {
				t.Fatalf("%d events lost to a full ring buffer: the test cannot count", l.RingFull)
			}
			if uint64(reads)+l.Total() != n {
				t.Errorf("captured %d + lost %d != %d made", reads, l.Total(), n)
			}
			if tc.maxFds == 0 && l.Total() != 0 {
				t.Errorf("the default table lost %+v", l)
			}
			if tc.maxFds != 0 && l.FdsFull == 0 {
				t.Error("a table smaller than the open files lost nothing")
			}
			left := 0
			it := p.objs.SysctlFds.Iterate()
			var k, v []byte
			for it.Next(&k, &v) {
				left++
			}
			if left != 0 {
				t.Errorf("%d /proc/sys fds of exited processes are still in the probe's table", left)
			}
		})
	}
}

// The root command's exec is reported every time, whichever thread of
// the (Go, multithreaded) exec shim calls execve.
func TestExecResultEveryTime(t *testing.T) {
	testutil.RequirePrivileged(t)
	p, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const runs = 200
	// A PID may come back in a later run: count runs per PID.
	pids := map[uint32]int{}
	for range runs {
		cmd, err := StartTraced([]string{"sh", "-c", "exit 0"}, nil, os.Stderr, os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Follow(cmd.PID()); err != nil {
			cmd.Abort()
			t.Fatal(err)
		}
		if err := cmd.Release(); err != nil {
			t.Fatal(err)
		}
		if status, err := cmd.Wait(); err != nil || status != 0 {
			t.Fatalf("sh -c 'exit 0': status %d, %v", status, err)
		}
		pids[uint32(cmd.PID())]++
	}
	if err := p.Detach(); err != nil {
		t.Fatal(err)
	}
	if err := p.Drain(); err != nil {
		t.Fatal(err)
	}
	results := map[uint32]int{}
	byPID := map[uint32][]string{}
	for {
		e, err := p.Read()
		if errors.Is(err, ErrDrained) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind == event.KindExecResult && e.Ret == 0 && pids[e.PID] > 0 {
			results[e.PID]++
		}
		if pids[e.PID] > 0 {
			byPID[e.PID] = append(byPID[e.PID], fmt.Sprintf("%d %s %s %s %d", e.Seq, e.Kind, e.Comm, e.Path, e.Ret))
		}
	}
	l, err := p.Losses()
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for pid, n := range pids {
		if results[pid] != n {
			missing += n
		}
	}
	if missing != 0 {
		hist := map[int]int{}
		for pid := range pids {
			hist[results[pid]]++
		}
		t.Logf("exec results per run: %v", hist)
		for pid, n := range results {
			if n != pids[pid] {
				t.Logf("pid %d (%d runs): %q", pid, pids[pid], byPID[pid])
				break
			}
		}
	}
	if missing != 0 || l.Total() != 0 {
		t.Fatalf("%d of %d runs without exactly one exec result, %d lost (%+v)", missing, runs, l.Total(), l)
	}
}
