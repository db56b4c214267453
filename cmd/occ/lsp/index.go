package lsp

import (
	"sort"
	"strings"

	"github.com/occ-lang/occ/lang"
)

// symbolKind says what a name declares.
type symbolKind int

// The kinds of declared name. Lets are rules of kind lang.Let.
const (
	paramSymbol symbolKind = iota
	schemaSymbol
	fieldSymbol
	ruleSymbol
)

// symbol is one declared name of a contract: a param, a data schema, a
// field of a schema, or a rule (lets included). It points at the
// declaration it came from.
type symbol struct {
	kind symbolKind
	name string
	// file, start and end place the name where it is declared, in bytes.
	file       string
	start, end int

	param  *lang.Param
	data   *lang.Data
	field  *lang.Field
	rule   *lang.Rule
	schema *symbol // the schema a field belongs to

	fields     map[string]*symbol // a schema's fields by name
	fieldOrder []*symbol
}

// occurrence is one place a name is written: its declaration, or a
// reference to it.
type occurrence struct {
	start, end int
	sym        *symbol
	decl       bool
}

// index maps the names of one contract (its contract file and test files)
// to their declarations and every place they are written. It is built from
// the parsed files alone, so it is there even when the contract does not
// compile: declarations come from the files' Decls, and references from the
// words of clauses (for, covers, list, test records, set, expect) and from
// the identifiers in expressions.
type index struct {
	// names holds the params, schemas and rules by name; the first
	// declaration of a name wins, as the compiler's does.
	names map[string]*symbol
	// order is every param, schema and rule in declaration order.
	order []*symbol
	occs  map[string][]occurrence // by file name, sorted by start
}

func buildIndex(files []*lang.File) *index {
	ix := &index{names: map[string]*symbol{}, occs: map[string][]occurrence{}}
	for _, f := range files {
		for _, d := range f.Decls {
			ix.declare(f.Name, d)
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			ix.references(f.Name, d)
		}
	}
	for name, list := range ix.occs {
		sort.Slice(list, func(i, j int) bool { return list[i].start < list[j].start })
		ix.occs[name] = list
	}
	return ix
}

// add records an occurrence.
func (ix *index) add(file string, start, end int, sym *symbol, decl bool) {
	if sym == nil || end <= start {
		return
	}
	ix.occs[file] = append(ix.occs[file], occurrence{start: start, end: end, sym: sym, decl: decl})
}

// newSymbol declares a top-level name from its word.
func (ix *index) newSymbol(file string, kind symbolKind, w lang.Word) *symbol {
	s := &symbol{kind: kind, name: w.Text, file: file, start: w.Span.Start.Offset, end: w.Span.End.Offset}
	if _, dup := ix.names[w.Text]; !dup {
		ix.names[w.Text] = s
	}
	ix.order = append(ix.order, s)
	ix.add(file, s.start, s.end, s, true)
	return s
}

func (ix *index) declare(file string, d lang.Decl) {
	switch d := d.(type) {
	case *lang.Param:
		ix.newSymbol(file, paramSymbol, d.Name).param = d
	case *lang.Data:
		s := ix.newSymbol(file, schemaSymbol, d.Name)
		s.data = d
		s.fields = map[string]*symbol{}
		for _, f := range d.Fields {
			fs := &symbol{kind: fieldSymbol, name: f.Name.Text, file: file,
				start: f.Name.Span.Start.Offset, end: f.Name.Span.End.Offset, field: f, schema: s}
			if _, dup := s.fields[fs.name]; !dup {
				s.fields[fs.name] = fs
			}
			s.fieldOrder = append(s.fieldOrder, fs)
			ix.add(file, fs.start, fs.end, fs, true)
		}
	case *lang.Rule:
		ix.newSymbol(file, ruleSymbol, d.Name).rule = d
	}
}

// lookup returns the param, schema or rule of that name, or nil.
func (ix *index) lookup(name string) *symbol { return ix.names[name] }

// schema returns the schema of that name, or nil.
func (ix *index) schema(name string) *symbol {
	if s := ix.names[name]; s != nil && s.kind == schemaSymbol {
		return s
	}
	return nil
}

// rule returns the rule of that name, or nil.
func (ix *index) rule(name string) *symbol {
	if s := ix.names[name]; s != nil && s.kind == ruleSymbol {
		return s
	}
	return nil
}

// word records a reference written as a word, if the word names sym.
func (ix *index) word(file string, w *lang.Word, sym *symbol) {
	if w == nil || sym == nil || w.Kind != lang.IdentWord || w.Text != sym.name {
		return
	}
	ix.add(file, w.Span.Start.Offset, w.Span.End.Offset, sym, false)
}

func (ix *index) references(file string, d lang.Decl) {
	switch d := d.(type) {
	case *lang.Param:
		ix.expr(file, d.Value)
		for _, e := range d.Entries {
			ix.expr(file, e.Value)
		}
	case *lang.Data:
		for _, f := range d.Fields {
			if f.Elem != nil {
				ix.word(file, f.Elem, ix.schema(f.Elem.Text))
			}
		}
	case *lang.Rule:
		if d.For != nil {
			ix.word(file, d.For, ix.schema(d.For.Text))
		}
		for i := range d.Covers {
			ix.word(file, &d.Covers[i], ix.rule(d.Covers[i].Text))
		}
		for _, e := range []*lang.Expr{d.When, d.Amount, d.Basis, d.Part, d.Limit, d.Measure, d.Target, d.Value} {
			ix.expr(file, e)
		}
	case *lang.Test:
		for _, s := range d.Sets {
			if p := ix.names[s.Name.Text]; p != nil && p.kind == paramSymbol {
				ix.word(file, &s.Name, p)
			} else if name, _, dotted := strings.Cut(s.Name.Text, "."); dotted {
				// set job_fee.esa: one entry of a table param, the name
				// before the dot.
				if p := ix.names[name]; p != nil && p.kind == paramSymbol {
					w := s.Name
					w.Text = name
					w.Span.End = w.Span.Start
					w.Span.End.Col += len(name)
					w.Span.End.Offset += len(name)
					ix.word(file, &w, p)
				}
			}
			ix.expr(file, s.Value)
		}
		for _, r := range d.Records {
			ix.record(file, r)
		}
		for _, e := range d.Expects {
			for i := range e.Args {
				ix.word(file, &e.Args[i], ix.rule(e.Args[i].Text))
			}
			ix.expr(file, e.Value)
		}
	}
}

