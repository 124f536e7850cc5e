package steps

// ScenarioBridge is Docker's default bridge docker0, as dockerd creates it
// at start: the default scenario.
const ScenarioBridge = "bridge"

// bridgeAlreadyExists is libnetwork's test of whether createNetwork found the
// bridge device already there. The lab namespace is always new, so it is
// always false.
const bridgeAlreadyExists = false

func init() {
	register(Scenario{
		Name:    ScenarioBridge,
		Summary: "dockerd start: the default bridge docker0, its addresses, sysctls and firewall rules (the default)",
		order:   30,
		bridge:  true,
		plan:    func(p planner, _ *world) []Step { return p.bridgePlan() },
	})
}

// bridgePlan is the default bridge: dockerd's start and docker0's
// createNetwork.
func (p planner) bridgePlan() []Step {
	return []Step{
		p.newFirewallerStep(),
		p.setupUserChainsStep(),
		p.setupDeviceStep(),
		p.setupDefaultSysctlStep(false),
		p.setupDefaultSysctlStep(true),
		p.setupMTUStep(),
		p.setupBridgeIPv4Step(),
		p.setupBridgeIPv6Step(),
		p.setupVerifyAndReconcileIPv4Step(),
		p.setupIPv4ForwardingStep(),
		p.setupIPv6ForwardingStep(),
		p.setupLoopbackAddressesRoutingStep(),
		p.setupGatewayIPv4Step(),
		p.setupGatewayIPv6Step(),
		p.setupBridgeNetFilteringStep(false),
		p.setupBridgeNetFilteringStep(true),
		p.addfirewallerNetworkStep(),
		p.setupDeviceUpStep(),
	}
}
