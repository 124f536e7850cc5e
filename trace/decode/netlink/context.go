package netlink

import (
	"strconv"
	"strings"
	"sync"

	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Decoding stays a pure function of the bytes, but two things a reader
// wants are not in the bytes of one message: the name of the interface an
// index stands for, and which generic netlink family a dynamic message
// type is. Both are learned from other messages of the same trace (link
// messages, nlctrl replies) or asked from the kernel by the caller. A
// [Context] carries them into a decode; [Names] is the resolver a caller
// feeds as the trace goes.

// IfnameLookup names the interface with an index, in the network
// namespace of the traced process.
type IfnameLookup interface {
	Ifname(index int32) (string, bool)
}

// FamilyLookup names the generic netlink family with a (dynamic) id.
type FamilyLookup interface {
	FamilyName(id uint16) (string, bool)
}

// Context is what decoding may know from outside the message. Its zero
// value knows nothing, and decoding then shows what it showed before:
// indexes without names, generic netlink families other than nlctrl by
// number.
type Context struct {
	// Ifnames, when set, gives interface indexes their names:
	// "3 (veth0)".
	Ifnames IfnameLookup
	// Families, when set, names generic netlink family ids so that their
	// messages decode with the family's attribute tables.
	Families FamilyLookup
	// Memory, when set, carries what decoders learned from earlier
	// messages (nf_tables set definitions); see [Context.Remember].
	Memory *Memory
}

// Ifname names an interface index as [Context.Ifnames] does; false when
// the context is nil, has no lookup, or does not know the index.
func (c *Context) Ifname(index int32) (string, bool) {
	if c == nil || c.Ifnames == nil || index <= 0 {
		return "", false
	}
	name, ok := c.Ifnames.Ifname(index)
	return name, ok && name != ""
}

// family names a generic netlink family id.
func (c *Context) family(id uint16) (string, bool) {
	if id == unix.GENL_ID_CTRL {
		return "nlctrl", true
	}
	if c == nil || c.Families == nil {
		return "", false
	}
	return c.Families.FamilyName(id)
}

// Names is a resolver a caller feeds with the messages of a trace, in
// order: it learns interface names from link messages (RTM_NEWLINK
// replies and notifications) and generic netlink family ids from nlctrl
// replies (CTRL_CMD_NEWFAMILY). What it has not seen it asks AskIfname or
// AskFamily, when set, e.g. the kernel in the traced namespace; each
// answer is remembered, so the kernel is asked once per name. It is safe
// for concurrent use and implements [IfnameLookup] and [FamilyLookup].
type Names struct {
	// AskIfname, when set, names an index not seen in the trace.
	AskIfname func(index int32) (string, bool)
	// AskFamily, when set, names a family id not seen in the trace.
	AskFamily func(id uint16) (string, bool)

	mu       sync.Mutex
	links    map[int32]string
	families map[uint16]string
	memory   Memory
}

// Context returns a decoding context that resolves names with n and
// remembers what decoders learn in n, across every payload decoded with it.
func (n *Names) Context() *Context { return &Context{Ifnames: n, Families: n, Memory: &n.memory} }

// Ifname implements [IfnameLookup].
func (n *Names) Ifname(index int32) (string, bool) {
	n.mu.Lock()
	name, ok := n.links[index]
	n.mu.Unlock()
	if ok || n.AskIfname == nil {
		return name, ok
	}
	name, ok = n.AskIfname(index)
	if ok {
		n.SetIfname(index, name)
	}
	return name, ok
}

// FamilyName implements [FamilyLookup].
func (n *Names) FamilyName(id uint16) (string, bool) {
	n.mu.Lock()
	name, ok := n.families[id]
	n.mu.Unlock()
	if ok || n.AskFamily == nil {
		return name, ok
	}
	name, ok = n.AskFamily(id)
	if ok {
		n.SetFamily(id, name)
	}
	return name, ok
}

// SetIfname records the name of an interface index; it reports whether
// that changed what n knew.
func (n *Names) SetIfname(index int32, name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.links == nil {
		n.links = map[int32]string{}
	}
	old, ok := n.links[index]
	n.links[index] = name
	return !ok || old != name
}

// SetFamily records the name of a generic netlink family id; it reports
// whether that changed what n knew.
func (n *Names) SetFamily(id uint16, name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.families == nil {
		n.families = map[uint16]string{}
	}
	old, ok := n.families[id]
	n.families[id] = name
	return !ok || old != name
}

// Learn records the names that decoded messages reveal: an interface's
// index and name from RTM_NEWLINK, a family's id and name from an nlctrl
// CTRL_CMD_NEWFAMILY reply. Feed it every decoded netlink payload of the
// trace, in order. It reports whether it learned anything new.
func (n *Names) Learn(msgs []Message) (changed bool) {
	for i := range msgs {
		m := &msgs[i]
		switch m.Name {
		case "RTM_NEWLINK":
			hdr, _ := event.Top(m.Fields, "ifinfomsg")
			idx, _ := event.Top(hdr.Children, "ifi_index")
			name, _ := event.Top(m.Fields, "IFLA_IFNAME")
			if i, err := strconv.ParseInt(firstWord(idx.Value), 10, 32); err == nil && i > 0 && name.Value != "" {
				changed = n.SetIfname(int32(i), unquoteValue(name.Value)) || changed
			}
		case "nlctrl":
			if hdr, _ := event.Top(m.Fields, "genlmsghdr"); hdr.Value != "CTRL_CMD_NEWFAMILY" {
				continue
			}
			id, _ := event.Top(m.Fields, "CTRL_ATTR_FAMILY_ID")
			name, _ := event.Top(m.Fields, "CTRL_ATTR_FAMILY_NAME")
			if v, err := strconv.ParseUint(id.Value, 0, 16); err == nil && name.Value != "" {
				changed = n.SetFamily(uint16(v), unquoteValue(name.Value)) || changed
			}
		}
	}
	return changed
}

// firstWord drops what follows a value's first word ("3 (veth0)" -> "3").
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// unquoteValue removes the quotes of a string value.
func unquoteValue(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// Memory is what protocol decoders learn from messages for later ones,
// e.g. the key type of an nf_tables set, which says how the set's elements
// read. It is safe for concurrent use; its zero value is empty.
type Memory struct {
	mu sync.Mutex
	m  map[string]any
}

// Remember keeps v under key, replacing what was there.
func (m *Memory) Remember(key string, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]any{}
	}
	m.m[key] = v
}

// Recall returns what was kept under key.
func (m *Memory) Recall(key string) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

// Remember keeps v under key in the context's [Memory], creating it on
// first use: a context made for one payload then learns within it only, a
// context reused across a trace learns across it.
func (c *Context) Remember(key string, v any) {
	if c.Memory == nil {
		c.Memory = &Memory{}
	}
	c.Memory.Remember(key, v)
}

// Recall returns what the context's [Memory] kept under key.
func (c *Context) Recall(key string) (any, bool) {
	if c == nil || c.Memory == nil {
		return nil, false
	}
	return c.Memory.Recall(key)
}
