package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// evalText compiles a contract, loads the CSV files given as name and
// text, and evaluates it for period.
func evalText(t *testing.T, contract, period string, files ...string) (*runtime.Statement, error) {
	t.Helper()
	c := compileText(t, "contract.occ", []byte(contract))
	var inputs []data.Input
	for i := 0; i+1 < len(files); i += 2 {
		inputs = append(inputs, data.Input{Path: files[i], Open: data.Bytes([]byte(files[i+1]))})
	}
	d, errs := data.Load(c, inputs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return p.Eval(context.Background(), d, settleOf(t, p, period))
}

// mustEvalText is evalText failing the test on an evaluation error, and
// checking that the statement reconciles.
func mustEvalText(t *testing.T, contract, period string, files ...string) *runtime.Statement {
	t.Helper()
	st, err := evalText(t, contract, period, files...)
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, st)
	return st
}

// evalDiagnostics is evalText for an evaluation that must fail: it returns
// the diagnostics.
func evalDiagnostics(t *testing.T, contract, period string, files ...string) lang.Diagnostics {
	t.Helper()
	st, err := evalText(t, contract, period, files...)
	if st != nil || err == nil {
		t.Fatal("a statement, want evaluation errors")
	}
	var ds lang.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("the error is a %T, not lang.Diagnostics: %v", err, err)
	}
	return ds
}

// claimsContract is a contract of claims, each paid its value, with the
// rules given after it.
const claimsContract = `contract "Claims" {
  term       %s
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
`

// TestCapsStack is the trust issue's example: a cap per person, then a cap
// on the whole contract over the same rule. The term cap counts what the
// person cap already removed.
func TestCapsStack(t *testing.T) {
	rules := `
cap person_cap "At most £1,500 for one person" {
  per    person
  covers outcome
  limit  = £1,500.00
}

cap contract_cap "At most £2,000 in all" {
  per    term
  covers outcome
  limit  = £2,000.00
}
`
	claims := "person,month,value\nA,2026-04-01,1000\nA,2026-05-01,1000\nB,2026-06-01,1000\n"
	// April: A's £1,000.
	// May: A's £1,000; A has £2,000, £500 over the person cap: -500.
	// June: B's £1,000. The term has 1,000 + (1,000 - 500) + 1,000 =
	// £2,500, £500 over the term cap: -500, in June, where it arises.
	// Total 3,000 - 500 - 500 = £2,000.00.
	want := []line{
		{"outcome", "incentive", "A", "1000.00"},
		{"outcome", "incentive", "A", "1000.00"},
		{"person_cap", "adjustment", "A", "-500.00"},
		{"outcome", "incentive", "B", "1000.00"},
		{"contract_cap", "adjustment", "term", "-500.00"},
	}
	term := "2026-04-01 .. 2027-03-31"
	st := mustEvalText(t, fmt.Sprintf(claimsContract, term)+rules, "2026-04..2026-06", "claims.csv", claims)
	wantLines(t, st, want)
	wantTotal(t, st, "2000.00")
	var periods []string
	for l := range st.Lines() {
		periods = append(periods, l.Period)
	}
	if got := strings.Join(periods, " "); got != "2026-04 2026-05 2026-05 2026-06 2026-06" {
		t.Errorf("the lines fall in %s; want the person cap's in May and the term cap's in June", got)
	}
	// Written the other way round, the caps apply in the same order: the
	// narrower first.
	i := strings.Index(rules, "cap contract_cap")
	reversed := rules[i:] + rules[:i]
	st = mustEvalText(t, fmt.Sprintf(claimsContract, term)+reversed, "2026-04..2026-06", "claims.csv", claims)
	wantLines(t, st, want)
	wantTotal(t, st, "2000.00")
}

