package packet

import (
	"testing"

	"github.com/netexplore/netexplore/trace/decode/internal/capture"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/event/eventtest"
	"golang.org/x/sys/unix"
)

// TestDecodeCaptured decodes the packet-socket sends captured from real
// programs (testdata/packet_*.hex).
func TestDecodeCaptured(t *testing.T) {
	cases := []struct {
		fixture  string
		sockType uint16
		summary  string
		fields   map[string]string
	}{
		{"packet_arp_gratuitous_dgram", unix.SOCK_DGRAM,
			"ARP who-has 10.9.0.1 tell 10.9.0.1 (gratuitous, from aa:d1:3e:2d:3e:cd)",
			map[string]string{"ar_op": "ARPOP_REQUEST", "ar_sip": "10.9.0.1", "ar_tip": "10.9.0.1", "ar_tha": "ff:ff:ff:ff:ff:ff"}},
		{"packet_arp_reply_raw", unix.SOCK_RAW,
			"ARP reply 10.9.0.1 is-at 02:42:0a:09:00:01",
			map[string]string{"h_dest": "ff:ff:ff:ff:ff:ff", "h_proto": "ETH_P_ARP", "ar_op": "ARPOP_REPLY", "ar_sha": "02:42:0a:09:00:01"}},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			fix := capture.Load(t, c.fixture)
			d := Decode(c.sockType, fix.Data)
			sum, fields := d.Summary, d.Fields
			if sum != c.summary {
				t.Errorf("summary %q, want %q", sum, c.summary)
			}
			for name, want := range c.fields {
				f, ok := event.Find(fields, name)
				if !ok || f.Value != want {
					t.Errorf("%s = %q (found %v), want %q", name, f.Value, ok, want)
				}
			}
			eventtest.CheckFieldBounds(t, fields, len(fix.Data))
		})
	}
}

// TestDecodeOther shows what is not ARP as its EtherType and bytes.
func TestDecodeOther(t *testing.T) {
	frame := capture.Load(t, "packet_arp_reply_raw").Data
	frame[12], frame[13] = 0x08, 0x00 // EtherType IPv4
	d := Decode(unix.SOCK_RAW, frame)
	sum, fields := d.Summary, d.Fields
	if sum != "ETH_P_IP frame to ff:ff:ff:ff:ff:ff, 42 bytes" {
		t.Errorf("summary %q", sum)
	}
	if f, ok := event.Find(fields, "payload"); !ok || f.Offset != 14 || f.Length != 28 {
		t.Errorf("payload field %+v", f)
	}
	if sum := Decode(unix.SOCK_DGRAM, []byte{1, 2, 3}).Summary; sum != "packet, 3 bytes" {
		t.Errorf("short datagram: %q", sum)
	}
	if sum := Decode(unix.SOCK_RAW, []byte{1, 2, 3}).Summary; sum != "short Ethernet frame, 3 bytes" {
		t.Errorf("short frame: %q", sum)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(uint16(unix.SOCK_RAW), capture.Load(f, "packet_arp_reply_raw").Data)
	f.Add(uint16(unix.SOCK_DGRAM), capture.Load(f, "packet_arp_gratuitous_dgram").Data)
	f.Fuzz(func(t *testing.T, sockType uint16, b []byte) {
		eventtest.CheckFieldBounds(t, Decode(sockType, b).Fields, len(b))
	})
}
