package topology

import (
	"slices"
	"strings"
)

// Mark says how an element of the picture came to be: added by the step,
// changed by it, or there before.
type Mark uint8

// The marks.
const (
	Same Mark = iota
	Added
	Changed
)

// Marks are what a step did to the network: each namespace, interface and
// address it added or changed, and what it removed.
type Marks struct {
	marks map[string]Mark
	// Removed describes what is gone: "interface host/veth1a2b3c4".
	Removed []string
}

// Of returns the mark of a namespace (link and addr empty), an interface
// (addr empty) or an address.
func (m *Marks) Of(ns, link, addr string) Mark {
	if m == nil {
		return Same
	}
	return m.marks[key(ns, link, addr)]
}

// Any reports whether the step changed anything in the picture.
func (m *Marks) Any() bool { return m != nil && (len(m.marks) > 0 || len(m.Removed) > 0) }

func key(ns, link, addr string) string { return ns + "\x00" + link + "\x00" + addr }

// Compare returns what changed from before to after. A nil before is the
// state before the first step: the lab's namespace with nothing in it
// that the picture shows.
func Compare(before, after *Network) *Marks {
	m := &Marks{marks: map[string]Mark{}}
	if after == nil {
		return m
	}
	if before == nil {
		before = &Network{}
		if len(after.Namespaces) > 0 {
			before.Namespaces = []Namespace{{Name: after.Namespaces[0].Name}}
		}
	}
	for _, ns := range after.Namespaces {
		old := before.Namespace(ns.Name)
		if old == nil {
			m.marks[key(ns.Name, "", "")] = Added
		} else if old.Gateway != ns.Gateway {
			m.marks[key(ns.Name, "", "")] = Changed
		}
		for _, l := range ns.Links {
			if !ns.shows(&l) {
				continue
			}
			var was *Link
			if old != nil {
				was = old.Link(l.Name)
			}
			switch {
			case was == nil || !old.shows(was):
				m.marks[key(ns.Name, l.Name, "")] = Added
			case was.describe() != l.describe() || was.Master != l.Master || was.MAC != l.MAC ||
				!sameEnd(was.Peer, l.Peer) || !sameEnd(was.Parent, l.Parent) || strings.Join(was.details(ns.Name), "|") != strings.Join(l.details(ns.Name), "|"):
				m.marks[key(ns.Name, l.Name, "")] = Changed
			}
			for _, a := range l.Addresses {
				if was == nil || !slices.Contains(was.Addresses, a) {
					m.marks[key(ns.Name, l.Name, a)] = Added
				}
			}
			if was != nil {
				for _, a := range was.Addresses {
					if !slices.Contains(l.Addresses, a) {
						m.Removed = append(m.Removed, "address "+a+" of "+ns.Name+"/"+l.Name)
					}
				}
			}
		}
	}
	for _, ns := range before.Namespaces {
		now := after.Namespace(ns.Name)
		if now == nil {
			m.Removed = append(m.Removed, "namespace "+ns.Name)
			continue
		}
		for _, l := range ns.Links {
			if ns.shows(&l) && now.Link(l.Name) == nil {
				m.Removed = append(m.Removed, "interface "+ns.Name+"/"+l.Name)
			}
		}
	}
	return m
}

func sameEnd(a, b *End) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// At finds the network as it stands after step i of a walkthrough whose
// step j recorded state(j) (nil when it recorded none): step i's own
// state (own is true) or else the latest before it, and the state before
// step i, which the picture marks changes against (after itself when the
// step has no state of its own: nothing is marked).
func At(i int, state func(j int) *Network) (after, before *Network, own bool) {
	for j := i; j >= 0; j-- {
		n := state(j)
		if n == nil {
			continue
		}
		if after == nil {
			after, own = n, j == i
			if !own {
				return after, after, false
			}
			continue
		}
		return after, n, own
	}
	return after, nil, own
}
