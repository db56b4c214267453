package compiler

import (
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
)

// known is a set of optional fields known to have a value, each written as
// the path that reads it: "review.satisfaction", or "g.met_on" for the
// variable of an exists().
type known map[string]bool

// with returns k and more together.
func (k known) with(more known) known {
	if len(more) == 0 {
		return k
	}
	out := make(known, len(k)+len(more))
	for p := range k {
		out[p] = true
	}
	for p := range more {
		out[p] = true
	}
	return out
}

// without returns k less the paths rooted at the variables vars, which a
// comprehension declares afresh.
func (k known) without(vars ...string) known {
	out := known{}
	for p := range k {
		root, _, _ := strings.Cut(p, ".")
		drop := false
		for _, v := range vars {
			drop = drop || v != "" && root == v
		}
		if !drop {
			out[p] = true
		}
	}
	return out
}

// both returns the paths in a and in b.
func both(a, b known) known {
	out := known{}
	for p := range a {
		if b[p] {
			out[p] = true
		}
	}
	return out
}

// lintOptional reports the optional fields a rule reads where they may be
// blank. Reading a blank field stops the whole evaluation, so a read must be
// guarded: by has() on the other side of && (or, negated, of ||), in the
// condition of a ? :, or in the rule's when, which the other clauses are
// evaluated only after. CEL's && and || are commutative even over errors
// (an error && false is false), so the guard may be on either side.
func (ck *checker) lintOptional(pr *pendingRule) {
	var whenFacts known
	for _, re := range pr.exprs {
		if re.src == pr.decl.When && *re.dst != nil {
			whenFacts = guaranteed((*re.dst).AST.NativeRep().Expr(), true)
		}
	}
	for _, re := range pr.exprs {
		if re.p == nil || *re.dst == nil {
			continue
		}
		start := whenFacts
		if re.src == pr.decl.When {
			start = nil
		}
		g := guardWalk{ck: ck, p: re.p, checked: (*re.dst).AST.NativeRep()}
		g.visit(g.checked.Expr(), start)
	}
}

// guardWalk walks one checked expression for unguarded optional reads.
type guardWalk struct {
	ck      *checker
	p       *parsed
	checked *ast.AST
}

// visit walks e, knowing that the fields in k have values there.
func (g guardWalk) visit(e ast.Expr, k known) {
	switch e.Kind() {
	case ast.SelectKind:
		sel := e.AsSelect()
		if !sel.IsTestOnly() {
			g.read(e, k)
		}
		g.visit(sel.Operand(), k)
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		switch fn := call.FunctionName(); {
		case fn == operators.LogicalAnd && len(args) == 2:
			g.visit(args[0], k.with(guaranteed(args[1], true)))
			g.visit(args[1], k.with(guaranteed(args[0], true)))
		case fn == operators.LogicalOr && len(args) == 2:
			g.visit(args[0], k.with(guaranteed(args[1], false)))
			g.visit(args[1], k.with(guaranteed(args[0], false)))
		case fn == operators.Conditional && len(args) == 3:
			g.visit(args[0], k)
			g.visit(args[1], k.with(guaranteed(args[0], true)))
			g.visit(args[2], k.with(guaranteed(args[0], false)))
		default:
			if call.IsMemberFunction() {
				g.visit(call.Target(), k)
			}
			for _, a := range args {
				g.visit(a, k)
			}
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		g.visit(c.IterRange(), k)
		g.visit(c.AccuInit(), k)
		inner := k.without(c.IterVar(), c.IterVar2(), c.AccuVar())
		g.visit(c.LoopCondition(), inner)
		g.visit(c.LoopStep(), inner)
		g.visit(c.Result(), k.without(c.AccuVar()))
	case ast.ListKind:
		for _, x := range e.AsList().Elements() {
			g.visit(x, k)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			g.visit(me.Key(), k)
			g.visit(me.Value(), k)
		}
	case ast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			g.visit(f.AsStructField().Value(), k)
		}
	}
}

// read reports the field selection e if it reads an optional field that k
// does not hold.
func (g guardWalk) read(e ast.Expr, k known) {
	sel := e.AsSelect()
	t := g.checked.GetType(sel.Operand().ID())
	if t == nil || t.Kind() != types.StructKind {
		return
	}
	s := g.ck.c.schemas[t.TypeName()]
	if s == nil {
		return
	}
	f := s.FieldByName(sel.FieldName())
	if f == nil || !f.Optional {
		return
	}
	path := selectPath(e)
	if path == "" || k[path] {
		return
	}
	g.ck.errorf(g.p.nodeSpan(e.ID()), "optional-unguarded", "%s is optional and may be blank here, which would stop the evaluation", path).Detail =
		"test it first: has(" + path + ") && ..., has(" + path + ") ? ... : ..., or `when has(" + path + ")` in the rule"
}

// selectPath writes a chain of field selections from a variable, such as
// review.satisfaction, or "" for anything else.
func selectPath(e ast.Expr) string {
	switch e.Kind() {
	case ast.IdentKind:
		return e.AsIdent()
	case ast.SelectKind:
		if op := selectPath(e.AsSelect().Operand()); op != "" {
			return op + "." + e.AsSelect().FieldName()
		}
	}
	return ""
}

// guaranteed returns the optional fields that have a value whenever e
// evaluates, without an error, to v: has(x.f) when true, both sides of a
// true && or a false ||, and so on.
func guaranteed(e ast.Expr, v bool) known {
	switch e.Kind() {
	case ast.SelectKind:
		if sel := e.AsSelect(); sel.IsTestOnly() && v {
			if op := selectPath(sel.Operand()); op != "" {
				return known{op + "." + sel.FieldName(): true}
			}
		}
	case ast.CallKind:
		call := e.AsCall()
		args := call.Args()
		switch fn := call.FunctionName(); {
		case fn == operators.LogicalNot && len(args) == 1:
			return guaranteed(args[0], !v)
		case fn == operators.LogicalAnd && len(args) == 2:
			if v {
				return guaranteed(args[0], true).with(guaranteed(args[1], true))
			}
			return both(guaranteed(args[0], false), guaranteed(args[1], false))
		case fn == operators.LogicalOr && len(args) == 2:
			if v {
				return both(guaranteed(args[0], true), guaranteed(args[1], true))
			}
			return guaranteed(args[0], false).with(guaranteed(args[1], false))
		case fn == operators.Conditional && len(args) == 3:
			return both(guaranteed(args[0], true).with(guaranteed(args[1], v)),
				guaranteed(args[0], false).with(guaranteed(args[2], v)))
		}
	}
	return nil
}
