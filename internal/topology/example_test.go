package topology

// join is the network of the join scenario once the container is up:
// docker0 with the host end of a veth pair, eth0 in the container.
func joinNetwork() *Network {
	return &Network{Namespaces: []Namespace{
		{Name: "host", Inode: 4026532100, Links: []Link{
			{Name: "lo", Index: 1, Kind: "loopback", State: "DOWN", MTU: 65536},
			{Name: "docker0", Index: 2, Kind: "bridge", State: "UP", MTU: 1500, MAC: "02:42:ac:11:00:01", Addresses: []string{"172.17.0.1/16"}},
			{Name: "veth1a2b3c4", Index: 4, Kind: "veth", State: "UP", MTU: 1500, Master: "docker0", Peer: &End{"container1", "eth0"}},
		}},
		{Name: "container1", Inode: 4026532200, Gateway: "172.17.0.1 dev eth0", Links: []Link{
			{Name: "lo", Index: 1, Kind: "loopback", State: "UNKNOWN", MTU: 65536, Addresses: []string{"127.0.0.1/8"}},
			{Name: "eth0", Index: 3, Kind: "veth", State: "UP", MTU: 1500, Addresses: []string{"172.17.0.2/16"}, Peer: &End{"host", "veth1a2b3c4"}},
		}},
	}}
}

// overlayNetwork is two hosts, each with an overlay sandbox (br0, vxlan0,
// the veth to its container) and a container.
func overlayNetwork() *Network {
	host := func(name, tag, ip, peerIP, ctrIP string) []Namespace {
		return []Namespace{
			{Name: name, Links: []Link{
				{Name: "eth0", Index: 2, Kind: "veth", State: "UP", Addresses: []string{ip + "/24"}, Peer: &End{map[string]string{"host A": "host B", "host B": "host A"}[name], "eth0"}},
			}},
			{Name: "overlay " + tag, Links: []Link{
				{Name: "br0", Index: 2, Kind: "bridge", State: "UP", MTU: 1450, Addresses: []string{"10.0.0.1/24"}},
				{Name: "vxlan0", Index: 3, Kind: "vxlan", State: "UP", MTU: 1450, Master: "br0", VXLAN: &VXLAN{VNI: 4097, Port: 4789, Remotes: []string{peerIP}}},
				{Name: "veth0", Index: 4, Kind: "veth", State: "UP", MTU: 1450, Master: "br0", Peer: &End{"container " + tag, "eth0"}},
			}},
			{Name: "container " + tag, Gateway: "", Links: []Link{
				{Name: "eth0", Index: 5, Kind: "veth", State: "UP", MTU: 1450, Addresses: []string{ctrIP + "/24"}, Peer: &End{"overlay " + tag, "veth0"}},
			}},
		}
	}
	n := &Network{}
	n.Namespaces = append(n.Namespaces, host("host A", "A", "192.0.2.1", "192.0.2.2", "10.0.0.2")...)
	n.Namespaces = append(n.Namespaces, host("host B", "B", "192.0.2.2", "192.0.2.1", "10.0.0.3")...)
	return n
}

// macvlanNetwork is two containers with a macvlan sub-interface each of
// the host's eth0: three wires leave the same line.
func macvlanNetwork() *Network {
	ctr := func(name, ip string) Namespace {
		return Namespace{Name: name, Gateway: "192.168.100.1 dev eth0", Links: []Link{
			{Name: "eth0", Index: 2, Kind: "macvlan", State: "UP", Addresses: []string{ip + "/24"}, Parent: &End{"host", "eth0"}},
		}}
	}
	return &Network{Namespaces: []Namespace{
		{Name: "host", Links: []Link{{Name: "eth0", Index: 2, Kind: "veth", State: "UP", Addresses: []string{"192.168.100.10/24"}, Peer: &End{"lan", "eth0"}}}},
		{Name: "lan", Links: []Link{{Name: "eth0", Index: 2, Kind: "veth", State: "UP", Addresses: []string{"192.168.100.1/24"}, Peer: &End{"host", "eth0"}}}},
		ctr("container1", "192.168.100.2"),
		ctr("container2", "192.168.100.3"),
	}}
}
