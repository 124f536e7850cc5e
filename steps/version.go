package steps

import (
	"errors"
	"fmt"
	"strings"
)

// The Docker releases whose network code netexplore re-enacts, the values
// of --docker-version.
const (
	// Docker29 is the newest release (moby master after v29): the default.
	Docker29 = "29"
	// Docker2010 is Docker 20.10.24, libnetwork v20.10, the release the
	// seed note follows and Debian's docker.io ships: the ground truth the
	// real-daemon comparison checks the plans against.
	Docker2010 = "20.10"
)

// DockerVersion describes one release netexplore models.
type DockerVersion struct {
	// Name is the value of --docker-version.
	Name string
	// Summary says in one line what sets the release apart.
	Summary string
}

// DockerVersions lists the releases --docker-version accepts, newest first.
func DockerVersions() []DockerVersion {
	return []DockerVersion{
		{Docker29, "the newest release (the default): firewaller with DOCKER-FORWARD/-BRIDGE/-CT chains, setupMTU, " +
			"per-network forwarding, veth peers born in the container, random MACs, the nftables backend"},
		{Docker2010, "Docker 20.10.24 (libnetwork v20.10, Debian's docker.io, the seed note): DOCKER-ISOLATION-STAGE-1/2, " +
			"forwarding at daemon start, the ioctl fallback of setupDevice, veths moved into the container, docker-proxy per port, 02:42 MACs"},
	}
}

// Version returns c's Docker release: Docker29 when unset (a session
// recorded before versions existed modelled the newest release).
func (c Config) Version() string {
	if c.DockerVersion == "" {
		return Docker29
	}
	return c.DockerVersion
}

// v2010 reports whether c models Docker 20.10 rather than the newest
// release.
func (c Config) v2010() bool { return c.Version() == Docker2010 }

// versionDefaults is DefaultConfig for c's Docker release: Docker 20.10
// had ip6tables off by default.
func (c Config) versionDefaults() Config {
	d := DefaultConfig()
	d.DockerVersion = c.Version()
	if d.v2010() {
		d.IP6Tables = false
	}
	return d
}

// dockerVersionHelp is the help text of --docker-version.
func dockerVersionHelp() string {
	var b strings.Builder
	b.WriteString("which Docker release to re-enact (\"list\" describes them):")
	for _, v := range DockerVersions() {
		fmt.Fprintf(&b, "\n  %-6s %s", v.Name, v.Summary)
	}
	return b.String()
}

// SettleDefaults fills in the options that depend on others once the flags
// are parsed; set reports whether the user gave a flag (by its name without
// dashes). --device-api ioctl means a Docker that still had the ioctl
// fallback, so it selects 20.10 unless --docker-version says otherwise;
// 20.10 had ip6tables off by default; and the nftables backend, which
// refuses to turn on forwarding, gets a lab that starts with forwarding on,
// as a host prepared for it would be.
func (c *Config) SettleDefaults(set func(flag string) bool) {
	if c.DeviceAPI == DeviceAPIIoctl && !set("docker-version") {
		c.DockerVersion = Docker2010
	}
	if c.v2010() && !set("ip6tables") {
		c.IP6Tables = false
	}
	if c.FirewallBackend == BackendNFTables && !set("lab-ip-forward") {
		c.LabIPForward = true
	}
}

// versionErrors reports the options c's Docker release did not have or
// netexplore does not model for it.
func (c Config) versionErrors() []error {
	switch c.Version() {
	case Docker29:
		if c.DeviceAPI == DeviceAPIIoctl {
			return []error{errors.New("--device-api ioctl: Docker 29 has no ioctl path (removed in v24, PR #44684); " +
				"use --docker-version 20.10, where setupDevice falls back to ioctl(SIOCBRADDBR) when RTM_NEWLINK fails")}
		}
		return nil
	case Docker2010:
	default:
		names := make([]string, 0, 2)
		for _, v := range DockerVersions() {
			names = append(names, v.Name)
		}
		return []error{fmt.Errorf("unknown --docker-version %q: choose %s (netexplore run --docker-version list)", c.DockerVersion, joinList(names, "or"))}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.FirewallBackend == BackendNFTables {
		bad("--firewall-backend nftables: Docker 20.10 only had the iptables backend (nftables arrived in Docker 29)")
	}
	if c.IPForwardNoDrop {
		bad("--ip-forward-no-drop: Docker 20.10 did not have it (added in Docker 28)")
	}
	if c.EnableIPv6 || c.FixedCIDRv6 != "" || c.DefaultGatewayIPv6 != "" {
		bad("--ipv6: netexplore models Docker 20.10 for IPv4 networks only; drop --ipv6, --fixed-cidr-v6 and --default-gateway-v6, or use --docker-version 29")
	}
	if c.IP6Tables {
		bad("--ip6tables: an experimental option in Docker 20.10, off by default; netexplore does not model it (drop it, or use --docker-version 29)")
	}
	if sc, ok := scenarioFor(c); ok && !sc.v2010 {
		bad("--scenario %s is modelled for Docker 29 only: use --docker-version 29", sc.Name)
	}
	return errs
}
