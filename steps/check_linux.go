package steps

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/netexplore/netexplore/internal/netns"
	"golang.org/x/sys/unix"
)

// pingTimeout is how long one echo request waits for its reply, as
// ping -W1.
const pingTimeout = time.Second

// pingTries is how many echo requests a check sends before it gives up.
const pingTries = 3

// ping sends ICMP echo requests from inside ns to dst until one is answered,
// like ping -c1 -W1 retried a few times, and returns how long the reply
// took. The socket is raw (root only) and belongs to ns because it is
// opened on a thread that entered ns.
func ping(ns netns.Handle, dst netip.Addr, tries int) (time.Duration, error) {
	var fd int
	// socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) after setns(ns)
	err := netns.Do(ns, func() (err error) {
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("opening an ICMP socket: %w", err)
	}
	defer unix.Close(fd)
	id := uint16(os.Getpid())
	var last error
	for seq := 1; seq <= tries; seq++ {
		start := time.Now()
		// sendto(fd, ICMP echo request {type 8, id, seq}, sockaddr_in{dst})
		if err := unix.Sendto(fd, icmpEcho(id, uint16(seq)), 0, &unix.SockaddrInet4{Addr: dst.As4()}); err != nil {
			return 0, fmt.Errorf("sending an echo request to %s: %w", dst, err)
		}
		if last = awaitEchoReply(fd, dst, id, uint16(seq), start.Add(pingTimeout)); last == nil {
			return time.Since(start), nil
		}
	}
	return 0, last
}

// icmpEcho builds an ICMP echo request with a 16-byte payload.
func icmpEcho(id, seq uint16) []byte {
	msg := make([]byte, 8, 24)
	msg[0] = 8 // echo request; code 0
	binary.BigEndian.PutUint16(msg[4:], id)
	binary.BigEndian.PutUint16(msg[6:], seq)
	msg = append(msg, "netexplore ping!"...)
	binary.BigEndian.PutUint16(msg[2:], inetChecksum(msg))
	return msg
}

// inetChecksum is the Internet checksum (RFC 1071) of b.
func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// awaitEchoReply reads the raw socket until the echo reply from dst with id
// and seq arrives, or the deadline passes. A raw socket sees every ICMP
// packet of the namespace, so others are skipped.
func awaitEchoReply(fd int, dst netip.Addr, id, seq uint16, deadline time.Time) error {
	buf := make([]byte, 1500)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("no echo reply from %s within %v", dst, pingTimeout)
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return err
		}
		n, from, err := unix.Recvfrom(fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading ICMP: %w", err)
		}
		sa, ok := from.(*unix.SockaddrInet4)
		if !ok || n < 20 || netip.AddrFrom4(sa.Addr) != dst {
			continue
		}
		icmp := buf[int(buf[0]&0x0f)*4 : n] // skip the IPv4 header
		if len(icmp) >= 8 && icmp[0] == 0 && binary.BigEndian.Uint16(icmp[4:]) == id && binary.BigEndian.Uint16(icmp[6:]) == seq {
			return nil
		}
	}
}

// checkPingStep is a connectivity check: from src to dst, expecting a
// reply (or, with expectDrop, none).
func checkPingStep(id, title, expl string, src *netNS, dst netip.Addr, expectDrop bool) Step {
	s := Step{
		ID: id, Phase: PhaseCheck, Title: title,
		Mirrors: "what `ping -c1 -W1 " + dst.String() + "` inside " + src.name + " would show (a check, not Docker code)",
		Explanation: expl + "\n\nThe check opens a raw ICMP socket inside " + src.name + " (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) on a thread " +
			"that entered its namespace), sends an echo request with sendto and waits a second for the reply (three tries). Only namespaces " +
			"this scenario created exchange these packets.",
		KernelHandlers: []string{"raw_sendmsg", "ip_route_output_flow", "neigh_resolve_output", "icmp_rcv", "icmp_echo", "raw_rcv"},
		code:           call2(checkPing, src, dst),
	}
	if expectDrop {
		s.code = call2(checkNoPing, src, dst)
	}
	return s
}

// checkPing fails unless src reaches dst: the connectivity checks of the
// scenarios, one ICMP echo from inside the source container.
func checkPing(env *Env, src *netNS, dst netip.Addr) error {
	rtt, err := ping(src.fd, dst, pingTries)
	if err != nil {
		return fmt.Errorf("ping from %s to %s failed: %w", src.name, dst, err)
	}
	env.notef("ping from %s to %s: echo reply in %v", src.name, dst, rtt.Round(time.Microsecond))
	return nil
}

// checkNoPing fails if src reaches dst: the checks that show isolation.
func checkNoPing(env *Env, src *netNS, dst netip.Addr) error {
	_, err := ping(src.fd, dst, 1)
	if err == nil {
		return fmt.Errorf("%s reached %s, which Docker's network should prevent", src.name, dst)
	}
	env.notef("%s cannot reach %s, as expected: %v", src.name, dst, err)
	return nil
}

// checkTCP connects from the lab to addr and expects the listener ln (in a
// container) to accept the connection and read what was sent.
func checkTCP(env *Env, ln net.Listener, addr string) error {
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept() // accept(2) on the container's socket
		if err != nil {
			got <- "accept: " + err.Error()
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
		b, _ := io.ReadAll(conn)
		got <- string(b)
	}()
	// connect(2) from the lab to addr: nat OUTPUT rewrites the destination.
	conn, err := net.DialTimeout("tcp4", addr, 2*time.Second)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("connecting to %s: %w", addr, err)
	}
	_, _ = conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	_ = conn.Close()
	select {
	case s := <-got:
		env.notef("the container's listener %s accepted a connection to %s and read %q", ln.Addr(), addr, s)
	case <-time.After(3 * time.Second):
		_ = ln.Close()
		return fmt.Errorf("the container never accepted the connection to %s", addr)
	}
	return nil
}
