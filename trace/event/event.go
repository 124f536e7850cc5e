package event

import "time"

// Kind tells what a captured [Event] records.
type Kind uint8

// Event kinds. The values are shared with the probe's event header
// (bpf/netexplore.h) and with recorded sessions; never renumber them.
const (
	KindUnknown    Kind = 0
	KindIoctl      Kind = 1  // ioctl(2) on a socket or /dev/net/tun
	KindSocket     Kind = 2  // socket(2)
	KindBind       Kind = 3  // bind(2)
	KindConnect    Kind = 4  // connect(2)
	KindSend       Kind = 5  // sendto(2) or sendmsg(2)
	KindRecv       Kind = 6  // recvfrom(2) or recvmsg(2)
	KindSetsockopt Kind = 7  // setsockopt(2)
	KindOpen       Kind = 8  // openat(2) of a /proc/sys path or /dev/net/tun
	KindWrite      Kind = 9  // write(2) to a /proc/sys file
	KindRead       Kind = 10 // read(2) from a /proc/sys file
	KindExec       Kind = 11 // execve(2): argv, captured at entry
	KindExecResult Kind = 12 // execve(2) return, captured at exit
	KindFork       Kind = 13 // a new task in the traced tree
	KindExit       Kind = 14 // a process of the traced tree exited
	KindGetsockopt Kind = 15 // getsockopt(2)
	KindMarker     Kind = 16 // a step boundary written by the runner
	KindMmap       Kind = 17 // an executable file mapping (for symbolization)
)

var kindNames = [...]string{
	KindUnknown: "unknown", KindIoctl: "ioctl", KindSocket: "socket", KindBind: "bind",
	KindConnect: "connect", KindSend: "send", KindRecv: "recv", KindSetsockopt: "setsockopt",
	KindOpen: "open", KindWrite: "write", KindRead: "read", KindExec: "exec",
	KindExecResult: "exec-result", KindFork: "fork", KindExit: "exit",
	KindGetsockopt: "getsockopt", KindMarker: "marker", KindMmap: "mmap",
}

// String returns the kind's short lowercase name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Event is one captured syscall or process-tree change, as recorded by the
// probe. It holds raw data only; decoding happens in [decode.Event].
type Event struct {
	// Seq numbers events in ring-buffer order, starting at 1.
	Seq uint64 `json:"seq"`
	// Time is the kernel monotonic time of the event.
	Time time.Duration `json:"time_ns"`
	// Kind says what the event records.
	Kind Kind `json:"kind"`
	// Syscall is the syscall's name ("sendmsg", "ioctl", ...), empty for
	// fork and exit.
	Syscall string `json:"syscall,omitempty"`
	// PID and TID are the process and thread IDs (as seen from the initial
	// PID namespace); PPID is the parent's PID for fork events.
	PID  uint32 `json:"pid"`
	TID  uint32 `json:"tid"`
	PPID uint32 `json:"ppid,omitempty"`
	// Comm is the task's command name at the time of the event.
	Comm string `json:"comm"`
	// NetNS is the inode number of the network namespace the call acts in:
	// for a call on a socket, the socket's own namespace (a socket opened
	// inside a container acts there whatever namespace the calling thread
	// is in now); otherwise the calling task's.
	NetNS uint32 `json:"netns,omitempty"`
	// Fd is the file descriptor the syscall used (or returned, for socket).
	Fd int32 `json:"fd"`
	// Ret is the syscall's return value; negative values are -errno.
	Ret int64 `json:"ret"`
	// Args holds the syscall arguments that matter for decoding: for
	// ioctl the request, the third argument when it is a value (not a
	// pointer to a struct the probe copied) and the fd's character device
	// (the kernel's dev_t, e.g. /dev/net/tun); for socket family,
	// type and protocol; for send and recv the flags; for setsockopt level
	// and option name. For a fork,
	// Args[1] is 1 when the child could not be followed (the probe's task
	// table was full).
	Args [4]uint64 `json:"args"`
	// SockFamily, SockType and SockProto describe the socket behind Fd, read
	// from the kernel's struct sock (so they are right for inherited and
	// unbound sockets too). SockIno identifies the socket.
	SockFamily uint16 `json:"sock_family,omitempty"`
	SockType   uint16 `json:"sock_type,omitempty"`
	SockProto  uint16 `json:"sock_proto,omitempty"`
	SockIno    uint64 `json:"sock_ino,omitempty"`
	// Path is the file path for open/read/write of /proc/sys files and the
	// program path for exec, and the mapped file of an mmap event.
	Path string `json:"path,omitempty"`
	// Mapping describes the executable file mapping an mmap event reports.
	Mapping *Mapping `json:"mapping,omitempty"`
	// Data is the payload: the netlink bytes sent or received, the ioctl
	// argument, the sockaddr, the option value, the bytes written, or argv
	// as NUL-separated strings.
	Data []byte `json:"data,omitempty"`
	// DataLen is the real payload length; it is larger than len(Data) when
	// the payload was truncated by the probe's copy limit.
	DataLen uint32 `json:"data_len,omitempty"`
	// ReadFault is set when the probe failed to copy some user memory, so
	// Data may be partial.
	ReadFault bool `json:"read_fault,omitempty"`
	// Duration is the time from the syscall's entry to its exit, when the
	// probe measured it (trace -T, -c); 0 when not measured. Events that
	// are not a syscall's exit (exec's argv, fork, exit, marker) have none.
	Duration time.Duration `json:"duration_ns,omitempty"`
	// Stack is the user-space call stack (innermost first) when captured.
	Stack []uint64 `json:"stack,omitempty"`
}

// Mapping is where a traced process has a file's code in memory, as the
// probe saw it mapped: at exec (the program and its dynamic loader) and at
// each mmap(2) of a file with PROT_EXEC. Stacks are resolved against these.
type Mapping struct {
	// Start and End delimit the mapping's addresses; Offset is the file
	// offset mapped at Start.
	Start  uint64 `json:"start"`
	End    uint64 `json:"end"`
	Offset uint64 `json:"offset"`
	// Inode and Dev (the kernel's dev_t: major<<20 | minor) identify the
	// file, so a file replaced since is not mistaken for it.
	Inode uint64 `json:"inode"`
	Dev   uint32 `json:"dev"`
	// NewImage marks the first mapping of a new program (exec): mappings
	// of the previous program are gone.
	NewImage bool `json:"new_image,omitempty"`
}

// Truncated reports whether the probe copied less than the real payload.
func (e *Event) Truncated() bool { return int(e.DataLen) > len(e.Data) }

// Failed reports whether the syscall returned an error.
func (e *Event) Failed() bool {
	return e.Ret < 0 && e.Kind != KindFork && e.Kind != KindExit && e.Kind != KindMarker
}

// msgPeek is MSG_PEEK in the flags argument of a receive.
const msgPeek = 0x2

// IsPeek reports whether a receive only peeked at the queue (MSG_PEEK):
// tools such as iproute2 peek to learn a message's size, then read it again.
func (e *Event) IsPeek() bool { return e.Kind == KindRecv && e.Args[0]&msgPeek != 0 }
