package main

// Tests of the workbooks of occ eval --format xlsx and occ forecast --xlsx,
// reopened with excelize: the sheets, their columns, the cells' types and
// number formats, the frozen header rows and autofilters, tables going on
// over sheets, the refusal of amounts a spreadsheet cannot hold, and the
// command line's refusal to write a workbook to a terminal.
// xlsx_libreoffice_test.go opens them in a real spreadsheet program.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/xuri/excelize/v2"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/gen"
)

// xlsxCase is a contract and data evaluated into a statement for the
// workbook tests.
type xlsxCase struct {
	name   string
	spec   string
	data   []string
	period string
}

// xlsxCases cover every sheet with rows: caps and flags
// (individual-outcomes), standards over quarters (performance-standards),
// exclusions and caps over nine periods (rate-card), a flag and an
// exclusion (time-and-task), and yen, a currency without minor units.
func xlsxCases(t testing.TB) []xlsxCase {
	sp := func(name string, files ...string) xlsxCase {
		c := xlsxCase{name: name, spec: "../../specs/" + name}
		for _, f := range files {
			c.data = append(c.data, c.spec+"/"+f)
		}
		return c
	}
	outcomes := sp("individual-outcomes", "reviews.csv", "goals.csv")
	outcomes.period = "2026-05"
	return []xlsxCase{
		outcomes,
		sp("performance-standards", "episodes.csv"),
		sp("rate-card", "claims.csv"),
		sp("time-and-task", "visits.csv"),
		yenCase(t),
	}
}

// yenCase writes a contract in yen, with a cap, to a temporary directory.
func yenCase(t testing.TB) xlsxCase {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("contract.occ", `contract "Yen" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
  currency   JPY
}

param hourly_rate "Price per hour" = ¥2410
param monthly_cap "Most paid for visits in a month" = ¥3000

data visit "A visit" {
  visit   text key
  date    date
  minutes int 0 .. 1440
}

payment visits "Visits" {
  for    visit
  amount = visit.minutes / 60 * hourly_rate
}

cap monthly "Visits at most ¥3000 a month" {
  per    period
  covers visits
  limit  = monthly_cap
}
`)
	write("visits.csv", "visit,date,minutes\nV1,2026-05-01,45\nV2,2026-05-02,50\nV3,2026-06-03,30\n")
	return xlsxCase{name: "yen", spec: dir, data: []string{filepath.Join(dir, "visits.csv")}}
}

// statementOf evaluates a case, with each line's inputs, as occ eval
// --format xlsx does.
func statementOf(t testing.TB, c xlsxCase) *runtime.Statement {
	t.Helper()
	var stderr bytes.Buffer
	contract, _, err := compileSpec(c.spec, &stderr, "text")
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.name, err, stderr.String())
	}
	d, err := loadData(contract, c.data, data.Limits{}, 0, &stderr, "text")
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.name, err, stderr.String())
	}
	prog, err := programFor(contract, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	var settle compiler.Period
	if c.period != "" {
		if settle, err = contract.Calendar().Parse(c.period); err != nil {
			t.Fatal(err)
		}
	}
	st, err := prog.Eval(context.Background(), d, settle)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return st
}

// workbook writes a statement's workbook and reopens it with excelize.
func workbook(t testing.TB, st *runtime.Statement, opts xlsxOptions) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := writeStatementXLSX(&buf, st, nil, opts); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// cellFormat returns the number format code of a cell: a custom code, or
// the built-in id as "#N".
func cellFormat(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return "#" + strconv.Itoa(st.NumFmt)
}

// rawValue returns a cell's value as stored, unformatted.
func rawValue(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sameNumber says whether the decimal texts a and b are the same number
// (784 and 784.00).
func sameNumber(a, b string) bool {
	x, err1 := value.ParseDecimal(a)
	y, err2 := value.ParseDecimal(b)
	return err1 == nil && err2 == nil && x.Cmp(y) == 0
}

// checkTableSheet checks a table sheet's header row, that it is frozen,
// and that its autofilter covers the header and rows rows.
// columnsOf maps a table's header row to each column's index.
func columnsOf(header []string) map[string]int {
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	return col
}

// cellOf names the cell of column index col (from 0) and row (from 1).
func cellOf(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col+1, row)
	return ref
}

