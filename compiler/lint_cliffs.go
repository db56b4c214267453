package compiler

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cockroachdb/apd/v3"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// A cliff is a payment that falls when an outcome measure improves across
// a threshold: a provider just over the line is paid less than one just
// under it, and is better off not improving. The lint finds each
// threshold a rule's `when` or amount compares a field or let with, and
// evaluates the rule's checked program just below and just above it (a
// whole number, a day, a penny, or a decimal at the threshold's own
// scale, at least 0.01 apart), other inputs held at representative
// values: the middle of their range, and each side of their own
// thresholds.
//
// Which way is better is not guessed. It is what the contract says: a
// standard's target (`target >= 85%` wants its measure higher, and wants
// the standard met), or else the way the contract's own amounts move
// with the measure away from any threshold (a rule that pays more for
// each goal met wants more goals met). Where the amounts move both ways,
// or not at all, nothing is reported.

// cliffBudget bounds the evaluations one contract's cliff lint makes.
const cliffBudget = 20000

// cliffLint holds the state of the cliff lint over one contract.
type cliffLint struct {
	ck    *checker
	evals int
	// slopes holds, for each subject, the signs of the changes seen in
	// amounts as it rises, and the first rule seen for each sign.
	slopes map[string]map[int]*Rule
	// intents holds, for each subject, the directions standards want it,
	// and the standard that says so.
	intents map[string]map[int]*Rule
	// reps holds each subject's representative value, once worked out.
	reps map[*subject]value.Decimal
}

// probeRule is one rule being probed: its leaves, the inputs a probe
// sets, and their representative values.
type probeRule struct {
	r      *Rule
	leaves map[string]ref.Val
	// subjects are the number subjects the rule reads, by key, and atoms
	// its thresholds outside aggregates.
	subjects map[string]*subject
	atoms    []*atom
	// standards are the standards the rule reads.
	standards []*Rule
	// combos holds the settings combos has worked out, by the input left
	// out: slope and cliffs probe each input with the same settings.
	combos map[string][]map[string]ref.Val
}

func (ck *checker) lintCliffs() {
	cl := &cliffLint{ck: ck, slopes: map[string]map[int]*Rule{}, intents: map[string]map[int]*Rule{}, reps: map[*subject]value.Decimal{}}
	for _, r := range ck.c.Rules {
		if r.Kind == lang.Standard && r.Measure != nil && r.Measure.AST != nil {
			if e := r.Measure.AST.NativeRep().Expr(); e.Kind() == ast.IdentKind {
				switch r.TargetOp {
				case ">=", ">":
					cl.note(cl.intents, e.AsIdent(), 1, r)
				case "<=", "<":
					cl.note(cl.intents, e.AsIdent(), -1, r)
				}
			}
		}
	}
	var probes []*probeRule
	for _, r := range ck.c.Rules {
		if r.HasLines() {
			if pr := cl.prepare(r); pr != nil {
				probes = append(probes, pr)
			}
		}
	}
	for _, pr := range probes {
		cl.slope(pr)
	}
	for _, pr := range probes {
		cl.cliffs(pr)
	}
}

func (cl *cliffLint) note(m map[string]map[int]*Rule, key string, sign int, r *Rule) {
	if m[key] == nil {
		m[key] = map[int]*Rule{}
	}
	if m[key][sign] == nil {
		m[key][sign] = r
	}
}

// direction returns +1 when the contract wants the subject higher, -1
// lower, 0 when it does not say, and the rule that says so.
func (cl *cliffLint) direction(key string) (int, *Rule) {
	for _, m := range []map[string]map[int]*Rule{cl.intents, cl.slopes} {
		signs := m[key]
		switch {
		case len(signs) == 1 && signs[1] != nil:
			return 1, signs[1]
		case len(signs) == 1 && signs[-1] != nil:
			return -1, signs[-1]
		case len(signs) > 1:
			return 0, nil
		}
	}
	return 0, nil
}

