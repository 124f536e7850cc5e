package steps

// attachment is a container and the bridge it joins.
type attachment struct {
	c      *container
	bridge string
	// userDefined says the network is not docker0, so the container gets
	// Docker's embedded DNS server.
	userDefined bool
}

// attachStep is container c joining bridge br, the whole join sequence in
// one step (see --scenario join for it step by step).
func (p planner) attachStep(w *world, c *container, br string, userDefined bool) Step {
	s := Step{
		ID:      "container joins " + br + " (CreateEndpoint + Join)",
		Phase:   PhaseJoin,
		Title:   c.ns.name + " joins " + br + " (the join of --scenario join, in one step)",
		Mirrors: "the bridge driver's CreateEndpoint and Join and libnetwork's sandbox code, as in the join scenario",
		Explanation: "`docker run --network " + p.networkName() + "`: the whole join sequence (see --scenario join for it step by step): runc's " +
			"namespace, lo and sysctls, SetKey's lo up, a veth pair with the peer born in the container, IFLA_MASTER to " + br + ", the " +
			"raw-table rule, the host end up, then eth0, its MAC, " + c.addr.String() + ", IPv6 off, up, a gratuitous ARP and the default " +
			"route via " + c.gateway.String() + ".",
		KernelHandlers: []string{"copy_net_ns", "veth_newlink", "do_set_master", "br_add_if", "dev_change_name", "inet_rtm_newaddr", "inet_rtm_newroute"},
		code:           call2(attachToBridge, w, attachment{c: c, bridge: br, userDefined: userDefined}),
	}
	if p.cfg.v2010() {
		s.Explanation = "`docker run --network " + p.networkName() + "` as Docker 20.10 joins a container (see --scenario join for it step by step): " +
			"a veth pair with both ends on the host, IFLA_MASTER to " + br + ", the host end up; then runc's namespace and lo, SetKey " +
			"(the set-ipv6 child, lo up), the peer moved into the container and renamed eth0, its MAC " + macFromIP(c.addr.Addr()).String() +
			", " + c.addr.String() + ", up, the default route via " + c.gateway.String() + ", and runc's sysctls."
		s.code = call2(attachToBridge2010, w, attachment{c: c, bridge: br, userDefined: userDefined})
	}
	if userDefined {
		s.Explanation += " On a user-defined network there is one more part before the interface is set up: the embedded DNS server " +
			"(sockets on 127.0.0.11 in the container and the nat rules that send port 53 to them; --scenario join has no such step, " +
			"docker0 does without)."
		s.KernelHandlers = append(s.KernelHandlers, "inet_bind")
	}
	return s
}
