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
		v2010:   true,
		bridge:  true,
		plan:    func(p planner, _ *world) []Step { return p.bridgePlan() },
	})
}

// bridgePlan is the default bridge: dockerd's start and docker0's
// createNetwork.
func (p planner) bridgePlan() []Step {
	if p.cfg.v2010() {
		return p.bridgePlan2010()
	}
	return []Step{
		p.newFirewallerStep(),
		p.setupUserChainsStep(),
		p.newInterfaceStep(),
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

// daemonStartSteps is how many steps of bridgePlan dockerd takes once at
// start, before docker0's createNetwork; a second bridge network repeats
// the rest.
func (p planner) daemonStartSteps() int {
	if p.cfg.v2010() {
		return 4
	}
	return 2
}

// bridgePlan2010 is the default bridge as Docker 20.10 sets it up: the
// driver's configure (chains, forwarding) and the controller's first two
// networks at start, then docker0's createNetwork in the order of
// libnetwork v20.10's queue, then the controller's DOCKER-USER pass.
func (p planner) bridgePlan2010() []Step {
	return []Step{
		p.configureStep(),
		p.setupIPForwarding2010Step(),
		p.arrangeUserFilterRuleStep("none"),
		p.arrangeUserFilterRuleStep("host"),
		p.newInterfaceStep(),
		p.setupDeviceStep(),
		p.setupDefaultSysctlStep(false),
		p.setupDefaultSysctlStep(true),
		p.setupBridgeIPv4Step(),
		p.setupBridgeIPv6Step(),
		p.setupVerifyAndReconcileIPv4Step(),
		p.setupIPv6ForwardingStep(),
		p.setupLoopbackAddressesRoutingStep(),
		p.setupIP4TablesStep(),
		p.setupFirewalldStep(),
		p.setupGatewayIPv4Step(),
		p.setupGatewayIPv6Step(),
		p.setupNetworkIsolationRulesStep(),
		p.setupBridgeNetFiltering2010Step(),
		p.setupDeviceUpStep(),
		p.arrangeUserFilterRuleStep(p.networkName()),
	}
}

// networkName is the name `docker network ls` shows for the plan's bridge
// network.
func (p planner) networkName() string {
	if p.cfg.DefaultBridge {
		return "bridge"
	}
	return userNetworkName
}
