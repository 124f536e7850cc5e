package steps

import (
	"net/netip"
)

// ScenarioNone is `docker run --network none`.
const ScenarioNone = "none"

func init() {
	register(Scenario{
		Name:    ScenarioNone,
		Summary: "docker run --network none: the container gets its own network namespace with only lo",
		order:   10,
		plan:    planner.nonePlan,
	})
}

// nonePlan is `docker run --network none`.
func (p planner) nonePlan(w *world) []Step {
	c := newContainer("container1", netip.Prefix{}, netip.Addr{}, 0)
	c.ns.sysctls = nil
	return []Step{
		newSandboxStep(w, c),
		nullDriverStep(c),
		checkOnlyLoopbackStep(c),
	}
}
