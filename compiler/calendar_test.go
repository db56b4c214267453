package compiler_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

const (
	month   = compiler.MonthScope
	quarter = compiler.QuarterScope
	year    = compiler.YearScope
	term    = compiler.TermScope
)

// calendars are the terms the tests lay out, each settled monthly unless a
// test says otherwise.
var calendars = map[string][2]string{
	"april":     {"2026-04-01", "2027-03-31"}, // one financial year
	"january":   {"2026-01-01", "2027-12-31"}, // calendar years
	"midmonth":  {"2026-04-15", "2027-04-14"}, // 13 months, the first and last part months
	"june2011":  {"2011-06-01", "2013-05-31"}, // contract years 2011/12 and 2012/13
	"threeyear": {"2026-04-01", "2029-03-31"},
	"short":     {"2026-04-10", "2026-05-20"}, // two part months
	"december":  {"2025-12-01", "2026-11-30"}, // quarter 2025-Q2 is in 2026
}

func newCal(t *testing.T, name string, settle compiler.ScopeKind) *compiler.Calendar {
	t.Helper()
	term, ok := calendars[name]
	if !ok {
		t.Fatalf("no calendar %q", name)
	}
	return compiler.NewCalendar(value.MustParseDate(term[0]), value.MustParseDate(term[1]), settle)
}

