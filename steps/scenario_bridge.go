package steps

// ScenarioBridge is Docker's default bridge docker0, as dockerd creates it
// at start: the default scenario.
const ScenarioBridge = "bridge"

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
		p.newFirewaller(),
		p.setupUserChains(),
		p.setupDevice(),
		p.setupDefaultSysctl(false),
		p.setupDefaultSysctl(true),
		p.setupMTU(),
		p.setupBridgeIPv4(),
		p.setupBridgeIPv6(),
		p.setupVerifyAndReconcileIPv4(),
		p.setupIPv4Forwarding(),
		p.setupIPv6Forwarding(),
		p.setupLoopbackAddressesRouting(),
		p.setupGatewayIPv4(),
		p.setupGatewayIPv6(),
		p.setupBridgeNetFiltering(false),
		p.setupBridgeNetFiltering(true),
		p.addfirewallerNetwork(),
		p.setupDeviceUp(),
	}
}
