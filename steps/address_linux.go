package steps

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// setupBridgeIPv4Step is always queued: the bridge's IPv4 address.
func (p planner) setupBridgeIPv4Step() Step {
	s := Step{
		ID:      "setupBridgeIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Give the bridge its IPv4 address",
		Mirrors: "libnetwork drivers/bridge setupBridgeIPv4 (setup_ipv4_linux.go)",
		Explanation: "The bridge gets the --bip address (172.17.0.1/16 by default); it becomes the default gateway of every container on the network. " +
			"Docker first dumps the bridge's IPv4 addresses (RTM_GETADDR with NLM_F_DUMP, served by inet_dump_ifaddr), removes a different one if " +
			"present (RTM_DELADDR), and adds its own with RTM_NEWADDR: ifaddrmsg{AF_INET, prefixlen, ifindex} with IFA_LOCAL and IFA_ADDRESS set to the " +
			"address and IFA_BROADCAST computed by the netlink library.\n\n" +
			"inet_rtm_newaddr -> __inet_insert_ifa stores the address and notifies the routing code (fib_add_ifaddr), which adds on its own the subnet " +
			"route \"172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1\" and local/broadcast routes in the local table. Nobody sent a " +
			"route request: watch the route appear in the state diff. The route is there even though docker0 is still down; it becomes usable when the link is up.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "inet_dump_ifaddr", "inet_rtm_newaddr", "__inet_insert_ifa", "fib_add_ifaddr"},
		code:           call(setupBridgeIPv4),
	}
	if p.cfg.v2010() {
		s.Mirrors = "libnetwork v20.10 drivers/bridge setupBridgeIPv4 -> bridgeInterface.addresses (setup_ipv4.go, interface.go)"
		s.Explanation = "Always queued in Docker 20.10 (IPv4-only networks did not exist yet). The bridge gets its address, " + p.mustAddr4().String() +
			", the gateway of every container on the network. bridgeInterface.addresses dumps the bridge's addresses of both families, " +
			"RTM_GETADDR with NLM_F_DUMP for AF_INET and then AF_INET6, even though only the IPv4 list is used here; Docker 29 dumps " +
			"IPv4 only. A different address would be removed (RTM_DELADDR), then RTM_NEWADDR adds the wanted one: ifaddrmsg{AF_INET, " +
			"prefixlen, ifindex}, IFA_LOCAL, IFA_ADDRESS and IFA_BROADCAST, exactly as in later releases. When the ioctl fallback created " +
			"the bridge, nobody knows its index yet: the netlink library " + p.fallbackVerb("looks", "would look") + " it up (RTM_GETLINK) right after the first dump, before " +
			"filtering the dump's answers by index.\n\n" +
			"inet_rtm_newaddr -> __inet_insert_ifa stores the address, and fib_add_ifaddr adds the subnet route \"" + p.mustAddr4().Masked().String() +
			" dev " + p.cfg.BridgeName + " proto kernel scope link\" by itself: watch it appear in the state diff."
		s.KernelHandlers = []string{"rtnetlink_rcv_msg", "inet_dump_ifaddr", "inet6_dump_ifaddr", "inet_rtm_newaddr", "__inet_insert_ifa", "fib_add_ifaddr"}
		s.code = call(setupBridgeIPv4_2010)
	}
	return s
}

// setupBridgeIPv4 gives the bridge its IPv4 address (--bip), which becomes
// the containers' default gateway.
func setupBridgeIPv4(env *Env) error {
	// RTM_GETADDR, NLM_F_DUMP, ifaddrmsg{AF_INET}: what is there already?
	addrs, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("listing addresses of %s: %w", env.Config.BridgeName, err)
	}
	return assignBridgeIPv4(env, addrs)
}

// setupBridgeIPv4_2010 is setupBridgeIPv4 of Docker 20.10, which lists the
// bridge's addresses of both families before it adds the IPv4 one.
func setupBridgeIPv4_2010(env *Env) error {
	// bridgeInterface.addresses: RTM_GETADDR dumps for AF_INET, then AF_INET6
	// (with an RTM_GETLINK in between if the bridge's index is not known).
	addrs, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("failed to retrieve V4 addresses: %w", err)
	}
	if _, err := env.Handle.AddrList(env.Bridge, netlink.FAMILY_V6); err != nil {
		return fmt.Errorf("failed to retrieve V6 addresses: %w", err)
	}
	return assignBridgeIPv4(env, addrs)
}

