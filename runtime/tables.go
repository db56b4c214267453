package runtime

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// tableParams lists a table param's entries as the evaluation had them,
// one value each, named NAME.KEY as --set names them (NAME.default for
// the default); an entry is Set when it differs from the contract's.
func (ev *evaluation) tableParams(prm *compiler.Param) []ParamValue {
	tab, _ := ev.p.params[prm.Name].(*value.Table)
	own := prm.Table()
	if tab == nil || own == nil {
		return nil
	}
	mu := ev.p.c.MinorUnits
	var out []ParamValue
	for _, k := range tab.Keys() {
		v, _ := tab.Entry(k)
		was, _ := own.Entry(k)
		out = append(out, ParamValue{Name: prm.Name + "." + string(k.(types.String)), Value: value.Format(v, mu), Set: !same(v, was)})
	}
	if d := tab.Default(); d != nil {
		out = append(out, ParamValue{Name: prm.Name + "." + lang.DefaultKey, Value: value.Format(d, mu), Set: !same(d, own.Default())})
	}
	return out
}

// same reports whether two values are equal, nil being equal only to nil.
func same(a, b ref.Val) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b) == types.True
}

// cutIndex splits an input path table[key] or table[key].field into the
// table's name, the key's path and the rest after the bracket.
func cutIndex(path string) (head, key, rest string, ok bool) {
	open := strings.IndexByte(path, '[')
	end := strings.LastIndexByte(path, ']')
	if open <= 0 || end < open {
		return "", "", "", false
	}
	return path[:open], path[open+1 : end], path[end+1:], true
}

// tableEntry finds the entry a line read from table v at the key whose
// path is key, and names it by the key's value: job_fee[esa], or with
// rest, care_package[P1].weekly_rate. ok is false when v is not a table
// or the key or entry cannot be found.
func tableEntry(v any, key inputPath, rest string, headValue func(inputPath) (any, bool), c *compiler.Contract) (name string, entry ref.Val, ok bool) {
	tab, isTab := v.(*value.Table)
	if !isTab {
		return "", nil, false
	}
	var k ref.Val
	if lit, err := strconv.Unquote(key.path); err == nil {
		k = types.String(lit)
	} else {
		kv, found := headValue(key)
		if !found {
			return "", nil, false
		}
		if key.pair {
			rec, isRec := kv.(*value.Record)
			if !isRec || key.field < 0 || rec.Field(key.field) == nil {
				return "", nil, false
			}
			k = rec.Field(key.field)
		} else if k, ok = kv.(ref.Val); !ok {
			return "", nil, false
		}
	}
	entry, found := tab.Find(k)
	if !found {
		return "", nil, false
	}
	name = tab.Name()
	if i := strings.IndexByte(name, ' '); i >= 0 {
		name = name[i+1:]
	}
	name += "[" + value.Format(k, c.MinorUnits) + "]"
	if field := strings.TrimPrefix(rest, "."); field != "" {
		rec, isRec := entry.(*value.Record)
		if !isRec || rec.Schema() == nil {
			return "", nil, false
		}
		sc := c.Schema(rec.Schema().TypeName())
		if sc == nil || sc.FieldByName(field) == nil || rec.Field(sc.FieldByName(field).Index) == nil {
			return "", nil, false
		}
		return name + rest, rec.Field(sc.FieldByName(field).Index), true
	}
	return name, entry, true
}

// referenceTables indexes each reference data's records by their key, as
// expressions read them: care_package[invoice.package_code]. Two records
// with one key are an error naming both (data.Load refuses them first for
// data read from files; a test's inline records reach here).
func referenceTables(c *compiler.Contract, d *data.Set) (map[string]*value.Table, error) {
	var out map[string]*value.Table
	var diags lang.Diagnostics
	for _, s := range c.References() {
		key := s.RefKey()
		if key == nil || s.Table == nil {
			continue
		}
		if out == nil {
			out = map[string]*value.Table{}
		}
		t := value.NewRecordTable("data "+s.Name, key.Name, s.Table)
		for _, r := range d.Records[s.Name] {
			k := r.Field(key.Index)
			if k == nil {
				continue
			}
			if prev, dup := t.Entry(k); dup {
				diags = append(diags, lang.Diagnostic{Severity: lang.Error, Code: "duplicate-key", Span: s.Span,
					Message: fmt.Sprintf("reference data %s has two records with %s %s: %s and %s", s.Name, key.Name,
						value.Format(k, c.MinorUnits), recordWhere(prev.(*value.Record)), recordWhere(r))})
				continue
			}
			t.Set(k, r)
		}
		out[s.Name] = t
	}
	if len(diags) > 0 {
		return nil, diags
	}
	return out, nil
}

// recordWhere names a record by its file and row, or as a record of a
// test when it has no file.
func recordWhere(r *value.Record) string {
	if src := source(r); src != "" {
		return src
	}
	return "a record of the test"
}

// isReference reports whether name is the name of reference data.
func isReference(c *compiler.Contract, name string) bool {
	s := c.Schema(name)
	return s != nil && s.Reference
}
