package steps

import (
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
)

// macvlanCreateNetwork is the macvlan driver's CreateNetwork for
// `-o parent=eth0`: the parent must exist. A parent such as eth0.10 would
// first get a VLAN sub-interface, and no parent at all a dummy link.
func macvlanCreateNetwork(env *Env, parent string) error {
	// parentExists: RTM_GETLINK IFLA_IFNAME="eth0"
	link, err := env.Handle.LinkByName(parent)
	if err != nil {
		return fmt.Errorf("-o parent interface %s was not found on the Docker host: %w", parent, err)
	}
	env.notef("parent %s (index %d) exists: no VLAN or dummy link to create", parent, link.Attrs().Index)
	return nil
}

// createMacVlan is the macvlan driver's Join: a macvlan sub-interface of
// the parent, created in the host namespace under a temporary name. Its
// MAC address was chosen by CreateEndpoint.
func createMacVlan(env *Env, c *container, parent string) error {
	name, err := generateIfaceName(env.Handle, "veth") // RTM_GETLINK veth<7 hex> -> ENODEV
	if err != nil {
		return fmt.Errorf("error generating an interface name: %w", err)
	}
	parentLink, err := env.Handle.LinkByName(parent) // RTM_GETLINK eth0
	if err != nil {
		return fmt.Errorf("error occurred looking up the macvlan parent iface %s: %w", parent, err)
	}
	mv := &netlink.Macvlan{
		LinkAttrs: netlink.LinkAttrs{Name: name, ParentIndex: parentLink.Attrs().Index}, // IFLA_IFNAME, IFLA_LINK
		Mode:      netlink.MACVLAN_MODE_BRIDGE,                                          // IFLA_MACVLAN_MODE=4
	}
	// RTM_NEWLINK NLM_F_CREATE|NLM_F_EXCL, IFLA_LINK=<eth0's index>,
	// IFLA_LINKINFO{IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA{IFLA_MACVLAN_MODE}}
	if err := env.Handle.LinkAdd(mv); err != nil {
		return fmt.Errorf("failed to create the macvlan port: %w", err)
	}
	c.srcName, c.createdInContainer = name, false
	c.mac = randomMAC() // CreateEndpoint: GenerateRandomMAC when none is given
	env.notef("macvlan %s on %s, bridge mode; endpoint MAC %s", name, parent, c.mac)
	return nil
}

// attachMacvlan is the whole macvlan join for one more container: its
// namespace, the macvlan sub-interface, and the sandbox work.
func attachMacvlan(env *Env, w *world, c *container, parent string) error {
	if err := newSandbox(env, w, c); err != nil { // unshare + lo up
		return err
	}
	if err := createMacVlan(env, c, parent); err != nil { // RTM_NEWLINK kind macvlan
		return err
	}
	// RTM_SETLINK IFLA_NET_NS_FD, rename eth0, MAC, address, up, default route
	for _, call := range []func(*Env, *container) error{sandboxCreateInterface, sandboxConfigureInterface, sandboxInterfaceUp, programGateway} {
		if err := call(env, c); err != nil {
			return fmt.Errorf("%s: %w", c.ns.name, err)
		}
	}
	env.notef("%s: eth0 %s via %s", c.ns.name, c.addr, c.gateway)
	return nil
}

// checkHostCannotReach pings a macvlan container from the host itself,
// out of the parent interface: no reply may come back.
func checkHostCannotReach(env *Env, dst netip.Addr) error {
	host, err := labNetNS()
	if err != nil {
		return err
	}
	defer host.fd.Close()
	return checkNoPing(env, host, dst)
}
