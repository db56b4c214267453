package bound

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// frame is where an expression is evaluated: the rule it belongs to, the
// scope instance, the variables of the comprehensions around it, and the
// schema of the records an aggregate's body is evaluated for.
type frame struct {
	a    *analysis
	rule *compiler.Rule
	at   scopeAt
	vars map[string]val
	each *compiler.Schema
	src  string
}

// expr evaluates a checked expression in scope instance at of rule r.
func (a *analysis) expr(r *compiler.Rule, e *compiler.Expression, at scopeAt) val {
	if e == nil {
		return top("no expression")
	}
	src := ""
	if e.Source != nil {
		src = strings.Join(strings.Fields(e.Source.Text), " ")
	}
	f := &frame{a: a, rule: r, at: at, src: src}
	return f.eval(e.AST.NativeRep().Expr())
}

func (f *frame) cannot(what string) val {
	return top(fmt.Sprintf("%s in %s cannot be bounded", what, f.rule.Name))
}

func (f *frame) eval(e ast.Expr) val {
	switch e.Kind() {
	case ast.LiteralKind:
		switch x := e.AsLiteral().(type) {
		case types.Int, types.String, types.Bool:
			return f.a.constVal(x, "")
		}
		return f.cannot("a literal")
	case ast.IdentKind:
		return f.ident(e.AsIdent())
	case ast.SelectKind:
		return f.sel(e.AsSelect())
	case ast.CallKind:
		return f.call(e.AsCall())
	case ast.ComprehensionKind:
		return f.comprehension(e.AsComprehension())
	}
	return f.cannot("an expression")
}

func (f *frame) ident(name string) val {
	a := f.a
	if v, ok := f.vars[name]; ok {
		return v
	}
	if v, ok := a.params[name]; ok {
		return a.constVal(v, name)
	}
	if t := a.c.Rule(name); t != nil && t != f.rule {
		if f.each != nil && perRecord(t, f.each) {
			return a.read(t, scopeAt{kind: compiler.RecordScope, schema: f.each, inst: -1})
		}
		return a.read(t, f.at)
	}
	if v, ok := a.historyList(name); ok {
		return v
	}
	switch {
	case strings.HasPrefix(name, compiler.AllPrefix):
		s := a.c.Schema(strings.TrimPrefix(name, compiler.AllPrefix))
		if s == nil {
			return f.cannot(name)
		}
		return val{k: kList, schema: s, elem: &val{k: kRec, schema: s}, size: a.recordsIn(s, f.at), fromAll: true}
	case strings.HasPrefix(name, compiler.PrevPrefix):
		t := a.c.Rule(strings.TrimPrefix(name, compiler.PrevPrefix))
		if t == nil || f.at.inst <= 0 || t.Scope.Kind != f.at.kind {
			return f.cannot("previous(" + strings.TrimPrefix(name, compiler.PrevPrefix) + ")")
		}
		return a.ruleVal(t, scopeAt{kind: f.at.kind, inst: f.at.inst - 1})
	case strings.HasPrefix(name, compiler.LagPrefix):
		l, _ := compiler.ParseLag(name)
		return f.cannot(l.String())
	case name == "first":
		if f.at.inst < 0 {
			return boolean(true, true)
		}
		return boolean(f.at.inst == 0, f.at.inst != 0)
	case name == "period_start", name == "period_end":
		if f.at.inst < 0 || !f.at.kind.IsTime() {
			return f.cannot(name)
		}
		from, to := a.cal.Dates(f.at.kind, f.at.inst)
		if name == "period_end" {
			from = to
		}
		return a.constVal(from, name)
	}
	if s := a.c.Schema(name); s != nil {
		return val{k: kRec, schema: s}
	}
	return f.cannot(name)
}

func (f *frame) sel(s ast.SelectExpr) val {
	op := f.eval(s.Operand())
	if op.k != kRec {
		if s.IsTestOnly() {
			return boolean(true, true)
		}
		return f.cannot("a field of a value")
	}
	fd := op.schema.FieldByName(s.FieldName())
	if fd == nil {
		return f.cannot("field " + s.FieldName())
	}
	if s.IsTestOnly() {
		return boolean(true, fd.Optional)
	}
	path := op.schema.Name + "." + fd.Name
	return f.a.fieldVal(op.schema, fd, path)
}