func TestParse(t *testing.T) {
	type want struct {
		kind        compiler.ScopeKind
		first, last int
	}
	cases := []struct {
		cal, text string
		want      want
		err       string // a part of the error; "" for none
	}{
		// Every form, on a term starting in April.
		{cal: "april", text: "2026-04", want: want{month, 0, 0}},
		{cal: "april", text: "2027-03", want: want{month, 11, 11}},
		{cal: "april", text: " 2026-05 ", want: want{month, 1, 1}},
		{cal: "april", text: "2026-Q1", want: want{quarter, 0, 0}},
		{cal: "april", text: "2026-Q4", want: want{quarter, 3, 3}},
		{cal: "april", text: "2026/27", want: want{year, 0, 0}},
		{cal: "april", text: "2026-27", want: want{year, 0, 0}}, // the old form
		{cal: "april", text: "term", want: want{term, 0, 0}},
		// Ranges.
		{cal: "april", text: "2026-04..2026-06", want: want{month, 0, 2}},
		{cal: "april", text: "2026-04 .. 2026-06", want: want{month, 0, 2}},
		{cal: "april", text: "2026-05..2026-05", want: want{month, 1, 1}},
		{cal: "april", text: "2026-Q1..2026-Q2", want: want{quarter, 0, 1}},
		{cal: "april", text: "2026-Q2..2027-03", want: want{month, 3, 11}},
		{cal: "april", text: "2026-04..2026-Q2", want: want{month, 0, 5}},
		{cal: "threeyear", text: "2026/27..2027-28", want: want{year, 0, 1}},
		{cal: "threeyear", text: "2027-Q4..2028/29", want: want{quarter, 7, 11}},
		// Outside the term.
		{cal: "april", text: "2026-03", err: `"2026-03" is not a period of the term 2026-04-01 .. 2027-03-31; write a month (2026-04), a quarter (2026-Q1), a contract year (2026/27) or term`},
		{cal: "april", text: "2027-04", err: `"2027-04" is not a period of the term`},
		{cal: "april", text: "2027-Q1", err: `"2027-Q1" is not a period of the term`},
		{cal: "april", text: "2025-Q4", err: `"2025-Q4" is not a period of the term`},
		{cal: "april", text: "2027/28", err: `"2027/28" is not a period of the term`},
		{cal: "april", text: "2025-26", err: `"2025-26" is not a period of the term`},
		{cal: "april", text: "2026-04..2027-04", err: `"2027-04" is not a period of the term`},
		// Reversed and odd ranges.
		{cal: "april", text: "2026-08..2026-06", err: `"2026-08..2026-06" runs backwards: 2026-08 ends after 2026-06; write the earlier period first: 2026-06..2026-08`},
		{cal: "april", text: "2026-Q1..2026-05", err: "runs backwards: 2026-Q1 ends after 2026-05"},
		{cal: "april", text: "term..2026-05", err: "term is the whole term, not one end of a range"},
		{cal: "april", text: "2026-05..", err: `"" is not a period of the term`},
		// Malformed.
		{cal: "april", text: "2026-13", err: `"2026-13" is not a period of the term 2026-04-01 .. 2027-03-31; write a month (2026-04)`},
		{cal: "april", text: "2026-00", err: `"2026-00" is not a period`},
		{cal: "april", text: "2026-Q5", err: `"2026-Q5" is not a period`},
		{cal: "april", text: "2026-Q0", err: `"2026-Q0" is not a period`},
		{cal: "april", text: "2026-5", err: `"2026-5" is not a period`},
		{cal: "april", text: "26-05", err: `"26-05" is not a period`},
		{cal: "april", text: "May 2026", err: `"May 2026" is not a period`},
		{cal: "april", text: "Term", err: `"Term" is not a period`},
		{cal: "april", text: "", err: `"" is not a period`},
		{cal: "april", text: "2026-05-01", err: `"2026-05-01" is not a period`},
		{cal: "april", text: "2026/28", err: `"2026/28" is not a period of the term 2026-04-01 .. 2027-03-31; a contract year is written with the year after it: 2026/27`},
		{cal: "april", text: "2026-28", err: `; write a month (2026-04)`},
		{cal: "april", text: "2026", err: `"2026" is not a period of the term 2026-04-01 .. 2027-03-31; the contract years of this term start in April: write 2026/27`},
		{cal: "april", text: "1999", err: `"1999" is not a period of the term 2026-04-01 .. 2027-03-31; write a month`},
		// A term starting in January names its contract years by one year.
		{cal: "january", text: "2026", want: want{year, 0, 0}},
		{cal: "january", text: "2027", want: want{year, 1, 1}},
		{cal: "january", text: "2026..2027", want: want{year, 0, 1}},
		{cal: "january", text: "2026-Q4", want: want{quarter, 3, 3}},
		{cal: "january", text: "2027-12", want: want{month, 23, 23}},
		{cal: "january", text: "2026/27", err: `"2026/27" is not a period of the term 2026-01-01 .. 2027-12-31; the contract years of this term start in January: write 2026`},
		{cal: "january", text: "2026-27", err: "the contract years of this term start in January: write 2026"},
		{cal: "january", text: "2028", err: `"2028" is not a period of the term`},
		// A term starting mid-month: the first and last months are part months.
		{cal: "midmonth", text: "2026-04", want: want{month, 0, 0}},
		{cal: "midmonth", text: "2027-04", want: want{month, 12, 12}},
		{cal: "midmonth", text: "2027-Q1", want: want{quarter, 4, 4}},
		{cal: "midmonth", text: "2027/28", want: want{year, 1, 1}},
		{cal: "midmonth", text: "2027-05", err: "is not a period of the term 2026-04-15 .. 2027-04-14"},
		{cal: "december", text: "2025-Q2", want: want{quarter, 1, 1}},
		{cal: "december", text: "2025/26", want: want{year, 0, 0}},
		{cal: "december", text: "2026-11", want: want{month, 11, 11}},
		// June 2011: 2011-12 is December 2011, not the contract year 2011/12.
		{cal: "june2011", text: "2011-12", want: want{month, 6, 6}},
		{cal: "june2011", text: "2011/12", want: want{year, 0, 0}},
		{cal: "june2011", text: "2012-13", want: want{year, 1, 1}},
		{cal: "june2011", text: "2012/13", want: want{year, 1, 1}},
		{cal: "june2011", text: "2012-12", want: want{month, 18, 18}},
		{cal: "june2011", text: "2011-Q3", want: want{quarter, 2, 2}},
		{cal: "june2011", text: "2011-12..2012-13", want: want{month, 6, 23}},
	}
	for _, tc := range cases {
		cal := newCal(t, tc.cal, month)
		got, err := cal.Parse(tc.text)
		name := fmt.Sprintf("%s/%q", tc.cal, tc.text)
		if tc.err != "" {
			var pe *compiler.PeriodError
			if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, %v; want an error containing %q", name, got, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if w := cal.Span(tc.want.kind, tc.want.first, tc.want.last); got != w {
			t.Errorf("%s: got %s %d..%d, want %s %d..%d", name, got.Kind, got.First, got.Last, w.Kind, w.First, w.Last)
		}
	}
}

