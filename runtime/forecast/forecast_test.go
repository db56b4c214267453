package forecast

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

func parse(t testing.TB, c *compiler.Contract, src string) *Scenario {
	t.Helper()
	sc, err := ParseScenario(c, "s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func run(t testing.TB, c *compiler.Contract, src Source, opts Options) *Result {
	t.Helper()
	res, err := Forecast(context.Background(), c, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func jsonOf(t testing.TB, r *Result) []byte {
	t.Helper()
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministic: the same seed gives the same bytes, whatever the
// number of workers; another seed gives another forecast.
func TestDeterministic(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, baseScenario)
	opts := Options{Runs: 40, Seed: 7, Workers: 1, Vary: &Vary{Name: "hourly_rate", From: value.MustParseDecimal("18.00"), To: value.MustParseDecimal("20.00"), Steps: 3}}
	a := jsonOf(t, run(t, c, sc, opts))
	b := jsonOf(t, run(t, c, sc, opts))
	if !bytes.Equal(a, b) {
		t.Fatal("two forecasts with the same seed differ")
	}
	opts.Workers = 4
	if w4 := jsonOf(t, run(t, c, sc, opts)); !bytes.Equal(a, w4) {
		t.Fatal("the forecast with 4 workers differs from the one with 1")
	}
	opts.Seed = 8
	if s8 := jsonOf(t, run(t, c, sc, opts)); bytes.Equal(a, s8) {
		t.Fatal("seeds 7 and 8 give the same forecast")
	}
}

func checkOrdered(t *testing.T, what string, s Stats) {
	t.Helper()
	seq := []value.Decimal{s.Min, s.P10, s.P50, s.P90, s.Max}
	names := []string{"min", "P10", "P50", "P90", "max"}
	for i := 1; i < len(seq); i++ {
		if seq[i-1].Cmp(seq[i]) > 0 {
			t.Errorf("%s: %s %s is above %s %s", what, names[i-1], seq[i-1], names[i], seq[i])
		}
	}
	if s.Mean.Cmp(s.Min) < 0 || s.Mean.Cmp(s.Max) > 0 {
		t.Errorf("%s: mean %s lies outside min %s .. max %s", what, s.Mean, s.Min, s.Max)
	}
}

// TestPercentilesOrdered: min ≤ P10 ≤ P50 ≤ P90 ≤ max for every figure,
// and the term total is the sum of the periods in every run (so its mean
// is the sum of the periods' means, to within rounding).
func TestPercentilesOrdered(t *testing.T) {
	for _, dir := range []string{"individual-outcomes", "lead-provider"} {
		c := compileSpec(t, dir)
		src, err := os.ReadFile("../../specs/" + dir + "/scenario.yaml")
		if err != nil {
			t.Fatal(err)
		}
		sc := parse(t, c, string(src))
		res := run(t, c, sc, Options{Runs: 60, Seed: 3})
		for _, p := range append([]PeriodResult{res.Term}, res.Periods...) {
			checkOrdered(t, dir+" "+p.Period+" total", p.Total)
			for _, k := range p.ByKind {
				checkOrdered(t, dir+" "+p.Period+" "+k.Kind, k.Stats)
			}
		}
		sum := value.DecimalFromInt(0)
		for _, p := range res.Periods {
			sum, _ = sum.Add(p.Total.Mean)
		}
		diff, _ := sum.Sub(res.Term.Total.Mean)
		tol, _ := value.MustParseDecimal("0.01").Mul(value.DecimalFromInt(int64(len(res.Periods) + 1)))
		if diff.Abs().Cmp(tol) > 0 {
			t.Errorf("%s: the periods' means add up to %s, the term's mean is %s", dir, sum, res.Term.Total.Mean)
		}
		n := 0
		for _, b := range res.Histogram {
			n += b.Count
		}
		if n != res.Runs {
			t.Errorf("%s: the histogram counts %d runs, not %d", dir, n, res.Runs)
		}
	}
}

// TestPercentileMethod pins the method on known values: 1..10 has P10 1.9,
// P50 5.5 and P90 9.1 by linear interpolation between closest ranks.
func TestPercentileMethod(t *testing.T) {
	var xs []value.Decimal
	for i := 10; i >= 1; i-- {
		xs = append(xs, value.DecimalFromInt(int64(i)))
	}
	s := summarize(xs, 2)
	got := fmt.Sprintf("%s %s %s %s %s %s", s.Mean, s.P10, s.P50, s.P90, s.Min, s.Max)
	if want := "5.50 1.90 5.50 9.10 1.00 10.00"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Exact, then rounded half-up: the median of 0.00 and 0.01 is 0.005.
	s = summarize([]value.Decimal{value.MustParseDecimal("0.01"), value.MustParseDecimal("0.00")}, 2)
	if s.P50.String() != "0.01" || s.Mean.String() != "0.01" {
		t.Errorf("median and mean of 0.00 and 0.01: got %s and %s, want 0.01 (half-up)", s.P50, s.Mean)
	}
	// One run: every figure is that run's.
	s = summarize([]value.Decimal{value.MustParseDecimal("-12.345")}, 2)
	if got := fmt.Sprint(s.Mean, s.P10, s.P90, s.Min); got != "-12.35 -12.35 -12.35 -12.35" {
		t.Errorf("one run: got %s", got)
	}
}

// TestSensitivityMonotone sweeps the hourly rate: with the same runs at
// every step, every figure of the total rises with it.
func TestSensitivityMonotone(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, baseScenario)
	res := run(t, c, sc, Options{Runs: 30, Seed: 5, Vary: &Vary{Name: "hourly_rate", From: value.MustParseDecimal("15.00"), To: value.MustParseDecimal("25.00"), Steps: 6}})
	steps := res.Sensitivity.Steps
	if len(steps) != 6 || steps[0].Value != "15.00" || steps[5].Value != "25.00" || steps[1].Value != "17.00" {
		t.Fatalf("steps: %+v", steps)
	}
	for i := 1; i < len(steps); i++ {
		a, b := steps[i-1].Total, steps[i].Total
		if a.Mean.Cmp(b.Mean) >= 0 || a.P10.Cmp(b.P10) >= 0 || a.P90.Cmp(b.P90) >= 0 {
			t.Errorf("step %s -> %s: mean %s -> %s, P10 %s -> %s, P90 %s -> %s: not rising",
				steps[i-1].Value, steps[i].Value, a.Mean, b.Mean, a.P10, b.P10, a.P90, b.P90)
		}
	}
	// The base forecast is the contract's own rate, £19.60, between the
	// steps £19.00 and £21.00.
	if res.Term.Total.Mean.Cmp(steps[2].Total.Mean) <= 0 || res.Term.Total.Mean.Cmp(steps[3].Total.Mean) >= 0 {
		t.Errorf("base mean %s is not between %s and %s", res.Term.Total.Mean, steps[2].Total.Mean, steps[3].Total.Mean)
	}
}

// TestVaryVar sweeps a scenario var: the chance a goal is achieved. More
// goals achieved pay more incentive, up to the cap, and a step that makes a weight
// invalid is reported at the scenario's line.
func TestVaryVar(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	src := "vars:\n  achieved: 0.5\n" + strings.Replace(baseScenario, "achieved: 0.5,", "achieved: $achieved,", 1)
	sc := parse(t, c, src)
	res := run(t, c, sc, Options{Runs: 20, Seed: 2, Vary: &Vary{Name: "achieved", From: value.MustParseDecimal("0.2"), To: value.MustParseDecimal("0.8"), Steps: 4}})
	// Every run draws the same numbers at every step, so a goal achieved
	// at one step is achieved at every higher one: the total never falls.
	// It need not rise at every step: once the outcome cap binds, more
	// goals achieved pay nothing more.
	var labels []string
	steps := res.Sensitivity.Steps
	for i, st := range steps {
		labels = append(labels, st.Value)
		if i > 0 && st.Total.Min.Cmp(steps[i-1].Total.Min) < 0 || i > 0 && st.Total.Mean.Cmp(steps[i-1].Total.Mean) < 0 {
			t.Errorf("the total falls from achieved %s to %s: %+v", steps[i-1].Value, st.Value, steps)
		}
	}
	if steps[len(steps)-1].Total.Mean.Cmp(steps[0].Total.Mean) <= 0 {
		t.Errorf("the mean does not rise from achieved %s to %s", steps[0].Value, steps[len(steps)-1].Value)
	}
	if got := strings.Join(labels, " "); got != "0.2 0.4 0.6 0.8" {
		t.Errorf("steps %s", got)
	}
	if res.Sensitivity.Kind != "var" {
		t.Errorf("kind %s", res.Sensitivity.Kind)
	}
	_, err := Forecast(context.Background(), c, sc, Options{Runs: 2, Vary: &Vary{Name: "achieved", From: value.MustParseDecimal("0.5"), To: value.MustParseDecimal("0.9"), Steps: 2}})
	want := "s.yaml:15:71 [scenario-bad-value] data goal, field status, categorical, weight of not_met: rest is 1 minus the other weights, but they add up to 1.1, more than 1" +
		" (at achieved = 0.9, a step of the sweep of achieved from 0.5 to 0.9)"
	if got := diagnosticsText(t, err); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	_, err = Forecast(context.Background(), c, sc, Options{Runs: 2, Vars: map[string]value.Decimal{"achieved": value.MustParseDecimal("1.5")}})
	want = "s.yaml:15:71 [scenario-bad-value] data goal, field status, categorical, weight of not_met: rest is 1 minus the other weights, but they add up to 1.7, more than 1" +
		" (with achieved = 1.5)"
	if got := diagnosticsText(t, err); got != want {
		t.Errorf("achieved set to 1.5: got %s\nwant %s", got, want)
	}
	money := func(s string) value.Money { return value.MoneyOf(value.MustParseDecimal(s)) }
	for _, bad := range []struct {
		name string
		opts Options
		want string
	}{
		{"unknown vary", Options{Vary: &Vary{Name: "hourly_rat", From: value.MustParseDecimal("1"), To: value.MustParseDecimal("2")}},
			`[unknown-param] there is no contract param or scenario var named "hourly_rat"; did you mean "hourly_rate"?`},
		{"one step", Options{Vary: &Vary{Name: "hourly_rate", From: value.MustParseDecimal("1"), To: value.MustParseDecimal("2"), Steps: 1}},
			`[bad-vary] a sweep takes 2 to 101 steps, not 1`},
		{"days not whole", Options{Vary: &Vary{Name: "quick_within", From: value.MustParseDecimal("28.5"), To: value.MustParseDecimal("56")}},
			`[bad-vary] param quick_within is a whole number, but the sweep is from 28.5 to 56`},
		{"unknown param", Options{Params: map[string]ref.Val{"hourly_rat": money("20.00")}},
			`[unknown-param] the contract has no param "hourly_rat"; did you mean "hourly_rate"?`},
		{"param of the wrong type", Options{Params: map[string]ref.Val{"hourly_rate": value.MustParseDecimal("20")}},
			`[bad-param-value] param hourly_rate is money, not decimal`},
		{"runs", Options{Runs: MaxRuns + 1}, `[bad-runs] runs must be between 1 and 1,000,000`},
	} {
		if bad.opts.Runs == 0 {
			bad.opts.Runs = 2
		}
		_, err := Forecast(context.Background(), c, sc, bad.opts)
		ds, ok := err.(lang.Diagnostics)
		if !ok || len(ds) != 1 {
			t.Errorf("%s: got %v; want one diagnostic", bad.name, err)
			continue
		}
		if got := "[" + ds[0].Code + "] " + ds[0].Message; got != bad.want || ds[0].Span.IsValid() {
			t.Errorf("%s: got %s (span %v)\nwant %s", bad.name, got, ds[0].Span, bad.want)
		}
	}
}

// fixedScenario has every value fixed, so every run is the same: 3 people
// at the start, 2 joining and 1 leaving each month.
const fixedScenario = `cohort:
  size: 3
  joiners: 2
  leavers: 1
data:
  review:
    planned_hours: 40
    actual_hours: 36.5
    missed_visits: 3
    satisfaction: 5
    goals: 2
  goal:
    status: achieved
    agreed_on: {days: -30}
    met_on: {from: agreed_on, days: 20}
`

// fixedCSV writes the data fixedScenario describes, as the CSV files
// occ eval reads: month m (from 0) has 3 + m people.
func fixedCSV() (reviews, goals string) {
	var r, g strings.Builder
	r.WriteString("person,month,planned_hours,actual_hours,missed_visits,satisfaction\n")
	g.WriteString("person,month,goal,status,agreed_on,met_on\n")
	month := value.MustParseDate("2026-04-01")
	for m := range 12 {
		for i := range 3 + m {
			p := fmt.Sprintf("Q%d", i+1)
			fmt.Fprintf(&r, "%s,%s,40,36.5,3,5\n", p, month)
			agreed := month.AddDays(-30)
			for _, goal := range []string{"G1", "G2"} {
				fmt.Fprintf(&g, "%s,%s,%s,achieved,%s,%s\n", p, month, goal, agreed, agreed.AddDays(20))
			}
		}
		month = month.AddMonths(1)
	}
	return r.String(), g.String()
}

// TestFixedScenarioMatchesEval: a scenario of fixed values forecasts, in
// every period and kind, exactly what the evaluator pays on the
// equivalent data, with no spread.
func TestFixedScenarioMatchesEval(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, fixedScenario)
	res := run(t, c, sc, Options{Runs: 25, Seed: 11})
	rv, gl := fixedCSV()
	d, errs := data.Load(c, []data.Input{{Path: "reviews.csv", Open: data.Bytes([]byte(rv))}, {Path: "goals.csv", Open: data.Bytes([]byte(gl))}})
	if errs != nil {
		t.Fatal(errs)
	}
	prog, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := prog.Eval(context.Background(), d, compiler.Period{})
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, s Stats, want value.Money) {
		w := want.Decimal().StringFixed(2)
		for _, x := range []value.Decimal{s.Mean, s.P10, s.P50, s.P90, s.Min, s.Max} {
			if x.StringFixed(2) != w {
				t.Errorf("%s: forecast %+v, eval %s", what, s, w)
				return
			}
		}
	}
	same("term total", res.Term.Total, st.Total)
	if len(res.Periods) != len(st.Periods) {
		t.Fatalf("%d periods forecast, %d evaluated", len(res.Periods), len(st.Periods))
	}
	for i, p := range st.Periods {
		same(p.Period, res.Periods[i].Total, p.Total)
	}
	for _, k := range res.Term.ByKind {
		want := value.MoneyOf(value.DecimalFromInt(0))
		for _, sub := range st.ByKind {
			if sub.Name == k.Kind {
				want = sub.Amount
			}
		}
		same("term "+k.Kind, k.Stats, want)
	}
	if st.Total.Sign() <= 0 {
		t.Fatal("the fixed scenario pays nothing")
	}
}

