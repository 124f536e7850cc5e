package steps

import (
	"fmt"
	"os"
)

// Docker 20.10's iptables package spells some commands without "-t
// filter", and its checks and inserts come in a few shapes; the helpers
// below keep each as libnetwork v20.10 wrote it.

// addReturnRule is AddReturnRule: "-t filter -C chain -j RETURN", then
// "-A chain -j RETURN" (without -t) if it is missing.
func (t xtables) addReturnRule(chain string) error {
	if t.exists("filter", chain, "-j", "RETURN") {
		return nil
	}
	if err := t.rawCombined("-A", chain, "-j", "RETURN"); err != nil {
		return fmt.Errorf("unable to add return rule in %s chain: %w", chain, err)
	}
	return nil
}

// ensureJumpRule2010 is EnsureJumpRule of libnetwork v20.10: "-t filter
// -C from -j to", "-D from -j to" if present, then "-I from -j to", the
// last two without "-t".
func (t xtables) ensureJumpRule2010(from, to string) error {
	if t.exists("filter", from, "-j", to) {
		if err := t.rawCombined("-D", from, "-j", to); err != nil {
			return fmt.Errorf("unable to remove jump to %s rule in %s chain: %w", to, from, err)
		}
	}
	if err := t.rawCombined("-I", from, "-j", to); err != nil {
		return fmt.Errorf("unable to insert jump to %s rule in %s chain: %w", to, from, err)
	}
	return nil
}

// insertRule is programChainRule of setup_ip_tables.go: a -C check, then
// pre + "-I chain rule" if the rule is missing; pre is "-t nat" for nat
// rules and empty for filter rules.
func (t xtables) insertRule(table, chain string, pre []string, rule ...string) error {
	if t.exists(table, chain, rule...) {
		return nil
	}
	return t.rawCombined(append(append(pre, "-I", chain), rule...)...)
}

// configureStep is the bridge driver's configure at daemon start, Docker
// 20.10: the chains every network jumps through.
func (p planner) configureStep() Step {
	s := Step{
		ID:    "configure (setupIPChains)",
		Phase: PhaseDaemonStart,
		Title: "Daemon start: remove old chains, create DOCKER and DOCKER-ISOLATION-STAGE-1/2",
		Mirrors: "libnetwork v20.10 drivers/bridge (*driver).configure -> removeIPChains, setupIPChains (bridge.go, setup_ip_tables.go); " +
			"iptables.detectIptables (iptables/iptables.go)",
		Explanation: "When dockerd 20.10 registers the bridge driver, configure prepares the firewall once for all networks. The iptables " +
			"package first runs \"iptables --wait -L -n\" a single time (detectIptables): if that works, the iptables in PATH knows the " +
			"--wait flag, and every later command carries it (the xtables lock serialises Docker against other programs). Had " +
			"/proc/sys/net/bridge been missing, configure would have run \"modprobe -va bridge br_netfilter\" first; netexplore never " +
			"loads modules.\n\n" +
			"removeIPChains then clears what an earlier daemon may have left: the FORWARD jump to the DOCKER-ISOLATION chain of Docker " +
			"17.06 (a -C check finds none, so no -D follows), nat DOCKER with every jump that ever led to it (three -D forms for " +
			"PREROUTING and OUTPUT, then bare \"-D PREROUTING\" and \"-D OUTPUT\", all failing harmlessly), and -F/-X of filter DOCKER, " +
			"DOCKER-ISOLATION-STAGE-1, DOCKER-ISOLATION-STAGE-2 and DOCKER-ISOLATION. setupIPChains creates nat DOCKER (port " +
			"publishing's DNAT rules), filter DOCKER (their ACCEPT rules) and the two isolation chains, each after an \"-n -L\" that finds " +
			"it missing, and ends both isolation chains with \"-j RETURN\" (AddReturnRule: a -C check, then -A). Every rule a network " +
			"adds later is inserted above that RETURN.\n\n" +
			"There is no ip6tables here: --ip6tables was experimental in 20.10 and off by default, and there is no nftables cleanup " +
			"(the nftables backend came with Docker 29). " + p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call(configure2010),
	}
	return p.withIPTables(s, "config.EnableIPTables is false (--iptables=false)")
}

