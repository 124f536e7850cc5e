package session

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var updateEscape = flag.Bool("update-escape", false, "rewrite testdata/escape.nxs")

// EscapeFile is the crafted session the sanitiser's tests read: the
// built-in recording of Docker's default bridge with every "docker0" in it
// replaced by text that tries to take over a terminal or a Markdown page.
const escapeFile = "testdata/escape.nxs"

// Hostile strings. escapeString replaces "docker0" in every string of the
// session (titles, explanations, changes, topology names, argv, source
// code...) and is added to the step titles, mirrors, skip reasons and
// errors; escapeBytes, as long as "docker0", replaces it inside the
// events' bytes (interface names in netlink messages and nftables
// expressions, argv, /proc/sys paths), so the kernel's own encodings
// stay valid.
const (
	escapeString = "d0\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQ=\x07\a\x1b[2J\x1b[31m" +
		"<script>alert(1)</script><img src=x onerror=alert(2)>`|```\n# Injected heading\n\r\u202e\u009b31m"
	escapeBytes = "\x1b]0;\x07\n#"
)

// TestEscapeSession builds the crafted session and checks the committed
// copy is the same (go test ./session -run TestEscapeSession
// -update-escape rewrites it after a change of the format or the
// built-in recording).
func TestEscapeSession(t *testing.T) {
	s := embedded(t)
	craft(s)
	want := encode(t, s)
	if *updateEscape {
		if err := os.WriteFile(escapeFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadFile(escapeFile)
	if err != nil {
		t.Fatalf("reading %s: %v (go test ./session -run TestEscapeSession -update-escape writes it)", escapeFile, err)
	}
	again, err := Read(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(t, got), encode(t, again)) {
		t.Fatalf("%s is not the crafted session: go test ./session -run TestEscapeSession -update-escape", escapeFile)
	}
	// The file must carry the hostile text where a person reads it.
	st := got.Steps[0]
	for _, s := range []string{got.Header.Scenario, st.Info.Title, st.Info.Mirrors, got.Header.Config.BridgeName} {
		if !strings.Contains(s, "\x1b]52;") {
			t.Errorf("%q holds no escape sequence", s)
		}
	}
	n := 0
	for _, st := range got.Steps {
		for _, e := range st.Events {
			if bytes.Contains(e.Data, []byte(escapeBytes)) {
				n++
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d events carry the hostile bytes", n)
	}
}

// craft turns s into the escape-sequence session.
func craft(s *Session) {
	replaceStrings(reflect.ValueOf(s).Elem())
	s.Header.Scenario += escapeString
	s.Header.Unavailable = append(s.Header.Unavailable, "hook"+escapeString)
	for _, st := range s.Steps {
		st.Info.Title += escapeString
		st.Info.Mirrors += escapeString
		st.Info.KernelHandlers = append(st.Info.KernelHandlers, "handler"+escapeString)
		if st.Info.Skipped {
			st.Info.SkipReason += escapeString
		}
		if st.Result != nil && st.Index == 3 {
			st.Result.Error = "error" + escapeString
			st.Result.Notes = append(st.Result.Notes, "note"+escapeString)
		}
		for i := range st.Events {
			e := &st.Events[i]
			e.Comm = "ip\x1b]0;T\x07tables"
			if e.Origin != nil && i == 0 {
				o := *e.Origin
				o.Func += escapeString
				e.Origin = &o
			}
		}
	}
}

// replaceStrings replaces "docker0" in every string and byte slice under
// v, in place. Byte slices keep their length.
func replaceStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(strings.ReplaceAll(v.String(), "docker0", escapeString))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.CanSet() {
				v.SetBytes(bytes.ReplaceAll(v.Bytes(), []byte("docker0"), []byte(escapeBytes)))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			replaceStrings(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			replaceStrings(v.Index(i))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			replaceStrings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				replaceStrings(v.Field(i))
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
			return
		}
		m := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			m.SetMapIndex(k, reflect.ValueOf(strings.ReplaceAll(v.MapIndex(k).String(), "docker0", escapeString)).Convert(v.Type().Elem()))
		}
		v.Set(m)
	}
}
