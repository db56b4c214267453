package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/lang"
)

// unit is one contract: its main file and the test files beside it.
type unit struct {
	main  string
	files []string
}

// findContracts expands paths (files or directories, searched recursively
// for *.occ) into contracts. A file X_test.occ belongs to X.occ in the same
// directory, or to the directory's only contract.
func findContracts(paths []string) ([]unit, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var files []string
	seen := map[string]bool{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, usageError("%s: no such file or directory", p)
		}
		if !info.IsDir() {
			if !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".occ") && !seen[path] {
				seen[path] = true
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, usageError("%v", err)
		}
	}
	sort.Strings(files)
	byMain := map[string]*unit{}
	var mains []string
	var tests []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.occ") {
			tests = append(tests, f)
			continue
		}
		byMain[f] = &unit{main: f, files: []string{f}}
		mains = append(mains, f)
	}
	for _, t := range tests {
		dir := filepath.Dir(t)
		m := strings.TrimSuffix(t, "_test.occ") + ".occ"
		u := byMain[m]
		if u == nil {
			var inDir []string
			for _, mf := range mains {
				if filepath.Dir(mf) == dir {
					inDir = append(inDir, mf)
				}
			}
			if len(inDir) == 0 {
				// Look for the contract beside a test given on its own.
				matches, _ := filepath.Glob(filepath.Join(dir, "*.occ"))
				for _, mf := range matches {
					if !strings.HasSuffix(mf, "_test.occ") {
						inDir = append(inDir, mf)
					}
				}
				if len(inDir) == 1 {
					byMain[inDir[0]] = &unit{main: inDir[0], files: []string{inDir[0]}}
					mains = append(mains, inDir[0])
				}
			}
			if len(inDir) != 1 {
				return nil, usageError("%s: cannot tell which contract it tests; name it after its contract, e.g. contract_test.occ", t)
			}
			u = byMain[inDir[0]]
		}
		u.files = append(u.files, t)
	}
	sort.Strings(mains)
	out := make([]unit, 0, len(mains))
	for _, m := range mains {
		out = append(out, *byMain[m])
	}
	return out, nil
}

// loaded is a contract read and compiled.
type loaded struct {
	unit     unit
	files    []*lang.File
	contract *compiler.Contract
	diags    lang.Diagnostics
}

// loadContract reads, parses and compiles one contract, keeping each
// file's text in src for quoting.
func loadContract(u unit, src sources) *loaded {
	srcs := make([]compiler.Source, len(u.files))
	for i, name := range u.files {
		b, err := lang.ReadFile(name)
		srcs[i] = compiler.Source{Name: name, Text: b, Err: err}
		if err == nil {
			src[name] = b
		}
	}
	l := &loaded{unit: u}
	l.files, l.contract, l.diags = compiler.CompileSources(srcs)
	l.diags = withLints(l.contract, l.diags)
	return l
}

// withLints adds to a contract's diagnostics the warnings of the bound
// analysis (caps that never bind, floors that always do), sorted with
// them. The language server adds the same bound.Lint warnings.
func withLints(c *compiler.Contract, diags lang.Diagnostics) lang.Diagnostics {
	if c == nil {
		return diags
	}
	diags = append(diags, bound.Lint(c)...)
	diags.Sort()
	return diags
}
