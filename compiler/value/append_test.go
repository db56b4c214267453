package value

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// randomDecimals returns decimals of many sizes and scales, with and
// without trailing zeros, including values too large for 64 bits.
func randomDecimals(n int) []Decimal {
	r := rand.New(rand.NewPCG(1, 2))
	out := []Decimal{DecimalFromInt(0), MustParseDecimal("0.00"), MustParseDecimal("-0.50"), MustParseDecimal("19.60"),
		MustParseDecimal("9223372036854775807"), MustParseDecimal("-9223372036854775808"), MustParseDecimal("99999999999999999999.99")}
	for range n {
		digits := 1 + r.IntN(24)
		s := ""
		if r.IntN(3) == 0 {
			s = "-"
		}
		for i := range digits {
			s += string(rune('0' + r.IntN(10)))
			if i == 0 && digits > 1 && r.IntN(2) == 0 {
				s += "."
			}
		}
		out = append(out, MustParseDecimal(s))
	}
	return out
}

func TestAppendText(t *testing.T) {
	for _, d := range randomDecimals(2000) {
		if got := string(d.AppendText(nil)); got != d.String() {
			t.Fatalf("AppendText %q, String %q", got, d.String())
		}
		m := MoneyOf(d)
		if got := string(m.AppendText([]byte("x"))); got != "x"+m.String() {
			t.Fatalf("Money AppendText %q, String %q", got, m.String())
		}
		for _, places := range []int32{0, 1, 2, 3} {
			for _, mode := range allRoundings() {
				want := Round(d, places, mode).String()
				if got := string(AppendFixed(nil, d, places, mode)); got != want {
					t.Fatalf("AppendFixed(%s, %d, %s) = %q, want %q", d, places, mode, got, want)
				}
			}
		}
	}
	for _, s := range []string{"0001-01-01", "1970-01-01", "2026-05-31", "9999-12-31", "2024-02-29"} {
		d, err := ParseDate(s, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := string(d.AppendText(nil)); got != d.String() || got != s {
			t.Fatalf("date AppendText %q, String %q", got, d.String())
		}
	}
}

func TestSum(t *testing.T) {
	ds := randomDecimals(3000)
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		n := r.IntN(12)
		var s Sum
		var chain Decimal
		var terms []Decimal
		for i := range n {
			x := ds[r.IntN(len(ds))]
			if trial%2 == 0 {
				x = ds[r.IntN(50)] // small values: the 64-bit path
			}
			terms = append(terms, x)
			s.Add(x)
			if i == 0 {
				chain = x
				continue
			}
			var err error
			chain, err = chain.Add(x)
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Decimal()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			chain = DecimalFromInt(0)
		}
		if got.String() != chain.String() || got.Sign() != chain.Sign() {
			t.Fatalf("sum of %v = %s, chain gives %s", terms, got, chain)
		}
	}
	// One term is returned as is, fraction and all.
	q, err := NewRatio(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	var s Sum
	s.Add(q)
	if got, _ := s.Decimal(); !sameFraction(got, q) {
		t.Fatal("a single term lost its fraction")
	}
	// Overflowing 64 bits falls back to exact arithmetic.
	var big Sum
	for range 30 {
		big.Add(MustParseDecimal("922337203685477580.7"))
	}
	if got, _ := big.Decimal(); got.String() != "27670116110564327421.0" {
		t.Fatalf("big sum = %s", got)
	}
}

func sameFraction(a, b Decimal) bool {
	an, ad, aok := a.Fraction()
	bn, bd, bok := b.Fraction()
	return an == bn && ad == bd && aok == bok
}

func TestAppendKey(t *testing.T) {
	q, _ := NewRatio(1, 2)
	vals := []ref.Val{nil, types.String("a"), types.String("b"), types.String(""), types.Int(1), types.Int(-1),
		types.Uint(1), types.Double(1), types.True, types.False, DecimalFromInt(1), MustParseDecimal("1.0"),
		MustParseDecimal("-1"), MustParseDecimal("0.5"), q, MoneyOf(DecimalFromInt(1)), Days(1)}
	d, _ := NewDate(2026, 5, 1)
	vals = append(vals, d)
	seen := map[string]int{}
	for i, v := range vals {
		k, ok := AppendKey(nil, v)
		if !ok {
			t.Fatalf("%v: not encodable", v)
		}
		if j, dup := seen[string(k)]; dup {
			t.Fatalf("%v and %v encode alike", vals[j], v)
		}
		seen[string(k)] = i
		k2, _ := AppendKey(nil, v)
		if string(k) != string(k2) {
			t.Fatal("unstable encoding")
		}
	}
	if _, ok := AppendKey(nil, types.NewStringList(types.DefaultTypeAdapter, []string{"a"})); ok {
		t.Fatal("a list was encoded")
	}
	if _, ok := AppendKey(nil, MustParseDecimal("123456789012345678901234")); ok {
		t.Fatal("a decimal beyond 64 bits was encoded")
	}
	_ = fmt.Sprint
}
