package steps

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// newInterfaceStep is what happens before createNetwork queues any step:
// the daemon, IPAM and the bridge driver look for the bridge and for a free
// subnet.
func (p planner) newInterfaceStep() Step {
	br := p.cfg.BridgeName
	s := Step{
		ID:    "newInterface",
		Phase: PhaseCreateNetwork,
		Title: "Look for " + br + " and for routes that would clash with its subnet",
		Mirrors: "moby daemon initBridgeDriver -> getDefaultBridgeIPAMConf -> selectBIP (daemon/daemon_unix.go); libnetwork " +
			"ipamAllocateVersion -> netutils.InferReservedNetworks (network.go, netutils/utils_linux.go); drivers/bridge " +
			"parseNetworkOptions -> bridgeInterfaceExists (setup_verify_linux.go), createNetwork -> newInterface (interface_linux.go)",
		Explanation: "Before the bridge driver queues a single step, three parts of Docker ask the kernel about " + br + ". The daemon " +
			"(initBridgeDriver -> selectBIP) looks for the bridge to reuse an address it already has: RTM_GETLINK " + br + ", answered " +
			"with ENODEV in a fresh namespace. (With an explicit --bip dockerd skips this lookup; netexplore takes its default --bip as " +
			"\"not given\".) Then the controller allocates the network's address pool: IPAM must not hand out a subnet that is already " +
			"on a link of this host, so netutils.InferReservedNetworks dumps the IPv4 routing table (RTM_GETROUTE with NLM_F_DUMP, served " +
			"by inet_dump_fib) and reserves every on-link route's prefix, besides the nameservers of /etc/resolv.conf. Only then does the " +
			"driver's CreateNetwork run: parseNetworkOptions asks bridgeInterfaceExists (RTM_GETLINK " + br + ", ENODEV: the bridge will " +
			"be \"created by libnetwork\", so deleting the network deletes it) and createNetwork starts with newInterface, one more " +
			"RTM_GETLINK " + br + ": ENODEV again, so bridgeAlreadyExists is false and setupDevice is queued.\n\n" +
			"Four lookups for one answer: each part of the code asks for itself. rtnl_getlink finds no device of that name in this " +
			"namespace and returns -ENODEV in an NLMSG_ERROR, which the netlink library turns into LinkNotFoundError.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_getlink", "inet_dump_fib"},
		code:           call1(newInterface, p.cfg.DefaultBridge && p.cfg.BIP == DefaultConfig().BIP),
	}
	if p.cfg.v2010() {
		s.Mirrors = "moby daemon initBridgeDriver -> netutils.ElectInterfaceAddresses -> FindAvailableNetwork -> CheckRouteOverlaps " +
			"(daemon/daemon_unix.go, libnetwork netutils/utils_linux.go); libnetwork drivers/bridge parseNetworkOptions -> " +
			"bridgeInterfaceExists (setup_verify.go), createNetwork -> newInterface (interface.go)"
		s.Explanation = "Before the bridge driver queues a single step, three parts of Docker 20.10 ask the kernel about " + br + ". For " +
			"the default bridge the daemon's initBridgeDriver calls netutils.ElectInterfaceAddresses, always (even with --bip): " +
			"RTM_GETLINK " + br + " to reuse the addresses of an existing bridge, answered with ENODEV, and then, as the bridge has " +
			"no address, FindAvailableNetwork picks the first of the predefined pools (172.17.0.0/16 first) that no on-link route " +
			"overlaps: CheckRouteOverlaps dumps the IPv4 routes (RTM_GETROUTE, NLM_F_DUMP). For a user-defined network the controller's " +
			"IPAM does the same overlap check on the pool it was given (network.go ipamAllocateVersion -> FindAvailableNetwork), so " +
			"there the route dump comes first. Then the driver's CreateNetwork: parseNetworkOptions -> bridgeInterfaceExists " +
			"(RTM_GETLINK, ENODEV: the bridge will be \"created by libnetwork\") and createNetwork -> newInterface (RTM_GETLINK once " +
			"more, ENODEV: bridgeAlreadyExists is false).\n\n" +
			"Docker 29 asks the same questions in the same order; only the daemon's lookup is skipped there when --bip is given."
		s.code = call1(newInterface, p.cfg.DefaultBridge)
	}
	return s
}

