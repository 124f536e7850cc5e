package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Filter selects records as strace's -e does. Each expression is
// KEY=VALUE[,VALUE...], negated by a leading "!" on the values; a record
// must satisfy every expression:
//
//	trace=netlink,ioctl     syscall classes and syscall names
//	trace=!sysctl           everything but /proc/sys traffic
//	rtnl=RTM_NEWLINK        events carrying (or answering) these message types
//	family=nftables         events on netlink sockets of these families
//
// A filter looks at records after pairing, so a reply matches through the
// request it answers (rtnl=RTM_NEWLINK keeps RTM_NEWLINK's ACK).
type Filter struct {
	conds []condition
}

type condition struct {
	key    string
	negate bool
	values []string
}

// Syscall classes a trace= expression may name, and what each holds.
var filterClasses = map[string]string{
	"netlink": "calls on netlink sockets",
	"ioctl":   "socket ioctls",
	"sysctl":  "/proc/sys opens, reads and writes",
	"socket":  "socket, bind, connect, setsockopt and getsockopt",
	"exec":    "execve and its result",
	"process": "process births and exits",
}

// filterSyscalls are the syscall names the probe reports.
var filterSyscalls = []string{"ioctl", "socket", "bind", "connect", "sendto", "sendmsg", "recvfrom",
	"recvmsg", "setsockopt", "getsockopt", "openat", "write", "read", "execve"}

// familyAliases maps the names a user may write to a netlink protocol.
var familyAliases = map[string]uint16{
	"route": unix.NETLINK_ROUTE, "rtnl": unix.NETLINK_ROUTE, "rtnetlink": unix.NETLINK_ROUTE,
	"netfilter": unix.NETLINK_NETFILTER, "nftables": unix.NETLINK_NETFILTER, "nft": unix.NETLINK_NETFILTER, "nfnetlink": unix.NETLINK_NETFILTER,
	"generic": unix.NETLINK_GENERIC, "genl": unix.NETLINK_GENERIC,
	"sock_diag": unix.NETLINK_SOCK_DIAG, "inet_diag": unix.NETLINK_SOCK_DIAG, "diag": unix.NETLINK_SOCK_DIAG,
	"xfrm": unix.NETLINK_XFRM, "audit": unix.NETLINK_AUDIT, "uevent": unix.NETLINK_KOBJECT_UEVENT,
	"kobject_uevent": unix.NETLINK_KOBJECT_UEVENT, "connector": unix.NETLINK_CONNECTOR, "selinux": unix.NETLINK_SELINUX,
	"crypto": unix.NETLINK_CRYPTO, "rdma": unix.NETLINK_RDMA, "scsitransport": unix.NETLINK_SCSITRANSPORT,
}

// FilterKeys lists the keys an expression may use, for help texts.
const FilterKeys = "trace, rtnl (or msg), family"

// ParseFilter parses -e expressions; nil expressions give a filter that
// keeps everything. Errors name the valid values.
func ParseFilter(exprs []string) (*Filter, error) {
	f := &Filter{}
	for _, x := range exprs {
		key, list, ok := strings.Cut(x, "=")
		if !ok {
			// strace's -e NAME is -e trace=NAME.
			key, list = "trace", x
		}
		c := condition{key: strings.ToLower(strings.TrimSpace(key))}
		list, c.negate = strings.CutPrefix(strings.TrimSpace(list), "!")
		for v := range strings.SplitSeq(list, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				return nil, fmt.Errorf("-e %q: empty value", x)
			}
			c.values = append(c.values, v)
		}
		if len(c.values) == 0 {
			return nil, fmt.Errorf("-e %q: no value", x)
		}
		switch c.key {
		case "trace":
			for i, v := range c.values {
				v = strings.ToLower(v)
				c.values[i] = v
				if _, ok := filterClasses[v]; !ok && !slices.Contains(filterSyscalls, v) {
					return nil, fmt.Errorf("-e %q: unknown syscall or class %q (classes: %s; syscalls: %s)",
						x, v, strings.Join(sortedKeys(filterClasses), ", "), strings.Join(filterSyscalls, ", "))
				}
			}
		case "rtnl", "msg", "message":
			c.key = "msg"
			for i, v := range c.values {
				v = strings.ToUpper(v)
				if !isTypeName(v) {
					return nil, fmt.Errorf("-e %q: %q is not a message type name (write names such as RTM_NEWLINK, NEWADDR, NFT_MSG_NEWRULE, NLMSG_ERROR)", x, c.values[i])
				}
				if c.key == "msg" && strings.EqualFold(key, "rtnl") && !strings.Contains(v, "_") {
					v = "RTM_" + v // rtnl=newlink
				}
				c.values[i] = v
			}
		case "family":
			for i, v := range c.values {
				p, ok := familyProtocol(v)
				if !ok {
					return nil, fmt.Errorf("-e %q: unknown netlink family %q (valid: %s)", x, v, strings.Join(sortedKeys(familyAliases), ", "))
				}
				c.values[i] = sockaddr.NetlinkProtocolName(p)
			}
		default:
			return nil, fmt.Errorf("-e %q: unknown key %q (valid: %s)", x, key, FilterKeys)
		}
		f.conds = append(f.conds, c)
	}
	return f, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isTypeName reports whether s looks like a message type name.
