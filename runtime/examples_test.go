package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// load compiles specs/<dir>/contract.occ, with its text edited by the
// replacer when given, and loads the named data files beside it.
func load(t *testing.T, dir string, edit *strings.Replacer, files ...string) (*runtime.Program, *data.Set) {
	t.Helper()
	base := filepath.Join("..", "specs", dir)
	src, err := os.ReadFile(filepath.Join(base, "contract.occ"))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edited := edit.Replace(string(src))
		if edited == string(src) {
			t.Fatalf("the edit changed nothing in %s", dir)
		}
		src = []byte(edited)
	}
	c := compileText(t, filepath.Join(base, "contract.occ"), src)
	d := loadFiles(t, c, base, files...)
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return p, d
}

func eval(t *testing.T, p *runtime.Program, d *data.Set, period string) *runtime.Statement {
	t.Helper()
	st, err := p.Eval(context.Background(), d, settleOf(t, p, period))
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, st)
	return st
}

// checkReconciles asserts that the total is the sum of the lines, and each
// subtotal the sum of its lines.
func checkReconciles(t *testing.T, st *runtime.Statement) {
	t.Helper()
	sum := map[string]string{}
	var all []string
	for l := range st.Lines() {
		all = append(all, l.Amount.String())
	}
	got := sumStrings(t, all)
	if want := st.Total.Decimal().StringFixed(2); got != want {
		t.Errorf("total %s is not the sum of the lines %s", want, got)
	}
	for _, sub := range append(append([]runtime.Subtotal{}, st.ByKind...), st.ByRule...) {
		var amounts []string
		for l := range st.Lines() {
			if l.Kind == sub.Name || l.Rule == sub.Name {
				amounts = append(amounts, l.Amount.String())
			}
		}
		if got := sumStrings(t, amounts); got != sub.Amount.Decimal().StringFixed(2) {
			t.Errorf("subtotal %s is %s, its lines sum to %s", sub.Name, sub.Amount, got)
		}
		sum[sub.Name] = got
	}
}

type line struct{ rule, kind, key, amount string }

func lines(st *runtime.Statement) []line {
	var out []line
	for l := range st.Lines() {
		out = append(out, line{l.Rule, l.Kind, l.Key, l.Amount.Decimal().StringFixed(2)})
	}
	return out
}

func wantLines(t *testing.T, st *runtime.Statement, want []line) {
	t.Helper()
	got := lines(st)
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %v, want %v", i+1, got[i], want[i])
		}
	}
}

func wantTotal(t *testing.T, st *runtime.Statement, want string) {
	t.Helper()
	if got := st.Total.Decimal().StringFixed(2); got != want {
		t.Errorf("total %s, want %s", got, want)
	}
}

// V0 — time and task.
func TestExampleTimeAndTask(t *testing.T) {
	p, d := load(t, "time-and-task", nil, "visits.csv")
	st := eval(t, p, d, "2026-05")
	wantLines(t, st, []line{
		{"visits", "payment", "V01", "12.05"}, {"visits", "payment", "V02", "18.08"},
		{"visits", "payment", "V03", "30.13"}, {"visits", "payment", "V04", "30.13"},
		{"visits", "payment", "V06", "18.08"}, {"visits", "payment", "V07", "12.05"},
		{"visits", "payment", "V08", "12.05"},
	})
	wantTotal(t, st, "132.57")
	if len(st.Flags) != 1 || st.Flags[0].Key != "V05" || st.Flags[0].Rule != "missed" {
		t.Errorf("want V05 flagged as missed, got %+v", st.Flags)
	}
	if len(st.Excluded) != 1 || st.Excluded[0].Key != "V10" || !strings.HasPrefix(st.Excluded[0].Reason, "outside the term") {
		t.Errorf("want V10 excluded outside the term, got %+v", st.Excluded)
	}
	june := eval(t, p, d, "2026-06")
	wantLines(t, june, []line{{"visits", "payment", "V09", "12.05"}})
	wantTotal(t, june, "12.05")

	p2, d2 := load(t, "time-and-task", strings.NewReplacer("rounding     half_up", "rounding     half_even"), "visits.csv")
	even := eval(t, p2, d2, "2026-05")
	wantTotal(t, even, "132.55")
	if got := lines(even)[2].amount; got != "30.12" {
		t.Errorf("V03 half_even = %s, want 30.12", got)
	}
}

