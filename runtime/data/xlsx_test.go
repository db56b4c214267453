package data

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the workbooks of testdata/data")

// sheetRows is a sheet to write: its name and its rows of cells, each a
// string, number, bool or time.Time, as excelize writes them.
type sheetRows struct {
	name string
	rows [][]any
}

// workbook builds a workbook with excelize, as Excel would save it: dates
// as date-formatted serial numbers, numbers as numbers.
func workbook(t testing.TB, date1904 bool, sheets ...sheetRows) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(s.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	visitHeader = []any{"person", "month", "hours", "visits", "charge", "paid", "seen_on", "band"}
	taskHeader  = []any{"person", "month", "task", "status", "due_on"}
)

// testBooks are the workbooks of testdata/data, used by cases.txt and as
// fuzz seeds; go test -run TestWorkbookFiles -update rewrites them.
func testBooks(t testing.TB) map[string][]byte {
	return map[string][]byte{
		// Visits and their tasks on two sheets named after the data, and
		// a sheet of notes that is not read.
		"visits.xlsx": workbook(t, false,
			sheetRows{"Notes", [][]any{{"Exported from the care system"}}},
			sheetRows{"Visits", [][]any{
				visitHeader,
				{"P1", day("2026-05-01"), 10.5, 2, 200.0, true, nil, "low"},
				{"P2", day("2026-05-01"), 0.1 + 0.2, 1, 1234.5, false, "01/05/2026", nil},
				{"P3", "2026-06-01", 8, 0, "£1,234.50", "yes", day("2026-06-03"), "high"},
			}},
			sheetRows{"Tasks", [][]any{
				taskHeader,
				{"P1", day("2026-05-01"), "T1", "done", day("2026-05-10")},
				{"P1", day("2026-05-01"), "T2", "partly"},
				{"P2", day("2026-05-01"), 7, "not done"},
			}},
		),
		// Cells that are wrong, each reported with its sheet and cell.
		"visits-bad.xlsx": workbook(t, false, sheetRows{"Visits", [][]any{
			nil,
			visitHeader,
			{"P1", time.Date(2026, 5, 1, 10, 30, 0, 0, time.UTC), "forty", 2.5, "£1,23.00", "maybe", nil, "meduim"},
			{"P2", day("2026-05-01"), 450, 1, 1, true, 20260501, nil, "stray"},
			{nil, 60, 1, 1, 1, true},
		}}),
		// Sheets named after nothing: read by naming the sheet.
		"sheets.xlsx": workbook(t, false,
			sheetRows{"Sheet A", [][]any{{"x"}, {1}}},
			sheetRows{"Sheet B", [][]any{visitHeader, {"P1", day("2026-05-01"), 1, 1, 1, true}}},
		),
		// The 1904 date system of old Mac workbooks.
		"visits-1904.xlsx": workbook(t, true, sheetRows{"visit", [][]any{
			visitHeader,
			{"P1", day("2026-05-01"), 1, 1, 1, true, day("2026-05-02")},
		}}),
	}
}

// TestWorkbookFiles checks that the workbooks of testdata/data are there;
// with -update it writes them.
func TestWorkbookFiles(t *testing.T) {
	for name, b := range testBooks(t) {
		path := filepath.Join(dataDir, name)
		if *update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%v; run go test -run TestWorkbookFiles -update", err)
		}
	}
}

