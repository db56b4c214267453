package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpecsClean requires every contract under specs/ to compile with no
// diagnostics at all, errors or warnings, as `occ check --strict` sees it.
func TestSpecsClean(t *testing.T) {
	units, err := findContracts([]string{filepath.Join("..", "..", "specs")})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) < 5 {
		t.Fatalf("found %d contracts under specs/, want at least the five worked examples", len(units))
	}
	for _, u := range units {
		t.Run(filepath.Base(filepath.Dir(u.main)), func(t *testing.T) {
			src := sources{}
			l := loadContract(u, src)
			if len(l.diags) > 0 {
				var b bytes.Buffer
				writeDiagnostics(&b, "text", l.diags, src, false)
				t.Errorf("%s has diagnostics:\n%s", u.main, b.String())
			}
			if l.contract == nil {
				t.Fatalf("%s did not compile", u.main)
			}
			if len(l.contract.Rules) == 0 || len(l.contract.Schemas) == 0 {
				t.Errorf("%s compiled to %d rules and %d schemas", u.main, len(l.contract.Rules), len(l.contract.Schemas))
			}
		})
	}
}

// TestSpecsCheckStrict runs the command itself over the directory.
func TestSpecsCheckStrict(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"check", "--strict", filepath.Join("..", "..", "specs")}, &stdout, &stderr)
	if code != 0 || stdout.Len() > 0 || stderr.Len() > 0 {
		t.Errorf("occ check --strict specs: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), strings.TrimSpace(stderr.String()))
	}
}
