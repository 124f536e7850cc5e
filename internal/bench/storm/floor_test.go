package main

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/netexplore/netexplore/internal/testutil"
)

// loadedPrograms returns the names of the BPF programs loaded now.
func loadedPrograms() []string {
	var names []string
	var id ebpf.ProgramID
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return names
		}
		id = next
		prog, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue // gone meanwhile
		}
		if info, err := prog.Info(); err == nil {
			names = append(names, info.Name)
		}
		prog.Close()
	}
}

func TestWithEmptyHooks(t *testing.T) {
	testutil.RequirePrivileged(t)
	var during []string
	d, err := withEmptyHooks(func() (time.Duration, error) {
		during = loadedPrograms()
		return 42 * time.Millisecond, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d != 42*time.Millisecond {
		t.Errorf("withEmptyHooks returned %v, want f's 42ms", d)
	}
	for _, name := range floorHooks {
		if !slices.Contains(during, "floor_"+name) {
			t.Errorf("no floor_%s program loaded while f ran (loaded: %v)", name, during)
		}
	}
	// Detaching frees the programs after a grace period.
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := loadedPrograms()
		if !slices.Contains(after, "floor_sys_enter") && !slices.Contains(after, "floor_sys_exit") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the empty hooks are still loaded after withEmptyHooks returned: %v", after)
		}
		time.Sleep(20 * time.Millisecond)
	}

	boom := errors.New("boom")
	if _, err := withEmptyHooks(func() (time.Duration, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("withEmptyHooks returned %v, want f's error", err)
	}
}
