// Package compare lines up what two runs asked the kernel to do, message by
// message, and lists where they differ: a walkthrough against the real
// Docker daemon, one Docker version against another, any two sessions.
//
// A run is reduced to the messages that say what it did to the kernel's
// network configuration ([Extract]): the rtnetlink requests it sent (type,
// flags, every attribute with its value), its socket ioctls, its writes to
// /proc/sys, and the argument vectors of the network helpers it executed
// (iptables, ip6tables, nft, docker-proxy, Docker's re-executions). What is
// random from one run to the next (MAC addresses, interface indexes, veth
// and bridge names, namespace paths and descriptors, ephemeral ports) is
// replaced by placeholders numbered in order of first appearance, so two
// runs that do the same thing read the same. [Diff] aligns two such
// sequences (a longest common subsequence) and [Check] sorts the
// differences into those an [Allowance] explains and those it does not.
package compare

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/trace/analyze"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/session"
)

// Kinds of [Message].
const (
	KindNetlink = "netlink" // an rtnetlink request
	KindIoctl   = "ioctl"   // a socket ioctl
	KindSysctl  = "sysctl"  // a write to /proc/sys
	KindExec    = "exec"    // a network helper started
)

// Message is one thing a run asked of the kernel, normalised.
type Message struct {
	// Kind is KindNetlink, KindIoctl, KindSysctl or KindExec.
	Kind string
	// Text is the normalised rendering the comparison looks at, e.g.
	// `RTM_NEWLINK NLM_F_REQUEST|NLM_F_ACK ifinfomsg{ifi_index=<if1> ...}`
	// or `exec iptables --wait -t nat -N DOCKER`.
	Text string
	// Step and StepID locate the message in its session.
	Step   int
	StepID string
	// Seq is the event's number in its run, Comm its process's name.
	Seq  uint64
	Comm string
	// Key is what two messages must share to count as one message whose
	// attributes changed, rather than two different ones: the kind, the
	// message type (RTM_NEWLINK, SIOCBRADDBR) and the interface it names;
	// the /proc/sys file; or the helper program with, for a firewall
	// command, its table, operation and chain.
	Key string
	// Attrs are the message's attributes, normalised like Text, each
	// named by its path in the decoded tree ("ifinfomsg.ifi_flags",
	// "IFLA_LINKINFO.IFLA_INFO_KIND"), an argument by its position.
	Attrs []Attr

	pid uint32
}

// String renders the message as a line of a report.
func (m Message) String() string {
	return fmt.Sprintf("%s  (%s #%d, step %s)", m.Text, m.Comm, m.Seq, m.StepID)
}

// Process is what [Extract] knows about the process behind an event: the
// program it executed last, as a base name ("iptables", or argv[0] for a
// program that re-executes itself, such as "set-ipv6"), empty when its
// exec was not seen; and whether it is a container's own command.
type Process struct {
	Program  string
	Workload bool
}

// Keep decides whether an event of process p takes part in the comparison.
type Keep func(e *event.Event, p Process) bool

// helperPrograms are the programs whose execution [DefaultKeep] compares:
// the ones Docker runs to configure the network.
var helperPrograms = map[string]bool{
	"iptables": true, "ip6tables": true, "nft": true, "docker-proxy": true, "modprobe": true,
	"set-ipv6": true, "setup-resolver": true,
}

// quietPrograms are programs whose own kernel traffic is not Docker's:
// helpers (their execution is what counts), the container runtime's
// daemons and Docker's command-line client.
var quietPrograms = map[string]bool{
	"iptables": true, "ip6tables": true, "nft": true, "docker-proxy": true, "modprobe": true,
	"xtables-nft-multi": true, "xtables-legacy-multi": true,
	"containerd": true, "containerd-shim": true, "containerd-shim-runc-v2": true, "docker": true,
}

