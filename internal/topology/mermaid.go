package topology

import (
	"fmt"
	"strings"

	"github.com/netexplore/netexplore/internal/sanitize"
)

// Mermaid returns the network as a Mermaid flowchart (without the code
// fence): a subgraph per namespace, a node per interface labelled with its
// kind, state and addresses, and an edge per bridge port, veth pair, lower
// device and tunnel. What marks says the step added or changed is drawn
// in the "added" and "changed" classes; what it removed is named in a note
// node. GitHub renders such a block in Markdown.
func Mermaid(n *Network, marks *Marks) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	if n == nil || len(n.Namespaces) == 0 {
		b.WriteString("  empty[\"no network state recorded\"]\n")
		return b.String()
	}
	ids := map[End]string{}
	nodeID := func(e End) string {
		if id, ok := ids[e]; ok {
			return id
		}
		id := fmt.Sprintf("i%d_%s", len(ids)+1, mermaidID(e.Link))
		ids[e] = id
		return id
	}
	var added, changed []string
	for i, ns := range n.Namespaces {
		sub := fmt.Sprintf("ns%d", i+1)
		fmt.Fprintf(&b, "  subgraph %s[\"%s\"]\n", sub, mermaidText("netns "+ns.Name))
		switch marks.Of(ns.Name, "", "") {
		case Added:
			added = append(added, sub)
		case Changed:
			changed = append(changed, sub)
		}
		trees := ns.ordered()
		if len(trees) == 0 {
			fmt.Fprintf(&b, "    %s_empty[\"no interface up\"]\n", sub)
		}
		for _, t := range trees {
			for _, l := range append([]Link{t.link}, t.ports...) {
				id := nodeID(End{ns.Name, l.Name})
				lines := append([]string{"<b>" + mermaidText(l.Name) + "</b>", mermaidText(l.Kind + " · " + l.State)}, mapText(l.details(ns.Name))...)
				fmt.Fprintf(&b, "    %s[\"%s\"]\n", id, strings.Join(lines, "<br/>"))
				switch marks.Of(ns.Name, l.Name, "") {
				case Added:
					added = append(added, id)
				case Changed:
					changed = append(changed, id)
				default:
					for _, a := range l.Addresses {
						if marks.Of(ns.Name, l.Name, a) != Same {
							changed = append(changed, id)
							break
						}
					}
				}
			}
		}
		if ns.Gateway != "" {
			fmt.Fprintf(&b, "    %s_gw([\"%s\"])\n", sub, mermaidText("default via "+ns.Gateway))
		}
		b.WriteString("  end\n")
	}
	for _, e := range n.Edges() {
		from, to := nodeID(e.From), nodeID(e.To)
		switch e.Kind {
		case Port:
			fmt.Fprintf(&b, "  %s ---|port of| %s\n", from, to)
		case VethPair:
			fmt.Fprintf(&b, "  %s <-->|veth pair| %s\n", from, to)
		case Lower:
			fmt.Fprintf(&b, "  %s -.->|on| %s\n", from, to)
		case Tunnel:
			fmt.Fprintf(&b, "  %s <-.->|\"%s\"| %s\n", from, mermaidText(e.Label), to)
		}
	}
	if marks != nil && len(marks.Removed) > 0 {
		fmt.Fprintf(&b, "  removed>\"%s\"]\n", mermaidText("removed: "+strings.Join(marks.Removed, ", ")))
		changed = append(changed, "removed")
	}
	b.WriteString("  classDef added fill:#d9f7d9,stroke:#2e8b2e,stroke-width:2px\n")
	b.WriteString("  classDef changed fill:#fff1c2,stroke:#c79100,stroke-width:2px\n")
	if len(added) > 0 {
		fmt.Fprintf(&b, "  class %s added\n", strings.Join(added, ","))
	}
	if len(changed) > 0 {
		fmt.Fprintf(&b, "  class %s changed\n", strings.Join(changed, ","))
	}
	return b.String()
}

func mapText(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mermaidText(s)
	}
	return out
}

// mermaidID keeps the letters, digits and underscores of s: a node name
// Mermaid takes as it is.
func mermaidID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// mermaidText makes s safe inside a quoted Mermaid label: control
// characters are shown as escapes (package sanitize), and quotes, angle
// brackets, ampersands and the characters Markdown or Mermaid would take
// for markup become entity codes.
func mermaidText(s string) string { return mermaidEscaper.Replace(sanitize.Line(s)) }

var mermaidEscaper = strings.NewReplacer(
	"&", "#amp;", "\"", "#quot;", "<", "#lt;", ">", "#gt;",
	"`", "#96;", "|", "#124;", "#", "#35;", "\\", "#92;",
)
