// Package layers holds the test that keeps netexplore's folders layered:
// every import between the project's packages points down this order,
//
//	bpf <- trace (event <- decode <- analyze; probe) <- steps <- session <- session/export, session/live <- tui <- cmd
//
// with small leaves under internal/ that any layer may use. A package that
// imports one above it fails the test, naming the import.
package layers
