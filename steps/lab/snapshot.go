package lab

import (
	"cmp"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/steps"
)

// Snapshot is the part of a network namespace's state that Docker's steps
// change.
type Snapshot struct {
	// Links are the namespace's interfaces.
	Links []LinkState `json:"links"`
	// Addresses are "<dev> inet|inet6 <addr>/<len> [brd <b>] scope <s>".
	Addresses []string `json:"addresses"`
	// Routes are the IPv4 and IPv6 routes of the main table only; the local
	// table (local and broadcast routes the kernel adds for every address)
	// would double the noise for little to learn.
	Routes []string `json:"routes"`
	// Sysctls are the /proc/sys values the plan reads or writes.
	Sysctls []Sysctl `json:"sysctls"`
	// Firewall holds one line per chain policy or rule.
	Firewall []string `json:"firewall"`
	// FirewallSource says which commands produced Firewall.
	FirewallSource string `json:"firewall_source,omitempty"`
	// Namespaces are the other network namespaces the scenario created
	// (containers, a second host ...), in creation order.
	Namespaces []NamespaceState `json:"namespaces,omitempty"`
	// Inode is the lab namespace's inode number, which events carry.
	Inode uint64 `json:"inode,omitempty"`
}

// NamespaceState is the state of one network namespace a scenario created
// besides the lab's.
type NamespaceState struct {
	// Name is what the steps call the namespace, e.g. "container1".
	Name string `json:"name"`
	// FD is the lab's file descriptor for it, the number that netlink
	// messages carry in IFLA_NET_NS_FD.
	FD int `json:"fd"`
	// Links, Addresses and Routes are as in [Snapshot].
	Links     []LinkState `json:"links"`
	Addresses []string    `json:"addresses"`
	Routes    []string    `json:"routes"`
	// Neighbours are the static entries a control plane programs: ARP
	// entries ("10.0.0.3 dev vxlan0 lladdr 02:42:0a:00:00:03 PERMANENT")
	// and bridge forwarding entries that point at a remote host
	// ("02:42:0a:00:00:03 dev vxlan0 dst 192.0.2.2 self permanent").
	Neighbours []string `json:"neighbours,omitempty"`
	// Sysctls are the namespace's own /proc/sys values the steps write.
	Sysctls []Sysctl `json:"sysctls,omitempty"`
	// Inode is the namespace's inode number, which events carry.
	Inode uint64 `json:"inode,omitempty"`
}

// LinkState is one interface as a learner would want to see it.
type LinkState struct {
	// Name and Index identify the interface.
	Name  string `json:"name"`
	Index int    `json:"index"`
	// Kind is the link type: "bridge", "veth", "device" for lo ...
	Kind string `json:"kind"`
	// Flags are the IFF_* flags as ip(8) prints them, plus NO-CARRIER when
	// the link is up but not running.
	Flags string `json:"flags"`
	// State is the operational state (UP, DOWN, UNKNOWN ...).
	State string `json:"state"`
	// MTU is the link MTU.
	MTU int `json:"mtu"`
	// Master is the bridge the link is a port of, if any.
	Master string `json:"master,omitempty"`
	// MAC is the link-layer address.
	MAC string `json:"mac,omitempty"`
	// LinkIndex is IFLA_LINK: a veth's peer, a macvlan's lower device.
	// LinkNetNS names the namespace it is in when that is another one
	// (IFLA_LINK_NETNSID resolved); for a VXLAN link, the namespace of
	// its UDP socket. Neither shows in String, nor in the changes.
	LinkIndex int    `json:"link_index,omitempty"`
	LinkNetNS string `json:"link_netns,omitempty"`
	// VXLAN holds a VXLAN link's settings.
	VXLAN *VXLANState `json:"vxlan,omitempty"`

	// netnsID is IFLA_LINK_NETNSID as the namespace numbers it, -1 when
	// absent: resolved into LinkNetNS once every namespace is read.
	netnsID int
}

// VXLANState is a VXLAN link's tunnel settings.
type VXLANState struct {
	VNI   int    `json:"vni"`
	Port  int    `json:"port,omitempty"`
	Local string `json:"local,omitempty"`
	Group string `json:"group,omitempty"`
	// Dev is the lower device's index (IFLA_VXLAN_LINK), 0 when unset.
	Dev int `json:"dev,omitempty"`
}