// typeOf returns the number type of an arithmetic result of a and b.
func typeOf(fn string, a, b val) numType {
	switch {
	case fn == operators.Subtract && a.nt == tDate && b.nt == tDate:
		return tDays
	case a.nt == tDate || b.nt == tDate:
		return tDate
	case fn == operators.Divide && (a.nt == b.nt || a.nt == tInt && b.nt == tDec || a.nt == tDec && b.nt == tInt):
		return tDec
	case a.nt == tMoney || b.nt == tMoney:
		return tMoney
	case a.nt == tDays || b.nt == tDays:
		return tDays
	case a.nt == tDec || b.nt == tDec || fn == operators.Divide:
		return tDec
	}
	return tInt
}

func (f *frame) call(c ast.CallExpr) val {
	fn := c.FunctionName()
	args := c.Args()
	switch fn {
	case operators.Conditional:
		cond := f.eval(args[0])
		canT, canF := truth(cond)
		switch {
		case !canF:
			return f.eval(args[1])
		case !canT:
			return f.eval(args[2])
		}
		return hullVal(f.eval(args[1]), f.eval(args[2]))
	case operators.LogicalAnd, operators.LogicalOr:
		l := f.eval(args[0])
		lt, lf := truth(l)
		if fn == operators.LogicalAnd && !lt || fn == operators.LogicalOr && !lf {
			return l
		}
		r := f.eval(args[1])
		rt, rf := truth(r)
		if fn == operators.LogicalAnd {
			return boolean(lt && rt, lf || rf)
		}
		return boolean(lt || rt, lf && rf)
	case operators.LogicalNot:
		t, fl := truth(f.eval(args[0]))
		return boolean(fl, t)
	case operators.Equals, operators.NotEquals, operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return compare(fn, f.eval(args[0]), f.eval(args[1]))
	case operators.Negate:
		v := f.eval(args[0])
		if v.k != kNum {
			return f.cannot("a negation")
		}
		return num(v.nt, neg(v.iv))
	case operators.Add, operators.Subtract, operators.Multiply, operators.Divide, operators.Modulo:
		return f.arith(fn, f.eval(args[0]), f.eval(args[1]))
	case operators.Index:
		if v, ok := f.tableRead(args); ok {
			return v
		}
	case operators.In:
		if args[1].Kind() == ast.IdentKind && f.isTable(args[1].AsIdent()) {
			return boolean(true, true)
		}
	}
	if c.IsMemberFunction() {
		switch fn {
		case "year":
			return num(tInt, Interval{intEnd(value.MinYear), intEnd(value.MaxYear)})
		case "month":
			return num(tInt, Interval{intEnd(1), intEnd(12)})
		case "day":
			return num(tInt, Interval{intEnd(1), intEnd(31)})
		}
		return f.cannot(fn + "()")
	}
	if v, ok := f.literalCall(fn, args); ok {
		return v
	}
	vals := make([]val, len(args))
	for i, x := range args {
		vals[i] = f.eval(x)
	}
	switch {
	case (fn == "min" || fn == "max") && len(vals) == 2:
		a, b := vals[0], vals[1]
		if a.k != kNum || b.k != kNum {
			return f.cannot(fn + "()")
		}
		nt := a.nt
		if b.nt == tDec {
			nt = tDec
		}
		if fn == "min" {
			return num(nt, Interval{minEnd(a.iv.Lo, b.iv.Lo), minEnd(a.iv.Hi, b.iv.Hi)})
		}
		return num(nt, Interval{maxEnd(a.iv.Lo, b.iv.Lo), maxEnd(a.iv.Hi, b.iv.Hi)})
	case (fn == "min" || fn == "max" || fn == "avg") && len(vals) == 1:
		l := vals[0]
		if l.k != kList || l.elem == nil || l.elem.k != kNum {
			return f.cannot(fn + "()")
		}
		nt := l.elem.nt
		if fn == "avg" && nt == tInt {
			nt = tDec
		}
		return num(nt, l.elem.iv)
	case fn == "sum" && len(vals) == 1:
		l := vals[0]
		if l.k != kList || l.elem == nil || l.elem.k != kNum {
			return f.cannot("sum()")
		}
		return num(l.elem.nt, scale(l.elem.iv, l.size))
	case fn == "size" && len(vals) == 1:
		l := vals[0]
		if l.k != kList {
			return num(tInt, Interval{intEnd(0), infEnd(1, "the size of a text has no bound")})
		}
		return num(tInt, Interval{intEnd(0), l.size})
	case fn == "ratio" && len(vals) == 2:
		if subCount(args[0], args[1]) {
			// ratio(review, cond): a count of some of the records over
			// the count of them all, or of a subset (the third argument)
			// that holds the first's records.
			return num(tDec, Interval{intEnd(0), intEnd(1)})
		}
		return num(tDec, quo(numOf(vals[0]), numOf(vals[1]), "a ratio over a count that may be zero"))
	case fn == "abs" && len(vals) == 1:
		v := vals[0]
		if v.k != kNum {
			return f.cannot("abs()")
		}
		m := maxEnd(negEnd(v.iv.Lo), v.iv.Hi)
		lo := intEnd(0)
		if sign(v.iv.Lo) > 0 {
			lo = v.iv.Lo
		} else if sign(v.iv.Hi) < 0 {
			lo = negEnd(v.iv.Hi)
		}
		return num(v.nt, Interval{lo, m})
	case (fn == "ceil" || fn == "floor" || fn == "trunc") && len(vals) == 1:
		v := vals[0]
		if v.k != kNum {
			return f.cannot(fn + "()")
		}
		mode := map[string]value.Rounding{"ceil": value.Ceiling, "floor": value.Floor, "trunc": value.Down}[fn]
		return num(v.nt, roundIv(v.iv, 0, mode))
	case (fn == "round" || fn == "round_half_even") && len(vals) == 2:
		v, p := vals[0], vals[1]
		if v.k != kNum || p.k != kNum || cmpEnd(p.iv.Lo, p.iv.Hi) != 0 || p.iv.Lo.Inf != 0 {
			return f.cannot(fn + "()")
		}
		mode := value.HalfUp
		if fn == "round_half_even" {
			mode = value.HalfEven
		}
		return num(v.nt, roundIv(v.iv, int32(intOf(&p.iv.Lo.D)), mode))
	case (fn == "money" || fn == "decimal" || fn == "days") && len(vals) == 1 && vals[0].k == kNum:
		nt := map[string]numType{"money": tMoney, "decimal": tDec, "days": tDays}[fn]
		return num(nt, vals[0].iv)
	case fn == "int" && len(vals) == 1 && vals[0].k == kNum:
		return num(tInt, roundIv(vals[0].iv, 0, value.Down))
	}
	return f.cannot(fn + "()")
}