// TestCapsStackAtEveryPairOfScopes applies two caps or floors over the same
// rule (a rule over records) at each pair of scopes, the narrower first,
// and checks the total. (Caps and floors run per a scope, never for a
// record: a rule over records is what they limit.)
//
// The term is April to July 2026: quarters 2026-Q1 (April to June) and
// 2026-Q2 (July alone); the year and the term are the four months. Four
// claims of £1,000: A in April, A in May, B in June, A in July; £4,000 in
// all. The limits, and what each does alone:
//
//	scope   cap     alone                          floor   alone
//	person  1,500   A: -500 May, -1,000 Jul: 2,500 2,500   B: +1,500 Jun: 5,500
//	month   900     -100 each month: 3,600         1,100   +100 each month: 4,400
//	quarter 2,500   Q1: -500 Jun: 3,500            3,200   Q1 +200 Jun, Q2 +2,200 Jul: 6,400
//	year    3,500   -500 Jul: 3,500                4,500   +500 Jul: 4,500
//	term    3,200   -800 Jul: 3,200                4,800   +800 Jul: 4,800
//
// The second counts the first's adjustments in the month they fall in
// (for a person cap, the month where the excess arose). Each case below
// works the second out from the months (Apr, May, Jun, Jul) as the first
// leaves them; "cum" is the running total a cap spanning months compares
// with its limit.
func TestCapsStackAtEveryPairOfScopes(t *testing.T) {
	type scope struct{ clause, capLimit, floorLimit string }
	scopes := map[string]scope{
		"person":  {"per person", "£1,500.00", "£2,500.00"},
		"month":   {"per month", "£900.00", "£1,100.00"},
		"quarter": {"per quarter", "£2,500.00", "£3,200.00"},
		"year":    {"per year", "£3,500.00", "£4,500.00"},
		"term":    {"per term", "£3,200.00", "£4,800.00"},
	}
	for _, tc := range []struct {
		first, second string
		// The totals for cap then cap, cap then floor, floor then cap.
		capCap, capFloor, floorCap string
	}{
		// After the person cap: Apr 1,000, May 500, Jun 1,000, Jul 0.
		// Month cap: -100 Apr, -100 Jun: 2,300. Month floor: +100, +600,
		// +100, +1,100: 4,400. After the person floor (B +1,500 Jun):
		// 1,000, 1,000, 2,500, 1,000; month cap -100, -100, -1,600, -100:
		// 5,500 - 1,900 = 3,600.
		{"person", "month", "2300.00", "4400.00", "3600.00"},
		// Q1 1,000 + 500 + 1,000 = 2,500, within 2,500; Q2 0: 2,500.
		// Floor: Q1 +700, Q2 +3,200: 6,400. After the person floor, Q1
		// cum 1,000, 2,000, 4,500 (-2,000 Jun); Q2 1,000: 3,500.
		{"person", "quarter", "2500.00", "6400.00", "3500.00"},
		// 2,500 within 3,500. Floor: +2,000: 4,500. Cum 1,000, 2,000,
		// 4,500 (-1,000 Jun), 5,500 (-1,000 Jul): 3,500.
		{"person", "year", "2500.00", "4500.00", "3500.00"},
		// 2,500 within 3,200. Floor: +2,300: 4,800. Cum 1,000, 2,000,
		// 4,500 (-1,300 Jun), 5,500 (-1,000 Jul): 3,200.
		{"person", "term", "2500.00", "4800.00", "3200.00"},
		// Months 900 each: Q1 cum 900, 1,800, 2,700 (-200 Jun); Q2 900:
		// 3,400. Floor: Q1 +500, Q2 +2,300: 6,400. Months 1,100: Q1
		// 3,300 (-800 Jun), Q2 1,100: 3,600.
		{"month", "quarter", "3400.00", "6400.00", "3600.00"},
		// 3,600 (-100 Jul): 3,500. Floor +900: 4,500. 4,400 (-900 Jul):
		// 3,500.
		{"month", "year", "3500.00", "4500.00", "3500.00"},
		// 3,600 (-400 Jul): 3,200. Floor +1,200: 4,800. Cum 1,100, 2,200,
		// 3,300 (-100 Jun), 4,400 (-1,100 Jul): 3,200.
		{"month", "term", "3200.00", "4800.00", "3200.00"},
		// After the quarter cap: 1,000, 1,000, 500, 1,000 = 3,500, within
		// 3,500. Floor +1,000: 4,500. After the quarter floor: 1,000,
		// 1,000, 1,200, 3,200: cum 6,400 (-2,900 Jul): 3,500.
		{"quarter", "year", "3500.00", "4500.00", "3500.00"},
		// 3,500 (-300 Jul): 3,200. Floor +1,300: 4,800. Cum 1,000,
		// 2,000, 3,200 (at the limit), 6,400 (-3,200 Jul): 3,200.
		{"quarter", "term", "3200.00", "4800.00", "3200.00"},
		// After the year cap: 1,000, 1,000, 1,000, 500 = 3,500 (-300
		// Jul): 3,200. Floor +1,300: 4,800. After the year floor (+500
		// Jul): 4,500 (-1,300 Jul): 3,200.
		{"year", "term", "3200.00", "4800.00", "3200.00"},
	} {
		for _, kinds := range []struct{ first, second, want string }{
			{"cap", "cap", tc.capCap}, {"cap", "floor", tc.capFloor}, {"floor", "cap", tc.floorCap},
		} {
			rule := func(kind, name, sc string) string {
				s := scopes[sc]
				lim := s.capLimit
				if kind == "floor" {
					lim = s.floorLimit
				}
				return fmt.Sprintf("\n%s %s \"%s %s\" {\n  %s\n  covers outcome\n  limit  = %s\n}\n", kind, name, kind, sc, s.clause, lim)
			}
			first := rule(kinds.first, "narrow", tc.first)
			second := rule(kinds.second, "wide", tc.second)
			claims := "person,month,value\nA,2026-04-01,1000\nA,2026-05-01,1000\nB,2026-06-01,1000\nA,2026-07-01,1000\n"
			contract := fmt.Sprintf(claimsContract, "2026-04-01 .. 2026-07-31")
			name := fmt.Sprintf("%s %s then %s %s", kinds.first, tc.first, kinds.second, tc.second)
			t.Run(name, func(t *testing.T) {
				st := mustEvalText(t, contract+first+second, "term", "claims.csv", claims)
				wantTotal(t, st, kinds.want)
				// The order they are written in does not matter.
				st = mustEvalText(t, contract+second+first, "term", "claims.csv", claims)
				wantTotal(t, st, kinds.want)
			})
		}
	}
}

