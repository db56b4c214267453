package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
)

// historyContract pays a job outcome at four weeks in work (a short count
// for the test), an earnings milestone the first time cumulative earnings
// reach £100.00, and flags an emergency readmission within the person's
// history of earlier spells.
const historyContract = `contract "History" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data week "One week of a person's employment" {
  person   text key
  week_of  date key
  in_work  bool
  earnings money
  max 260 per person
}

incentive job_outcome "Job outcome at four weeks in work" {
  for    week
  when   week.in_work && count(history(week), week.in_work) == 4
  amount = £1,000.00
}

incentive earnings_1 "Earnings milestone" {
  for    week
  when   sum(history(week), week.earnings) >= £100.00 && sum(earlier(week), week.earnings) < £100.00
  amount = £2,750.00
}

let weeks_before "Weeks before this one" {
  for   week
  value = count(earlier(week))
}
`

const historyWeeks = `person,week_of,in_work,earnings
P1,2026-04-06,true,£30.00
P2,2026-04-06,false,£0.00
P1,2026-04-13,true,£30.00
P1,2026-04-20,false,£0.00
P1,2026-04-27,true,£30.00
P2,2026-04-13,true,£120.00
P1,2026-05-04,true,£30.00
P1,2026-05-11,true,£30.00
`

// TestHistoryAggregates: history(week) and earlier(week) count the same
// person's weeks up to and before this one.
func TestHistoryAggregates(t *testing.T) {
	// P1's weeks in work: 04-06, 04-13, 04-27, 05-04 is the fourth (04-20
	// was out of work): the job outcome falls in May. 05-11 is the fifth:
	// no second outcome.
	// P1's earnings: 30, 60, 60, 90, 120 by 05-04: the milestone, as
	// earlier weeks came to £90.00 < £100.00. 05-11: £150.00 but earlier
	// already £120.00: none.
	// P2: £120.00 in 04-13, earlier £0.00: the milestone in April.
	got := lineList(t, historyContract, "2026-04..2026-05", "weeks.csv", historyWeeks)
	wantAsOfLines(t, got,
		"2026-05 job_outcome P1 1000.00",
		"2026-05 earnings_1 P1 2750.00",
		"2026-04 earnings_1 P2 2750.00")
	// Settling May alone, history still sees April's weeks.
	wantAsOfLines(t, lineList(t, historyContract, "2026-05", "weeks.csv", historyWeeks),
		"2026-05 job_outcome P1 1000.00",
		"2026-05 earnings_1 P1 2750.00")
}

// TestHistoryMonthByMonth: settling each month on its own gives the lines
// of the whole statement, history seeing the person's earlier records in
// both, on random weeks of twelve people.
func TestHistoryMonthByMonth(t *testing.T) {
	c := compileText(t, "contract.occ", []byte(historyContract+`
incentive sustained "Four weeks in work in a row, paid on the fourth" {
  for    week
  when   week.in_work && count(earlier(week)) >= 3 && count(history(week), week.in_work) >= 4 && count(within(week, 4 weeks), week.in_work) >= 2
  amount = £10.00
}
`))
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		b := []byte("person,week_of,in_work,earnings\n")
		first := value.MustParseDate("2026-04-06")
		for p := range 12 {
			for w := range 40 {
				if rng.IntN(4) == 0 {
					continue
				}
				b = fmt.Appendf(b, "P%02d,%s,%t,£%d.00\n", p, first.AddDays(int64(7*w)), rng.IntN(3) > 0, rng.IntN(40))
			}
		}
		in := []data.Input{{Path: "weeks.csv", Open: data.Bytes(b)}}
		for _, bad := range checkMonthByMonth(t, c, in, fmt.Sprint("seed ", seed)) {
			t.Error(bad)
		}
	}
}

// crossContract reads one data's history from a rule over another: a
// review pays £1.00 for each of the person's visits up to its own date,
// and £10.00 for each earlier one; a visit on the review's own day is in
// its history but not earlier.
const crossContract = `contract "Cross" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data visit "A visit" {
  person text key
  on     date key
  max 50 per person
}

data review "A review" {
  person text key
  month  date key
}

payment visits_so_far "A pound a visit so far" {
  for    review
  amount = count(history(visit)) * £1.00
}

payment earlier_visits "Ten pounds a visit before the review's day" {
  for    review
  amount = count(earlier(visit)) * £10.00
}
`

// TestHistoryOfOtherData: P1 has visits on 04-10, 05-01 and 05-20 and a
// review on 05-01: history counts 04-10 and 05-01 (2: £2.00), earlier only
// 04-10 (1: £10.00). P2's review has no visits of P2: £0.00.
func TestHistoryOfOtherData(t *testing.T) {
	st := mustEvalText(t, crossContract, "2026-05",
		"visits.csv", "person,on\nP1,2026-04-10\nP1,2026-05-20\nP1,2026-05-01\nP2x,2026-05-01\n",
		"reviews.csv", "person,month\nP1,2026-05-01\nP2,2026-05-01\n")
	wantRuleKeyAmounts(t, st, map[string]string{
		"visits_so_far:P1": "2.00", "earlier_visits:P1": "10.00",
		"visits_so_far:P2": "0.00", "earlier_visits:P2": "0.00",
	})
}

// spellContract flags an emergency readmission within 30 days of an
// earlier spell's admission, and counts the spells of the last 8 weeks.
const spellContract = `contract "Spells" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data spell "A hospital spell" {
  person      text key
  admitted_on date key
  emergency   bool
  max 100 per person
}

flag readmission "Emergency readmission within 30 days" {
  for  spell
  when spell.emergency && count(within(spell, 30 days)) > 0
}

payment recent "A pound for each spell in the 8 weeks before" {
  for    spell
  amount = count(within(spell, 8 weeks)) * £1.00
}
`

// TestHistoryWithin: within(spell, 30 days) holds the earlier spells
// admitted on or after the day 30 days before this one.
func TestHistoryWithin(t *testing.T) {
	st := mustEvalText(t, spellContract, "2026-04..2026-06", "spells.csv", spellsCSV)
	// P1 05-01: 04-01 is 30 days before (April has 30 days): within, so
	// flagged. P1 06-15: 05-01 is 45 days before: not within 30 days, not
	// flagged; within 8 weeks (56 days) are 05-01 (45 days) but not 04-01
	// (75 days). P2 has no earlier spell.
	var flags []string
	for _, f := range st.Flags {
		flags = append(flags, f.Period+" "+f.Key)
	}
	if got := fmt.Sprint(flags); got != "[2026-05 P1]" {
		t.Errorf("flags = %s, want [2026-05 P1]", got)
	}
	wantAsOfLines(t, lineList(t, spellContract, "2026-04..2026-06", "spells.csv", spellsCSV),
		"2026-05 recent P1 1.00", "2026-06 recent P1 1.00")
}

const spellsCSV = "person,admitted_on,emergency\nP1,2026-04-01,false\nP1,2026-05-01,true\nP1,2026-06-15,true\nP2,2026-05-02,true\n"
