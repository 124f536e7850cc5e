package steps

import (
	"strings"
	"testing"
)

func TestNewEnvRefusesHostNamespace(t *testing.T) {
	// The test process shares its namespace with its parent (go test), just
	// as a program that forgot to start a Lab would.
	env, err := NewEnv(DefaultConfig())
	if err == nil {
		env.Close()
		t.Fatal("NewEnv in the test's own namespace succeeded")
	}
	// Without root the parent's namespace may be unreadable: NewEnv then
	// refuses because it cannot prove the namespace is a throwaway one.
	if !strings.Contains(err.Error(), "refusing to run Docker's steps in the host network namespace") &&
		!strings.Contains(err.Error(), "cannot prove this is a throwaway namespace") {
		t.Errorf("err = %v", err)
	}
}

func TestNewEnvValidates(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MTU = 1
	if _, err := NewEnv(cfg); err == nil || !strings.Contains(err.Error(), "--mtu=1") {
		t.Errorf("NewEnv with a bad config: err = %v", err)
	}
}

func TestErrMissingTool(t *testing.T) {
	for name, want := range map[string]string{
		"iptables":      "iptables not found: apt-get install iptables",
		"ip6tables":     "ip6tables not found: apt-get install iptables",
		"iptables-save": "iptables-save not found: apt-get install iptables",
		"nft":           "nft not found: apt-get install nftables",
	} {
		if got := errMissingTool(name).Error(); got != want {
			t.Errorf("errMissingTool(%q) = %q, want %q", name, got, want)
		}
	}
}
