package lab

import (
	"net/netip"
	"os"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/topology"
	"github.com/netexplore/netexplore/steps"
)

// nsRef is one namespace of the scenario as the lab holds it: its name, a
// file descriptor for it and an rtnetlink handle inside it.
type nsRef struct {
	name string
	fd   int
	h    *netlink.Handle
}

// identify fills what a snapshot needs to be drawn: each namespace's inode
// (the netns events carry) and, for each link whose IFLA_LINK points into
// another namespace, that namespace's name. A namespace numbers the
// others it knows (IFLA_LINK_NETNSID); each is asked for the number it
// gives every other one (RTM_GETNSID). host is the lab's own namespace,
// whose file is /proc/self/ns/net.
func identify(snap *Snapshot, host *netlink.Handle, others []steps.Namespace) {
	self, err := os.Open("/proc/self/ns/net")
	if err != nil {
		return
	}
	defer self.Close()
	refs := []nsRef{{name: "", fd: int(self.Fd()), h: host}}
	for _, n := range others {
		refs = append(refs, nsRef{name: n.Name, fd: n.FD, h: n.Handle})
	}
	snap.Inode = inode(int(self.Fd()))
	for i := range snap.Namespaces {
		snap.Namespaces[i].Inode = inode(snap.Namespaces[i].FD)
	}
	links := func(i int) []LinkState {
		if i == 0 {
			return snap.Links
		}
		return snap.Namespaces[i-1].Links
	}
	for i, r := range refs {
		ids := map[int]string{}
		for j, o := range refs {
			if j == i || r.h == nil {
				continue
			}
			if id, err := r.h.GetNetNsIdByFd(o.fd); err == nil && id >= 0 {
				ids[id] = o.name
			}
		}
		ls := links(i)
		for k := range ls {
			if name, ok := ids[ls[k].netnsID]; ok && ls[k].netnsID >= 0 {
				ls[k].LinkNetNS = hostName(name)
			}
		}
	}
}

// hostName is how a link names the lab's namespace (the empty name among
// the refs), which the network calls "host".
func hostName(name string) string {
	if name == "" {
		return labNamespace
	}
	return name
}

// labNamespace names the lab's own namespace in a snapshot's links until
// the network renames it after the scenario.
const labNamespace = "\x00lab"

// inode returns the inode number of the namespace file fd.
func inode(fd int) uint64 {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0
	}
	return st.Ino
}

// Network turns a snapshot into the picture's model: host names the lab's
// own namespace ("host", "host A"). Addresses keep their prefix and drop
// link-local ones; a VXLAN link's remotes are its group or unicast
// remote and the forwarding entries that send to other hosts.
func Network(snap Snapshot, host string) *topology.Network {
	n := &topology.Network{}
	add := func(name string, inode uint64, links []LinkState, addrs, routes, neigh []string) {
		ns := topology.Namespace{Name: name, Inode: inode, Gateway: gateway(routes)}
		byIndex := map[int]string{}
		for _, l := range links {
			byIndex[l.Index] = l.Name
		}
		for _, l := range links {
			tl := topology.Link{Name: l.Name, Index: l.Index, Kind: l.Kind, State: l.State, MTU: l.MTU, MAC: l.MAC,
				Master: l.Master, Addresses: addresses(addrs, l.Name)}
			if strings.Contains(l.Flags, "NO-CARRIER") {
				tl.State = "UP (no carrier)" // up, but nothing plugged in: a bridge without ports
			}
			if l.Kind == "device" && strings.Contains(l.Flags, "LOOPBACK") {
				tl.Kind = "loopback"
			}
			other := name
			if l.LinkNetNS != "" {
				other = l.LinkNetNS
				if other == labNamespace {
					other = host
				}
			}
			switch {
			case l.Kind == "veth" && l.LinkIndex != 0:
				tl.Peer = &topology.End{Namespace: other, Link: indexName(snap, host, other, l.LinkIndex, byIndex)}
			case l.VXLAN != nil:
				v := &topology.VXLAN{VNI: l.VXLAN.VNI, Port: l.VXLAN.Port, Local: l.VXLAN.Local}
				if l.VXLAN.Group != "" {
					v.Remotes = append(v.Remotes, l.VXLAN.Group)
				}
				v.Remotes = append(v.Remotes, fdbRemotes(neigh, l.Name)...)
				tl.VXLAN = v
				if l.VXLAN.Dev != 0 {
					tl.Parent = &topology.End{Namespace: other, Link: indexName(snap, host, other, l.VXLAN.Dev, byIndex)}
				}
			case l.LinkIndex != 0 && l.LinkIndex != l.Index:
				tl.Parent = &topology.End{Namespace: other, Link: indexName(snap, host, other, l.LinkIndex, byIndex)}
			}
			if tl.Peer != nil && tl.Peer.Link == "" {
				tl.Peer = nil
			}
			if tl.Parent != nil && tl.Parent.Link == "" {
				tl.Parent = nil
			}
			ns.Links = append(ns.Links, tl)
		}
		n.Namespaces = append(n.Namespaces, ns)
	}
	add(host, snap.Inode, snap.Links, snap.Addresses, snap.Routes, nil)
	for _, ns := range snap.Namespaces {
		add(ns.Name, ns.Inode, ns.Links, ns.Addresses, ns.Routes, ns.Neighbours)
	}
	return n
}

// indexName returns the name of link index in namespace ns ("" when it is
// not in the snapshot). local maps the indexes of the namespace asking.
func indexName(snap Snapshot, host, ns string, index int, local map[int]string) string {
	var links []LinkState
	switch {
	case ns == host:
		links = snap.Links
	default:
		for _, n := range snap.Namespaces {
			if n.Name == ns {
				links = n.Links
			}
		}
		if links == nil {
			return local[index]
		}
	}
	for _, l := range links {
		if l.Index == index {
			return l.Name
		}
	}
	return ""
}

// addresses returns dev's addresses from snapshot address lines
// ("docker0 inet 172.17.0.1/16 brd 172.17.255.255 scope global"), without
// the link-local ones.
func addresses(lines []string, dev string) []string {
	var out []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != dev || strings.Contains(l, "scope link") {
			continue
		}
		if _, err := netip.ParsePrefix(f[2]); err == nil {
			out = append(out, f[2])
		}
	}
	return out
}

// gateway returns the next hop of the default IPv4 route ("172.17.0.1 dev
// eth0"), or "".
func gateway(routes []string) string {
	for _, r := range routes {
		f := strings.Fields(r)
		if len(f) >= 5 && f[0] == "default" && f[1] == "via" && f[3] == "dev" && !strings.Contains(f[2], ":") {
			return f[2] + " dev " + f[4]
		}
	}
	return ""
}

// fdbRemotes returns the remote hosts of dev's forwarding entries
// ("02:42:0a:00:00:03 dev vxlan0 dst 192.0.2.2 self permanent"), each once.
func fdbRemotes(neigh []string, dev string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range neigh {
		f := strings.Fields(l)
		if len(f) >= 5 && f[1] == "dev" && f[2] == dev && f[3] == "dst" && !seen[f[4]] {
			seen[f[4]] = true
			out = append(out, f[4])
		}
	}
	return out
}
