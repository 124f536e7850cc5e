// Package export turns a recorded session into files for other tools and
// for documentation: Markdown (one section per step, ready to paste into a
// write-up), JSON lines (one event per line), pcapng (every netlink message
// for Wireshark) and netexplore's strace-like text.
//
// Every format is a pure function of the session: exporting the same
// session twice gives the same bytes.
package export
