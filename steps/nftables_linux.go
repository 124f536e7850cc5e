package steps

import (
	"fmt"
	"strings"
)

// nftHandlers are the kernel functions that serve an nft ruleset.
var nftHandlers = []string{"nfnetlink_rcv", "nfnetlink_rcv_batch", "nf_tables_newtable", "nf_tables_newchain", "nf_tables_newset", "nf_tables_newrule", "nf_tables_newsetelem"}

// Names in Docker 29's nftables layout (table "docker-bridges" in the ip and
// ip6 families).
const (
	nftTable              = "docker-bridges"
	nftForwardChain       = "filter-FORWARD"
	nftPostroutingChain   = "nat-POSTROUTING"
	nftPreroutingChain    = "nat-PREROUTING"
	nftOutputChain        = "nat-OUTPUT"
	nftNATChain           = "nat-prerouting-and-output"
	nftRawPreroutingChain = "raw-PREROUTING"
	nftFwdInVMap          = "filter-forward-in-jumps"
	nftFwdOutVMap         = "filter-forward-out-jumps"
	nftPostOutVMap        = "nat-postrouting-out-jumps"
	nftPostInVMap         = "nat-postrouting-in-jumps"
)

// newNftablerStep is newFirewaller with --firewall-backend nftables.
func (p planner) newNftablerStep(s Step) Step {
	s.Title = "Daemon start: create Docker's nftables table"
	s.Mirrors = "libnetwork drivers/bridge newDriver -> newFirewaller -> nftabler.NewNftabler (internal/nftabler/nftabler.go)"
	s.Explanation = "With --firewall-backend=nftables (new and experimental in Docker 29), dockerd first looks for WSL2's loopback0 " +
		"(RTM_GETLINK, ENODEV here), then builds one table per address family, " +
		"\"ip docker-bridges\" and \"ip6 docker-bridges\", by feeding a ruleset to \"nft -f -\" on stdin: one process and one atomic netlink batch per family " +
		"instead of dozens of iptables runs. The table holds base chains hooked into the kernel (filter-FORWARD at the forward hook, nat-PREROUTING, " +
		"nat-OUTPUT, nat-POSTROUTING, raw-PREROUTING) and four verdict maps keyed by interface name (filter-forward-in-jumps ...). The base chains only " +
		"look the packet's interface up in a map, so traffic that has nothing to do with a Docker bridge leaves after one lookup.\n\n" +
		"The script first declares the table, maps and chains, then flushes the table (in case an earlier daemon left rules), then fills the base " +
		"chains. Afterwards iptabler.NewCleaner runs \"iptables -C FORWARD -j DOCKER-FORWARD\" (and DOCKER-ISOLATION-STAGE-1) to see whether an " +
		"iptables-backed daemon left rules to clean up. In the kernel, nfnetlink_rcv_batch applies NFT_MSG_NEWTABLE, NEWCHAIN, NEWSET and NEWRULE as one transaction."
	s.KernelHandlers = nftHandlers
	s.code = call(newNftabler)
	return s
}

// newNftabler is what dockerd does at start with --firewall-backend=nftables
// (newFirewaller -> nftabler.NewNftabler): one "nft -f -" per address
// family that builds the table, its base chains and empty verdict maps.
func newNftabler(env *Env) error {
	wsl2Mirrored(env) // RTM_GETLINK loopback0
	for _, fam := range nftFamilies(env) {
		// exec nft -f -, ruleset on stdin -> one NETLINK_NETFILTER batch
		if _, err := env.run("nft", []byte(nftInitScript(fam, !env.Config.UserlandProxy)), "-f", "-"); err != nil {
			return fmt.Errorf("initialising nftables table %s %s: %w", fam, nftTable, err)
		}
	}
	// iptabler.NewCleaner: are there iptables rules from an iptables-backed
	// daemon to clean up? (-C only; nothing to clean in a fresh namespace.)
	for _, ipt := range enabledXtables(env) {
		if _, err := env.lookPath(ipt.cmd); err != nil {
			continue
		}
		if !ipt.exists("filter", "FORWARD", "-j", dockerForwardChain) &&
			!ipt.exists("filter", "FORWARD", "-j", isolationChain1) {
			continue
		}
		env.notef("%s has Docker rules from an iptables-backed daemon: Docker would clean them up", ipt.cmd)
	}
	return nil
}

