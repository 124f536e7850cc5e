package nftables

import (
	"regexp"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// nft_sets.hex is nft 1.0.6 creating sets of several key types (one with
// a comment) and adding elements, each nft on its own, captured from the
// kernel by TestRtnlCapture (package rtnl, -update): every nft dumps the
// table's sets (NFT_MSG_GETSET) before its batch, so the element bytes are
// named by the set definitions seen before them.

// TestNetfilterSetElements decodes the capture as a trace does, with one
// context: elements read by their set's key and data types.
func TestNetfilterSetElements(t *testing.T) {
	var got []string
	for _, d := range decodeNftFile(t, "nft_sets.hex") {
		if d.dec.Name == "NFT_MSG_NEWSETELEM" {
			got = append(got, d.dec.Summary)
		}
	}
	want := []string{
		"setelem ip t s {10.0.0.1}",
		"setelem ip t p {80, ... 2 elements}",
		"setelem ip t m {10.0.0.0 . 80-10.255.255.255 . 80}",
		"setelem ip t mp {1.2.3.4 : 5.6.7.8}",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("set element summaries (-want +got):\n%s", diff)
	}
}

// TestNetfilterSetElementsUnknownSet decodes each message alone: the
// elements of a set not seen are shown in hex with what their length
// suggests, never as a bare number only.
func TestNetfilterSetElementsUnknownSet(t *testing.T) {
	var got []string
	for _, b := range readNftHex(t, "nft_sets.hex") {
		for _, m := range splitNetlink(t, b.data) {
			if d := decodeBody(m.typ, m.body, m.off+16); d.Name == "NFT_MSG_NEWSETELEM" {
				got = append(got, d.Summary)
			}
		}
	}
	want := []string{
		"setelem ip t s {0x0a000001 (address 10.0.0.1?)}",
		"setelem ip t p {0x0050 (port 80?), ... 2 elements}",
		"setelem ip t m {0x0a00000000500000-0x0affffff00500000}",
		"setelem ip t mp {0x01020304 (address 1.2.3.4?) : 0x05060708 (address 5.6.7.8?)}",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("set element summaries without the set (-want +got):\n%s", diff)
	}
}

// TestNetfilterSetAttrsNamed checks that every attribute and user data
// member of the capture has its name: the kernel's NFTA_SET_TYPE and
// NFTA_SET_COUNT (nf_tables.h, Linux 6.x) and libnftnl's NFTNL_UDATA_*.
func TestNetfilterSetAttrsNamed(t *testing.T) {
	unnamed := regexp.MustCompile(`\(\d+\)$|^udata type|^attr`)
	seen := map[string]string{}
	var walk func(fields []event.Field)
	walk = func(fields []event.Field) {
		for _, f := range fields {
			if unnamed.MatchString(f.Name) {
				t.Errorf("unnamed field %s = %s", f.Name, f.Value)
			}
			if strings.HasPrefix(f.Name, "NFTNL_UDATA_") || strings.HasPrefix(f.Name, "NFTA_SET_TYPE") || f.Name == "NFTA_SET_COUNT" {
				seen[f.Name] = f.Value
			}
			walk(f.Children)
		}
	}
	for _, d := range decodeNftFile(t, "nft_sets.hex") {
		walk(d.dec.Fields)
	}
	for name, want := range map[string]string{
		"NFTNL_UDATA_SET_COMMENT":       `"web ports"`,
		"NFTNL_UDATA_RULE_COMMENT":      `"hello"`,
		"NFTNL_UDATA_SET_KEYBYTEORDER":  "BYTEORDER_BIG_ENDIAN",
		"NFTNL_UDATA_SET_DATABYTEORDER": "BYTEORDER_BIG_ENDIAN",
		"NFTNL_UDATA_SET_TYPEOF_EXPR":   "EXPR_CONCAT",
	} {
		if seen[name] != want {
			t.Errorf("%s = %q, want %q", name, seen[name], want)
		}
	}
	if v := seen["NFTA_SET_TYPE"]; !strings.HasPrefix(v, `"`) {
		t.Errorf("NFTA_SET_TYPE = %q, want the backend as a string", v)
	}
	if _, ok := seen["NFTA_SET_COUNT"]; !ok {
		t.Error("no NFTA_SET_COUNT in the kernel's set dumps")
	}
}

// FuzzDecodeNetfilterSets decodes a set definition, then a set-element
// message, with one context: no panic, fields inside their bodies.
func FuzzDecodeNetfilterSets(f *testing.F) {
	var defs, elems [][]byte
	for _, b := range readNftHex(f, "nft_sets.hex") {
		for _, m := range splitNetlink(f, b.data) {
			switch m.typ {
			case unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWSET:
				defs = append(defs, m.body)
			case unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWSETELEM:
				elems = append(elems, m.body)
			}
		}
	}
	for i := range min(len(defs), len(elems)) {
		f.Add(defs[i], elems[i])
	}
	f.Fuzz(func(t *testing.T, def, elem []byte) {
		ctx := &netlink.Context{}
		for _, m := range []struct {
			typ  uint16
			body []byte
		}{{unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWSET, def}, {unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWSETELEM, elem}} {
			const base = 16
			d := decodeBodyContext(m.typ, m.body, base, ctx)
			var walk func(fields []event.Field)
			walk = func(fields []event.Field) {
				for _, fl := range fields {
					if fl.Offset < base || fl.Length < 0 || fl.Offset+fl.Length > base+len(m.body) {
						t.Fatalf("%s at %d+%d outside the body [%d, %d)", fl.Name, fl.Offset, fl.Length, base, base+len(m.body))
					}
					walk(fl.Children)
				}
			}
			walk(d.Fields)
		}
	})
}
