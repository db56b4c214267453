package runtime_test

import "testing"

// TestWidenedLiterals evaluates whole-number literals the compiler widens:
// a 0 branch beside money is £0.00, and 30 compared with a decimal is 30.0,
// on either side, with == and !=. Worked by hand for hours h, at a fee of
// £5.00:
//
//	a = h > 2 ? £5.00 : 0          P1 (30) 5.00, P2 (12) 5.00, P3 (1.5) 0.00
//	b when h == 30 || 12 != h      P1 yes, P2 no (12 is 12), P3 yes: 5.00 each
//	c = h == 1.5 ? 0 : h * £5.00   P1 150.00, P2 60.00, P3 0.00
//
// If the evaluator compared the int with the decimal as CEL does, 30 == h
// would be false for P1 and 12 != h true for P2.
func TestWidenedLiterals(t *testing.T) {
	contract := `contract "W" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param fee "Fee" = £5.00

data review "R" {
  person text key
  month  date key
  hours  decimal 0 .. 400
}

payment a "A" {
  for    review
  amount = review.hours > 2 ? fee : 0
}

payment b "B" {
  for    review
  when   review.hours == 30 || 12 != review.hours
  amount = fee
}

payment c "C" {
  for    review
  amount = review.hours == 1.5 ? 0 : review.hours * fee
}
`
	csv := "person,month,hours\nP1,2026-05-01,30\nP2,2026-05-01,12\nP3,2026-05-01,1.5\n"
	st := mustEvalText(t, contract, "", "r.csv", csv)
	want := map[string]string{
		"a:P1": "5.00", "a:P2": "5.00", "a:P3": "0.00",
		"b:P1": "5.00", "b:P3": "5.00",
		"c:P1": "150.00", "c:P2": "60.00", "c:P3": "0.00",
	}
	wantRuleKeyAmounts(t, st, want)
}

// TestWholeNumberFieldEqualsDecimal: a whole-number field compared with a
// decimal field, on either side of == or !=, compares the numbers. Worked
// by hand: P1 has 3.0 hours and 3 visits (equal), P2 3.5 and 3, P3 0.0
// and 0, so d (hours == visits) pays P1 and P3, e (visits != hours) P2
// alone, and f (the month's 3 reviews less 3 == hours) P3 alone.
func TestWholeNumberFieldEqualsDecimal(t *testing.T) {
	contract := `contract "W" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "R" {
  person text key
  month  date key
  hours  decimal 0 .. 400
  visits int 0 .. 100
}

payment d "D" {
  for    review
  when   review.hours == review.visits
  amount = £1.00
}

payment e "E" {
  for    review
  when   review.visits != review.hours
  amount = £2.00
}

let reviews_in_month "Reviews in the month" {
  per   month
  value = count(review)
}

payment f "F" {
  for    review
  when   reviews_in_month - 3 == review.hours
  amount = £3.00
}
`
	csv := "person,month,hours,visits\nP1,2026-05-01,3.0,3\nP2,2026-05-01,3.5,3\nP3,2026-05-01,0.0,0\n"
	st := mustEvalText(t, contract, "", "r.csv", csv)
	wantRuleKeyAmounts(t, st, map[string]string{"d:P1": "1.00", "d:P3": "1.00", "e:P2": "2.00", "f:P3": "3.00"})
}
