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

// pendingRequest is a request still waiting for (more of) its answer.
type pendingRequest struct {
	Exchange
	// wantsAck is set when the request carried NLM_F_ACK: its exchange ends
	// only with the ACK or error, which may arrive after a reply.
	wantsAck bool
	// n numbers the request among those remembered.
	n uint64
}

// maxPending bounds the requests a conversation remembers: a program that
// never reads its replies must not make a long trace grow without end. The
// oldest requests are forgotten first.
const maxPending = 4096

// Conversation pairs netlink requests with their replies, ACKs and errors
// by (socket, nlmsg_seq), so a trace reads as a dialogue. Feed it every
// send and receive event in order.
type Conversation struct {
	pending map[exchangeKey]pendingRequest
	order   []sentKey // requests in the order they were sent, oldest first
	sent    uint64    // requests remembered so far
}

// sentKey is a request's key and when it was sent: a key reused by a later
// request (the same sequence number again) names that one only.
type sentKey struct {
	key exchangeKey
	n   uint64
}

// NewConversation returns an empty conversation.
func NewConversation() *Conversation {
	return &Conversation{pending: make(map[exchangeKey]pendingRequest)}
}

// remember records a request, forgetting the oldest ones beyond maxPending.
func (c *Conversation) remember(key exchangeKey, p pendingRequest) {
	c.sent++
	p.n = c.sent
	c.pending[key] = p
	c.order = append(c.order, sentKey{key, p.n})
	for len(c.pending) > maxPending && len(c.order) > 0 {
		c.forget(c.order[0])
		c.order = c.order[1:]
	}
	if len(c.order) > 2*maxPending {
		// Most old requests were answered or sent again long ago; keep
		// only the live ones.
		live := make([]sentKey, 0, len(c.pending))
		for _, k := range c.order {
			if p, ok := c.pending[k.key]; ok && p.n == k.n {
				live = append(live, k)
			}
		}
		c.order = live
	}
}

// forget drops the request k if it is still the one pending under its key.
func (c *Conversation) forget(k sentKey) {
	if p, ok := c.pending[k.key]; ok && p.n == k.n {
		delete(c.pending, k.key)
	}
}

// Observe records the requests of a send event, or matches the messages of
// a receive event to the requests they answer. For a receive it returns one
// entry per message (nil where no request is known); for anything else nil.
func (c *Conversation) Observe(e *event.Event, msgs []netlink.Message) []*Exchange {
	switch e.Kind {
	case event.KindSend:
		for _, m := range msgs {
			c.remember(exchangeKey{e.SockIno, m.Seq}, pendingRequest{
				Exchange: Exchange{RequestSeq: e.Seq, Type: m.Name, Summary: m.Summary, NlSeq: m.Seq},
				wantsAck: m.Flags&nlmFAck != 0,
			})
		}
		return nil
	case event.KindRecv:
		if e.IsPeek() {
			return nil
		}
		out := make([]*Exchange, len(msgs))
		for i, m := range msgs {
			key := exchangeKey{e.SockIno, m.Seq}
			p, ok := c.pending[key]
			if !ok {
				continue
			}
			ex := p.Exchange
			out[i] = &ex
			// An ACK or an error closes the exchange. A multipart reply
			// keeps it open until NLMSG_DONE; a single reply closes it
			// unless the request also asked for an ACK, which comes after.
			if m.IsError || (!p.wantsAck && (m.IsDone() || m.Flags&nlmFMulti == 0)) {
				delete(c.pending, key)
			}
		}
		return out
	}
	return nil
}

// nlmsg_flags bits the pairing looks at (linux/netlink.h).
const (
	nlmFMulti = 0x2 // NLM_F_MULTI
	nlmFAck   = 0x4 // NLM_F_ACK
)