// newInterface is everything Docker asks the kernel before createNetwork
// queues its steps: does the bridge exist, and which subnets are taken?
// daemonLookup is the daemon's own look for an existing default bridge.
func newInterface(env *Env, daemonLookup bool) error {
	br := env.Config.BridgeName
	if daemonLookup {
		// RTM_GETLINK br: an existing bridge's address would be reused.
		if _, err := env.Handle.LinkByName(br); err == nil {
			return fmt.Errorf("bridge %s already exists", br)
		}
	}
	// RTM_GETROUTE NLM_F_DUMP, AF_INET: on-link subnets IPAM must not use.
	routes, err := env.Handle.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("listing routes: %w", err)
	}
	var onLink []string
	for _, r := range routes {
		if r.Scope == netlink.SCOPE_LINK && r.Dst != nil {
			onLink = append(onLink, r.Dst.String())
		}
	}
	env.notef("on-link routes IPAM avoids: %v; the network gets %s", onLink, env.net.addr4.Masked())
	// bridgeInterfaceExists, then newInterface: RTM_GETLINK br twice, ENODEV.
	for range 2 {
		if _, err := env.Handle.LinkByName(br); !errors.As(err, new(netlink.LinkNotFoundError)) {
			return fmt.Errorf("looking up %s: want ENODEV, got %v", br, err)
		}
	}
	env.notef("newInterface: %s not found: bridgeAlreadyExists = false", br)
	return nil
}

// setupDeviceStep is the first step createNetwork queues for a bridge that
// does not exist yet.
func (p planner) setupDeviceStep() Step {
	s := Step{
		ID:      "setupDevice",
		Phase:   PhaseCreateNetwork,
		Title:   "Create the bridge device " + p.cfg.BridgeName,
		Mirrors: "libnetwork drivers/bridge setupDevice (setup_device_linux.go)",
		Explanation: "newInterface found no " + p.cfg.BridgeName + ", so createNetwork queued setupDevice first. " +
			"Docker builds a netlink.Bridge with the name and a random, locally administered MAC address (first byte has bit 1 set and bit 0 " +
			"clear) and sends one RTM_NEWLINK request with NLM_F_CREATE|NLM_F_EXCL: IFLA_IFNAME, IFLA_TXQLEN=0, IFLA_ADDRESS and IFLA_LINKINFO " +
			"{IFLA_INFO_KIND \"bridge\", empty IFLA_INFO_DATA}. The kernel routes it rtnetlink_rcv_msg -> rtnl_newlink, finds the \"bridge\" " +
			"rtnl_link_ops, and rtnl_newlink_create allocates the net_device (rtnl_create_link) and calls br_dev_newlink, which registers it. The ACK comes back, and the netlink library " +
			"immediately sends RTM_GETLINK for the name to learn the new interface index.\n\n" +
			"Docker sets the MAC itself so the bridge's address does not change as ports come and go (a bridge otherwise takes the lowest MAC of its ports). " +
			"Docker <= 28 used 02:42 followed by four random bytes; Docker 29 randomises everything but those two bits. The new link is DOWN, has no address and MTU 1500. " +
			"Up to Docker 23, a failed RTM_NEWLINK fell back to ioctl(SIOCBRADDBR) (--docker-version 20.10 --device-api ioctl shows it).",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_newlink", "rtnl_newlink_create", "rtnl_create_link", "br_dev_newlink", "register_netdevice", "rtnl_getlink"},
		code:           call(setupDevice),
	}
	if p.cfg.v2010() {
		s = p.setupDevice2010Step(s)
	}
	return skipIf(s, bridgeAlreadyExists, "bridgeAlreadyExists: the bridge was found by newInterface")
}

