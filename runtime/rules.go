package runtime

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
)

// rule evaluates one rule in every instance of its scope.
func (ev *evaluation) rule(r *compiler.Rule) {
	rs := &ruleCtx{rule: r, scope: refOf(r.Scope), reads: map[string]*compiler.Rule{}}
	for _, d := range r.Deps {
		rs.reads[d.Name] = d
	}
	n := ev.count(rs.scope)
	st := &ruleState{rule: r, vals: make([]ref.Val, n), fired: make([]bool, n), n: n}
	ev.states[r] = st
	switch r.Kind {
	case lang.Cap, lang.Floor:
		ev.limit(rs, st)
		return
	case lang.Let:
		st.lazy, st.once, st.rs = true, make([]sync.Once, n), rs
		return
	}
	// worker returns the function that evaluates instances for one worker:
	// remembering results by the values they read, when the rule allows.
	worker := func() func(int) { return func(i int) { ev.instance(rs, st, i) } }
	if plan := ev.planMemo(rs); plan != nil {
		worker = func() func(int) { return ev.memoWorker(rs, st, plan).eval }
	}
	// Record scopes have no previous() and no order between instances, so
	// they run in parallel; each instance writes only its own slot.
	if rs.scope.kind == compiler.RecordScope && ev.p.workers > 1 && n >= 256 {
		var wg sync.WaitGroup
		chunk := (n + ev.p.workers - 1) / ev.p.workers
		for w := 0; w < ev.p.workers; w++ {
			lo, hi := w*chunk, min((w+1)*chunk, n)
			if lo >= hi {
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				eval := worker()
				for i := lo; i < hi; i++ {
					if i%1024 == 0 && ev.ctx.Err() != nil {
						return
					}
					eval(i)
				}
			}()
		}
		wg.Wait()
	} else {
		eval := worker()
		for i := 0; i < n; i++ {
			eval(i)
		}
	}
	if r.Kind == lang.Standard {
		ev.escalate(st)
	}
	if r.Instalments != 0 {
		ev.split(rs, st)
	}
	if rs.scope.kind == compiler.RecordScope {
		st.compact()
	}
}

// run evaluates one expression for one instance.
func (ev *evaluation) run(rs *ruleCtx, e *compiler.Expression, i int) (ref.Val, error) {
	act := &activation{ev: ev, rs: rs, inst: i}
	if ev.p.cov != nil {
		return ev.p.cov.run(ev.ctx, rs.rule, e, act)
	}
	out, _, err := e.Program.ContextEval(ev.ctx, act)
	if err != nil {
		return nil, err
	}
	if types.IsError(out) {
		return nil, out.(*types.Err)
	}
	return out, nil
}

// instance evaluates a rule's condition and value for instance i.
func (ev *evaluation) instance(rs *ruleCtx, st *ruleState, i int) {
	r := rs.rule
	switch r.Kind {
	case lang.Let:
		v, err := ev.run(rs, r.Value, i)
		if err != nil {
			ev.failAt(rs, i, "value", r.Value, err)
			v = types.NewErr("%s could not be evaluated", r.Name)
		}
		st.vals[i] = v
		return
	case lang.Standard:
		ev.standard(rs, st, i)
		return
	}
	fires := true
	if r.When != nil {
		v, err := ev.run(rs, r.When, i)
		if err != nil {
			ev.failAt(rs, i, "condition", r.When, err)
			return
		}
		fires = v == types.True
	}
	st.fired[i] = fires
	if r.Kind == lang.Flag {
		st.vals[i] = types.Bool(fires)
		return
	}
	st.vals[i] = ev.zero
	if !fires {
		return
	}
	var amount value.Money
	switch r.Kind {
	case lang.Share:
		basis, err := ev.run(rs, r.Basis, i)
		if err != nil {
			ev.failAt(rs, i, "basis", r.Basis, err)
			return
		}
		part, err := ev.run(rs, r.Part, i)
		if err != nil {
			ev.failAt(rs, i, "part", r.Part, err)
			return
		}
		pd, ok := part.(value.Decimal)
		if n, isInt := part.(types.Int); isInt {
			pd, ok = value.DecimalFromInt(int64(n)), true
		}
		if !ok {
			ev.failAt(rs, i, "part", r.Part, fmt.Errorf("expected a number, got %s", part.Type().TypeName()))
			return
		}
		amount, err = basis.(value.Money).Mul(pd)
		if err != nil {
			ev.failAt(rs, i, "amount", nil, err)
			return
		}
	default:
		v, err := ev.run(rs, r.Amount, i)
		if err != nil {
			ev.failAt(rs, i, "amount", r.Amount, err)
			return
		}
		amount = v.(value.Money)
		if amount.Sign() < 0 {
			ev.failAt(rs, i, "amount", r.Amount, fmt.Errorf("the amount is negative (%s); write %s amounts as positive sums", amount, r.Kind))
			return
		}
	}
	amount = amount.Round(ev.p.c.MinorUnits, ev.p.c.Rounding)
	if r.Kind == lang.Sanction {
		amount = amount.Neg()
	}
	st.vals[i] = amount
}

