package runtime

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// rule evaluates one rule in every instance of its scope, and returns its
// state.
func (ev *evaluation) rule(r *compiler.Rule) *ruleState {
	rs := ev.ctxOf(r)
	n := ev.count(rs.scope)
	st := &ruleState{rule: r, n: n}
	direct := compactsAsEvaluated(rs, n)
	if !direct {
		st.vals, st.fired = make([]ref.Val, n), make([]bool, n)
	}
	rs.self = st
	if r.Due != nil {
		st.due, st.dueDates = make([]int32, n), make([]value.Date, n)
		for i := range st.due {
			st.due[i] = dueNone
		}
	}
	switch r.Kind {
	case lang.Cap, lang.Floor:
		ev.limit(rs, st)
		return st
	case lang.Let:
		st.lazy, st.once, st.rs = true, make([]sync.Once, n), rs
		return st
	}
	// worker returns the function that evaluates instances lo to hi-1 for
	// one worker, w: remembering results by the values they read, when the
	// rule allows. Each worker puts its results in its own outcomes.
	outs := make([]*outcomes, ev.instanceWorkers(rs, n))
	var slots []uint8
	if direct {
		slots = make([]uint8, n)
	}
	// part returns a worker's slots, or nil when the rule is not
	// compacted as it is evaluated.
	part := func(lo, hi int) []uint8 {
		if slots == nil {
			return nil
		}
		return slots[lo:hi:hi]
	}
	worker := func(w, lo, hi int) func(int) {
		outs[w] = st.outcomes(lo, part(lo, hi))
		return func(i int) { ev.instance(rs, st, outs[w], i) }
	}
	if plan := ev.planMemo(rs); plan != nil {
		var kept []*memoTable
		if ev.mem != nil && ev.root == nil && plan.lasting {
			kept = ev.mem.tables(r, len(outs))
		}
		worker = func(w, lo, hi int) func(int) {
			outs[w] = st.outcomes(lo, part(lo, hi))
			if kept != nil {
				return ev.memoWorker(rs, outs[w], plan, kept[w]).eval
			}
			return ev.memoWorker(rs, outs[w], plan, newMemoTable()).eval
		}
	}
	ev.runInstances(rs, n, worker)
	if direct {
		st.gather(outs, slots)
	}
	if r.Once != nil {
		ev.claimOnce(rs, st)
	}
	if r.Kind == lang.Standard {
		ev.escalate(st)
	}
	if r.Instalments != 0 {
		ev.split(rs, st)
	}
	if r.Due != nil {
		ev.noteDueOutside(rs, st)
	}
	if dueWhenFirstHeld(r) {
		ev.personDue(rs, st)
	}
	if rs.scope.kind == compiler.RecordScope && !direct {
		st.compact()
	}
	return st
}

// compactsAsEvaluated reports whether the results of rule rs, over n
// instances, are compacted as they are evaluated (see outcomes), rather
// than held in full and compacted after: for a rule over compactFrom
// records or more whose results nothing changes once evaluated, an
// amount or a flag with no claim once, instalments or due date first
// held.
func compactsAsEvaluated(rs *ruleCtx, n int) bool {
	r := rs.rule
	if rs.scope.kind != compiler.RecordScope || n < compactFrom || n >= math.MaxUint32 ||
		r.Once != nil || r.Instalments != 0 || dueWhenFirstHeld(r) {
		return false
	}
	switch r.Kind {
	case lang.Payment, lang.Incentive, lang.Sanction, lang.Share, lang.Flag:
		return true
	}
	return false
}

// runInstances evaluates instances 0 to n-1 of rule rs, each with a
// function newWorker makes for the goroutine evaluating it, passing the
// worker's number (from 0, below instanceWorkers) and the instances it
// evaluates, lo to hi-1. Record scopes have no previous() and no order
// between instances, so they run in parallel, a chunk of records to each
// worker; each instance writes only its own slot.
func (ev *evaluation) runInstances(rs *ruleCtx, n int, newWorker func(w, lo, hi int) func(int)) {
	if ev.instanceWorkers(rs, n) == 1 {
		eval := newWorker(0, 0, n)
		for i := 0; i < n; i++ {
			if i%1024 == 0 && ev.context().Err() != nil {
				return
			}
			eval(i)
		}
		return
	}
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
			eval := newWorker(w, lo, hi)
			for i := lo; i < hi; i++ {
				if i%1024 == 0 && ev.context().Err() != nil {
					return
				}
				eval(i)
			}
		}()
	}
	wg.Wait()
}

// instanceWorkers returns how many workers runInstances evaluates n
// instances of rule rs with, at most.
func (ev *evaluation) instanceWorkers(rs *ruleCtx, n int) int {
	if rs.scope.kind != compiler.RecordScope || ev.p.workers < 2 || n < 256 {
		return 1
	}
	return ev.p.workers
}