// TestJune2011 pins the case the contract-year form exists for: a term
// starting in June 2011 has a contract year 2011/12 and a month 2011-12.
func TestJune2011(t *testing.T) {
	cal := newCal(t, "june2011", year)
	if got := cal.Label(year, 0); got != "2011/12" {
		t.Errorf("year 0 is %s, want 2011/12", got)
	}
	if got := cal.Label(month, 6); got != "2011-12" {
		t.Errorf("month 6 is %s, want 2011-12", got)
	}
	p, err := cal.Parse("2011-12")
	if err != nil || p != cal.Instance(month, 6) {
		t.Fatalf("2011-12 reads as %v, %v", p, err)
	}
	// Settled yearly, the month is too short, and the hint is the year.
	_, _, err = cal.Settle(p)
	if want := "the contract settles yearly; 2011-12 is shorter than a settlement period (try 2011/12)"; err == nil || err.Error() != want {
		t.Errorf("settle 2011-12: %v, want %s", err, want)
	}
	// Where the month is outside the term but the year is not, the error
	// says how to write the year.
	cut := compiler.NewCalendar(value.MustParseDate("2010-02-01"), value.MustParseDate("2011-11-30"), year)
	_, err = cut.Parse("2011-12")
	if want := "2011-12 is a month, December 2011; for the contract year write 2011/12"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("2011-12 in a term ending November 2011: %v, want %s", err, want)
	}
}

// TestLabelRoundTrip: every instance of every time scope, and runs of
// them, read back as themselves.
func TestLabelRoundTrip(t *testing.T) {
	for name := range calendars {
		cal := newCal(t, name, month)
		for _, k := range []compiler.ScopeKind{month, quarter, year, term} {
			n := cal.Count(k)
			if n == 0 {
				t.Fatalf("%s: no %s", name, k)
			}
			for i := 0; i < n; i++ {
				want := cal.Instance(k, i)
				if got, err := cal.Parse(cal.Label(k, i)); err != nil || got != want {
					t.Errorf("%s: %s %d is %q, which reads as %v, %v", name, k, i, cal.Label(k, i), got, err)
				}
				if want.Label() != cal.Label(k, i) {
					t.Errorf("%s: %s %d: Period.Label %q, Label %q", name, k, i, want.Label(), cal.Label(k, i))
				}
				if k == term {
					continue
				}
				for j := i + 1; j < n; j++ {
					want := cal.Span(k, i, j)
					if got, err := cal.Parse(want.Label()); err != nil || got != want {
						t.Errorf("%s: %q reads as %v, %v", name, want.Label(), got, err)
					}
				}
			}
		}
	}
}

func TestLayout(t *testing.T) {
	cases := []struct {
		cal                   string
		months, quarters, yrs int
		lastQuarter, lastYear string
	}{
		{"april", 12, 4, 1, "2026-Q4", "2026/27"},
		{"january", 24, 8, 2, "2027-Q4", "2027"},
		{"midmonth", 13, 5, 2, "2027-Q1", "2027/28"},
		{"june2011", 24, 8, 2, "2012-Q4", "2012/13"},
		{"threeyear", 36, 12, 3, "2028-Q4", "2028/29"},
		{"short", 2, 1, 1, "2026-Q1", "2026/27"},
	}
	for _, tc := range cases {
		cal := newCal(t, tc.cal, month)
		if cal.Count(month) != tc.months || cal.Count(quarter) != tc.quarters || cal.Count(year) != tc.yrs || cal.Count(term) != 1 {
			t.Errorf("%s: %d months, %d quarters, %d years, %d terms", tc.cal, cal.Count(month), cal.Count(quarter), cal.Count(year), cal.Count(term))
			continue
		}
		if got := cal.Label(quarter, tc.quarters-1); got != tc.lastQuarter {
			t.Errorf("%s: last quarter %s, want %s", tc.cal, got, tc.lastQuarter)
		}
		if got := cal.Label(year, tc.yrs-1); got != tc.lastYear {
			t.Errorf("%s: last year %s, want %s", tc.cal, got, tc.lastYear)
		}
		from, to := cal.Term()
		if f, l := cal.Dates(term, 0); f != from || l != to {
			t.Errorf("%s: the term runs %s .. %s, not %s .. %s", tc.cal, f, l, from, to)
		}
		// Instances tile the term: each starts the day after the last ends.
		for _, k := range []compiler.ScopeKind{month, quarter, year} {
			next := from
			for i := 0; i < cal.Count(k); i++ {
				f, l := cal.Dates(k, i)
				if f != next || l.Before(f) {
					t.Errorf("%s: %s %d runs %s .. %s after %s", tc.cal, k, i, f, l, next.AddDays(-1))
				}
				if p := cal.Instance(k, i); p.From() != f || p.To() != l {
					t.Errorf("%s: %s %d: Period dates %s .. %s, Dates %s .. %s", tc.cal, k, i, p.From(), p.To(), f, l)
				}
				fm, lm := cal.MonthRange(k, i)
				if cal.InstanceOf(k, fm) != i || cal.InstanceOf(k, lm) != i {
					t.Errorf("%s: %s %d holds months %d..%d, which are in %d and %d", tc.cal, k, i, fm, lm, cal.InstanceOf(k, fm), cal.InstanceOf(k, lm))
				}
				next = l.AddDays(1)
			}
			if next != to.AddDays(1) {
				t.Errorf("%s: the %ss end on %s, the term on %s", tc.cal, k, next.AddDays(-1), to)
			}
		}
	}
	mid := newCal(t, "midmonth", month)
	if f, l := mid.Dates(month, 0); f.String() != "2026-04-15" || l.String() != "2026-04-30" {
		t.Errorf("first month of a mid-month term: %s .. %s", f, l)
	}
	if f, l := mid.Dates(year, 1); f.String() != "2027-04-01" || l.String() != "2027-04-14" {
		t.Errorf("last year of a mid-month term: %s .. %s", f, l)
	}
}

