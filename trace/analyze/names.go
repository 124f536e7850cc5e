package analyze

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

// Interface indexes mean something only in their network namespace, so
// names are kept per namespace: learned from the link messages of the
// trace (RTM_NEWLINK requests, replies and notifications) and, for an
// index the trace has not shown, asked from the kernel when the caller can
// (a live trace; a recording cannot). Decoding then shows "4 (docker0)"
// beside each index and "dev docker0" in summaries.

// IfnameAsker names interface index in the network namespace with inode
// netns, as seen by process pid (see decode.KernelIfnames).
type IfnameAsker func(pid, netns uint32, index int32) (string, bool)

// ResolveNames makes the analyzer name interface indexes, per network
// namespace, from the trace's link messages and, when ask is not nil, by
// asking it for indexes the trace has not named. Generic netlink family
// ids are learned from nlctrl replies and, when family is not nil, asked
// from it (see decode.KernelFamilies).
func ResolveNames(ask IfnameAsker, family func(id uint16) (string, bool)) AnalyzerOption {
	return func(a *Analyzer) { a.names = &names{ask: ask, family: family, ns: map[uint32]*nsNames{}} }
}

// maxNamespaces bounds the namespaces whose names are kept.
const maxNamespaces = 1024

type names struct {
	ask    IfnameAsker
	family func(id uint16) (string, bool)
	ns     map[uint32]*nsNames
	pid    uint32 // the process of the event being decoded
}

// nsNames are the names of one namespace. gen counts what they learned:
// a decoding shared between events (see decodeMemo) is only reused while
// the names it was made with are the same.
type nsNames struct {
	n   netlink.Names
	ctx *netlink.Context
	gen uint64
	// unknown holds the indexes asked in vain since the names last
	// changed: they are not asked again meanwhile.
	unknown map[int32]bool
}

// maxUnknown bounds the indexes remembered as unknown.
const maxUnknown = 4096

// of returns the names of e's namespace.
func (n *names) of(e *event.Event) *nsNames {
	n.pid = e.PID
	ns := n.ns[e.NetNS]
	if ns != nil {
		return ns
	}
	if len(n.ns) >= maxNamespaces {
		clear(n.ns)
	}
	ns = &nsNames{}
	ns.ctx = ns.n.Context()
	if n.ask != nil {
		netnsIno := e.NetNS
		ns.n.AskIfname = func(index int32) (string, bool) {
			if ns.unknown[index] {
				return "", false
			}
			name, ok := n.ask(n.pid, netnsIno, index)
			if ok {
				ns.changed()
			} else {
				if ns.unknown == nil || len(ns.unknown) >= maxUnknown {
					ns.unknown = map[int32]bool{}
				}
				ns.unknown[index] = true
			}
			return name, ok
		}
	}
	if n.family != nil {
		ns.n.AskFamily = func(id uint16) (string, bool) {
			name, ok := n.family(id)
			if ok {
				ns.changed()
			}
			return name, ok
		}
	}
	n.ns[e.NetNS] = ns
	return ns
}

// learn records the names msgs reveal.
func (ns *nsNames) learn(msgs []netlink.Message) {
	if ns.n.Learn(msgs) {
		ns.changed()
	}
}

// changed notes that the names changed: decodings made before are stale,
// and an index unknown until now may be known.
func (ns *nsNames) changed() {
	ns.gen++
	clear(ns.unknown)
}
