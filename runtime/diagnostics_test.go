package runtime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// failingContract has two rules that fail on some records, each dividing
// by a count that can be zero: one in its amount, one in its condition.
const failingContract = `contract "Failing" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param per_visit_fee "Fee spread over the missed visits" = £100.00

data review "One monthly review" {
  person        text key
  month         date key
  missed_visits int 0 .. 200
  visits        int 0 .. 200
}

incentive per_visit "Fee spread over missed visits" {
  for    review
  amount = per_visit_fee / review.missed_visits
}

incentive shared "Fee shared over the visits" {
  for    review
  when   per_visit_fee / review.visits > £10.00
  amount = £30.00
}
`

// TestEvalDiagnostics: an evaluation that fails returns a diagnostic for
// every rule and record that failed, in every rule, not only the first:
// placed at the expression that failed, with a stable code, and a message
// naming the rule, the record's key and its file:row.
func TestEvalDiagnostics(t *testing.T) {
	c := compileText(t, "failing.occ", []byte(failingContract))
	csv := "person,month,missed_visits,visits\nP1,2026-05-01,2,5\nP2,2026-05-01,0,4\nP3,2026-05-01,1,0\nP4,2026-05-01,0,0\n"
	d, errs := data.Load(c, []data.Input{{Path: "reviews.csv", Open: data.Bytes([]byte(csv))}}, data.Limits{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, workers := range []int{1, 3} {
		p, err := runtime.New(c, runtime.WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.Eval(context.Background(), d, settleOf(t, p, ""))
		if st != nil {
			t.Fatal("a statement despite the errors")
		}
		var ds lang.Diagnostics
		if !errors.As(err, &ds) {
			t.Fatalf("the error is a %T, not lang.Diagnostics: %v", err, err)
		}
		want := []struct {
			line, col int
			code, msg string
		}{
			{17, 12, "division-by-zero", "incentive per_visit, P2 (reviews.csv:3): amount: division by zero"},
			{17, 12, "division-by-zero", "incentive per_visit, P4 (reviews.csv:5): amount: division by zero"},
			{22, 10, "division-by-zero", "incentive shared, P3 (reviews.csv:4): condition: division by zero"},
			{22, 10, "division-by-zero", "incentive shared, P4 (reviews.csv:5): condition: division by zero"},
		}
		if len(ds) != len(want) {
			t.Fatalf("%d diagnostics, want %d:\n%v", len(ds), len(want), ds)
		}
		for i, w := range want {
			d := ds[i]
			if d.Severity != lang.Error || d.Span.File != "failing.occ" || d.Span.Start.Line != w.line || d.Span.Start.Col != w.col || d.Code != w.code || d.Message != w.msg {
				t.Errorf("diagnostic %d is\n  %s\nwant\n  failing.occ:%d:%d: error: %s [%s]", i, d.Error(), w.line, w.col, w.msg, w.code)
			}
		}
	}
}
