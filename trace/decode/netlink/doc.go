// Package netlink decodes netlink messages: the nlmsghdr framing shared by
// every protocol, NLMSG_ERROR with its extended ACK, NLMSG_DONE, and
// generic netlink's nlctrl family.
//
// It is also the attribute-spec engine every netlink family is decoded
// with: an [AttrSet] describes one attribute space as data (names, [Type]s,
// nesting, value names, sub-messages selected by a sibling attribute), the
// form tables generated from the kernel's YAML netlink specs take, and a
// [Walker] decodes attributes with it, remembering the first malformation.
//
// Each NETLINK_* protocol with a body decoder registers it with
// [RegisterBody] from its package's init (rtnl for NETLINK_ROUTE,
// nftables for NETLINK_NETFILTER); [Decode] then walks a buffer and returns
// one [Message] per netlink message.
package netlink
