package forecast

import (
	"context"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// TestSettledRefused: a settled period that is not one of the term's, or
// one with the wrong number of kinds, is refused rather than misreported.
func TestSettledRefused(t *testing.T) {
	c, sc := outcomesScenario(t)
	zero := value.MoneyOf(value.DecimalFromInt(0))
	kinds := func(n int) []value.Money {
		out := make([]value.Money, n)
		for i := range out {
			out[i] = zero
		}
		return out
	}
	for _, tc := range []struct {
		settled Settled
		want    string
	}{
		{Settled{Period: "2025-04", ByKind: kinds(len(Kinds))}, "the ledger settled 2025-04, which is not a settlement period of the contract's term"},
		{Settled{Period: "2026-04", ByKind: kinds(2)}, "settled period 2026-04: 2 kinds of amount, want 5"},
	} {
		_, err := Forecast(context.Background(), c, sc, Options{Runs: 2, Settled: []Settled{tc.settled}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.settled.Period, err, tc.want)
		}
	}
}

// TestSettledFixed: a settled period reports what was paid in every run,
// kind by kind, and the term adds it to the periods forecast.
func TestSettledFixed(t *testing.T) {
	c, sc := outcomesScenario(t)
	m := func(s string) value.Money { return value.MoneyOf(value.MustParseDecimal(s)) }
	// Paid in April: payments 1,000.00, incentives 50.00, a sanction of
	// -20.00, nothing shared, a cap's -5.50: 1,024.50.
	april := Settled{Period: "2026-04", ByKind: []value.Money{m("1000.00"), m("50.00"), m("-20.00"), m("0.00"), m("-5.50")},
		Current: m("1024.50"), Adjustments: m("0.00"), Held: m("0.00")}
	with, err := Forecast(context.Background(), c, sc, Options{Runs: 6, Seed: 3, Settled: []Settled{april}})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := Forecast(context.Background(), c, sc, Options{Runs: 6, Seed: 3, Periods: "2026-05..2027-03"})
	if err != nil {
		t.Fatal(err)
	}
	p := with.Periods[0]
	if p.Paid == nil || p.Paid.Total.String() != "1024.50" || with.Settled != 1 || with.Periods[1].Paid != nil {
		t.Fatalf("April paid %+v, %d settled", p.Paid, with.Settled)
	}
	for k, want := range []string{"1000.00", "50.00", "-20.00", "0.00", "-5.50"} {
		s := p.ByKind[k].Stats
		for _, got := range []value.Decimal{s.Mean, s.P10, s.P50, s.P90, s.Min, s.Max} {
			if got.StringFixed(2) != want {
				t.Errorf("April %s: %s, want %s in every run", p.ByKind[k].Kind, got.StringFixed(2), want)
			}
		}
	}
	want, _ := rest.Term.Total.Mean.Add(value.MustParseDecimal("1024.50"))
	if with.Term.Total.Mean.Cmp(want) != 0 {
		t.Errorf("term mean %s, want 1,024.50 + %s = %s", with.Term.Total.Mean, rest.Term.Total.Mean, want)
	}
	for _, ch := range with.Caps {
		if ch.ByPeriod[0].Runs != 0 {
			t.Errorf("cap %s counted in a settled period: %d runs", ch.Rule, ch.ByPeriod[0].Runs)
		}
	}
}

// outcomesScenario is the individual-outcomes contract and its scenario.
func outcomesScenario(t *testing.T) (*compiler.Contract, *Scenario) {
	t.Helper()
	c := compileSpec(t, "individual-outcomes")
	return c, parse(t, c, string(mustRead(t, "../../specs/individual-outcomes/scenario.yaml")))
}
