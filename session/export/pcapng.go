package export

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/session"
)

func init() {
	register(PCAPNG, 3, true, func(w io.Writer, s *session.Session, _ Options) error { return WritePCAPNG(w, s) })
}

// pcapng block types and option codes (the pcapng specification,
// draft-ietf-opsawg-pcapng).
const (
	blockSHB = 0x0A0D0D0A // Section Header Block
	blockIDB = 0x00000001 // Interface Description Block
	blockEPB = 0x00000006 // Enhanced Packet Block

	byteOrderMagic = 0x1A2B3C4D

	optEndOfOpt    = 0
	optComment     = 1
	optSHBHardware = 2
	optSHBOS       = 3
	optSHBUserAppl = 4
	optIfName      = 2
	optIfDesc      = 3
	optIfTSResol   = 9
	optEPBFlags    = 2

	// epb_flags direction bits.
	epbInbound  = 1
	epbOutbound = 2
)

// Netlink capture encapsulation (LINKTYPE_NETLINK): every packet starts
// with a 16-byte header laid out like Linux's cooked capture header (SLL),
// big-endian, as the kernel's nlmon device produces it.
const (
	linkTypeNetlink = 253
	// arphrdNetlink is the header's hardware type (ARPHRD_NETLINK in
	// <linux/if_arp.h>); Wireshark checks it.
	arphrdNetlink = 824
	// packetUser and packetKernel are the header's packet type: the
	// message goes to user space (a reply or notification) or to the kernel
	// (a request), PACKET_USER and PACKET_KERNEL in <linux/if_packet.h>.
	packetUser   = 6
	packetKernel = 7
	cookedLen    = 16
	snapLen      = 1 << 18
)

// WritePCAPNG writes every netlink message of s, requests and replies, as
// one packet each, in a pcapng file Wireshark and tshark dissect
// (LINKTYPE_NETLINK). Each packet's comment names the step, the process,
// the syscall, the message and the source line that made the call; its
// flags say the direction. Timestamps are the recording's start plus each
// event's offset from the first event.
func WritePCAPNG(w io.Writer, s *session.Session) error {
	pw := &pcapngWriter{w: bufio.NewWriter(w)}
	h := &s.Header
	pw.block(blockSHB, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint32(b, byteOrderMagic)
		b = binary.LittleEndian.AppendUint16(b, 1) // major version
		b = binary.LittleEndian.AppendUint16(b, 0) // minor version
		b = binary.LittleEndian.AppendUint64(b, ^uint64(0))
		b = appendOption(b, optComment, fmt.Sprintf("netexplore session %q: %d steps, %d events, %d lost", h.Scenario, len(s.Steps), s.EventCount(), s.Lost))
		if h.Kernel != "" {
			b = appendOption(b, optSHBOS, "Linux "+h.Kernel)
		}
		b = appendOption(b, optSHBUserAppl, "netexplore "+h.Netexplore)
		return appendEndOfOptions(b)
	})
	pw.block(blockIDB, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint16(b, linkTypeNetlink)
		b = binary.LittleEndian.AppendUint16(b, 0) // reserved
		b = binary.LittleEndian.AppendUint32(b, snapLen)
		b = appendOption(b, optIfName, "netlink")
		b = appendOption(b, optIfDesc, "netlink messages captured by netexplore's eBPF probe")
		b = appendOption(b, optIfTSResol, "\x09") // nanoseconds
		return appendEndOfOptions(b)
	})

	var base time.Duration
	for _, st := range s.Steps {
		if len(st.Events) > 0 {
			base = st.Events[0].Time
			break
		}
	}
	start := int64(0)
	if !h.Recorded.IsZero() && h.Recorded.UnixNano() > 0 {
		start = h.Recorded.UnixNano()
	}
	for _, st := range s.Steps {
		recs := st.Records()
		for i := range recs {
			r := &recs[i]
			e := &r.Event
			if (e.Kind != event.KindSend && e.Kind != event.KindRecv) || e.SockFamily != unix.AF_NETLINK {
				continue
			}
			ts := start + int64(e.Time-base)
			if ts < 0 {
				ts = 0
			}
			where := ""
			if o := st.Events[i].Origin; o != nil {
				where = fmt.Sprintf(" at %s:%d", o.File, o.Line)
			}
			for j, m := range r.Decoded.Netlink {
				if m.Offset < 0 || m.Offset >= len(e.Data) || m.Length < 0 {
					continue
				}
				end := min(m.Offset+m.Length, len(e.Data))
				comment := fmt.Sprintf("step %d %s: %s[%d] %s%s: message %d/%d %s",
					st.Index+1, st.Info.ID, e.Comm, e.PID, r.Decoded.Call, where, j+1, len(r.Decoded.Netlink), m.Summary)
				pw.packet(uint64(ts), e.Kind == event.KindSend, e.SockProto, e.Data[m.Offset:end], m.Length, comment)
			}
		}
	}
	if pw.err == nil {
		pw.err = pw.w.Flush()
	}
	if pw.err != nil {
		return fmt.Errorf("writing pcapng: %w", pw.err)
	}
	return nil
}

