package analyze

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/event"
	"golang.org/x/sys/unix"
)

// fixtureDir holds the decoders' kernel captures (see trace/decode).
const fixtureDir = "../decode/testdata"

// fixtureEvents turns every capture of the decoders' fixtures into the
// events the probe would have reported: netlink blocks into sends and
// receives, single payloads into the syscall their file names.
func fixtureEvents(t testing.TB) map[string][]event.Event {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.hex"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s (%v)", fixtureDir, err)
	}
	out := map[string][]event.Event{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".hex")
		out[name] = parseFixture(t, p)
	}
	return out
}

func parseFixture(t testing.TB, path string) []event.Event {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta := map[string]string{}
	type block struct {
		send    bool
		syscall string
		hex     strings.Builder
	}
	var blocks []*block
	var single strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			if k, v, ok := strings.Cut(strings.TrimSpace(line[1:]), ": "); ok {
				meta[k] = v
			}
		case strings.HasPrefix(line, "> "), strings.HasPrefix(line, "< "):
			blocks = append(blocks, &block{send: line[0] == '>', syscall: strings.TrimSpace(line[2:])})
		case len(blocks) > 0:
			blocks[len(blocks)-1].hex.WriteString(strings.Join(strings.Fields(line), ""))
		default:
			single.WriteString(strings.Join(strings.Fields(line), ""))
		}
	}
	base := event.Event{PID: 100, TID: 100, Comm: "fixture", Fd: 3, NetNS: 4026531840}
	var evs []event.Event
	if len(blocks) > 0 {
		proto := 12 // nf_tables captures do not say
		if v, ok := meta["protocol"]; ok {
			proto, _ = strconv.Atoi(v)
		}
		for _, b := range blocks {
			data, err := hex.DecodeString(b.hex.String())
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			e := base
			e.Kind, e.Syscall = event.KindRecv, b.syscall
			if b.send {
				e.Kind = event.KindSend
			}
			e.SockFamily, e.SockType, e.SockProto, e.SockIno = unix.AF_NETLINK, 3, uint16(proto), 77
			e.Data, e.DataLen, e.Ret = data, uint32(len(data)), int64(len(data))
			e.Stack = []uint64{0x401000}
			evs = append(evs, e)
		}
		return evs
	}
	data, err := hex.DecodeString(single.String())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	e := base
	e.Data, e.DataLen = data, uint32(len(data))
	if r, err := strconv.ParseInt(meta["result"], 0, 64); err == nil {
		e.Ret = r
	}
	for i, a := range strings.Fields(meta["args"]) {
		v, _ := strconv.ParseUint(a, 0, 64)
		if i < len(e.Args) {
			e.Args[i] = v
		}
	}
	e.Syscall = meta["syscall"]
	switch e.Syscall {
	case "ioctl":
		e.Kind, e.SockFamily = event.KindIoctl, 2
	case "setsockopt":
		e.Kind, e.SockFamily, e.SockProto = event.KindSetsockopt, unix.AF_NETLINK, 0
	case "getsockopt":
		e.Kind, e.SockFamily, e.SockProto = event.KindGetsockopt, unix.AF_NETLINK, 0
	case "sendto":
		e.Kind, e.SockFamily, e.SockType = event.KindSend, 17, 2
	default:
		e.Kind, e.Syscall = event.KindBind, "bind"
	}
	return []event.Event{e}
}

// stormFixture picks the events a busy tool repeats: an ioctl, an
// RTM_GETLINK request, a link reply, an nf_tables batch.
func stormFixture(t testing.TB, name string) event.Event {
	t.Helper()
	all := fixtureEvents(t)
	pick := func(file string, kind event.Kind, largest bool) event.Event {
		var best *event.Event
		for i := range all[file] {
			e := &all[file][i]
			if e.Kind == kind && (best == nil || largest && len(e.Data) > len(best.Data)) {
				best = e
			}
		}
		if best == nil {
			t.Fatalf("no %s event in fixture %s", kind, file)
		}
		return *best
	}
	switch name {
	case "ioctl":
		return pick("ioctl_siocgifflags_lo", event.KindIoctl, false)
	case "rtnl_request":
		return pick("rtnl_link_set_up", event.KindSend, false)
	case "rtnl_reply":
		// The first link of a dump, alone: the reply to RTM_GETLINK lo.
		e := pick("rtnl_link_dump", event.KindRecv, true)
		n := int(binary.LittleEndian.Uint32(e.Data))
		e.Data = e.Data[:n:n]
		e.DataLen, e.Ret = uint32(n), int64(n)
		return e
	case "nft_batch":
		return pick("nft_nat_new_docker", event.KindSend, true)
	}
	t.Fatalf("unknown storm fixture %s", name)
	return event.Event{}
}
