package bound

import (
	"fmt"

	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// scopeAt is an instance of a scope: for a time scope the instance's
// number (inst), for a record or person scope any record or person (inst
// -1). A time scope with inst -1 is any of its instances.
type scopeAt struct {
	kind   compiler.ScopeKind
	schema *compiler.Schema
	group  *compiler.Group
	inst   int
}

func atOf(r *compiler.Rule, inst int) scopeAt {
	return scopeAt{kind: r.Scope.Kind, schema: r.Scope.Schema, group: r.Scope.Group, inst: inst}
}

// instanceScope reports whether a scope's instances are people or groups:
// neither records nor periods.
func instanceScope(k compiler.ScopeKind) bool {
	return k == compiler.PersonScope || k == compiler.GroupScope
}

// analysis holds the state of one Analyze.
type analysis struct {
	c       *compiler.Contract
	cal     *compiler.Calendar
	params  map[string]ref.Val
	maxRecs map[string]int64
	months  int
	vals    map[valKey]val
	busy    map[valKey]bool
	// payer is the payer whose parts of the lines and adjustments the
	// analysis adds up (by index), or wholePayer for the whole lines.
	payer int
}

type valKey struct {
	rule *compiler.Rule
	inst int
}

// ruleVal returns what rule t's name evaluates to in instance at of its own
// scope: its line's amount (zero when it does not fire), a let's value, a
// standard's or flag's truth.
func (a *analysis) ruleVal(t *compiler.Rule, at scopeAt) val {
	if at.kind.IsTime() && at.inst < 0 {
		n := a.cal.Count(at.kind)
		out := a.ruleVal(t, scopeAt{kind: at.kind, inst: 0})
		for i := 1; i < n; i++ {
			out = hullVal(out, a.ruleVal(t, scopeAt{kind: at.kind, inst: i}))
		}
		return out
	}
	key := valKey{t, at.inst}
	if v, ok := a.vals[key]; ok {
		return v
	}
	if a.busy[key] {
		return top(t.Name + " depends on itself")
	}
	a.busy[key] = true
	v := a.compute(t, at)
	delete(a.busy, key)
	a.vals[key] = v
	return v
}

func (a *analysis) compute(t *compiler.Rule, at scopeAt) val {
	switch t.Kind {
	case lang.Let:
		return a.expr(t, t.Value, at)
	case lang.Standard, lang.Flag, lang.Exclude:
		return boolean(true, true)
	case lang.Cap, lang.Floor:
		return top("the adjustments of " + t.Name)
	}
	return num(tMoney, a.amount(t, at))
}

// amount returns the interval of rule t's line in instance at, zero when
// it does not fire: rounded once to the minor unit, negative for a
// sanction.
func (a *analysis) amount(t *compiler.Rule, at scopeAt) Interval {
	fires, idle := true, false
	if t.When != nil {
		fires, idle = truth(a.expr(t, t.When, at))
	}
	zero := exact(new(apd.Decimal), t.Name+" does not fire")
	if !fires {
		return zero
	}
	var amt Interval
	if t.Kind == lang.Share {
		amt = mul(numOf(a.expr(t, t.Basis, at)), numOf(a.expr(t, t.Part, at)))
	} else {
		// A negative amount is an evaluation error, never a line.
		amt = clampNonNeg(numOf(a.expr(t, t.Amount, at)))
	}
	amt = roundIv(amt, a.c.MinorUnits, a.c.Rounding)
	if t.Kind == lang.Sanction {
		amt = neg(amt)
	}
	if idle {
		amt = hull(amt, zero)
	}
	return amt
}

// read returns rule t's value as an expression in scope instance from
// reads it: the instance of t's scope that holds from's, or the sum of
// t's values in the instances from holds.
func (a *analysis) read(t *compiler.Rule, from scopeAt) val {
	tk := t.Scope.Kind
	switch {
	case from.kind == compiler.RecordScope && tk == compiler.RecordScope:
		switch {
		case t.Scope.Schema == from.schema || isAncestor(t.Scope.Schema, from.schema):
			return a.ruleVal(t, atOf(t, -1))
		case isAncestor(from.schema, t.Scope.Schema):
			n := intEnd(1)
			for s := t.Scope.Schema; s != from.schema; s = s.Parent {
				n = mulEnds(n, itemsEnd(s), 1)
			}
			return a.sumOf(t, a.ruleVal(t, atOf(t, -1)), n)
		}
	case from.kind == compiler.RecordScope && instanceScope(tk):
		return a.ruleVal(t, atOf(t, -1))
	case from.kind == compiler.RecordScope && tk.IsTime():
		return a.ruleVal(t, scopeAt{kind: tk, inst: -1})
	case from.kind.IsTime() && tk.IsTime() && tk >= from.kind:
		if from.inst < 0 {
			return a.ruleVal(t, scopeAt{kind: tk, inst: -1})
		}
		first, _ := a.cal.MonthRange(from.kind, from.inst)
		return a.ruleVal(t, scopeAt{kind: tk, inst: a.cal.InstanceOf(tk, first)})
	case from.kind.IsTime() && tk.IsTime():
		if from.inst < 0 {
			return top(t.Name + " summed over an unknown period")
		}
		lo, hi := a.cal.MonthRange(from.kind, from.inst)
		var sum val
		started := false
		for j := 0; j < a.cal.Count(tk); j++ {
			if f, _ := a.cal.MonthRange(tk, j); f < lo || f > hi {
				continue
			}
			v := a.ruleVal(t, scopeAt{kind: tk, inst: j})
			if !started {
				sum, started = v, true
				continue
			}
			if sum.k != kNum || v.k != kNum {
				return top(t.Name + " summed over a period")
			}
			sum = num(sum.nt, add(sum.iv, v.iv))
		}
		if !started {
			return top(t.Name + " summed over a period")
		}
		return sum
	case from.kind.IsTime() && tk == compiler.RecordScope:
		return a.sumOf(t, a.ruleVal(t, atOf(t, -1)), a.recordsIn(t.Scope.Schema, from))
	case instanceScope(from.kind) && from.kind == tk && from.group == t.Scope.Group:
		return a.ruleVal(t, atOf(t, -1))
	case instanceScope(from.kind) && tk == compiler.RecordScope:
		return a.sumOf(t, a.ruleVal(t, atOf(t, -1)), a.recordsIn(t.Scope.Schema, from))
	}
	return top(fmt.Sprintf("%s read %s", t.Name, scopeWord(from)))
}

func scopeWord(at scopeAt) string {
	if at.kind == compiler.RecordScope {
		return "for " + at.schema.Name
	}
	return "per " + at.kind.String()
}

// sumOf returns the sum of up to n values v of rule t, or none.
func (a *analysis) sumOf(t *compiler.Rule, v val, n End) val {
	if v.k != kNum {
		return top(t.Name + " summed over records")
	}
	return num(v.nt, scale(v.iv, n))
}

func isAncestor(anc, s *compiler.Schema) bool {
	for p := s.Parent; p != nil; p = p.Parent {
		if p == anc {
			return true
		}
	}
	return false
}

// itemsEnd returns the most records of nested schema s in one parent.
func itemsEnd(s *compiler.Schema) End {
	if s.ParentField == nil || s.ParentField.MaxItems <= 0 {
		return infEnd(1, fmt.Sprintf("the list of %s has no maximum size", s.Name))
	}
	return intEnd(int64(s.ParentField.MaxItems), fmt.Sprintf("at most %d %s in a %s", s.ParentField.MaxItems, s.Name, s.Parent.Name))
}

// recordsIn returns the most records of schema s in instance at: in a
// record scope, the nested records of one record; in a time instance, the
// records dated in its months; for a person, the person's records.
func (a *analysis) recordsIn(s *compiler.Schema, at scopeAt) End {
	switch {
	case at.kind == compiler.RecordScope:
		n := intEnd(1)
		for x := s; x != nil && x != at.schema; x = x.Parent {
			n = mulEnds(n, itemsEnd(x), 1)
		}
		return n
	case at.kind.IsTime() && at.inst >= 0:
		first, last := a.cal.MonthRange(at.kind, at.inst)
		return a.recordsInMonths(s, first, last)
	}
	return a.recordsInMonths(s, 0, a.months-1)
}

// recordsInMonths returns the most records of schema s dated in months
// first to last.
func (a *analysis) recordsInMonths(s *compiler.Schema, first, last int) End {
	if s.Parent != nil {
		return mulEnds(a.recordsInMonths(s.Parent, first, last), itemsEnd(s), 1)
	}
	if s.PeriodField == nil {
		return intEnd(0)
	}
	n, ok := a.maxRecs[s.Name]
	if !ok {
		return infEnd(1, fmt.Sprintf("the number of %s records in a period has no declared maximum", s.Name))
	}
	periods := a.cal.InstanceOf(a.c.Settlement, last) - a.cal.InstanceOf(a.c.Settlement, first) + 1
	return intEnd(n*int64(periods), fmt.Sprintf("at most %d %s records in a period", n, s.Name))
}

// instancesIn returns the most persons or groups of scope s whose line
// falls in months first to last: each falls in a period holding one of
// their records.
func (a *analysis) instancesIn(s compiler.Scope, first, last int) End {
	n := intEnd(0)
	for _, sc := range a.c.Schemas {
		switch {
		case s.Kind == compiler.PersonScope && sc.Parent == nil && sc.PersonField != nil,
			s.Kind == compiler.GroupScope && s.Group.Holds(sc):
			n = addEnds(n, a.recordsInMonths(sc, first, last), 1)
		}
	}
	return n
}

// linesIn returns the interval of the sum of line rule t's lines falling
// in months first to last; in an analysis of one payer's parts, of its
// parts of them.
func (a *analysis) linesIn(t *compiler.Rule, first, last int) Interval {
	if a.split() {
		return a.partsIn(t, first, last)
	}
	switch k := t.Scope.Kind; {
	case k == compiler.RecordScope:
		return scale(a.amount(t, atOf(t, -1)), a.recordsInMonths(t.Scope.Schema, first, last))
	case instanceScope(k):
		return scale(a.amount(t, atOf(t, -1)), a.instancesIn(t.Scope, first, last))
	case t.Instalments != 0:
		sum := exact(new(apd.Decimal))
		for i := 0; i < a.cal.Count(k); i++ {
			sum = add(sum, a.instalmentsIn(t, i, first, last))
		}
		return sum
	default:
		sum := exact(new(apd.Decimal))
		for i := 0; i < a.cal.Count(k); i++ {
			if _, m := a.cal.MonthRange(k, i); m >= first && m <= last {
				sum = add(sum, numOf(a.ruleVal(t, atOf(t, i))))
			}
		}
		return sum
	}
}

// instalmentsIn returns the interval of the instalments of instance i of
// rule t that fall in months first to last. Each instalment is the amount
// over n rounded to the minor unit; the last takes the remainder, which
// lies within (n-1) minor units of the amount over n.
func (a *analysis) instalmentsIn(t *compiler.Rule, i, first, last int) Interval {
	from, to := a.cal.MonthRange(t.Scope.Kind, i)
	per := a.cal.MonthsPer(t.Instalments)
	var starts []int
	for m := from; m <= to; m += per {
		starts = append(starts, m)
	}
	total := numOf(a.ruleVal(t, atOf(t, i)))
	if len(starts) > 0 && starts[0] >= first && starts[len(starts)-1] <= last {
		return total // the instalments add up to the amount exactly
	}
	n := apd.New(int64(len(starts)), 0)
	share := quo(total, exact(n), "")
	part := roundIv(share, a.c.MinorUnits, a.c.Rounding)
	unit := apd.New(int64(len(starts)-1), -a.c.MinorUnits)
	slack := Interval{negEnd(point(unit)), point(unit)}
	rest := add(share, slack)
	sum := exact(new(apd.Decimal))
	for k, m := range starts {
		if m < first || m > last {
			continue
		}
		if k == len(starts)-1 {
			sum = add(sum, rest)
		} else {
			sum = add(sum, part)
		}
	}
	return sum
}

// moneyZero is an exact zero amount.
func moneyZero() Interval { return exact(new(apd.Decimal)) }

// perRecord reports whether rule t, read inside an aggregate's body over
// records of schema s, has a value for each record, as the evaluator
// decides: a rule per a time scope or person, or over the same records or
// records related to them by nesting.
func perRecord(t *compiler.Rule, s *compiler.Schema) bool {
	if t.Scope.Kind != compiler.RecordScope {
		return true
	}
	ts := t.Scope.Schema
	return ts == s || isAncestor(ts, s) || isAncestor(s, ts)
}
