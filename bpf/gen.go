//go:build linux

package bpf

//go:generate go tool bpf2go -tags linux -target bpfel -type event Netexplore netexplore.bpf.c -- -I/usr/include -Wall -Werror
