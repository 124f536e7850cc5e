// Package lab runs the steps of package steps for real, away from the
// host: [Start] re-executes the current binary in a fresh, unnamed network
// namespace ([Main] and [Serve] on the child side, chosen by [IsChild]),
// which performs one step per request on a [steps.Stage], brackets it
// with marker syscalls for the tracer, and reports what changed
// ([TakeSnapshot], [Diff]). The namespace dies with the lab process, so
// nothing is left behind even if the parent is killed.
package lab
