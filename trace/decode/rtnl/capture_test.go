package rtnl

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/internal/capture"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The rtnetlink tests run on traffic captured from iproute2 talking to the
// real kernel. Each scenario below is run in a fresh network namespace
// under strace, which dumps every netlink buffer in hex (-e write=all
// -e read=all) and prints its own decoding of the same buffer. The bytes
// are stored as testdata/rtnl_<name>.hex and strace's lines as
// testdata/rtnl_<name>.strace.
//
// To capture again (root, strace and iproute2 needed; the host network is
// not touched):
//
//	go test ./trace/decode/rtnl -run TestRtnlCapture -args -update

// rtnlScenario is one captured command.
type rtnlScenario struct {
	name     string
	protocol int
	setup    string // shell commands run first, not traced
	command  string // the traced command
	mountNS  bool   // also unshare the mount namespace
	craft    string // instead of command: a request built by TestRtnlCraftHelper
	file     string // the capture's file name, when not rtnl_<name> (other protocols' decoders read it)
}

const (
	rtnlVethLab   = "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up"
	rtnlXfrmState = "src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode tunnel " +
		"enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f auth 'hmac(sha1)' 0x00010203040506070809101112131415161718ff"
	rtnlXfrmPolicy = "src 10.0.0.0/24 dst 10.1.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp mode tunnel"
	rtnlBridgeLab  = "ip link add br0 type bridge"
	rtnlListener   = `'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", 8080)); s.listen(); time.sleep(5)'`
	// nftSets makes nf_tables sets of several key types, with comments,
	// and adds elements to them, each nft on its own: every nft asks the
	// kernel for the table's sets (NFT_MSG_GETSET) before its batch.
	nftSets = `sh -c 'nft add table ip t; nft add set ip t s "{ type ipv4_addr; }"; nft add element ip t s "{ 10.0.0.1 }"; ` +
		`nft add set ip t p "{ type inet_service; comment \"web ports\"; }"; nft add element ip t p "{ 80, 443 }"; ` +
		`nft add set ip t m "{ type ipv4_addr . inet_service; flags interval; }"; nft add element ip t m "{ 10.0.0.0/8 . 80 }"; ` +
		`nft add map ip t mp "{ type ipv4_addr : ipv4_addr; }"; nft add element ip t mp "{ 1.2.3.4 : 5.6.7.8 }"; ` +
		`nft add chain ip t c; nft add rule ip t c ip saddr @s counter comment \"hello\"'`
	rtnlFullLab = "ip link add br0 type bridge; ip addr add 172.17.0.1/16 dev br0; " +
		"ip -6 addr add fd00::1/64 dev br0 nodad; ip link set br0 up; " +
		"ip link add v0 type veth peer name v1; ip link set v0 master br0; ip link set v0 up; ip link set v1 up; " +
		"ip link add link v1 name mv0 type macvlan mode bridge; " +
		"ip link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 nolearning; ip link set vx0 master br0; " +
		"ip neigh add 172.17.0.9 lladdr 02:42:ac:11:00:09 dev br0; ip route add 10.9.0.0/24 via 172.17.0.2"
)

