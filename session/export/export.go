package export

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/netexplore/netexplore/session"
)

// Format names an export format.
type Format string

// The export formats.
const (
	// Markdown is a document with one section per step.
	Markdown Format = "markdown"
	// JSONL is one JSON object per event (see docs/jsonl-schema.md).
	JSONL Format = "jsonl"
	// PCAPNG is a capture file of every netlink message, for Wireshark.
	PCAPNG Format = "pcapng"
	// Text is netexplore's strace-like text with a header per step.
	Text Format = "text"
)

// format is what a registered export format provides.
type format struct {
	rank   int  // place in the documented order
	binary bool // not text: never written to a terminal
	write  func(io.Writer, *session.Session, Options) error
}

// formats holds every export format; each format's file registers itself,
// so a new format is one new file.
var formats = map[Format]format{}

// register adds an export format; it is called from init functions.
func register(f Format, rank int, binary bool, write func(io.Writer, *session.Session, Options) error) {
	formats[f] = format{rank: rank, binary: binary, write: write}
}

// Formats lists the formats in the order they are documented.
func Formats() []Format {
	fs := slices.Collect(maps.Keys(formats))
	slices.SortFunc(fs, func(a, b Format) int { return formats[a].rank - formats[b].rank })
	return fs
}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	if _, ok := formats[Format(s)]; ok {
		return Format(s), nil
	}
	var names []string
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown export format %q: use %s", s, strings.Join(names, ", "))
}

// Binary reports whether the format is not text (it should not be written
// to a terminal).
func (f Format) Binary() bool { return formats[f].binary }

// Options tunes the formats; the zero value gives the defaults.
type Options struct {
	// Markdown options.
	Markdown MarkdownOptions
	// Text options: Brief prints one line per event, Verbose every tree
	// and a hex dump.
	Brief, Verbose bool
}

// Write exports s to w in format f.
func Write(w io.Writer, s *session.Session, f Format, opts Options) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	return formats[f].write(w, s, opts)
}
