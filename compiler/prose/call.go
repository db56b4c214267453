package prose

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
)

// function writes a call of one of the value library's functions or an
// aggregate.
func (x *expr) function(fn string, args []ast.Expr) phrase {
	if s, ok := literal(args); ok {
		switch fn {
		case "money":
			if d, err := value.ParseDecimal(s); err == nil {
				return atom(x.w.Money(d))
			}
		case "percent":
			return atom(s + "%")
		case "decimal":
			return atom(s)
		case "date":
			if d, err := value.ParseDate(s, ""); err == nil {
				return atom(Date(d))
			}
		}
	}
	if len(args) > 0 && args[0].Kind() == ast.IdentKind {
		if s := x.w.c.Schema(args[0].AsIdent()); s != nil && x.bound[s.Name] == nil {
			if p, ok := x.aggregate(fn, s, args[1:]); ok {
				return p
			}
		}
	}
	arg := func(i int) string { return x.sub(args[i], precAtom) }
	switch {
	case fn == "days" && len(args) == 1:
		if args[0].Kind() == ast.LiteralKind {
			if n, ok := args[0].AsLiteral().(types.Int); ok {
				return atom(value.Days(n).String())
			}
		}
		return atom(x.sub(args[0], precMul) + " days")
	case (fn == "money" || fn == "decimal" || fn == "int" || fn == "string" || fn == "date") && len(args) == 1:
		// A conversion changes the type, not what is computed.
		return x.node(args[0])
	case fn == "min" && len(args) == 2:
		return open("the smaller of " + x.sub(args[0], precMul) + " and " + x.sub(args[1], precMul))
	case fn == "max" && len(args) == 2:
		return open("the larger of " + x.sub(args[0], precMul) + " and " + x.sub(args[1], precMul))
	case (fn == "min" || fn == "max") && len(args) > 2:
		items := make([]string, len(args))
		for i, a := range args {
			items[i] = x.sub(a, precMul)
		}
		most := map[string]string{"min": "the smallest of ", "max": "the largest of "}[fn]
		return open(most + words.And(items))
	case fn == "abs" && len(args) == 1:
		return open(arg(0) + " without its sign")
	case (fn == "round" || fn == "round_half_even") && len(args) == 2:
		how := "half up"
		if fn == "round_half_even" {
			how = "half to even"
		}
		places := "to " + x.sub(args[1], precAtom) + " decimal places"
		if args[1].Kind() == ast.LiteralKind {
			if n, ok := args[1].AsLiteral().(types.Int); ok && n == 0 {
				places = "to a whole number"
			} else if ok && n == 1 {
				places = "to 1 decimal place"
			}
		}
		return open(arg(0) + " rounded " + how + " " + places)
	case fn == "ceil" && len(args) == 1:
		return open(arg(0) + " rounded up to a whole number")
	case fn == "floor" && len(args) == 1:
		return open(arg(0) + " rounded down to a whole number")
	case fn == "trunc" && len(args) == 1:
		return open(arg(0) + " with any fraction dropped")
	case fn == "ratio" && len(args) == 2:
		return open(x.sub(args[0], precMul) + " out of " + x.sub(args[1], precMul))
	case fn == "size" && len(args) == 1:
		return x.size(args[0])
	case fn == "has" && len(args) == 1:
		return phrase{text: x.given(args[0]) + " is given", prec: precCompare}
	case fn == "previous" && len(args) == 1:
		return open(x.sub(args[0], precAtom) + " in the previous " + x.unit())
	case fn == "previous" && len(args) == 2:
		return open(x.sub(args[0], precAtom) + " " + x.units(args[1]) + " before")
	case fn == "sum_previous" && len(args) == 2:
		return open("the total of " + x.sub(args[0], precAtom) + " over the " + x.units(args[1]) + " before")
	case fn == "count_previous" && len(args) == 2:
		return open("the number of the " + x.units(args[1]) + " before in which " + x.sub(args[0], precAtom))
	case fn == "percent" && len(args) == 1:
		return atom(arg(0) + " per cent")
	}
	var items []string
	for i := range args {
		items = append(items, x.sub(args[i], precAdd))
	}
	return atom(Name(fn) + " of " + words.And(items))
}

// units writes a number of the rule's periods: "3 months", "1 month".
func (x *expr) units(n ast.Expr) string {
	if n.Kind() == ast.LiteralKind {
		if v, ok := n.AsLiteral().(types.Int); ok && v == 1 {
			return "1 " + x.unit()
		}
	}
	return x.sub(n, precAtom) + " " + x.unit() + "s"
}

