package value

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// testEnv builds the environment the tests evaluate in.
func testEnv(t testing.TB, opts ...cel.EnvOption) *cel.Env {
	t.Helper()
	base := []cel.EnvOption{
		Library(),
		cel.Variable("rate", DecimalType),
		cel.Variable("fee", MoneyType),
		cel.Variable("start", DateType),
		cel.Variable("n", types.IntType),
		cel.Variable("fees", types.NewListType(MoneyType)),
		cel.Variable("rates", types.NewListType(DecimalType)),
		cel.Variable("counts", types.NewListType(types.IntType)),
		cel.Variable("dates", types.NewListType(DateType)),
		cel.Variable("spans", types.NewListType(DaysType)),
	}
	env, err := cel.NewCustomEnv(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewCustomEnv: %v", err)
	}
	return env
}

// testVars are the variable values the expression tests see.
func testVars() map[string]any {
	return map[string]any{
		"rate":   MustParseDecimal("19.60"),
		"fee":    Money{MustParseDecimal("240.00")},
		"start":  MustParseDate("2026-03-01"),
		"n":      3,
		"fees":   []ref.Val{Money{MustParseDecimal("1.10")}, Money{MustParseDecimal("2.20")}, Money{MustParseDecimal("3")}},
		"rates":  []ref.Val{MustParseDecimal("0.5"), MustParseDecimal("0.25")},
		"counts": []ref.Val{types.Int(4), types.Int(-2), types.Int(7)},
		"dates":  []ref.Val{MustParseDate("2026-05-01"), MustParseDate("2026-01-31"), MustParseDate("2026-03-15")},
		"spans":  []ref.Val{Days(3), Days(-1), Days(10)},
	}
}

// run compiles and evaluates expr, failing the test on compile errors.
func run(t *testing.T, env *cel.Env, expr string, vars map[string]any) (ref.Val, *types.Type, error) {
	t.Helper()
	checked, iss := env.Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("compile %q: %v", expr, iss.Err())
	}
	prg, err := env.Program(checked)
	if err != nil {
		t.Fatalf("program %q: %v", expr, err)
	}
	out, _, err := prg.Eval(vars)
	return out, checked.OutputType(), err
}

