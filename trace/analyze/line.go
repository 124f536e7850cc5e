package analyze

import (
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netexplore/netexplore/internal/sanitize"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// The one-line format is what `netexplore trace` prints by default: one
// line per syscall, as strace prints it, with the decoded payload folded
// into the call's arguments:
//
//	[ip 4242] sendto(3<NETLINK_ROUTE>, RTM_NEWLINK br0 kind=bridge NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL) = 52
//	[ip 4242] recvmsg(3<NETLINK_ROUTE>, ACK RTM_NEWLINK) = 36
//	[ip 4242] recvmsg(3<NETLINK_ROUTE>, 3 × RTM_NEWLINK: lo, eth0, docker0; NLMSG_DONE) = 3388
//
// Every string that comes from the traced program or the kernel passes
// through package sanitize, so control characters show as escapes. The
// line is appended without allocating: it is the hot path of a trace.

// maxObjects is how many object names a folded group of messages lists.
const maxObjects = 8

// appendLine appends r as one line. Brief keeps only message types;
// durations adds the call's time after its result.
func appendLine(dst []byte, r *Record, brief, durations bool) []byte {
	e, d := &r.Event, &r.Decoded
	dst = append(dst, '[')
	dst = sanitize.AppendLine(dst, e.Comm)
	dst = append(dst, ' ')
	switch e.Kind {
	case event.KindFork:
		// The parent made the call; the new process is its result.
		dst = strconv.AppendUint(dst, uint64(e.PPID), 10)
		dst = append(dst, "] fork() = "...)
		dst = strconv.AppendUint(dst, uint64(e.PID), 10)
		return append(dst, '\n')
	case event.KindExit:
		dst = strconv.AppendUint(dst, uint64(e.PID), 10)
		if sig := e.Ret & 0x7f; sig != 0 {
			dst = append(dst, "] +++ killed by "...)
			dst = append(dst, sigName(sig)...)
		} else {
			dst = append(dst, "] +++ exited with "...)
			dst = strconv.AppendInt(dst, e.Ret>>8&0xff, 10)
		}
		return append(dst, " +++\n"...)
	case event.KindMarker:
		dst = strconv.AppendUint(dst, uint64(e.PID), 10)
		dst = append(dst, "] --- "...)
		dst = append(dst, d.Summary...)
		return append(dst, " ---\n"...)
	}
	dst = strconv.AppendUint(dst, uint64(e.PID), 10)
	dst = append(dst, "] "...)
	switch e.Kind {
	case event.KindExec:
		dst = append(dst, "execve("...)
		dst = strconv.AppendQuote(dst, d.Path)
		dst = append(dst, ", ["...)
		for i, a := range d.Argv {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = strconv.AppendQuote(dst, a)
		}
		dst = append(dst, ']')
		dst = appendTruncation(dst, e)
		return append(dst, ")\n"...)
	case event.KindExecResult:
		dst = append(dst, "<... execve resumed>"...)
		return appendResult(dst, e, durations)
	}
	call := d.Call
	if len(call) == 0 || call[len(call)-1] != ')' {
		dst = sanitize.AppendLine(dst, call)
		return appendResult(dst, e, durations)
	}
	call = call[:len(call)-1]
	switch {
	case d.Peek:
		dst = sanitize.AppendLine(dst, call)
		dst = append(dst, ", MSG_PEEK"...)
	case len(d.Netlink) > 0:
		dst = sanitize.AppendLine(dst, call)
		dst = append(dst, ", "...)
		dst = appendMessagesLine(dst, d.Netlink, r.Replies, brief)
	case brief, e.Failed() && (e.Kind == event.KindSend || e.Kind == event.KindRecv):
		// A failed send or receive moved no message.
		dst = sanitize.AppendLine(dst, call)
	default:
		dst = appendArgsSummary(dst, call, e.Kind, d.Summary)
	}
	dst = appendTruncation(dst, e)
	dst = append(dst, ')')
	return appendResult(dst, e, durations)
}

// appendArgsSummary appends a call without its closing parenthesis, with
// the summary as its last argument; a summary that restates an argument
// after the first ("SO_SNDBUF" → "SO_SNDBUF=32768", "TUNSETPERSIST, 1" →
// "TUNSETPERSIST persist=1") replaces it and the arguments after it.
func appendArgsSummary(dst []byte, call string, k event.Kind, summary string) []byte {
	switch k {
	case event.KindSocket, event.KindBind, event.KindConnect, event.KindOpen:
		// The call line already says it all.
		return sanitize.AppendLine(dst, call)
	case event.KindRead:
		summary = strings.TrimPrefix(summary, "read ")
	}
	args := call[strings.IndexByte(call, '(')+1:]
	for end := len(call); ; {
		i := strings.LastIndex(call[:end], ", ")
		if i < len(call)-len(args) {
			break
		}
		arg := call[i+2 : end]
		if arg != "" && strings.HasPrefix(summary, arg) {
			dst = sanitize.AppendLine(dst, call[:i+2])
			return sanitize.AppendLine(dst, summary)
		}
		end = i
	}
	dst = sanitize.AppendLine(dst, call)
	if summary != "" {
		dst = append(dst, ", "...)
		dst = sanitize.AppendLine(dst, summary)
	}
	return dst
}

// appendResult appends " = RET" and the newline; a failed call as strace
// shows it: " = -1 EPERM (Operation not permitted)". With durations, the
// time the call took follows as strace -T writes it: " <0.000123>".
func appendResult(dst []byte, e *event.Event, durations bool) []byte {
	dst = append(dst, " = "...)
	if e.Failed() {
		dst = append(dst, "-1 "...)
		dst = append(dst, render.ErrnoText(syscall.Errno(-e.Ret))...)
	} else {
		dst = strconv.AppendInt(dst, e.Ret, 10)
	}
	if durations && e.Duration > 0 {
		dst = appendDuration(dst, e.Duration)
	}
	return append(dst, '\n')
}

// appendDuration appends " <S.UUUUUU>": seconds with microseconds, as
// strace -T.
func appendDuration(dst []byte, d time.Duration) []byte {
	us := d.Microseconds()
	dst = append(dst, " <"...)
	dst = strconv.AppendInt(dst, us/1e6, 10)
	dst = append(dst, '.')
	frac := us % 1e6
	for p := int64(1e5); p > 1 && frac < p; p /= 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendInt(dst, frac, 10)
	return append(dst, '>')
}

// durationUs is d in microseconds, to the nanosecond (JSON "duration_us").
func durationUs(d time.Duration) float64 { return float64(d) / 1e3 }

// appendTruncation marks a payload the probe copied only in part (a peek
// copies nothing, on purpose).
func appendTruncation(dst []byte, e *event.Event) []byte {
	if !e.Truncated() || e.IsPeek() {
		return dst
	}
	dst = append(dst, "... (truncated: "...)
	dst = strconv.AppendInt(dst, int64(len(e.Data)), 10)
	dst = append(dst, " of "...)
	dst = strconv.AppendUint(dst, uint64(e.DataLen), 10)
	return append(dst, " bytes)"...)
}

// appendMessagesLine appends a payload's messages on one line: runs of
// messages of one type folded into "3 × RTM_NEWLINK: lo, eth0, docker0"
// (rules excepted: each reads as the rule it is), an ACK or an error with
// the request it answers.
func appendMessagesLine(dst []byte, msgs []netlink.Message, replies []*Exchange, brief bool) []byte {
	for i := 0; i < len(msgs); {
		n := 1
		for i+n < len(msgs) && msgs[i+n].Name == msgs[i].Name && !msgs[i].IsError {
			n++
		}
		if i > 0 {
			dst = append(dst, "; "...)
		}
		m := &msgs[i]
		switch {
		case m.IsError:
			var req *Exchange
			if i < len(replies) {
				req = replies[i]
			}
			dst = appendAckLine(dst, m, req, brief)
		case brief:
			if n > 1 {
				dst = strconv.AppendInt(dst, int64(n), 10)
				dst = append(dst, " × "...)
			}
			dst = sanitize.AppendLine(dst, m.Name)
		case n == 1 || isRule(m):
			for j := range n {
				if j > 0 {
					dst = append(dst, "; "...)
				}
				dst = appendMessageSummary(dst, &msgs[i+j])
			}
		default:
			dst = strconv.AppendInt(dst, int64(n), 10)
			dst = append(dst, " × "...)
			dst = sanitize.AppendLine(dst, m.Name)
			sep := ": "
			for j := range min(n, maxObjects) {
				if obj := objectName(&msgs[i+j]); obj != "" {
					dst = append(dst, sep...)
					dst = sanitize.AppendLine(dst, obj)
					sep = ", "
				}
			}
			if n > maxObjects && sep == ", " {
				dst = append(dst, ", …"...)
			}
		}
		i += n
	}
	return dst
}

// appendAckLine appends an ACK ("ACK RTM_NEWLINK") or an error
// ("ERROR RTM_NEWLINK -EPERM (Operation not permitted): extack").
func appendAckLine(dst []byte, m *netlink.Message, req *Exchange, brief bool) []byte {
	if m.Errno == 0 {
		dst = append(dst, "ACK"...)
	} else {
		dst = append(dst, "ERROR"...)
	}
	if req != nil {
		dst = append(dst, ' ')
		dst = sanitize.AppendLine(dst, req.Type)
	}
	if m.Errno == 0 {
		return dst
	}
	dst = append(dst, " -"...)
	dst = append(dst, render.ErrnoText(syscall.Errno(m.Errno))...)
	if m.Extack != "" && !brief {
		dst = append(dst, ": "...)
		dst = sanitize.AppendLine(dst, m.Extack)
	}
	return dst
}

// isRule reports an nf_tables rule message: each one is shown whole.
func isRule(m *netlink.Message) bool { return strings.HasSuffix(m.Name, "RULE") }

// appendMessageSummary appends a message's summary; a rule's expression
// names ("[meta cmp counter]") give way to the rule as nft writes it.
func appendMessageSummary(dst []byte, m *netlink.Message) []byte {
	s := m.Summary
	if isRule(m) {
		if exprs, ok := event.Top(m.Fields, "NFTA_RULE_EXPRESSIONS"); ok && exprs.Value != "" {
			if i := strings.Index(s, " ["); i >= 0 {
				if j := strings.IndexByte(s[i:], ']'); j >= 0 {
					dst = sanitize.AppendLine(dst, s[:i+1])
					dst = sanitize.AppendLine(dst, exprs.Value)
					return sanitize.AppendLine(dst, s[i+j+1:])
				}
			}
		}
	}
	return sanitize.AppendLine(dst, s)
}

// objectName returns what a message is about, from its summary: the words
// after its type up to its first attribute or flag ("lo", "chain ip nat
// DOCKER").
func objectName(m *netlink.Message) string {
	s, ok := strings.CutPrefix(m.Summary, m.Name)
	if !ok {
		return ""
	}
	s = strings.TrimLeft(s, " ")
	end := len(s)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], ' ')
		word := s[i:]
		if j >= 0 {
			word = s[i : i+j]
		}
		if strings.HasPrefix(word, "NLM_F_") || strings.IndexByte(word, '=') >= 0 {
			end = i
			break
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	s = strings.TrimRight(s[:end], " ")
	return strings.TrimSuffix(s, " dev") // "dev index=2" went with its index
}

// sigName names a signal ("SIGKILL").
func sigName(sig int64) string {
	if n := signalNames[sig&0x7f]; n != "" {
		return n
	}
	return "signal " + strconv.FormatInt(sig, 10)
}

var signalNames = func() [128]string {
	var t [128]string
	for i := range t {
		t[i] = unix.SignalName(syscall.Signal(i))
	}
	return t
}()
