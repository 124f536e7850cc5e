// Package steps reproduces, as Go code that really runs, what Docker does
// to the kernel: first what its bridge driver (moby's libnetwork
// drivers/bridge) does when dockerd starts and creates the default network
// docker0, then, in other scenarios, containers joining it, a second
// bridge, macvlan and overlay networks.
//
// The package reads like a book. Each scenario has a file of its own,
// scenario_<name>.go: its name, a one-line summary, the options it refuses
// and its plan, the steps in Docker's order; it registers itself, and
// [Scenarios] lists them. The steps themselves live in the _linux.go files
// (device_linux.go, join_linux.go, ...): each step's explanation for a
// learner sits right above the function that does the work, and the step
// holds that function itself, so [SourceOf] and stack traces find the code
// from the binary rather than from a name.
//
// [Plan] turns a [Config] (dockerd's options, and the Docker release to
// re-enact: the newest, 29, or 20.10, see [DockerVersions]) into the
// ordered list of [Step] values that libnetwork would queue, with exactly
// its conditions; steps libnetwork would not queue stay in the list,
// marked skipped, with the reason. Where a release did a step its own way,
// the step's function is that release's (setupDevice2010 beside
// setupDevice), each with the prose that says what changed.
//
// Steps change the network namespace they run in, so they only run on a
// [Stage] in a throwaway namespace. The machinery that provides one (a
// re-executed copy of the binary in its own network namespace, the messages
// to and from it, the snapshots of the namespace and their differences) is
// package steps/lab, which this package does not depend on.
package steps
