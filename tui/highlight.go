package tui

import (
	"go/scanner"
	"go/token"
	"strings"
	"unicode/utf8"
)

// tokenClass is the colour class of a piece of Go source.
type tokenClass uint8

const (
	tokPlain tokenClass = iota
	tokKeyword
	tokType
	tokFunc
	tokString
	tokNumber
	tokComment
)

// segment is a run of source text of one class.
type segment struct {
	text  string
	class tokenClass
}

// codeLine is one source line split into coloured runs, tabs expanded.
type codeLine struct {
	segs  []segment
	plain string
}

// highlighter tokenises Go source once per text and keeps the lines. It
// is owned by one model.
type highlighter struct {
	cache map[string][]codeLine
}

func newHighlighter() *highlighter {
	return &highlighter{cache: map[string][]codeLine{}}
}

// reset drops the cache (the theme changed).
func (h *highlighter) reset() { clear(h.cache) }

// lines returns text split into highlighted lines, cached under key.
func (h *highlighter) lines(key, text string) []codeLine {
	if l, ok := h.cache[key]; ok {
		return l
	}
	l := tokenise(text)
	h.cache[key] = l
	return l
}

// tokenise splits text into lines, tabs expanded, each cut into runs of
// one class. The runs of a line spell it exactly: wrapping cuts them by
// byte offsets of the plain text. Text that is not Go (a fragment, a
// snippet of something else) still comes out whole, the pieces the
// scanner cannot make sense of left plain.
func tokenise(text string) []codeLine {
	raw := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := range raw {
		raw[i] = expandTabs(raw[i])
	}
	src := strings.Join(raw, "\n")
	runs := goRuns(src)
	out := make([]codeLine, len(raw))
	off, r := 0, 0
	for i, line := range raw {
		out[i].plain = line
		pos, end := off, off+len(line)
		for pos < end {
			for r < len(runs) && runs[r].to <= pos {
				r++
			}
			next := end
			if r < len(runs) && runs[r].from < end {
				next = max(runs[r].from, pos)
			}
			if next > pos { // the gap before the next run
				out[i].segs = append(out[i].segs, segment{text: src[pos:next]})
				pos = next
				continue
			}
			hi := min(runs[r].to, end)
			out[i].segs = append(out[i].segs, segment{text: src[pos:hi], class: runs[r].class})
			pos = hi
		}
		off = end + 1
	}
	return out
}

// run is a byte range of source of one colour class.
type run struct {
	from, to int
	class    tokenClass
}

// goRuns scans src as Go and returns its coloured runs in order; what lies
// between them (spaces, operators, plain names, what the scanner finds
// illegal) is plain. Scanning errors are not fatal: the scanner reports
// them and goes on, so a fragment highlights as far as it reads as Go.
func goRuns(src string) []run {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	var runs []run
	last := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return runs
		}
		from := file.Offset(pos)
		if from < last || from >= len(src) { // runs stay ordered and apart, come what may
			continue
		}
		class, to := classify(src, from, tok, lit)
		if class == tokPlain || to <= from {
			continue
		}
		runs = append(runs, run{from, to, class})
		last = to
	}
}

// classify returns the class of the token tok (literal text lit) found at
// src[from:] and where it ends. The classes follow the usual reading of
// Go: predeclared constants are keywords, predeclared types and called
// builtins are types, any other name called is a function.
func classify(src string, from int, tok token.Token, lit string) (tokenClass, int) {
	to := min(from+len(lit), len(src))
	switch {
	case tok == token.COMMENT:
		return tokComment, commentEnd(src, from)
	case tok == token.STRING && lit != "" && lit[0] == '`':
		// Carriage returns are left out of the literal but not of src.
		if i := strings.IndexByte(src[from+1:], '`'); i >= 0 {
			return tokString, from + i + 2
		}
		return tokString, len(src)
	case tok == token.STRING || tok == token.CHAR:
		return tokString, to
	case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
		return tokNumber, to
	case tok.IsKeyword():
		return tokKeyword, from + len(tok.String())
	case tok != token.IDENT:
		return tokPlain, to
	}
	called := strings.HasPrefix(strings.TrimLeft(src[to:], " \t\r\n\f\v"), "(")
	switch lit {
	case "true", "false", "iota", "nil":
		return tokKeyword, to
	case "any", "bool", "byte", "comparable", "complex64", "complex128", "error",
		"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune",
		"string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
		return tokType, to
	case "append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
		"len", "make", "max", "min", "new", "panic", "print", "println", "real",
		"recover":
		if called {
			return tokType, to
		}
		return tokPlain, to
	}
	if called {
		return tokFunc, to
	}
	return tokPlain, to
}

