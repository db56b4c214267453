package runtime

import (
	"fmt"
	"slices"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// adjustment is one line of a cap or floor: the amount it removes (a cap,
// negative) or makes up (a floor) in instance inst of its scope and in
// settlement period period, with the covered total and the limit it
// follows from. month is the month it falls in, where a later cap or
// floor counts it.
type adjustment struct {
	inst    int
	period  int
	month   int
	amount  value.Money
	covered value.Money
	limit   value.Money
}

// limit applies a cap or floor: per instance of its scope it compares the
// covered rules' lines, and the adjustments of the caps and floors applied
// before it over some of the same rules (see stacked), with the limit and
// adds the adjustment that removes the excess (cap) or makes up the
// shortfall (floor). A cap whose instance spans several settlement periods
// removes the excess in the period where it arises; a floor makes up the
// shortfall in the instance's last period. Over sanctions, the lines'
// size is limited (see coversSanctions), and a floor enlarges only
// sanctions there are: an instance with none is left alone.
func (ev *evaluation) limit(rs *ruleCtx, st *ruleState) {
	r := rs.rule
	n := len(st.vals)
	for k := range st.vals {
		st.vals[k] = ev.zero
	}
	stacked := ev.stacked(r)
	if !ev.canCount(rs, stacked) {
		return
	}
	nPeriods := ev.cal.fromMonth(ev.lastMon, ev.p.c.Settlement) + 1
	acc := ev.coveredSums(rs, stacked, n, nPeriods)
	if acc == nil {
		return // a covered line could not be placed; the failure is recorded
	}
	sanctions := coversSanctions(r)
	for k := 0; k < n; k++ {
		if acc[k] == nil {
			if r.Kind == lang.Cap || sanctions {
				continue // nothing covered: nothing to remove, no sanction to enlarge
			}
			acc[k] = ev.zeroSums(nPeriods)
		}
		covered := make([]value.Money, nPeriods)
		var sumErr error
		for p := range acc[k] {
			d, err := acc[k][p].Decimal()
			if err != nil {
				sumErr = err
				break
			}
			covered[p] = value.MoneyOf(d)
			if sanctions {
				covered[p] = covered[p].Neg() // the size of the sanctions
			}
		}
		if sumErr != nil {
			ev.failAt(rs, k, "limit", nil, sumErr)
			continue
		}
		v, err := ev.run(rs, r.Limit, k)
		if err != nil {
			ev.failAt(rs, k, "limit", r.Limit, err)
			continue
		}
		lim := v.(value.Money).Round(ev.p.c.MinorUnits, ev.p.c.Rounding)
		if sanctions && lim.Sign() < 0 {
			ev.failAt(rs, k, "limit", r.Limit, fmt.Errorf("the limit is negative (%s); a %s over sanctions limits their size: write it as a positive sum", lim, r.Kind))
			continue
		}
		first := len(st.adjust) // this instance's adjustments start here
		limAt := func(p int) value.Money {
			// Applied period by period, as of each (see asof.go).
			if l, ok := ev.limitAsOf(rs, k, p); ok {
				return l
			}
			return lim
		}
		ev.adjust(rs, st, k, covered, limAt)
		if sanctions {
			// Sizes back to amounts: a cap gives back what it removes from
			// the sanctions, a floor takes what it adds to them.
			for j := first; j < len(st.adjust); j++ {
				a := &st.adjust[j]
				a.amount, a.covered = a.amount.Neg(), a.covered.Neg()
			}
		}
		if len(st.adjust) > first {
			sum := ev.zero
			for _, a := range st.adjust[first:] {
				sum, _ = sum.Add(a.amount)
			}
			st.vals[k] = sum
			st.fired[k] = !sum.IsZero()
		}
	}
}

// coversSanctions reports whether cap or floor r covers sanctions, whose
// lines are negative: it then limits their size, the most (a cap) or the
// least (a floor) they take back. The compiler refuses one covering
// sanctions and other rules together.
func coversSanctions(r *compiler.Rule) bool {
	return len(r.Covers) > 0 && r.Covers[0].Kind == lang.Sanction
}

// stacked returns the caps and floors applied before cap or floor r whose
// covered rules are all among r's: r counts their adjustments, as the
// lines of its rules they changed. The compiler orders caps and floors so
// that one over fewer rules, or over the same rules at a narrower scope,
// comes first.
func (ev *evaluation) stacked(r *compiler.Rule) []*compiler.Rule {
	covers := map[*compiler.Rule]bool{}
	for _, c := range r.Covers {
		covers[c] = true
	}
	var out []*compiler.Rule
	for _, other := range ev.p.c.Rules {
		if other == r {
			break // the caps and floors applied before r come before it
		}
		if other.Kind != lang.Cap && other.Kind != lang.Floor {
			continue
		}
		subset := true
		for _, c := range other.Covers {
			subset = subset && covers[c]
		}
		if subset {
			out = append(out, other)
		}
	}
	return out
}

// canCount reports whether every line cap or floor rs covers, and every
// adjustment of the caps and floors stacked below it, lies in one instance
// of its scope, recording a failure for each that does not: a month's
// total is no one person's, so a cap per person cannot count a rule per
// month, nor a cap per month's adjustments. Such a contract is refused
// whatever its data, rather than leaving the lines out of the limit.
func (ev *evaluation) canCount(rs *ruleCtx, stacked []*compiler.Rule) bool {
	r := rs.rule
	ok := true
	for _, c := range r.Covers {
		if !countable(refOf(c.Scope), rs.scope) {
			ev.fail(r, nil, "covers", r.Scope.String(), nil, withCode(codeBadCovers, fmt.Errorf("%s runs %s, and its lines do not each lie in one instance of %s; limit it %s",
				c.Name, c.Scope, r.Scope, countableScopes(refOf(c.Scope)))))
			ok = false
		}
	}
	for _, o := range stacked {
		if !countable(refOf(o.Scope), rs.scope) {
			ev.fail(r, nil, "covers", r.Scope.String(), nil, withCode(codeBadCovers, fmt.Errorf("%s %s %s applies first, as it covers some of the same rules, and its adjustments do not each lie in one instance of %s; limit them together %s",
				o.Kind, o.Name, o.Scope, r.Scope, countableScopes(refOf(o.Scope)))))
			ok = false
		}
	}
	return ok
}

// countable reports whether every line (or adjustment) of scope from lies
// in one instance of scope to, a cap's or floor's: any line lies in a
// month, quarter, year and the term (the one its month is in); a record's
// and a person's lie in a person.
func countable(from, to scopeRef) bool {
	switch {
	case to.kind.IsTime():
		return true
	case to.kind == compiler.GroupScope:
		return from == to || from.kind == compiler.RecordScope && to.group.Holds(from.schema) ||
			from.kind == compiler.GroupScope && subGroup(to.group, from.group)
	case to.kind == compiler.PersonScope && from.kind == compiler.GroupScope:
		return slices.Contains(from.group.Fields, "person")
	}
	return to.kind == compiler.PersonScope && (from.kind == compiler.RecordScope || from.kind == compiler.PersonScope)
}

// subGroup reports whether every field of group a is one of b's: each
// instance of b then lies in one of a.
func subGroup(a, b *compiler.Group) bool {
	for _, f := range a.Fields {
		if !slices.Contains(b.Fields, f) {
			return false
		}
	}
	return true
}

// countableScopes says at which scopes the lines of scope from can be
// limited, for a message.
func countableScopes(from scopeRef) string {
	switch from.kind {
	case compiler.PersonScope:
		return "per person, month, quarter, year or term"
	case compiler.GroupScope:
		return "per " + from.group.String() + ", month, quarter, year or term"
	}
	return "per month, quarter, year or term"
}

// countIn returns the instance of scope to that a line or adjustment of
// instance i of scope from, falling in month m, counts in, or -1: the
// instance holding its month for a time scope, the instance containing it
// otherwise (see countable).
func (ev *evaluation) countIn(from scopeRef, i, m int, to scopeRef) int {
	if to.kind.IsTime() {
		return ev.cal.fromMonth(m, to.kind)
	}
	return ev.contain(from, i, to)
}

// coveredSums returns the amounts a cap or floor covers in each of its n
// instances and each of nPeriods periods, nil for an instance that covers
// none; it returns nil, recording the failure, when a line has no instance
// to count in. They are added up without allocating for each term
// (value.Sum): a cap may cover millions of lines.
func (ev *evaluation) coveredSums(rs *ruleCtx, stacked []*compiler.Rule, n, nPeriods int) [][]value.Sum {
	acc := make([][]value.Sum, n)
	ok := true
	ev.gatherCovered(rs, stacked, func(from scopeRef, i, k, p int, amt value.Money) {
		if k < 0 {
			if ok {
				ev.fail(rs.rule, nil, "covers", ev.instanceName(from, i), ev.recordOf(from, i),
					fmt.Errorf("this line has no %s to count in", rs.scope.kind))
			}
			ok = false
			return
		}
		if k >= n || p < 0 || p >= nPeriods {
			return // after the evaluation's last period
		}
		if acc[k] == nil {
			acc[k] = ev.zeroSums(nPeriods)
		}
		acc[k][p].Add(amt.Decimal())
	})
	if !ok {
		return nil
	}
	return acc
}

// recordOf returns the record of instance i of scope s, or nil for an
// aggregate.
func (ev *evaluation) recordOf(s scopeRef, i int) *value.Record {
	if s.kind != compiler.RecordScope {
		return nil
	}
	return ev.recs[s.schema][i].rec
}

// adjust adds the adjustments of instance k of a cap or floor whose
// covered amounts by period are covered and whose limit in period p is
// limAt(p).
func (ev *evaluation) adjust(rs *ruleCtx, st *ruleState, k int, covered []value.Money, limAt func(p int) value.Money) {
	r := rs.rule
	last := ev.monthOf(rs.scope, k)
	month := func(p int) int {
		_, end := ev.cal.monthRange(ev.p.c.Settlement, p)
		return min(end, last)
	}
	total, removed := ev.zero, ev.zero
	for p, amt := range covered {
		total, _ = total.Add(amt)
		if r.Kind != lang.Cap {
			continue
		}
		lim := limAt(p)
		excess, _ := total.Sub(lim)
		if excess.Sign() <= 0 {
			continue
		}
		adj, _ := excess.Sub(removed)
		if adj.Sign() <= 0 {
			continue
		}
		removed, _ = removed.Add(adj)
		st.adjust = append(st.adjust, adjustment{inst: k, period: p, month: month(p), amount: adj.Neg(), covered: total, limit: lim})
	}
	// A floor makes up the shortfall once its instance is complete: in the
	// instance's last period, which must be within this evaluation.
	if p := ev.periodOf(rs.scope, k); r.Kind == lang.Floor && p < len(covered) {
		lim := limAt(p)
		short, _ := lim.Sub(total)
		if short.Sign() > 0 {
			st.adjust = append(st.adjust, adjustment{inst: k, period: p, month: month(p), amount: short, covered: total, limit: lim})
		}
	}
}

// gatherCovered calls add with every amount cap or floor rs covers, with
// where it comes from (instance i of scope from), the instance k of rs's
// scope it counts in and its settlement period p: the covered rules'
// lines, and the adjustments of the caps and floors stacked below it.
func (ev *evaluation) gatherCovered(rs *ruleCtx, stacked []*compiler.Rule, addAll func(from scopeRef, i, k, p int, amt value.Money)) {
	add := func(r *compiler.Rule, from scopeRef, i, k, p int, amt value.Money) { addAll(from, i, k, p, amt) }
	if payer := capPayer(rs.rule); payer >= 0 {
		// A cap or floor for one payer counts that payer's parts alone.
		add = func(r *compiler.Rule, from scopeRef, i, k, p int, amt value.Money) {
			addAll(from, i, k, p, ev.partOf(r, p, amt, payer))
		}
	}
	for _, c := range rs.rule.Covers {
		cst := ev.state(c)
		cs := refOf(c.Scope)
		if c.Instalments != 0 {
			for _, in := range cst.instalments {
				add(c, cs, in.inst, ev.countIn(cs, in.inst, in.month, rs.scope), in.period, in.amount)
			}
			continue
		}
		for j := range cst.n {
			if !cst.isFired(j) {
				continue
			}
			m := ev.lineMonth(c, cst, j)
			if m < 0 {
				continue // due outside the term, or after this evaluation
			}
			add(c, cs, j, ev.countIn(cs, j, m, rs.scope), ev.cal.fromMonth(m, ev.p.c.Settlement), cst.val(j).(value.Money))
		}
	}
	for _, o := range stacked {
		os := refOf(o.Scope)
		for _, a := range ev.state(o).adjust {
			add(o, os, a.inst, ev.countIn(os, a.inst, a.month, rs.scope), a.period, a.amount)
		}
	}
}

// zeroSums returns n sums, each holding the contract's zero amount, so that
// a sum of no amounts is that zero.
func (ev *evaluation) zeroSums(n int) []value.Sum {
	sums := make([]value.Sum, n)
	for i := range sums {
		sums[i].Add(ev.zero.Decimal())
	}
	return sums
}
