package session

import (
	"bytes"
	_ "embed"
)

// embeddedSession is Docker's default bridge recorded on a real kernel with
// `netexplore record` (see `make embedded-session`). It lets replay, the
// docs and the TUI tests work on any machine, without root.
//
//go:embed recorded/docker0.nxs
var embeddedSession []byte

// EmbeddedName describes the embedded session in messages.
const EmbeddedName = "built-in recording of Docker's default bridge"

// Embedded returns the session embedded in the binary.
func Embedded() (*Session, error) { return Read(bytes.NewReader(embeddedSession)) }
