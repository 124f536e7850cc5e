// Package event defines what the probe captures and what the decoders
// produce: [Event], one raw syscall or process-tree change, its [Kind],
// [Field], one decoded element that keeps the byte offset and length it was
// decoded from so a viewer can highlight its bytes, and [Decoded], what a
// protocol decoder makes of one payload.
//
// It is the leaf of the engine: it imports nothing of netexplore.
package event
