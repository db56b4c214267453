package runtime_test

import (
	"strings"
	"testing"
)

// TestAggregateReadsEachRecordsValue: inside an aggregate over records, a
// let or rule over those records gives each record's own value; outside
// it, the scope's total.
func TestAggregateReadsEachRecordsValue(t *testing.T) {
	contract := `contract "Aggregates" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "One monthly review" {
  person text key
  month  date key
  before decimal
  after  decimal
  hours  decimal
}

let star_gain "Stars gained" {
  for   review
  value = review.after - review.before
}

payment hours "Hours delivered" {
  for    review
  amount = review.hours * £10.00
}

incentive avg_gain "Average gain" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * avg(review, star_gain)
}

incentive sum_gain "Sum of gains" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * sum(review, star_gain)
}

incentive count_gain "Gains over 0.9" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £1.00 * count(review, star_gain > 0.9)
}

incentive ratio_gain "Share of gains over 0.9" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * ratio(review, star_gain > 0.9)
}

incentive min_gain "Least gain" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * min(review, star_gain)
}

incentive max_gain "Most gain" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * max(review, star_gain, review.person != "P3")
}

incentive gain_and_total "Sum of gains, and the month's gain" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £100.00 * (sum(review, star_gain) + star_gain)
}

incentive avg_hours "Average hours line" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = avg(review, hours)
}

incentive sum_hours "Sum of hours lines" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = sum(review, hours)
}

incentive count_hours "Hours lines over £150" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = £1.00 * count(review, hours > £150.00)
}

incentive min_hours "Least hours line" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = min(review, hours)
}

incentive max_hours "Most hours line" {
  per    month
  when   count(review) > 0 // April has no reviews
  amount = max(review, hours)
}
`
	reviews := "person,month,before,after,hours\n" +
		"P1,2026-05-01,2.0,3.0,10\n" +
		"P2,2026-05-01,3.0,3.5,20\n" +
		"P3,2026-05-01,3.0,4.5,30\n" +
		"P4,2026-05-01,2.0,2.8,5\n"
	// Gains: 1.0, 0.5, 1.5, 0.8; sum 3.8; average 0.95; over 0.9: two of
	// four (1.0 and 1.5), a ratio of 0.5; least 0.5; most but P3's 1.0.
	// Hours lines: 10 × 10 = 100, 200, 300, 50; sum 650; average 162.50;
	// over £150: two (200, 300); least 50; most 300.
	st := mustEvalText(t, contract, "2026-05", "reviews.csv", reviews)
	want := map[string]string{
		"avg_gain":       "95.00",  // 100 × 0.95
		"sum_gain":       "380.00", // 100 × 3.8
		"count_gain":     "2.00",
		"ratio_gain":     "50.00",  // 100 × 0.5
		"min_gain":       "50.00",  // 100 × 0.5
		"max_gain":       "100.00", // 100 × 1.0
		"gain_and_total": "760.00", // 100 × (3.8 + 3.8)
		"avg_hours":      "162.50",
		"sum_hours":      "650.00",
		"count_hours":    "2.00",
		"min_hours":      "50.00",
		"max_hours":      "300.00",
	}
	got := map[string]string{}
	inputs := map[string]string{}
	for l := range st.Lines() {
		if l.Key == "2026-05" {
			got[l.Rule] = l.Amount.Decimal().StringFixed(2)
			var in []string
			for _, x := range l.Inputs {
				in = append(in, x.Name+"="+x.Value)
			}
			inputs[l.Rule] = strings.Join(in, " ")
		}
	}
	// A line's inputs name a rule read inside an aggregate only where it
	// is read outside one too, with the value read there.
	if inputs["avg_gain"] != "" || inputs["gain_and_total"] != "star_gain=3.8" {
		t.Errorf("inputs: avg_gain %q, want none; gain_and_total %q, want star_gain=3.8", inputs["avg_gain"], inputs["gain_and_total"])
	}
	for rule, w := range want {
		if got[rule] != w {
			t.Errorf("%s: %s, want %s", rule, got[rule], w)
		}
	}
}
