package steps

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/netexplore/netexplore/internal/testutil"
)

// runLab runs every step of cfg's plan in a lab and returns the results and
// the final state. It fails the test on any step error unless allowFail.
func runLab(t *testing.T, cfg Config) ([]StepResult, Snapshot) {
	t.Helper()
	testutil.RequirePrivileged(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	lab, err := StartLab(ctx, cfg)
	if err != nil {
		t.Fatalf("StartLab: %v", err)
	}
	defer func() {
		if err := lab.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	if err := lab.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	var results []StepResult
	for i, s := range lab.Plan() {
		res, err := lab.RunStep(i)
		if err != nil {
			t.Fatalf("RunStep(%d %s): %v", i, s.ID, err)
		}
		results = append(results, res)
		if res.Error != "" {
			t.Logf("step %d %s failed: %s", i, s.ID, res.Error)
			break
		}
	}
	snap, err := lab.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return results, snap
}

func TestLabScratch(t *testing.T) {
	results, snap := runLab(t, DefaultConfig())
	for _, r := range results {
		t.Logf("== %d %s err=%q skipped=%v dur=%v", r.Step, r.ID, r.Error, r.Skipped, r.Duration)
		for _, n := range r.Notes {
			t.Logf("   note: %s", n)
		}
		for _, c := range r.Commands {
			t.Logf("   $ %s -> %d %s", strings.Join(c.Args, " "), c.ExitCode, strings.TrimSpace(c.Output))
		}
		for _, c := range r.Changes {
			t.Logf("   %s", c)
		}
	}
	for _, l := range snap.Links {
		t.Logf("link %s", l)
	}
	for _, l := range snap.Firewall {
		t.Logf("fw %s", l)
	}
}
