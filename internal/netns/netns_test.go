package netns_test

import (
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/netexplore/netexplore/internal/testutil"
)

func TestNetNS(t *testing.T) {
	testutil.RequirePrivileged(t)
	host, err := netns.Inode(0)
	if err != nil {
		t.Fatal(err)
	}
	ns := testutil.NetNS(t)
	var links []netlink.Link
	var inside uint64
	err = netns.Do(ns, func() error {
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
		t.Error("Do ran in the host namespace")
	}
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		t.Errorf("a new namespace should hold only lo, got %d links", len(links))
	}
	after, err := netns.Inode(0)
	if err != nil {
		t.Fatal(err)
	}
	if after != host {
		t.Error("the test process left its namespace")
	}
}

// threadNetNSInode returns the network namespace inode of the calling
// thread, which differs from the process's inside [netns.Do].
func threadNetNSInode() (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}