// prepare lists what a rule reads and the thresholds it compares.
func (cl *cliffLint) prepare(r *Rule) *probeRule {
	ck := cl.ck
	pr := &probeRule{r: r, leaves: map[string]ref.Val{}, subjects: map[string]*subject{}, combos: map[string][]map[string]ref.Val{}}
	vars := map[string]*Schema{}
	for _, s := range recordVars(r.Scope) {
		vars[s.Name] = s
		for _, f := range s.Fields {
			if sub := ck.subjectOf(fieldSelect(s, f), vars); sub != nil {
				pr.subjects[sub.key] = sub
			}
		}
	}
	for _, e := range []*Expression{r.When, r.Amount, r.Basis, r.Part} {
		if e == nil {
			continue
		}
		src, ok := ck.lintSrc[e]
		if !ok {
			return nil
		}
		for _, name := range e.Reads {
			t := ck.c.rules[name]
			switch {
			case t == nil:
			case t.Kind == lang.Standard:
				if !slices.Contains(pr.standards, t) {
					pr.standards = append(pr.standards, t)
				}
			case t.Kind == lang.Let:
				if sub := ck.subjectOf(ast.NewExprFactory().NewIdent(0, name), src.vars); sub != nil {
					pr.subjects[sub.key] = sub
				}
			}
		}
		topLevel(e.AST.NativeRep().Expr(), func(x ast.Expr) {
			if a := ck.atomOf(x, src.vars); a != nil && a.op != "==" && a.op != "!=" && pr.subjects[a.s.key] == a.s {
				a.expr = e
				pr.atoms = append(pr.atoms, a)
			}
		})
	}
	return pr
}

// fieldSelect is the expression record.field, for finding its subject.
func fieldSelect(s *Schema, f *Field) ast.Expr {
	fac := ast.NewExprFactory()
	return fac.NewSelect(0, fac.NewIdent(0, s.Name), f.Name)
}

// topLevel visits the nodes of e outside aggregates.
func topLevel(e ast.Expr, visit func(ast.Expr)) {
	visit(e)
	switch e.Kind() {
	case ast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			topLevel(c.Target(), visit)
		}
		for _, a := range c.Args() {
			topLevel(a, visit)
		}
	case ast.SelectKind:
		topLevel(e.AsSelect().Operand(), visit)
	}
}

// step is the distance between two probes of a subject.
func (cl *cliffLint) step(pr *probeRule, s *subject) value.Decimal {
	switch {
	case s.kind.whole():
		return value.DecimalFromInt(1)
	case s.kind == numMoney:
		return tenth(int(cl.ck.c.MinorUnits))
	}
	places := 2
	for _, a := range pr.atoms {
		if a.s == s {
			places = max(places, decimalPlaces(a.t.String()))
		}
	}
	return tenth(places)
}

// tenth returns 10 to the power -n.
func tenth(n int) value.Decimal {
	d := value.DecimalFromInt(1)
	for range n {
		d, _ = d.Quo(value.DecimalFromInt(10))
	}
	return d
}

// rep is a representative value of a subject: the middle of its range.
// Every rule that reads the subject probes it at the same value, so it is
// worked out once.
func (cl *cliffLint) rep(s *subject) value.Decimal {
	if d, ok := cl.reps[s]; ok {
		return d
	}
	d := cl.middle(s)
	cl.reps[s] = d
	return d
}

// middle works out the value rep returns.
func (cl *cliffLint) middle(s *subject) value.Decimal {
	one := value.DecimalFromInt(1)
	if s.kind == numMoney {
		one = value.DecimalFromInt(100)
	}
	if s.kind == numDate {
		one, _, _ = toNumber(cl.ck.c.TermFrom)
	}
	if len(s.univ) == 0 {
		return one
	}
	lo, hi := s.univ[0].lo, s.univ[len(s.univ)-1].hi
	switch {
	case !lo.inf && !hi.inf:
		sum, _ := lo.v.Add(hi.v)
		mid, _ := sum.Quo(value.DecimalFromInt(2))
		if s.kind.whole() {
			mid = roundTo(mid, apd.RoundFloor)
		}
		return mid
	case !lo.inf:
		d, _ := lo.v.Add(one)
		return d
	case !hi.inf:
		d, _ := hi.v.Sub(one)
		return d
	}
	return one
}

// crossing returns the values just outside and just inside the set an
// atom holds for, where the comparison changes: a below b.
func (cl *cliffLint) crossing(pr *probeRule, a *atom) (lo, hi value.Decimal, ok bool) {
	set := a.set()
	if len(set) != 1 {
		return lo, hi, false
	}
	st := cl.step(pr, a.s)
	iv := set[0]
	switch {
	case iv.lo.inf && !iv.hi.inf: // x < t, x <= t
		lo, hi = iv.hi.v, iv.hi.v
		if iv.hi.open {
			lo, _ = lo.Sub(st)
		} else {
			hi, _ = hi.Add(st)
		}
	case iv.hi.inf && !iv.lo.inf: // x > t, x >= t
		lo, hi = iv.lo.v, iv.lo.v
		if iv.lo.open {
			hi, _ = hi.Add(st)
		} else {
			lo, _ = lo.Sub(st)
		}
	default:
		return lo, hi, false
	}
	in := func(d value.Decimal) bool { return !point(d).intersect(a.s.univ, a.s.kind).isEmpty() }
	return lo, hi, in(lo) && in(hi)
}