// addNftablerNetworkStep is addfirewallerNetwork with the nftables backend.
func (p planner) addNftablerNetworkStep(s Step) Step {
	s.Mirrors = "libnetwork drivers/bridge newFirewallerNetwork -> nftabler.NewNetwork -> configure (internal/nftabler/network.go)"
	s.Explanation = "Always queued. With nftables, Docker adds four chains named after the bridge to the docker-bridges table, fills them, and " +
		"adds one element per chain to the verdict maps, all in one \"nft -f -\" per family:\n" +
		"  filter-forward-in__docker0:  ct state established,related accept; iifname \"docker0\" accept (ICC; drop with --icc=false); drop (UNPUBLISHED PORT DROP)\n" +
		"  filter-forward-out__docker0: ct state established,related accept; accept (OUTGOING)\n" +
		"  nat-postrouting-out__docker0: oifname != \"docker0\" ip saddr 172.17.0.0/16 masquerade\n" +
		"  nat-postrouting-in__docker0: empty, or \"fib saddr type local masquerade\" with --userland-proxy=false\n" +
		"and filter-forward-in-jumps gets { \"docker0\" : jump filter-forward-in__docker0 }, and so on. A packet to or from docker0 now reaches its " +
		"bridge's chains through one map lookup; other bridges' rules are never evaluated. Unlike iptables there is no -C round trip: nft sends " +
		"the whole change as one atomic NETLINK_NETFILTER batch (NFT_MSG_NEWCHAIN, NEWRULE, NEWSETELEM).\n\n" +
		"The iptables layout of the same network (DOCKER, DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE, and up to Docker 28 the " +
		"DOCKER-ISOLATION-STAGE-1/2 chains of the old setupNetworkIsolationRules step) does not exist with this backend."
	s.KernelHandlers = nftHandlers
	s.code = call(addNftablerNetwork)
	return s
}

// addNftablerNetwork adds docker0's chains to the table and hooks them into
// the verdict maps, in one "nft -f -" per family.
func addNftablerNetwork(env *Env) error {
	for _, fam := range nftFamilies(env) {
		subnet := env.net.addr4.Masked().String()
		if fam == "ip6" {
			if !env.Config.EnableIPv6 {
				continue // no IPv6 subnet on this network
			}
			subnet = env.net.addr6.Masked().String()
		}
		script := nftNetworkScript(fam, env.Config, subnet)
		// exec nft -f -, ruleset on stdin -> one NETLINK_NETFILTER batch
		if _, err := env.run("nft", []byte(script), "-f", "-"); err != nil {
			return fmt.Errorf("adding rules for bridge %s: %w", env.Config.BridgeName, err)
		}
	}
	return nil
}

// cleanupNftables is nftabler.Cleanup, which an iptables-backed dockerd runs
// at start: it deletes the tables a previous nftables-backed daemon made.
func cleanupNftables(env *Env) {
	if _, err := env.lookPath("nft"); err != nil {
		return // Docker logs that nft is missing and carries on
	}
	for _, fam := range nftFamilies(env) {
		if _, err := env.run("nft", []byte("delete table "+fam+" "+nftTable), "-f", "-"); err != nil {
			env.notef("no %s %s table to delete (expected in a fresh namespace)", fam, nftTable)
		}
	}
}

// nftFamilies returns the nftables families --iptables and --ip6tables
// enable.
func nftFamilies(env *Env) []string {
	var fams []string
	if env.Config.IPTables {
		fams = append(fams, "ip")
	}
	if env.Config.IP6Tables {
		fams = append(fams, "ip6")
	}
	return fams
}

