package compiler

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// This file finds conditions that the declared ranges decide: a comparison
// that is always true or always false (review.hours > 500 when hours is
// 0 .. 400), a `? :` branch no value can reach (x < 5 ? a : x < 3 ? b : c),
// and a chain of bands that leaves a value unpaid (band-gap, see
// chainGap).

// lintSource is what the lints need of a checked expression: its parse,
// for spans, and the record variables in reach.
type lintSource struct {
	p    *parsed
	vars map[string]*Schema
}

// subject is a number a condition compares with a threshold: a record
// field, or a let.
type subject struct {
	key  string // review.hours, home_share
	kind numKind
	univ numSet // the values it can take
	// field is the record field, or nil for a let.
	field *Field
	rule  *Rule
}

// atom is a comparison of a subject with a constant: s op t.
type atom struct {
	s  *subject
	op string
	t  value.Decimal
	id int64
	// param is the param the threshold is, or nil.
	param *Param
	// expr is the expression holding the comparison, once known.
	expr *Expression
}

var compareOps = map[string]string{
	operators.Less: "<", operators.LessEquals: "<=", operators.Greater: ">", operators.GreaterEquals: ">=",
	operators.Equals: "==", operators.NotEquals: "!=",
}

var flippedOps = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

// lintEpoch is the day that date thresholds are counted from.
var lintEpoch = value.MustParseDate("2000-01-01")

// toNumber returns a number, amount, date or length of time as a decimal
// and its kind.
func toNumber(v ref.Val) (value.Decimal, numKind, bool) {
	switch x := v.(type) {
	case types.Int:
		return value.DecimalFromInt(int64(x)), numInt, true
	case value.Decimal:
		return x, numDecimal, true
	case value.Money:
		return x.Decimal(), numMoney, true
	case value.Date:
		return value.DecimalFromInt(x.Sub(lintEpoch)), numDate, true
	case value.Days:
		return value.DecimalFromInt(int64(x)), numDays, true
	}
	return value.Decimal{}, 0, false
}

// fromNumber turns a decimal of kind k back into a value.
func fromNumber(d value.Decimal, k numKind) ref.Val {
	switch k {
	case numInt:
		if n, err := d.Int64(); err == nil {
			return types.Int(n)
		}
	case numMoney:
		return value.MoneyOf(d)
	case numDate:
		if n, err := d.Int64(); err == nil {
			return lintEpoch.AddDays(n)
		}
	case numDays:
		if n, err := d.Int64(); err == nil {
			return value.Days(n)
		}
	}
	return d
}

// comparable reports whether a subject of kind s compares with a constant
// of kind c.
func comparable(s, c numKind) bool {
	num := func(k numKind) bool { return k == numInt || k == numDecimal }
	return s == c || num(s) && num(c)
}

// kindOf returns the number kind of a CEL type.
func kindOf(t *types.Type) (numKind, bool) {
	switch {
	case t == nil:
	case t.IsExactType(types.IntType):
		return numInt, true
	case t.IsExactType(value.DecimalType):
		return numDecimal, true
	case t.IsExactType(value.MoneyType):
		return numMoney, true
	case t.IsExactType(value.DateType):
		return numDate, true
	case t.IsExactType(value.DaysType):
		return numDays, true
	}
	return 0, false
}

