package sysctl

import (
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sysctlRoot is where the kernel exposes its tunables as files.
const sysctlRoot = "/proc/sys/"

// Key returns the sysctl(8) name of a /proc/sys path, e.g.
// "net.ipv4.ip_forward" for /proc/sys/net/ipv4/ip_forward. As sysctl(8)
// does, a dot inside a path component (an interface named "eth0.1") is
// written as a slash: /proc/sys/net/ipv4/conf/eth0.1/forwarding becomes
// "net.ipv4.conf.eth0/1.forwarding". A path outside /proc/sys is returned
// cleaned but otherwise unchanged.
func Key(p string) string {
	clean := path.Clean(p)
	rest, ok := strings.CutPrefix(clean, sysctlRoot)
	if !ok || rest == "" {
		return clean
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, rest)
}

// Write describes a write of data to a /proc/sys file, e.g.
// "/proc/sys/net/ipv4/ip_forward = 1". One trailing newline is dropped;
// a value that is empty, has surrounding spaces or holds anything but
// printable characters and inner spaces is shown quoted.
func Write(p string, data []byte) string {
	return WriteN(p, data, len(data))
}

// WriteN is [Write] for a payload of which only data was
// captured out of total bytes (Event.DataLen); a shortfall is shown as
// "… (+N bytes not captured)".
func WriteN(p string, data []byte, total int) string {
	s := string(data)
	truncated := total > len(data)
	if !truncated {
		s = strings.TrimSuffix(s, "\n")
	}
	v := sysctlValue(s)
	if truncated {
		v += "… (+" + strconv.Itoa(total-len(data)) + " bytes not captured)"
	}
	return p + " = " + v
}

// sysctlValue renders a written value bare when that is unambiguous and
// quoted otherwise.
func sysctlValue(s string) string {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if r != ' ' && !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
