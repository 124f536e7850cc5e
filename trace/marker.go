package trace

// Step markers bracket the events of one walkthrough step in the kernel's own
// event order. The runner issues ioctl(-1, MarkerRequest(...), 0): the call
// fails at once with EBADF, but the probe sees it on syscall entry and records
// a [KindMarker] event, so every event between a step's begin and end markers
// provably happened during that step.

// MarkerPhase says whether a marker opens or closes a step.
type MarkerPhase uint8

const (
	// MarkerBegin is issued right before a step runs.
	MarkerBegin MarkerPhase = 0
	// MarkerEnd is issued right after a step returned.
	MarkerEnd MarkerPhase = 1
)

// markerMagic occupies the upper 16 bits of a marker request ("NX").
const markerMagic = 0x4e58

// MaxMarkerStep is the largest step index a marker can carry.
const MaxMarkerStep = 0x0fff

// MarkerRequest returns the ioctl request number that marks phase of step.
// Steps above MaxMarkerStep are clamped.
func MarkerRequest(step int, phase MarkerPhase) uint32 {
	if step < 0 {
		step = 0
	}
	if step > MaxMarkerStep {
		step = MaxMarkerStep
	}
	return markerMagic<<16 | uint32(phase&1)<<12 | uint32(step)
}

// ParseMarker reports whether request is a step marker and, if so, which
// step and phase it marks.
func ParseMarker(request uint32) (step int, phase MarkerPhase, ok bool) {
	if request>>16 != markerMagic {
		return 0, 0, false
	}
	return int(request & MaxMarkerStep), MarkerPhase(request >> 12 & 1), true
}
