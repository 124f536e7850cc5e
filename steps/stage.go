package steps

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/vishvananda/netlink"
)

// Stage is where a plan is performed: the Env of the calling process's
// network namespace, which must be a throwaway one, and the namespaces the
// steps create. The lab process (package steps/lab) sets one up and
// performs the steps one at a time, in plan order.
type Stage struct {
	plan  []Step
	env   *Env
	world *world
}

// NewStage plans cfg and prepares the current network namespace to
// perform it ([prepare]). It refuses the host's namespace (see [NewEnv]).
func NewStage(cfg Config) (*Stage, error) {
	plan, w, err := planWorld(cfg, exec.LookPath)
	if err != nil {
		return nil, err
	}
	env, err := NewEnv(cfg)
	if err != nil {
		return nil, err
	}
	s := &Stage{plan: plan, env: env, world: w}
	if err := prepare(env); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Plan returns the steps, in order.
func (s *Stage) Plan() []Step { return s.plan }

// Perform runs step i and returns the remarks it made and the helper
// programs it ran, with its error. The order of the steps is the caller's
// business.
func (s *Stage) Perform(i int) (notes []string, commands []CommandRun, err error) {
	if i < 0 || i >= len(s.plan) {
		return nil, nil, fmt.Errorf("no step %d: the plan has %d steps", i, len(s.plan))
	}
	err = s.plan[i].Run(s.env)
	notes, commands = s.env.takeRecords()
	return notes, commands, err
}

// HostName is what the scenario calls the stage's own namespace, which
// plays the Docker host: "host", or "host A" when there are two.
func (s *Stage) HostName() string {
	if s.world.host != "" {
		return s.world.host
	}
	return "host"
}

// Handle returns the rtnetlink handle of the stage's own namespace.
func (s *Stage) Handle() *netlink.Handle { return s.env.Handle }

// Namespace is a network namespace a scenario created besides the stage's
// own: a container, an overlay sandbox, a second host.
type Namespace struct {
	// Name is what the steps call it, e.g. "container1".
	Name string
	// FD is the stage's file descriptor for it, the number netlink
	// messages carry in IFLA_NET_NS_FD.
	FD int
	// Handle is an rtnetlink socket opened inside it.
	Handle *netlink.Handle
	// Sysctls are the /proc/sys files (as seen from inside it) that the
	// steps write there.
	Sysctls []string
}

// Namespaces returns the namespaces the steps have created so far, in
// creation order.
func (s *Stage) Namespaces() []Namespace {
	var out []Namespace
	for _, n := range s.world.namespaces {
		out = append(out, Namespace{Name: n.name, FD: int(n.fd), Handle: n.h, Sysctls: n.sysctls})
	}
	return out
}

// Close releases what the steps hold (the scenario's namespaces die with
// their last file descriptor) and the netlink handle.
func (s *Stage) Close() {
	s.world.close()
	s.env.Close()
}

// prepare brings lo up, as any new network namespace needs, and sets the
// forwarding sysctls to a known starting state: a new namespace inherits the
// host's IPv4 settings, so without this the lab would behave differently on
// every machine. Forwarding starts off, as on a fresh host, unless
// Config.LabIPForward asks for it on. It runs before the first step.
func prepare(env *Env) error {
	lo, err := env.Handle.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("finding lo: %w", err)
	}
	if err := env.Handle.LinkSetUp(lo); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	val := byte('0')
	if env.Config.LabIPForward {
		val = '1'
	}
	for _, p := range []string{ipv4ForwardConf, ipv6ForwardConfDefault, ipv6ForwardConfAll} {
		if p != ipv4ForwardConf {
			if _, err := os.Stat(p); err != nil {
				continue // no IPv6 in this kernel
			}
		}
		if err := writeSysctl(p, val); err != nil {
			return fmt.Errorf("presetting %s: %w", p, err)
		}
	}
	return nil
}

// WatchedSysctls lists the /proc/sys files of the lab's namespace that the
// plan for c reads or writes: the sysctls the lab's snapshots show.
func (c Config) WatchedSysctls() []string {
	br := c.BridgeName
	paths := []string{
		ipv4ForwardConf,
		"/proc/sys/net/ipv6/conf/" + br + "/accept_ra",
	}
	if c.EnableIPv6 {
		paths = append(paths,
			"/proc/sys/net/ipv6/conf/"+br+"/disable_ipv6",
			"/proc/sys/net/ipv6/conf/"+br+"/forwarding",
			ipv6ForwardConfDefault, ipv6ForwardConfAll)
	}
	if !c.UserlandProxy {
		paths = append(paths, "/proc/sys/net/ipv4/conf/"+br+"/route_localnet")
	}
	if !c.ICC || !c.UserlandProxy {
		paths = append(paths, brNfCallIPTables, brNfCallIP6Tables)
	}
	if sc, _ := scenarioFor(c); sc.sysctls != nil {
		paths = append(paths, sc.sysctls(c)...)
	}
	return paths
}

// WatchedTables lists the iptables tables the lab's snapshots show for c's
// plan: filter and nat, and those the scenario adds rules to (raw, for
// containers' endpoints).
func (c Config) WatchedTables() []string {
	sc, _ := scenarioFor(c)
	return append([]string{"filter", "nat"}, sc.tables...)
}