// subCount reports whether num counts some of the records den counts, as
// ratio expands to: den is size(@all_x) and num a count over @all_x, or
// both count over @all_x and num's condition is den's condition && more.
// The ratio then lies between 0 and 1.
func subCount(num, den ast.Expr) bool {
	if num.Kind() != ast.ComprehensionKind {
		return false
	}
	nc := num.AsComprehension()
	switch den.Kind() {
	case ast.CallKind:
		c := den.AsCall()
		return c.FunctionName() == "size" && len(c.Args()) == 1 && isAll(c.Args()[0]) && isAll(nc.IterRange()) &&
			c.Args()[0].AsIdent() == nc.IterRange().AsIdent()
	case ast.ComprehensionKind:
		dc := den.AsComprehension()
		if !isAll(nc.IterRange()) || !isAll(dc.IterRange()) || nc.IterRange().AsIdent() != dc.IterRange().AsIdent() || nc.IterVar() != dc.IterVar() {
			return false
		}
		ncond, dcond := countCond(nc), countCond(dc)
		if ncond == nil || dcond == nil || ncond.Kind() != ast.CallKind || ncond.AsCall().FunctionName() != operators.LogicalAnd {
			return false
		}
		return sameExpr(ncond.AsCall().Args()[0], dcond)
	}
	return false
}

// countCond returns the condition of a count's loop: cond ? accu + 1 : accu.
func countCond(c ast.ComprehensionExpr) ast.Expr {
	step := c.LoopStep()
	if step.Kind() != ast.CallKind || step.AsCall().FunctionName() != operators.Conditional {
		return nil
	}
	return step.AsCall().Args()[0]
}

