package analyze

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"reflect"
	"slices"
	"strconv"

	"github.com/netexplore/netexplore/trace/decode"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// A traced program repeats itself: the same ioctl on the same interface,
// the same request with the next sequence number, the same reply. Decoders
// are pure functions of the event, so a decodeMemo decodes each distinct
// event once and shares the result (and its rendered forms) between the
// records that have it.
//
// Netlink messages differ from one exchange to the next only in their
// sequence number and port ID. The memo keys netlink payloads with those
// zeroed and patches the two header fields into a copy of the cached
// messages. That is exact only if the decoder shows the two values nowhere
// else (a summary that quotes the sequence number, an error that embeds the
// request's header): so the first time an entry would be patched, the event
// is also decoded afresh and compared; an entry whose patch differs is
// decoded afresh ever after.

// memoEntry is one distinct event: its key, the payload it was decoded
// from, the result, and rendered pieces of it.
type memoEntry struct {
	memo  *decodeMemo
	key   []byte
	data  []byte
	res   decode.Result
	patch patchState
	// learned is set once the names the result reveals were learned.
	learned bool

	// Rendered once, on first use by a printer.
	json, text rendered
	// hex is data in hex (JSON's data_hex), rendered on first use and
	// kept in step with data by patchInPlace.
	hex []byte
}

type patchState uint8

const (
	patchUnknown patchState = iota
	patchExact              // patching the header is the same as decoding
	patchWrong              // it is not: always decode
)

// The memo's bounds: entries, and bytes kept (keys, payloads and rendered
// pieces). When it is full it starts over.
const (
	memoMaxEntries = 4096
	memoMaxBytes   = 16 << 20
)

// memoMaxData is the largest payload the memo keeps; larger ones are
// decoded every time (they are rare and seldom repeat).
const memoMaxData = 64 << 10

type decodeMemo struct {
	seed    maphash.Seed
	entries map[uint64]*memoEntry
	bytes   int
	key     []byte
	// slab is where patched copies of field lists are carved from: one
	// allocation for thousands of fields instead of one per patched
	// message (a link reply has some 60 top-level fields, copied for
	// every exchange since each has its own sequence number).
	slab []event.Field
	// inPlace patches an exact entry's own result (StreamResults).
	inPlace bool
}

// slabFields is the slab's block size, in fields: 256 fields (22 KiB)
// stay a small object, whose memory the allocator reuses. Blocks of 8192
// fields were large objects, returned to the kernel after each collection
// and faulted in again (57,000 page faults for the storm instead of
// 16,000, and twice the memory).
const slabFields = 256

// cloneFields returns a copy of f carved from the slab. Its capacity is
// its length, so appending to it never writes into a neighbour's fields.
func (m *decodeMemo) cloneFields(f []event.Field) []event.Field {
	if len(f) > cap(m.slab)-len(m.slab) {
		m.slab = make([]event.Field, 0, max(slabFields, len(f)))
	}
	start := len(m.slab)
	m.slab = append(m.slab, f...)
	return m.slab[start:len(m.slab):len(m.slab)]
}

func newDecodeMemo() *decodeMemo {
	return &decodeMemo{seed: maphash.MakeSeed(), entries: make(map[uint64]*memoEntry)}
}

// memoizable reports whether e's decoding is worth keeping: events whose
// result names their process (forks, exits) or that are not shown are not.
func memoizable(e *event.Event) bool {
	switch e.Kind {
	case event.KindFork, event.KindExit, event.KindMmap, event.KindMarker, event.KindUnknown:
		return false
	}
	return len(e.Data) <= memoMaxData
}

// decode returns e's decoded form and the memo entry it shares, if any.
// ctx is the decoding context (nil for none) and gen its generation: what
// was decoded with an older generation of the names is decoded again.
func (m *decodeMemo) decode(e *event.Event, ctx *netlink.Context, gen uint64) (decode.Result, *memoEntry) {
	if !memoizable(e) {
		return decode.EventContext(e, ctx), nil
	}
	nl := isNetlinkPayload(e)
	m.key = appendKey(m.key[:0], e, nl)
	if ctx != nil {
		m.key = binary.LittleEndian.AppendUint64(m.key, gen)
	}
	h := maphash.Bytes(m.seed, m.key)
	ent, ok := m.entries[h]
	if !ok || !bytes.Equal(ent.key, m.key) {
		res := decode.EventContext(e, ctx)
		if len(m.entries) >= memoMaxEntries || m.bytes >= memoMaxBytes {
			m.entries = make(map[uint64]*memoEntry)
			m.bytes = 0
		}
		ent = &memoEntry{memo: m, key: bytes.Clone(m.key), data: bytes.Clone(e.Data), res: res}
		m.entries[h] = ent
		m.bytes += 2*len(m.key) + 256
		return res, ent
	}
	if bytes.Equal(ent.data, e.Data) {
		return ent.res, ent
	}
	// Same messages, other sequence numbers or port IDs.
	switch ent.patch {
	case patchExact:
		if m.inPlace {
			if patchInPlace(ent, e.Data) {
				return ent.res, ent
			}
			break
		}
		if res, ok := patched(ent, e.Data); ok {
			return res, ent
		}
	case patchUnknown:
		fresh := decode.EventContext(e, ctx)
		res, ok := patched(ent, e.Data)
		if ok && reflect.DeepEqual(fresh, res) {
			ent.patch = patchExact
			if m.inPlace && patchInPlace(ent, e.Data) {
				return ent.res, ent
			}
			return res, ent
		}
		ent.patch = patchWrong
		return fresh, nil
	}
	return decode.EventContext(e, ctx), nil
}

