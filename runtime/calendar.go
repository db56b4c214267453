package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"occ/compiler"
	"occ/compiler/value"
)

// calendar lays the contract term out in months, contract quarters and
// contract years, all counted from the month the term starts in.
type calendar struct {
	from, to value.Date
	months   []span // calendar months overlapping the term, clipped to it
	settle   compiler.ScopeKind
}

// span is a range of dates, both ends inclusive.
type span struct {
	from, to value.Date
}

func newCalendar(c *compiler.Contract) *calendar {
	cal := &calendar{from: c.TermFrom, to: c.TermTo, settle: c.Settlement}
	y, m := c.TermFrom.Year(), c.TermFrom.Month()
	for {
		start, _ := value.NewDate(y, m, 1)
		end := start.AddMonths(1).AddDays(-1)
		if start.After(c.TermTo) {
			break
		}
		s := span{from: start, to: end}
		if s.from.Before(c.TermFrom) {
			s.from = c.TermFrom
		}
		if s.to.After(c.TermTo) {
			s.to = c.TermTo
		}
		cal.months = append(cal.months, s)
		m++
		if m > 12 {
			m, y = 1, y+1
		}
	}
	return cal
}

// monthOf returns the index of the month holding d, or -1 outside the term.
func (cal *calendar) monthOf(d value.Date) int {
	if d.Before(cal.from) || d.After(cal.to) {
		return -1
	}
	i := (d.Year()-cal.from.Year())*12 + int(d.Month()) - int(cal.from.Month())
	return i
}

// count returns the number of instances of a time scope in the term.
func (cal *calendar) count(k compiler.ScopeKind) int {
	n := len(cal.months)
	switch k {
	case compiler.MonthScope:
		return n
	case compiler.QuarterScope:
		return (n + 2) / 3
	case compiler.YearScope:
		return (n + 11) / 12
	case compiler.TermScope:
		return 1
	}
	return 0
}

// monthsPer returns how many months one instance of a time scope spans.
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
func (cal *calendar) fromMonth(m int, k compiler.ScopeKind) int {
	return m / monthsPer(k, len(cal.months))
}

// monthRange returns the first and last month of instance i of scope k.
func (cal *calendar) monthRange(k compiler.ScopeKind, i int) (int, int) {
	per := monthsPer(k, len(cal.months))
	first := i * per
	last := min(first+per, len(cal.months)) - 1
	return first, last
}

// dates returns the first and last day of instance i of time scope k.
func (cal *calendar) dates(k compiler.ScopeKind, i int) span {
	first, last := cal.monthRange(k, i)
	return span{from: cal.months[first].from, to: cal.months[last].to}
}

// label names instance i of time scope k: 2026-05, 2026-Q1, 2026-27, term.
func (cal *calendar) label(k compiler.ScopeKind, i int) string {
	switch k {
	case compiler.MonthScope:
		d := cal.months[i].from
		return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month()))
	case compiler.QuarterScope:
		y := cal.from.Year() + i/4
		return fmt.Sprintf("%04d-Q%d", y, i%4+1)
	case compiler.YearScope:
		return yearLabel(cal.from.Year()+i, cal.from.Month())
	}
	return "term"
}

func yearLabel(y int, startMonth time.Month) string {
	if startMonth == time.January {
		return strconv.Itoa(y)
	}
	return fmt.Sprintf("%04d-%02d", y, (y+1)%100)
}

// period is a run of whole settlement periods a statement covers.
type period struct {
	label       string
	first, last int // settlement period indexes, inclusive
}

// parsePeriod reads a period name: a month (2026-05), a contract quarter
// (2026-Q1), a contract year (2026-27) or term. It must cover whole
// settlement periods.
func (cal *calendar) parsePeriod(text string) (period, error) {
	text = strings.TrimSpace(text)
	kinds := []compiler.ScopeKind{compiler.MonthScope, compiler.QuarterScope, compiler.YearScope, compiler.TermScope}
	for _, k := range kinds {
		for i := 0; i < cal.count(k); i++ {
			if cal.label(k, i) != text {
				continue
			}
			if k < cal.settle {
				return period{}, fmt.Errorf("the contract settles %s; %s is shorter than a settlement period (try %s)",
					cal.settle.SettlementWord(), text, cal.label(cal.settle, cal.fromMonth(cal.monthFirst(k, i), cal.settle)))
			}
			fm, lm := cal.monthRange(k, i)
			return period{label: text, first: cal.fromMonth(fm, cal.settle), last: cal.fromMonth(lm, cal.settle)}, nil
		}
	}
	return period{}, fmt.Errorf("%q is not a period of the term %s .. %s; write a month (%s), a quarter (%s), a contract year (%s) or term",
		text, cal.from, cal.to, cal.label(compiler.MonthScope, 0), cal.label(compiler.QuarterScope, 0), cal.label(compiler.YearScope, 0))
}

func (cal *calendar) monthFirst(k compiler.ScopeKind, i int) int {
	f, _ := cal.monthRange(k, i)
	return f
}