func checkTableSheet(t *testing.T, f *excelize.File, sheet string, cols []xlsxCol, rows int) {
	t.Helper()
	got, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	if len(got) != rows+1 {
		t.Errorf("sheet %s has %d rows, want a header and %d", sheet, len(got), rows)
	}
	var want []string
	for _, c := range cols {
		want = append(want, c.name)
	}
	if len(got) == 0 || strings.Join(got[0], "|") != strings.Join(want, "|") {
		t.Errorf("sheet %s: header %q, want %q", sheet, got[0], want)
	}
	p, err := f.GetPanes(sheet)
	if err != nil || !p.Freeze || p.YSplit != 1 || p.XSplit != 0 || p.TopLeftCell != "A2" {
		t.Errorf("sheet %s: panes %+v (%v), want the header row frozen", sheet, p, err)
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), rows+1)
	filter := "'" + sheet + "'!$A$1:$" + regexp.MustCompile(`\d+$`).ReplaceAllString(last, "") + "$" + strconv.Itoa(rows+1)
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
			found = true
			if dn.RefersTo != filter {
				t.Errorf("sheet %s: autofilter over %s, want %s", sheet, dn.RefersTo, filter)
			}
		}
	}
	if !found {
		t.Errorf("sheet %s has no autofilter", sheet)
	}
}