// V1 — performance standards.
func TestExamplePerformanceStandards(t *testing.T) {
	p, d := load(t, "performance-standards", nil, "episodes.csv")
	type std struct{ quarter, name, fraction, percent, status, consequence string }
	want := []std{
		{"2026-Q1", "at_home", "34/40", "85.00", "met", ""},
		{"2026-Q1", "independent", "22/40", "55.00", "breach", "Performance notice"},
		{"2026-Q1", "satisfied", "25/30", "83.33", "met", ""},
		{"2026-Q2", "at_home", "31/38", "81.58", "breach", "Performance notice"},
		{"2026-Q2", "independent", "23/38", "60.53", "met", ""},
		{"2026-Q2", "satisfied", "24/32", "75.00", "breach", "Performance notice"},
		{"2026-Q3", "at_home", "34/42", "80.95", "breach", "Contract review"},
		{"2026-Q3", "independent", "27/42", "64.29", "met", ""},
		{"2026-Q3", "satisfied", "29/35", "82.86", "met", ""},
	}
	var got []std
	for _, q := range []string{"2026-Q1", "2026-Q2", "2026-Q3"} {
		st := eval(t, p, d, q)
		wantTotal(t, st, "126000.00")
		wantLines(t, st, func() []line {
			var ls []line
			first := map[string][]string{"2026-Q1": {"2026-04", "2026-05", "2026-06"}, "2026-Q2": {"2026-07", "2026-08", "2026-09"}, "2026-Q3": {"2026-10", "2026-11", "2026-12"}}[q]
			for _, m := range first {
				ls = append(ls, line{"block", "payment", m, "42000.00"})
			}
			return ls
		}())
		for _, s := range st.Standards {
			got = append(got, std{s.Instance, s.Rule, fraction(s), s.Percent(), s.Status(), s.Consequence})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d standards, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("standard %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func fraction(s runtime.StandardResult) string {
	if s.Numerator == nil {
		return ""
	}
	return itoa(*s.Numerator) + "/" + itoa(*s.Denominator)
}

// V2 — individual outcomes.
func TestExampleIndividualOutcomes(t *testing.T) {
	p, d := load(t, "individual-outcomes", nil, "reviews.csv", "goals.csv")
	st := eval(t, p, d, "2026-05")
	wantLines(t, st, []line{
		{"hours", "payment", "P1", "784.00"}, {"hours", "payment", "P2", "940.80"},
		{"hours", "payment", "P3", "666.40"}, {"hours", "payment", "P4", "392.00"},
		{"goal_fee", "incentive", "P1/G1", "300.00"}, {"goal_fee", "incentive", "P2/G1", "240.00"},
		{"satisfied", "incentive", "P1", "30.00"}, {"satisfied", "incentive", "P3", "30.00"},
		{"missed", "sanction", "P2", "-47.04"},
		{"reduced_package", "share", "P2", "78.40"},
		{"outcome_cap", "adjustment", "2026-05", "-260.92"},
	})
	wantTotal(t, st, "3153.64")
	if len(st.Caps) != 1 {
		t.Fatalf("want one cap, got %+v", st.Caps)
	}
	c := st.Caps[0]
	if c.Covered.Decimal().StringFixed(2) != "678.40" || c.Limit.Decimal().StringFixed(2) != "417.48" || c.Adjustment.Decimal().StringFixed(2) != "-260.92" {
		t.Errorf("cap: covered %s limit %s adjustment %s, want 678.40, 417.48, -260.92", c.Covered, c.Limit, c.Adjustment)
	}
	for _, sub := range st.ByRule {
		if sub.Name == "hours" && sub.Amount.Decimal().StringFixed(2) != "2783.20" {
			t.Errorf("hours total %s, want 2783.20", sub.Amount)
		}
	}
	if len(st.Flags) != 1 || st.Flags[0].Key != "P2/G2" || st.Flags[0].Rule != "feasibility" {
		t.Errorf("want only P2/G2 flagged for a feasibility review, got %+v", st.Flags)
	}
	js, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), "\n  \"total\": \"3153.64\"\n") {
		t.Errorf("JSON statement lacks the top-level total \"3153.64\"")
	}
}

// V3 — reducing budget.
func TestExampleReducingBudget(t *testing.T) {
	p, d := load(t, "reducing-budget", nil, "reviews.csv")
	years := []struct {
		year, budget, instalment, march string
		months                          []string
	}{
		{"2026-27", "905000.00", "75416.67", "75416.63", nil},
		{"2027-28", "724000.00", "60333.33", "60333.37", nil},
		{"2028-29", "633500.00", "52791.67", "52791.63", nil},
	}
	for _, y := range years {
		st := eval(t, p, d, y.year)
		wantTotal(t, st, y.budget)
		ls := lines(st)
		if len(ls) != 12 {
			t.Fatalf("%s: %d instalments, want 12", y.year, len(ls))
		}
		for i, l := range ls[:11] {
			if l.amount != y.instalment {
				t.Errorf("%s instalment %d = %s, want %s", y.year, i+1, l.amount, y.instalment)
			}
		}
		if ls[11].amount != y.march {
			t.Errorf("%s March instalment = %s, want %s", y.year, ls[11].amount, y.march)
		}
	}
	// One month settles just its instalment.
	st := eval(t, p, d, "2027-03")
	wantLines(t, st, []line{{"instalment", "payment", "2027-03", "75416.63"}})
}

// V4 — lead provider.
func TestExampleLeadProvider(t *testing.T) {
	p, d := load(t, "lead-provider", nil, "people.csv")
	st := eval(t, p, d, "2026-Q1")
	wantLines(t, st, []line{
		{"capitation", "payment", "2026-04", "184000.00"},
		{"capitation", "payment", "2026-05", "184000.00"},
		{"capitation", "payment", "2026-06", "184000.00"},
		{"release", "payment", "2026-Q1", "96600.00"},
		{"margin", "share", "2026-Q1", "-39870.00"},
	})
	wantTotal(t, st, "608730.00")
	status := map[string]string{}
	for _, s := range st.Standards {
		status[s.Rule] = s.Status()
	}
	if status["k1_at_home"] != "met" || status["k2_reduction"] != "missed" || status["k3_satisfied"] != "met" {
		t.Errorf("KPI statuses %v, want K1 met, K2 missed, K3 met", status)
	}
	for _, s := range st.Standards {
		if s.Rule == "k2_reduction" && s.Measure.String() != "0.075" {
			t.Errorf("K2 measure %s, want 0.075 (1 - 5550/6000)", s.Measure)
		}
	}
}
