package value

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/env"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/cockroachdb/apd/v3"
)

// LibraryName is the name under which Library registers itself in a CEL
// environment.
const LibraryName = "occ.value"

// Library returns a CEL environment option that installs the decimal,
// money, date and days types, their operators and functions, and a subset
// of the CEL standard library with every double and uint overload and the
// truncating int/int division removed. Division of two ints yields an exact
// decimal instead.
//
// Use it with cel.NewCustomEnv:
//
//	env, err := cel.NewCustomEnv(value.Library(), cel.Variable("rate", value.DecimalType))
//
// cel.NewEnv installs the full standard library before any option runs,
// and CEL cannot remove overloads once installed, so with cel.NewEnv the
// option fails with an error saying so.
//
// The types are also registered as CEL type identifiers (so type(x) ==
// money works) when the environment's type provider is a *types.Registry or
// embeds one at the time Library runs; a custom provider installed later
// can call RegisterTypes itself.
//
// Library also adds an AST validator that rejects floating-point and
// unsigned integer literals, so a double can never enter a calculation.
//
// Ints mix with decimals in arithmetic and ordering (2 * rate, rate > 1),
// but not in == and !=: CEL declares equality once for two operands of the
// same type and refuses any overload beside it, so rate == 1 is a type
// error ("no matching overload"); write rate == decimal(1), or 1.0, which
// Rewrite turns into a decimal. Values of one type compare by value, so
// 1.0 == 1.00 and money compares by amount.
func Library() cel.EnvOption {
	return cel.Lib(library{})
}

// Types returns the CEL types this package defines: decimal, money, date
// and days.
func Types() []*types.Type {
	return []*types.Type{DecimalType, MoneyType, DateType, DaysType}
}

// RegisterTypes registers the package's types as CEL type identifiers in a
// registry, such as the *types.Registry a custom provider embeds.
func RegisterTypes(reg interface{ RegisterType(...ref.Type) error }) error {
	for _, t := range Types() {
		if err := reg.RegisterType(t); err != nil {
			return err
		}
	}
	return nil
}

// library implements cel.SingletonLibrary.
type library struct{}

// LibraryName implements cel.SingletonLibrary.
func (library) LibraryName() string {
	return LibraryName
}

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	opts := []cel.EnvOption{
		cel.StdLib(cel.StdLibSubset(stdlibSubset())),
		checkStdlibSubset,
		registerTypes,
		cel.ASTValidators(literalValidator{}),
	}
	opts = append(opts, keptStdOverloads()...)
	return append(opts, functions()...)
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	return nil
}

// replacedFunctions lists the standard functions Library removes whole. The
// arithmetic and ordering operators dispatch every call through one
// function-wide binding in the standard library, which cannot be combined
// with per-overload bindings and would, for instance, divide two ints with
// truncation whatever the declarations say; Library re-declares the
// overloads it keeps (see keptStdOverloads) with per-overload bindings.
// double() and uint() are removed outright.
func replacedFunctions() []string {
	return []string{
		overloads.TypeConvertDouble, overloads.TypeConvertUint,
		operators.Add, operators.Subtract, operators.Multiply, operators.Divide,
		operators.Modulo, operators.Negate,
		operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals,
	}
}

// forbiddenOverloads lists, by function, the standard overloads that must
// not be present: everything taking or producing a double or a uint, and
// the truncating int division. The int() and string() entries are removed
// by subsetting; the others go with their whole function.
func forbiddenOverloads() map[string][]string {
	return map[string][]string{
		overloads.TypeConvertInt:    {overloads.DoubleToInt, overloads.UintToInt},
		overloads.TypeConvertString: {overloads.DoubleToString, overloads.UintToString},
		operators.Add:               {overloads.AddDouble, overloads.AddUint64},
		operators.Subtract:          {overloads.SubtractDouble, overloads.SubtractUint64},
		operators.Multiply:          {overloads.MultiplyDouble, overloads.MultiplyUint64},
		operators.Divide:            {overloads.DivideDouble, overloads.DivideInt64, overloads.DivideUint64},
		operators.Modulo:            {overloads.ModuloUint64},
		operators.Negate:            {overloads.NegateDouble},
		operators.Less: {overloads.LessInt64Double, overloads.LessInt64Uint64,
			overloads.LessUint64, overloads.LessUint64Double, overloads.LessUint64Int64,
			overloads.LessDouble, overloads.LessDoubleInt64, overloads.LessDoubleUint64},
		operators.LessEquals: {overloads.LessEqualsInt64Double, overloads.LessEqualsInt64Uint64,
			overloads.LessEqualsUint64, overloads.LessEqualsUint64Double, overloads.LessEqualsUint64Int64,
			overloads.LessEqualsDouble, overloads.LessEqualsDoubleInt64, overloads.LessEqualsDoubleUint64},
		operators.Greater: {overloads.GreaterInt64Double, overloads.GreaterInt64Uint64,
			overloads.GreaterUint64, overloads.GreaterUint64Double, overloads.GreaterUint64Int64,
			overloads.GreaterDouble, overloads.GreaterDoubleInt64, overloads.GreaterDoubleUint64},
		operators.GreaterEquals: {overloads.GreaterEqualsInt64Double, overloads.GreaterEqualsInt64Uint64,
			overloads.GreaterEqualsUint64, overloads.GreaterEqualsUint64Double, overloads.GreaterEqualsUint64Int64,
			overloads.GreaterEqualsDouble, overloads.GreaterEqualsDoubleInt64, overloads.GreaterEqualsDoubleUint64},
	}
}