// TestLoadWorkbook checks the values read from a workbook: sheets found by
// the data's names, nested records on a sheet of their own joined by
// keys, typed cells (numbers as Excel shows them, never through a float,
// money, dates as dates, yes and no), and text cells read as in CSV.
func TestLoadWorkbook(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	ds := load(t, c, "visits.xlsx")
	checkText(t, describe(t, c, ds.Records["visit"]), `
visit visits.xlsx#Visits:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 10.5
  visits = int 2
  charge = money 200
  paid = bool true
  seen_on = -
  band = text low
  task visits.xlsx#Tasks:2
    task = text T1
    status = text done
    due_on = date 2026-05-10
  task visits.xlsx#Tasks:3
    task = text T2
    status = text partly
    due_on = -
visit visits.xlsx#Visits:3
  person = text P2
  month = date 2026-05-01
  hours = decimal 0.3
  visits = int 1
  charge = money 1234.5
  paid = bool false
  seen_on = date 2026-05-01
  band = -
  task visits.xlsx#Tasks:4
    task = text 7
    status = text not_done
    due_on = -
visit visits.xlsx#Visits:4
  person = text P3
  month = date 2026-06-01
  hours = decimal 8
  visits = int 0
  charge = money 1234.50
  paid = bool true
  seen_on = date 2026-06-03
  band = text high
`)
	var files []string
	for _, f := range ds.Files {
		if len(f.SHA256) != 64 || f.Format != "xlsx" {
			t.Errorf("file %+v", f)
		}
		files = append(files, f.Path+" "+f.Schema+" "+strings.Repeat("*", f.Records))
	}
	if got := strings.Join(files, ", "); got != "visits.xlsx#Visits visit ***, visits.xlsx#Tasks task ***" {
		t.Errorf("files: %s", got)
	}

	// The 1904 date system counts from 1 January 1904.
	ds = load(t, c, "visits-1904.xlsx")
	if got := str(field(t, ds.Records["visit"][0], c, "month")); got != "date 2026-05-01" {
		t.Errorf("1904 month: %s", got)
	}
	if got := str(field(t, ds.Records["visit"][0], c, "seen_on")); got != "date 2026-05-02" {
		t.Errorf("1904 seen_on: %s", got)
	}
}

// TestLoadWorkbookSheets checks which sheets are read: the one named
// after the file (Input.Sheet), the one named after the data given, a
// missing one, and a workbook whose sheets name no data.
func TestLoadWorkbookSheets(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	sheets := readInput(t, dataDir, "sheets.xlsx")
	visits := readInput(t, dataDir, "visits.xlsx")
	with := func(in Input, schema, sheet string) Input {
		in.Schema, in.Sheet = schema, sheet
		return in
	}
	for _, tc := range []struct {
		in   []Input
		want string // the files loaded, or the problems
	}{
		{[]Input{with(sheets, "", "Sheet B")}, "sheets.xlsx#Sheet B visit 1"},
		{[]Input{with(sheets, "visit", "sheet b")}, "sheets.xlsx#Sheet B visit 1"},
		{[]Input{with(visits, "", "Visits")}, "visits.xlsx#Visits visit 3"},
		{[]Input{with(visits, "", "Visits"), with(visits, "", "Tasks")}, "visits.xlsx#Visits visit 3, visits.xlsx#Tasks task 3"},
		{[]Input{with(visits, "task", "")}, "visits.xlsx: sheet Tasks: no visit data was given, so the task records in this file belong to nothing [no-parent]"},
		{[]Input{with(visits, "", "Visit")}, `visits.xlsx: the workbook has no sheet "Visit"; did you mean "Visits"? [missing-sheet]`},
		{[]Input{with(sheets, "", "Reviews")}, `sheets.xlsx: the workbook has no sheet "Reviews"; its sheets are "Sheet A" and "Sheet B" [missing-sheet]`},
		{[]Input{with(sheets, "visit", "")}, `sheets.xlsx: the workbook has no sheet named after visit (visit or visits); its sheets are "Sheet A" and "Sheet B"; say which sheet holds the visit data [missing-sheet]`},
		{[]Input{with(sheets, "vist", "")}, `sheets.xlsx: the contract has no data named "vist"; did you mean "visit"? [unknown-data]`},
		{[]Input{sheets}, `sheets.xlsx: cannot tell which data the workbook holds: no sheet is named after the contract's data (visit or task), and its sheets are "Sheet A" and "Sheet B"; name the sheets after the data, or say which sheet to read [unknown-data]`},
		{[]Input{with(readInput(t, dataDir, "visits.csv"), "", "Visits")}, `visits.csv: the file is not a workbook, so it has no sheet "Visits" [missing-sheet]`},
		// A workbook's only sheet is read whatever its name, its data
		// found from its header.
		{[]Input{{Path: "one.xlsx", Open: Bytes(workbook(t, false, sheetRows{"Export", [][]any{taskHeader, {"P1", day("2026-05-01"), "T1", "done"}}}))}},
			"one.xlsx: sheet Export: no visit data was given, so the task records in this file belong to nothing [no-parent]"},
		{[]Input{{Path: "empty.xlsx", Open: Bytes(workbook(t, false, sheetRows{"visit", nil}))}},
			"empty.xlsx: sheet visit: the sheet is empty; it needs a header row naming its columns [empty-file]"},
		// The same sheet twice is a file given twice.
		{[]Input{with(visits, "", "Visits"), with(visits, "", "Visits")},
			"visits.xlsx: the file is given twice (the first time as input 1); give each file once [duplicate-file]"},
		{[]Input{with(visits, "", "Visits"), with(copyInput(visits, "copy.xlsx"), "", "Visits")},
			"copy.xlsx: the file has the same contents as visits.xlsx; give each file once [duplicate-file]"},
	} {
		ds, errs := Load(c, tc.in)
		var got string
		if errs != nil {
			got = problemLines(errs)
		} else {
			var files []string
			for _, f := range ds.Files {
				files = append(files, f.Path+" "+f.Schema+" "+strconv.Itoa(f.Records))
			}
			got = strings.Join(files, ", ")
		}
		if got != tc.want {
			t.Errorf("%s#%s:\ngot  %s\nwant %s", tc.in[0].Path, tc.in[0].Sheet, got, tc.want)
		}
	}
}

