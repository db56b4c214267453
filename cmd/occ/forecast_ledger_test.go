package main

// Tests of occ forecast --ledger: the settled periods as they were paid,
// the rest of the term forecast.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// settleAprilMay settles April and May 2026 of the individual-outcomes
// contract in a new ledger and returns its path. April's data are the
// spec's sample month moved to April; May's are the same sample month and
// a late April review for P5 (10 hours delivered of 10 planned, nothing
// else), so May also pays an adjustment for April.
//
// Worked by hand (the spec's contract_test.occ works the sample month):
//
//	April: hours 784.00 + 940.80 + 666.40 + 392.00 = 2,783.20; goal fees
//	  300.00 + 240.00, satisfaction 30.00 + 30.00 and the shared saving
//	  78.40 make 678.40 of outcome payments, capped at 15% of 2,783.20 =
//	  417.48, a cap line of -260.92; the sanction -47.04.
//	  Total 2,783.20 + 678.40 - 260.92 - 47.04 = 3,153.64.
//	May's own lines are the same month: 3,153.64.
//	April recomputed with P5: hours + 10 x 19.60 = 196.00 (2,979.20), the
//	  cap 15% of 2,979.20 = 446.88, so the cap line is 446.88 - 678.40 =
//	  -231.52, 29.40 more than paid. Adjustments 196.00 + 29.40 = 225.40.
//	Paid in May: 3,153.64 + 225.40 = 3,379.04; April and May together
//	  6,532.68, of which payments 2,783.20 + 2,783.20 + 196.00 = 5,762.40.
func settleAprilMay(t *testing.T) (dir, led string) {
	t.Helper()
	dir = t.TempDir()
	reviews, err := os.ReadFile(filepath.Join(outcomesDir, "reviews.csv"))
	if err != nil {
		t.Fatal(err)
	}
	goals, err := os.ReadFile(filepath.Join(outcomesDir, "goals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	april := func(b []byte) string { return strings.ReplaceAll(string(b), "2026-05-01", "2026-04-01") }
	body := func(b []byte) string { _, rest, _ := strings.Cut(string(b), "\n"); return rest }
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	led = filepath.Join(dir, "payments.db")
	settle := func(period, reviews, goals, on string) {
		t.Helper()
		code, _, stderr := evalRun(t, "settle", outcomesDir, "--data", "review="+reviews, "--data", "goal="+goals,
			"--period", period, "--ledger", led, "--on", on, "-q")
		if code != 0 {
			t.Fatalf("settle %s: exit %d: %s", period, code, stderr)
		}
	}
	settle("2026-04", write("reviews-04.csv", april(reviews)), write("goals-04.csv", april(goals)), "2026-05-05")
	settle("2026-05", write("reviews-05.csv", april(reviews)+body(reviews)+"P5,2026-04-01,10,10,0,\n"),
		write("goals-05.csv", april(goals)+body(goals)), "2026-06-03")
	return dir, led
}

// ledgerForecast is the part of the forecast JSON with a ledger these
// tests read.
type ledgerForecast struct {
	Settled int               `json:"settled"`
	Term    ledgerForecastPer `json:"term"`
	Periods []ledgerForecastPer
}

type ledgerForecastPer struct {
	Period string                       `json:"period"`
	Total  map[string]string            `json:"total"`
	ByKind map[string]map[string]string `json:"by_kind"`
	Paid   map[string]string            `json:"paid"`
}

var statNames = []string{"mean", "p10", "p50", "p90", "min", "max"}

// TestForecastLedger checks that the settled periods are what the ledger
// paid in every run, that the periods after them are the forecast made
// without a ledger of those periods alone (the same seed draws the same
// runs), and that the term is the paid amount plus the forecast of the
// rest, statistic by statistic.
func TestForecastLedger(t *testing.T) {
	_, led := settleAprilMay(t)
	base := []string{"forecast", outcomesDir, "--scenario", outcomesDir + "/scenario.yaml", "--runs", "40", "--seed", "7", "--format", "json", "-q"}
	code, out, stderr := evalRun(t, append(base, "--ledger", led)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, rest, stderr := evalRun(t, append(base, "--periods", "2026-06..2027-03")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f, r ledgerForecast
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(rest), &r); err != nil {
		t.Fatal(err)
	}
	if f.Settled != 2 || len(f.Periods) != 12 || len(r.Periods) != 10 {
		t.Fatalf("%d settled, %d periods (%d without the ledger), want 2, 12 and 10", f.Settled, len(f.Periods), len(r.Periods))
	}
	for i, want := range []struct{ period, total, current, adjustments, payment string }{
		{"2026-04", "3153.64", "3153.64", "0.00", "2783.20"},
		{"2026-05", "3379.04", "3153.64", "225.40", "2979.20"},
	} {
		p := f.Periods[i]
		if p.Period != want.period {
			t.Fatalf("period %d is %s, want %s", i, p.Period, want.period)
		}
		for _, s := range statNames {
			if p.Total[s] != want.total || p.ByKind["payment"][s] != want.payment {
				t.Errorf("%s %s: total %s, payment %s; want %s and %s in every run", p.Period, s, p.Total[s], p.ByKind["payment"][s], want.total, want.payment)
			}
		}
		if p.Paid["total"] != want.total || p.Paid["current"] != want.current || p.Paid["adjustments"] != want.adjustments || p.Paid["held"] != "0.00" {
			t.Errorf("%s paid %v, want total %s, current %s, adjustments %s", p.Period, p.Paid, want.total, want.current, want.adjustments)
		}
	}
	for i, p := range f.Periods[2:] {
		q := r.Periods[i]
		if p.Paid != nil || p.Period != q.Period {
			t.Errorf("period %s (paid %v) against %s", p.Period, p.Paid, q.Period)
		}
		for _, s := range statNames {
			if p.Total[s] != q.Total[s] {
				t.Errorf("%s %s: %s with the ledger, %s without", p.Period, s, p.Total[s], q.Total[s])
			}
		}
	}
	// Every run pays the same 6,532.68 for April and May, so each
	// statistic of the term is that plus the statistic of the rest.
	for _, s := range statNames {
		want, _ := dec(t, "6532.68").Add(dec(t, r.Term.Total[s]))
		if got := dec(t, f.Term.Total[s]); got.Cmp(want) != 0 {
			t.Errorf("term %s = %s, want 6,532.68 + %s = %s", s, got, r.Term.Total[s], want)
		}
		want, _ = dec(t, "5762.40").Add(dec(t, r.Term.ByKind["payment"][s]))
		if got := dec(t, f.Term.ByKind["payment"][s]); got.Cmp(want) != 0 {
			t.Errorf("term payment %s = %s, want 5,762.40 + %s = %s", s, got, r.Term.ByKind["payment"][s], want)
		}
	}
	_, one, _ := evalRun(t, append(base, "--ledger", led, "--workers", "1")...)
	if one != out {
		t.Error("--workers 1 printed a different forecast")
	}
}

// TestForecastLedgerReports checks that the text, HTML and workbook say
// which periods were paid and which are forecast.
func TestForecastLedgerReports(t *testing.T) {
	dir, led := settleAprilMay(t)
	html, book := filepath.Join(dir, "f.html"), filepath.Join(dir, "f.xlsx")
	code, out, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20", "-q",
		"--ledger", led, "--html", html, "--xlsx", book)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"2026-04, 2026-05: as paid (from the ledger); the rest forecast", "2026-05 (paid)    3,379.04    3,379.04", "2026-06 (forecast)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text report has no %q:\n%s", want, out)
		}
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `data-basis="paid"`); n != 2 {
		t.Errorf("the HTML has %d paid columns, want 2", n)
	}
	// Paid so far: 3,153.64 + 3,379.04 = 6,532.68 (see settleAprilMay).
	if !strings.Contains(string(page), "Of this, <strong>£6,532.68</strong> has been paid for the 2 periods settled (2026-04, 2026-05, from the settlement ledger)") {
		t.Error("the HTML's summary does not say what has been paid so far, £6,532.68")
	}
	if !strings.Contains(string(page), "<td>2026-05 (paid)</td><td>£3,379.04</td>") {
		t.Error("the HTML's table of periods does not show May as paid, £3,379.04")
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("By period")
	if err != nil {
		t.Fatal(err)
	}
	// A header, then per period the total and five kinds.
	if len(rows) != 1+12*6 || rows[0][len(rows[0])-1] != "Basis" {
		t.Fatalf("By period has %d rows, header %q", len(rows), rows[0])
	}
	for i, want := range map[int]string{1: "2026-04 total paid", 7: "2026-05 total paid", 13: "2026-06 total forecast", 72: "2027-03 adjustment forecast"} {
		r := rows[i]
		if got := r[0] + " " + r[3] + " " + r[len(r)-1]; got != want {
			t.Errorf("By period row %d is %q, want %q", i+1, got, want)
		}
	}
	if v, _ := f.GetCellValue("By period", "E8", excelize.Options{RawCellValue: true}); v != "3379.04" {
		t.Errorf("May's mean is %q in the workbook, want 3379.04", v)
	}
}

