// Package netlink decodes netlink messages: the nlmsghdr framing shared by
// every protocol, NLMSG_ERROR with its extended ACK, NLMSG_DONE, generic
// netlink's nlctrl family, and the attribute walker and value renderers
// the protocol packages build on.
//
// Each NETLINK_* protocol with a body decoder registers it with
// [RegisterBody] from its package's init (rtnl for NETLINK_ROUTE,
// nftables for NETLINK_NETFILTER); [decode.Event] then walks a buffer and returns
// one [Message] per netlink message.
package netlink
