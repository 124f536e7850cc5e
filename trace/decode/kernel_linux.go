package decode

import (
	"sync"

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
