package compiler

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// LagKind is what a lag reads of the instances before this one:
// previous(NAME, n) one value n instances back, sum_previous(NAME, n) the
// sum over the last n, count_previous(NAME, n) how many of the last n were
// true.
type LagKind int

// The kinds of lag.
const (
	LagPrevious LagKind = iota
	LagSum
	LagCount
)

// LagPrefix starts the name of the variable a lag other than previous(NAME)
// reads: sum_previous(charges, 12) reads @lag_s12_charges.
const LagPrefix = "@lag_"

// Lag is one lag of a rule or let read by an expression.
type Lag struct {
	Kind LagKind
	N    int
	Name string
}

// lagLetters are the letters naming each kind in a lag's variable.
const lagLetters = "psc"

// Var returns the name of the variable the lag reads. previous(NAME) keeps
// the name it has always had, @prev_NAME.
func (l Lag) Var() string {
	if l.Kind == LagPrevious && l.N == 1 {
		return PrevPrefix + l.Name
	}
	return fmt.Sprintf("%s%c%d_%s", LagPrefix, lagLetters[l.Kind], l.N, l.Name)
}

// String returns the lag as written: previous(budget), sum_previous(charges, 12).
func (l Lag) String() string {
	switch {
	case l.Kind == LagSum:
		return fmt.Sprintf("sum_previous(%s, %d)", l.Name, l.N)
	case l.Kind == LagCount:
		return fmt.Sprintf("count_previous(%s, %d)", l.Name, l.N)
	case l.N == 1:
		return fmt.Sprintf("previous(%s)", l.Name)
	}
	return fmt.Sprintf("previous(%s, %d)", l.Name, l.N)
}

// ParseLag returns the lag a variable name stands for, if it is one.
func ParseLag(v string) (Lag, bool) {
	if name, ok := strings.CutPrefix(v, PrevPrefix); ok {
		return Lag{Kind: LagPrevious, N: 1, Name: name}, true
	}
	rest, ok := strings.CutPrefix(v, LagPrefix)
	if !ok || len(rest) < 3 {
		return Lag{}, false
	}
	k := strings.IndexByte(lagLetters, rest[0])
	num, name, ok := strings.Cut(rest[1:], "_")
	n, err := strconv.Atoi(num)
	if k < 0 || !ok || err != nil || n < 1 || name == "" {
		return Lag{}, false
	}
	return Lag{Kind: LagKind(k), N: n, Name: name}, true
}

// lagError marks a macro's error as a misuse of a lag, which parse reports
// with code bad-previous and lagHint.
const lagError = "lag: "

// lagHint is the hint of a lag written wrongly.
const lagHint = "write previous(NAME), previous(NAME, 3), sum_previous(NAME, 12) or count_previous(NAME, 12), with NAME a rule or let and the number of periods a whole number of 1 or more"

// lagMacros expands previous, sum_previous and count_previous into the
// variables holding the values they read.
func lagMacros() []parser.Macro {
	expand := func(fn string, kind LagKind) parser.MacroExpander {
		return func(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
			example := fn + "(budget, 3)"
			if kind == LagPrevious {
				example = "previous(budget) or previous(budget, 3)"
			}
			if len(args) == 0 || len(args) > 2 || kind != LagPrevious && len(args) != 2 {
				id := int64(0)
				if len(args) > 0 {
					id = args[0].ID()
				}
				return nil, eh.NewError(id, fmt.Sprintf("%s%s takes the name of a rule or let and a number of periods: %s", lagError, fn, example))
			}
			if args[0].Kind() != ast.IdentKind {
				return nil, eh.NewError(args[0].ID(), fmt.Sprintf("%s%s takes the name of a rule or let: %s", lagError, fn, example))
			}
			l := Lag{Kind: kind, N: 1, Name: args[0].AsIdent()}
			if len(args) == 2 {
				n, ok := wholeLiteral(args[1])
				if !ok || n < 1 {
					return nil, eh.NewError(args[1].ID(), fmt.Sprintf("%sthe number of periods in %s must be a whole number of 1 or more, written as a number: %s", lagError, fn, example))
				}
				l.N = n
			}
			return eh.NewIdent(l.Var()), nil
		}
	}
	return []parser.Macro{
		parser.NewGlobalVarArgMacro("previous", expand("previous", LagPrevious)),
		parser.NewGlobalVarArgMacro("sum_previous", expand("sum_previous", LagSum)),
		parser.NewGlobalVarArgMacro("count_previous", expand("count_previous", LagCount)),
	}
}

