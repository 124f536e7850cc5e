package export

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/session"
)

// pcapngBlock is one block of a pcapng file.
type pcapngBlock struct {
	typ  uint32
	body []byte // between the length fields
}

// readPCAPNG splits a little-endian pcapng file into blocks, checking the
// framing: lengths that agree, 32-bit alignment, nothing left over.
func readPCAPNG(t *testing.T, b []byte) []pcapngBlock {
	t.Helper()
	var out []pcapngBlock
	for len(b) > 0 {
		if len(b) < 12 {
			t.Fatalf("%d stray bytes at the end", len(b))
		}
		typ, n := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
		if n%4 != 0 || n < 12 || int(n) > len(b) {
			t.Fatalf("block of type %#x has length %d (%d bytes left)", typ, n, len(b))
		}
		if tail := binary.LittleEndian.Uint32(b[n-4:]); tail != n {
			t.Fatalf("block of type %#x: trailing length %d, leading %d", typ, tail, n)
		}
		out = append(out, pcapngBlock{typ, b[8 : n-4]})
		b = b[n:]
	}
	return out
}

// options parses pcapng options into code -> values.
func options(t *testing.T, b []byte) map[uint16][][]byte {
	t.Helper()
	opts := map[uint16][][]byte{}
	for len(b) >= 4 {
		code, n := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
		if code == optEndOfOpt {
			return opts
		}
		padded := (n + 3) &^ 3
		if 4+padded > len(b) {
			t.Fatalf("option %d of length %d overruns its block", code, n)
		}
		opts[code] = append(opts[code], b[4:4+n])
		b = b[4+padded:]
	}
	t.Fatal("options without opt_endofopt")
	return nil
}

// netlinkMessages counts the messages the pcapng export should contain.
func netlinkMessages(s *session.Session) (sends, recvs int) {
	for _, st := range s.Steps {
		for _, r := range st.Records() {
			if r.Event.SockFamily != unix.AF_NETLINK {
				continue
			}
			switch r.Event.Kind {
			case event.KindSend:
				sends += len(r.Decoded.Netlink)
			case event.KindRecv:
				recvs += len(r.Decoded.Netlink)
			}
		}
	}
	return sends, recvs
}

func TestPCAPNGStructure(t *testing.T) {
	s := embedded(t)
	blocks := readPCAPNG(t, export(t, s, PCAPNG, Options{}))
	if len(blocks) < 3 || blocks[0].typ != blockSHB || blocks[1].typ != blockIDB {
		t.Fatalf("file starts with blocks %#x, %#x: want a section header and an interface", blocks[0].typ, blocks[1].typ)
	}
	shb := blocks[0].body
	if binary.LittleEndian.Uint32(shb) != byteOrderMagic || binary.LittleEndian.Uint16(shb[4:]) != 1 {
		t.Errorf("section header: magic %#x version %d", binary.LittleEndian.Uint32(shb), binary.LittleEndian.Uint16(shb[4:]))
	}
	if shbOS := options(t, shb[16:])[optSHBOS]; len(shbOS) != 1 || string(shbOS[0]) != "Linux "+s.Header.Kernel {
		t.Errorf("section header shb_os = %q", shbOS)
	}
	idb := blocks[1].body
	if lt := binary.LittleEndian.Uint16(idb); lt != linkTypeNetlink {
		t.Errorf("link type %d, want LINKTYPE_NETLINK (253)", lt)
	}
	if res := options(t, idb[8:])[optIfTSResol]; len(res) != 1 || !bytes.Equal(res[0], []byte{9}) {
		t.Errorf("if_tsresol = %v, want nanoseconds (9)", res)
	}

	sends, recvs := netlinkMessages(s)
	gotSends, gotRecvs := 0, 0
	var last uint64
	for i, blk := range blocks[2:] {
		if blk.typ != blockEPB {
			t.Fatalf("block %d has type %#x, want an enhanced packet block", i+2, blk.typ)
		}
		b := blk.body
		ts := uint64(binary.LittleEndian.Uint32(b[4:]))<<32 | uint64(binary.LittleEndian.Uint32(b[8:]))
		capLen, origLen := binary.LittleEndian.Uint32(b[12:]), binary.LittleEndian.Uint32(b[16:])
		if ts < last {
			t.Errorf("packet %d goes back in time", i+1)
		}
		last = ts
		if capLen > origLen || int(capLen) > len(b)-20 || capLen < cookedLen+16 {
			t.Fatalf("packet %d: captured %d, original %d, block body %d", i+1, capLen, origLen, len(b))
		}
		pkt := b[20 : 20+capLen]
		pktType, hatype, family := binary.BigEndian.Uint16(pkt), binary.BigEndian.Uint16(pkt[2:]), binary.BigEndian.Uint16(pkt[14:])
		if hatype != arphrdNetlink || (family != unix.NETLINK_ROUTE && family != unix.NETLINK_NETFILTER) {
			t.Errorf("packet %d: hatype %d family %d", i+1, hatype, family)
		}
		if nlLen := binary.LittleEndian.Uint32(pkt[cookedLen:]); nlLen != origLen-cookedLen {
			t.Errorf("packet %d: nlmsg_len %d but the packet holds %d bytes", i+1, nlLen, origLen-cookedLen)
		}
		opts := options(t, b[20+(capLen+3)&^3:])
		flags := binary.LittleEndian.Uint32(opts[optEPBFlags][0])
		switch {
		case pktType == packetKernel && flags == epbOutbound:
			gotSends++
		case pktType == packetUser && flags == epbInbound:
			gotRecvs++
		default:
			t.Errorf("packet %d: packet type %d with direction flags %#x", i+1, pktType, flags)
		}
		if c := opts[optComment]; len(c) != 1 || !strings.HasPrefix(string(c[0]), "step ") {
			t.Errorf("packet %d: comment %q", i+1, c)
		}
	}
	if gotSends != sends || gotRecvs != recvs {
		t.Errorf("%d requests and %d replies in the capture, want %d and %d", gotSends, gotRecvs, sends, recvs)
	}
}