// sameExpr reports whether two expressions are written alike: the same
// names, fields, literals and calls.
func sameExpr(a, b ast.Expr) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case ast.IdentKind:
		return a.AsIdent() == b.AsIdent()
	case ast.LiteralKind:
		return a.AsLiteral().Equal(b.AsLiteral()) == types.True
	case ast.SelectKind:
		x, y := a.AsSelect(), b.AsSelect()
		return x.FieldName() == y.FieldName() && x.IsTestOnly() == y.IsTestOnly() && sameExpr(x.Operand(), y.Operand())
	case ast.CallKind:
		x, y := a.AsCall(), b.AsCall()
		if x.FunctionName() != y.FunctionName() || len(x.Args()) != len(y.Args()) || x.IsMemberFunction() != y.IsMemberFunction() {
			return false
		}
		if x.IsMemberFunction() && !sameExpr(x.Target(), y.Target()) {
			return false
		}
		for i := range x.Args() {
			if !sameExpr(x.Args()[i], y.Args()[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// roundIv rounds both ends of iv to places decimal places with mode; every
// rounding mode is monotone, so the rounded interval holds every rounded
// value.
func roundIv(iv Interval, places int32, mode value.Rounding) Interval {
	return mapEnds(iv, func(d *apd.Decimal, _ int) *apd.Decimal {
		r := value.Round(decimalValue(d), places, mode)
		return new(apd.Decimal).Set(r.Apd())
	})
}

// literalCall evaluates the calls literals are written as: money("19.60"),
// decimal("0.5"), percent("25"), date("2026-04-01") and days(42).
func (f *frame) literalCall(fn string, args []ast.Expr) (val, bool) {
	if len(args) != 1 || args[0].Kind() != ast.LiteralKind {
		return val{}, false
	}
	lit := args[0].AsLiteral()
	s, isStr := lit.(types.String)
	n, isInt := lit.(types.Int)
	var v ref.Val
	var err error
	switch {
	case fn == "money" && isStr:
		var m value.Money
		m, err = value.ParseMoney(string(s))
		v = m
	case fn == "decimal" && isStr:
		var d value.Decimal
		d, err = value.ParseDecimal(string(s))
		v = d
	case fn == "percent" && isStr:
		var d value.Decimal
		d, err = value.ParseDecimal(string(s))
		if err == nil {
			d, err = d.Quo(value.DecimalFromInt(100))
		}
		v = d
	case fn == "date" && isStr:
		var d value.Date
		d, err = value.ParseDate(string(s), "")
		v = d
	case fn == "days" && isInt:
		v = value.Days(n)
	default:
		return val{}, false
	}
	if err != nil {
		return f.cannot(fn + "()"), true
	}
	d, nt, ok := decimalOf(v)
	if !ok {
		return f.cannot(fn + "()"), true
	}
	return num(nt, exact(d)), true
}

// compare evaluates a comparison of a and b.
func compare(fn string, a, b val) val {
	if a.k == kStr && b.k == kStr {
		if a.strs == nil || b.strs == nil {
			return boolean(true, true)
		}
		meet := false
		for _, s := range a.strs {
			meet = meet || contains(b.strs, s)
		}
		same := len(a.strs) == 1 && len(b.strs) == 1 && a.strs[0] == b.strs[0]
		switch fn {
		case operators.Equals:
			return boolean(meet, !same)
		case operators.NotEquals:
			return boolean(!same, meet)
		}
		return boolean(true, true)
	}
	if a.k == kBool && b.k == kBool && (fn == operators.Equals || fn == operators.NotEquals) {
		return boolean(true, true)
	}
	if a.k != kNum || b.k != kNum {
		return boolean(true, true)
	}
	x, y := a.iv, b.iv
	lt := func(p, q Interval) (bool, bool) { // can p < q, can p >= q
		return cmpEnd(p.Lo, q.Hi) < 0, cmpEnd(p.Hi, q.Lo) >= 0
	}
	switch fn {
	case operators.Less:
		return boolean(lt(x, y))
	case operators.GreaterEquals:
		t, fl := lt(x, y)
		return boolean(fl, t)
	case operators.Greater:
		return boolean(lt(y, x))
	case operators.LessEquals:
		t, fl := lt(y, x)
		return boolean(fl, t)
	}
	meet := cmpEnd(x.Lo, y.Hi) <= 0 && cmpEnd(y.Lo, x.Hi) <= 0
	same := cmpEnd(x.Lo, x.Hi) == 0 && cmpEnd(y.Lo, y.Hi) == 0 && cmpEnd(x.Lo, y.Lo) == 0 && x.Lo.Inf == 0
	if fn == operators.Equals {
		return boolean(meet, !same)
	}
	return boolean(!same, meet)
}

// arith evaluates +, -, ×, / and % on numbers.
func (f *frame) arith(fn string, a, b val) val {
	if a.k != kNum || b.k != kNum {
		if a.k == kTop {
			return a
		}
		if b.k == kTop {
			return b
		}
		return f.cannot("an operation on non-numbers")
	}
	nt := typeOf(fn, a, b)
	switch fn {
	case operators.Add:
		return num(nt, add(a.iv, b.iv))
	case operators.Subtract:
		return num(nt, sub(a.iv, b.iv))
	case operators.Multiply:
		return num(nt, mul(a.iv, b.iv))
	case operators.Divide:
		return num(nt, quo(a.iv, b.iv, fmt.Sprintf("a division in %s by a value that may be zero", f.rule.Name)))
	}
	// a % b lies strictly within ±|b|, with a's sign.
	m := maxEnd(negEnd(b.iv.Lo), b.iv.Hi)
	lo, hi := negEnd(m), m
	if sign(a.iv.Lo) >= 0 {
		lo = intEnd(0)
	}
	if sign(a.iv.Hi) <= 0 {
		hi = intEnd(0)
	}
	return num(tInt, Interval{lo, hi})
}

// comprehension evaluates the comprehensions count, sum, avg, min, max and
// ratio expand to: a count of the records that meet a condition, and the
// list of a value for each record (that meets a condition).
func (f *frame) comprehension(c ast.ComprehensionExpr) val {
	rng := f.eval(c.IterRange())
	if rng.k != kList || rng.elem == nil {
		return f.cannot("a loop over a list")
	}
	body := &frame{a: f.a, rule: f.rule, at: f.at, src: f.src, each: f.each, vars: map[string]val{}}
	for k, v := range f.vars {
		body.vars[k] = v
	}
	body.vars[c.IterVar()] = *rng.elem
	if rng.elem.k == kRec && rng.fromAll {
		body.each = rng.elem.schema
	}
	init, step, accu := c.AccuInit(), c.LoopStep(), c.AccuVar()
	isAccu := func(e ast.Expr) bool { return e.Kind() == ast.IdentKind && e.AsIdent() == accu }
	if c.Result().Kind() != ast.IdentKind || c.Result().AsIdent() != accu {
		return f.cannot("a loop")
	}
	cond := boolean(true, false)
	if step.Kind() == ast.CallKind && step.AsCall().FunctionName() == operators.Conditional {
		sc := step.AsCall()
		if !isAccu(sc.Args()[2]) {
			return f.cannot("a loop")
		}
		cond = body.eval(sc.Args()[0])
		step = sc.Args()[1]
	}
	canT, _ := truth(cond)
	size := rng.size
	if !canT {
		size = intEnd(0)
	}
	if init.Kind() == ast.LiteralKind && step.Kind() == ast.CallKind {
		// count: accu + 1 for each record that meets the condition.
		if n, ok := init.AsLiteral().(types.Int); ok && n == 0 {
			sc := step.AsCall()
			if sc.FunctionName() == operators.Add && isAccu(sc.Args()[0]) && sc.Args()[1].Kind() == ast.LiteralKind {
				if one, ok := sc.Args()[1].AsLiteral().(types.Int); ok && one == 1 {
					return num(tInt, Interval{intEnd(0), size})
				}
			}
		}
	}
	if init.Kind() == ast.ListKind && init.AsList().Size() == 0 && step.Kind() == ast.CallKind {
		// map: accu + [value] for each record (that meets the condition).
		sc := step.AsCall()
		if sc.FunctionName() == operators.Add && isAccu(sc.Args()[0]) && sc.Args()[1].Kind() == ast.ListKind {
			elems := sc.Args()[1].AsList().Elements()
			if len(elems) == 1 {
				e := body.eval(elems[0])
				return val{k: kList, elem: &e, size: size}
			}
		}
	}
	return f.cannot("a loop")
}

// isAll reports whether e names the records of a scope instance, @all_x.
func isAll(e ast.Expr) bool {
	return e.Kind() == ast.IdentKind && strings.HasPrefix(e.AsIdent(), compiler.AllPrefix)
}