// TestCohortTimeline: month m of the fixed scenario has 3 + m people, each
// with one review and two goals, every person named once a month.
func TestCohortTimeline(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, fixedScenario)
	g := newGenerator(sc)
	d, err := g.dataset(1, 1, 11)
	if err != nil {
		t.Fatal(err)
	}
	perMonth := map[string]map[string]bool{}
	for _, r := range d.Records["review"] {
		m := r.Field(1).(value.Date).String()
		if perMonth[m] == nil {
			perMonth[m] = map[string]bool{}
		}
		p := string(r.Field(0).(types.String))
		if perMonth[m][p] {
			t.Errorf("%s has two reviews in %s", p, m)
		}
		perMonth[m][p] = true
		goals := r.Field(c.Schema("review").FieldByName("goals").Index).(interface{ Size() ref.Val })
		if goals.Size() != types.Int(2) {
			t.Errorf("a review has %v goals", goals.Size())
		}
	}
	month := value.MustParseDate("2026-04-01")
	for m := range 12 {
		if n := len(perMonth[month.String()]); n != 3+m {
			t.Errorf("%s: %d people, want %d", month, n, 3+m)
		}
		month = month.AddMonths(1)
	}
}

// TestGeneratedValuesInRange draws many runs of each spec scenario and
// checks every value against its field: within its range, an enum value,
// blank only when optional, lists no longer than their maximum, and met_on
// only on achieved goals.
func TestGeneratedValuesInRange(t *testing.T) {
	for _, dir := range []string{"individual-outcomes", "lead-provider"} {
		c := compileSpec(t, dir)
		src, _ := os.ReadFile("../../specs/" + dir + "/scenario.yaml")
		sc := parse(t, c, string(src))
		g := newGenerator(sc)
		seen := 0
		var check func(s *compiler.Schema, r *value.Record)
		check = func(s *compiler.Schema, r *value.Record) {
			seen++
			for _, f := range s.Fields {
				v := r.Field(f.Index)
				if v == nil {
					if !f.Optional {
						t.Fatalf("%s.%s is blank", s.Name, f.Name)
					}
					continue
				}
				if f.Min != nil && cmpBound(boundDec(v), f.Min) < 0 || f.Max != nil && cmpBound(boundDec(v), f.Max) > 0 {
					t.Fatalf("%s.%s = %v is outside %s", s.Name, f.Name, v, rangeText(f))
				}
				switch f.Kind {
				case compiler.EnumField:
					ok := false
					for _, e := range f.Enum {
						ok = ok || string(v.(types.String)) == e
					}
					if !ok {
						t.Fatalf("%s.%s = %v", s.Name, f.Name, v)
					}
				case compiler.ListField:
					l := v.(interface {
						Size() ref.Val
						Get(ref.Val) ref.Val
					})
					n := int(l.Size().(types.Int))
					if n > f.MaxItems {
						t.Fatalf("%s.%s has %d records", s.Name, f.Name, n)
					}
					for i := range n {
						check(f.Elem, l.Get(types.Int(i)).(*value.Record))
					}
				}
			}
			if s.Name == "goal" {
				status := string(r.Field(s.FieldByName("status").Index).(types.String))
				if met := r.Field(s.FieldByName("met_on").Index); (met != nil) != (status == "achieved") {
					t.Fatalf("goal %s has met_on %v", status, met)
				}
			}
		}
		for run := range 10 {
			d, err := g.dataset(9, uint64(run), 11)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.TopSchemas() {
				for _, r := range d.Records[s.Name] {
					check(s, r)
				}
			}
		}
		if seen < 1000 {
			t.Errorf("%s: only %d records", dir, seen)
		}
	}
}

