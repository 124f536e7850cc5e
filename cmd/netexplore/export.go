package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/netexplore/netexplore/internal/safefile"
	"github.com/netexplore/netexplore/session"
	"github.com/netexplore/netexplore/session/export"
)

// runExport implements `netexplore export [FILE]`: a recorded session (or
// the built-in one) as Markdown, JSON lines, pcapng or text.
func runExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "markdown", "output `format`: markdown, jsonl, pcapng or text")
	output := fs.String("o", "", "write to `OUT` instead of standard output")
	builtin := fs.Bool("builtin", false, "export the "+session.EmbeddedName+" (the default when FILE is omitted)")
	scenario := fs.String("scenario", "", "export the built-in recording of this scenario (`NAME`: "+builtinNames()+")")
	maxRows := fs.Int("max-rows", 40, "markdown: rows of each step's event table before the rest is counted")
	applyLimit := addMemoryLimit(fs)
	brief := fs.Bool("brief", false, "text: one line per event, no decoded trees")
	verbose := fs.Bool("v", false, "text: every decoded tree, dump replies included, plus a hex dump")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: netexplore export [flags] [FILE]

Exports a session recorded with 'netexplore record' (FILE, or - for standard
input) for documentation and other tools. Without FILE, or with --builtin,
it exports the built-in recording of Docker's default bridge, or of the
scenario --scenario names. No root needed.

Formats:
  markdown  one section per step: explanation, mirrored libnetwork function,
            kernel handlers, source with the lines that made calls marked,
            event table, decoded key requests, kernel changes, and the
            network after the step as a Mermaid diagram
  jsonl     one JSON object per event (docs/jsonl-schema.md)
  pcapng    every netlink message, both directions, for Wireshark/tshark,
            with a comment per packet naming step, process, call and line
  text      the strace-like text of 'netexplore trace', step by step, each
            event numbered with its time and network namespace, and the
            network after each step drawn with box-drawing characters

Examples:
  netexplore export > walkthrough.md
  netexplore export docker0.nxs --format pcapng -o docker0.pcapng
  netexplore export --format jsonl docker0.nxs | jq 'select(.step_id=="setupDevice")'
  netexplore export --builtin --format text --brief
  netexplore export --scenario overlay --format markdown -o overlay.md

Flags:
`)
		fs.PrintDefaults()
	}
	// Flags may come before or after FILE.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	file := ""
	if fs.NArg() > 0 {
		file = fs.Arg(0)
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	if err := applyLimit(); err != nil {
		return err
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return err
	}
	if (*builtin || *scenario != "") && file != "" {
		fmt.Fprintf(stderr, "give either --builtin/--scenario or FILE, not both\n")
		fs.Usage()
		return errUsage
	}
	if *maxRows < 1 {
		return fmt.Errorf("--max-rows %d: must be at least 1", *maxRows)
	}

	if safefile.SameFile(file, *output) {
		return fmt.Errorf("-o %s is the session being exported: write the export elsewhere", *output)
	}
	var out io.Writer = stdout
	if *output != "" && *output != "-" {
		fo, err := safefile.Create(*output, 0, stdout)
		if err != nil {
			return err
		}
		defer fo.Close()
		out = fo
	} else if f.Binary() && isTerminal(stdout) {
		return fmt.Errorf("%s is a binary format: write it to a file with -o OUT, or redirect standard output", f)
	}

	var s *session.Session
	switch file {
	case "":
		rec, err := session.Builtin(*scenario)
		if err != nil {
			return err
		}
		if s, err = rec.Open(); err != nil {
			return fmt.Errorf("reading the %s: %w", rec.Name(), err)
		}
	case "-":
		s, err = keepPartial(session.Read(os.Stdin))
		if err != nil {
			return fmt.Errorf("standard input: %w", err)
		}
	default:
		s, err = keepPartial(session.ReadFile(file))
		if err != nil {
			return err
		}
	}

	opts := export.Options{
		Markdown: export.MarkdownOptions{MaxRows: *maxRows},
		Brief:    *brief, Verbose: *verbose,
	}
	if err := export.Write(out, s, f, opts); err != nil {
		return err
	}
	if fo, ok := out.(*safefile.File); ok {
		return fo.Commit()
	}
	return nil
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
