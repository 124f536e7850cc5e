// Package packet decodes what a process sends on a packet socket
// (AF_PACKET): an Ethernet frame on a SOCK_RAW socket, the network-layer
// packet on a SOCK_DGRAM one, where the kernel adds the Ethernet header
// from the destination sockaddr_ll. ARP is decoded field by field, so a
// container's gratuitous ARP reads as "who has 172.17.0.2? tell 172.17.0.2";
// anything else is shown as its EtherType and bytes.
package packet
