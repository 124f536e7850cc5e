package main

import (
	"github.com/netexplore/netexplore/steps"
)

// runInternalRole runs this process as one of netexplore's internal
// re-executions (the lab runner) when the environment says so.
func runInternalRole() (int, bool) {
	if steps.IsLabProcess() {
		return steps.LabMain(), true
	}
	return 0, false
}
