package main

// Tests of occ diff's workbook, reopened with excelize, against its CSV
// form; diff_chromium_test.go renders its HTML, and
// xlsx_libreoffice_test.go opens its workbook in LibreOffice.

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// shadowDiffArgs compares time and task with individual outcomes on
// testdata/shadow, followed by extra.
func shadowDiffArgs(extra ...string) []string {
	const sh = "../../testdata/shadow/"
	return append([]string{"diff", "../../specs/time-and-task", outcomesDir,
		"--data", sh + "visits.csv", "--data", sh + "reviews.csv", "--data", sh + "goals.csv"}, extra...)
}

// shadowDiffCSV returns the CSV comparison's rows by breakdown.
func shadowDiffCSV(t *testing.T, extra ...string) map[string][][]string {
	t.Helper()
	code, out, stderr := evalRun(t, shadowDiffArgs(append([]string{"--format", "csv"}, extra...)...)...)
	if code != 0 && code != 1 {
		t.Fatalf("diff --format csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][][]string{}
	for _, r := range rows[1:] {
		by[r[0]] = append(by[r[0]], r[1:])
	}
	return by
}

// TestDiffXLSX writes the comparison's workbook and reads it back: its
// sheets, in order; amounts as numbers in the currency's format that
// agree with the CSV to the penny; the periods over --fail-over marked.
func TestDiffXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "diff.xlsx")
	code, _, stderr := evalRun(t, shadowDiffArgs("--format", "xlsx", "-o", path, "--fail-over", "£100")...)
	if code != 1 || !strings.Contains(stderr, "2026-05 (-£107.48)") {
		t.Fatalf("diff --format xlsx --fail-over £100: exit %d, want 1: %s", code, stderr)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,By period,By rule,By person,Params,Rule changes" {
		t.Errorf("sheets %s", got)
	}
	want := shadowDiffCSV(t, "--fail-over", "£100")
	// Each sheet's rows against the CSV's: name, old, new, change,
	// lines; By period has its dates after the name and the over mark
	// last.
	for _, s := range []struct {
		sheet, by string
		amounts   int // the column of the old amount
	}{{"By period", "period", 3}, {"By rule", "rule", 1}, {"By person", "person", 1}} {
		rows, err := f.GetRows(s.sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 != len(want[s.by]) {
			t.Fatalf("%s has %d rows, the CSV %d", s.sheet, len(rows)-1, len(want[s.by]))
		}
		for i, r := range rows[1:] {
			w := want[s.by][i]
			name := w[0]
			if s.by == "person" && name == "" {
				name = "(no one person)"
			}
			if r[0] != name {
				t.Errorf("%s row %d: %q, the CSV %q", s.sheet, i+2, r[0], name)
			}
			for j := 0; j < 3; j++ {
				if !sameNumber(r[s.amounts+j], w[1+j]) {
					t.Errorf("%s row %d column %d: %q, the CSV %s", s.sheet, i+2, s.amounts+j+1, r[s.amounts+j], w[1+j])
				}
				cell, _ := excelize.CoordinatesToCellName(s.amounts+j+1, i+2)
				if typ, _ := f.GetCellType(s.sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("%s %s is text, not a number", s.sheet, cell)
				}
			}
			if s.by == "period" && r[len(r)-1] != map[string]string{"true": "1", "false": "0"}[w[7]] {
				t.Errorf("By period row %d over %q, the CSV %q", i+2, r[len(r)-1], w[7])
			}
		}
	}
	// The first period row is May, which moved by -107.48, formatted as
	// money.
	if v, _ := f.GetCellValue("By period", "F2"); v != "-£107.48" {
		t.Errorf("By period F2 shows %q, want -£107.48", v)
	}
	params, _ := f.GetRows("Params")
	if len(params) < 2 || strings.Join(params[1][:4], "|") != "hourly_rate|changed|£24.10|£19.60" {
		t.Errorf("Params: %q", params)
	}
	sum, _ := f.GetRows("Summary")
	var found bool
	for _, r := range sum {
		if len(r) > 0 && r[0] == "Total" {
			found = len(r) >= 5 && r[4] == "-£164.32"
		}
	}
	if !found {
		t.Errorf("Summary has no Total of -£164.32: %q", sum)
	}
}