// open is a phrase whose end is open to what follows ("the smaller of a
// and b", "x rounded up to a whole number"): it is bracketed inside
// arithmetic, so that "× 15" cannot be read as part of it.
func open(s string) phrase { return phrase{text: s, prec: precAdd} }

// size writes size(x): the number of items of a list, or the length of
// text.
func (x *expr) size(a ast.Expr) phrase {
	if f, _, ok := x.field(a); ok {
		if f.Kind == compiler.ListField {
			return atom("the number of " + FieldName(f))
		}
		return atom("the length of " + x.fieldText(a))
	}
	return atom("the number of " + x.sub(a, precAtom))
}

// aggregate writes count, sum, avg, min, max or ratio over the records of
// schema s, with the record's fields read inside as "the …".
func (x *expr) aggregate(fn string, s *compiler.Schema, rest []ast.Expr) (phrase, bool) {
	x.bound[s.Name] = s
	defer delete(x.bound, s.Name)
	over := "the " + Plural(s.Name)
	where := func(cond ast.Expr) string { return " where " + x.sub(cond, precOr) }
	switch {
	case fn == "count" && len(rest) == 0:
		return atom("the number of " + Plural(s.Name)), true
	case fn == "count" && len(rest) == 1:
		return open("the number of " + Plural(s.Name) + where(rest[0])), true
	case fn == "ratio" && len(rest) == 1:
		return open("the share of " + Plural(s.Name) + where(rest[0])), true
	case fn == "ratio" && len(rest) == 2:
		return open("among the " + Plural(s.Name) + where(rest[1]) + ", the share" + where(rest[0])), true
	}
	var what string
	switch fn {
	case "sum":
		what = "the total of "
	case "avg":
		what = "the average of "
	case "min":
		what = "the smallest "
	case "max":
		what = "the largest "
	default:
		return phrase{}, false
	}
	if len(rest) == 0 || len(rest) > 2 {
		return phrase{}, false
	}
	val := x.sub(rest[0], precMul)
	if fn == "min" || fn == "max" {
		val = trimThe(val)
	}
	text := what + val + " over " + over
	if len(rest) == 2 {
		text += where(rest[1])
	}
	return open(text), true
}

func trimThe(s string) string {
	if len(s) > 4 && s[:4] == "the " {
		return s[4:]
	}
	return s
}

// member writes a method call: text tests, the parts of a date, and
// exists() and all() over a nested list.
func (x *expr) member(target ast.Expr, fn string, args []ast.Expr) phrase {
	t := x.sub(target, precAtom)
	if f, _, ok := x.field(target); ok {
		t = x.fieldText(target)
		if (fn == "exists" || fn == "all" || fn == "exists_one") && len(args) == 2 && args[0].Kind() == ast.IdentKind && f.Kind == compiler.ListField {
			v := args[0].AsIdent()
			x.bound[v] = f.Elem
			defer delete(x.bound, v)
			cond := x.sub(args[1], precOr)
			switch fn {
			case "exists":
				return phrase{text: "at least one of " + t + " is such that " + cond, prec: precCompare}
			case "exists_one":
				return phrase{text: "exactly one of " + t + " is such that " + cond, prec: precCompare}
			}
			return phrase{text: "every one of " + t + " is such that " + cond, prec: precCompare}
		}
	}
	switch {
	case fn == "startsWith" && len(args) == 1:
		return phrase{text: t + " starts with " + x.sub(args[0], precAtom), prec: precCompare}
	case fn == "endsWith" && len(args) == 1:
		return phrase{text: t + " ends with " + x.sub(args[0], precAtom), prec: precCompare}
	case fn == "contains" && len(args) == 1:
		return phrase{text: t + " contains " + x.sub(args[0], precAtom), prec: precCompare}
	case (fn == "year" || fn == "month" || fn == "day") && len(args) == 0:
		return atom("the " + fn + " of " + t)
	case fn == "size" && len(args) == 0:
		return x.size(target)
	}
	var items []string
	for _, a := range args {
		items = append(items, x.sub(a, precAdd))
	}
	if len(items) == 0 {
		return atom(Name(fn) + " of " + t)
	}
	return atom(Name(fn) + " of " + t + " with " + words.And(items))
}
