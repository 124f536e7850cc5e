package decode

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/netns"
	"github.com/netexplore/netexplore/internal/testutil"
)

// TestKernelFamilies asks the running kernel for its generic netlink
// families: nlctrl always answers to its own id.
func TestKernelFamilies(t *testing.T) {
	if name, ok := KernelFamilies()(0x10); !ok || name != "nlctrl" {
		t.Errorf("family 0x10 is %q, %v; want nlctrl", name, ok)
	}
}

// TestKernelIfnames names interfaces in the network namespace of another
// process (a new, empty one: only lo, index 1), entered through /proc,
// and refuses a namespace the process is not in.
func TestKernelIfnames(t *testing.T) {
	testutil.RequirePrivileged(t)
	cmd := exec.Command("unshare", "-n", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pid := cmd.Process.Pid
	own, err := netns.Inode(0)
	if err != nil {
		t.Fatal(err)
	}
	var ino uint64
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		// unshare execs sleep once it is in the new namespace.
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); string(b) == "sleep\n" {
			if ino, err = netns.Inode(pid); err == nil && ino != own {
				break
			}
		}
	}
	if ino == 0 || ino == own {
		t.Fatalf("the child's namespace %d is not a new one (%v)", ino, err)
	}
	k := NewKernelIfnames()
	defer k.Close()
	if name, ok := k.Ifname(uint32(pid), uint32(ino), 1); !ok || name != "lo" {
		t.Errorf("index 1 is %q, %v; want lo", name, ok)
	}
	if name, ok := k.Ifname(uint32(pid), uint32(ino), 2); ok {
		t.Errorf("index 2 of an empty namespace is %q", name)
	}
	if _, ok := k.Ifname(uint32(pid), uint32(ino)+1, 1); ok {
		t.Error("a namespace the process is not in was entered")
	}
}
