package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
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

// highlighter tokenises Go source with chroma once per text and keeps the
// lines. It is owned by one model.
type highlighter struct {
	lexer chroma.Lexer
	cache map[string][]codeLine
}

func newHighlighter() *highlighter {
	return &highlighter{lexer: lexers.Get("go"), cache: map[string][]codeLine{}}
}

// reset drops the cache (the theme changed).
func (h *highlighter) reset() { clear(h.cache) }

// lines returns text split into highlighted lines, cached under key.
func (h *highlighter) lines(key, text string) []codeLine {
	if l, ok := h.cache[key]; ok {
		return l
	}
	l := h.tokenise(text)
	h.cache[key] = l
	return l
}

func (h *highlighter) tokenise(text string) []codeLine {
	raw := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := range raw {
		raw[i] = expandTabs(raw[i])
	}
	out := make([]codeLine, len(raw))
	for i := range raw {
		out[i].plain = raw[i]
	}
	if h.lexer == nil {
		for i := range out {
			out[i].segs = []segment{{text: raw[i]}}
		}
		return out
	}
	it, err := h.lexer.Tokenise(nil, strings.Join(raw, "\n")+"\n")
	if err != nil {
		for i := range out {
			out[i].segs = []segment{{text: raw[i]}}
		}
		return out
	}
	for i, toks := range chroma.SplitTokensIntoLines(it.Tokens()) {
		if i >= len(out) {
			break
		}
		for _, t := range toks {
			v := strings.TrimSuffix(t.Value, "\n")
			if v == "" {
				continue
			}
			out[i].segs = append(out[i].segs, segment{text: v, class: classOf(t.Type)})
		}
	}
	// The runs must spell the line exactly: wrapping cuts them by byte
	// offsets of the plain text.
	for i := range out {
		var b strings.Builder
		for _, s := range out[i].segs {
			b.WriteString(s.text)
		}
		if b.String() != out[i].plain {
			out[i].segs = []segment{{text: out[i].plain}}
		}
	}
	return out
}

// classOf maps a chroma token type to a colour class.
func classOf(t chroma.TokenType) tokenClass {
	switch {
	case t == chroma.KeywordType || t == chroma.NameBuiltin:
		return tokType
	case t.InCategory(chroma.Keyword):
		return tokKeyword
	case t == chroma.NameFunction:
		return tokFunc
	case t.InSubCategory(chroma.LiteralString):
		return tokString
	case t.InSubCategory(chroma.LiteralNumber):
		return tokNumber
	case t.InCategory(chroma.Comment):
		return tokComment
	}
	return tokPlain
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