// configure2010 is the firewall part of the bridge driver's configure in
// Docker 20.10: probe iptables, remove any earlier daemon's chains, create
// DOCKER and the two isolation chains. Each line is one exec of iptables.
func configure2010(env *Env) error {
	if _, err := os.Stat("/proc/sys/net/bridge"); err != nil {
		env.notef("/proc/sys/net/bridge is missing: Docker would run modprobe -va bridge br_netfilter; netexplore does not load modules")
	}
	ipt := xtables{env: env, cmd: "iptables"}
	// detectIptables: does this iptables know --wait? (iptables --wait -L -n)
	if _, err := ipt.raw("-L", "-n"); err != nil {
		return fmt.Errorf("iptables --wait -L -n: %w", err)
	}
	removeIPChains2010(ipt)
	return setupIPChains2010(ipt)
}

// removeIPChains2010 removes the chains of any earlier daemon; in a fresh
// namespace every command fails, and Docker ignores that.
func removeIPChains2010(ipt xtables) {
	_ = ipt.delete("filter", "FORWARD", "-j", oldIsolationChain) // Docker 17.06's chain
	ipt.removeChain("nat", dockerChain)
	for _, c := range []string{dockerChain, isolationChain1, isolationChain2, oldIsolationChain} {
		ipt.removeChain("filter", c)
	}
}

// setupIPChains2010 creates nat DOCKER, filter DOCKER and the isolation
// chains, which end in RETURN.
func setupIPChains2010(ipt xtables) error {
	for _, c := range []struct{ table, name string }{
		{"nat", dockerChain}, {"filter", dockerChain}, {"filter", isolationChain1}, {"filter", isolationChain2},
	} {
		if err := ipt.newChain(c.table, c.name); err != nil { // -n -L, then -N
			return err
		}
	}
	if err := ipt.addReturnRule(isolationChain1); err != nil {
		return err
	}
	return ipt.addReturnRule(isolationChain2)
}

// setupIPForwarding2010Step is Docker 20.10's forwarding at daemon start.
func (p planner) setupIPForwarding2010Step() Step {
	s := Step{
		ID:      "setupIPForwarding",
		Phase:   PhaseDaemonStart,
		Title:   "Daemon start: turn on IPv4 forwarding, FORWARD policy DROP",
		Mirrors: "libnetwork v20.10 drivers/bridge (*driver).configure -> setupIPForwarding (setup_ip_forwarding.go)",
		Explanation: "Docker 20.10 turns on forwarding once, when the bridge driver is configured at daemon start, before any network " +
			"exists (Docker 28 made it a step of each network, setupIPv4Forwarding). It reads /proc/sys/net/ipv4/ip_forward and, " +
			"because a fresh namespace starts with 0, writes \"1\\n\" (devinet_sysctl_forward switches every interface to forwarding) " +
			"and sets the FORWARD chain's policy to DROP with \"iptables --wait -t filter -P FORWARD DROP\": the host now routes, but " +
			"only traffic Docker's rules accept. If ip_forward had been 1 already, Docker would have left both alone. (With ip6tables " +
			"enabled, 20.10 also set ip6tables' FORWARD policy to DROP unconditionally.)",
		KernelHandlers: append([]string{"proc_sys_read", "proc_sys_write", "devinet_sysctl_forward", "inet_forward_change"}, p.xtablesHandlers()...),
		code:           call(setupIPForwarding2010),
	}
	return skipIf(s, !p.cfg.IPForward, "config.EnableIPForwarding is false (--ip-forward=false)")
}

// setupIPForwarding2010 enables IPv4 forwarding at daemon start and, if it
// had to, drops forwarded traffic that no rule accepts.
func setupIPForwarding2010(env *Env) error {
	// openat + read("/proc/sys/net/ipv4/ip_forward")
	v, err := readSysctl(ipv4ForwardConf)
	if err != nil {
		return fmt.Errorf("cannot read IP forwarding setup: %w", err)
	}
	if v == '1' {
		env.notef("ip_forward was already 1: nothing written, FORWARD policy left alone")
		return nil
	}
	// openat(O_WRONLY|O_CREAT|O_TRUNC) + write("1\n")
	if err := writeSysctl(ipv4ForwardConf, '1'); err != nil {
		return fmt.Errorf("enabling IP forwarding failed: %w", err)
	}
	env.notef("ip_forward was 0: wrote 1")
	if !env.Config.IPTables {
		return nil
	}
	// exec iptables --wait -t filter -P FORWARD DROP
	if err := filterForwardDrop(env, "iptables"); err != nil {
		_ = writeSysctl(ipv4ForwardConf, '0') // undo, as Docker does
		return err
	}
	return nil
}

