package lab

import "github.com/netexplore/netexplore/steps"

// request is one line the parent sends.
type request struct {
	// Op is "go", "run", "snapshot" or "quit".
	Op   string `json:"op"`
	Step int    `json:"step,omitempty"`
}

// reply is one line the lab sends back. For "run" it carries the
// StepResult's fields at the top level ({"step":i,"error":"...","changes":[...]}).
type reply struct {
	*steps.StepResult
	// Ready is set on the first line, once the lab is set up.
	Ready bool `json:"ready,omitempty"`
	// PID is the lab's process ID, on the ready line.
	PID int `json:"pid,omitempty"`
	// OK acknowledges "go" and "quit".
	OK bool `json:"ok,omitempty"`
	// Refused says why a request was not carried out.
	Refused string `json:"refused,omitempty"`
	// Snapshot answers "snapshot".
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}
