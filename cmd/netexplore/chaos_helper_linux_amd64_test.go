package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/internal/testutil/procs"
)

// chaosHelperEnv runs the test binary as a workload for trace: "netlink N"
// makes N children alive at once that each open a netlink socket;
// "sysctl N" makes N children alive at once that each open and read a
// /proc/sys file and exit without closing it. It prints how many it made.
const chaosHelperEnv = "NETEXPLORE_CHAOS_HELPER"

// The workload runs before the tests would (init precedes TestMain).
func init() {
	spec := os.Getenv(chaosHelperEnv)
	if spec == "" {
		return
	}
	mode, count, _ := strings.Cut(spec, " ")
	n, _ := strconv.Atoi(count)
	var made int
	var err error
	switch mode {
	case "netlink":
		made, err = procs.Run(n, procs.Netlink, true)
	case "sysctl":
		made, err = procs.Run(n, procs.Sysctl, true)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	fmt.Println(made)
	os.Exit(0)
}

func init() { chaosWorkloads = true }
