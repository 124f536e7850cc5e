package probe

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil/procs"
)

// TestMain lets the test binary play the exec shim that StartTraced
// re-executes, as cmd/netexplore does, and the workloads the accounting
// tests trace.
func TestMain(m *testing.M) {
	if IsShim() {
		os.Exit(ShimMain())
	}
	if spec := os.Getenv(helperEnv); spec != "" {
		os.Exit(helperMain(spec))
	}
	os.Exit(m.Run())
}

// helperEnv runs the test binary as a workload: "MODE N" makes N child
// processes that each open a netlink socket ("netlink", all alive at once)
// or open and read a /proc/sys file without closing it ("sysctl", one
// after the other; "sysctl-together", all alive at once); "stacks N" makes
// N rounds of ioctls through one leaf by four call chains (callChains);
// "slowrecv N" makes N receives that wait out a timeout (slowRecvs);
// "ioctls N" makes N numbered SIOCGIFFLAGS ioctls (numberedIoctls).
const helperEnv = "NETEXPLORE_PROBE_TEST_HELPER"

func helperMain(spec string) int {
	mode, count, _ := strings.Cut(spec, " ")
	n, _ := strconv.Atoi(count)
	var made int
	var err error
	switch mode {
	case "netlink":
		made, err = procs.Run(n, procs.Netlink, true)
	case "sysctl":
		made, err = procs.Run(n, procs.Sysctl, false)
	case "sysctl-together":
		made, err = procs.Run(n, procs.Sysctl, true)
	case "stacks":
		made, err = callChains(n)
	case "slowrecv":
		made, err = slowRecvs(n)
	case "ioctls":
		made, err = numberedIoctls(n)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	fmt.Println(made)
	return 0
}
