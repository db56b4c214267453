package forecast

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

// TestAxisBase: a value axis starts at zero unless every value is more
// than half the largest; then half the spread below the lowest, rounded
// down to a power of ten no larger than the spread.
func TestAxisBase(t *testing.T) {
	for _, c := range []struct{ lo, hi, want string }{
		{"0", "100", "0"},                       // from zero already
		{"-5", "10", "0"},                       // negative values keep zero on the axis
		{"40", "100", "0"},                      // 40 is not more than half of 100
		{"2600", "3400", "2200"},                // spread 800, 2600 - 400 = 2200, in hundreds
		{"95000", "105000", "90000"},            // spread 10,000, 95,000 - 5,000 = 90,000
		{"2011250.50", "2208887.11", "1900000"}, // spread 197,636.61: 1,912,432.195 down to the 100,000
		{"1000", "1000", "0"},                   // no spread: half of 1,000 below is 500, down to the 1,000
	} {
		got := axisBase(value.MustParseDecimal(c.lo), value.MustParseDecimal(c.hi))
		if got.Cmp(value.MustParseDecimal(c.want)) != 0 {
			t.Errorf("axisBase(%s, %s) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}

// TestBoardPaper: the page opens with a summary in words that states the
// forecast's own figures, draws each period's share of the budget on the
// period chart, shows params as the contract writes them, keeps the
// percentile formula in the notes, and dates the footer only when told.
func TestBoardPaper(t *testing.T) {
	// £120,000.00 over the 12 months of the term is £10,000.00 a month.
	c := compileSource(t, "budget.occ", withBudget(t, "£120,000.00"))
	res := run(t, c, parse(t, c, baseScenario), Options{Runs: 30, Seed: 1})
	d := value.MustParseDate("2026-12-03")
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf, HTMLOptions{Date: &d, Version: "v9.9.9"}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	parsePage(t, buf.Bytes())
	summary := between(t, page, `<section id="board-summary">`, "</section>")
	tot := res.Term.Total
	for _, want := range []string{
		"expected to pay <strong>£" + res.money(tot.Mean) + "</strong>, the average of 30 simulated runs",
		"between <strong>£" + res.money(tot.P10) + "</strong> and <strong>£" + res.money(tot.P90) + "</strong> (the 80% range, P10 to P90)",
		"The budget for the term is £120,000.00: the total exceeds it in <strong>" + percent(res.Budget.Term.Chance) + "</strong> of runs",
		"The cap “Outcome-linked payments at most 15% of hours paid”",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary does not say %q:\n%s", want, summary)
		}
	}
	if strings.Index(page, `id="board-summary"`) > strings.Index(page, `data-chart="total"`) {
		t.Error("the summary is not at the top")
	}
	periods := between(t, page, `data-chart="periods"`, "</svg>")
	if n := strings.Count(periods, `data-mark="budget"`); n != len(res.Periods) {
		t.Errorf("%d budget lines on the period chart, want one for each of %d periods", n, len(res.Periods))
	}
	if !strings.Contains(periods, "budget £10,000.00</title>") {
		t.Error("the period chart's budget line is not the month's share, £10,000.00")
	}
	inputs := between(t, page, `<section id="inputs">`, "</section>")
	for _, want := range []string{"<td>£19.60</td>", "<td>25%</td>", "<td>42 days</td>", "<td>Price per delivered hour</td>"} {
		if !strings.Contains(inputs, want) {
			t.Errorf("the params do not show %s", want)
		}
	}
	if strings.Contains(inputs, "0.25") || strings.Contains(inputs, "Hyndman") {
		t.Error("the params show a raw decimal or the percentile formula")
	}
	if !strings.Contains(between(t, page, `<section id="notes">`, "</section>"), "Hyndman and Fan type 7") {
		t.Error("the percentile formula is not in the notes")
	}
	footer := between(t, page, `<footer id="footer">`, "</footer>")
	for _, want := range []string{"Dated 3 December 2026.", "Made by occ v9.9.9.", res.Contract.SpecSHA256, res.Source.Files[0].SHA256} {
		if !strings.Contains(footer, want) {
			t.Errorf("the footer has no %q", want)
		}
	}

	// Without a date, none is shown: nothing on the page comes from the
	// clock.
	buf.Reset()
	if err := res.WriteHTML(&buf, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`Dated|20[0-9]{2}-[0-9]{2}-[0-9]{2}T`).MatchString(between(t, buf.String(), `<footer id="footer">`, "</footer>")) {
		t.Error("a footer with no date given shows one")
	}
}

// TestPeriodAxisFromZero: a contract whose periods differ little draws
// the period chart from a round amount above zero and says so on the axis.
func TestPeriodAxisFromZero(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	res := run(t, c, parse(t, c, baseScenario), Options{Runs: 20, Seed: 1})
	var lo, hi value.Decimal
	for i, p := range res.Periods {
		if i == 0 {
			lo, hi = minDec(p.Total.P10, p.Total.Mean), maxDec(p.Total.P90, p.Total.Mean)
		}
		lo, hi = minDec(lo, minDec(p.Total.P10, p.Total.Mean)), maxDec(hi, maxDec(p.Total.P90, p.Total.Mean))
	}
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	note := strings.Contains(buf.String(), "not zero</text>")
	half, _ := hi.Quo(dec(2))
	if flat := lo.Cmp(half) > 0; flat != note {
		t.Errorf("periods from %s to %s: axis note shown %v, want %v", lo, hi, note, flat)
	}
}

// between returns the text of page from the first from to the next to.
func between(t *testing.T, page, from, to string) string {
	t.Helper()
	i := strings.Index(page, from)
	if i < 0 {
		t.Fatalf("the page has no %q", from)
	}
	j := strings.Index(page[i:], to)
	if j < 0 {
		t.Fatalf("the page has no %q after %q", to, from)
	}
	return page[i : i+j]
}
