// Package ioctl decodes the arguments of ioctls on sockets and on
// /dev/net/tun as the probe records them: the ifreq union per request, the
// bridge requests of the seed note (SIOCBRADDBR ...), in6_ifreq, rtentry
// (with the device name rt_dev points to), arpreq, ifconf, vlan, the
// ethtool command SIOCETHTOOL's ifr_data points to, and the tun/tap
// driver's requests (TUNSETIFF ...). A GET that failed is decoded from
// what was passed in only: its buffer holds no answer.
package ioctl