// TestPerPerson: a per-person value is the same in every month of a
// person.
func TestPerPerson(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, baseScenario)
	d, err := newGenerator(sc).dataset(4, 4, 11)
	if err != nil {
		t.Fatal(err)
	}
	planned := map[string]string{}
	distinct := map[string]bool{}
	for _, r := range d.Records["review"] {
		p := string(r.Field(0).(types.String))
		v := fmt.Sprint(r.Field(2))
		if old, ok := planned[p]; ok && old != v {
			t.Fatalf("%s has planned_hours %s and %s", p, old, v)
		}
		planned[p] = v
		distinct[v] = true
	}
	if len(distinct) < 5 {
		t.Errorf("only %d distinct planned_hours", len(distinct))
	}
}

// TestPeriods: --periods limits the report, and the term row sums the
// periods reported.
func TestPeriods(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, fixedScenario)
	all := run(t, c, sc, Options{Runs: 3, Seed: 1})
	part := run(t, c, sc, Options{Runs: 3, Seed: 1, Periods: "2026-06..2026-08"})
	if len(part.Periods) != 3 || part.Term.Period != "2026-06 .. 2026-08" {
		t.Fatalf("periods %d, term %s", len(part.Periods), part.Term.Period)
	}
	sum := value.DecimalFromInt(0)
	for i, p := range part.Periods {
		if p.Total.Mean.Cmp(all.Periods[i+2].Total.Mean) != 0 {
			t.Errorf("%s: %s alone, %s in the whole term", p.Period, p.Total.Mean, all.Periods[i+2].Total.Mean)
		}
		sum, _ = sum.Add(p.Total.Mean)
	}
	if sum.Cmp(part.Term.Total.Mean) != 0 {
		t.Errorf("periods add up to %s, term %s", sum, part.Term.Total.Mean)
	}
	for _, bad := range []string{"2026-13", "2026-08..2026-06", "2026-Q1"} {
		_, err := Forecast(context.Background(), c, sc, Options{Runs: 1, Periods: bad})
		ds, ok := err.(lang.Diagnostics)
		if !ok || len(ds) != 1 || ds[0].Code != CodeBadPeriods || strings.Contains(ds[0].Message, "--periods") {
			t.Errorf("periods %s: got %v", bad, err)
			continue
		}
		if want := `"2026-13" is not a settlement period of the term; the periods are 2026-04 .. 2027-03 (write term, one period, or FROM..TO)`; bad == "2026-13" && ds[0].Message != want {
			t.Errorf("periods %s: %s\nwant %s", bad, ds[0].Message, want)
		}
	}
}