// arrangeUserFilterRuleStep is the controller's DOCKER-USER pass at the end
// of each NewNetwork, Docker 20.10; network names the network just made.
func (p planner) arrangeUserFilterRuleStep(network string) Step {
	s := Step{
		ID:      "arrangeUserFilterRule",
		Phase:   PhaseCreateNetwork,
		Title:   "DOCKER-USER: create it if missing, put its jump back on top of FORWARD (after network " + network + ")",
		Mirrors: "libnetwork v20.10 (*controller).NewNetwork -> arrangeUserFilterRule (controller.go, firewall_linux.go)",
		Explanation: "At the end of every NewNetwork, the network controller of Docker 20.10 makes sure DOCKER-USER, the chain the " +
			"administrator owns, is there and is the first thing FORWARD jumps to: \"-n -L DOCKER-USER\" (and \"-N DOCKER-USER\" the first " +
			"time), \"-A DOCKER-USER -j RETURN\" after a -C check (only the first time), then EnsureJumpRule: \"-t filter -C FORWARD -j " +
			"DOCKER-USER\", and when the jump is there, \"-D FORWARD -j DOCKER-USER\" and \"-I FORWARD -j DOCKER-USER\" to move it back to " +
			"the top, above the jumps the new network just inserted. The daemon creates three networks at start, \"none\" and \"host\" " +
			"(no kernel objects at all) and \"bridge\" (docker0), so this runs three times before the first container, and again for " +
			"every `docker network create`, whatever its driver. Docker 29 sets DOCKER-USER up once, at start, and adds no RETURN rule.",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(arrangeUserFilterRule),
	}
	if network == "none" || network == "host" {
		s.Phase = PhaseDaemonStart
	}
	return p.withIPTables(s, "controller.iptablesEnabled() is false (--iptables=false)")
}

// arrangeUserFilterRule keeps DOCKER-USER in place: created once, ending in
// RETURN, and jumped to first from FORWARD, whatever networks inserted
// since.
func arrangeUserFilterRule(env *Env) error {
	ipt := xtables{env: env, cmd: "iptables"}
	// -t filter -n -L DOCKER-USER, and -N DOCKER-USER when it is missing
	if err := ipt.newChain("filter", dockerUserChain); err != nil {
		env.notef("failed to create %s chain: %v (Docker only warns)", dockerUserChain, err)
		return nil
	}
	// -t filter -C DOCKER-USER -j RETURN, then -A DOCKER-USER -j RETURN
	if err := ipt.addReturnRule(dockerUserChain); err != nil {
		env.notef("failed to add the RETURN rule for %s: %v (Docker only warns)", dockerUserChain, err)
		return nil
	}
	// -t filter -C FORWARD -j DOCKER-USER; -D FORWARD ...; -I FORWARD ...
	if err := ipt.ensureJumpRule2010("FORWARD", dockerUserChain); err != nil {
		env.notef("failed to ensure the jump rule for %s: %v (Docker only warns)", dockerUserChain, err)
	}
	return nil
}

