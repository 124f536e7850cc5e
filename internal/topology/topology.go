// Package topology is the shape of a scenario's networks after a step —
// network namespaces, their interfaces and addresses, and what connects
// them: bridge ports, veth pairs, macvlan and VXLAN links to their lower
// device, VXLAN tunnels between hosts — and draws it as a picture.
//
// The lab fills a [Network] from the state it reads after every step (the
// same snapshot the kernel changes come from), so the picture shows what
// the kernel holds, never what a step's explanation says. [Compare] tells
// what a step added or changed; [Art] draws the network with box-drawing
// characters (the terminal UI and the text export), [Mermaid] as a
// flowchart (the Markdown export and docs/).
//
// It is a leaf: the lab (package steps) writes it into each step's result
// and the session model, the terminal UI and the exports read it.
package topology

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Network is every network namespace a scenario uses, the lab's own first.
type Network struct {
	Namespaces []Namespace `json:"namespaces"`
}

// Namespace is one network namespace: the lab (which plays the Docker
// host), a container, a second host, an overlay network's sandbox.
type Namespace struct {
	// Name is what the steps call it: "host", "container1", "host B".
	Name string `json:"name"`
	// Inode is the namespace's inode number, the netns every captured
	// event carries: it names the namespace an event acted in.
	Inode uint64 `json:"inode,omitempty"`
	// Links are its interfaces, by index.
	Links []Link `json:"links"`
	// Gateway is the next hop of its default route ("172.17.0.1 dev
	// eth0"), empty when it has none.
	Gateway string `json:"gateway,omitempty"`
}

// Link is one interface.
type Link struct {
	// Name and Index identify it in its namespace.
	Name  string `json:"name"`
	Index int    `json:"index"`
	// Kind is its type: "bridge", "veth", "macvlan", "vxlan", "device"
	// (lo and other plain devices).
	Kind string `json:"kind"`
	// State is the operational state: UP, DOWN, UNKNOWN, LOWERLAYERDOWN.
	State string `json:"state"`
	// MTU is the link MTU.
	MTU int `json:"mtu,omitempty"`
	// MAC is the link-layer address.
	MAC string `json:"mac,omitempty"`
	// Master is the bridge (in the same namespace) it is a port of.
	Master string `json:"master,omitempty"`
	// Addresses are its IP addresses with prefix length, link-local ones
	// left out: "172.17.0.1/16".
	Addresses []string `json:"addresses,omitempty"`
	// Peer is the other end of a veth pair.
	Peer *End `json:"peer,omitempty"`
	// Parent is the lower device of a macvlan or VXLAN link.
	Parent *End `json:"parent,omitempty"`
	// VXLAN holds a VXLAN link's tunnel settings.
	VXLAN *VXLAN `json:"vxlan,omitempty"`
}

// End names an interface anywhere in the network.
type End struct {
	Namespace string `json:"namespace"`
	Link      string `json:"link"`
}

// String renders the end as "namespace/link".
func (e End) String() string { return e.Namespace + "/" + e.Link }

// VXLAN is a VXLAN link's tunnel: its network identifier, the UDP port,
// its own address and the remote hosts it sends to (a unicast remote, or
// the forwarding entries a control plane programmed).
type VXLAN struct {
	VNI     int      `json:"vni"`
	Port    int      `json:"port,omitempty"`
	Local   string   `json:"local,omitempty"`
	Remotes []string `json:"remotes,omitempty"`
}

// loopback is the kind of lo.
const loopback = "loopback"

// Namespace returns the namespace called name, or nil.
func (n *Network) Namespace(name string) *Namespace {
	if n == nil {
		return nil
	}
	for i := range n.Namespaces {
		if n.Namespaces[i].Name == name {
			return &n.Namespaces[i]
		}
	}
	return nil
}

// NamespaceOf names the namespace whose inode is ino, or "".
func (n *Network) NamespaceOf(ino uint64) string {
	if n == nil || ino == 0 {
		return ""
	}
	for _, ns := range n.Namespaces {
		if ns.Inode == ino {
			return ns.Name
		}
	}
	return ""
}

// Link returns the link called name, or nil.
func (ns *Namespace) Link(name string) *Link {
	if ns == nil {
		return nil
	}
	for i := range ns.Links {
		if ns.Links[i].Name == name {
			return &ns.Links[i]
		}
	}
	return nil
}

// shows reports whether link l of the namespace belongs in the picture:
// every link but the loopback, which only shows in a namespace that has
// nothing else (every namespace has one, and next to real interfaces it
// says nothing).
func (ns *Namespace) shows(l *Link) bool {
	if l == nil {
		return false
	}
	if l.Kind != loopback {
		return true
	}
	for i := range ns.Links {
		if ns.Links[i].Kind != loopback {
			return false
		}
	}
	return l.State != "DOWN" || len(l.Addresses) > 0
}

// EdgeKind says what connects two interfaces.
type EdgeKind string

// The kinds of edge.
const (
	// Port: an interface is a port of a bridge.
	Port EdgeKind = "port"
	// VethPair: the two ends of a veth pair, usually in two namespaces.
	VethPair EdgeKind = "veth pair"
	// Lower: a macvlan or VXLAN link sends through its lower device.
	Lower EdgeKind = "lower"
	// Tunnel: two VXLAN links with the same VNI in different
	// namespaces, or a VXLAN link and the interface that owns its remote
	// address.
	Tunnel EdgeKind = "tunnel"
)