// TestLeadProviderCapsAndStandards: a quarterly contract's standards are
// reported per quarter, and a scenario where nobody is at home always
// breaches K1.
func TestLeadProviderCapsAndStandards(t *testing.T) {
	c := compileSpec(t, "lead-provider")
	src, _ := os.ReadFile("../../specs/lead-provider/scenario.yaml")
	sc := parse(t, c, string(src))
	res := run(t, c, sc, Options{Runs: 10, Seed: 1, Vars: map[string]value.Decimal{"at_home": value.MustParseDecimal("0.2")}})
	if len(res.Standards) != 3 || res.Standards[0].Rule != "k1_at_home" {
		t.Fatalf("standards %+v", res.Standards)
	}
	k1 := res.Standards[0]
	if k1.Runs != 10 || k1.Chance.String() != "1.0000" || len(k1.ByPeriod) != 4 || k1.ByPeriod[0].Period != "2026-Q1" {
		t.Errorf("k1: %+v", k1)
	}
	if !res.Vars[0].Set || res.Vars[0].Value.String() != "0.2" {
		t.Errorf("vars %+v", res.Vars)
	}
}

// TestBootstrap resamples the lead provider's own data: deterministic, and
// the resample of a run has as many people as the data.
func TestBootstrap(t *testing.T) {
	c := compileSpec(t, "lead-provider")
	b, err := os.ReadFile("../../specs/lead-provider/people.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, errs := data.Load(c, []data.Input{{Path: "people.csv", Open: data.Bytes(b)}})
	if errs != nil {
		t.Fatal(errs)
	}
	bs, err := NewBootstrap(c, d)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := bs.dataset(1, 2, 11)
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]bool{}
	for _, r := range ds.Records["enrolment"] {
		people[string(r.Field(0).(types.String))] = true
	}
	if len(people) != bs.People() || bs.People() != 200 {
		t.Errorf("%d people in a resample of %d", len(people), bs.People())
	}
	res1 := jsonOf(t, run(t, c, bs, Options{Runs: 20, Seed: 4}))
	res2 := jsonOf(t, run(t, c, bs, Options{Runs: 20, Seed: 4, Workers: 3}))
	if !bytes.Equal(res1, res2) {
		t.Error("bootstrap forecasts differ")
	}
	if !bytes.Contains(res1, []byte(`"kind": "bootstrap"`)) {
		t.Error("the JSON does not say it is a bootstrap")
	}
}

