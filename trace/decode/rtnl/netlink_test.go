package rtnl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/internal/capture"
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"

	"github.com/google/go-cmp/cmp"
)

// nlCheckBounds reports the first field that is not inside [lo, hi) or not
// inside its parent.
func nlCheckBounds(fields []event.Field, lo, hi int) string {
	for _, f := range fields {
		if f.Offset < lo || f.Length < 0 || f.Offset+f.Length > hi {
			return fmt.Sprintf("%s at %d+%d is outside %d..%d", f.Name, f.Offset, f.Length, lo, hi)
		}
		if err := nlCheckBounds(f.Children, f.Offset, f.Offset+f.Length); err != "" {
			return err
		}
	}
	return ""
}

// nlMsg builds a netlink message for tests.
func nlMsg(typ, flags uint16, body ...[]byte) []byte {
	return rtnlBuildMessage(typ, flags, body...)
}

func TestNetlinkFlagNames(t *testing.T) {
	tests := []struct {
		flags uint16
		op    netlink.OpKind
		ack   bool
		want  string
	}{
		{0, netlink.OpNew, false, "0"},
		{0x1, netlink.OpOther, false, "NLM_F_REQUEST"},
		{0x605, netlink.OpNew, false, "NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL"},
		{0x505, netlink.OpNew, false, "NLM_F_REQUEST|NLM_F_ACK|NLM_F_REPLACE|NLM_F_CREATE"},
		{0xc05, netlink.OpNew, false, "NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_APPEND"},
		{0x301, netlink.OpGet, false, "NLM_F_REQUEST|NLM_F_DUMP"},
		{0x101, netlink.OpGet, false, "NLM_F_REQUEST|NLM_F_ROOT"},
		{0x701, netlink.OpGet, false, "NLM_F_REQUEST|NLM_F_DUMP|NLM_F_ATOMIC"},
		{0x105, netlink.OpDel, false, "NLM_F_REQUEST|NLM_F_ACK|NLM_F_NONREC"},
		{0x205, netlink.OpDel, false, "NLM_F_REQUEST|NLM_F_ACK|NLM_F_BULK"},
		{0x100, netlink.OpOther, true, "NLM_F_CAPPED"},
		{0x322, netlink.OpOther, true, "NLM_F_MULTI|NLM_F_DUMP_FILTERED|NLM_F_CAPPED|NLM_F_ACK_TLVS"},
		{0x301, netlink.OpOther, false, "NLM_F_REQUEST|0x300"},
		{0x1018, netlink.OpNew, false, "NLM_F_ECHO|NLM_F_DUMP_INTR|0x1000"},
	}
	for _, tt := range tests {
		if got := netlink.FlagNames(tt.flags, tt.op, tt.ack); got != tt.want {
			t.Errorf("nlFlagNames(%#x, %d, %v) = %q, want %q", tt.flags, tt.op, tt.ack, got, tt.want)
		}
	}
}

// TestNetlinkMalformed feeds broken buffers: decoding must stop at the bad
// length, say why, and keep every field inside the buffer.
func TestNetlinkMalformed(t *testing.T) {
	good := nlMsg(18, 0x301, make([]byte, 16)) // RTM_GETLINK dump
	short := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(short, 8) // nlmsg_len below the header size
	long := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(long, 4096)
	badAttr := nlMsg(16, 0x605, make([]byte, 16), []byte{0x40, 0, 3, 0, 'b', 'r', '0', 0})
	tests := []struct {
		name      string
		b         []byte
		msgs      int
		malformed []string
	}{
		{"two good messages", append(append([]byte(nil), good...), good...), 2, []string{"", ""}},
		{"nlmsg_len below 16", append(append([]byte(nil), short...), good...), 1, []string{"nlmsg_len 8 is shorter than the 16-byte header"}},
		{"nlmsg_len past the end", long, 1, []string{"nlmsg_len 4096 runs past the end of the payload (32 bytes left)"}},
		{"stray bytes after a message", append(append([]byte(nil), good...), 1, 2, 3), 2, []string{"", "3 bytes left at offset 32, too few for a 16-byte nlmsghdr"}},
		{"zero padding after a message", append(append([]byte(nil), good...), make([]byte, 40)...), 1, []string{""}},
		{"attribute longer than the message", badAttr, 1, []string{"attribute at offset 32 has nla_len 64 with 8 bytes left"}},
		{"only stray bytes", []byte{1, 2}, 1, []string{"2 bytes left at offset 0, too few for a 16-byte nlmsghdr"}},
		{"empty", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := netlink.Decode(unix.NETLINK_ROUTE, tt.b)
			var got []string
			for _, m := range msgs {
				got = append(got, m.Malformed)
				if err := nlCheckBounds(m.Fields, 0, len(tt.b)); err != "" {
					t.Error(err)
				}
			}
			if len(msgs) != tt.msgs || !cmp.Equal(got, tt.malformed) {
				t.Errorf("decoded %d messages, malformed %q; want %d, %q", len(msgs), got, tt.msgs, tt.malformed)
			}
		})
	}
}

