package steps

import (
	"net/netip"
)

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
