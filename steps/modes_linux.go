package steps

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// lanLink is the stand-in for the host's NIC: a veth pair whose far end is
// in a namespace playing the LAN (its router).
type lanLink struct {
	lan        *netNS       // the LAN side: a router on the same wire
	hostAddr   netip.Prefix // the host's address on eth0
	routerAddr netip.Prefix // the router's address, the networks' gateway
}

// labNIC gives the lab (the host) an eth0 cabled to a namespace playing
// its LAN. Docker does none of this: it finds the host's NIC there.
func labNIC(env *Env, w *world, l *lanLink) error {
	if err := w.create(env, l.lan); err != nil {
		return err
	}
	// RTM_NEWLINK kind veth "eth0", VETH_INFO_PEER{"eth0", IFLA_NET_NS_FD=<lan fd>}
	nic := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}, PeerName: "eth0", PeerNamespace: netlink.NsFd(l.lan.fd)}
	if err := env.Handle.LinkAdd(nic); err != nil {
		return fmt.Errorf("creating the host's eth0: %w", err)
	}
	for _, side := range []struct {
		h    *netlink.Handle
		addr netip.Prefix
	}{{env.Handle, l.hostAddr}, {l.lan.h, l.routerAddr}} {
		link, err := side.h.LinkByName("eth0")
		if err != nil {
			return err
		}
		// RTM_NEWADDR on eth0, then RTM_NEWLINK IFF_UP
		if err := side.h.AddrAdd(link, &netlink.Addr{IPNet: ipNet(side.addr)}); err != nil {
			return err
		}
		if err := side.h.LinkSetUp(link); err != nil {
			return err
		}
	}
	env.notef("host eth0 %s, cabled to the LAN router %s in %s", l.hostAddr, l.routerAddr, l.lan)
	return nil
}

// labNetNS returns the lab's own namespace (the host) as a netNS, for
// checks that start there. The caller closes its fd.
func labNetNS() (*netNS, error) {
	fd, err := netns.Current()
	if err != nil {
		return nil, err
	}
	return &netNS{name: "the host", fd: fd}, nil
}

// nullDriver is the null driver's CreateEndpoint and Join for --network
// none: both return nil without a single system call.
func nullDriver(env *Env, c *container) error {
	env.notef("null driver: CreateEndpoint and Join do nothing; %s keeps only lo", c.ns)
	return nil
}

// checkOnlyLoopback shows what --network none leaves a container: lo, and
// no route anywhere else.
func checkOnlyLoopback(env *Env, c *container) error {
	links, err := c.ns.h.LinkList() // RTM_GETLINK NLM_F_DUMP in the container
	if err != nil {
		return err
	}
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		return fmt.Errorf("%s has %d links, want only lo", c.ns, len(links))
	}
	// Loopback works: an echo to 127.0.0.1 stays inside the namespace.
	if err := checkPing(env, c.ns, netip.MustParseAddr("127.0.0.1")); err != nil {
		return err
	}
	// Anything else: sendto fails at once with ENETUNREACH (no route).
	_, err = ping(c.ns.fd, netip.MustParseAddr("172.17.0.1"), 1)
	if !errors.Is(err, unix.ENETUNREACH) {
		return fmt.Errorf("sending to 172.17.0.1 from %s: got %v, want ENETUNREACH", c.ns.name, err)
	}
	env.notef("sendto 172.17.0.1 from %s: %v", c.ns.name, err)
	return nil
}

// hostNamespace is what the daemon does about the network for --network
// host: it removes the network namespace from the container's OCI spec, so
// runc leaves the container in the daemon's own namespace.
func hostNamespace(env *Env) error {
	// readlink("/proc/self/ns/net"): the container's /proc/<pid>/ns/net
	// would name the same namespace.
	ns, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return err
	}
	env.notef("the host's network namespace is %s; a --network host container's /proc/<pid>/ns/net names the same one", ns)
	return nil
}

// hostSandbox is libnetwork's default sandbox for --network host
// (osl.NewSandbox with osCreate=false): no new namespace, then loopbackUp
// on the host's own lo.
func hostSandbox(env *Env) error {
	lo, err := env.Handle.LinkByName("lo") // RTM_GETLINK lo
	if err != nil {
		return err
	}
	// RTM_NEWLINK IFF_UP: lo is up already, so nothing changes.
	return env.Handle.LinkSetUp(lo)
}

// hostDriver is the host driver's CreateEndpoint and Join: no-ops.
func hostDriver(env *Env) error {
	env.notef("host driver: CreateEndpoint and Join do nothing; no veth, no address, no rule")
	return nil
}

// checkSharedNetwork shows what sharing the host's namespace means: the
// container sees the host's interfaces, shares its ports and reaches its
// LAN directly.
func checkSharedNetwork(env *Env, l *lanLink) error {
	links, err := env.Handle.LinkList() // RTM_GETLINK NLM_F_DUMP: what `ip link` in the container lists
	if err != nil {
		return err
	}
	var names []string
	for _, link := range links {
		names = append(names, link.Attrs().Name)
	}
	env.notef("the container sees the host's links: %s", strings.Join(names, ", "))
	// Two servers on port 8080, the host's and the container's: one socket
	// table, so the second bind fails.
	first, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(first)
	if err := unix.Bind(first, &unix.SockaddrInet4{Port: 8080}); err != nil {
		return err
	}
	second, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(second)
	if err := unix.Bind(second, &unix.SockaddrInet4{Port: 8080}); !errors.Is(err, unix.EADDRINUSE) {
		return fmt.Errorf("second bind to port 8080: got %v, want EADDRINUSE", err)
	}
	env.notef("a second bind to 0.0.0.0:8080 fails with EADDRINUSE: host and container share one port space")
	host, err := labNetNS()
	if err != nil {
		return err
	}
	defer host.fd.Close()
	return checkPing(env, host, l.routerAddr.Addr()) // straight out of eth0, no NAT
}