// TestStatementXLSX reopens the workbook of each case and checks every
// sheet against the statement.
func TestStatementXLSX(t *testing.T) {
	for _, c := range xlsxCases(t) {
		t.Run(c.name, func(t *testing.T) {
			st := statementOf(t, c)
			f, _ := workbook(t, st, xlsxOptions{})
			want := []string{"Summary", "Lines", "Caps", "Standards", "Flags", "Exclusions"}
			if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("sheets %q, want %q", got, want)
			}
			moneyFmt := `"£"#,##0.00;-"£"#,##0.00`
			if c.name == "yen" {
				moneyFmt = `"¥"#,##0;-"¥"#,##0`
			}

			// Lines: every line, in order, with typed cells; with several
			// payers a row for each payer's part of a line.
			type lineRow struct {
				l             *runtime.Line
				payer, amount string
			}
			titles := map[string]string{}
			for _, p := range st.ByPayer {
				titles[p.Payer] = p.Title
			}
			var lines []lineRow
			nLines := 0
			for l := range st.Lines() {
				nLines++
				if len(l.Parts) == 0 {
					lines = append(lines, lineRow{l, st.Contract.Commissioner, l.Amount.String()})
				}
				for _, p := range l.Parts {
					lines = append(lines, lineRow{l, titles[p.Payer], p.Amount.String()})
				}
			}
			lineCols := xlsxCols(statementSheets[0])
			checkTableSheet(t, f, "Lines", lineCols, len(lines))
			rows, _ := f.GetRows("Lines", excelize.Options{RawCellValue: true})
			col := columnsOf(rows[0])
			periods := map[string]runtime.PeriodTotal{}
			for _, p := range st.Periods {
				periods[p.Period] = p
			}
			for i, lr := range lines {
				l := lr.l
				r := i + 2
				row := rows[i+1]
				for len(row) < len(lineCols) {
					row = append(row, "")
				}
				at := func(name string) string { return row[col[name]] }
				if at("Rule") != l.Rule || at("Kind") != l.Kind || at("Period") != l.Period || at("Key") != l.Key ||
					at("Title") != l.Title || at("Source") != l.Source || at("Person") != l.Person ||
					at("Line id") != l.Period+":"+l.Rule+":"+l.Key || at("Contract") != st.Contract.Title ||
					at("Payer") != lr.payer || at("Currency") != st.Contract.Currency ||
					at("Statement") != strconv.Itoa(periods[l.Period].Number) || at("What-if") != "" {
					t.Errorf("Lines row %d: %q, want the line %+v", r, row, *l)
				}
				if !sameNumber(at("Amount"), lr.amount) {
					t.Errorf("Lines row %d: amount %s, want %s", r, at("Amount"), lr.amount)
				}
				if len(l.Inputs) > 0 && !strings.HasPrefix(at("Inputs"), l.Inputs[0].Name+" = "+l.Inputs[0].Value) {
					t.Errorf("Lines row %d: inputs %q, want them to start with %s = %s", r, at("Inputs"), l.Inputs[0].Name, l.Inputs[0].Value)
				}
				g := cellOf(col["Amount"], r)
				if ct, _ := f.GetCellType("Lines", g); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
					t.Errorf("Lines %s is of type %v, want a number", g, ct)
				}
				if got := cellFormat(t, f, "Lines", g); got != moneyFmt {
					t.Errorf("Lines %s has format %q, want %q", g, got, moneyFmt)
				}
				p := periods[l.Period]
				for name, d := range map[string]value.Date{"From": p.From, "To": p.To} {
					ref := cellOf(col[name], r)
					if got := cellFormat(t, f, "Lines", ref); got != "yyyy-mm-dd" {
						t.Errorf("Lines %s has format %q, want yyyy-mm-dd", ref, got)
					}
					serial, _ := strconv.Atoi(rawValue(t, f, "Lines", ref))
					if got := excelEpoch.AddDays(int64(serial)); got != d {
						t.Errorf("Lines %s is day %d, %s; want %s", ref, serial, got, d)
					}
					if shown, _ := f.GetCellValue("Lines", ref); shown != d.String() {
						t.Errorf("Lines %s shows %q, want %s", ref, shown, d)
					}
				}
			}
			if len(lines) > 0 {
				if shown, _ := f.GetCellValue("Lines", cellOf(col["Amount"], 2)); !strings.HasPrefix(shown, moneyFmt[1:2]) && !strings.HasPrefix(shown, "-"+moneyFmt[1:2]) {
					t.Errorf("Lines amount of row 2 shows %q, not in the currency", shown)
				}
			}

			// Summary: the figures, by label.
			sum, _ := f.GetRows("Summary", excelize.Options{RawCellValue: true})
			field := map[string]string{}
			for _, r := range sum {
				if len(r) >= 2 {
					if _, ok := field[r[0]]; !ok {
						field[r[0]] = r[1]
					}
				}
			}
			cn := st.Contract
			for label, want := range map[string]string{"Statement": cn.Title, "Period": st.Period, "Spec sha256": cn.SpecSHA256,
				"Currency": cn.Currency, "Lines": strconv.Itoa(nLines), "Lines on": "Lines"} {
				if field[label] != want {
					t.Errorf("Summary %s = %q, want %q", label, field[label], want)
				}
			}
			if !sameNumber(field["Total"], st.Total.String()) {
				t.Errorf("Summary Total = %s, want %s", field["Total"], st.Total)
			}
			for _, sub := range append(append([]runtime.Subtotal(nil), st.ByKind...), st.ByRule...) {
				found := false
				for _, r := range sum {
					if len(r) >= 3 && r[0] == sub.Name && r[1] == strconv.Itoa(sub.Lines) && sameNumber(r[2], sub.Amount.String()) {
						found = true
					}
				}
				if !found {
					t.Errorf("Summary has no subtotal %s: %d lines, %s", sub.Name, sub.Lines, sub.Amount)
				}
			}
			for _, df := range st.Data {
				found := false
				for _, r := range sum {
					if len(r) >= 5 && r[0] == df.Path && r[4] == df.SHA256 {
						found = true
					}
				}
				if !found {
					t.Errorf("Summary does not list data file %s with its hash", df.Path)
				}
			}
			for i, r := range sum {
				if len(r) > 1 && r[0] == "Total" {
					ref := "B" + strconv.Itoa(i+1)
					if got := cellFormat(t, f, "Summary", ref); got != moneyFmt {
						t.Errorf("Summary %s has format %q, want %q", ref, got, moneyFmt)
					}
				}
				if len(r) > 1 && r[0] == "Term from" {
					if shown, _ := f.GetCellValue("Summary", "B"+strconv.Itoa(i+1)); shown != cn.TermFrom.String() {
						t.Errorf("Summary Term from shows %q, want %s", shown, cn.TermFrom)
					}
				}
			}

			checkTableSheet(t, f, "Caps", xlsxCols(statementSheets[1]), len(st.Caps))
			checkTableSheet(t, f, "Standards", xlsxCols(statementSheets[2]), len(st.Standards))
			checkTableSheet(t, f, "Flags", xlsxCols(statementSheets[3]), len(st.Flags))
			checkTableSheet(t, f, "Exclusions", xlsxCols(statementSheets[4]), len(st.Excluded))
			caps, _ := f.GetRows("Caps", excelize.Options{RawCellValue: true})
			cc := columnsOf(caps[0])
			for i, cp := range st.Caps {
				r := caps[i+1]
				if r[cc["Rule"]] != cp.Rule || r[cc["Instance"]] != cp.Instance || !sameNumber(r[cc["Covered"]], cp.Covered.String()) ||
					!sameNumber(r[cc["Limit"]], cp.Limit.String()) || !sameNumber(r[cc["Adjustment"]], cp.Adjustment.String()) {
					t.Errorf("Caps row %d: %q, want %+v", i+2, r, cp)
				}
			}
			stds, _ := f.GetRows("Standards", excelize.Options{RawCellValue: true})
			sc := columnsOf(stds[0])
			for i, sd := range st.Standards {
				r := stds[i+1]
				if r[sc["Standard"]] != sd.Rule || r[sc["Instance"]] != sd.Instance || r[sc["Status"]] != sd.Status() {
					t.Errorf("Standards row %d: %q, want %+v", i+2, r, sd)
				}
				// The measure to 15 significant digits, rounded.
				if want := roundSignificant(sd.Measure, 15).String(); sd.NotMeasured == "" && !sameNumber(r[sc["Measure"]], want) {
					t.Errorf("Standards row %d: measure %s, want %s (%s)", i+2, r[sc["Measure"]], want, sd.Measure)
				}
				if sd.AsPercent {
					if got := cellFormat(t, f, "Standards", cellOf(sc["Measure"], i+2)); got != "#10" {
						t.Errorf("Standards measure of row %d has format %s, want 0.00%% (#10)", i+2, got)
					}
				}
			}
			flags, _ := f.GetRows("Flags")
			fc := columnsOf(flags[0])
			for i, fl := range st.Flags {
				if r := flags[i+1]; r[fc["Rule"]] != fl.Rule || r[fc["Key"]] != fl.Key {
					t.Errorf("Flags row %d: %q, want %+v", i+2, r, fl)
				}
			}
			excl, _ := f.GetRows("Exclusions")
			xc := columnsOf(excl[0])
			for i, x := range st.Excluded {
				if r := excl[i+1]; r[xc["Data"]] != x.Data || r[xc["Key"]] != x.Key || r[xc["Reason"]] != x.Reason {
					t.Errorf("Exclusions row %d: %q, want %+v", i+2, r, x)
				}
			}
		})
	}
}

