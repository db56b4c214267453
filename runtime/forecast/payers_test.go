package forecast

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// sharedContract is a contract two payers share 60/40, and 50/50 from
// June (testdata/payers/two-payers.occ), with a cap on the ICB's parts
// alone.
var sharedContract = func() string {
	b, err := os.ReadFile("../../testdata/payers/two-payers.occ")
	if err != nil {
		panic(err)
	}
	return string(b) + `
cap icb_cap "The ICB pays at most £100.00 a month of outcome fees" {
  per    month
  covers outcome
  payer  icb
  limit  = £100.00
}
`
}()

// sharedFixed serves 3 people a month for 3 months, each claiming 1
// unit: every run is the same.
const sharedFixed = `cohort:
  size: 3
  length: 3
  joiners: 0
  leavers: 0
data:
  claim:
    units: 1
`

// sharedRandom varies the people and the units from run to run.
const sharedRandom = `cohort:
  size: 3
  length: 3
  joiners: {uniform: [0, 2]}
  leavers: {uniform: [0, 1]}
data:
  claim:
    units: {categorical: {1: 0.5, 2: 0.3, 3: 0.2}}
`

func statsAll(s Stats) []value.Decimal {
	return []value.Decimal{s.Mean, s.P10, s.P50, s.P90, s.Min, s.Max}
}

// TestForecastByPayerByHand checks the totals by payer against figures
// worked by hand. Every run has 3 claims a month of £100.01. At 60/40
// (April, May) each splits into 6000.6p and 4000.4p: the council gets
// the penny left over, £60.01, the ICB £40.00; at 50/50 (June) 5000.5p
// each, a tie the payer declared first takes: £50.01 and £50.00. So the
// council pays 3 × £60.01 = £180.03 in April and May and 3 × £50.01 =
// £150.03 in June, £510.09 in all: more than 60% and 50% of the month's
// £300.03, as each line is split, not the month's total. The ICB's parts,
// £120.00, £120.00 and £150.00, are capped at £100.00 a month: it pays
// £300.00, and the contract £810.09 (£900.09 of fees less the cap's
// £90.00).
func TestForecastByPayerByHand(t *testing.T) {
	c := compileSource(t, "shared.occ", sharedContract)
	res := run(t, c, parse(t, c, sharedFixed), Options{Runs: 4, Seed: 1})
	if len(res.Payers) != 2 || res.Payers[0].Payer != "council" || res.Payers[1].Title != "NHS Example ICB" {
		t.Fatalf("payers %+v", res.Payers)
	}
	want := map[string][]string{
		"2026-04": {"280.03", "180.03", "100.00"},
		"2026-05": {"280.03", "180.03", "100.00"},
		"2026-06": {"250.03", "150.03", "100.00"},
		"term":    {"810.09", "510.09", "300.00"},
	}
	for _, p := range append([]PeriodResult{res.Term}, res.Periods...) {
		w := want[p.Period]
		got := []Stats{p.Total, p.ByPayer[0].Stats, p.ByPayer[1].Stats}
		for i, s := range got {
			for _, x := range statsAll(s) {
				if x.StringFixed(2) != w[i] {
					t.Errorf("%s %d: %+v, want %s in every figure", p.Period, i, s, w[i])
					break
				}
			}
		}
	}

	// The ICB's own forecast: its parts, £390.00 of fees less the cap's
	// £90.00; the council's has no part of the ICB's cap, which it leaves
	// out.
	icb := run(t, c, parse(t, c, sharedFixed), Options{Runs: 4, Seed: 1, Payer: "icb"})
	if icb.Payer != "icb" || icb.Payers != nil || icb.Term.ByPayer != nil {
		t.Fatalf("the ICB's forecast: payer %q, payers %+v", icb.Payer, icb.Payers)
	}
	if got := icb.Term.Total.Mean.StringFixed(2); got != "300.00" {
		t.Errorf("the ICB's term: %s, want 300.00", got)
	}
	if got := icb.Term.ByKind[4].Mean.StringFixed(2); got != "-90.00" {
		t.Errorf("the ICB's adjustments: %s, want -90.00", got)
	}
	council := run(t, c, parse(t, c, sharedFixed), Options{Runs: 4, Seed: 1, Payer: "council"})
	if got := council.Term.Total.Mean.StringFixed(2); got != "510.09" || len(council.Caps) != 0 {
		t.Errorf("the council's term: %s with caps %+v, want 510.09 and no cap", got, council.Caps)
	}

	text := new(strings.Builder)
	if err := res.WriteText(text); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"By payer, the term (GBP)",
		"    council  510.09  510.09  510.09  510.09  510.09  510.09",
		"    2026-06      icb  100.00  100.00  100.00  100.00  100.00  100.00",
	} {
		if !strings.Contains(text.String(), line+"\n") {
			t.Errorf("the text has no line %q:\n%s", line, text)
		}
	}
	js := string(jsonOf(t, res))
	for _, s := range []string{`"payers": [`, `"by_payer": [`, `"payer": "icb",`} {
		if !strings.Contains(js, s) {
			t.Errorf("the JSON has no %s", s)
		}
	}
}