// standard measures a standard in instance i.
func (ev *evaluation) standard(rs *ruleCtx, st *ruleState, i int) {
	r := rs.rule
	t, err := ev.run(rs, r.Target, i)
	if err != nil {
		ev.failAt(rs, i, "target", r.Target, err)
		st.vals[i] = types.False
		st.standards = append(st.standards, StandardResult{})
		return
	}
	m, err := ev.run(rs, r.Measure, i)
	if err != nil && noRecords(err) {
		// Nothing to measure in this instance (a ratio over no records):
		// the standard is not measured, and reads as not met.
		st.vals[i] = types.False
		st.standards = append(st.standards, StandardResult{Rule: r.Name, Title: r.Title, Instance: ev.cal.label(r.Scope.Kind, i),
			period: ev.periodOf(rs.scope, i), Target: asDecimal(t), Op: r.TargetOp, NotMeasured: err.Error(), AsPercent: r.TargetPercent})
		return
	}
	if err != nil {
		ev.failAt(rs, i, "measure", r.Measure, err)
		st.vals[i] = types.False
		st.standards = append(st.standards, StandardResult{})
		return
	}
	md, td := asDecimal(m), asDecimal(t)
	cmp := md.Cmp(td)
	met := false
	switch r.TargetOp {
	case ">=":
		met = cmp >= 0
	case ">":
		met = cmp > 0
	case "<=":
		met = cmp <= 0
	case "<":
		met = cmp < 0
	case "==":
		met = cmp == 0
	case "!=":
		met = cmp != 0
	}
	st.vals[i] = types.Bool(met)
	res := StandardResult{Rule: r.Name, Title: r.Title, Instance: ev.cal.label(r.Scope.Kind, i),
		period: ev.periodOf(rs.scope, i), Measure: md, Target: td, Op: r.TargetOp, Met: met, AsPercent: r.TargetPercent}
	if num, den, ok := md.Fraction(); ok {
		res.Numerator, res.Denominator = &num, &den
	}
	st.standards = append(st.standards, res)
}

// escalate sets each breach's consequence: the escalated one once the
// standard has been breached in RepeatCount consecutive instances.
func (ev *evaluation) escalate(st *ruleState) {
	r := st.rule
	run := 0
	for i := range st.standards {
		s := &st.standards[i]
		if s.Rule == "" || s.NotMeasured != "" {
			run = 0
			continue
		}
		if s.Met {
			run = 0
			continue
		}
		run++
		s.Consecutive = run
		s.Consequence = r.Breach
		if r.RepeatCount > 0 && run >= r.RepeatCount {
			s.Consequence = r.Repeated
		}
	}
}

func asDecimal(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case value.Decimal:
		return x
	case types.Int:
		return value.DecimalFromInt(int64(x))
	}
	return value.DecimalFromInt(0)
}

// split divides each instance's amount into instalments: equal parts
// rounded to the minor unit, the last taking the remainder so the parts sum
// exactly to the amount.
func (ev *evaluation) split(rs *ruleCtx, st *ruleState) {
	r := rs.rule
	for i, v := range st.vals {
		if !st.fired[i] {
			continue
		}
		total := v.(value.Money)
		first, last := ev.cal.monthRange(r.Scope.Kind, i)
		per := monthsPer(r.Instalments, len(ev.cal.months))
		var starts []int
		for m := first; m <= last; m += per {
			starts = append(starts, m)
		}
		n := value.DecimalFromInt(int64(len(starts)))
		part, err := total.Quo(n)
		if err != nil {
			ev.failAt(rs, i, "instalments", nil, err)
			continue
		}
		part = part.Round(ev.p.c.MinorUnits, ev.p.c.Rounding)
		paid := ev.zero
		for k, m := range starts {
			amt := part
			if k == len(starts)-1 {
				amt, _ = total.Sub(paid)
			}
			paid, _ = paid.Add(amt)
			if m > ev.lastMon {
				continue
			}
			st.instalments = append(st.instalments, instalment{inst: i, month: m, period: ev.cal.fromMonth(m, ev.p.c.Settlement), amount: amt})
		}
	}
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
	// The covered amounts of each instance and period, added up without
	// allocating for each term (value.Sum): a cap may cover millions of
	// lines.
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
		// A floor makes up the shortfall once its instance is complete: in
		// the instance's last period, which must be within this evaluation.
		if p := ev.periodOf(rs.scope, k); r.Kind == lang.Floor && p < nPeriods {
			short, _ := lim.Sub(total)
			if short.Sign() > 0 {
				st.adjust = append(st.adjust, adjustment{inst: k, period: p, amount: short, covered: total, limit: lim})
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

// noRecords reports whether an error comes from an aggregate over no
// records, such as ratio(episode, ...) in a quarter with no episodes.
func noRecords(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "of zero records") || strings.Contains(msg, "of no records")
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
