package compiler

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
)

// maxWidened bounds how many whole-number literals one expression may have
// widened, and so how many times it is checked again.
const maxWidened = 16

// widenLiterals retries a check that failed, with whole numbers widened
// where CEL wants both sides alike: a literal branch of `? :` (cond ?
// £5.00 : 0 is cond ? £5.00 : £0.00), and a side of == or != (review.hours
// == 30 compares with 30.0; review.hours == review.visits with
// decimal(review.visits)). CEL's equality and choice take two values of
// one type, and its evaluator compares with the left value's own Equal, so
// a whole number is never compared with a decimal as such: it is turned
// into a decimal, or (a literal) into money, by an explicit conversion in
// the expression, which is exact. Only where a widening removes an error is
// it kept. It returns the checked expression once no error is left, or
// nil, leaving the parsed expression as it was.
func widenLiterals(env *cel.Env, p *parsed, errs int) *cel.Ast {
	type site struct {
		call ast.Expr
		arg  int
	}
	nat := p.ast.NativeRep()
	var sites []site
	// New nodes take ids no node has, macro calls' included.
	next := ast.MaxID(nat)
	ast.PreOrderVisit(nat.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind {
			return
		}
		args := x.AsCall().Args()
		first := 0
		switch x.AsCall().FunctionName() {
		case operators.Conditional:
			first = 1
		case operators.Equals, operators.NotEquals:
		default:
			return
		}
		for i := first; i < len(args); i++ {
			if isIntLiteral(args[i]) || first == 0 && args[i].Kind() != ast.LiteralKind {
				sites = append(sites, site{x, i})
			}
		}
	}))
	if len(sites) == 0 || len(sites) > maxWidened {
		return nil
	}
	fac := ast.NewExprFactory()
	info := nat.SourceInfo()
	type undo struct {
		args []ast.Expr
		i    int
		lit  ast.Expr
	}
	var done []undo
	for _, s := range sites {
		args := s.call.AsCall().Args()
		lit := args[s.arg]
		r, _ := info.GetOffsetRange(lit.ID())
		fns := []string{"decimal", "money"}
		if !isIntLiteral(lit) {
			fns = fns[:1] // a whole-number value compared with a decimal
		}
		for _, fn := range fns {
			id := next
			next++
			info.SetOffsetRange(id, r)
			args[s.arg] = fac.NewCall(id, fn, lit)
			checked, iss := env.Check(p.ast)
			if iss == nil || iss.Err() == nil {
				return checked
			}
			if n := len(iss.Errors()); n < errs {
				errs = n
				done = append(done, undo{args, s.arg, lit})
				break
			}
			args[s.arg] = lit
		}
	}
	for _, u := range done {
		u.args[u.i] = u.lit
	}
	return nil
}

// isIntLiteral reports whether x is a whole-number literal.
func isIntLiteral(x ast.Expr) bool {
	if x.Kind() != ast.LiteralKind {
		return false
	}
	_, ok := x.AsLiteral().(types.Int)
	return ok
}
