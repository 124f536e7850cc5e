package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/netexplore/netexplore/trace/analyze"

	"github.com/netexplore/netexplore/session"
)

func init() {
	register(JSONL, 2, false, func(w io.Writer, s *session.Session, _ Options) error { return WriteJSONL(w, s) })
}

// JSONLEvent is one event of a walkthrough as JSON: each line of the jsonl
// export, and each element of a step's "events" in `netexplore run
// --format json` — the same object in both. It is the stable JSON form of
// an event ([analyze.JSONEvent], what `netexplore trace --format json`
// prints) with the step it belongs to, its number in that step, when and
// in which namespace it happened, and the line of step code that caused
// it. Field names are part of netexplore's interface
// (docs/jsonl-schema.md): added, never renamed.
type JSONLEvent struct {
	// StepIndex is the step's position in the plan, from 0 (people read
	// it as StepIndex+1), and StepID its libnetwork name.
	StepIndex int    `json:"step_index"`
	StepID    string `json:"step_id"`
	// Step repeats StepIndex under the name the jsonl export first gave
	// it. Deprecated: read step_index; only the jsonl export writes it.
	Step *int `json:"step,omitempty"`
	// Event is the event's number in its step, from 1: the number the
	// walkthrough, the text and the Markdown exports show.
	Event int `json:"event"`
	// OffsetNs is how long after the step started the event happened.
	OffsetNs int64 `json:"offset_ns"`
	// NetnsName names the event's network namespace ("host",
	// "container1") when the session's network states know its inode.
	NetnsName string `json:"netns_name,omitempty"`
	// ReplyToEvent is, for a reply, the Event number of the request it
	// answers when that request is in the same step.
	ReplyToEvent int `json:"reply_to_event,omitempty"`
	analyze.JSONEvent
	// Origin is the source line in package steps that made the call.
	Origin *analyze.Frame `json:"origin,omitempty"`
}

// StepEvents returns the events of step st of s in their JSON form.
func StepEvents(s *session.Session, st *session.Step) []JSONLEvent {
	recs := st.Records()
	number := make(map[uint64]int, len(recs))
	for i := range recs {
		number[recs[i].Event.Seq] = i + 1
	}
	out := make([]JSONLEvent, len(recs))
	for i := range recs {
		j := JSONLEvent{
			StepIndex: st.Index, StepID: st.Info.ID, Event: i + 1,
			OffsetNs:  int64(st.Offset(i)),
			NetnsName: s.NetnsName(recs[i].Event.NetNS),
			JSONEvent: recs[i].ToJSON(), Origin: st.Events[i].Origin,
		}
		for _, x := range recs[i].Replies {
			if x != nil {
				j.ReplyToEvent = number[x.RequestSeq]
				break
			}
		}
		out[i] = j
	}
	return out
}

// WriteJSONL writes every event of s, step by step, one JSON object per line.
func WriteJSONL(w io.Writer, s *session.Session) error {
	bw := bufio.NewWriter(w)
	for _, st := range s.Steps {
		for _, j := range StepEvents(s, st) {
			index := j.StepIndex
			j.Step = &index
			b, err := json.Marshal(j)
			if err != nil {
				return fmt.Errorf("encoding event %d of step %d: %w", j.Event, st.Index+1, err)
			}
			bw.Write(b)
			bw.WriteByte('\n')
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing jsonl: %w", err)
	}
	return nil
}