// wholeLiteral returns the value of an int literal.
func wholeLiteral(x ast.Expr) (int, bool) {
	if x.Kind() != ast.LiteralKind {
		return 0, false
	}
	switch v := x.AsLiteral().(type) {
	case types.Int:
		if v > 1<<20 {
			return 0, false
		}
		return int(v), true
	case types.Uint:
		if v > 1<<20 {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}

// checkLag checks lag l of rule t, read by the rule pr at span, and
// returns the type of the value it gives.
func (ck *checker) checkLag(pr *pendingRule, l Lag, t *Rule, span lang.Span) *types.Type {
	r := pr.r
	switch r.Scope.Kind {
	case RecordScope:
		ck.errorf(span, "bad-previous", "%s cannot be read in %s %s: a rule for each record has no earlier instance", l, r.Kind, r.Name).Detail =
			"read it in a rule per month, quarter or year (period), whose earlier instances are the periods before"
		return types.DynType
	case PersonScope, GroupScope, TermScope:
		ck.errorf(span, "bad-previous", "%s cannot be read in %s %s: it runs %s, which has no earlier instance", l, r.Kind, r.Name, r.Scope).Detail =
			"read it in a rule per month, quarter or year (period), whose earlier instances are the periods before"
		return types.DynType
	}
	if why := readable(r.Scope, t); why != "" {
		ck.errorf(span, "bad-previous", "%s cannot be read here: %s", l, why).Detail =
			"a lag reads NAME as this rule would read it, in an earlier instance of its scope"
		return types.DynType
	}
	typ := t.Type
	if typ == nil || t == r && r.Kind == lang.Let {
		typ = types.DynType
	}
	return ck.lagType(l, t, typ, span)
}

// lagType returns the type of lag l of rule t whose values have type typ,
// reporting a sum of values that cannot be added up, or a count of values
// that are not true or false.
func (ck *checker) lagType(l Lag, t *Rule, typ *types.Type, span lang.Span) *types.Type {
	switch l.Kind {
	case LagSum:
		if typ.Kind() != types.DynKind && !typ.IsExactType(value.MoneyType) && !isNumber(typ) {
			ck.errorf(span, "bad-previous", "%s adds up %s's values, which are %s", l, t.Name, describeType(typ)).Detail =
				"sum_previous adds up money or numbers; count the instances a yes-or-no value held with count_previous"
			return types.DynType
		}
	case LagCount:
		if typ.Kind() != types.DynKind && !typ.IsExactType(types.BoolType) {
			ck.errorf(span, "bad-previous", "%s counts the instances in which %s was true, but its values are %s", l, t.Name, describeType(typ)).Detail =
				"count_previous counts a yes-or-no value (a standard, a flag or a let); add up amounts with sum_previous"
		}
		return types.IntType
	}
	return typ
}

// cyclicLags finds the lags that close a cycle, a rule reading an earlier
// instance of one that reads it: the lag breaks the cycle, as each
// instance needs only earlier ones, so they are left out of the order
// and evaluated period by period (Rule.CyclicLags). Such a lag must read
// settled periods: its rule runs per settlement period or a longer scope.
func (ck *checker) cyclicLags(pending []*pendingRule, byName map[string]*pendingRule) map[*pendingRule]map[string]bool {
	edges := func(pr *pendingRule) []string {
		return append(append(slices.Sorted(maps.Keys(pr.reads)), slices.Sorted(maps.Keys(pr.prev))...), pr.after...)
	}
	reaches := func(from, to *pendingRule) bool {
		seen := map[*pendingRule]bool{}
		var walk func(p *pendingRule) bool
		walk = func(p *pendingRule) bool {
			if p == to {
				return true
			}
			if seen[p] {
				return false
			}
			seen[p] = true
			for _, n := range edges(p) {
				if q := byName[n]; q != nil && walk(q) {
					return true
				}
			}
			return false
		}
		return walk(from)
	}
	out := map[*pendingRule]map[string]bool{}
	for _, pr := range pending {
		for _, name := range slices.Sorted(maps.Keys(pr.prev)) {
			t := byName[name]
			if t == nil || t == pr || !reaches(t, pr) {
				continue
			}
			if out[pr] == nil {
				out[pr] = map[string]bool{}
			}
			out[pr][name] = true
			if pr.r.CyclicLags == nil {
				pr.r.CyclicLags = map[string]bool{}
			}
			pr.r.CyclicLags[name] = true
			if k := pr.r.Scope.Kind; k.IsTime() && k < ck.c.Settlement {
				ck.errorf(pr.prev[name], "cycle", "%s %s reads an earlier %s of %s, which reads it, inside one settlement period", pr.r.Kind, pr.r.Name, strings.TrimPrefix(pr.r.Scope.String(), "per "), name).Detail =
					"a lag breaks a cycle when it reads a settled period: run the rules on the cycle per period (or a longer scope)"
			}
		}
	}
	return out
}
