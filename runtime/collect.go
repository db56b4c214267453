package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// recInfo is one record taking part in an evaluation.
type recInfo struct {
	rec    *value.Record
	month  int32 // index of the month holding the record's period date
	person int32 // index of the person, or -1
}

// parentOf returns the index of the parent of record i of schema s in
// its schema's list, or -1 for a top-level record. A nested record's
// parent is kept apart from its recInfo, in parents, so that the records
// of every schema take sixteen bytes each, not twenty-four.
func (ev *evaluation) parentOf(s *compiler.Schema, i int) int {
	if s.Parent == nil {
		return -1
	}
	return int(ev.parents[s][i])
}

// collect places every record: outside the term or excluded by a rule it is
// listed as an exclusion; otherwise it joins its schema's list with its
// month, person and key.
func (ev *evaluation) collect(d *data.Set) {
	c := ev.p.c
	excludes := map[*compiler.Schema][]*compiler.Rule{}
	for _, r := range c.Rules {
		if r.Kind == lang.Exclude {
			excludes[r.Scope.Schema] = append(excludes[r.Scope.Schema], r)
		}
	}
	// Size the record lists up front: appending millions of records one
	// by one would copy them again and again.
	for _, s := range c.TopSchemas() {
		ev.recs[s] = make([]recInfo, 0, len(d.Records[s.Name]))
		ev.reserveNested(s, d.Records[s.Name])
	}
	persons := map[string]int{}
	for _, s := range c.TopSchemas() {
		if s.PeriodField == nil {
			continue
		}
		for _, r := range d.Records[s.Name] {
			ev.place(s, r, excludes, persons)
		}
	}
	ev.numberPersons(persons)
	ev.notePersonsLast()
	ev.indexGroups()
}

// place places top-level record r of schema s, and the records nested in
// it, noting its person's name in persons.
func (ev *evaluation) place(s *compiler.Schema, r *value.Record, excludes map[*compiler.Schema][]*compiler.Rule, persons map[string]int) {
	c := ev.p.c
	m := ev.cal.monthOf(dateOf(r, s.PeriodField))
	if m < 0 {
		ev.excluded = append(ev.excluded, Exclusion{Data: s.Name, Key: recordKey(s, r, ""), Source: source(r), Period: "",
			Reason: fmt.Sprintf("outside the term (%s %s)", s.PeriodField.Name, dateOf(r, s.PeriodField))})
		return
	}
	if m > ev.lastMon {
		return // a later period: not part of this statement
	}
	if rule, why := ev.excludedBy(excludes[s], s, r); why != "" {
		ev.excluded = append(ev.excluded, Exclusion{Rule: rule, Data: s.Name, Key: recordKey(s, r, ""), Source: source(r),
			Period: ev.cal.label(c.Settlement, ev.cal.fromMonth(m, c.Settlement)), Reason: why})
		return
	}
	if s.PersonField != nil {
		if v, ok := r.Field(s.PersonField.Index).(types.String); ok {
			if _, seen := persons[string(v)]; !seen {
				persons[string(v)] = -1
			}
		}
	}
	if len(excludes) > 0 {
		// Without exclude rules no nested record is dropped.
		r = ev.filterChildren(s, r, excludes, recordKey(s, r, ""), m)
	}
	ev.recs[s] = append(ev.recs[s], recInfo{rec: r, month: int32(m), person: -1})
	ev.addChildren(s, len(ev.recs[s])-1)
}

// numberPersons numbers the persons named in persons in sorted order, so
// that output does not depend on input order, and gives every record its
// person's number; nested records take their parent's.
func (ev *evaluation) numberPersons(persons map[string]int) {
	for name := range persons {
		ev.persons = append(ev.persons, name)
	}
	sort.Strings(ev.persons)
	for i, name := range ev.persons {
		persons[name] = i
	}
	// Top-level records first: nested records take their parent's person.
	schemas := make([]*compiler.Schema, 0, len(ev.recs))
	for s := range ev.recs {
		schemas = append(schemas, s)
	}
	depth := func(s *compiler.Schema) int {
		n := 0
		for ; s.Parent != nil; s = s.Parent {
			n++
		}
		return n
	}
	sort.SliceStable(schemas, func(i, j int) bool { return depth(schemas[i]) < depth(schemas[j]) })
	for _, s := range schemas {
		list := ev.recs[s]
		root := s.Root()
		if root.PersonField == nil {
			continue
		}
		if s.Parent != nil {
			parents := ev.recs[s.Parent]
			for i := range list {
				list[i].person = parents[ev.parentOf(s, i)].person
			}
			continue
		}
		for i := range list {
			if v, ok := list[i].rec.Field(root.PersonField.Index).(types.String); ok {
				list[i].person = int32(persons[string(v)])
			}
		}
	}
}