func isNetlinkPayload(e *event.Event) bool {
	return (e.Kind == event.KindSend || e.Kind == event.KindRecv) && e.SockFamily == unix.AF_NETLINK && !e.IsPeek()
}

// appendKey appends what decoding e depends on: every header field but
// the event's number, time and process, then the payload, with the
// sequence number and port ID of each netlink message zeroed.
func appendKey(b []byte, e *event.Event, nl bool) []byte {
	b = append(b, byte(e.Kind), boolByte(e.ReadFault), boolByte(nl))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.Fd))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.Ret))
	for _, a := range e.Args {
		b = binary.LittleEndian.AppendUint64(b, a)
	}
	b = binary.LittleEndian.AppendUint64(b, e.SockIno)
	b = binary.LittleEndian.AppendUint16(b, e.SockFamily)
	b = binary.LittleEndian.AppendUint16(b, e.SockType)
	b = binary.LittleEndian.AppendUint16(b, e.SockProto)
	b = binary.LittleEndian.AppendUint32(b, e.NetNS)
	b = binary.LittleEndian.AppendUint32(b, e.DataLen)
	b = append(b, byte(len(e.Syscall)))
	b = append(b, e.Syscall...)
	b = append(b, e.Path...)
	b = append(b, 0)
	start := len(b)
	b = append(b, e.Data...)
	if nl {
		zeroNetlinkIDs(b[start:])
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// nlmsghdr: len u32, type u16, flags u16, seq u32, pid u32.
const (
	nlHdrLen = 16
	nlSeqOff = 8
	nlPidOff = 12
)

// zeroNetlinkIDs clears the sequence number and port ID of each message
// in a netlink payload, as far as the messages' lengths are sound.
func zeroNetlinkIDs(b []byte) {
	for off := 0; off+nlHdrLen <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off:]))
		if n < nlHdrLen || off+n > len(b) {
			return
		}
		clear(b[off+nlSeqOff : off+nlHdrLen])
		off += (n + 3) &^ 3
	}
}

// patched returns the entry's result with the sequence numbers and port
// IDs of data's messages; ok is false when a value would change outside
// a message's header block.
func patched(ent *memoEntry, data []byte) (decode.Result, bool) {
	res := ent.res
	res.Netlink = slices.Clone(ent.res.Netlink)
	for i := range res.Netlink {
		m := &res.Netlink[i]
		seq, pid, ok := headerIDs(m, data)
		if !ok {
			return res, false
		}
		if seq == m.Seq && pid == m.PortID {
			continue
		}
		head := m.Fields[0]
		if seq != m.Seq {
			head = ent.memo.patchField(head, m.Offset+nlSeqOff, idValue(seq))
		}
		if pid != m.PortID {
			head = ent.memo.patchField(head, m.Offset+nlPidOff, idValue(pid))
		}
		fields := ent.memo.cloneFields(m.Fields)
		fields[0] = head
		m.Fields, m.Seq, m.PortID = fields, seq, pid
	}
	return res, true
}

// headerIDs returns the sequence number and port ID data gives message
// m; ok is false when they cannot be patched into m's fields (data is too
// short for m's header, or they changed and the header is not m's first
// block).
func headerIDs(m *netlink.Message, data []byte) (seq, pid uint32, ok bool) {
	if m.Offset+nlHdrLen > len(data) || len(m.Fields) == 0 {
		return 0, 0, false
	}
	seq = binary.LittleEndian.Uint32(data[m.Offset+nlSeqOff:])
	pid = binary.LittleEndian.Uint32(data[m.Offset+nlPidOff:])
	if seq == m.Seq && pid == m.PortID {
		return seq, pid, true
	}
	head := m.Fields[0]
	return seq, pid, m.Offset+nlHdrLen <= head.Offset+head.Length
}

