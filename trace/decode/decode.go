package decode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/internal/marker"
	"github.com/netexplore/netexplore/trace/decode/argv"
	"github.com/netexplore/netexplore/trace/decode/ioctl"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/nftables"
	"github.com/netexplore/netexplore/trace/decode/packet"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/decode/sockopt"
	"github.com/netexplore/netexplore/trace/decode/sysctl"
	"github.com/netexplore/netexplore/trace/event"

	// The netlink protocol decoders register themselves with package
	// netlink when loaded.
	_ "github.com/netexplore/netexplore/trace/decode/genl"
	_ "github.com/netexplore/netexplore/trace/decode/rtnl"
	_ "github.com/netexplore/netexplore/trace/decode/sockdiag"
	_ "github.com/netexplore/netexplore/trace/decode/xfrm"

	"golang.org/x/sys/unix"
)

// Result is the readable form of an [Event]: what a learner or a tool
// wants to see instead of raw bytes.
type Result struct {
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
	Fields []event.Field `json:"fields,omitempty"`
	// Netlink holds the decoded messages of a netlink send or receive.
	Netlink []netlink.Message `json:"netlink,omitempty"`
	// Argv is the argument vector of an exec.
	Argv []string `json:"argv,omitempty"`
	// Path is the file of a /proc/sys open, read or write, or the program of an exec.
	Path string `json:"path,omitempty"`
	// Peek marks a receive that only peeked at the queue (MSG_PEEK).
	Peek bool `json:"peek,omitempty"`
}

// Event decodes one event. It never fails: what cannot be decoded is
// shown as numbers and raw bytes.
func Event(e *event.Event) Result { return EventContext(e, nil) }

