package forecast

import (
	"context"
	"fmt"
	"math/rand/v2"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
	"occ/lang/spell"
	"occ/runtime"
	"occ/runtime/data"
)

// Version is the version of the forecast's JSON schema, described in
// docs/forecast.md.
const Version = 1

// Kinds are the kinds of statement line a forecast reports, in order.
var Kinds = []string{"payment", "incentive", "sanction", "share", "adjustment"}

// Source gives each run of a forecast its data: a *Scenario or a
// *Bootstrap.
type Source interface {
	// span returns the first and last term months the data covers.
	span() (int, int)
	// maker returns something that makes the data of runs, for one worker.
	maker() dataMaker
}

type dataMaker interface {
	dataset(r *rand.Rand, lastMonth int) *data.Set
}

func (sc *Scenario) maker() dataMaker { return newGenerator(sc) }
func (b *Bootstrap) maker() dataMaker { return b }

// OptionError is a mistake in the Options of a forecast (a --set, --vary
// or --periods that cannot be used), as opposed to a problem with the
// scenario, the data or an evaluation.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

func optionErr(format string, args ...any) error {
	return &OptionError{Msg: fmt.Sprintf(format, args...)}
}

// Options control a forecast.
type Options struct {
	// Runs is the number of simulated runs (default 1000).
	Runs int
	// Seed makes the forecast repeatable: run i draws from a PCG generator
	// seeded with (Seed, i), so the output depends only on the seed and
	// the number of runs, never on Workers.
	Seed uint64
	// Workers is how many runs are evaluated at once (default: one per CPU).
	Workers int
	// Periods are the settlement periods reported: "" for those the data
	// covers, "term", one period, or FROM..TO.
	Periods string
	// Set overrides contract params and scenario vars: NAME=VALUE.
	Set []string
	// Vary sweeps a param or var: NAME=FROM..TO[:STEPS].
	Vary string
	// Progress, when set, is called as runs finish, with the number done
	// and the total. It may be called from several goroutines at once.
	Progress func(done, total int)
}

// Result is a forecast: statistics of the contract's statements over many
// simulated runs.
type Result struct {
	Contract ContractInfo
	Source   SourceInfo
	Runs     int
	Seed     uint64
	// Periods are the settlement periods reported, in order; Term sums
	// them.
	Periods []PeriodResult
	Term    PeriodResult
	// Caps and Standards list every cap, floor and standard of the
	// contract, in contract order.
	Caps      []Chance
	Standards []Chance
	// Histogram is the distribution of the term total.
	Histogram   []Bin
	Sensitivity *Sensitivity
	Params      []ParamValue
	Vars        []Var
	// Places is the number of decimal places of the currency.
	Places int32
}

// ContractInfo identifies the contract forecast.
type ContractInfo struct {
	Title        string
	Commissioner string
	Provider     string
	Settlement   string
	Currency     string
	TermFrom     value.Date
	TermTo       value.Date
	SpecSHA256   string
}

// SourceInfo says where the runs' data came from.
type SourceInfo struct {
	Kind  string // scenario or bootstrap
	Files []FileRef
	// People is the number of people resampled (bootstrap) or at the
	// start of the cohort (scenario).
	People int
	// Months are the first and last months of the data.
	FirstMonth, LastMonth string
}

// FileRef is an input file and its SHA-256.
type FileRef struct {
	Path   string
	SHA256 string
}

// PeriodResult holds the statistics of one period (or the term).
type PeriodResult struct {
	Period   string
	From, To value.Date
	Total    Stats
	// ByKind has one entry per kind, in the order of Kinds.
	ByKind []KindStats
}

// KindStats are the statistics of one kind of line.
type KindStats struct {
	Kind string
	Stats
}

// Chance is how often a cap binds or a standard is not met.
type Chance struct {
	Rule  string
	Title string
	Kind  string // cap, floor or standard
	// Runs counts the runs in which it happens in at least one period
	// reported; Chance is Runs divided by the number of runs.
	Runs     int
	Chance   value.Decimal
	ByPeriod []PeriodChance
}