// stdlibSubset returns the standard library subset Library installs.
func stdlibSubset() *env.LibrarySubset {
	var fns []*env.Function
	for _, name := range replacedFunctions() {
		fns = append(fns, &env.Function{Name: name})
	}
	for _, name := range []string{overloads.TypeConvertInt, overloads.TypeConvertString} {
		fn := &env.Function{Name: name}
		for _, id := range forbiddenOverloads()[name] {
			fn.Overloads = append(fn.Overloads, &env.Overload{ID: id})
		}
		fns = append(fns, fn)
	}
	return env.NewLibrarySubset().AddExcludedFunctions(fns...)
}

// checkStdlibSubset fails when the standard library was installed before
// Library could subset it, which is what cel.NewEnv does.
func checkStdlibSubset(e *cel.Env) (*cel.Env, error) {
	fns := e.Functions()
	for _, name := range []string{overloads.TypeConvertDouble, overloads.TypeConvertUint} {
		if _, found := fns[name]; found {
			return nil, stdlibError(name + "()")
		}
	}
	for name, ids := range forbiddenOverloads() {
		fn, found := fns[name]
		if !found {
			continue
		}
		for _, o := range fn.OverloadDecls() {
			for _, id := range ids {
				if o.ID() == id {
					return nil, stdlibError(id)
				}
			}
		}
	}
	return e, nil
}

func stdlibError(what string) error {
	return fmt.Errorf("value.Library: the environment already has the standard %s overload, "+
		"which allows doubles or truncating division; create the environment with "+
		"cel.NewCustomEnv(value.Library(), ...) instead of cel.NewEnv", what)
}

// keptStdOverloads re-declares the standard arithmetic and ordering
// overloads that Library keeps, under their standard ids and with the
// standard semantics (the CEL value's own operator methods), but with
// per-overload bindings so that they can share their functions with the
// overloads this package adds.
func keptStdOverloads() []cel.EnvOption {
	listOfA := types.NewListType(types.NewTypeParamType("A"))
	add := cel.BinaryBinding(func(a, b ref.Val) ref.Val { return a.(traits.Adder).Add(b) })
	sub := cel.BinaryBinding(func(a, b ref.Val) ref.Val { return a.(traits.Subtractor).Subtract(b) })
	ts, dur, tBytes := types.TimestampType, types.DurationType, types.BytesType
	fs := []cel.EnvOption{
		cel.Function(operators.Add,
			cel.Overload(overloads.AddBytes, args(tBytes, tBytes), tBytes, add),
			cel.Overload(overloads.AddDurationDuration, args(dur, dur), dur, add),
			cel.Overload(overloads.AddDurationTimestamp, args(dur, ts), ts, add),
			cel.Overload(overloads.AddTimestampDuration, args(ts, dur), ts, add),
			cel.Overload(overloads.AddInt64, args(tInt, tInt), tInt, add),
			cel.Overload(overloads.AddList, args(listOfA, listOfA), listOfA, add),
			cel.Overload(overloads.AddString, args(tStr, tStr), tStr, add),
		),
		cel.Function(operators.Subtract,
			cel.Overload(overloads.SubtractDurationDuration, args(dur, dur), dur, sub),
			cel.Overload(overloads.SubtractInt64, args(tInt, tInt), tInt, sub),
			cel.Overload(overloads.SubtractTimestampDuration, args(ts, dur), ts, sub),
			cel.Overload(overloads.SubtractTimestampTimestamp, args(ts, ts), dur, sub),
		),
		cel.Function(operators.Multiply,
			cel.Overload(overloads.MultiplyInt64, args(tInt, tInt), tInt,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val { return a.(traits.Multiplier).Multiply(b) })),
		),
		cel.Function(operators.Modulo,
			cel.Overload(overloads.ModuloInt64, args(tInt, tInt), tInt,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val { return a.(traits.Modder).Modulo(b) })),
		),
		cel.Function(operators.Negate,
			cel.Overload(overloads.NegateInt64, args(tInt), tInt,
				cel.UnaryBinding(func(a ref.Val) ref.Val { return a.(traits.Negater).Negate() })),
		),
	}
	for _, op := range orderings() {
		bind := cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			c, ok := a.(traits.Comparer).Compare(b).(types.Int)
			if !ok {
				return types.MaybeNoSuchOverloadErr(b)
			}
			return types.Bool(op.test(int(c)))
		})
		var os []cel.FunctionOpt
		for i, t := range []*types.Type{types.BoolType, tInt, tStr, tBytes, ts, dur} {
			os = append(os, cel.Overload(op.stdIDs[i], args(t, t), types.BoolType, bind))
		}
		fs = append(fs, cel.Function(op.name, os...))
	}
	return fs
}