// run evaluates one expression for one instance.
func (ev *evaluation) run(rs *ruleCtx, e *compiler.Expression, i int) (ref.Val, error) {
	act := &activation{ev: ev, rs: rs, inst: i}
	if ev.p.cov != nil {
		return ev.p.cov.run(ev.context(), rs.rule, e, act)
	}
	out, det, err := ev.p.evalExpr(ev.context(), e, act)
	ev.spend(det)
	if err != nil {
		return nil, err
	}
	if types.IsError(out) {
		return nil, out.(*types.Err)
	}
	return out, nil
}

// instance evaluates a rule's condition and value for instance i: a let's
// or a standard's into the rule's state, any other's into o.
func (ev *evaluation) instance(rs *ruleCtx, st *ruleState, o *outcomes, i int) {
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
	v, fired := ev.outcome(rs, st, i)
	o.set(i, v, fired)
}

// outcome evaluates the condition and value of instance i of a rule with
// lines or a flag: its value, nil when it could not be evaluated, and
// whether it fired.
func (ev *evaluation) outcome(rs *ruleCtx, st *ruleState, i int) (v ref.Val, fired bool) {
	r := rs.rule
	if r.Instalments != 0 {
		if v, fired, ok := ev.instalmentsAsOf(rs, i); ok {
			return v, fired
		}
	}
	fires := true
	if r.When != nil {
		v, err := ev.run(rs, r.When, i)
		if err != nil {
			ev.failAt(rs, i, "condition", r.When, err)
			return nil, false
		}
		fires = v == types.True
	}
	if fires && r.Due != nil && !ev.dueDate(rs, st, i) {
		return nil, false
	}
	if r.Kind == lang.Flag {
		return types.Bool(fires), fires
	}
	if !fires {
		return ev.zero, false
	}
	amount, ok := ev.amount(rs, i)
	if !ok {
		return ev.zero, true
	}
	amount = amount.Round(ev.p.c.MinorUnits, ev.p.c.Rounding)
	if r.Kind == lang.Sanction {
		amount = amount.Neg()
	}
	return amount, true
}

// amount computes the amount of rule rs in instance i, not yet rounded.
// ok is false when it could not be computed; the failure is recorded.
func (ev *evaluation) amount(rs *ruleCtx, i int) (amount value.Money, ok bool) {
	r := rs.rule
	if r.Kind == lang.Share {
		return ev.shareAmount(rs, i)
	}
	v, err := ev.run(rs, r.Amount, i)
	if err != nil {
		ev.failAt(rs, i, "amount", r.Amount, err)
		return amount, false
	}
	amount = v.(value.Money)
	if amount.Sign() < 0 {
		ev.failAt(rs, i, "amount", r.Amount, fmt.Errorf("the amount is negative (%s); write %s amounts as positive sums", amount, r.Kind))
		return amount, false
	}
	return amount, true
}

// shareAmount computes a share's amount in instance i: its basis times its
// part.
func (ev *evaluation) shareAmount(rs *ruleCtx, i int) (amount value.Money, ok bool) {
	r := rs.rule
	basis, err := ev.run(rs, r.Basis, i)
	if err != nil {
		ev.failAt(rs, i, "basis", r.Basis, err)
		return amount, false
	}
	part, err := ev.run(rs, r.Part, i)
	if err != nil {
		ev.failAt(rs, i, "part", r.Part, err)
		return amount, false
	}
	pd, ok := part.(value.Decimal)
	if n, isInt := part.(types.Int); isInt {
		pd, ok = value.DecimalFromInt(int64(n)), true
	}
	if !ok {
		ev.failAt(rs, i, "part", r.Part, fmt.Errorf("expected a number, got %s", part.Type().TypeName()))
		return amount, false
	}
	amount, err = basis.(value.Money).Mul(pd)
	if err != nil {
		ev.failAt(rs, i, "amount", nil, err)
		return amount, false
	}
	return amount, true
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

// asDecimal returns a measure or target as a decimal, or zero when it is
// neither a decimal nor an integer.
func asDecimal(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case value.Decimal:
		return x
	case types.Int:
		return value.DecimalFromInt(int64(x))
	}
	return value.DecimalFromInt(0)
}

// noRecords reports whether an error comes from an aggregate over no
// records, such as ratio(episode, ...) in a quarter with no episodes.
func noRecords(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "of zero records") || strings.Contains(msg, "of no records")
}

// instalment is one line of an amount paid in instalments.
type instalment struct {
	inst   int
	month  int // first month of the instalment
	period int
	amount value.Money
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
