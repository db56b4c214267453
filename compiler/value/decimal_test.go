package value

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"github.com/cockroachdb/apd/v3"
)

func TestParseDecimal(t *testing.T) {
	valid := []struct{ in, want string }{
		{"-12.50", "-12.50"},
		{"3", "3"},
		{"0.125", "0.125"},
		{"19.60", "19.60"},
		{"+4.0", "4.0"},
		{"-0", "0"},
		{"-0.00", "0.00"},
		{"007", "7"},
		{"123456789012345678901234567890123456789.5", "123456789012345678901234567890123456789.5"},
	}
	for _, tc := range valid {
		d, err := ParseDecimal(tc.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tc.in, err)
			continue
		}
		if got := d.String(); got != tc.want {
			t.Errorf("ParseDecimal(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"", "-", ".", "1.", ".5", "1e5", "1E-2", "1,000", "£5", " 1", "1 ", "NaN", "Infinity", "0x10", "1.2.3", "--1"} {
		if d, err := ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %s, want an error", in, d)
		}
	}
}

func TestDecimalArithmetic(t *testing.T) {
	d := MustParseDecimal
	tests := []struct {
		name string
		got  func() (Decimal, error)
		want string
	}{
		{"add keeps scale", func() (Decimal, error) { return d("19.60").Add(d("0.40")) }, "20.00"},
		{"exact tenths", func() (Decimal, error) { return d("0.1").Add(d("0.2")) }, "0.3"},
		{"sub", func() (Decimal, error) { return d("5").Sub(d("7.25")) }, "-2.25"},
		{"sub to zero", func() (Decimal, error) { return d("1.5").Sub(d("1.5")) }, "0.0"},
		{"mul", func() (Decimal, error) { return d("19.60").Mul(d("48")) }, "940.80"},
		{"mul by negative zero", func() (Decimal, error) { return d("0").Mul(d("-1")) }, "0"},
		{"quo exact", func() (Decimal, error) { return d("1").Quo(d("4")) }, "0.25"},
		{"quo keeps ideal scale", func() (Decimal, error) { return d("19.60").Quo(d("2")) }, "9.80"},
		{"quo whole", func() (Decimal, error) { return d("100").Quo(d("4")) }, "25"},
		{"quo positive exponent prints plainly", func() (Decimal, error) { return d("100").Quo(d("0.01")) }, "10000"},
		{"quo large", func() (Decimal, error) { return d("1").Quo(d("0.0000000000000000000000000000000000000001")) }, "1" + strings.Repeat("0", 40)},
		{"quo inexact half-even", func() (Decimal, error) { return d("2").Quo(d("3")) }, "0.6666666666666666666666666666666667"},
		{"quo negative", func() (Decimal, error) { return d("-1").Quo(d("8")) }, "-0.125"},
		{"quo zero dividend", func() (Decimal, error) { return d("0").Quo(d("-5")) }, "0"},
		{"from int", func() (Decimal, error) { return DecimalFromInt(math.MinInt64), nil }, "-9223372036854775808"},
	}
	for _, tc := range tests {
		got, err := tc.got()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestDecimalErrors(t *testing.T) {
	d := MustParseDecimal
	if _, err := d("1").Quo(d("0.00")); !errors.Is(err, ErrDivisionByZero) {
		t.Errorf("1/0 error = %v, want ErrDivisionByZero", err)
	}
	if _, err := d("0").Quo(Decimal{}); !errors.Is(err, ErrDivisionByZero) {
		t.Errorf("0/0 error = %v, want ErrDivisionByZero", err)
	}
	if ErrDivisionByZero.Error() != "division by zero" || ErrOverflow.Error() != "decimal overflow" {
		t.Error("error messages changed")
	}
	// A value near the exponent limit overflows when squared.
	huge := Decimal{&decimalValue{d: *apd.New(1, apd.MaxExponent-1)}}
	if _, err := huge.Mul(huge); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge*huge error = %v, want ErrOverflow", err)
	}
	if _, err := huge.Add(huge); err != nil {
		t.Errorf("huge+huge: %v", err)
	}
	// And through CEL the same error surfaces with the same words.
	v := decMul(huge, huge)
	if !types.IsError(v) || !strings.Contains(v.(*types.Err).Error(), "decimal overflow") {
		t.Errorf("CEL huge*huge = %v, want a decimal overflow error", v)
	}
}

func TestDecimalMethods(t *testing.T) {
	d := MustParseDecimal
	var zero Decimal
	if zero.String() != "0" || !zero.IsZero() || zero.Sign() != 0 {
		t.Errorf("zero value is %q", zero)
	}
	if d("1.0").Cmp(d("1.00")) != 0 || d("-2").Cmp(d("1")) != -1 || d("2").Cmp(d("1.99")) != 1 {
		t.Error("Cmp wrong")
	}
	if d("1.0").Equal(d("1.00")) != types.True || d("1").Equal(types.Int(1)) != types.False {
		t.Error("Equal wrong")
	}
	if d("-3.5").Sign() != -1 || d("3.5").Neg().String() != "-3.5" || d("0").Neg().String() != "0" {
		t.Error("Sign or Neg wrong")
	}
	if n, err := d("42.00").Int64(); err != nil || n != 42 {
		t.Errorf("Int64(42.00) = %d, %v", n, err)
	}
	if _, err := d("42.5").Int64(); err == nil || !strings.Contains(err.Error(), "not a whole number") {
		t.Errorf("Int64(42.5) error = %v", err)
	}
	if _, err := d("99999999999999999999").Int64(); err == nil {
		t.Error("Int64 of a 20-digit number succeeded")
	}
	if got := d("30.125").StringFixed(2); got != "30.13" {
		t.Errorf("StringFixed(2) = %s", got)
	}
	if got := d("30.1").StringFixed(3); got != "30.100" {
		t.Errorf("StringFixed(3) = %s", got)
	}
	if got := d("1234.5").StringFixed(-2); got != "1200" {
		t.Errorf("StringFixed(-2) = %s", got)
	}
	// Apd returns a copy the caller may change.
	x := d("1.5")
	a := x.Apd()
	a.SetInt64(99)
	if x.String() != "1.5" {
		t.Errorf("changing Apd() changed the decimal to %s", x)
	}
	// ref.Val conversions.
	if x.Type() != DecimalType || x.Value() != x || DecimalType.TypeName() != "decimal" {
		t.Error("Type or Value wrong")
	}
	if s, err := x.ConvertToNative(reflect.TypeFor[string]()); err != nil || s != "1.5" {
		t.Errorf("ConvertToNative(string) = %v, %v", s, err)
	}
	if p, err := x.ConvertToNative(reflect.TypeFor[*apd.Decimal]()); err != nil || p.(*apd.Decimal).String() != "1.5" {
		t.Errorf("ConvertToNative(*apd.Decimal) = %v, %v", p, err)
	}
	if _, err := x.ConvertToNative(reflect.TypeFor[float64]()); err == nil {
		t.Error("ConvertToNative(float64) succeeded; decimals must never become floats")
	}
	if x.ConvertToType(types.StringType) != types.String("1.5") || x.ConvertToType(types.TypeType) != DecimalType {
		t.Error("ConvertToType wrong")
	}
	if !types.IsError(x.ConvertToType(types.DoubleType)) {
		t.Error("ConvertToType(double) succeeded")
	}
}

func TestRatio(t *testing.T) {
	r, err := NewRatio(34, 40)
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "0.85" {
		t.Errorf("34/40 = %s", r)
	}
	if num, den, ok := r.Fraction(); !ok || num != 34 || den != 40 {
		t.Errorf("Fraction() = %d, %d, %v", num, den, ok)
	}
	if r.Cmp(MustParseDecimal("0.85")) != 0 {
		t.Error("34/40 != 0.85")
	}
	r2, _ := NewRatio(25, 30)
	if r2.Cmp(MustParseDecimal("0.80")) <= 0 || r2.Cmp(MustParseDecimal("0.85")) >= 0 {
		t.Errorf("25/30 = %s, want between 0.80 and 0.85", r2)
	}
	// Arithmetic drops the annotation.
	sum, _ := r.Add(DecimalFromInt(0))
	prod, _ := r.Mul(DecimalFromInt(1))
	for name, v := range map[string]Decimal{
		"add":   sum,
		"mul":   prod,
		"neg":   r.Neg(),
		"round": Round(r, 2, HalfUp),
		"abs":   r.Abs(),
	} {
		if _, _, ok := v.Fraction(); ok {
			t.Errorf("%s kept the fraction annotation", name)
		}
	}
	if _, _, ok := MustParseDecimal("0.85").Fraction(); ok {
		t.Error("a parsed decimal has a fraction annotation")
	}
	if _, err := NewRatio(3, 0); err == nil || !strings.Contains(err.Error(), "ratio of zero records") {
		t.Errorf("NewRatio(3, 0) error = %v", err)
	}
	if z, err := NewRatio(0, 7); err != nil || !z.IsZero() {
		t.Errorf("NewRatio(0, 7) = %v, %v", z, err)
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		in     string
		places int32
		mode   Rounding
		want   string
	}{
		{"30.125", 2, HalfUp, "30.13"},
		{"30.125", 2, HalfEven, "30.12"},
		{"30.135", 2, HalfEven, "30.14"},
		{"18.075", 2, HalfUp, "18.08"},
		{"18.075", 2, HalfEven, "18.08"},
		{"-30.125", 2, HalfUp, "-30.13"},
		{"-30.125", 2, HalfEven, "-30.12"},
		{"30.121", 2, Down, "30.12"},
		{"-30.129", 2, Down, "-30.12"},
		{"30.121", 2, Up, "30.13"},
		{"-30.121", 2, Up, "-30.13"},
		{"30.121", 2, Ceiling, "30.13"},
		{"-30.129", 2, Ceiling, "-30.12"},
		{"30.129", 2, Floor, "30.12"},
		{"-30.121", 2, Floor, "-30.13"},
		{"30.12", 2, Up, "30.12"},
		{"30", 2, HalfUp, "30.00"},
		{"0.005", 2, HalfUp, "0.01"},
		{"0.005", 2, HalfEven, "0.00"},
		{"-0.004", 2, HalfUp, "0.00"},
		{"9.995", 2, HalfUp, "10.00"},
		{"2.5", 0, HalfUp, "3"},
		{"2.5", 0, HalfEven, "2"},
		{"-2.5", 0, HalfUp, "-3"},
		{"1250", -2, HalfUp, "1300"},
		{"1249.99", -2, Floor, "1200"},
		{"0.6666666666666666666666666666666667", 4, HalfUp, "0.6667"},
		{"123456789012345678901234567890.125", 2, HalfEven, "123456789012345678901234567890.12"},
	}
	for _, tc := range tests {
		got := Round(MustParseDecimal(tc.in), tc.places, tc.mode)
		if got.String() != tc.want {
			t.Errorf("Round(%s, %d, %s) = %s, want %s", tc.in, tc.places, tc.mode, got, tc.want)
		}
	}
}

func TestRoundingNames(t *testing.T) {
	for _, m := range allRoundings() {
		got, err := ParseRounding(m.String())
		if err != nil || got != m {
			t.Errorf("ParseRounding(%q) = %v, %v", m.String(), got, err)
		}
	}
	names := map[string]Rounding{"half_up": HalfUp, "half_even": HalfEven, "down": Down, "up": Up, "ceiling": Ceiling, "floor": Floor}
	for name, want := range names {
		if got, err := ParseRounding(name); err != nil || got != want {
			t.Errorf("ParseRounding(%q) = %v, %v", name, got, err)
		}
	}
	for _, bad := range []string{"", "HALF_UP", "bankers", "half-up"} {
		if _, err := ParseRounding(bad); err == nil {
			t.Errorf("ParseRounding(%q) succeeded", bad)
		}
	}
	if Rounding(42).String() != "Rounding(42)" {
		t.Error("unknown mode String() wrong")
	}
}

func TestMoney(t *testing.T) {
	m := MoneyOf(MustParseDecimal("19.60"))
	if m.String() != "19.60" || m.Decimal().String() != "19.60" || m.Sign() != 1 {
		t.Errorf("money %s", m)
	}
	sum, err := m.Add(MoneyOf(MustParseDecimal("0.40")))
	if err != nil || sum.String() != "20.00" {
		t.Errorf("Add = %s, %v", sum, err)
	}
	diff, err := m.Sub(MoneyOf(DecimalFromInt(20)))
	if err != nil || diff.String() != "-0.40" || diff.Neg().String() != "0.40" {
		t.Errorf("Sub = %s, %v", diff, err)
	}
	if m.Cmp(MoneyOf(MustParseDecimal("19.6"))) != 0 || m.Equal(MoneyOf(MustParseDecimal("19.6"))) != types.True {
		t.Error("money compares by amount")
	}
	if m.Equal(MustParseDecimal("19.60")) != types.False {
		t.Error("money equals a decimal")
	}
	if _, err := m.Quo(Decimal{}); !errors.Is(err, ErrDivisionByZero) {
		t.Errorf("money/0 error = %v", err)
	}
	if m.Type() != MoneyType || MoneyType.TypeName() != "money" {
		t.Error("money type wrong")
	}
	r, _ := NewRatio(1, 3)
	if _, _, ok := MoneyOf(r).Decimal().Fraction(); ok {
		t.Error("MoneyOf kept a fraction annotation")
	}
	if _, err := ParseMoney("1,250"); err == nil {
		t.Error("ParseMoney accepted a thousands separator")
	}
}
