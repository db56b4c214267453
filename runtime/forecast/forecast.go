package forecast

import (
	"context"
	"fmt"
	"maps"
	goruntime "runtime"
	"slices"
	"strconv"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
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
	// dataset makes the data of run run (from 0) of a forecast with seed
	// seed, up to term month lastMonth. The same seed and run give the
	// same data. It fails only when one field of the run's records has
	// more values than an Origin holds.
	dataset(seed, run uint64, lastMonth int) (*data.Set, error)
}

func (sc *Scenario) maker() dataMaker { return newGenerator(sc) }
func (b *Bootstrap) maker() dataMaker { return b }

// MaxRuns is the most runs a forecast makes.
const MaxRuns = 1_000_000

// Options control a forecast. A mistake in them is reported as a
// lang.Diagnostics with one of the option codes (CodeUnknownParam, ...)
// and no span; a value of a var that makes the scenario invalid, as the
// scenario's diagnostics.
type Options struct {
	// Runs is the number of simulated runs, 1 to MaxRuns (default 1000).
	Runs int
	// Seed makes the forecast repeatable: run i draws from PCG generators
	// seeded from (Seed, i), so the output depends only on the seed and
	// the number of runs, never on Workers; every step of a sweep draws
	// the same numbers.
	Seed uint64
	// Workers is how many runs are evaluated at once (default: one per CPU).
	Workers int
	// Periods are the settlement periods reported: "" for those the data
	// covers, "term", one period, or FROM..TO.
	Periods string
	// Params overrides contract params, with values of the param's type
	// as (*compiler.Contract).ParseParam reads them.
	Params map[string]ref.Val
	// Vars overrides the vars of a scenario.
	Vars map[string]value.Decimal
	// Vary, when not nil, also reports the term total at evenly spaced
	// values of a param or var.
	Vary *Vary
	// Settled are periods already settled (from a settlement ledger):
	// each one in the periods reported is reported as paid, the same in
	// every run, and only the others are forecast. The runs still simulate
	// the cohort from the start of its data, so that the periods forecast
	// see the people as they would be by then.
	Settled []Settled
	// Payer, when set, names the payer whose forecast this is: every
	// run's statement is that payer's (runtime.Statement.ForPayer), with
	// its parts of the lines as their amounts; the caps and floors that
	// limit another payer alone, and the budget (the whole contract's),
	// are left out. Settled periods must then give that payer's parts.
	Payer string
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
	// Settled counts the periods reported that are settled (paid, from
	// Options.Settled); their PeriodResult has Paid set.
	Settled int
	// Caps and Standards list every cap, floor and standard of the
	// contract, in contract order.
	Caps      []Chance
	Standards []Chance
	// Budget is the chance the total exceeds the contract's budget, nil
	// when the contract's header gives none.
	Budget *Budget
	// Histogram is the distribution of the term total.
	Histogram   []Bin
	Sensitivity *Sensitivity
	Params      []ParamValue
	Vars        []Var
	// Places is the number of decimal places of the currency.
	Places int32
	// Payers are the payers whose totals each PeriodResult gives in
	// ByPayer, in the contract's order: every payer of a contract that
	// declares two or more, none for one payer's forecast.
	Payers []PayerInfo
	// Payer is the payer whose forecast this is (Options.Payer), or ""
	// for the whole contract's; PayerTitle is its title.
	Payer      string
	PayerTitle string
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
	// Paid is what a settled period paid, nil for a period forecast; a
	// settled period's statistics are all that amount.
	Paid *Paid
	// ByPayer has one entry per payer of Result.Payers, in that order:
	// the statistics of each payer's total.
	ByPayer []PayerStats
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

// Budget is how often the total exceeds the contract's budget (the
// header's budget, for the whole term). Each period is measured against
// its share of the budget: the budget times the period's months over the
// term's months (the calendar months that overlap the term), rounded
// half-up to the minor unit — a twelfth a month of a year's term, as
// payments made month by month are; a run exceeds it when its total is
// more than that amount.
type Budget struct {
	// Amount is the budget for the whole term, as the header gives it.
	Amount value.Decimal
	// Term is the periods reported together (the term, or those chosen
	// with Options.Periods); ByPeriod has one entry per period reported.
	Term     BudgetChance
	ByPeriod []BudgetChance
}

// BudgetChance is how often the total of a period (or of the periods
// reported) exceeds its share of the budget.
type BudgetChance struct {
	Period string
	// Budget is the period's share of the budget.
	Budget value.Decimal
	// Runs counts the runs whose total exceeds Budget; Chance is Runs
	// divided by the number of runs.
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
	// Title is the param's title, and Shown its value as a commissioner
	// writes it (£19.60, 25%, 1 April 2026), for the board paper; the
	// JSON form keeps Value.
	Title string
	Shown string
}

// Forecast simulates opts.Runs runs of the contract on data from src,
// evaluating each with the same evaluator as occ eval, and summarises
// them.
func Forecast(ctx context.Context, c *compiler.Contract, src Source, opts Options) (*Result, error) {
	if opts.Runs == 0 {
		opts.Runs = 1000
	}
	if opts.Runs < 1 || opts.Runs > MaxRuns {
		return nil, optionError(CodeBadRuns, "runs must be between 1 and 1,000,000")
	}
	if opts.Workers <= 0 {
		opts.Workers = goruntime.NumCPU()
	}
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	cfgs, sens, err := configs(c, src, opts)
	if err != nil {
		return nil, err
	}
	src = cfgs[0].src
	w, lastMonth, err := newWindow(c, src, opts, cal)
	if err != nil {
		return nil, err
	}
	payer := w.payer
	dFirst, dLast := src.span()
	results, err := runAll(ctx, cfgs, opts, lastMonth, w)
	if err != nil {
		return nil, err
	}
	res := &Result{Runs: opts.Runs, Seed: opts.Seed, Places: c.MinorUnits, Sensitivity: sens, Payers: w.payers}
	if payer != nil {
		res.Payer, res.PayerTitle = payer.Name, payer.Title
	}
	describeInputs(res, c, src, opts.Params)
	res.Source.FirstMonth, res.Source.LastMonth = cal.monthLabel(dFirst), cal.monthLabel(dLast)
	w.summarize(res, results[0])
	for p, s := range w.settled {
		res.Periods[p].Paid = &Paid{Current: s.Current.Decimal(), Adjustments: s.Adjustments.Decimal(), Held: s.Held.Decimal()}
		res.Periods[p].Paid.Total = res.Periods[p].Total.Mean
		res.Settled++
	}
	if c.Budget != nil && payer == nil {
		res.Budget = w.budget(results[0], c.Budget.Decimal(), res.Places)
	}
	for i := range sens.stepsOrNil() {
		totals := make([]value.Decimal, len(results[i+1]))
		for r, rr := range results[i+1] {
			totals[r] = w.termTotal(rr).Decimal()
		}
		sens.Steps[i].Total = summarize(totals, res.Places)
	}
	return res, nil
}

// newWindow returns the periods a forecast of contract c on data from src
// with opts reports, and the last term month its runs simulate. cal is
// the contract's calendar, made afresh when nil.
func newWindow(c *compiler.Contract, src Source, opts Options, cal *calendar) (*window, int, error) {
	if cal == nil {
		var err error
		if cal, err = newCalendar(c); err != nil {
			return nil, 0, err
		}
	}
	dFirst, dLast := src.span()
	first, last := cal.periodOf(dFirst), cal.periodOf(dLast)
	if opts.Periods != "" {
		var err error
		if first, last, err = cal.parsePeriods(opts.Periods); err != nil {
			return nil, 0, optionError(CodeBadPeriods, "%s", err.Error())
		}
	}
	_, lastMonth := cal.periodMonths(last)
	payer, err := payerOption(c, opts.Payer)
	if err != nil {
		return nil, 0, err
	}
	capRules, stdRules := watched(c)
	w := &window{cal: cal, first: first, last: last, caps: payerCaps(capRules, payer), stds: stdRules, zero: value.MoneyOf(value.DecimalFromInt(0)),
		payer: payer, payers: splitPayers(c, payer)}
	w.payerIndex = map[string]int{}
	for i, p := range w.payers {
		w.payerIndex[p.Payer] = i
	}
	w.index = map[string]int{}
	for p := first; p <= last; p++ {
		w.index[cal.labels[p]] = p - first
	}
	if w.settled, err = w.settledSlots(opts.Settled); err != nil {
		return nil, 0, err
	}
	return w, lastMonth, nil
}

// configs checks the params and vars of opts and returns the configs the
// runs are made with: the base forecast first, then each step of the
// sweep, if any.
func configs(c *compiler.Contract, src Source, opts Options) ([]config, *Sensitivity, error) {
	var paramOpts []runtime.Option
	for _, name := range slices.Sorted(maps.Keys(opts.Params)) {
		o, err := paramOption(c, name, opts.Params[name])
		if err != nil {
			return nil, nil, err
		}
		paramOpts = append(paramOpts, o)
	}
	sc, _ := src.(*Scenario)
	if len(opts.Vars) > 0 {
		if sc == nil {
			return nil, nil, optionError(CodeUnknownParam, "there are no scenario vars to set: the data are resampled, not simulated from a scenario")
		}
		s2, err := sc.WithVars(opts.Vars)
		if err != nil {
			return nil, nil, withDetail(err, "with "+varsText(opts.Vars))
		}
		sc, src = s2, s2
	}
	newProgram := func(more ...runtime.Option) (*runtime.Program, error) {
		o := append(append([]runtime.Option{}, paramOpts...), more...)
		return runtime.New(c, append(o, runtime.WithoutLines(), runtime.WithWorkers(1))...)
	}
	base, err := newProgram()
	if err != nil {
		return nil, nil, err
	}
	cfgs := []config{{prog: base, src: src}}
	if opts.Vary == nil {
		return cfgs, nil, nil
	}
	v, err := sweep(c, src, *opts.Vary)
	if err != nil {
		return nil, nil, err
	}
	sens := &Sensitivity{Name: v.name, Kind: v.kind}
	for i, label := range v.labels {
		cfg := config{prog: base, src: src}
		if v.kind == "param" {
			if cfg.prog, err = newProgram(runtime.WithParam(v.name, v.params[i])); err != nil {
				return nil, nil, err
			}
		} else {
			s2, err := sc.WithVars(map[string]value.Decimal{v.name: v.vars[i]})
			if err != nil {
				return nil, nil, withDetail(err, fmt.Sprintf("at %s = %s, a step of the sweep of %s from %s to %s", v.name, label, v.name, v.labels[0], v.labels[len(v.labels)-1]))
			}
			cfg.src = s2
		}
		cfgs = append(cfgs, cfg)
		sens.Steps = append(sens.Steps, Step{Value: label})
	}
	return cfgs, sens, nil
}

// paramOption checks an override of a contract param and returns it as
// an option of the evaluator.
func paramOption(c *compiler.Contract, name string, v ref.Val) (runtime.Option, error) {
	prm := c.SettableParam(name) // a param, or NAME.KEY of a table param
	if prm == nil {
		var names []string
		for _, p := range c.Settable() {
			names = append(names, p.Name)
		}
		return nil, optionError(CodeUnknownParam, "the contract has no param %q%s", name, didYouMean(name, names))
	}
	if v == nil || v.Type().TypeName() != prm.Default.Type().TypeName() {
		got := "nothing"
		if v != nil {
			got = v.Type().TypeName()
		}
		return nil, optionError(CodeBadParamValue, "param %s is %s, not %s", name, prm.Default.Type().TypeName(), got)
	}
	return runtime.WithParam(name, v), nil
}

// describeInputs fills in the contract, the source of the data, and the
// params and vars of a forecast's result.
func describeInputs(res *Result, c *compiler.Contract, src Source, params map[string]ref.Val) {
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
	words := prose.New(c)
	for _, prm := range c.Settable() {
		pv := ParamValue{Name: prm.Name, Value: formatVal(prm.Default), Title: prm.Title, Shown: words.Param(prm)}
		if v, ok := params[prm.Name]; ok {
			pv.Value, pv.Set, pv.Shown = formatVal(v), true, words.Value(v, prm.Percent)
		}
		res.Params = append(res.Params, pv)
	}
}

// stepsOrNil returns the steps of the sweep, or nil when there is none.
func (s *Sensitivity) stepsOrNil() []Step {
	if s == nil {
		return nil
	}
	return s.Steps
}

// TargetKind says what name is to a forecast of contract c on data from
// src: "param" for a contract param, "var" for a var of src when it is a
// *Scenario. A name that is neither, or both, is a lang.Diagnostics with
// code CodeUnknownParam or CodeAmbiguousParam.
func TargetKind(c *compiler.Contract, src Source, name string) (string, error) {
	sc, _ := src.(*Scenario)
	isParam := c.SettableParam(name) != nil
	isVar := sc != nil && sc.HasVar(name)
	switch {
	case isParam && isVar:
		return "", optionError(CodeAmbiguousParam, "%s is both a contract param and a scenario var; rename the var", name)
	case isParam:
		return "param", nil
	case isVar:
		return "var", nil
	}
	var names []string
	for _, p := range c.Settable() {
		names = append(names, p.Name)
	}
	what := "no contract param"
	if sc != nil {
		names = append(names, sc.VarNames()...)
		what = "no contract param or scenario var"
	}
	return "", optionError(CodeUnknownParam, "there is %s named %q%s", what, name, didYouMean(name, names))
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