// ordering describes one of the four ordering operators.
type ordering struct {
	name string // operator function name, such as "_<_"
	id   string // overload id prefix, such as "less"
	test func(int) bool
	// stdIDs are the standard overload ids for bool, int, string, bytes,
	// timestamp and duration operands.
	stdIDs [6]string
}

func orderings() []ordering {
	return []ordering{
		{operators.Less, "less", func(c int) bool { return c < 0 }, [6]string{
			overloads.LessBool, overloads.LessInt64, overloads.LessString,
			overloads.LessBytes, overloads.LessTimestamp, overloads.LessDuration}},
		{operators.LessEquals, "less_equals", func(c int) bool { return c <= 0 }, [6]string{
			overloads.LessEqualsBool, overloads.LessEqualsInt64, overloads.LessEqualsString,
			overloads.LessEqualsBytes, overloads.LessEqualsTimestamp, overloads.LessEqualsDuration}},
		{operators.Greater, "greater", func(c int) bool { return c > 0 }, [6]string{
			overloads.GreaterBool, overloads.GreaterInt64, overloads.GreaterString,
			overloads.GreaterBytes, overloads.GreaterTimestamp, overloads.GreaterDuration}},
		{operators.GreaterEquals, "greater_equals", func(c int) bool { return c >= 0 }, [6]string{
			overloads.GreaterEqualsBool, overloads.GreaterEqualsInt64, overloads.GreaterEqualsString,
			overloads.GreaterEqualsBytes, overloads.GreaterEqualsTimestamp, overloads.GreaterEqualsDuration}},
	}
}

// registerTypes registers the types as identifiers when the provider can
// take them.
func registerTypes(e *cel.Env) (*cel.Env, error) {
	if _, ok := e.CELTypeProvider().(interface{ RegisterType(...ref.Type) error }); !ok {
		return e, nil
	}
	ts := Types()
	args := make([]any, len(ts))
	for i, t := range ts {
		args[i] = t
	}
	return cel.Types(args...)(e)
}

// literalValidator rejects double and uint literals.
type literalValidator struct{}

// Name implements cel.ASTValidator.
func (literalValidator) Name() string {
	return "occ.value.exact_literals"
}

// Validate implements cel.ASTValidator.
func (literalValidator) Validate(_ *cel.Env, _ cel.ValidatorConfig, a *ast.AST, iss *cel.Issues) {
	lits := ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.LiteralKind))
	for _, e := range lits {
		switch v := e.AsLiteral().(type) {
		case types.Double:
			s := strconv.FormatFloat(float64(v), 'f', -1, 64)
			iss.ReportErrorAtID(e.ID(), "%s is a floating-point number, which is inexact; write it as decimal(%q)", s, s)
		case types.Uint:
			iss.ReportErrorAtID(e.ID(), "%du is an unsigned integer, which rules do not use; write %d", uint64(v), uint64(v))
		}
	}
}

// Shorthands for the types in overload signatures.
var (
	tInt  = types.IntType
	tStr  = types.StringType
	tDec  = DecimalType
	tMon  = MoneyType
	tDate = DateType
	tDays = DaysType
)

func args(ts ...*types.Type) []*types.Type {
	return ts
}

