package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
	"occ/runtime/data"
)

// Eval evaluates the contract on the data and returns the statement for
// the period settle, read with the contract's calendar (a settlement
// period, or a longer period made of whole settlement periods), or for
// every period the data touches when settle is the zero Period. Rules that cannot be evaluated produce no statement: the error is
// then a lang.Diagnostics, one diagnostic for each rule and record (or
// scope instance) that failed, sorted.
func (p *Program) Eval(ctx context.Context, d *data.Set, settle compiler.Period) (*Statement, error) {
	per, err := p.statementPeriod(d, settle)
	if err != nil {
		return nil, err
	}
	ev := &evaluation{p: p, ctx: ctx, cal: p.cal, recs: map[*compiler.Schema][]recInfo{},
		states: map[*compiler.Rule]*ruleState{}, sums: map[sumKey][]ref.Val{}, lists: map[listKey]*recordLists{},
		zero: value.MoneyOf(value.DecimalFromInt(0))}
	_, ev.lastMon = p.cal.monthRange(p.c.Settlement, per.last)
	if p.hasPersonScope() {
		// A person's scope is the whole term: later records count too.
		ev.lastMon = max(ev.lastMon, p.lastDataMonth(d))
	}
	ev.collect(d)
	for _, r := range p.c.Rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.Kind == lang.Exclude {
			continue
		}
		ev.rule(r)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ev.errs) > 0 {
		ev.errs.Sort()
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
	p        *Program
	ctx      context.Context
	cal      *calendar
	lastMon  int // the last month evaluated
	recs     map[*compiler.Schema][]recInfo
	persons  []string
	excluded []Exclusion
	states   map[*compiler.Rule]*ruleState
	sums     map[sumKey][]ref.Val
	lists    map[listKey]*recordLists
	mu       sync.Mutex
	errs     lang.Diagnostics
	zero     value.Money
	// paths and inputCtxs serve eachInput.
	paths     map[*compiler.Expression][]inputPath
	inputCtxs map[*compiler.Rule]*ruleCtx
	// personLast holds each person's last month with a record.
	personLast []int
}

// value returns instance i of a rule's values, computing a let's value on
// first use.
func (ev *evaluation) value(st *ruleState, i int) ref.Val {
	if !st.lazy {
		return st.val(i)
	}
	st.once[i].Do(func() { ev.instance(st.rs, st, i) })
	return st.vals[i]
}

// hasPersonScope reports whether any rule runs per person.
func (p *Program) hasPersonScope() bool {
	for _, r := range p.c.Rules {
		if r.Scope.Kind == compiler.PersonScope {
			return true
		}
	}
	return false
}

// lastDataMonth returns the last month of the term holding a record.
func (p *Program) lastDataMonth(d *data.Set) int {
	last := 0
	for _, s := range p.c.TopSchemas() {
		if s.PeriodField == nil {
			continue
		}
		for _, r := range d.Records[s.Name] {
			if m := p.cal.monthOf(dateOf(r, s.PeriodField)); m > last {
				last = m
			}
		}
	}
	return last
}
