package forecast

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// Running a forecast: every run of every config on a pool of workers, each
// run's statement reduced to the amounts and chances reported, and their
// statistics.

// config is one set of params and data the runs are made with: the base
// forecast, or one step of a sweep.
type config struct {
	prog *runtime.Program
	src  Source
}

// runResult is what a forecast keeps of one run's statement.
type runResult struct {
	// amounts holds, per period reported, the total and then each kind.
	amounts []value.Money
	// parts holds, per period reported, each payer's amount (by the
	// window's payers), when the forecast reports totals by payer.
	parts []value.Money
	caps  [][]bool // by cap, by period
	stds  [][]bool // by standard, by period
}

// window is the periods a forecast reports.
type window struct {
	cal         *calendar
	first, last int
	index       map[string]int // period label to position in the window
	// slots holds the position in the window of each of the contract's
	// settlement periods, by their number from 0; -1 for one not
	// reported.
	slots      []int
	caps, stds []*compiler.Rule
	zero       value.Money
	// settled are the periods paid, by position in the window, whose
	// amounts every run reports as paid.
	settled map[int]*Settled
	// payer is the payer whose forecast this is, nil for the whole
	// contract's; payers are those the forecast reports totals for, and
	// payerIndex their places by name.
	payer      *compiler.Payer
	payers     []PayerInfo
	payerIndex map[string]int
}

func (w *window) periods() int { return w.last - w.first + 1 }

// placePeriods sets the window's slots from the contract's settlement
// periods, labels, as the evaluator numbers them.
func (w *window) placePeriods(labels []string) {
	w.slots = make([]int, len(labels))
	for i, l := range labels {
		p, ok := w.index[l]
		if !ok {
			p = -1
		}
		w.slots[i] = p
	}
}