func TestEval(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		expr     string
		want     string // String() of the result, or the Go value for ints and bools
		wantType string
	}{
		// The brief's headline calculations.
		{`money("19.60") * decimal("48")`, "940.80", "money"},
		{`2 * rate`, "39.20", "decimal"},
		{`rate * 2`, "39.20", "decimal"},
		{`1 + percent("25")`, "1.25", "decimal"},
		{`money("240") * (1 + percent("25"))`, "300.00", "money"},
		{`date("2026-05-20") - date("2026-03-01") <= days(42)`, "false", "bool"},
		{`date("2026-05-20") - date("2026-03-01")`, "80 days", "days"},
		{`25 / 15`, "1.666666666666666666666666666666667", "decimal"},
		{`ceil(25/15) * 15 == decimal(30)`, "true", "bool"},
		{`int(ceil(25/15)) * 15 == 30`, "true", "bool"},
		{`10 / 4`, "2.5", "decimal"},
		{`10 / 2`, "5", "decimal"},
		{`-7 / 2`, "-3.5", "decimal"},
		{`1 / 3 * 3`, "0.9999999999999999999999999999999999", "decimal"},

		// Decimal arithmetic keeps trailing zeros and never goes through float.
		{`decimal("0.1") + decimal("0.2") == decimal("0.3")`, "true", "bool"},
		{`decimal("1.0") == decimal("1.00")`, "true", "bool"},
		{`decimal("1.0") != decimal("1.01")`, "true", "bool"},
		{`decimal("19.60") + decimal("0.40")`, "20.00", "decimal"},
		{`decimal("5") - 7`, "-2", "decimal"},
		{`3 - decimal("0.5")`, "2.5", "decimal"},
		{`-decimal("2.50")`, "-2.50", "decimal"},
		{`-decimal("0")`, "0", "decimal"},
		{`decimal("0") * -1`, "0", "decimal"},
		{`decimal("7.5") / decimal("2.5")`, "3", "decimal"},
		{`decimal("19.60") / 2`, "9.80", "decimal"},
		{`1 / decimal("8")`, "0.125", "decimal"},
		{`percent("12.5")`, "0.125", "decimal"},
		{`percent("12.5") == decimal("0.125")`, "true", "bool"},
		{`percent("5")`, "0.05", "decimal"},

		// Money.
		{`fee + money("0.50")`, "240.50", "money"},
		{`fee - money("240")`, "0.00", "money"},
		{`-fee`, "-240.00", "money"},
		{`fee * 3`, "720.00", "money"},
		{`3 * fee`, "720.00", "money"},
		{`decimal("0.5") * fee`, "120.000", "money"},
		{`fee / 3`, "80.00", "money"},
		{`fee / decimal("0.5")`, "480.0", "money"},
		{`money("10") / 3`, "3.333333333333333333333333333333333", "money"},
		{`fee / money("60")`, "4.00", "decimal"},
		{`money("100") / money("8")`, "12.5", "decimal"},
		{`money("240") == money("240.00")`, "true", "bool"},
		{`money(decimal("1.5"))`, "1.5", "money"},
		{`money(12)`, "12", "money"},
		{`decimal(fee)`, "240.00", "decimal"},
		{`decimal(12)`, "12", "decimal"},
		{`decimal("-0.125")`, "-0.125", "decimal"},
		{`fee > money("239.99")`, "true", "bool"},
		{`fee <= money("239.99")`, "false", "bool"},

		// Mixed int and decimal ordering.
		{`decimal("2.5") > 2`, "true", "bool"},
		{`2 >= decimal("2.0")`, "true", "bool"},
		{`2 < decimal("2.0")`, "false", "bool"},
		{`decimal("1.99") <= 1`, "false", "bool"},

		// Dates and days.
		{`start + days(30)`, "2026-03-31", "date"},
		{`days(30) + start`, "2026-03-31", "date"},
		{`start - days(1)`, "2026-02-28", "date"},
		{`start < date("2026-03-02")`, "true", "bool"},
		{`start >= date("2026-03-02")`, "false", "bool"},
		{`start == date("2026-03-01")`, "true", "bool"},
		{`days(6) * 7`, "42 days", "days"},
		{`7 * days(6)`, "42 days", "days"},
		{`days(10) - days(12)`, "-2 days", "days"},
		{`days(10) + days(12)`, "22 days", "days"},
		{`-days(3)`, "-3 days", "days"},
		{`days(3) == days(3)`, "true", "bool"},
		{`days(3) > days(2)`, "true", "bool"},
		{`days(25) / days(10)`, "2.5", "decimal"},
		{`int(days(25))`, "25", "int"},
		{`start.year()`, "2026", "int"},
		{`start.month()`, "3", "int"},
		{`start.day()`, "1", "int"},
		{`date("2024-02-29").day()`, "29", "int"},

		// min, max, abs.
		{`min(3, 5)`, "3", "int"},
		{`max(3, 5)`, "5", "int"},
		{`min(decimal("2.5"), decimal("2.49"))`, "2.49", "decimal"},
		{`max(2, decimal("2.5"))`, "2.5", "decimal"},
		{`max(3, decimal("2.5"))`, "3", "decimal"},
		{`min(decimal("2.5"), 3)`, "2.5", "decimal"},
		{`min(fee, money("100"))`, "100", "money"},
		{`max(start, date("2026-01-01"))`, "2026-03-01", "date"},
		{`min(days(3), days(-4))`, "-4 days", "days"},
		{`abs(-3)`, "3", "int"},
		{`abs(decimal("-3.50"))`, "3.50", "decimal"},
		{`abs(money("-3.50"))`, "3.50", "money"},
		{`abs(days(-2))`, "2 days", "days"},

		// Rounding functions.
		{`round(decimal("30.125"), 2)`, "30.13", "decimal"},
		{`round_half_even(decimal("30.125"), 2)`, "30.12", "decimal"},
		{`round(money("18.075"), 2)`, "18.08", "money"},
		{`round(decimal("2"), 2)`, "2.00", "decimal"},
		{`ceil(decimal("1.01"))`, "2", "decimal"},
		{`ceil(decimal("-1.99"))`, "-1", "decimal"},
		{`floor(decimal("-1.01"))`, "-2", "decimal"},
		{`trunc(decimal("-1.99"))`, "-1", "decimal"},
		{`ceil(money("12.30"))`, "13", "money"},
		{`floor(money("12.30"))`, "12", "money"},
		{`trunc(money("12.99"))`, "12", "money"},

		// Conversions.
		{`int(decimal("4.00"))`, "4", "int"},
		{`string(decimal("4.50"))`, "4.50", "string"},
		{`string(money("4.50"))`, "4.50", "string"},
		{`string(start)`, "2026-03-01", "string"},
		{`type(rate) == decimal`, "true", "bool"},
		{`type(fee) == money`, "true", "bool"},
		{`type(start) == date`, "true", "bool"},
		{`type(days(1)) == days`, "true", "bool"},

		// Aggregates.
		{`sum(fees)`, "6.30", "money"},
		{`sum(rates)`, "0.75", "decimal"},
		{`sum(counts)`, "9", "int"},
		{`sum([1, 2, 3])`, "6", "int"},
		{`avg(fees)`, "2.10", "money"},
		{`avg(rates)`, "0.375", "decimal"},
		{`avg(counts)`, "3", "decimal"},
		{`avg([1, 2])`, "1.5", "decimal"},
		{`min(fees)`, "1.10", "money"},
		{`max(fees)`, "3", "money"},
		{`min(counts)`, "-2", "int"},
		{`max(rates)`, "0.5", "decimal"},
		{`min(dates)`, "2026-01-31", "date"},
		{`max(dates)`, "2026-05-01", "date"},
		{`max(spans)`, "10 days", "days"},
		{`sum(fees.filter(f, f > money("2")))`, "5.20", "money"},
		{`ratio(34, 40)`, "0.85", "decimal"},
		{`ratio(34, 40) >= percent("85")`, "true", "bool"},
		{`ratio(25, 30) >= decimal("0.80")`, "true", "bool"},
		{`ratio(25, 30) >= percent("85")`, "false", "bool"},
		{`ratio(25, 30)`, "0.8333333333333333333333333333333333", "decimal"},

		// Empty sums are zero of the list's type.
		{`sum(fees.filter(f, false))`, "0", "money"},
		{`sum(rates.filter(r, false))`, "0", "decimal"},
		{`sum(counts.filter(c, false))`, "0", "int"},

		// Standard library behaviour that must survive the subset.
		{`7 % 3`, "1", "int"},
		{`-n`, "-3", "int"},
		{`n - 5`, "-2", "int"},
		{`n * 2`, "6", "int"},
		{`n > 2 && n <= 3 && n >= 3 && n < 4`, "true", "bool"},
		{`"ab" < "b"`, "true", "bool"},
		{`true > false`, "true", "bool"},
		{`b"a" + b"b" == b"ab"`, "true", "bool"},
		{`duration("1h") + duration("1m") > duration("60m")`, "true", "bool"},
		{`timestamp("2026-01-02T00:00:00Z") - timestamp("2026-01-01T00:00:00Z") == duration("24h")`, "true", "bool"},
		{`int("42") + 1`, "43", "int"},
		{`string(42)`, "42", "string"},
		{`money("1") in fees`, "false", "bool"},
		{`money("3.00") in fees`, "true", "bool"},
		{`3 + 4 * 2`, "11", "int"},
		{`"a" + "b"`, "ab", "string"},
		{`[1, 2] + [3]`, "[1, 2, 3]", "list(int)"},
		{`size([1, 2, 3])`, "3", "int"},
		{`has({"a": 1}.a)`, "true", "bool"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			out, typ, err := run(t, env, tc.expr, testVars())
			if err != nil {
				t.Fatalf("eval %q: %v", tc.expr, err)
			}
			got := show(out)
			if got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
			if gotType := typ.String(); gotType != tc.wantType {
				t.Errorf("%s has type %s, want %s", tc.expr, gotType, tc.wantType)
			}
			if rt := out.Type().TypeName(); !strings.HasPrefix(tc.wantType, rt) {
				t.Errorf("%s evaluated to a %s, checker said %s", tc.expr, rt, tc.wantType)
			}
		})
	}
}

