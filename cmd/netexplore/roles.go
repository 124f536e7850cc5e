package main

import (
	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/steps"
)

// runInternalRole runs this process as one of netexplore's internal
// re-executions (the lab runner, the throwaway Docker daemon) when the
// environment or arguments say so.
func runInternalRole() (int, bool) {
	if steps.IsLabProcess() {
		return steps.LabMain(), true
	}
	if dockerd.IsRole() {
		return dockerd.RoleMain(), true
	}
	return 0, false
}
