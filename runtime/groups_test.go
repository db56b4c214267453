package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime/data"
)

// groupsContract pays each outcome once per person, caps the fees per
// cohort, pays a cohort bonus when a cohort has three paid outcomes, and
// gives each claim a fee from its cohort's count so far.
const groupsContract = `contract "Groups" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data claim "An outcome claim" {
  id      text key
  person  text
  outcome housing | work | health
  cohort  text
  month   date period
  value   money
}

payment fee "Outcome fee, once per person and outcome" {
  for    claim
  once   per person, outcome
  amount = claim.value
}

let cohort_claims "Claims in the cohort" {
  per   cohort
  value = count(claim)
}

payment bonus "£50.00 once a cohort has three claims" {
  per    cohort
  when   count(claim) >= 3
  amount = £50.00
}

flag busy "A cohort with three claims" {
  per  cohort
  when count(claim) >= 3
}

incentive early "£1.00 a claim while its cohort has at most two" {
  for    claim
  when   cohort_claims <= 2
  amount = £1.00
}

cap pair_cap "At most £150.00 for one person and outcome" {
  per    person, outcome
  covers fee
  limit  = £150.00
}

cap person_cap "At most £200.00 for one person" {
  per    person
  covers fee
  limit  = £200.00
}

cap cohort_cap "Early claims at most £1.00 a cohort" {
  per    cohort
  covers early
  limit  = £1.00
}
`

// groupsClaims: P1 claims housing in April and again in June (a repeat);
// P1's work and P2's housing are other groups. Cohort A has C1, C2, C3,
// C5; cohort B has C4.
const groupsClaims = `id,person,outcome,cohort,month,value
C1,P1,housing,A,2026-04-10,£100.00
C2,P1,work,A,2026-05-02,£200.00
C3,P1,housing,A,2026-06-01,£100.00
C4,P2,housing,B,2026-06-15,£90.00
C5,P2,health,A,2026-07-20,£160.00
`

// TestGroups works the contract by hand.
func TestGroups(t *testing.T) {
	// fee: C1 £100 (P1 housing, first), C2 £200 (P1 work), C3 a repeat of
	// C1: no line, C4 £90, C5 £160 (P2 health, the first).
	// pair_cap, £150 per person and outcome: C2's £200 loses £50 in May,
	// C5's £160 £10 in July.
	// person_cap, £200 per person, after pair_cap: P1 has 100 in April
	// and 100 + 150 = 250 by May: -£50 in May. P2 has 90 in June and
	// 90 + 150 = 240 by July: -£40 in July.
	// bonus: cohort A's count reaches 3 with C3 in June: £50.00 in June.
	// early: as of each claim's month, A's count is 1 (C1, April), 2 (C2,
	// May), 3 (C3) and 4 (C5); B's 1 (C4): C1, C2 and C4 get £1.00.
	// cohort_cap, £1 per cohort over early: A has £2 by May: -£1 in May.
	want := []string{
		"2026-04 fee C1 100.00", "2026-05 fee C2 200.00", "2026-06 fee C4 90.00", "2026-07 fee C5 160.00",
		"2026-05 pair_cap P1/work -50.00", "2026-07 pair_cap P2/health -10.00",
		"2026-05 person_cap P1 -50.00", "2026-07 person_cap P2 -40.00",
		"2026-06 bonus A 50.00",
		"2026-04 early C1 1.00", "2026-05 early C2 1.00", "2026-06 early C4 1.00",
		"2026-05 cohort_cap A -1.00",
	}
	st := mustEvalText(t, groupsContract, "", "claims.csv", groupsClaims)
	var got []string
	for l := range st.Lines() {
		if !l.Amount.IsZero() {
			got = append(got, fmt.Sprintf("%s %s %s %s", l.Period, l.Rule, l.Key, l.Amount.Decimal().StringFixed(2)))
		}
	}
	wantAsOfLines(t, got, want...)
	// The repeat is flagged on C3 itself, in June, naming C1; cohort A is
	// flagged busy in June, when its third claim comes, not in July, its
	// last.
	if len(st.Flags) != 2 || st.Flags[0].Key != "C3" || st.Flags[0].Period != "2026-06" || st.Flags[0].Rule != "fee" ||
		!strings.Contains(st.Flags[0].Title, "a repeat claim, not paid: person, outcome P1/housing was paid on C1 in 2026-04") ||
		st.Flags[1].Rule != "busy" || st.Flags[1].Key != "A" || st.Flags[1].Period != "2026-06" {
		t.Errorf("flags = %+v", st.Flags)
	}
}