// subjectOf returns the subject e names, or nil: a record's number, amount
// or date field, or a let of such a type.
func (ck *checker) subjectOf(e ast.Expr, vars map[string]*Schema) *subject {
	var key string
	var s *subject
	switch e.Kind() {
	case ast.SelectKind:
		sel := e.AsSelect()
		if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind {
			return nil
		}
		sc := vars[sel.Operand().AsIdent()]
		if sc == nil {
			return nil
		}
		f := sc.FieldByName(sel.FieldName())
		if f == nil {
			return nil
		}
		key = sc.Name + "." + f.Name
		if s = ck.subjects[key]; s != nil {
			return s
		}
		var k numKind
		switch f.Kind {
		case IntField:
			k = numInt
		case DecimalField:
			k = numDecimal
		case MoneyField:
			k = numMoney
		case DateField:
			k = numDate
		default:
			return nil
		}
		var lo, hi *value.Decimal
		if d, _, ok := toNumber(f.Min); ok && f.Min != nil {
			lo = &d
		}
		if d, _, ok := toNumber(f.Max); ok && f.Max != nil {
			hi = &d
		}
		s = &subject{key: key, kind: k, univ: between(lo, hi, k), field: f}
	case ast.IdentKind:
		key = e.AsIdent()
		if s = ck.subjects[key]; s != nil {
			return s
		}
		r := ck.c.rules[key]
		if r == nil || r.Kind != lang.Let || r.Value == nil {
			return nil
		}
		k, ok := kindOf(r.Type)
		if !ok {
			return nil
		}
		s = &subject{key: key, kind: k, univ: everything, rule: r}
		if ck.isRatio(r.Value.AST.NativeRep().Expr(), 0) {
			zero, one := value.DecimalFromInt(0), value.DecimalFromInt(1)
			s.univ = between(&zero, &one, k)
		}
	default:
		return nil
	}
	if ck.subjects == nil {
		ck.subjects = map[string]*subject{}
	}
	ck.subjects[key] = s
	return s
}

// constOf returns the value of e when it is a constant: a literal as a
// commissioner writes it (12, 2.5, 5%, £19.60, 2026-04-01, 42 days), a
// param's default, or minus one of those; p is the param.
func (ck *checker) constOf(e ast.Expr) (v ref.Val, p *Param) {
	switch e.Kind() {
	case ast.LiteralKind:
		if n, ok := e.AsLiteral().(types.Int); ok {
			return n, nil
		}
	case ast.IdentKind:
		if p := ck.c.params[e.AsIdent()]; p != nil {
			return p.Default, p
		}
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		if len(args) != 1 || call.IsMemberFunction() {
			return nil, nil
		}
		if call.FunctionName() == operators.Negate {
			v, p := ck.constOf(args[0])
			if d, k, ok := toNumber(v); ok && k != numDate {
				return fromNumber(d.Neg(), k), p
			}
			return nil, nil
		}
		if args[0].Kind() != ast.LiteralKind {
			return nil, nil
		}
		switch lit := args[0].AsLiteral().(type) {
		case types.String:
			s := string(lit)
			switch call.FunctionName() {
			case "decimal":
				if d, err := value.ParseDecimal(s); err == nil {
					return d, nil
				}
			case "percent":
				if d, err := value.ParseDecimal(s); err == nil {
					if q, err := d.Quo(value.DecimalFromInt(100)); err == nil {
						return q, nil
					}
				}
			case "money":
				if m, err := value.ParseMoney(s); err == nil {
					return m, nil
				}
			case "date":
				if d, err := value.ParseDate(s, ""); err == nil {
					return d, nil
				}
			}
		case types.Int:
			if call.FunctionName() == "days" {
				return value.Days(lit), nil
			}
		}
	}
	return nil, nil
}

// atomOf returns e as a comparison of a subject with a constant, or nil.
func (ck *checker) atomOf(e ast.Expr, vars map[string]*Schema) *atom {
	if e.Kind() != ast.CallKind {
		return nil
	}
	call := e.AsCall()
	op, ok := compareOps[call.FunctionName()]
	if !ok || len(call.Args()) != 2 {
		return nil
	}
	l, r := call.Args()[0], call.Args()[1]
	s := ck.subjectOf(l, vars)
	if s == nil {
		s, l, r, op = ck.subjectOf(r, vars), r, l, flippedOps[op]
		if s == nil {
			return nil
		}
	}
	c, p := ck.constOf(r)
	d, k, ok := toNumber(c)
	if !ok || !comparable(s.kind, k) {
		return nil
	}
	return &atom{s: s, op: op, t: d, id: e.ID(), param: p}
}

// set is the values of the atom's subject for which it holds.
func (a *atom) set() numSet { return compareSet(a.op, a.t, a.s.kind) }

