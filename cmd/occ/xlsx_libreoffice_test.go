package main

// The workbooks opened in a real spreadsheet program: LibreOffice, headless,
// converts every sheet of each workbook back to CSV, and the figures it
// read — amounts, keys, dates, counts, hashes — must be the statement's
// own, as occ eval prints them in JSON and CSV, and the forecast's, as occ
// forecast prints it in JSON.
//
// The test runs when OCC_LIBREOFFICE=1 (as .ci/run sets) and then fails,
// rather than skips, without soffice (Debian's libreoffice-calc-nogui).

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/occ-lang/occ/compiler/value"
)

// xlsxStatementJSON is the part of the statement JSON the test compares.
type xlsxStatementJSON struct {
	Contract struct {
		Title      string `json:"title"`
		Term       struct{ From, To string }
		Currency   string `json:"currency"`
		SpecSHA256 string `json:"spec_sha256"`
	} `json:"contract"`
	Data []struct {
		File    string `json:"file"`
		SHA256  string `json:"sha256"`
		Records int    `json:"records"`
	} `json:"data"`
	Period  string `json:"period"`
	Periods []struct {
		Period, From, To, Total string
	} `json:"periods"`
	Lines []struct {
		Rule, Kind, Period, Key, Amount, Title, Source string
		Inputs                                         []struct{ Name, Value string }
		Parts                                          []struct{ Payer, Amount string }
	} `json:"lines"`
	Subtotals struct {
		ByKind []xlsxSubtotalJSON `json:"by_kind"`
		ByRule []xlsxSubtotalJSON `json:"by_rule"`
	} `json:"subtotals"`
	Caps []struct {
		Rule, Instance, Period, Covered, Limit, Adjustment string
	} `json:"caps"`
	Standards []struct {
		Standard, Instance, Period, Measure, Status string
		Numerator, Denominator                      *int
		Consecutive                                 int `json:"consecutive_breaches"`
	} `json:"standards"`
	Flags []struct {
		Rule, Period, Key, Source string
	} `json:"flags"`
	Excluded []struct {
		Data, Key, Source, Period, Reason string
	} `json:"excluded"`
	Records struct {
		Input, Evaluated, Earlier, Later, Excluded int
	} `json:"records"`
	Total string `json:"total"`
}

type xlsxSubtotalJSON struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	Lines  int    `json:"lines"`
}

