package compare

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Allowance is a known difference between two runs, with the reason it is
// accepted. An allowlist file holds one per paragraph:
//
//	[name]
//	pair: <glob of the compared pair's name; * for any>
//	only: <the run that has the messages>
//	match: <glob of a message's text; * is any text>
//	match: <another glob>
//	reason: <why the difference is expected, on one or more lines>
//
// Lines starting with # are comments; a reason continues on lines that
// start with white space.
type Allowance struct {
	Name   string
	Pair   string
	Only   string
	Match  []string
	Reason string

	pair    *regexp.Regexp
	matches []*regexp.Regexp
}

// Covers reports whether the allowance explains difference d.
func (a Allowance) Covers(d Difference) bool {
	if !a.pair.MatchString(d.Pair) || (a.Only != "" && a.Only != d.Side) {
		return false
	}
	for _, m := range a.matches {
		if m.MatchString(d.Message.Text) {
			return true
		}
	}
	return false
}

// glob turns a pattern where * stands for any text into an anchored
// regular expression.
func glob(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// ParseAllowlist reads an allowlist (see [Allowance]). Every entry needs a
// name, at least one match and a reason.
func ParseAllowlist(r io.Reader) ([]Allowance, error) {
	var out []Allowance
	var cur *Allowance
	var last string // the key a continuation line extends
	finish := func() error {
		if cur == nil {
			return nil
		}
		if len(cur.Match) == 0 || strings.TrimSpace(cur.Reason) == "" {
			return fmt.Errorf("allowlist entry [%s] needs a match and a reason", cur.Name)
		}
		if cur.Pair == "" {
			cur.Pair = "*"
		}
		cur.pair = glob(cur.Pair)
		for _, m := range cur.Match {
			cur.matches = append(cur.matches, glob(m))
		}
		cur.Reason = strings.TrimSpace(cur.Reason)
		out = append(out, *cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]"):
			if err := finish(); err != nil {
				return nil, err
			}
			cur = &Allowance{Name: trimmed[1 : len(trimmed)-1]}
			continue
		case cur == nil:
			return nil, fmt.Errorf("allowlist line %d: %q is outside an entry", n, line)
		case line[0] == ' ' || line[0] == '\t':
			if last != "reason" {
				return nil, fmt.Errorf("allowlist line %d: only a reason continues on the next line", n)
			}
			cur.Reason += " " + trimmed
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		if !ok {
			return nil, fmt.Errorf("allowlist line %d: want key: value, got %q", n, line)
		}
		last = key
		switch key {
		case "pair":
			cur.Pair = value
		case "only":
			cur.Only = value
		case "match":
			cur.Match = append(cur.Match, value)
		case "reason":
			cur.Reason = value
		default:
			return nil, fmt.Errorf("allowlist line %d: unknown key %q", n, key)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// Check sorts differences against an allowlist: it returns those no
// allowance covers, and the allowances that covered none.
func Check(diffs []Difference, allow []Allowance) (unexplained []Difference, unused []Allowance) {
	used := make([]bool, len(allow))
	for _, d := range diffs {
		covered := false
		for i, a := range allow {
			if a.Covers(d) {
				used[i], covered = true, true
			}
		}
		if !covered {
			unexplained = append(unexplained, d)
		}
	}
	for i, a := range allow {
		if !used[i] {
			unused = append(unused, a)
		}
	}
	return unexplained, unused
}