// combos returns the settings of the rule's other inputs to probe with:
// each subject at its representative value, and the others of its own
// thresholds' sides and each standard met and not, as long as there are
// few enough of them. The settings are worked out once for each input
// left out; a probe copies them and does not change them.
func (cl *cliffLint) combos(pr *probeRule, except string) []map[string]ref.Val {
	if out, ok := pr.combos[except]; ok {
		return out
	}
	out := cl.settings(pr, except)
	pr.combos[except] = out
	return out
}

// settings works out the settings combos returns.
func (cl *cliffLint) settings(pr *probeRule, except string) []map[string]ref.Val {
	base := map[string]ref.Val{}
	var keys []string
	choices := map[string][]ref.Val{}
	for _, key := range slices.Sorted(maps.Keys(pr.subjects)) {
		s := pr.subjects[key]
		base[key] = fromNumber(cl.rep(s), s.kind)
		if key == except {
			continue
		}
		var alts []ref.Val
		for _, a := range pr.atoms {
			if a.s == s {
				if lo, hi, ok := cl.crossing(pr, a); ok {
					alts = append(alts, fromNumber(lo, s.kind), fromNumber(hi, s.kind))
				}
			}
		}
		if len(alts) > 0 {
			keys = append(keys, key)
			choices[key] = append([]ref.Val{base[key]}, alts...)
		}
	}
	for _, st := range pr.standards {
		base[st.Name] = types.True
		if st.Name != except {
			keys = append(keys, st.Name)
			choices[st.Name] = []ref.Val{types.True, types.False}
		}
	}
	n := 1
	for _, k := range keys {
		n *= len(choices[k])
		if n > 64 {
			return []map[string]ref.Val{base}
		}
	}
	out := []map[string]ref.Val{base}
	for _, k := range keys {
		var next []map[string]ref.Val
		for _, m := range out {
			for _, v := range choices[k] {
				c := map[string]ref.Val{}
				for kk, vv := range m {
					c[kk] = vv
				}
				c[k] = v
				next = append(next, c)
			}
		}
		out = next
	}
	return out
}

// slope records how each subject's rising moves the rule's amount away
// from its thresholds.
func (cl *cliffLint) slope(pr *probeRule) {
	for _, key := range slices.Sorted(maps.Keys(pr.subjects)) {
		s := pr.subjects[key]
		st := cl.step(pr, s)
		var starts []value.Decimal
		starts = append(starts, cl.rep(s))
		for _, a := range pr.atoms {
			if a.s == s {
				if lo, hi, ok := cl.crossing(pr, a); ok {
					below, _ := lo.Sub(st)
					starts = append(starts, below, hi)
				}
			}
		}
		for _, x := range starts {
			y, _ := x.Add(st)
			if !cl.within(s, x) || !cl.within(s, y) || cl.straddles(pr, s, x, y) {
				continue
			}
			for _, set := range cl.combos(pr, key) {
				px, okx := cl.pay(pr, set, key, fromNumber(x, s.kind))
				py, oky := cl.pay(pr, set, key, fromNumber(y, s.kind))
				if okx && oky {
					if c := py.Cmp(px); c != 0 {
						cl.note(cl.slopes, key, c, pr.r)
					}
				}
			}
		}
	}
}

func (cl *cliffLint) within(s *subject, d value.Decimal) bool {
	return !point(d).intersect(s.univ, s.kind).isEmpty()
}

// straddles reports whether a threshold of s lies between x and y.
func (cl *cliffLint) straddles(pr *probeRule, s *subject, x, y value.Decimal) bool {
	for _, a := range pr.atoms {
		if a.s == s {
			set := a.set()
			inX := !point(x).intersect(set, s.kind).isEmpty()
			inY := !point(y).intersect(set, s.kind).isEmpty()
			if inX != inY {
				return true
			}
		}
	}
	return false
}