// libreOffice converts every sheet of each workbook to CSV in dir, as
// BOOK-SHEET.csv, with one run of soffice (bin), and returns a function reading a
// sheet back.
func libreOffice(t *testing.T, bin, dir string, books ...string) func(book, sheet string) [][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out := filepath.Join(dir, "csv")
	// Comma-separated, double-quoted, UTF-8 (76), from line 1; the
	// cells' values rather than as shown (false in the 9th place), so
	// that amounts come without currency signs or grouping; every sheet
	// (-1).
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", out}
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, append(args, books...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("soffice: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("LibreOffice converted %d workbooks in %v", len(books), time.Since(start).Round(time.Millisecond))
	return func(book, sheet string) [][]string {
		t.Helper()
		name := strings.TrimSuffix(filepath.Base(book), ".xlsx") + "-" + sheet + ".csv"
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("LibreOffice wrote no %s: %v\nsoffice said: %s%s", name, err, stdout.String(), stderr.String())
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
}

// cellAt returns row[i], or "" past its end (LibreOffice leaves trailing
// empty cells out of short rows only in some sheets).
func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// summaryField returns the value beside the first label in the Summary.
func summaryField(rows [][]string, label string) string {
	for _, r := range rows {
		if cellAt(r, 0) == label {
			return cellAt(r, 1)
		}
	}
	return ""
}

// summaryTable returns the rows under the header that starts with head,
// to the next blank row.
func summaryTable(rows [][]string, head ...string) [][]string {
	for i, r := range rows {
		if len(r) >= len(head) && strings.Join(r[:len(head)], ",") == strings.Join(head, ",") {
			var out [][]string
			for _, r := range rows[i+1:] {
				if cellAt(r, 0) == "" {
					break
				}
				out = append(out, r)
			}
			return out
		}
	}
	return nil
}

func TestXLSXInLibreOffice(t *testing.T) {
	if os.Getenv("OCC_LIBREOFFICE") != "1" {
		t.Skip("set OCC_LIBREOFFICE=1 to open the workbooks in LibreOffice (apt-get install libreoffice-calc-nogui)")
	}
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("OCC_LIBREOFFICE=1 but soffice is not installed: %v (apt-get install libreoffice-calc-nogui)", err)
	}
	dir := t.TempDir()
	type book struct {
		c     xlsxCase
		path  string
		json  xlsxStatementJSON
		csv   [][]string
		sheet string // the Lines sheets' name when they go on over several
	}
	var books []*book
	var paths []string
	for _, c := range xlsxCases(t) {
		bk := &book{c: c, path: filepath.Join(dir, c.name+".xlsx")}
		args := []string{"eval", c.spec}
		for _, d := range c.data {
			args = append(args, "--data", d)
		}
		if c.period != "" {
			args = append(args, "--period", c.period)
		}
		if code, _, stderr := evalRun(t, append(args, "--format", "xlsx", "-o", bk.path)...); code != 0 {
			t.Fatalf("%s: eval --format xlsx: exit %d: %s", c.name, code, stderr)
		}
		code, out, stderr := evalRun(t, append(args, "--format", "json")...)
		if code != 0 {
			t.Fatalf("%s: eval --format json: exit %d: %s", c.name, code, stderr)
		}
		if err := json.Unmarshal([]byte(out), &bk.json); err != nil {
			t.Fatal(err)
		}
		code, out, stderr = evalRun(t, append(args, "--format", "csv")...)
		if code != 0 {
			t.Fatalf("%s: eval --format csv: exit %d: %s", c.name, code, stderr)
		}
		if bk.csv, _ = csv.NewReader(strings.NewReader(out)).ReadAll(); len(bk.csv) == 0 {
			t.Fatalf("%s: no CSV statement", c.name)
		}
		books = append(books, bk)
		paths = append(paths, bk.path)
	}
	// The first statement again, four lines to a sheet, to see LibreOffice
	// read Lines (2), Lines (3).
	split := &book{c: books[0].c, path: filepath.Join(dir, "split.xlsx"), json: books[0].json, csv: books[0].csv, sheet: "Lines"}
	var buf bytes.Buffer
	if err := writeStatementXLSX(&buf, statementOf(t, split.c), nil, xlsxOptions{rowsPerSheet: 5}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(split.path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	books = append(books, split)
	paths = append(paths, split.path)

	// A forecast, with a sweep.
	fcPath := filepath.Join(dir, "forecast.xlsx")
	code, fcOut, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20",
		"--vary", "hourly_rate=£18.00..£22.00:3", "--format", "json", "--xlsx", fcPath)
	if code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	paths = append(paths, fcPath)

	// A comparison of two contracts.
	diffPath := filepath.Join(dir, "diff.xlsx")
	if code, _, stderr := evalRun(t, shadowDiffArgs("--format", "xlsx", "-o", diffPath)...); code != 0 {
		t.Fatalf("diff: exit %d: %s", code, stderr)
	}
	diffCSV := shadowDiffCSV(t)
	paths = append(paths, diffPath)

	// A payment schedule: June of the ledger's worked example, with
	// current lines, prior-period adjustments and a held line.
	_, led := workedLedgerJune(t)
	schedPath := filepath.Join(dir, "schedule.xlsx")
	if code, _, stderr := evalRun(t, "ledger", "schedule", led, "--period", "2026-06", "--format", "xlsx", "-o", schedPath); code != 0 {
		t.Fatalf("schedule: exit %d: %s", code, stderr)
	}
	schedCSV := scheduleCSV(t, led, "2026-06")
	paths = append(paths, schedPath)

	sheet := libreOffice(t, bin, dir, paths...)
	for _, bk := range books {
		t.Run(filepath.Base(bk.path), func(t *testing.T) {
			checkStatementInLibreOffice(t, bk.json, bk.csv, func(name string) [][]string { return sheet(bk.path, name) }, bk.sheet != "")
		})
	}
	t.Run("diff.xlsx", func(t *testing.T) {
		// Each period's, rule's and person's amounts as LibreOffice reads
		// them, against the CSV comparison.
		for _, s := range []struct {
			sheet, by string
			at        int
		}{{"By period", "period", 3}, {"By rule", "rule", 1}, {"By person", "person", 1}} {
			rows := sheet(diffPath, s.sheet)[1:]
			if len(rows) != len(diffCSV[s.by]) {
				t.Fatalf("%s: LibreOffice read %d rows, the CSV has %d", s.sheet, len(rows), len(diffCSV[s.by]))
			}
			for i, r := range rows {
				for j := 0; j < 3; j++ {
					if got, want := cellAt(r, s.at+j), diffCSV[s.by][i][1+j]; !sameNumber(got, want) {
						t.Errorf("%s row %d: LibreOffice read %q, the comparison says %s", s.sheet, i+2, got, want)
					}
				}
			}
		}
	})
	t.Run("schedule.xlsx", func(t *testing.T) {
		// Every cell as LibreOffice reads it against the CSV schedule:
		// amounts as numbers, the rest (dates too) as the same text.
		rows := sheet(schedPath, "Schedule")
		if len(rows) != len(schedCSV) || len(schedCSV) != 1+len(juneSchedule) {
			t.Fatalf("LibreOffice read %d rows of the schedule, the CSV has %d, want %d", len(rows), len(schedCSV), 1+len(juneSchedule))
		}
		for i, r := range rows[1:] {
			for j, name := range schedCSV[0] {
				got, want := cellAt(r, j), schedCSV[i+1][j]
				if name == "amount" && !sameNumber(got, want) || name != "amount" && got != want {
					t.Errorf("Schedule row %d, %s: LibreOffice read %q, the CSV says %q", i+2, name, got, want)
				}
			}
		}
		sum := sheet(schedPath, "Summary")
		// June: 200.00 this period, -200.00 of adjustments, 0.00 due.
		for label, want := range map[string]string{"This period": "200", "Prior-period adjustments": "-200", "Held in dispute": "300", "Due": "0"} {
			if got := summaryField(sum, label); !sameNumber(got, want) {
				t.Errorf("Summary %s: LibreOffice read %q, want %s", label, got, want)
			}
		}
	})
	t.Run("forecast.xlsx", func(t *testing.T) {
		checkForecastInLibreOffice(t, parseForecastJSON(t, fcOut), func(name string) [][]string { return sheet(fcPath, name) })
	})
}

// checkStatementInLibreOffice compares the sheets LibreOffice read with the
// statement's JSON (js) and CSV (cs). With split, the lines are on Lines,
// Lines (2), Lines (3), four to a sheet.
func checkStatementInLibreOffice(t *testing.T, js xlsxStatementJSON, cs [][]string, sheet func(string) [][]string, split bool) {
	money := func(where, got, want string) {
		t.Helper()
		if !sameNumber(got, want) {
			t.Errorf("%s: LibreOffice read %q, the statement says %s", where, got, want)
		}
	}
	same := func(where, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: LibreOffice read %q, the statement says %q", where, got, want)
		}
	}

	// Lines, against the CSV statement, column by column, and the JSON's
	// dates and inputs. The workbook's Lines sheet has the CSV's columns,
	// in its order, and then the inputs.
	var lines [][]string
	var header []string
	if split {
		for _, name := range []string{"Lines", "Lines (2)", "Lines (3)"} {
			rows := sheet(name)
			if len(rows)-1 > 4 {
				t.Errorf("%s holds %d lines, more than 4", name, len(rows)-1)
			}
			header = rows[0]
			lines = append(lines, rows[1:]...)
		}
	} else {
		rows := sheet("Lines")
		header = rows[0]
		same("Lines header", strings.Join(rows[0], ","),
			"Contract,Statement,Line id,Period,From,To,Payer,Person,Key,Kind,Rule,Amount,Currency,Title,Source,What-if,Inputs")
		lines = rows[1:]
	}
	if len(cs) == 0 || len(cs[0]) != len(header)-1 {
		t.Fatalf("the CSV statement has the columns %q; the workbook's Lines sheet %q", cs[0], header)
	}
	// With several payers a line has a row for each payer's part.
	var lineOf []int
	for i, l := range js.Lines {
		for range max(1, len(l.Parts)) {
			lineOf = append(lineOf, i)
		}
	}
	if len(lines) != len(cs)-1 || len(lines) != len(lineOf) {
		t.Fatalf("LibreOffice read %d lines; the CSV statement has %d, the JSON %d lines and parts", len(lines), len(cs)-1, len(lineOf))
	}
	dates := map[string][2]string{}
	for _, p := range js.Periods {
		dates[p.Period] = [2]string{p.From, p.To}
	}
	for i, r := range lines {
		c, l := cs[i+1], js.Lines[lineOf[i]]
		at := "Lines row " + strconv.Itoa(i+2)
		for j, name := range cs[0] {
			switch name {
			case "amount":
				money(at+" amount", cellAt(r, j), c[j])
			case "period_start":
				same(at+" from", cellAt(r, j), dates[l.Period][0])
				same(at+" from (CSV)", c[j], dates[l.Period][0])
			case "period_end":
				same(at+" to", cellAt(r, j), dates[l.Period][1])
				same(at+" to (CSV)", c[j], dates[l.Period][1])
			default:
				same(at+" "+name, cellAt(r, j), c[j])
			}
		}
		same(at+" rule (JSON)", c[10], l.Rule)
		var in []string
		for _, x := range l.Inputs {
			in = append(in, x.Name+" = "+x.Value)
		}
		same(at+" inputs", cellAt(r, len(cs[0])), strings.Join(in, "; "))
	}

	// Summary.
	sum := sheet("Summary")
	same("Summary Statement", summaryField(sum, "Statement"), js.Contract.Title)
	same("Summary Term from", summaryField(sum, "Term from"), js.Contract.Term.From)
	same("Summary Term to", summaryField(sum, "Term to"), js.Contract.Term.To)
	same("Summary Currency", summaryField(sum, "Currency"), js.Contract.Currency)
	same("Summary Period", summaryField(sum, "Period"), js.Period)
	same("Summary Spec sha256", summaryField(sum, "Spec sha256"), js.Contract.SpecSHA256)
	money("Summary Total", summaryField(sum, "Total"), js.Total)
	same("Summary Lines", summaryField(sum, "Lines"), strconv.Itoa(len(js.Lines)))
	for label, n := range map[string]int{"Input": js.Records.Input, "Evaluated": js.Records.Evaluated, "Earlier": js.Records.Earlier,
		"Later": js.Records.Later, "Excluded": js.Records.Excluded} {
		same("Summary records "+label, summaryField(sum, label), strconv.Itoa(n))
	}
	files := summaryTable(sum, "Data file", "Data", "Format", "Records", "SHA-256")
	if len(files) != len(js.Data) {
		t.Errorf("Summary lists %d data files, want %d", len(files), len(js.Data))
	}
	for i := range min(len(files), len(js.Data)) {
		same("Summary data file", cellAt(files[i], 0), js.Data[i].File)
		same("Summary data records", cellAt(files[i], 3), strconv.Itoa(js.Data[i].Records))
		same("Summary data sha256", cellAt(files[i], 4), js.Data[i].SHA256)
	}
	periods := summaryTable(sum, "Period", "From", "To", "Total")
	if len(periods) != len(js.Periods) {
		t.Errorf("Summary lists %d periods, want %d", len(periods), len(js.Periods))
	}
	for i := range min(len(periods), len(js.Periods)) {
		p, r := js.Periods[i], periods[i]
		same("Summary period", cellAt(r, 0), p.Period)
		same("Summary period "+p.Period+" from", cellAt(r, 1), p.From)
		same("Summary period "+p.Period+" to", cellAt(r, 2), p.To)
		money("Summary period "+p.Period+" total", cellAt(r, 3), p.Total)
	}
	for _, sub := range []struct {
		head string
		want []xlsxSubtotalJSON
	}{{"Kind", js.Subtotals.ByKind}, {"Rule", js.Subtotals.ByRule}} {
		rows := summaryTable(sum, sub.head, "Lines", "Amount")
		if len(rows) != len(sub.want) {
			t.Errorf("Summary has %d subtotals by %s, want %d", len(rows), sub.head, len(sub.want))
			continue
		}
		for i, w := range sub.want {
			same("Summary subtotal", cellAt(rows[i], 0), w.Name)
			same("Summary subtotal "+w.Name+" lines", cellAt(rows[i], 1), strconv.Itoa(w.Lines))
			money("Summary subtotal "+w.Name, cellAt(rows[i], 2), w.Amount)
		}
	}

	// Caps, Standards, Flags, Exclusions, by their columns' headers.
	eachSheetRow(t, sheet("Caps"), "Caps", len(js.Caps), func(i int, cell func(string) string) {
		c := js.Caps[i]
		same("Caps rule", cell("Rule"), c.Rule)
		same("Caps instance", cell("Instance"), c.Instance)
		same("Caps period", cell("Period"), c.Period)
		money("Caps covered", cell("Covered"), c.Covered)
		money("Caps limit", cell("Limit"), c.Limit)
		money("Caps adjustment", cell("Adjustment"), c.Adjustment)
	})
	eachSheetRow(t, sheet("Standards"), "Standards", len(js.Standards), func(i int, cell func(string) string) {
		s := js.Standards[i]
		same("Standards standard", cell("Standard"), s.Standard)
		same("Standards instance", cell("Instance"), s.Instance)
		same("Standards period", cell("Period"), s.Period)
		same("Standards status", cell("Status"), s.Status)
		same("Standards consecutive breaches", cell("Consecutive breaches"), strconv.Itoa(s.Consecutive))
		if s.Numerator != nil {
			same("Standards numerator", cell("Numerator"), strconv.Itoa(*s.Numerator))
			same("Standards denominator", cell("Denominator"), strconv.Itoa(*s.Denominator))
		}
		// The measure, to the 15 significant digits a spreadsheet keeps.
		m := cell("Measure")
		if want := roundSignificant(value.MustParseDecimal(s.Measure), 15).String(); !sameNumber(fromPercent(m), want) {
			t.Errorf("Standards measure: LibreOffice read %q, the statement says %s (%s to 15 digits)", m, s.Measure, want)
		}
	})
	eachSheetRow(t, sheet("Flags"), "Flags", len(js.Flags), func(i int, cell func(string) string) {
		f := js.Flags[i]
		same("Flags rule", cell("Rule"), f.Rule)
		same("Flags period", cell("Period"), f.Period)
		same("Flags key", cell("Key"), f.Key)
		same("Flags source", cell("Source"), f.Source)
	})
	eachSheetRow(t, sheet("Exclusions"), "Exclusions", len(js.Excluded), func(i int, cell func(string) string) {
		x := js.Excluded[i]
		same("Exclusions data", cell("Data"), x.Data)
		same("Exclusions key", cell("Key"), x.Key)
		same("Exclusions source", cell("Source"), x.Source)
		same("Exclusions period", cell("Period"), x.Period)
		same("Exclusions reason", cell("Reason"), x.Reason)
	})
}

// eachSheetRow checks that the sheet rows, named name, has n rows below
// its header row, and calls check for each of them with its index and its
// cell under a header; a header the sheet lacks is an error, not column A.
func eachSheetRow(t *testing.T, rows [][]string, name string, n int, check func(i int, cell func(head string) string)) {
	t.Helper()
	if len(rows) == 0 {
		t.Errorf("%s is empty, want a header row and %d rows", name, n)
		return
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	rows = rows[1:]
	if len(rows) != n {
		t.Errorf("%s has %d rows, want %d", name, len(rows), n)
	}
	for i := range min(len(rows), n) {
		check(i, func(head string) string {
			c, ok := col[head]
			if !ok {
				t.Errorf("%s has no column %q", name, head)
				return ""
			}
			return cellAt(rows[i], c)
		})
	}
}

// fromPercent reads a cell LibreOffice wrote as a percentage ("83.5%",
// which it does even for the cells' values) as a fraction (0.835), exactly;
// other text is returned as it is.
func fromPercent(s string) string {
	p, ok := strings.CutSuffix(s, "%")
	if !ok {
		return s
	}
	d, err := value.ParseDecimal(p)
	if err != nil {
		return s
	}
	q, _ := d.Quo(value.DecimalFromInt(100))
	return q.String()
}

// checkForecastInLibreOffice compares the forecast's sheets LibreOffice
// read with its JSON.
func checkForecastInLibreOffice(t *testing.T, fc xlsxForecast, sheet func(string) [][]string) {
	money := func(where, got, want string) {
		t.Helper()
		if !sameNumber(got, want) {
			t.Errorf("%s: LibreOffice read %q, the forecast says %s", where, got, want)
		}
	}
	stats := func(where string, r []string, at int, s xlsxStats) {
		t.Helper()
		for i, w := range []string{s.Mean, s.P10, s.P50, s.P90, s.Min, s.Max} {
			money(where+" "+xlsxStatsCols[i].name, cellAt(r, at+i), w)
		}
	}
	sum := sheet("Summary")
	if got := summaryField(sum, "Periods"); got != fc.Term.Period {
		t.Errorf("Summary Periods: %q, want %q", got, fc.Term.Period)
	}
	term := summaryTable(sum, "Line kind", "Mean")
	if len(term) == 0 || cellAt(term[0], 0) != "total" {
		t.Fatalf("Summary has no term total: %q", term)
	}
	stats("Summary total", term[0], 1, fc.Term.Total)

	byPeriod := sheet("By period")[1:]
	if len(byPeriod) != 6*len(fc.Periods) {
		t.Errorf("By period has %d rows, want 6 for each of %d periods", len(byPeriod), len(fc.Periods))
	}
	for i, p := range fc.Periods {
		if 6*i >= len(byPeriod) {
			break
		}
		r := byPeriod[6*i]
		if cellAt(r, 0) != p.Period || cellAt(r, 1) != p.From || cellAt(r, 2) != p.To || cellAt(r, 3) != "total" {
			t.Errorf("By period row %d: %q, want %s %s %s total", 6*i+2, r, p.Period, p.From, p.To)
		}
		stats("By period "+p.Period, r, 4, p.Total)
	}
	bins := sheet("Distribution")[1:]
	if len(bins) != len(fc.Histogram) {
		t.Errorf("Distribution has %d rows, want %d", len(bins), len(fc.Histogram))
	}
	for i := range min(len(bins), len(fc.Histogram)) {
		b, r := fc.Histogram[i], bins[i]
		money("Distribution from", cellAt(r, 0), b.From)
		money("Distribution to", cellAt(r, 1), b.To)
		if cellAt(r, 2) != strconv.Itoa(b.Count) {
			t.Errorf("Distribution row %d: %s runs, want %d", i+2, cellAt(r, 2), b.Count)
		}
	}
	params := sheet("Params")[1:]
	if len(params) != len(fc.Params)+len(fc.Vars) {
		t.Errorf("Params has %d rows, want %d", len(params), len(fc.Params)+len(fc.Vars))
	}
	for i := range min(len(params), len(fc.Params)) {
		if p, r := fc.Params[i], params[i]; cellAt(r, 0) != p.Name || cellAt(r, 2) != p.Value {
			t.Errorf("Params row %d: %q, want %s = %s", i+2, r, p.Name, p.Value)
		}
	}
	chances := sheet("Chances")[1:]
	for _, c := range fc.Caps {
		found := false
		for _, r := range chances {
			if cellAt(r, 0) == c.Rule && cellAt(r, 3) == fc.Term.Period {
				found = true
				if cellAt(r, 4) != strconv.Itoa(c.Runs) || !sameNumber(fromPercent(cellAt(r, 5)), c.Chance) {
					t.Errorf("Chances %s: %q, want %d runs, %s", c.Rule, r, c.Runs, c.Chance)
				}
			}
		}
		if !found {
			t.Errorf("Chances has no row for %s over %s", c.Rule, fc.Term.Period)
		}
	}
	if len(fc.Caps) == 0 {
		t.Error("the forecast has no caps to check the Chances sheet with")
	}
	if rows := sheet("Sensitivity"); len(rows) != 4 {
		t.Errorf("Sensitivity has %d rows, want a header and 3 steps", len(rows))
	}
}
