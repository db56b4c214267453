package runtime

import (
	"fmt"
	goruntime "runtime"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// Program evaluates one compiled contract. It is safe for concurrent use.
type Program struct {
	c       *compiler.Contract
	cal     *calendar
	params  map[string]ref.Val
	set     map[string]bool
	workers int
	cov     *Coverage
	// noInputs skips listing each line's inputs, for callers such as
	// forecasts that need only amounts.
	noInputs bool
	// noLines makes statements without their lines (see WithoutLines).
	noLines bool
	// costBudget bounds the work of one evaluation (see WithCostBudget).
	costBudget uint64
	// dep tells which rules depend on records (see asof.go).
	dep *dependence
	// loopFree holds the rule expressions evaluated without a context
	// (see loops.go).
	loopFree map[*compiler.Expression]bool
}

// DefaultCostBudget is the most work one evaluation may do, in CEL's cost
// units (about one a step: reading a value, a comparison, an arithmetic
// operation, a turn of a loop), added up over every expression evaluated
// for every record and scope instance, 10^9. Evaluating the
// individual-outcomes contract on a million reviews costs about 550,000
// (most records' results are remembered rather than evaluated again;
// evaluating every one would cost about 44 million). A contract whose
// rules over records loop over long lists inside long lists (ten reviews
// of 3,400 goals, each goal compared with every other: about 2 × 10^9,
// a minute or more of work) is stopped.
const DefaultCostBudget = 1_000_000_000

// WithCostBudget sets the most work one evaluation may do, in CEL's cost
// units summed over every expression it evaluates (DefaultCostBudget
// unless set). An evaluation that goes over it stops with a diagnostic
// (code cost-limit) naming the rule being evaluated. Each expression is
// also bounded on its own, by the compiler's cost limit.
func WithCostBudget(n uint64) Option {
	return func(p *Program) error {
		if n < 1 {
			return fmt.Errorf("the cost budget must be at least 1")
		}
		p.costBudget = n
		return nil
	}
}

// WithoutInputs leaves each line's Inputs empty. Statements are then
// cheaper to build; amounts, totals and everything else are unchanged.
func WithoutInputs() Option {
	return func(p *Program) error {
		p.noInputs = true
		return nil
	}
}

// Option configures a Program.
type Option func(*Program) error

// WithParam overrides a param's default value. For a table param, name
// is NAME.KEY and v the value of that one entry (KEY default for the
// default); the other entries keep theirs.
func WithParam(name string, v ref.Val) Option {
	return func(p *Program) error {
		if tname, key, ok := strings.Cut(name, "."); ok {
			return p.setEntry(tname, key, v)
		}
		prm := p.c.Param(name)
		if prm == nil {
			return fmt.Errorf("the contract has no param %q", name)
		}
		if v.Type().TypeName() != prm.Default.Type().TypeName() {
			return fmt.Errorf("param %s is %s, not %s", name, prm.Default.Type().TypeName(), v.Type().TypeName())
		}
		if prm.IsTable() {
			return fmt.Errorf("param %s is a table; set one entry, as %s.KEY", name, name)
		}
		p.params[name] = v
		p.set[name] = true
		return nil
	}
}

// setEntry sets the entry at key of table param name to v.
func (p *Program) setEntry(name, key string, v ref.Val) error {
	prm := p.c.Param(name)
	if prm == nil {
		return fmt.Errorf("the contract has no param %q", name)
	}
	tab, ok := p.params[name].(*value.Table)
	if !ok {
		return fmt.Errorf("param %s is not a table, so it has no entry %s", name, key)
	}
	if prm.EntryByKey(key) == nil && (key != lang.DefaultKey || !prm.HasDefault) {
		return fmt.Errorf("table %s has no key %q", name, key)
	}
	if v.Type().TypeName() != prm.Elem.TypeName() {
		return fmt.Errorf("table %s holds %s, not %s", name, prm.Elem.TypeName(), v.Type().TypeName())
	}
	p.params[name] = compiler.SetEntry(tab, key, v)
	p.set[name] = true
	return nil
}

// WithWorkers sets how many goroutines evaluate records; the output is the
// same whatever the number. The default is the number of CPUs.
func WithWorkers(n int) Option {
	return func(p *Program) error {
		if n < 1 {
			return fmt.Errorf("workers must be at least 1")
		}
		p.workers = n
		return nil
	}
}

// New prepares a compiled contract for evaluation.
func New(c *compiler.Contract, opts ...Option) (*Program, error) {
	p := &Program{c: c, cal: newCalendar(c), params: map[string]ref.Val{}, set: map[string]bool{}, workers: goruntime.NumCPU(),
		costBudget: DefaultCostBudget, dep: newDependence(c), loopFree: loopFree(c)}
	for _, prm := range c.Params {
		p.params[prm.Name] = prm.Default
	}
	for _, o := range opts {
		if err := o(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Contract returns the compiled contract.
func (p *Program) Contract() *compiler.Contract { return p.c }

// Periods returns the settlement periods of the term, in order.
func (p *Program) Periods() []string {
	n := p.cal.count(p.c.Settlement)
	out := make([]string, n)
	for i := range out {
		out[i] = p.cal.label(p.c.Settlement, i)
	}
	return out
}

// DataPeriods returns the settlement periods the data's records fall in.
func (p *Program) DataPeriods(d *data.Set) []string {
	seen := map[int]bool{}
	for _, s := range p.c.TopSchemas() {
		pf := s.PeriodField
		if pf == nil {
			continue
		}
		for _, r := range d.Records[s.Name] {
			if m := p.cal.monthOf(dateOf(r, pf)); m >= 0 {
				seen[p.cal.fromMonth(m, p.c.Settlement)] = true
			}
		}
	}
	idx := make([]int, 0, len(seen))
	for i := range seen {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]string, len(idx))
	for i, x := range idx {
		out[i] = p.cal.label(p.c.Settlement, x)
	}
	return out
}
