package probe

// Event flags set by the probe (EVF_* in bpf/netexplore.h).
const (
	evfStack      = 0x01
	evfReadFault  = 0x02
	evfNewImage   = 0x04
	evfDurationUs = 0x10
	evfUnfollowed = 0x08
)

// syscallNames maps the probe's syscall IDs (enum syscall_id in
// bpf/netexplore.h) to names.
var syscallNames = [...]string{
	"", "ioctl", "socket", "bind", "connect", "sendto", "sendmsg", "recvfrom",
	"recvmsg", "setsockopt", "getsockopt", "openat", "write", "read", "execve",
	"dup", "mmap",
}

func syscallName(id uint16) string {
	if int(id) < len(syscallNames) {
		return syscallNames[id]
	}
	return "unknown"
}
