// Package sockopt decodes socket option values: SOL_SOCKET, SOL_NETLINK
// (with multicast group names) and the x_tables blobs of iptables-legacy,
// rendered as iptables-save lines.
package sockopt
