package analyze

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/event"
)

// Exchange names the request a reply answers.
type Exchange struct {
	// RequestSeq is the event sequence number of the send that carried the request.
	RequestSeq uint64 `json:"request_event"`
	// Type is the request's message type name ("RTM_NEWLINK").
	Type string `json:"type"`
	// Summary is the request's one-line summary.
	Summary string `json:"summary"`
	// NlSeq is the netlink sequence number shared by request and reply.
	NlSeq uint32 `json:"nlmsg_seq"`
}

type exchangeKey struct {
	sock uint64
	seq  uint32
}

// Conversation pairs netlink requests with their replies, ACKs and errors
// by (socket, nlmsg_seq), so a trace reads as a dialogue. Feed it every
// send and receive event in order.
type Conversation struct {
	pending map[exchangeKey]Exchange
}

// NewConversation returns an empty conversation.
func NewConversation() *Conversation {
	return &Conversation{pending: make(map[exchangeKey]Exchange)}
}

// Observe records the requests of a send event, or matches the messages of
// a receive event to the requests they answer. For a receive it returns one
// entry per message (nil where no request is known); for anything else nil.
func (c *Conversation) Observe(e *event.Event, msgs []netlink.Message) []*Exchange {
	switch e.Kind {
	case event.KindSend:
		for _, m := range msgs {
			c.pending[exchangeKey{e.SockIno, m.Seq}] = Exchange{
				RequestSeq: e.Seq, Type: m.Name, Summary: m.Summary, NlSeq: m.Seq,
			}
		}
		return nil
	case event.KindRecv:
		if e.IsPeek() {
			return nil
		}
		out := make([]*Exchange, len(msgs))
		for i, m := range msgs {
			key := exchangeKey{e.SockIno, m.Seq}
			ex, ok := c.pending[key]
			if !ok {
				continue
			}
			out[i] = &ex
			// An ACK, an error or the end of a dump closes the exchange;
			// a multipart reply keeps it open.
			if m.IsError || m.IsDone() || m.Flags&nlmFMulti == 0 {
				delete(c.pending, key)
			}
		}
		return out
	}
	return nil
}

const nlmFMulti = 0x2 // NLM_F_MULTI
