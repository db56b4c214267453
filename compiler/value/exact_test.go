package value

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// TestExactBeyondPrecision: sums, differences, products and quotients that
// terminate are exact past Precision (34) digits, where they used to be
// rounded to 34 digits first and then rounded again to the penny. Every
// figure is worked out by hand.
func TestExactBeyondPrecision(t *testing.T) {
	d := MustParseDecimal
	// 36 significant digits: 0.124 followed by 33 nines, the issue's
	// 0.124999999999999999999999999999999999.
	hours := "0.124" + strings.Repeat("9", 33)
	if hours != "0.124999999999999999999999999999999999" {
		t.Fatal(hours)
	}
	if got := d(hours).String(); got != hours {
		t.Fatalf("ParseDecimal(%s) = %s: parsing rounded", hours, got)
	}
	big34 := "1234567890123456789012345678901234"
	tests := []struct {
		name  string
		got   func() (Decimal, error)
		exact string
		penny string // the exact value rounded half up to two places
	}{
		// 0.1249…9 hours at £1.00 is £0.1249…900, £0.12 to the penny;
		// rounded to 34 digits first it was 0.125, and then £0.13.
		{"0.1249…9 hours × £1.00", func() (Decimal, error) { return d(hours).Mul(d("1.00")) },
			hours + "00", "0.12"},
		// £1.01 × 1234567890123456789012345678901234.0 is the amount plus a
		// hundredth of it: 1234567890123456789012345678901234.0 +
		// 12345678901234567890123456789012.340; rounded to 34 digits it
		// lost the £0.34.
		{"£1.01 × 1234…234.0", func() (Decimal, error) { return d("1.01").Mul(d(big34 + ".0")) },
			"1246913569024691356902469135690246.340", "1246913569024691356902469135690246.34"},
		{"sum past 34 digits", func() (Decimal, error) { return d(big34 + ".5").Add(d("0.001")) },
			big34 + ".501", big34 + ".50"},
		{"difference past 34 digits", func() (Decimal, error) { return d(big34).Sub(d("0.005")) },
			"1234567890123456789012345678901233.995", big34 + ".00"},
		// 1234567890123456789012345678901234567 = 4 ×
		// 308641972530864197253086419725308641 + 3, so a quarter of it ends
		// in .75: a quotient that terminates is exact at any length.
		{"terminating quotient past 34 digits", func() (Decimal, error) { return d(big34 + "567").Quo(d("4")) },
			"308641972530864197253086419725308641.75", "308641972530864197253086419725308641.75"},
		{"terminating quotient by 0.50", func() (Decimal, error) { return d(big34 + "567").Quo(d("0.50")) },
			"2469135780246913578024691357802469134", "2469135780246913578024691357802469134.00"},
		{"terminating negative quotient", func() (Decimal, error) { return d("-" + big34 + "567").Quo(d("8")) },
			"-154320986265432098626543209862654320.875", "-154320986265432098626543209862654320.88"},
		// Division that does not terminate keeps Precision digits, half
		// even, as the language documents.
		{"1/3", func() (Decimal, error) { return d("1").Quo(d("3")) },
			"0." + strings.Repeat("3", 34), "0.33"},
		{"£100/12", func() (Decimal, error) { return d("100.00").Quo(d("12")) },
			"8.333333333333333333333333333333333", "8.33"},
		{"a long number over 3", func() (Decimal, error) { return d(big34 + "5").Quo(d("3")) },
			"4115226300411522630041152263004115", "4115226300411522630041152263004115.00"},
	}
	for _, tc := range tests {
		got, err := tc.got()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.String() != tc.exact {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.exact)
		}
		if p := Round(got, 2, HalfUp).String(); p != tc.penny {
			t.Errorf("%s to the penny = %s, want %s", tc.name, p, tc.penny)
		}
	}
}

// TestExactThroughCEL: the two amounts, written in a rule, come to
// the exact penny.
func TestExactThroughCEL(t *testing.T) {
	env := testEnv(t)
	for _, tc := range []struct{ rule, want string }{
		{"round(0.124999999999999999999999999999999999 * £1.00, 2)", "0.12"},
		{"round(£1.01 * 1234567890123456789012345678901234.0, 2)", "1246913569024691356902469135690246.34"},
		{"sum([1234567890123456789012345678901234.5, 0.001])", "1234567890123456789012345678901234.501"},
	} {
		src, _, err := Rewrite(tc.rule)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := run(t, env, src, testVars())
		if err != nil {
			t.Errorf("%s: %v", tc.rule, err)
			continue
		}
		if got := show(out); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.rule, got, tc.want)
		}
	}
}

// TestInexactIsAnError: a result that needs more than MaxDigits digits is
// an error naming the operation, never a rounded value.
func TestInexactIsAnError(t *testing.T) {
	d := MustParseDecimal
	ones := d(strings.Repeat("1", 501)) // 501 digits; its square has 1,001
	tenToThe1000 := d("1" + strings.Repeat("0", 1000))
	// 1/2^1500 is 5^1500/10^1500, and 5^1500 has 1,049 digits.
	twoTo1500 := d(new(big.Int).Lsh(big.NewInt(1), 1500).String())
	cases := []struct {
		op  string
		got func() (Decimal, error)
	}{
		{"multiplication", func() (Decimal, error) { return ones.Mul(ones) }},
		{"addition", func() (Decimal, error) { return tenToThe1000.Add(d("1")) }},
		{"subtraction", func() (Decimal, error) { return tenToThe1000.Sub(d("0.5")) }},
		{"division", func() (Decimal, error) { return d("1").Quo(twoTo1500) }},
	}
	for _, c := range cases {
		v, err := c.got()
		var ie *InexactError
		if !errors.As(err, &ie) || ie.Op != c.op || !errors.Is(err, ErrInexact) {
			t.Errorf("%s = %v, %v; want an InexactError of the %s", c.op, v, err, c.op)
			continue
		}
		if !strings.Contains(err.Error(), c.op) || !strings.Contains(err.Error(), "cannot be held exactly") {
			t.Errorf("%s: message %q", c.op, err)
		}
	}
	// The largest exact results still work: 10^999 + 1 has 1,000 digits.
	if v, err := d("1" + strings.Repeat("0", 999)).Add(d("1")); err != nil || v.String() != "1"+strings.Repeat("0", 998)+"1" {
		t.Errorf("10^999 + 1 = %v, %v", v, err)
	}
	// Through CEL the product is an error value, not a number.
	if v := decMul(ones, ones); !strings.Contains(v.(interface{ Error() string }).Error(), "multiplication") {
		t.Errorf("CEL ones*ones = %v", v)
	}
	if v := sumDecimals("sum", types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{tenToThe1000, d("1")}), DecimalType); !strings.Contains(v.(interface{ Error() string }).Error(), "sum") {
		t.Errorf("sum past MaxDigits = %v", v)
	}
}
