// Command netexplore teaches Linux container networking by doing it: it
// walks through Docker's bridge network setup step by step, runs each step
// for real in a throwaway network namespace, and shows the ioctl, netlink,
// sysctl and helper-process traffic an eBPF probe captured while it ran.
//
// This file dispatches subcommands; each lives in a file of its own. It is
// the only place that calls os.Exit.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netexplore/netexplore/trace/probe"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// Re-executions of this binary for internal roles come first.
	if probe.IsShim() {
		os.Exit(probe.ShimMain())
	}
	if code, ok := runInternalRole(); ok {
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries a specific exit status through error returns.
type exitError struct{ code int }

// Error implements error.
func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// command is one subcommand.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run Docker's bridge setup for real and print each step's traffic and changes", runRun},
		{"replay", "open a recorded session (or the built-in one) in the walkthrough UI, no root needed", runReplay},
		{"record", "run the walkthrough non-interactively and save it as a session file", runRecord},
		{"export", "export a session (or the built-in one) as markdown, jsonl, pcapng or text", runExport},
		{"trace", "trace any command's ioctl/netlink/sysctl/exec traffic", runTrace},
		{"compare", "compare two runs (sessions, built-in recordings or live runs) step by step", runCompare},
		{"docker", "record the real dockerd in throwaway namespaces, steps derived from its stacks", runDocker},
		{"version", "print netexplore's version", runVersion},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "--version", "-version":
		return exitCode(runVersion(args, stdout, stderr), stderr)
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(args, stdout, stderr), stderr)
		}
	}
	if name == "" || strings.HasPrefix(name, "-") {
		// A bare `netexplore [flags]` opens the walkthrough.
		if name != "" {
			args = append([]string{name}, args...)
		}
		return exitCode(runWalk(args, stdout, stderr), stderr)
	}
	fmt.Fprintf(stderr, "netexplore: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func exitCode(err error, stderr io.Writer) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errHelp):
		return 0
	}
	fmt.Fprintln(stderr, "netexplore:", err)
	return 1
}

// errUsage marks an error whose message the flag package already printed.
var errUsage = errors.New("usage")

// runVersion implements `netexplore version` (and `--version`).
func runVersion(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "netexplore version takes no arguments (got %q)\n", args[0])
		return errUsage
	}
	fmt.Fprintln(stdout, "netexplore", version)
	return nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `netexplore shows what Docker's bridge driver asks the Linux kernel to do,
step by step, by doing it for real in a throwaway network namespace.

Usage:
  sudo netexplore                 open the walkthrough of Docker's default bridge
  netexplore <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'netexplore <command> --help' for a command's flags.
`)
}
