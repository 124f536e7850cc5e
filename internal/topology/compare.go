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
			if !l.shown() {
				continue
			}
			var was *Link
			if old != nil {
				was = old.Link(l.Name)
			}
			switch {
			case was == nil || !was.shown():
				m.marks[key(ns.Name, l.Name, "")] = Added
			case was.describe() != l.describe() || was.Master != l.Master || was.MAC != l.MAC ||
				!sameEnd(was.Peer, l.Peer) || !sameEnd(was.Parent, l.Parent) || strings.Join(was.details(), "|") != strings.Join(l.details(), "|"):
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
			if l.shown() && (now.Link(l.Name) == nil || !now.Link(l.Name).shown()) {
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