// Quiet reports whether [DefaultKeep] leaves out the kernel traffic of a
// process running program (a base name): a helper whose execution is what
// counts, the container runtime's daemons, Docker's client.
func Quiet(program string) bool { return quietPrograms[program] }

// DefaultKeep keeps the executions of network helpers, and the netlink,
// ioctl and /proc/sys traffic of every process that is not one of the
// helpers, the container runtime's daemons, Docker's client or a
// container's own command.
func DefaultKeep(e *event.Event, p Process) bool {
	if e.Kind == event.KindExec {
		return true // decided by the program executed, in Extract
	}
	return !p.Workload && !quietPrograms[p.Program]
}

// Extract returns the messages of a session's steps, in the order they
// happened, normalised with n (nil: a new normaliser). Events that keep
// rejects are left out (nil: DefaultKeep). Consecutive /proc/sys writes of
// one process come sorted: a program may write a set of sysctls in any
// order (runc walks the OCI spec's map), and the comparison must not
// depend on it.
func Extract(steps []*session.Step, keep Keep, n *Normaliser) []Message {
	if keep == nil {
		keep = DefaultKeep
	}
	if n == nil {
		n = NewNormaliser()
	}
	procs := map[uint32]Process{}
	var out []Message
	for _, st := range steps {
		recs := st.Records()
		for i := range recs {
			r := &recs[i]
			e := &r.Event
			p := procs[e.PID]
			if e.Kind == event.KindFork {
				procs[e.PID] = procs[e.PPID] // a child runs its parent's program until it executes another
				continue
			}
			if e.Kind == event.KindExec {
				prog := programOf(r)
				procs[e.PID] = Process{Program: prog, Workload: p.Workload || p.Program == "runc" && prog != "runc"}
				if !helperPrograms[prog] || !keep(e, p) {
					continue
				}
			} else if !keep(e, p) {
				continue
			}
			for _, c := range messageTexts(r, n) {
				out = append(out, Message{Kind: kindOf(e), Text: c.text, Key: kindOf(e) + " " + c.key, Attrs: c.attrs,
					Step: st.Index, StepID: st.Info.ID, Seq: e.Seq, Comm: e.Comm, pid: e.PID})
			}
		}
	}
	sortSysctlRuns(out)
	return out
}

// sortSysctlRuns sorts each run of consecutive sysctl writes of one
// process by text, keeping their sequence numbers in place.
func sortSysctlRuns(msgs []Message) {
	for i := 0; i < len(msgs); {
		j := i + 1
		for j < len(msgs) && msgs[i].Kind == KindSysctl && msgs[j].Kind == KindSysctl && msgs[j].pid == msgs[i].pid {
			j++
		}
		run := msgs[i:j]
		seqs := make([]uint64, len(run))
		for k := range run {
			seqs[k] = run[k].Seq
		}
		slices.SortStableFunc(run, func(a, b Message) int { return strings.Compare(a.Text, b.Text) })
		for k := range run {
			run[k].Seq = seqs[k]
		}
		i = j
	}
}

// programOf names the program an exec event starts: argv[0]'s base name,
// which is what a program that re-executes itself through /proc/self/exe
// sets to say what it is to do.
func programOf(r *analyze.Record) string {
	if len(r.Decoded.Argv) > 0 && r.Decoded.Argv[0] != "" {
		return filepath.Base(r.Decoded.Argv[0])
	}
	return filepath.Base(r.Decoded.Path)
}

// kindOf maps an event to its message kind.
func kindOf(e *event.Event) string {
	switch e.Kind {
	case event.KindSend:
		return KindNetlink
	case event.KindIoctl:
		return KindIoctl
	case event.KindWrite:
		return KindSysctl
	}
	return KindExec
}

// content is what messageTexts makes of one message: its text, its key
// and its attributes.
type content struct {
	text, key string
	attrs     []Attr
}

