package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netexplore/netexplore/session"
)

// testEvidence is docs/evidence seen from this package's directory.
const testEvidence = "../../docs/evidence"

// TestDocsCurrent fails when a generated document in docs/ differs from
// what the generator produces now, is missing, or is left over from a
// recording that is gone: after a change to the decoders, the exporters or
// a built-in recording, run `make docs` and commit the result. There is a
// page for every built-in recording.
func TestDocsCurrent(t *testing.T) {
	docs, err := generate(testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range session.Recordings() {
		if _, ok := docs[pageFile(r)]; !ok {
			t.Errorf("no page for the %s", r.Name())
		}
	}
	if _, ok := docs[pagesDir+"/README.md"]; !ok {
		t.Error("no index page")
	}
	for _, stale := range staleFiles(filepath.Join("..", "..", "docs"), docs) {
		t.Errorf("docs/%s is not generated any more: run `make docs` (it removes it) and commit", stale)
	}
	for name, want := range docs {
		path := filepath.Join("..", "..", "docs", name)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v: run `make docs` and commit docs/%s", err, name)
			continue
		}
		if bytes.Equal(got, want) {
			continue
		}
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return ls[i]
			}
			return "(end of file)"
		}
		t.Errorf("docs/%s is stale: run `make docs` and commit it.\nFirst difference at line %d:\ncommitted: %s\ngenerated: %s",
			name, i+1, line(gl), line(wl))
	}
}

// TestGenerateDeterministic checks that two runs give the same bytes, so
// the staleness check cannot flap.
func TestGenerateDeterministic(t *testing.T) {
	a, err := generate(testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	written, err := write(dir, testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := generate(testEvidence)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(docs) {
		t.Errorf("wrote %d files for %d documents", len(written), len(docs))
	}
	for name, want := range docs {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s written differs from generated", name)
		}
	}
}