// assignBridgeIPv4 replaces whatever IPv4 address addrs holds by the wanted
// one, unless it is there already.
func assignBridgeIPv4(env *Env, addrs []netlink.Addr) error {
	want := ipNet(env.net.addr4)
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

// setupBridgeIPv6Step is queued with --ipv6.
func (p planner) setupBridgeIPv6Step() Step {
	s := Step{
		ID:      "setupBridgeIPv6",
		Phase:   PhaseCreateNetwork,
		Title:   "Enable IPv6 on the bridge and give it its IPv6 address",
		Mirrors: "libnetwork drivers/bridge setupBridgeIPv6 -> programIPv6Addresses (setup_ipv6_linux.go, interface_linux.go)",
		Explanation: "With --ipv6, Docker reads /proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/disable_ipv6 and writes \"0\" if IPv6 is off on the bridge " +
			"(addrconf_sysctl_disable). It then dumps the IPv6 addresses, deletes any that are neither link-local (fe80::/64) nor multicast nor the wanted " +
			"one, and installs the first address of --fixed-cidr-v6 with AddrReplace: RTM_NEWADDR with NLM_F_CREATE|NLM_F_REPLACE and the flag " +
			"IFA_F_NODAD, so the address is usable at once instead of waiting for duplicate address detection.\n\n" +
			"inet6_rtm_newaddr -> inet6_addr_add stores it and adds the subnet route (e.g. fd00::/64 dev docker0 proto kernel). Docker 20.10 also " +
			"added fe80::1/64 to the bridge and an explicit route; the newest release relies on the kernel's own link-local address.",
		KernelHandlers: []string{"proc_sys_write", "addrconf_sysctl_disable", "inet6_dump_ifaddr", "inet6_rtm_newaddr", "inet6_addr_add"},
		code:           call(setupBridgeIPv6),
	}
	return skipIf(s, !p.cfg.EnableIPv6, "config.EnableIPv6 is false (no --ipv6)")
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

// setupVerifyAndReconcileIPv4Step is queued for a bridge that existed before
// createNetwork.
func (p planner) setupVerifyAndReconcileIPv4Step() Step {
	s := Step{
		ID:      "setupVerifyAndReconcileIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Check an existing bridge's IPv4 address",
		Mirrors: "libnetwork drivers/bridge setupVerifyAndReconcileIPv4 (setup_verify_linux.go)",
		Explanation: "For a bridge that existed before dockerd started (a restart, or --bridge pointing at your own bridge), Docker dumps its IPv4 " +
			"addresses (RTM_GETADDR) and fails if none is there or it differs from the configured one. It only reads. Docker 20.10 called it " +
			"setupVerifyAndReconcile and also checked IPv6 (fe80::1) and deleted stray IPv6 addresses.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "inet_dump_ifaddr"},
		code:           call(setupVerifyAndReconcileIPv4),
	}
	if p.cfg.v2010() {
		s.ID, s.Mirrors = "setupVerifyAndReconcile", "libnetwork v20.10 drivers/bridge setupVerifyAndReconcile (setup_verify.go)"
	}
	return skipIf(s, !bridgeAlreadyExists, "bridgeAlreadyExists is false: the lab namespace is new, so "+p.cfg.BridgeName+" did not exist before createNetwork")
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

// setupGatewayIPv4Step is queued with --default-gateway.
func (p planner) setupGatewayIPv4Step() Step {
	s := Step{
		ID:      "setupGatewayIPv4",
		Phase:   PhaseCreateNetwork,
		Title:   "Record the --default-gateway for containers",
		Mirrors: "libnetwork drivers/bridge setupGatewayIPv4 (setup_ipv4_linux.go)",
		Explanation: "Checks that --default-gateway lies inside the bridge subnet and remembers it; Join later hands it to each container as the " +
			"gateway of its default route instead of the bridge address. It asks nothing of the kernel: all of its work is in dockerd's memory.",
		code: call(setupGatewayIPv4),
	}
	return skipIf(s, p.cfg.DefaultGatewayIPv4 == "", "config.DefaultGatewayIPv4 is nil (no --default-gateway)")
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

// setupGatewayIPv6Step is queued with --default-gateway-v6.
func (p planner) setupGatewayIPv6Step() Step {
	s := Step{
		ID:          "setupGatewayIPv6",
		Phase:       PhaseCreateNetwork,
		Title:       "Record the --default-gateway-v6 for containers",
		Mirrors:     "libnetwork drivers/bridge setupGatewayIPv6 (setup_ipv6_linux.go)",
		Explanation: "The IPv6 version of setupGatewayIPv4: a check and a stored value, no kernel traffic.",
		code:        call(setupGatewayIPv6),
	}
	return skipIf(s, p.cfg.DefaultGatewayIPv6 == "", "config.DefaultGatewayIPv6 is nil (no --default-gateway-v6)")
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
