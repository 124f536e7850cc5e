// Package decode turns one raw [event.Event] into its readable [Result]:
// an strace-like call line, a one-line summary and the decoded field tree.
//
// It only dispatches: each protocol has its own sub-package of pure
// functions over bytes (netlink with rtnl and nftables, ioctl, sockaddr,
// sockopt, sysctl, argv). The protocol packages return [event.Decoded]
// (netlink one per message, in [netlink.Message]) and render values with
// package render; the netlink families describe their attributes as data
// for netlink's attribute-spec engine. A new decoder is one new sub-package
// plus one case here. Decoding needs no privileges and never fails: what
// cannot be decoded is shown as numbers and raw bytes.
package decode
