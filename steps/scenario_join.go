package steps

import (
	"errors"
	"fmt"
	"strings"
)

// ScenarioJoin is `docker run -p 8080:80`: a container joins docker0.
const ScenarioJoin = "join"

func init() {
	register(Scenario{
		Name:    ScenarioJoin,
		Summary: "docker run -p 8080:80: a container joins docker0 (veth, eth0, address, route, DNAT), then pings",
		order:   50,
		v2010:   true,
		bridge:  true,
		check:   checkJoin,
		plan:    func(p planner, w *world) []Step { return append(p.bridgePlan(), p.joinPlan(w)...) },
		tables:  []string{"raw"}, // the endpoints' filterDirectAccess rules
	})
}

// checkJoin refuses the options the join scenario cannot model.
func checkJoin(c Config) []error {
	var errs []error
	if set := setBridgeOptions(c, "--default-bridge", "--bridge"); len(set) > 0 {
		errs = append(errs, fmt.Errorf("--scenario join attaches the container to docker0, so %s", doNotApply(set)))
	}
	if set := setBridgeOptions(c, "--ipv6", "--fixed-cidr-v6", "--default-gateway-v6"); len(set) > 0 {
		errs = append(errs, fmt.Errorf("--scenario join models an IPv4-only container: drop %s", strings.Join(set, " and ")))
	}
	if c.DefaultGatewayIPv4 != "" {
		errs = append(errs, errors.New("--scenario join: --default-gateway names a router the lab does not have, so the container's ping to its gateway would fail: drop it"))
	}
	if c.FirewallBackend == BackendNFTables {
		errs = append(errs, errors.New("--scenario join programs the published port with the iptables backend only: drop --firewall-backend nftables"))
	}
	return errs
}

// joinPlan is `docker run -p 8080:80` on the default bridge, after the
// bridge plan: a container's sandbox, the bridge driver's CreateEndpoint
// and Join, the port mapping, a second container and the checks.
func (p planner) joinPlan(w *world) []Step {
	r := p.mustResolve()
	addrs := endpointAddrs(r.addr4, p.cfg.FixedCIDR, 2)
	gw := r.addr4.Addr()
	c1 := newContainer("container1", addrs[0], gw, r.mtu)
	c2 := newContainer("container2", addrs[1], gw, r.mtu)
	port := &publishedPort{hostPort: 8080, containerPort: 80}

	var steps []Step
	if p.cfg.v2010() {
		steps = p.joinSteps2010(w, c1, port)
	} else {
		steps = append(newSandboxSteps(w, c1), p.createVethStep(c1), p.setEndpointMTUStep(c1), p.addToBridgeStep(c1),
			p.setHairpinModeStep(c1), p.filterDirectAccessStep(c1), p.endpointLinkUpStep(c1), p.bridgeJoinStep(c1))
		steps = append(steps, p.sandboxSteps(c1, true, "bridge driver")...)
		steps = append(steps, p.reserveHostPortStep(w, port), p.addPortRulesStep(c1, port), p.startProxyStep(w, c1, port),
			p.clearConntrackEntriesStep(c1))
	}
	steps = append(steps, p.attachToBridgeStep(w, c1, c2))
	return append(steps, p.joinChecks(w, c1, c2, port)...)
}

// joinSteps2010 is the first container of the join scenario as Docker 20.10
// connects it: endpoint and ports before runc creates the namespace, then
// the prestart hook's SetKey, the interface, and runc's sysctls last.
func (p planner) joinSteps2010(w *world, c *container, port *publishedPort) []Step {
	steps := []Step{p.createVethStep(c), p.setEndpointMTUStep(c), p.addToBridgeStep(c), p.setHairpinModeStep(c),
		p.endpointLinkUpStep(c), p.bridgeJoinStep(c), p.allocatePorts2010Step(w, c, port),
		runcCreateStep(w, c, true), setKeyStep(c, true)}
	steps = append(steps, p.sandboxSteps(c, false, "bridge driver")...)
	return append(steps, ociSysctlsStep(c))
}

// joinChecks are the join scenario's connectivity checks.
func (p planner) joinChecks(w *world, c1, c2 *container, port *publishedPort) []Step {
	br, gw := p.cfg.BridgeName, c1.gateway
	viaBridge := "Both containers are on " + c1.addr.Masked().String() + ", so no router is involved: the echo request leaves " + c1.ns.name + "'s eth0, " +
		"enters " + br + " through its veth port, and the bridge forwards it out of " + c2.ns.name + "'s port. br_netfilter still shows bridged " +
		"packets to iptables (bridge-nf-call-iptables is 1 in every namespace once the module is loaded), so the FORWARD chain decides: "
	switch {
	case p.cfg.v2010() && p.cfg.ICC:
		viaBridge += "DOCKER-ISOLATION-STAGE-1 lets it pass (it does not leave " + br + "), and \"-A FORWARD -i " + br + " -o " + br + " -j ACCEPT\" " +
			"accepts it. That is --icc=true, the default."
	case p.cfg.v2010():
		viaBridge += "--icc=false appended \"-A FORWARD -i " + br + " -o " + br + " -j DROP\": the packet is dropped, and this check passes only " +
			"if no reply comes back."
	case p.cfg.ICC:
		viaBridge += "DOCKER-FORWARD -> DOCKER-BRIDGE -> DOCKER, where \"! -i " + br + " -o " + br + " -j DROP\" does not match (the packet came in on " + br + ")" +
			", then \"-A DOCKER-FORWARD -i " + br + " -j ACCEPT\" lets it through. That is --icc=true, the default."
	default:
		viaBridge += "DOCKER-FORWARD -> DOCKER-BRIDGE -> DOCKER, where \"! -i " + br + " -o " + br + " -j DROP\" does not match (the packet came in on " + br + ")" +
			", but --icc=false put \"-A DOCKER-FORWARD -i " + br + " -o " + br + " -j DROP\" first: the packet is dropped, and this check " +
			"passes only if no reply comes back."
	}
	return []Step{
		checkPingStep("check: ping the gateway", c1.ns.name+" pings its gateway "+gw.String(),
			"The container's routing table sends the echo request out of eth0 ("+c1.addr.Masked().String()+" is on-link), ARP finds "+br+"'s MAC across "+
				"the veth pair and the bridge, and "+br+"'s address in the host namespace answers: the host's INPUT chain accepts it.",
			c1.ns, gw, false),
		checkPingStep("check: ping the other container", c1.ns.name+" pings "+c2.ns.name+" ("+c2.addr.Addr().String()+")", viaBridge,
			c1.ns, c2.addr.Addr(), !p.cfg.ICC),
		p.checkPublishedPortStep(w, c1, port, gw),
	}
}
