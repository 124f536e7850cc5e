package ioctl

import (
	"encoding/binary"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/trace/decode/internal/capture"
	"github.com/netexplore/netexplore/trace/event"
	"github.com/netexplore/netexplore/trace/event/eventtest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/testutil"
)

// The decoders of this package are tested on bytes captured from the real
// kernel. TestCaptureFixtures (run as root with -update) performs the
// calls inside a new network namespace, under strace, and stores each
// argument as trace/testdata/<name>.hex together with strace's own
// decoding of the same call, which the tests compare against.

// TestCaptureHelper is the capture program that TestCaptureFixtures runs
// under strace; on its own it does nothing.
func TestCaptureHelper(t *testing.T) { capture.Helper(t) }

// TestCaptureFixtures regenerates the kernel captures in testdata. It runs
// only with -update, as root, with strace and iptables-legacy installed.
func TestCaptureFixtures(t *testing.T) {
	if !*capture.Update {
		t.Skip("regenerates testdata: run with -update as root")
	}
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "strace", "strace")
	capture.Store(t, capture.Run(t, "ioctl", "ioctl"), capture.Producer)
	capture.Store(t, capture.Run(t, "sockaddr", "getsockname"), capture.Producer)
	capture.Store(t, capture.Run(t, "sockopt", "setsockopt,getsockopt"), capture.Producer)
	capture.ToolSockopts(t)
}

// fixtureCall is the ioctl a stored capture records: its request, the
// raw argument of a request that passes a value, the fd's device, the
// bytes, and whether it failed (its result is an errno name).
func fixtureCall(t testing.TB, fix capture.Fixture) Call {
	t.Helper()
	req, err := strconv.ParseUint(fix.Meta["args"], 0, 32)
	if err != nil {
		t.Fatalf("%s: args: %v", fix.Name, err)
	}
	c := Call{Request: uint32(req), Data: fix.Data}
	if v, ok := fix.Meta["arg"]; ok {
		if c.Arg, err = strconv.ParseUint(v, 0, 64); err != nil {
			t.Fatalf("%s: arg: %v", fix.Name, err)
		}
	}
	if v, ok := fix.Meta["device"]; ok {
		d, err := strconv.ParseUint(v, 0, 32)
		if err != nil {
			t.Fatalf("%s: device: %v", fix.Name, err)
		}
		c.Device = uint32(d)
	}
	_, err = strconv.Atoi(fix.Meta["result"])
	c.Failed = err != nil
	return c
}

// recordCall is [fixtureCall] for a call the capture scenario just made.
func recordCall(rec capture.Record) Call {
	return Call{Request: uint32(rec.Args[0]), Arg: rec.Arg, Device: rec.Device, Data: rec.Data, Failed: rec.Errno != ""}
}

// TestIoctlScenarioLive runs the ioctl capture scenario again on this
// kernel and checks that every decoded argument matches the stored
// capture's decoding.
func TestIoctlScenarioLive(t *testing.T) {
	testutil.RequirePrivileged(t)
	var r capture.Recorder
	if err := capture.RunInNetNS(func() error { return capture.IoctlScenario(&r) }); err != nil {
		t.Fatal(err)
	}
	for _, rec := range r.Recs {
		if rec.Volatile {
			continue
		}
		fix := capture.Load(t, rec.File)
		got := DecodeCall(recordCall(rec)).Summary
		want := DecodeCall(fixtureCall(t, fix)).Summary
		if got != want {
			t.Errorf("%s: live decoding %q, stored capture %q", rec.File, got, want)
		}
	}
}

