package lsp

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/lang"
)

// document is a file open in the editor, with the text the editor holds.
type document struct {
	uri     string
	name    string // the name it is parsed under: see uriToName
	isFile  bool
	version int
	text    *text
}

// unit is one contract as loaded: its contract file and the test files
// beside it, each parsed, the contract compiled, and every diagnostic.
type unit struct {
	main  string
	names []string // the files' names, the contract file first
	texts map[string]*text
	files map[string]*lang.File // the files that could be read
	diags lang.Diagnostics
	// contract is the compiled contract, nil when it has errors.
	contract *compiler.Contract
	// index covers every file; a file that does not parse now is indexed
	// as it was when it last did, and is then listed in stale.
	index *index
	stale map[string]bool
}

// workspace holds the open documents and the contracts they belong to.
type workspace struct {
	docs  map[string]*document // by name
	units map[string]*unit     // by contract file name; dropped on any change
	// lastParsed is each file's last parse that had a body, for names to
	// complete while the file is being typed into and does not parse.
	lastParsed map[string]*lang.File
}

func newWorkspace() *workspace {
	return &workspace{docs: map[string]*document{}, units: map[string]*unit{}, lastParsed: map[string]*lang.File{}}
}

// changed forgets every loaded contract after a document or a file on disk
// changed. Contracts are small and few: reloading one is quick.
func (w *workspace) changed() { w.units = map[string]*unit{} }

// contractFiles returns the files of the contract that the named file
// belongs to, the contract file first, as occ check groups them: a file
// X_test.occ belongs to X.occ in the same directory or, when there is no
// X.occ, to the directory's only contract; a contract file has the test
// files that belong to it. A test file whose contract cannot be told is a
// contract of its own, and so is a document that is not a file.
func (w *workspace) contractFiles(name string) []string {
	if d := w.docs[name]; d != nil && !d.isFile {
		return []string{name}
	}
	dir := filepath.Dir(name)
	seen := map[string]bool{}
	var all []string
	add := func(n string) {
		if strings.HasSuffix(n, ".occ") && !seen[n] {
			seen[n] = true
			all = append(all, n)
		}
	}
	add(name)
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() {
				add(filepath.Join(dir, e.Name()))
			}
		}
	}
	for n, d := range w.docs {
		if d.isFile && filepath.Dir(n) == dir {
			add(n)
		}
	}
	sort.Strings(all)
	var mains, tests []string
	isMain := map[string]bool{}
	for _, n := range all {
		if strings.HasSuffix(n, "_test.occ") {
			tests = append(tests, n)
		} else {
			mains = append(mains, n)
			isMain[n] = true
		}
	}
	owner := func(t string) string {
		if m := strings.TrimSuffix(t, "_test.occ") + ".occ"; isMain[m] {
			return m
		}
		if len(mains) == 1 {
			return mains[0]
		}
		return ""
	}
	main := name
	if strings.HasSuffix(name, "_test.occ") {
		main = owner(name)
		if main == "" {
			return []string{name}
		}
	}
	files := []string{main}
	for _, t := range tests {
		if owner(t) == main {
			files = append(files, t)
		}
	}
	return files
}

// unitOf returns the loaded contract the named file belongs to.
func (w *workspace) unitOf(name string) *unit {
	names := w.contractFiles(name)
	if u := w.units[names[0]]; u != nil && sameFiles(u.names, names) {
		return u
	}
	u := w.load(names)
	w.units[names[0]] = u
	return u
}

func sameFiles(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// read returns a file's text: the editor's, if it is open, or the disk's.
func (w *workspace) read(name string) ([]byte, error) {
	if d := w.docs[name]; d != nil {
		return d.text.src, nil
	}
	return lang.ReadFile(name)
}

// load reads, parses and compiles one contract the way occ check does
// (cmd/occ/load.go): every file is parsed; the contract is compiled when
// every file parsed cleanly or, if some have mistakes, as long as each
// has a tree, so that the compiler's findings are reported too.
func (w *workspace) load(names []string) *unit {
	u := &unit{main: names[0], names: names, texts: map[string]*text{}, files: map[string]*lang.File{}, stale: map[string]bool{}}
	srcs := make([]compiler.Source, len(names))
	for i, name := range names {
		b, err := w.read(name)
		srcs[i] = compiler.Source{Name: name, Text: b, Err: err}
		if err == nil {
			u.texts[name] = newText(b)
		}
	}
	var files []*lang.File
	files, u.contract, u.diags = compiler.CompileSources(srcs)
	if u.contract != nil {
		// The same warnings occ check adds: caps that never bind and
		// floors that always do.
		u.diags = append(u.diags, bound.Lint(u.contract)...)
		u.diags.Sort()
	}
	for _, f := range files {
		u.files[f.Name] = f
	}

	var indexed []*lang.File
	for _, name := range names {
		f := u.files[name]
		switch {
		case f != nil && f.Body != nil:
			w.lastParsed[name] = f
			indexed = append(indexed, f)
		case w.lastParsed[name] != nil:
			indexed = append(indexed, w.lastParsed[name])
			u.stale[name] = true
		default:
			u.stale[name] = true
		}
	}
	u.index = buildIndex(indexed)
	return u
}

// diagnostics returns the LSP diagnostics of each of the unit's files; a
// file without problems has an empty list, so that publishing it clears
// what the editor showed before.
func (u *unit) diagnostics() map[string][]diagnostic {
	out := map[string][]diagnostic{}
	for _, name := range u.names {
		out[name] = []diagnostic{}
	}
	for _, d := range u.diags {
		name := d.Span.File
		if _, ok := out[name]; !ok {
			name = u.main
		}
		t := u.texts[name]
		if t == nil {
			t = newText(nil)
		}
		sev := severityError
		if d.Severity == lang.Warning {
			sev = severityWarning
		}
		msg := d.Message
		if d.Detail != "" {
			msg += "\nhint: " + d.Detail
		}
		out[name] = append(out[name], diagnostic{
			Range: t.spanRange(d.Span), Severity: sev, Code: d.Code, Source: "occ", Message: msg,
		})
	}
	return out
}
