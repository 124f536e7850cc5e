// Package bpf holds netexplore's eBPF probe: the C source
// (netexplore.bpf.c), the event layout it shares with Go (netexplore.h), and
// the bpf2go-generated loader and object, which are committed so that
// building netexplore needs no clang. Regenerate them with `make generate`.
//
// The probe hooks syscall and scheduler tracepoints only, records the ioctl,
// netlink, /proc/sys and exec activity of one process tree into a ring
// buffer, and counts every event it could not deliver.
package bpf
