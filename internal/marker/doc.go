// Package marker encodes the step markers that bracket each walkthrough
// step in the kernel's own event order. The lab issues them (package
// steps/lab); the probe and the session model read them back. It is a leaf
// both sides import, so neither depends on the other for it.
package marker
