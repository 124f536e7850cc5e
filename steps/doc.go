// Package steps reproduces, as Go code that really runs, what Docker's
// bridge driver (moby's libnetwork drivers/bridge) does to the kernel when
// dockerd starts and creates the default network docker0.
//
// [Plan] turns a [Config] (dockerd's options) into the ordered list of
// [Step] values that libnetwork would queue, with exactly its conditions;
// steps libnetwork would not queue stay in the list, marked skipped, with the
// reason. Each step carries an explanation for a learner and runs for real
// through [Step.Run].
//
// Steps change the network namespace they run in, so they only run inside a
// lab: [StartLab] re-executes the current binary in a fresh, unnamed network
// namespace ([ServeLab] on the child side), which runs one step per request,
// brackets it with marker syscalls for the tracer, and reports what changed
// ([TakeSnapshot], [Diff]). The namespace dies with the lab process, so
// nothing is left behind even if the parent is killed.
//
// [SourceOf] returns the Go source of the function behind a step, for an
// annotated-source view.
package steps
