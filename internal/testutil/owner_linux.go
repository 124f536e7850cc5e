package testutil

import (
	"bytes"
	"os"
	"strconv"
)

// OwnerEnv names the variable that marks the processes a test binary
// starts, and their descendants, with the test binary's PID. `go test ./...`
// runs packages at once: one package's search for processes a run left
// behind must not count another package's runs that are still going.
const OwnerEnv = "NETEXPLORE_TEST_OWNER"

// The mark is set when the test binary starts, before any test runs; a
// binary started by a test keeps its parent's mark.
func init() {
	if os.Getenv(OwnerEnv) == "" {
		os.Setenv(OwnerEnv, strconv.Itoa(os.Getpid()))
	}
}

// StartedByOtherTest reports whether process pid carries another test
// binary's mark. A process without a mark (one that cleared its
// environment) is not another's: leftover checks keep counting it.
func StartedByOtherTest(pid int) bool {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(OwnerEnv+"=")); ok {
			return string(v) != os.Getenv(OwnerEnv)
		}
	}
	return false
}