// TestLedgerProgressQuiet: occ settle and occ ledger reproduce take -q, and
// with standard error a file rather than a terminal they draw no progress
// line, with or without it. June has no record in these files, which
// settle says in a note, the one line standard error gets.
func TestLedgerProgressQuiet(t *testing.T) {
	dir, led := settleAprilMay(t)
	f, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data := []string{"--data", "review=" + filepath.Join(dir, "reviews-04.csv"), "--data", "goal=" + filepath.Join(dir, "goals-04.csv")}
	for _, args := range [][]string{
		append([]string{"ledger", "reproduce", led, "--period", "2026-04"}, data...),
		append([]string{"ledger", "reproduce", led, "--period", "2026-04", "-q"}, data...),
		append([]string{"settle", outcomesDir, "--period", "2026-06", "--ledger", led, "--on", "2026-07-01", "--quiet"}, data...),
	} {
		var stdout strings.Builder
		if code := run(args, &stdout, f); code != 0 || stdout.Len() == 0 {
			t.Errorf("occ %s: exit %d, %d bytes of output", strings.Join(args, " "), code, stdout.Len())
		}
	}
	want := "occ: note: no record falls in 2026-06: the data's 4 records are 4 earlier, 0 later and 0 excluded\n"
	if b, _ := os.ReadFile(f.Name()); string(b) != want {
		t.Errorf("written to standard error, a file: %q, want only the note %q", b, want)
	}
}