// functions returns the declarations of every function and operator
// overload the library adds.
func functions() []cel.EnvOption {
	fs := []cel.EnvOption{
		cel.Function(operators.Add,
			cel.Overload("add_decimal_decimal", args(tDec, tDec), tDec, cel.BinaryBinding(decAdd)),
			cel.Overload("add_int_decimal", args(tInt, tDec), tDec, cel.BinaryBinding(decAdd)),
			cel.Overload("add_decimal_int", args(tDec, tInt), tDec, cel.BinaryBinding(decAdd)),
			cel.Overload("add_money_money", args(tMon, tMon), tMon, cel.BinaryBinding(moneyAdd)),
			cel.Overload("add_date_days", args(tDate, tDays), tDate, cel.BinaryBinding(dateAddDays)),
			cel.Overload("add_days_date", args(tDays, tDate), tDate, cel.BinaryBinding(daysAddDate)),
			cel.Overload("add_days_days", args(tDays, tDays), tDays, cel.BinaryBinding(daysAdd)),
		),
		cel.Function(operators.Subtract,
			cel.Overload("subtract_decimal_decimal", args(tDec, tDec), tDec, cel.BinaryBinding(decSub)),
			cel.Overload("subtract_int_decimal", args(tInt, tDec), tDec, cel.BinaryBinding(decSub)),
			cel.Overload("subtract_decimal_int", args(tDec, tInt), tDec, cel.BinaryBinding(decSub)),
			cel.Overload("subtract_money_money", args(tMon, tMon), tMon, cel.BinaryBinding(moneySub)),
			cel.Overload("subtract_date_days", args(tDate, tDays), tDate, cel.BinaryBinding(dateSubDays)),
			cel.Overload("subtract_date_date", args(tDate, tDate), tDays, cel.BinaryBinding(dateSubDate)),
			cel.Overload("subtract_days_days", args(tDays, tDays), tDays, cel.BinaryBinding(daysSub)),
		),
		cel.Function(operators.Negate,
			cel.Overload("negate_decimal", args(tDec), tDec, cel.UnaryBinding(decNeg)),
			cel.Overload("negate_money", args(tMon), tMon, cel.UnaryBinding(moneyNeg)),
			cel.Overload("negate_days", args(tDays), tDays, cel.UnaryBinding(daysNeg)),
		),
		cel.Function(operators.Multiply,
			cel.Overload("multiply_decimal_decimal", args(tDec, tDec), tDec, cel.BinaryBinding(decMul)),
			cel.Overload("multiply_int_decimal", args(tInt, tDec), tDec, cel.BinaryBinding(decMul)),
			cel.Overload("multiply_decimal_int", args(tDec, tInt), tDec, cel.BinaryBinding(decMul)),
			cel.Overload("multiply_money_decimal", args(tMon, tDec), tMon, cel.BinaryBinding(moneyMul)),
			cel.Overload("multiply_decimal_money", args(tDec, tMon), tMon, cel.BinaryBinding(moneyMul)),
			cel.Overload("multiply_money_int", args(tMon, tInt), tMon, cel.BinaryBinding(moneyMul)),
			cel.Overload("multiply_int_money", args(tInt, tMon), tMon, cel.BinaryBinding(moneyMul)),
			cel.Overload("multiply_days_int", args(tDays, tInt), tDays, cel.BinaryBinding(daysMul)),
			cel.Overload("multiply_int_days", args(tInt, tDays), tDays, cel.BinaryBinding(daysMul)),
		),
		cel.Function(operators.Divide,
			cel.Overload("divide_int_int", args(tInt, tInt), tDec, cel.BinaryBinding(decQuo)),
			cel.Overload("divide_decimal_decimal", args(tDec, tDec), tDec, cel.BinaryBinding(decQuo)),
			cel.Overload("divide_int_decimal", args(tInt, tDec), tDec, cel.BinaryBinding(decQuo)),
			cel.Overload("divide_decimal_int", args(tDec, tInt), tDec, cel.BinaryBinding(decQuo)),
			cel.Overload("divide_money_decimal", args(tMon, tDec), tMon, cel.BinaryBinding(moneyQuo)),
			cel.Overload("divide_money_int", args(tMon, tInt), tMon, cel.BinaryBinding(moneyQuo)),
			cel.Overload("divide_money_money", args(tMon, tMon), tDec, cel.BinaryBinding(decQuo)),
			cel.Overload("divide_days_days", args(tDays, tDays), tDec, cel.BinaryBinding(decQuo)),
		),
	}
	for _, op := range []struct {
		name, id string
		test     func(int) bool
	}{
		{operators.Less, "less", func(c int) bool { return c < 0 }},
		{operators.LessEquals, "less_equals", func(c int) bool { return c <= 0 }},
		{operators.Greater, "greater", func(c int) bool { return c > 0 }},
		{operators.GreaterEquals, "greater_equals", func(c int) bool { return c >= 0 }},
	} {
		bind := cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			return types.Bool(op.test(compare(a, b)))
		})
		fs = append(fs, cel.Function(op.name,
			cel.Overload(op.id+"_decimal_decimal", args(tDec, tDec), types.BoolType, bind),
			cel.Overload(op.id+"_int_decimal", args(tInt, tDec), types.BoolType, bind),
			cel.Overload(op.id+"_decimal_int", args(tDec, tInt), types.BoolType, bind),
			cel.Overload(op.id+"_money_money", args(tMon, tMon), types.BoolType, bind),
			cel.Overload(op.id+"_date_date", args(tDate, tDate), types.BoolType, bind),
			cel.Overload(op.id+"_days_days", args(tDays, tDays), types.BoolType, bind),
		))
	}
	for _, ext := range []struct {
		name string
		pick func(int) bool // reports whether to keep the first argument
	}{
		{"min", func(c int) bool { return c <= 0 }},
		{"max", func(c int) bool { return c >= 0 }},
	} {
		n := ext.name
		pair := cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			if ext.pick(compare(a, b)) {
				return a
			}
			return b
		})
		mixed := cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			if ext.pick(compare(a, b)) {
				return toDecimal(a)
			}
			return toDecimal(b)
		})
		list := cel.UnaryBinding(func(l ref.Val) ref.Val {
			return listExtreme(n, l, ext.pick)
		})
		fs = append(fs, cel.Function(n,
			cel.Overload(n+"_int_int", args(tInt, tInt), tInt, pair),
			cel.Overload(n+"_decimal_decimal", args(tDec, tDec), tDec, pair),
			cel.Overload(n+"_int_decimal", args(tInt, tDec), tDec, mixed),
			cel.Overload(n+"_decimal_int", args(tDec, tInt), tDec, mixed),
			cel.Overload(n+"_money_money", args(tMon, tMon), tMon, pair),
			cel.Overload(n+"_date_date", args(tDate, tDate), tDate, pair),
			cel.Overload(n+"_days_days", args(tDays, tDays), tDays, pair),
			cel.Overload(n+"_list_int", args(types.NewListType(tInt)), tInt, list),
			cel.Overload(n+"_list_decimal", args(types.NewListType(tDec)), tDec, list),
			cel.Overload(n+"_list_money", args(types.NewListType(tMon)), tMon, list),
			cel.Overload(n+"_list_date", args(types.NewListType(tDate)), tDate, list),
			cel.Overload(n+"_list_days", args(types.NewListType(tDays)), tDays, list),
		))
	}
	roundWith := func(mode Rounding) cel.OverloadOpt {
		return cel.BinaryBinding(func(x, places ref.Val) ref.Val {
			return roundValue(x, places, mode)
		})
	}
	toWhole := func(mode Rounding) cel.OverloadOpt {
		return cel.UnaryBinding(func(x ref.Val) ref.Val {
			return roundValue(x, types.IntZero, mode)
		})
	}
	fs = append(fs,
		cel.Function("abs",
			cel.Overload("abs_int", args(tInt), tInt, cel.UnaryBinding(absValue)),
			cel.Overload("abs_decimal", args(tDec), tDec, cel.UnaryBinding(absValue)),
			cel.Overload("abs_money", args(tMon), tMon, cel.UnaryBinding(absValue)),
			cel.Overload("abs_days", args(tDays), tDays, cel.UnaryBinding(absValue)),
		),
		cel.Function("round",
			cel.Overload("round_decimal_int", args(tDec, tInt), tDec, roundWith(HalfUp)),
			cel.Overload("round_money_int", args(tMon, tInt), tMon, roundWith(HalfUp)),
		),
		cel.Function("round_half_even",
			cel.Overload("round_half_even_decimal_int", args(tDec, tInt), tDec, roundWith(HalfEven)),
			cel.Overload("round_half_even_money_int", args(tMon, tInt), tMon, roundWith(HalfEven)),
		),
		cel.Function("ceil",
			cel.Overload("ceil_decimal", args(tDec), tDec, toWhole(Ceiling)),
			cel.Overload("ceil_money", args(tMon), tMon, toWhole(Ceiling)),
		),
		cel.Function("floor",
			cel.Overload("floor_decimal", args(tDec), tDec, toWhole(Floor)),
			cel.Overload("floor_money", args(tMon), tMon, toWhole(Floor)),
		),
		cel.Function("trunc",
			cel.Overload("trunc_decimal", args(tDec), tDec, toWhole(Down)),
			cel.Overload("trunc_money", args(tMon), tMon, toWhole(Down)),
		),
		cel.Function("decimal",
			cel.Overload("decimal_to_decimal", args(tDec), tDec, cel.UnaryBinding(toDecimalChecked)),
			cel.Overload("int_to_decimal", args(tInt), tDec, cel.UnaryBinding(toDecimalChecked)),
			cel.Overload("string_to_decimal", args(tStr), tDec, cel.UnaryBinding(toDecimalChecked)),
			cel.Overload("money_to_decimal", args(tMon), tDec, cel.UnaryBinding(toDecimalChecked)),
		),
		cel.Function("money",
			cel.Overload("money_to_money", args(tMon), tMon, cel.UnaryBinding(toMoney)),
			cel.Overload("decimal_to_money", args(tDec), tMon, cel.UnaryBinding(toMoney)),
			cel.Overload("int_to_money", args(tInt), tMon, cel.UnaryBinding(toMoney)),
			cel.Overload("string_to_money", args(tStr), tMon, cel.UnaryBinding(toMoney)),
		),
		cel.Function(overloads.TypeConvertInt,
			cel.Overload("decimal_to_int", args(tDec), tInt, cel.UnaryBinding(toInt)),
			cel.Overload("days_to_int", args(tDays), tInt, cel.UnaryBinding(toInt)),
		),
		cel.Function(overloads.TypeConvertString,
			cel.Overload("decimal_to_string", args(tDec), tStr, cel.UnaryBinding(toString)),
			cel.Overload("money_to_string", args(tMon), tStr, cel.UnaryBinding(toString)),
			cel.Overload("date_to_string", args(tDate), tStr, cel.UnaryBinding(toString)),
			cel.Overload("days_to_string", args(tDays), tStr, cel.UnaryBinding(toString)),
		),
		cel.Function("days",
			cel.Overload("int_to_days", args(tInt), tDays, cel.UnaryBinding(func(n ref.Val) ref.Val {
				return Days(n.(types.Int))
			})),
		),
		cel.Function("date",
			cel.Overload("string_to_date", args(tStr), tDate, cel.UnaryBinding(func(s ref.Val) ref.Val {
				d, err := ParseDate(string(s.(types.String)), "")
				if err != nil {
					return types.WrapErr(err)
				}
				return d
			})),
		),
		cel.Function("year",
			cel.MemberOverload("date_year", args(tDate), tInt, cel.UnaryBinding(func(d ref.Val) ref.Val {
				return types.Int(d.(Date).Year())
			})),
		),
		cel.Function("month",
			cel.MemberOverload("date_month", args(tDate), tInt, cel.UnaryBinding(func(d ref.Val) ref.Val {
				return types.Int(d.(Date).Month())
			})),
		),
		cel.Function("day",
			cel.MemberOverload("date_day", args(tDate), tInt, cel.UnaryBinding(func(d ref.Val) ref.Val {
				return types.Int(d.(Date).Day())
			})),
		),
		cel.Function("percent",
			cel.Overload("percent_string", args(tStr), tDec, cel.UnaryBinding(percent)),
		),
		cel.Function("sum",
			cel.Overload("sum_list_int", args(types.NewListType(tInt)), tInt, cel.UnaryBinding(sumInts)),
			cel.Overload("sum_list_decimal", args(types.NewListType(tDec)), tDec, cel.UnaryBinding(func(l ref.Val) ref.Val {
				return sumDecimals("sum", l, DecimalType)
			})),
			cel.Overload("sum_list_money", args(types.NewListType(tMon)), tMon, cel.UnaryBinding(func(l ref.Val) ref.Val {
				return sumDecimals("sum", l, MoneyType)
			})),
		),
		cel.Function("avg",
			cel.Overload("avg_list_int", args(types.NewListType(tInt)), tDec, cel.UnaryBinding(func(l ref.Val) ref.Val {
				return average(l, types.IntType)
			})),
			cel.Overload("avg_list_decimal", args(types.NewListType(tDec)), tDec, cel.UnaryBinding(func(l ref.Val) ref.Val {
				return average(l, DecimalType)
			})),
			cel.Overload("avg_list_money", args(types.NewListType(tMon)), tMon, cel.UnaryBinding(func(l ref.Val) ref.Val {
				return average(l, MoneyType)
			})),
		),
		cel.Function("ratio",
			cel.Overload("ratio_int_int", args(tInt, tInt), tDec, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				r, err := NewRatio(int64(a.(types.Int)), int64(b.(types.Int)))
				if err != nil {
					return types.WrapErr(err)
				}
				return r
			})),
		),
	)
	return fs
}

