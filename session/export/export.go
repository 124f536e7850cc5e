package export

import (
	"fmt"
	"io"
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

// Formats lists the formats in the order they are documented.
func Formats() []Format { return []Format{Markdown, JSONL, PCAPNG, Text} }

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	names := make([]string, 0, 4)
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown export format %q: use %s", s, strings.Join(names, ", "))
}

// Binary reports whether the format is not text (it should not be written
// to a terminal).
func (f Format) Binary() bool { return f == PCAPNG }

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
	switch f {
	case Markdown:
		return WriteMarkdown(w, s, opts.Markdown)
	case JSONL:
		return WriteJSONL(w, s)
	case PCAPNG:
		return WritePCAPNG(w, s)
	case Text:
		return WriteText(w, s, opts.Brief, opts.Verbose)
	}
	_, err := ParseFormat(string(f))
	return err
}
