// Package ioctl decodes the arguments of socket ioctls (the SIOC* range
// 0x8900-0x89ff): the ifreq union per request, the bridge requests of the
// seed note (SIOCBRADDBR ...), in6_ifreq, rtentry, arpreq, ifconf and vlan.
package ioctl
