package lab

import (
	"slices"
	"strings"

	"github.com/netexplore/netexplore/steps"
)

// Diff lists what changed from before to after: links by name, sysctls by
// Name and iptables chain policies by chain are "changed"; addresses,
// routes and rules are compared as sets, so a rule that moved within its
// chain does not show.
func Diff(before, after Snapshot) []steps.Change {
	var changes []steps.Change
	linkMap := func(s Snapshot) map[string]string {
		m := map[string]string{}
		for _, l := range s.Links {
			m[l.Name] = l.String()
		}
		return m
	}
	changes = append(changes, diffKeyed("link", linkMap(before), linkMap(after))...)
	changes = append(changes, diffSets("address", before.Addresses, after.Addresses)...)
	changes = append(changes, diffSets("route", before.Routes, after.Routes)...)
	sysMap := func(s Snapshot) map[string]string {
		m := map[string]string{}
		for _, c := range s.Sysctls {
			m[c.Name] = c.Name + " = " + c.Value
		}
		return m
	}
	changes = append(changes, diffKeyed("sysctl", sysMap(before), sysMap(after))...)
	policies := func(lines []string) (map[string]string, []string) {
		m, rest := map[string]string{}, []string(nil)
		for _, l := range lines {
			if key, _, ok := policyKey(l); ok {
				m[key] = l
			} else {
				rest = append(rest, l)
			}
		}
		return m, rest
	}
	pb, rb := policies(before.Firewall)
	pa, ra := policies(after.Firewall)
	changes = append(changes, diffKeyed("firewall", pb, pa)...)
	changes = append(changes, diffSets("firewall", rb, ra)...)
	return append(changes, diffNamespaces(before.Namespaces, after.Namespaces)...)
}

// diffNamespaces compares the scenario's other namespaces, matched by name.
// Their changes carry the namespace in the area: "link (container1)".
func diffNamespaces(before, after []NamespaceState) []steps.Change {
	old := map[string]NamespaceState{}
	for _, n := range before {
		old[n.Name] = n
	}
	var changes []steps.Change
	for _, n := range after {
		b := old[n.Name]
		delete(old, n.Name)
		changes = append(changes, diffNamespace(b, n, n.Name)...)
	}
	for _, n := range before {
		if _, gone := old[n.Name]; gone {
			changes = append(changes, diffNamespace(n, NamespaceState{}, n.Name)...)
		}
	}
	return changes
}

// diffNamespace compares two states of one namespace.
func diffNamespace(before, after NamespaceState, name string) []steps.Change {
	area := func(a string) string { return a + " (" + name + ")" }
	links := func(n NamespaceState) map[string]string {
		m := map[string]string{}
		for _, l := range n.Links {
			m[l.Name] = l.String()
		}
		return m
	}
	sysctls := func(n NamespaceState) map[string]string {
		m := map[string]string{}
		for _, c := range n.Sysctls {
			m[c.Name] = c.Name + " = " + c.Value
		}
		return m
	}
	changes := diffKeyed(area("link"), links(before), links(after))
	changes = append(changes, diffSets(area("address"), before.Addresses, after.Addresses)...)
	changes = append(changes, diffSets(area("route"), before.Routes, after.Routes)...)
	changes = append(changes, diffSets(area("neighbour"), before.Neighbours, after.Neighbours)...)
	return append(changes, diffKeyed(area("sysctl"), sysctls(before), sysctls(after))...)
}

// policyKey recognises "<fam> <table>: -P <chain> <policy>" lines.
func policyKey(l string) (key, policy string, ok bool) {
	head, rest, found := strings.Cut(l, ": -P ")
	if !found {
		return "", "", false
	}
	chain, policy, _ := strings.Cut(rest, " ")
	return head + " " + chain, policy, true
}

// diffKeyed compares two maps of key -> rendered line.
func diffKeyed(area string, before, after map[string]string) []steps.Change {
	var out []steps.Change
	for _, k := range sortedKeys(before) {
		b := before[k]
		a, ok := after[k]
		switch {
		case !ok:
			out = append(out, steps.Change{Area: area, Op: "removed", Before: b})
		case a != b:
			out = append(out, steps.Change{Area: area, Op: "changed", Before: b, After: a})
		}
	}
	for _, k := range sortedKeys(after) {
		if _, ok := before[k]; !ok {
			out = append(out, steps.Change{Area: area, Op: "added", After: after[k]})
		}
	}
	return out
}

// diffSets compares two lists as multisets, keeping after's order for
// additions and before's order for removals.
func diffSets(area string, before, after []string) []steps.Change {
	count := map[string]int{}
	for _, l := range before {
		count[l]++
	}
	var added []steps.Change
	for _, l := range after {
		if count[l] > 0 {
			count[l]--
			continue
		}
		added = append(added, steps.Change{Area: area, Op: "added", After: l})
	}
	var removed []steps.Change
	for _, l := range before {
		if count[l] > 0 {
			count[l]--
			removed = append(removed, steps.Change{Area: area, Op: "removed", Before: l})
		}
	}
	return append(removed, added...)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
