package steps

import "fmt"

// newUserNetworkStep is `docker network create mynet` up to the bridge
// driver's createNetwork, for network n.
func (p planner) newUserNetworkStep(n *userNetwork) Step {
	br, subnet := n.cfg.BridgeName, n.net.addr4.Masked()
	return Step{
		ID:      "NewNetwork (IPAM, driver CreateNetwork)",
		Phase:   PhaseNetworkCreate,
		Title:   "docker network create " + userNetworkName + ": subnet " + subnet.String() + ", bridge " + br,
		Mirrors: "libnetwork Controller.NewNetwork -> ipam RequestPool, drivers/bridge CreateNetwork -> newInterface (controller.go, bridge_linux.go)",
		Explanation: "`docker network create " + userNetworkName + "` without options. The controller asks the default IPAM driver for a pool: " +
			"Docker's default address pools are 172.17.0.0/16 to 172.31.0.0/16, then 192.168.0.0/16 cut into /20s, and the first one no " +
			"network uses is " + subnet.String() + " (docker0 has " + p.mustAddr4().Masked().String() + "); the gateway is its first address, " + n.net.addr4.Addr().String() + ". " +
			"The network gets a random 64-hex-digit ID (netexplore uses a fixed one, so sessions are reproducible) and the bridge driver names " +
			"its bridge br-<first 12 digits>, " + br + ".\n\n" +
			"The bridge driver's CreateNetwork checks the options, checks that no other bridge network uses the same bridge name or an " +
			"overlapping subnet (checkConflict), and calls createNetwork, which starts with newInterface: RTM_GETLINK " + br + ", answered " +
			"with ENODEV, so bridgeAlreadyExists is false. Its step queue follows: the same queue as docker0's, with the conditions evaluated " +
			"for a user-defined network. setupDefaultSysctl runs once (the second call is for the default bridge only), setupMTU is skipped " +
			"(no com.docker.network.driver.mtu option), and the daemon-start firewall steps do not run again.",
		KernelHandlers: []string{"rtnl_getlink"},
		code:           call(newUserNetwork).around(n.use),
	}
}

// newUserNetwork is the start of the bridge driver's createNetwork for
// the new network: newInterface looks the bridge up.
func newUserNetwork(env *Env) error {
	// RTM_GETLINK IFLA_IFNAME=br-<id>: ENODEV, so the bridge must be created.
	_, err := env.Handle.LinkByName(env.Config.BridgeName)
	if err == nil {
		return fmt.Errorf("bridge %s already exists", env.Config.BridgeName)
	}
	env.notef("newInterface: %s not found (%v): bridgeAlreadyExists = false", env.Config.BridgeName, err)
	env.notef("IPAM: pool %s, gateway %s", env.net.addr4.Masked(), env.net.addr4.Addr())
	return nil
}

// attachment is a container and the bridge it joins.
type attachment struct {
	c      *container
	bridge string
}

// attachContainersStep is c1 joining the default bridge and c2 the
// user-defined bridge br, each with the whole join sequence.
func (p planner) attachContainersStep(w *world, c1, c2 *container, br string) Step {
	return Step{
		ID:      "two containers (CreateEndpoint + Join)",
		Phase:   PhaseJoin,
		Title:   c1.ns.name + " joins " + p.cfg.BridgeName + ", " + c2.ns.name + " joins " + br,
		Mirrors: "the bridge driver's CreateEndpoint and Join and libnetwork's sandbox code, as in the join scenario, once per container",
		Explanation: "One container on each network, each with the whole join sequence (see --scenario join for it step by step): runc's " +
			"namespace and lo, a veth pair with the peer born in the container, MTU, IFLA_MASTER to its bridge, the raw-table rule, the host end " +
			"up, then eth0, MAC, " + c1.addr.String() + " or " + c2.addr.String() + ", up, a gratuitous ARP and the default route via its own bridge.",
		KernelHandlers: []string{"copy_net_ns", "veth_newlink", "do_set_master", "br_add_if", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
		code:           call2(attachContainers, w, []attachment{{c1, p.cfg.BridgeName}, {c2, br}}),
	}
}

// attachContainers runs the whole join sequence for each container, on
// its own bridge: one container per network.
func attachContainers(env *Env, w *world, each []attachment) error {
	for _, a := range each {
		if err := attachToBridge(env, w, a.c, a.bridge); err != nil {
			return err
		}
	}
	return nil
}
