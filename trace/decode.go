package trace

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Decoded is the readable form of an [Event]: what a learner or a tool
// wants to see instead of raw bytes.
type Decoded struct {
	// Call is the strace-like call line, e.g. `sendmsg(3<NETLINK_ROUTE>) = 56`.
	Call string `json:"call"`
	// Summary says in a few words what the event did, e.g.
	// `RTM_NEWLINK docker0 kind=bridge NLM_F_CREATE|NLM_F_EXCL`,
	// `SIOCBRADDBR "docker0"`, `/proc/sys/net/ipv4/ip_forward = 1`,
	// `exec iptables -t nat -N DOCKER`.
	Summary string `json:"summary"`
	// Errno is the error name when the syscall failed ("EEXIST").
	Errno string `json:"errno,omitempty"`
	// Fields is the decoded tree of a non-netlink payload (ioctl argument,
	// sockaddr, socket option).
	Fields []Field `json:"fields,omitempty"`
	// Netlink holds the decoded messages of a netlink send or receive.
	Netlink []NetlinkMessage `json:"netlink,omitempty"`
	// Argv is the argument vector of an exec.
	Argv []string `json:"argv,omitempty"`
	// Path is the file of a /proc/sys open, read or write, or the program of an exec.
	Path string `json:"path,omitempty"`
	// Peek marks a receive that only peeked at the queue (MSG_PEEK).
	Peek bool `json:"peek,omitempty"`
}

// Decode decodes one event. It never fails: what cannot be decoded is
// shown as numbers and raw bytes.
func Decode(e *Event) Decoded {
	d := Decoded{}
	if e.Failed() {
		d.Errno = unix.ErrnoName(unix.Errno(-e.Ret))
		if d.Errno == "" {
			d.Errno = fmt.Sprintf("errno %d", -e.Ret)
		}
	}
	switch e.Kind {
	case KindIoctl:
		call := DecodeSocketIoctl(e.SockFamily, uint32(e.Args[0]), e.Data)
		d.Summary, d.Fields = call.Summary, call.Fields
		d.Call = fmt.Sprintf("ioctl(%s, %s)", fdString(e), call.Name)
	case KindMarker:
		step, phase, _ := ParseMarker(uint32(e.Args[0]))
		d.Summary = fmt.Sprintf("step %d %s", step, map[MarkerPhase]string{MarkerBegin: "begins", MarkerEnd: "ends"}[phase])
		d.Call = "ioctl(-1, step marker)"
		d.Errno = ""
	case KindSocket:
		d.Summary = fmt.Sprintf("socket %s %s %s", SocketFamilyName(uint16(e.Args[0])), SocketTypeArg(e.Args[1]), SocketProtocolName(uint16(e.Args[0]), uint16(e.Args[2])))
		d.Call = fmt.Sprintf("socket(%s, %s, %s)", SocketFamilyName(uint16(e.Args[0])), SocketTypeArg(e.Args[1]), SocketProtocolName(uint16(e.Args[0]), uint16(e.Args[2])))
	case KindBind, KindConnect:
		sum, fields := DecodeSockaddrProto(e.Data, e.SockProto)
		d.Summary, d.Fields = e.Kind.String()+" "+sum, fields
		d.Call = fmt.Sprintf("%s(%s, %s)", e.Syscall, fdString(e), sum)
	case KindSetsockopt, KindGetsockopt:
		// The two directions reuse option numbers for different things
		// (IPT_SO_SET_REPLACE and IPT_SO_GET_INFO are both 64).
		dir, name := SockoptSet, SockoptName(uint32(e.Args[0]), uint32(e.Args[1]))
		if e.Kind == KindGetsockopt {
			dir, name = SockoptGet, GetsockoptName(uint32(e.Args[0]), uint32(e.Args[1]))
		}
		// proto only matters at SOL_NETLINK, where the socket is netlink.
		d.Summary, d.Fields = DecodeSockoptFor(dir, e.SockProto, uint32(e.Args[0]), uint32(e.Args[1]), e.Data)
		d.Call = fmt.Sprintf("%s(%s, %s, %s)", e.Syscall, fdString(e), SocketLevelName(uint32(e.Args[0])), name)
	case KindSend, KindRecv:
		d.Peek = isPeek(e)
		d.Call = fmt.Sprintf("%s(%s)", e.Syscall, fdString(e))
		if d.Peek {
			d.Summary = fmt.Sprintf("peek: %d bytes waiting", e.Ret)
			break
		}
		if e.SockFamily == afNetlink {
			d.Netlink = DecodeNetlink(int(e.SockProto), e.Data)
		}
		d.Summary = summarizeMessages(d.Netlink)
		if e.Truncated() {
			d.Summary += fmt.Sprintf(" (payload truncated: %d of %d bytes captured)", len(e.Data), e.DataLen)
		}
	case KindOpen:
		d.Fields = nulFields(e.Data, false, sysctlFieldName)
		d.Path, _, _ = strings.Cut(string(e.Data), "\x00")
		d.Summary = "open " + d.Path
		d.Call = fmt.Sprintf("openat(%q)", d.Path)
	case KindWrite, KindRead:
		d.Fields = nulFields(e.Data, false, sysctlFieldName)
		path, content, _ := strings.Cut(string(e.Data), "\x00")
		d.Path = path
		// DataLen counts the path and its NUL too.
		total := int(e.DataLen) - len(path) - 1
		d.Summary = SysctlWriteN(path, []byte(content), total)
		if e.Kind == KindRead {
			d.Summary = "read " + d.Summary
		}
		d.Call = fmt.Sprintf("%s(%s)", e.Syscall, fdString(e))
	case KindExec:
		d.Fields = nulFields(e.Data, false, execFieldName)
		path, argv, _ := strings.Cut(string(e.Data), "\x00")
		d.Path = path
		d.Argv = DecodeArgv([]byte(argv))
		d.Summary = "exec " + FormatArgv(d.Argv)
		d.Call = fmt.Sprintf("execve(%q)", path)
	case KindExecResult:
		d.Summary = "exec succeeded"
		if e.Failed() {
			d.Summary = "exec failed"
		}
		d.Call = "execve"
	case KindFork:
		d.Fields = []Field{{Name: "pid", Value: fmt.Sprint(e.PID)}, {Name: "parent", Value: fmt.Sprint(e.PPID)}}
		d.Summary = fmt.Sprintf("new process %d (parent %d)", e.PID, e.PPID)
		d.Call = "fork"
	case KindExit:
		d.Fields = []Field{{Name: "pid", Value: fmt.Sprint(e.PID)}, {Name: "status", Value: fmt.Sprint(e.Ret >> 8 & 0xff)}}
		d.Summary = fmt.Sprintf("process %d exited with status %d", e.PID, e.Ret>>8&0xff)
		if sig := e.Ret & 0x7f; sig != 0 {
			d.Summary = fmt.Sprintf("process %d killed by %s", e.PID, unix.SignalName(unix.Signal(sig)))
		}
		d.Call = "exit"
		d.Errno = ""
	default:
		d.Summary = fmt.Sprintf("unknown event kind %d", e.Kind)
	}
	return d
}

