package tui

import (
	"strings"
	"testing"
)

// TestPaneKeysOnHelpPage checks that every key a pane lists is on the
// help page, so a pane's keys cannot be left out of it.
func TestPaneKeysOnHelpPage(t *testing.T) {
	m := press(newSized(Options{Session: embedded(t)}, 160, 48), "?")
	page := squeeze(plain(t, m))
	for id, p := range m.panes {
		name, _ := p.Title()
		for _, b := range p.ShortHelp() {
			if line := b.Help().Key + "  " + b.Help().Desc; !strings.Contains(page, squeeze(line)) {
				t.Errorf("pane %d (%s): the help page lacks %q", id, name, line)
			}
		}
	}
}

// TestGlobalKeysFromAnyPane checks that the Syscalls pane's filter, H and
// p work whatever pane has the focus, while moving keys go to the focused
// pane only.
func TestGlobalKeysFromAnyPane(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = press(m, "n", "n", "n", "n", "4") // setupDevice, Detail focused
	m = press(m, "p")
	if r, _ := m.callsPane().selected(); r != 1 || m.focus != paneDetail {
		t.Errorf("p from Detail: row %d focus %d, want the ACK (1) with Detail still focused", r, m.focus)
	}
	m = press(m, "j")
	if r, _ := m.callsPane().selected(); r != 1 {
		t.Errorf("j in Detail moved the Syscalls cursor to row %d", r)
	}
	m = press(m, "1", "H", "/", "type:get", "enter")
	calls := m.callsPane()
	if !calls.hide || calls.filter.Value() != "get" || m.focus != paneSteps {
		t.Errorf("H and / from Steps: hide %v filter %q focus %d", calls.hide, calls.filter.Value(), m.focus)
	}
	if m = press(m, "esc"); m.callsPane().filter.Value() != "" {
		t.Error("esc from Steps does not clear the filter")
	}
}

// TestPairFlash checks that a pane's message reaches the bottom line: p on
// a syscall that pairs with nothing says so.
func TestPairFlash(t *testing.T) {
	m := newSized(Options{Session: embedded(t)}, 160, 48)
	m = selectCall(t, press(m, "n", "3"), "exec /usr/sbin/nft") // step 0: an exec, which pairs with nothing
	m, cmd := pressCmd(m, "p")
	if cmd == nil {
		t.Fatal("p on an unpaired syscall returns no command")
	}
	m = send(m, cmd())
	if !strings.Contains(m.message, "no paired request or reply") {
		t.Errorf("message %q", m.message)
	}
	screen := plain(t, m)
	if last := screen[strings.LastIndex(screen, "\n")+1:]; !strings.Contains(last, m.message) {
		t.Errorf("the bottom line lacks the message: %q", last)
	}
}
