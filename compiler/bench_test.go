package compiler_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// benchHeader is the part of a generated contract that the rules read: the
// header, params and data of the individual-outcomes contract.
const benchHeader = `contract "Generated" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param hourly_rate "Price per delivered hour" = £19.60
param outcome_fee "Fee for a goal achieved" = £240.00
param quick_bonus "Uplift for a goal achieved quickly" = 25%
param quick_within "How soon after agreement a goal counts as quick" = 42 days
param satisfaction_reward "Reward for a satisfied person" = £30.00
param satisfied_from "Lowest satisfaction score that earns the reward" = 4
param missed_allowance "Missed visits a month before the sanction applies" = 2
param missed_rate "Sanction as a share of the month's hours" = 5%
param provider_share "Provider's part of the saving on a reduced package" = 50%
param outcome_cap_rate "Outcome-linked payments at most this share of hours paid" = 15%

data review "One monthly review of one person's care" {
  person        text key
  month         date key
  planned_hours decimal 0 .. 400
  actual_hours  decimal 0 .. 400
  missed_visits int 0 .. 200
  satisfaction  optional int 1 .. 5
  goals         list goal max 20
}

data goal "A goal agreed with the person at assessment" {
  goal      text key
  status    achieved | partly | not_met | not_feasible
  agreed_on date
  met_on    optional date
}
`

// benchRules are the rules of one copy; %[1]d is the copy's number. The cap
// comes last, after the rules it covers.
var benchRules = []string{`
payment hours_%[1]d "Hours delivered" {
  for    review
  amount = review.actual_hours * hourly_rate
}
`, `
incentive goal_fee_%[1]d "Goal achieved" {
  for    goal
  when   goal.status == "achieved"
  amount = (has(goal.met_on) && goal.met_on - goal.agreed_on <= quick_within
    ? outcome_fee * (1 + quick_bonus)
    : outcome_fee)
}
`, `
incentive satisfied_%[1]d "Person satisfied with their care" {
  for    review
  when   has(review.satisfaction) && review.satisfaction >= satisfied_from
  amount = satisfaction_reward
}
`, `
sanction missed_%[1]d "Missed visits" {
  for    review
  when   review.missed_visits > missed_allowance
  amount = hours_%[1]d * missed_rate
}
`, `
share reduced_package_%[1]d "Saving on a reduced package, shared" {
  for   review
  when  review.actual_hours < review.planned_hours
  basis = (review.planned_hours - review.actual_hours) * hourly_rate
  part  = provider_share
}
`, `
flag feasibility_%[1]d "Goal found not feasible: feasibility review" {
  for  goal
  when goal.status == "not_feasible"
}
`, `
cap outcome_cap_%[1]d "Outcome-linked payments at most 15% of hours paid" {
  per    period
  covers goal_fee_%[1]d, satisfied_%[1]d, reduced_package_%[1]d
  limit  = hours_%[1]d * outcome_cap_rate
}
`}

// generatedSpec returns a contract of n rules: copies of the
// individual-outcomes rules under new names.
func generatedSpec(n int) []byte {
	var b strings.Builder
	b.WriteString(benchHeader)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, benchRules[i%len(benchRules)], i/len(benchRules))
	}
	return []byte(b.String())
}

// BenchmarkCheck parses and checks generated contracts of 1,000 and 5,000
// rules, as occ check does. Its time per rule should not grow with the
// size of the contract.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		src := generatedSpec(n)
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				f, ds := lang.Parse("generated.occ", src)
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				c, ds := compiler.Compile([]*lang.File{f})
				if c == nil || len(ds) > 0 {
					b.Fatalf("%d diagnostics: %v", len(ds), ds)
				}
			}
		})
	}
}
