// Package trace captures and decodes the kernel traffic of a process tree.
//
// It loads the eBPF probe from package bpf, follows a traced process and its
// children, reads raw [Event] records from the ring buffer, and decodes their
// payloads (ioctl arguments, netlink messages, sysctl writes, execve argv)
// into trees of [Field] values. Every field keeps the byte offset and length
// it was decoded from so a viewer can highlight its bytes.
//
// The decoders are pure functions over bytes: they need no privileges and
// never panic on malformed input.
package trace
