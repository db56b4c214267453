package main

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/occ-lang/occ/runtime/gen"
)

// summaryJSON is what the reconciliation reads of a JSON statement or a
// summary: the lines (a summary has none) and every total.
type summaryJSON struct {
	Lines *[]struct {
		Rule, Kind, Period, Amount string
		Parts                      []struct{ Payer, Amount string }
	} `json:"lines"`
	Periods []struct{ Period, Total string } `json:"periods"`
	Sub     struct {
		ByKind []summaryTotal `json:"by_kind"`
		ByRule []summaryTotal `json:"by_rule"`
	} `json:"subtotals"`
	Payers []struct {
		Payer, Total string
		Lines        int
	} `json:"payers"`
	Payer string `json:"payer"`
	Total string `json:"total"`
}

// summaryTotal is one subtotal.
type summaryTotal struct {
	Name, Amount string
	Lines        int
}

// rat reads a money string exactly.
func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("%q is not a decimal", s)
	}
	return r
}

// stripLines cuts the "lines" field and its value out of a JSON statement
// (see docs/statement.md: the field starts a line after the comma ending
// the one before; its list's elements are indented by four spaces, so the
// first line that is "  ]" ends it).
func stripLines(t *testing.T, js string) string {
	t.Helper()
	const field = ",\n  \"lines\": "
	start := strings.Index(js, field)
	if start < 0 {
		t.Fatal("no lines field in the JSON statement")
	}
	rest := js[start+len(field):]
	if r, ok := strings.CutPrefix(rest, "[]"); ok {
		return js[:start] + r
	}
	end := strings.Index(rest, "\n  ]")
	if !strings.HasPrefix(rest, "[\n") || end < 0 {
		t.Fatalf("the lines field is not a list: %.40q", rest)
	}
	return js[:start] + rest[end+len("\n  ]"):]
}

// reconcile requires summary, occ eval --format summary's output, to be
// the JSON statement js without its lines, byte for byte, and its totals
// to be the sums of js's lines, added up here exactly: the total, each
// period's, kind's, rule's and payer's, with the counts of lines.
func reconcile(t *testing.T, what, js, summary string) {
	t.Helper()
	if want := stripLines(t, js); summary != want {
		t.Errorf("%s: the summary is not the JSON statement without its lines:\n%s\nwant:\n%s", what, summary, want)
		return
	}
	var full, sum summaryJSON
	if err := json.Unmarshal([]byte(js), &full); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(summary), &sum); err != nil {
		t.Fatalf("%s: the summary is not JSON: %v", what, err)
	}
	if full.Lines == nil || sum.Lines != nil {
		t.Fatalf("%s: lines present %v in the statement and %v in the summary", what, full.Lines != nil, sum.Lines != nil)
	}
	type acc struct {
		sum big.Rat
		n   int
	}
	total := new(big.Rat)
	by := map[string]*acc{}
	add := func(key, amount string) {
		a := by[key]
		if a == nil {
			a = &acc{}
			by[key] = a
		}
		a.sum.Add(&a.sum, rat(t, amount))
		a.n++
	}
	for _, l := range *full.Lines {
		total.Add(total, rat(t, l.Amount))
		add("period "+l.Period, l.Amount)
		add("kind "+l.Kind, l.Amount)
		add("rule "+l.Rule, l.Amount)
		if sum.Payer != "" {
			add("payer "+sum.Payer, l.Amount)
		}
		for _, p := range l.Parts {
			add("payer "+p.Payer, p.Amount)
		}
	}
	check := func(key, got string, lines int) {
		t.Helper()
		want := new(big.Rat)
		n := 0
		if a := by[key]; a != nil {
			want, n = &a.sum, a.n
		}
		if rat(t, got).Cmp(want) != 0 || lines >= 0 && lines != n {
			t.Errorf("%s: %s is %s in %d lines; its lines add up to %s in %d", what, key, got, lines, want.FloatString(2), n)
		}
		delete(by, key)
	}
	if rat(t, sum.Total).Cmp(total) != 0 {
		t.Errorf("%s: the summary's total is %s; the lines add up to %s", what, sum.Total, total.FloatString(2))
	}
	for _, p := range sum.Periods {
		check("period "+p.Period, p.Total, -1)
	}
	for _, k := range sum.Sub.ByKind {
		check("kind "+k.Name, k.Amount, k.Lines)
	}
	for _, r := range sum.Sub.ByRule {
		check("rule "+r.Name, r.Amount, r.Lines)
	}
	for _, p := range sum.Payers {
		check("payer "+p.Payer, p.Total, p.Lines)
	}
	for key, a := range by {
		if !strings.HasPrefix(key, "payer ") || len(sum.Payers) > 0 {
			t.Errorf("%s: the summary has no total for %s, whose lines add up to %s", what, key, a.sum.FloatString(2))
		}
	}
}

// evalBoth runs occ eval with args as --format json and as --format
// summary and reconciles the two; it reports whether the evaluation
// succeeded, failing the test when only one of them did.
func evalBoth(t *testing.T, what string, args ...string) bool {
	t.Helper()
	jcode, js, jerr := evalRun(t, append(slices.Clone(args), "--format", "json")...)
	scode, summary, serr := evalRun(t, append(slices.Clone(args), "--format", "summary")...)
	if jcode != scode || jerr != serr {
		t.Fatalf("%s: --format json exits %d, --format summary %d\njson:\n%s\nsummary:\n%s", what, jcode, scode, jerr, serr)
	}
	if jcode != 0 {
		return false
	}
	reconcile(t, what, js, summary)
	return true
}

