package main

import (
	"bytes"
	"encoding/json"
	"github.com/occ-lang/occ/lang"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindingsAsJSON checks that a command which cannot finish reports
// its errors as diagnostics JSON when JSON output is asked for: one data
// error, one evaluation error and one scenario error, each with the file,
// line and column it is about.
func TestFindingsAsJSON(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	contract := write("contract.occ", header+`
param hourly_rate "Price per delivered hour" = £19.60

data review "One monthly review" {
  person       text key
  month        date key
  actual_hours decimal 0 .. 400
  visits       int 0 .. 100
}

payment hours "Hours delivered" {
  for    review
  amount = review.actual_hours * hourly_rate
}

payment per_visit "Hours per visit" {
  for    review
  amount = hourly_rate * (review.actual_hours / review.visits)
}
`)
	// Row 3, column C holds a word where a number belongs.
	badData := write("bad.csv", "person,month,actual_hours,visits\nP1,2026-05-01,10,2\nP2,2026-05-01,ten,2\n")
	// P2 has no visits: the per-visit amount, line 22 from column 12,
	// divides by zero.
	zeroVisits := write("zero.csv", "person,month,actual_hours,visits\nP1,2026-05-01,10,2\nP2,2026-05-01,4,0\n")
	// The scenario's line 3, column 3 has a key a scenario does not take.
	scenario := write("scenario.yaml", "version: 1\ncohort:\n  strat: 2026-04\n")

	for _, tc := range []struct {
		name                string
		args                []string
		file                string
		line, column        int
		code, messageSubstr string
	}{
		{"data", []string{"eval", contract, "--data", badData, "--format", "json"}, badData, 3, 3, "bad-number", `"ten" is not a number`},
		{"evaluation", []string{"eval", contract, "--data", zeroVisits, "--format", "json"}, contract, 22, 12, "division-by-zero", "per_visit"},
		{"scenario", []string{"forecast", contract, "--scenario", scenario, "--format", "json"}, scenario, 3, 3, "scenario-unknown-key", `"strat"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != 1 {
				t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("output despite the error:\n%s", stdout.String())
			}
			var r jsonReport
			if err := json.Unmarshal(stderr.Bytes(), &r); err != nil {
				t.Fatalf("stderr is not diagnostics JSON (%v):\n%s", err, stderr.String())
			}
			if len(r.Diagnostics) == 0 || r.Errors != len(r.Diagnostics) {
				t.Fatalf("report %+v", r)
			}
			for _, d := range r.Diagnostics {
				if d.File == tc.file && d.Line == tc.line && d.Column == tc.column && d.Code == tc.code && strings.Contains(d.Message, tc.messageSubstr) {
					return
				}
			}
			t.Errorf("no diagnostic %s:%d:%d [%s] …%s…; got:\n%s", tc.file, tc.line, tc.column, tc.code, tc.messageSubstr, describeDiags(r.Diagnostics))
		})
	}
}

// TestFindingsCap checks that at most maxShown diagnostics are printed and
// that the last line says how many there were in all.
func TestFindingsCap(t *testing.T) {
	var ds lang.Diagnostics
	for i := range 1500 {
		ds.Errorf(lang.Span{File: "r.csv", Start: lang.Pos{Line: i + 2}, End: lang.Pos{Line: i + 2}}, "bad-number", "row %d is bad", i+2)
	}
	var b bytes.Buffer
	if err := reportFindings(&b, "text", ds, nil, "data", "no statement produced"); err != findings {
		t.Fatalf("got %v, want the findings exit", err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1001 {
		t.Fatalf("%d lines, want 1,000 diagnostics and a summary", len(lines))
	}
	if lines[999] != "r.csv:1001: error: row 1001 is bad [bad-number]" {
		t.Errorf("last diagnostic %q", lines[999])
	}
	if want := "data: 1,000 of 1,500 errors shown; no statement produced"; lines[1000] != want {
		t.Errorf("summary %q, want %q", lines[1000], want)
	}
	b.Reset()
	reportFindings(&b, "json", ds, nil, "data", "no statement produced")
	var r jsonReport
	if err := json.Unmarshal(b.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Diagnostics) != maxShown || r.Omitted != 500 {
		t.Errorf("JSON has %d diagnostics and %d omitted, want %d and 500", len(r.Diagnostics), r.Omitted, maxShown)
	}
}