// cliffs reports each threshold where the rule pays less on the better
// side.
func (cl *cliffLint) cliffs(pr *probeRule) {
	ck := cl.ck
	reported := map[*atom]bool{}
	for _, a := range pr.atoms {
		dir, why := cl.direction(a.s.key)
		if dir == 0 || reported[a] {
			continue
		}
		lo, hi, ok := cl.crossing(pr, a)
		if !ok {
			continue
		}
		worse, better := lo, hi
		verb := "rising"
		if dir < 0 {
			worse, better, verb = hi, lo, "falling"
		}
		for _, set := range cl.combos(pr, a.s.key) {
			pw, okw := cl.pay(pr, set, a.s.key, fromNumber(worse, a.s.kind))
			pb, okb := cl.pay(pr, set, a.s.key, fromNumber(better, a.s.kind))
			if !okw || !okb || pb.Cmp(pw) >= 0 {
				continue
			}
			reported[a] = true
			src := ck.lintSrc[a.expr]
			show := ck.show(a.s.kind)
			d := ck.diags.Warnf(src.p.nodeSpan(a.id), "cliff", "%s %s from %s to %s lowers %s %s from %s to %s",
				a.s.key, verb, show(worse), show(better), pr.r.Kind, pr.r.Name, cl.money(pw), cl.money(pb))
			d.Detail = cl.why(a.s.key, dir, why) + ", so crossing this threshold is a perverse incentive: make the better side pay at least as much"
			break
		}
	}
	for _, st := range pr.standards {
		for _, set := range cl.combos(pr, st.Name) {
			pw, okw := cl.pay(pr, set, st.Name, types.False)
			pb, okb := cl.pay(pr, set, st.Name, types.True)
			if !okw || !okb || pb.Cmp(pw) >= 0 {
				continue
			}
			span := pr.r.Span
			for _, e := range pr.r.Expressions() {
				if slices.Contains(e.Reads, st.Name) {
					span = e.Source.Span
					break
				}
			}
			ck.diags.Warnf(span, "cliff", "meeting standard %s lowers %s %s from %s to %s",
				st.Name, pr.r.Kind, pr.r.Name, cl.money(pw), cl.money(pb)).Detail =
				"a standard is there to be met, so paying less when it is met is a perverse incentive: make meeting it pay at least as much"
			break
		}
	}
}

// why says which way the contract wants a subject, and where it says so.
func (cl *cliffLint) why(key string, dir int, r *Rule) string {
	way := map[int]string{1: "higher", -1: "lower"}[dir]
	if r.Kind == lang.Standard {
		return fmt.Sprintf("standard %s wants %s %s", r.Name, key, way)
	}
	more := map[int]string{1: "rises", -1: "falls"}[dir]
	return fmt.Sprintf("%s %s pays more as %s %s", r.Kind, r.Name, key, more)
}

// money writes a line's amount with the currency's symbol.
func (cl *cliffLint) money(m value.Money) string {
	return value.CurrencySymbols[cl.ck.c.Currency] + m.Grouped(cl.ck.c.MinorUnits)
}

// pay evaluates the rule's line with the inputs set, subject key at v: the
// rounded amount, negative for a sanction, zero when the rule does not
// fire. ok is false when it cannot be evaluated.
func (cl *cliffLint) pay(pr *probeRule, set map[string]ref.Val, key string, v ref.Val) (value.Money, bool) {
	if cl.evals > cliffBudget {
		return value.Money{}, false
	}
	leaves := map[string]ref.Val{}
	for k, x := range set {
		leaves[k] = x
	}
	leaves[key] = v
	act := &probeAct{cl: cl, scope: pr.r.Scope, leaves: leaves, memo: map[string]ref.Val{}}
	act.records()
	m, ok := act.line(pr.r, 0)
	return m, ok
}

// probeAct resolves the names a rule's expressions read in a probe.
type probeAct struct {
	cl     *cliffLint
	scope  Scope
	leaves map[string]ref.Val
	memo   map[string]ref.Val
	recs   map[string]*value.Record
}

// records builds the scope's records from the leaves.
func (a *probeAct) records() {
	a.recs = map[string]*value.Record{}
	vars := recordVars(a.scope)
	for i := len(vars) - 1; i >= 0; i-- {
		s := vars[i]
		var parent *value.Record
		if s.Parent != nil {
			parent = a.recs[s.Parent.Name]
		}
		a.recs[s.Name] = a.record(s, parent)
	}
}

// record makes a record of s from the leaves and representative values.
func (a *probeAct) record(s *Schema, parent *value.Record) *value.Record {
	rec := value.NewRecord(&value.Origin{Schema: s.Type}, len(s.Fields), 0, parent)
	for _, f := range s.Fields {
		v, ok := a.leaves[s.Name+"."+f.Name]
		if !ok {
			v = a.fieldRep(s, f)
		}
		if err := rec.SetField(f.Index, v); err != nil {
			panic(err) // the record's own Origin holds one value a field
		}
	}
	return rec
}

