package data

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
)

// schemaInfo describes how records of one schema appear in files.
type schemaInfo struct {
	s     *compiler.Schema
	depth int
	// names maps normalized field names, and the ancestors' key names,
	// to their target.
	names map[string]target
	// anc are the ancestors' key fields, root first; a file of this
	// schema's records carries them to find each record's parent.
	anc []ancKey
	// known lists the names a file may use, for suggestions.
	known []string
	// caches holds the value cache of each field, by index, once used, and
	// last the last value each field was read with from JSON.
	caches []*fieldCache
	last   []lastCell
}

type ancKey struct {
	s *compiler.Schema
	f *compiler.Field
}

// target is what a column or property holds: one of the schema's own
// fields (anc < 0) or an ancestor's key (anc indexes schemaInfo.anc).
type target struct {
	f   *compiler.Field
	anc int
}

func newSchemaInfo(s *compiler.Schema) *schemaInfo {
	info := &schemaInfo{s: s, names: map[string]target{}}
	for _, f := range s.Fields {
		info.names[normName(f.Name)] = target{f: f, anc: -1}
		if f.Kind != compiler.ListField {
			info.known = append(info.known, f.Name)
		}
	}
	var chain []*compiler.Schema
	for p := s.Parent; p != nil; p = p.Parent {
		chain = append([]*compiler.Schema{p}, chain...)
	}
	info.depth = len(chain)
	bare := map[string]int{}
	for _, p := range chain {
		for _, k := range p.Keys {
			bare[normName(k.Name)]++
		}
	}
	for _, p := range chain {
		for _, k := range p.Keys {
			t := target{f: k, anc: len(info.anc)}
			info.anc = append(info.anc, ancKey{s: p, f: k})
			q := p.Name + "." + k.Name
			info.names[normName(q)] = t
			n := normName(k.Name)
			if _, own := info.names[n]; !own && bare[n] == 1 {
				info.names[n] = t
				info.known = append(info.known, k.Name)
			} else {
				info.known = append(info.known, q)
			}
		}
	}
	return info
}

// fieldName names a target in messages, as in review.person.
func (info *schemaInfo) fieldName(t target) string {
	if t.anc >= 0 {
		return info.anc[t.anc].s.Name + "." + t.f.Name
	}
	return info.s.Name + "." + t.f.Name
}

// columnName is the name a target's column has in a file.
func (info *schemaInfo) columnName(t target) string {
	if t.anc < 0 {
		return t.f.Name
	}
	if got, ok := info.names[normName(t.f.Name)]; ok && got == t {
		return t.f.Name
	}
	return info.anc[t.anc].s.Name + "." + t.f.Name
}

// required lists the columns a file of this schema must have: the
// required fields and the ancestors' keys.
func (info *schemaInfo) required() []target {
	var out []target
	for _, f := range info.s.Fields {
		if !f.Optional && f.Kind != compiler.ListField {
			out = append(out, target{f: f, anc: -1})
		}
	}
	for i, a := range info.anc {
		out = append(out, target{f: a.f, anc: i})
	}
	return out
}

// normName matches header names and field names: case is ignored,
// surrounding spaces trimmed and inner runs of spaces read as "_".
func normName(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t") {
		s = strings.Join(strings.Fields(s), "_")
	}
	return strings.ToLower(s)
}

// chooseSchema sets fs.schema from Input.Schema or by detection, and
// reports when it cannot.
func (l *loader) chooseSchema(fs *fileState) bool {
	if name := fs.in.Schema; name != "" {
		s := l.c.Schema(name)
		if s == nil {
			var names []string
			for _, s := range l.c.Schemas {
				names = append(names, s.Name)
			}
			msg := fmt.Sprintf("the contract has no data named %s", quote(name))
			if sug := spell.Nearest(name, names); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			} else {
				msg += "; it has " + words.And(names)
			}
			l.report(fs, problem{code: "unknown-data", msg: msg}, 0)
			return false
		}
		fs.schema = s
		return true
	}
	if len(l.c.Schemas) == 0 {
		l.report(fs, problem{code: "unknown-data", msg: "the contract declares no data"}, 0)
		return false
	}
	switch fs.format {
	case "csv", "xlsx":
		return l.detect(fs, fs.header, l.c.Schemas, "header")
	case "yaml":
		if !l.parseYAML(fs) {
			return false
		}
		tops := l.c.TopSchemas()
		if len(tops) == 1 {
			fs.schema = tops[0]
			return true
		}
		keys := yamlFirstKeys(fs.yaml)
		if len(keys) == 0 {
			fs.schema = tops[0] // loadYAML reports the problem
			return true
		}
		return l.detect(fs, keys, tops, "first record")
	default:
		tops := l.c.TopSchemas()
		if len(tops) == 1 {
			fs.schema = tops[0]
			return true
		}
		doc := fs.doc // the first bytes of a JSON file
		if fs.format == "jsonl" {
			doc = fs.first
		}
		keys := jsonFirstKeys(doc)
		if len(keys) == 0 {
			fs.schema = tops[0] // loadJSON reports the problem
			return true
		}
		return l.detect(fs, keys, tops, "first record")
	}
}

