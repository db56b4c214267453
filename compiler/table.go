package compiler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// Entry is one checked entry of a table param.
type Entry struct {
	Key   string
	Value ref.Val
	Span  lang.Span // the key's span
	// literal is the value as written, for hints.
	literal string
}

// IsTable reports whether the param is a table param.
func (p *Param) IsTable() bool { return p.Elem != nil }

// Table returns the default value of a table param, or nil.
func (p *Param) Table() *value.Table {
	t, _ := p.Default.(*value.Table)
	return t
}

// EntryByKey returns the table param's entry at key, or nil.
func (p *Param) EntryByKey(key string) *Entry {
	for _, e := range p.Entries {
		if e.Key == key {
			return e
		}
	}
	return nil
}

// checkTable checks a table param's entries into cp: every key once, every
// value a fixed value of one type. It reports whether cp can be declared:
// whether some entry gave the table its type.
func (ck *checker) checkTable(env *cel.Env, p *lang.Param, cp *Param) bool {
	seen := map[string]lang.Span{}
	var first *Entry
	var def ref.Val
	for _, le := range p.Entries {
		key := le.Key.Text
		if at, dup := seen[key]; dup {
			ck.errorf(le.Key.Span, "duplicate", "table %s lists key %s twice", cp.Name, key).Detail =
				fmt.Sprintf("the first is at line %d; keep one", at.Start.Line)
			continue
		}
		seen[key] = le.Key.Span
		v, typ, good := ck.constant(env, le.Value, fmt.Sprintf("param %s entry %s", cp.Name, key))
		if !good {
			continue
		}
		e := &Entry{Key: key, Value: v, Span: le.Key.Span, literal: strings.TrimSpace(le.Value.Text)}
		if first == nil {
			first = e
			cp.Elem = typ
			cp.Percent = strings.HasSuffix(e.literal, "%")
			cp.literal, cp.valueSpan = e.literal, le.Value.Span
		} else if typ.String() != cp.Elem.String() {
			msg, hint := ck.c.overrideProblem(cp.entryParam(first), v, typ, key+"'s value")
			ck.errorf(le.Value.Span, "type-mismatch", "%s", strings.Replace(msg, "param "+cp.Name+"."+first.Key+" is", "table "+cp.Name+" holds", 1)).Detail =
				fmt.Sprintf("every entry of a table has one type, here that of %s; %s", first.Key, hint)
			continue
		}
		if le.IsDefault() {
			cp.HasDefault, def = true, v
			cp.defaultEntry = e
			continue
		}
		cp.Entries = append(cp.Entries, e)
	}
	if cp.Elem == nil {
		return false
	}
	if len(cp.Entries) == 0 {
		ck.errorf(p.Name.Span, "empty-table", "table param %s has only a default", cp.Name).Detail =
			fmt.Sprintf("a table with one value for every key is a param: write `param %s = VALUE`", cp.Name)
	}
	cp.Type = types.NewMapType(types.StringType, cp.Elem)
	t := value.NewTable("param "+cp.Name, cp.Type)
	for _, e := range cp.Entries {
		t.Set(types.String(e.Key), e.Value)
	}
	if cp.HasDefault {
		t.SetDefault(def)
	}
	cp.Default = t
	// A table with a bad entry is still declared, with its good entries,
	// so that the rules reading it are checked too and not reported as
	// reading an unknown name; the errors keep the contract from running.
	return true
}

// entryParam returns a param standing for one entry of table param p, to
// check an override of that entry as an override of a param is checked.
func (p *Param) entryParam(e *Entry) *Param {
	title := ""
	if p.Title != "" {
		title = p.Title + ": " + e.Key
	}
	return &Param{Name: p.Name + "." + e.Key, Title: title, Type: p.Elem, Default: e.Value,
		Percent: strings.HasSuffix(e.literal, "%"), literal: e.literal, Span: e.Span, valueSpan: e.Span}
}

// Settable returns what --set can set, each as a param: the params with
// one value, and for a table param each entry, its default last, named
// NAME.KEY as statements list them.
func (c *Contract) Settable() []*Param {
	var out []*Param
	for _, p := range c.Params {
		if !p.IsTable() {
			out = append(out, p)
			continue
		}
		for _, e := range p.Entries {
			out = append(out, p.entryParam(e))
		}
		if p.HasDefault {
			out = append(out, p.entryParam(p.defaultEntry))
		}
	}
	return out
}

// SettableParam returns the param --set names by name, as Settable gives
// it: a param, or NAME.KEY, one entry of a table param; nil for a name
// that is neither, or a table param as a whole.
func (c *Contract) SettableParam(name string) *Param {
	if p := c.params[name]; p != nil {
		if p.IsTable() {
			return nil
		}
		return p
	}
	p, e, err := c.entryOf(name)
	if err != nil || e == nil {
		return nil
	}
	return p.entryParam(e)
}

