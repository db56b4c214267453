package bound_test

import (
	"testing"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/compiler/value"
)

// analyze compiles a monthly contract with a review data and the given
// rules, and returns the bound of one line of rule name (a rule for each
// review) or its per-period bound (a rule per month).
func analyze(t *testing.T, rules string, opt bound.Options) *bound.Report {
	t.Helper()
	src := `contract "Operators" {
  term       2026-04-01 .. 2026-06-30
  settlement monthly
}

param rate "Rate" = £19.60
param share "Share" = 25%
param cap_at "Cap" = £500.00

data review "One review" {
  person text key
  month  date key
  hours  decimal 0 .. 400
  score  int 1 .. 5
  fee    money 10.00 .. 20.00
  extra  decimal
  late   optional int 0 .. 10
  items  list item max 3
}

data item {
  id    text key
  price money 1.00 .. 2.50
}
` + rules
	_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "ops.occ", Text: []byte(src)}})
	if c == nil {
		t.Fatalf("does not compile: %v", ds)
	}
	rep, err := bound.Analyze(c, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func ruleBound(t *testing.T, rep *bound.Report, name string) bound.RuleBound {
	t.Helper()
	for _, rb := range rep.Rules {
		if rb.Rule.Name == name {
			return rb
		}
	}
	t.Fatalf("no rule %s", name)
	return bound.RuleBound{}
}

func text(x bound.Extreme) string {
	if !x.Finite {
		return "none"
	}
	return x.Amount.Text('f')
}

func TestOperators(t *testing.T) {
	cases := []struct {
		name, amount string
		least, most  string // one line's bounds, worked by hand
	}{
		// 0..400 hours × £19.60: 0 and 7,840.00.
		{"multiply", "review.hours * rate", "0.00", "7840.00"},
		// £10 .. £20 fee + 0..400 × £19.60 = 10.00 .. 7,860.00.
		{"add", "review.fee + review.hours * rate", "10.00", "7860.00"},
		// £20 - fee (10..20) = 0 .. 10.00.
		{"subtract", "£20.00 - review.fee", "0.00", "10.00"},
		// fee / score: 10/5 = 2.00 at least, 20/1 = 20.00 at most.
		{"divide", "review.fee / review.score", "2.00", "20.00"},
		// fee × 25% = 2.50 .. 5.00.
		{"percent param", "review.fee * share", "2.50", "5.00"},
		// A choice takes either branch: hull of £5 and fee, 5.00 .. 20.00.
		{"conditional", "review.score > 3 ? review.fee : £5.00", "5.00", "20.00"},
		// A condition known false leaves only the other branch: score is at
		// most 5, so score > 5 never holds and the amount is £5.00.
		{"conditional known", "review.score > 5 ? review.fee : £5.00", "5.00", "5.00"},
		// min(fee, £15) = 10.00 .. 15.00; max(fee, £15) = 15.00 .. 20.00.
		{"min", "min(review.fee, £15.00)", "10.00", "15.00"},
		{"max", "max(review.fee, £15.00)", "15.00", "20.00"},
		// ceil(score / 2) is 1 .. 3: × £1.00.
		{"ceil", "ceil(review.score / 2) * £1.00", "1.00", "3.00"},
		// floor(score / 2) is 0 .. 2.
		{"floor", "floor(review.score / 2) * £1.00", "0.00", "2.00"},
		// round(fee / 3, 1): 3.33.. rounds to 3.3, 6.66.. to 6.7.
		{"round", "round(review.fee / 3, 1)", "3.30", "6.70"},
		// The items of a review: up to 3 × £2.50 = 7.50, or none.
		{"sum nested", "sum(item, item.price)", "0.00", "7.50"},
		// count(item) is 0 .. 3: × £1.00.
		{"count nested", "count(item) * £1.00", "0.00", "3.00"},
		// A negative amount fails evaluation, so the line is never below 0:
		// fee - £15 is -5 .. 5, and the line 0 .. 5.00.
		{"negative clamped", "review.fee - £15.00", "0.00", "5.00"},
		// An optional value read under has(): 0 .. 10 × £1.00.
		{"optional", "has(review.late) ? review.late * £1.00 : £0.00", "0.00", "10.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyze(t, "payment r \"Rule\" {\n  for review\n  amount = "+tc.amount+"\n}\n", bound.Options{})
			rb := ruleBound(t, rep, "r")
			if rb.Each == nil {
				t.Fatal("no bound of one line")
			}
			if got := text(rb.Each.Least); got != tc.least {
				t.Errorf("least %s, want %s", got, tc.least)
			}
			if got := text(rb.Each.Most); got != tc.most {
				t.Errorf("most %s, want %s", got, tc.most)
			}
		})
	}
}

