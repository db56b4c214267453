package compiler

import (
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
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
// value a fixed value of one type. It reports whether cp is usable.
func (ck *checker) checkTable(env *cel.Env, p *lang.Param, cp *Param) bool {
	seen := map[string]lang.Span{}
	var first *Entry
	var def ref.Val
	ok := true
	for _, le := range p.Entries {
		key := le.Key.Text
		if at, dup := seen[key]; dup {
			ck.errorf(le.Key.Span, "duplicate", "table %s lists key %s twice", cp.Name, key).Detail =
				fmt.Sprintf("the first is at line %d; keep one", at.Start.Line)
			ok = false
			continue
		}
		seen[key] = le.Key.Span
		v, typ, good := ck.constant(env, le.Value, fmt.Sprintf("param %s entry %s", cp.Name, key))
		if !good {
			ok = false
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
			ok = false
			continue
		}
		if le.IsDefault() {
			cp.HasDefault, def = true, v
			cp.defaultEntry = e
			continue
		}
		cp.Entries = append(cp.Entries, e)
	}
	if !ok || cp.Elem == nil {
		return false
	}
	if len(cp.Entries) == 0 {
		ck.errorf(p.Name.Span, "empty-table", "table param %s has only a default", cp.Name).Detail =
			fmt.Sprintf("a table with one value for every key is a param: write `param %s = VALUE`", cp.Name)
		return false
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
	return true
}

// entryParam returns a param standing for one entry of table param p, to
// check an override of that entry as an override of a param is checked.
func (p *Param) entryParam(e *Entry) *Param {
	return &Param{Name: p.Name + "." + e.Key, Type: p.Elem, Percent: strings.HasSuffix(e.literal, "%"), literal: e.literal, Span: e.Span}
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

// sortedKeys returns the keys of a set of names, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