// fieldRep is a representative value of a field.
func (a *probeAct) fieldRep(s *Schema, f *Field) ref.Val {
	switch f.Kind {
	case TextField:
		return types.String("x")
	case BoolField:
		return types.True
	case EnumField:
		if len(f.Enum) > 0 {
			return types.String(f.Enum[0])
		}
	case ListField:
		return types.NewRefValList(types.DefaultTypeAdapter, nil)
	}
	if sub := a.cl.ck.subjectOf(fieldSelect(s, f), map[string]*Schema{s.Name: s}); sub != nil {
		return fromNumber(a.cl.rep(sub), sub.kind)
	}
	return nil
}

// ResolveName implements interpreter.Activation.
func (a *probeAct) ResolveName(name string) (any, bool) {
	c := a.cl.ck.c
	if v, ok := a.leaves[name]; ok {
		return v, true
	}
	if p := c.params[name]; p != nil {
		return p.Default, true
	}
	if rec, ok := a.recs[name]; ok {
		return rec, true
	}
	if v, ok := a.memo[name]; ok {
		return v, true
	}
	switch name {
	case "first":
		return types.False, true
	case "period_start":
		return c.TermFrom, true
	case "period_end":
		return c.TermTo, true
	}
	if len(name) > len(AllPrefix) && name[:len(AllPrefix)] == AllPrefix {
		s := c.schemas[name[len(AllPrefix):]]
		if s == nil {
			return nil, false
		}
		return types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{a.record(s, nil)}), true
	}
	var v ref.Val
	if len(name) > len(PrevPrefix) && name[:len(PrevPrefix)] == PrevPrefix {
		if t := c.rules[name[len(PrevPrefix):]]; t != nil {
			v = a.typeRep(t.Type)
		}
	} else if t := c.rules[name]; t != nil {
		v = a.value(t)
	}
	if v == nil {
		return nil, false
	}
	a.memo[name] = v
	return v, true
}

// Parent implements interpreter.Activation.
func (a *probeAct) Parent() interpreter.Activation { return nil }

// value is what rule t's name reads: computed from the same inputs when t
// runs in the same scope, else a representative value of its type.
func (a *probeAct) value(t *Rule) ref.Val {
	if t.Scope == a.scope && len(a.memo) < 64 {
		switch {
		case t.Kind == lang.Let && t.Value != nil:
			if v, ok := a.eval(t.Value); ok {
				return v
			}
		case t.HasLines():
			if m, ok := a.line(t, 1); ok {
				return m
			}
		}
	}
	return a.typeRep(t.Type)
}

// typeRep is a representative value of a type.
func (a *probeAct) typeRep(t *types.Type) ref.Val {
	c := a.cl.ck.c
	switch {
	case t == nil:
	case t.IsExactType(types.BoolType):
		return types.True
	case t.IsExactType(value.MoneyType):
		return value.MoneyOf(value.DecimalFromInt(100))
	case t.IsExactType(value.DecimalType):
		return value.MustParseDecimal("0.5")
	case t.IsExactType(types.IntType):
		return types.Int(1)
	case t.IsExactType(value.DateType):
		return c.TermFrom
	case t.IsExactType(value.DaysType):
		return value.Days(30)
	}
	return nil
}

// eval evaluates one expression in the probe.
func (a *probeAct) eval(e *Expression) (ref.Val, bool) {
	if e == nil || e.Program == nil {
		return nil, false
	}
	a.cl.evals++
	out, _, err := e.Program.Eval(a)
	if err != nil || out == nil || types.IsError(out) || types.IsUnknown(out) {
		return nil, false
	}
	return out, true
}

// line evaluates a rule with money lines as the runtime does: zero when its
// condition is false, the amount (basis times part for a share) rounded
// to the currency's minor unit, negative for a sanction.
func (a *probeAct) line(r *Rule, depth int) (value.Money, bool) {
	c := a.cl.ck.c
	zero := value.MoneyOf(value.DecimalFromInt(0))
	if depth > 8 {
		return zero, false
	}
	if r.When != nil {
		v, ok := a.eval(r.When)
		if !ok {
			return zero, false
		}
		if v != types.True {
			return zero, true
		}
	}
	var m value.Money
	if r.Kind == lang.Share {
		basis, ok1 := a.eval(r.Basis)
		part, ok2 := a.eval(r.Part)
		b, isMoney := basis.(value.Money)
		p, _, isNum := toNumber(part)
		if !ok1 || !ok2 || !isMoney || !isNum {
			return zero, false
		}
		var err error
		if m, err = b.Mul(p); err != nil {
			return zero, false
		}
	} else {
		v, ok := a.eval(r.Amount)
		mv, isMoney := v.(value.Money)
		if !ok || !isMoney {
			return zero, false
		}
		m = mv
	}
	m = m.Round(c.MinorUnits, c.Rounding)
	if r.Kind == lang.Sanction {
		m = m.Neg()
	}
	return m, true
}