// approx bounds the values of subject s for which condition e holds: lo
// holds only values for which it surely holds, up every value for which it
// may. Parts that do not compare s are unknown (lo empty, up everything).
func (ck *checker) approx(e ast.Expr, s *subject, vars map[string]*Schema) (lo, up numSet) {
	k := s.kind
	if a := ck.atomOf(e, vars); a != nil {
		if a.s != s {
			return nil, everything
		}
		set := a.set()
		return set, set
	}
	switch e.Kind() {
	case ast.SelectKind:
		// has(review.satisfaction) holds for every value it can have.
		if sel := e.AsSelect(); sel.IsTestOnly() && s.field != nil && ck.subjectOf(selectWithout(e), vars) == s {
			return everything, everything
		}
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case operators.LogicalAnd:
			lo, up = everything, everything
			for _, a := range args {
				l, u := ck.approx(a, s, vars)
				lo, up = lo.intersect(l, k), up.intersect(u, k)
			}
			return lo, up
		case operators.LogicalOr:
			for _, a := range args {
				l, u := ck.approx(a, s, vars)
				lo, up = lo.union(l, k), up.union(u, k)
			}
			return lo, up
		case operators.LogicalNot:
			l, u := ck.approx(args[0], s, vars)
			return u.complement(k), l.complement(k)
		}
	}
	return nil, everything
}

// selectWithout turns has(x.f) into x.f, for finding its subject.
func selectWithout(e ast.Expr) ast.Expr {
	sel := e.AsSelect()
	return ast.NewExprFactory().NewSelect(e.ID(), sel.Operand(), sel.FieldName())
}

// atomsIn returns the comparisons a condition combines with &&, || and !.
func (ck *checker) atomsIn(e ast.Expr, vars map[string]*Schema) []*atom {
	if a := ck.atomOf(e, vars); a != nil {
		return []*atom{a}
	}
	if e.Kind() != ast.CallKind {
		return nil
	}
	switch e.AsCall().FunctionName() {
	case operators.LogicalAnd, operators.LogicalOr, operators.LogicalNot:
		var out []*atom
		for _, a := range e.AsCall().Args() {
			out = append(out, ck.atomsIn(a, vars)...)
		}
		return out
	}
	return nil
}

// subjectsIn returns the subjects of a condition's comparisons, once each,
// in order.
func (ck *checker) subjectsIn(e ast.Expr, vars map[string]*Schema) []*subject {
	var out []*subject
	seen := map[*subject]bool{}
	for _, a := range ck.atomsIn(e, vars) {
		if !seen[a.s] {
			seen[a.s] = true
			out = append(out, a.s)
		}
	}
	return out
}

// show writes a number of kind k as a contract writes it.
func (ck *checker) show(k numKind) func(value.Decimal) string {
	return func(d value.Decimal) string {
		v := fromNumber(d, k)
		switch x := v.(type) {
		case value.Money:
			return value.CurrencySymbols[ck.c.Currency] + x.Grouped(ck.c.MinorUnits)
		case value.Days:
			return x.String()
		}
		return value.Format(v, ck.c.MinorUnits)
	}
}

// reach holds, for each subject, the values it can have where an
// expression is evaluated; a subject not in it can have any of its values.
type reach map[*subject]numSet

func (r reach) of(s *subject) numSet {
	if set, ok := r[s]; ok {
		return set
	}
	return s.univ
}

func (r reach) with(s *subject, set numSet) reach {
	out := reach{}
	for k, v := range r {
		out[k] = v
	}
	out[s] = set
	return out
}

// rangeLint walks one expression of a rule.
type rangeLint struct {
	ck   *checker
	src  lintSource
	done map[int64]bool // nodes already reported
}

