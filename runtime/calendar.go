package runtime

import (
	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// calendar is the evaluator's view of the contract's compiler.Calendar:
// the term in months, contract quarters and contract years, all counted
// from the month the term starts in. It adds the months as a slice, which
// the evaluator indexes on its hot paths.
type calendar struct {
	cal    *compiler.Calendar
	months []span // calendar months overlapping the term, clipped to it
	settle compiler.ScopeKind
}

// span is a range of dates, both ends inclusive.
type span struct {
	from, to value.Date
}

func newCalendar(c *compiler.Contract) *calendar {
	cal := &calendar{cal: c.Calendar(), settle: c.Settlement}
	cal.months = make([]span, cal.cal.Count(compiler.MonthScope))
	for i := range cal.months {
		cal.months[i].from, cal.months[i].to = cal.cal.Dates(compiler.MonthScope, i)
	}
	return cal
}

// monthOf returns the index of the month holding d, or -1 outside the term.
func (cal *calendar) monthOf(d value.Date) int { return cal.cal.MonthOf(d) }

// count returns the number of instances of a time scope in the term.
func (cal *calendar) count(k compiler.ScopeKind) int { return cal.cal.Count(k) }

// monthsPer returns how many months one instance of a time scope spans, in
// a term of total months.
func monthsPer(k compiler.ScopeKind, total int) int {
	switch k {
	case compiler.MonthScope:
		return 1
	case compiler.QuarterScope:
		return 3
	case compiler.YearScope:
		return 12
	}
	return max(total, 1)
}

// fromMonth returns the instance of time scope k that holds month m.
func (cal *calendar) fromMonth(m int, k compiler.ScopeKind) int { return cal.cal.InstanceOf(k, m) }

// monthRange returns the first and last month of instance i of scope k.
func (cal *calendar) monthRange(k compiler.ScopeKind, i int) (int, int) {
	return cal.cal.MonthRange(k, i)
}

// dates returns the first and last day of instance i of time scope k.
func (cal *calendar) dates(k compiler.ScopeKind, i int) span {
	from, to := cal.cal.Dates(k, i)
	return span{from: from, to: to}
}

// label names instance i of time scope k: 2026-05, 2026-Q1, 2026/27, term.
func (cal *calendar) label(k compiler.ScopeKind, i int) string { return cal.cal.Label(k, i) }

// period is a run of whole settlement periods a statement covers.
type period struct {
	label       string
	first, last int // settlement period indexes, inclusive
}

// parsePeriod reads a period as compiler.Calendar.Parse does: a month
// (2026-05), a contract quarter (2026-Q1), a contract year (2026/27), term,
// or a range FROM..TO of them. It must cover whole settlement periods. The
// period's label is the calendar's name for it.
func (cal *calendar) parsePeriod(text string) (period, error) {
	p, err := cal.cal.Parse(text)
	if err != nil {
		return period{}, err
	}
	return cal.settlePeriod(p)
}

// settlePeriod returns the settlement periods a period covers, or why it covers
// no whole ones.
func (cal *calendar) settlePeriod(p compiler.Period) (period, error) {
	first, last, err := cal.cal.Settle(p)
	if err != nil {
		return period{}, err
	}
	return period{label: p.Label(), first: first, last: last}, nil
}

// monthFirst returns the first month of instance i of time scope k.
func (cal *calendar) monthFirst(k compiler.ScopeKind, i int) int {
	f, _ := cal.monthRange(k, i)
	return f
}
