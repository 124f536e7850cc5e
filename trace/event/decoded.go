package event

// Decoded is what a protocol decoder makes of one payload, or of one
// netlink message in a payload: the shape every decoder returns.
type Decoded struct {
	// Name names what was decoded: the ioctl request ("SIOCBRADDBR"), the
	// socket option ("SO_RCVBUF"), the address family ("AF_NETLINK") or
	// the netlink message type ("RTM_NEWLINK").
	Name string `json:"name"`
	// Summary says in a few words what the payload holds, e.g.
	// `SIOCBRADDBR "docker0"` or `docker0 kind=bridge`.
	Summary string `json:"summary"`
	// Fields is the decoded tree, offsets relative to the payload.
	Fields []Field `json:"fields,omitempty"`
	// Malformed says why decoding stopped early, if it did.
	Malformed string `json:"malformed,omitempty"`
}