// TestCapsThatCannotCount: a cap whose covered lines, or the adjustments
// of a cap applied before it, do not each lie in one of its instances is
// refused, whatever the data, rather than leaving them out of its total.
func TestCapsThatCannotCount(t *testing.T) {
	contract := fmt.Sprintf(claimsContract, "2026-04-01 .. 2027-03-31")
	claims := "person,month,value\nA,2026-04-01,1000\n"
	for _, tc := range []struct {
		name, rules, want string
	}{
		{"a person cap over a month cap's rules and more", `
payment bonus "Bonus" {
  for    claim
  amount = £10.00
}

cap month_cap "Per month" {
  per    month
  covers outcome
  limit  = £500.00
}

cap person_cap "Per person" {
  per    person
  covers outcome, bonus
  limit  = £600.00
}
`, "cap person_cap, per person: covers: cap month_cap per month applies first, as it covers some of the same rules, and its adjustments do not each lie in one instance of per person; limit them together per month, quarter, year or term"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := evalDiagnostics(t, contract+tc.rules, "", "claims.csv", claims)
			if len(ds) != 1 || ds[0].Message != tc.want || ds[0].Code != "bad-covers" {
				t.Fatalf("got %v, want one bad-covers diagnostic: %s", ds, tc.want)
			}
		})
	}
}

// creditsContract pays hours and takes a service credit for missed visits,
// with the caps and floors given after it.
const creditsContract = `contract "Service credits" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "One monthly review" {
  person text key
  month  date key
  hours  decimal
  missed int
}

payment charge "Hours delivered" {
  for    review
  amount = review.hours * £20.00
}

sanction credit "Service credit for missed visits" {
  for    review
  when   review.missed > 0
  amount = review.missed * £50.00
}
`