// TestClaimOnceBlankGroup: a qualifying claim with a blank group field is
// an error at the record, not a payment or a silent drop.
func TestClaimOnceBlankGroup(t *testing.T) {
	contract := strings.Replace(groupsContract, "  cohort  text\n", "  cohort  text\n  team    optional text\n", 1)
	contract = strings.Replace(contract, "once   per person, outcome", "once   per person, team", 1)
	ds := evalDiagnostics(t, contract, "", "claims.csv", "id,person,outcome,cohort,team,month,value\nC1,P1,housing,A,,2026-04-10,£100.00\n")
	if len(ds) != 1 || ds[0].Code != "blank-once" || !strings.Contains(ds[0].Message, "its team is blank") {
		t.Fatalf("diagnostics = %v", ds)
	}
}

// randomGroupClaims returns n claims of 8 people, 3 outcomes and 3
// cohorts over a year, for the month-by-month property.
func randomGroupClaims(seed uint64, n int) []data.Input {
	rng := rand.New(rand.NewPCG(seed, 3))
	outcomes := []string{"housing", "work", "health"}
	b := []byte("id,person,outcome,cohort,month,value\n")
	for i := range n {
		b = fmt.Appendf(b, "C%04d,P%d,%s,K%d,2026-%02d-%02d,£%d.00\n", i, rng.IntN(8), outcomes[rng.IntN(3)], rng.IntN(3),
			4+rng.IntN(9), 1+rng.IntN(28), 10+rng.IntN(200))
	}
	return []data.Input{{Path: "claims.csv", Open: data.Bytes(b)}}
}

// TestGroupBlankField: a record with a blank group field counts in no
// instance of a rule per the group, and the statement says how many such
// records its periods hold. C2's cohort is blank: cohort A's count is 2
// (C1, C3), so the bonus of three claims is not paid.
func TestGroupBlankField(t *testing.T) {
	contract := `contract "Blank" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data claim "An outcome claim" {
  id     text key
  cohort optional text
  month  date period
}

payment bonus "£50.00 once a cohort has three claims" {
  per    cohort
  when   count(claim) >= 3
  amount = £50.00
}

let cohort_claims "Claims in the cohort" {
  per   cohort
  value = count(claim)
}

incentive early "£1.00 a claim while its cohort has at most two" {
  for    claim
  when   cohort_claims <= 2
  amount = £1.00
}
`
	claims := "id,cohort,month\nC1,A,2026-04-10\nC2,,2026-05-02\nC3,A,2026-06-01\n"
	// A claim rule reading its cohort's value has none for C2: an error
	// naming the record, not a zero.
	ds := evalDiagnostics(t, contract, "", "claims.csv", claims)
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "C2 (claims.csv:3)") || !strings.Contains(ds[0].Message, "cohort_claims has no value here") {
		t.Fatalf("diagnostics = %v", ds)
	}
	contract = contract[:strings.Index(contract, "incentive early")]
	st := mustEvalText(t, contract, "", "claims.csv", claims)
	for l := range st.Lines() {
		if l.Rule == "bonus" {
			t.Errorf("a bonus line %s", l.Key)
		}
	}
	want := "1 claim record has a blank cohort, and so no part in the rules per cohort"
	if !slices.Contains(st.Notes, want) {
		t.Errorf("notes = %q, want %q", st.Notes, want)
	}
}

// TestRepeatExplain: explaining a repeat claim's flag says which claim
// was paid instead.
func TestRepeatExplain(t *testing.T) {
	st := mustEvalText(t, groupsContract, "", "claims.csv", groupsClaims)
	xs, err := st.Explain("fee:C3")
	if err != nil {
		t.Fatal(err)
	}
	want := "a repeat claim: the record qualifies, but person, outcome P1/housing was paid on C1 in 2026-04, so this one is not paid (once per person, outcome)"
	if len(xs) != 1 || !slices.Contains(xs[0].Notes, want) {
		t.Fatalf("explanation = %+v", xs)
	}
}
