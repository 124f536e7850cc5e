package steps

import (
	"fmt"
	"strings"
)

// Chain names of Docker 29's iptables layout.
const (
	dockerChain         = "DOCKER"
	dockerForwardChain  = "DOCKER-FORWARD"
	dockerBridgeChain   = "DOCKER-BRIDGE"
	dockerCTChain       = "DOCKER-CT"
	dockerInternalChain = "DOCKER-INTERNAL"
	dockerUserChain     = "DOCKER-USER"
	isolationChain1     = "DOCKER-ISOLATION-STAGE-1" // Docker <= 28 only
	isolationChain2     = "DOCKER-ISOLATION-STAGE-2" // Docker <= 28 only
	oldIsolationChain   = "DOCKER-ISOLATION"         // Docker <= 17.06
)

// newFirewallerStep is dockerd's firewall setup at start, before any
// network exists.
func (p planner) newFirewallerStep() Step {
	s := Step{
		ID:      "newFirewaller",
		Phase:   PhaseDaemonStart,
		Title:   "Daemon start: create Docker's iptables chains",
		Mirrors: "libnetwork drivers/bridge newDriver -> newFirewaller -> iptabler.NewIptabler: removeIPChains, setupIPChains (internal/iptabler/iptabler.go)",
		Explanation: "Before any network exists, dockerd's bridge driver prepares the firewall. It first looks for a link called loopback0 " +
			"(RTM_GETLINK, ENODEV here): that device is the sign of WSL2's mirrored networking, which needs one rule more " +
			"(isRunningUnderWSL2MirroredMode, wsl2_linux.go). With the iptables backend it then runs nftabler.Cleanup " +
			"(\"nft delete table ip docker-bridges\", in case an nftables-backed daemon ran before), then, for IPv4 (--iptables) and IPv6 (--ip6tables), " +
			"removeIPChains flushes (-F) and deletes (-X) every chain any Docker version ever made, including DOCKER-ISOLATION-STAGE-1/2. " +
			"In a fresh namespace all of those commands fail, and Docker ignores the failures.\n\n" +
			"setupIPChains then creates nat DOCKER (where port publishing puts its DNAT rules) and filter DOCKER, DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT " +
			"and DOCKER-INTERNAL, each after an \"iptables -n -L <chain>\" that checks whether it exists. It appends nat jumps so that packets for a " +
			"local address go through DOCKER (PREROUTING, and OUTPUT except for 127.0.0.0/8 while the userland proxy handles loopback), and inserts " +
			"FORWARD -> DOCKER-FORWARD -> DOCKER-CT, DOCKER-INTERNAL, DOCKER-BRIDGE. Every rule is first tested with -C and only then added, and every " +
			"jump is deleted and re-inserted at the top: that is why a single rule costs two or three iptables processes.\n\n" +
			"Each command is a separate fork+execve of the iptables binary with --wait (wait for the xtables lock), never a library call. " +
			p.xtablesTransport() + " With --ip6tables (the default since Docker 27) the same is done with ip6tables even though docker0 has no IPv6.",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(newIptabler),
	}
	if p.nft() {
		s = p.newNftablerStep(s)
	}
	s = skipIf(s, !p.cfg.IPTables && !p.cfg.IP6Tables, "firewaller.Config IPv4 and IPv6 are both false (--iptables=false --ip6tables=false): the firewaller sets nothing up")
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

// newIptabler is what dockerd does at start with the iptables backend
// (newFirewaller -> nftabler.Cleanup, iptabler.NewIptabler): drop whatever
// an earlier daemon left, then create the chains every bridge network jumps
// through. Each line below is one exec of iptables or ip6tables.
func newIptabler(env *Env) error {
	wsl2Mirrored(env)    // RTM_GETLINK loopback0
	cleanupNftables(env) // nft: delete table ip docker-bridges (ignored if absent)
	for _, ipt := range enabledXtables(env) {
		if ipt.v6 {
			// modprobe.LoadModules' check: if this works, ip6_tables is loaded.
			_, _ = ipt.raw("-t", "filter", "-n", "-L", "FORWARD")
		}
		removeIPChains(ipt)
		if err := setupIPChains(ipt, !env.Config.UserlandProxy); err != nil {
			if ipt.v6 {
				env.notef("ip6tables chains not set up: %v (Docker only warns)", err)
				continue
			}
			return err
		}
	}
	return nil
}

// wsl2Mirrored is the bridge driver's check for WSL2's mirrored
// networking: a link named loopback0 (and wslinfo, not looked for here).
func wsl2Mirrored(env *Env) {
	if _, err := env.Handle.LinkByName("loopback0"); err == nil {
		env.notef("loopback0 exists: Docker would check for WSL2's mirrored networking")
	}
}

// removeIPChains flushes and deletes Docker's chains of any earlier
// version. In a fresh namespace every command fails, and Docker ignores that.
func removeIPChains(ipt xtables) {
	_ = ipt.delete("filter", "FORWARD", "-j", oldIsolationChain)
	ipt.removeChain("nat", dockerChain)
	for _, c := range []string{dockerForwardChain, dockerBridgeChain, dockerChain, dockerCTChain,
		dockerInternalChain, isolationChain1, isolationChain2, oldIsolationChain} {
		ipt.removeChain("filter", c)
	}
}

// setupIPChains creates Docker's chains and the jumps into them.
func setupIPChains(ipt xtables, hairpin bool) error {
	// -n -L <chain> to see whether it exists, then -N <chain>.
	for _, c := range []struct{ table, name string }{
		{"nat", dockerChain}, {"filter", dockerChain}, {"filter", dockerForwardChain},
		{"filter", dockerBridgeChain}, {"filter", dockerCTChain}, {"filter", dockerInternalChain},
	} {
		if err := ipt.newChain(c.table, c.name); err != nil {
			return err
		}
	}
	// nat: packets for a local address go through DOCKER (port publishing DNAT).
	if err := ipt.ensure("-A", "nat", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", dockerChain); err != nil {
		return err
	}
	output := []string{"-m", "addrtype", "--dst-type", "LOCAL", "-j", dockerChain}
	if !hairpin { // with the userland proxy, docker-proxy serves 127.0.0.1
		output = append(output, "!", "--dst", ipt.loopback())
	}
	if err := ipt.ensure("-A", "nat", "OUTPUT", output...); err != nil {
		return err
	}
	// filter: FORWARD -> DOCKER-FORWARD -> DOCKER-CT, DOCKER-INTERNAL, DOCKER-BRIDGE.
	// Each jump is inserted at the top, so the last one ends up first.
	for _, j := range [][2]string{{"FORWARD", dockerForwardChain}, {dockerForwardChain, dockerBridgeChain},
		{dockerForwardChain, dockerInternalChain}, {dockerForwardChain, dockerCTChain}} {
		if err := ipt.ensureJump("filter", j[0], j[1]); err != nil {
			return err
		}
	}
	if !ipt.v6 { // the WSL2 mirrored-mode RETURN rule is off: make sure it is absent
		_ = ipt.delete("nat", dockerChain, "-i", "loopback0", "-d", "127.0.0.0/8", "-j", "RETURN")
	}
	return deleteLegacyTopLevelRules(ipt)
}

// deleteLegacyTopLevelRules removes the FORWARD rules of Docker 28.0 (ipset
// matches) and of Docker <= 28 (the jump to DOCKER-ISOLATION-STAGE-1).
func deleteLegacyTopLevelRules(ipt xtables) error {
	set := "docker-ext-bridges-v4"
	if ipt.v6 {
		set = "docker-ext-bridges-v6"
	}
	_ = ipt.delete("filter", "FORWARD", "-m", "set", "--match-set", set, "dst", "-j", dockerChain)
	if err := ipt.delete("filter", "FORWARD", "-j", isolationChain1); err != nil {
		return err
	}
	_ = ipt.delete("filter", "FORWARD", "-m", "set", "--match-set", set, "dst",
		"-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT")
	return nil
}

// setupUserChainsStep is the controller's DOCKER-USER chain, made after
// the bridge driver's chains.
func (p planner) setupUserChainsStep() Step {
	s := Step{
		ID:      "setupUserChains",
		Phase:   PhaseDaemonStart,
		Title:   "Daemon start: create DOCKER-USER",
		Mirrors: "libnetwork Controller.setupPlatformFirewall -> setupUserChains -> setupUserChain (firewall_linux.go)",
		Explanation: "DOCKER-USER is the one chain Docker creates for the administrator: its jump is inserted at the very top of FORWARD " +
			"(\"-I FORWARD -j DOCKER-USER\"), so rules placed there run before any of Docker's and survive daemon restarts (Docker never flushes it). " +
			"The controller does this after the bridge driver has made its chains, so FORWARD ends up as DOCKER-USER, then DOCKER-FORWARD. " +
			"Docker 20.10 also appended \"-A DOCKER-USER -j RETURN\"; the newest release leaves the chain empty.",
		KernelHandlers: p.xtablesHandlers(),
		code:           call(setupUserChains),
	}
	s = skipIf(s, p.nft(), "nftables.Enabled(): the nftables backend has no DOCKER-USER equivalent")
	s = skipIf(s, !p.cfg.IPTables && !p.cfg.IP6Tables, "enabledIptablesVersions() is empty (--iptables=false --ip6tables=false)")
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

// setupUserChains creates DOCKER-USER, the chain the administrator owns:
// its jump sits at the top of FORWARD, so user rules run before Docker's.
// Docker never flushes it.
func setupUserChains(env *Env) error {
	for _, ipt := range enabledXtables(env) {
		// -n -L DOCKER-USER, -N DOCKER-USER
		if err := ipt.newChain("filter", dockerUserChain); err != nil {
			return fmt.Errorf("failed to create %s chain: %w", dockerUserChain, err)
		}
		// -C FORWARD -j DOCKER-USER (and -D if present), then -I FORWARD -j DOCKER-USER
		if err := ipt.ensureJump("filter", "FORWARD", dockerUserChain); err != nil {
			return err
		}
	}
	return nil
}

// addfirewallerNetworkStep is always queued: the network's firewall rules.
func (p planner) addfirewallerNetworkStep() Step {
	s := Step{
		ID:      "addfirewallerNetwork",
		Phase:   PhaseCreateNetwork,
		Title:   "Add " + p.cfg.BridgeName + "'s firewall rules",
		Mirrors: "libnetwork drivers/bridge newFirewallerNetwork -> iptabler.NewNetwork -> setupIPTables (internal/iptabler/network.go)",
		Explanation: "Always queued. If firewalld runs, Docker first puts the bridge in firewalld's \"docker\" zone over D-Bus (not in the lab). Then, " +
			"per enabled IP version with a subnet on this network, it adds docker0's rules, each after an \"iptables -C\" check, and deletes (after a " +
			"-C) rules that Docker <= 28.0 used to keep in FORWARD:\n" +
			"  nat:    -I POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE (--ip-masq: containers share the host's address outside)\n" +
			"  filter: -A DOCKER-FORWARD -i docker0 -j ACCEPT (containers may send anywhere)\n" +
			"          -A DOCKER ! -i docker0 -o docker0 -j DROP (nothing enters unless a published port's ACCEPT, inserted above, allows it)\n" +
			"          -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT (replies come back)\n" +
			"          -A DOCKER-BRIDGE -o docker0 -j DOCKER (traffic into docker0 gets DOCKER's verdict)\n" +
			"With --icc=false, DOCKER-FORWARD gets \"-i docker0 -o docker0 -j DROP\" and the outgoing ACCEPT becomes \"-i docker0 ! -o docker0\". With " +
			"--userland-proxy=false, \"-I POSTROUTING -m addrtype --src-type LOCAL -o docker0 -j MASQUERADE\" gives host-to-container hairpin " +
			"traffic a usable source address.\n\n" +
			"History: up to Docker 28.0 this was several steps, setupIP4Tables/setupIP6Tables (per-bridge FORWARD rules and nat \"-A DOCKER -i docker0 " +
			"-j RETURN\"), setupFirewalld and setupNetworkIsolationRules, which built DOCKER-ISOLATION-STAGE-1 (\"-i docker0 ! -o docker0 -j " +
			"DOCKER-ISOLATION-STAGE-2\") and DOCKER-ISOLATION-STAGE-2 (\"-o docker0 -j DROP\") so that two bridge networks could not talk: the seed " +
			"note's queue shows them. v28.1 folded them into one step (setIptablesNetwork), v28.2 introduced the firewaller abstraction and this step, " +
			"and Docker 29 dropped the ISOLATION chains: the per-network \"DOCKER ! -i <br> -o <br> -j DROP\" now isolates networks. " +
			p.xtablesTransport(),
		KernelHandlers: p.xtablesHandlers(),
		code:           call(addIptablerNetwork),
	}
	if p.nft() {
		s = p.addNftablerNetworkStep(s)
	}
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

// addIptablerNetwork installs docker0's own rules (iptabler
// network.setupIPTables): NAT for traffic leaving the subnet, accept
// outgoing, drop unsolicited incoming, track connections.
func addIptablerNetwork(env *Env) error {
	for _, ipt := range enabledXtables(env) {
		subnet := env.net.addr4.Masked().String()
		if ipt.v6 {
			if !env.Config.EnableIPv6 {
				continue // no IPv6 subnet on this network: nothing to do
			}
			subnet = env.net.addr6.Masked().String()
		}
		if err := setupNonInternalNetworkRules(ipt, env.Config, subnet); err != nil {
			return fmt.Errorf("failed to set up %s rules: %w", ipt.cmd, err)
		}
		if err := setupBridgeRules(ipt, env.Config.BridgeName); err != nil {
			return fmt.Errorf("failed to set up %s rules: %w", ipt.cmd, err)
		}
	}
	return nil
}

// setupNonInternalNetworkRules adds the NAT and forwarding rules of a
// network with external access. Every "ensure" is an iptables -C followed,
// if the rule is missing, by -I or -A; every "delete" is a -C followed, if
// the rule is present, by -D (rules of older Docker versions).
func setupNonInternalNetworkRules(ipt xtables, cfg Config, subnet string) error {
	br := cfg.BridgeName
	if cfg.masquerade() { // -t nat -I POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
		if err := ipt.ensure("-I", "nat", "POSTROUTING", "-s", subnet, "!", "-o", br, "-j", "MASQUERADE"); err != nil {
			return err
		}
	}
	hairpinNAT := []string{"-m", "addrtype", "--src-type", "LOCAL", "-o", br, "-j", "MASQUERADE"}
	if !cfg.UserlandProxy { // host -> container via 127.0.0.1 needs a source address the container can answer
		if err := ipt.ensure("-I", "nat", "POSTROUTING", hairpinNAT...); err != nil {
			return err
		}
	} else {
		_ = ipt.delete("nat", "POSTROUTING", hairpinNAT...)
	}
	if err := setIcc(ipt, br, cfg.ICC); err != nil {
		return err
	}
	outNoICC := []string{"-i", br, "!", "-o", br, "-j", "ACCEPT"}
	_ = ipt.delete("filter", "FORWARD", outNoICC...) // Docker <= 28.0 put it in FORWARD
	if cfg.ICC {
		// -A DOCKER-FORWARD -i docker0 -j ACCEPT: out of the bridge, to anywhere.
		if err := ipt.ensure("-A", "filter", dockerForwardChain, "-i", br, "-j", "ACCEPT"); err != nil {
			return err
		}
		_ = ipt.delete("filter", "FORWARD", "-i", br, "-j", "ACCEPT")
		return nil
	}
	// -A DOCKER-FORWARD -i docker0 ! -o docker0 -j ACCEPT: anywhere but back into the bridge.
	return ipt.ensure("-A", "filter", dockerForwardChain, outNoICC...)
}

// setIcc adds the inter-container DROP when --icc=false and removes rules
// older versions left behind.
func setIcc(ipt xtables, br string, icc bool) error {
	accept := []string{"-i", br, "-o", br, "-j", "ACCEPT"}
	drop := []string{"-i", br, "-o", br, "-j", "DROP"}
	_ = ipt.delete("filter", dockerForwardChain, accept...) // only --internal networks keep it
	if !icc {
		// -A DOCKER-FORWARD -i docker0 -o docker0 -j DROP: bridged container-to-container
		// traffic; it only reaches iptables because br_netfilter is on.
		if err := ipt.ensure("-A", "filter", dockerForwardChain, drop...); err != nil {
			return fmt.Errorf("unable to prevent intercontainer communication: %w", err)
		}
	} else {
		_ = ipt.delete("filter", dockerForwardChain, drop...)
	}
	_ = ipt.delete("filter", "FORWARD", accept...)
	_ = ipt.delete("filter", "FORWARD", drop...)
	return nil
}

// setupBridgeRules adds the rules that protect docker0 from unsolicited
// traffic and let replies in.
func setupBridgeRules(ipt xtables, br string) error {
	// Docker <= 28.0 per-bridge FORWARD rules, replaced by DOCKER-BRIDGE and DOCKER-CT.
	_ = ipt.delete("filter", "FORWARD", "-o", br, "-j", dockerChain)
	_ = ipt.delete("filter", "FORWARD", "-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT")
	// -A DOCKER ! -i docker0 -o docker0 -j DROP: nothing from outside reaches a
	// container unless a published-port ACCEPT (inserted above it) lets it.
	// This rule also isolates bridge networks from each other.
	if err := ipt.ensure("-A", "filter", dockerChain, "!", "-i", br, "-o", br, "-j", "DROP"); err != nil {
		return fmt.Errorf("failed to add default-drop rule: %w", err)
	}
	// -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT: replies.
	if err := ipt.ensure("-A", "filter", dockerCTChain, "-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"); err != nil {
		return err
	}
	// -A DOCKER-BRIDGE -o docker0 -j DOCKER: traffic into docker0 gets DOCKER's verdict.
	return ipt.ensure("-A", "filter", dockerBridgeChain, "-o", br, "-j", dockerChain)
}

// filterForwardDrop sets the FORWARD chain's policy to DROP (the
// iptabler's FilterForwardDrop), so that turning on forwarding does not make
// the host a router for everybody.
func filterForwardDrop(env *Env, cmd string) error {
	if _, err := env.lookPath(cmd); err != nil {
		env.notef("Docker would now run %s -P FORWARD DROP, but %v", cmd, errMissingTool(cmd))
		return nil
	}
	ipt := xtables{env: env, cmd: cmd, v6: cmd == "ip6tables"}
	// exec iptables --wait -t filter -P FORWARD DROP
	if err := ipt.rawCombined("-t", "filter", "-P", "FORWARD", "DROP"); err != nil {
		return fmt.Errorf("setting default policy to DROP in FORWARD chain failed: %w", err)
	}
	env.notef("%s FORWARD policy set to DROP", cmd)
	return nil
}

// xtables runs one of the iptables binaries the way libnetwork's iptables
// package does: exec with --wait, never a library.
type xtables struct {
	env *Env
	cmd string // "iptables" or "ip6tables"
	v6  bool
}

// enabledXtables returns iptables and/or ip6tables, as --iptables and
// --ip6tables allow.
func enabledXtables(env *Env) []xtables {
	var ts []xtables
	if env.Config.IPTables {
		ts = append(ts, xtables{env: env, cmd: "iptables"})
	}
	if env.Config.IP6Tables {
		ts = append(ts, xtables{env: env, cmd: "ip6tables", v6: true})
	}
	return ts
}

// loopback returns the loopback range of the table's family.
func (t xtables) loopback() string {
	if t.v6 {
		return "::1/128"
	}
	return "127.0.0.0/8"
}

// raw runs "<cmd> --wait args...".
func (t xtables) raw(args ...string) ([]byte, error) {
	return t.env.run(t.cmd, nil, append([]string{"--wait"}, args...)...)
}

// rawCombined runs raw and also treats any output as an error.
func (t xtables) rawCombined(args ...string) error {
	out, err := t.raw(args...)
	if err != nil {
		return err
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		return fmt.Errorf("%s %s: %s", t.cmd, strings.Join(args, " "), s)
	}
	return nil
}

// exists asks iptables whether a rule is present: -C exits 0 if it is.
func (t xtables) exists(table, chain string, rule ...string) bool {
	_, err := t.raw(append([]string{"-t", table, "-C", chain}, rule...)...)
	return err == nil
}

// ensure adds a rule with op (-A or -I) unless -C finds it.
func (t xtables) ensure(op, table, chain string, rule ...string) error {
	if t.exists(table, chain, rule...) {
		return nil
	}
	return t.rawCombined(append([]string{"-t", table, op, chain}, rule...)...)
}

// delete removes a rule if -C finds it.
func (t xtables) delete(table, chain string, rule ...string) error {
	if !t.exists(table, chain, rule...) {
		return nil
	}
	return t.rawCombined(append([]string{"-t", table, "-D", chain}, rule...)...)
}

// newChain creates a chain unless "-n -L" finds it.
func (t xtables) newChain(table, name string) error {
	if _, err := t.raw("-t", table, "-n", "-L", name); err == nil {
		return nil
	}
	if err := t.rawCombined("-t", table, "-N", name); err != nil {
		return fmt.Errorf("could not create %s/%s chain: %w", table, name, err)
	}
	return nil
}

// removeChain deletes a chain the way ChainInfo.Remove does: for nat, the
// jumps of every Docker version first; then -F and -X. Errors are ignored.
func (t xtables) removeChain(table, name string) {
	if table == "nat" {
		_, _ = t.raw("-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", name)
		_, _ = t.raw("-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "!", "--dst", t.loopback(), "-j", name)
		_, _ = t.raw("-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", name) // Docker <= 0.1.6
		_, _ = t.raw("-t", "nat", "-D", "PREROUTING")
		_, _ = t.raw("-t", "nat", "-D", "OUTPUT")
	}
	_, _ = t.raw("-t", table, "-F", name)
	_, _ = t.raw("-t", table, "-X", name)
}

// ensureJump (re-)inserts "-j to" at the top of chain from.
func (t xtables) ensureJump(table, from, to string, rule ...string) error {
	rule = append(rule, "-j", to)
	if err := t.delete(table, from, rule...); err != nil {
		return err
	}
	if err := t.rawCombined(append([]string{"-t", table, "-I", from}, rule...)...); err != nil {
		return fmt.Errorf("unable to insert jump to %s rule in %s chain: %w", to, from, err)
	}
	return nil
}
