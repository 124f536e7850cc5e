package steps

import (
	"fmt"
	"net/netip"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
)

// lanLink is the stand-in for the host's NIC: a veth pair whose far end is
// in a namespace playing the LAN (its router).
type lanLink struct {
	lan        *netNS       // the LAN side: a router on the same wire
	hostAddr   netip.Prefix // the host's address on eth0
	routerAddr netip.Prefix // the router's address, the networks' gateway
}

// newLAN returns the stand-in for the host's NIC and LAN used by the host
// and macvlan scenarios: the host is 192.168.100.10/24 on eth0, the LAN's
// router 192.168.100.1.
func newLAN() *lanLink {
	return &lanLink{
		lan:        &netNS{name: "lan"},
		hostAddr:   netip.MustParsePrefix("192.168.100.10/24"),
		routerAddr: netip.MustParsePrefix("192.168.100.1/24"),
	}
}

// labNICStep builds the host's eth0 and the LAN behind it.
func labNICStep(w *world, l *lanLink, why string) Step {
	return Step{
		ID:      "lab: the host's NIC",
		Phase:   PhaseLab,
		Title:   "Give the host an eth0 (" + l.hostAddr.String() + ") on a LAN with a router at " + l.routerAddr.Addr().String(),
		Mirrors: "nothing in Docker: a real host already has its NIC and LAN; the lab builds stand-ins",
		Explanation: "The lab namespace plays the Docker host, and a fresh namespace has nothing but lo. A real host has a network card on a LAN, " +
			"so the lab makes one: a veth pair whose eth0 end stays in the lab and whose other end goes into a namespace playing the LAN's " +
			"router (one RTM_NEWLINK with VETH_INFO_PEER{IFLA_NET_NS_FD}), then an address and IFF_UP on each end. " + why,
		KernelHandlers: []string{"copy_net_ns", "rtnl_newlink", "veth_newlink", "inet_rtm_newaddr", "dev_change_flags"},
		code:           call2(labNIC, w, l),
	}
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
