package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime/data"
)

// personDueContract pays a sustainment fee per person the first time two
// of the person's reviews are met, priced at £100.00 a review so far; a
// review's visit fee reads the person's review count as of its own
// period; and the fees are capped at £250.00 a person, the cap's limit
// counting the person's met reviews.
const personDueContract = `contract "Per person due" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "A review" {
  id     text key
  person text
  month  date period
  met    bool
  max 40 per person
}

payment sustained "Two reviews met: £100.00 for each review so far" {
  per    person
  when   count(review, review.met) >= 2
  amount = count(review) * £100.00
}

let reviews_so_far "The person's reviews" {
  per   person
  value = count(review)
}

payment visit "A visit fee, £10.00 from the person's third review on" {
  for    review
  amount = reviews_so_far >= 3 ? £10.00 : £0.00
}

cap person_cap "Sustainment at most £50.00 a met review" {
  per    person
  covers sustained
  limit  = count(review, review.met) * £50.00
}
`

// personDueReviews: P1 meets in April and May, not in June, and again in
// July; P2 never meets twice; P3 meets twice in April.
const personDueReviews = `id,person,month,met
R1,P1,2026-04-10,true
R2,P1,2026-05-10,true
R3,P1,2026-06-10,false
R4,P1,2026-07-10,true
R5,P2,2026-04-12,true
R6,P2,2026-06-12,false
R7,P3,2026-04-03,true
R8,P3,2026-04-20,true
R9,P3,2026-05-20,false
`

// TestPersonLineFallsDueWhenItsConditionFirstHolds: a per person line is
// paid in the first period its condition holds on the records up to that
// period's end, at its amount then, once.
func TestPersonLineFallsDueWhenItsConditionFirstHolds(t *testing.T) {
	// sustained: P1 has two met reviews by the end of May, with two
	// reviews: 2 × £100.00 = £200.00 in May (not £400.00 in July, the
	// four reviews of its last record). P3 has two by the end of April:
	// £200.00 in April. P2 never does.
	// person_cap: P1's limit as of May is 2 met × £50.00 = £100.00, so
	// £100.00 of the £200.00 is removed in May; P3's as of April is also
	// £100.00: £100.00 removed in April.
	// visit: a review from the person's third on, counted as of its own
	// month: R3 (P1's third, June), R4 (fourth, July), R9 (P3's third,
	// May). R6 is P2's second.
	want := []string{
		"2026-04 sustained P3 200.00", "2026-04 person_cap P3 -100.00",
		"2026-05 sustained P1 200.00", "2026-05 person_cap P1 -100.00",
		"2026-05 visit R9 10.00", "2026-06 visit R3 10.00", "2026-07 visit R4 10.00",
	}
	wantAsOfLines(t, lineList(t, personDueContract, "", "reviews.csv", personDueReviews), want...)
	// Settled on their own, May pays P1's line and July pays nothing more
	// for P1.
	wantAsOfLines(t, lineList(t, personDueContract, "2026-05", "reviews.csv", upToMonth(personDueReviews, "2026-05")),
		"2026-05 sustained P1 200.00", "2026-05 person_cap P1 -100.00", "2026-05 visit R9 10.00")
	wantAsOfLines(t, lineList(t, personDueContract, "2026-07", "reviews.csv", personDueReviews), "2026-07 visit R4 10.00")
}

// TestPersonDueExplain: a per person line paid before the person's last
// record is explained as of its period, and says when it fell due.
func TestPersonDueExplain(t *testing.T) {
	st := mustEvalText(t, personDueContract, "", "reviews.csv", personDueReviews)
	xs, err := st.Explain("sustained:P1")
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 1 || len(xs[0].Notes) == 0 || !strings.HasPrefix(xs[0].Notes[0], "due in 2026-05, the first period") ||
		!strings.Contains(xs[0].Notes[0], "latest record is in 2026-07") {
		t.Fatalf("explanation = %+v", xs)
	}
	var clauses []string
	for _, s := range xs[0].Steps {
		clauses = append(clauses, s.Clause+"="+s.Value)
	}
	// As of May: two reviews, £200.00 (July would give four, £400.00).
	if got := strings.Join(clauses, " "); !strings.Contains(got, "amount=200.00") {
		t.Errorf("steps = %s", got)
	}
}

// upToMonth keeps the rows of a reviews CSV dated in or before month.
func upToMonth(csv, month string) string {
	lines := strings.SplitAfter(csv, "\n")
	out := lines[0]
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); len(f) > 2 && f[2][:7] <= month {
			out += l
		}
	}
	return out
}

// randomReviews returns n reviews of 25 people over a year, for the
// month-by-month property.
func randomReviews(seed uint64, n int) []data.Input {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := []byte("id,person,month,met\n")
	for i := range n {
		b = fmt.Appendf(b, "R%04d,P%02d,2026-%02d-%02d,%t\n", i, rng.IntN(25), 4+rng.IntN(9), 1+rng.IntN(28), rng.IntN(3) != 0)
	}
	return []data.Input{{Path: "reviews.csv", Open: data.Bytes(b)}}
}