// TestStatementXLSXCoversEverySheet makes sure the cases put rows on every
// table sheet, so that TestStatementXLSX checks them all.
func TestStatementXLSXCoversEverySheet(t *testing.T) {
	var caps, stds, flags, excl, yen int
	for _, c := range xlsxCases(t) {
		st := statementOf(t, c)
		caps += len(st.Caps)
		stds += len(st.Standards)
		flags += len(st.Flags)
		excl += len(st.Excluded)
		if st.Contract.MinorUnits == 0 {
			yen++
		}
	}
	if caps == 0 || stds == 0 || flags == 0 || excl == 0 || yen == 0 {
		t.Errorf("the cases have %d caps, %d standards, %d flags, %d exclusions and %d contracts without minor units", caps, stds, flags, excl, yen)
	}
}

// TestStatementXLSXGoesOnOverSheets writes the lines of a statement with
// at most five rows to a sheet: the lines go on over Lines (2), Lines
// (3)..., each sheet with its header, frozen, and its own autofilter, and
// together they hold every line once, in order.
func TestStatementXLSXGoesOnOverSheets(t *testing.T) {
	st := statementOf(t, xlsxCases(t)[0]) // 11 lines
	const per = 5                         // a header and 4 lines
	f, _ := workbook(t, st, xlsxOptions{rowsPerSheet: per})
	want := []string{"Summary", "Lines", "Lines (2)", "Lines (3)", "Caps", "Standards", "Flags", "Exclusions"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	var keys []string
	for _, sheet := range want[1:4] {
		rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		n := len(rows) - 1
		checkTableSheet(t, f, sheet, xlsxCols(statementSheets[0]), n)
		col := columnsOf(rows[0])
		for _, r := range rows[1:] {
			keys = append(keys, r[col["Rule"]]+" "+r[col["Key"]]+" "+r[col["Amount"]])
		}
	}
	var all []string
	for l := range st.Lines() {
		all = append(all, l.Rule+" "+l.Key+" "+l.Amount.String())
	}
	if len(keys) != len(all) {
		t.Fatalf("the Lines sheets hold %d lines, want %d", len(keys), len(all))
	}
	for i := range all {
		if !sameNumber(strings.Fields(keys[i])[2], strings.Fields(all[i])[2]) || strings.Join(strings.Fields(keys[i])[:2], " ") != strings.Join(strings.Fields(all[i])[:2], " ") {
			t.Errorf("line %d is %q, want %q", i+1, keys[i], all[i])
		}
	}
	sum, _ := f.GetRows("Summary")
	for _, r := range sum {
		if len(r) > 1 && r[0] == "Lines on" && r[1] != "Lines, Lines (2), Lines (3)" {
			t.Errorf("Summary: Lines on %q", r[1])
		}
	}
	// A table that fills its sheets exactly takes no more: 8 lines, 4 a
	// sheet, is two sheets, and none is empty.
	b, _ := newXLSXBook("GBP", 2, xlsxOptions{rowsPerSheet: per})
	defer b.close()
	for n, sheets := range map[int]int{0: 1, 1: 1, 4: 1, 5: 2, 8: 2, 9: 3} {
		if got := len(b.sheetNames("Lines", n)); got != sheets {
			t.Errorf("%d lines at 4 a sheet take %d sheets, want %d", n, got, sheets)
		}
	}
}

// TestStatementXLSXIsRepeatable writes the same statement twice, on
// several Lines sheets (streamed, which excelize stores in a random
// order), and wants the same bytes.
func TestStatementXLSXIsRepeatable(t *testing.T) {
	st := statementOf(t, xlsxCases(t)[0])
	_, a := workbook(t, st, xlsxOptions{rowsPerSheet: 3})
	for range 4 {
		if _, b := workbook(t, st, xlsxOptions{rowsPerSheet: 3}); !bytes.Equal(a, b) {
			t.Fatal("two workbooks of the same statement differ")
		}
	}
}

// TestXLSXNumbersRoundTrip checks the float64 path of streamed money: for
// amounts of up to 15 significant digits, the number in the sheet's XML is
// the amount's own decimal text, digit for digit.
func TestXLSXNumbersRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	b, err := newXLSXBook("GBP", 2, xlsxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	check := func(s string) {
		t.Helper()
		d := value.MustParseDecimal(s)
		c, err := b.streamCell(xlsxMoney(d))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		// What excelize writes in <v>: strconv.FormatFloat(f, 'f', -1, 64),
		// cut to 15 significant digits.
		f := c.(excelize.Cell).Value.(float64)
		got := strconv.FormatFloat(f, 'f', -1, 64)
		if !sameNumber(got, s) || significantDigits(got) > xlsxMaxDigits {
			t.Errorf("%s is written as %s", s, got)
		}
	}
	for _, s := range []string{"0.00", "0.01", "-0.01", "0.10", "0.07", "1.15", "2.675", "1234567.89", "-47.04", "9999999999999.99",
		"-9999999999999.99", "1000000000000.01", "999999999999999", "0.000000000000001", "123456789012.345"} {
		check(s)
	}
	for range 200_000 {
		digits := 1 + r.IntN(15)
		n := r.Int64N(pow10(digits))
		places := r.IntN(digits + 1)
		s := strconv.FormatInt(n, 10)
		for len(s) <= places {
			s = "0" + s
		}
		if places > 0 {
			s = s[:len(s)-places] + "." + s[len(s)-places:]
		}
		if r.IntN(2) == 0 {
			s = "-" + s
		}
		check(s)
	}
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func TestRoundSignificant(t *testing.T) {
	for in, want := range map[string]string{
		"0.6052631578947368421052631578947368": "0.605263157894737",
		"0.8333333333333333333333333333333333": "0.833333333333333",
		"-0.0012345678901234567":               "-0.00123456789012346",
		"12.345678901234567":                   "12.3456789012346",
		"0.85":                                 "0.85",
		"1234567890123456789.5":                "1234567890123456790",
		"0":                                    "0",
	} {
		if got := roundSignificant(value.MustParseDecimal(in), 15).String(); got != want {
			t.Errorf("roundSignificant(%s, 15) = %s, want %s", in, got, want)
		}
	}
}

// TestXLSXRefusesUnholdableAmounts: an amount of more than 15 significant
// digits would be changed by any spreadsheet, so no workbook is written,
// and the error names the line.
func TestXLSXRefusesUnholdableAmounts(t *testing.T) {
	for s, want := range map[string]int{"3153.64": 6, "0.050": 1, "0": 0, "-0.00": 0, "1000": 1, "1234567890123.45": 15,
		"12345678901234.56": 16, "0.0000000000000001": 1, "100.000000000000001": 18} {
		if got := significantDigits(s); got != want {
			t.Errorf("significantDigits(%s) = %d, want %d", s, got, want)
		}
	}
	if _, err := xlsxNumber(value.MustParseDecimal("12345678901234.56")); err == nil ||
		!strings.Contains(err.Error(), "12345678901234.56 has 16 significant digits, and a spreadsheet keeps only 15 exactly") {
		t.Errorf("a 16-digit amount: %v", err)
	}
	// A contract whose hourly rate makes a line of 16 digits.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "contract.occ"), []byte(`contract "Big" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param rate "Price per visit" = £12345678901234.56

data visit "A visit" {
  visit   text key
  date    date
}

payment visits "Visits" {
  for    visit
  amount = rate
}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "visits.csv"), []byte("visit,date\nV1,2026-05-01\n"), 0o644)
	out := filepath.Join(dir, "big.xlsx")
	code, stdout, stderr := evalRun(t, "eval", dir, "--data", filepath.Join(dir, "visits.csv"), "--format", "xlsx", "-o", out)
	if code != exitFindings || stdout != "" ||
		!strings.Contains(stderr, "occ: cannot write the workbook: line 2026-05 visits V1: Lines row 2, Amount: 12345678901234.56 has 16 significant digits") ||
		!strings.Contains(stderr, "use --format json or csv") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a workbook was left at %s: %v", out, err)
	}
}

