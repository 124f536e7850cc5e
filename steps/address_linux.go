package steps

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// setupBridgeIPv4 gives the bridge its IPv4 address (--bip), which becomes
// the containers' default gateway.
func setupBridgeIPv4(env *Env) error {
	want := ipNet(env.net.addr4)
	// RTM_GETADDR, NLM_F_DUMP, ifaddrmsg{AF_INET}: what is there already?
	addrs, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("listing addresses of %s: %w", env.Config.BridgeName, err)
	}
	current := selectIPv4Address(addrs, want)
	if current.IPNet == nil || current.IPNet.String() != want.String() {
		if current.IPNet != nil {
			// RTM_DELADDR for the stale address.
			if err := env.Handle.AddrDel(env.Bridge, &current); err != nil {
				return fmt.Errorf("removing %s from %s: %w", current.IPNet, env.Config.BridgeName, err)
			}
		}
		// RTM_NEWADDR, NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK,
		// ifaddrmsg{AF_INET, prefixlen 16, ifindex}, IFA_LOCAL=IFA_ADDRESS=172.17.0.1,
		// IFA_BROADCAST=172.17.255.255 (the library computes it).
		// The kernel then adds the subnet route and the local routes itself.
		if err := env.Handle.AddrAdd(env.Bridge, &netlink.Addr{IPNet: want}); err != nil {
			return fmt.Errorf("adding IPv4 address %s to %s: %w", want, env.Config.BridgeName, err)
		}
	}
	env.gatewayIPv4 = want.IP // the bridge is the gateway of a non-internal network
	return nil
}

// selectIPv4Address picks the address Docker compares with --bip: the one
// inside the wanted subnet, else the first one.
func selectIPv4Address(addrs []netlink.Addr, want *net.IPNet) netlink.Addr {
	for _, a := range addrs {
		if want.Contains(a.IP) {
			return a
		}
	}
	if len(addrs) > 0 {
		return addrs[0]
	}
	return netlink.Addr{}
}

// setupBridgeIPv6 enables IPv6 on the bridge and gives it the first address
// of --fixed-cidr-v6.
func setupBridgeIPv6(env *Env) error {
	path := "/proc/sys/net/ipv6/conf/" + env.Config.BridgeName + "/disable_ipv6"
	// openat + read: is IPv6 disabled on the bridge?
	v, err := readSysctl(path)
	if err != nil {
		return fmt.Errorf("cannot read IPv6 setup for bridge %s: %w", env.Config.BridgeName, err)
	}
	if v != '0' {
		// openat + write("0\n")
		if err := writeSysctl(path, '0'); err != nil {
			return fmt.Errorf("enabling IPv6 addresses on the bridge: %w", err)
		}
	}
	return programIPv6Addresses(env)
}

// programIPv6Addresses removes IPv6 addresses Docker did not ask for (it
// keeps link-local and multicast ones) and installs the bridge address.
func programIPv6Addresses(env *Env) error {
	want := env.net.addr6
	// RTM_GETADDR, NLM_F_DUMP, ifaddrmsg{AF_INET6}
	addrs, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V6)
	if err != nil {
		return fmt.Errorf("listing IPv6 addresses of %s: %w", env.Config.BridgeName, err)
	}
	ll := netip.MustParsePrefix("fe80::/64")
	for _, a := range addrs {
		ip, _ := netip.AddrFromSlice(a.IP)
		if ll.Contains(ip) || ip.IsMulticast() || ip == want.Addr() {
			continue
		}
		// RTM_DELADDR for a residual address.
		if err := env.Handle.AddrDel(env.Bridge, &a); err != nil {
			env.notef("failed to remove residual IPv6 address %s: %v (Docker only warns)", a.IPNet, err)
		}
	}
	// RTM_NEWADDR, NLM_F_CREATE|NLM_F_REPLACE|NLM_F_ACK,
	// ifaddrmsg{AF_INET6, prefixlen 64, flags IFA_F_NODAD}, IFA_LOCAL/IFA_ADDRESS,
	// IFA_FLAGS=IFA_F_NODAD: no duplicate address detection, usable at once.
	if err := env.Handle.AddrReplace(env.Bridge, &netlink.Addr{IPNet: ipNet(want), Flags: unix.IFA_F_NODAD}); err != nil {
		return fmt.Errorf("adding IPv6 address %s to %s: %w", want, env.Config.BridgeName, err)
	}
	env.gatewayIPv6 = want.Addr().AsSlice()
	return nil
}

// setupVerifyAndReconcileIPv4 checks that an existing bridge carries the
// wanted IPv4 address. It only reads.
func setupVerifyAndReconcileIPv4(env *Env) error {
	want := ipNet(env.net.addr4)
	// RTM_GETADDR, NLM_F_DUMP, ifaddrmsg{AF_INET}
	addrs, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("failed to verify ip addresses: %w", err)
	}
	current := selectIPv4Address(addrs, want)
	if current.IPNet == nil {
		return errors.New("bridge has no IPv4 address configured")
	}
	if !current.IP.Equal(want.IP) {
		return fmt.Errorf("bridge IPv4 (%s) does not match requested configuration %s", current.IP, want.IP)
	}
	return nil
}

// setupGatewayIPv4 records --default-gateway as the gateway containers will
// get. Nothing reaches the kernel.
func setupGatewayIPv4(env *Env) error {
	gw := env.net.gw4
	if !env.net.addr4.Masked().Contains(gw) {
		return fmt.Errorf("default gateway %s is not in the bridge subnet %s", gw, env.net.addr4.Masked())
	}
	env.gatewayIPv4 = gw.AsSlice()
	env.notef("containers will get default route via %s instead of %s", gw, env.net.addr4.Addr())
	return nil
}

// setupGatewayIPv6 records --default-gateway-v6. Nothing reaches the kernel.
func setupGatewayIPv6(env *Env) error {
	gw := env.net.gw6
	if !env.net.addr6.Masked().Contains(gw) {
		return fmt.Errorf("default gateway %s is not in the bridge subnet %s", gw, env.net.addr6.Masked())
	}
	env.gatewayIPv6 = gw.AsSlice()
	env.notef("containers will get IPv6 default route via %s instead of %s", gw, env.net.addr6.Addr())
	return nil
}

// ipNet converts an address with prefix length to the net.IPNet that
// vishvananda/netlink takes (the host address, not the masked one).
func ipNet(p netip.Prefix) *net.IPNet {
	bits := 32
	if p.Addr().Is6() {
		bits = 128
	}
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), bits)}
}
