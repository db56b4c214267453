package data

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each fuzzed load small and quick, and reach the limits.
var fuzzLimits = Limits{FieldBytes: 1 << 10, RowBytes: 8 << 10, FileBytes: 1 << 20}

// fuzzLoad loads inputs and checks what any input must give: no panic, an
// answer within seconds, and either a dataset or diagnostics that each
// have a code, a message of reasonable length and the file of an input.
func fuzzLoad(t *testing.T, inputs ...Input) {
	t.Helper()
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	done := make(chan struct{})
	var ds *Set
	var errs []string
	go func() {
		defer close(done)
		set, diags := Load(c, inputs, fuzzLimits)
		ds = set
		paths := map[string]bool{}
		for _, in := range inputs {
			paths[in.Path] = true
		}
		for _, d := range diags {
			switch {
			case d.Code == "" || d.Message == "":
				errs = append(errs, "a diagnostic without a code or message: "+problemLine(d))
			case !paths[d.Span.File]:
				errs = append(errs, "a diagnostic without the file of an input: "+problemLine(d))
			case len(d.Message) > 2000:
				errs = append(errs, "a message of more than 2,000 bytes: "+problemLine(d)[:200])
			case d.Span.Start.Line < 0 || d.Span.Start.Col < 0:
				errs = append(errs, "a diagnostic with a negative position: "+problemLine(d))
			}
		}
		if (set == nil) == (len(diags) == 0) {
			errs = append(errs, "a dataset and diagnostics, or neither")
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Load did not return within 20 seconds")
	}
	for _, e := range errs {
		t.Error(e)
	}
	if ds != nil {
		for _, f := range ds.Files {
			if len(f.SHA256) != 64 {
				t.Errorf("file %+v has no SHA-256", f)
			}
		}
	}
}

// seedFiles adds the files of testdata/data whose names end in one of
// exts to the corpus, with the other arguments args.
func seedFiles(f *testing.F, exts []string, args func(data []byte) []any) {
	f.Helper()
	for _, dir := range []string{dataDir, filepath.Join(dataDir, "bad")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			for _, ext := range exts {
				if strings.HasSuffix(e.Name(), ext) {
					b, err := os.ReadFile(filepath.Join(dir, e.Name()))
					if err != nil {
						f.Fatal(err)
					}
					f.Add(args(b)...)
				}
			}
		}
	}
}

// FuzzLoadCSV loads any bytes as a CSV file of visits, alone and with the
// tasks file that nests in it.
func FuzzLoadCSV(f *testing.F) {
	seedFiles(f, []string{".csv"}, func(b []byte) []any { return []any{b, false} })
	for _, s := range []string{
		"", "\xef\xbb\xbf", "\n\n\n", "person;month\r1;2\r", "a,b\r\n\"x\ny\",z\r\n", "\"unterminated\n",
		"person,month,hours,visits,charge,paid\nP1,2026-05-01,1e400,-0,(£1),y\n",
		"person,month,hours,visits,charge,paid\nP1,2026-05-01," + strings.Repeat("9", 2000) + ",1,1,y\n",
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, withTasks bool) {
		inputs := []Input{{Path: "visits.csv", Open: Bytes(data)}}
		if withTasks {
			inputs = append(inputs, Input{Path: "tasks.csv", Open: Bytes([]byte("person,month,task,status\nP1,2026-05-01,T1,done\n"))})
		}
		fuzzLoad(t, inputs...)
		// The same bytes read as a stream of unknown size.
		fuzzLoad(t, Input{Path: "visits", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	})
}

// FuzzLoadJSON loads any bytes as a JSON file, or as JSON Lines, of
// visits with their tasks inline.
func FuzzLoadJSON(f *testing.F) {
	seedFiles(f, []string{".json", ".jsonl", "-json.txt"}, func(b []byte) []any { return []any{b, false} })
	for _, s := range []string{
		"", "[]", "{}", "[{}]", "null", `[{"person": 1e999999}]`, `{"tasks": [[[[[]]]]]}`,
		`[{"person": "P1", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 1, "paid": true, "tasks": [{"task": "T1", "status": "done"}]}]`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, lines bool) {
		path := "visits.json"
		if lines {
			path = "visits.jsonl"
		}
		fuzzLoad(t, Input{Path: path, Open: Bytes(data)})
	})
}

// FuzzLoadXLSX loads any bytes as a workbook; or, when sheet is given, a
// workbook whose one sheet has sheet as its XML, so that the fuzzer
// reaches the sheet's cells past the checksums of the zip.
func FuzzLoadXLSX(f *testing.F) {
	books := testBooks(f)
	for _, b := range books {
		f.Add(b, []byte(nil))
	}
	seedFiles(f, []string{".xlsx"}, func(b []byte) []any { return []any{b, []byte(nil)} })
	for _, b := range books {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if strings.HasPrefix(zf.Name, "xl/worksheets/") {
				rc, _ := zf.Open()
				x, _ := io.ReadAll(rc)
				f.Add([]byte(nil), x)
			}
		}
	}
	template := workbook(f, false, sheetRows{"visit", [][]any{{"person"}}})
	f.Fuzz(func(t *testing.T, book, sheet []byte) {
		if sheet != nil {
			book = replacePart(t, template, "xl/worksheets/sheet1.xml", sheet)
		}
		fuzzLoad(t, Input{Path: "visits.xlsx", Open: Bytes(book)})
	})
}