// TestForecastByPayerAddsUp: in every run the payers' totals add up to
// the run's total exactly, period by period: with one run each figure is
// that run's, so the payers' means add up to the total's.
func TestForecastByPayerAddsUp(t *testing.T) {
	c := compileSource(t, "shared.occ", sharedContract)
	sc := parse(t, c, sharedRandom)
	moved := false
	for seed := range uint64(40) {
		res := run(t, c, sc, Options{Runs: 1, Seed: seed})
		for _, p := range append([]PeriodResult{res.Term}, res.Periods...) {
			sum := value.DecimalFromInt(0)
			for _, b := range p.ByPayer {
				sum, _ = sum.Add(b.Mean)
			}
			if sum.Cmp(p.Total.Mean) != 0 {
				t.Errorf("seed %d, %s: the payers' totals add up to %s, the total is %s", seed, p.Period, sum, p.Total.Mean)
			}
		}
		moved = moved || res.Term.Total.Mean.StringFixed(2) != "810.09"
	}
	if !moved {
		t.Error("every run paid the same: the scenario does not vary")
	}
}

// TestForecastPayerViewMatches: one payer's forecast is the statistics of
// the same runs' parts as the whole forecast's totals by payer, figure for
// figure, and the budget (the whole contract's) is not compared.
func TestForecastPayerViewMatches(t *testing.T) {
	src := strings.Replace(sharedContract, "  settlement   monthly\n", "  settlement   monthly\n  budget       £1,000.00\n", 1)
	c := compileSource(t, "shared.occ", src)
	sc := parse(t, c, sharedRandom)
	whole := run(t, c, sc, Options{Runs: 60, Seed: 5})
	if whole.Budget == nil {
		t.Fatal("the whole forecast has no budget")
	}
	for i, p := range c.Payers {
		one := run(t, c, sc, Options{Runs: 60, Seed: 5, Payer: p.Name})
		if one.Budget != nil {
			t.Errorf("%s's forecast compares the contract's budget", p.Name)
		}
		for j, pr := range append([]PeriodResult{whole.Term}, whole.Periods...) {
			got := one.Term
			if j > 0 {
				got = one.Periods[j-1]
			}
			if statsText(got.Total) != statsText(pr.ByPayer[i].Stats) {
				t.Errorf("%s, %s: its own forecast %+v, the whole's by payer %+v", p.Name, pr.Period, got.Total, pr.ByPayer[i].Stats)
			}
		}
	}
}

// TestForecastWithoutPayers: a contract with one payer has no totals by
// payer, and its JSON no keys for them.
func TestForecastWithoutPayers(t *testing.T) {
	c, sc := outcomesScenario(t)
	res := run(t, c, sc, Options{Runs: 3, Seed: 2})
	if res.Payers != nil || res.Term.ByPayer != nil || res.Periods[0].ByPayer != nil {
		t.Errorf("totals by payer under one payer: %+v", res.Payers)
	}
	js := string(jsonOf(t, res))
	if strings.Contains(js, `"payers"`) || strings.Contains(js, `"by_payer"`) || strings.Contains(js, `"payer"`) {
		t.Error("the JSON of a contract with one payer mentions payers")
	}
	// Its one payer, the commissioner, may still be named.
	one := run(t, c, sc, Options{Runs: 3, Seed: 2, Payer: compiler.CommissionerPayer})
	if statsText(one.Term.Total) != statsText(res.Term.Total) {
		t.Errorf("the commissioner's forecast %+v, the whole %+v", one.Term.Total, res.Term.Total)
	}
}