// detect chooses the schema whose fields fit names: every name known and
// every required field present. When none fits, the schema that knows
// clearly the most names is taken, so that the file's problems are
// reported column by column.
func (l *loader) detect(fs *fileState, names []string, cands []*compiler.Schema, what string) bool {
	var fits []*compiler.Schema
	var best *compiler.Schema
	bestScore, tie := -1, false
	nonEmpty := 0
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			nonEmpty++
		}
	}
	type lack struct{ missing, unknown []string }
	lacks := map[*compiler.Schema]lack{}
	for _, s := range cands {
		info := l.infos[s]
		score := 0
		var lk lack
		have := map[target]bool{}
		for _, n := range names {
			if strings.TrimSpace(n) == "" {
				continue
			}
			if t, ok := info.names[normName(n)]; ok && t.f.Kind != compiler.ListField {
				score++
				have[t] = true
			} else {
				lk.unknown = append(lk.unknown, clip(strings.TrimSpace(n)))
			}
		}
		for _, t := range info.required() {
			if !have[t] {
				lk.missing = append(lk.missing, info.columnName(t))
			}
		}
		lacks[s] = lk
		if len(lk.missing) == 0 && len(lk.unknown) == 0 {
			fits = append(fits, s)
		}
		switch {
		case score > bestScore:
			best, bestScore, tie = s, score, false
		case score == bestScore:
			tie = true
		}
	}
	if len(fits) == 1 {
		fs.schema = fits[0]
		return true
	}
	var names2 []string
	for _, s := range fits {
		names2 = append(names2, s.Name)
	}
	if len(fits) > 1 {
		l.report(fs, problem{code: "ambiguous-data", row: fs.headerRow, msg: fmt.Sprintf("the %s fits %s alike; say which data the file holds", what, words.And(names2))}, 0)
		return false
	}
	if !tie && bestScore > 0 && 2*bestScore >= nonEmpty {
		fs.schema = best
		return true
	}
	var parts []string
	for _, s := range cands {
		lk := lacks[s]
		var p []string
		if len(lk.missing) > 0 {
			p = append(p, "lacks "+words.And(lk.missing))
		}
		if len(lk.unknown) > 0 {
			p = append(p, "has no field "+words.Or(some(lk.unknown)))
		}
		parts = append(parts, s.Name+" "+strings.Join(p, " and "))
	}
	row := fs.headerRow
	l.report(fs, problem{code: "unknown-data", row: row, msg: fmt.Sprintf("cannot tell which data the file holds: the %s matches none of the contract's data (%s); say which data the file holds",
		what, strings.Join(parts, "; "))}, 0)
	return false
}

// prepareJoin makes sure the records of fs can be joined to their
// parents: the parent schema has keys and its index is built.
func (l *loader) prepareJoin(fs *fileState) bool {
	s := fs.schema
	for p := s.Parent; p != nil; p = p.Parent {
		if len(p.Keys) == 0 {
			l.report(fs, problem{code: "cannot-join", msg: fmt.Sprintf("%s records cannot be given in a file of their own because %s has no key fields to join them on; give them inline in the %s file",
				s.Name, p.Name, s.Root().Name)}, 0)
			return false
		}
	}
	pt := l.tables[s.Parent]
	if len(pt.all) == 0 {
		l.report(fs, problem{code: "no-parent", msg: fmt.Sprintf("no %s data was given, so the %s records in this file belong to nothing", s.Parent.Name, s.Name)}, 0)
		fs.orphans = true
		return true
	}
	if pt.index == nil {
		pt.index = newKeyIndex()
		for i, r := range pt.all {
			vals := l.keyVals(pt.s, r, l.kv[:0])
			l.kv = vals
			if complete(vals) {
				pt.index.add(l.hashVals(vals), int32(i))
			}
		}
	}
	return true
}
