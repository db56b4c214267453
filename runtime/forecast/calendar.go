package forecast

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// calendar is the forecast's view of the contract's compiler.Calendar, the
// one the evaluator uses: months are the calendar months that overlap the
// term, clipped to it, and settlement periods are runs of 1, 3 or 12 of
// them (or the whole term) counted from the first.
type calendar struct {
	cal    *compiler.Calendar
	settle compiler.ScopeKind
	months []span
	per    int      // months in a settlement period
	labels []string // settlement period labels, as statements print them
}

type span struct{ from, to value.Date }

func newCalendar(c *compiler.Contract) (*calendar, error) {
	cc := c.Calendar()
	n := cc.Count(compiler.MonthScope)
	if n == 0 {
		return nil, fmt.Errorf("the contract's term %s .. %s has no months", c.TermFrom, c.TermTo)
	}
	cal := &calendar{cal: cc, settle: c.Settlement, months: make([]span, n), per: cc.MonthsPer(c.Settlement)}
	for i := range cal.months {
		cal.months[i].from, cal.months[i].to = cc.Dates(compiler.MonthScope, i)
	}
	cal.labels = make([]string, cc.Count(c.Settlement))
	for i := range cal.labels {
		cal.labels[i] = cc.Label(c.Settlement, i)
	}
	return cal, nil
}

// monthOf returns the index of the term month holding d, or -1.
func (cal *calendar) monthOf(d value.Date) int { return cal.cal.MonthOf(d) }

// monthLabel names term month m as yyyy-mm.
func (cal *calendar) monthLabel(m int) string { return cal.cal.Label(compiler.MonthScope, m) }

// periodOf returns the settlement period holding term month m.
func (cal *calendar) periodOf(m int) int { return m / cal.per }

// periodMonths returns the first and last term month of settlement period p.
func (cal *calendar) periodMonths(p int) (int, int) {
	return p * cal.per, min((p+1)*cal.per, len(cal.months)) - 1
}

// periodIndex returns the settlement period named s, or -1. It reads s
// with the contract's calendar, so a contract year may also be written the
// old way, 2026-27.
func (cal *calendar) periodIndex(s string) int {
	p, err := cal.cal.Parse(s)
	if err != nil || p.Kind != cal.settle || p.First != p.Last {
		return -1
	}
	return p.First
}

// parsePeriods reads the periods a forecast reports: "term", one
// settlement period (2026-05, 2026-Q2), or a range of them written
// FROM..TO.
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
			return 0, 0, fmt.Errorf("%q is not a settlement period of the term; the periods are %s .. %s (write term, one period, or FROM..TO)",
				x.label, cal.labels[0], cal.labels[len(cal.labels)-1])
		}
	}
	if first > last {
		return 0, 0, fmt.Errorf("%s comes after %s", a, b)
	}
	return first, last, nil
}
