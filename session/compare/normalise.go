package compare

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/netexplore/netexplore/trace/event"
)

// Normaliser replaces what is random in a run by placeholders numbered in
// the order values first appear in that run: the first veth name becomes
// veth<1>, the first interface index <if1>, and so on. Use one normaliser
// per run, so that a value keeps its placeholder across the run's messages.
type Normaliser struct {
	seen map[string]map[string]int // class -> value -> number
}

// NewNormaliser returns a normaliser that has seen nothing yet.
func NewNormaliser() *Normaliser {
	return &Normaliser{seen: map[string]map[string]int{}}
}

// placeholder returns the number of value in class, giving it the next
// one the first time.
func (n *Normaliser) placeholder(class, value string) string {
	m := n.seen[class]
	if m == nil {
		m = map[string]int{}
		n.seen[class] = m
	}
	if _, ok := m[value]; !ok {
		m[value] = len(m) + 1
	}
	return strconv.Itoa(m[value])
}

var (
	vethName   = regexp.MustCompile(`\bveth[0-9a-f]{7}\b`)
	bridgeName = regexp.MustCompile(`\bbr-[0-9a-f]{12}\b`)
	macAddress = regexp.MustCompile(`\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b`)
	netnsPath  = regexp.MustCompile(`(/[^\s"]*/netns/[0-9a-f]+|/proc/\d+/(task/\d+/)?(fd/\d+|ns/net))\b`)
	portNumber = regexp.MustCompile(`^(\d+)$|:(\d+)$`)
)

// dockerMACPrefix starts the MAC addresses Docker 20.10 derives from an
// IPv4 address; newer releases pick random ones.
const dockerMACPrefix = "02:42"

// Text normalises names that are random in any text: veth names, bridge
// names of user-defined networks, MAC addresses (but the broadcast and
// the zero address; Docker's 02:42 prefix stays, as it tells how the
// address was made), and network namespace paths.
func (n *Normaliser) Text(s string) string {
	s = vethName.ReplaceAllStringFunc(s, func(v string) string { return "veth<" + n.placeholder("veth", v) + ">" })
	s = bridgeName.ReplaceAllStringFunc(s, func(v string) string { return "br-<" + n.placeholder("bridge", v) + ">" })
	s = macAddress.ReplaceAllStringFunc(s, func(v string) string {
		if v == "ff:ff:ff:ff:ff:ff" || v == "00:00:00:00:00:00" {
			return v
		}
		if strings.HasPrefix(v, dockerMACPrefix) {
			return dockerMACPrefix + ":<mac" + n.placeholder("mac", v) + ">"
		}
		return "<mac" + n.placeholder("mac", v) + ">"
	})
	return netnsPath.ReplaceAllStringFunc(s, func(v string) string { return "<netns" + n.placeholder("netns", v) + ">" })
}

// Arg normalises one argument of a helper's command line: Text, and an
// ephemeral port number (32768 and above), alone or after a colon, such
// as the embedded DNS server's.
func (n *Normaliser) Arg(s string) string {
	s = n.Text(s)
	m := portNumber.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	start, end := m[2], m[3]
	if start < 0 {
		start, end = m[4], m[5]
	}
	if p, err := strconv.Atoi(s[start:end]); err == nil && p >= 32768 && p <= 65535 {
		return s[:start] + "<port" + n.placeholder("port", s[start:end]) + ">" + s[end:]
	}
	return s
}

// indexFields are the fields that hold an interface index; their values
// depend on what the namespace held before.
var indexFields = map[string]bool{
	"ifi_index": true, "ifa_index": true, "IFLA_MASTER": true, "IFLA_LINK": true, "RTA_OIF": true, "RTA_IIF": true,
	"NDA_IFINDEX": true, "ifr_ifindex": true, "ndm_ifindex": true,
}

// fdFields hold a file descriptor of the sender.
var fdFields = map[string]bool{"IFLA_NET_NS_FD": true}

// value normalises the value of field f.
func (n *Normaliser) value(f event.Field) string {
	v := f.Value
	switch {
	case indexFields[f.Name] && v != "" && v != "0":
		return "<if" + n.placeholder("ifindex", v) + ">"
	case fdFields[f.Name]:
		return "<fd" + n.placeholder("fd", v) + ">"
	}
	return n.Text(v)
}

// attrs flattens a decoded field tree into the attributes that have a
// value, each named by its path under prefix; a name that repeats among
// its siblings gets its number ("IFLA_AF_SPEC#2").
func (n *Normaliser) attrs(fs []event.Field, prefix string) []Attr {
	var out []Attr
	seen := map[string]int{}
	for _, f := range fs {
		name := f.Name
		if seen[f.Name]++; seen[f.Name] > 1 {
			name += "#" + strconv.Itoa(seen[f.Name])
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		if v := n.value(f); v != "" || len(f.Children) == 0 {
			out = append(out, Attr{Name: name, Value: v})
		}
		out = append(out, n.attrs(f.Children, name)...)
	}
	return out
}

// fields renders a decoded field tree as "name=value{children} ...", with
// random values normalised.
func (n *Normaliser) fields(fs []event.Field) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		v := n.value(f)
		s := f.Name
		if v != "" {
			s += "=" + v
		}
		if len(f.Children) > 0 {
			s += "{" + n.fields(f.Children) + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