// nftInitScript is the daemon-start ruleset of one family. Like Docker's, it
// first declares everything (so the flush cannot fail), flushes the table in
// case an old daemon left rules, then fills the base chains.
func nftInitScript(fam string, hairpin bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table %s %s {\n", fam, nftTable)
	for _, m := range []string{nftFwdInVMap, nftFwdOutVMap, nftPostOutVMap, nftPostInVMap} {
		fmt.Fprintf(&b, "\tmap %s {\n\t\ttype ifname : verdict\n\t}\n", m)
	}
	chains := []struct{ name, hook string }{
		{nftForwardChain, "type filter hook forward priority 0; policy accept;"},
		{nftPostroutingChain, "type nat hook postrouting priority 100; policy accept;"},
		{nftNATChain, ""},
		{nftPreroutingChain, "type nat hook prerouting priority -100; policy accept;"},
		{nftOutputChain, "type nat hook output priority -100; policy accept;"},
		{nftRawPreroutingChain, "type filter hook prerouting priority -300; policy accept;"},
	}
	for _, c := range chains {
		if c.hook == "" {
			writeChain(&b, c.name)
		} else {
			writeChain(&b, c.name, c.hook)
		}
	}
	fmt.Fprintf(&b, "}\nflush table %s %s\n", fam, nftTable)

	skipLoopback := "" // with the userland proxy, docker-proxy serves loopback
	if !hairpin {
		skipLoopback = "ip daddr != 127.0.0.1/8 "
		if fam == "ip6" {
			skipLoopback = "ip6 daddr != ::1 "
		}
	}
	fmt.Fprintf(&b, "table %s %s {\n", fam, nftTable)
	writeChain(&b, nftForwardChain, "oifname vmap @"+nftFwdInVMap, "iifname vmap @"+nftFwdOutVMap)
	writeChain(&b, nftPostroutingChain, "iifname vmap @"+nftPostOutVMap, "oifname vmap @"+nftPostInVMap)
	writeChain(&b, nftPreroutingChain, "fib daddr type local counter jump "+nftNATChain)
	writeChain(&b, nftOutputChain, skipLoopback+"fib daddr type local counter jump "+nftNATChain)
	b.WriteString("}\n")
	return b.String()
}

// nftNetworkScript is the per-network ruleset for one family: four chains
// named after the bridge, and one verdict-map element per chain so that
// only packets to or from this bridge ever reach them.
func nftNetworkScript(fam string, cfg Config, subnet string) string {
	br := cfg.BridgeName
	in, out := "filter-forward-in__"+br, "filter-forward-out__"+br
	postIn, postOut := "nat-postrouting-in__"+br, "nat-postrouting-out__"+br
	chains := []string{in, out, postIn, postOut}

	var b strings.Builder
	fmt.Fprintf(&b, "table %s %s {\n", fam, nftTable)
	for _, c := range chains {
		writeChain(&b, c)
	}
	b.WriteString("}\n")
	for _, c := range chains {
		fmt.Fprintf(&b, "flush chain %s %s %s\n", fam, nftTable, c)
	}

	icc := "accept"
	if !cfg.ICC {
		icc = "drop"
	}
	var postInRules, postOutRules []string
	if cfg.masquerade() {
		postOutRules = append(postOutRules, fmt.Sprintf(`oifname != "%s" %s saddr %s counter masquerade comment "MASQUERADE"`, br, fam, subnet))
	}
	if !cfg.UserlandProxy {
		postInRules = append(postInRules, `fib saddr type local counter masquerade comment "MASQUERADE FROM HOST"`)
	}
	fmt.Fprintf(&b, "table %s %s {\n", fam, nftTable)
	writeChain(&b, in,
		"ct state established,related counter accept",
		fmt.Sprintf(`iifname == "%s" counter %s comment "ICC"`, br, icc),
		`counter drop comment "UNPUBLISHED PORT DROP"`)
	writeChain(&b, out,
		"ct state established,related counter accept",
		`counter accept comment "OUTGOING"`)
	writeChain(&b, postIn, postInRules...)
	writeChain(&b, postOut, postOutRules...)
	b.WriteString("}\n")

	for _, e := range [][2]string{{nftFwdInVMap, in}, {nftFwdOutVMap, out}, {nftPostInVMap, postIn}, {nftPostOutVMap, postOut}} {
		fmt.Fprintf(&b, "add element %s %s %s { \"%s\" : jump %s }\n", fam, nftTable, e[0], br, e[1])
	}
	return b.String()
}

// writeChain writes "chain name { rules }" inside a table block.
func writeChain(b *strings.Builder, name string, rules ...string) {
	fmt.Fprintf(b, "\tchain %s {\n", name)
	for _, r := range rules {
		fmt.Fprintf(b, "\t\t%s\n", r)
	}
	b.WriteString("\t}\n")
}
