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
		v2010:   true,
		plan:    planner.nonePlan,
	})
}

// nonePlan is `docker run --network none`.
func (p planner) nonePlan(w *world) []Step {
	c := newContainer("container1", netip.Prefix{}, netip.Addr{}, 0)
	c.ns.sysctls = containerSysctls(false)
	if p.cfg.v2010() {
		return []Step{runcCreateStep(w, c, true), setKeyStep(c, true), nullDriverStep(c), ociSysctlsStep(c), checkOnlyLoopbackStep(c)}
	}
	return append(newSandboxSteps(w, c), nullDriverStep(c), checkOnlyLoopbackStep(c))
}
