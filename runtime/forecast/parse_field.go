package forecast

// Reading the generator of one field: its distribution and modifiers,
// and the checks of the values it can produce against the field.

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
)

// field reads the generator of one field the scenario gives: blank, a
// fixed value, or a mapping of a distribution and its modifiers.
func (p *parser) field(fg *fieldGen, v *yaml.Node, s *compiler.Schema, top bool) {
	f := fg.f
	keys, ok := p.fieldEntries(fg, v)
	if !ok {
		return
	}
	if f.Kind == compiler.DateField && keys["fixed"] == nil && keys["days"] == nil {
		p.errorf(v, fg.where, CodeMissing, "a date is a fixed date or {from: ..., days: ...}: the number of days after the record's month (from: period, the default) or after another date field")
		return
	}
	p.modifiers(fg, keys, s, top)
	p.dropMisplaced(fg, v, keys)
	var dk []string
	for _, k := range distKeys {
		if keys[k] != nil {
			dk = append(dk, k)
		}
	}
	switch f.Kind {
	case compiler.ListField:
		p.listField(fg, v, keys, dk, s)
	case compiler.DateField:
		p.dateField(fg, v, keys, dk, s)
	default:
		p.valueField(fg, v, keys, dk, s)
	}
}

// fieldEntries returns the entries of a field's mapping. A scalar is a
// fixed value (a list's count); blank leaves an optional field empty, and
// then ok is false: nothing more is to be read.
func (p *parser) fieldEntries(fg *fieldGen, v *yaml.Node) (keys map[string]*yaml.Node, ok bool) {
	f := fg.f
	if v.Kind != yaml.ScalarNode {
		return p.mapping(v, fg.where, fieldKeys), true
	}
	if t := strings.TrimSpace(v.Value); v.Tag == "!!null" || t == "blank" {
		if !f.Optional {
			p.errorf(v, fg.where, CodeBadValue, "%s is required, so it cannot be blank", f.Name)
			return nil, false
		}
		fg.kind, fg.maybeBlank = gConst, true
		return nil, false
	}
	if f.Kind == compiler.ListField {
		return map[string]*yaml.Node{"count": v}, true
	}
	return map[string]*yaml.Node{"fixed": v}, true
}

// modifiers reads the keys that apply to a field of any kind: chance,
// when, per and places.
func (p *parser) modifiers(fg *fieldGen, keys map[string]*yaml.Node, s *compiler.Schema, top bool) {
	f, where := fg.f, fg.where
	if c := keys["chance"]; c != nil {
		if !f.Optional {
			p.errorf(c, where+", chance", CodeBadValue, "%s is required, so it is always present; chance is for optional fields", f.Name)
		} else if u, ok := p.probability(c, where+", chance"); ok {
			fg.chance = u
			fg.maybeBlank = fg.maybeBlank || u < probOne
		}
	}
	if w := keys["when"]; w != nil {
		p.when(fg, w, s)
	}
	if per := keys["per"]; per != nil {
		t, ok := p.text(per, where+", per")
		switch {
		case !ok:
		case t == "record":
		case t != "person":
			p.errorf(per, where+", per", CodeBadValue, "per is person (drawn once for each person, kept for all their months) or record (the default); found %q", t)
		case !top:
			p.errorf(per, where+", per", CodeBadValue, "per: person is for fields of the monthly data; %s is nested in %s", s.Name, s.Parent.Name)
		default:
			fg.perPerson = true
		}
	}
	if pl := keys["places"]; pl != nil {
		if f.Kind != compiler.DecimalField && f.Kind != compiler.MoneyField {
			p.errorf(pl, where+", places", CodeBadValue, "places is for decimal and money fields; %s is %s", f.Name, f.Kind)
		} else if n, ok := p.integer(pl, where+", places"); ok {
			if n < 0 || n > 6 {
				p.errorf(pl, where+", places", CodeBadValue, "places must be between 0 and 6")
			} else {
				fg.places = int32(n)
			}
		}
	}
}

