// Package probe loads netexplore's eBPF probe (package bpf), follows a
// process tree in the kernel, and reads its raw [event.Event] records from
// the ring buffer. It also starts traced commands through a small exec
// shim ([StartTraced]) so the probe follows them from their first
// instruction, and queues events between the ring buffer and the decoders
// ([Backlog], [Fill]) so decoding never slows the reader.
//
// Everything here needs root and a kernel with BTF; the decoders do not.
package probe