// show renders a result for comparison.
func show(v ref.Val) string {
	switch x := v.(type) {
	case types.String:
		return string(x)
	case types.Int:
		return strconv.FormatInt(int64(x), 10)
	case types.Bool:
		return strconv.FormatBool(bool(x))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v.Value())
}

func TestEvalErrors(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		expr string
		want string
	}{
		{`1 / 0`, "division by zero"},
		{`rate / 0`, "division by zero"},
		{`rate / decimal("0.00")`, "division by zero"},
		{`fee / 0`, "division by zero"},
		{`fee / money("0")`, "division by zero"},
		{`days(3) / days(0)`, "division by zero"},
		{`0 / 0`, "division by zero"},
		{`ratio(3, 0)`, "ratio of zero records"},
		{`avg(fees.filter(f, false))`, "average of no records"},
		{`avg(counts.filter(c, false))`, "average of no records"},
		{`min(fees.filter(f, false))`, "minimum of no records"},
		{`max(dates.filter(d, false))`, "maximum of no records"},
		{`int(decimal("2.5"))`, "2.5 is not a whole number"},
		{`decimal("1e5")`, "not a decimal number"},
		{`decimal("1,000")`, "not a decimal number"},
		{`money("£5")`, "not an amount of money"},
		{`percent("five")`, "not a percentage"},
		{`date("2026-02-30")`, "February 2026 has 28 days"},
		{`date("01/05/2026")`, "not a date in the form yyyy-mm-dd"},
		{`date("9999-12-31") + days(1)`, "date out of range"},
		{`abs(-9223372036854775807 - 1)`, "integer overflow"},
		{`sum([9223372036854775807, 1])`, "integer overflow"},
		{`days(9223372036854775807) + days(1)`, "number of days out of range"},
		{`round(rate, 31)`, "places must be between"},
		{`9223372036854775807 + 1`, "overflow"},
		{`-9223372036854775807 - 2`, "overflow"},
		{`9223372036854775807 * 2`, "overflow"},
		{`n % 0`, "modulus by zero"},
	}
	for _, tc := range tests {
		name := tc.expr
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, env, tc.expr, testVars())
			if err == nil {
				t.Fatalf("%s = %v, want error containing %q", name, out, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %q, want it to contain %q", name, err, tc.want)
			}
		})
	}
}

