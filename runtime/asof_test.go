package runtime_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// lineList returns a statement's lines as "period rule key amount", in
// the statement's order, leaving out lines of zero.
func lineList(t *testing.T, contract, period string, files ...string) []string {
	t.Helper()
	st := mustEvalText(t, contract, period, files...)
	var out []string
	for l := range st.Lines() {
		if l.Amount.IsZero() {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", l.Period, l.Rule, l.Key, l.Amount.Decimal().StringFixed(2)))
	}
	return out
}

// wantAsOfLines compares lines with want, in any order.
func wantAsOfLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(g, w) {
		t.Errorf("lines:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
}

// asOfContract counts claims per term and per year, and pays on them.
const asOfContract = `contract "As of" {
  term       2026-04-01 .. 2028-03-31
  settlement monthly
}

data claim "A claim" {
  person text key
  month  date key
  value  money
}

let claims_in_term "Claims in the term" {
  per   term
  value = count(claim)
}

let claims_in_year "Claims in the year" {
  per   year
  value = count(claim)
}

let value_in_year "Value of the year's claims" {
  per   year
  value = sum(claim, claim.value)
}

incentive per_claim "One pound a claim in the term so far" {
  per    month
  amount = claims_in_term * £1.00
}

incentive year_to_date "10% of the year's claims so far" {
  for    claim
  amount = value_in_year * 10%
}

incentive retainer "Twelve pounds a claim in the year, in instalments" {
  per         year
  amount      = claims_in_year * £12.00
  instalments monthly
}
`

const asOfClaims = `person,month,value
P1,2026-04-01,£100.00
P2,2026-05-01,£200.00
P3,2026-05-01,£50.00
P4,2027-04-01,£40.00
`

// TestAsOfReads: each value that lands in a period is computed from the
// records up to that period's end.
func TestAsOfReads(t *testing.T) {
	got := lineList(t, asOfContract, "2026-04 .. 2026-05", "claims.csv", asOfClaims)
	// per_claim: April's line sees April's one claim (£1.00), not the
	// term's three; May's sees three (£3.00).
	// year_to_date: P1 in April, 10% of £100.00 = £10.00; P2 and P3 in
	// May, 10% of £100 + £200 + £50 = £35.00 each.
	// retainer: as of April, its first instalment's period, the year has
	// one claim: £12.00 in twelve instalments of £1.00, not three claims'
	// £36.00.
	wantAsOfLines(t, got,
		"2026-04 per_claim 2026-04 1.00", "2026-05 per_claim 2026-05 3.00",
		"2026-04 year_to_date P1 10.00", "2026-05 year_to_date P2 35.00", "2026-05 year_to_date P3 35.00",
		"2026-04 retainer 2026-04 1.00", "2026-05 retainer 2026-05 1.00")
	// Settling April alone gives April's lines of the statement over both.
	wantAsOfLines(t, lineList(t, asOfContract, "2026-04", "claims.csv", asOfClaims),
		"2026-04 per_claim 2026-04 1.00", "2026-04 year_to_date P1 10.00", "2026-04 retainer 2026-04 1.00")
}

// TestAsOfYearResets: a per year let read by months is the year to date,
// starting again with each year.
func TestAsOfYearResets(t *testing.T) {
	got := lineList(t, asOfContract, "2027-04", "claims.csv", asOfClaims)
	// per_claim: four claims in the term by April 2027: £4.00.
	// year_to_date: P4's year 2027-28 has only its £40.00: £4.00.
	// retainer: one claim in 2027-28: £12.00 / 12 = £1.00.
	wantAsOfLines(t, got, "2027-04 per_claim 2027-04 4.00", "2027-04 year_to_date P4 4.00", "2027-04 retainer 2027-04 1.00")
}

// TestAsOfCapLimit: a cap per year whose limit counts the year's claims
// applies period by period, each period with the limit as of its end.
func TestAsOfCapLimit(t *testing.T) {
	contract := fmt.Sprintf(claimsContract, "2026-04-01 .. 2027-03-31") + `
let year_claims "Claims in the year" {
  per   year
  value = count(claim)
}

cap yearly "At most £100.00 a claim in the year" {
  per    year
  covers outcome
  limit  = year_claims * £100.00
}
`
	claims := "person,month,value\nP1,2026-04-01,£150.00\nP2,2026-05-01,£150.00\n"
	// April: one claim, limit £100.00; £150.00 paid: £50.00 removed.
	// May: two claims, limit £200.00; £300.00 paid, £100.00 over, £50.00
	// removed already: £50.00 more. (With the year's limit of £200.00
	// throughout, April would lose nothing and May £100.00.)
	want := []string{"2026-04 outcome P1 150.00", "2026-05 outcome P2 150.00",
		"2026-04 yearly 2026/27 -50.00", "2026-05 yearly 2026/27 -50.00"}
	wantAsOfLines(t, lineList(t, contract, "2026-04 .. 2026-05", "claims.csv", claims), want...)
	wantAsOfLines(t, lineList(t, contract, "2026-04", "claims.csv", claims), want[0], want[2])
}

// lagContract reads earlier months of a rule per claim.
const lagContract = `contract "Lags" {
  term       2026-04-01 .. 2028-03-31
  settlement monthly
}

data claim "A claim" {
  person text key
  month  date key
  value  money
}

incentive outcome "Outcome" {
  for    claim
  amount = claim.value
}

incentive lagged "10% of the outcomes three months back" {
  per    month
  when   period_number > 3
  amount = previous(outcome, 3) * 10%
}

incentive trailing "1% of the outcomes of the twelve months before" {
  per    month
  when   sum_previous(outcome, 12) > £0.00
  amount = sum_previous(outcome, 12) * 1%
}

let active "A month with claims" {
  per   month
  value = count(claim) > 0
}

incentive streak "Two of the last three months with claims" {
  per    month
  when   count_previous(active, 3) == 2
  amount = £5.00
}
`

// TestLags: previous(NAME, n) and sum_previous(NAME, n) of a rule per
// claim, read per month, sum the month's claims.
func TestLags(t *testing.T) {
	claims := `person,month,value
P1,2026-04-01,"£1,000.00"
P2,2026-05-01,£500.00
P3,2027-04-01,£200.00
P4,2027-05-01,£100.00
`
	got := lineList(t, lagContract, "", "claims.csv", claims)
	want := []string{"2026-04 outcome P1 1000.00", "2026-05 outcome P2 500.00", "2027-04 outcome P3 200.00", "2027-05 outcome P4 100.00",
		// lagged: July 2026 reads April's £1,000.00: £100.00; August
		// reads May's £500.00: £50.00; July 2027 April's £200.00: £20.00.
		// (June 2027 reads March 2027: nothing.)
		"2026-07 lagged 2026-07 100.00", "2026-08 lagged 2026-08 50.00",
		// trailing: nothing before April 2026, so no line; May 2026 has
		// April's £1,000.00 before it: £10.00; June 2026 to April 2027 have
		// both, £1,500.00: £15.00 (April 2027's twelve months start with
		// April 2026); May 2027's are May 2026 to April 2027, £500.00 +
		// £200.00: £7.00.
		"2026-05 trailing 2026-05 10.00", "2027-05 trailing 2027-05 7.00",
		// streak: June 2026 has April and May before it (the term starts in
		// April), July April to June; August has only May of three, June
		// 2027 is after the statement.
		"2026-06 streak 2026-06 5.00", "2026-07 streak 2026-07 5.00"}
	for _, m := range []string{"2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"} {
		want = append(want, m+" trailing "+m+" 15.00")
	}
	wantAsOfLines(t, got, want...)
}

// TestLagWithoutGuard: previous(NAME, 3) in the first three months has no
// value, and the error says how to guard it.
func TestLagWithoutGuard(t *testing.T) {
	contract := strings.Replace(lagContract, "  when   period_number > 3\n", "", 1)
	ds := evalDiagnostics(t, contract, "2026-05", "claims.csv", "person,month,value\nP1,2026-04-01,£1.00\n")
	if len(ds) == 0 || !strings.Contains(ds[0].Message, "previous(outcome, 3) has no value in the first 3 months of the term; test `period_number > 3`") {
		t.Errorf("diagnostics: %v", ds)
	}
}

// serviceCredits is the service-credit annual cap: credits at most 10% of
// the last twelve months' charges, less the credits already given. The
// cap reads the credits given in earlier months, which read the cap.
const serviceCredits = `contract "Service credits" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param monthly_charge "The service charge each month" = £1,000.00
param annual_rate "Credits over twelve months at most this share of the charges" = 10%

data incident "A missed service level" {
  ref    text key
  month  date key
  credit money
}

payment charge "Service charge" {
  per    month
  amount = monthly_charge
}

sanction credit "Service credit" {
  for    incident
  amount = incident.credit
}

let given "Credits given in the month, after the cap" {
  per   month
  value = -(credit + annual_cap)
}

cap annual_cap "Credits at most 10% of the last 12 months' charges, less credits given" {
  per    month
  covers credit
  limit  = max((sum_previous(charge, 11) + charge) * annual_rate - sum_previous(given, 11), £0.00)
}
`

// TestServiceCreditCap: the cap's limit reads previous months of a let
// that reads the cap; the lag breaks the cycle.
func TestServiceCreditCap(t *testing.T) {
	incidents := `ref,month,credit
I1,2026-04-01,£80.00
I2,2026-05-01,£50.00
I3,2026-06-01,£200.00
I4,2026-07-01,£500.00
`
	// April: limit 10% of £1,000.00 = £100.00; £80.00 credited, all given.
	// May: 10% of £2,000.00 less £80.00 = £120.00; £50.00 given.
	// June: 10% of £3,000.00 less £130.00 = £170.00; of £200.00, £30.00 is
	// given back by the cap.
	// July: 10% of £4,000.00 less £300.00 = £100.00; of £500.00, £400.00
	// is given back. Credits given: £400.00, 10% of the £4,000.00 charged.
	got := lineList(t, serviceCredits, "", "incidents.csv", incidents)
	want := []string{"2026-04 credit I1 -80.00", "2026-05 credit I2 -50.00", "2026-06 credit I3 -200.00", "2026-07 credit I4 -500.00",
		"2026-06 annual_cap 2026-06 30.00", "2026-07 annual_cap 2026-07 400.00"}
	for _, m := range []string{"2026-04", "2026-05", "2026-06", "2026-07"} {
		want = append(want, m+" charge "+m+" 1000.00")
	}
	wantAsOfLines(t, got, want...)
	// July settled on its own gives July's lines.
	wantAsOfLines(t, lineList(t, serviceCredits, "2026-07", "incidents.csv", incidents),
		"2026-07 credit I4 -500.00", "2026-07 annual_cap 2026-07 400.00", "2026-07 charge 2026-07 1000.00")
}

// allowanceContract closes a cycle through rules over records: each credit
// is at most what is left of an allowance, which counts the credits of the
// months before.
const allowanceContract = `contract "Allowance" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data incident "A missed service level" {
  ref    text key
  month  date key
  credit money
}

let allowance "What is left of £100.00 of credits over twelve months" {
  per   month
  value = £100.00 - sum_previous(given, 11)
}

sanction credit "Service credit, at most the allowance left" {
  for    incident
  amount = min(incident.credit, max(allowance, £0.00))
}

let given "Credits given in the month" {
  per   month
  value = -credit
}
`

// TestLagCycleThroughRecords: a rule for each record on a cycle through a
// lag.
func TestLagCycleThroughRecords(t *testing.T) {
	incidents := "ref,month,credit\nI1,2026-04-01,£60.00\nI2,2026-05-01,£70.00\nI3,2026-06-01,£30.00\n"
	// April: £100.00 left, £60.00 credited. May: £100.00 - £60.00 = £40.00
	// left, of £70.00. June: £100.00 - £100.00 = £0.00 left: a line of
	// £0.00, left out here.
	wantAsOfLines(t, lineList(t, allowanceContract, "", "incidents.csv", incidents),
		"2026-04 credit I1 -60.00", "2026-05 credit I2 -40.00")
}

// TestLagOfWiderLet: previous() of a per year let, read per month, is the
// year as the month before saw it: its records up to that month's end.
func TestLagOfWiderLet(t *testing.T) {
	contract := asOfContract + `
incentive prior_ytd "1% of the year's claims as of the month before" {
  per    month
  amount = first ? £0.00 : previous(value_in_year) * 1%
}
`
	var got []string
	for _, l := range lineList(t, contract, "", "claims.csv", asOfClaims) {
		if strings.Contains(l, " prior_ytd ") {
			got = append(got, l)
		}
	}
	// May 2026: April's year to date, £100.00: £1.00 (not the year's
	// £350.00). June 2026 to March 2027: May's and later months' view of
	// 2026/27, £350.00: £3.50. April 2027: March 2027's, still 2026/27:
	// £3.50. (May 2027 is after the statement.)
	want := []string{"2026-05 prior_ytd 2026-05 1.00"}
	for _, m := range []string{"2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"} {
		want = append(want, m+" prior_ytd "+m+" 3.50")
	}
	wantAsOfLines(t, got, want...)
}

// TestExplainAsOf: explaining a line shows the lets it read as of its
// period.
func TestExplainAsOf(t *testing.T) {
	contract := asOfContract + `
incentive big_year "1% of the year's claims once the year has five" {
  per    month
  amount = claims_in_year >= 5 ? value_in_year * 1% : £0.00
}
`
	c := compileText(t, "contract.occ", []byte(contract))
	d, errs := data.Load(c, []data.Input{{Path: "claims.csv", Open: data.Bytes([]byte(asOfClaims))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-04 .. 2026-05"))
	if err != nil {
		t.Fatal(err)
	}
	xs, err := st.Explain("big_year:2026-04")
	if err != nil || len(xs) != 1 {
		t.Fatalf("%d explanations, %v", len(xs), err)
	}
	// As of April the year has one claim, of £100.00 (the statement's
	// year, to May, has three, of £350.00).
	var parts []string
	for _, s := range xs[0].Steps {
		for _, pv := range s.Parts {
			parts = append(parts, pv.Text+" = "+pv.Value)
		}
	}
	got := strings.Join(parts, "\n")
	for _, want := range []string{"claims_in_year = 1", "count(claim) = 1", "sum(claim, claim.value) = 100.00"} {
		if !strings.Contains(got, want) {
			t.Errorf("the parts lack %q:\n%s", want, got)
		}
	}
}
