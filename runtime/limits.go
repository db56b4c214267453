package runtime

import (
	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
)

// adjustment is one line of a cap or floor: the amount it removes (a cap,
// negative) or makes up (a floor) in instance inst of its scope and in
// settlement period period, with the covered total and the limit it
// follows from.
type adjustment struct {
	inst    int
	period  int
	amount  value.Money
	covered value.Money
	limit   value.Money
}

// limit applies a cap or floor: per instance of its scope it compares the
// covered rules' lines with the limit and adds the adjustment that removes
// the excess (cap) or makes up the shortfall (floor). A cap whose instance
// spans several settlement periods removes the excess in the period where
// it arises; a floor makes up the shortfall in the instance's last period.
func (ev *evaluation) limit(rs *ruleCtx, st *ruleState) {
	r := rs.rule
	n := len(st.vals)
	nPeriods := ev.cal.fromMonth(ev.lastMon, ev.p.c.Settlement) + 1
	acc := ev.coveredSums(rs, n, nPeriods)
	for k := 0; k < n; k++ {
		st.vals[k] = ev.zero
		if acc[k] == nil {
			if r.Kind == lang.Cap {
				continue // nothing covered: nothing to remove
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
		first := len(st.adjust) // this instance's adjustments start here
		ev.adjust(rs, st, k, covered, lim)
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

// coveredSums returns the amounts a cap or floor covers in each of its n
// instances and each of nPeriods periods, nil for an instance that covers
// none. They are added up without allocating for each term (value.Sum): a
// cap may cover millions of lines.
func (ev *evaluation) coveredSums(rs *ruleCtx, n, nPeriods int) [][]value.Sum {
	r := rs.rule
	acc := make([][]value.Sum, n)
	coveredSet := map[*compiler.Rule]bool{}
	for _, c := range r.Covers {
		coveredSet[c] = true
	}
	ev.gatherCovered(r, rs, coveredSet, func(k, p int, amt value.Money) {
		if k < 0 || k >= n || p < 0 || p >= nPeriods {
			return
		}
		if acc[k] == nil {
			acc[k] = ev.zeroSums(nPeriods)
		}
		acc[k][p].Add(amt.Decimal())
	})
	return acc
}

// adjust adds the adjustments of instance k of a cap or floor whose
// covered amounts by period are covered and whose limit is lim.
func (ev *evaluation) adjust(rs *ruleCtx, st *ruleState, k int, covered []value.Money, lim value.Money) {
	r := rs.rule
	total, removed := ev.zero, ev.zero
	for p, amt := range covered {
		total, _ = total.Add(amt)
		if r.Kind != lang.Cap {
			continue
		}
		excess, _ := total.Sub(lim)
		if excess.Sign() <= 0 {
			continue
		}
		adj, _ := excess.Sub(removed)
		if adj.Sign() <= 0 {
			continue
		}
		removed, _ = removed.Add(adj)
		st.adjust = append(st.adjust, adjustment{inst: k, period: p, amount: adj.Neg(), covered: total, limit: lim})
	}
	// A floor makes up the shortfall once its instance is complete: in the
	// instance's last period, which must be within this evaluation.
	if p := ev.periodOf(rs.scope, k); r.Kind == lang.Floor && p < len(covered) {
		short, _ := lim.Sub(total)
		if short.Sign() > 0 {
			st.adjust = append(st.adjust, adjustment{inst: k, period: p, amount: short, covered: total, limit: lim})
		}
	}
}

// gatherCovered calls add with every amount a cap or floor covers: the
// covered rules' lines, and the adjustments of earlier caps and floors over
// a subset of its rules.
func (ev *evaluation) gatherCovered(r *compiler.Rule, rs *ruleCtx, coveredSet map[*compiler.Rule]bool, add func(k, p int, amt value.Money)) {
	for _, c := range r.Covers {
		cst := ev.states[c]
		cs := refOf(c.Scope)
		if c.Instalments != 0 {
			for _, in := range cst.instalments {
				first, _ := ev.cal.monthRange(compiler.MonthScope, in.month)
				k := ev.contain(scopeRef{kind: compiler.MonthScope}, first, rs.scope)
				add(k, in.period, in.amount)
			}
			continue
		}
		for j := range cst.n {
			if !cst.isFired(j) {
				continue
			}
			add(ev.contain(cs, j, rs.scope), ev.periodOf(cs, j), cst.val(j).(value.Money))
		}
	}
	// Earlier caps and floors over a subset of these rules have already
	// adjusted them; count their adjustments too.
	for _, other := range ev.p.c.Rules {
		if other == r || (other.Kind != lang.Cap && other.Kind != lang.Floor) || ev.states[other] == nil {
			continue
		}
		subset := true
		for _, c := range other.Covers {
			subset = subset && coveredSet[c]
		}
		if !subset {
			continue
		}
		for _, a := range ev.states[other].adjust {
			k := ev.contain(refOf(other.Scope), a.inst, rs.scope)
			add(k, a.period, a.amount)
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
