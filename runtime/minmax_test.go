package runtime_test

import "testing"

// TestMinMaxOfMany evaluates min and max of more than two values, which
// fold into nested pairs, mixing whole numbers and decimals as the pairs
// do. Each amount is worked by hand from the review's hours (h) at a fee of
// £5.00:
//
//	top = max(£5.00, h × £5.00, £7.50, 2 × £5.00)
//	low = min(£40.00, h × £5.00, £25.00, money(h + 1))
//	n   = max(1, h, 3, 2.5) (a decimal: 1 and 3 widen)
//
//	h    top                           low                             n
//	1.2  max(5, 6, 7.5, 10) = 10.00    min(40, 6, 25, 2.2) = 2.20      3
//	9    max(5, 45, 7.5, 10) = 45.00   min(40, 45, 25, 10) = 10.00     9
//	30   max(5, 150, 7.5, 10) = 150.00 min(40, 150, 25, 31) = 25.00    30
//
// n is paid as n pounds, so that it shows in a line.
func TestMinMaxOfMany(t *testing.T) {
	contract := `contract "M" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param fee "Fee" = £5.00

data review "R" {
  person text key
  month  date key
  hours  decimal 0 .. 400
}

payment top "Top" {
  for    review
  amount = max(fee, review.hours * fee, £7.50, 2 * fee)
}

payment low "Low" {
  for    review
  amount = min(£40.00, review.hours * fee, £25.00, money(review.hours + 1))
}

payment n "N" {
  for    review
  amount = money(max(1, review.hours, 3, 2.5))
}
`
	csv := "person,month,hours\nP1,2026-05-01,1.2\nP2,2026-05-01,9\nP3,2026-05-01,30\n"
	st := mustEvalText(t, contract, "", "r.csv", csv)
	want := map[string]string{
		"top:P1": "10.00", "top:P2": "45.00", "top:P3": "150.00",
		"low:P1": "2.20", "low:P2": "10.00", "low:P3": "25.00",
		"n:P1": "3.00", "n:P2": "9.00", "n:P3": "30.00",
	}
	wantRuleKeyAmounts(t, st, want)
}