// entryOf splits NAME.KEY, an override of one entry of a table param, and
// returns the param and the entry (the default for KEY default), or an
// error saying what is wrong. For a name without a dot it returns nils.
func (c *Contract) entryOf(name string) (*Param, *Entry, error) {
	pname, key, dotted := strings.Cut(name, ".")
	if !dotted {
		return nil, nil, nil
	}
	p := c.params[pname]
	switch {
	case p == nil:
		return nil, nil, nil // the caller reports the unknown param
	case !p.IsTable():
		return nil, nil, &ParamError{Message: fmt.Sprintf("param %s is not a table, so it has no entry %s", pname, key),
			Hint: fmt.Sprintf("set the whole param: %s=VALUE", pname)}
	}
	if key == lang.DefaultKey && p.HasDefault {
		return p, p.defaultEntry, nil
	}
	if e := p.EntryByKey(key); e != nil {
		return p, e, nil
	}
	e := &ParamError{Message: fmt.Sprintf("table %s has no key %q", pname, key)}
	if sug := spell.Nearest(key, p.keyNames()); sug != "" {
		e.Hint = fmt.Sprintf("did you mean %s.%s?", pname, sug)
	} else {
		e.Hint = "its keys are " + strings.Join(p.keyNames(), ", ")
	}
	return nil, nil, e
}

// keyNames returns the table's keys, its default last.
func (p *Param) keyNames() []string {
	var out []string
	for _, e := range p.Entries {
		out = append(out, e.Key)
	}
	if p.HasDefault {
		out = append(out, lang.DefaultKey)
	}
	return out
}

// tableWhole is the error of overriding a whole table param at once.
func tableWhole(p *Param) error {
	keys := p.keyNames()
	return &ParamError{Message: fmt.Sprintf("param %s is a table; set one entry at a time", p.Name),
		Hint: fmt.Sprintf("write %s.%s=VALUE (its keys: %s)", p.Name, keys[0], strings.Join(keys, ", "))}
}

// SetEntry returns table param p's value tab with the entry named by key
// (lang.DefaultKey for the default) set to v.
func SetEntry(tab *value.Table, key string, v ref.Val) *value.Table {
	if key == lang.DefaultKey && tab.Default() != nil {
		if _, listed := tab.Entry(types.String(key)); !listed {
			return tab.With(nil, v)
		}
	}
	return tab.With(types.String(key), v)
}

// tableRead recognises a table param read at a key, `job_fee[K]`, where K
// is a record's field (`week.group`) or text written out: it returns the
// input path `job_fee[week.group]` and the id of the table's name.
func (ck *checker) tableRead(x ast.Expr, vars map[string]*Schema) (path string, table int64, ok bool) {
	if x.Kind() == ast.SelectKind && !x.AsSelect().IsTestOnly() {
		// A field of a record of reference data read at a key:
		// care_package[invoice.package_code].weekly_rate.
		t, k, ok := indexOf(x.AsSelect().Operand())
		if !ok {
			return "", 0, false
		}
		if s := ck.c.schemas[t.AsIdent()]; s == nil || s.Table == nil || vars[t.AsIdent()] != nil {
			return "", 0, false
		}
		key, ok := keyPath(k, vars)
		if !ok {
			return "", 0, false
		}
		return t.AsIdent() + "[" + key + "]." + x.AsSelect().FieldName(), t.ID(), true
	}
	t, k, ok := indexOf(x)
	if !ok {
		return "", 0, false
	}
	if p := ck.c.params[t.AsIdent()]; p == nil || !p.IsTable() {
		return "", 0, false
	}
	key, ok := keyPath(k, vars)
	if !ok {
		return "", 0, false
	}
	return t.AsIdent() + "[" + key + "]", t.ID(), true
}

// indexOf takes apart `NAME[K]`, the index operator on a name.
func indexOf(x ast.Expr) (name, key ast.Expr, ok bool) {
	if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != operators.Index || len(x.AsCall().Args()) != 2 {
		return nil, nil, false
	}
	a := x.AsCall().Args()
	if a[0].Kind() != ast.IdentKind {
		return nil, nil, false
	}
	return a[0], a[1], true
}

// keyPath returns the input path of a key: rec.field for a record's field,
// the quoted text for a text literal.
func keyPath(k ast.Expr, vars map[string]*Schema) (string, bool) {
	switch k.Kind() {
	case ast.SelectKind:
		op := k.AsSelect().Operand()
		if op.Kind() == ast.IdentKind && vars[op.AsIdent()] != nil && !k.AsSelect().IsTestOnly() {
			return op.AsIdent() + "." + k.AsSelect().FieldName(), true
		}
	case ast.LiteralKind:
		if s, ok := k.AsLiteral().(types.String); ok {
			return strconv.Quote(string(s)), true
		}
	}
	return "", false
}