// setupDevice creates the bridge the way Docker >= 24 does: one netlink
// request with a random locally administered MAC address.
func setupDevice(env *Env) error {
	bridge := &netlink.Bridge{
		LinkAttrs: netlink.LinkAttrs{
			Name:         env.Config.BridgeName, // IFLA_IFNAME "docker0"
			HardwareAddr: randomMAC(),           // IFLA_ADDRESS, 6 bytes
			// TxQLen stays 0, as in Docker's literal: IFLA_TXQLEN=0.
		},
	}
	env.notef("bridge MAC %s (random, locally administered)", bridge.HardwareAddr)
	// RTM_NEWLINK, NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK, ifinfomsg{AF_UNSPEC},
	// IFLA_LINKINFO{IFLA_INFO_KIND "bridge", IFLA_INFO_DATA{}} -> ACK.
	// Then the library looks the new link up: RTM_GETLINK docker0.
	if err := env.Handle.LinkAdd(bridge); err != nil {
		return fmt.Errorf("creating bridge %s via netlink: %w", env.Config.BridgeName, err)
	}
	env.Bridge = bridge
	return nil
}

// fallbackVerb returns does when the lab takes Docker 20.10's ioctl
// fallback (--device-api ioctl), else would: the explanation tells what
// the fallback does as a fact only when the step takes it.
func (p planner) fallbackVerb(does, would string) string {
	if p.cfg.DeviceAPI == DeviceAPIIoctl {
		return does
	}
	return would
}

// setupDevice2010Step is setupDevice as Docker 20.10 wrote it: netlink
// first, the ioctl interface when netlink fails.
func (p planner) setupDevice2010Step(s Step) Step {
	s.Mirrors = "libnetwork v20.10 drivers/bridge setupDevice (setup_device.go), fallback ioctlCreateBridge + ioctlSetMacAddress (netlink_deprecated_linux.go, removed in v24)"
	s.Explanation = "newInterface found no " + p.cfg.BridgeName + ", so createNetwork queued setupDevice first. Docker 20.10 builds a netlink.Bridge " +
		"with the name and a MAC address of its own, 02:42 followed by four random bytes (netutils.GenerateRandomMAC of that release), and " +
		"sends the same RTM_NEWLINK as every later release: NLM_F_CREATE|NLM_F_EXCL, IFLA_IFNAME, IFLA_TXQLEN=0, IFLA_ADDRESS, " +
		"IFLA_LINKINFO{IFLA_INFO_KIND \"bridge\", empty IFLA_INFO_DATA}; rtnl_newlink -> br_dev_newlink registers the device, and the " +
		"library's RTM_GETLINK learns its index. There is no setupMTU in this release: the bridge keeps the kernel's 1500.\n\n" +
		"Only when RTM_NEWLINK failed (kernels older than 3.x without the bridge's rtnl_link_ops) did setupDevice fall back to the " +
		"ioctl interface of the bridge module, the path the seed note traces down to syscall.Syscall(SYS_IOCTL): a datagram socket " +
		"(getIfSocket tries AF_INET, AF_PACKET, AF_INET6) as the ioctl target and ioctl(fd, SIOCBRADDBR=0x89a0, \"" + p.cfg.BridgeName +
		"\") with a bare NUL-terminated name, not a struct ifreq (sock_ioctl -> br_ioctl_call -> br_ioctl_stub -> br_add_bridge). " +
		"Then ioctlSetMacAddress " + p.fallbackVerb("opens", "would open") + " a second socket (the first is still open, its close deferred) for SIOCSIFHWADDR=0x8924 with a " +
		"struct ifreq {ifr_name, ifr_hwaddr {sa_family ARPHRD_ETHER=1, sa_data = the MAC}} (dev_ifsioc -> dev_set_mac_address_user). " +
		"Nothing looks the new bridge up afterwards: its index is learnt lazily, by the RTM_GETLINK that setupBridgeIPv4's first " +
		"address dump triggers. A kernel with netlink never goes this way, so --device-api ioctl makes the lab skip the RTM_NEWLINK " +
		"attempt (and says so in a note) to show the fallback. Docker removed it in v24 (PR #44684)."
	s.KernelHandlers = []string{"rtnetlink_rcv_msg", "rtnl_newlink", "br_dev_newlink", "rtnl_getlink", "sock_ioctl", "br_ioctl_call", "br_ioctl_stub",
		"br_add_bridge", "dev_ioctl", "dev_ifsioc", "dev_set_mac_address_user", "br_set_mac_address"}
	if p.cfg.DeviceAPI == DeviceAPIIoctl {
		s.Title = "Create the bridge device " + p.cfg.BridgeName + " with the ioctl fallback"
	}
	s.code = call(setupDevice2010)
	return s
}