// Expected decodings of the stored ioctl captures. Field values use the
// same rendering as strace where strace decodes the member.
var ioctlWant = []struct {
	file    string
	name    string
	summary string
	fields  map[string]string
}{
	{"ioctl_siocbraddbr_br0", "SIOCBRADDBR", `SIOCBRADDBR "br0"`, map[string]string{"bridge_name": `"br0" (char *, not an ifreq)`}},
	{"ioctl_siocbrdelbr_br0", "SIOCBRDELBR", `SIOCBRDELBR "br0"`, nil},
	{"ioctl_siocgifindex_br0", "SIOCGIFINDEX", "SIOCGIFINDEX br0 ifindex=2", map[string]string{"ifr_name": `"br0"`, "ifr_ifindex": "2"}},
	{"ioctl_siocgifflags_br0", "SIOCGIFFLAGS", "SIOCGIFFLAGS br0 flags=IFF_BROADCAST|IFF_MULTICAST", nil},
	{"ioctl_siocsifhwaddr_br0", "SIOCSIFHWADDR", "SIOCSIFHWADDR br0 hwaddr=02:42:ac:11:00:01", map[string]string{"sa_family": "ARPHRD_ETHER", "sa_data": "02:42:ac:11:00:01"}},
	{"ioctl_siocgifhwaddr_br0", "SIOCGIFHWADDR", "SIOCGIFHWADDR br0 hwaddr=02:42:ac:11:00:01", nil},
	{"ioctl_siocsifflags_lo", "SIOCSIFFLAGS", "SIOCSIFFLAGS lo flags=IFF_UP", nil},
	{"ioctl_siocgifflags_lo", "SIOCGIFFLAGS", "SIOCGIFFLAGS lo flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING", map[string]string{"ifr_flags": "IFF_UP|IFF_LOOPBACK|IFF_RUNNING"}},
	{"ioctl_siocgifhwaddr_lo", "SIOCGIFHWADDR", "SIOCGIFHWADDR lo hwaddr=00:00:00:00:00:00 (ARPHRD_LOOPBACK)", map[string]string{"sa_family": "ARPHRD_LOOPBACK"}},
	{"ioctl_siocgifmtu_br0", "SIOCGIFMTU", "SIOCGIFMTU br0 mtu=1500", map[string]string{"ifr_mtu": "1500"}},
	{"ioctl_siocsifmtu_br0", "SIOCSIFMTU", "SIOCSIFMTU br0 mtu=1400", nil},
	{"ioctl_siocsifaddr_br0", "SIOCSIFADDR", "SIOCSIFADDR br0 addr=172.17.0.1", map[string]string{"ifr_addr": "172.17.0.1", "sin_family": "AF_INET", "sin_addr": "172.17.0.1"}},
	{"ioctl_siocgifaddr_br0", "SIOCGIFADDR", "SIOCGIFADDR br0 addr=172.17.0.1", nil},
	{"ioctl_siocgifnetmask_br0", "SIOCGIFNETMASK", "SIOCGIFNETMASK br0 netmask=255.255.0.0", nil},
	{"ioctl_siocgifbrdaddr_br0", "SIOCGIFBRDADDR", "SIOCGIFBRDADDR br0 broadaddr=172.17.255.255", nil},
	{"ioctl_siocsifflags_br0", "SIOCSIFFLAGS", "SIOCSIFFLAGS br0 flags=IFF_UP|IFF_BROADCAST|IFF_MULTICAST", nil},
	{"ioctl_siocbraddif_br0", "SIOCBRADDIF", "SIOCBRADDIF br0 ifindex=4", map[string]string{"ifr_name": `"br0"`, "ifr_ifindex": "4"}},
	{"ioctl_siocbrdelif_br0", "SIOCBRDELIF", "SIOCBRDELIF br0 ifindex=4", nil},
	{"ioctl_siocsifname_veth1", "SIOCSIFNAME", "SIOCSIFNAME veth1 newname=ceth0", map[string]string{"ifr_newname": `"ceth0"`}},
	{"ioctl_siocgifname_1", "SIOCGIFNAME", "SIOCGIFNAME ifindex=1 name=lo", nil},
	{"ioctl_siocgifconf_null", "SIOCGIFCONF", "SIOCGIFCONF len=80 buf=NULL", map[string]string{"ifc_len": "80 (2 × struct ifreq)"}},
	{"ioctl_siocaddrt", "SIOCADDRT", "SIOCADDRT dst=10.0.0.0 gateway=172.17.0.254 genmask=255.0.0.0 flags=RTF_UP|RTF_GATEWAY metric=0 (struct rtentry, not an ifreq)", nil},
	{"ioctl_siocsarp_br0", "SIOCSARP", "SIOCSARP 172.17.0.2 lladdr=02:42:ac:11:00:02 flags=ATF_COM|ATF_PERM dev=br0", nil},
	{"ioctl_siocgifbr_version", "SIOCGIFBR", "SIOCGIFBR BRCTL_GET_VERSION", nil},
	{"ioctl_fionread", "FIONREAD", "FIONREAD bytes=0", nil},
	{"ioctl_unknown_8950", "0x8950", "0x8950 (unknown socket ioctl)", nil},
	{"ioctl_siocsifaddr_in6_br0", "SIOCSIFADDR", "SIOCSIFADDR fd00::1/64 ifindex=2 (struct in6_ifreq of an AF_INET6 socket)", nil},
	{"ioctl_siocaddrt_in6", "SIOCADDRT", "SIOCADDRT dst=fd01::/64 gateway=fd00::2 (struct in6_rtmsg of an AF_INET6 socket, not an ifreq)", map[string]string{"rtmsg_flags": "RTF_UP|RTF_GATEWAY", "rtmsg_ifindex": "2"}},
	// The whole rtentry, and the device name rt_dev points to after it.
	{"ioctl_siocaddrt_dev", "SIOCADDRT", "SIOCADDRT dst=10.9.0.0 genmask=255.255.0.0 flags=RTF_UP metric=0 dev=br0 (struct rtentry, not an ifreq)", map[string]string{"rt_genmask": "255.255.0.0", "rt_flags": "RTF_UP", "*rt_dev": `"br0"`}},
	{"ioctl_siocdelrt_dev", "SIOCDELRT", "SIOCDELRT dst=10.9.0.0 genmask=255.255.0.0 flags=RTF_UP metric=0 dev=br0 (struct rtentry, not an ifreq)", nil},
	// SIOCDEVPRIVATE on a bridge (brctl without sysfs): the ifreq, brctl's
	// unsigned long args[4] ifr_data points to, then a GET's answer.
	{"ioctl_brctl_add_if_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_ADD_IF ifindex=4", map[string]string{"args[0]": "BRCTL_ADD_IF", "ifindex": "4"}},
	{"ioctl_brctl_del_if_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_DEL_IF ifindex=4", nil},
	{"ioctl_brctl_get_bridge_info_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_GET_BRIDGE_INFO id=8000.0242ac110001 stp=off forward_delay=15.00s", map[string]string{
		"bridge_id": "8000.0242ac110001", "designated_root": "8000.0242ac110001", "max_age": "2000 (20.00 s)", "hello_time": "200 (2.00 s)",
		"bridge_forward_delay": "1500 (15.00 s)", "ageing_time": "30000 (300.00 s)", "stp_enabled": "0 (no)",
		// Copied in the kernel's jiffies (HZ 250 where this was captured).
		"forward_delay": "3750 (jiffies: the kernel copies this one unconverted)", "bridge_max_age": "5000 (jiffies: the kernel copies this one unconverted)",
	}},
	{"ioctl_brctl_get_port_list_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_GET_PORT_LIST port 1 ifindex=4", map[string]string{"ifindex[1]": "4", "args[2]": "8 (ports asked for)"}},
	{"ioctl_brctl_get_port_info_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_GET_PORT_INFO port 1 state=disabled path_cost=2", map[string]string{"port_no": "1", "state": "disabled", "path_cost": "2", "port_id": "0x8001", "designated_bridge": "8000.0242ac110001"}},
	// A failed GET: the buffer holds what the caller left there.
	{"ioctl_brctl_get_port_info_einval", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_GET_PORT_INFO port 9 (no answer: the call failed)", nil},
	{"ioctl_brctl_get_fdb_entries_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_GET_FDB_ENTRIES 26:a9:3e:69:08:61 (port 1 local)", map[string]string{"[0]": "26:a9:3e:69:08:61", "port_no": "1", "is_local": "1 (yes)", "args[2]": "4 (entries asked for)"}},
	{"ioctl_brctl_set_forward_delay_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_SET_BRIDGE_FORWARD_DELAY 300 (3.00 s)", nil},
	{"ioctl_brctl_set_stp_state_br0", "SIOCDEVPRIVATE", "SIOCDEVPRIVATE br0 BRCTL_SET_BRIDGE_STP_STATE off", nil},
	// SIOCETHTOOL: the ifreq, then the ethtool struct ifr_data points to.
	{"ioctl_siocethtool_gdrvinfo_veth0", "SIOCETHTOOL", `SIOCETHTOOL veth0 ETHTOOL_GDRVINFO driver="veth" version="1.0"`, map[string]string{"cmd": "ETHTOOL_GDRVINFO", "driver": `"veth"`, "version": `"1.0"`, "fw_version": `""`, "bus_info": `""`, "n_stats": "10"}},
	{"ioctl_siocethtool_glink_veth0", "SIOCETHTOOL", "SIOCETHTOOL veth0 ETHTOOL_GLINK link=down", map[string]string{"data": "down"}},
	{"ioctl_siocethtool_gset_veth0", "SIOCETHTOOL", "SIOCETHTOOL veth0 ETHTOOL_GSET speed=10000Mb/s duplex=full autoneg=off", map[string]string{"port": "TP"}},
	{"ioctl_siocethtool_glinksettings_handshake_veth0", "SIOCETHTOOL", "SIOCETHTOOL veth0 ETHTOOL_GLINKSETTINGS nwords=-4 (size handshake)", nil},
	{"ioctl_siocethtool_glinksettings_veth0", "SIOCETHTOOL", "SIOCETHTOOL veth0 ETHTOOL_GLINKSETTINGS speed=10000Mb/s duplex=full autoneg=off", map[string]string{"link_mode_masks_nwords": "4", "supported": "0x0"}},
	// tun/tap, on a /dev/net/tun fd.
	{"ioctl_tungetfeatures", "TUNGETFEATURES", "TUNGETFEATURES features=IFF_TUN|IFF_TAP|IFF_NAPI|IFF_NAPI_FRAGS|IFF_NO_CARRIER|IFF_MULTI_QUEUE|IFF_NO_PI|IFF_ONE_QUEUE|IFF_VNET_HDR", nil},
	{"ioctl_tunsetiff_tap0", "TUNSETIFF", "TUNSETIFF tap0 IFF_TAP|IFF_NO_PI", map[string]string{"ifr_name": `"tap0"`, "ifr_flags": "IFF_TAP|IFF_NO_PI"}},
	{"ioctl_tungetiff_tap0", "TUNGETIFF", "TUNGETIFF tap0 IFF_TAP|IFF_NO_PI", nil},
	{"ioctl_tungetvnethdrsz", "TUNGETVNETHDRSZ", "TUNGETVNETHDRSZ vnet_hdr_sz=10", nil},
	{"ioctl_tunsetowner", "TUNSETOWNER", "TUNSETOWNER owner=1000", nil},
	{"ioctl_tunsetgroup", "TUNSETGROUP", "TUNSETGROUP group=1000", nil},
	{"ioctl_tunsetpersist_1", "TUNSETPERSIST", "TUNSETPERSIST persist=1", nil},
	{"ioctl_tunsetpersist_0", "TUNSETPERSIST", "TUNSETPERSIST persist=0", nil},
	{"ioctl_tunsetiff_multi_queue", "TUNSETIFF", "TUNSETIFF tapmq0 IFF_TAP|IFF_MULTI_QUEUE|IFF_NO_PI", nil},
	{"ioctl_tunsetqueue_detach", "TUNSETQUEUE", "TUNSETQUEUE IFF_DETACH_QUEUE", nil},
	// Failed GETs: what was passed in, and no answer.
	{"ioctl_siocgifflags_enodev", "SIOCGIFFLAGS", "SIOCGIFFLAGS nosuch0 (no answer: the call failed)", map[string]string{"ifr_name": `"nosuch0"`}},
	{"ioctl_siocgifname_enodev", "SIOCGIFNAME", "SIOCGIFNAME ifindex=99 (no answer: the call failed)", map[string]string{"ifr_ifindex": "99"}},
	{"ioctl_siocgarp_enxio", "SIOCGARP", "SIOCGARP 172.17.0.99 dev=br0 (no answer: the call failed)", map[string]string{"arp_dev": `"br0"`}},
	{"ioctl_siocethtool_gdrvinfo_lo", "SIOCETHTOOL", "SIOCETHTOOL lo ETHTOOL_GDRVINFO (no answer: the call failed)", map[string]string{"cmd": "ETHTOOL_GDRVINFO"}},
}

// TestFailedGetShowsNoAnswer checks the failed GET captures: their
// arguments hold what the caller passed (here stale values), and none of
// it may be shown as the kernel's answer. strace shows only the input
// members of the same calls.
func TestFailedGetShowsNoAnswer(t *testing.T) {
	answers := map[string][]string{
		"ioctl_siocgifflags_enodev":     {"ifr_flags"},
		"ioctl_siocgifname_enodev":      {"ifr_name"},
		"ioctl_siocgarp_enxio":          {"arp_ha", "arp_flags", "arp_netmask"},
		"ioctl_siocethtool_gdrvinfo_lo": {"driver", "version", "bus_info", "n_stats"},
	}
	for file, members := range answers {
		fix := capture.Load(t, file)
		c := fixtureCall(t, fix)
		if !c.Failed {
			t.Fatalf("%s: the capture did not fail (result %s)", file, fix.Meta["result"])
		}
		call := DecodeCall(c)
		for _, m := range members {
			if f, ok := event.Find(call.Fields, m); ok {
				t.Errorf("%s: %s = %q shown for a failed call", file, m, f.Value)
			}
		}
		for _, stale := range []string{"IFF_UP", "IFF_RUNNING", "02:42:ac:11:00:63", "ATF_COM"} {
			if strings.Contains(call.Summary, stale) {
				t.Errorf("%s: summary %q shows the stale %s", file, call.Summary, stale)
			}
		}
		// The same bytes of a call that succeeded would show them.
		c.Failed = false
		ok := DecodeCall(c)
		if _, found := event.Find(ok.Fields, members[0]); !found && file != "ioctl_siocgifname_enodev" {
			t.Errorf("%s: %s not decoded even as an answer: %+v", file, members[0], ok.Fields)
		}
	}
}

func TestDecodeIoctlCaptured(t *testing.T) {
	for _, tc := range ioctlWant {
		t.Run(tc.file, func(t *testing.T) {
			fix := capture.Load(t, tc.file)
			call := DecodeCall(fixtureCall(t, fix))
			if call.Name != tc.name {
				t.Errorf("Name = %q, want %q", call.Name, tc.name)
			}
			if call.Summary != tc.summary {
				t.Errorf("Summary = %q, want %q", call.Summary, tc.summary)
			}
			for name, want := range tc.fields {
				f, ok := event.Find(call.Fields, name)
				if !ok {
					t.Errorf("no field %s in %+v", name, call.Fields)
					continue
				}
				if f.Value != want {
					t.Errorf("%s = %q, want %q", name, f.Value, want)
				}
			}
			eventtest.CheckFieldBounds(t, call.Fields, len(fix.Data))
		})
	}
}

// TestDecodeIoctlOffsets pins the byte ranges of the ifreq members.
func TestDecodeIoctlOffsets(t *testing.T) {
	fix := capture.Load(t, "ioctl_siocsifhwaddr_br0")
	call := Decode(unix.SIOCSIFHWADDR, fix.Data)
	want := []event.Field{
		{Name: "ifr_name", Value: `"br0"`, Offset: 0, Length: 16},
		{Name: "ifr_hwaddr", Value: "02:42:ac:11:00:01", Offset: 16, Length: 16, Children: []event.Field{
			{Name: "sa_family", Value: "ARPHRD_ETHER", Offset: 16, Length: 2},
			{Name: "sa_data", Value: "02:42:ac:11:00:01", Offset: 18, Length: 6},
		}},
	}
	if diff := cmp.Diff(want, call.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	fix = capture.Load(t, "ioctl_siocsifaddr_br0")
	call = Decode(unix.SIOCSIFADDR, fix.Data)
	want = []event.Field{
		{Name: "ifr_name", Value: `"br0"`, Offset: 0, Length: 16},
		{Name: "ifr_addr", Value: "172.17.0.1", Offset: 16, Length: 16, Children: []event.Field{
			{Name: "sin_family", Value: "AF_INET", Offset: 16, Length: 2},
			{Name: "sin_port", Value: "0", Offset: 18, Length: 2},
			{Name: "sin_addr", Value: "172.17.0.1", Offset: 20, Length: 4},
			{Name: "sin_zero", Value: "0000000000000000", Offset: 24, Length: 8},
		}},
	}
	if diff := cmp.Diff(want, call.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// TestIoctlMatchesStrace checks every stored ioctl capture against
// strace's decoding of the same call: same request name (TUNSETIFF,
// SIOCETHTOOL, SIOCADDRT, SIOCSARP... whose structs strace 6.1 shows only
// as a pointer), the same value for a request that passes one
// (TUNSETPERSIST 1), and the same value for every member both decode.
func TestIoctlMatchesStrace(t *testing.T) {
	compared, values := 0, 0
	for _, fix := range capture.LoadAll(t, "ioctl_*.hex") {
		line := fix.Meta["strace"]
		if line == "" || fix.Meta["args"] == "" {
			t.Errorf("%s: no strace line or args", fix.Name)
			continue
		}
		c := fixtureCall(t, fix)
		call := DecodeCall(c)
		m := regexp.MustCompile(`^ioctl\(\d+, (_IOC\([^)]*\)|\w+)(?:, (.*))?\) += `).FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s: cannot parse strace line %q", fix.Name, line)
			continue
		}
		if sname := m[1]; !strings.HasPrefix(sname, "_IOC(") && sname != call.Name {
			t.Errorf("%s: name %q, strace %q", fix.Name, call.Name, sname)
		}
		arg := m[2]
		if v, ok := ValueArg(c.Request, c.Arg); ok {
			n, err := strconv.ParseInt(arg, 0, 64)
			if want, _ := strconv.ParseInt(v, 10, 64); err != nil || n != want {
				t.Errorf("%s: value %s, strace %s", fix.Name, v, arg)
			}
			values++
			continue
		}
		if strings.HasPrefix(arg, `"`) { // SIOCBRADDBR/SIOCBRDELBR: a plain string
			if !strings.HasPrefix(call.Summary, call.Name+" "+arg) {
				t.Errorf("%s: summary %q, strace argument %s", fix.Name, call.Summary, arg)
			}
			compared++
			continue
		}
		// A failed GET shows strace's input only; compare what is there.
		for k, sv := range capture.StraceLeaves(arg) {
			f, ok := event.Find(call.Fields, k)
			if !ok || strings.HasPrefix(sv, "if_nametoindex(") {
				// strace resolves interface indexes in its own network
				// namespace, not the traced one, so it names the wrong link.
				continue
			}
			got := f.Value
			if i := strings.Index(got, " ("); i > 0 && !strings.HasPrefix(sv, `"`) {
				got = got[:i] // our extra note, e.g. "80 (2 × struct ifreq)"
			}
			if got != sv {
				t.Errorf("%s: %s = %q, strace %q", fix.Name, k, got, sv)
			}
			compared++
		}
	}
	if compared < 20 || values < 4 {
		t.Errorf("only %d members and %d value arguments compared with strace", compared, values)
	}
}

func TestIoctlName(t *testing.T) {
	tests := map[uint32]string{
		0x8910: "SIOCGIFNAME", 0x8911: "SIOCSIFLINK", 0x8912: "SIOCGIFCONF",
		0x8913: "SIOCGIFFLAGS", 0x8914: "SIOCSIFFLAGS", 0x8915: "SIOCGIFADDR",
		0x8916: "SIOCSIFADDR", 0x8924: "SIOCSIFHWADDR", 0x8927: "SIOCGIFHWADDR",
		0x8933: "SIOCGIFINDEX", 0x8921: "SIOCGIFMTU", 0x8922: "SIOCSIFMTU",
		0x8923: "SIOCSIFNAME", 0x8942: "SIOCGIFTXQLEN", 0x8946: "SIOCETHTOOL",
		0x890b: "SIOCADDRT", 0x890c: "SIOCDELRT", 0x89a0: "SIOCBRADDBR",
		0x89a1: "SIOCBRDELBR", 0x89a2: "SIOCBRADDIF", 0x89a3: "SIOCBRDELIF",
		0x8940: "SIOCGIFBR", 0x8941: "SIOCSIFBR", 0x89f0: "SIOCDEVPRIVATE",
		0x89f3: "SIOCDEVPRIVATE+3", 0x89e0: "SIOCPROTOPRIVATE",
		0x89ef: "SIOCPROTOPRIVATE+15", 0x8950: "0x8950", 0x89c0: "0x89c0",
		0x1234: "0x1234",
	}
	for req, want := range tests {
		if got := Name(req); got != want {
			t.Errorf("IoctlName(%#x) = %q, want %q", req, got, want)
		}
	}
	// Every number the C library knows in the socket range has our name.
	known := map[uint32]string{
		unix.SIOCADDMULTI: "SIOCADDMULTI", unix.SIOCDELMULTI: "SIOCDELMULTI",
		unix.SIOCGIFPFLAGS: "SIOCGIFPFLAGS", unix.SIOCSIFPFLAGS: "SIOCSIFPFLAGS",
		unix.SIOCDIFADDR: "SIOCDIFADDR", unix.SIOCGIFCOUNT: "SIOCGIFCOUNT",
		unix.SIOCSIFTXQLEN: "SIOCSIFTXQLEN", unix.SIOCGMIIPHY: "SIOCGMIIPHY",
		unix.SIOCGSKNS: "SIOCGSKNS", unix.SIOCSHWTSTAMP: "SIOCSHWTSTAMP",
		unix.SIOCGHWTSTAMP: "SIOCGHWTSTAMP", unix.SIOCGIFVLAN: "SIOCGIFVLAN",
		unix.SIOCBONDENSLAVE: "SIOCBONDENSLAVE", unix.SIOCWANDEV: "SIOCWANDEV",
		unix.SIOCOUTQNSD: "SIOCOUTQNSD", unix.SIOCGIFMAP: "SIOCGIFMAP",
		unix.SIOCDARP: "SIOCDARP", unix.SIOCSRARP: "SIOCSRARP",
	}
	for req, want := range known {
		if got := Name(req); got != want {
			t.Errorf("IoctlName(%#x) = %q, want %q", req, got, want)
		}
	}
	// Every number in 0x8900-0x89ff decodes without panicking, and named
	// ones never fall back to hex.
	for req := uint32(0x8900); req <= 0x89ff; req++ {
		call := Decode(req, make([]byte, 40))
		if call.Name != Name(req) {
			t.Errorf("DecodeIoctl(%#x).Name = %q, IoctlName %q", req, call.Name, Name(req))
		}
	}
}

// TestDecodeIoctlShortInput decodes captures cut at every length: no
// panic, fields stay inside the bytes, and the name never changes.
func TestDecodeIoctlShortInput(t *testing.T) {
	for _, fix := range capture.LoadAll(t, "ioctl_*.hex") {
		req, _ := strconv.ParseUint(fix.Meta["args"], 0, 32)
		for n := 0; n <= len(fix.Data); n++ {
			call := Decode(uint32(req), fix.Data[:n])
			eventtest.CheckFieldBounds(t, call.Fields, n)
			if call.Name != Name(uint32(req)) {
				t.Fatalf("%s[:%d]: name %q", fix.Name, n, call.Name)
			}
		}
	}
}

// TestDecodeIoctlProbeSizes decodes arguments as the probe copies them:
// exactly 40 bytes, with whatever follows a short argument in memory.
func TestDecodeIoctlProbeSizes(t *testing.T) {
	fix := capture.Load(t, "ioctl_siocbraddbr_br0")
	arg := append(append([]byte(nil), fix.Data...), []byte("garbage after the name!!")...)[:40]
	if got := Decode(unix.SIOCBRADDBR, arg).Summary; got != `SIOCBRADDBR "br0"` {
		t.Errorf("SIOCBRADDBR with trailing bytes: %q", got)
	}
	fix = capture.Load(t, "ioctl_siocaddrt")
	call := Decode(unix.SIOCADDRT, fix.Data[:40])
	if want := "SIOCADDRT dst=10.0.0.0 gateway=172.17.0.254 (struct rtentry, not an ifreq; 40 of 120 bytes captured)"; call.Summary != want {
		t.Errorf("SIOCADDRT cut at 40 bytes: %q, want %q", call.Summary, want)
	}
	fix = capture.Load(t, "ioctl_siocsifaddr_in6_br0")
	if got := DecodeSocket(unix.AF_INET6, unix.SIOCSIFADDR, fix.Data).Summary; !strings.HasPrefix(got, "SIOCSIFADDR fd00::1/64") {
		t.Errorf("in6_ifreq with AF_INET6 family: %q", got)
	}
	fix = capture.Load(t, "ioctl_siocsifaddr_br0")
	if got := DecodeSocket(unix.AF_INET, unix.SIOCSIFADDR, fix.Data).Summary; got != "SIOCSIFADDR br0 addr=172.17.0.1" {
		t.Errorf("ifreq with AF_INET family: %q", got)
	}
}

func TestDecodeIoctlVolatile(t *testing.T) {
	fix := capture.Load(t, "ioctl_siocethtool_veth0")
	call := Decode(unix.SIOCETHTOOL, fix.Data)
	if !strings.HasPrefix(call.Summary, "SIOCETHTOOL veth0 ifr_data=0x") {
		t.Errorf("Summary = %q", call.Summary)
	}
	f, ok := event.Find(call.Fields, "ifr_data")
	if !ok || !strings.Contains(f.Value, "not captured") || f.Offset != 16 || f.Length != 8 {
		t.Errorf("ifr_data = %+v", f)
	}
	// SIOCDEVPRIVATE with the ifreq alone (a tunnel's, or cut by -s):
	// the pointer, not brctl's args.
	fix = capture.Load(t, "ioctl_brctl_add_if_br0")
	if got := Decode(unix.SIOCDEVPRIVATE, fix.Data[:40]).Summary; !strings.HasPrefix(got, "SIOCDEVPRIVATE br0 ifr_data=0x") {
		t.Errorf("SIOCDEVPRIVATE Summary = %q", got)
	}
}

// TestDecodeIoctlLayouts covers argument layouts that the capture
// scenario cannot produce on these machines (no MII PHY, no VLAN module).
func TestDecodeIoctlLayouts(t *testing.T) {
	mii := capture.Ifreq("eth0")
	binary.LittleEndian.PutUint16(mii[16:], 1)
	binary.LittleEndian.PutUint16(mii[18:], 2)
	binary.LittleEndian.PutUint16(mii[22:], 0x796d)
	vlan := make([]byte, 56)
	copy(vlan[4:], "eth0")
	binary.LittleEndian.PutUint32(vlan[28:], 10)
	tests := []struct {
		req  uint32
		arg  []byte
		want string
	}{
		{unix.SIOCGMIIREG, mii, "SIOCGMIIREG eth0 phy_id=0x1 reg_num=0x2 val_in=0x0 val_out=0x796d"},
		{unix.SIOCSIFVLAN, vlan, "SIOCSIFVLAN ADD_VLAN_CMD eth0 vid=10"},
		{unix.SIOCGSKNS, nil, "SIOCGSKNS"},
		{0x89e3, []byte{1, 2}, "SIOCPROTOPRIVATE+3"},
		{unix.SIOCGIFFLAGS, nil, "SIOCGIFFLAGS (no argument captured)"},
		{0x89a0, []byte("docker0\x00"), `SIOCBRADDBR "docker0"`},
	}
	for _, tc := range tests {
		if got := Decode(tc.req, tc.arg).Summary; got != tc.want {
			t.Errorf("DecodeIoctl(%#x) = %q, want %q", tc.req, got, tc.want)
		}
	}
}

// FuzzDecodeIoctl decodes any request, socket family, device, raw
// argument and bytes, failed or not: no panic, a name, fields inside the
// bytes. The seeds are the kernel captures.
func FuzzDecodeIoctl(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(capture.Dir, "ioctl_*.hex"))
	sort.Strings(paths)
	for _, p := range paths {
		fix, err := capture.Parse(p)
		if err != nil {
			f.Fatal(err)
		}
		c := fixtureCall(f, fix)
		f.Add(c.Request, uint16(0), c.Device, c.Arg, c.Failed, fix.Data)
		f.Add(c.Request, uint16(unix.AF_INET6), c.Device, c.Arg, !c.Failed, fix.Data)
	}
	f.Fuzz(func(t *testing.T, req uint32, family uint16, dev uint32, arg uint64, failed bool, data []byte) {
		c := Call{Request: req, Family: family, Device: dev, Arg: arg, Data: data, Failed: failed}
		call := DecodeCall(c)
		if call.Name == "" {
			t.Fatal("empty name")
		}
		eventtest.CheckFieldBounds(t, call.Fields, len(data))
		// Naming indexes changes values and the summary, never the tree.
		c.Ifname = func(i int32) (string, bool) { return "if" + strconv.Itoa(int(i)), i%2 == 0 }
		named := DecodeCall(c)
		if len(named.Fields) != len(call.Fields) || !strings.HasPrefix(named.Summary, call.Name) {
			t.Fatalf("naming changed the tree: %+v vs %+v", named, call)
		}
	})
}

// Interface indexes get their names when the caller knows them: the port
// a bridge request adds, the interface of an IPv6 address or route; an
// index the request already names in ifr_name is not repeated, and an
// unknown index stays a number.
func TestIoctlIndexesNamed(t *testing.T) {
	names := map[int32]string{2: "br0", 4: "veth0"}
	lookup := func(i int32) (string, bool) { n, ok := names[i]; return n, ok }
	for _, tc := range []struct {
		file, summary, field, value, ifname string
	}{
		{"ioctl_siocbraddif_br0", "SIOCBRADDIF br0 ifindex=4 (veth0)", "ifr_ifindex", "4 (veth0)", "veth0"},
		{"ioctl_siocbrdelif_br0", "SIOCBRDELIF br0 ifindex=4 (veth0)", "ifr_ifindex", "4 (veth0)", "veth0"},
		{"ioctl_siocsifaddr_in6_br0", "SIOCSIFADDR fd00::1/64 ifindex=2 (br0) (struct in6_ifreq of an AF_INET6 socket)", "ifr6_ifindex", "2 (br0)", "br0"},
		{"ioctl_siocaddrt_in6", "SIOCADDRT dst=fd01::/64 gateway=fd00::2 (struct in6_rtmsg of an AF_INET6 socket, not an ifreq)", "rtmsg_ifindex", "2 (br0)", "br0"},
		// brctl's args and the port list the kernel answers, inside ifr_data.
		{"ioctl_brctl_add_if_br0", "SIOCDEVPRIVATE br0 BRCTL_ADD_IF ifindex=4 (veth0)", "ifindex", "4 (veth0)", "veth0"},
		{"ioctl_brctl_get_port_list_br0", "SIOCDEVPRIVATE br0 BRCTL_GET_PORT_LIST port 1 ifindex=4 (veth0)", "ifindex[1]", "4 (veth0)", "veth0"},
		// br0's own index: already named by ifr_name.
		{"ioctl_siocgifindex_br0", "SIOCGIFINDEX br0 ifindex=2", "ifr_ifindex", "2", ""},
		// Index 99 is not known.
		{"ioctl_siocgifname_enodev", "SIOCGIFNAME ifindex=99 (no answer: the call failed)", "ifr_ifindex", "99", ""},
	} {
		c := fixtureCall(t, capture.Load(t, tc.file))
		c.Ifname = lookup
		call := DecodeCall(c)
		if call.Summary != tc.summary {
			t.Errorf("%s: summary %q, want %q", tc.file, call.Summary, tc.summary)
		}
		f, ok := event.Find(call.Fields, tc.field)
		if !ok || f.Value != tc.value {
			t.Errorf("%s: %s = %q, want %q", tc.file, tc.field, f.Value, tc.value)
		}
		if ok && f.Ifname != tc.ifname {
			t.Errorf("%s: %s names %q, want %q", tc.file, tc.field, f.Ifname, tc.ifname)
		}
	}
}