// TestEvalXLSXOutput: occ eval --format xlsx needs -o; -o - writes the
// workbook to standard output; -o FILE writes it atomically.
func TestEvalXLSXOutput(t *testing.T) {
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--format", "xlsx")...)
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "occ: --format xlsx writes a workbook: give -o FILE.xlsx (or -o - to write it to standard output)") {
		t.Errorf("without -o: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = evalRun(t, evalOutcomesArgs("--format", "xlsx", "-o", "-")...)
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "PK\x03\x04") {
		t.Fatalf("-o -: exit %d, stderr %q, stdout %.20q", code, stderr, stdout)
	}
	out := filepath.Join(t.TempDir(), "statement.xlsx")
	if code, _, stderr := evalRun(t, evalOutcomesArgs("--format", "xlsx", "-o", out)...); code != 0 {
		t.Fatalf("-o FILE: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(b, []byte(stdout)) {
		t.Errorf("the file and standard output differ (%v)", err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Summary", "B14", excelize.Options{RawCellValue: true}); v != "3153.64" {
		t.Errorf("Summary B14 (the total) = %q", v)
	}
	if v, _ := f.GetCellValue("Lines", "Q2"); v != "review.actual_hours = 40; hourly_rate = 19.60" {
		t.Errorf("Lines Q2 (the first line's inputs) = %q", v)
	}
	code, _, stderr = evalRun(t, evalOutcomesArgs("--format", "xls", "-o", out)...)
	if code != exitUsage || !strings.Contains(stderr, `unknown format "xls": use table, json, summary, csv or xlsx`) {
		t.Errorf("--format xls: exit %d, %s", code, stderr)
	}
}

// TestForecastXLSX writes a forecast with a sweep as a workbook and checks
// its sheets against the forecast's JSON.
func TestForecastXLSX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "forecast.xlsx")
	code, stdout, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20",
		"--vary", "hourly_rate=£18.00..£22.00:3", "--format", "json", "--xlsx", out)
	if code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	fc := parseForecastJSON(t, stdout)
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary", "By period", "Distribution", "Chances", "Sensitivity", "Params"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	checkTableSheet(t, f, "By period", xlsxPeriodCols, len(fc.Periods)*6)
	checkTableSheet(t, f, "Distribution", xlsxBinCols, len(fc.Histogram))
	checkTableSheet(t, f, "Sensitivity", xlsxSweepCols, 3)
	checkTableSheet(t, f, "Params", xlsxForecastParamCols, len(fc.Params)+len(fc.Vars))
	moneyFmt := `"£"#,##0.00;-"£"#,##0.00`
	rows, _ := f.GetRows("By period", excelize.Options{RawCellValue: true})
	for i, p := range fc.Periods {
		r := rows[1+i*6]
		if r[0] != p.Period || r[3] != "total" || !sameNumber(r[4], p.Total.Mean) || !sameNumber(r[6], p.Total.P50) || !sameNumber(r[9], p.Total.Max) {
			t.Errorf("By period row %d: %q, want %+v", 2+i*6, r, p)
		}
		if shown, _ := f.GetCellValue("By period", "B"+strconv.Itoa(2+i*6)); shown != p.From {
			t.Errorf("By period B%d shows %q, want %s", 2+i*6, shown, p.From)
		}
	}
	if got := cellFormat(t, f, "By period", "E2"); got != moneyFmt {
		t.Errorf("By period E2 has format %q", got)
	}
	bins, _ := f.GetRows("Distribution", excelize.Options{RawCellValue: true})
	for i, b := range fc.Histogram {
		r := bins[i+1]
		if !sameNumber(r[0], b.From) || !sameNumber(r[1], b.To) || r[2] != strconv.Itoa(b.Count) {
			t.Errorf("Distribution row %d: %q, want %+v", i+2, r, b)
		}
	}
	if got := cellFormat(t, f, "Distribution", "D2"); got != "#10" {
		t.Errorf("Distribution D2 has format %s, want 0.00%% (#10)", got)
	}
	sum, _ := f.GetRows("Summary", excelize.Options{RawCellValue: true})
	found := false
	for _, r := range sum {
		if len(r) >= 7 && r[0] == "total" && sameNumber(r[1], fc.Term.Total.Mean) && sameNumber(r[3], fc.Term.Total.P50) {
			found = true
		}
	}
	if !found {
		t.Errorf("Summary has no term total with mean %s", fc.Term.Total.Mean)
	}
}

