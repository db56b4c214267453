package compiler

import (
	"fmt"
	"strings"
	"time"
)

// PeriodError is text that names no period of a calendar, or a period that
// cannot be settled. Message says what is wrong; Hint, when there is one,
// says what to write instead. A diagnostic shows them apart; Error joins
// them.
type PeriodError struct {
	Text    string // the text read, or the label of the period settled
	Message string
	Hint    string
}

// Error returns the message, followed by the hint when there is one.
func (e *PeriodError) Error() string {
	if e.Hint == "" {
		return e.Message
	}
	return e.Message + "; " + e.Hint
}

// Parse reads the name of a period of the term: a month (2026-05), a
// contract quarter (2026-Q1), a contract year (2026/27, or 2026 when the
// term starts in January), term, or a range FROM..TO of months, quarters
// or years, such as 2026-04..2026-06 or 2026-Q1..2026-Q2. Spaces around
// the text and around .. do not matter. A contract year may also be
// written 2026-27 where that cannot be a month: 2011-12 is December 2011.
// A range of two kinds (2026-04..2026-Q2) is a range of the shorter kind.
// The period must lie within the term and a range must run forwards; any
// error is a *PeriodError.
func (cal *Calendar) Parse(text string) (Period, error) {
	text = strings.TrimSpace(text)
	a, b, isRange := strings.Cut(text, "..")
	if !isRange {
		p, err := cal.parseOne(text)
		if err != nil {
			return Period{}, err
		}
		return p, nil
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	pa, err := cal.parseOne(a)
	if err != nil {
		return Period{}, err
	}
	pb, err := cal.parseOne(b)
	if err != nil {
		return Period{}, err
	}
	if pa.Kind == TermScope || pb.Kind == TermScope {
		return Period{}, &PeriodError{Text: text, Message: fmt.Sprintf("%q is not a period: term is the whole term, not one end of a range", text),
			Hint: "write term alone, or FROM..TO with months, quarters or contract years"}
	}
	fa, la := pa.Months()
	fb, lb := pb.Months()
	if fa > fb || la > lb {
		return Period{}, &PeriodError{Text: text, Message: fmt.Sprintf("%q runs backwards: %s ends after %s", text, a, b),
			Hint: fmt.Sprintf("write the earlier period first: %s..%s", b, a)}
	}
	k := min(pa.Kind, pb.Kind)
	return cal.Span(k, cal.InstanceOf(k, fa), cal.InstanceOf(k, lb)), nil
}

// parseOne reads one period: a month, a quarter, a contract year or term.
func (cal *Calendar) parseOne(s string) (Period, *PeriodError) {
	if s == "term" && cal.Count(TermScope) > 0 {
		return cal.Instance(TermScope, 0), nil
	}
	y, ok := digits(s, 0, 4)
	switch {
	case !ok:
	case len(s) == 4:
		return cal.year1(s, y)
	case len(s) != 7 || s[4] != '-' && s[4] != '/':
	case s[4] == '-' && s[5] == 'Q':
		if q := s[6]; q >= '1' && q <= '4' {
			return cal.quarter(s, y, int(q-'0'))
		}
	default:
		n, ok := digits(s, 5, 7)
		if !ok {
			break
		}
		if s[4] == '-' && n >= 1 && n <= 12 {
			return cal.monthNamed(s, y, time.Month(n))
		}
		return cal.year2(s, s[4], y, n)
	}
	return Period{}, cal.notInTerm(s, "")
}

// digits reads s[from:to] as a decimal number.
func digits(s string, from, to int) (int, bool) {
	if len(s) < to {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s[from:to]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// monthNamed reads month m of year y, written s.
func (cal *Calendar) monthNamed(s string, y int, m time.Month) (Period, *PeriodError) {
	i := (y-cal.year)*12 + int(m) - int(cal.month)
	if i >= 0 && i < cal.Count(MonthScope) {
		return cal.Instance(MonthScope, i), nil
	}
	// 2011-12 is December 2011, but it looks like the old way of writing
	// the contract year 2011/12: say how to write that.
	hint := ""
	if n := int(m); n == (y+1)%100 && cal.month != time.January {
		if j := y - cal.year; j >= 0 && j < cal.Count(YearScope) {
			hint = fmt.Sprintf("%s is a month, %s %d; for the contract year write %s", s, m, y, cal.Label(YearScope, j))
		}
	}
	return Period{}, cal.notInTerm(s, hint)
}

// quarter reads quarter q of the contract year starting in year y.
func (cal *Calendar) quarter(s string, y, q int) (Period, *PeriodError) {
	i := (y-cal.year)*4 + q - 1
	if y >= cal.year && i < cal.Count(QuarterScope) {
		return cal.Instance(QuarterScope, i), nil
	}
	return Period{}, cal.notInTerm(s, "")
}

// year1 reads a contract year written as one year, 2026: the form for a
// term starting in January.
func (cal *Calendar) year1(s string, y int) (Period, *PeriodError) {
	p, err := cal.yearStarting(s, y)
	if err == nil && cal.month != time.January {
		return Period{}, cal.notInTerm(s, fmt.Sprintf("the contract years of this term start in %s: write %s", cal.month, p.Label()))
	}
	return p, err
}

// year2 reads a contract year written as two years, 2026/27 or 2026-27
// (sep is the character between them), where the second is the last two
// digits of the year after the first.
func (cal *Calendar) year2(s string, sep byte, y, next int) (Period, *PeriodError) {
	if next != (y+1)%100 {
		hint := ""
		if sep == '/' && cal.month != time.January {
			hint = fmt.Sprintf("a contract year is written with the year after it: %04d/%02d", y, (y+1)%100)
		}
		return Period{}, cal.notInTerm(s, hint)
	}
	p, err := cal.yearStarting(s, y)
	if err == nil && cal.month == time.January {
		return Period{}, cal.notInTerm(s, fmt.Sprintf("the contract years of this term start in January: write %s", p.Label()))
	}
	return p, err
}

// yearStarting returns the contract year starting in year y, written s.
func (cal *Calendar) yearStarting(s string, y int) (Period, *PeriodError) {
	if i := y - cal.year; i >= 0 && i < cal.Count(YearScope) {
		return cal.Instance(YearScope, i), nil
	}
	return Period{}, cal.notInTerm(s, "")
}

// notInTerm is the error for text that names no period of the term. Without
// a hint of its own it lists the forms a period is written in.
func (cal *Calendar) notInTerm(s, hint string) *PeriodError {
	if hint == "" {
		hint = cal.Forms()
	}
	return &PeriodError{Text: s, Message: fmt.Sprintf("%q is not a period of the term %s .. %s", s, cal.from, cal.to), Hint: hint}
}

// Forms says how the periods of this term are written, with examples from
// its first month, quarter and year.
func (cal *Calendar) Forms() string {
	if cal.Count(MonthScope) == 0 {
		return "write a month (2026-05), a quarter (2026-Q1), a contract year (2026/27) or term"
	}
	return fmt.Sprintf("write a month (%s), a quarter (%s), a contract year (%s) or term",
		cal.Label(MonthScope, 0), cal.Label(QuarterScope, 0), cal.Label(YearScope, 0))
}

// Settle returns the settlement periods p is made of, first and last
// (indexes of the calendar's settlement scope, inclusive). A period that
// does not cover whole settlement periods, such as a month of a contract
// settled quarterly, is a *PeriodError that names the settlement periods
// to try instead. p must be a period of this calendar.
func (cal *Calendar) Settle(p Period) (first, last int, err error) {
	s := cal.settle
	fm, lm := p.Months()
	first, last = cal.InstanceOf(s, fm), cal.InstanceOf(s, lm)
	f0, _ := cal.MonthRange(s, first)
	_, l1 := cal.MonthRange(s, last)
	if fm == f0 && lm == l1 {
		return first, last, nil
	}
	try := cal.Span(s, first, last).Label()
	what := "is shorter than a settlement period"
	if first != last {
		what = "does not cover whole settlement periods"
	}
	return 0, 0, &PeriodError{Text: p.Label(),
		Message: fmt.Sprintf("the contract settles %s; %s %s (try %s)", s.SettlementWord(), p.Label(), what, try)}
}
