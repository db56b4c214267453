package data

import (
	"path/filepath"
	"testing"
)

// TestLoadSeparators checks the values read from a file separated by
// semicolons, with decimal commas (as Excel saves CSV in much of Europe),
// and from a file whose lines end in a carriage return alone (old Mac
// Excel), whose quoted cells may hold one.
func TestLoadSeparators(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	checkText(t, describe(t, c, load(t, c, "visits-semicolon.csv").Records["visit"]), `
visit visits-semicolon.csv:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 12.5
  visits = int 2
  charge = money 1234.50
  paid = bool true
  seen_on = -
  band = -
visit visits-semicolon.csv:3
  person = text P;2
  month = date 2026-05-01
  hours = decimal 8
  visits = int 1
  charge = money 160
  paid = bool false
  seen_on = date 2026-05-01
  band = text low
visit visits-semicolon.csv:4
  person = text P3
  month = date 2026-06-01
  hours = decimal 0.25
  visits = int 1
  charge = money 9999.99
  paid = bool false
  seen_on = -
  band = -
visit visits-semicolon.csv:5
  person = text P4
  month = date 2026-06-01
  hours = decimal 300.0
  visits = int 0
  charge = money 1000.00
  paid = bool false
  seen_on = -
  band = -
`)
	ds, errs := Load(c, []Input{{Path: "cr.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid\rP1,2026-05-01,1,1,1,yes\r\"P\r2\",2026-05-01,2,1,1,yes\r"))}})
	if errs != nil {
		t.Fatal(errs)
	}
	checkText(t, describe(t, c, ds.Records["visit"]), `
visit cr.csv:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 1
  visits = int 1
  charge = money 1
  paid = bool true
  seen_on = -
  band = -
visit cr.csv:3
  person = text P
2
  month = date 2026-05-01
  hours = decimal 2
  visits = int 1
  charge = money 1
  paid = bool true
  seen_on = -
  band = -
`)
	// A comma file's numbers are not read with the semicolon file's
	// decimal comma, though they share the field's cache.
	_, errs = Load(c, []Input{readInput(t, dataDir, "visits-semicolon.csv"), {Path: "v.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid\nP9,2026-05-01,\"12,5\",1,1,yes\n"))}})
	want := `v.csv:2:3: column hours (C): visit.hours: "12,5" is not a number: thousands are grouped in threes, like 1,234.50; expected a number between 0 and 400 [bad-number]`
	if got := problemLines(errs); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestSniffCSV checks how the separator and the line ends are told from
// a file's first line.
func TestSniffCSV(t *testing.T) {
	l := newLoader(loadContract(t, filepath.Join(dataDir, "contract.occ")), newOptions(nil))
	for _, tc := range []struct {
		head string
		sep  rune
		cr   bool
	}{
		{"person,month\nP1,2026-05-01\n", ',', false},
		{"person;month\r\nP1;1,5\r\n", ';', false},
		{"person\tmonth\n", '\t', false},
		{"person\n", ',', false},
		{"", ',', false},
		{"person,month\rP1,x\r", ',', true},
		{"person;month\rP1;x\r", ';', true},
		{"person,month\r", ',', false}, // nothing after: no telling
		// Separators inside quotes do not count.
		{`"a;b;c;d",person,month` + "\n", ',', false},
		{`"a,b,c,d";person;month` + "\n", ';', false},
		{"\"line\rend\";person\n", ';', false},
		// Both in the header: the one that finds the contract's names.
		{"person;month;hours;notes, more\n", ';', false},
		{"person,month,hours,notes; more\n", ',', false},
		{"a;b,c\n", ',', false},
	} {
		sep, cr := l.sniffCSV([]byte(tc.head))
		if sep != tc.sep || cr != tc.cr {
			t.Errorf("%q: separator %q, CR %v; want %q, %v", tc.head, sep, cr, tc.sep, tc.cr)
		}
	}
}

// TestCommaNumbers checks the numbers of a file with a decimal comma.
func TestCommaNumbers(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	l := newLoader(c, newOptions(nil))
	visit := c.Schema("visit")
	for _, tc := range []struct{ field, in, want string }{
		{"hours", "12,5", "decimal 12.5"},
		{"hours", "-0,5", `"-0,5" is out of range; expected a number between 0 and 400`},
		{"hours", "1.234", `"1.234" is not clear: in a file separated by semicolons the decimal mark is a comma and a point separates thousands; write 1,234 for a number with decimals, or 1234 for a whole number; expected a number between 0 and 400`},
		{"hours", "1.234.567", `"1.234.567" is out of range; expected a number between 0 and 400`},
		{"hours", "1.2345", `"1.2345" is not a number: in a file separated by semicolons the decimal mark is a comma; write 1,2345; expected a number between 0 and 400`},
		{"hours", ",5", `",5" is not a number; expected a number between 0 and 400`},
		{"visits", "3", "int 3"},
		{"visits", "3,0", "int 3"},
		{"visits", "3,5", `"3,5" is not a whole number; expected a whole number between 0 and 200`},
		{"charge", "£1.234,50", "money 1234.50"},
		{"charge", "1.234,5", "money 1234.5"},
		{"charge", "£0,10", "money 0.10"},
		{"charge", "1234,50", "money 1234.50"},
		{"charge", "£1.2345,00", `"£1.2345,00" is not an amount of money: thousands are grouped in threes, like 1.234,50; expected an amount between £0 and £10.000`},
		{"charge", ".234,00", `".234,00" is not an amount of money: thousands are grouped in threes, like 1.234,50; expected an amount between £0 and £10.000`},
		{"charge", "1,234.50", `"1,234.50" is not an amount of money: write one decimal comma, and points only between thousands, like 1.234,50; expected an amount between £0 and £10.000`},
	} {
		f := visit.FieldByName(tc.field)
		v, bad := l.cell(l.cacheFor(f, true), f, tc.in)
		got := bad.msg
		if got == "" {
			got = str(v)
		}
		if got != tc.want {
			t.Errorf("%s %q:\ngot  %s\nwant %s", tc.field, tc.in, got, tc.want)
		}
	}
}