// String renders the link on one line, e.g.
// "docker0 bridge mtu 1500 state DOWN mac 02:42:ac:11:00:02 <BROADCAST,MULTICAST>".
func (l LinkState) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s mtu %d state %s", l.Name, l.Kind, l.MTU, l.State)
	if l.Master != "" {
		fmt.Fprintf(&b, " master %s", l.Master)
	}
	if l.MAC != "" {
		fmt.Fprintf(&b, " mac %s", l.MAC)
	}
	fmt.Fprintf(&b, " <%s>", l.Flags)
	return b.String()
}

// Sysctl is one /proc/sys value.
type Sysctl struct {
	// Name is the dotted sysctl name, e.g. net.ipv4.ip_forward.
	Name string `json:"name"`
	// Value is the file's content without the newline, or "(absent)".
	Value string `json:"value"`
}

// absent is the Value of a sysctl whose file does not exist.
const absent = "(absent)"

// TakeSnapshot records the state of the network namespace h is bound to,
// together with the sysctls and firewall of the calling thread's namespace
// (the same one in the lab). The firewall is read with iptables-save (and
// ip6tables-save) for the iptables backend, with "nft list ruleset" for the
// nftables backend; it is left empty if the tool is not installed.
func TakeSnapshot(h *netlink.Handle, cfg steps.Config) (Snapshot, error) {
	var s Snapshot
	var err error
	if s.Links, s.Addresses, s.Routes, err = netlinkState(h); err != nil {
		return s, err
	}
	for _, path := range cfg.WatchedSysctls() {
		s.Sysctls = append(s.Sysctls, readSysctlValue(path))
	}
	s.Firewall, s.FirewallSource = firewallLines(cfg)
	return s, nil
}

// netlinkState reads the links, addresses and main-table routes of the
// namespace h is bound to.
func netlinkState(h *netlink.Handle) (links []LinkState, addresses, routes []string, err error) {
	ls, err := settledLinks(h)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing links: %w", err)
	}
	names := map[int]string{}
	for _, l := range ls {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	for _, l := range ls {
		links = append(links, linkState(l, names))
	}
	slices.SortFunc(links, func(a, b LinkState) int { return cmp.Compare(a.Index, b.Index) })

	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing addresses: %w", err)
	}
	for _, a := range addrs {
		addresses = append(addresses, addrLine(a, names))
	}
	slices.Sort(addresses)

	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		rs, err := h.RouteListFiltered(fam, &netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("listing routes: %w", err)
		}
		for _, r := range rs {
			routes = append(routes, routeLine(r, names))
		}
	}
	slices.Sort(routes)
	return links, addresses, routes, nil
}