// TestForecastPayerRefused: an unknown payer is an option error naming
// the payers, and a settled period without its payers' amounts is refused.
func TestForecastPayerRefused(t *testing.T) {
	c := compileSource(t, "shared.occ", sharedContract)
	sc := parse(t, c, sharedFixed)
	_, err := Forecast(context.Background(), c, sc, Options{Runs: 2, Payer: "nhs"})
	if err == nil || !strings.Contains(err.Error(), "nhs is not a payer of the contract; its payers are council, icb") {
		t.Errorf("unknown payer: %v", err)
	}
	zero := value.MoneyOf(value.DecimalFromInt(0))
	kinds := []value.Money{zero, zero, zero, zero, zero}
	_, err = Forecast(context.Background(), c, sc, Options{Runs: 2, Settled: []Settled{{Period: "2026-04", ByKind: kinds}}})
	if err == nil || !strings.Contains(err.Error(), "settled period 2026-04: 0 payers' amounts, want 2") {
		t.Errorf("settled without payers: %v", err)
	}
}

// TestForecastSettledByPayer: a settled period reports each payer's paid
// amount in every run.
func TestForecastSettledByPayer(t *testing.T) {
	c := compileSource(t, "shared.occ", sharedContract)
	sc := parse(t, c, sharedFixed)
	m := func(s string) value.Money { return value.MoneyOf(value.MustParseDecimal(s)) }
	april := Settled{Period: "2026-04", ByKind: []value.Money{m("300.00"), m("0.00"), m("0.00"), m("0.00"), m("-20.00")},
		ByPayer: []value.Money{m("180.00"), m("100.00")}, Current: m("280.00"), Adjustments: m("0.00"), Held: m("0.00")}
	res := run(t, c, sc, Options{Runs: 3, Seed: 1, Settled: []Settled{april}})
	p := res.Periods[0]
	if p.ByPayer[0].Min.StringFixed(2) != "180.00" || p.ByPayer[0].Max.StringFixed(2) != "180.00" || p.ByPayer[1].Mean.StringFixed(2) != "100.00" {
		t.Errorf("April by payer: %+v", p.ByPayer)
	}
	// The term: 180.00 + 180.03 + 150.03 for the council.
	if got := res.Term.ByPayer[0].Mean.StringFixed(2); got != "510.06" {
		t.Errorf("the council's term: %s, want 510.06", got)
	}
}

// TestForecastByPayerHTML: the board paper has a section of the totals by
// payer, named by their titles, only when the contract has payers.
func TestForecastByPayerHTML(t *testing.T) {
	c := compileSource(t, "shared.occ", sharedContract)
	res := run(t, c, parse(t, c, sharedFixed), Options{Runs: 3, Seed: 1})
	var page strings.Builder
	if err := res.WriteHTML(&page, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<section id="payers">`, `<td>Example City Council (council)</td><td>£510.09</td>`, `<td>2026-06 NHS Example ICB (icb)</td><td>£100.00</td>`} {
		if !strings.Contains(page.String(), s) {
			t.Errorf("the page has no %s", s)
		}
	}
	one := run(t, c, parse(t, c, sharedFixed), Options{Runs: 3, Seed: 1, Payer: "icb"})
	page.Reset()
	if err := one.WriteHTML(&page, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "The forecast of NHS Example ICB (icb) alone") || strings.Contains(page.String(), `id="payers"`) {
		t.Error("the ICB's page does not say whose it is, or has totals by payer")
	}
	oc, sc := outcomesScenario(t)
	page.Reset()
	if err := run(t, oc, sc, Options{Runs: 2, Seed: 1}).WriteHTML(&page, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), `id="payers"`) {
		t.Error("a contract with one payer has a section by payer")
	}
}