// TestSummaryReconcilesSpecs evaluates every contract under specs/ on its
// own data (every data file at once, or each on its own when they are
// alternatives) and reconciles the summary with the JSON statement.
func TestSummaryReconcilesSpecs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "specs", "*"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		if len(files) == 0 {
			continue
		}
		args := []string{"eval", dir}
		for _, f := range files {
			args = append(args, "--data", f)
		}
		if evalBoth(t, filepath.Base(dir), args...) {
			ran++
			continue
		}
		for _, f := range files {
			if evalBoth(t, filepath.Base(dir)+" "+filepath.Base(f), "eval", dir, "--data", f) {
				ran++
			}
		}
	}
	if ran < 10 {
		t.Errorf("reconciled %d statements of specs/, want at least 10", ran)
	}
}

// TestSummaryReconcilesPayers reconciles the two-payer contract of
// testdata/script/eval_payers.txtar, whole and for each payer, in a month
// of each split.
func TestSummaryReconcilesPayers(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "script", "eval_payers.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "spec/") {
			if err := os.MkdirAll(filepath.Join(dir, "spec"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	spec := filepath.Join(dir, "spec")
	for _, period := range []string{"2026-05", "2026-10", "term"} {
		for _, payer := range []string{"", "council", "icb"} {
			args := []string{"eval", spec, "--data", filepath.Join(spec, "claims.csv"), "--period", period}
			if payer != "" {
				args = append(args, "--payer", payer)
			}
			if !evalBoth(t, period+" "+payer, args...) {
				t.Fatalf("%s %s: the evaluation failed", period, payer)
			}
		}
	}
}

// TestSummaryReconcilesScripts runs every occ eval of the CLI scripts
// (testdata/script/*.txtar) that writes a statement, in a copy of its
// script's files, as --format json and as --format summary, and
// reconciles the two: contracts with a budget, lines that fall due later,
// quarters, groups, two payers and notes among them.
func TestSummaryReconcilesScripts(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata", "script"))
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := filepath.Glob(filepath.Join(root, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, script := range scripts {
		ar, err := txtar.ParseFile(script)
		if err != nil {
			t.Fatal(err)
		}
		var evals [][]string
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			args := strings.Fields(line)
			if len(args) < 2 || args[0] != "occ" || args[1] != "eval" || strings.ContainsAny(line, "'$") {
				continue
			}
			if slices.Contains(args, "--explain") || slices.Contains(args, "--ledger") || slices.Contains(args, "--sheet") {
				continue
			}
			evals = append(evals, withoutFormat(args[1:]))
		}
		if len(evals) == 0 {
			continue
		}
		dir := t.TempDir()
		for _, f := range ar.Files {
			path := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Chdir(dir)
		for _, args := range evals {
			if evalBoth(t, filepath.Base(script)+": "+strings.Join(args, " "), args...) {
				ran++
			}
		}
	}
	if ran < 20 {
		t.Errorf("reconciled %d statements of the scripts, want at least 20", ran)
	}
}

// withoutFormat returns args without --format and -o and their values.
func withoutFormat(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--format" || a == "-o" || a == "--output":
			i++
		case strings.HasPrefix(a, "--format=") || strings.HasPrefix(a, "-o="):
		default:
			out = append(out, a)
		}
	}
	return out
}

// writeGenerated writes n generated reviews and their goals to dir and
// returns the --data arguments naming them.
func writeGenerated(t *testing.T, dir string, n int, seed uint64) []string {
	t.Helper()
	var r, g bytes.Buffer
	if err := gen.IndividualOutcomes(&r, &g, n, seed); err != nil {
		t.Fatal(err)
	}
	reviews, goals := filepath.Join(dir, "reviews.csv"), filepath.Join(dir, "goals.csv")
	if err := os.WriteFile(reviews, r.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goals, g.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--data", reviews, "--data", goals}
}

// TestSummaryReconcilesGenerated reconciles the summary with the JSON
// statement on generated data, for the whole span of the data, a month,
// a quarter and the term.
func TestSummaryReconcilesGenerated(t *testing.T) {
	data := writeGenerated(t, t.TempDir(), 2500, 7)
	for _, period := range []string{"", "2026-06", "2026-Q2", "term"} {
		args := append([]string{"eval", evalSpecDir}, data...)
		if period != "" {
			args = append(args, "--period", period)
		}
		if !evalBoth(t, "period "+period, args...) {
			t.Fatalf("period %q: the evaluation failed", period)
		}
	}
}

// TestSummaryWorkers: the summary on generated data is the same, byte for
// byte, with --workers 1 as with the default, one worker per CPU.
func TestSummaryWorkers(t *testing.T) {
	args := append([]string{"eval", evalSpecDir, "--format", "summary"}, writeGenerated(t, t.TempDir(), 3000, 1)...)
	var outs []string
	for _, workers := range [][]string{nil, {"--workers", "1"}, nil} {
		code, stdout, stderr := evalRun(t, append(slices.Clone(args), workers...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d:\n%s", workers, code, stderr)
		}
		outs = append(outs, stdout)
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Error("the summary with --workers 1 differs from the summary with the default workers")
	}
}
