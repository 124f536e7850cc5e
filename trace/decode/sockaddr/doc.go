// Package sockaddr decodes socket addresses (netlink, inet, inet6, unix,
// packet) and names the socket families, types and protocols every other
// decoder prints.
package sockaddr
