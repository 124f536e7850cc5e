package main

import (
	"io"
	"strings"

	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/steps"
	"github.com/netexplore/netexplore/tui"
)

// compareSources lists the runs the walkthrough's split view (c) offers:
// every built-in recording, the real Docker daemon's included, and, when
// live, the walkthrough's own configuration (args, its command line) with
// one of the options that change what Docker sends turned the other way,
// each run for real in a throwaway namespace when chosen.
func compareSources(args []string, cfg steps.Config, live bool) []tui.CompareSource {
	var out []tui.CompareSource
	for _, r := range append(session.Recordings(), session.RealRecordings()...) {
		out = append(out, tui.CompareSource{Name: r.ID(), About: r.Name(), Open: r.Open})
	}
	if !live {
		return out
	}
	other := func(cur, a, b string) string {
		if cur == a {
			return b
		}
		return a
	}
	for _, flag := range [][2]string{
		{"device-api", other(cfg.DeviceAPI, steps.DeviceAPINetlink, steps.DeviceAPIIoctl)},
		{"firewall-backend", other(cfg.FirewallBackend, steps.BackendIPTables, steps.BackendNFTables)},
		{"docker-version", other(cfg.DockerVersion, steps.Docker29, steps.Docker2010)},
	} {
		words := append(append([]string{"run"}, args...), "--"+flag[0], flag[1])
		spec, err := parseRunSpec(strings.Join(words, " "))
		if err != nil {
			continue // the scenario does not take this option
		}
		out = append(out, tui.CompareSource{
			Name:  "--" + flag[0] + " " + flag[1],
			About: "live: this walkthrough's options and --" + flag[0] + " " + flag[1] + ", run in a throwaway namespace",
			Open:  func() (*session.Session, error) { return spec.open(io.Discard) },
		})
	}
	return out
}