// runAll evaluates every run of every config on a pool of workers. Run r
// of every config draws from the same seed, so a sweep compares like with
// like.
func runAll(ctx context.Context, cfgs []config, opts Options, lastMonth int, w *window) ([][]*runResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runs := opts.Runs
	total := len(cfgs) * runs
	results := make([][]*runResult, len(cfgs))
	for i := range results {
		results[i] = make([]*runResult, runs)
	}
	w.placePeriods(cfgs[0].prog.Periods())
	var next, done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range min(opts.Workers, total) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			makers := make([]dataMaker, len(cfgs))
			// A worker takes the runs in order, config after config, so
			// it keeps the session of one program at a time.
			var ses *runtime.Session
			var sesProg *runtime.Program
			for {
				j := int(next.Add(1) - 1)
				if j >= total || ctx.Err() != nil {
					return
				}
				ci, ri := j/runs, j%runs
				if makers[ci] == nil {
					makers[ci] = cfgs[ci].src.maker()
				}
				if sesProg != cfgs[ci].prog {
					sesProg = cfgs[ci].prog
					ses = sesProg.NewSession()
				}
				rr, err := evalRun(ctx, ses, makers[ci], opts.Seed, ri, lastMonth, w)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				results[ci][ri] = rr
				n := done.Add(1)
				if opts.Progress != nil {
					opts.Progress(int(n), total)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// evaluator evaluates a contract on one data set: a *runtime.Program, or
// a *runtime.Session of one.
type evaluator interface {
	Eval(ctx context.Context, d *data.Set, settle compiler.Period) (*runtime.Statement, error)
}

// evalRun makes the data of one run and evaluates it.
func evalRun(ctx context.Context, prog evaluator, mk dataMaker, seed uint64, run, lastMonth int, w *window) (*runResult, error) {
	d, err := mk.dataset(seed, uint64(run), lastMonth)
	if err != nil {
		return nil, err
	}
	rr := w.newRunResult()
	empty := true
	for _, recs := range d.Records {
		if len(recs) > 0 {
			empty = false
		}
	}
	if empty {
		w.fix(rr)
		return rr, nil // nobody served: nothing more is paid
	}
	// The evaluator hands its context to every CEL expression, which
	// derives a cancellable child from it; a cancellable parent shared by
	// all workers makes that a contended lock. A run takes milliseconds,
	// so it is evaluated without cancellation, and runAll checks ctx
	// between runs.
	st, err := prog.Eval(context.WithoutCancel(ctx), d, compiler.Period{})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &RunError{Run: run + 1, Seed: seed, Err: err}
	}
	if w.payer != nil {
		if st, err = st.ForPayer(w.payer.Name); err != nil {
			return nil, err
		}
	}
	w.tally(rr, st)
	w.fix(rr)
	return rr, nil
}

// newRunResult returns a run's result with nothing paid, no cap bound and
// every standard met.
func (w *window) newRunResult() *runResult {
	rr := &runResult{amounts: make([]value.Money, w.periods()*(len(Kinds)+1))}
	for i := range rr.amounts {
		rr.amounts[i] = w.zero
	}
	if len(w.payers) > 0 {
		rr.parts = make([]value.Money, w.periods()*len(w.payers))
		for i := range rr.parts {
			rr.parts[i] = w.zero
		}
	}
	rr.caps = make([][]bool, len(w.caps))
	for i := range rr.caps {
		rr.caps[i] = make([]bool, w.periods())
	}
	rr.stds = make([][]bool, len(w.stds))
	for i := range rr.stds {
		rr.stds[i] = make([]bool, w.periods())
	}
	return rr
}

// tally adds a run's statement to its result: the lines' amounts by period
// and kind, and the caps that bind and the standards not met in the
// periods reported.
func (w *window) tally(rr *runResult, st *runtime.Statement) {
	stride := len(Kinds) + 1
	// Each amount by period and kind is added up exactly as the chain of
	// Money.Add calls from zero that tallyChain makes, but without
	// allocating for each line while the total fits in 64 bits.
	sums := make([]value.Sum, len(rr.amounts))
	zero := w.zero.Decimal()
	for i := range sums {
		sums[i].Add(zero)
	}
	st.EachAmount(func(period int, kind string, amount value.Money, parts []runtime.PayerPart) {
		p, k, ok := w.slot(period, kind)
		if !ok {
			return
		}
		sums[p*stride+k].Add(amount.Decimal())
		w.tallyParts(rr, p, parts)
	})
	for i := range sums {
		d, err := sums[i].Decimal()
		if err != nil {
			w.tallyChain(rr, st)
			break
		}
		rr.amounts[i] = value.MoneyOf(d)
	}
	for p := range w.periods() {
		t := w.zero
		for k := range Kinds {
			t, _ = t.Add(rr.amounts[p*stride+k+1])
		}
		rr.amounts[p*stride] = t
	}
	for _, cr := range st.Caps {
		p, ok := w.index[cr.Period]
		if !ok || cr.Adjustment.IsZero() {
			continue
		}
		for i, r := range w.caps {
			if r.Name == cr.Rule {
				rr.caps[i][p] = true
			}
		}
	}
	for _, sr := range st.Standards {
		p, ok := w.index[sr.Period]
		if !ok || sr.Status() == "met" {
			continue
		}
		for i, r := range w.stds {
			if r.Name == sr.Rule {
				rr.stds[i][p] = true
			}
		}
	}
}

// tallyChain sets a run's amounts by period and kind, as chains of
// Money.Add calls: for a run whose sums do not fit a value.Sum.
func (w *window) tallyChain(rr *runResult, st *runtime.Statement) {
	stride := len(Kinds) + 1
	for i := range rr.amounts {
		rr.amounts[i] = w.zero
	}
	st.EachAmount(func(period int, kind string, amount value.Money, _ []runtime.PayerPart) {
		if p, k, ok := w.slot(period, kind); ok {
			rr.amounts[p*stride+k], _ = rr.amounts[p*stride+k].Add(amount)
		}
	})
}

// slot returns the position in the window of a line in settlement period
// period, and the place of its kind (see kindSlot); ok is false for a
// line the forecast does not report.
func (w *window) slot(period int, kind string) (p, k int, ok bool) {
	if period < 0 || period >= len(w.slots) || w.slots[period] < 0 {
		return 0, 0, false
	}
	k = kindSlot(kind)
	return w.slots[period], k, k != 0
}

// kindSlot returns a kind's place in a run's amounts of a period: 1 for
// the first of Kinds, and so on; 0 for a kind not reported.
func kindSlot(kind string) int {
	for i, k := range Kinds {
		if k == kind {
			return i + 1
		}
	}
	return 0
}

// termLabel names the periods reported together: term when they are the
// whole term, else 2026-06 .. 2026-08 (or the one period).
func (w *window) termLabel() string {
	if w.first == 0 && w.last == len(w.cal.labels)-1 {
		return "term"
	}
	label := w.cal.labels[w.first]
	if w.last != w.first {
		label += " .. " + w.cal.labels[w.last]
	}
	return label
}

// termTotal is a run's total over the periods reported.
func (w *window) termTotal(rr *runResult) value.Money {
	t := w.zero
	stride := len(Kinds) + 1
	for p := range w.periods() {
		t, _ = t.Add(rr.amounts[p*stride])
	}
	return t
}

// summarize fills the statistics of the base runs.
func (w *window) summarize(res *Result, runs []*runResult) {
	stride := len(Kinds) + 1
	n := len(runs)
	col := func(f func(rr *runResult) value.Money) []value.Decimal {
		out := make([]value.Decimal, n)
		for i, rr := range runs {
			out[i] = f(rr).Decimal()
		}
		return out
	}
	periodResult := func(label string, from, to value.Date, slot func(rr *runResult, k int) value.Money) PeriodResult {
		pr := PeriodResult{Period: label, From: from, To: to}
		pr.Total = summarize(col(func(rr *runResult) value.Money { return slot(rr, 0) }), res.Places)
		for k, name := range Kinds {
			pr.ByKind = append(pr.ByKind, KindStats{Kind: name, Stats: summarize(col(func(rr *runResult) value.Money { return slot(rr, k+1) }), res.Places)})
		}
		return pr
	}
	np := len(w.payers)
	for p := range w.periods() {
		fm, lm := w.cal.periodMonths(w.first + p)
		pr := periodResult(w.cal.labels[w.first+p], w.cal.months[fm].from, w.cal.months[lm].to,
			func(rr *runResult, k int) value.Money { return rr.amounts[p*stride+k] })
		pr.ByPayer = w.payerStats(runs, res.Places, func(rr *runResult, i int) value.Money { return rr.parts[p*np+i] })
		res.Periods = append(res.Periods, pr)
	}
	fm, _ := w.cal.periodMonths(w.first)
	_, lm := w.cal.periodMonths(w.last)
	res.Term = periodResult(w.termLabel(), w.cal.months[fm].from, w.cal.months[lm].to, func(rr *runResult, k int) value.Money {
		t := w.zero
		for p := range w.periods() {
			t, _ = t.Add(rr.amounts[p*stride+k])
		}
		return t
	})
	res.Term.ByPayer = w.payerStats(runs, res.Places, func(rr *runResult, i int) value.Money {
		t := w.zero
		for p := range w.periods() {
			t, _ = t.Add(rr.parts[p*np+i])
		}
		return t
	})
	chances := func(rules []*compiler.Rule, get func(rr *runResult) [][]bool) []Chance {
		var out []Chance
		for i, r := range rules {
			ch := Chance{Rule: r.Name, Title: r.Title, Kind: string(r.Kind)}
			for p := range w.periods() {
				k := 0
				for _, rr := range runs {
					if get(rr)[i][p] {
						k++
					}
				}
				ch.ByPeriod = append(ch.ByPeriod, PeriodChance{Period: w.cal.labels[w.first+p], Runs: k, Chance: chance(k, n)})
			}
			for _, rr := range runs {
				for _, b := range get(rr)[i] {
					if b {
						ch.Runs++
						break
					}
				}
			}
			ch.Chance = chance(ch.Runs, n)
			out = append(out, ch)
		}
		return out
	}
	res.Caps = chances(w.caps, func(rr *runResult) [][]bool { return rr.caps })
	res.Standards = chances(w.stds, func(rr *runResult) [][]bool { return rr.stds })
	res.Histogram = histogram(col(w.termTotal), histogramBins, res.Places)
}

// budget measures the base runs' totals against the budget amount for
// the term: each period reported against its share, by months, and all of
// them together against theirs.
func (w *window) budget(runs []*runResult, amount value.Decimal, places int32) *Budget {
	termMonths := value.DecimalFromInt(int64(len(w.cal.months)))
	// share is the budget of the periods from first to last.
	share := func(first, last int) value.Money {
		fm, _ := w.cal.periodMonths(first)
		_, lm := w.cal.periodMonths(last)
		x, _ := amount.Mul(value.DecimalFromInt(int64(lm - fm + 1)))
		x, _ = x.Quo(termMonths)
		return value.MoneyOf(value.Round(x, places, value.HalfUp))
	}
	measure := func(label string, limit value.Money, total func(rr *runResult) value.Money) BudgetChance {
		k := 0
		for _, rr := range runs {
			if total(rr).Cmp(limit) > 0 {
				k++
			}
		}
		return BudgetChance{Period: label, Budget: limit.Decimal(), Runs: k, Chance: chance(k, len(runs))}
	}
	stride := len(Kinds) + 1
	b := &Budget{Amount: value.Round(amount, places, value.HalfUp)}
	for p := range w.periods() {
		b.ByPeriod = append(b.ByPeriod, measure(w.cal.labels[w.first+p], share(w.first+p, w.first+p),
			func(rr *runResult) value.Money { return rr.amounts[p*stride] }))
	}
	// Over the whole term the share is the budget itself.
	b.Term = measure(w.termLabel(), share(w.first, w.last), w.termTotal)
	return b
}

// histogramBins is the number of bars of the term total's histogram.
const histogramBins = 16

// RunError is a run of the forecast that could not be evaluated: the
// contract failed on the data the run drew. Err is the evaluation's error,
// usually lang.Diagnostics.
type RunError struct {
	Run  int    // the run, counted from 1
	Seed uint64 // the forecast's seed
	Err  error
}

func (e *RunError) Error() string {
	return fmt.Sprintf("run %d (seed %d) could not be evaluated:\n%v", e.Run, e.Seed, e.Err)
}

// Unwrap returns the evaluation's error.
func (e *RunError) Unwrap() error { return e.Err }
