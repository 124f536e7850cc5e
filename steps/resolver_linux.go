package steps

import (
	"fmt"
	"net"
	"strings"

	"github.com/netexplore/netexplore/internal/netns"
)

// The embedded DNS server's address inside every container of a
// user-defined network, and the nat chains that lead queries to it.
const (
	resolverIP               = "127.0.0.11"
	resolverOutputChain      = "DOCKER_OUTPUT"
	resolverPostroutingChain = "DOCKER_POSTROUTING"
)

// startResolverStep is the embedded DNS server of a container on a
// user-defined network.
func (p planner) startResolverStep(w *world, c *container) Step {
	s := Step{
		ID:    "sandbox: startResolver (embedded DNS)",
		Phase: PhaseJoin,
		Title: "Embedded DNS: listen on " + resolverIP + " in " + c.ns.name + " and DNAT port 53 to it",
		Mirrors: "libnetwork Sandbox.populateNetworkResources -> startResolver -> Resolver.SetupFunc, Resolver.Start -> setupNAT -> " +
			"setupIptablesNAT (sandbox_dns_unix.go, resolver.go, resolver_unix.go)",
		Explanation: "A container on a user-defined network (not on docker0) resolves the names of the other containers through Docker's " +
			"embedded DNS server, which the container's /etc/resolv.conf lists as nameserver " + resolverIP + ". The server runs in dockerd, " +
			"but its sockets live in the container's namespace: on a thread that entered it, Resolver.SetupFunc opens a UDP and a TCP socket " +
			"bound to " + resolverIP + " with port 0 (lo holds 127.0.0.0/8, so the address is local), and the kernel picks two free ports. " +
			"A client sends its query to port 53, so setupNAT installs, again from a thread inside the namespace and with the iptables " +
			"binary, nat rules of the container's own:\n" +
			"  -t nat -C OUTPUT -d 127.0.0.11 -j DOCKER_OUTPUT (is it hooked in?), -N DOCKER_OUTPUT, -I OUTPUT -d 127.0.0.11 -j DOCKER_OUTPUT\n" +
			"  the same for POSTROUTING and DOCKER_POSTROUTING\n" +
			"  -I DOCKER_OUTPUT -d 127.0.0.11 -p udp --dport 53 -j DNAT --to-destination 127.0.0.11:<udp port> (tcp the same)\n" +
			"  -I DOCKER_POSTROUTING -s 127.0.0.11 -p udp --sport <udp port> -j SNAT --to-source :53 (answers come from port 53)\n" +
			"The rules sit in the container's own nat table: the host's firewall does not change. Docker 29 still does exactly this " +
			"(resolver_unix.go); with the nftables backend it makes a table \"docker-dns\" instead. " + p.xtablesTransport(),
		KernelHandlers: append([]string{"inet_bind", "inet_listen"}, p.xtablesHandlers()...),
		code:           call2(startResolver, w, c),
	}
	if p.cfg.v2010() {
		s.Mirrors = "libnetwork v20.10 sandbox.populateNetworkResources -> startResolver -> resolver.SetupFunc, Start -> setupIPTable, " +
			"reexec \"setup-resolver\" (sandbox_dns_unix.go, resolver.go, resolver_unix.go)"
		s.Explanation = strings.Replace(s.Explanation, "so setupNAT installs, again from a thread inside the namespace and with the iptables "+
			"binary, nat rules of the container's own:",
			"so setupIPTable installs nat rules of the container's own. Docker 20.10 does that from a re-executed child: dockerd runs "+
				"itself again as \"setup-resolver <netns path> 127.0.0.11:<udp port> 127.0.0.11:<tcp port>\", the child enters the "+
				"namespace and, a new process whose iptables package starts from scratch, first probes iptables (\"iptables --wait -L -n\") "+
				"before the rules:", 1)
		s.Explanation = strings.Replace(s.Explanation, "Docker 29 still does exactly this (resolver_unix.go)",
			"Docker 29 still installs the same rules (resolver_unix.go), from a thread of the daemon instead of a child", 1)
		s.code = call2(startResolver2010, w, c)
	}
	if p.nft() {
		s.Title = "Embedded DNS: listen on " + resolverIP + " in " + c.ns.name + " and DNAT port 53 to it (nftables)"
		s.Mirrors = "libnetwork Sandbox.startResolver -> Resolver.setupNAT -> setupNftablesNAT (resolver_unix.go)"
		s.Explanation = strings.Replace(s.Explanation, "with the iptables binary, nat rules of the container's own:",
			"with the nftables backend, a table \"ip docker-dns\" of the container's own, fed to \"nft -f -\": a chain dns-dnat at the "+
				"output hook that DNATs udp and tcp port 53 of 127.0.0.11 to the two ports, and a chain dns-snat at postrouting that "+
				"gives the answers source port 53 again. The iptables version of the same rules:", 1)
		s.KernelHandlers = append([]string{"inet_bind", "inet_listen"}, nftHandlers...)
	}
	return s
}

