package forecast

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

// withBudget returns the individual-outcomes contract with a budget in
// its header.
func withBudget(t *testing.T, budget string) string {
	t.Helper()
	src := string(mustRead(t, "../../specs/individual-outcomes/contract.occ"))
	out := strings.Replace(src, "  currency     GBP\n", "  currency     GBP\n  budget       "+budget+"\n", 1)
	if out == src {
		t.Fatal("no currency line to put the budget after")
	}
	return out
}

// TestBudget: the chance the total exceeds the contract's budget, for the
// term and for each period against its share by months. In the fixed
// scenario every run is the same, so each chance is 0 or 1, and a total
// equal to the budget does not exceed it.
func TestBudget(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	plain := run(t, c, parse(t, c, fixedScenario), Options{Runs: 3, Seed: 1})
	if plain.Budget != nil {
		t.Fatal("a contract without a budget has a budget in its forecast")
	}
	if !bytes.Contains(jsonOf(t, plain), []byte(`"budget": null,`)) {
		t.Error(`no "budget": null in the JSON of a contract without a budget`)
	}
	total := plain.Term.Total.Mean // every run pays the same
	if plain.Term.Total.Min.Cmp(total) != 0 {
		t.Fatal("the fixed scenario's runs differ")
	}

	// £120,000.00 over the 12 months of the term is £10,000.00 a month.
	c2 := compileSource(t, "budget.occ", withBudget(t, "£120,000.00"))
	res := run(t, c2, parse(t, c2, fixedScenario), Options{Runs: 3, Seed: 1})
	b := res.Budget
	if b == nil {
		t.Fatal("no budget in the forecast")
	}
	if got := res.amount(b.Amount); got != "120000.00" {
		t.Errorf("amount %s", got)
	}
	if b.Term.Period != "term" || res.amount(b.Term.Budget) != "120000.00" {
		t.Errorf("term: %+v", b.Term)
	}
	if len(b.ByPeriod) != 12 {
		t.Fatalf("%d periods", len(b.ByPeriod))
	}
	exceeded := 0
	for i, p := range b.ByPeriod {
		if got := res.amount(p.Budget); got != "10000.00" || p.Period != res.Periods[i].Period {
			t.Errorf("%s: budget %s, want 10000.00", p.Period, got)
		}
		over := res.Periods[i].Total.Mean.Cmp(p.Budget) > 0
		if over {
			exceeded++
		}
		if wantRuns := map[bool]int{true: 3, false: 0}[over]; p.Runs != wantRuns || p.Chance.StringFixed(4) != map[bool]string{true: "1.0000", false: "0.0000"}[over] {
			t.Errorf("%s: total %s, budget %s: %d runs (chance %s) exceed it", p.Period, res.Periods[i].Total.Mean, p.Budget, p.Runs, p.Chance)
		}
	}
	// The fixed cohort grows by a person a month: the budget is exceeded
	// in the later months only.
	if exceeded == 0 || exceeded == 12 {
		t.Errorf("the budget is exceeded in %d of 12 months; choose one the cohort crosses", exceeded)
	}

	// A budget equal to the total is not exceeded; a penny less is.
	for _, tc := range []struct {
		budget string
		runs   int
	}{{res.money(total), 0}, {res.money(mustSub(t, total, "0.01")), 3}} {
		c3 := compileSource(t, "budget.occ", withBudget(t, "£"+tc.budget))
		r := run(t, c3, parse(t, c3, fixedScenario), Options{Runs: 3, Seed: 1})
		if r.Budget.Term.Runs != tc.runs {
			t.Errorf("total %s, budget %s: %d runs exceed it, want %d", total, tc.budget, r.Budget.Term.Runs, tc.runs)
		}
	}

	// With --periods, the periods reported together are measured against
	// their share.
	res = run(t, c2, parse(t, c2, fixedScenario), Options{Runs: 3, Seed: 1, Periods: "2026-04..2026-05"})
	if b := res.Budget; b.Term.Period != "2026-04 .. 2026-05" || res.amount(b.Term.Budget) != "20000.00" || len(b.ByPeriod) != 2 {
		t.Errorf("periods 2026-04..2026-05: %+v", b)
	}
}

// TestBudgetReported: the budget's chances are in the JSON, the text and
// the HTML page.
func TestBudgetReported(t *testing.T) {
	c := compileSource(t, "budget.occ", withBudget(t, "£2,130,000.00"))
	src := string(mustRead(t, "../../specs/individual-outcomes/scenario.yaml"))
	res := run(t, c, parse(t, c, src), Options{Runs: 40, Seed: 7})
	b := res.Budget
	if b.Term.Runs == 0 || b.Term.Runs == 40 {
		t.Errorf("a budget near the mean total (%s) is exceeded in %d of 40 runs", res.Term.Total.Mean, b.Term.Runs)
	}
	j := string(jsonOf(t, res))
	for _, want := range []string{
		`"budget": {`, `"amount": "2130000.00"`,
		`"term": {` + "\n" + `      "period": "term",` + "\n" + `      "budget": "2130000.00",`,
		`"chance": "` + b.Term.Chance.StringFixed(4) + `"`,
		`"period": "2026-04",` + "\n" + `        "budget": "177500.00",`,
	} {
		if !strings.Contains(j, want) {
			t.Errorf("the JSON has no %s", want)
		}
	}
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	words := strings.Join(strings.Fields(text.String()), " ")
	for _, want := range []string{"Budget GBP 2,130,000.00 for the term: chance the total exceeds it budget chance runs",
		fmt.Sprintf("term 2,130,000.00 %s %d 2026-04 177,500.00", percent(b.Term.Chance), b.Term.Runs)} {
		if !strings.Contains(words, want) {
			t.Errorf("the text has no %q:\n%s", want, text.String())
		}
	}
	var page bytes.Buffer
	if err := res.WriteHTML(&page, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	parsePage(t, page.Bytes())
	for _, want := range []string{`<section id="budget">`, "<tr><td>term</td><td>£2,130,000.00</td><td>" + percent(b.Term.Chance) + "</td>", "<tr><td>2026-04</td><td>£177,500.00</td>"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the page has no %s", want)
		}
	}
}

// mustSub returns a - b.
func mustSub(t *testing.T, a value.Decimal, b string) value.Decimal {
	t.Helper()
	d, err := a.Sub(value.MustParseDecimal(b))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
