package decode

import (
	"strconv"
	"sync"

	"github.com/netexplore/netexplore/internal/netns"

	"github.com/netexplore/netexplore/trace/decode/netlink"

	"golang.org/x/sys/unix"
)

// KernelFamilies returns a lookup of generic netlink family ids that asks
// the running kernel, once, for all its families (a CTRL_CMD_GETFAMILY
// dump), for ids the trace did not reveal: set it as
// [netlink.Names].AskFamily. Family ids are global, not per network
// namespace. It is the one part of package decode that talks to the
// kernel; when the kernel cannot be asked it names nothing.
func KernelFamilies() func(id uint16) (string, bool) {
	var (
		once  sync.Once
		names netlink.Names
	)
	return func(id uint16) (string, bool) {
		once.Do(func() { names.Learn(dumpFamilies()) })
		return names.FamilyName(id)
	}
}

// dumpFamilies asks nlctrl for every family and decodes the replies.
func dumpFamilies() []netlink.Message {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil
	}
	// nlmsghdr + genlmsghdr{cmd: CTRL_CMD_GETFAMILY, version: 1}.
	req := []byte{20, 0, 0, 0, unix.GENL_ID_CTRL, 0, (unix.NLM_F_REQUEST | unix.NLM_F_DUMP) & 0xff, (unix.NLM_F_REQUEST | unix.NLM_F_DUMP) >> 8, 1, 0, 0, 0, 0, 0, 0, 0, unix.CTRL_CMD_GETFAMILY, 1, 0, 0}
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil
	}
	var out []netlink.Message
	buf := make([]byte, 1<<16)
	for range 64 {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil || n <= 0 {
			break
		}
		msgs := netlink.Decode(unix.NETLINK_GENERIC, buf[:n])
		out = append(out, msgs...)
		for _, m := range msgs {
			if m.IsDone() || m.IsError {
				return out
			}
		}
	}
	return out
}

// KernelIfnames names interfaces by asking the kernel, in the network
// namespace a traced process acts in, at the moment of asking (an
// interface deleted since is not found). It keeps one socket per
// namespace, created from inside it (a socket answers for the namespace it
// was made in, whichever thread uses it), and is not safe for concurrent
// use. Close releases the sockets.
type KernelIfnames struct {
	socks  map[uint32]int    // network namespace inode -> socket
	failed map[uint32]uint32 // network namespace inode -> the pid that could not enter it
}

// NewKernelIfnames returns an empty lookup.
func NewKernelIfnames() *KernelIfnames {
	return &KernelIfnames{socks: map[uint32]int{}, failed: map[uint32]uint32{}}
}

// Ifname names interface index in the network namespace with inode ns,
// entered through /proc/pid/ns/net when pid is still in it.
func (k *KernelIfnames) Ifname(pid, ns uint32, index int32) (string, bool) {
	fd, ok := k.socks[ns]
	if !ok {
		if k.failed[ns] == pid {
			return "", false // tried already through this process
		}
		if fd = socketIn(pid, ns); fd < 0 {
			k.failed[ns] = pid
			return "", false
		}
		k.socks[ns] = fd
	}
	ifr, err := unix.NewIfreq("")
	if err != nil {
		return "", false
	}
	ifr.SetUint32(uint32(index))
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFNAME, ifr); err != nil {
		return "", false
	}
	return ifr.Name(), true
}

// Close closes the sockets.
func (k *KernelIfnames) Close() {
	for ns, fd := range k.socks {
		unix.Close(fd)
		delete(k.socks, ns)
	}
}

// socketIn returns a socket in the network namespace ns: netexplore's own
// when it is ns, else made inside pid's namespace if that is still ns; -1
// when neither.
func socketIn(pid, ns uint32) int {
	fd := -1
	open := func() error {
		s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err == nil {
			fd = s
		}
		return err
	}
	if own, err := netns.Inode(0); err == nil && uint32(own) == ns {
		open()
		return fd
	}
	h, err := unix.Open("/proc/"+strconv.FormatUint(uint64(pid), 10)+"/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	defer unix.Close(h)
	var st unix.Stat_t
	if unix.Fstat(h, &st) != nil || uint32(st.Ino) != ns {
		return -1 // the process left the namespace, or its PID was reused
	}
	netns.Do(netns.Handle(h), open)
	return fd
}
