package prose_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/lang"
)

// compileFile compiles one contract file.
func compileFile(t testing.TB, path string) *compiler.Contract {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := lang.Parse(path, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil {
		t.Fatal(ds)
	}
	return c
}

// rawCEL matches what must not be left in a sentence: CEL's operators and
// internal function names, the library's literal functions, and a field
// read with its record's name in front (review.actual_hours).
var rawCEL = regexp.MustCompile(`_\?_:_|&&|\|\||==|!=|<=|>=|[<>]|\?|@|\b(has|ratio|count|sum|avg|money|percent|decimal|days|date|previous|ceil|floor|min|max|size|int)\(|\b[a-z_]+\.[a-z_]+\b|\b[a-z]+_[a-z_0-9]*\b`)

// quoted matches text in quotes: values of the data ("not_feasible") and
// titles (“Hours delivered”), which are written as the contract has them.
var quoted = regexp.MustCompile(`"[^"]*"|“[^”]*”`)

// TestEverySpecInWords writes every rule of every contract in specs/ as
// a sentence and checks that none has CEL left in it.
func TestEverySpecInWords(t *testing.T) {
	paths, err := filepath.Glob("../../specs/*/contract.occ")
	if err != nil || len(paths) < 8 {
		t.Fatalf("found %d specs: %v", len(paths), err)
	}
	for _, p := range paths {
		c := compileFile(t, p)
		w := prose.New(c)
		for _, r := range c.Rules {
			s, err := w.Rule(r)
			if err != nil {
				t.Errorf("%s: rule %s: %v", p, r.Name, err)
				continue
			}
			if testing.Verbose() {
				t.Logf("%s %s: %s", filepath.Base(filepath.Dir(p)), r.Name, s)
			}
			if m := rawCEL.FindString(quoted.ReplaceAllString(s, `""`)); m != "" {
				t.Errorf("%s: rule %s reads %q, with %q left from the expression", p, r.Name, s, m)
			}
		}
	}
}