// Runtime errors raised by the library besides the decimal ones.
var (
	errIntOverflow  = errors.New("integer overflow")
	errDaysOverflow = errors.New("number of days out of range")
	errDateRange    = fmt.Errorf("date out of range: dates must fall in the years %d to %d", MinYear, MaxYear)
	errAverageNone  = errors.New("average of no records")
)

// toDecimal converts an int, decimal or money operand to a decimal. The
// overload signatures guarantee the operand is one of those.
func toDecimal(v ref.Val) Decimal {
	switch x := v.(type) {
	case Decimal:
		return x
	case types.Int:
		return DecimalFromInt(int64(x))
	case Money:
		return x.amount
	case Days:
		return DecimalFromInt(int64(x))
	}
	return Decimal{}
}

// decResult wraps a decimal result or its error as a CEL value.
func decResult(d Decimal, err error) ref.Val {
	if err != nil {
		return types.WrapErr(err)
	}
	return d
}

// moneyResult wraps a money result or its error as a CEL value.
func moneyResult(d Decimal, err error) ref.Val {
	if err != nil {
		return types.WrapErr(err)
	}
	return Money{d.plain()}
}

func decAdd(a, b ref.Val) ref.Val { return decResult(toDecimal(a).Add(toDecimal(b))) }
func decSub(a, b ref.Val) ref.Val { return decResult(toDecimal(a).Sub(toDecimal(b))) }
func decMul(a, b ref.Val) ref.Val { return decResult(toDecimal(a).Mul(toDecimal(b))) }
func decQuo(a, b ref.Val) ref.Val { return decResult(toDecimal(a).Quo(toDecimal(b))) }
func decNeg(a ref.Val) ref.Val    { return a.(Decimal).Neg() }

