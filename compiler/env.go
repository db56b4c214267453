package compiler

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/occ-lang/occ/compiler/value"
)

// AllPrefix starts the name of the variable that holds every record of a
// schema in the current scope instance: count(review) reads @all_review.
const AllPrefix = "@all_"

// PrevPrefix starts the name of the variable that holds a rule's value in
// the previous instance of its scope: previous(budget) reads @prev_budget.
const PrevPrefix = "@prev_"

type envKey struct {
	kind   ScopeKind
	schema string
	group  *Group
}

// constEnv is the environment of params and test values: no variables.
func (ck *checker) constEnv() (*cel.Env, error) { return constEnvFor() }

func constEnvFor() (*cel.Env, error) {
	return cel.NewCustomEnv(value.Library())
}

// aggregatable returns the schemas whose records an expression in scope s
// ranges over with count, sum, avg, min, max and ratio: all schemas in an
// aggregate scope; the nested schemas below a record's schema in a record
// scope.
func (c *Contract) aggregatable(s Scope) []*Schema {
	var out []*Schema
	for _, sc := range c.Schemas {
		if s.Kind == GroupScope && !s.Group.Holds(sc) {
			continue // its records belong to no instance of the group
		}
		if sc.Reference {
			continue // looked up by key, never ranged over
		}
		if s.Kind != RecordScope || sc != s.Schema && isAncestor(s.Schema, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// recordVars returns the record variables of a record scope: the record and
// its ancestors, innermost first.
func recordVars(s Scope) []*Schema {
	var out []*Schema
	if s.Kind != RecordScope {
		return nil
	}
	for sc := s.Schema; sc != nil; sc = sc.Parent {
		out = append(out, sc)
	}
	return out
}

// scopeEnv returns the environment for a scope: the decimal library, the
// params, the scope's records and built-in names, and the aggregate macros.
// Rule names are added per rule with Extend.
func (ck *checker) scopeEnv(s Scope) (*cel.Env, error) {
	key := envKey{kind: s.Kind, group: s.Group}
	if s.Schema != nil {
		key.schema = s.Schema.Name
	}
	if env, ok := ck.c.envs[key]; ok {
		return env, nil
	}
	p, err := newProvider(ck.c)
	if err != nil {
		return nil, err
	}
	opts := []cel.EnvOption{value.Library(), cel.CustomTypeProvider(p), cel.CustomTypeAdapter(p), cel.EnableMacroCallTracking()}
	for _, prm := range ck.c.Params {
		opts = append(opts, cel.Variable(prm.Name, prm.Type))
	}
	for _, sc := range recordVars(s) {
		opts = append(opts, cel.Variable(sc.Name, sc.Type))
	}
	for _, sc := range ck.c.References() {
		if sc.Table != nil {
			opts = append(opts, cel.Variable(sc.Name, sc.Table))
		}
	}
	agg := map[string]bool{}
	for _, sc := range ck.c.aggregatable(s) {
		agg[sc.Name] = true
		opts = append(opts, cel.Variable(AllPrefix+sc.Name, types.NewListType(sc.Type)))
	}
	if s.Kind.IsTime() {
		opts = append(opts,
			cel.Variable("first", types.BoolType),
			cel.Variable("period_number", types.IntType),
			cel.Variable("period_start", value.DateType),
			cel.Variable("period_end", value.DateType))
	}
	schemaNames := map[string]bool{}
	for _, sc := range ck.c.Schemas {
		schemaNames[sc.Name] = true
	}
	opts = append(opts, ck.c.historyVars(s)...)
	opts = append(opts, cel.Macros(aggregateMacros(schemaNames, historyUse{scope: s, contract: ck.c})...))
	env, err := cel.NewCustomEnv(opts...)
	if err != nil {
		return nil, err
	}
	ck.c.envs[key] = env
	return env, nil
}

// aggregateMacros expands count, sum, avg, min, max and ratio over a data
// name into comprehensions over that schema's records, and the lags
// (previous(name) and friends, see lagMacros) into the variables holding
// the values they read.
func aggregateMacros(schemas map[string]bool, h historyUse) []cel.Macro {
	// lists holds the variable an aggregate's first argument ranges over
	// when it is history(D) or earlier(D), by the argument's id.
	lists := map[int64]string{}
	listOf := func(s string, arg ast.Expr) string {
		if l, ok := lists[arg.ID()]; ok {
			return l
		}
		return AllPrefix + s
	}
	schemaArg := func(eh parser.ExprHelper, fn string, args []ast.Expr, optional bool) (string, *common.Error) {
		if len(args) > 0 && args[0].Kind() == ast.IdentKind && schemas[args[0].AsIdent()] {
			delete(lists, args[0].ID()) // an id of an earlier expression's history(D)
			return args[0].AsIdent(), nil
		}
		if len(args) > 0 {
			if s, list, err := h.arg(eh, args[0], schemas); err != nil || s != "" {
				lists[args[0].ID()] = list
				return s, err
			}
		}
		if optional {
			return "", nil
		}
		id := int64(0)
		if len(args) > 0 {
			id = args[0].ID()
		}
		return "", eh.NewError(id, fmt.Sprintf("%s needs a data name first, e.g. %s(review, ...)", fn, fn))
	}
	countWhere := func(eh parser.ExprHelper, schema string, arg, cond ast.Expr) ast.Expr {
		accu := eh.AccuIdentName()
		step := eh.NewCall(operators.Conditional, cond,
			eh.NewCall(operators.Add, eh.NewAccuIdent(), eh.NewLiteral(types.Int(1))), eh.NewAccuIdent())
		return eh.NewComprehension(eh.NewIdent(listOf(schema, arg)), schema, accu,
			eh.NewLiteral(types.Int(0)), eh.NewLiteral(types.True), step, eh.NewAccuIdent())
	}
	count := func(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
		s, err := schemaArg(eh, "count", args, false)
		if err != nil {
			return nil, err
		}
		switch len(args) {
		case 1:
			return eh.NewCall("size", eh.NewIdent(listOf(s, args[0]))), nil
		case 2:
			return countWhere(eh, s, args[0], args[1]), nil
		}
		return nil, eh.NewError(args[0].ID(), "count takes a data name and optionally a condition: count(review) or count(review, review.missed_visits > 2)")
	}
	listMacro := func(fn string, optional bool) parser.MacroExpander {
		return func(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
			s, err := schemaArg(eh, fn, args, optional)
			if err != nil {
				return nil, err
			}
			if s == "" {
				// min(a, b, c, ...) is min(min(a, b), c) ..., so that
				// the two-value overloads type any number of values.
				if (fn == "min" || fn == "max") && len(args) > 2 {
					e := eh.NewCall(fn, args[0], args[1])
					for _, a := range args[2:] {
						e = eh.NewCall(fn, e, a)
					}
					return e, nil
				}
				return nil, nil // min(a, b) and friends: an ordinary call
			}
			if len(args) != 2 && len(args) != 3 {
				return nil, eh.NewError(args[0].ID(), fmt.Sprintf("%s takes a data name, a value and optionally a condition: %s(review, review.actual_hours)", fn, fn))
			}
			mapArgs := []ast.Expr{eh.NewIdent(s), args[1]}
			if len(args) == 3 {
				mapArgs = []ast.Expr{eh.NewIdent(s), args[2], args[1]}
			}
			list, err := parser.MakeMap(eh, eh.NewIdent(listOf(s, args[0])), mapArgs)
			if err != nil {
				return nil, err
			}
			return eh.NewCall(fn, list), nil
		}
	}
	ratio := func(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
		s, err := schemaArg(eh, "ratio", args, true)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, nil // ratio(int, int)
		}
		switch len(args) {
		case 2:
			return eh.NewCall("ratio", countWhere(eh, s, args[0], args[1]), eh.NewCall("size", eh.NewIdent(listOf(s, args[0])))), nil
		case 3:
			among := args[2]
			num := countWhere(eh, s, args[0], eh.NewCall(operators.LogicalAnd, eh.Copy(among), args[1]))
			return eh.NewCall("ratio", num, countWhere(eh, s, args[0], among)), nil
		}
		return nil, eh.NewError(args[0].ID(), "ratio takes a data name, a condition and optionally which records count: ratio(episode, episode.at_home_91d)")
	}
	return append([]cel.Macro{
		cel.GlobalVarArgMacro("count", count),
		cel.GlobalVarArgMacro("sum", listMacro("sum", false)),
		cel.GlobalVarArgMacro("avg", listMacro("avg", false)),
		cel.GlobalVarArgMacro("min", listMacro("min", true)),
		cel.GlobalVarArgMacro("max", listMacro("max", true)),
		cel.GlobalVarArgMacro("ratio", ratio),
	}, lagMacros()...)
}

// maxTextSize bounds the length of a text value for cost estimation.
const maxTextSize = 4096

// estimator bounds list sizes for cost estimation: an aggregate's records
// by the configured maximum, a nested list by its declared maximum.
type estimator struct {
	vars       map[string]*Schema
	maxRecords uint64
}

func (e estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	// Decimals, money, dates and days are single values; text in contracts
	// and data is short. Without these bounds CEL assumes the worst and an
	// equality or a string join would look unboundedly costly.
	if t := n.Type(); t != nil {
		switch {
		case t.Kind() == types.OpaqueKind:
			est := cost.FixedSizeEstimate(1)
			return &est
		case t.Kind() == types.StringKind || t.Kind() == types.BytesKind:
			est := cost.RangedSizeEstimate(0, maxTextSize)
			return &est
		}
	}
	path := n.Path()
	if len(path) == 0 {
		return nil
	}
	if strings.HasPrefix(path[0], AllPrefix) && len(path) == 1 {
		est := cost.RangedSizeEstimate(0, e.maxRecords)
		return &est
	}
	if est := e.historySize(path); est != nil {
		return est
	}
	s := e.vars[strings.TrimPrefix(path[0], AllPrefix)]
	for i := 1; s != nil && i < len(path); i++ {
		if path[i] == "@items" {
			continue
		}
		f := s.FieldByName(path[i])
		if f == nil {
			return nil
		}
		if f.Kind == ListField {
			if i == len(path)-1 {
				est := cost.RangedSizeEstimate(0, uint64(f.MaxItems))
				return &est
			}
			s = f.Elem
			continue
		}
		return nil
	}
	return nil
}

func (e estimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}
