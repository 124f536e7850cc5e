package decode

import (
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"

	"golang.org/x/sys/unix"
)

// fuzzNames names generic netlink id 0x15 ethtool, so the fuzzer reaches
// the generated ethtool tables, and interface 1 lo.
func fuzzNames() *netlink.Context {
	n := &netlink.Names{}
	n.SetFamily(0x15, "ethtool")
	n.SetIfname(1, "lo")
	return n.Context()
}

// fuzzProtocol decodes arbitrary bytes as messages of one netlink
// protocol: decoding must never panic and every field must lie within the
// payload.
func fuzzProtocol(f *testing.F, protocol int, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	ctx := fuzzNames()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range netlink.DecodeContext(protocol, b, ctx) {
			if m.Offset < 0 || m.Offset+m.Length > len(b) {
				t.Fatalf("message at %d+%d outside %d bytes", m.Offset, m.Length, len(b))
			}
		}
	})
}

// A SOCK_DIAG_BY_FAMILY inet request, an XFRM_MSG_GETSA dump request, an
// ethtool FEATURES_GET and an RTM_NEWQDISC with TCA_KIND "htb".
var (
	seedSockDiag = []byte{0x48, 0, 0, 0, 20, 0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0, 2, 6, 0, 0, 0xff, 0xff, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	seedXfrm    = []byte{0x18, 0, 0, 0, 0x12, 0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0x1a, 0, 0, 0, 0, 0}
	seedEthtool = []byte{0x24, 0, 0, 0, 0x15, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 11, 1, 0, 0, 0x10, 0, 1, 0x80, 0x0c, 0, 2, 0, 'l', 'o', 0, 0, 0, 0, 0, 0}
	seedTC      = []byte{0x2c, 0, 0, 0, 36, 0, 1, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 8, 0, 1, 0, 'h', 't', 'b', 0}
)

func FuzzSockDiag(f *testing.F) { fuzzProtocol(f, unix.NETLINK_SOCK_DIAG, seedSockDiag) }
func FuzzXfrm(f *testing.F)     { fuzzProtocol(f, unix.NETLINK_XFRM, seedXfrm) }
func FuzzGenl(f *testing.F)     { fuzzProtocol(f, unix.NETLINK_GENERIC, seedEthtool) }
func FuzzRouteTC(f *testing.F)  { fuzzProtocol(f, unix.NETLINK_ROUTE, seedTC) }
