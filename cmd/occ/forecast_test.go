package main

// Tests of occ forecast through run(), as a user calls it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

const (
	outcomesDir = "../../specs/individual-outcomes"
	leadDir     = "../../specs/lead-provider"
)

// forecastJSON is the part of the forecast JSON these tests read.
type forecastJSON struct {
	Version int `json:"version"`
	Runs    int `json:"runs"`
	Term    struct {
		Period string                       `json:"period"`
		Total  map[string]any               `json:"total"`
		ByKind map[string]map[string]string `json:"by_kind"`
	} `json:"term"`
	Periods []struct {
		Period string            `json:"period"`
		Total  map[string]string `json:"total"`
	} `json:"periods"`
	Caps        []map[string]any `json:"caps"`
	Sensitivity *struct {
		Name  string `json:"name"`
		Steps []struct {
			Value string            `json:"value"`
			Total map[string]string `json:"total"`
		} `json:"steps"`
	} `json:"sensitivity"`
}

func decodeForecast(t *testing.T, out string) forecastJSON {
	t.Helper()
	var f forecastJSON
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("forecast JSON: %v\n%s", err, out)
	}
	return f
}

func dec(t *testing.T, s any) value.Decimal {
	t.Helper()
	d, err := value.ParseDecimal(fmt.Sprint(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestForecastSameBytes: the same command prints the same bytes, whatever
// --workers, with P10 ≤ P50 ≤ P90 in every period.
func TestForecastSameBytes(t *testing.T) {
	args := []string{"forecast", outcomesDir + "/contract.occ", "--scenario", outcomesDir + "/scenario.yaml", "--runs", "60", "--seed", "7", "--format", "json"}
	code, a, stderr := evalRun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, b, _ := evalRun(t, args...)
	_, c, _ := evalRun(t, append(args, "--workers", "3")...)
	if a != b || a != c {
		t.Fatal("the same forecast printed different bytes")
	}
	f := decodeForecast(t, a)
	if f.Version != 1 || f.Runs != 60 || len(f.Periods) != 12 || f.Term.Period != "term" {
		t.Fatalf("version %d, runs %d, %d periods, term %q", f.Version, f.Runs, len(f.Periods), f.Term.Period)
	}
	check := func(what string, s map[string]string) {
		p10, p50, p90 := dec(t, s["p10"]), dec(t, s["p50"]), dec(t, s["p90"])
		if p10.Cmp(p50) > 0 || p50.Cmp(p90) > 0 || dec(t, s["min"]).Cmp(p10) > 0 || p90.Cmp(dec(t, s["max"])) > 0 {
			t.Errorf("%s: %v is out of order", what, s)
		}
	}
	for _, p := range f.Periods {
		check(p.Period, p.Total)
	}
	for k, s := range f.Term.ByKind {
		check("term "+k, s)
	}
}

// TestForecastFixedEqualsEval writes a scenario of fixed values and the
// data it describes, and checks that the forecast's mean is, to the penny,
// what occ eval pays on that data, with no spread.
func TestForecastFixedEqualsEval(t *testing.T) {
	dir := t.TempDir()
	scenario := `# Every value fixed: each run is the same.
cohort:
  size: 4
  joiners: 2
  leavers: 1
data:
  review:
    planned_hours: 42.5
    actual_hours: 40
    missed_visits: 3
    satisfaction: 4
    goals: 2
  goal:
    status: achieved
    agreed_on: {days: -50}
    met_on: {from: agreed_on, days: 30}
`
	var reviews, goals strings.Builder
	reviews.WriteString("person,month,planned_hours,actual_hours,missed_visits,satisfaction\n")
	goals.WriteString("person,month,goal,status,agreed_on,met_on\n")
	month := value.MustParseDate("2026-04-01")
	for m := range 12 {
		for i := range 4 + m { // 4 at the start; each month 2 join and 1 leaves
			agreed := month.AddDays(-50)
			fmt.Fprintf(&reviews, "R%d,%s,42.5,40,3,4\n", i, month)
			fmt.Fprintf(&goals, "R%d,%s,G1,achieved,%s,%s\nR%d,%s,G2,achieved,%s,%s\n", i, month, agreed, agreed.AddDays(30), i, month, agreed, agreed.AddDays(30))
		}
		month = month.AddMonths(1)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sc := write("fixed.yaml", scenario)
	rv := write("reviews.csv", reviews.String())
	gl := write("goals.csv", goals.String())

	code, evalOut, stderr := evalRun(t, "eval", outcomesDir, "--data", rv, "--data", gl, "--format", "json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var st struct {
		Total   string `json:"total"`
		Periods []struct {
			Period string `json:"period"`
			Total  string `json:"total"`
		} `json:"periods"`
		Subtotals struct {
			ByKind []struct {
				Name   string `json:"name"`
				Amount string `json:"amount"`
			} `json:"by_kind"`
		} `json:"subtotals"`
	}
	if err := json.Unmarshal([]byte(evalOut), &st); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", sc, "--runs", "20", "--seed", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	f := decodeForecast(t, out)
	same := func(what string, s map[string]string, want string) {
		for _, k := range []string{"mean", "p10", "p50", "p90", "min", "max"} {
			if s[k] != want {
				t.Errorf("%s: forecast %s %s, occ eval %s", what, k, s[k], want)
			}
		}
	}
	total := map[string]string{}
	for k, v := range f.Term.Total {
		total[k] = fmt.Sprint(v)
	}
	same("term", total, st.Total)
	if len(f.Periods) != len(st.Periods) {
		t.Fatalf("%d periods forecast, %d evaluated", len(f.Periods), len(st.Periods))
	}
	for i, p := range st.Periods {
		same(p.Period, f.Periods[i].Total, p.Total)
	}
	for _, k := range st.Subtotals.ByKind {
		same("term "+k.Name, f.Term.ByKind[k.Name], k.Amount)
	}
	t.Logf("occ eval total %s; forecast mean %s", st.Total, total["mean"])
}

// badScenario has five mistakes for the individual-outcomes contract.
const badScenario = `cohort:
  size: 0
data:
  review:
    planned_hours: {normal: {mean: 30, sd: 5, min: 0, max: 500}}
    actual_hours: 30
    missed_visit: 0
    satisfaction: {chance: 1.5, fixed: 4}
    goals: 0
`

func writeBadScenario(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(p, []byte(badScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestForecastScenarioErrors: a bad scenario exits 1 and names the file,
// line and column of each mistake, quoting the line with a caret under
// the mistake.
func TestForecastScenarioErrors(t *testing.T) {
	p := writeBadScenario(t)
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", p)
	want := p + `:2:3: error: cohort: the cohort is empty: size is 0 and nobody joins, so there is nothing to forecast; give a size or joiners [scenario-bad-value]
  size: 0
  ^~~~

` + p + `:4:3: error: data review: the contract reads field missed_visits, but the scenario gives no distribution for it; give it (write blank for an optional field that is always empty) [scenario-missing]
  review:
  ^~~~~~

` + p + `:5:29: error: data review, field planned_hours: the distribution can produce 0 .. 500, outside the range of planned_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]
    planned_hours: {normal: {mean: 30, sd: 5, min: 0, max: 500}}
                            ^

` + p + `:7:5: error: data review: data review has no field "missed_visit"; did you mean "missed_visits"? [scenario-unknown-key]
    missed_visit: 0
    ^~~~~~~~~~~~

` + p + `:8:28: error: data review, field satisfaction, chance: a probability must lie between 0 and 1 (or 0% and 100%); 1.5 is outside [scenario-bad-value]
    satisfaction: {chance: 1.5, fixed: 4}
                           ^~~

scenario: 5 errors; no forecast produced
`
	if code != 1 || out != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, stderr, want)
	}
}

// TestForecastScenarioErrorsJSON: with --format json the scenario's
// mistakes are written to stderr as diagnostics JSON, each with its file,
// line and column, and nothing is written to stdout.
func TestForecastScenarioErrorsJSON(t *testing.T) {
	p := writeBadScenario(t)
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", p, "--format", "json")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q; want exit 1 and nothing", code, out)
	}
	var report struct {
		Version     int `json:"version"`
		Errors      int `json:"errors"`
		Diagnostics []struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Code     string `json:"code"`
			Message  string `json:"message"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stderr), &report); err != nil {
		t.Fatalf("stderr is not diagnostics JSON: %v\n%s", err, stderr)
	}
	var got []string
	for _, d := range report.Diagnostics {
		if d.File != p || d.Severity != "error" {
			t.Errorf("file %q, severity %q", d.File, d.Severity)
		}
		got = append(got, fmt.Sprintf("%d:%d %s %s", d.Line, d.Column, d.Code, strings.SplitN(d.Message, ":", 2)[0]))
	}
	want := []string{
		"2:3 scenario-bad-value cohort",
		"4:3 scenario-missing data review",
		"5:29 scenario-bad-value data review, field planned_hours",
		"7:5 scenario-unknown-key data review",
		"8:28 scenario-bad-value data review, field satisfaction, chance",
	}
	if report.Version != 1 || report.Errors != 5 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("version %d, %d errors:\n%s\nwant:\n%s", report.Version, report.Errors, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestForecastDoesNotFit: the hint for a contract a scenario cannot
// describe names the flag that resamples real data.
func TestForecastDoesNotFit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "visits.yaml")
	if err := os.WriteFile(p, []byte("cohort: {size: 5}\ndata:\n  visit:\n    planned_minutes: 30\n    actual_minutes: 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evalRun(t, "forecast", "../../specs/time-and-task", "--scenario", p)
	if code != 1 || !strings.Contains(stderr, p+":3:3: error: data visit: data visit is keyed by visit") ||
		!strings.Contains(stderr, "[scenario-does-not-fit]\n  visit:\n  ^~~~~\n  hint: use --from to resample real data instead\n") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

func TestForecastUsage(t *testing.T) {
	sc := outcomesDir + "/scenario.yaml"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"forecast", outcomesDir}, "give either --scenario FILE or --from FILE"},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--from", outcomesDir + "/reviews.csv"}, "give either --scenario FILE or --from FILE"},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--format", "csv"}, `unknown format "csv"`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "hourly_rat=£1..£2"}, `did you mean "hourly_rate"?`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--set", "nothing=1"}, `there is no contract param or scenario var named "nothing"`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--periods", "2030-01"}, `"2030-01" is not a settlement period`},
		{[]string{"forecast", outcomesDir, "--scenario", "no-such.yaml"}, "cannot read scenario no-such.yaml"},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--runs", "0"}, "--runs must be at least 1"},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--runs", "1000001"}, "--runs must be at most 1,000,000"},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--set", "hourly_rate"}, `--set "hourly_rate": write NAME=VALUE`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--set", "hourly_rate=12"}, `--set hourly_rate=12: param hourly_rate is money, but "12" is a whole number`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--set", "achieved=lots"}, `--set achieved=lots: "lots" is not a number`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "hourly_rate"}, `--vary "hourly_rate": write NAME=FROM..TO or NAME=FROM..TO:STEPS`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "hourly_rate=£1"}, `--vary "hourly_rate=£1": write the range as FROM..TO`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "hourly_rate=£1..£2:1"}, `--vary "hourly_rate=£1..£2:1": STEPS must be a whole number from 2 to 101`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "hourly_rate=1..2"}, `--vary "hourly_rate=1..2": param hourly_rate is money, but "1" is a whole number`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--vary", "achieved=x..1"}, `--vary "achieved=x..1": "x" is not a number`},
		{[]string{"forecast", outcomesDir, "--scenario", sc, "--periods", "2026-08..2026-06"}, `--periods "2026-08..2026-06": 2026-08 comes after 2026-06`},
	} {
		code, out, stderr := evalRun(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, stderr, tc.want)
		}
	}
}

// TestForecastTextAndHTML: the text summary has its sections, and --html
// writes the page.
func TestForecastTextAndHTML(t *testing.T) {
	page := filepath.Join(t.TempDir(), "report.html")
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20",
		"--vary", "achieved=0.3..0.7:3", "--set", "hourly_rate=£20.00", "--html", page)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr (not a terminal, so no progress bar): %q", stderr)
	}
	for _, s := range []string{"Forecast: Help to Live at Home", "Whole term (GBP)", "Total by period", "Distribution of the total",
		"outcome_cap (cap):", "Sensitivity of the total for the term to achieved (scenario var)", "Set: hourly_rate=20.00", "Percentiles: linear interpolation"} {
		if !strings.Contains(out, s) {
			t.Errorf("the summary has no %q:\n%s", s, out)
		}
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`data-chart="sensitivity"`)) || !bytes.Contains(b, []byte(`data-chart="total"`)) {
		t.Error("the page lacks its charts")
	}
}

// TestForecastFrom resamples the lead provider's own data.
func TestForecastFrom(t *testing.T) {
	code, out, stderr := evalRun(t, "forecast", leadDir, "--from", leadDir+"/people.csv", "--runs", "30", "--format", "json", "--vary", "capitation_rate=£1,100.00..£1,200.00:3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f := decodeForecast(t, out)
	if len(f.Periods) != 1 || f.Periods[0].Period != "2026-Q1" || f.Sensitivity == nil || len(f.Sensitivity.Steps) != 3 {
		t.Fatalf("%d periods, sensitivity %+v", len(f.Periods), f.Sensitivity)
	}
	if !strings.Contains(out, `"kind": "bootstrap"`) {
		t.Error("not reported as a bootstrap")
	}
	code, _, stderr = evalRun(t, "forecast", leadDir, "--from", leadDir+"/people.csv", "--vary", "at_home=0.5..0.9")
	if code != 2 || !strings.Contains(stderr, `there is no contract param named "at_home"`) {
		t.Errorf("vary a var with --from: exit %d: %s", code, stderr)
	}
}

// TestForecastSetVar: --set gives a scenario var a value for the whole
// forecast, reported as set; a value that makes the scenario invalid is
// reported at the line that uses the var, with the value in the hint.
func TestForecastSetVar(t *testing.T) {
	sc := outcomesDir + "/scenario.yaml"
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", sc, "--runs", "5", "--format", "json",
		"--set", "achieved=60%", "--set", "hourly_rate = £20.00")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f struct {
		Params []struct {
			Name, Value string
			Set         bool
		} `json:"params"`
		Vars []struct {
			Name, Value string
			Set         bool
		} `json:"vars"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range f.Params {
		if p.Set {
			got = append(got, "param "+p.Name+"="+p.Value)
		}
	}
	for _, v := range f.Vars {
		if v.Set {
			got = append(got, "var "+v.Name+"="+v.Value)
		}
	}
	if want := "param hourly_rate=20.00, var achieved=0.6"; strings.Join(got, ", ") != want {
		t.Errorf("set: %s; want %s", strings.Join(got, ", "), want)
	}

	code, out, stderr = evalRun(t, "forecast", outcomesDir, "--scenario", sc, "--runs", "5", "--set", "achieved=1.5")
	want := sc + `:44:71: error: data goal, field status, categorical, weight of not_met: rest is 1 minus the other weights, but they add up to 1.75, more than 1 [scenario-bad-value]
    status: {categorical: {achieved: $achieved, partly: 0.2, not_met: rest, not_feasible: 0.05}}
                                                                      ^~~~
  hint: with achieved = 1.5

scenario: 1 error; no forecast produced
`
	if code != 1 || out != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, stderr, want)
	}
}

// TestForecastDate: --date dates the board paper's footer, as given and
// never from the clock; a date that is not one is a usage error, found
// before any run is made.
func TestForecastDate(t *testing.T) {
	page := filepath.Join(t.TempDir(), "paper.html")
	code, _, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "3", "-q", "--html", page, "--date", "2026-12-03")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Dated 3 December 2026.") {
		t.Error("the paper is not dated 3 December 2026")
	}
	code, _, stderr = evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--html", page, "--date", "03/12/2026")
	if code != 2 || !strings.Contains(stderr, `--date "03/12/2026" is not a date: write yyyy-mm-dd`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestForecastOneFileForTwoReports: --html and --xlsx naming one file is a
// usage error, found before anything runs, so that neither report is
// silently lost under the other.
func TestForecastOneFileForTwoReports(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	code, _, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "3", "-q",
		"--html", out, "--xlsx", out)
	if code != exitUsage || !strings.Contains(stderr, "--html and --xlsx name one file") {
		t.Errorf("exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", out, err)
	}
}
