package main

// Tests of occ ledger schedule --format json and xlsx, occ ledger show and
// occ ledger reproduce when the inputs differ, on the worked example of
// docs/ledger.md up to June.

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/xuri/excelize/v2"
)

// workedLedgerJune writes the files of testdata/script/ledger_worked.txtar
// into a new directory and settles April, May and June there as the worked
// example does: May's P2 line is disputed before June is settled. It
// returns the directory and the ledger's path.
func workedLedgerJune(t *testing.T) (dir, led string) {
	t.Helper()
	ar, err := txtar.ParseFile("../../testdata/script/ledger_worked.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	led = filepath.Join(dir, "payments.db")
	reviews := filepath.Join(dir, "reviews.csv")
	occ := func(args ...string) {
		t.Helper()
		if code, _, stderr := evalRun(t, args...); code != 0 {
			t.Fatalf("occ %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
	settle := func(period, data, on string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, data))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(reviews, b, 0o644); err != nil {
			t.Fatal(err)
		}
		occ("settle", filepath.Join(dir, "contract.occ"), "--data", reviews, "--period", period, "--ledger", led, "--by", "finance", "--on", on)
	}
	settle("2026-04", "reviews-04.csv", "2026-05-05")
	settle("2026-05", "reviews-05.csv", "2026-06-03")
	occ("ledger", "dispute", led, "2026-05:hours:P2-05", "--reason", "visits not evidenced", "--by", "finance", "--on", "2026-06-20")
	settle("2026-06", "reviews-06.csv", "2026-07-02")
	return dir, led
}

// juneSchedule is June's schedule, worked by hand at £20.00 an hour: P1's
// 10 hours in June, 200.00; P3's late April review of 5 hours, 100.00,
// records added; May's P2 line (15 hours, 300.00) disputed, so the 300.00
// paid for it is recovered and the line held. Due 200.00 + 100.00 -
// 300.00 = 0.00, with 300.00 held.
var juneSchedule = []struct{ id, kind, amount, status, original, cause, source string }{
	{"2026-06:hours:P1-06", "payment", "200.00", "due", "2026-06", "", "reviews.csv:7"},
	{"2026-04:hours:P3-04", "prior-period", "100.00", "due", "2026-04", "records added", "reviews.csv:6"},
	{"2026-05:hours:P2-05", "prior-period", "-300.00", "due", "2026-05", "dispute held: visits not evidenced", "reviews.csv:5"},
	{"2026-05:hours:P2-05", "payment", "300.00", "held", "2026-05", "disputed: visits not evidenced", "reviews.csv:5"},
}

func TestScheduleJSON(t *testing.T) {
	_, led := workedLedgerJune(t)
	code, out, stderr := evalRun(t, "ledger", "schedule", led, "--period", "2026-06", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Contract    string              `json:"contract"`
		Statement   int                 `json:"statement"`
		Period      string              `json:"period"`
		Start       string              `json:"period_start"`
		End         string              `json:"period_end"`
		Payer       string              `json:"payer"`
		Currency    string              `json:"currency"`
		Version     int                 `json:"contract_version"`
		Settled     bool                `json:"settled"`
		Entry       int                 `json:"entry"`
		Current     string              `json:"current"`
		Adjustments string              `json:"adjustments"`
		Held        string              `json:"held"`
		Total       string              `json:"total"`
		Lines       []map[string]string `json:"lines"`
		Hash        string              `json:"contract_sha256"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// June is the third statement; its entry is the fifth (the contract,
	// April, May, the dispute, June).
	if s.Contract != "ECC/HS/2026/001" || s.Statement != 3 || s.Period != "2026-06" || s.Start != "2026-06-01" || s.End != "2026-06-30" ||
		s.Payer != "Example County Council" || s.Currency != "GBP" || s.Version != 1 || !s.Settled || s.Entry != 5 || len(s.Hash) != 64 {
		t.Errorf("the schedule's particulars: %+v", s)
	}
	// Current 200.00; adjustments 100.00 - 300.00 = -200.00; held 300.00;
	// total 200.00 - 200.00 = 0.00.
	if s.Current != "200.00" || s.Adjustments != "-200.00" || s.Held != "300.00" || s.Total != "0.00" {
		t.Errorf("current %s, adjustments %s, held %s, total %s; want 200.00, -200.00, 300.00, 0.00", s.Current, s.Adjustments, s.Held, s.Total)
	}
	if len(s.Lines) != len(juneSchedule) {
		t.Fatalf("%d lines, want %d", len(s.Lines), len(juneSchedule))
	}
	for i, w := range juneSchedule {
		l := s.Lines[i]
		if l["line_id"] != w.id || l["kind"] != w.kind || l["amount"] != w.amount || l["status"] != w.status || l["original_period"] != w.original ||
			l["cause"] != w.cause || !strings.HasSuffix(l["source"], w.source) || l["period"] != "2026-06" || l["period_start"] != "2026-06-01" ||
			l["contract"] != "ECC/HS/2026/001" || l["currency"] != "GBP" || l["rule"] != "hours" {
			t.Errorf("line %d: %v, want %+v", i+1, l, w)
		}
	}
}

// scheduleCSV is occ ledger schedule's CSV of a period.
func scheduleCSV(t *testing.T, led, period string) [][]string {
	t.Helper()
	code, out, stderr := evalRun(t, "ledger", "schedule", led, "--period", period, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestScheduleXLSX(t *testing.T) {
	dir, led := workedLedgerJune(t)
	book := filepath.Join(dir, "schedule.xlsx")
	if code, _, stderr := evalRun(t, "ledger", "schedule", led, "--period", "2026-06", "--format", "xlsx", "-o", book); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Schedule" {
		t.Fatalf("sheets %s, want Summary,Schedule", got)
	}
	sum, _ := f.GetRows("Summary", excelize.Options{RawCellValue: true})
	for label, want := range map[string]string{"Contract": "ECC/HS/2026/001", "Statement": "3", "Period": "2026-06",
		"This period": "200", "Prior-period adjustments": "-200", "Held in dispute": "300", "Due": "0"} {
		if got := summaryField(sum, label); !sameNumber(got, want) && got != want {
			t.Errorf("Summary %s = %q, want %s", label, got, want)
		}
	}
	raw, _ := f.GetRows("Schedule", excelize.Options{RawCellValue: true})
	shown, _ := f.GetRows("Schedule")
	cs := scheduleCSV(t, led, "2026-06")
	if len(raw) != 1+len(juneSchedule) || len(cs) != len(raw) {
		t.Fatalf("Schedule has %d rows, the CSV %d; want %d", len(raw), len(cs), 1+len(juneSchedule))
	}
	cols := scheduleCols()
	amountAt := -1
	for j, c := range cols {
		if c.csv == "amount" {
			amountAt = j
		}
		if cellAt(raw[0], j) != c.header {
			t.Errorf("Schedule header %d is %q, want %q", j+1, cellAt(raw[0], j), c.header)
		}
	}
	for i, w := range juneSchedule {
		if !sameNumber(cellAt(raw[i+1], amountAt), w.amount) {
			t.Errorf("Schedule row %d amount %q, want %s", i+2, cellAt(raw[i+1], amountAt), w.amount)
		}
		// Every cell as the workbook shows it is the CSV's: dates as
		// yyyy-mm-dd, amounts apart (shown with the currency sign).
		for j := range cols {
			if j == amountAt {
				continue
			}
			if got, want := cellAt(shown[i+1], j), cs[i+1][j]; got != want {
				t.Errorf("Schedule row %d, %s: %q, the CSV %q", i+2, cols[j].csv, got, want)
			}
		}
	}
}

func TestLedgerShow(t *testing.T) {
	_, led := workedLedgerJune(t)
	code, out, stderr := evalRun(t, "ledger", "show", led, "--period", "2026-06")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The lines of juneSchedule, and what June pays.
	for _, want := range []string{
		"Statement 3 for 2026-06 (2026-06-01 to 2026-06-30), contract version 1",
		"Settled as entry 5 on 2026-07-02 by finance",
		"2026-06:hours:P1-06  payment       due     200.00\n",
		"2026-04:hours:P3-04  prior-period  due     100.00   records added\n",
		"2026-05:hours:P2-05  prior-period  due     -300.00  dispute held: visits not evidenced\n",
		"2026-05:hours:P2-05  payment       held    300.00   disputed: visits not evidenced\n",
		"prior-period adjustments  2 lines  -200.00",
		"held in dispute (not paid)   1 line   300.00",
		"DUE GBP 0.00\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("occ ledger show has no %q:\n%s", want, out)
		}
	}
	if code, _, stderr := evalRun(t, "ledger", "show", led, "--period", "2026-07"); code != exitFindings || !strings.Contains(stderr, "2026-07") {
		t.Errorf("an unsettled period: exit %d, %s", code, stderr)
	}
}

// TestReproduceDiffers re-evaluates April from data other than it was
// settled from, and checks that occ ledger reproduce names the file and
// each line that differs (exit 1), and says identical for April's own
// data under another name.
func TestReproduceDiffers(t *testing.T) {
	dir, led := workedLedgerJune(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// April was settled from reviews.csv with P1-04 (10 hours) and P2-04
	// (20 hours): 200.00 and 400.00.
	for _, c := range []struct {
		name, data string
		want       []string
	}{
		// P2's hours corrected to 21: 21 x 20.00 = 420.00.
		{"changed", "review,person,month,hours\nP1-04,P1,2026-04-01,10\nP2-04,P2,2026-04-01,21\n", []string{
			"changed.csv differs from ", "reviews.csv as settled: sha256 ",
			"(2 records) where ",
			"line 2026-04:hours:P2-04: settled 400.00, now 420.00",
		}},
		// P3's late review, 5 hours: 100.00 not settled.
		{"added", "review,person,month,hours\nP1-04,P1,2026-04-01,10\nP2-04,P2,2026-04-01,20\nP3-04,P3,2026-04-01,5\n", []string{
			"(3 records) where ",
			"line 2026-04:hours:P3-04: not settled, now 100.00",
		}},
		// P2's review gone: its 400.00 was settled and is no longer due.
		{"removed", "review,person,month,hours\nP1-04,P1,2026-04-01,10\n", []string{
			"(1 records) where ",
			"line 2026-04:hours:P2-04: settled 400.00, now ",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := evalRun(t, "ledger", "reproduce", led, "--period", "2026-04", "--data", write(c.name+".csv", c.data))
			if code != exitFindings || !strings.Contains(stderr, "2026-04 does not reproduce: ") {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in:\n%s", w, out)
				}
			}
		})
	}
	code, out, stderr := evalRun(t, "ledger", "reproduce", led, "--period", "2026-04", "--data", filepath.Join(dir, "reviews-04.csv"))
	if code != 0 || out != "identical: 2026-04 reproduces from these inputs under contract version 1\n" {
		t.Errorf("April's own data: exit %d, %q, %q", code, out, stderr)
	}
}
