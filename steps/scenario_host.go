package steps

// ScenarioHost is `docker run --network host`.
const ScenarioHost = "host"

func init() {
	register(Scenario{
		Name:    ScenarioHost,
		Summary: "docker run --network host: no namespace and no network objects; the container shares the host's network",
		order:   20,
		v2010:   true,
		plan:    planner.hostPlan,
	})
}

// hostPlan is `docker run --network host`.
func (p planner) hostPlan(w *world) []Step {
	l := newLAN()
	return []Step{
		labNICStep(w, l, "With --network host the container will see this eth0 as its own."),
		hostNamespaceStep(),
		hostSandboxStep(),
		hostDriverStep(),
		checkSharedNetworkStep(l),
	}
}
