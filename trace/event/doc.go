// Package event defines what the probe captures and what the decoders
// produce: [Event], one raw syscall or process-tree change, its [Kind], and
// [Field], one decoded element that keeps the byte offset and length it was
// decoded from so a viewer can highlight its bytes.
//
// It is the leaf of the engine: it imports nothing of netexplore.
package event
