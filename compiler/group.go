package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// Group is a tuple of data fields a rule runs per, or pays once per: one
// instance for each combination of their values in the records, such as
// `per cohort` or `per person, outcome`. Each group is made once per
// contract, so two rules per the same fields share one *Group.
type Group struct {
	Fields []string
}

// String lists the group's fields as a contract writes them.
func (g *Group) String() string { return strings.Join(g.Fields, ", ") }

// Resolve returns, for each of the group's fields, the field a record of
// schema s has under that name and how many parents up it is: the record's
// own field, or the nearest parent's. ok is false when some field is not
// in reach: then s's records belong to no instance of the group.
func (g *Group) Resolve(s *Schema) (fields []*Field, up []int, ok bool) {
	for _, name := range g.Fields {
		n := 0
		sc := s
		for sc != nil && sc.FieldByName(name) == nil {
			sc = sc.Parent
			n++
		}
		if sc == nil {
			return nil, nil, false
		}
		fields = append(fields, sc.FieldByName(name))
		up = append(up, n)
	}
	return fields, up, true
}

// groupOf returns the group of the named fields, made when first asked
// for; the error, when not nil, says why the fields cannot make a group,
// at the word it is about.
func (ck *checker) groupOf(clause string, words []lang.Word) (*Group, *lang.Word, string) {
	c := ck.c
	var names []string
	for i := range words {
		w := &words[i]
		if slices.Contains(names, w.Text) {
			return nil, w, fmt.Sprintf("%s is named twice after %s", w.Text, clause)
		}
		if _, isPeriod := periodWords[w.Text]; isPeriod {
			return nil, w, fmt.Sprintf("%s is a period, not a data field: a rule runs per a period or per data fields, not both", w.Text)
		}
		var kind FieldKind
		var holders []string
		for _, s := range c.Schemas {
			f := s.FieldByName(w.Text)
			if f == nil || s.Reference {
				continue // reference data is looked up, never grouped
			}
			if f.Kind != TextField && f.Kind != EnumField {
				return nil, w, fmt.Sprintf("%s.%s is %s; a group is made of text or enum fields", s.Name, f.Name, f.Kind)
			}
			if len(holders) > 0 && f.Kind != kind {
				return nil, w, fmt.Sprintf("%s is %s in data %s and %s in data %s; a group's field has one type", w.Text, kind, holders[0], f.Kind, s.Name)
			}
			kind = f.Kind
			holders = append(holders, s.Name)
		}
		if len(holders) == 0 {
			return nil, w, fmt.Sprintf("no data has a field %s", w.Text)
		}
		names = append(names, w.Text)
	}
	for _, g := range c.Groups {
		if g.String() == strings.Join(names, ", ") {
			return g, nil, ""
		}
	}
	g := &Group{Fields: names}
	c.Groups = append(c.Groups, g)
	return g, nil, ""
}

// periodWords are the scopes `per` takes that are periods.
var periodWords = map[string]bool{"period": true, "month": true, "quarter": true, "year": true, "term": true}

// groupScope resolves `per FIELD, FIELD` (or one field other than person)
// as a group scope; it reports whether it could.
func (ck *checker) groupScope(pr *pendingRule) bool {
	d, r := pr.decl, pr.r
	if len(d.Per) == 1 {
		w := d.Per[0]
		if ck.c.fieldNamed(w.Text) == nil {
			diag := ck.errorf(w.Span, "bad-scope", "unknown scope %q", w.Text)
			diag.Detail = "per takes period, month, quarter, year, term or person, or data fields to group by (per cohort; per person, outcome)"
			if sug := spell.Nearest(w.Text, append([]string{"period", "month", "quarter", "year", "term", "person"}, ck.c.fieldNames()...)); sug != "" {
				diag.Detail = fmt.Sprintf("did you mean %q?", sug)
			}
			return false
		}
	}
	g, at, why := ck.groupOf("per", d.Per)
	if g == nil {
		ck.errorf(at.Span, "bad-scope", "%s %s cannot run per %s: %s", r.Kind, r.Name, lang.JoinWords(d.Per), why).Detail =
			"per takes a period (month, quarter, year, term, period), person, or data fields: per person, outcome"
		return false
	}
	r.Scope = Scope{Kind: GroupScope, Group: g}
	return true
}

// onceClause resolves a rule's `once per FIELD, FIELD`.
func (ck *checker) onceClause(pr *pendingRule) {
	d, r := pr.decl, pr.r
	if len(d.Once) == 0 {
		return
	}
	if r.Scope.Kind != RecordScope {
		ck.errorf(d.Once[0].Span, "bad-clause", "%s %s runs %s: once pays one record of each group, so it needs `for DATA`", r.Kind, r.Name, r.Scope).Detail =
			"a rule per a period or a group already pays once per instance"
		return
	}
	g, at, why := ck.groupOf("once per", d.Once)
	if g == nil {
		ck.errorf(at.Span, "bad-clause", "%s %s cannot pay once per %s: %s", r.Kind, r.Name, lang.JoinWords(d.Once), why)
		return
	}
	if _, _, ok := g.Resolve(r.Scope.Schema); !ok {
		var missing []string
		for _, f := range g.Fields {
			if _, _, ok := (&Group{Fields: []string{f}}).Resolve(r.Scope.Schema); !ok {
				missing = append(missing, f)
			}
		}
		ck.errorf(d.Once[0].Span, "bad-clause", "%s %s cannot pay once per %s: a %s record has no %s, in itself or the records it is nested in",
			r.Kind, r.Name, g, r.Scope.Schema.Name, strings.Join(missing, " or ")).Detail = "name fields of " + r.Scope.Schema.Name + " or of the data it is nested in"
		return
	}
	r.Once = g
}

// fieldNamed returns a field of some data with the name, or nil.
func (c *Contract) fieldNamed(name string) *Field {
	for _, s := range c.Schemas {
		if f := s.FieldByName(name); f != nil {
			return f
		}
	}
	return nil
}

// fieldNames returns the names of every data's fields, sorted, once each.
func (c *Contract) fieldNames() []string {
	var out []string
	for _, s := range c.Schemas {
		for _, f := range s.Fields {
			out = append(out, f.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Holds reports whether every record of schema s lies in one instance of
// the group: its fields are all in reach of the record.
func (g *Group) Holds(s *Schema) bool {
	_, _, ok := g.Resolve(s)
	return ok
}
