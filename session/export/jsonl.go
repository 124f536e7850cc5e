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

// JSONLEvent is one line of the jsonl export: the stable JSON form of an
// event ([trace.JSONEvent], the same object `netexplore trace --format json`
// prints) with the step it belongs to and the line of step code that caused
// it. Field names are part of netexplore's interface (docs/jsonl-schema.md);
// add, never rename.
type JSONLEvent struct {
	// Step is the step's index in the plan (0-based) and StepID its
	// libnetwork name.
	Step   int    `json:"step"`
	StepID string `json:"step_id"`
	analyze.JSONEvent
	// Origin is the source line in package steps that made the call.
	Origin *analyze.Frame `json:"origin,omitempty"`
}

// WriteJSONL writes every event of s, step by step, one JSON object per line.
func WriteJSONL(w io.Writer, s *session.Session) error {
	bw := bufio.NewWriter(w)
	for _, st := range s.Steps {
		recs := st.Records()
		for i := range recs {
			j := JSONLEvent{Step: st.Index, StepID: st.Info.ID, JSONEvent: recs[i].ToJSON(), Origin: st.Events[i].Origin}
			b, err := json.Marshal(j)
			if err != nil {
				return fmt.Errorf("encoding event %d of step %d: %w", recs[i].Event.Seq, st.Index, err)
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
