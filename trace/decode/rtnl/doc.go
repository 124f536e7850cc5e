// Package rtnl decodes the bodies of NETLINK_ROUTE (rtnetlink) messages:
// links with their IFLA_LINKINFO kinds (bridge, veth, macvlan, vxlan,
// vlan), addresses, routes, neighbours, netconf and namespace ids. It
// registers itself with package netlink when loaded.
package rtnl
