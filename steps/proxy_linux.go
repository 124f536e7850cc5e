package steps

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// proxyStartTimeout is how long Docker waits for docker-proxy to say it
// listens.
const proxyStartTimeout = 16 * time.Second

// startProxyStep is Docker 29 starting docker-proxy for each binding of the
// published port.
func (p planner) startProxyStep(w *world, c *container, port *publishedPort) Step {
	ip, hp, cp := c.addr.Addr().String(), fmt.Sprint(port.hostPort), fmt.Sprint(port.containerPort)
	s := Step{
		ID:      "mapPorts (startProxy)",
		Phase:   PhasePorts,
		Title:   "Start docker-proxy for 0.0.0.0:" + hp + " and [::]:" + hp,
		Mirrors: "libnetwork drivers/bridge mapPorts -> portallocator.DetachSocketFilter, portmapper.StartProxy (port_mapping_linux.go, portmapper/proxy_linux.go)",
		Explanation: "With the userland proxy on (the default), every binding gets a docker-proxy process: it relays what the NAT rules " +
			"cannot catch, such as connections from the host to 127.0.0.1:" + hp + " (nat OUTPUT skips 127.0.0.0/8) and, here, everything " +
			"that arrives on [::]:" + hp + " for a container that only has IPv4. For each binding the daemon lifts the drop-everything " +
			"socket filter (setsockopt SO_DETACH_FILTER), then forks and executes docker-proxy -proto tcp -host-ip <0.0.0.0 or ::> " +
			"-host-port " + hp + " -container-ip " + ip + " -container-port " + cp + " -use-listen-fd, passing a pipe as file descriptor 3 and " +
			"the bound socket as descriptor 4, so the proxy accepts on the socket the port mapper reserved instead of binding again. It " +
			"waits (16 seconds at most) until the proxy writes \"0\\n\" to the pipe, and closes its own copy of the socket. The proxy gets " +
			"SIGTERM if the daemon thread that started it dies (Pdeathsig); the lab starts the real docker-proxy binary the same way, " +
			"and it dies with the lab.\n\n" +
			"An older docker-proxy (before Docker 28, such as Debian's docker.io 20.10) does not know -use-listen-fd: Docker 29 would " +
			"refuse it. netexplore then says so in a note, closes the reserved socket and starts that proxy without the flag, so that " +
			"it binds the port itself, as Docker 20.10 did.",
		KernelHandlers: []string{"__sys_setsockopt", "sk_detach_filter", "inet_accept"},
		code:           call3(startProxies, w, c, port),
	}
	s = skipIf(s, !p.cfg.UserlandProxy, "d.config.EnableProxy is false (--userland-proxy=false): NAT rules serve the port alone")
	if _, err := p.lookPath("docker-proxy"); err != nil {
		s = skipIf(s, true, "docker-proxy not found: apt-get install docker.io (netexplore only uses its docker-proxy)")
	}
	return s
}

// startProxies starts docker-proxy for each binding, handing it the socket
// the port mapper bound (Docker 29's -use-listen-fd).
func startProxies(env *Env, w *world, c *container, p *publishedPort) error {
	for i := range p.bindings {
		b := &p.bindings[i]
		// setsockopt(SO_DETACH_FILTER): the rules are in place, let packets in.
		if err := unix.SetsockoptInt(int(b.sock.Fd()), unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0); err != nil {
			return fmt.Errorf("failed to detach socket filter for port mapping %s: %w", b.hostIP, err)
		}
		if err := startPortProxy(env, w, c, *b, p, true); err != nil {
			return err
		}
		_ = b.sock.Close() // the proxy has its own copy
	}
	return nil
}

// startPortProxy starts docker-proxy for one binding and waits until it
// reports that it listens. listenFD hands it b's socket (Docker 29);
// without it the proxy binds the port itself (Docker 20.10). Without the
// userland proxy, Docker 20.10 only listens on the port itself, to keep
// it (its dummy proxy).
func startPortProxy(env *Env, w *world, c *container, b portBinding, p *publishedPort, listenFD bool) error {
	if !env.Config.UserlandProxy {
		return dummyProxy(env, w, b, p)
	}
	path, err := env.lookPath("docker-proxy")
	if err != nil {
		return errMissingTool("docker-proxy")
	}
	args := []string{path, "-proto", "tcp", "-host-ip", b.hostIP, "-host-port", strconv.Itoa(p.hostPort),
		"-container-ip", c.addr.Addr().String(), "-container-port", strconv.Itoa(p.containerPort)}
	var extra []*os.File
	if listenFD {
		if knowsListenFD(path) {
			args, extra = append(args, "-use-listen-fd"), []*os.File{b.sock}
		} else {
			env.notef("%s predates Docker 28 and has no -use-listen-fd (Docker 29 would refuse it): it binds %s itself", path, b.hostIP)
			_ = b.sock.Close()
		}
	}
	stop, err := startProxyProcess(env, args, extra)
	if err != nil {
		return err
	}
	w.closers = append(w.closers, stop)
	return nil
}