// TestNetlinkTruncatedCapture decodes a dump cut short, as a capture limit
// would: the complete messages decode, the last one decodes as far as it
// goes and says it was cut.
func TestNetlinkTruncatedCapture(t *testing.T) {
	c := readRtnlCapture(t, "link_dump")
	full := c.Records[3].Data
	cut := full[:len(full)-700]
	msgs := netlink.Decode(unix.NETLINK_ROUTE, cut)
	whole := netlink.Decode(unix.NETLINK_ROUTE, full)
	if len(msgs) != len(whole) {
		t.Fatalf("decoded %d messages of the cut buffer, %d of the whole", len(msgs), len(whole))
	}
	last := msgs[len(msgs)-1]
	if !strings.Contains(last.Malformed, "runs past the end") {
		t.Errorf("last message Malformed = %q, want it to say it was cut", last.Malformed)
	}
	if last.Summary != whole[len(whole)-1].Summary {
		t.Errorf("cut message summary %q, want %q", last.Summary, whole[len(whole)-1].Summary)
	}
	if err := nlCheckBounds(last.Fields, last.Offset, len(cut)); err != "" {
		t.Error(err)
	}
}

func TestNetlinkControlMessages(t *testing.T) {
	done := nlMsg(3, 0x2, []byte{0xfe, 0xff, 0xff, 0xff}) // -ENOENT
	noop := nlMsg(1, 0)
	msgs := netlink.Decode(unix.NETLINK_ROUTE, append(done, noop...))
	var got []string
	for _, m := range msgs {
		got = append(got, m.Summary)
	}
	want := []string{"NLMSG_DONE error ENOENT (No such file or directory) NLM_F_MULTI", "NLMSG_NOOP"}
	if !cmp.Equal(got, want) {
		t.Errorf("summaries %q, want %q", got, want)
	}
	if !msgs[0].IsDone() {
		t.Error("NLMSG_DONE: IsDone() = false")
	}
	if f, _ := event.Top(msgs[0].Fields, "error"); f.Value != "-ENOENT (No such file or directory)" || f.Offset != 16 {
		t.Errorf("NLMSG_DONE error field = %+v", f)
	}
}

// TestNetlinkOtherProtocols checks that protocols without a decoder still
// get their header decoded and the body shown as bytes.
func TestNetlinkOtherProtocols(t *testing.T) {
	b := nlMsg(0x14, 0x1, []byte{1, 2, 3, 4})
	msgs := netlink.Decode(9, b) // NETLINK_AUDIT
	if len(msgs) != 1 {
		t.Fatalf("decoded %d messages, want 1", len(msgs))
	}
	want := []event.Field{{Name: "payload", Value: "01020304", Offset: 16, Length: 4}}
	if diff := cmp.Diff(want, msgs[0].Fields[1:]); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if msgs[0].Summary != "20 NLM_F_REQUEST" {
		t.Errorf("summary %q", msgs[0].Summary)
	}
}