// dropMisplaced reports and removes the keys that are only for fields of
// another kind: times for numbers, from and days for dates, count for
// lists.
func (p *parser) dropMisplaced(fg *fieldGen, v *yaml.Node, keys map[string]*yaml.Node) {
	f := fg.f
	for _, k := range []string{"times", "from", "days", "count"} {
		if keys[k] == nil {
			continue
		}
		ok := true
		switch k {
		case "times":
			ok = isNumber(f)
		case "from", "days":
			ok = f.Kind == compiler.DateField
		case "count":
			ok = f.Kind == compiler.ListField
		}
		if !ok {
			p.errorf(keyNode(v, k), fg.where, CodeUnknownKey, "%s is not for %s fields", k, f.Kind)
			delete(keys, k)
		}
	}
}

// isNumber reports whether f is an int, decimal or money field.
func isNumber(f *compiler.Field) bool {
	return f.Kind == compiler.IntField || f.Kind == compiler.DecimalField || f.Kind == compiler.MoneyField
}

// listField reads a list: the number of nested records each record holds.
func (p *parser) listField(fg *fieldGen, v *yaml.Node, keys map[string]*yaml.Node, dk []string, s *compiler.Schema) {
	f := fg.f
	if len(dk) > 0 || keys["count"] == nil {
		p.errorf(v, fg.where, CodeMissing, "a list is given as the number of records each %s holds: %s: {count: ...}", s.Name, f.Name)
		return
	}
	fg.kind = gList
	fg.d = p.parseDist(keys["count"], fg.where+", count", spec{kind: compiler.IntField, min: zeroDec(), max: value.DecimalFromInt(int64(f.MaxItems))}, nil)
}

// dateField reads a date: a fixed date, or a number of days drawn after
// the record's month or another date field.
func (p *parser) dateField(fg *fieldGen, v *yaml.Node, keys map[string]*yaml.Node, dk []string, s *compiler.Schema) {
	where := fg.where
	if fixed := keys["fixed"]; fixed != nil {
		if len(dk) > 1 || keys["days"] != nil || keys["from"] != nil {
			p.errorf(v, where, CodeBadValue, "give a fixed date, or from and days, not both")
			return
		}
		p.fixedDate(fg, fixed)
		return
	}
	if len(dk) > 0 {
		p.errorf(keyNode(v, dk[0]), where, CodeBadValue, "a date is given as days: a distribution of the number of days after its base date; put %s under days", dk[0])
		return
	}
	fg.kind = gDate
	if fr := keys["from"]; fr != nil {
		p.dateBase(fg, fr, s)
	}
	fg.d = p.parseDist(keys["days"], where+", days", spec{kind: compiler.IntField, min: value.DecimalFromInt(-36500), max: value.DecimalFromInt(36500)}, nil)
}

// fixedDate reads a date written as yyyy-mm-dd.
func (p *parser) fixedDate(fg *fieldGen, n *yaml.Node) {
	t, ok := p.text(n, fg.where)
	if !ok {
		return
	}
	d, err := value.ParseDate(t, "")
	if err != nil {
		p.errorf(n, fg.where, CodeBadValue, "%q is not a date; write yyyy-mm-dd", t)
		return
	}
	fg.kind, fg.konst = gConst, d
	fg.dlo, fg.dhi = d, d
	p.checkDate(fg, n)
}

// dateBase reads from: period (the default) or another date field of the
// record, which the days are counted from.
func (p *parser) dateBase(fg *fieldGen, fr *yaml.Node, s *compiler.Schema) {
	f, where := fg.f, fg.where+", from"
	t, ok := p.text(fr, where)
	if !ok || t == "period" {
		return
	}
	base := s.FieldByName(t)
	switch {
	case base == nil || base.Kind != compiler.DateField:
		var dates []string
		for _, x := range s.Fields {
			if x.Kind == compiler.DateField && x != f {
				dates = append(dates, x.Name)
			}
		}
		p.errorf(fr, where, CodeBadValue, "from is period (the record's month) or another date field of %s (%s); found %q%s", s.Name, words.Or(dates), t, didYouMean(t, dates))
	case base == f:
		p.errorf(fr, where, CodeBadValue, "%s cannot be counted from itself", f.Name)
	default:
		fg.from = &fieldGen{f: base} // resolved in order()
	}
}