func moneyAdd(a, b ref.Val) ref.Val { return moneyResult(toDecimal(a).Add(toDecimal(b))) }
func moneySub(a, b ref.Val) ref.Val { return moneyResult(toDecimal(a).Sub(toDecimal(b))) }
func moneyMul(a, b ref.Val) ref.Val { return moneyResult(toDecimal(a).Mul(toDecimal(b))) }
func moneyQuo(a, b ref.Val) ref.Val { return moneyResult(toDecimal(a).Quo(toDecimal(b))) }
func moneyNeg(a ref.Val) ref.Val    { return a.(Money).Neg() }

// addInt64 returns a+b, failing on overflow.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	if (s > a) != (b > 0) {
		return 0, false
	}
	return s, true
}

// mulInt64 returns a*b, failing on overflow.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

func daysResult(n int64, ok bool) ref.Val {
	if !ok {
		return types.WrapErr(errDaysOverflow)
	}
	return Days(n)
}

func daysAdd(a, b ref.Val) ref.Val {
	return daysResult(addInt64(int64(a.(Days)), int64(b.(Days))))
}

func daysSub(a, b ref.Val) ref.Val {
	if b.(Days) == math.MinInt64 {
		return types.WrapErr(errDaysOverflow)
	}
	return daysResult(addInt64(int64(a.(Days)), -int64(b.(Days))))
}

