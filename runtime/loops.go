package runtime

import (
	"context"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
)

// CEL consults an evaluation's context in one place only: at the turns
// of a comprehension's loop (an aggregate, exists, all, map, filter),
// where it checks whether the evaluation was cancelled. An expression
// without one never reads it, so it is evaluated without: giving it a
// context costs a cancellable child context and a goroutine-safe
// teardown on every evaluation, which for a rule over records is a large
// part of the work. The result, the cost tracked and any error are the
// same either way.

// loopFree returns the contract's rule expressions that have no
// comprehension.
func loopFree(c *compiler.Contract) map[*compiler.Expression]bool {
	out := map[*compiler.Expression]bool{}
	for _, r := range c.Rules {
		for _, e := range r.Expressions() {
			if e.AST != nil && !hasLoop(e.AST.NativeRep().Expr()) {
				out[e] = true
			}
		}
	}
	return out
}

// hasLoop reports whether expression x holds a comprehension.
func hasLoop(x ast.Expr) bool {
	found := false
	ast.PreOrderVisit(x, ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() == ast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

// evalExpr evaluates expression e on activation act: with ctx when the
// expression loops, so that a cancelled evaluation stops inside it, and
// without when it does not.
func (p *Program) evalExpr(ctx context.Context, e *compiler.Expression, act any) (ref.Val, *cel.EvalDetails, error) {
	if p.loopFree[e] {
		return e.Program.Eval(act)
	}
	return e.Program.ContextEval(ctx, act)
}