// notePersonsLast sets each person's first and last month with a record.
func (ev *evaluation) notePersonsLast() {
	ev.personFirst = make([]int, len(ev.persons))
	ev.personLast = make([]int, len(ev.persons))
	for i := range ev.personLast {
		ev.personFirst[i], ev.personLast[i] = -1, -1
	}
	for _, sc := range ev.p.c.TopSchemas() {
		for _, ri := range ev.recs[sc] {
			p, m := int(ri.person), int(ri.month)
			if p < 0 || p >= len(ev.personLast) {
				continue
			}
			if m > ev.personLast[p] {
				ev.personLast[p] = m
			}
			if ev.personFirst[p] < 0 || m < ev.personFirst[p] {
				ev.personFirst[p] = m
			}
		}
	}
}

// excludedBy returns the reason the first exclude rule that matches gives.
func (ev *evaluation) excludedBy(rules []*compiler.Rule, s *compiler.Schema, r *value.Record) (string, string) {
	for _, x := range rules {
		act := &recordActivation{ev: ev, schema: s, rec: r}
		ev.current = x
		out, det, err := ev.p.evalExpr(ev.ctx, x.When, act)
		ev.spend(det)
		if err != nil {
			ev.fail(x, x.When, "", recordKey(s, r, ""), r, err)
			return "", ""
		}
		if ev.p.cov != nil {
			ev.p.cov.outcome(x, x.When, out == types.True)
		}
		if out == types.True {
			return x.Name, x.Reason
		}
	}
	return "", ""
}

// recordActivation evaluates an exclude rule on a record before the record
// joins the evaluation: it sees the params, reference data and the record
// (and its parent).
type recordActivation struct {
	ev     *evaluation
	schema *compiler.Schema
	rec    *value.Record
}

