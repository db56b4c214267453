package runtime

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

func money(s string) value.Money   { return value.MoneyOf(value.MustParseDecimal(s)) }
func share(s string) value.Decimal { return value.MustParseDecimal(s) }

func joinMoney(ms []value.Money) string {
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += " "
		}
		s += m.Decimal().StringFixed(2)
	}
	return s
}

func TestSplitAmountTies(t *testing.T) {
	for _, c := range []struct {
		amount string
		shares []string
		want   string
	}{
		// 1p halved: 0.5p each, a tie; the payer declared first takes it.
		{"0.01", []string{"0.5", "0.5"}, "0.01 0.00"},
		// 5p in thirds: 1.666…p each, 1p each and 2p left over; ties
		// go in declaration order.
		{"0.05", []string{"0.33333", "0.33333", "0.33334"}, "0.02 0.01 0.02"},
		// 10p in thirds (33.333%, 33.333%, 33.334%): exact 3.3333p,
		// 3.3333p, 3.3334p; floors 3+3+3 leave 1p, to the largest
		// remainder, the third payer's.
		{"0.10", []string{"0.33333", "0.33333", "0.33334"}, "0.03 0.03 0.04"},
		// £200.02 60/40: 12001.2p and 8000.8p; the penny to the second.
		{"200.02", []string{"0.6", "0.4"}, "120.01 80.01"},
		// A negative line splits by its size, each part negated: the
		// reversal of a line splits as the line does.
		{"-200.02", []string{"0.6", "0.4"}, "-120.01 -80.01"},
		{"-0.01", []string{"0.5", "0.5"}, "-0.01 0.00"},
		// A payer of 0% gets nothing, and one payer everything.
		{"7.77", []string{"0", "1"}, "0.00 7.77"},
		{"7.77", []string{"1"}, "7.77"},
		{"0.00", []string{"0.6", "0.4"}, "0.00 0.00"},
	} {
		var shares []value.Decimal
		for _, s := range c.shares {
			shares = append(shares, share(s))
		}
		got := joinMoney(splitAmount(money(c.amount), shares, 2))
		if got != c.want {
			t.Errorf("split %s by %v: %s, want %s", c.amount, c.shares, got, c.want)
		}
	}
	// Yen have no minor unit: ¥10 in thirds is 4, 3, 3.
	got := splitAmount(money("10"), []value.Decimal{share("0.33333"), share("0.33333"), share("0.33334")}, 0)
	if s := got[0].Decimal().String() + " " + got[1].Decimal().String() + " " + got[2].Decimal().String(); s != "3 3 4" {
		t.Errorf("¥10 in thirds: %s, want 3 3 4 (the 1 left to the largest remainder, .3334)", s)
	}
}

// TestSplitAmountProperty splits 10^5 random lines between 1 to 6 payers
// with random shares (percentages with three decimals, adding to 100%):
// the parts add up to the line exactly, every part is within less than a
// penny of its exact share, and splitting again gives the same parts.
func TestSplitAmountProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 7))
	penny := value.MustParseDecimal("0.01")
	for n := range 100000 {
		payers := 1 + rng.IntN(6)
		// Cut 100.000% (100000 thousandths) at payers-1 random points.
		cuts := []int{0, 100000}
		for range payers - 1 {
			cuts = append(cuts, rng.IntN(100001))
		}
		slices.Sort(cuts)
		shares := make([]value.Decimal, payers)
		for i := range shares {
			// thousandths of a percent are hundred-thousandths of one
			shares[i] = value.MustParseDecimal(fmt.Sprintf("0.%05d", cuts[i+1]-cuts[i]))
			if cuts[i+1]-cuts[i] == 100000 {
				shares[i] = value.DecimalFromInt(1)
			}
		}
		pence := rng.Int64N(2_000_000_000_000) - 1_000_000_000_000
		if n%10 == 0 {
			pence = rng.Int64N(200) - 100 // small lines, where remainders decide
		}
		amount := value.MoneyOf(value.MustParseDecimal(centsText(pence)))
		parts := splitAmount(amount, shares, 2)
		sum := value.DecimalFromInt(0)
		for i, p := range parts {
			sum, _ = sum.Add(p.Decimal())
			exact, err := amount.Decimal().Mul(shares[i])
			if err != nil {
				t.Fatal(err)
			}
			diff, _ := p.Decimal().Sub(exact)
			if diff.Abs().Cmp(penny) >= 0 {
				t.Fatalf("split %s by %v: part %d is %s, %s from its exact share %s", amount, shares, i, p, diff, exact)
			}
		}
		if sum.Cmp(amount.Decimal()) != 0 {
			t.Fatalf("split %s by %v: parts %s add to %s", amount, shares, joinMoney(parts), sum)
		}
		if again := joinMoney(splitAmount(amount, shares, 2)); again != joinMoney(parts) {
			t.Fatalf("split %s by %v: %s, then %s", amount, shares, joinMoney(parts), again)
		}
	}
}

// centsText writes a number of pence as pounds: -123 is -1.23.
func centsText(pence int64) string {
	neg := pence < 0
	if neg {
		pence = -pence
	}
	s := strconv.FormatInt(pence, 10)
	for len(s) < 3 {
		s = "0" + s
	}
	s = s[:len(s)-2] + "." + s[len(s)-2:]
	if neg {
		s = "-" + s
	}
	return s
}