// settledLinks lists the links once the kernel has caught up with their
// carrier: a link that is up and has carrier (IFF_LOWER_UP) but is not yet
// running has an operational-state change queued, which would otherwise
// show up as a change of the next step. The kernel's linkwatch applies it
// at once for most stacked devices, but batches it for up to a second when
// a veth's peer happens to have the same index in its own namespace. It
// waits at most settleTimeout.
func settledLinks(h *netlink.Handle) ([]netlink.Link, error) {
	deadline := time.Now().Add(settleTimeout)
	for {
		ls, err := h.LinkList()
		if err != nil || time.Now().After(deadline) || !slices.ContainsFunc(ls, unsettled) {
			return ls, err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settleTimeout bounds the wait for links' operational state.
const settleTimeout = 1500 * time.Millisecond

// unsettled reports a link that is up with carrier but still has the
// operational state DOWN (a dormant link, say, is not waiting for anything).
func unsettled(l netlink.Link) bool {
	f := l.Attrs().RawFlags
	return f&unix.IFF_UP != 0 && f&unix.IFF_LOWER_UP != 0 && f&unix.IFF_RUNNING == 0 && l.Attrs().OperState == netlink.OperDown
}

// linkState converts a netlink link.
func linkState(l netlink.Link, names map[int]string) LinkState {
	a := l.Attrs()
	st := LinkState{
		Name:  a.Name,
		Index: a.Index,
		Kind:  l.Type(),
		Flags: linkFlags(a.RawFlags),
		State: strings.ToUpper(a.OperState.String()),
		MTU:   a.MTU,
		MAC:   a.HardwareAddr.String(),
	}
	if a.MasterIndex != 0 {
		st.Master = names[a.MasterIndex]
	}
	st.LinkIndex, st.netnsID = a.ParentIndex, a.NetNsID
	if v, ok := l.(*netlink.Vxlan); ok {
		st.VXLAN = &VXLANState{VNI: v.VxlanId, Port: v.Port, Dev: v.VtepDevIndex}
		if v.SrcAddr != nil {
			st.VXLAN.Local = v.SrcAddr.String()
		}
		if v.Group != nil && !v.Group.IsUnspecified() {
			st.VXLAN.Group = v.Group.String()
		}
	}
	return st
}

// linkFlags renders the IFF_* flags as ip(8) does.
func linkFlags(f uint32) string {
	var out []string
	for _, fl := range []struct {
		bit  uint32
		name string
	}{
		{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
		{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_PROMISC, "PROMISC"},
		{unix.IFF_UP, "UP"}, {unix.IFF_LOWER_UP, "LOWER_UP"},
	} {
		if f&fl.bit != 0 {
			out = append(out, fl.name)
		}
	}
	if f&unix.IFF_UP != 0 && f&unix.IFF_RUNNING == 0 {
		out = append(out, "NO-CARRIER")
	}
	return strings.Join(out, ",")
}

// addrLine renders an address as "docker0 inet 172.17.0.1/16 brd 172.17.255.255 scope global".
func addrLine(a netlink.Addr, names map[int]string) string {
	fam := "inet"
	if a.IP.To4() == nil {
		fam = "inet6"
	}
	line := fmt.Sprintf("%s %s %s", names[a.LinkIndex], fam, a.IPNet)
	if a.Broadcast != nil {
		line += " brd " + a.Broadcast.String()
	}
	line += " scope " + scopeName(netlink.Scope(a.Scope))
	if a.Flags&unix.IFA_F_NODAD != 0 {
		line += " nodad"
	}
	return line
}

// scopeName renders a scope as ip(8) does ("global" for universe).
func scopeName(s netlink.Scope) string {
	if s == netlink.SCOPE_UNIVERSE {
		return "global"
	}
	return s.String()
}

// routeLine renders a route as "172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1".
func routeLine(r netlink.Route, names map[int]string) string {
	dst := "default"
	if r.Dst != nil {
		if ones, _ := r.Dst.Mask.Size(); ones > 0 || !r.Dst.IP.IsUnspecified() {
			dst = r.Dst.String() // 0.0.0.0/0 and ::/0 stay "default", as ip(8) prints them
		}
	}
	parts := []string{dst}
	if r.Gw != nil {
		parts = append(parts, "via", r.Gw.String())
	}
	if r.LinkIndex != 0 {
		parts = append(parts, "dev", names[r.LinkIndex])
	}
	parts = append(parts, "proto", r.Protocol.String())
	if r.Scope != netlink.SCOPE_UNIVERSE {
		parts = append(parts, "scope", r.Scope.String())
	}
	if r.Src != nil && !r.Src.Equal(net.IPv4zero) {
		parts = append(parts, "src", r.Src.String())
	}
	if r.Priority != 0 {
		parts = append(parts, "metric", fmt.Sprint(r.Priority))
	}
	return strings.Join(parts, " ")
}

// namespaceState reads the state of a namespace the scenario created.
func namespaceState(n steps.Namespace) (NamespaceState, error) {
	st := NamespaceState{Name: n.Name, FD: n.FD}
	var err error
	if st.Links, st.Addresses, st.Routes, err = netlinkState(n.Handle); err != nil {
		return st, fmt.Errorf("%s netns: %w", n.Name, err)
	}
	if st.Neighbours, err = staticNeighbours(n.Handle, st.Links); err != nil {
		return st, fmt.Errorf("%s netns: %w", n.Name, err)
	}
	if len(n.Sysctls) > 0 {
		err = netns.Do(netns.Handle(n.FD), func() error {
			for _, path := range n.Sysctls {
				st.Sysctls = append(st.Sysctls, readSysctlValue(path))
			}
			return nil
		})
	}
	return st, err
}

// staticNeighbours lists the permanent IPv4 neighbour entries and the
// bridge forwarding entries that have a remote destination (NDA_DST): what
// Docker's overlay control plane programs. Entries the kernel learns are
// left out, so traffic does not show as a change.
func staticNeighbours(h *netlink.Handle, links []LinkState) ([]string, error) {
	names := map[int]string{}
	for _, l := range links {
		names[l.Index] = l.Name
	}
	var out []string
	neighs, err := h.NeighList(0, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("listing neighbours: %w", err)
	}
	for _, n := range neighs {
		if n.State&netlink.NUD_PERMANENT != 0 {
			out = append(out, fmt.Sprintf("%s dev %s lladdr %s PERMANENT", n.IP, names[n.LinkIndex], n.HardwareAddr))
		}
	}
	fdb, err := h.NeighList(0, unix.AF_BRIDGE)
	if err != nil {
		return nil, fmt.Errorf("listing forwarding entries: %w", err)
	}
	for _, n := range fdb {
		if n.IP != nil {
			out = append(out, fmt.Sprintf("%s dev %s dst %s self permanent", n.HardwareAddr, names[n.LinkIndex], n.IP))
		}
	}
	slices.Sort(out)
	return out, nil
}

// readSysctlValue reads one sysctl for a snapshot.
func readSysctlValue(path string) Sysctl {
	name := sysctlName(path)
	b, err := os.ReadFile(path)
	if err != nil {
		return Sysctl{Name: name, Value: absent}
	}
	return Sysctl{Name: name, Value: strings.TrimSpace(string(b))}
}

// sysctlName turns /proc/sys/net/ipv4/ip_forward into net.ipv4.ip_forward.
// Dots inside a component (an interface name) become slashes, as sysctl(8)
// writes them.
func sysctlName(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/proc/sys/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, ".", "/")
	}
	return strings.Join(parts, ".")
}

// firewallLines reads the firewall state for cfg's backend.
func firewallLines(cfg steps.Config) ([]string, string) {
	if cfg.FirewallBackend == steps.BackendNFTables {
		out, err := exec.Command("nft", "list", "ruleset").Output()
		if err != nil {
			return nil, ""
		}
		return flattenNftRuleset(string(out)), "nft list ruleset"
	}
	var lines, sources []string
	for _, t := range []struct{ cmd, fam string }{{"iptables-save", "ipv4"}, {"ip6tables-save", "ipv6"}} {
		if t.fam == "ipv6" && !cfg.IP6Tables {
			continue
		}
		for _, table := range cfg.WatchedTables() {
			out, err := exec.Command(t.cmd, "-t", table).Output()
			if err != nil {
				continue
			}
			lines = append(lines, parseIptablesSave(t.fam, string(out))...)
		}
		sources = append(sources, t.cmd+" -t "+strings.Join(cfg.WatchedTables(), "/"))
	}
	return lines, strings.Join(sources, ", ")
}

// parseIptablesSave turns iptables-save output into lines such as
// "ipv4 filter: -P FORWARD DROP", "ipv4 filter: -N DOCKER" and
// "ipv4 nat: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
// without counters and comments.
func parseIptablesSave(fam, out string) []string {
	var lines []string
	table := ""
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || l == "COMMIT" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "*"):
			table = l[1:]
		case strings.HasPrefix(l, ":"):
			f := strings.Fields(l[1:])
			if len(f) < 2 {
				continue
			}
			if f[1] == "-" {
				lines = append(lines, fmt.Sprintf("%s %s: -N %s", fam, table, f[0]))
			} else {
				lines = append(lines, fmt.Sprintf("%s %s: -P %s %s", fam, table, f[0], f[1]))
			}
		default:
			lines = append(lines, fmt.Sprintf("%s %s: %s", fam, table, l))
		}
	}
	return lines
}

var nftCounter = regexp.MustCompile(`counter packets \d+ bytes \d+`)

// flattenNftRuleset turns "nft list ruleset" output into one line per
// statement, prefixed with its table and chain or map, e.g.
// "table ip docker-bridges chain filter-FORWARD: oifname vmap @filter-forward-in-jumps".
// Counters are dropped so that traffic does not show as a change.
func flattenNftRuleset(out string) []string {
	var lines, stack []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(nftCounter.ReplaceAllString(l, "counter"))
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasSuffix(l, "{") && !strings.Contains(l, "="):
			stack = append(stack, strings.TrimSpace(strings.TrimSuffix(l, "{")))
		case l == "}":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		default:
			lines = append(lines, strings.Join(stack, " ")+": "+l)
		}
	}
	return lines
}