// startProxyProcess runs docker-proxy as Docker does: a pipe as descriptor
// 3 (and extra files after it), SIGTERM to the proxy when the thread that
// started it dies, and "0\n" on the pipe once it listens. It returns the
// function that stops it.
func startProxyProcess(env *Env, args []string, extra []*os.File) (stop func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("proxy unable to open os.Pipe %w", err)
	}
	defer r.Close()
	cmd := &exec.Cmd{Path: args[0], Args: args, ExtraFiles: append([]*os.File{w}, extra...),
		SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}}
	var out bytes.Buffer
	cmd.Stderr = &out
	// Start from a locked thread that then waits: the proxy's parent-death
	// signal follows that thread, which lives as long as the proxy. (Not
	// internal/child's: the goroutine that forks must be this package's
	// code, for the probe's stack to point at the step.)
	started, exited := make(chan error, 1), make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
	}()
	err = <-started
	w.Close()
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", args[0], err)
	}
	stop = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	env.commands = append(env.commands, CommandRun{Args: args, ExitCode: -1})
	if err := awaitProxy(r); err != nil {
		stop()
		return nil, fmt.Errorf("error starting userland proxy %v: %w: %s", args[1:], err, bytes.TrimSpace(out.Bytes()))
	}
	env.notef("docker-proxy (pid %d) listens on %s", cmd.Process.Pid, net.JoinHostPort(args[4], args[6]))
	return stop, nil
}

// awaitProxy reads docker-proxy's report from the pipe: "0\n" once it
// listens, "1\n<error>" or nothing (it exited) otherwise.
func awaitProxy(r *os.File) error {
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 2)
		if _, err := io.ReadFull(r, buf); err != nil {
			done <- errors.New("it exited without a word")
			return
		}
		if string(buf) != "0\n" {
			msg, _ := io.ReadAll(r)
			done <- errors.New(string(bytes.TrimSpace(msg)))
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(proxyStartTimeout):
		return errors.New("timed out")
	}
}

// dummyProxy keeps the port with a listener of the daemon's own, as Docker
// 20.10 does without the userland proxy.
func dummyProxy(env *Env, w *world, b portBinding, p *publishedPort) error {
	ln, err := net.Listen("tcp4", net.JoinHostPort(b.hostIP, strconv.Itoa(p.hostPort)))
	if err != nil {
		return err
	}
	w.closers = append(w.closers, func() { ln.Close() })
	env.notef("no userland proxy: the daemon listens on %s itself to keep the port", ln.Addr())
	return nil
}

// knowsListenFD reports whether the docker-proxy binary at path has the
// -use-listen-fd flag (Docker >= 28), by looking for the flag's name in it
// rather than running it.
func knowsListenFD(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte("use-listen-fd"))
}

// ipv6Listenable is netutils.IsV6Listenable: can this host listen on an
// IPv6 address? A listener on [::1]:0, closed at once.
func ipv6Listenable() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// bindHostPort reserves a TCP port on hostIP as Docker 29's port allocator
// does: a socket that drops every packet until the filter is detached,
// bound and listening.
func bindHostPort(hostIP string, port int) (*os.File, error) {
	addr := netip.MustParseAddr(hostIP)
	var family int
	var sa unix.Sockaddr
	if addr.Is4() {
		family, sa = unix.AF_INET, &unix.SockaddrInet4{Port: port, Addr: addr.As4()}
	} else {
		family, sa = unix.AF_INET6, &unix.SockaddrInet6{Port: port, Addr: addr.As16()}
	}
	// socket(AF_INET|AF_INET6, SOCK_STREAM)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return nil, fmt.Errorf("failed to create socket for %s: %w", hostIP, err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	fail := func(what string, err error) (*os.File, error) {
		f.Close()
		return nil, fmt.Errorf("failed to %s for %s:%d/tcp: %w", what, hostIP, port, err)
	}
	// setsockopt(SO_REUSEADDR), then a filter that drops every packet
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fail("setsockopt(SO_REUSEADDR)", err)
	}
	dropAll := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: 0}}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: 1, Filter: &dropAll[0]}); err != nil {
		return fail("set drop packets filter", err)
	}
	if family == unix.AF_INET6 {
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	}
	// bind, listen: the port is taken for the container
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind host port", err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		return fail("listen", err)
	}
	return f, nil
}