// EventContext is [Event] with what is known from the rest of the trace:
// interface names to show beside indexes, names of generic netlink family
// ids (a [netlink.Names] fed with each decoded event's Netlink messages
// provides both). A nil ctx knows nothing, as [Event].
func EventContext(e *event.Event, ctx *netlink.Context) Result {
	d := Result{}
	if e.Failed() {
		d.Errno = render.ErrnoName(unix.Errno(-e.Ret))
		if d.Errno == "" {
			d.Errno = fmt.Sprintf("errno %d", -e.Ret)
		}
	}
	switch e.Kind {
	case event.KindIoctl:
		// Args: the request, the raw third argument, the fd's device.
		c := ioctl.Call{Request: uint32(e.Args[0]), Family: e.SockFamily,
			Device: uint32(e.Args[2]), Arg: e.Args[1], Data: e.Data, Failed: e.Failed()}
		if ctx != nil && ctx.Ifnames != nil {
			c.Ifname = ctx.Ifname
		}
		call := ioctl.DecodeCall(c)
		d.Summary, d.Fields = call.Summary, call.Fields
		d.Call = fmt.Sprintf("ioctl(%s, %s)", fdString(e), call.Name)
		if v, ok := ioctl.ValueArg(uint32(e.Args[0]), e.Args[1]); ok {
			d.Call = fmt.Sprintf("ioctl(%s, %s, %s)", fdString(e), call.Name, v)
		}
	case event.KindMarker:
		step, phase, _ := marker.Parse(uint32(e.Args[0]))
		d.Summary = fmt.Sprintf("step %d %s", step, map[marker.Phase]string{marker.Begin: "begins", marker.End: "ends"}[phase])
		d.Call = "ioctl(-1, step marker)"
		d.Errno = ""
	case event.KindSocket:
		d.Summary = fmt.Sprintf("socket %s %s %s", sockaddr.FamilyName(uint16(e.Args[0])), sockaddr.TypeArg(e.Args[1]), sockaddr.ProtocolName(uint16(e.Args[0]), uint16(e.Args[2])))
		d.Call = fmt.Sprintf("socket(%s, %s, %s)", sockaddr.FamilyName(uint16(e.Args[0])), sockaddr.TypeArg(e.Args[1]), sockaddr.ProtocolName(uint16(e.Args[0]), uint16(e.Args[2])))
	case event.KindBind, event.KindConnect:
		sa := sockaddr.DecodeProto(e.Data, e.SockProto)
		d.Summary, d.Fields = e.Kind.String()+" "+sa.Summary, sa.Fields
		d.Call = fmt.Sprintf("%s(%s, %s)", e.Syscall, fdString(e), sa.Summary)
	case event.KindSetsockopt, event.KindGetsockopt:
		// The two directions reuse option numbers for different things
		// (IPT_SO_SET_REPLACE and IPT_SO_GET_INFO are both 64).
		dir, name := sockopt.Set, sockopt.Name(uint32(e.Args[0]), uint32(e.Args[1]))
		if e.Kind == event.KindGetsockopt {
			dir, name = sockopt.Get, sockopt.GetName(uint32(e.Args[0]), uint32(e.Args[1]))
		}
		// proto only matters at SOL_NETLINK, where the socket is netlink.
		opt := sockopt.DecodeFor(dir, e.SockProto, uint32(e.Args[0]), uint32(e.Args[1]), e.Data)
		d.Summary, d.Fields = opt.Summary, opt.Fields
		d.Call = fmt.Sprintf("%s(%s, %s, %s)", e.Syscall, fdString(e), sockopt.LevelName(uint32(e.Args[0])), name)
	case event.KindSend, event.KindRecv:
		d.Peek = e.IsPeek()
		d.Call = fmt.Sprintf("%s(%s)", e.Syscall, fdString(e))
		if d.Peek {
			d.Summary = fmt.Sprintf("peek: %d bytes waiting", e.Ret)
			break
		}
		if e.SockFamily == unix.AF_PACKET {
			pkt := packet.Decode(e.SockType, e.Data)
			d.Summary, d.Fields = pkt.Summary, pkt.Fields
			break
		}
		if e.SockFamily == unix.AF_NETLINK {
			d.Netlink = netlink.DecodeContext(int(e.SockProto), e.Data, ctx)
		}
		d.Summary = summarizeMessages(d.Netlink)
		if e.Truncated() {
			d.Summary += fmt.Sprintf(" (payload truncated: %d of %d bytes captured)", len(e.Data), e.DataLen)
		}
	case event.KindOpen:
		d.Fields = argv.NulFields(e.Data, false, sysctlFieldName)
		d.Path, _, _ = strings.Cut(string(e.Data), "\x00")
		d.Summary = "open " + d.Path
		d.Call = fmt.Sprintf("openat(%q)", d.Path)
	case event.KindWrite, event.KindRead:
		d.Fields = argv.NulFields(e.Data, false, sysctlFieldName)
		path, content, _ := strings.Cut(string(e.Data), "\x00")
		d.Path = path
		// DataLen counts the path and its NUL too.
		total := int(e.DataLen) - len(path) - 1
		d.Summary = sysctl.WriteN(path, []byte(content), total)
		if e.Kind == event.KindRead {
			d.Summary = "read " + d.Summary
		}
		d.Call = fmt.Sprintf("%s(%s)", e.Syscall, fdString(e))
	case event.KindExec:
		d.Fields = argv.NulFields(e.Data, false, execFieldName)
		path, args, _ := strings.Cut(string(e.Data), "\x00")
		d.Path = path
		d.Argv = argv.Decode([]byte(args))
		d.Summary = "exec " + argv.Format(d.Argv)
		d.Call = fmt.Sprintf("execve(%q)", path)
	case event.KindExecResult:
		d.Summary = "exec succeeded"
		if e.Failed() {
			d.Summary = "exec failed"
		}
		d.Call = "execve"
	case event.KindFork:
		d.Fields = []event.Field{{Name: "pid", Value: fmt.Sprint(e.PID)}, {Name: "parent", Value: fmt.Sprint(e.PPID)}}
		d.Summary = fmt.Sprintf("new process %d (parent %d)", e.PID, e.PPID)
		d.Call = "fork"
	case event.KindExit:
		d.Fields = []event.Field{{Name: "pid", Value: fmt.Sprint(e.PID)}, {Name: "status", Value: fmt.Sprint(e.Ret >> 8 & 0xff)}}
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

// NeedsHistory reports whether decoding e depends on the events before
// it: generic netlink messages, whose family the id an nlctrl reply gave
// names, and nf_tables set and set-element messages, whose elements are
// bytes only their set's definition names. Decode such an event with
// [EventContext] and a context that saw the trace in order (and feed
// [netlink.Names.Learn] its messages); its result is not a function of
// its bytes alone.
func NeedsHistory(e *event.Event) bool {
	if (e.Kind != event.KindSend && e.Kind != event.KindRecv) || e.SockFamily != unix.AF_NETLINK {
		return false
	}
	switch e.SockProto {
	case unix.NETLINK_GENERIC:
		return true
	case unix.NETLINK_NETFILTER:
		return nftables.HasSetMessages(e.Data)
	}
	return false
}

func fdString(e *event.Event) string {
	if e.SockFamily == unix.AF_NETLINK {
		return fmt.Sprintf("%d<%s>", e.Fd, sockaddr.NetlinkProtocolName(e.SockProto))
	}
	if e.SockFamily != 0 {
		return fmt.Sprintf("%d<%s>", e.Fd, sockaddr.FamilyName(e.SockFamily))
	}
	if name := ioctl.DeviceName(uint32(e.Args[2])); e.Kind == event.KindIoctl && name != "" {
		return fmt.Sprintf("%d<%s>", e.Fd, name)
	}
	return fmt.Sprint(e.Fd)
}

// summarizeMessages joins the summaries of a payload's messages, folding a
// long dump into a count.
func summarizeMessages(msgs []netlink.Message) string {
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
		if counts[m.Name] == 0 {
			order = append(order, m.Name)
		}
		counts[m.Name]++
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
