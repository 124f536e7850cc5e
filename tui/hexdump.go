package tui

import (
	"fmt"
	"strings"
)

const hexDigits = "0123456789abcdef"

// hexView renders h lines: a caption naming the selected field's bytes, then
// the payload in rows of offset, hex bytes and ASCII, Wireshark style, with
// the selected field's bytes [off, off+n) highlighted.
func (p *detailPane) hexView(st *Styles, h int) []string {
	per := p.hexPerRow()
	sel, _ := p.selected()
	lo, hi := sel.off, sel.off+sel.n
	if sel.n <= 0 {
		lo, hi = -1, -1
	}
	caption := fmt.Sprintf("%d bytes", len(p.data))
	if int(p.dataLen) > len(p.data) {
		caption = fmt.Sprintf("%d of %d bytes captured", len(p.data), p.dataLen)
	}
	if sel.n > 0 {
		caption = fmt.Sprintf("%s: bytes %d-%d (%d) of %s", sel.name, lo, hi-1, sel.n, caption)
	}
	out := []string{st.Muted.render(fit(" "+caption, p.w))}

	rows := (len(p.data) + per - 1) / per
	for r := clamp(p.hexOff, 0, max(rows-(h-1), 0)); r < rows && len(out) < h; r++ {
		out = append(out, hexRow(st, p.data, r*per, per, lo, hi, p.w))
	}
	return out
}

// hexRow renders one row of the dump starting at byte start.
func hexRow(st *Styles, data []byte, start, per, lo, hi, w int) string {
	var b strings.Builder
	b.WriteString(" ")
	b.WriteString(st.HexDim.render(fmt.Sprintf("%04x", start)))
	b.WriteString("  ")
	width := 7
	in := func(i int) bool { return i >= lo && i < hi }
	// Hex column: runs of selected bytes are painted together.
	for i := 0; i < per; i++ {
		if i > 0 {
			sep := " "
			if i == 8 {
				sep = "  "
			}
			if in(start+i) && in(start+i-1) && start+i < len(data) {
				b.WriteString(st.HexSel.render(sep))
			} else {
				b.WriteString(sep)
			}
			width += len(sep)
		}
		if start+i >= len(data) {
			b.WriteString("  ")
		} else {
			c := data[start+i]
			hx := string([]byte{hexDigits[c>>4], hexDigits[c&15]})
			if in(start + i) {
				hx = st.HexSel.render(hx)
			}
			b.WriteString(hx)
		}
		width += 2
	}
	b.WriteString("  ")
	width += 2
	for i := 0; i < per && start+i < len(data); i++ {
		c := data[start+i]
		ch := "."
		if c >= 0x20 && c < 0x7f {
			ch = string(rune(c))
		}
		if in(start + i) {
			ch = st.HexSel.render(ch)
		}
		b.WriteString(ch)
		width++
	}
	if width < w {
		b.WriteString(strings.Repeat(" ", w-width))
		return b.String()
	}
	return fitStyled(b.String(), w)
}
