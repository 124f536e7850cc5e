package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/internal/testutil"
	"github.com/netexplore/netexplore/steps"
	"github.com/netexplore/netexplore/steps/lab"
)

// TestRunSourceLines runs `netexplore run --format json` from a real build
// (with its DWARF, as users get it) and checks that every call the step
// code makes itself points at a line inside that step's own function —
// also where the compiler inlined library calls into it.
func TestRunSourceLines(t *testing.T) {
	testutil.RequirePrivileged(t)
	testutil.RequireCommand(t, "iptables", "iptables")
	bin := buildBinary(t)
	out, err := exec.Command(bin, "run", "--format", "json").Output()
	if err != nil {
		t.Fatalf("netexplore run: %v", err)
	}
	plan, err := steps.Plan(steps.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	// The machinery that runs a step, named as the binary names it: the lab
	// package and Step.Run.
	labPkg, runStep := packageOf(symbol(lab.Start)), symbol(steps.Step.Run)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	checked := 0
	for i := 0; sc.Scan(); i++ {
		var st struct {
			ID     string `json:"id"`
			Events []struct {
				Comm   string `json:"comm"`
				Kind   string `json:"kind"`
				Origin *struct {
					Func string `json:"func"`
					File string `json:"file"`
					Line int    `json:"line"`
				} `json:"origin"`
			} `json:"events"`
		}
		if err := json.Unmarshal(sc.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		src, err := steps.SourceOf(plan[i])
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range st.Events {
			// Helper programs' events point at the line that started them,
			// which may be a shared helper; only the step's own calls are
			// pinned to its function.
			if e.Comm != "netexplore" || e.Kind == "fork" {
				continue
			}
			if e.Origin == nil {
				t.Errorf("%s: a %s event has no source line", st.ID, e.Kind)
				continue
			}
			if e.Origin.File == src.File && (e.Origin.Line < src.StartLine || e.Origin.Line > src.EndLine) {
				t.Errorf("%s: %s event at %s:%d, outside %s:%d-%d", st.ID, e.Kind, e.Origin.File, e.Origin.Line, src.File, src.StartLine, src.EndLine)
			}
			if strings.HasPrefix(e.Origin.Func, labPkg) || e.Origin.Func == runStep {
				t.Errorf("%s: %s event attributed to the runner (%s, %s:%d), not to the step", st.ID, e.Kind, e.Origin.Func, e.Origin.File, e.Origin.Line)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d events of the step code checked", checked)
	}
}

// symbol returns the name the binary gives function fn.
func symbol(fn any) string {
	return runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
}

// packageOf returns the prefix every function symbol of sym's package
// starts with ("github.com/netexplore/netexplore/steps/lab.").
func packageOf(sym string) string {
	slash := strings.LastIndex(sym, "/")
	return sym[:slash+1+strings.Index(sym[slash+1:], ".")+1]
}