var rtnlScenarios = []rtnlScenario{
	{name: "link_add_bridge", command: "ip link add br0 type bridge"},
	{name: "link_add_exists", setup: rtnlBridgeLab, command: "ip link add br0 type bridge"},
	{name: "addr_add", setup: rtnlBridgeLab, command: "ip addr add 172.17.0.1/16 dev br0"},
	{name: "addr_add_ipv6", setup: rtnlBridgeLab, command: "ip -6 addr add fd00::1/64 dev br0"},
	{name: "link_set_up", setup: rtnlBridgeLab, command: "ip link set br0 up"},
	{name: "route_add", setup: rtnlBridgeLab + "; ip addr add 172.17.0.1/16 dev br0; ip link set br0 up",
		command: "ip route add 10.9.0.0/24 via 172.17.0.2"},
	{name: "route_add_unreachable", command: "ip route add 10.0.0.0/24 via 1.2.3.4"},
	{name: "link_add_veth", command: "ip link add v0 type veth peer name v1"},
	{name: "link_add_veth_netns", setup: "unshare -n sleep 30 & P=$!; sleep 0.3",
		command: "ip link add v2 type veth peer name v3 netns /proc/$P/ns/net"},
	{name: "link_add_macvlan", setup: "ip link add v0 type veth peer name v1",
		command: "ip link add link v0 name mv0 type macvlan mode bridge"},
	{name: "link_add_vxlan", command: "ip link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 nolearning"},
	{name: "link_set_master", setup: rtnlBridgeLab + "; ip link add v0 type veth peer name v1",
		command: "ip link set v0 master br0"},
	{name: "bridge_link_hairpin", setup: rtnlBridgeLab + "; ip link add v0 type veth peer name v1; ip link set v0 master br0",
		command: "bridge link set dev v0 hairpin on"},
	{name: "fdb_append", setup: "ip link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 nolearning",
		command: "bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2"},
	{name: "neigh_add", setup: rtnlBridgeLab + "; ip link set br0 up",
		command: "ip neigh add 10.0.0.9 lladdr 02:42:ac:11:00:02 dev br0"},
	{name: "link_dump", setup: rtnlFullLab, command: "ip -d link show"},
	{name: "addr_dump", setup: rtnlFullLab, command: "ip addr show dev br0"},
	{name: "route_dump", setup: rtnlFullLab, command: "ip route show table all"},
	{name: "neigh_dump", setup: rtnlFullLab, command: "ip neigh show dev br0"},
	{name: "bridge_link_dump", setup: rtnlFullLab + "; bridge link set dev v0 hairpin on", command: "bridge -d link show"},
	{name: "fdb_dump", setup: rtnlFullLab + "; bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2",
		command: "bridge fdb show br br0"},
	{name: "netconf", setup: rtnlBridgeLab, command: "ip netconf show dev br0"},
	{name: "nsid", mountNS: true, setup: "mount -t tmpfs tmpfs /run; ip netns add nx-rtnl",
		command: "sh -c 'ip netns set nx-rtnl 7; ip netns list-id'"},
	{name: "genl_ctrl", protocol: unix.NETLINK_GENERIC, command: "genl ctrl get name nlctrl"},
	{name: "qdisc_add_htb", setup: rtnlVethLab, command: "tc qdisc add dev v0 root handle 1: htb default 10"},
	{name: "class_add_htb", setup: rtnlVethLab + "; tc qdisc add dev v0 root handle 1: htb default 10",
		command: "tc class add dev v0 parent 1: classid 1:10 htb rate 1mbit"},
	{name: "qdisc_dump", setup: rtnlVethLab + "; tc qdisc add dev v0 root handle 1: htb default 10; tc qdisc add dev v0 clsact",
		command: "tc -s qdisc show dev v0"},
	{name: "filter_add_matchall", setup: rtnlVethLab + "; tc qdisc add dev v0 clsact",
		command: "tc filter add dev v0 ingress matchall action drop"},
	{name: "filter_dump", setup: rtnlVethLab + "; tc qdisc add dev v0 clsact; tc filter add dev v0 ingress matchall action drop",
		command: "tc filter show dev v0 ingress"},
	{name: "rule_add", command: "ip rule add from 10.1.0.0/16 table 100 priority 1000"},
	{name: "rule_dump", setup: "ip rule add from 10.1.0.0/16 table 100 priority 1000", command: "ip rule show"},
	{name: "nexthop_add", setup: rtnlVethLab + "; ip addr add 10.0.0.1/24 dev v0", command: "ip nexthop add id 1 via 10.0.0.2 dev v0"},
	{name: "nexthop_dump", setup: rtnlVethLab + "; ip addr add 10.0.0.1/24 dev v0; ip nexthop add id 1 via 10.0.0.2 dev v0",
		command: "ip nexthop show"},
	{name: "vlan_global_dump", setup: rtnlVethLab + "; ip link add br0 type bridge vlan_filtering 1; ip link set v0 master br0",
		command: "bridge vlan global show"},
	{name: "mdb_add", setup: rtnlVethLab + "; ip link add br0 type bridge; ip link set br0 up; ip link set v0 master br0",
		command: "bridge mdb add dev br0 port v0 grp 239.1.1.1 permanent"},
	{name: "mdb_dump", setup: rtnlVethLab + "; ip link add br0 type bridge; ip link set br0 up; ip link set v0 master br0; " +
		"bridge mdb add dev br0 port v0 grp 239.1.1.1 permanent", command: "bridge mdb show"},
	{name: "ss", protocol: unix.NETLINK_SOCK_DIAG, setup: "ip link set lo up; (python3 -c " + rtnlListener + " &); sleep 0.5",
		command: "ss -tuanx"},
	{name: "xfrm_state_add", protocol: unix.NETLINK_XFRM, command: "ip xfrm state add " + rtnlXfrmState},
	{name: "xfrm_state_dump", protocol: unix.NETLINK_XFRM, setup: "ip xfrm state add " + rtnlXfrmState, command: "ip xfrm state list"},
	{name: "xfrm_policy_add", protocol: unix.NETLINK_XFRM, command: "ip xfrm policy add " + rtnlXfrmPolicy},
	{name: "xfrm_policy_dump", protocol: unix.NETLINK_XFRM, setup: "ip xfrm policy add " + rtnlXfrmPolicy, command: "ip xfrm policy list"},
	{name: "ethtool_features", protocol: unix.NETLINK_GENERIC, setup: rtnlVethLab, command: "ethtool -k v0"},
	{name: "docker_steps", craft: "docker",
		command: "Docker's bridge and endpoint setup through vishvananda/netlink: LinkAdd(Bridge docker0), LinkSetMTU, " +
			"AddrAdd 172.17.0.1/16, LinkSetUp, LinkAdd(Veth), LinkSetMaster, LinkSetHairpin, LinkSetUp, RouteAdd (sent by TestRtnlCraftHelper)"},
	{name: "sets", file: "nft_sets", protocol: unix.NETLINK_NETFILTER, command: nftSets},
	{name: "link_add_bad_mtu", craft: "bad_mtu",
		command: "RTM_NEWLINK br9 kind=bridge whose IFLA_MTU has 2 bytes instead of 4 (sent by TestRtnlCraftHelper)"},
}

