package forecast

import (
	"fmt"
	"strings"

	"occ/compiler"
	"occ/compiler/value"
	"occ/runtime"
)

// calendar lays the contract term out in months and settlement periods,
// the same way the evaluator does: months are the calendar months that
// overlap the term, clipped to it, and settlement periods are runs of 1, 3
// or 12 of them (or the whole term) counted from the first.
type calendar struct {
	months []span
	per    int      // months in a settlement period
	labels []string // settlement period labels, as statements print them
}

type span struct{ from, to value.Date }

func newCalendar(c *compiler.Contract) (*calendar, error) {
	prog, err := runtime.New(c, runtime.WithWorkers(1))
	if err != nil {
		return nil, err
	}
	cal := &calendar{labels: prog.Periods()}
	y, m := c.TermFrom.Year(), c.TermFrom.Month()
	for {
		start, err := value.NewDate(y, m, 1)
		if err != nil || start.After(c.TermTo) {
			break
		}
		s := span{from: start, to: start.AddMonths(1).AddDays(-1)}
		if s.from.Before(c.TermFrom) {
			s.from = c.TermFrom
		}
		if s.to.After(c.TermTo) {
			s.to = c.TermTo
		}
		cal.months = append(cal.months, s)
		if m++; m > 12 {
			m, y = 1, y+1
		}
	}
	if len(cal.months) == 0 {
		return nil, fmt.Errorf("the contract's term %s .. %s has no months", c.TermFrom, c.TermTo)
	}
	switch c.Settlement {
	case compiler.MonthScope:
		cal.per = 1
	case compiler.QuarterScope:
		cal.per = 3
	case compiler.YearScope:
		cal.per = 12
	default:
		cal.per = len(cal.months)
	}
	return cal, nil
}

// monthOf returns the index of the term month holding d, or -1.
func (cal *calendar) monthOf(d value.Date) int {
	if d.Before(cal.months[0].from) || d.After(cal.months[len(cal.months)-1].to) {
		return -1
	}
	return (d.Year()-cal.months[0].from.Year())*12 + int(d.Month()) - int(cal.months[0].from.Month())
}

// monthLabel names term month m as yyyy-mm.
func (cal *calendar) monthLabel(m int) string {
	d := cal.months[m].from
	return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month()))
}

// periodOf returns the settlement period holding term month m.
func (cal *calendar) periodOf(m int) int { return m / cal.per }

// periodMonths returns the first and last term month of settlement period p.
func (cal *calendar) periodMonths(p int) (int, int) {
	return p * cal.per, min((p+1)*cal.per, len(cal.months)) - 1
}

// periodIndex returns the settlement period labelled s, or -1.
func (cal *calendar) periodIndex(s string) int {
	for i, l := range cal.labels {
		if l == s {
			return i
		}
	}
	return -1
}

// parsePeriods reads --periods: "term", one settlement period (2026-05,
// 2026-Q2), or a range of them written FROM..TO.
func (cal *calendar) parsePeriods(text string) (first, last int, err error) {
	text = strings.TrimSpace(text)
	if text == "term" {
		return 0, len(cal.labels) - 1, nil
	}
	a, b, isRange := strings.Cut(text, "..")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !isRange {
		b = a
	}
	first, last = cal.periodIndex(a), cal.periodIndex(b)
	for _, x := range []struct {
		label string
		i     int
	}{{a, first}, {b, last}} {
		if x.i < 0 {
			return 0, 0, fmt.Errorf("--periods %q: %q is not a settlement period of the term; the periods are %s .. %s (write term, one period, or FROM..TO)",
				text, x.label, cal.labels[0], cal.labels[len(cal.labels)-1])
		}
	}
	if first > last {
		return 0, 0, fmt.Errorf("--periods %q: %s comes after %s", text, a, b)
	}
	return first, last, nil
}