// pcapngWriter writes little-endian pcapng blocks, keeping the first error.
type pcapngWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// block writes one block whose body body appends.
func (p *pcapngWriter) block(typ uint32, body func([]byte) []byte) {
	if p.err != nil {
		return
	}
	b := binary.LittleEndian.AppendUint32(p.buf[:0], typ)
	b = binary.LittleEndian.AppendUint32(b, 0) // total length, set below
	b = body(b)
	total := uint32(len(b) + 4)
	binary.LittleEndian.PutUint32(b[4:], total)
	b = binary.LittleEndian.AppendUint32(b, total)
	p.buf = b
	_, p.err = p.w.Write(b)
}

// packet writes an Enhanced Packet Block holding the cooked header and
// msg; origLen is the message's real length (larger than msg when the
// probe truncated the payload).
func (p *pcapngWriter) packet(tsNanos uint64, toKernel bool, family uint16, msg []byte, origLen int, comment string) {
	pktType, flags := uint16(packetUser), uint32(epbInbound)
	if toKernel {
		pktType, flags = packetKernel, epbOutbound
	}
	origLen = max(origLen, len(msg))
	p.block(blockEPB, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint32(b, 0) // interface 0
		b = binary.LittleEndian.AppendUint32(b, uint32(tsNanos>>32))
		b = binary.LittleEndian.AppendUint32(b, uint32(tsNanos))
		b = binary.LittleEndian.AppendUint32(b, uint32(cookedLen+len(msg)))
		b = binary.LittleEndian.AppendUint32(b, uint32(cookedLen+origLen))
		b = binary.BigEndian.AppendUint16(b, pktType)
		b = binary.BigEndian.AppendUint16(b, arphrdNetlink)
		b = append(b, make([]byte, 10)...) // address length and address: unused
		b = binary.BigEndian.AppendUint16(b, family)
		b = append(b, msg...)
		b = pad32(b)
		b = appendOption(b, optComment, comment)
		b = binary.LittleEndian.AppendUint16(b, optEPBFlags)
		b = binary.LittleEndian.AppendUint16(b, 4)
		b = binary.LittleEndian.AppendUint32(b, flags)
		return appendEndOfOptions(b)
	})
}

// appendOption appends a pcapng option with a string value, padded to 32 bits.
func appendOption(b []byte, code uint16, value string) []byte {
	if len(value) > 0xffff {
		value = value[:0xffff]
	}
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(value)))
	b = append(b, value...)
	return pad32(b)
}

func appendEndOfOptions(b []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, optEndOfOpt)
	return binary.LittleEndian.AppendUint16(b, 0)
}

func pad32(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