func fdString(e *Event) string {
	if e.SockFamily == afNetlink {
		return fmt.Sprintf("%d<%s>", e.Fd, NetlinkProtocolName(e.SockProto))
	}
	if e.SockFamily != 0 {
		return fmt.Sprintf("%d<%s>", e.Fd, SocketFamilyName(e.SockFamily))
	}
	return fmt.Sprint(e.Fd)
}

// summarizeMessages joins the summaries of a payload's messages, folding a
// long dump into a count.
func summarizeMessages(msgs []NetlinkMessage) string {
	switch len(msgs) {
	case 0:
		return "no netlink message"
	case 1:
		return msgs[0].Summary
	}
	if len(msgs) <= 3 {
		parts := make([]string, len(msgs))
		for i := range msgs {
			parts[i] = msgs[i].Summary
		}
		return strings.Join(parts, "; ")
	}
	counts := map[string]int{}
	var order []string
	for _, m := range msgs {
		if counts[m.TypeName] == 0 {
			order = append(order, m.TypeName)
		}
		counts[m.TypeName]++
	}
	parts := make([]string, len(order))
	for i, t := range order {
		parts[i] = fmt.Sprintf("%s ×%d", t, counts[t])
	}
	return fmt.Sprintf("%d messages: %s", len(msgs), strings.Join(parts, ", "))
}

// Names of the strings in the probe's NUL-separated payloads.
func sysctlFieldName(i int) string { return [...]string{"path", "value"}[min(i, 1)] }

func execFieldName(i int) string {
	if i == 0 {
		return "path"
	}
	return "argv[" + strconv.Itoa(i-1) + "]"
}
