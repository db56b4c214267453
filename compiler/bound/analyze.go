package bound

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// Options are the assumptions of an analysis beyond the contract.
type Options struct {
	// Params override params' defaults, as occ eval --set does.
	Params map[string]ref.Val
	// MaxRecords bounds the number of records of a top-level data schema,
	// by name, dated in any one settlement period. A schema not named has
	// no bound: the contract declares none.
	MaxRecords map[string]int64
	// First and Last are the settlement periods to report per period
	// (indexes, inclusive); both zero with All unset means every period.
	First, Last int
	// Some is set when First and Last choose the periods.
	Some bool
}

// Extreme is the most or the least of something: an exact amount, or no
// bound. Why names the inputs that reach a finite amount, or why there is
// no bound.
type Extreme struct {
	Finite bool
	Amount apd.Decimal
	// Period is the settlement period that reaches it, for a bound per
	// period.
	Period string
	Why    []string
}

// Bound is the least and the most of something.
type Bound struct {
	Least, Most Extreme
}

// RuleBound is what one rule (or cap or floor's adjustments) can come to.
type RuleBound struct {
	Rule *compiler.Rule
	// Each is one line's amount, for a rule per record or per person.
	Each      *Bound
	PerPeriod Bound
	Term      Bound
}

// Report is the result of Analyze.
type Report struct {
	Contract *compiler.Contract
	// Periods are the settlement periods reported per period.
	Periods []string
	// Rules are the rules with lines, then the caps and floors, in the
	// contract's order.
	Rules     []RuleBound
	PerPeriod Bound
	Term      Bound
	// Payers are the bounds of each payer's parts, in the order the
	// contract declares them, when it declares two payers or more (see
	// payers.go); nil otherwise.
	Payers []PayerBound
}

// Unbounded returns the rules whose most or least has no finite bound.
func (r *Report) Unbounded() []RuleBound {
	var out []RuleBound
	for _, rb := range r.Rules {
		if !rb.PerPeriod.Most.Finite || !rb.PerPeriod.Least.Finite || !rb.Term.Most.Finite || !rb.Term.Least.Finite {
			out = append(out, rb)
		}
	}
	return out
}

func newAnalysis(c *compiler.Contract, opt Options) (*analysis, error) {
	cal := c.Calendar()
	if cal == nil {
		return nil, fmt.Errorf("the contract has no term")
	}
	a := &analysis{c: c, cal: cal, params: map[string]ref.Val{}, maxRecs: map[string]int64{},
		months: cal.Count(compiler.MonthScope), vals: map[valKey]val{}, busy: map[valKey]bool{}, payer: wholePayer}
	for _, p := range c.Params {
		a.params[p.Name] = p.Default
	}
	for name, v := range opt.Params {
		p := c.Param(name)
		if tname, _, ok := strings.Cut(name, "."); ok && c.Param(tname) != nil && c.Param(tname).IsTable() {
			p = c.Param(tname) // one entry of a table, NAME.KEY (see tables.go)
		}
		if p == nil {
			return nil, fmt.Errorf("the contract has no param %q", name)
		}
		a.params[name] = v
	}
	for name, n := range opt.MaxRecords {
		s := c.Schema(name)
		if s == nil || s.Parent != nil {
			return nil, fmt.Errorf("the contract has no top-level data %q", name)
		}
		if n < 0 {
			return nil, fmt.Errorf("the most %s records in a period must not be negative", name)
		}
		a.maxRecs[name] = n
	}
	return a, nil
}

