package data

import (
	"fmt"
	"slices"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// origin returns the Origin shared by the records of schema s read from
// the file.
func (fs *fileState) origin(s *compiler.Schema) *value.Origin {
	o, ok := fs.origins[s]
	if !ok {
		if fs.origins == nil {
			fs.origins = map[*compiler.Schema]*value.Origin{}
		}
		o = &value.Origin{Schema: s.Type, File: fs.name}
		fs.origins[s] = o
	}
	return o
}

// reserve makes room for about n more records of fs's schema.
func (l *loader) reserve(fs *fileState, n int) {
	t := l.tables[fs.schema]
	t.all = slices.Grow(t.all, n)
	if t.s.Parent != nil {
		t.parentIdx = slices.Grow(t.parentIdx, n)
	}
	if t.index != nil && len(t.index.m) == 0 {
		t.index.m = make(map[uint64]int32, n)
	}
}

// add appends a record read from fs to its table. A top-level record is
// checked for a duplicate key. A nested record given in a file of its
// own carries its ancestors' keys in anc and is attached to the parent
// with those keys; ancOK is false when some of them could not be read
// (already reported); at is where the record is in a JSON or YAML file,
// for messages, or nil. It returns the record's index, or -1.
func (l *loader) add(fs *fileState, rec *value.Record, anc []ref.Val, ancOK bool, at place) int32 {
	s := fs.schema
	pidx := int32(-1)
	if s.Parent != nil {
		if !ancOK || fs.orphans {
			return -1
		}
		pt := l.tables[s.Parent]
		switch {
		case fs.lastParent >= 0 && equalVals(anc, fs.lastAnc):
			pidx = fs.lastParent // rows of one parent usually come together
		case fs.lastParent >= 0 && int(fs.lastParent)+1 < len(pt.all) &&
			equalVals(anc, l.keyVals(pt.s, pt.all[fs.lastParent+1], l.kv[:0])):
			// and files sorted like their parents' file go on to the next.
			pidx = fs.lastParent + 1
			fs.lastParent = pidx
			fs.lastAnc = append(fs.lastAnc[:0], anc...)
		default:
			pidx = pt.index.find(l.hashVals(anc), func(i int32) bool {
				l.kv = l.keyVals(pt.s, pt.all[i], l.kv[:0])
				return equalVals(l.kv, anc)
			})
			fs.lastParent = pidx
			fs.lastAnc = append(fs.lastAnc[:0], anc...)
		}
		if pidx < 0 {
			l.report(fs, problem{code: "no-parent", row: rec.Row, column: where(at), msg: fmt.Sprintf("no %s with %s", s.Parent.Name, describeKey(l.fullKeyNames(s.Parent), anc))}, 1<<29)
			return -1
		}
		rec.Parent = pt.all[pidx]
	}
	return l.append(fs, l.tables[s], rec, pidx, at)
}

// place is where a record is in a JSON or YAML file, as a path made only
// for a message, such as "[3].goals[1]".
type place interface {
	where() string
}

// where returns the path of at, or "" for none.
func where(at place) string {
	if at == nil {
		return ""
	}
	return at.where()
}

// append adds rec to t, checking top-level keys for duplicates.
func (l *loader) append(fs *fileState, t *table, rec *value.Record, pidx int32, at place) int32 {
	idx := int32(len(t.all))
	t.all = append(t.all, rec)
	if t.s.Parent != nil {
		t.parentIdx = append(t.parentIdx, pidx)
	}
	if t.index != nil {
		vals := l.keyVals(t.s, rec, l.kv[:0])
		l.kv = vals
		if complete(vals) {
			h := l.hashVals(vals)
			if t.s.Parent == nil {
				first := t.index.find(h, func(i int32) bool {
					for _, k := range t.s.Keys {
						if !equalVal(t.all[i].Field(k.Index), rec.Field(k.Index)) {
							return false
						}
					}
					return true
				})
				if first >= 0 {
					f := t.all[first]
					l.report(fs, problem{code: "duplicate-key", row: rec.Row, column: where(at), msg: fmt.Sprintf("duplicate %s with %s; the first is on %s",
						t.s.Name, describeKey(l.fullKeyNames(t.s), l.keyVals(t.s, rec, nil)), l.where(fs, f))}, 1<<29)
					return idx
				}
			}
			t.index.add(h, idx)
		}
	}
	return idx
}

// buildLists fills every list field from the nested records, in input
// order, and checks each list's size and its records' keys.
func (l *loader) buildLists() {
	for _, ps := range l.c.Schemas {
		pt := l.tables[ps]
		for _, lf := range ps.Lists {
			if lf.Elem == nil || lf.Elem.ParentField != lf {
				for _, p := range pt.all {
					l.setList(ps, lf, p, l.empty)
				}
				continue
			}
			ct := l.tables[lf.Elem]
			off := make([]int32, len(pt.all)+1)
			for _, p := range ct.parentIdx {
				off[p+1]++
			}
			for i := 1; i < len(off); i++ {
				off[i] += off[i-1]
			}
			backing := make([]*value.Record, len(ct.all))
			pos := append([]int32(nil), off[:len(pt.all)]...)
			for i, r := range ct.all {
				p := ct.parentIdx[i]
				backing[pos[p]] = r
				pos[p]++
			}
			pos = nil
			lists := value.RecordLists(len(pt.all))
			for i, p := range pt.all {
				kids := backing[off[i]:off[i+1]:off[i+1]]
				if len(kids) == 0 {
					l.setList(ps, lf, p, l.empty)
					continue
				}
				if lf.MaxItems > 0 && len(kids) > lf.MaxItems {
					l.reportAt(kids[lf.MaxItems], problem{code: "too-many-records", field: ps.Name + "." + lf.Name,
						msg: fmt.Sprintf("%s has %d %s; at most %d are allowed", l.describeRecord(ps, p), len(kids), lf.Name, lf.MaxItems)})
				}
				if len(lf.Elem.Keys) > 0 && len(kids) > 1 {
					l.checkKidKeys(ps, p, lf.Elem, kids)
				}
				lists[i].Records = kids
				l.setList(ps, lf, p, &lists[i])
			}
		}
	}
}

// setList makes v the value of p's list field lf, reporting a list that
// p's Origin has no room for.
func (l *loader) setList(ps *compiler.Schema, lf *compiler.Field, p *value.Record, v ref.Val) {
	if err := p.SetField(lf.Index, v); err != nil {
		l.reportAt(p, problem{code: "too-many-values", field: ps.Name + "." + lf.Name, msg: err.Error()})
	}
}

// checkKidKeys reports records under one parent with equal keys.
func (l *loader) checkKidKeys(ps *compiler.Schema, parent *value.Record, s *compiler.Schema, kids []*value.Record) {
	same := func(a, b *value.Record) bool {
		for _, k := range s.Keys {
			x, y := a.Field(k.Index), b.Field(k.Index)
			if x == nil || y == nil || !equalVal(x, y) {
				return false
			}
		}
		return true
	}
	dup := func(r, first *value.Record) {
		var names []string
		var vals []ref.Val
		for _, k := range s.Keys {
			names = append(names, k.Name)
			vals = append(vals, r.Field(k.Index))
		}
		fs := l.files[l.fileIdx[r.File()]]
		l.reportAt(r, problem{code: "duplicate-key", msg: fmt.Sprintf("duplicate %s with %s in %s; the first is on %s",
			s.Name, describeKey(names, vals), l.describeRecord(ps, parent), l.where(fs, first))})
	}
	if len(kids) <= 16 {
		for i := 1; i < len(kids); i++ {
			r := kids[i]
			for j := range i {
				if f := kids[j]; same(f, r) {
					dup(r, f)
					break
				}
			}
		}
		return
	}
	idx := newKeyIndex()
	var vals []ref.Val
	for i, k := range kids {
		r := k
		vals = vals[:0]
		for _, k := range s.Keys {
			vals = append(vals, r.Field(k.Index))
		}
		if !complete(vals) {
			continue
		}
		h := l.hashVals(vals)
		if j := idx.find(h, func(j int32) bool { return same(kids[j], r) }); j >= 0 {
			dup(r, kids[j])
			continue
		}
		idx.add(h, int32(i))
	}
}