// TestPCAPNGTshark has Wireshark's tshark read the export: it must dissect
// rtnetlink and nfnetlink messages and report nothing malformed. CI
// installs tshark; elsewhere the test is skipped without it.
func TestPCAPNGTshark(t *testing.T) {
	tshark := testutil.RequireCommand(t, "tshark", "tshark")
	s := embedded(t)
	path := filepath.Join(t.TempDir(), "docker0.pcapng")
	if err := os.WriteFile(path, export(t, s, PCAPNG, Options{}), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tshark, append([]string{"-n", "-r", path}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			// tshark warns about running as root; anything else is a problem.
			if line != "" && !strings.HasPrefix(line, "Running as user") {
				t.Errorf("tshark %s: %s", strings.Join(args, " "), line)
			}
		}
		return stdout.String()
	}

	full := run("-V")
	for _, bad := range []string{"Malformed", "Expert Info (Warning", "Expert Info (Error", "Dissector bug", "[Packet size limited"} {
		if strings.Contains(full, bad) {
			i := strings.Index(full, bad)
			t.Errorf("tshark reports %q:\n%s", bad, full[max(0, i-600):min(len(full), i+200)])
		}
	}
	for _, want := range []string{
		"Linux rtnetlink (route netlink) protocol",
		"Linux netlink netfilter protocol",
		"Link-layer address type: Netlink (824)",
		"Device name: docker0",
		"step ", // the packet comments
	} {
		if !strings.Contains(full, want) {
			t.Errorf("tshark -V output lacks %q", want)
		}
	}

	sends, recvs := netlinkMessages(s)
	if n := strings.Count(run("-T", "fields", "-e", "frame.number"), "\n"); n != sends+recvs {
		t.Errorf("tshark reads %d packets, want %d", n, sends+recvs)
	}
	// RTM_NEWLINK (16) and RTM_NEWADDR (20) requests are dissected by the
	// rtnetlink dissector, the nf_tables batches by the netfilter one.
	for filter, least := range map[string]int{
		"netlink-route.nltype == 16":     2,
		"netlink-route.nltype == 20":     1,
		"netlink-netfilter.subsys == 10": 100,
	} {
		if n := strings.Count(run("-Y", filter, "-T", "fields", "-e", "frame.number"), "\n"); n < least {
			t.Errorf("tshark -Y %q matches %d packets, want at least %d", filter, n, least)
		}
	}
}