// commentEnd returns where the comment starting at src[from:] ends: at the
// end of its line for //, after */ (or at the end of src) for /*.
func commentEnd(src string, from int) int {
	rest := src[from:]
	if strings.HasPrefix(rest, "/*") {
		if i := strings.Index(rest[2:], "*/"); i >= 0 {
			return from + i + 4
		}
		return len(src)
	}
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		return from + i
	}
	return len(src)
}

// span is a byte range of a code line's plain text.
type span struct{ from, to int }

// wrapPoints splits the line into pieces of at most w cells: at the last
// space that leaves at least half a line, else after the last ",", "|",
// "." or "(" that does, else anywhere. The spaces a
// piece would start with are left out.
func (c codeLine) wrapPoints(w int) []span {
	s := c.plain
	if w <= 0 || textWidth(s) <= w {
		return []span{{0, len(s)}}
	}
	var out []span
	start := 0
	for start < len(s) {
		cells, end, lastSpace, lastPunct := 0, start, -1, -1
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			rw := textWidth(string(r))
			if cells+rw > w {
				break
			}
			if r == ' ' && end > start {
				lastSpace = end
			}
			cells += rw
			end += size
			if strings.ContainsRune(",|.(", r) {
				lastPunct = end
			}
		}
		switch {
		case end >= len(s):
		case lastSpace > start && cellsBetween(s, start, lastSpace) >= w/2:
			end = lastSpace
		case lastPunct > start && cellsBetween(s, start, lastPunct) >= w/2:
			end = lastPunct
		}
		if end == start { // a character wider than the line
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
		}
		out = append(out, span{start, end})
		start = end
		for start < len(s) && s[start] == ' ' {
			start++
		}
	}
	return out
}

// cellsBetween is the width of s[from:to].
func cellsBetween(s string, from, to int) int { return textWidth(s[from:to]) }

// render draws a code line in at most w cells with the syntax colours.
func (c codeLine) render(st *syntaxStyles, w int) string {
	return c.renderRange(st, 0, len(c.plain), w)
}

// renderRange draws bytes [from, to) of the line's plain text with the
// syntax colours, cut or padded to exactly w cells.
func (c codeLine) renderRange(st *syntaxStyles, from, to, w int) string {
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	left := w
	pos := 0
	for _, s := range c.segs {
		if left <= 0 {
			break
		}
		lo, hi := max(from, pos), min(to, pos+len(s.text))
		pos += len(s.text)
		if lo >= hi {
			continue
		}
		t := s.text[lo-(pos-len(s.text)) : hi-(pos-len(s.text))]
		tw := textWidth(t)
		if tw > left {
			t = truncate(t, left)
			tw = left
		}
		b.WriteString(st.of(s.class).render(t))
		left -= tw
	}
	if left > 0 {
		b.WriteString(strings.Repeat(" ", left))
	}
	return b.String()
}

// of returns the paint of a class.
func (st *syntaxStyles) of(c tokenClass) paint {
	switch c {
	case tokKeyword:
		return st.Keyword
	case tokType:
		return st.Type
	case tokFunc:
		return st.Func
	case tokString:
		return st.String
	case tokNumber:
		return st.Number
	case tokComment:
		return st.Comment
	}
	return st.Plain
}
