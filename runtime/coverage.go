package runtime

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// Coverage records which rules, and which outcomes of their conditions, the
// evaluations it watches exercised. One Coverage may watch many programs
// (the tests of a contract) and is safe for concurrent use.
type Coverage struct {
	c     *compiler.Contract
	mu    sync.Mutex
	items []*CoverItem
	// index maps an expression node (or rule) to its items.
	byRule   map[*compiler.Rule]*CoverItem
	byBranch map[branchKey][2]*CoverItem
	traced   map[*compiler.Expression]cel.Program
}

// branchKey identifies a condition: a `? :` choice in an expression, or the
// expression itself when it is a when clause.
type branchKey struct {
	e  *compiler.Expression
	id int64 // 0 for a when clause's own outcome
}

// CoverItem is one thing a test can exercise: a rule producing a result,
// or one outcome (true or false) of a condition.
type CoverItem struct {
	Rule    string
	What    string // "rule", "condition true", "condition false"
	Text    string // the condition's source
	Span    lang.Span
	Covered bool
}

// Describe says in words what the item needs.
func (it *CoverItem) Describe() string {
	switch it.What {
	case "rule":
		return fmt.Sprintf("%s never produced a result", it.Rule)
	}
	outcome := "true"
	if it.What == "condition false" {
		outcome = "false"
	}
	return fmt.Sprintf("%s: %s was never %s", it.Rule, it.Text, outcome)
}

// NewCoverage prepares a coverage record for a contract: one item per rule,
// and two per condition (a rule's when, and every `? :` choice).
func NewCoverage(c *compiler.Contract) *Coverage {
	cov := &Coverage{c: c, byRule: map[*compiler.Rule]*CoverItem{}, byBranch: map[branchKey][2]*CoverItem{},
		traced: map[*compiler.Expression]cel.Program{}}
	for _, r := range c.Rules {
		it := &CoverItem{Rule: r.Name, What: "rule", Span: r.Span}
		cov.items = append(cov.items, it)
		cov.byRule[r] = it
		add := func(e *compiler.Expression, id int64, text string, span lang.Span) {
			t := &CoverItem{Rule: r.Name, What: "condition true", Text: oneLine(text), Span: span}
			f := &CoverItem{Rule: r.Name, What: "condition false", Text: oneLine(text), Span: span}
			cov.items = append(cov.items, t, f)
			cov.byBranch[branchKey{e, id}] = [2]*CoverItem{f, t}
		}
		if r.When != nil {
			add(r.When, 0, r.When.Source.Text, r.When.Source.Span)
		}
		for _, e := range r.Expressions() {
			for _, b := range e.Branches {
				add(e, b.ID, b.Text, b.Span)
			}
		}
	}
	return cov
}

// WithCoverage makes the program record what its evaluations exercise.
// Evaluation is slower: every sub-expression's value is tracked.
func WithCoverage(cov *Coverage) Option {
	return func(p *Program) error {
		if cov.c != p.c {
			return fmt.Errorf("the coverage record is for another contract")
		}
		p.cov = cov
		return nil
	}
}

// run evaluates an expression with a program whose branch conditions are
// watched, and records the outcome of its conditions. Every evaluation of
// a condition counts, including each record inside ratio() or count().
func (cov *Coverage) run(ctx context.Context, r *compiler.Rule, e *compiler.Expression, act *activation) (ref.Val, error) {
	cov.mu.Lock()
	prg, ok := cov.traced[e]
	cov.mu.Unlock()
	if !ok {
		ids := map[int64]bool{}
		for _, b := range e.Branches {
			ids[b.ID] = true
		}
		dec := func(i interpreter.Interpretable) (interpreter.Interpretable, error) {
			if !ids[i.ID()] {
				return i, nil
			}
			return &watch{Interpretable: i, seen: func(v ref.Val) {
				if b, isBool := v.(types.Bool); isBool {
					cov.mu.Lock()
					cov.mark(branchKey{e, i.ID()}, bool(b))
					cov.mu.Unlock()
				}
			}}, nil
		}
		var err error
		prg, err = e.ProgramWith(cel.CustomDecorator(dec))
		if err != nil {
			return nil, err
		}
		cov.mu.Lock()
		cov.traced[e] = prg
		cov.mu.Unlock()
	}
	out, _, err := prg.ContextEval(ctx, act)
	if err == nil && types.IsError(out) {
		err = out.(*types.Err)
	}
	if err != nil {
		return nil, err
	}
	cov.mu.Lock()
	defer cov.mu.Unlock()
	if e == r.When {
		cov.mark(branchKey{e, 0}, out == types.True)
	}
	if e == r.Value || e == r.Measure {
		cov.byRule[r].Covered = true
	}
	return out, nil
}

// watch reports every value a watched sub-expression evaluates to.
type watch struct {
	interpreter.Interpretable
	seen func(ref.Val)
}

// Eval implements interpreter.Interpretable.
func (w *watch) Eval(act interpreter.Activation) ref.Val {
	v := w.Interpretable.Eval(act)
	w.seen(v)
	return v
}

// mark records one outcome of condition k; cov.mu must be held.
func (cov *Coverage) mark(k branchKey, outcome bool) {
	items, ok := cov.byBranch[k]
	if !ok {
		return
	}
	if outcome {
		items[1].Covered = true
	} else {
		items[0].Covered = true
	}
}

// outcome records a condition evaluated outside run (exclude rules).
func (cov *Coverage) outcome(r *compiler.Rule, e *compiler.Expression, v bool) {
	cov.mu.Lock()
	defer cov.mu.Unlock()
	cov.mark(branchKey{e, 0}, v)
	if v {
		cov.byRule[r].Covered = true
	}
}

// observe marks the rules a statement shows results of: lines, flags,
// standards, cap and floor adjustments. Rendering the lines lists their
// inputs, which evaluates the lets they show: those count as exercised.
func (cov *Coverage) observe(st *Statement) {
	// Render the lines before taking the lock: evaluating a let records
	// its coverage too.
	var names []string
	for l := range st.Lines() {
		names = append(names, l.Rule)
	}
	for _, f := range st.Flags {
		names = append(names, f.Rule)
	}
	for _, s := range st.Standards {
		names = append(names, s.Rule)
	}
	for _, x := range st.Excluded {
		names = append(names, x.Rule)
	}
	cov.mu.Lock()
	defer cov.mu.Unlock()
	for _, name := range names {
		if r := cov.c.Rule(name); r != nil {
			cov.byRule[r].Covered = true
		}
	}
}

// Items returns every coverage item in contract order.
func (cov *Coverage) Items() []*CoverItem {
	cov.mu.Lock()
	defer cov.mu.Unlock()
	out := append([]*CoverItem(nil), cov.items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start.Offset < out[j].Span.Start.Offset })
	return out
}

// Percent returns the share of items covered, 0 to 100, and the counts.
func (cov *Coverage) Percent() (pct float64, covered, total int) {
	for _, it := range cov.Items() {
		total++
		if it.Covered {
			covered++
		}
	}
	if total == 0 {
		return 100, 0, 0
	}
	return 100 * float64(covered) / float64(total), covered, total
}
