// Package trace is the engine: it captures the kernel traffic of a process
// tree and makes it readable. It holds no code of its own; its folders are
// its layers, each importing only those above it in this list:
//
//   - event: the leaf types every layer shares (Event, Kind, Field);
//   - probe: loads the eBPF probe, follows a process tree, reads raw events;
//   - decode: pure decoders over bytes, one sub-package per protocol,
//     and [decode.Event] that picks the right one for an event;
//   - analyze: what spans events: request/reply pairing, stack symbols,
//     and the text and JSON printers.
//
// Nothing in trace imports the lessons (steps), the session model or the UI.
package trace
