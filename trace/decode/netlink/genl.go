package netlink

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/decode/render"
	"github.com/netexplore/netexplore/trace/event"

	"golang.org/x/sys/unix"
)

// Generic netlink (NETLINK_GENERIC): struct genlmsghdr, then attributes.
// Only the nlctrl family has a fixed id; the others get theirs at run
// time, so their messages are decoded with the family's tables when the
// decoding [Context] names the id, and by shape otherwise.

func init() { RegisterBodyContext(unix.NETLINK_GENERIC, decodeGenericBody) }

// GenlFamily describes a generic netlink family as its spec does: the
// commands of each direction with their attribute sets.
type GenlFamily struct {
	// Name is the family's name, as nlctrl reports it ("ethtool").
	Name string
	// Source names the spec and the commit the tables came from.
	Source string
	// Requests holds the commands user space sends, by number.
	Requests []GenlCmd
	// Replies holds the commands the kernel sends (replies and
	// notifications), by number; nil when both directions share
	// Requests' numbering.
	Replies []GenlCmd
	// Summary, when set, describes a message in a few words from its
	// decoded attributes.
	Summary func(attrs []event.Field) string
}

// GenlCmd is one command of a [GenlFamily].
type GenlCmd struct {
	Name  string   // e.g. "ETHTOOL_MSG_FEATURES_GET"
	Attrs *AttrSet // its attributes
	Op    OpKind   // how its request flags are named
}

// genlFamilies holds the families with tables, by name.
var genlFamilies = map[string]*GenlFamily{}

// RegisterFamily adds the tables of a generic netlink family. It is
// called from package init functions only.
func RegisterFamily(f *GenlFamily) { genlFamilies[f.Name] = f }

// command returns the command cmd of family f in the direction of h.
func (f *GenlFamily) command(h Header, cmd uint8) (GenlCmd, bool) {
	cmds := f.Requests
	if !h.Request() && f.Replies != nil {
		cmds = f.Replies
	}
	if int(cmd) < len(cmds) && cmds[cmd].Name != "" {
		return cmds[cmd], true
	}
	return GenlCmd{}, false
}

// genlHeaderLen is sizeof(struct genlmsghdr).
const genlHeaderLen = 4

// decodeGenericBody decodes a generic netlink message body.
func decodeGenericBody(h Header, body []byte, base int) Body {
	msgType := h.Type
	d := Body{Decoded: event.Decoded{Name: fmt.Sprintf("%#x", msgType)}}
	ctrl := msgType == unix.GENL_ID_CTRL
	var family *GenlFamily
	if name, ok := h.Ctx.family(msgType); ok {
		d.Name = name
		family = genlFamilies[name]
	}
	if len(body) == 0 {
		return d
	}
	if len(body) < genlHeaderLen {
		d.Malformed = fmt.Sprintf("body of %d bytes is shorter than the 4-byte genlmsghdr", len(body))
		d.Fields = []event.Field{payloadField(body, base)}
		return d
	}
	cmd, version := body[0], body[1]
	cmdName := strconv.Itoa(int(cmd))
	var gc GenlCmd
	switch {
	case ctrl:
		cmdName = ctrlCmdNames.Prefixed(uint64(cmd), "CTRL_CMD")
		d.Op = ctrlOp(cmd)
	case family != nil:
		var ok bool
		if gc, ok = family.command(h, cmd); ok {
			cmdName, d.Op = gc.Name, gc.Op
		}
	}
	d.Fields = []event.Field{{Name: "genlmsghdr", Value: cmdName, Offset: base, Length: genlHeaderLen, Children: []event.Field{
		{Name: "cmd", Value: cmdName, Offset: base, Length: 1},
		{Name: "version", Value: strconv.Itoa(int(version)), Offset: base + 1, Length: 1},
	}}}
	w := &Walker{Ctx: h.Ctx}
	switch {
	case ctrl:
		attrs := w.Attrs(body[genlHeaderLen:], base+genlHeaderLen, &ctrlAttrs)
		d.Fields = append(d.Fields, attrs...)
		d.Summary = render.Join(cmdName, ctrlSummary(attrs))
	case gc.Attrs != nil:
		attrs := w.Attrs(body[genlHeaderLen:], base+genlHeaderLen, gc.Attrs)
		d.Fields = append(d.Fields, attrs...)
		d.Summary = cmdName
		if family.Summary != nil {
			d.Summary = render.Join(cmdName, family.Summary(attrs))
		}
	default:
		d.Fields = append(d.Fields, w.Attrs(body[genlHeaderLen:], base+genlHeaderLen, &byShape)...)
		d.Summary = "cmd " + cmdName
		if gc.Name != "" {
			d.Summary = cmdName
		}
	}
	d.Malformed = w.Malformed
	return d
}

// ctrlOp is the operation kind of an nlctrl command.
func ctrlOp(cmd uint8) OpKind {
	switch cmd {
	case unix.CTRL_CMD_NEWFAMILY, unix.CTRL_CMD_NEWOPS, unix.CTRL_CMD_NEWMCAST_GRP:
		return OpNew
	case unix.CTRL_CMD_DELFAMILY, unix.CTRL_CMD_DELOPS, unix.CTRL_CMD_DELMCAST_GRP:
		return OpDel
	case unix.CTRL_CMD_GETFAMILY, unix.CTRL_CMD_GETOPS, unix.CTRL_CMD_GETMCAST_GRP, unix.CTRL_CMD_GETPOLICY:
		return OpGet
	}
	return OpOther
}

// ctrlSummary describes an nlctrl message by the family it is about.
func ctrlSummary(fields []event.Field) string {
	var parts []string
	for _, f := range fields {
		switch f.Name {
		case "CTRL_ATTR_FAMILY_NAME":
			parts = append(parts, strings.Trim(f.Value, `"`))
		case "CTRL_ATTR_FAMILY_ID":
			parts = append(parts, "id="+f.Value)
		}
	}
	return strings.Join(parts, " ")
}
