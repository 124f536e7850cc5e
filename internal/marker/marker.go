package marker

// Step markers bracket the events of one walkthrough step in the kernel's own
// event order. The runner issues ioctl(-1, MarkerRequest(...), 0): the call
// fails at once with EBADF, but the probe sees it on syscall entry and records
// a [KindMarker] event, so every event between a step's begin and end markers
// provably happened during that step.

// Phase says whether a marker opens or closes a step.
type Phase uint8

const (
	// Begin is issued right before a step runs.
	Begin Phase = 0
	// End is issued right after a step returned.
	End Phase = 1
)

// markerMagic occupies the upper 16 bits of a marker request ("NX").
const markerMagic = 0x4e58

// MaxStep is the largest step index a marker can carry.
const MaxStep = 0x0fff

// Request returns the ioctl request number that marks phase of step.
// Steps above MaxMarkerStep are clamped.
func Request(step int, phase Phase) uint32 {
	if step < 0 {
		step = 0
	}
	if step > MaxStep {
		step = MaxStep
	}
	return markerMagic<<16 | uint32(phase&1)<<12 | uint32(step)
}

// Parse reports whether request is a step marker and, if so, which
// step and phase it marks.
func Parse(request uint32) (step int, phase Phase, ok bool) {
	if request>>16 != markerMagic {
		return 0, 0, false
	}
	return int(request & MaxStep), Phase(request >> 12 & 1), true
}
