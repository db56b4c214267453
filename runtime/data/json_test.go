package data

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// visitsJSON writes n visit records as a JSON list, one a line, after a
// line holding "[": record i is on line i+2.
func visitsJSON(n int) string {
	var b strings.Builder
	b.WriteString("[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"person": "P%05d", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 1, "paid": true}`, i)
	}
	b.WriteString("\n]\n")
	return b.String()
}

// TestLoadJSONStream checks a JSON file read as it streams in, past the
// part read ahead to tell its data: the records before a fault are
// loaded, and the fault is located at the line where it is.
func TestLoadJSONStream(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	good := visitsJSON(20000) // 2 MiB, more than is read ahead
	if len(good) < 3*jsonHeadBytes/2 {
		t.Fatalf("the file is only %d bytes", len(good))
	}
	// replace returns good with the record on line n changed by f.
	replace := func(n int, f func(string) string) string {
		lines := strings.Split(good, "\n")
		lines[n-1] = f(lines[n-1])
		return strings.Join(lines, "\n")
	}
	for _, tc := range []struct {
		name, data string
		err        error
		lim        Limits
		want       string
	}{
		{"a bad value", replace(15000, func(s string) string { return strings.Replace(s, `"hours": 1`, `"hours": "x"`, 1) }), nil, Limits{},
			`v.json:15000: [14998].hours: visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]`},
		{"a syntax error", replace(15000, func(s string) string { return strings.Replace(s, `"hours": 1`, `"hours" 1`, 1) }), nil, Limits{},
			`v.json:15000: invalid JSON: invalid character '1' after object key; the rest of the file was not read [bad-json]`},
		{"a syntax error inside a value", replace(15000, func(s string) string { return strings.Replace(s, `"hours": 1`, `"hours": 1.`, 1) }), nil, Limits{},
			`v.json:15000: invalid JSON: invalid character ',' after decimal point in numeric literal; the rest of the file was not read [bad-json]`},
		{"not UTF-8", replace(15000, func(s string) string { return strings.Replace(s, "P", "\xe9", 1) }), nil, Limits{},
			`v.json:15000: the file is not UTF-8 text; save it as UTF-8 and try again [not-utf8]`},
		{"not UTF-8 after a bad value", strings.Replace(replace(15000, func(s string) string { return strings.Replace(s, "P", "\xe9", 1) }),
			`"P14997", "month": "2026-05-01", "hours": 1`, `"P14997", "month": "2026-05-01", "hours": -1`, 1), nil, Limits{},
			`v.json:14999: [14997].hours: visit.hours: "-1" is out of range; expected a number between 0 and 400 [out-of-range]
v.json:15000: the file is not UTF-8 text; save it as UTF-8 and try again [not-utf8]`},
		{"cut short", good[:len(good)*3/4], nil, Limits{},
			`v.json:15002: invalid JSON: the file ends before the value is complete [bad-json]`},
		{"a failing read", good[:len(good)*3/4], errors.New("input/output error"), Limits{},
			`v.json:15002: the file cannot be read: input/output error; the rest of the file was not read [read-error]`},
		{"over the file limit", good, nil, Limits{FileBytes: 1 << 20},
			`v.json: the file is larger than 1 MiB, the most a data file may hold [file-too-large]`},
		{"trailing content", good + "7\n", nil, Limits{},
			`v.json:20003: unexpected content after the list of records [bad-json]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Load(c, []Input{{Path: "v.json", Open: streamOf(tc.data, tc.err)}}, tc.lim)
			if got := problemLines(errs); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	ds, errs := Load(c, []Input{{Path: "v.json", Open: streamOf(good, nil)}})
	if errs != nil || len(ds.Records["visit"]) != 20000 || ds.Files[0].Records != 20000 {
		t.Fatalf("%v", errs)
	}
}