// lintTables checks each read of a table param at a key it can know: an
// enumeration field must have an entry (or the default) for every one of
// its values, else some record would be refused at evaluation, so the
// missing values are an error naming them; a table key that is none of
// the field's values is a warning, for it is never read there. Text
// written out, job_fee["esa"], must be a key, or the table have a default.
func (ck *checker) lintTables(pr *pendingRule) {
	for _, re := range pr.exprs {
		p := re.p
		if p == nil || *re.dst == nil {
			continue
		}
		for _, x := range p.nodes {
			if x.Kind() == ast.SelectKind && x.AsSelect().Operand().Kind() == ast.IdentKind {
				// job_fee.esa: CEL would read it as job_fee["esa"]; the
				// language reads a table one way, at a key in brackets.
				name := x.AsSelect().Operand().AsIdent()
				if prm := ck.c.params[name]; prm != nil && prm.IsTable() && pr.vars[name] == nil {
					ck.errorf(p.nodeSpan(x.ID()), "bad-read", "read table %s at a key in brackets", name).Detail =
						fmt.Sprintf("write %s[%q], or %s[RECORD.FIELD]", name, x.AsSelect().FieldName(), name)
				}
				continue
			}
			t, k, ok := indexOf(x)
			if !ok {
				continue
			}
			prm := ck.c.params[t.AsIdent()]
			if prm == nil || !prm.IsTable() || pr.vars[t.AsIdent()] != nil {
				continue
			}
			switch k.Kind() {
			case ast.LiteralKind:
				lit, isText := k.AsLiteral().(types.String)
				if isText && prm.EntryByKey(string(lit)) == nil && !prm.HasDefault {
					d := ck.errorf(p.nodeSpan(k.ID()), "missing-key", "table %s has no key %q, and no default", prm.Name, string(lit))
					if sug := spell.Nearest(string(lit), prm.keyNames()); sug != "" {
						d.Detail = fmt.Sprintf("did you mean %q?", sug)
					} else {
						d.Detail = "its keys are " + strings.Join(prm.keyNames(), ", ")
					}
				}
			case ast.SelectKind:
				s := ck.selectSchema(p, k.ID(), pr.vars)
				if s == nil {
					continue
				}
				f := s.FieldByName(k.AsSelect().FieldName())
				if f == nil || f.Kind != EnumField {
					continue
				}
				ck.tableCoversEnum(prm, s, f, p.nodeSpan(x.ID()))
			}
		}
	}
}

// tableCoversEnum checks that table param prm has an entry for every value
// of the enumeration field s.f, which reads it at span, and warns once of
// its keys that are none of the field's values.
func (ck *checker) tableCoversEnum(prm *Param, s *Schema, f *Field, span lang.Span) {
	var missing []string
	for _, v := range f.Enum {
		if prm.EntryByKey(v) == nil {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 && !prm.HasDefault {
		what := "value"
		if len(missing) > 1 {
			what = "values"
		}
		ck.errorf(span, "missing-key", "table %s has no entry for %s.%s %s %s", prm.Name, s.Name, f.Name, what, strings.Join(missing, ", ")).Detail =
			fmt.Sprintf("add `%s = VALUE` to param %s (line %d), or a `default = VALUE` for every value it does not list",
				missing[0], prm.Name, prm.Span.Start.Line)
	}
	seen := fmt.Sprintf("%s %s.%s", prm.Name, s.Name, f.Name)
	if ck.tableWarned[seen] {
		return
	}
	if ck.tableWarned == nil {
		ck.tableWarned = map[string]bool{}
	}
	ck.tableWarned[seen] = true
	for _, e := range prm.Entries {
		if !slices.Contains(f.Enum, e.Key) {
			d := ck.diags.Warnf(e.Span, "unknown-key", "table %s key %s is not a value of %s.%s, which reads it", prm.Name, e.Key, s.Name, f.Name)
			if sug := spell.Nearest(e.Key, f.Enum); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %s? its values are %s", sug, strings.Join(f.Enum, ", "))
			} else {
				d.Detail = "its values are " + strings.Join(f.Enum, ", ")
			}
		}
	}
}

// tableKeyMismatch rewords CEL's refusal of an index, `_[_]` applied to
// (map(K, V), T), as reading a table at a key of the wrong type.
func tableKeyMismatch(fn, args string) (string, bool) {
	rest, ok := strings.CutPrefix(args, "map(")
	if fn != operators.Index || !ok {
		return "", false
	}
	key, rest, _ := strings.Cut(rest, ",")
	i := strings.LastIndex(rest, "), ")
	if i < 0 {
		return "", false
	}
	return fmt.Sprintf("a table keyed by %s cannot be read at %s", typeWord(key), typeWord(rest[i+3:])), true
}

// typeWord names a CEL type as the language calls it.
func typeWord(t string) string {
	switch t = strings.TrimSpace(t); t {
	case "string":
		return "text"
	case "int":
		return "a whole number"
	}
	return t
}
