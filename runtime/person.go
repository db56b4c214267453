package runtime

import (
	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// PersonOf returns the person line l of statement s is for, and false for
// a line that is for no one person: a line of a month, a quarter, a year
// or the term, such as a cap over each period.
//
// A line per person is for that person. A line over a record is for the
// person of its top-level record (a goal's, its review's): the value of
// the record's field named person or, in data with no such field, of its
// first key field other than the date that places it in a period, so that
// the lines of data keyed by a package or a claim are grouped by it. A
// record with neither is for no one person.
func (s *Statement) PersonOf(l *Line) (string, bool) {
	ev := s.ev
	switch l.scope.kind {
	case compiler.PersonScope:
		if l.inst >= 0 && l.inst < len(ev.persons) {
			return ev.persons[l.inst], true
		}
		return "", false
	case compiler.RecordScope:
	default:
		return "", false
	}
	root := l.scope.schema.Root()
	f := personKey(root)
	if f == nil {
		return "", false
	}
	v := ev.topRecord(l.scope.schema, l.inst).Fields[f.Index]
	switch x := v.(type) {
	case nil:
		return "", false
	case types.String:
		return string(x), true
	}
	return value.Format(v, s.Contract.MinorUnits), true
}

// personKey returns the field that names the person of a top-level
// schema's records (see Statement.PersonOf), or nil.
func personKey(s *compiler.Schema) *compiler.Field {
	if s.PersonField != nil {
		return s.PersonField
	}
	for _, k := range s.Keys {
		if k != s.PeriodField {
			return k
		}
	}
	return nil
}
