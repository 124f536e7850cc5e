package steps

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// nullDriverStep is the null driver's CreateEndpoint and Join for c.
func nullDriverStep(c *container) Step {
	return Step{
		ID:      "null driver (CreateEndpoint, Join)",
		Phase:   PhaseJoin,
		Title:   "The null driver: nothing to create",
		Mirrors: "libnetwork drivers/null: CreateNetwork, CreateEndpoint and Join return nil (null.go)",
		Explanation: "The \"none\" network is served by the null driver, and every one of its methods returns nil: no veth, no address, no " +
			"route, no firewall rule. The trace of this step is empty. What the container has is what runc gave it: a namespace of its own " +
			"with lo, which libnetwork's SetKey brought up in the previous step. Docker's own docs describe this mode as disabling networking; " +
			"strictly it is a complete but empty network stack, isolated from everything.",
		code: call1(nullDriver, c),
	}
}

// nullDriver is the null driver's CreateEndpoint and Join for --network
// none: both return nil without a single system call.
func nullDriver(env *Env, c *container) error {
	env.notef("null driver: CreateEndpoint and Join do nothing; %s keeps only lo", c.ns)
	return nil
}

// checkOnlyLoopbackStep is the check that c has lo and nothing else.
func checkOnlyLoopbackStep(c *container) Step {
	return Step{
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
	}
}

// checkOnlyLoopback shows what --network none leaves a container: lo, and
// no route anywhere else.
func checkOnlyLoopback(env *Env, c *container) error {
	links, err := c.ns.h.LinkList() // RTM_GETLINK NLM_F_DUMP in the container
	if err != nil {
		return err
	}
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		return fmt.Errorf("%s has %d links, want only lo", c.ns, len(links))
	}
	// Loopback works: an echo to 127.0.0.1 stays inside the namespace.
	if err := checkPing(env, c.ns, netip.MustParseAddr("127.0.0.1")); err != nil {
		return err
	}
	// Anything else: sendto fails at once with ENETUNREACH (no route).
	_, err = ping(c.ns.fd, netip.MustParseAddr("172.17.0.1"), 1)
	if !errors.Is(err, unix.ENETUNREACH) {
		return fmt.Errorf("sending to 172.17.0.1 from %s: got %v, want ENETUNREACH", c.ns.name, err)
	}
	env.notef("sendto 172.17.0.1 from %s: %v", c.ns.name, err)
	return nil
}
