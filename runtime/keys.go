package runtime

import (
	"fmt"
	"strconv"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
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

// appendFullKey appends a line's key as the statement shows it.
func (ev *evaluation) appendFullKey(b []byte, l lineRef) []byte {
	b = ev.appendLineKey(b, l)
	if l.aux&datedKey == 0 {
		return b
	}
	_, rs := ev.lineRule(l)
	s, i := rs.schema, int(l.inst)
	b = append(b, '@')
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
		return append(b, ev.persons[i]...)
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
	if s.Parent != nil && ri.parent >= 0 {
		b = ev.appendRecKey(b, s.Parent, int(ri.parent))
		sep = true
	}
	own := false
	for _, k := range s.Keys {
		if k == s.PeriodField && len(s.Keys) > 1 {
			continue
		}
		v := ri.rec.Fields[k.Index]
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

// appendKeyPart appends fmt.Sprint(v.Value()), quickly for the usual types.
func appendKeyPart(b []byte, v ref.Val) []byte {
	switch x := v.(type) {
	case types.String:
		return append(b, x...)
	case types.Int:
		return strconv.AppendInt(b, int64(x), 10)
	case value.Date:
		return x.AppendText(b)
	case value.Decimal:
		return x.AppendText(b)
	case value.Money:
		return x.AppendText(b)
	}
	return fmt.Append(b, v.Value())
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
