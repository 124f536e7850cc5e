// Package nftables decodes the bodies of NETLINK_NETFILTER (nfnetlink)
// messages: batch framing, every nf_tables message and expression (so an
// iptables-nft or nft rule reads as a rule), the nft_compat revision query,
// x_tables match and target payloads, and conntrack. It registers itself
// with package netlink when loaded.
package nftables