// PeriodChance is how often something happens in one period.
type PeriodChance struct {
	Period string
	Runs   int
	Chance value.Decimal
}

// Sensitivity is the term total at each step of a swept param or var.
type Sensitivity struct {
	Name  string
	Kind  string // param or var
	Steps []Step
}

// Step is one value of a sweep and the term total's statistics there.
type Step struct {
	Value string
	Total Stats
}

// ParamValue is a contract param's value in the forecast.
type ParamValue struct {
	Name  string
	Value string
	Set   bool
}

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
	caps    [][]bool // by cap, by period
	stds    [][]bool // by standard, by period
}

// Forecast simulates opts.Runs runs of the contract on data from src,
// evaluating each with the same evaluator as occ eval, and summarises
// them.
func Forecast(ctx context.Context, c *compiler.Contract, src Source, opts Options) (*Result, error) {
	if opts.Runs == 0 {
		opts.Runs = 1000
	}
	if opts.Runs < 1 || opts.Runs > 1_000_000 {
		return nil, optionErr("runs must be between 1 and 1,000,000")
	}
	if opts.Workers <= 0 {
		opts.Workers = goruntime.NumCPU()
	}
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	sc, _ := src.(*Scenario)
	// --set: params and vars.
	var paramOpts []runtime.Option
	setParams := map[string]string{}
	over := map[string]value.Decimal{}
	for _, kv := range opts.Set {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, optionErr("--set %q: write NAME=VALUE", kv)
		}
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		kind, err := targetKind(c, sc, name, "--set")
		if err != nil {
			return nil, err
		}
		if kind == "param" {
			if _, err := c.ParseParam(name, val); err != nil {
				return nil, optionErr("--set %s: %v", kv, err)
			}
			paramOpts = append(paramOpts, runtime.WithParamText(name, val))
			setParams[name] = val
			continue
		}
		d, err := parseNumber(val)
		if err != nil {
			return nil, optionErr("--set %s: %v", kv, err)
		}
		over[name] = d
	}
	if len(over) > 0 {
		s2, err := sc.WithVars(over)
		if err != nil {
			return nil, fmt.Errorf("with %s:\n%w", strings.Join(opts.Set, " "), err)
		}
		sc, src = s2, s2
	}
	base, err := runtime.New(c, append(append([]runtime.Option{}, paramOpts...), runtime.WithoutInputs(), runtime.WithWorkers(1))...)
	if err != nil {
		return nil, err
	}
	cfgs := []config{{prog: base, src: src}}
	var sens *Sensitivity
	if opts.Vary != "" {
		v, err := parseVary(c, sc, opts.Vary)
		if err != nil {
			return nil, err
		}
		sens = &Sensitivity{Name: v.name, Kind: v.kind}
		for i, label := range v.labels {
			cfg := config{prog: base, src: src}
			if v.kind == "param" {
				o := append(append([]runtime.Option{}, paramOpts...), runtime.WithParam(v.name, v.params[i]), runtime.WithoutInputs(), runtime.WithWorkers(1))
				if cfg.prog, err = runtime.New(c, o...); err != nil {
					return nil, err
				}
			} else {
				s2, err := sc.WithVars(map[string]value.Decimal{v.name: v.vars[i]})
				if err != nil {
					return nil, fmt.Errorf("--vary %s at %s = %s:\n%w", opts.Vary, v.name, label, err)
				}
				cfg.src = s2
			}
			cfgs = append(cfgs, cfg)
			sens.Steps = append(sens.Steps, Step{Value: label})
		}
	}
	// The periods reported.
	dFirst, dLast := src.span()
	first, last := cal.periodOf(dFirst), cal.periodOf(dLast)
	if opts.Periods != "" {
		if first, last, err = cal.parsePeriods(opts.Periods); err != nil {
			return nil, &OptionError{Msg: err.Error()}
		}
	}
	_, lastMonth := cal.periodMonths(last)
	capRules, stdRules := watched(c)
	w := &window{cal: cal, first: first, last: last, caps: capRules, stds: stdRules, zero: value.MoneyOf(value.DecimalFromInt(0))}
	w.index = map[string]int{}
	for p := first; p <= last; p++ {
		w.index[cal.labels[p]] = p - first
	}
	results, err := runAll(ctx, cfgs, opts, lastMonth, w)
	if err != nil {
		return nil, err
	}
	res := &Result{Runs: opts.Runs, Seed: opts.Seed, Places: c.MinorUnits, Sensitivity: sens}
	res.Contract = ContractInfo{Title: c.Title, Commissioner: c.Commissioner, Provider: c.Provider, Settlement: c.Settlement.SettlementWord(),
		Currency: c.Currency, TermFrom: c.TermFrom, TermTo: c.TermTo, SpecSHA256: c.Hash}
	switch s := src.(type) {
	case *Scenario:
		res.Source = SourceInfo{Kind: "scenario", Files: []FileRef{{Path: s.File, SHA256: s.SHA256}}, People: s.size}
		res.Vars = s.Vars
	case *Bootstrap:
		res.Source = SourceInfo{Kind: "bootstrap", People: s.People()}
		for _, f := range s.Files {
			res.Source.Files = append(res.Source.Files, FileRef{Path: f.Path, SHA256: f.SHA256})
		}
	}
	res.Source.FirstMonth, res.Source.LastMonth = cal.monthLabel(dFirst), cal.monthLabel(dLast)
	for _, prm := range c.Params {
		pv := ParamValue{Name: prm.Name, Value: formatVal(prm.Default)}
		if t, ok := setParams[prm.Name]; ok {
			v, _ := c.ParseParam(prm.Name, t)
			pv.Value, pv.Set = formatVal(v), true
		}
		res.Params = append(res.Params, pv)
	}
	w.summarize(res, results[0])
	for i := range sens.stepsOrNil() {
		totals := make([]value.Decimal, len(results[i+1]))
		for r, rr := range results[i+1] {
			totals[r] = w.termTotal(rr).Decimal()
		}
		sens.Steps[i].Total = summarize(totals, res.Places)
	}
	return res, nil
}