// rtnlRecord is one syscall's buffer.
type rtnlRecord struct {
	Send    bool
	Syscall string
	Data    []byte
}

// rtnlCapture is one stored scenario.
type rtnlCapture struct {
	Name     string
	Command  string
	Protocol int
	Records  []rtnlRecord
	Strace   []string // strace's decoding, one line per record
}

// readRtnlCapture loads testdata/rtnl_<name>.hex and, if present, .strace.
// In the .hex file "#" lines are comments ("# command: ..." and
// "# protocol: N" are read), "> call" and "< call" start a sent or
// received buffer, and the other lines are its bytes in hex.
func readRtnlCapture(t testing.TB, name string) rtnlCapture {
	t.Helper()
	c, err := parseRtnlHex(filepath.Join(capture.Dir, "rtnl_"+name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	c.Name = name
	if b, err := os.ReadFile(filepath.Join(capture.Dir, "rtnl_"+name+".strace")); err == nil {
		for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			if !strings.HasPrefix(l, "#") {
				c.Strace = append(c.Strace, l)
			}
		}
	}
	return c
}

func parseRtnlHex(path string) (rtnlCapture, error) {
	var c rtnlCapture
	f, err := os.Open(path)
	if err != nil {
		return c, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			key, val, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ": ")
			switch key {
			case "command":
				c.Command = val
			case "protocol":
				c.Protocol, _ = strconv.Atoi(val)
			}
		case line[0] == '>' || line[0] == '<':
			c.Records = append(c.Records, rtnlRecord{Send: line[0] == '>', Syscall: strings.TrimSpace(line[1:])})
		default:
			if len(c.Records) == 0 {
				return c, fmt.Errorf("%s:%d: bytes before the first record", path, n)
			}
			b, err := hex.DecodeString(strings.Join(strings.Fields(line), ""))
			if err != nil {
				return c, fmt.Errorf("%s:%d: %w", path, n, err)
			}
			r := &c.Records[len(c.Records)-1]
			r.Data = append(r.Data, b...)
		}
	}
	return c, sc.Err()
}

// rtnlCaptureNames lists the stored rtnl_*.hex captures.
func rtnlCaptureNames(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(capture.Dir, "rtnl_*.hex"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "rtnl_"), ".hex"))
	}
	return names
}

// TestRtnlCapture re-captures the scenarios when run with -update.
func TestRtnlCapture(t *testing.T) {
	if !*capture.Update {
		t.Skip("run with -update to capture testdata/rtnl_*.hex again")
	}
	if os.Geteuid() != 0 {
		t.Fatal("-update needs root: the scenarios run in new network namespaces")
	}
	for _, tool := range []string{"strace", "ip", "bridge", "genl", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("-update needs %s: %v", tool, err)
		}
	}
	versions := rtnlToolVersions()
	for _, s := range rtnlScenarios {
		t.Run(s.name, func(t *testing.T) { rtnlCaptureScenario(t, s, versions) })
	}
}

