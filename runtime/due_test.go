package runtime_test

import (
	"strings"
	"testing"
)

// dueContract pays a results fee when a family is turned around, a
// bonus of 1% of the year's attachment fees as of the due period, and caps
// the fees at £1,000.00 a month.
const dueContract = `contract "Due" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param results_fee "Results fee" = £800.00

data family "A family attached to the programme" {
  person           text key
  attached_on      date period
  turned_around_on optional date
  fee              money
}

payment attachment "Attachment fee" {
  for    family
  amount = family.fee
}

let fees_in_year "Attachment fees in the year" {
  per   year
  value = sum(family, family.fee)
}

payment results "Results fee, due when the family is turned around" {
  for    family
  when   has(family.turned_around_on)
  due    = family.turned_around_on
  amount = results_fee
}

incentive bonus "1% of the year's attachment fees, due when turned around" {
  for    family
  when   has(family.turned_around_on)
  due    = family.turned_around_on
  amount = fees_in_year * 1%
}

cap monthly_results "Results fees at most £1,000.00 a month" {
  per    month
  covers results
  limit  = £1,000.00
}

flag check "Check the family three months after it is turned around" {
  for  family
  when has(family.turned_around_on)
  due  = family.turned_around_on + 91 days
}
`

const dueFamilies = `person,attached_on,turned_around_on,fee
F1,2026-05-10,2026-08-20,£100.00
F2,2026-05-20,,£200.00
F3,2026-06-01,2026-08-05,£300.00
F4,2026-08-01,2026-08-31,£400.00
F5,2026-09-15,2027-06-01,£500.00
`

// TestDueLinesFallInTheDuePeriod: a results fee falls in the period of its
// due date, and its amount reads the year's fees as of that period.
func TestDueLinesFallInTheDuePeriod(t *testing.T) {
	got := lineList(t, dueContract, "2026-04..2026-09", "families.csv", dueFamilies)
	// attachment: each family's fee in its own month.
	// results: F1, F3 and F4 are turned around in August: 3 × £800.00 =
	// £2,400.00, capped at £1,000.00: an adjustment of -£1,400.00.
	// bonus: as of August the year's fees are F1..F4, £100 + £200 + £300 +
	// £400 = £1,000.00; 1% is £10.00 each (F5, attached in September, is
	// not counted: it is after August).
	// F5 is due 2027-06-01, after the term: no line (an exclusion).
	wantAsOfLines(t, got,
		"2026-05 attachment F1 100.00", "2026-05 attachment F2 200.00", "2026-06 attachment F3 300.00",
		"2026-08 attachment F4 400.00", "2026-09 attachment F5 500.00",
		"2026-08 results F1 800.00", "2026-08 results F3 800.00", "2026-08 results F4 800.00",
		"2026-08 monthly_results 2026-08 -1400.00",
		"2026-08 bonus F1 10.00", "2026-08 bonus F3 10.00", "2026-08 bonus F4 10.00")
	// Settling August alone pays the families attached in May and June and
	// turned around in August: the same lines of August.
	wantAsOfLines(t, lineList(t, dueContract, "2026-08", "families.csv", dueFamilies),
		"2026-08 attachment F4 400.00",
		"2026-08 results F1 800.00", "2026-08 results F3 800.00", "2026-08 results F4 800.00",
		"2026-08 monthly_results 2026-08 -1400.00",
		"2026-08 bonus F1 10.00", "2026-08 bonus F3 10.00", "2026-08 bonus F4 10.00")
	// Settling May alone: the fees are not due yet.
	wantAsOfLines(t, lineList(t, dueContract, "2026-05", "families.csv", dueFamilies),
		"2026-05 attachment F1 100.00", "2026-05 attachment F2 200.00")
}

