package runtime_test

import (
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime"
)

// twoPayers shares a rate card between a council and an ICB, 60/40 until
// September and 50/50 from October; the ICB alone pays a bonus, and a cap
// limits the ICB's parts of the outcome fees to £250.00 a month.
const twoPayers = `contract "Two payers" {
  model        rate_card
  commissioner "Example City Council"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
  payer        council "Example City Council"
  payer        icb "NHS Example ICB"
  split        council 60%, icb 40%
  split        from 2026-10-01 council 50%, icb 50%
}

param fee = £100.01

data claim {
  id     text key
  person text
  month  date period
  units  int 0 .. 100
}

payment outcome "Outcome fee" {
  for    claim
  amount = fee * claim.units
}

payment bonus "Health bonus" {
  for    claim
  when   claim.units >= 5
  amount = £10.00
  split  icb 100%
}

cap icb_cap "The ICB pays at most £250.00 a month of outcome fees" {
  per    month
  covers outcome
  payer  icb
  limit  = £250.00
}
`

const twoPayersClaims = "id,person,month,units\nP1,P1,2026-05-01,2\nP2,P2,2026-05-01,5\nP3,P3,2026-05-01,1\nP4,P1,2026-10-01,1\n"

// parts renders a line's parts as "council 120.01, icb 80.01".
func parts(l *runtime.Line) string {
	var s []string
	for _, p := range l.Parts {
		s = append(s, p.Payer+" "+p.Amount.String())
	}
	return strings.Join(s, ", ")
}

func TestTwoPayersWithACapForOne(t *testing.T) {
	st := mustEvalText(t, twoPayers, "2026-05", "claims.csv", twoPayersClaims)
	// Worked by hand, in pence. May's split is 60/40.
	//   P1 outcome £200.02 = 20002p: council 12001.2, icb 8000.8; floors
	//     12001 + 8000 leave 1p, to the larger remainder (icb .8):
	//     council 120.01, icb 80.01.
	//   P2 outcome £500.05: council 300.03, icb 200.02, exactly.
	//   P3 outcome £100.01 = 10001p: council 6000.6, icb 4000.4; the 1p
	//     left goes to council (.6): council 60.01, icb 40.00.
	//   P2 bonus £10.00, split icb 100%: icb 10.00 (council has no part).
	//   icb_cap counts the ICB's parts of the outcome fees alone:
	//     80.01 + 200.02 + 40.00 = 320.03 over £250.00, so -70.03, all
	//     the ICB's.
	// Total 200.02 + 500.05 + 100.01 + 10.00 - 70.03 = 740.05; council
	// 120.01 + 300.03 + 60.01 = 480.05; icb 80.01 + 200.02 + 40.00 +
	// 10.00 - 70.03 = 260.00; 480.05 + 260.00 = 740.05.
	want := map[string]string{
		"outcome P1":      "council 120.01, icb 80.01",
		"outcome P2":      "council 300.03, icb 200.02",
		"outcome P3":      "council 60.01, icb 40.00",
		"bonus P2":        "icb 10.00",
		"icb_cap 2026-05": "icb -70.03",
	}
	got := map[string]string{}
	for l := range st.Lines() {
		got[l.Rule+" "+l.Key] = parts(l)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: parts %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("lines %v, want %d", got, len(want))
	}
	if st.Total.String() != "740.05" {
		t.Errorf("total %s, want 740.05", st.Total)
	}
	var byPayer []string
	for _, p := range st.ByPayer {
		byPayer = append(byPayer, p.Payer+" "+p.Amount.String())
	}
	if g := strings.Join(byPayer, ", "); g != "council 480.05, icb 260.00" {
		t.Errorf("by payer %s, want council 480.05, icb 260.00", g)
	}

	// The ICB's statement: its parts as the lines' amounts, and the
	// totals of them; the council's has no line of the bonus or the cap.
	icb, err := st.ForPayer("icb")
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, icb)
	if icb.Total.String() != "260.00" {
		t.Errorf("icb total %s, want 260.00", icb.Total)
	}
	council, err := st.ForPayer("council")
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, council)
	n := 0
	for l := range council.Lines() {
		n++
		if l.Rule != "outcome" {
			t.Errorf("council's statement has a line of %s", l.Rule)
		}
	}
	if n != 3 || council.Total.String() != "480.05" {
		t.Errorf("council: %d lines, total %s; want 3 lines, 480.05", n, council.Total)
	}
	if _, err := st.ForPayer("nhs"); err == nil || !strings.Contains(err.Error(), "council, icb") {
		t.Errorf("an unknown payer: %v, want an error naming council, icb", err)
	}
}

func TestSplitByDate(t *testing.T) {
	// From October the split is 50/50. P4's £100.01 = 10001p is 5000.5
	// each: the remainders tie, and the payer declared first, council,
	// takes the penny: council 50.01, icb 50.00. The ICB's part is under
	// the cap: no adjustment.
	st := mustEvalText(t, twoPayers, "2026-10", "claims.csv", twoPayersClaims)
	var got []string
	for l := range st.Lines() {
		got = append(got, l.Rule+" "+l.Key+": "+parts(l))
	}
	if g := strings.Join(got, "; "); g != "outcome P4: council 50.01, icb 50.00" {
		t.Errorf("lines %s", g)
	}
}

