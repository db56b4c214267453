package forecast

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// compileSpec compiles specs/<dir>/contract.occ.
func compileSpec(t testing.TB, dir string) *compiler.Contract {
	t.Helper()
	return compileFile(t, filepath.Join("..", "..", "specs", dir, "contract.occ"))
}

func compileFile(t testing.TB, path string) *compiler.Contract {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compileSource(t, path, string(src))
}

func compileSource(t testing.TB, name, src string) *compiler.Contract {
	t.Helper()
	f, ds := lang.Parse(name, []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil || ds.HasErrors() {
		t.Fatal(ds)
	}
	return c
}

// diagnosticsText requires err to be a lang.Diagnostics of errors and
// returns them one a line as "file:line:col [code] message (detail)".
func diagnosticsText(t testing.TB, err error) string {
	t.Helper()
	ds, ok := err.(lang.Diagnostics)
	if !ok {
		t.Fatalf("%T is not lang.Diagnostics: %v", err, err)
	}
	var lines []string
	for _, d := range ds {
		if d.Severity != lang.Error {
			t.Errorf("%s: severity %s", d.Message, d.Severity)
		}
		line := fmt.Sprintf("%s [%s] %s", d.Span, d.Code, d.Message)
		if d.Detail != "" {
			line += " (" + d.Detail + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