func TestMonthOf(t *testing.T) {
	cases := []struct {
		cal, date string
		want      int
	}{
		{"april", "2026-03-31", -1},
		{"april", "2026-04-01", 0},
		{"april", "2026-04-30", 0},
		{"april", "2026-05-01", 1},
		{"april", "2026-12-31", 8},
		{"april", "2027-01-01", 9},
		{"april", "2027-03-31", 11},
		{"april", "2027-04-01", -1},
		{"midmonth", "2026-04-14", -1},
		{"midmonth", "2026-04-15", 0},
		{"midmonth", "2027-04-14", 12},
		{"midmonth", "2027-04-15", -1},
		{"june2011", "2011-12-01", 6},
		{"june2011", "2013-05-31", 23},
		{"december", "2025-12-31", 0},
		{"december", "2026-01-01", 1},
	}
	for _, tc := range cases {
		if got := newCal(t, tc.cal, month).MonthOf(value.MustParseDate(tc.date)); got != tc.want {
			t.Errorf("%s: MonthOf(%s) = %d, want %d", tc.cal, tc.date, got, tc.want)
		}
	}
}

func TestSettle(t *testing.T) {
	cases := []struct {
		cal         string
		settle      compiler.ScopeKind
		text        string
		first, last int
		err         string
	}{
		{cal: "april", settle: month, text: "2026-05", first: 1, last: 1},
		{cal: "april", settle: month, text: "2026-Q2", first: 3, last: 5},
		{cal: "april", settle: month, text: "term", first: 0, last: 11},
		{cal: "april", settle: quarter, text: "2026-Q2", first: 1, last: 1},
		{cal: "april", settle: quarter, text: "2026-27", first: 0, last: 3},
		{cal: "april", settle: quarter, text: "2026-04..2026-06", first: 0, last: 0},
		{cal: "april", settle: quarter, text: "2026-05", err: "the contract settles quarterly; 2026-05 is shorter than a settlement period (try 2026-Q1)"},
		{cal: "april", settle: quarter, text: "2026-05..2026-08", err: "the contract settles quarterly; 2026-05 .. 2026-08 does not cover whole settlement periods (try 2026-Q1 .. 2026-Q2)"},
		{cal: "threeyear", settle: year, text: "2027/28..2028-29", first: 1, last: 2},
		{cal: "threeyear", settle: year, text: "2027-Q1", err: "the contract settles yearly; 2027-Q1 is shorter than a settlement period (try 2027/28)"},
		{cal: "january", settle: year, text: "2026-Q1", err: "(try 2026)"},
		{cal: "april", settle: term, text: "term", first: 0, last: 0},
		{cal: "april", settle: term, text: "2026/27", first: 0, last: 0},
		{cal: "midmonth", settle: term, text: "2026/27", err: "the contract settles once for the term; 2026/27 is shorter than a settlement period (try term)"},
		// The short last year of a yearly contract is one month.
		{cal: "midmonth", settle: year, text: "2027-04", first: 1, last: 1},
	}
	for _, tc := range cases {
		cal := newCal(t, tc.cal, tc.settle)
		p, err := cal.Parse(tc.text)
		if err != nil {
			t.Fatalf("%s %q: %v", tc.cal, tc.text, err)
		}
		first, last, err := cal.Settle(p)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %s %q: got %d..%d, %v; want %q", tc.cal, tc.settle, tc.text, first, last, err, tc.err)
			}
			continue
		}
		if err != nil || first != tc.first || last != tc.last {
			t.Errorf("%s %s %q: got %d..%d, %v; want %d..%d", tc.cal, tc.settle, tc.text, first, last, err, tc.first, tc.last)
		}
	}
}
