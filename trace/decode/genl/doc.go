// Package genl holds the tables of generic netlink families other than
// nlctrl, generated from the kernel's netlink specs, and registers them
// with package netlink. Their messages decode with these tables once the
// decoding context names the family's dynamic id (see [netlink.Names]).
package genl