// setupIP4TablesStep is Docker 20.10's per-network rules.
func (p planner) setupIP4TablesStep() Step {
	br, subnet := p.cfg.BridgeName, p.mustAddr4().Masked().String()
	s := Step{
		ID:      "setupIP4Tables",
		Phase:   PhaseCreateNetwork,
		Title:   "Add " + br + "'s NAT and FORWARD rules",
		Mirrors: "libnetwork v20.10 drivers/bridge (*bridgeNetwork).setupIP4Tables -> setupIPTables, setupIPTablesInternal, iptables.ProgramChain (setup_ip_tables.go, iptables/iptables.go)",
		Explanation: "Queued with --iptables. In Docker 20.10 a network's rules live in the built-in chains and in DOCKER, each added after a " +
			"-C check (the iptables binary exits 0 if the rule exists):\n" +
			"  nat:    -I POSTROUTING -s " + subnet + " ! -o " + br + " -j MASQUERADE (--ip-masq)\n" +
			"          -I DOCKER -i " + br + " -j RETURN (packets from the bridge itself are never DNATed back into it)\n" +
			"  filter: -D FORWARD -i " + br + " -o " + br + " -j DROP, blindly (an --icc=false leftover), then -I FORWARD -i " + br + " -o " + br + " -j ACCEPT (icc)\n" +
			"          -I FORWARD -i " + br + " ! -o " + br + " -j ACCEPT (containers may send anywhere)\n" +
			"  nat:    -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER and -A OUTPUT ... -j DOCKER ! --dst 127.0.0.0/8 (ProgramChain, " +
			"once per daemon: the second network finds them and only checks, twice each)\n" +
			"  filter: -I FORWARD -o " + br + " -j DOCKER (published ports' ACCEPT rules), -I FORWARD -o " + br + " -m conntrack --ctstate " +
			"RELATED,ESTABLISHED -j ACCEPT (replies)\n" +
			"and finally EnsureJumpRule puts \"-j DOCKER-ISOLATION-STAGE-1\" at the top of FORWARD. Anything not accepted falls to the " +
			"FORWARD policy DROP set at start. Filter rules are spelled without \"-t filter\" when added, with it when checked. With " +
			"--icc=false the ACCEPT between ports becomes an appended DROP; with --userland-proxy=false DOCKER's RETURN is left out and " +
			"\"-m addrtype --src-type LOCAL -o " + br + " -j MASQUERADE\" masquerades host-to-container hairpin traffic. Docker 29 moved " +
			"all of this into chains of its own (DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT). " + p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call(setupIP4Tables),
	}
	return p.withIPTables(s, "d.config.EnableIPTables is false (--iptables=false)")
}

// setupIP4Tables adds the network's rules the Docker 20.10 way: NAT,
// inter-container and outgoing ACCEPTs in FORWARD, the jumps into DOCKER,
// and the jump to the isolation chains.
func setupIP4Tables(env *Env) error {
	ipt := xtables{env: env, cmd: "iptables"}
	br, hairpin := env.Config.BridgeName, !env.Config.UserlandProxy
	if err := setupIPTablesInternal(ipt, env.Config, env.net.addr4.Masked().String()); err != nil {
		return fmt.Errorf("failed to Setup IP tables: %w", err)
	}
	if err := programNATChain(ipt, hairpin, true); err != nil {
		return fmt.Errorf("failed to program NAT chain: %w", err)
	}
	if err := programFilterChain(ipt, br, true); err != nil {
		return fmt.Errorf("failed to program FILTER chain: %w", err)
	}
	// -t filter -C FORWARD -j DOCKER-ISOLATION-STAGE-1 (-D if there), -I FORWARD ...
	return ipt.ensureJumpRule2010("FORWARD", isolationChain1)
}

// setupIPTablesInternal adds the NAT and FORWARD ACCEPT rules of a
// non-internal network.
func setupIPTablesInternal(ipt xtables, cfg Config, subnet string) error {
	br, hairpin, nat := cfg.BridgeName, !cfg.UserlandProxy, []string{"-t", "nat"}
	if cfg.masquerade() { // -t nat -I POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
		if err := ipt.insertRule("nat", "POSTROUTING", nat, "-s", subnet, "!", "-o", br, "-j", "MASQUERADE"); err != nil {
			return err
		}
	}
	if cfg.masquerade() && !hairpin { // -t nat -I DOCKER -i docker0 -j RETURN: no DNAT back into the bridge
		if err := ipt.insertRule("nat", dockerChain, nat, "-i", br, "-j", "RETURN"); err != nil {
			return err
		}
	}
	if hairpin { // host -> container through a published port on 127.0.0.1
		if err := ipt.insertRule("nat", "POSTROUTING", nat, "-m", "addrtype", "--src-type", "LOCAL", "-o", br, "-j", "MASQUERADE"); err != nil {
			return err
		}
	}
	if err := setIcc2010(ipt, br, cfg.ICC); err != nil {
		return err
	}
	// -I FORWARD -i docker0 ! -o docker0 -j ACCEPT: out of the bridge, anywhere else.
	return ipt.insertRule("filter", "FORWARD", nil, "-i", br, "!", "-o", br, "-j", "ACCEPT")
}

