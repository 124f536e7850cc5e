package steps

import (
	"os/exec"
	"path/filepath"
	"strings"
)

// Plan returns the steps, in order, that Docker performs for cfg's
// scenario. For the default bridge: first the daemon-start firewall setup,
// then the steps the bridge driver's createNetwork queues for the default
// network, with the conditions of the newest moby release. Steps that would
// not be queued are included with Skipped set and the reason. Firewall
// steps whose helper program is not installed are skipped too, saying what
// to install. The other scenarios ([Scenarios]) build on that plan or
// replace it.
func Plan(cfg Config) ([]Step, error) {
	return plan(cfg, exec.LookPath)
}

// plan is Plan with a replaceable program lookup.
func plan(cfg Config, lookPath func(string) (string, error)) ([]Step, error) {
	steps, _, err := planWorld(cfg, lookPath)
	return steps, err
}

// planWorld is plan that also returns the scenario's world, which the
// steps fill in as they run (the Stage keeps it to snapshot and close the
// namespaces they create).
func planWorld(cfg Config, lookPath func(string) (string, error)) ([]Step, *world, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	p := planner{cfg: cfg, lookPath: lookPath}
	w := &world{}
	sc, _ := scenarioFor(cfg) // known: Validate checked
	steps := sc.plan(p, w)
	for i := range steps {
		steps[i].Func = steps[i].code.name()
	}
	return steps, w, nil
}

// planner builds the steps for one configuration.
type planner struct {
	cfg      Config
	lookPath func(string) (string, error)
}

// skipIf marks s skipped with reason when cond holds (and s is not skipped
// already).
func skipIf(s Step, cond bool, reason string) Step {
	if cond && !s.Skipped {
		s.Skipped, s.SkipReason = true, reason
		s.Explanation = SkippedLead + ". When it runs: " + s.Explanation
	}
	return s
}

// SkippedLead begins the explanation of a step the plan skips: the rest
// tells what the step does when it runs, which this walkthrough does not
// show.
const SkippedLead = "Not run with this configuration"

// withIPTables skips s with reason when --iptables is off, and when the
// firewall programs are not installed.
func (p planner) withIPTables(s Step, reason string) Step {
	s = skipIf(s, !p.cfg.IPTables, reason)
	return skipIf(s, p.missingFirewallTool() != "", p.missingFirewallTool())
}

// nft reports whether the nftables backend is selected.
func (p planner) nft() bool { return p.cfg.FirewallBackend == BackendNFTables }

// missingFirewallTool names the first program the firewall steps need that
// is not installed, with how to get it, or returns "".
func (p planner) missingFirewallTool() string {
	var need []string
	switch {
	case p.nft():
		if p.cfg.IPTables || p.cfg.IP6Tables {
			need = append(need, "nft")
		}
	default:
		if p.cfg.IPTables {
			need = append(need, "iptables")
		}
		if p.cfg.IP6Tables {
			need = append(need, "ip6tables")
		}
	}
	for _, name := range need {
		if _, err := p.lookPath(name); err != nil {
			return errMissingTool(name).Error()
		}
	}
	return ""
}

// xtablesLegacy reports whether the iptables in PATH is iptables-legacy
// (which replaces whole tables with setsockopt) rather than iptables-nft
// (which sends nf_tables netlink batches).
func (p planner) xtablesLegacy() bool {
	path, err := p.lookPath("iptables")
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return strings.Contains(filepath.Base(path), "legacy")
}

// xtablesHandlers returns the kernel functions that serve the iptables
// binary in use.
func (p planner) xtablesHandlers() []string {
	if p.xtablesLegacy() {
		return []string{"do_ipt_get_ctl", "get_entries", "do_ipt_set_ctl", "do_replace", "translate_table"}
	}
	return []string{"nfnetlink_rcv", "nfnetlink_rcv_batch", "nf_tables_getgen", "nf_tables_getrule", "nf_tables_newtable", "nf_tables_newchain", "nf_tables_newrule"}
}

// xtablesTransport explains how an iptables process talks to the kernel.
func (p planner) xtablesTransport() string {
	if p.xtablesLegacy() {
		return "This machine's iptables is iptables-legacy: each run reads the whole table with getsockopt(IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES), edits it in memory and writes it all back with setsockopt(IPT_SO_SET_REPLACE) (do_replace in the kernel)."
	}
	return "This machine's iptables is iptables-nft: each run opens a NETLINK_NETFILTER socket and sends one batch (NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWTABLE/NEWCHAIN/NEWRULE ..., NFNL_MSG_BATCH_END) that nfnetlink_rcv_batch applies atomically; -C and -L only read the ruleset (requests to get, no batch)."
}
