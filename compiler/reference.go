package compiler

import (
	"fmt"

	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/lang"
)

// checkReference checks reference data s, declared by d: one key field,
// of text, an enumeration or a whole number, by which expressions look a
// record up; no period, no person, no lists, not nested in other data and
// no `max N per person`. It sets s.Table, the type expressions read s as.
func (ck *checker) checkReference(s *Schema, d *lang.Data) {
	at := d.Reference.Span
	ok := true
	if s.Parent != nil {
		ck.errorf(at, "bad-reference", "data %s is nested in %s: reference data stands alone", s.Name, s.Parent.Name).Detail =
			"reference data is read from its own file and looked up by key"
		ok = false
	}
	if s.PeriodField != nil {
		ck.errorf(s.PeriodField.Span, "bad-reference", "reference data %s has no period", s.Name).Detail =
			"its records are looked up by key whatever the period; remove `period`"
		ok = false
	}
	if s.PersonField != nil {
		ck.errorf(s.PersonField.Span, "bad-reference", "reference data %s has no person", s.Name).Detail =
			"its records are looked up by key, not gathered per person; rename the field"
		s.PersonField = nil
		ok = false
	}
	for _, f := range s.Lists {
		ck.errorf(f.Span, "bad-reference", "reference data %s cannot hold a list", s.Name).Detail =
			"give each looked-up value a field of its own"
		ok = false
	}
	if d.MaxPerPerson != nil {
		ck.errorf(d.MaxPerPerson.Span, "bad-reference", "reference data %s has no person to count records by", s.Name)
		ok = false
	}
	switch {
	case len(s.Keys) == 0:
		ck.errorf(s.Span, "bad-reference", "reference data %s needs a key field to look records up by", s.Name).Detail =
			"mark one text or whole-number field `key`, e.g. `code text key`"
		ok = false
	case len(s.Keys) > 1:
		ck.errorf(s.Keys[1].Span, "bad-reference", "reference data %s is looked up by one key field, not %d", s.Name, len(s.Keys)).Detail =
			fmt.Sprintf("keep `key` on %s alone", s.Keys[0].Name)
		ok = false
	default:
		switch s.Keys[0].Kind {
		case TextField, EnumField, IntField:
		default:
			ck.errorf(s.Keys[0].Span, "bad-reference", "the key of reference data %s is %s; it must be text or a whole number", s.Name, s.Keys[0].Kind).Detail =
				"look records up by a code: `code text key`"
			ok = false
		}
	}
	if ok {
		s.Table = types.NewMapType(s.Keys[0].Type, s.Type)
	}
}

// References returns the contract's reference data, in declaration order.
func (c *Contract) References() []*Schema {
	var out []*Schema
	for _, s := range c.Schemas {
		if s.Reference {
			out = append(out, s)
		}
	}
	return out
}

// RefKey returns the key field reference data s is looked up by.
func (s *Schema) RefKey() *Field {
	if !s.Reference || len(s.Keys) != 1 {
		return nil
	}
	return s.Keys[0]
}
