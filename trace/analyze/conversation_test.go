package analyze

import (
	"testing"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

func send(seq uint64, nlSeq uint32, flags uint16) (*event.Event, []netlink.Message) {
	return &event.Event{Seq: seq, Kind: event.KindSend, SockIno: 7},
		[]netlink.Message{{Decoded: event.Decoded{Name: "RTM_GETLINK"}, Seq: nlSeq, Flags: flags}}
}

func recv(seq uint64) *event.Event {
	return &event.Event{Seq: seq, Kind: event.KindRecv, SockIno: 7}
}

// A request with NLM_F_ACK gets its reply, then the ACK in a later read:
// both answer the same request (dockerd's RTM_GETLINK does this).
func TestConversationLateAck(t *testing.T) {
	c := NewConversation()
	c.Observe(send(1, 42, 0x1|nlmFAck))
	reply := []netlink.Message{{Decoded: event.Decoded{Name: "RTM_NEWLINK"}, Seq: 42}}
	ack := []netlink.Message{{Decoded: event.Decoded{Name: "NLMSG_ERROR"}, Seq: 42, IsError: true}}
	if got := c.Observe(recv(2), reply); got[0] == nil || got[0].RequestSeq != 1 {
		t.Fatalf("reply not paired: %v", got)
	}
	if got := c.Observe(recv(3), ack); got[0] == nil || got[0].RequestSeq != 1 {
		t.Fatalf("late ACK not paired: %v", got)
	}
	if got := c.Observe(recv(4), ack); got[0] != nil {
		t.Fatalf("a second ACK paired with a closed exchange: %v", got[0])
	}
}

// Without NLM_F_ACK a single reply ends the exchange.
func TestConversationReplyCloses(t *testing.T) {
	c := NewConversation()
	c.Observe(send(1, 5, 0x1))
	reply := []netlink.Message{{Decoded: event.Decoded{Name: "RTM_NEWLINK"}, Seq: 5}}
	if got := c.Observe(recv(2), reply); got[0] == nil {
		t.Fatal("reply not paired")
	}
	if got := c.Observe(recv(3), reply); got[0] != nil {
		t.Fatal("exchange stayed open after its reply")
	}
}

// Requests never answered are forgotten oldest first, so memory stays
// bounded.
func TestConversationBounded(t *testing.T) {
	c := NewConversation()
	for i := range 5 * maxPending {
		c.Observe(send(uint64(i), uint32(i), 0x1))
	}
	if len(c.pending) > maxPending || len(c.order) > 2*maxPending {
		t.Fatalf("pending %d, order %d: not bounded by %d", len(c.pending), len(c.order), maxPending)
	}
	newest := []netlink.Message{{Seq: uint32(5*maxPending - 1)}}
	if got := c.Observe(recv(1), newest); got[0] == nil {
		t.Error("the newest request was forgotten")
	}
	oldest := []netlink.Message{{Seq: 0}}
	if got := c.Observe(recv(1), oldest); got[0] != nil {
		t.Error("the oldest request is still remembered")
	}
}

// A program that reuses one sequence number (0 is common) keeps one pending
// request and a short order: remembering stays cheap.
func TestConversationReusedSeq(t *testing.T) {
	c := NewConversation()
	for i := range 10 * maxPending {
		c.Observe(send(uint64(i), 0, 0x1))
	}
	if len(c.pending) != 1 || len(c.order) > 2*maxPending {
		t.Fatalf("pending %d, order %d after one key sent again and again", len(c.pending), len(c.order))
	}
	if got := c.Observe(recv(1), []netlink.Message{{Seq: 0}}); got[0] == nil || got[0].RequestSeq != uint64(10*maxPending-1) {
		t.Fatalf("reply paired with %+v, want the last request", got[0])
	}
}