// messageTexts renders the comparable messages of one event: one per
// rtnetlink request of a send, one for an ioctl, a /proc/sys write or an
// exec, none for anything else.
//
// Zero bytes left after a request's last attribute are dropped: older
// netlink libraries (dockerd 20.10's) pad some requests that way, the
// kernel ignores them, and they say nothing about what was asked.
func messageTexts(r *analyze.Record, n *Normaliser) []content {
	e := &r.Event
	switch e.Kind {
	case event.KindSend:
		if e.SockFamily != unix.AF_NETLINK || e.SockProto != 0 || r.Decoded.Peek {
			return nil // only NETLINK_ROUTE requests
		}
		var out []content
		for _, m := range r.Decoded.Netlink {
			body := m.Fields
			if len(body) > 0 && body[0].Name == "nlmsghdr" {
				body = body[1:]
			}
			body = dropZeroTail(body)
			text := strings.TrimSpace(m.Name + " " + m.FlagNames + " " + n.fields(body))
			attrs := append([]Attr{{Name: "flags", Value: m.FlagNames}}, n.attrs(body, "")...)
			out = append(out, content{text: text, key: m.Name + objectOf(attrs), attrs: attrs})
		}
		return out
	case event.KindIoctl:
		name, _, _ := strings.Cut(r.Decoded.Summary, " ")
		attrs := n.attrs(r.Decoded.Fields, "")
		return []content{{text: strings.TrimSpace(name + " " + n.fields(r.Decoded.Fields)), key: name + objectOf(attrs), attrs: attrs}}
	case event.KindWrite:
		path, value, _ := strings.Cut(string(e.Data), "\x00")
		path = n.Text(path)
		v := fmt.Sprintf("%q", value)
		return []content{{text: path + " = " + v, key: path, attrs: []Attr{{Name: "value", Value: v}}}}
	case event.KindExec:
		args := append([]string(nil), r.Decoded.Argv...)
		if len(args) == 0 {
			args = []string{r.Decoded.Path}
		}
		args[0] = filepath.Base(args[0])
		attrs := make([]Attr, len(args)-1)
		for i := range args {
			args[i] = n.Arg(args[i])
			if i > 0 {
				attrs[i-1] = Attr{Name: fmt.Sprintf("argv[%d]", i), Value: args[i]}
			}
		}
		return []content{{text: "exec " + strings.Join(args, " "), key: "exec " + strings.Join(ruleKey(args), " "), attrs: attrs}}
	}
	return nil
}

// objectAttrs name the object a request or ioctl is about.
var objectAttrs = map[string]bool{"IFLA_IFNAME": true, "ifr_name": true, "bridge_name": true}

// objectOf returns " NAME" for the interface name among a message's
// top-level attributes, empty if it has none.
func objectOf(attrs []Attr) string {
	for _, a := range attrs {
		if objectAttrs[a.Name] {
			return " " + a.Value
		}
	}
	return ""
}

// ruleOps are the iptables options that name an operation on a chain.
var ruleOps = map[string]bool{"-A": true, "-I": true, "-D": true, "-C": true, "-N": true, "-X": true, "-F": true, "-L": true, "-P": true, "-R": true, "-Z": true}

// ruleKey picks the key arguments of a helper's command line: the program,
// and for iptables-style commands the table and the operation with its
// chain, so a rule that changes pairs with the rule it replaces.
func ruleKey(args []string) []string {
	key := []string{args[0]}
	for i := 1; i < len(args); i++ {
		if (args[i] == "-t" || ruleOps[args[i]]) && i+1 < len(args) {
			key = append(key, args[i], args[i+1])
			i++
		}
	}
	return key
}

// dropZeroTail removes a trailing "bad attribute" field that is nothing but
// zero bytes.
func dropZeroTail(fields []event.Field) []event.Field {
	if n := len(fields); n > 0 && fields[n-1].Name == "bad attribute" && strings.Trim(fields[n-1].Value, "0") == "" {
		return fields[:n-1]
	}
	return fields
}
