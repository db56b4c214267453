package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestEvalDataLimits checks that an input that never ends stops at the
// row limit with a plain error and exit 1, whose hint names the flag that
// raises the limit; that the flag does; and that a bad size is a usage
// error.
func TestEvalDataLimits(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	var code int
	var stdout, stderr string
	finish(t, time.Minute, func() {
		code, stdout, stderr = evalRun(t, "eval", evalSpecDir, "--data", "review=/dev/zero")
	})
	want := `/dev/zero:1: error: the row is longer than 1 MiB, the most a row may hold; the rest of the file was not read [row-too-large]
  hint: if the data is right, raise the limit with --max-row-bytes

data: 1 error; no statement produced
`
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}

	code, _, stderr = evalRun(t, "eval", evalSpecDir, "--data", "review=/dev/zero", "--max-row-bytes", "4KiB")
	if code != 1 || !strings.Contains(stderr, "the row is longer than 4 KiB") {
		t.Errorf("--max-row-bytes 4KiB: exit %d, stderr %s", code, stderr)
	}

	dir := t.TempDir()
	big := filepath.Join(dir, "reviews.csv")
	if err := os.WriteFile(big, []byte("person,month,planned_hours,actual_hours,missed_visits,satisfaction\nP1,2026-05-01,1,1,0,"+strings.Repeat("5", 100)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = evalRun(t, "eval", evalSpecDir, "--data", big, "--max-field-bytes", "50", "--max-file-bytes", "1KiB")
	if want := big + ":2:6: error: the cell holds 100 bytes, more than the 50 bytes a cell may hold [value-too-large]\n  hint: if the data is right, raise the limit with --max-field-bytes\n"; code != 1 || !strings.HasPrefix(stderr, want) {
		t.Errorf("--max-field-bytes 50: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
	code, _, stderr = evalRun(t, "eval", evalSpecDir, "--data", big, "--max-file-bytes", "100")
	if want := big + ": error: the file holds 188 bytes, more than the 100 bytes a data file may hold [file-too-large]\n  hint: if the data is right, raise the limit with --max-file-bytes\n"; code != 1 || !strings.HasPrefix(stderr, want) {
		t.Errorf("--max-file-bytes 100: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}

	for _, bad := range []string{"4x", "0", "-1", "KiB", "99999999999GiB"} {
		code, _, stderr = evalRun(t, "eval", evalSpecDir, "--data", big, "--max-row-bytes", bad)
		if code != 2 || !strings.Contains(stderr, "write a size such as 64KiB") {
			t.Errorf("--max-row-bytes %s: exit %d, stderr %s", bad, code, stderr)
		}
	}
	for in, want := range map[string]int64{"64KiB": 64 << 10, "1mib": 1 << 20, "2G": 2 << 30, "1000": 1000, "10 B": 10} {
		var n int64
		if err := (byteSize{&n}).Set(in); err != nil || n != want {
			t.Errorf("size %q = %d, %v; want %d", in, n, err, want)
		}
	}
}

// TestEvalDuplicateData checks that occ eval refuses a data file given
// twice, which performance-standards (whose episodes have no key) counted
// as 240 episodes instead of 120.
func TestEvalDuplicateData(t *testing.T) {
	const dir = "../../specs/performance-standards"
	dup := filepath.Join(t.TempDir(), "episodes-copy.csv")
	b, err := os.ReadFile(dir + "/episodes.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dup, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		second, want string
	}{
		{dir + "/episodes.csv", dir + "/episodes.csv: error: the file is given twice (the first time as input 1); give each file once [duplicate-file]\n"},
		{dup, dup + ": error: the file has the same contents as " + dir + "/episodes.csv; give each file once [duplicate-file]\n"},
	} {
		code, stdout, stderr := evalRun(t, "eval", dir, "--data", dir+"/episodes.csv", "--data", tc.second)
		if code != 1 || stdout != "" || stderr != tc.want+"data: 1 error; no statement produced\n" {
			t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
		}
	}
}

// csvToSheet writes a CSV file as a sheet, each cell typed as Excel would
// type it on entry: dates as dates, numbers as numbers, the rest text.
func csvToSheet(t *testing.T, f *excelize.File, sheet, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet(sheet); err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, s := range row {
			var v any = s
			if d, err := time.Parse("2006-01-02", s); err == nil {
				v = d
			} else if x, err := strconv.ParseFloat(s, 64); err == nil {
				v = x
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if s != "" {
				if err := f.SetCellValue(sheet, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestEvalWorkbook checks that occ eval reads a workbook: its sheets
// named after the data, or one sheet named with FILE#SHEET, give the same
// statement as the CSV files they were made from.
func TestEvalWorkbook(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	csvToSheet(t, f, "Reviews", evalSpecDir+"/reviews.csv")
	csvToSheet(t, f, "Goals", evalSpecDir+"/goals.csv")
	csvToSheet(t, f, "Export", evalSpecDir+"/reviews.csv")
	f.DeleteSheet("Sheet1")
	book := filepath.Join(dir, "book.xlsx")
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	f.Close()
	statement := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := evalRun(t, append([]string{"eval", evalSpecDir, "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var st map[string]any
		if err := json.Unmarshal([]byte(stdout), &st); err != nil {
			t.Fatal(err)
		}
		delete(st, "data") // the files and their hashes differ
		b, _ := json.Marshal(st)
		return regexp.MustCompile(`"source":"[^"]*",`).ReplaceAllString(string(b), "")
	}
	want := statement("--data", evalSpecDir+"/reviews.csv", "--data", evalSpecDir+"/goals.csv")
	if got := statement("--data", book); got != want {
		t.Errorf("book.xlsx: the statement differs from the CSV files':\n%s\nwant:\n%s", got, want)
	}
	if got := statement("--data", "review="+book+"#Export", "--data", evalSpecDir+"/goals.csv"); got != want {
		t.Errorf("book.xlsx#Export: the statement differs from the CSV files'")
	}
	code, _, stderr := evalRun(t, "eval", evalSpecDir, "--data", book+"#Reveiws")
	if want := book + ": error: the workbook has no sheet \"Reveiws\"; did you mean \"Reviews\"? [missing-sheet]\n"; code != 1 || !strings.HasPrefix(stderr, want) {
		t.Errorf("#Reveiws: exit %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
}