// setIcc2010 lets containers on the bridge talk to each other (icc) or not,
// in FORWARD; the opposite rule is deleted without a check first.
func setIcc2010(ipt xtables, br string, icc bool) error {
	accept := []string{"-i", br, "-o", br, "-j", "ACCEPT"}
	drop := []string{"-i", br, "-o", br, "-j", "DROP"}
	if !icc {
		_, _ = ipt.raw(append([]string{"-D", "FORWARD"}, accept...)...)
		if !ipt.exists("filter", "FORWARD", drop...) {
			if err := ipt.rawCombined(append([]string{"-A", "FORWARD"}, drop...)...); err != nil {
				return fmt.Errorf("unable to prevent intercontainer communication: %w", err)
			}
		}
		return nil
	}
	_, _ = ipt.raw(append([]string{"-D", "FORWARD"}, drop...)...)
	if !ipt.exists("filter", "FORWARD", accept...) {
		if err := ipt.rawCombined(append([]string{"-I", "FORWARD"}, accept...)...); err != nil {
			return fmt.Errorf("unable to allow intercontainer communication: %w", err)
		}
	}
	return nil
}

// programNATChain is ProgramChain for nat DOCKER: PREROUTING and OUTPUT
// jump to it for local destinations (enable true adds, false removes).
// Written as libnetwork wrote it, "if !exists && enable ... else if exists
// && !enable", which checks a second time when the jump is already there:
// every network after the first costs two -C per jump.
func programNATChain(ipt xtables, hairpin, enable bool) error {
	out := []string{"-m", "addrtype", "--dst-type", "LOCAL", "-j", dockerChain}
	if !hairpin { // docker-proxy serves 127.0.0.1
		out = append(out, "!", "--dst", ipt.loopback())
	}
	for _, j := range []struct {
		chain string
		rule  []string
	}{{"PREROUTING", []string{"-m", "addrtype", "--dst-type", "LOCAL", "-j", dockerChain}}, {"OUTPUT", out}} {
		op := ""
		if !ipt.exists("nat", j.chain, j.rule...) && enable {
			op = "-A"
		} else if ipt.exists("nat", j.chain, j.rule...) && !enable {
			op = "-D"
		}
		if op == "" {
			continue
		}
		if err := ipt.rawCombined(append([]string{"-t", "nat", op, j.chain}, j.rule...)...); err != nil {
			return fmt.Errorf("failed to inject %s in %s chain: %w", dockerChain, j.chain, err)
		}
	}
	return nil
}

// programFilterChain is ProgramChain for filter DOCKER: FORWARD sends
// traffic into the bridge through DOCKER and accepts replies (enable true
// inserts, false deletes), with the same double check as programNATChain.
func programFilterChain(ipt xtables, br string, enable bool) error {
	for _, rule := range [][]string{
		{"-o", br, "-j", dockerChain},
		{"-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"},
	} {
		op := ""
		if !ipt.exists("filter", "FORWARD", rule...) && enable {
			op = "-I"
		} else if ipt.exists("filter", "FORWARD", rule...) && !enable {
			op = "-D"
		}
		if op == "" {
			continue
		}
		if err := ipt.rawCombined(append([]string{op, "FORWARD"}, rule...)...); err != nil {
			return fmt.Errorf("could not program the %s rule for %s: %w", dockerChain, br, err)
		}
	}
	return nil
}

// setupFirewalldStep is Docker 20.10's firewalld hook: nothing for the
// kernel.
func (p planner) setupFirewalldStep() Step {
	s := Step{
		ID:      "setupFirewalld",
		Phase:   PhaseCreateNetwork,
		Title:   "Register the rules to replay when firewalld reloads",
		Mirrors: "libnetwork v20.10 drivers/bridge (*bridgeNetwork).setupFirewalld (setup_firewalld.go)",
		Explanation: "Queued with --iptables. firewalld, when it runs, throws every rule away on a reload; setupFirewalld registers " +
			"callbacks (iptables.OnReloaded) that re-run setupIP4Tables and re-map the published ports when that happens. It " +
			"registers, it does not touch the kernel: the trace of this step is empty. Docker 29 registers one handler for the " +
			"whole driver instead (handleFirewalldReload).",
		code: call(setupFirewalld),
	}
	return skipIf(s, !p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false)")
}

