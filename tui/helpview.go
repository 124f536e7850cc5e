package tui

import (
	"strings"
)

// helpView renders the help page: every key of the keymap, grouped, the
// groups laid out in as many columns as fit.
func (m *Model) helpView(w, h int) []string {
	st := &m.com.styles
	inner := w - 2
	groups := m.com.keys.FullHelp()
	// Each group is a block of plain lines: a heading, then key and text,
	// the keys as wide as the group's widest.
	type block struct {
		lines []string
		width int
		keyW  int
	}
	var blocks []block
	total, tallest, widest := 0, 0, 0
	for gi, g := range groups {
		b := block{lines: []string{helpGroupName(gi)}}
		for _, k := range g {
			b.keyW = max(b.keyW, textWidth(k.Help().Key))
		}
		for _, k := range g {
			b.lines = append(b.lines, fit(k.Help().Key, b.keyW)+"  "+k.Help().Desc)
		}
		for _, l := range b.lines {
			b.width = max(b.width, textWidth(l))
		}
		blocks = append(blocks, b)
		total += len(b.lines) + 1
		tallest = max(tallest, len(b.lines))
		widest = max(widest, b.width)
	}
	rows := h - 3 // frame and the closing line
	cols := clamp(inner/(widest+3), 1, len(blocks))
	target := clamp((total+cols-1)/cols, tallest, max(rows, tallest))

	// Fill columns in order, a group never split.
	var columns [][]block
	var cur []block
	used := 0
	for _, b := range blocks {
		need := len(b.lines)
		if used > 0 {
			need++
		}
		if len(cur) > 0 && used+need > target {
			columns = append(columns, cur)
			cur, used, need = nil, 0, len(b.lines)
		}
		cur = append(cur, b)
		used += need
	}
	columns = append(columns, cur)

	// Render the columns side by side, each as wide as its widest line.
	var colLines [][]string
	var widths []int
	for _, c := range columns {
		var lines []string
		wd := 0
		for i, b := range c {
			if i > 0 {
				lines = append(lines, "")
			}
			for j, l := range b.lines {
				if j == 0 {
					lines = append(lines, st.Bold.render(l))
				} else {
					k := len(fit(l, b.keyW))
					lines = append(lines, st.Accent.render(l[:k])+l[k:])
				}
			}
			wd = max(wd, b.width)
		}
		colLines = append(colLines, lines)
		widths = append(widths, wd+1)
	}
	sum := 0
	for _, wd := range widths {
		sum += wd
	}
	gap := clamp((inner-sum)/max(len(widths), 1), 0, 4)
	n := 0
	for _, c := range colLines {
		n = max(n, len(c))
	}
	var body []string
	for i := 0; i < n; i++ {
		var b strings.Builder
		for ci, c := range colLines {
			l := ""
			if i < len(c) {
				l = c[i]
			}
			b.WriteString(fitStyled(" "+l, widths[ci]+gap))
		}
		body = append(body, fitStyled(b.String(), inner))
	}
	for len(body) < h-3 {
		body = append(body, fit("", inner))
	}
	mode := "replay: n reveals the recorded steps one by one"
	if m.live {
		mode = "live: steps really run, in a throwaway network namespace"
	}
	body = append(body[:max(h-3, 0)], st.Muted.render(fit(" "+mode+" · any key closes this page", inner)))
	return box(st, "Help · every key", "", w, h, true, body)
}