// TestScenarioDoesNotFit: a contract whose data is not one record per
// person per month is refused with a clear error.
func TestScenarioDoesNotFit(t *testing.T) {
	c := compileSpec(t, "time-and-task")
	_, err := ParseScenario(c, "s.yaml", []byte("cohort: {size: 5}\ndata:\n  visit:\n    planned_minutes: 30\n    actual_minutes: 30\n"))
	want := "s.yaml:3:3 [scenario-does-not-fit] data visit: data visit is keyed by visit as well as person and date; a scenario makes one record per person per month, which does not fit this contract" +
		" (resample real data instead)"
	if got := diagnosticsText(t, err); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// referenceSrc prices invoices at their package's rate, from reference
// data.
const referenceSrc = `contract "Packages" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data care_package "Care package rates" {
  reference
  code        text key
  weekly_rate money
}

data invoice "Weeks of care" {
  person       text key
  month        date key
  package_code text
  weeks        int
}

payment care "Care at the package rate" {
  for    invoice
  amount = care_package[invoice.package_code].weekly_rate * invoice.weeks
}
`

// TestBootstrapKeepsReferenceData: a resample draws people's invoices but
// keeps every package, so each run prices the invoices it drew; a
// scenario, which would have to make the packages up, is refused.
func TestBootstrapKeepsReferenceData(t *testing.T) {
	_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "contract.occ", Text: []byte(referenceSrc)}})
	if c == nil {
		t.Fatal(ds)
	}
	d, errs := data.Load(c, []data.Input{
		{Path: "packages.csv", Open: data.Bytes([]byte("code,weekly_rate\nP1,£250.00\nP2,£400.00\n"))},
		{Path: "invoices.csv", Open: data.Bytes([]byte("person,month,package_code,weeks\nA,2026-05-01,P1,2\nB,2026-05-01,P2,1\n"))},
	})
	if errs != nil {
		t.Fatal(errs)
	}
	bs, err := NewBootstrap(c, d)
	if err != nil {
		t.Fatal(err)
	}
	for run := range uint64(10) {
		got, err := bs.dataset(1, run, 11)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Records["care_package"]) != 2 || len(got.Records["invoice"]) != 2 {
			t.Fatalf("run %d: %d packages and %d invoices, want 2 and 2", run, len(got.Records["care_package"]), len(got.Records["invoice"]))
		}
	}
	// Each run is two invoices drawn from A's £500.00 and B's £400.00: a
	// total of 800.00, 900.00 or 1,000.00, never an error.
	res := run(t, c, bs, Options{Runs: 20, Seed: 4})
	tot := res.Term.Total
	for _, k := range []value.Decimal{tot.Min, tot.Max} {
		if s := k.StringFixed(2); s != "800.00" && s != "900.00" && s != "1000.00" {
			t.Errorf("a run's total is %s", s)
		}
	}
	_, err = ParseScenario(c, "s.yaml", []byte("cohort: {size: 5}\ndata:\n  invoice:\n    weeks: 1\n"))
	if err == nil || !strings.Contains(err.Error(), "reference data care_package, which a scenario cannot generate") {
		t.Errorf("scenario: %v", err)
	}
}

