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