func TestTypeCheckRejects(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		expr string
		want string
	}{
		{`fee + rate`, "found no matching overload for '_+_' applied to '(money, decimal)'"},
		{`fee + 1`, "found no matching overload for '_+_' applied to '(money, int)'"},
		{`fee - rate`, "no matching overload"},
		{`fee * fee`, "found no matching overload for '_*_' applied to '(money, money)'"},
		{`start + start`, "found no matching overload for '_+_' applied to '(date, date)'"},
		{`start + 1`, "no matching overload"},
		{`days(1) + 1`, "no matching overload"},
		{`days(1) * days(2)`, "no matching overload"},
		{`days(1) * rate`, "no matching overload"},
		{`rate && true`, "expected type 'bool' but found 'decimal'"},
		{`rate ? 1 : 2`, "found no matching overload for '_?_:_' applied to '(decimal, int, int)'"},
		{`fee || false`, "expected type 'bool' but found 'money'"},
		{`!rate`, "no matching overload"},
		{`fee == rate`, "no matching overload"},
		{`fee < rate`, "no matching overload"},
		{`fee > 1`, "no matching overload"},
		{`start < days(1)`, "no matching overload"},
		{`rate / fee`, "no matching overload"},
		{`int(fee)`, "no matching overload"},
		{`-start`, "no matching overload"},
		{`sum([start])`, "no matching overload"},
		{`avg(dates)`, "no matching overload"},
		{`ceil(days(1))`, "no matching overload"},
		{`round(rate, rate)`, "no matching overload"},
		{`rate % 2`, "no matching overload"},
		// Doubles and uints are gone, from the checker and as literals.
		{`double(1)`, "undeclared reference to 'double'"},
		{`uint(1)`, "undeclared reference to 'uint'"},
		{`1.5 + 1.5`, "no matching overload"},
		{`[1.5][0] == [2.5][0]`, "1.5 is a floating-point number"},
		{`1e3 == 1e3`, "1000 is a floating-point number"},
		{`2u == 2u`, "2u is an unsigned integer"},
		{`1 < 1.5`, "no matching overload"},
		{`int("1") / 2 == 0`, "no matching overload"},
		// CEL's equality is declared for two operands of one type, and no
		// overload can be added beside it, so a decimal cannot be compared
		// for equality with an int; write decimal(30) or 30.0 instead. The
		// ordering operators do mix ints and decimals.
		{`ceil(25/15) * 15 == 30`, "found no matching overload for '_==_' applied to '(decimal, int)'"},
		{`30 != rate`, "found no matching overload for '_!=_' applied to '(int, decimal)'"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, iss := env.Compile(tc.expr)
			if iss.Err() == nil {
				t.Fatalf("%s compiled, want an error containing %q", tc.expr, tc.want)
			}
			if !strings.Contains(iss.Err().Error(), tc.want) {
				t.Errorf("%s: %v\nwant it to contain %q", tc.expr, iss.Err(), tc.want)
			}
		})
	}
}

