package compiler

import (
	"fmt"
	"strconv"
	"time"

	"github.com/occ-lang/occ/compiler/value"
)

// Calendar lays a contract's term out in the time scopes rules run in and
// statements settle: months (the calendar months that overlap the term, the
// first and last clipped to it), contract quarters and contract years (runs
// of 3 and 12 months counted from the term's first month; the last may be
// short), and the term itself.
//
// Instances of a time scope are numbered from 0: month 0 is the month the
// term starts in, quarter 0 its first three months, year 0 its first twelve.
// They are named like this for a term starting in April 2026:
//
//	month    2026-05   May 2026 (month 1)
//	quarter  2026-Q1   April to June 2026 (quarter 0)
//	quarter  2027-Q1   April to June 2027 (quarter 4, the first of the second year)
//	year     2026/27   April 2026 to March 2027 (year 0)
//	term     term
//
// A quarter is named after the year its contract year starts in, and
// Q1..Q4 count the quarters of that contract year. When the term starts in
// January a contract year is a calendar year and is named by it alone:
// 2026. A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	from, to value.Date
	settle   ScopeKind
	year     int        // the year of month 0
	month    time.Month // the month of the year of month 0
	months   []dates    // each month of the term, clipped to it
	// labels holds the names of the instances of the month, quarter and
	// year scopes, indexed by kind-MonthScope.
	labels [3][]string
}

// dates is a run of days, both ends inclusive.
type dates struct{ from, to value.Date }

// NewCalendar lays out the term from..to (both inclusive) of a contract
// that settles as settle says. A term that ends before it starts has no
// months and no instances of any scope; a compiled contract's never does.
func NewCalendar(from, to value.Date, settle ScopeKind) *Calendar {
	cal := &Calendar{from: from, to: to, settle: settle, year: from.Year(), month: from.Month()}
	y, m := cal.year, cal.month
	for !to.Before(from) {
		start, err := value.NewDate(y, m, 1)
		if err != nil || start.After(to) {
			break
		}
		d := dates{from: start, to: start.AddMonths(1).AddDays(-1)}
		if d.from.Before(from) {
			d.from = from
		}
		if d.to.After(to) {
			d.to = to
		}
		cal.months = append(cal.months, d)
		if m++; m > time.December {
			m, y = time.January, y+1
		}
	}
	for k := MonthScope; k <= YearScope; k++ {
		names := make([]string, cal.Count(k))
		for i := range names {
			names[i] = cal.name(k, i)
		}
		cal.labels[k-MonthScope] = names
	}
	return cal
}

// Calendar returns the calendar of the contract's term and settlement.
func (c *Contract) Calendar() *Calendar {
	if c.cal != nil {
		return c.cal
	}
	return NewCalendar(c.TermFrom, c.TermTo, c.Settlement)
}

// Term returns the first and last day of the term.
func (cal *Calendar) Term() (from, to value.Date) { return cal.from, cal.to }

// Settlement returns the time scope the contract settles in.
func (cal *Calendar) Settlement() ScopeKind { return cal.settle }

// MonthOf returns the index of the month holding d, or -1 when d is
// outside the term.
func (cal *Calendar) MonthOf(d value.Date) int {
	if d.Before(cal.from) || d.After(cal.to) {
		return -1
	}
	return (d.Year()-cal.year)*12 + int(d.Month()) - int(cal.month)
}

// Count returns the number of instances of time scope k in the term, and 0
// for a scope that is not a time scope.
func (cal *Calendar) Count(k ScopeKind) int {
	n := len(cal.months)
	switch k {
	case MonthScope:
		return n
	case QuarterScope:
		return (n + 2) / 3
	case YearScope:
		return (n + 11) / 12
	case TermScope:
		return min(n, 1)
	}
	return 0
}

