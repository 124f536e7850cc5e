package steps

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSourceFilesEmbedsEveryFile(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			want = append(want, e.Name())
		}
	}
	if diff := cmp.Diff(want, sourceFileNames()); diff != "" {
		t.Errorf("embedded files (-on disk +embedded):\n%s", diff)
	}
	for path, text := range SourceFiles() {
		disk, err := os.ReadFile(strings.TrimPrefix(path, "steps/"))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if string(disk) != text {
			t.Errorf("%s: embedded text differs from the file", path)
		}
	}
}

func TestSourceOf(t *testing.T) {
	src, err := SourceOf(Step{ID: "setupDevice", code: call(setupDevice)})
	if err != nil {
		t.Fatal(err)
	}
	if src.File != "steps/device_linux.go" {
		t.Errorf("File = %q", src.File)
	}
	if !strings.HasPrefix(src.Text, "// setupDevice creates the bridge") {
		t.Errorf("Text does not start with the doc comment:\n%s", src.Text)
	}
	if !strings.HasSuffix(src.Text, "}\n") || !strings.Contains(src.Text, "env.Handle.LinkAdd(bridge)") {
		t.Errorf("Text is not the whole function:\n%s", src.Text)
	}
	lines := strings.Split(SourceFiles()["steps/device_linux.go"], "\n")
	if got := strings.Join(lines[src.StartLine-1:src.EndLine], "\n") + "\n"; got != src.Text {
		t.Errorf("StartLine..EndLine (%d..%d) does not match Text", src.StartLine, src.EndLine)
	}
	if got := strings.Count(src.Text, "\n"); got != src.EndLine-src.StartLine+1 {
		t.Errorf("Text has %d lines, want %d", got, src.EndLine-src.StartLine+1)
	}

	if sym := (Step{code: call(setupDevice)}).Symbol(); !strings.HasSuffix(sym, "/steps.setupDevice") {
		t.Errorf("Symbol() = %q", sym)
	}

	// A step read back from a recording has only the function's name.
	if _, err := SourceOf(Step{ID: "setupDevice", Func: "setupDevice"}); err == nil {
		t.Error("SourceOf of a step without a function succeeded")
	}
}

func TestStepFunctionsAreShortAndCommented(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), func() Config {
		c := DefaultConfig()
		c.FirewallBackend, c.EnableIPv6, c.FixedCIDRv6 = BackendNFTables, true, "fd00::/64"
		return c
	}(), func() Config {
		c := DefaultConfig()
		c.DockerVersion, c.DeviceAPI, c.IP6Tables, c.ICC = Docker2010, DeviceAPIIoctl, false, false
		return c
	}()} {
		ps, err := plan(cfg, allInstalled)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ps {
			src, err := SourceOf(s)
			if err != nil {
				t.Fatal(err)
			}
			if n := src.EndLine - src.StartLine + 1; n > 60 {
				t.Errorf("%s (%s) is %d lines long: keep step functions readable", s.Func, src.File, n)
			}
			if !strings.HasPrefix(src.Text, "// "+s.Func+" ") {
				t.Errorf("%s has no doc comment", s.Func)
			}
			if !slices.Contains([]string{"steps/device_linux.go", "steps/address_linux.go", "steps/sysctl_linux.go",
				"steps/iptables_linux.go", "steps/nftables_linux.go", "steps/firewall2010_linux.go"}, src.File) {
				t.Errorf("%s lives in %s", s.Func, src.File)
			}
		}
	}
}