func copyInput(in Input, path string) Input {
	in.Path = path
	return in
}

// TestExcelNumber checks how a number is read from the text a workbook
// stores it as: exactly, rounded to Excel's 15 significant digits.
func TestExcelNumber(t *testing.T) {
	for in, want := range map[string]string{
		"40": "40", "12.5": "12.5", "-3": "-3", "0": "0", "-0": "0", "0.0": "0",
		"0.30000000000000004": "0.3", "19.600000000000001": "19.6", "1234.5": "1234.5",
		"0.1": "0.1", "1.5E-3": "0.0015", "1E+20": "100000000000000000000", "1.2345678901234567E+18": "1234567890123460000",
		"99999999999999999": "100000000000000000", "0.99999999999999999": "1", "8.3333333333333329E-2": "0.0833333333333333",
		"123456789012345678": "123456789012346000", "5E-324": "0." + strings.Repeat("0", 323) + "5",
		"007": "7", "1e400": "", "1e-401": "", "1.": "", ".5": "", "+1": "", "1,5": "", "£5": "", "": "", "1E": "", "--1": "",
	} {
		got, ok := excelNumber(in)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("excelNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSheetCells checks how a worksheet cell's raw value is read for each
// kind of field: date serials in either date system, numbers, errors.
func TestSheetCells(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	l := newLoader(c, newOptions(nil))
	visit := c.Schema("visit")
	for _, tc := range []struct {
		field    string
		date1904 bool
		in, want string
	}{
		{"month", false, "46143", "date 2026-05-01"},
		{"month", false, "46143.0", "date 2026-05-01"},
		{"month", false, "46143.000000000001", "date 2026-05-01"},
		{"month", false, "46143.4375", "the cell holds 2026-05-01 at 10:30, a date with a time of day; expected a date alone"},
		{"month", true, "44681", "date 2026-05-01"},
		{"seen_on", false, "1", "date 1900-01-01"},
		{"seen_on", false, "59", "date 1900-02-28"},
		{"seen_on", false, "60", "the cell holds the number 60, which Excel shows as 29 February 1900, a day that did not exist; expected a date in the form dd/mm/yyyy"},
		{"seen_on", false, "61", "date 1900-03-01"},
		{"seen_on", false, "0", "the cell holds the number 0, which is not a date; expected a date in the form dd/mm/yyyy"},
		{"seen_on", true, "0", "date 1904-01-01"},
		{"seen_on", false, "-1", "the cell holds the number -1, which is not a date; expected a date in the form dd/mm/yyyy"},
		{"seen_on", false, "2958465", "date 9999-12-31"},
		{"seen_on", false, "20260501", "the cell holds the number 20260501, which is not a date; expected a date in the form dd/mm/yyyy"},
		{"seen_on", false, "01/05/2026", "date 2026-05-01"},
		{"seen_on", false, "2026-05-01T00:00:00Z", "date 2026-05-01"},
		{"hours", false, "0.30000000000000004", "decimal 0.3"},
		{"hours", false, "1.5E-3", "decimal 0.0015"},
		{"hours", false, "4.5E+2", `"450" is out of range; expected a number between 0 and 400`},
		{"visits", false, "3", "int 3"},
		{"visits", false, "2.5", `"2.5" is not a whole number; expected a whole number between 0 and 200`},
		{"charge", false, "1234.5", "money 1234.5"},
		{"charge", false, "£1,234.50", "money 1234.50"},
		{"paid", false, "1", "bool true"},
		{"paid", false, "0", "bool false"},
		{"person", false, "007", "text 007"},
		{"person", false, "#N/A", "the cell holds the error #N/A, from a formula that failed; fix the formula or clear the cell"},
		{"hours", false, "#DIV/0!", "the cell holds the error #DIV/0!, from a formula that failed; fix the formula or clear the cell"},
	} {
		fs := &fileState{sheet: &sheet{book: &book{date1904: tc.date1904}}}
		f := visit.FieldByName(tc.field)
		v, bad := l.sheetValue(fs, l.cache(f), f, tc.in)
		got := bad.msg
		if got == "" {
			got = str(v)
		} else if bad.code == "" {
			t.Errorf("%s %q: a fault with no code", tc.field, tc.in)
		}
		if got != tc.want {
			t.Errorf("%s %q (1904 %v):\ngot  %s\nwant %s", tc.field, tc.in, tc.date1904, got, tc.want)
		}
	}
}

// TestLoadBadWorkbooks checks files that are not workbooks, or damaged
// ones, and the limits on a workbook.
func TestLoadBadWorkbooks(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	good := workbook(t, false, sheetRows{"visit", [][]any{visitHeader, {"P1", day("2026-05-01"), 1, 1, 1, true}}})
	damaged := bytes.Clone(good)
	// Flip a byte in the middle of the compressed parts.
	damaged[len(damaged)/3] ^= 0xff
	sheetXML := partOf(t, good, "xl/worksheets/sheet1.xml")
	truncated := replacePart(t, good, "xl/worksheets/sheet1.xml", sheetXML[:len(sheetXML)*2/3])
	wide := workbook(t, false, sheetRows{"visit", [][]any{visitHeader, {"P1", day("2026-05-01"), 1, 1, 1, true, nil, strings.Repeat("x", 300)}}})
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"text named .xlsx", []byte("person,month\n"), Limits{}, "b.xlsx: the workbook cannot be read: it is not an Excel workbook (.xlsx), or it is damaged [bad-xlsx]"},
		{"a zip that is no workbook", zipOf(t, "hello.txt", "hello"), Limits{}, "b.xlsx: the workbook cannot be read: it is not an Excel workbook (.xlsx), or it is damaged [bad-xlsx]"},
		{"damaged", damaged, Limits{}, "b.xlsx: the workbook cannot be read: "},
		{"a sheet cut short", truncated, Limits{}, "b.xlsx: the workbook cannot be read: it is damaged (its part xl/worksheets/sheet1.xml is not well-formed XML: XML syntax error on line 2: unexpected EOF) [bad-xlsx]"},
		{"an old .xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 100)...), Limits{},
			"b.xlsx: the file is an older Excel workbook (.xls), or one protected by a password, which cannot be read; save it as an Excel workbook (.xlsx) without a password, or as CSV UTF-8 [unsupported-format]"},
		{"unpacks to more than the limit", good, Limits{FileBytes: int64(len(good)) + 10}, "b.xlsx: the workbook unpacks to more than "},
		{"larger than the limit", good, Limits{FileBytes: 100}, "b.xlsx: the file holds "},
		{"a cell over the limit", wide, Limits{FieldBytes: 100}, "b.xlsx:2:8: sheet visit, cell H2: the cell holds 300 bytes, more than the 100 bytes a cell may hold [value-too-large]"},
		{"a row over the limit", wide, Limits{RowBytes: 200}, "b.xlsx:2: sheet visit, row 2: the row holds 311 bytes, more than the 200 bytes a row may hold; the row was not read [row-too-large]"},
	} {
		_, errs := Load(c, []Input{{Path: "b.xlsx", Open: Bytes(tc.data)}}, tc.lim)
		got := problemLines(errs)
		if !strings.HasPrefix(got, tc.want) || len(errs) != 1 || errs[0].Code == "" {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func zipOf(t testing.TB, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	zw.Close()
	return b.Bytes()
}

// partOf returns the part name of the zip b.
func partOf(t testing.TB, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, _ := zf.Open()
			defer rc.Close()
			x, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
	}
	t.Fatalf("no part %s", name)
	return nil
}

// replacePart returns the zip b with the part name holding data.
func replacePart(t testing.TB, b []byte, name string, data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == name {
			w.Write(data)
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return out.Bytes()
}
