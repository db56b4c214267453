package compiler

import (
	"fmt"
	"strings"
	"unicode"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// checkRatioTarget reports a standard whose measure is a ratio, which lies
// between 0 and 1, and whose target is a fixed number outside that range:
// `target >= 80` was meant as 80% and can never be met.
func (ck *checker) checkRatioTarget(pr *pendingRule) {
	r := pr.r
	if r.Kind != lang.Standard || r.Measure == nil || r.Target == nil || !ck.isRatio(r.Measure.AST.NativeRep().Expr(), 0) {
		return
	}
	root := r.Target.AST.NativeRep().Expr()
	v, written, fromParam := ck.fixedNumber(root)
	if v == nil {
		return
	}
	d := toDecimal(v)
	if d.Sign() >= 0 && d.Cmp(value.DecimalFromInt(1)) <= 0 {
		return
	}
	outcome := "can never be met"
	switch r.TargetOp {
	case "<", "<=", "!=":
		outcome = "is always met"
	}
	diag := ck.errorf(pr.decl.Target.Span, "whole-number-target",
		"the measure of standard %s is a ratio between 0 and 1, so a target %s %s %s", r.Name, r.TargetOp, written, outcome)
	switch {
	case strings.HasSuffix(written, "%"):
		diag.Detail = "a ratio is at most 100%"
	case fromParam != nil:
		diag.Detail = fmt.Sprintf("a ratio is a share: declare param %s as %s%%", fromParam.Name, written)
	default:
		diag.Detail = fmt.Sprintf("a ratio is a share: write %s%%", written)
	}
}

// isRatio reports whether e is a ratio: a call of ratio(), or the name of a
// let whose value is one.
func (ck *checker) isRatio(e ast.Expr, depth int) bool {
	switch e.Kind() {
	case ast.CallKind:
		return e.AsCall().FunctionName() == "ratio"
	case ast.IdentKind:
		t := ck.c.rules[e.AsIdent()]
		return depth < 8 && t != nil && t.Kind == lang.Let && t.Value != nil && t.Value.AST != nil &&
			ck.isRatio(t.Value.AST.NativeRep().Expr(), depth+1)
	}
	return false
}

// fixedNumber returns the value of e when it is a number literal or a number
// param, with the value as written (80, 0.5, 85%); p is the param.
func (ck *checker) fixedNumber(e ast.Expr) (v ref.Val, written string, p *Param) {
	switch e.Kind() {
	case ast.LiteralKind:
		if n, ok := e.AsLiteral().(types.Int); ok {
			return n, fmt.Sprint(int64(n)), nil
		}
	case ast.CallKind:
		// A decimal or percent literal is rewritten into a call on a string.
		call := e.AsCall()
		if args := call.Args(); len(args) == 1 && args[0].Kind() == ast.LiteralKind {
			s, ok := args[0].AsLiteral().(types.String)
			if !ok {
				return nil, "", nil
			}
			switch call.FunctionName() {
			case "decimal":
				if d, err := value.ParseDecimal(string(s)); err == nil {
					return d, string(s), nil
				}
			case "percent":
				if d, err := value.ParseDecimal(string(s)); err == nil {
					pct, _ := d.Quo(value.DecimalFromInt(100))
					return pct, string(s) + "%", nil
				}
			}
		}
	case ast.IdentKind:
		if p := ck.c.params[e.AsIdent()]; p != nil && isNumber(p.Type) {
			return p.Default, p.literal, p
		}
	}
	return nil, "", nil
}

// toDecimal returns an int or decimal constant as a decimal.
func toDecimal(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case types.Int:
		return value.DecimalFromInt(int64(x))
	case value.Decimal:
		return x
	}
	return value.Decimal{}
}

// shareWords are the words of a param's name or title that say it is a
// share of something.
var shareWords = map[string]bool{
	"rate": true, "rates": true, "share": true, "shares": true, "percent": true, "percentage": true,
	"percentages": true, "pct": true, "proportion": true,
}

// soundsLikeShare reports whether a param's name or title says it is a rate,
// share or percentage.
func soundsLikeShare(p *Param) bool {
	if strings.Contains(p.Title, "%") {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(p.Name+" "+p.Title), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		if shareWords[w] {
			return true
		}
	}
	return false
}

// lintShares warns of a whole-number param, named or titled as a rate,
// share or percentage, that multiplies money: `hours * cap_rate` with
// cap_rate = 15 is fifteen times the hours, not 15% of them. A share's part
// multiplies its basis, so it counts too.
func (ck *checker) lintShares(pr *pendingRule) {
	for _, re := range pr.exprs {
		e := *re.dst
		if re.p == nil || e == nil {
			continue
		}
		checked := e.AST.NativeRep()
		if e == pr.r.Part {
			ck.shareParams(checked.Expr())
		}
		ast.PreOrderVisit(checked.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
			if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != operators.Multiply {
				return
			}
			if t := checked.GetType(x.ID()); t == nil || !t.IsExactType(value.MoneyType) {
				return
			}
			for _, a := range x.AsCall().Args() {
				if t := checked.GetType(a.ID()); t != nil && !t.IsExactType(value.MoneyType) {
					ck.shareParams(a)
				}
			}
		}))
	}
}

// shareParams warns of the whole-number share params in e, a factor of
// money, looking through sums, differences, products and minus.
func (ck *checker) shareParams(e ast.Expr) {
	switch e.Kind() {
	case ast.IdentKind:
		p := ck.c.params[e.AsIdent()]
		if p == nil || !p.Type.IsExactType(types.IntType) || !soundsLikeShare(p) || ck.warnedShare[p.Name] {
			return
		}
		if ck.warnedShare == nil {
			ck.warnedShare = map[string]bool{}
		}
		ck.warnedShare[p.Name] = true
		ck.diags.Warnf(p.valueSpan, "whole-number-share", "param %s is the whole number %s, but it multiplies money as a share", p.Name, p.literal).Detail =
			fmt.Sprintf("a share is written as a percentage: %s%% (or %s); a whole number multiplies the amount %s times", p.literal, shareOf(p.literal), p.literal)
	case ast.CallKind:
		switch e.AsCall().FunctionName() {
		case operators.Add, operators.Subtract, operators.Multiply, operators.Negate:
			for _, a := range e.AsCall().Args() {
				ck.shareParams(a)
			}
		}
	}
}

// shareOf writes the whole number n as a share: 15 is 0.15.
func shareOf(n string) string {
	d, err := value.ParseDecimal(n)
	if err != nil {
		return n
	}
	s, err := d.Mul(value.MustParseDecimal("0.01"))
	if err != nil {
		return n
	}
	return s.String()
}