func TestUnboundedField(t *testing.T) {
	// extra has no declared range: the amount has no upper bound, and the
	// reason names the field.
	rep := analyze(t, "payment r \"Rule\" {\n  for review\n  amount = review.extra * rate\n}\n", bound.Options{})
	rb := ruleBound(t, rep, "r")
	if rb.Each.Most.Finite {
		t.Fatalf("most %s, want no bound", text(rb.Each.Most))
	}
	if len(rb.Each.Most.Why) == 0 || rb.Each.Most.Why[0] != "review.extra has no upper bound" {
		t.Errorf("why %v", rb.Each.Most.Why)
	}
}

func TestRecordsPerPeriod(t *testing.T) {
	rules := "payment r \"Rule\" {\n  for review\n  amount = review.hours * rate\n}\n"
	// No maximum of reviews a period: the period total has no bound.
	rb := ruleBound(t, analyze(t, rules, bound.Options{}), "r")
	if rb.PerPeriod.Most.Finite {
		t.Fatalf("per period most %s, want no bound", text(rb.PerPeriod.Most))
	}
	// At most 10 reviews a month: 10 × 7,840.00 = 78,400.00 a month, and
	// three months of the term 235,200.00.
	rb = ruleBound(t, analyze(t, rules, bound.Options{MaxRecords: map[string]int64{"review": 10}}), "r")
	if got := text(rb.PerPeriod.Most); got != "78400.00" {
		t.Errorf("per period most %s, want 78400.00", got)
	}
	if got := text(rb.Term.Most); got != "235200.00" {
		t.Errorf("term most %s, want 235200.00", got)
	}
}

func TestCapBoundsTotal(t *testing.T) {
	// Up to 10 reviews of 7,840.00 a month, capped at £500.00 a month: the
	// total is at most 500.00 a month and 1,500.00 over the three months,
	// and the cap's adjustment removes at most 78,400.00 - 500.00 =
	// 77,900.00 a month.
	rules := `payment r "Rule" {
  for review
  amount = review.hours * rate
}

cap c "Cap" {
  per    month
  covers r
  limit  = cap_at
}
`
	rep := analyze(t, rules, bound.Options{MaxRecords: map[string]int64{"review": 10}})
	if got := text(rep.PerPeriod.Most); got != "500.00" {
		t.Errorf("total per period most %s, want 500.00", got)
	}
	if got := text(rep.Term.Most); got != "1500.00" {
		t.Errorf("total over the term most %s, want 1500.00", got)
	}
	if got := text(ruleBound(t, rep, "c").PerPeriod.Least); got != "-77900.00" {
		t.Errorf("cap adjustment least %s, want -77900.00", got)
	}
	// With --set cap_at=£100.00 the total is at most 100.00 a month.
	rep2 := analyze(t, rules, bound.Options{MaxRecords: map[string]int64{"review": 10}, Params: map[string]ref.Val{"cap_at": money(t, "100.00")}})
	if got := text(rep2.PerPeriod.Most); got != "100.00" {
		t.Errorf("with the override, total per period most %s, want 100.00", got)
	}
}

func money(t *testing.T, s string) ref.Val {
	t.Helper()
	m, err := value.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRatio(t *testing.T) {
	// ratio(item, cond) lies in 0 .. 1: × £100.00 is 0 .. 100.00. A ratio of
	// two counts that are not one within the other (items over reviews'
	// scores of 5, say) may exceed 1: it has no bound.
	rep := analyze(t, `payment r "Rule" {
  for review
  amount = ratio(item, item.price > £2.00) * £100.00
}

payment s "Share of items among" {
  for review
  amount = ratio(item, item.price > £2.00, item.price > £1.50) * £100.00
}
`, bound.Options{})
	for _, name := range []string{"r", "s"} {
		rb := ruleBound(t, rep, name)
		if got := text(rb.Each.Most); got != "100.00" {
			t.Errorf("%s: most %s, want 100.00", name, got)
		}
	}
	rep = analyze(t, `payment r "Rule" {
  per month
  amount = ratio(count(item), count(review, review.score == 5)) * £100.00
}
`, bound.Options{MaxRecords: map[string]int64{"review": 2}})
	if rb := ruleBound(t, rep, "r"); rb.PerPeriod.Most.Finite {
		t.Errorf("a ratio of unrelated counts: most %s, want no bound", text(rb.PerPeriod.Most))
	}
}

// TestHistoryBound: a count over history(D) is bounded by D's `max N per
// person`: at most 260 weeks at £1.00 each is at most £260.00.
func TestHistoryBound(t *testing.T) {
	src := `contract "Weeks" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data week "A week" {
  person  text key
  week_of date key
  max 260 per person
}

incentive weeks_so_far "A pound a week so far" {
  for    week
  amount = count(history(week)) * £1.00
}
`
	_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "weeks.occ", Text: []byte(src)}})
	if c == nil {
		t.Fatalf("does not compile: %v", ds)
	}
	rep, err := bound.Analyze(c, bound.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rb := ruleBound(t, rep, "weeks_so_far")
	if rb.Each == nil || text(rb.Each.Least) != "0.00" || text(rb.Each.Most) != "260.00" {
		t.Fatalf("bound = %+v, want 0.00 .. 260.00", rb.Each)
	}
}