// ResolveName implements interpreter.Activation.
func (a *recordActivation) ResolveName(name string) (any, bool) {
	if v, ok := a.ev.p.params[name]; ok {
		return v, true
	}
	if t, ok := a.ev.refs[name]; ok {
		return t, true // reference data, looked up by key
	}
	s, r := a.schema, a.rec
	if strings.HasPrefix(name, compiler.AllPrefix) {
		target := a.ev.p.c.Schema(strings.TrimPrefix(name, compiler.AllPrefix))
		if target == nil {
			return nil, false
		}
		return types.NewRefValList(types.DefaultTypeAdapter, descendants(s, r, target)), true
	}
	for s != nil && r != nil {
		if s.Name == name {
			return r, true
		}
		s, r = s.Parent, r.Parent
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *recordActivation) Parent() interpreter.Activation { return nil }

// descendants returns the records of schema target nested, at any depth,
// in record r of schema s.
func descendants(s *compiler.Schema, r *value.Record, target *compiler.Schema) []ref.Val {
	var out []ref.Val
	for _, lf := range s.Lists {
		list, ok := r.Field(lf.Index).(traits.Lister)
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		for i := 0; i < n; i++ {
			child, ok := list.Get(types.Int(i)).(*value.Record)
			if !ok {
				continue
			}
			if lf.Elem == target {
				out = append(out, child)
			} else {
				out = append(out, descendants(lf.Elem, child, target)...)
			}
		}
	}
	return out
}

// filterChildren drops nested records that an exclude rule removes, listing
// them, and returns the record (a copy when its lists changed).
func (ev *evaluation) filterChildren(s *compiler.Schema, r *value.Record, excludes map[*compiler.Schema][]*compiler.Rule, key string, month int) *value.Record {
	var copied *value.Record
	for _, lf := range s.Lists {
		child := lf.Elem
		list, ok := r.Field(lf.Index).(interface {
			Size() ref.Val
			Get(ref.Val) ref.Val
		})
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		var kept []ref.Val
		changed := false
		for i := 0; i < n; i++ {
			cr := list.Get(types.Int(i)).(*value.Record)
			ckey := recordKey(child, cr, key)
			if rule, why := ev.excludedBy(excludes[child], child, withParent(cr, r)); why != "" {
				ev.excluded = append(ev.excluded, Exclusion{Rule: rule, Data: child.Name, Key: ckey, Source: source(cr),
					Period: ev.cal.label(ev.p.c.Settlement, ev.cal.fromMonth(month, ev.p.c.Settlement)), Reason: why})
				changed = true
				continue
			}
			cr2 := ev.filterChildren(child, cr, excludes, ckey, month)
			if cr2 != cr {
				changed = true
			}
			kept = append(kept, cr2)
		}
		if changed {
			if copied == nil {
				copied = r.Copy()
			}
			if err := copied.SetField(lf.Index, types.NewRefValList(types.DefaultTypeAdapter, kept)); err != nil {
				panic(err) // the copy's own Origin holds one value a field
			}
		}
	}
	if copied != nil {
		return copied
	}
	return r
}

// withParent returns child with parent as its parent, a copy when it had
// another (a record copied by filterChildren).
func withParent(child, parent *value.Record) *value.Record {
	if child.Parent == parent {
		return child
	}
	cp := *child
	cp.Parent = parent
	return &cp
}

// reserveNested sizes the record lists of the schemas nested in s for the
// records of recs and everything nested in them.
func (ev *evaluation) reserveNested(s *compiler.Schema, recs []*value.Record) {
	counts := map[*compiler.Schema]int{}
	var count func(s *compiler.Schema, r *value.Record)
	count = func(s *compiler.Schema, r *value.Record) {
		for _, lf := range s.Lists {
			list, ok := r.Field(lf.Index).(traits.Lister)
			if !ok {
				continue
			}
			n := int(list.Size().(types.Int))
			counts[lf.Elem] += n
			if len(lf.Elem.Lists) > 0 {
				for j := 0; j < n; j++ {
					if cr, ok := list.Get(types.Int(j)).(*value.Record); ok {
						count(lf.Elem, cr)
					}
				}
			}
		}
	}
	if len(s.Lists) == 0 {
		return
	}
	for _, r := range recs {
		count(s, r)
	}
	for cs, n := range counts {
		ev.recs[cs] = slices.Grow(ev.recs[cs], n)
		ev.parents[cs] = slices.Grow(ev.parents[cs], n)
	}
}

// addChildren appends the nested records of record i of schema s.
func (ev *evaluation) addChildren(s *compiler.Schema, i int) {
	parent := ev.recs[s][i]
	for _, lf := range s.Lists {
		list, ok := parent.rec.Field(lf.Index).(interface {
			Size() ref.Val
			Get(ref.Val) ref.Val
		})
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		for j := 0; j < n; j++ {
			cr := list.Get(types.Int(j)).(*value.Record)
			ev.recs[lf.Elem] = append(ev.recs[lf.Elem], recInfo{rec: cr, month: parent.month, person: -1})
			ev.parents[lf.Elem] = append(ev.parents[lf.Elem], int32(i))
			ev.addChildren(lf.Elem, len(ev.recs[lf.Elem])-1)
		}
	}
}

// topRecord returns the top-level record above record i of schema s.
func (ev *evaluation) topRecord(s *compiler.Schema, i int) *value.Record {
	for s.Parent != nil {
		i = ev.parentOf(s, i)
		s = s.Parent
	}
	return ev.recs[s][i].rec
}

// dateOf returns r's date in field f, or the zero date when it has none.
func dateOf(r *value.Record, f *compiler.Field) value.Date {
	if d, ok := r.Field(f.Index).(value.Date); ok {
		return d
	}
	return value.Date{}
}

// recordKey is how a record is named in a statement: its key fields other
// than its period date, each escaped as a key part (appendKeyPart), joined
// with "/", after its parent's key; "row N" when it has none.
func recordKey(s *compiler.Schema, r *value.Record, parent string) string {
	b := []byte(parent)
	sep, own := parent != "", false
	for _, k := range s.Keys {
		if k == s.PeriodField && len(s.Keys) > 1 {
			continue
		}
		if v := r.Field(k.Index); v != nil {
			if sep {
				b = append(b, '/')
			}
			b = appendKeyPart(b, v)
			sep, own = true, true
		}
	}
	if !own {
		if sep {
			b = append(b, '/')
		}
		b = fmt.Appendf(b, "row %d", r.Row)
	}
	return string(b)
}

// source returns where record r was read: file:row, the file, or "".
func source(r *value.Record) string {
	if r.File() == "" || r.Row <= 0 {
		return r.File()
	}
	var buf [64]byte
	return string(appendSource(buf[:0], r))
}
