package testutil

import (
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestNetNS(t *testing.T) {
	RequirePrivileged(t)
	host, err := NetNSInode(0)
	if err != nil {
		t.Fatal(err)
	}
	ns := NetNS(t)
	var links []netlink.Link
	var inside uint64
	err = InNetNS(ns, func() error {
		var err error
		if inside, err = threadNetNSInode(); err != nil {
			return err
		}
		links, err = netlink.LinkList()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside == host {
		t.Error("InNetNS ran in the host namespace")
	}
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		t.Errorf("a new namespace should hold only lo, got %d links", len(links))
	}
	after, err := NetNSInode(0)
	if err != nil {
		t.Fatal(err)
	}
	if after != host {
		t.Error("the test process left its namespace")
	}
}

// threadNetNSInode returns the network namespace inode of the calling
// thread, which differs from the process's inside [InNetNS].
func threadNetNSInode() (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}
