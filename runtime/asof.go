package runtime

import (
	"context"
	"sort"
	"strings"
	"sync"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// Every value that lands in settlement period q is computed from the
// records dated up to the end of q: a statement over several periods
// gives, for each, the lines settling that period alone would give. Most
// rules read nothing that could see later records, and are evaluated once
// over the whole statement. A read that could is answered by an as-of
// evaluation: a child of the statement's evaluation holding only the
// records up to the end of the reader's period, whose rules are evaluated
// when first read. They are:
//
//   - a rule read from a narrower scope whose instance runs past the end
//     of the reader's period (a per month rule, or a rule for each record,
//     reading a per year let that counts records): it is read as of that
//     period, its aggregates over the records up to the period's end;
//   - the limit of a cap or floor whose instance spans several periods,
//     applied period by period, each with its limit as of that period;
//   - the amount of a rule paid in instalments, computed as of its first
//     instalment's period;
//   - a lag that closes a cycle (compiler.Rule.CyclicLags), read from the
//     evaluation as of the earlier instance's own period.
//
// A value that does not depend on records (a let of params, a period's
// dates) is read directly: it is the same as of any period.

// asOfChild is the as-of evaluation for one last month, made once.
type asOfChild struct {
	once sync.Once
	ev   *evaluation
}

// lazyRule is a rule of an as-of evaluation, evaluated when first read.
type lazyRule struct {
	once sync.Once
	st   *ruleState
}

// top returns the statement's evaluation: ev, or the one ev is a child of.
func (ev *evaluation) top() *evaluation {
	if ev.root != nil {
		return ev.root
	}
	return ev
}

// context returns the context evaluations run in: the statement's, which
// after Eval is the caller's, explaining lines (an as-of evaluation may
// evaluate a let first then).
func (ev *evaluation) context() context.Context { return ev.top().ctx }

// state returns rule t's state, evaluating it first in an as-of
// evaluation; the statement's evaluation evaluates rules in order.
func (ev *evaluation) state(t *compiler.Rule) *ruleState {
	if ev.root == nil {
		return ev.states[t]
	}
	ev.mu.Lock()
	lr := ev.lazy[t]
	if lr == nil {
		lr = &lazyRule{}
		ev.lazy[t] = lr
	}
	ev.mu.Unlock()
	lr.once.Do(func() { lr.st = ev.rule(t) })
	return lr.st
}

// asOf returns the evaluation as of the end of month last: a child of the
// statement's evaluation holding the records up to then.
func (ev *evaluation) asOf(last int) *evaluation {
	root := ev.top()
	root.childMu.Lock()
	if root.children == nil {
		root.children = map[int]*asOfChild{}
	}
	c := root.children[last]
	if c == nil {
		c = &asOfChild{}
		root.children[last] = c
	}
	root.childMu.Unlock()
	c.once.Do(func() { c.ev = root.newChild(last) })
	return c.ev
}

// newChild makes the as-of evaluation whose last month is last.
func (ev *evaluation) newChild(last int) *evaluation {
	ch := &evaluation{p: ev.p, cal: ev.cal, lastMon: last, root: ev, recs: map[*compiler.Schema][]recInfo{}, parents: map[*compiler.Schema][]int32{},
		persons: ev.persons, lazy: map[*compiler.Rule]*lazyRule{}, sums: map[sumKey][]ref.Val{}, lists: map[listKey]*recordLists{},
		zero: ev.zero, dep: ev.dep}
	schemas := make([]*compiler.Schema, 0, len(ev.recs))
	for s := range ev.recs {
		schemas = append(schemas, s)
	}
	depth := func(s *compiler.Schema) int {
		n := 0
		for ; s.Parent != nil; s = s.Parent {
			n++
		}
		return n
	}
	sort.Slice(schemas, func(i, j int) bool {
		if di, dj := depth(schemas[i]), depth(schemas[j]); di != dj {
			return di < dj
		}
		return schemas[i].Name < schemas[j].Name
	})
	// Each record's index among the kept ones, -1 for a later record: a
	// nested record follows its parent.
	kept := map[*compiler.Schema][]int32{}
	for _, s := range schemas {
		from := ev.recs[s]
		idx := make([]int32, len(from))
		var out []recInfo
		var parents []int32
		for j, ri := range from {
			idx[j] = -1
			if int(ri.month) > last {
				continue
			}
			if s.Parent != nil {
				p := kept[s.Parent][ev.parentOf(s, j)]
				if p < 0 {
					continue
				}
				parents = append(parents, p)
			}
			idx[j] = int32(len(out))
			out = append(out, ri)
		}
		kept[s] = idx
		ch.recs[s] = out
		if s.Parent != nil {
			ch.parents[s] = parents
		}
	}
	ch.notePersonsLast()
	ch.childGroups(ev, kept)
	return ch
}

// asOfRead returns the evaluation rule t, of scope ts, is read from in
// its instance j by instance i of scope s: the as-of evaluation of the
// end of the reader's period when j runs past it and t's value depends on
// records; nil to read it here.
func (ev *evaluation) asOfRead(t *compiler.Rule, ts scopeRef, j int, s scopeRef, i int) *evaluation {
	if ts == s || !spans(ts) || s.kind == compiler.PersonScope || s.kind == compiler.GroupScope {
		return nil
	}
	end := ev.periodEnd(ev.monthOf(s, i))
	if _, last := ev.span(ts, j); end >= min(last, ev.lastMon) || !ev.dep.rule(t) {
		return nil
	}
	return ev.asOf(end)
}

// periodEnd returns the last month of the settlement period holding month m.
func (ev *evaluation) periodEnd(m int) int {
	set := ev.p.c.Settlement
	_, end := ev.cal.monthRange(set, ev.cal.fromMonth(m, set))
	return end
}

// instalmentsAsOf returns instance i of rule rs, paid in instalments, as
// of the end of its first instalment's period, when that ends before the
// instance and the rule's amount depends on records: its value and
// whether it fired. ok is false when the instance is the evaluation's own.
func (ev *evaluation) instalmentsAsOf(rs *ruleCtx, i int) (v ref.Val, fired, ok bool) {
	r := rs.rule
	first, last := ev.cal.monthRange(r.Scope.Kind, i)
	end := ev.periodEnd(first)
	if end >= min(last, ev.lastMon) || !ev.dep.rule(r) {
		return nil, false, false
	}
	cst := ev.asOf(end).state(r)
	if i < cst.n {
		return cst.val(i), cst.isFired(i), true
	}
	return nil, false, true
}

// limitAsOf returns the limit of instance k of cap or floor rs for period
// p as of the end of p, when p ends before the instance and the limit
// depends on records; ok is false to use the instance's own limit.
func (ev *evaluation) limitAsOf(rs *ruleCtx, k, p int) (lim value.Money, ok bool) {
	r := rs.rule
	if !spans(rs.scope) {
		return lim, false
	}
	_, end := ev.cal.monthRange(ev.p.c.Settlement, p)
	if first, last := ev.span(rs.scope, k); end < first || end >= min(last, ev.lastMon) {
		return lim, false // a period outside the instance, or its last
	}
	if !ev.dep.expr(r.Limit, r) {
		return lim, false
	}
	c := ev.asOf(end)
	crs := c.ctxOf(r)
	v, err := c.run(crs, r.Limit, k)
	if err != nil {
		c.failAt(crs, k, "limit", r.Limit, err)
		return lim, false
	}
	return v.(value.Money).Round(ev.p.c.MinorUnits, ev.p.c.Rounding), true
}

// ctxOf returns the context rule r is evaluated in.
func (ev *evaluation) ctxOf(r *compiler.Rule) *ruleCtx {
	rs := &ruleCtx{rule: r, scope: refOf(r.Scope), reads: map[string]*compiler.Rule{}}
	for _, d := range r.Deps {
		rs.reads[d.Name] = d
	}
	return rs
}

// lagSource returns the evaluation a lag of rule t read by rule rs in
// instance k of rs's scope comes from: the as-of evaluation of the end of
// k's period when the lag closes a cycle (the compiler requires such a
// lag's scope to be a settlement period or longer, so that the period ends
// before the reader's), ev otherwise.
func (ev *evaluation) lagSource(rs *ruleCtx, t *compiler.Rule, k int) *evaluation {
	if !rs.rule.CyclicLags[t.Name] {
		return ev
	}
	end := ev.periodEnd(ev.monthOf(rs.scope, k))
	if end >= ev.lastMon {
		return ev
	}
	return ev.asOf(end)
}

// dependence tells which rules' values depend on the records: those whose
// value as of an earlier period can differ from their value now. It is
// worked out for every rule before the evaluation starts, and then only
// read.
type dependence struct {
	c    *compiler.Contract
	memo map[*compiler.Rule]bool
	busy map[*compiler.Rule]bool
}

// newDependence works out which of c's rules depend on records.
func newDependence(c *compiler.Contract) *dependence {
	d := &dependence{c: c, memo: map[*compiler.Rule]bool{}, busy: map[*compiler.Rule]bool{}}
	for _, r := range c.Rules {
		d.rule(r)
	}
	d.busy = nil
	return d
}

// rule reports whether rule t's value depends on records: a cap or floor,
// a rule over records or per person, or one whose expressions range over
// records or read a rule that does (see expr).
func (d *dependence) rule(t *compiler.Rule) bool {
	if v, ok := d.memo[t]; ok || d.busy == nil {
		return v
	}
	if d.busy[t] {
		return true // a cycle through a lag: assume it does
	}
	d.busy[t] = true
	v := t.Kind == lang.Cap || t.Kind == lang.Floor || !t.Scope.Kind.IsTime()
	for _, e := range t.Expressions() {
		v = v || d.expr(e, t)
	}
	d.memo[t] = v
	return v
}

// expr reports whether expression e of rule r depends on records: it
// ranges over records, or reads a rule over records or narrower than r's
// scope (which it sums), or one wider that depends on records. A lag reads
// earlier instances, complete before this one starts, unless it reads a
// wider rule.
func (d *dependence) expr(e *compiler.Expression, r *compiler.Rule) bool {
	if e == nil || e.AST == nil {
		return false
	}
	dep := false
	ast.PreOrderVisit(e.AST.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if dep || x.Kind() != ast.IdentKind {
			return
		}
		name := x.AsIdent()
		lagged := false
		if l, ok := compiler.ParseLag(name); ok {
			name, lagged = l.Name, true
		} else if strings.HasPrefix(name, compiler.AllPrefix) || isHistory(name) {
			dep = true
			return
		}
		t := d.c.Rule(name)
		if t == nil || t == r {
			return
		}
		narrower := !t.Scope.Kind.IsTime() || t.Scope.Kind < r.Scope.Kind
		if lagged {
			dep = !narrower && t.Scope.Kind > r.Scope.Kind && d.rule(t)
			return
		}
		dep = narrower || d.rule(t)
	}))
	return dep
}
