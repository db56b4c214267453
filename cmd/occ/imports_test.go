package main

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The layers of occ, lowest first. lang reads contracts and knows nothing of
// CEL, with its helpers lang/spell and lang/words below it; compiler/value is
// the value library; compiler checks contracts with CEL; runtime/data reads
// and validates data files; runtime evaluates; runtime/diff compares two
// statements; cmd/... is the command line,
// which nothing imports but the command it belongs to (cmd/occ imports its
// own cmd/occ/lsp).
//
// The rules name occ's packages as occ/lang, occ/compiler and so on,
// whatever the module path in go.mod: import paths are read with the module
// path replaced by "occ", so that moving the module changes nothing here.

// modulePath returns the module path go.mod declares.
func modulePath(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	t.Fatal("go.mod declares no module")
	return ""
}

// occPackages returns the import path and non-test imports of every package
// in the module, with the module path written "occ".
func occPackages(t *testing.T) map[string][]string {
	t.Helper()
	module := modulePath(t)
	short := func(path string) string {
		if path == module || strings.HasPrefix(path, module+"/") {
			return "occ" + path[len(module):]
		}
		return path
	}
	root := filepath.Join("..", "..")
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		ip := "occ"
		if rel != "." {
			ip = "occ/" + filepath.ToSlash(rel)
		}
		imports := make([]string, len(p.Imports))
		for i, imp := range p.Imports {
			imports[i] = short(imp)
		}
		pkgs[ip] = imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func isOcc(path string) bool { return path == "occ" || strings.HasPrefix(path, "occ/") }

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// importRule says whether package pkg may import imp, and why not.
func importRule(pkg, imp string) string {
	switch {
	case under(imp, "occ/cmd") && !strings.HasPrefix(imp, pkg+"/"):
		// A command may have packages of its own (cmd/occ/lsp), which
		// only it imports.
		return "nothing imports the command line"
	case (pkg == "occ/lang/spell" || pkg == "occ/lang/words") && isOcc(imp):
		return "lang's helpers import no occ package"
	case under(pkg, "occ/lang") && isOcc(imp) && !under(imp, "occ/lang"):
		return "lang imports no other occ package"
	case under(pkg, "occ/lang") && under(imp, "cel.dev/cel-go"):
		return "lang knows nothing of CEL"
	case pkg == "occ/compiler/value" && isOcc(imp):
		return "compiler/value imports no occ package"
	case pkg == "occ/compiler" && isOcc(imp) && !under(imp, "occ/lang") && imp != "occ/compiler/value":
		return "compiler imports only lang and compiler/value among occ packages"
	case pkg == "occ/compiler/bound" && isOcc(imp) && !under(imp, "occ/lang") && imp != "occ/compiler" && imp != "occ/compiler/value":
		return "compiler/bound analyses contracts without data: it imports only lang, compiler and compiler/value"
	case under(pkg, "occ/compiler") && under(imp, "occ/runtime"):
		return "the compiler and its packages read no data and evaluate nothing"
	case under(pkg, "occ/runtime/data") && under(imp, "occ/runtime") && !under(imp, "occ/runtime/data"):
		return "data reads files and evaluates nothing"
	case pkg == "occ/runtime" && under(imp, "occ/runtime/diff"):
		return "the runtime evaluates; diff, above it, compares what it gives"
	case pkg == "occ/runtime/diff" && (under(imp, "occ/runtime/data") || under(imp, "occ/runtime/forecast")):
		return "diff compares statements: it reads no data and forecasts nothing"
	case under(pkg, "occ/runtime") && under(imp, "github.com/alecthomas/participle"):
		return "only lang parses"
	}
	return ""
}

func TestImportDirection(t *testing.T) {
	pkgs := occPackages(t)
	for _, want := range []string{"occ/lang", "occ/compiler", "occ/compiler/value", "occ/runtime", "occ/runtime/diff", "occ/cmd/occ"} {
		if _, ok := pkgs[want]; !ok {
			t.Errorf("package %s not found; the layering this test checks has changed", want)
		}
	}
	names := make([]string, 0, len(pkgs))
	for p := range pkgs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		for _, imp := range pkgs[p] {
			if why := importRule(p, imp); why != "" {
				t.Errorf("%s imports %s: %s", p, imp, why)
			}
		}
	}
}

// TestImportRules makes sure each rule catches the upward import it exists
// for.
func TestImportRules(t *testing.T) {
	bad := [][2]string{
		{"occ/lang", "occ/compiler"},
		{"occ/lang", "occ/compiler/value"},
		{"occ/lang/spell", "occ/lang"},
		{"occ/lang/words", "occ/compiler"},
		{"occ/runtime/data", "occ/runtime"},
		{"occ/runtime/data", "occ/runtime/forecast"},
		{"occ/runtime/data", "occ/cmd/occ"},
		{"occ/compiler", "occ/runtime/data"},
		{"occ/lang", "cel.dev/cel-go/cel"},
		{"occ/compiler/value", "occ/lang"},
		{"occ/compiler", "occ/runtime"},
		{"occ/runtime", "occ/cmd/occ"},
		{"occ/runtime/ledger", "occ/cmd/occ"},
		{"occ/runtime", "github.com/alecthomas/participle/v2"},
		{"occ/runtime/gen", "github.com/alecthomas/participle/v2/lexer"},
		{"occ/cmd/occgen", "occ/cmd/occ"},
		{"occ/cmd/occ/lsp", "occ/cmd/occ"},
		{"occ/cmd/occgen", "occ/cmd/occ/lsp"},
		{"occ/compiler", "occ/cmd/occ/lsp"},
		{"occ/runtime/diff", "occ/runtime/data"},
		{"occ/runtime", "occ/runtime/diff"},
		{"occ/compiler/prose", "occ/runtime"},
		{"occ/compiler/bound", "occ/runtime"},
		{"occ/compiler", "occ/compiler/bound"},
	}
	for _, b := range bad {
		if importRule(b[0], b[1]) == "" {
			t.Errorf("%s importing %s is allowed", b[0], b[1])
		}
	}
	good := [][2]string{
		{"occ/lang", "github.com/alecthomas/participle/v2"},
		{"occ/compiler", "occ/lang"},
		{"occ/lang", "occ/lang/spell"},
		{"occ/compiler", "occ/lang/words"},
		{"occ/runtime", "occ/runtime/data"},
		{"occ/runtime/data", "occ/compiler"},
		{"occ/compiler", "occ/compiler/value"},
		{"occ/compiler", "cel.dev/cel-go/cel"},
		{"occ/runtime", "occ/compiler"},
		{"occ/runtime", "occ/lang"},
		{"occ/cmd/occ", "occ/runtime"},
		{"occ/cmd/occ", "occ/cmd/occ/lsp"},
		{"occ/runtime/diff", "occ/runtime"},
		{"occ/cmd/occ", "occ/runtime/diff"},
		{"occ/compiler/prose", "occ/compiler"},
		{"occ/runtime/forecast", "occ/compiler/prose"},
		{"occ/compiler/bound", "occ/compiler"},
		{"occ/cmd/occ", "occ/compiler/bound"},
	}
	for _, g := range good {
		if why := importRule(g[0], g[1]); why != "" {
			t.Errorf("%s importing %s is refused: %s", g[0], g[1], why)
		}
	}
}