// setupDevice2010 creates the bridge the way Docker 20.10 does: RTM_NEWLINK,
// and if that fails the bridge module's ioctls (ioctlCreateBridge). With
// --device-api ioctl the netlink attempt is skipped, as if it had failed.
func setupDevice2010(env *Env) error {
	name, mac := env.Config.BridgeName, legacyRandomMAC()
	bridge := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, HardwareAddr: mac}}
	var err error
	if env.Config.DeviceAPI == DeviceAPIIoctl {
		err = errors.New("--device-api ioctl: the RTM_NEWLINK attempt is skipped")
	} else {
		// RTM_NEWLINK ... IFLA_ADDRESS=02:42:xx:xx:xx:xx, then RTM_GETLINK.
		err = env.Handle.LinkAdd(bridge)
	}
	if err == nil {
		env.notef("bridge MAC %s (02:42 + 4 random bytes)", mac)
		env.Bridge = bridge
		return nil
	}
	env.notef("failed to create bridge %s via netlink (%v): trying ioctl", name, err)
	if err := ioctlCreateBridge(name, mac); err != nil {
		return err
	}
	env.notef("bridge MAC %s set with SIOCSIFHWADDR", mac)
	// The index stays unknown (0): the next netlink call that needs it
	// sends RTM_GETLINK docker0 first.
	env.Bridge = &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name}}
	return nil
}

// ioctlCreateBridge is Docker <= 23's ioctl bridge creation: SIOCBRADDBR on
// one socket, then SIOCSIFHWADDR on a second one while the first is still
// open.
func ioctlCreateBridge(name string, mac net.HardwareAddr) error {
	fd, err := getIfSocket()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// SIOCBRADDBR takes a bare NUL-terminated name (a char *), not an ifreq.
	cname, err := unix.BytePtrFromString(name)
	if err != nil {
		return err
	}
	if err := ioctl(fd, unix.SIOCBRADDBR, unsafe.Pointer(cname)); err != nil {
		return fmt.Errorf("ioctl(SIOCBRADDBR, %q): %w", name, err)
	}
	return ioctlSetMacAddress(name, mac)
}

// ioctlSetMacAddress sets a device's MAC with SIOCSIFHWADDR on a socket of
// its own.
func ioctlSetMacAddress(name string, mac net.HardwareAddr) error {
	fd, err := getIfSocket()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// struct ifreq: ifr_name, then ifr_hwaddr {sa_family ARPHRD_ETHER, sa_data MAC}.
	ifr := newIfreqHwaddr(name, mac)
	if err := ioctl(fd, unix.SIOCSIFHWADDR, unsafe.Pointer(&ifr)); err != nil {
		return fmt.Errorf("ioctl(SIOCSIFHWADDR, %s): %w", mac, err)
	}
	return nil
}

