package rtnl

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/decode/sockaddr"
	"github.com/netexplore/netexplore/trace/event"
)

// Traffic control (RTM_*QDISC, *TCLASS, *TFILTER, *CHAIN: struct tcmsg,
// TCA_*) and policy routing (RTM_*RULE: struct fib_rule_hdr, FRA_*). Their
// tables are generated from the kernel's tc and rt-rule specs
// (tc_spec.go, rt_rule_spec.go); this file names the values the specs
// leave as numbers and writes the summaries.

func init() {
	setValues(tcStructTcmsg, map[string]render.Namer{
		"tcm_family": sockaddr.AFNames, "tcm_ifindex": netlink.Ifindex,
		"tcm_handle": tcHandle, "tcm_parent": tcHandle,
	})
	setValues(ruleStructFibRuleHdr, map[string]render.Namer{
		"family": sockaddr.AFNames, "table": routeTableNames,
	})
	// The spec types FRA_DST and FRA_SRC as u32; they hold an address of
	// the rule's family.
	for _, t := range []int{1, 2} {
		ruleSetFibRuleAttrs.Attrs[t].Type = netlink.Addr
	}
	ruleSetFibRuleAttrs.Attrs[15].Values = routeTableNames // FRA_TABLE
	ruleSetFibRuleAttrs.Attrs[21].Values = routeProtoNames // FRA_PROTOCOL
}

// setValues names the values of struct members.
func setValues(members []netlink.Member, values map[string]render.Namer) {
	for i := range members {
		if v, ok := values[members[i].Name]; ok {
			members[i].Values = v
		}
	}
}

// Special tc handles (linux/pkt_sched.h).
const (
	tcHRoot    = 0xffffffff
	tcHIngress = 0xfffffff1
)

// tcHandle renders a tc handle the way tc prints it: major:minor in hex,
// "root", "ingress" (also clsact's parent), or none.
var tcHandle = render.NamerFunc(func(v uint64) string {
	switch v {
	case 0:
		return "0"
	case tcHRoot:
		return "root"
	case tcHIngress:
		return "ingress"
	}
	return fmt.Sprintf("%x:%x", v>>16, v&0xffff)
})

// tcSummary describes a tc message: kind, device, handle and parent.
func tcSummary(hdr render.Bytes, attrs []event.Field, get bool) string {
	parts := []string{topValue(attrs, "TCA_KIND")}
	if i := index(hdr, 4); i != 0 {
		parts = append(parts, fmt.Sprintf("dev index=%d", i))
	}
	if h := hdr.U32(8); h != 0 {
		parts = append(parts, "handle "+tcHandle.Name(uint64(h)))
	}
	if p := hdr.U32(12); p != 0 {
		parts = append(parts, "parent "+tcHandle.Name(uint64(p)))
	}
	if get && len(attrs) == 0 && len(parts) == 1 {
		return familyIfSet(hdr[0])
	}
	return render.Join(parts...)
}

// ruleSummary describes a policy routing rule the way `ip rule` lists it.
func ruleSummary(hdr render.Bytes, attrs []event.Field, get bool) string {
	if get && len(attrs) == 0 {
		return familyIfSet(hdr[0])
	}
	from := topValue(attrs, "FRA_SRC")
	if from == "" {
		from = "all"
	} else if hdr[2] != 0 {
		from = fmt.Sprintf("%s/%d", from, hdr[2])
	}
	parts := []string{labeled(attrs, "FRA_PRIORITY", "priority "), "from " + from}
	if to := topValue(attrs, "FRA_DST"); to != "" {
		parts = append(parts, fmt.Sprintf("to %s/%d", to, hdr[1]))
	}
	parts = append(parts, labeled(attrs, "FRA_FWMARK", "fwmark "), labeled(attrs, "FRA_IIFNAME", "iif "), labeled(attrs, "FRA_OIFNAME", "oif "))
	switch act := ruleEnumFrAct.Name(uint64(hdr[7])); act {
	case "FR_ACT_TO_TBL":
		table := topValue(attrs, "FRA_TABLE")
		if table == "" {
			table = routeTableNames.Name(uint64(hdr[4]))
		}
		parts = append(parts, "lookup "+strings.ToLower(strings.TrimPrefix(table, "RT_TABLE_")))
	default:
		parts = append(parts, strings.ToLower(strings.TrimPrefix(act, "FR_ACT_")))
	}
	return render.Join(parts...)
}