// Edge connects two interfaces. For a port, From is the port and To the
// bridge; for a lower link, From is the macvlan or VXLAN link.
type Edge struct {
	Kind     EdgeKind
	From, To End
	// Label says more: "VXLAN 4097, UDP 4789".
	Label string
}

// Cross reports whether the edge joins two namespaces.
func (e Edge) Cross() bool { return e.From.Namespace != e.To.Namespace }

// Edges lists what connects the network's interfaces, in a fixed order:
// by namespace and link, each pair once.
func (n *Network) Edges() []Edge {
	if n == nil {
		return nil
	}
	var out []Edge
	seen := map[[2]End]bool{}
	add := func(e Edge) {
		k := [2]End{e.From, e.To}
		if seen[k] || seen[[2]End{e.To, e.From}] {
			return
		}
		seen[k] = true
		out = append(out, e)
	}
	for _, ns := range n.Namespaces {
		for _, l := range ns.Links {
			if !ns.shows(&l) {
				continue
			}
			here := End{ns.Name, l.Name}
			if l.Master != "" && ns.Link(l.Master) != nil {
				add(Edge{Kind: Port, From: here, To: End{ns.Name, l.Master}})
			}
			if l.Peer != nil && n.has(*l.Peer) {
				add(Edge{Kind: VethPair, From: here, To: *l.Peer})
			}
			if l.Parent != nil && n.has(*l.Parent) {
				add(Edge{Kind: Lower, From: here, To: *l.Parent, Label: l.Kind + " on " + l.Parent.Link})
			}
			if l.VXLAN != nil {
				for _, to := range n.tunnelEnds(ns.Name, &l) {
					add(Edge{Kind: Tunnel, From: here, To: to, Label: l.VXLAN.label()})
				}
			}
		}
	}
	return out
}

// label describes a tunnel: "VXLAN 4097, UDP 4789".
func (v *VXLAN) label() string {
	s := "VXLAN " + strconv.Itoa(v.VNI)
	if v.Port != 0 {
		s += ", UDP " + strconv.Itoa(v.Port)
	}
	return s
}

// has reports whether the interface e exists.
func (n *Network) has(e End) bool { return n.Namespace(e.Namespace).Link(e.Link) != nil }

// tunnelEnds returns the other ends of VXLAN link l of namespace from: the
// VXLAN links of other namespaces with the same VNI or, when there is
// none, the interfaces that own its remote addresses.
func (n *Network) tunnelEnds(from string, l *Link) []End {
	var out []End
	for _, ns := range n.Namespaces {
		if ns.Name == from {
			continue
		}
		for _, o := range ns.Links {
			if o.VXLAN != nil && o.VXLAN.VNI == l.VXLAN.VNI {
				out = append(out, End{ns.Name, o.Name})
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, r := range l.VXLAN.Remotes {
		if e, ok := n.owner(r); ok && e.Namespace != from {
			out = append(out, e)
		}
	}
	return out
}

// owner finds the interface that has address ip.
func (n *Network) owner(ip string) (End, bool) {
	want, err := netip.ParseAddr(ip)
	if err != nil {
		return End{}, false
	}
	for _, ns := range n.Namespaces {
		for _, l := range ns.Links {
			for _, a := range l.Addresses {
				if p, err := netip.ParsePrefix(a); err == nil && p.Addr() == want {
					return End{ns.Name, l.Name}, true
				}
			}
		}
	}
	return End{}, false
}

// ordered returns the links of ns as the picture lists them: each link
// that is not a port of a bridge, by index, followed by its ports.
func (ns *Namespace) ordered() []tree {
	var out []tree
	for _, l := range ns.Links {
		if !ns.shows(&l) || (l.Master != "" && ns.Link(l.Master) != nil) {
			continue
		}
		t := tree{link: l}
		for _, p := range ns.Links {
			if p.Master == l.Name && ns.shows(&p) {
				t.ports = append(t.ports, p)
			}
		}
		out = append(out, t)
	}
	return out
}

// tree is a link and, for a bridge, its ports.
type tree struct {
	link  Link
	ports []Link
}

// describe is the link's one-line description: "docker0 bridge UP".
func (l *Link) describe() string {
	parts := []string{l.Name, l.Kind, l.State}
	if l.MTU != 0 && l.MTU != 1500 && l.Kind != loopback {
		parts = append(parts, "mtu "+strconv.Itoa(l.MTU))
	}
	return strings.Join(parts, " ")
}

// details are the link's further lines: its addresses, its tunnel, its
// lower device (with its namespace when it is not ns, the link's own).
func (l *Link) details(ns string) []string {
	out := slices.Clone(l.Addresses)
	if p := l.Parent; p != nil && l.Kind != "veth" {
		if p.Namespace == ns {
			out = append(out, "on "+p.Link)
		} else {
			out = append(out, "on "+p.String())
		}
	}
	if v := l.VXLAN; v != nil {
		s := v.label()
		if v.Local != "" {
			s += " from " + v.Local
		}
		if len(v.Remotes) > 0 {
			s += " to " + strings.Join(v.Remotes, ", ")
		}
		out = append(out, s)
	}
	return out
}