// TestForecastXLSXWithoutSweep: the Sensitivity sheet is there, with its
// header only, when there is no --vary, so the workbook's shape does not
// change.
func TestForecastXLSXWithoutSweep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "forecast.xlsx")
	if code, _, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "5", "--xlsx", out); code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkTableSheet(t, f, "Sensitivity", xlsxSweepCols, 0)
}

// xlsxStats, xlsxForecast are the parts of the forecast JSON the workbook
// tests compare with.
type xlsxStats struct {
	Mean string `json:"mean"`
	P10  string `json:"p10"`
	P50  string `json:"p50"`
	P90  string `json:"p90"`
	Min  string `json:"min"`
	Max  string `json:"max"`
}

type xlsxForecast struct {
	Term struct {
		Period string    `json:"period"`
		Total  xlsxStats `json:"total"`
	} `json:"term"`
	Periods []struct {
		Period string    `json:"period"`
		From   string    `json:"from"`
		To     string    `json:"to"`
		Total  xlsxStats `json:"total"`
	} `json:"periods"`
	Histogram []struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Count int    `json:"count"`
	} `json:"histogram"`
	Params []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"params"`
	Caps []struct {
		Rule   string `json:"rule"`
		Runs   int    `json:"runs"`
		Chance string `json:"chance"`
	} `json:"caps"`
	Vars []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"vars"`
}