// TestCapOverSanctions: a cap over sanctions limits their size, giving the
// excess back; a floor over sanctions takes at least its limit where there
// is a sanction, and leaves a period with none alone.
func TestCapOverSanctions(t *testing.T) {
	rules := `
cap credit_cap "Service credits at most 10% of the monthly charge" {
  per    month
  covers credit
  limit  = charge * 10%
}

floor min_credit "A month's service credits at least £75" {
  per    month
  covers credit
  limit  = £75.00
}
`
	reviews := "person,month,hours,missed\n" +
		"P1,2026-05-01,40,2\nP2,2026-05-01,30,1\n" +
		"P1,2026-06-01,40,1\nP2,2026-06-01,30,0\n" +
		"P1,2026-07-01,10,0\n"
	// May: charges 40 × 20 = 800 and 30 × 20 = 600, £1,400; credits 2 × 50
	// = 100 and 50, £150, more than 10% of £1,400 = £140: the cap gives
	// back £10. The floor sees credits of 150 - 10 = 140, at least 75.
	// June: charges £1,400; one credit of £50, within £140; the floor
	// takes £25 more to make £75. July: a charge of 10 × 20 = £200 and no
	// credit: neither applies. Total 1,400 - 150 + 10 + 1,400 - 50 - 25
	// + 200 = £2,785.00.
	st := mustEvalText(t, creditsContract+rules, "2026-05..2026-07", "reviews.csv", reviews)
	wantLines(t, st, []line{
		{"charge", "payment", "P1", "800.00"},
		{"charge", "payment", "P2", "600.00"},
		{"credit", "sanction", "P1", "-100.00"},
		{"credit", "sanction", "P2", "-50.00"},
		{"credit_cap", "adjustment", "2026-05", "10.00"},
		{"charge", "payment", "P1", "800.00"},
		{"charge", "payment", "P2", "600.00"},
		{"credit", "sanction", "P1", "-50.00"},
		{"min_credit", "adjustment", "2026-06", "-25.00"},
		{"charge", "payment", "P1", "200.00"},
	})
	wantTotal(t, st, "2785.00")
	var caps []string
	for _, c := range st.Caps {
		caps = append(caps, fmt.Sprintf("%s %s covered %s limit %s adjustment %s", c.Rule, c.Instance,
			c.Covered.Decimal().StringFixed(2), c.Limit.Decimal().StringFixed(2), c.Adjustment.Decimal().StringFixed(2)))
	}
	want := "credit_cap 2026-05 covered -150.00 limit 140.00 adjustment 10.00; min_credit 2026-06 covered -50.00 limit 75.00 adjustment -25.00"
	if got := strings.Join(caps, "; "); got != want {
		t.Errorf("caps:\n got %s\nwant %s", got, want)
	}
}

// TestCapOverSanctionsAndPayments: a cap over both sanctions and other
// rules would net one against the other; the contract is refused.
func TestCapOverSanctionsAndPayments(t *testing.T) {
	src := creditsContract + `
cap net_cap "Everything at most £1,000 a month" {
  per    month
  covers charge, credit
  limit  = £1,000.00
}
`
	f, ds := lang.Parse("contract.occ", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c != nil || len(ds) != 1 || ds[0].Code != "bad-covers" || ds[0].Message != "cap net_cap covers both sanction credit and payment charge" {
		t.Fatalf("got %v, want one bad-covers error", ds)
	}
}

// TestCapOverSanctionsNegativeLimit: a cap over sanctions limits their
// size; a negative limit has no meaning and is refused.
func TestCapOverSanctionsNegativeLimit(t *testing.T) {
	rules := `
cap credit_cap "Service credits" {
  per    month
  covers credit
  limit  = £0.00 - £10.00
}
`
	ds := evalDiagnostics(t, creditsContract+rules, "2026-05", "reviews.csv", "person,month,hours,missed\nP1,2026-05-01,40,2\n")
	want := "cap credit_cap, 2026-05: limit: the limit is negative (-10.00); a cap over sanctions limits their size: write it as a positive sum"
	if len(ds) != 1 || ds[0].Message != want {
		t.Fatalf("got %v, want %s", ds, want)
	}
}
