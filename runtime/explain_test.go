package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// yenContract is a contract in yen, whose currency has no minor unit: a
// payment per visit and a monthly cap on it.
const yenContract = `contract "Yen" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
  currency   JPY
}

param hourly_rate "Price per hour" = ¥2410
param monthly_cap "Most paid for visits in a month" = ¥3000

data visit "A visit" {
  visit   text key
  date    date
  minutes int 0 .. 1440
}

payment visits "Visits" {
  for    visit
  amount = visit.minutes / 60 * hourly_rate
}

cap monthly "Visits at most ¥3000 a month" {
  per    period
  covers visits
  limit  = monthly_cap
}
`

// TestExplainUsesMinorUnits: an explanation shows money as the statement
// does, with the currency's minor units. Yen has none, so the cap's notes
// say 3816, not 3816.00.
func TestExplainUsesMinorUnits(t *testing.T) {
	c := compileText(t, "yen.occ", []byte(yenContract))
	d, errs := data.Load(c, []data.Input{{Path: "visits.csv", Open: data.Bytes([]byte("visit,date,minutes\nV1,2026-05-01,45\nV2,2026-05-02,50\n"))}}, data.Limits{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-05"))
	if err != nil {
		t.Fatal(err)
	}
	xs, err := st.Explain("monthly:2026-05")
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 1 {
		t.Fatalf("%d explanations of the cap's line, want 1", len(xs))
	}
	notes := strings.Join(xs[0].Notes, "\n")
	for _, want := range []string{
		"the lines of visits total 3816 in 2026-05 so far; the cap allows at most 3000",
		"the adjustment removes the excess: -816",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes lack %q:\n%s", want, notes)
		}
	}
	// A value not yet rounded keeps its digits: 45 minutes at ¥2410 an
	// hour is ¥1807.50 before the line is rounded to ¥1808.
	xs, err = st.Explain("V1")
	if err != nil {
		t.Fatal(err)
	}
	if got := xs[0].Steps[0].Value; got != "1807.50" {
		t.Errorf("V1's amount is explained as %s, want 1807.50", got)
	}
	for _, in := range xs[0].Line.Inputs {
		if in.Name == "hourly_rate" && in.Value != "2410" {
			t.Errorf("input hourly_rate = %s, want 2410", in.Value)
		}
	}
}