// lintRanges reports what the declared ranges decide in a rule's
// expressions. The amount and the other clauses are evaluated only where
// the `when` may hold, so they start from the values it allows.
func (ck *checker) lintRanges(r *Rule) {
	start := reach{}
	if r.When != nil {
		if src, ok := ck.lintSrc[r.When]; ok {
			rl := &rangeLint{ck: ck, src: src, done: map[int64]bool{}}
			root := r.When.AST.NativeRep().Expr()
			rl.condition(root, start)
			rl.walk(root, start, false)
			for _, s := range ck.subjectsIn(root, src.vars) {
				_, up := ck.approx(root, s, src.vars)
				start[s] = s.univ.intersect(up, s.kind)
			}
		}
	}
	for _, e := range r.Expressions() {
		if e == r.When {
			continue
		}
		if src, ok := ck.lintSrc[e]; ok {
			rl := &rangeLint{ck: ck, src: src, done: map[int64]bool{}}
			rl.walk(e.AST.NativeRep().Expr(), start, false)
		}
	}
}

func (rl *rangeLint) span(id int64) lang.Span { return rl.src.p.nodeSpan(id) }

func (rl *rangeLint) text(id int64) string {
	sp := rl.span(id)
	return string(rl.src.p.file.Src[sp.Start.Offset:sp.End.Offset])
}

// generated reports whether a `? :` is one an aggregate expands into
// (cond ? @result + 1 : @result), not one written in the contract.
func generated(branches ...ast.Expr) bool {
	for _, b := range branches {
		if b.Kind() == ast.IdentKind && (strings.HasPrefix(b.AsIdent(), "@") || strings.HasPrefix(b.AsIdent(), "__")) {
			return true
		}
		if b.Kind() == ast.CallKind {
			for _, a := range b.AsCall().Args() {
				if a.Kind() == ast.IdentKind && (strings.HasPrefix(a.AsIdent(), "@") || strings.HasPrefix(a.AsIdent(), "__")) {
					return true
				}
			}
		}
	}
	return false
}

// condition reports a condition that holds for every value its subjects
// can take, or for none. A comparison is judged alone by walk; this
// judges a combination such as `x > 5 && x < 3`.
func (rl *rangeLint) condition(e ast.Expr, at reach) {
	ck, vars := rl.ck, rl.src.vars
	if ck.atomOf(e, vars) != nil {
		return
	}
	for _, a := range ck.atomsIn(e, vars) {
		if rl.alwaysOf(a) != "" {
			return // the comparison itself is reported
		}
	}
	for _, s := range ck.subjectsIn(e, vars) {
		lo, up := ck.approx(e, s, vars)
		u := at.of(s)
		if u.isEmpty() {
			return
		}
		switch {
		case u.intersect(up, s.kind).isEmpty():
			rl.done[e.ID()] = true
			ck.diags.Warnf(rl.span(e.ID()), "always-false", "this condition is never true: no value of %s meets it", s.key).Detail =
				fmt.Sprintf("%s is %s; check the thresholds and whether && should be ||", s.key, u.describe(ck.show(s.kind)))
			return
		case u.subsetOf(lo, s.kind):
			rl.done[e.ID()] = true
			ck.diags.Warnf(rl.span(e.ID()), "always-true", "this condition is always true: every value of %s meets it", s.key).Detail =
				fmt.Sprintf("%s is %s; a condition that always holds tests nothing", s.key, u.describe(ck.show(s.kind)))
			return
		}
	}
}

// alwaysOf says whether a comparison is decided by its subject's declared
// range: "always-true", "always-false" or "".
func (rl *rangeLint) alwaysOf(a *atom) string {
	u := a.s.univ
	if u.isEmpty() || (len(u) == 1 && u[0].lo.inf && u[0].hi.inf) {
		return ""
	}
	set := a.set()
	switch {
	case u.intersect(set, a.s.kind).isEmpty():
		return "always-false"
	case u.subsetOf(set, a.s.kind):
		return "always-true"
	}
	return ""
}