// setupDefaultSysctlStep is queued for a new bridge and, second, once more
// for the default bridge.
func (p planner) setupDefaultSysctlStep(second bool) Step {
	s := Step{
		ID:      "setupDefaultSysctl",
		Phase:   PhaseCreateNetwork,
		Title:   "Stop the bridge accepting IPv6 router advertisements",
		Mirrors: "libnetwork drivers/bridge setupDefaultSysctl (setup_device_linux.go)",
		Explanation: "Docker writes \"0\\n\" to /proc/sys/net/ipv6/conf/" + p.cfg.BridgeName + "/accept_ra: an IPv6 router advertisement that " +
			"arrives on the bridge (from a container, say) must not be able to give the host a default route or addresses. The file only exists " +
			"because creating the device registered its per-interface IPv6 sysctls; if the kernel has no IPv6, Docker just logs and moves on.\n\n" +
			"This is a plain file write: os.WriteFile does openat(O_WRONLY|O_CREAT|O_TRUNC), write(\"0\\n\"), close. The kernel's proc_sys_write " +
			"finds the ctl_table entry of this network namespace's docker0 and its handler (proc_dointvec) parses the digits. Every sysctl under " +
			"/proc/sys/net is per network namespace, which is why the lab can write it without touching the host.",
		KernelHandlers: []string{"proc_sys_write", "proc_sys_call_handler", "proc_dointvec"},
		code:           call(setupDefaultSysctl),
	}
	if !second {
		return skipIf(s, bridgeAlreadyExists, "bridgeAlreadyExists: only a newly created bridge gets this step here")
	}
	s.Title = "Stop the bridge accepting router advertisements (again, for the default bridge)"
	s.Explanation = "createNetwork queues setupDefaultSysctl a second time when config.DefaultBridge is set, so that a docker0 that already " +
		"existed also gets accept_ra=0. For a docker0 Docker has just created, the step runs twice and the second write changes nothing: " +
		"it is shown because that is what Docker really does.\n\n" + s.Explanation
	return skipIf(s, !p.cfg.DefaultBridge, "config.DefaultBridge is false (a user-defined network)")
}

// setupDefaultSysctl turns off IPv6 router advertisements on the bridge, so
// that a stray RA on the bridge cannot give the host a default route.
func setupDefaultSysctl(env *Env) error {
	path := "/proc/sys/net/ipv6/conf/" + env.Config.BridgeName + "/accept_ra"
	if _, err := os.Stat(path); err != nil {
		// Docker only logs this: the kernel has no IPv6.
		env.notef("%s does not exist (no IPv6 in this kernel): nothing to do", path)
		return nil
	}
	// openat(O_WRONLY|O_CREAT|O_TRUNC) + write("0\n") + close
	if err := writeSysctl(path, '0'); err != nil {
		env.notef("unable to disable IPv6 router advertisement: %v (Docker only warns)", err)
	}
	return nil
}

// setupMTUStep is queued when the network has an MTU.
func (p planner) setupMTUStep() Step {
	s := Step{
		ID:      "setupMTU",
		Phase:   PhaseCreateNetwork,
		Title:   "Set the bridge MTU",
		Mirrors: "libnetwork drivers/bridge setupMTU (setup_device_linux.go)",
		Explanation: "Queued when config.Mtu > 0. For docker0, dockerd passes --mtu, which defaults to 1500, so the step always runs; a user-defined " +
			"network only gets it with the com.docker.network.driver.mtu option. Docker calls it cosmetic: a bridge's MTU follows the smallest MTU " +
			"of its ports, and each container's veth gets the MTU too, but until a container is attached the bridge would show a misleading value.\n\n" +
			"LinkSetMTU sends RTM_SETLINK with ifinfomsg{ifi_index} and IFLA_MTU as a 32-bit value. The kernel runs rtnl_setlink -> do_setlink -> " +
			"dev_set_mtu_ext, which calls the bridge's ndo_change_mtu (br_change_mtu). Setting 1500 on a new bridge that already has 1500 changes nothing visible.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_setlink", "do_setlink", "dev_set_mtu_ext", "br_change_mtu"},
		code:           call(setupMTU),
	}
	return skipIf(s, !p.cfg.DefaultBridge && p.cfg.MTU == 0, "config.Mtu is 0: a user-defined network without com.docker.network.driver.mtu keeps the kernel's MTU")
}

// setupMTU sets the bridge MTU. Docker calls this cosmetic: a bridge's MTU
// follows its smallest port, but until a container is attached it shows
// this value.
func setupMTU(env *Env) error {
	// RTM_SETLINK ifinfomsg{ifi_index=docker0}, IFLA_MTU (u32) -> ACK
	if err := env.Handle.LinkSetMTU(env.Bridge, env.net.mtu); err != nil {
		return fmt.Errorf("setting MTU %d on %s: %w", env.net.mtu, env.Config.BridgeName, err)
	}
	return nil
}

