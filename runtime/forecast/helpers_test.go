package forecast

import (
	"os"
	"path/filepath"
	"testing"

	"occ/compiler"
	"occ/lang"
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