func parseForecastJSON(t *testing.T, out string) xlsxForecast {
	t.Helper()
	var f xlsxForecast
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("forecast JSON: %v\n%.500s", err, out)
	}
	return f
}

// BenchmarkStatementXLSX writes the workbook of a statement of 10,000
// reviews (28,000 lines), with each line's inputs, as occ eval does, and
// without.
func BenchmarkStatementXLSX(b *testing.B) {
	b.Run("inputs", func(b *testing.B) { benchmarkStatementXLSX(b) })
	b.Run("no-inputs", func(b *testing.B) { benchmarkStatementXLSX(b, runtime.WithoutInputs()) })
}

func benchmarkStatementXLSX(b *testing.B, opts ...runtime.Option) {
	st := benchStatement(b, 10_000, opts...)
	b.ReportAllocs()
	for b.Loop() {
		if err := writeStatementXLSX(io.Discard, st, nil, xlsxOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStatement evaluates the individual-outcomes contract on reviews
// generated reviews (seed 1), with the program's options opts.
func benchStatement(b *testing.B, reviews int, opts ...runtime.Option) *runtime.Statement {
	b.Helper()
	var rv, gl bytes.Buffer
	if err := gen.IndividualOutcomes(&rv, &gl, reviews, 1); err != nil {
		b.Fatal(err)
	}
	c, _, err := compileSpec(evalSpecDir, io.Discard, "text")
	if err != nil {
		b.Fatal(err)
	}
	d, ds := data.Load(c, []data.Input{{Path: "reviews.csv", Open: data.Bytes(rv.Bytes())}, {Path: "goals.csv", Open: data.Bytes(gl.Bytes())}}, data.Limits{})
	if len(ds) > 0 {
		b.Fatal(ds)
	}
	prog, err := programFor(c, nil, 0, opts...)
	if err != nil {
		b.Fatal(err)
	}
	st, err := prog.Eval(context.Background(), d, compiler.Period{})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// TestForecastXLSXByPayer: a contract two payers share has a By payer
// sheet, after By period: each payer's statistics for the term and then
// each period, and a table of them on the Summary. Every run of the
// scenario pays the council £180.03, £180.03 and £150.03 and the ICB
// £100.00 a month (testdata/script/forecast_payers.txtar works them).
func TestForecastXLSXByPayer(t *testing.T) {
	dir := t.TempDir()
	ar, err := txtar.ParseFile("../../testdata/script/forecast_payers.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "forecast.xlsx")
	if code, _, stderr := evalRun(t, "forecast", filepath.Join(dir, "contract.occ"), "--scenario", filepath.Join(dir, "scenario.yaml"), "--runs", "3", "-q", "--xlsx", out); code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,By period,By payer,Distribution,Chances,Sensitivity,Params" {
		t.Fatalf("sheets %s", got)
	}
	checkTableSheet(t, f, "By payer", xlsxPayerCols, 2*4)
	rows, _ := f.GetRows("By payer", excelize.Options{RawCellValue: true})
	for i, want := range [][]string{
		{"council", "Example City Council", "term", "510.09", ""},
		{"icb", "NHS Example ICB", "term", "300", ""},
		{"council", "Example City Council", "2026-04", "180.03", "forecast"},
		{"icb", "NHS Example ICB", "2026-06", "100", "forecast"},
	} {
		row := []int{1, 2, 3, 8}[i]
		r := rows[row]
		basis := ""
		if len(r) > 11 {
			basis = r[11]
		}
		if r[0] != want[0] || r[1] != want[1] || r[2] != want[2] || !sameNumber(r[5], want[3]) || basis != want[4] {
			t.Errorf("By payer row %d: %q, want %q", row+1, r, want)
		}
	}
	sum, _ := f.GetRows("Summary", excelize.Options{RawCellValue: true})
	found := false
	for _, r := range sum {
		found = found || len(r) >= 7 && r[0] == "council" && sameNumber(r[1], "510.09")
	}
	if !found {
		t.Error("the Summary has no row for the council's total")
	}
}
