// Package sysctl renders accesses to /proc/sys files as sysctl settings:
// `/proc/sys/net/ipv4/ip_forward = 1`.
package sysctl
