package bound

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/lang"
)

// isTable reports whether name is a table param or reference data, read
// at a key.
func (f *frame) isTable(name string) bool {
	if _, bound := f.vars[name]; bound {
		return false
	}
	if p := f.a.c.Param(name); p != nil && p.IsTable() {
		return true
	}
	s := f.a.c.Schema(name)
	return s != nil && s.Reference
}

// tableRead bounds NAME[K]: for a table param, the hull of the entries K
// may read (those of the key's known values, else every entry and the
// default), each entry named NAME[KEY] as explain names it, with the
// values --set gave; for reference data, a record of it.
func (f *frame) tableRead(args []ast.Expr) (val, bool) {
	if len(args) != 2 || args[0].Kind() != ast.IdentKind || !f.isTable(args[0].AsIdent()) {
		return val{}, false
	}
	name := args[0].AsIdent()
	p := f.a.c.Param(name)
	if p == nil {
		return val{k: kRec, schema: f.a.c.Schema(name)}, true
	}
	entry := func(key string, v ref.Val) val {
		if set, ok := f.a.params[name+"."+key]; ok {
			v = set
		}
		return f.a.constVal(v, name+"["+key+"]")
	}
	keys := f.eval(args[1])
	var out *val
	add := func(v val) {
		if out == nil {
			out = &v
			return
		}
		h := hullVal(*out, v)
		out = &h
	}
	if keys.k == kStr && keys.strs != nil {
		for _, k := range keys.strs {
			if e := p.EntryByKey(k); e != nil {
				add(entry(k, e.Value))
			} else if d := p.Table().Default(); d != nil {
				add(entry(lang.DefaultKey, d))
			} else {
				return f.cannot(name + "[" + k + "]"), true
			}
		}
	} else {
		for _, e := range p.Entries {
			add(entry(e.Key, e.Value))
		}
		if d := p.Table().Default(); d != nil {
			add(entry(lang.DefaultKey, d))
		}
	}
	if out == nil {
		return f.cannot(name + "[...]"), true
	}
	return *out, true
}
