package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// TestCostBudget: an evaluation that does more work, summed over every
// expression for every record, than its budget stops with one cost-limit
// diagnostic naming the rule being evaluated, though each expression is
// well within its own limit; with the default budget it runs.
func TestCostBudget(t *testing.T) {
	contract := `contract "Costly" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "A review" {
  person text key
  month  date key
  hours  decimal
  goals  list goal max 20
}

data goal "A goal" {
  goal   text key
  status achieved | not_met
}

payment hours "Hours delivered" {
  for    review
  amount = review.hours * £10.00
}

incentive pairs "Two goals not met" {
  for    review
  when   review.goals.exists(g, review.goals.exists(h, h.goal != g.goal && g.status == "not_met" && h.status == "not_met"))
  amount = £1.00
}
`
	c := compileText(t, "contract.occ", []byte(contract))
	var reviews, goals strings.Builder
	reviews.WriteString("person,month,hours\n")
	goals.WriteString("person,month,goal,status\n")
	// Ten reviews of 20 goals, all achieved: hours reads a field and
	// multiplies, a few steps a review; pairs compares each goal with
	// every other, 400 times a review, several steps each time.
	for p := range 10 {
		fmt.Fprintf(&reviews, "P%d,2026-05-01,%d\n", p, p+1)
		for g := range 20 {
			fmt.Fprintf(&goals, "P%d,2026-05-01,G%d,achieved\n", p, g)
		}
	}
	d, errs := data.Load(c, []data.Input{{Path: "reviews.csv", Open: data.Bytes([]byte(reviews.String()))}, {Path: "goals.csv", Open: data.Bytes([]byte(goals.String()))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, workers := range []int{1, 2} {
		p, err := runtime.New(c, runtime.WithCostBudget(1000), runtime.WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-05"))
		var ds lang.Diagnostics
		if st != nil || !errors.As(err, &ds) {
			t.Fatalf("workers %d: got a statement or %v, want diagnostics", workers, err)
		}
		want := "incentive pairs: the evaluation went over its budget of 1000 steps of work while evaluating this rule"
		if len(ds) != 1 || ds[0].Code != "cost-limit" || ds[0].Message != want || ds[0].Span.Start.Line != 23 {
			t.Fatalf("workers %d: got %v, want one cost-limit diagnostic at line 23: %s", workers, ds, want)
		}
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-05")); err != nil {
		t.Fatalf("with the default budget: %v", err)
	}
	if _, err := runtime.New(c, runtime.WithCostBudget(0)); err == nil {
		t.Error("a budget of 0 accepted")
	}
}
