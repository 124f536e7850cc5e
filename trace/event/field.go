package event

// Field is one decoded element of a payload: a header field, a netlink
// attribute, a nested attribute block or an ioctl argument member.
//
// Offset and Length locate the bytes the field was decoded from, relative to
// the start of the payload given to the decoder, so a hex view can highlight
// them. A field that has children spans its whole block (header included).
type Field struct {
	// Name is the protocol's name for the field, e.g. "nlmsg_type",
	// "IFLA_IFNAME" or "ifr_name".
	Name string `json:"name"`
	// Value is the rendered value, e.g. "RTM_NEWLINK", "\"docker0\"",
	// "IFF_UP|IFF_BROADCAST", "172.17.0.1". Empty for pure containers.
	Value string `json:"value,omitempty"`
	// Ifname is the name of the interface an index field stands for, when
	// the decoder knew it (Value then reads "4 (docker0)").
	Ifname string `json:"ifname,omitempty"`
	// Offset is the byte offset of the field within the payload.
	Offset int `json:"offset"`
	// Length is the number of payload bytes the field covers.
	Length int `json:"length"`
	// Children holds the members of a nested block.
	Children []Field `json:"children,omitempty"`
}

// NameInterface marks f, an interface index field, as standing for the
// interface name: Value "4" becomes "4 (docker0)", Ifname "docker0". Every
// decoder names indexes this way, so readers of either form agree.
func (f *Field) NameInterface(name string) {
	f.Value += " (" + name + ")"
	f.Ifname = name
}

// Find returns the first field named name in a depth-first walk of fields,
// and whether one was found.
func Find(fields []Field, name string) (Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
		if c, ok := Find(f.Children, name); ok {
			return c, true
		}
	}
	return Field{}, false
}

// Shift moves the offsets of fields, and of their children, by delta: for
// a tree decoded from a slice that starts delta bytes into the payload.
func Shift(fields []Field, delta int) []Field {
	for i := range fields {
		fields[i].Offset += delta
		fields[i].Children = Shift(fields[i].Children, delta)
	}
	return fields
}

// Top returns the first field named name among fields themselves, not
// their children, and whether there is one.
func Top(fields []Field, name string) (Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