// reportAtom reports a comparison its subject's range decides.
func (rl *rangeLint) reportAtom(a *atom) bool {
	code := rl.alwaysOf(a)
	if code == "" || rl.done[a.id] {
		return code != ""
	}
	rl.done[a.id] = true
	ck := rl.ck
	what := "declared"
	if a.s.rule != nil {
		what = "a ratio, always"
	}
	words := "never true"
	if code == "always-true" {
		words = "always true"
	}
	threshold := ""
	if a.param != nil {
		threshold = fmt.Sprintf(", and param %s is %s", a.param.Name, a.param.literal)
	}
	d := ck.diags.Warnf(rl.span(a.id), code, "%s is %s: %s is %s %s%s", rl.text(a.id), words, a.s.key, what,
		a.s.univ.describe(ck.show(a.s.kind)), threshold)
	if code == "always-false" {
		d.Detail = "check the threshold against the field's range, or widen the range if the data can go beyond it"
	} else {
		d.Detail = "a condition that always holds tests nothing: remove it, or check the threshold"
	}
	return true
}

// walk visits e, where its subjects can have the values in at. elseOf is
// set when e is the else branch of a `? :` on the same subject, so that a
// chain of bands is checked once, from its head.
func (rl *rangeLint) walk(e ast.Expr, at reach, elseOf bool) {
	ck, vars := rl.ck, rl.src.vars
	switch e.Kind() {
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		if a := ck.atomOf(e, vars); a != nil {
			rl.reportAtom(a)
			return
		}
		if call.FunctionName() == operators.Conditional && len(args) == 3 && !generated(args[1], args[2]) {
			cond, yes, no := args[0], args[1], args[2]
			rl.condition(cond, at)
			atYes, atNo := at, at
			decided := rl.done[cond.ID()]
			for _, a := range ck.atomsIn(cond, vars) {
				decided = decided || rl.reportAtom(a)
			}
			for _, s := range ck.subjectsIn(cond, vars) {
				lo, up := ck.approx(cond, s, vars)
				u := at.of(s)
				yesSet, noSet := u.intersect(up, s.kind), u.minus(lo, s.kind)
				if !decided && !u.isEmpty() {
					switch {
					case yesSet.isEmpty():
						rl.unreachable(yes, cond, s, u, "cannot hold")
						decided = true
					case noSet.isEmpty() && !ck.isZero(no):
						// A final zero is the else a complete chain of
						// bands must still write; anything else is dead.
						rl.unreachable(no, cond, s, u, "always holds")
						decided = true
					}
				}
				atYes, atNo = atYes.with(s, yesSet), atNo.with(s, noSet)
			}
			if !elseOf {
				rl.chainGap(e, at)
			}
			rl.walk(cond, at, false)
			rl.walk(yes, atYes, false)
			rl.walk(no, atNo, true)
			return
		}
		if call.IsMemberFunction() {
			rl.walk(call.Target(), at, false)
		}
		for _, a := range args {
			rl.walk(a, at, false)
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		for _, x := range []ast.Expr{c.IterRange(), c.AccuInit(), c.LoopCondition(), c.LoopStep(), c.Result()} {
			rl.walk(x, reach{}, false)
		}
	case ast.SelectKind:
		rl.walk(e.AsSelect().Operand(), at, false)
	case ast.ListKind:
		for _, x := range e.AsList().Elements() {
			rl.walk(x, at, false)
		}
	}
}

// unreachable reports a branch of a `? :` that no value reaches.
func (rl *rangeLint) unreachable(branch, cond ast.Expr, s *subject, u numSet, how string) {
	if rl.done[branch.ID()] {
		return
	}
	rl.done[branch.ID()] = true
	ck := rl.ck
	d := ck.diags.Warnf(rl.span(branch.ID()), "unreachable-branch", "this branch is never taken: %s %s where %s is %s",
		rl.text(cond.ID()), how, s.key, u.describe(ck.show(s.kind)))
	if how == "cannot hold" {
		d.Detail = "an earlier condition already takes these values: order the bands from one end, each starting where the last ends"
	} else {
		d.Detail = "the condition takes every value left here, so the else is dead: check the thresholds"
	}
}

// lintTraps runs the lints that find money traps in a contract that
// checks without errors: conditions the ranges decide, gaps and overlaps
// between bands, and cliffs.
func (ck *checker) lintTraps() {
	if ck.diags.HasErrors() {
		return
	}
	for _, r := range ck.c.Rules {
		ck.lintRanges(r)
	}
	ck.lintRuleBands()
	ck.lintCliffs()
}