// TestTableEntryVaryAndSet: one entry of a table param is set and swept
// as a param is, by NAME.KEY. On care-packages' own data (resampled), a
// rural uplift of 0%, 5% and 10% moves every run's total up with it, and
// the report lists the entry set.
func TestTableEntryVaryAndSet(t *testing.T) {
	c := compileSpec(t, "care-packages")
	var in []data.Input
	for _, name := range []string{"packages.csv", "invoices.csv"} {
		b, err := os.ReadFile("../../specs/care-packages/" + name)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, data.Input{Path: name, Open: data.Bytes(b)})
	}
	d, errs := data.Load(c, in)
	if errs != nil {
		t.Fatal(errs)
	}
	bs, err := NewBootstrap(c, d)
	if err != nil {
		t.Fatal(err)
	}
	budget, err := c.ParseParam("monthly_budget", "£100,000.00")
	if err != nil {
		t.Fatal(err)
	}
	urban, err := c.ParseParam("area_uplift.urban", "0%")
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, c, bs, Options{Runs: 10, Seed: 3,
		Params: map[string]ref.Val{"monthly_budget": budget, "area_uplift.urban": urban},
		Vary:   &Vary{Name: "area_uplift.rural", From: value.MustParseDecimal("0"), To: value.MustParseDecimal("0.1"), Steps: 3}})
	steps := res.Sensitivity.Steps
	if len(steps) != 3 || steps[0].Total.Mean.Cmp(steps[1].Total.Mean) >= 0 || steps[1].Total.Mean.Cmp(steps[2].Total.Mean) >= 0 {
		t.Fatalf("the totals do not rise with the rural uplift: %+v", steps)
	}
	var set []string
	for _, p := range res.Params {
		if p.Set {
			set = append(set, p.Name)
		}
	}
	if got := strings.Join(set, " "); got != "area_uplift.urban monthly_budget" {
		t.Errorf("params set: %q", got)
	}
	if _, err := TargetKind(c, bs, "area_uplift"); err == nil || !strings.Contains(err.Error(), `there is no contract param named "area_uplift"; did you mean "area_uplift.`) {
		t.Errorf("a whole table as a target: %v", err)
	}
}