// TestNetlinkGeneric decodes an nlctrl reply: the family's operations and
// multicast groups.
func TestNetlinkGeneric(t *testing.T) {
	msgs := rtnlDecode(t, "genl_ctrl", 1)
	if len(msgs) != 1 {
		t.Fatalf("decoded %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	for _, tt := range []struct{ path, want string }{
		{"genlmsghdr/cmd", "CTRL_CMD_NEWFAMILY"},
		{"genlmsghdr/version", "2"},
		{"CTRL_ATTR_FAMILY_NAME", `"nlctrl"`},
		{"CTRL_ATTR_OPS/[1]/CTRL_ATTR_OP_ID", "3"},
		{"CTRL_ATTR_OPS/[1]/CTRL_ATTR_OP_FLAGS", "GENL_CMD_CAP_DO|GENL_CMD_CAP_DUMP|GENL_CMD_CAP_HASPOL"},
		{"CTRL_ATTR_MCAST_GROUPS/[1]/CTRL_ATTR_MCAST_GRP_NAME", `"notify"`},
	} {
		f, ok := rtnlPath(m.Fields, strings.Split(tt.path, "/")...)
		if !ok || f.Value != tt.want {
			t.Errorf("%s = %q (found %v), want %q", tt.path, f.Value, ok, tt.want)
		}
	}
}

// TestNetlinkNestingLimit checks that absurdly deep nesting is cut off
// rather than followed.
func TestNetlinkNestingLimit(t *testing.T) {
	attr := []byte("veth")
	inner := rtnlBuildAttr(3, []byte("x\x00"))
	// VETH_INFO_PEER nests a link message, which nests IFLA_LINKINFO...
	for i := 0; i < 40; i++ {
		peer := rtnlBuildAttr(1, append(make([]byte, 16), inner...))
		info := append(rtnlBuildAttr(1, attr), rtnlBuildAttr(2, peer)...)
		inner = rtnlBuildAttr(18, info)
	}
	b := nlMsg(16, 0x605, make([]byte, 16), inner)
	msgs := netlink.Decode(unix.NETLINK_ROUTE, b)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Malformed, "nested more than") {
		t.Errorf("Malformed = %q, want the nesting limit", msgs[0].Malformed)
	}
}

// nlFuzzSeeds are the buffers of the stored captures: rtnl_*.hex for
// NETLINK_ROUTE and NETLINK_GENERIC, nft_*.hex for NETLINK_NETFILTER.
func nlFuzzSeeds(t testing.TB) map[int][][]byte {
	seeds := map[int][][]byte{}
	for _, pattern := range []string{"rtnl_*.hex", "nft_*.hex"} {
		paths, _ := filepath.Glob(filepath.Join(capture.Dir, pattern))
		for _, p := range paths {
			c, err := parseRtnlHex(p)
			if err != nil {
				t.Fatal(err)
			}
			proto := c.Protocol
			if strings.HasPrefix(filepath.Base(p), "nft_") {
				proto = unix.NETLINK_NETFILTER
			}
			for _, r := range c.Records {
				seeds[proto] = append(seeds[proto], r.Data)
			}
		}
	}
	return seeds
}

func FuzzDecodeNetlink(f *testing.F) {
	for proto, bufs := range nlFuzzSeeds(f) {
		for _, b := range bufs {
			if len(b) > 4096 {
				b = b[:4096]
			}
			f.Add(proto, b)
		}
	}
	f.Add(unix.NETLINK_ROUTE, nlMsg(16, 0x605, make([]byte, 16), rtnlBuildAttr(18|0x8000, rtnlBuildAttr(2, nil))))
	f.Fuzz(func(t *testing.T, proto int, b []byte) {
		switch proto {
		case unix.NETLINK_ROUTE, unix.NETLINK_NETFILTER, unix.NETLINK_GENERIC:
		default:
			proto = unix.NETLINK_ROUTE
		}
		msgs := netlink.Decode(proto, b)
		end := 0
		for _, m := range msgs {
			if m.Offset < end || m.Length < 0 || m.Offset+m.Length > len(b) {
				t.Fatalf("message at %d+%d outside the %d-byte buffer (previous ended at %d)", m.Offset, m.Length, len(b), end)
			}
			end = m.Offset + m.Length
			if err := nlCheckBounds(m.Fields, m.Offset, m.Offset+m.Length); err != "" {
				t.Fatalf("%s: %s", m.Summary, err)
			}
		}
		if len(b) >= netlink.HeaderLen && len(msgs) == 0 && !bytes.Equal(b, make([]byte, len(b))) {
			t.Fatalf("no message decoded from %d bytes", len(b))
		}
	})
}
