package forecast

// Ordering a schema's fields so each is made after those it depends on,
// and working out the range of values that depend on other fields.

import (
	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// order resolves references between a schema's fields, puts every field
// after the fields it depends on, and works out the range of the fields
// whose values depend on others.
func (p *parser) order(sg *schemaGen) {
	for _, fg := range sg.fields {
		if fg.from != nil {
			fg.from = sg.fields[fg.from.f.Index]
			fg.deps = append(fg.deps, fg.from)
		}
		if fg.times != nil {
			fg.times = sg.fields[fg.times.f.Index]
			fg.deps = append(fg.deps, fg.times)
		}
		for _, g := range fg.when {
			fg.deps = append(fg.deps, sg.fields[g.f.Index])
		}
	}
	p.sortFields(sg)
	p.checkPerPerson(sg)
	periodLo, periodHi := p.cal.months[0].from, p.cal.months[len(p.cal.months)-1].from
	for _, fg := range sg.order {
		switch {
		case fg.kind == gDist && fg.times != nil && fg.d != nil:
			p.productField(fg)
		case fg.kind == gDate && fg.d != nil && fg.d.numeric:
			p.countedDate(fg, periodLo, periodHi)
		case fg.kind == gPeriod:
			fg.dlo, fg.dhi = periodLo, periodHi
		}
	}
}

// sortFields fills sg.order with the fields, each after those it depends
// on, and reports a field that depends on itself.
func (p *parser) sortFields(sg *schemaGen) {
	state := make([]int, len(sg.fields)) // 0 new, 1 visiting, 2 done
	var visit func(fg *fieldGen) bool
	visit = func(fg *fieldGen) bool {
		switch state[fg.f.Index] {
		case 1:
			p.errorf(fg.node, fg.where, CodeBadValue, "%s depends on itself through when, from or times", fg.f.Name)
			return false
		case 2:
			return true
		}
		state[fg.f.Index] = 1
		for _, d := range fg.deps {
			if !visit(d) {
				state[fg.f.Index] = 2
				return false
			}
		}
		state[fg.f.Index] = 2
		sg.order = append(sg.order, fg)
		return true
	}
	for _, fg := range sg.fields {
		visit(fg)
	}
}

// checkPerPerson reports per-person fields that depend on values drawn
// for every record: per-person values are drawn at a person's first
// month, so they may depend only on values that are the same every month.
func (p *parser) checkPerPerson(sg *schemaGen) {
	for _, fg := range sg.fields {
		if !fg.perPerson {
			continue
		}
		for _, d := range fg.deps {
			if !d.perPerson && d.kind != gConst && d.kind != gPerson && d.kind != gPeriod {
				p.errorf(fg.node, fg.where, CodeBadValue, "%s is drawn per person, but depends on %s, which is drawn for every record; make %s per: person too", fg.f.Name, d.f.Name, d.f.Name)
			}
		}
	}
}

// productField works out the range of a field that is a factor times
// another number field, and checks it against the field's range.
func (p *parser) productField(fg *fieldGen) {
	b := fg.times
	if b.maybeBlank {
		p.errorf(fg.node, fg.where, CodeBadValue, "%s is a multiple of %s, which can be blank; make %s always present", fg.f.Name, b.f.Name, b.f.Name)
		return
	}
	if am, bm := max(abs64(fg.d.lo), abs64(fg.d.hi)), max(abs64(b.lo), abs64(b.hi)); bm != 0 && am > (1<<60)/bm {
		p.errorf(fg.d.node, fg.where, CodeBadValue, "the factor and %s are too large to multiply exactly; use fewer places", b.f.Name)
		return
	}
	lo, hi := productRange(unscale(fg.d.lo, fg.d.places), unscale(fg.d.hi, fg.d.places), unscale(b.lo, b.places), unscale(b.hi, b.places))
	places := fg.places
	if fg.f.Kind == compiler.IntField {
		places = 0
	}
	fg.places = places
	var ok1, ok2 bool
	fg.lo, ok1 = scaled(lo, places, value.HalfUp)
	fg.hi, ok2 = scaled(hi, places, value.HalfUp)
	if !ok1 || !ok2 || hi.Cmp(value.DecimalFromInt(1_000_000_000)) > 0 || lo.Cmp(value.DecimalFromInt(-1_000_000_000)) < 0 {
		p.errorf(fg.d.node, fg.where, CodeBadValue, "the values can reach %s .. %s, which is too large to simulate", lo, hi)
		return
	}
	p.checkRange(fg, fg.d.node)
}

// countedDate works out the range of a date counted in days from the
// record's month (periodLo .. periodHi) or from another date field, and
// checks it against the field's range when the scenario gives the field.
func (p *parser) countedDate(fg *fieldGen, periodLo, periodHi value.Date) {
	blo, bhi := periodLo, periodHi
	if fg.from != nil {
		b := fg.from
		if b.maybeBlank && !fg.f.Optional {
			p.errorf(fg.node, fg.where, CodeBadValue, "%s is counted from %s, which can be blank; make %s optional or %s always present", fg.f.Name, b.f.Name, fg.f.Name, b.f.Name)
			return
		}
		fg.maybeBlank = fg.maybeBlank || b.maybeBlank
		blo, bhi = b.dlo, b.dhi
	}
	fg.dlo, fg.dhi = blo.AddDays(fg.d.lo), bhi.AddDays(fg.d.hi)
	if fg.given {
		p.checkDate(fg, fg.d.node)
	}
}

// productRange returns the smallest and largest products of a number in
// [a, b] and one in [c, d].
func productRange(a, b, c, d value.Decimal) (value.Decimal, value.Decimal) {
	var lo, hi value.Decimal
	for i, x := range []value.Decimal{a, b} {
		for j, y := range []value.Decimal{c, d} {
			pr, _ := x.Mul(y)
			if (i == 0 && j == 0) || pr.Cmp(lo) < 0 {
				lo = pr
			}
			if (i == 0 && j == 0) || pr.Cmp(hi) > 0 {
				hi = pr
			}
		}
	}
	return lo, hi
}

// abs64 returns the absolute value of n.
func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