// TestDueOutsideTheTerm: a line due after the term ends is listed as an
// exclusion naming its rule and record, in the record's period.
func TestDueOutsideTheTerm(t *testing.T) {
	st := mustEvalText(t, dueContract, "2026-09", "families.csv", dueFamilies)
	var got []string
	for _, x := range st.Excluded {
		got = append(got, x.Rule+" "+x.Data+" "+x.Key+" "+x.Period+": "+x.Reason)
	}
	want := []string{
		"results family F5 2026-09: due 2027-06-01, after the term ends 2027-03-31",
		"bonus family F5 2026-09: due 2027-06-01, after the term ends 2027-03-31",
		// 2027-06-01 + 91 days: 29 more days of June, 31 of July, 31 of August.
		"check family F5 2026-09: due 2027-08-31, after the term ends 2027-03-31",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exclusions:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestDueFlags: a flag with a due date is listed in the due period: F1,
// turned around 2026-08-20, is checked 91 days later, 2026-11-19.
func TestDueFlags(t *testing.T) {
	st := mustEvalText(t, dueContract, "2026-11", "families.csv", dueFamilies)
	var got []string
	for _, f := range st.Flags {
		got = append(got, f.Period+" "+f.Rule+" "+f.Key)
	}
	// F1: 2026-08-20 + 91 days = 2026-11-19 (11 + 30 + 31 + 19 days);
	// F3: 2026-08-05 + 91 = 2026-11-04; F4: 2026-08-31 + 91 = 2026-11-30.
	if want := "2026-11 check F1,2026-11 check F3,2026-11 check F4"; strings.Join(got, ",") != want {
		t.Errorf("flags = %q, want %q", strings.Join(got, ","), want)
	}
}

// TestDueExplain: explaining a due line says when it fell due.
func TestDueExplain(t *testing.T) {
	st := mustEvalText(t, dueContract, "2026-08", "families.csv", dueFamilies)
	xs, err := st.Explain("bonus:F1")
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 1 || len(xs[0].Notes) == 0 || xs[0].Notes[0] != "due on 2026-08-20, in 2026-08 (the record's attached_on is 2026-05-10)" {
		t.Fatalf("explanation notes = %v", xs)
	}
	var clauses []string
	for _, s := range xs[0].Steps {
		clauses = append(clauses, s.Clause+"="+s.Value)
	}
	// The amount is read as of August: 1% of £1,000.00 (not of May's
	// £300.00).
	if got := strings.Join(clauses, " "); !strings.Contains(got, "due=2026-08-20") || !strings.Contains(got, "amount=10.0000") ||
		!strings.Contains(got, "let fees_in_year value=1000.00") {
		t.Errorf("steps = %s", got)
	}
}

// TestDueBeforeTheRecord: a due date before the record's own date is an
// evaluation error at the due clause.
func TestDueBeforeTheRecord(t *testing.T) {
	ds := evalDiagnostics(t, dueContract, "2026-05", "families.csv", "person,attached_on,turned_around_on,fee\nF1,2026-05-10,2026-05-01,£100.00\n")
	if len(ds) == 0 {
		t.Fatal("no diagnostics")
	}
	d := ds[0]
	if d.Code != "bad-due" || d.Span.Start.Line != 28 || d.Span.Start.Col != 12 ||
		!strings.Contains(d.Message, "the due date 2026-05-01 is before the record's attached_on 2026-05-10") {
		t.Errorf("diagnostic = %d:%d %s %s", d.Span.Start.Line, d.Span.Start.Col, d.Code, d.Message)
	}
}

// dueClaimsContract pays claims at due dates 45 days on, or 100 days on
// for large ones, with an amount read as of the due period and a monthly
// cap: TestMonthByMonth runs it on random claims.
const dueClaimsContract = `contract "Due claims" {
  term       2026-04-01 .. 2028-03-31
  settlement monthly
}

data claim "A claim" {
  person text key
  month  date key
  value  money
}

let value_in_year "Value of the year's claims" {
  per   year
  value = sum(claim, claim.value)
}

payment later "Claims paid 45 days on, large ones 100 days on" {
  for    claim
  due    = claim.value > £150.00 ? claim.month + 100 days : claim.month + 45 days
  amount = claim.value
}

incentive share_of_year "1% of the year's claims, due 45 days on" {
  for    claim
  due    = claim.month + 45 days
  amount = value_in_year * 1%
}

cap monthly "Claims paid at most £2,000.00 a month" {
  per    month
  covers later
  limit  = £2,000.00
}

flag large "Large claims, due 100 days on" {
  for  claim
  when claim.value > £250.00
  due  = claim.month + 100 days
}
`

// TestDueLineInputs: a due line's inputs show the wider lets as of its due
// period, the values its amount was computed from: fees_in_year is
// £1,000.00 as of August (May's £300.00 and August's £700.00), not May's
// £300.00.
func TestDueLineInputs(t *testing.T) {
	st := mustEvalText(t, dueContract, "2026-08", "families.csv", dueFamilies)
	for l := range st.Lines() {
		if l.Rule != "bonus" || l.Key != "F1" {
			continue
		}
		for _, in := range l.Inputs {
			if in.Name == "fees_in_year" {
				if in.Value != "1000.00" {
					t.Errorf("fees_in_year input = %s, want 1000.00", in.Value)
				}
				return
			}
		}
		t.Fatalf("line bonus F1 has no fees_in_year input: %v", l.Inputs)
	}
	t.Fatal("no line bonus F1")
}