func isTypeName(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

// familyProtocol resolves a family name: an alias, or a protocol name
// with or without its NETLINK_ prefix.
func familyProtocol(v string) (uint16, bool) {
	v = strings.ToLower(v)
	if p, ok := familyAliases[v]; ok {
		return p, true
	}
	v = strings.TrimPrefix(v, "netlink_")
	for p := range uint16(32) {
		if strings.EqualFold(sockaddr.NetlinkProtocolName(p), "NETLINK_"+v) {
			return p, true
		}
	}
	return 0, false
}

// Empty reports whether the filter keeps every record.
func (f *Filter) Empty() bool { return f == nil || len(f.conds) == 0 }

// Match reports whether r passes every expression.
func (f *Filter) Match(r *Record) bool {
	if f == nil {
		return true
	}
	for i := range f.conds {
		c := &f.conds[i]
		if c.match(r) == c.negate {
			return false
		}
	}
	return true
}

func (c *condition) match(r *Record) bool {
	e := &r.Event
	switch c.key {
	case "trace":
		for _, v := range c.values {
			if inClass(e, v) {
				return true
			}
		}
	case "msg":
		for i := range r.Decoded.Netlink {
			if slices.Contains(c.values, r.Decoded.Netlink[i].Name) {
				return true
			}
		}
		for _, x := range r.Replies {
			if x != nil && slices.Contains(c.values, x.Type) {
				return true
			}
		}
	case "family":
		if netlinkProtocol(e) >= 0 {
			return slices.Contains(c.values, sockaddr.NetlinkProtocolName(uint16(netlinkProtocol(e))))
		}
	}
	return false
}

// netlinkProtocol returns the netlink protocol an event uses, -1 if none.
func netlinkProtocol(e *event.Event) int {
	if e.SockFamily == unix.AF_NETLINK {
		return int(e.SockProto)
	}
	if e.Kind == event.KindSocket && e.Args[0] == unix.AF_NETLINK {
		return int(e.Args[2])
	}
	return -1
}

// inClass reports whether e is the syscall or in the class v names.
func inClass(e *event.Event, v string) bool {
	switch v {
	case "netlink":
		return netlinkProtocol(e) >= 0
	case "ioctl":
		return e.Kind == event.KindIoctl
	case "sysctl":
		return e.Kind == event.KindOpen || e.Kind == event.KindRead || e.Kind == event.KindWrite
	case "socket":
		switch e.Kind {
		case event.KindSocket, event.KindBind, event.KindConnect, event.KindSetsockopt, event.KindGetsockopt:
			return true
		}
		return false
	case "exec":
		return e.Kind == event.KindExec || e.Kind == event.KindExecResult
	case "process":
		return e.Kind == event.KindFork || e.Kind == event.KindExit
	}
	if e.Kind == event.KindExecResult {
		return v == "execve"
	}
	return e.Syscall == v
}