// MonthsPer returns how many months an instance of time scope k spans:
// 1, 3 or 12, or every month of the term for the term. The last instance
// of a scope may be cut short by the end of the term.
func (cal *Calendar) MonthsPer(k ScopeKind) int {
	switch k {
	case MonthScope:
		return 1
	case QuarterScope:
		return 3
	case YearScope:
		return 12
	}
	return max(len(cal.months), 1)
}

// InstanceOf returns the instance of time scope k that holds month m.
func (cal *Calendar) InstanceOf(k ScopeKind, m int) int {
	return m / cal.MonthsPer(k)
}

// MonthRange returns the first and last month of instance i of time
// scope k.
func (cal *Calendar) MonthRange(k ScopeKind, i int) (first, last int) {
	per := cal.MonthsPer(k)
	first = i * per
	return first, min(first+per, len(cal.months)) - 1
}

// Dates returns the first and last day of instance i of time scope k,
// clipped to the term.
func (cal *Calendar) Dates(k ScopeKind, i int) (from, to value.Date) {
	first, last := cal.MonthRange(k, i)
	return cal.months[first].from, cal.months[last].to
}

// Label names instance i of time scope k: 2026-05, 2026-Q1, 2026/27 (or
// 2026 when the term starts in January), term.
func (cal *Calendar) Label(k ScopeKind, i int) string {
	if k == TermScope {
		return "term"
	}
	return cal.labels[k-MonthScope][i]
}

// name builds the label of instance i of the month, quarter or year scope.
func (cal *Calendar) name(k ScopeKind, i int) string {
	switch k {
	case MonthScope:
		d := cal.months[i].from
		return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month()))
	case QuarterScope:
		return fmt.Sprintf("%04d-Q%d", cal.year+i/4, i%4+1)
	}
	return cal.yearName(cal.year + i)
}

// yearName names the contract year starting in year y: 2026/27, or 2026
// when contract years start in January.
func (cal *Calendar) yearName(y int) string {
	if cal.month == time.January {
		return strconv.Itoa(y)
	}
	return fmt.Sprintf("%04d/%02d", y, (y+1)%100)
}

// Instance returns instance i of time scope k as a Period.
func (cal *Calendar) Instance(k ScopeKind, i int) Period {
	return Period{Kind: k, First: i, Last: i, cal: cal}
}

// Span returns the Period made of instances first..last of time scope k.
func (cal *Calendar) Span(k ScopeKind, first, last int) Period {
	return Period{Kind: k, First: first, Last: last, cal: cal}
}

// Period is a run of whole instances of one time scope of a calendar:
// months First..Last of the term when Kind is MonthScope, contract quarters
// First..Last when it is QuarterScope, contract years when YearScope, and
// the term when TermScope (First and Last are then 0). Indexes are those of
// the Calendar, counted from 0 and inclusive. Periods of one calendar
// compare with ==; the zero Period is no period.
type Period struct {
	Kind        ScopeKind
	First, Last int
	cal         *Calendar
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.cal == nil }

// Label names the period as statements print it: one instance's label
// (2026-05, 2026-Q1, 2026/27, term), or FIRST .. LAST for a run of them.
// Calendar.Parse reads it back. The zero Period's label is "".
func (p Period) Label() string {
	if p.cal == nil {
		return ""
	}
	first := p.cal.Label(p.Kind, p.First)
	if p.First == p.Last {
		return first
	}
	return first + " .. " + p.cal.Label(p.Kind, p.Last)
}

// String returns the period's label.
func (p Period) String() string { return p.Label() }

// Months returns the first and last month of the period.
func (p Period) Months() (first, last int) {
	first, _ = p.cal.MonthRange(p.Kind, p.First)
	_, last = p.cal.MonthRange(p.Kind, p.Last)
	return first, last
}

// From returns the first day of the period.
func (p Period) From() value.Date {
	first, _ := p.Months()
	return p.cal.months[first].from
}

// To returns the last day of the period.
func (p Period) To() value.Date {
	_, last := p.Months()
	return p.cal.months[last].to
}
