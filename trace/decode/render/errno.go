package render

import (
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// errnoNames overrides the names x/sys gives to errno values that have
// two: strace, the kernel's own messages and man pages say EOPNOTSUPP for
// 95 (ENOTSUP is its POSIX alias), EAGAIN for 11, EDEADLK for 35.
var errnoNames = map[syscall.Errno]string{
	unix.EOPNOTSUPP: "EOPNOTSUPP",
	unix.EAGAIN:     "EAGAIN",
	unix.EDEADLK:    "EDEADLK",
}

// ErrnoName names an errno the way strace does ("EOPNOTSUPP"), "" when it
// has no name.
func ErrnoName(e syscall.Errno) string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return unix.ErrnoName(e)
}

// ErrnoText renders a positive errno as strace does:
// "EEXIST (File exists)", or the number when it has no name.
func ErrnoText(e syscall.Errno) string {
	name := ErrnoName(e)
	if name == "" {
		return strconv.Itoa(int(e))
	}
	return name + " (" + capitalize(e.Error()) + ")"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
