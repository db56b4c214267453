package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// Eval evaluates the contract on the data and returns the statement for
// the period settle, read with the contract's calendar (a settlement
// period, or a longer period made of whole settlement periods), or for
// every period the data touches when settle is the zero Period. Rules that cannot be evaluated produce no statement: the error is
// then a lang.Diagnostics, one diagnostic for each rule and record (or
// scope instance) that failed, sorted.
func (p *Program) Eval(ctx context.Context, d *data.Set, settle compiler.Period) (*Statement, error) {
	return p.eval(ctx, d, settle, nil)
}

// eval is Eval with the results a session remembers, mem, or none when
// mem is nil.
func (p *Program) eval(ctx context.Context, d *data.Set, settle compiler.Period, mem *memory) (*Statement, error) {
	per, err := p.statementPeriod(d, settle)
	if err != nil {
		return nil, err
	}
	// The evaluation's own context is cancelled, stopping its work, when
	// it goes over its cost budget.
	evCtx, cancel := context.WithCancelCause(ctx)
	ev := &evaluation{p: p, ctx: evCtx, cancel: cancel, cal: p.cal, recs: map[*compiler.Schema][]recInfo{}, parents: map[*compiler.Schema][]int32{},
		states: map[*compiler.Rule]*ruleState{}, sums: map[sumKey][]ref.Val{}, lists: map[listKey]*recordLists{},
		zero: value.MoneyOf(value.DecimalFromInt(0)), dep: p.dep, mem: mem, keysChecked: d.KeysChecked()}
	defer func() {
		// The statement keeps the evaluation, and explains its lines with
		// the caller's context.
		ev.ctx = ctx
		cancel(nil)
	}()
	_, ev.lastMon = p.cal.monthRange(p.c.Settlement, per.last)
	// Reference data first: an exclude rule may look it up.
	if ev.refs, err = referenceTables(p.c, d); err != nil {
		return nil, err
	}
	ev.collect(d)
	for _, r := range p.c.Rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if ev.overBudget.Load() {
			break
		}
		if r.Kind == lang.Exclude {
			continue
		}
		ev.current = r
		ev.states[r] = ev.rule(r)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ev.overBudget.Load() {
		// Evaluations cut short by the cancelled context failed too; the
		// budget is the one thing to report.
		return nil, lang.Diagnostics{ev.budgetDiag}
	}
	if len(ev.errs) > 0 {
		// A failure met again as of an earlier period is reported once.
		ev.errs.Sort()
		ev.errs = slices.Compact(ev.errs)
		return nil, ev.errs
	}
	return ev.statement(d, per), nil
}

// statementPeriod returns the period a statement is for: the one named, or
// when periodText is "" the settlement periods from the first to the last
// the data touches.
func (p *Program) statementPeriod(d *data.Set, settle compiler.Period) (period, error) {
	if !settle.IsZero() {
		return p.cal.settlePeriod(settle)
	}
	ps := p.DataPeriods(d)
	if len(ps) == 0 {
		return period{}, fmt.Errorf("%w %s .. %s", ErrNoRecordsInTerm, p.c.TermFrom, p.c.TermTo)
	}
	first, err := p.cal.parsePeriod(ps[0])
	if err != nil {
		return period{}, err
	}
	last, _ := p.cal.parsePeriod(ps[len(ps)-1])
	per := period{label: ps[0], first: first.first, last: last.last}
	if len(ps) > 1 || first.first != last.last {
		per.label = ps[0] + " .. " + ps[len(ps)-1]
	}
	return per, nil
}

// ErrNoRecordsInTerm is the error, wrapped with the term's dates, of an
// evaluation for every period the data touches when the data touches none:
// name a period to settle it anyway.
var ErrNoRecordsInTerm = errors.New("the data has no records in the term")

// evaluation is the state of one Eval call.
type evaluation struct {
	p       *Program
	ctx     context.Context
	cal     *calendar
	lastMon int // the last month evaluated
	recs    map[*compiler.Schema][]recInfo
	// parents holds, for each nested schema, the index of each of its
	// records' parents in the parent schema's recs (see parentOf).
	parents map[*compiler.Schema][]int32
	// keysChecked is set when the data's keys were checked as it was
	// loaded (see data.Set.KeysChecked, and keysDistinct).
	keysChecked bool
	persons     []string
	excluded    []Exclusion
	states      map[*compiler.Rule]*ruleState
	sums        map[sumKey][]ref.Val
	lists       map[listKey]*recordLists
	// refs holds each reference data's records by key (see tables.go).
	refs map[string]*value.Table
	mu   sync.Mutex
	errs lang.Diagnostics
	zero value.Money
	// paths, each rule's input paths, and inputCtxs serve eachInput.
	paths     map[*compiler.Rule][]inputPath
	inputCtxs map[*compiler.Rule]*ruleCtx
	// personFirst and personLast hold each person's first and last month
	// with a record.
	personFirst, personLast []int
	// cost is the work done so far, in CEL's cost units; once it goes
	// over the program's budget, overBudget is set, budgetDiag says so
	// and cancel stops the evaluation. current is the rule being
	// evaluated, which the diagnostic names.
	cost       atomic.Uint64
	overBudget atomic.Bool
	budgetDiag lang.Diagnostic
	cancel     context.CancelCauseFunc
	current    *compiler.Rule
	// root is the statement's evaluation when this is an as-of one (see
	// asof.go), with children, its as-of evaluations by last month; lazy
	// holds an as-of evaluation's rules, evaluated when first read. dep
	// tells which rules depend on records.
	root     *evaluation
	childMu  sync.Mutex
	children map[int]*asOfChild
	lazy     map[*compiler.Rule]*lazyRule
	dep      *dependence
	// groups holds the instances of each group (see groups.go).
	groups map[*compiler.Group]*groupIndex
	// hist holds each person's records of a schema, for history(D).
	hist map[*compiler.Schema]*personIndex
	// mem holds the results the session of a root evaluation remembers
	// from its earlier evaluations (see Session); nil when there is none.
	mem *memory
}

// errCostBudget is the cause of an evaluation's cancellation when it goes
// over its cost budget.
var errCostBudget = errors.New("the evaluation went over its cost budget")

// spend adds the cost of one expression's evaluation, as CEL tracked it,
// to the evaluation's; the first time the total goes over the budget it
// records the diagnostic, naming the rule being evaluated (which lets and
// other rules it read, evaluated on the way, does not change), and stops
// the evaluation.
func (ev *evaluation) spend(det *cel.EvalDetails) {
	if ev.root != nil {
		ev.root.spend(det)
		return
	}
	c := det.ActualCost()
	if c == nil || ev.cost.Add(*c) <= ev.p.costBudget || ev.overBudget.Swap(true) {
		return
	}
	r := ev.current
	ev.budgetDiag = lang.Diagnostic{Severity: lang.Error, Code: codeCostLimit, Span: r.Span,
		Message: fmt.Sprintf("%s %s: the evaluation went over its budget of %d steps of work while evaluating this rule", r.Kind, r.Name, ev.p.costBudget),
		Detail:  "a rule over records that loops over long lists (exists, all, an aggregate over nested records) does that work for every record"}
	ev.cancel(errCostBudget)
}

// value returns instance i of a rule's values, computing a let's value on
// first use.
func (ev *evaluation) value(st *ruleState, i int) ref.Val {
	if !st.lazy {
		return st.val(i)
	}
	st.once[i].Do(func() { ev.instance(st.rs, st, nil, i) })
	return st.vals[i]
}