func (s *Sensitivity) stepsOrNil() []Step {
	if s == nil {
		return nil
	}
	return s.Steps
}

// targetKind says whether name is a contract param or a scenario var.
func targetKind(c *compiler.Contract, sc *Scenario, name, flag string) (string, error) {
	isParam := c.Param(name) != nil
	isVar := sc != nil && sc.HasVar(name)
	switch {
	case isParam && isVar:
		return "", optionErr("%s %s: %s is both a contract param and a scenario var; rename the var", flag, name, name)
	case isParam:
		return "param", nil
	case isVar:
		return "var", nil
	}
	var names []string
	for _, p := range c.Params {
		names = append(names, p.Name)
	}
	what := "no contract param"
	if sc != nil {
		names = append(names, sc.VarNames()...)
		what = "no contract param or scenario var"
	}
	msg := fmt.Sprintf("%s %s: there is %s named %q", flag, name, what, name)
	if s := spell.Nearest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return "", &OptionError{Msg: msg}
}

// watched returns the contract's caps and floors, and its standards.
func watched(c *compiler.Contract) (caps, stds []*compiler.Rule) {
	for _, r := range c.Rules {
		switch r.Kind {
		case lang.Cap, lang.Floor:
			caps = append(caps, r)
		case lang.Standard:
			stds = append(stds, r)
		}
	}
	return caps, stds
}

// window is the periods a forecast reports.
type window struct {
	cal         *calendar
	first, last int
	index       map[string]int // period label to position in the window
	caps, stds  []*compiler.Rule
	zero        value.Money
}

