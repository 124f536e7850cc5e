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
// time, so their attributes are decoded by shape.

func init() { RegisterBody(unix.NETLINK_GENERIC, decodeGenericBody) }

// genlHeaderLen is sizeof(struct genlmsghdr).
const genlHeaderLen = 4

// decodeGenericBody decodes a generic netlink message body.
func decodeGenericBody(msgType uint16, body []byte, base int) Body {
	d := Body{Decoded: event.Decoded{Name: fmt.Sprintf("%#x", msgType)}}
	ctrl := msgType == unix.GENL_ID_CTRL
	if ctrl {
		d.Name = "nlctrl"
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
	if ctrl {
		cmdName = ctrlCmdNames.Prefixed(uint64(cmd), "CTRL_CMD")
		d.Op = ctrlOp(cmd)
	}
	d.Fields = []event.Field{{Name: "genlmsghdr", Value: cmdName, Offset: base, Length: genlHeaderLen, Children: []event.Field{
		{Name: "cmd", Value: cmdName, Offset: base, Length: 1},
		{Name: "version", Value: strconv.Itoa(int(version)), Offset: base + 1, Length: 1},
	}}}
	w := &Walker{}
	if ctrl {
		attrs := w.Attrs(body[genlHeaderLen:], base+genlHeaderLen, &ctrlAttrs)
		d.Fields = append(d.Fields, attrs...)
		d.Summary = render.Join(cmdName, ctrlSummary(attrs))
	} else {
		d.Fields = append(d.Fields, w.Attrs(body[genlHeaderLen:], base+genlHeaderLen, &byShape)...)
		d.Summary = "cmd " + cmdName
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
