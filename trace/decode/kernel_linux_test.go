package decode

import "testing"

// TestKernelFamilies asks the running kernel for its generic netlink
// families: nlctrl always answers to its own id.
func TestKernelFamilies(t *testing.T) {
	if name, ok := KernelFamilies()(0x10); !ok || name != "nlctrl" {
		t.Errorf("family 0x10 is %q, %v; want nlctrl", name, ok)
	}
}