// valueField reads a field of any other kind: one distribution of its
// values or, with times, of a factor of another number field.
func (p *parser) valueField(fg *fieldGen, v *yaml.Node, keys map[string]*yaml.Node, dk []string, s *compiler.Schema) {
	where := fg.where
	if len(dk) == 0 {
		p.errorf(v, where, CodeMissing, "give a distribution: one of %s", words.Or(distKeys))
		return
	}
	if len(dk) > 1 {
		p.errorf(keyNode(v, dk[1]), where, CodeBadValue, "give one distribution, not both %s and %s", dk[0], dk[1])
		return
	}
	sp := specOf(fg.f, fg.places)
	if t := keys["times"]; t != nil {
		base, ok := p.timesBase(fg, t, s)
		if !ok {
			return
		}
		if base != nil {
			fg.times = &fieldGen{f: base} // resolved in order()
			// The distribution is of the factor: any number, with 4 places.
			sp = spec{kind: compiler.DecimalField, places: 4, factor: true}
		}
	}
	fg.kind = gDist
	d := p.parseDist(v, where, sp, keys)
	if d == nil {
		return
	}
	fg.d = d
	if d.numeric && fg.times == nil {
		fg.places = d.places
		fg.lo, fg.hi = d.lo, d.hi
		p.checkRange(fg, d.node)
	}
}

// timesBase reads times: another number field of the record that the
// value is a multiple of. It returns nil and true when the name could not
// be read (that is reported already) and the field is read as if times
// were not given, and false when the field cannot be read further.
func (p *parser) timesBase(fg *fieldGen, t *yaml.Node, s *compiler.Schema) (*compiler.Field, bool) {
	f, where := fg.f, fg.where+", times"
	name, ok := p.text(t, where)
	if !ok {
		return nil, true
	}
	base := s.FieldByName(name)
	switch {
	case base == nil || !isNumber(base):
		var nums []string
		for _, x := range s.Fields {
			if x != f && isNumber(x) {
				nums = append(nums, x.Name)
			}
		}
		p.errorf(t, where, CodeBadValue, "times names another number field of %s (%s); found %q%s", s.Name, words.Or(nums), name, didYouMean(name, nums))
		return nil, false
	case base == f:
		p.errorf(t, where, CodeBadValue, "%s cannot be a multiple of itself", f.Name)
		return nil, false
	}
	return base, true
}

// when reads a gate: {field: value} or {field: [values]}; every field
// listed must have one of its values.
func (p *parser) when(fg *fieldGen, w *yaml.Node, s *compiler.Schema) {
	where := fg.where + ", when"
	if !fg.f.Optional {
		p.errorf(w, where, CodeBadValue, "%s is required, so it is always present; when is for optional fields", fg.f.Name)
		return
	}
	if w.Kind != yaml.MappingNode || len(w.Content) == 0 {
		p.errorf(w, where, CodeBadValue, "when is a mapping of another field of %s to the value (or list of values) it must have, like {status: achieved}; found %s", s.Name, data.DescribeYAML(w))
		return
	}
	var names []string
	for _, x := range s.Fields {
		names = append(names, x.Name)
	}
	for i := 0; i+1 < len(w.Content); i += 2 {
		k, v := w.Content[i], data.ResolveYAML(w.Content[i+1])
		gf := s.FieldByName(k.Value)
		if gf == nil {
			p.errorf(k, where, CodeUnknownKey, "data %s has no field %q%s", s.Name, k.Value, didYouMean(k.Value, names))
			continue
		}
		if gf == fg.f {
			p.errorf(k, where, CodeBadValue, "%s cannot depend on itself", fg.f.Name)
			continue
		}
		switch gf.Kind {
		case compiler.EnumField, compiler.TextField, compiler.BoolField, compiler.IntField:
		default:
			p.errorf(k, where, CodeBadValue, "when can test enum, text, bool and int fields; %s is %s", gf.Name, gf.Kind)
			continue
		}
		g := gate{f: gf}
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, it := range items {
			if val, ok := p.fieldValue(data.ResolveYAML(it), gf, where+", "+gf.Name); ok {
				g.vals = append(g.vals, val)
			}
		}
		if len(g.vals) > 0 {
			fg.when = append(fg.when, g)
			fg.maybeBlank = true
		}
	}
}