// setupFirewalld registers what firewalld's reload must replay. Nothing
// reaches the kernel.
func setupFirewalld(env *Env) error {
	env.notef("iptables.OnReloaded: re-run setupIP4Tables and portMapper.ReMapAll for %s (only when firewalld reloads)", env.Config.BridgeName)
	return nil
}

// setupNetworkIsolationRulesStep is Docker 20.10's isolation between
// bridge networks.
func (p planner) setupNetworkIsolationRulesStep() Step {
	br := p.cfg.BridgeName
	s := Step{
		ID:      "setupNetworkIsolationRules",
		Phase:   PhaseCreateNetwork,
		Title:   "Isolate " + br + " from the other bridge networks",
		Mirrors: "libnetwork v20.10 drivers/bridge createNetwork's setupNetworkIsolationRules -> isolateNetwork -> setINC (bridge.go, setup_ip_tables.go)",
		Explanation: "Queued with --iptables. Two rules, each after a -C check, do all the isolation of Docker 20.10:\n" +
			"  -I DOCKER-ISOLATION-STAGE-1 -i " + br + " ! -o " + br + " -j DOCKER-ISOLATION-STAGE-2\n" +
			"  -I DOCKER-ISOLATION-STAGE-2 -o " + br + " -j DROP\n" +
			"FORWARD jumps to stage 1 first. A packet that leaves " + br + " for another interface goes on to stage 2, which drops it " +
			"if it is about to enter another Docker bridge, since every bridge network adds its own \"-o <bridge> -j DROP\" there; " +
			"traffic to the outside world falls through both RETURNs. Two chains, so that one rule per network and stage isolates " +
			"every pair of networks. Docker 29 replaced them by the per-network \"DOCKER ! -i <br> -o <br> -j DROP\".",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(setupNetworkIsolationRules),
	}
	return p.withIPTables(s, "d.config.EnableIPTables is false (--iptables=false)")
}

// setupNetworkIsolationRules inserts the network's two isolation rules
// (setINC): leave the bridge -> stage 2; stage 2 drops what enters this
// bridge from another one.
func setupNetworkIsolationRules(env *Env) error {
	ipt, br := xtables{env: env, cmd: "iptables"}, env.Config.BridgeName
	// -t filter -C, then -t filter -I DOCKER-ISOLATION-STAGE-1 -i br ! -o br -j DOCKER-ISOLATION-STAGE-2
	if err := ipt.ensure("-I", "filter", isolationChain1, "-i", br, "!", "-o", br, "-j", isolationChain2); err != nil {
		return fmt.Errorf("unable to add inter-network communication rule: %w", err)
	}
	// -t filter -C, then -t filter -I DOCKER-ISOLATION-STAGE-2 -o br -j DROP
	if err := ipt.ensure("-I", "filter", isolationChain2, "-o", br, "-j", "DROP"); err != nil {
		_ = ipt.delete("filter", isolationChain1, "-i", br, "!", "-o", br, "-j", isolationChain2) // roll back, as setINC does
		return fmt.Errorf("unable to add inter-network communication rule: %w", err)
	}
	return nil
}

// setupBridgeNetFiltering2010Step is Docker 20.10's br_netfilter step,
// queued for --icc=false only.
func (p planner) setupBridgeNetFiltering2010Step() Step {
	s := p.setupBridgeNetFilteringStep(false)
	s.ID = "setupBridgeNetFiltering"
	s.Mirrors = "libnetwork v20.10 drivers/bridge setupBridgeNetFiltering -> checkBridgeNetFiltering (setup_bridgenetfiltering.go)"
	s.Explanation = "Queued when --icc=false (Docker 29 also queues it for --userland-proxy=false). The DROP between two ports of the " +
		"same bridge only works if bridged packets pass iptables, which takes the br_netfilter module and " +
		"/proc/sys/net/bridge/bridge-nf-call-iptables=1. If ip_forward is 1, Docker reads that switch and writes \"1\\n\" when it is 0; " +
		"a missing file means the module is not loaded (\"please ensure that br_netfilter kernel module is loaded\"). The switch is " +
		"per network namespace since Linux 5.3, so the lab's write stays in the lab; netexplore never loads the module itself."
	s.Skipped, s.SkipReason = false, ""
	s = skipIf(s, p.cfg.ICC, "config.EnableICC is true (--icc, the default)")
	return skipIf(s, !p.cfg.IPTables, "d.config.EnableIPTables is false (--iptables=false)")
}