func daysNeg(a ref.Val) ref.Val {
	if a.(Days) == math.MinInt64 {
		return types.WrapErr(errDaysOverflow)
	}
	return -a.(Days)
}

func daysMul(a, b ref.Val) ref.Val {
	var n, k int64
	if d, ok := a.(Days); ok {
		n, k = int64(d), int64(b.(types.Int))
	} else {
		n, k = int64(b.(Days)), int64(a.(types.Int))
	}
	return daysResult(mulInt64(n, k))
}

// addDays moves a date, failing when it leaves MinYear..MaxYear.
func addDays(d Date, n int64) ref.Val {
	// Anything beyond ±4 million days is far outside the year range and
	// could overflow the day count.
	if n > 4_000_000 || n < -4_000_000 {
		return types.WrapErr(errDateRange)
	}
	r := d.AddDays(n)
	if !r.Valid() {
		return types.WrapErr(errDateRange)
	}
	return r
}

func dateAddDays(a, b ref.Val) ref.Val { return addDays(a.(Date), int64(b.(Days))) }
func daysAddDate(a, b ref.Val) ref.Val { return addDays(b.(Date), int64(a.(Days))) }

func dateSubDays(a, b ref.Val) ref.Val {
	if b.(Days) == math.MinInt64 {
		return types.WrapErr(errDateRange)
	}
	return addDays(a.(Date), -int64(b.(Days)))
}

func dateSubDate(a, b ref.Val) ref.Val { return Days(a.(Date).Sub(b.(Date))) }

// compare orders two operands of the same kind, or an int and a decimal.
func compare(a, b ref.Val) int {
	switch x := a.(type) {
	case types.Int:
		if y, ok := b.(types.Int); ok {
			return cmp.Compare(int64(x), int64(y))
		}
		return toDecimal(a).Cmp(toDecimal(b))
	case Decimal:
		return x.Cmp(toDecimal(b))
	case Money:
		return x.Cmp(b.(Money))
	case Date:
		return x.Cmp(b.(Date))
	case Days:
		return cmp.Compare(int64(x), int64(b.(Days)))
	}
	return 0
}

func absValue(v ref.Val) ref.Val {
	switch x := v.(type) {
	case types.Int:
		if x == math.MinInt64 {
			return types.WrapErr(errIntOverflow)
		}
		if x < 0 {
			return -x
		}
		return x
	case Decimal:
		return x.Abs()
	case Money:
		return x.Abs()
	case Days:
		if x == math.MinInt64 {
			return types.WrapErr(errDaysOverflow)
		}
		if x < 0 {
			return -x
		}
		return x
	}
	return types.MaybeNoSuchOverloadErr(v)
}

// maxPlaces bounds the places argument of round().
const maxPlaces = 30