// idValue is how a header field shows a sequence number or port ID.
func idValue(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// patchInPlace is patched for a consumer that is done with the previous
// record: the entry's own result takes data's sequence numbers and port
// IDs in place, nothing is copied (the results handed out before change
// with it), and the entry's payload and its hex become data, so that an
// identical event finds the result that matches it. It reports false,
// leaving the entry as it was, where patched would.
func patchInPlace(ent *memoEntry, data []byte) bool {
	msgs := ent.res.Netlink
	for i := range msgs {
		if _, _, ok := headerIDs(&msgs[i], data); !ok {
			return false
		}
	}
	for i := range msgs {
		m := &msgs[i]
		seq, pid, _ := headerIDs(m, data)
		if seq != m.Seq {
			setLeaf(&m.Fields[0], m.Offset+nlSeqOff, idValue(seq))
		}
		if pid != m.PortID {
			setLeaf(&m.Fields[0], m.Offset+nlPidOff, idValue(pid))
		}
		m.Seq, m.PortID = seq, pid
	}
	copy(ent.data, data)
	if ent.hex != nil {
		for i := range msgs {
			ids := msgs[i].Offset + nlSeqOff
			hex.Encode(ent.hex[2*ids:], ent.data[ids:msgs[i].Offset+nlHdrLen])
		}
	}
	return true
}

// dataHex returns data in hex when it is the entry's payload (a repeated
// event: JSON's data_hex need not be encoded again), else nil.
func (m *memoEntry) dataHex(data []byte) []byte {
	if m == nil || !bytes.Equal(m.data, data) {
		return nil
	}
	if m.hex == nil {
		m.hex = hex.AppendEncode(make([]byte, 0, 2*len(m.data)), m.data)
		m.memo.bytes += len(m.hex)
	}
	return m.hex
}

// setLeaf sets the value of the 4-byte leaf field at offset off (anywhere
// below f) in place: patchField without the copies.
func setLeaf(f *event.Field, off int, value string) {
	for !isLeafAt(f, off) {
		i := childAt(f, off)
		if i < 0 {
			return
		}
		f = &f.Children[i]
	}
	f.Value = value
}

// isLeafAt reports whether f is the 4-byte leaf field at offset off.
func isLeafAt(f *event.Field, off int) bool {
	return f.Offset == off && f.Length == 4 && len(f.Children) == 0
}

// childAt returns the index of f's child that holds offset off, or -1.
func childAt(f *event.Field, off int) int {
	for i := range f.Children {
		if c := &f.Children[i]; off >= c.Offset && off < c.Offset+c.Length {
			return i
		}
	}
	return -1
}

// patchField returns f with the value of the 4-byte leaf field at offset
// off (anywhere below f) replaced; f itself is not modified.
func (m *decodeMemo) patchField(f event.Field, off int, value string) event.Field {
	if isLeafAt(&f, off) {
		f.Value = value
		return f
	}
	if i := childAt(&f, off); i >= 0 {
		children := m.cloneFields(f.Children)
		children[i] = m.patchField(f.Children[i], off, value)
		f.Children = children
	}
	return f
}

// rendered holds pieces of an entry's result rendered in one format: the
// decoded tree of a non-netlink payload and, for each netlink message, its
// fields after the header block (the part a patch never touches); for
// JSON also the errno member and the members from "call" to "peek".
type rendered struct {
	done        bool
	fields      []byte
	tails       [][]byte
	errno, call []byte
}

// forJSON and forText return the entry's rendered pieces, rendering them
// on first use; nil for no entry.
func (m *memoEntry) forJSON() *rendered {
	if m == nil {
		return nil
	}
	if !m.json.done {
		m.json.errno = appendErrnoJSON([]byte{}, &m.res)
		m.json.call = appendCallJSON(nil, &m.res)
		m.render(&m.json, appendFieldsJSON, appendFieldsTailJSON)
		m.memo.bytes += len(m.json.errno) + len(m.json.call)
	}
	return &m.json
}

func (m *memoEntry) forText() *rendered {
	if m == nil {
		return nil
	}
	if !m.text.done {
		m.render(&m.text,
			func(dst []byte, f []event.Field) []byte { return appendFieldsText(dst, f, 2) },
			func(dst []byte, f []event.Field) []byte { return appendFieldsText(dst, f, 3) })
	}
	return &m.text
}

// render fills r with the entry's tree (whole) and message tails (tail).
func (m *memoEntry) render(r *rendered, whole, tail func([]byte, []event.Field) []byte) {
	r.done = true
	if len(m.res.Fields) > 0 {
		r.fields = whole(nil, m.res.Fields)
	}
	r.tails = make([][]byte, len(m.res.Netlink))
	for i := range m.res.Netlink {
		if fields := m.res.Netlink[i].Fields; len(fields) > 0 {
			r.tails[i] = tail([]byte{}, fields[1:])
			m.memo.bytes += len(r.tails[i])
		}
	}
	m.memo.bytes += len(r.fields)
}

// tree returns the rendered decoded tree, or nil.
func (r *rendered) tree() []byte {
	if r == nil {
		return nil
	}
	return r.fields
}

// tail returns message i's rendered fields after the first, or nil.
func (r *rendered) tail(i int) []byte {
	if r == nil || i >= len(r.tails) {
		return nil
	}
	return r.tails[i]
}