// Analyze computes the bounds of contract c's payments.
func Analyze(c *compiler.Contract, opt Options) (*Report, error) {
	a, err := newAnalysis(c, opt)
	if err != nil {
		return nil, err
	}
	settle := c.Settlement
	n := a.cal.Count(settle)
	first, last := 0, n-1
	if opt.Some {
		first, last = opt.First, opt.Last
		if first < 0 || last >= n || first > last {
			return nil, fmt.Errorf("the periods to report are outside the term")
		}
	}
	rep := &Report{Contract: c}
	for p := first; p <= last; p++ {
		rep.Periods = append(rep.Periods, a.cal.Label(settle, p))
	}
	lines, limits := a.lineRules(), a.limits()
	rows := func(a *analysis) ([]RuleBound, Bound, Bound) {
		perPeriod := func(f func(m0, m1 int) Interval) (Bound, Interval) {
			var b Bound
			sum := moneyZero()
			for p := 0; p < n; p++ {
				m0, m1 := a.cal.MonthRange(settle, p)
				iv := f(m0, m1)
				sum = add(sum, iv)
				if p < first || p > last {
					continue
				}
				label := a.cal.Label(settle, p)
				if p == first || cmpEnd(iv.Hi, endOf(b.Most, 1)) > 0 {
					b.Most = a.extreme(iv.Hi, label)
				}
				if p == first || cmpEnd(iv.Lo, endOf(b.Least, -1)) < 0 {
					b.Least = a.extreme(iv.Lo, label)
				}
			}
			return b, sum
		}
		all := a.months - 1
		var out []RuleBound
		for _, r := range append(append([]*compiler.Rule(nil), lines...), limits...) {
			var f func(m0, m1 int) Interval
			if r.HasLines() {
				f = func(m0, m1 int) Interval { return a.linesIn(r, m0, m1) }
			} else {
				f = func(m0, m1 int) Interval { return a.limitAdjIn(r, m0, m1) }
			}
			pb, sum := perPeriod(f)
			term := meet(f(0, all), sum)
			rb := RuleBound{Rule: r, PerPeriod: pb, Term: a.bound(term)}
			if k := r.Scope.Kind; !a.split() && r.HasLines() && (k == compiler.RecordScope || instanceScope(k)) {
				each := a.bound(a.amount(r, atOf(r, -1)))
				rb.Each = &each
			}
			out = append(out, rb)
		}
		total := func(m0, m1 int) Interval { return a.total(lines, limits, m0, m1) }
		if !a.split() && len(a.c.Payers) > 1 {
			// The total is the sum of the payers' parts, so it lies
			// within the sum of their bounds too: tighter where a cap
			// for one payer limits its parts alone.
			total = func(m0, m1 int) Interval {
				parts := moneyZero()
				for _, p := range a.c.Payers {
					parts = add(parts, a.forPayer(p.Index).total(lines, limits, m0, m1))
				}
				return meet(a.total(lines, limits, m0, m1), parts)
			}
		}
		pb, sum := perPeriod(total)
		return out, pb, a.bound(meet(total(0, all), sum))
	}
	rep.Rules, rep.PerPeriod, rep.Term = rows(a)
	rep.Payers = a.payerReport(rows)
	return rep, nil
}

// meet returns the intersection of two intervals that both hold the same
// quantity.
func meet(x, y Interval) Interval { return Interval{maxEnd(x.Lo, y.Lo), minEnd(x.Hi, y.Hi)} }

// bound returns the least and most of an interval of amounts, rounded
// outward to the minor unit: every line and total is a whole number of
// minor units.
func (a *analysis) bound(iv Interval) Bound {
	iv = a.toMinor(iv)
	return Bound{Least: a.extreme(iv.Lo, ""), Most: a.extreme(iv.Hi, "")}
}

func (a *analysis) toMinor(iv Interval) Interval {
	places := a.c.MinorUnits
	return mapEnds(iv, func(d *apd.Decimal, dir int) *apd.Decimal {
		mode := value.Floor
		if dir > 0 {
			mode = value.Ceiling
		}
		r := value.Round(decimalValue(d), places, mode)
		return new(apd.Decimal).Set(r.Apd())
	})
}

func (a *analysis) extreme(e End, period string) Extreme {
	if e.Inf == 0 {
		e = a.toMinor(Interval{e, e}).Lo
	}
	x := Extreme{Finite: e.Inf == 0, Period: period, Why: e.Why}
	if x.Finite {
		x.Amount.Set(&e.D)
	}
	return x
}

// Amount writes an amount as a contract does: £7,840.00.
func (r *Report) Amount(d *apd.Decimal) string {
	a := &analysis{c: r.Contract}
	return a.money(d)
}

func endOf(x Extreme, inf int) End {
	if !x.Finite {
		return End{Inf: inf}
	}
	return point(&x.Amount)
}