// setupDeviceUpStep is the last step, always queued.
func (p planner) setupDeviceUpStep() Step {
	return Step{
		ID:      "setupDeviceUp",
		Phase:   PhaseCreateNetwork,
		Title:   "Bring the bridge up",
		Mirrors: "libnetwork drivers/bridge setupDeviceUp (setup_device_linux.go)",
		Explanation: "The last step, always queued: LinkSetUp sends RTM_NEWLINK (not SETLINK) with ifinfomsg{ifi_index, ifi_flags=IFF_UP, " +
			"ifi_change=IFF_UP}; rtnl_newlink finds the existing device, so rtnl_changelink -> do_setlink -> dev_change_flags -> __dev_open calls the bridge's " +
			"ndo_open (br_dev_open). Docker then re-reads the link (RTM_GETLINK) to refresh its flags.\n\n" +
			"The state diff shows the UP flag, but the operational state stays DOWN (NO-CARRIER): a bridge has carrier only when at least one port is " +
			"up, and no container is attached yet. IPv6 therefore does not assign the bridge a link-local address until the first container joins.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_newlink", "rtnl_changelink", "do_setlink", "dev_change_flags", "__dev_open", "br_dev_open", "rtnl_getlink"},
		code:           call(setupDeviceUp),
	}
}

// setupDeviceUp brings the bridge up, last of all the per-network steps.
func setupDeviceUp(env *Env) error {
	// RTM_NEWLINK ifinfomsg{ifi_index, ifi_flags=IFF_UP, ifi_change=IFF_UP} -> ACK
	if err := env.Handle.LinkSetUp(env.Bridge); err != nil {
		return fmt.Errorf("setting %s up: %w", env.Config.BridgeName, err)
	}
	// RTM_GETLINK docker0, to refresh the cached flags.
	link, err := env.Handle.LinkByName(env.Config.BridgeName)
	if err != nil {
		env.notef("failed to retrieve link %s: %v (Docker only warns)", env.Config.BridgeName, err)
		return nil
	}
	env.Bridge = link
	return nil
}

// randomMAC returns a random unicast, locally administered MAC address, as
// Docker's netutils.GenerateRandomMAC does.
func randomMAC() net.HardwareAddr {
	hw := make(net.HardwareAddr, 6)
	if _, err := rand.Read(hw); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err)) // crypto/rand never fails on Linux
	}
	hw[0] &^= 0x1 // unicast
	hw[0] |= 0x2  // locally administered
	return hw
}

// legacyRandomMAC returns 02:42 followed by four random bytes, the bridge
// MAC Docker <= 28 generated.
func legacyRandomMAC() net.HardwareAddr {
	hw := randomMAC()
	hw[0], hw[1] = 0x02, 0x42
	return hw
}

// ifreqHwaddr is struct ifreq holding ifr_hwaddr. Docker's own struct was 32
// bytes; this one has the kernel's full size (40 bytes on 64-bit), because
// dev_ioctl copies sizeof(struct ifreq) from the caller.
type ifreqHwaddr struct {
	Name  [ifNameSize]byte // ifr_name, NUL-terminated
	Union [24]byte         // ifr_hwaddr: sa_family (u16), sa_data[14], padding
}

// newIfreqHwaddr fills an ifreq for SIOCSIFHWADDR.
func newIfreqHwaddr(name string, mac net.HardwareAddr) ifreqHwaddr {
	var ifr ifreqHwaddr
	copy(ifr.Name[:ifNameSize-1], name)
	binary.NativeEndian.PutUint16(ifr.Union[0:2], unix.ARPHRD_ETHER) // must match dev->type
	copy(ifr.Union[2:8], mac)
	return ifr
}

// getIfSocket opens the datagram socket the bridge ioctls go through, as
// Docker's getIfSocket did (it tried AF_INET, then AF_PACKET, then
// AF_INET6; any socket is a valid target).
func getIfSocket() (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return -1, fmt.Errorf("socket(AF_INET, SOCK_DGRAM): %w", err)
	}
	return fd, nil
}

// ioctl issues one ioctl on fd.
func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}
