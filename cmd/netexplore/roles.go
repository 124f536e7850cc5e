package main

import (
	"github.com/netexplore/netexplore/steps/lab"
)

// runInternalRole runs this process as one of netexplore's internal
// re-executions (the lab runner) when the environment says so.
func runInternalRole() (int, bool) {
	if lab.IsChild() {
		return lab.Main(), true
	}
	return 0, false
}