// halves shares every line equally between payers a and b: a sanction, and
// a cap over both payers, are split like any line.
const halves = `contract "Halves" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
  payer      a "Payer A"
  payer      b "Payer B"
  split      a 50%, b 50%
}

data claim {
  id     text key
  month  date period
  amount money
  late   bool
}

payment fee "Fee" {
  for    claim
  amount = claim.amount
}

sanction credit "Late claim" {
  for    claim
  when   claim.late
  amount = £0.05
}

cap month_cap "At most £100.00 of fees a month" {
  per    month
  covers fee
  limit  = £100.00
}
`

func TestSplitSanctionsAndCapsOverEveryPayer(t *testing.T) {
	claims := "id,month,amount,late\nC1,2026-05-01,60.01,true\nC2,2026-05-01,50.00,false\nC3,2026-06-01,0.01,false\n"
	st := mustEvalText(t, halves, "2026-05..2026-06", "claims.csv", claims)
	// Worked by hand, in pence, 50/50; a tie goes to a, declared first.
	//   C1 fee 6001p: 3000.5 each, a 30.01, b 30.00.
	//   C1 credit -5p: split by its size, 2.5 each, a 3, b 2, negated:
	//     a -0.03, b -0.02.
	//   C2 fee 5000p: 25.00 each.
	//   month_cap, May: fees 60.01 + 50.00 = 110.01, 10.01 over £100.00:
	//     -1001p, 500.5 each, a -5.01, b -5.00.
	//   C3 fee 1p in June: a 0.01, b 0.00.
	// May 110.01 - 0.05 - 10.01 = 99.95, June 0.01, total 99.96;
	// a 30.01 - 0.03 + 25.00 - 5.01 + 0.01 = 49.98, b 30.00 - 0.02 +
	// 25.00 - 5.00 + 0.00 = 49.98.
	want := map[string]string{
		"fee C1":            "a 30.01, b 30.00",
		"credit C1":         "a -0.03, b -0.02",
		"fee C2":            "a 25.00, b 25.00",
		"month_cap 2026-05": "a -5.01, b -5.00",
		"fee C3":            "a 0.01, b 0.00",
	}
	got := map[string]string{}
	for l := range st.Lines() {
		got[l.Rule+" "+l.Key] = parts(l)
	}
	if len(got) != len(want) {
		t.Errorf("lines %v", got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: parts %q, want %q", k, got[k], w)
		}
	}
	if st.Total.String() != "99.96" {
		t.Errorf("total %s, want 99.96", st.Total)
	}
	b, err := st.ForPayer("b")
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, b)
	var periods []string
	for _, p := range b.Periods {
		periods = append(periods, p.Period+" "+p.Total.String())
	}
	// b's June line is £0.00, its part of C3's penny: b pays half of it.
	if g := strings.Join(periods, ", "); g != "2026-05 49.98, 2026-06 0.00" || b.Total.String() != "49.98" {
		t.Errorf("b's periods %s, total %s; want 2026-05 49.98, 2026-06 0.00, total 49.98", g, b.Total)
	}
	if len(b.Caps) != 1 || b.Caps[0].Adjustment.String() != "-5.00" {
		t.Errorf("b's caps %+v, want month_cap's adjustment -5.00", b.Caps)
	}
}

func TestCapsForOnePayerStack(t *testing.T) {
	// twoPayers with two more caps over the outcome fees, applied after
	// icb_cap: one for the council's parts, and one over every payer's.
	contract := twoPayers + `
cap council_cap "The council pays at most £400.00 a month of outcome fees" {
  per    month
  covers outcome
  payer  council
  limit  = £400.00
}

cap month_cap "At most £600.00 a month of outcome fees" {
  per    month
  covers outcome
  limit  = £600.00
}
`
	st := mustEvalText(t, contract, "2026-05", "claims.csv", twoPayersClaims)
	// Worked by hand from TestTwoPayersWithACapForOne's parts:
	//   icb_cap: the ICB's parts 320.03, -70.03, all the ICB's.
	//   council_cap counts the council's parts, 120.01 + 300.03 + 60.01 =
	//     480.05, and the council's part of icb_cap's adjustment, none:
	//     -80.05, all the council's.
	//   month_cap counts the fees, 800.08, and both adjustments below it:
	//     800.08 - 70.03 - 80.05 = 650.00, so -50.00, split 60/40:
	//     council -30.00, icb -20.00.
	// Total 740.05 - 80.05 - 50.00 = 610.00; council 480.05 - 80.05 -
	// 30.00 = 370.00; icb 260.00 - 20.00 = 240.00.
	got := map[string]string{}
	for l := range st.Lines() {
		if l.Kind == "adjustment" {
			got[l.Rule] = parts(l)
		}
	}
	want := map[string]string{"icb_cap": "icb -70.03", "council_cap": "council -80.05", "month_cap": "council -30.00, icb -20.00"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	var byPayer []string
	for _, p := range st.ByPayer {
		byPayer = append(byPayer, p.Payer+" "+p.Amount.String())
	}
	if g := strings.Join(byPayer, ", "); g != "council 370.00, icb 240.00" || st.Total.String() != "610.00" {
		t.Errorf("by payer %s, total %s; want council 370.00, icb 240.00, total 610.00", g, st.Total)
	}
}