// record records the references of an inline test record: its data name,
// its fields, and those of the records nested in it.
func (ix *index) record(file string, r *lang.Record) {
	s := ix.schema(r.Schema.Text)
	ix.word(file, &r.Schema, s)
	for _, v := range r.Values {
		if s != nil {
			ix.word(file, &v.Name, s.fields[v.Name.Text])
		}
		ix.expr(file, v.Value)
	}
	for _, c := range r.Children {
		ix.record(file, c)
	}
}

// expr records the names an expression reads: params, rules, lets and
// schemas by themselves, and fields selected from a schema's name.
func (ix *index) expr(file string, e *lang.Expr) {
	if e == nil {
		return
	}
	base := e.Span.Start.Offset
	scanNames(e.Text, func(start, end int, qual string) {
		name := e.Text[start:end]
		var sym *symbol
		if qual == "" {
			sym = ix.lookup(name)
		} else if s := ix.schema(qual); s != nil {
			sym = s.fields[name]
		}
		ix.add(file, base+start, base+end, sym, false)
	})
}

// at returns the occurrence at byte offset off of the file: the one that
// contains it or, failing that, the one that ends there, so that a cursor
// just after a name finds it.
func (ix *index) at(file string, off int) *occurrence {
	list := ix.occs[file]
	i := sort.Search(len(list), func(i int) bool { return list[i].start > off })
	// list[i-1] is the last occurrence starting at or before off; no two
	// occurrences overlap.
	if i > 0 && off <= list[i-1].end {
		return &list[i-1]
	}
	return nil
}

// place is an occurrence with the file it is in.
type place struct {
	file string
	occurrence
}

// uses returns every occurrence of sym, file by file in the order of the
// files' names, and in each file in order of position.
func (ix *index) uses(sym *symbol) []place {
	names := make([]string, 0, len(ix.occs))
	for name := range ix.occs {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []place
	for _, name := range names {
		for _, o := range ix.occs[name] {
			if o.sym == sym {
				out = append(out, place{file: name, occurrence: o})
			}
		}
	}
	return out
}

// scanNames calls fn for each identifier in CEL source text that may name a
// declaration, with its byte range in src. For a selection `a.b` whose `a`
// is itself a plain identifier, fn is called for a with qual "" and for b
// with qual "a"; members selected from anything else (`a.b.c`'s c,
// `x.startsWith`) are skipped. So are string literals, comments, the names
// of functions called (`has(`, `count(`), and the unit after a number
// (`42 days`).
func scanNames(src string, fn func(start, end int, qual string)) {
	const (
		other = iota
		ident
		dot
		number
	)
	last := other
	lastIdent, lastRoot := "", false // the previous identifier; whether it stood alone
	raw := false                     // a string prefix r or R was just read
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '"' || c == '\'':
			i = skipString(src, i, raw)
			raw, last, lastRoot = false, other, false
			continue
		case isDigit(c):
			for i < len(src) && (isIdentChar(src[i]) || src[i] == '.' && i+1 < len(src) && isDigit(src[i+1])) {
				i++
			}
			raw, last, lastRoot = false, number, false
			continue
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			word := src[i:j]
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && isStringPrefix(word) {
				raw = word != "b" && word != "B"
				i = j
				continue
			}
			switch last {
			case dot:
				if lastRoot {
					fn(i, j, lastIdent)
				}
				lastRoot = false
			case number:
				lastRoot = false // a unit: 42 days
			default:
				if !calls(src, j) {
					fn(i, j, "")
				}
				lastRoot = true
			}
			raw, last, lastIdent = false, ident, word
			i = j
			continue
		case c == '.':
			if last == ident {
				last = dot
			} else {
				last, lastRoot = dot, false
			}
			raw = false
			i++
			continue
		}
		raw, last, lastRoot = false, other, false
		i++
	}
}

// calls reports whether the identifier ending at j is called: the next
// character that is not a space is "(".
func calls(src string, j int) bool {
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	return j < len(src) && src[j] == '('
}

// isStringPrefix reports whether an identifier directly before a quote is a
// CEL string or bytes prefix (r"...", b'...', rb"...").
func isStringPrefix(w string) bool {
	switch w {
	case "r", "R", "b", "B", "rb", "rB", "Rb", "RB", "br", "bR", "Br", "BR":
		return true
	}
	return false
}

// skipString returns the offset after the string literal starting at i:
// single or triple quoted, with backslash escapes unless raw.
func skipString(src string, i int, raw bool) int {
	q := src[i]
	triple := i+2 < len(src) && src[i+1] == q && src[i+2] == q
	if triple {
		i += 3
	} else {
		i++
	}
	for i < len(src) {
		switch {
		case src[i] == '\\' && !raw:
			i += 2
		case triple && src[i] == q && i+2 < len(src) && src[i+1] == q && src[i+2] == q:
			return i + 3
		case !triple && src[i] == q:
			return i + 1
		case !triple && src[i] == '\n':
			return i // an unterminated string ends with its line
		default:
			i++
		}
	}
	return len(src)
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
