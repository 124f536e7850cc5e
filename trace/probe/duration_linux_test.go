package probe

import (
	"os"
	"testing"
	"time"

	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// recvTimeout is how long each receive of slowRecvs waits.
const recvTimeout = 100 * time.Millisecond

// slowRecvs makes n recvmsg calls on a netlink socket nobody writes to,
// each with a receive timeout of recvTimeout, so each fails with EAGAIN
// after waiting that long: a syscall of a known least duration.
func slowRecvs(n int) (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval(recvTimeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return 0, err
	}
	buf := make([]byte, 4096)
	for i := range n {
		if _, _, _, _, err := unix.Recvmsg(fd, buf, nil, 0); err != unix.EAGAIN {
			return i, err
		}
	}
	return n, nil
}

// slowRecvEvents traces two slow receives with opts and returns their
// events.
func slowRecvEvents(t *testing.T, opts Options) []event.Event {
	evs, _, _, _ := traceRun(t, opts, []string{helperEnv + "=slowrecv 2"}, os.Args[0])
	var recvs []event.Event
	for _, e := range evs {
		if e.Kind == event.KindRecv && e.Syscall == "recvmsg" && e.Ret == -int64(unix.EAGAIN) {
			recvs = append(recvs, e)
		}
	}
	if len(recvs) != 2 {
		t.Fatalf("%d recvmsg = -EAGAIN events, want 2", len(recvs))
	}
	return recvs
}

// TestDurationOfBlockedRecv checks that with Durations the probe times a
// receive that waited for its timeout at least that long, and the other
// calls too, at some positive time below it.
func TestDurationOfBlockedRecv(t *testing.T) {
	for _, e := range slowRecvEvents(t, Options{Durations: true}) {
		// Timer slack lets the wait end a little early, never by 10 ms.
		if e.Duration < recvTimeout-10*time.Millisecond || e.Duration > 10*time.Second {
			t.Errorf("recvmsg with a %v timeout: duration %v", recvTimeout, e.Duration)
		}
	}
	evs, _, _, _ := traceRun(t, Options{Durations: true}, nil, "ip", "link", "show")
	timed := 0
	for _, e := range evs {
		if e.Kind == event.KindSend || e.Kind == event.KindRecv || e.Kind == event.KindExecResult {
			if e.Duration <= 0 || e.Duration > 10*time.Second {
				t.Errorf("%s event %d: duration %v", e.Syscall, e.Seq, e.Duration)
			}
			timed++
		}
		if (e.Kind == event.KindExec || e.Kind == event.KindFork || e.Kind == event.KindExit) && e.Duration != 0 {
			t.Errorf("%v event %d has a duration (%v): it is no syscall's exit", e.Kind, e.Seq, e.Duration)
		}
	}
	if timed < 3 {
		t.Errorf("ip link show: %d timed sends, receives and exec results, want at least 3", timed)
	}
}

// TestNoDurationByDefault checks that the default probe measures nothing.
func TestNoDurationByDefault(t *testing.T) {
	for _, e := range slowRecvEvents(t, Options{}) {
		if e.Duration != 0 {
			t.Errorf("recvmsg without Durations: duration %v, want 0", e.Duration)
		}
	}
}
