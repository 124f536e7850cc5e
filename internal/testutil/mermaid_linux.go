package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The Mermaid parser the checks run: the mermaid package (the library
// GitHub renders diagrams with) under node, with jsdom standing in for the
// browser's document. Pinned, so a check means the same thing every time.
const (
	mermaidVersion = "11.17.2"
	jsdomVersion   = "24.1.3"
)

// mermaidScript reads a JSON array of diagrams on standard input and
// prints a JSON array with, for each, "" when mermaid.parse accepts it or
// the parser's error.
const mermaidScript = `import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try { await mermaid.parse(text); out.push(''); }
  catch (e) { out.push(String((e && e.message) || e)); }
}
process.stdout.write(JSON.stringify(out));
`

// MermaidBlocks returns the contents of the ```mermaid blocks of a
// Markdown document.
func MermaidBlocks(markdown string) []string {
	var out []string
	for _, m := range mermaidBlock.FindAllStringSubmatch(markdown, -1) {
		out = append(out, m[1])
	}
	return out
}

var mermaidBlock = regexp.MustCompile("(?ms)^(?:```+)mermaid\n(.*?)\n```+$")

// CheckMermaid fails the test for each diagram a real Mermaid parser
// rejects (see [MermaidErrors]).
func CheckMermaid(t testing.TB, diagrams []string) {
	t.Helper()
	if len(diagrams) == 0 {
		t.Fatal("no Mermaid diagram to check")
	}
	for i, e := range MermaidErrors(t, diagrams) {
		if e != "" {
			t.Errorf("Mermaid rejects diagram %d of %d: %s\n%s", i+1, len(diagrams), e, diagrams[i])
		}
	}
}

// MermaidErrors runs each diagram through a real Mermaid parser and
// returns, for each, "" when it is accepted or the parser's error. It
// needs node and npm: it installs the pinned parser once into the user's
// cache directory (NETEXPLORE_NODE_CACHE overrides it) and reuses it.
// Without node it skips, or fails under NETEXPLORE_REQUIRE_PRIVILEGED=1.
func MermaidErrors(t testing.TB, diagrams []string) []string {
	t.Helper()
	node := RequireCommand(t, "node", "nodejs")
	dir := mermaidParser(t)
	in, err := json.Marshal(diagrams)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(dir, "check.mjs"))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the Mermaid parser: %v\n%s", err, stderr.String())
	}
	var errs []string
	if err := json.Unmarshal(out, &errs); err != nil || len(errs) != len(diagrams) {
		t.Fatalf("the Mermaid parser said %q (%v)", out, err)
	}
	return errs
}

// mermaidParser returns the directory of the installed parser, installing
// it first when needed (once, under a lock, for tests that run at once).
func mermaidParser(t testing.TB) string {
	t.Helper()
	npm := RequireCommand(t, "npm", "npm")
	base := os.Getenv("NETEXPLORE_NODE_CACHE")
	if base == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			c = os.TempDir()
		}
		base = filepath.Join(c, "netexplore")
	}
	dir := filepath.Join(base, fmt.Sprintf("mermaid-%s-jsdom-%s", mermaidVersion, jsdomVersion))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer unix.Flock(int(lock.Fd()), unix.LOCK_UN)
	if err := os.WriteFile(filepath.Join(dir, "check.mjs"), []byte(mermaidScript), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid", "package.json")); err == nil {
		return dir
	}
	pkg := fmt.Sprintf(`{"private":true,"type":"module","dependencies":{"mermaid":%q,"jsdom":%q}}`, mermaidVersion, jsdomVersion)
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("installing the Mermaid parser (mermaid %s, jsdom %s) into %s", mermaidVersion, jsdomVersion, dir)
	start := time.Now()
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := fmt.Sprintf("installing the Mermaid parser with npm failed (is the npm registry reachable?): %v\n%s", err, strings.TrimSpace(string(out)))
		skipOrFail(t, msg)
	}
	t.Logf("installed in %s", time.Since(start).Round(time.Second))
	return dir
}