func rtnlToolVersions() string {
	first := func(name string, args ...string) string {
		out, _ := exec.Command(name, args...).CombinedOutput()
		l, _, _ := strings.Cut(string(out), "\n")
		return strings.TrimSpace(l)
	}
	return fmt.Sprintf("%s; %s; kernel %s", first("ip", "-V"), first("strace", "-V"), first("uname", "-r"))
}

// rtnlStraceArgs is how strace runs: default decoding, verbose, long
// strings, and a hex dump of every buffer.
const rtnlStraceArgs = "-f -qq -v -s 256 -e trace=sendmsg,recvmsg,sendto,recvfrom -e write=all -e read=all"

var (
	rtnlCallRE = regexp.MustCompile(`^(\d+)\s+(sendmsg|recvmsg|sendto|recvfrom)\((.*) = (-?\d+)`)
	rtnlDumpRE = regexp.MustCompile(`^ \| [0-9a-f]{5}  (.{49})`)
)

func rtnlCaptureScenario(t *testing.T, s rtnlScenario, versions string) {
	out := filepath.Join(t.TempDir(), "strace.txt")
	traced := s.command
	if s.craft != "" {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		traced = "env RTNL_CRAFT=" + s.craft + " " + self + " -test.run=^TestRtnlCraftHelper$"
	}
	script := s.setup + "\nstrace -o " + out + " " + rtnlStraceArgs + " " + traced + "\nexit 0\n"
	args := []string{"-n"}
	if s.mountNS {
		args = append(args, "-m")
	}
	args = append(args, "sh", "-c", script)
	if msg, err := exec.Command("unshare", args...).CombinedOutput(); err != nil {
		t.Fatalf("running %q: %v\n%s", s.command, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var recs []rtnlRecord
	var lines []string
	keep := false
	for _, l := range strings.Split(string(raw), "\n") {
		if m := rtnlCallRE.FindStringSubmatch(l); m != nil {
			ret, _ := strconv.Atoi(m[4])
			keep = ret > 0 && !strings.Contains(m[3], "MSG_PEEK")
			if keep {
				recs = append(recs, rtnlRecord{Send: strings.HasPrefix(m[2], "send"), Syscall: m[2]})
				lines = append(lines, strings.TrimSpace(strings.TrimPrefix(l, m[1])))
			}
			continue
		}
		if m := rtnlDumpRE.FindStringSubmatch(l); m != nil && keep {
			b, err := hex.DecodeString(strings.Join(strings.Fields(m[1]), ""))
			if err != nil {
				t.Fatalf("strace dump line %q: %v", l, err)
			}
			recs[len(recs)-1].Data = append(recs[len(recs)-1].Data, b...)
		}
	}
	if len(recs) == 0 {
		t.Fatalf("no netlink traffic captured for %q", s.command)
	}

	var hx bytes.Buffer
	fmt.Fprintf(&hx, "# command: %s\n", s.command)
	if s.setup != "" {
		fmt.Fprintf(&hx, "# setup: %s\n", s.setup)
	}
	fmt.Fprintf(&hx, "# protocol: %d\n", s.protocol)
	fmt.Fprintf(&hx, "# captured in a new network namespace with: strace %s\n", rtnlStraceArgs)
	fmt.Fprintf(&hx, "# %s\n", versions)
	if s.protocol == unix.NETLINK_NETFILTER {
		v, _ := exec.Command("nft", "-v").CombinedOutput()
		fmt.Fprintf(&hx, "# %s\n", strings.TrimSpace(string(v)))
	}
	fmt.Fprintf(&hx, "# Each block: \"> syscall\" (sent) or \"< syscall\" (received), then the buffer as hex.\n")
	for _, r := range recs {
		dir := "<"
		if r.Send {
			dir = ">"
		}
		fmt.Fprintf(&hx, "%s %s\n", dir, r.Syscall)
		for i := 0; i < len(r.Data); i += 32 {
			fmt.Fprintf(&hx, "%x\n", r.Data[i:min(i+32, len(r.Data))])
		}
	}
	file := "rtnl_" + s.name
	if s.file != "" {
		file = s.file
	}
	var st bytes.Buffer
	fmt.Fprintf(&st, "# strace %s: its decoding of the buffers in %s.hex, one line per block\n", rtnlStraceArgs, file)
	for _, l := range lines {
		st.WriteString(l + "\n")
	}
	base := filepath.Join(capture.Dir, file)
	if err := os.WriteFile(base+".hex", hx.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".strace", st.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d buffers", s.name, len(recs))
}

// TestRtnlCraftHelper is not a test of its own: TestRtnlCapture runs the
// test binary with RTNL_CRAFT set, under strace, to send a request that
// iproute2 would refuse to build, so that the kernel's reply (an extended
// ACK pointing at the offending attribute) can be captured.
func TestRtnlCraftHelper(t *testing.T) {
	what := os.Getenv("RTNL_CRAFT")
	if what == "" {
		t.Skip("helper process of TestRtnlCapture")
	}
	if what == "docker" {
		if err := rtnlDockerSteps(); err != nil {
			t.Fatal(err)
		}
		return
	}
	var req []byte
	switch what {
	case "bad_mtu":
		req = rtnlBuildMessage(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL,
			make([]byte, 16), // ifinfomsg, all zero
			rtnlBuildAttr(unix.IFLA_IFNAME, []byte("br9\x00")),
			rtnlBuildAttr(unix.IFLA_MTU, []byte{0xdc, 0x05}),
			rtnlBuildAttr(unix.IFLA_LINKINFO, rtnlBuildAttr(unix.IFLA_INFO_KIND, []byte("bridge"))))
	default:
		t.Fatalf("unknown RTNL_CRAFT %q", what)
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1); err != nil {
		t.Fatal(err)
	}
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8192)
	if _, _, err := unix.Recvfrom(fd, buf, 0); err != nil {
		t.Fatal(err)
	}
}

// rtnlBuildMessage builds a netlink message with sequence number 1.
func rtnlBuildMessage(typ, flags uint16, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	b := make([]byte, 16, 16+len(body))
	binary.LittleEndian.PutUint32(b, uint32(16+len(body)))
	binary.LittleEndian.PutUint16(b[4:], typ)
	binary.LittleEndian.PutUint16(b[6:], flags)
	binary.LittleEndian.PutUint32(b[8:], 1)
	return append(b, body...)
}

// rtnlBuildAttr builds one attribute, padded to 4 bytes.
func rtnlBuildAttr(typ uint16, data []byte) []byte {
	b := make([]byte, 4, 4+len(data)+3)
	binary.LittleEndian.PutUint16(b, uint16(4+len(data)))
	binary.LittleEndian.PutUint16(b[2:], typ)
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// rtnlDockerSteps makes the netlink calls Docker's bridge driver makes
// (libnetwork's setupDevice, setupMTU, setupBridgeIPv4, setupDeviceUp, and
// for an endpoint the veth pair, its master, hairpin mode and a route),
// through the same library.
func rtnlDockerSteps() error {
	mac, err := net.ParseMAC("02:42:5e:00:00:01")
	if err != nil {
		return err
	}
	if err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "docker0", HardwareAddr: mac}}); err != nil {
		return fmt.Errorf("adding docker0: %w", err)
	}
	br, err := netlink.LinkByName("docker0")
	if err != nil {
		return err
	}
	if err := netlink.LinkSetMTU(br, 1500); err != nil {
		return fmt.Errorf("setting the MTU: %w", err)
	}
	addr, err := netlink.ParseAddr("172.17.0.1/16")
	if err != nil {
		return err
	}
	if err := netlink.AddrAdd(br, addr); err != nil {
		return fmt.Errorf("adding the gateway address: %w", err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		return fmt.Errorf("setting docker0 up: %w", err)
	}
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "veth0a1b2c3", TxQLen: -1}, PeerName: "veth9d8e7f6"}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("adding the veth pair: %w", err)
	}
	host, err := netlink.LinkByName("veth0a1b2c3")
	if err != nil {
		return err
	}
	if err := netlink.LinkSetMaster(host, br); err != nil {
		return fmt.Errorf("attaching the veth: %w", err)
	}
	if err := netlink.LinkSetHairpin(host, true); err != nil {
		return fmt.Errorf("setting hairpin mode: %w", err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("setting the veth up: %w", err)
	}
	_, dst, err := net.ParseCIDR("10.99.0.0/24")
	if err != nil {
		return err
	}
	route := &netlink.Route{LinkIndex: br.Attrs().Index, Dst: dst, Gw: net.ParseIP("172.17.0.254")}
	if err := netlink.RouteAdd(route); err != nil {
		return fmt.Errorf("adding a route: %w", err)
	}
	return nil
}
