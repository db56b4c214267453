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
)

// appendLineKey appends a line's key, without the date a repeated key
// carries.
func (ev *evaluation) appendLineKey(b []byte, l lineRef) []byte {
	r, rs := ev.lineRule(l)
	if r.HasLines() && r.Instalments != 0 && r.Kind != lang.Cap && r.Kind != lang.Floor {
		in2 := ev.states[r].instalments[l.index()]
		return append(b, ev.cal.label(r.Instalments, ev.cal.fromMonth(in2.month, r.Instalments))...)
	}
	return ev.appendInstanceName(b, rs, int(l.inst))
}

// keysDistinct reports whether the lines of one rule over records and one
// period, each of a record of its own, have keys that cannot repeat, as
// the checks of the records' keys when they were loaded show (see
// data.Set.KeysChecked): so their keys need not be built to be compared.
// A key is its record's key fields and its ancestors', each written so
// that values that differ write differently, joined so that they can be
// told apart again; only the period date it leaves out could make two
// records' keys alike. So the keys cannot repeat when that date is the
// same for every line, or left out at no level.
func (ev *evaluation) keysDistinct(group []lineRef) bool {
	r, rs := ev.lineRule(group[0])
	if !ev.keysChecked || r.Instalments != 0 {
		return false
	}
	switch r.Kind {
	case lang.Payment, lang.Incentive, lang.Sanction, lang.Share, lang.Flag:
	default:
		return false // a rule whose lines can share a record
	}
	dated := false
	for s := rs.schema; s != nil; s = s.Parent {
		if len(s.Keys) == 0 {
			return false // named by its row, which two files can share
		}
		dated = dated || leavesOutDate(s)
	}
	if !dated {
		return true
	}
	var first []value.Date
	for k, l := range group {
		level := 0
		for s, i := rs.schema, int(l.inst); s != nil; s = s.Parent {
			ri := ev.recs[s][i]
			if leavesOutDate(s) {
				d := dateOf(ri.rec, s.PeriodField)
				if k == 0 {
					first = append(first, d)
				} else if d != first[level] {
					return false
				}
				level++
			}
			if i = ev.parentOf(s, i); s.Parent != nil && i < 0 {
				return false
			}
		}
	}
	return true
}

// leavesOutDate reports whether the keys of schema s's records leave out
// their period date, a key field (see appendRecKey).
func leavesOutDate(s *compiler.Schema) bool {
	if s.PeriodField == nil || len(s.Keys) < 2 {
		return false
	}
	for _, k := range s.Keys {
		if k == s.PeriodField {
			return true
		}
	}
	return false
}

// appendFullKey appends a line's key as the statement shows it.
func (ev *evaluation) appendFullKey(b []byte, l lineRef) []byte {
	b = ev.appendLineKey(b, l)
	if l.aux&datedKey == 0 {
		return b
	}
	_, rs := ev.lineRule(l)
	s, i := rs.schema, int(l.inst)
	b = append(b, '@')
	if l.aux&sourcedKey != 0 {
		return appendSource(b, ev.recs[s][i].rec)
	}
	if root := s.Root(); root.PeriodField != nil {
		return dateOf(ev.topRecord(s, i), root.PeriodField).AppendText(b)
	}
	return ev.cal.months[ev.recs[s][i].month].from.AppendText(b)
}

// appendInstanceName appends instanceName(s, i).
func (ev *evaluation) appendInstanceName(b []byte, s scopeRef, i int) []byte {
	switch s.kind {
	case compiler.RecordScope:
		return ev.appendRecKey(b, s.schema, i)
	case compiler.PersonScope:
		return appendEscaped(b, ev.persons[i])
	case compiler.GroupScope:
		return ev.appendGroupName(b, s.group, i)
	}
	return append(b, ev.cal.label(s.kind, i)...)
}

// recKey returns the key of record i of schema s, as recordKey names it.
func (ev *evaluation) recKey(s *compiler.Schema, i int) string {
	return string(ev.appendRecKey(nil, s, i))
}

// appendRecKey appends the key of record i of schema s: its parent's key,
// then its key fields other than its period date, joined with "/", or
// "row N" when it has none (see recordKey).
func (ev *evaluation) appendRecKey(b []byte, s *compiler.Schema, i int) []byte {
	ri := ev.recs[s][i]
	sep := false
	if p := ev.parentOf(s, i); p >= 0 {
		b = ev.appendRecKey(b, s.Parent, p)
		sep = true
	}
	own := false
	for _, k := range s.Keys {
		if k == s.PeriodField && len(s.Keys) > 1 {
			continue
		}
		v := ri.rec.Field(k.Index)
		if v == nil {
			continue
		}
		if sep {
			b = append(b, '/')
		}
		b = appendKeyPart(b, v)
		sep, own = true, true
	}
	if !own {
		if sep {
			b = append(b, '/')
		}
		b = append(b, "row "...)
		b = strconv.AppendInt(b, int64(ri.rec.Row), 10)
	}
	return b
}

// appendKeyPart appends a key field's value as a part of a key:
// fmt.Sprint(v.Value()), quickly for the usual types, with the characters
// that structure a key escaped (see appendEscaped).
func appendKeyPart(b []byte, v ref.Val) []byte {
	switch x := v.(type) {
	case types.String:
		return appendEscaped(b, string(x))
	case types.Int:
		return strconv.AppendInt(b, int64(x), 10)
	case value.Date:
		return x.AppendText(b)
	case value.Decimal:
		return x.AppendText(b)
	case value.Money:
		return x.AppendText(b)
	}
	return appendEscaped(b, fmt.Sprint(v.Value()))
}

// appendEscaped appends s as a key part: as it is, except that each of
// the characters that structure a key is written as "%" and its code in
// two upper-case hex digits: "/", which joins a record's key to its
// parent's, as %2F; "@", which starts the date a repeated key carries, as
// %40; and "%" itself as %25. So the key of P1/X's goal G1, P1%2FX/G1, is
// not that of P1's goal X/G1, P1/X%2FG1, and a key holding none of them
// is its values joined, as ever.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '@' || c == '%' {
			b = append(b, s[start:i]...)
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			start = i + 1
		}
	}
	return append(b, s[start:]...)
}

// unescapeKey returns a key with its parts' escapes undone: the values
// it was made of, joined, for suggesting the key to someone who typed
// them.
func unescapeKey(k string) string {
	if !strings.Contains(k, "%") {
		return k
	}
	return strings.NewReplacer("%2F", "/", "%40", "@", "%25", "%").Replace(k)
}

// appendSource appends source(r).
func appendSource(b []byte, r *value.Record) []byte {
	if r.File() == "" {
		return b
	}
	b = append(b, r.File()...)
	if r.Row > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(r.Row), 10)
	}
	return b
}