func roundValue(v, places ref.Val, mode Rounding) ref.Val {
	p := int64(places.(types.Int))
	if p < -maxPlaces || p > maxPlaces {
		return types.NewErr("cannot round to %d places: places must be between %d and %d", p, -maxPlaces, maxPlaces)
	}
	switch x := v.(type) {
	case Decimal:
		return Round(x, int32(p), mode)
	case Money:
		return x.Round(int32(p), mode)
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func toDecimalChecked(v ref.Val) ref.Val {
	switch x := v.(type) {
	case Decimal:
		return x
	case types.Int:
		return DecimalFromInt(int64(x))
	case Money:
		return x.amount
	case types.String:
		d, err := ParseDecimal(string(x))
		if err != nil {
			return types.WrapErr(err)
		}
		return d
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func toMoney(v ref.Val) ref.Val {
	switch x := v.(type) {
	case Money:
		return x
	case Decimal:
		return MoneyOf(x)
	case types.Int:
		return Money{DecimalFromInt(int64(x))}
	case types.String:
		m, err := ParseMoney(string(x))
		if err != nil {
			return types.WrapErr(err)
		}
		return m
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func toInt(v ref.Val) ref.Val {
	switch x := v.(type) {
	case Decimal:
		n, err := x.Int64()
		if err != nil {
			return types.WrapErr(err)
		}
		return types.Int(n)
	case Days:
		return types.Int(x)
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func toString(v ref.Val) ref.Val {
	if s, ok := v.(fmt.Stringer); ok {
		return types.String(s.String())
	}
	return types.MaybeNoSuchOverloadErr(v)
}

// percent implements percent(s): the decimal s/100, computed exactly by
// moving the decimal point.
func percent(v ref.Val) ref.Val {
	s := string(v.(types.String))
	d, err := ParseDecimal(s)
	if err != nil {
		return types.NewErr("%q is not a percentage: write digits with an optional point, like 12.5", s)
	}
	r := new(decimalValue)
	r.d.Set(d.ap())
	r.d.Exponent -= 2
	return Decimal{r}
}

// sumInts implements sum(list(int)).
func sumInts(l ref.Val) ref.Val {
	var total int64
	it := l.(traits.Iterable).Iterator()
	for it.HasNext() == types.True {
		n, ok := it.Next().(types.Int)
		if !ok {
			return types.NewErr("sum: the list holds values that are not whole numbers")
		}
		if total, ok = addInt64(total, int64(n)); !ok {
			return types.WrapErr(errIntOverflow)
		}
	}
	return types.Int(total)
}

// accumulate adds up a list of decimals, money or ints (as given by elem)
// into one apd value, and counts the elements.
func accumulate(fn string, l ref.Val, elem *types.Type) (*decimalValue, int64, ref.Val) {
	r := new(decimalValue)
	var n int64
	var tmp apd.Decimal
	it := l.(traits.Iterable).Iterator()
	for it.HasNext() == types.True {
		var x *apd.Decimal
		switch v := it.Next().(type) {
		case Decimal:
			x = v.ap()
			if elem != DecimalType {
				return nil, 0, mixedListErr(fn, elem, v)
			}
		case Money:
			x = v.amount.ap()
			if elem != MoneyType {
				return nil, 0, mixedListErr(fn, elem, v)
			}
		case types.Int:
			tmp.SetInt64(int64(v))
			x = &tmp
			if elem != types.IntType {
				return nil, 0, mixedListErr(fn, elem, v)
			}
		default:
			return nil, 0, mixedListErr(fn, elem, v)
		}
		cond, err := exactContext.Add(&r.d, &r.d, x)
		if err != nil || r.d.Form != apd.Finite {
			return nil, 0, types.WrapErr(conditionError(cond, "sum"))
		}
		n++
	}
	normalizeZero(&r.d)
	return r, n, nil
}

func mixedListErr(fn string, elem *types.Type, v ref.Val) ref.Val {
	return types.NewErr("%s: expected a list of %s, found a %s in it", fn, elem.TypeName(), v.Type().TypeName())
}

// sumDecimals implements sum over decimals or money; an empty list sums to
// zero of the list's type.
func sumDecimals(fn string, l ref.Val, elem *types.Type) ref.Val {
	r, _, errVal := accumulate(fn, l, elem)
	if errVal != nil {
		return errVal
	}
	if elem == MoneyType {
		return Money{Decimal{r}}
	}
	return Decimal{r}
}

// average implements avg(); the average of an empty list is an error.
func average(l ref.Val, elem *types.Type) ref.Val {
	r, n, errVal := accumulate("avg", l, elem)
	if errVal != nil {
		return errVal
	}
	if n == 0 {
		return types.WrapErr(errAverageNone)
	}
	q, err := Decimal{r}.Quo(DecimalFromInt(n))
	if err != nil {
		return types.WrapErr(err)
	}
	if elem == MoneyType {
		return Money{q}
	}
	return q
}

// listExtreme implements min(list) and max(list); keep reports whether to
// keep the current best given compare(best, next).
func listExtreme(fn string, l ref.Val, keep func(int) bool) ref.Val {
	var best ref.Val
	it := l.(traits.Iterable).Iterator()
	for it.HasNext() == types.True {
		v := it.Next()
		if best == nil {
			best = v
			continue
		}
		if v.Type().TypeName() != best.Type().TypeName() {
			return types.NewErr("%s: the list mixes %s and %s values", fn, best.Type().TypeName(), v.Type().TypeName())
		}
		if !keep(compare(best, v)) {
			best = v
		}
	}
	if best == nil {
		if fn == "min" {
			return types.NewErr("minimum of no records")
		}
		return types.NewErr("maximum of no records")
	}
	return best
}
