package runtime

import (
	"bytes"
	"encoding/json"
	"io"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// lineCount returns the number of the statement's lines.
func (s *Statement) lineCount() int { return len(s.refs) }

// writeLines writes the n lines as JSON, separated by ",\n", rendered
// in chunks on the program's workers and written in order.
func (s *Statement) writeLines(w io.Writer, n int, places int32) error {
	return writeChunks(w, n, s.renderWorkers(), func() func([]byte, int, int) ([]byte, error) {
		r := s.newLineRenderer(places)
		return func(b []byte, lo, hi int) ([]byte, error) { return r.render(b, lo, hi), nil }
	})
}

// lineRenderer renders lines as JSON; each goroutine has its own.
type lineRenderer struct {
	s       *Statement
	places  int32
	periods map[int32]string
	key     []byte
	src     []byte
	val     []byte
}

// newLineRenderer returns a renderer of the statement's lines with places
// decimal places in their amounts.
func (s *Statement) newLineRenderer(places int32) *lineRenderer {
	return &lineRenderer{s: s, places: places, periods: map[int32]string{}}
}

// period returns the label of settlement period p.
func (r *lineRenderer) period(p int32) string {
	label, ok := r.periods[p]
	if !ok {
		ev := r.s.ev
		label = ev.cal.label(ev.p.c.Settlement, int(p))
		r.periods[p] = label
	}
	return label
}

// render appends lines lo to hi, each but the first line of the statement
// after ",\n".
func (r *lineRenderer) render(b []byte, lo, hi int) []byte {
	for i := lo; i < hi; i++ {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = r.ref(b, r.s.refs[i])
	}
	return b
}

// ref renders a line as encoding/json writes its object compactly (the
// tests' jsonLine), on one line of text indented by four spaces.
func (r *lineRenderer) ref(b []byte, l lineRef) []byte {
	ev := r.s.ev
	rule, rs := ev.lineRule(l)
	b = r.head(b, rule.Name, lineKind(rule), r.period(l.period))
	r.key = ev.appendFullKey(r.key[:0], l)
	b = appendJSONString(b, r.key)
	b = r.amount(b, r.s.amountOf(l))
	if rule.Title != "" {
		b = append(b, `,"title":`...)
		b = appendJSONString(b, rule.Title)
	}
	if rule.HasLines() && rule.Instalments == 0 && rs.kind == compiler.RecordScope {
		if r.src = appendSource(r.src[:0], ev.recs[rs.schema][l.inst].rec); len(r.src) > 0 {
			b = append(b, `,"source":`...)
			b = appendJSONString(b, r.src)
		}
	}
	if parts := ev.lineParts(l); r.s.payer == nil && len(parts) > 0 {
		for i, p := range parts {
			if i == 0 {
				b = append(b, `,"parts":[{"payer":`...)
			} else {
				b = append(b, `,{"payer":`...)
			}
			b = appendJSONString(b, p.Payer)
			b = r.amount(b, p.Amount)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"inputs":`...)
	if ev.p.noInputs {
		return append(b, "[]}"...)
	}
	some := false
	ev.eachInput(rule, rs, int(l.inst), func(name string, v ref.Val) {
		if v == nil {
			b = appendInput(b, !some, name, "(blank)")
		} else {
			r.val = value.AppendFormat(r.val[:0], v, r.places)
			b = appendInput(b, !some, name, r.val)
		}
		some = true
	})
	return endInputs(b, some)
}

// head appends the start of a line's object, up to its key's value.
func (r *lineRenderer) head(b []byte, rule, kind, period string) []byte {
	b = append(b, `    {"rule":`...)
	b = appendJSONString(b, rule)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, kind)
	b = append(b, `,"period":`...)
	b = appendJSONString(b, period)
	return append(b, `,"key":`...)
}

// amount renders money as MarshalJSON does: rounded half-even to the minor
// unit, with exactly that many places.
func (r *lineRenderer) amount(b []byte, m value.Money) []byte {
	b = append(b, `,"amount":"`...)
	b = value.AppendFixed(b, m.Decimal(), r.places, value.HalfEven)
	return append(b, '"')
}

// appendInput appends one input's object to a line's list of inputs, first
// opening the list.
func appendInput[T string | []byte](b []byte, first bool, name string, val T) []byte {
	if first {
		b = append(b, `[{"name":`...)
	} else {
		b = append(b, `,{"name":`...)
	}
	b = appendJSONString(b, name)
	b = append(b, `,"value":`...)
	b = appendJSONString(b, val)
	return append(b, '}')
}

// endInputs closes a line's list of inputs, or writes it empty, and the
// line's object.
func endInputs(b []byte, some bool) []byte {
	if some {
		return append(b, "]}"...)
	}
	return append(b, "[]}"...)
}

// writeFlags writes the flags, each as encoding/json writes its object
// compactly (the tests' jsonFlag), on a line of its own, separated by
// ",\n".
func (s *Statement) writeFlags(w io.Writer) error {
	var b []byte
	for i := range s.Flags {
		f := &s.Flags[i]
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, `    {"rule":`...)
		b = appendJSONString(b, f.Rule)
		if f.Title != "" {
			b = append(b, `,"title":`...)
			b = appendJSONString(b, f.Title)
		}
		b = append(b, `,"period":`...)
		b = appendJSONString(b, f.Period)
		b = append(b, `,"key":`...)
		b = appendJSONString(b, f.Key)
		if f.Source != "" {
			b = append(b, `,"source":`...)
			b = appendJSONString(b, f.Source)
		}
		b = append(b, '}')
		if len(b) >= 1<<20 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(b)
	return err
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping off: printable ASCII as is, anything else by encoding/json.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(string(s)); err != nil {
				break
			}
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