// fieldValue reads one value of field f, as written in fixed or as a
// categorical category.
func (p *parser) fieldValue(n *yaml.Node, f *compiler.Field, where string) (ref.Val, bool) {
	t, ok := p.text(n, where)
	if !ok {
		return nil, false
	}
	switch f.Kind {
	case compiler.EnumField:
		for _, e := range f.Enum {
			if e == t {
				return types.String(e), true
			}
		}
		p.errorf(n, where, CodeBadValue, "%q is not a value of %s; it is one of %s%s", t, f.Name, words.Or(f.Enum), didYouMean(t, f.Enum))
		return nil, false
	case compiler.TextField:
		return types.String(t), true
	case compiler.BoolField:
		switch strings.ToLower(t) {
		case "true":
			return types.True, true
		case "false":
			return types.False, true
		}
		p.errorf(n, where, CodeBadValue, "%q is not true or false", t)
		return nil, false
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		d, err := ParseNumber(t)
		if err != nil {
			p.errorf(n, where, CodeBadValue, "%s", err)
			return nil, false
		}
		if f.Kind == compiler.IntField && !d.IsInteger() {
			p.errorf(n, where, CodeBadValue, "%s is not a whole number; %s is an int", d, f.Name)
			return nil, false
		}
		return numVal(f.Kind, d), true
	}
	p.errorf(n, where, CodeBadValue, "%s is %s, which a scenario cannot give this way", f.Name, f.Kind)
	return nil, false
}

// checkRange reports a numeric field whose distribution can produce values
// outside the field's declared range.
func (p *parser) checkRange(fg *fieldGen, at *yaml.Node) {
	f := fg.f
	if f.Kind != compiler.IntField && f.Kind != compiler.DecimalField && f.Kind != compiler.MoneyField {
		return
	}
	lo, hi := trimZeros(unscale(fg.lo, fg.places), 0), trimZeros(unscale(fg.hi, fg.places), 0)
	if (f.Min != nil && cmpBound(lo, f.Min) < 0) || (f.Max != nil && cmpBound(hi, f.Max) > 0) {
		if lo.Cmp(hi) == 0 {
			p.errorf(at, fg.where, CodeBadValue, "%s is outside the range of %s (%s)", lo, f.Name, rangeText(f))
			return
		}
		p.errorf(at, fg.where, CodeBadValue, "the distribution can produce %s .. %s, outside the range of %s (%s); keep its bounds inside the range",
			lo, hi, f.Name, rangeText(f))
	}
}

// checkDate reports a date field whose values can fall outside the
// field's declared range.
func (p *parser) checkDate(fg *fieldGen, at *yaml.Node) {
	f := fg.f
	lo, hi := fg.dlo, fg.dhi
	if (f.Min != nil && lo.Before(f.Min.(value.Date))) || (f.Max != nil && hi.After(f.Max.(value.Date))) {
		p.errorf(at, fg.where, CodeBadValue, "the dates can fall from %s to %s, outside the range of %s (%s)", lo, hi, f.Name, rangeText(f))
	}
}

// rangeText describes a field's declared range: "0 .. 400", "at least
// 1", "at most 5" or "any".
func rangeText(f *compiler.Field) string {
	show := func(v ref.Val) string {
		if m, ok := v.(value.Money); ok {
			return m.String()
		}
		return fmt.Sprint(v.Value())
	}
	switch {
	case f.Min != nil && f.Max != nil:
		return show(f.Min) + " .. " + show(f.Max)
	case f.Min != nil:
		return "at least " + show(f.Min)
	case f.Max != nil:
		return "at most " + show(f.Max)
	}
	return "any"
}
