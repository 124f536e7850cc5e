package steps

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// setupDeviceStep is the first step createNetwork queues for a bridge that
// does not exist yet.
func (p planner) setupDeviceStep() Step {
	s := Step{
		ID:      "setupDevice",
		Phase:   PhaseCreateNetwork,
		Title:   "Create the bridge device " + p.cfg.BridgeName,
		Mirrors: "libnetwork drivers/bridge setupDevice (setup_device_linux.go)",
		Explanation: "createNetwork queues setupDevice because no interface called " + p.cfg.BridgeName + " exists yet (Docker's newInterface looked it " +
			"up by name when the driver set the network up, before this step; in a fresh namespace there is none). Docker builds a netlink.Bridge with the name and a random, locally administered MAC address (first byte has bit 1 set and bit 0 " +
			"clear) and sends one RTM_NEWLINK request with NLM_F_CREATE|NLM_F_EXCL: IFLA_IFNAME, IFLA_TXQLEN=0, IFLA_ADDRESS and IFLA_LINKINFO " +
			"{IFLA_INFO_KIND \"bridge\", empty IFLA_INFO_DATA}. The kernel routes it rtnetlink_rcv_msg -> rtnl_newlink, finds the \"bridge\" " +
			"rtnl_link_ops, and rtnl_newlink_create allocates the net_device (rtnl_create_link) and calls br_dev_newlink, which registers it. The ACK comes back, and the netlink library " +
			"immediately sends RTM_GETLINK for the name to learn the new interface index.\n\n" +
			"Docker sets the MAC itself so the bridge's address does not change as ports come and go (a bridge otherwise takes the lowest MAC of its ports). " +
			"Docker <= 28 used 02:42 followed by four random bytes; Docker 29 randomises everything but those two bits. The new link is DOWN, has no address and MTU 1500.",
		KernelHandlers: []string{"rtnetlink_rcv_msg", "rtnl_newlink", "rtnl_newlink_create", "rtnl_create_link", "br_dev_newlink", "register_netdevice", "rtnl_getlink"},
		code:           call(setupDevice),
	}
	if p.cfg.DeviceAPI == DeviceAPIIoctl {
		s = p.setupDeviceIoctlStep(s)
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

// setupDeviceIoctlStep is setupDevice with --device-api ioctl: the legacy
// path of Docker <= 23.
func (p planner) setupDeviceIoctlStep(s Step) Step {
	s.Title = "Create the bridge device " + p.cfg.BridgeName + " with ioctl (Docker <= 23)"
	s.Mirrors = "libnetwork drivers/bridge setupDevice fallback ioctlCreateBridge + ioctlSetMacAddress (netlink_deprecated_linux.go, removed in v24)"
	s.Explanation = "Up to Docker 23, setupDevice tried netlink first and, if LinkAdd failed (very old kernels), fell back to the ioctl interface " +
		"of the bridge module: the path the seed note traces from queueStep(setupDevice) down to syscall.Syscall(SYS_IOCTL). It opens a throwaway " +
		"socket (any socket is a valid ioctl target; Docker tried AF_INET, AF_PACKET, AF_INET6 datagram sockets) and issues " +
		"ioctl(fd, SIOCBRADDBR=0x89a0, \"" + p.cfg.BridgeName + "\"): the argument is a bare NUL-terminated name, not a struct ifreq. The kernel goes " +
		"sock_ioctl -> br_ioctl_call -> br_ioctl_stub, checks CAP_NET_ADMIN in the namespace's user namespace, copies IFNAMSIZ bytes and calls " +
		"br_add_bridge, which allocates and registers the device.\n\n" +
		"A second ioctl sets the random MAC: SIOCSIFHWADDR=0x8924 with a struct ifreq {ifr_name \"" + p.cfg.BridgeName + "\", ifr_hwaddr " +
		"{sa_family ARPHRD_ETHER=1, sa_data = 6 MAC bytes}}, with the 02:42:xx:xx:xx:xx address Docker generated in those versions; the kernel's dev_ifsioc -> dev_set_mac_address_user checks that sa_family matches " +
		"dev->type and calls the bridge's ndo_set_mac_address. Two syscalls on a socket instead of one netlink message; Docker removed this path " +
		"in v24 (PR #44684). The later steps still use netlink, so RTM_GETLINK follows to learn the index."
	s.KernelHandlers = []string{"sock_ioctl", "br_ioctl_call", "br_ioctl_stub", "br_add_bridge", "dev_ioctl", "dev_ifsioc", "dev_set_mac_address_user", "br_set_mac_address", "rtnl_getlink"}
	s.code = call(setupDeviceIoctl)
	return s
}

// setupDeviceIoctl creates the bridge the way Docker <= 23 fell back to when
// netlink failed (ioctlCreateBridge, the path the seed note traces): two
// socket ioctls instead of one netlink message.
func setupDeviceIoctl(env *Env) error {
	name := env.Config.BridgeName
	mac := legacyRandomMAC()
	// SIOCBRADDBR takes a bare NUL-terminated name (a char *), not an ifreq.
	cname, err := unix.BytePtrFromString(name)
	if err != nil {
		return err
	}
	if err := socketIoctl(unix.SIOCBRADDBR, unsafe.Pointer(cname)); err != nil {
		return fmt.Errorf("ioctl(SIOCBRADDBR, %q): %w", name, err)
	}
	// SIOCSIFHWADDR takes a struct ifreq: ifr_name, then ifr_hwaddr as a
	// struct sockaddr {sa_family ARPHRD_ETHER, sa_data MAC}.
	ifr := newIfreqHwaddr(name, mac)
	if err := socketIoctl(unix.SIOCSIFHWADDR, unsafe.Pointer(&ifr)); err != nil {
		return fmt.Errorf("ioctl(SIOCSIFHWADDR, %s): %w", mac, err)
	}
	env.notef("bridge MAC %s set with SIOCSIFHWADDR", mac)
	// The later steps address the bridge by index: RTM_GETLINK docker0.
	link, err := env.Handle.LinkByName(name)
	if err != nil {
		return fmt.Errorf("looking up %s after SIOCBRADDBR: %w", name, err)
	}
	env.Bridge = link
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

// socketIoctl opens an AF_INET datagram socket (any socket will do as the
// ioctl target; Docker's getIfSocket tried AF_INET, then AF_PACKET, then
// AF_INET6), issues one ioctl on it and closes it.
func socketIoctl(req uintptr, arg unsafe.Pointer) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return fmt.Errorf("socket(AF_INET, SOCK_DGRAM): %w", err)
	}
	defer unix.Close(fd)
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}