// startResolver opens the embedded DNS server's sockets inside the
// container and NATs port 53 to them, from a thread in the namespace.
func startResolver(env *Env, w *world, c *container) error {
	udp, tcp, err := resolverSockets(w, c)
	if err != nil {
		return err
	}
	return netns.Do(c.ns.fd, func() error { // iptables runs in the container's namespace
		if env.Config.FirewallBackend == BackendNFTables {
			// exec nft -f -: table ip docker-dns, chains dns-dnat and dns-snat
			_, err := env.run("nft", []byte(resolverNftScript(udp, tcp)), "-f", "-")
			return err
		}
		return resolverNAT(xtables{env: env, cmd: "iptables"}, udp, tcp)
	})
}

// startResolver2010 is startResolver of Docker 20.10: the rules come from
// a re-executed child that enters the namespace.
func startResolver2010(env *Env, w *world, c *container) error {
	udp, tcp, err := resolverSockets(w, c)
	if err != nil {
		return err
	}
	// exec /proc/self/exe: setup-resolver <netns path> 127.0.0.11:<port> 127.0.0.11:<port>
	return env.reexec(reexecSetupResolver, c.ns.path(), udp, tcp)
}

// resolverSockets binds the embedded DNS server's UDP and TCP sockets to
// 127.0.0.11 with ports the kernel picks, inside the container, and keeps
// them open; it returns their addresses.
func resolverSockets(w *world, c *container) (udp, tcp string, err error) {
	err = netns.Do(c.ns.fd, func() error {
		// socket(AF_INET, SOCK_DGRAM) + bind(127.0.0.11:0)
		u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(resolverIP)})
		if err != nil {
			return fmt.Errorf("error in opening name server socket: %w", err)
		}
		w.closers = append(w.closers, func() { u.Close() })
		// socket(AF_INET, SOCK_STREAM) + bind(127.0.0.11:0) + listen
		t, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.ParseIP(resolverIP)})
		if err != nil {
			return fmt.Errorf("error in opening name TCP server socket: %w", err)
		}
		w.closers = append(w.closers, func() { t.Close() })
		udp, tcp = u.LocalAddr().String(), t.Addr().String()
		return nil
	})
	return udp, tcp, err
}

// resolverNftScript is the nftables version of the resolver's rules, a
// table of the container's own.
func resolverNftScript(udp, tcp string) string {
	_, udpPort, _ := net.SplitHostPort(udp)
	_, tcpPort, _ := net.SplitHostPort(tcp)
	var b strings.Builder
	b.WriteString("table ip docker-dns {\n")
	writeChain(&b, "dns-dnat", "type nat hook output priority -100; policy accept;",
		"ip daddr "+resolverIP+" udp dport 53 counter dnat to "+udp,
		"ip daddr "+resolverIP+" tcp dport 53 counter dnat to "+tcp)
	writeChain(&b, "dns-snat", "type nat hook postrouting priority 100; policy accept;",
		"ip saddr "+resolverIP+" udp sport "+udpPort+" counter snat to :53",
		"ip saddr "+resolverIP+" tcp sport "+tcpPort+" counter snat to :53")
	b.WriteString("}\n")
	return b.String()
}