// TestNewEnvRefused checks that Library refuses an environment that already
// has the full standard library, rather than silently keeping doubles and
// truncating division.
func TestNewEnvRefused(t *testing.T) {
	_, err := cel.NewEnv(Library())
	if err == nil || !strings.Contains(err.Error(), "cel.NewCustomEnv") {
		t.Fatalf("cel.NewEnv(Library()) error = %v, want one pointing at cel.NewCustomEnv", err)
	}
	// Installing the library twice, or the standard library after it, is
	// harmless.
	env, err := cel.NewCustomEnv(Library(), Library(), cel.StdLib())
	if err != nil {
		t.Fatalf("NewCustomEnv(Library(), Library(), StdLib()): %v", err)
	}
	if _, iss := env.Compile(`25 / 15 > 1`); iss.Err() != nil {
		t.Fatalf("compile: %v", iss.Err())
	}
}

// TestOverloadIDsStable pins the overload ids the library declares, so a
// rename is a deliberate act.
func TestOverloadIDsStable(t *testing.T) {
	env := testEnv(t)
	fns := env.Functions()
	want := map[string][]string{
		"_/_":   {"divide_int_int", "divide_decimal_decimal", "divide_int_decimal", "divide_decimal_int", "divide_money_decimal", "divide_money_int", "divide_money_money", "divide_days_days"},
		"sum":   {"sum_list_int", "sum_list_decimal", "sum_list_money"},
		"ratio": {"ratio_int_int"},
		"min":   {"min_int_int", "min_list_date"},
	}
	for fn, ids := range want {
		decl, ok := fns[fn]
		if !ok {
			t.Errorf("function %s missing", fn)
			continue
		}
		have := map[string]bool{}
		for _, o := range decl.OverloadDecls() {
			have[o.ID()] = true
		}
		for _, id := range ids {
			if !have[id] {
				t.Errorf("function %s lacks overload %s (has %v)", fn, id, have)
			}
		}
		if fn == "_/_" && len(have) != len(ids) {
			t.Errorf("_/_ has overloads %v, want exactly %v", have, ids)
		}
	}
}
