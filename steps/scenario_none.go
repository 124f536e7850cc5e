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
		{
			ID:      "null driver (CreateEndpoint, Join)",
			Phase:   PhaseJoin,
			Title:   "The null driver: nothing to create",
			Mirrors: "libnetwork drivers/null: CreateNetwork, CreateEndpoint and Join return nil (null.go)",
			Explanation: "The \"none\" network is served by the null driver, and every one of its methods returns nil: no veth, no address, no " +
				"route, no firewall rule. The trace of this step is empty. What the container has is what runc gave it: a namespace of its own " +
				"with lo, which libnetwork's SetKey brought up in the previous step. Docker's own docs describe this mode as disabling networking; " +
				"strictly it is a complete but empty network stack, isolated from everything.",
			code: call1(nullDriver, c),
		},
		{
			ID:      "check: only lo",
			Phase:   PhaseCheck,
			Title:   "container1 has lo and nothing else",
			Mirrors: "what `ip link` and `ping` inside the container would show (a check, not Docker code)",
			Explanation: "The check lists the container's links on its own netlink socket (RTM_GETLINK with NLM_F_DUMP): only lo. It pings " +
				"127.0.0.1 from a raw ICMP socket opened inside the container: the packet never leaves the namespace's loopback. Then it sends " +
				"an echo request to 172.17.0.1: with no route at all, sendto fails at once with ENETUNREACH (ip_route_output_flow finds " +
				"nothing), which is the isolation --network none promises. The step fails if any of that differs.",
			KernelHandlers: []string{"rtnl_dump_ifinfo", "raw_sendmsg", "ip_route_output_flow", "icmp_echo"},
			code:           call1(checkOnlyLoopback, c),
		},
	}
}