func (w *window) periods() int { return w.last - w.first + 1 }

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
	var next, done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range min(opts.Workers, total) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			makers := make([]dataMaker, len(cfgs))
			for {
				j := int(next.Add(1) - 1)
				if j >= total || ctx.Err() != nil {
					return
				}
				ci, ri := j/runs, j%runs
				if makers[ci] == nil {
					makers[ci] = cfgs[ci].src.maker()
				}
				rr, err := evalRun(ctx, cfgs[ci].prog, makers[ci], opts.Seed, ri, lastMonth, w)
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

// evalRun makes the data of one run and evaluates it.
func evalRun(ctx context.Context, prog *runtime.Program, mk dataMaker, seed uint64, run, lastMonth int, w *window) (*runResult, error) {
	r := rand.New(rand.NewPCG(seed, uint64(run)))
	d := mk.dataset(r, lastMonth)
	rr := &runResult{amounts: make([]value.Money, w.periods()*(len(Kinds)+1))}
	for i := range rr.amounts {
		rr.amounts[i] = w.zero
	}
	rr.caps = make([][]bool, len(w.caps))
	for i := range rr.caps {
		rr.caps[i] = make([]bool, w.periods())
	}
	rr.stds = make([][]bool, len(w.stds))
	for i := range rr.stds {
		rr.stds[i] = make([]bool, w.periods())
	}
	empty := true
	for _, recs := range d.Records {
		if len(recs) > 0 {
			empty = false
		}
	}
	if empty {
		return rr, nil // nobody served: nothing is paid
	}
	// The evaluator hands its context to every CEL expression, which
	// derives a cancellable child from it; a cancellable parent shared by
	// all workers makes that a contended lock. A run takes milliseconds,
	// so it is evaluated without cancellation, and runAll checks ctx
	// between runs.
	st, err := prog.Eval(context.WithoutCancel(ctx), d, "")
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("run %d (seed %d) could not be evaluated:\n%w", run+1, seed, err)
	}
	kind := map[string]int{}
	for i, k := range Kinds {
		kind[k] = i + 1
	}
	stride := len(Kinds) + 1
	for l := range st.Lines() {
		p, ok := w.index[l.Period]
		if !ok {
			continue
		}
		k := kind[l.Kind]
		if k == 0 {
			continue
		}
		rr.amounts[p*stride+k], _ = rr.amounts[p*stride+k].Add(l.Amount)
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
	return rr, nil
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
	for p := range w.periods() {
		fm, lm := w.cal.periodMonths(w.first + p)
		res.Periods = append(res.Periods, periodResult(w.cal.labels[w.first+p], w.cal.months[fm].from, w.cal.months[lm].to,
			func(rr *runResult, k int) value.Money { return rr.amounts[p*stride+k] }))
	}
	fm, _ := w.cal.periodMonths(w.first)
	_, lm := w.cal.periodMonths(w.last)
	label := "term"
	if w.first != 0 || w.last != len(w.cal.labels)-1 {
		label = w.cal.labels[w.first]
		if w.last != w.first {
			label += " .. " + w.cal.labels[w.last]
		}
	}
	res.Term = periodResult(label, w.cal.months[fm].from, w.cal.months[lm].to, func(rr *runResult, k int) value.Money {
		t := w.zero
		for p := range w.periods() {
			t, _ = t.Add(rr.amounts[p*stride+k])
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

// histogramBins is the number of bars of the term total's histogram.
const histogramBins = 16

// formatVal renders a param value.
func formatVal(v ref.Val) string {
	switch x := v.(type) {
	case value.Money:
		return x.String()
	case value.Decimal:
		return x.String()
	case value.Days:
		return x.String()
	case value.Date:
		return x.String()
	case types.Int:
		return strconv.FormatInt(int64(x), 10)
	case types.String:
		return string(x)
	}
	return fmt.Sprint(v.Value())
}
