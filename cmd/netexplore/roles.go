package main

import (
	"github.com/netexplore/netexplore/internal/dockerd"
	"github.com/netexplore/netexplore/steps/lab"
)

// runInternalRole runs this process as one of netexplore's internal
// re-executions (the lab runner, the throwaway Docker daemon) when the
// environment or arguments say so.
func runInternalRole() (int, bool) {
	if lab.IsChild() {
		return lab.Main(), true
	}
	if dockerd.IsRole() {
		return dockerd.RoleMain(), true
	}
	return 0, false
}
