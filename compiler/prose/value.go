package prose

import (
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
)

// Writer writes one contract's values, expressions and rules in words.
type Writer struct {
	c      *compiler.Contract
	places int32
	sym    string
}

// New returns a Writer for the contract c.
func New(c *compiler.Contract) *Writer {
	sym, ok := value.CurrencySymbols[c.Currency]
	if !ok {
		sym = c.Currency + " "
	}
	return &Writer{c: c, places: c.MinorUnits, sym: sym}
}

// Value writes v as a commissioner writes it: money with its symbol and
// thousands separators (£1,250.50), a decimal written as a percentage
// when percent is set (25%), dates as 1 April 2026, days as 42 days, whole
// numbers with separators (1,000), yes and no for true and false, and
// text in double quotes.
func (w *Writer) Value(v ref.Val, percent bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case value.Money:
		return w.Money(x.Decimal())
	case value.Decimal:
		if percent {
			return Percent(x)
		}
		return x.String()
	case types.Int:
		if percent {
			return Percent(value.DecimalFromInt(int64(x)))
		}
		return words.Number(int(x))
	case value.Date:
		return Date(x)
	case value.Days:
		return x.String()
	case types.Bool:
		if x {
			return "yes"
		}
		return "no"
	case types.String:
		return `"` + string(x) + `"`
	}
	return value.Format(v, w.places)
}

// Money writes an amount with the currency's symbol and thousands
// separators, at least to the minor unit and never rounded: £19.60,
// -£5.00, £0.125.
func (w *Writer) Money(d value.Decimal) string {
	places := w.places
	if s := d.String(); strings.Contains(s, ".") {
		if frac := int32(len(s) - strings.IndexByte(s, '.') - 1); frac > places {
			places = frac
		}
	}
	s := value.MoneyOf(d).Grouped(places)
	if strings.HasPrefix(s, "-") {
		return "-" + w.sym + s[1:]
	}
	return w.sym + s
}

// Percent writes a share as a percentage with the digits it needs: 0.25
// is 25%, 0.125 is 12.5%, 1 is 100%.
func Percent(d value.Decimal) string {
	x, err := d.Mul(value.DecimalFromInt(100))
	if err != nil {
		return d.String()
	}
	s := x.String()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "%"
}

// Date writes a date as a commissioner does: 1 April 2026.
func Date(d value.Date) string {
	return words.Number(d.Day()) + " " + d.Month().String() + " " + itoa(d.Year())
}

// Month writes the month of a date: April 2026.
func Month(d value.Date) string { return d.Month().String() + " " + itoa(d.Year()) }

func itoa(n int) string { return strconv.Itoa(n) }

// Param writes a param's default value as the contract wrote it.
func (w *Writer) Param(p *compiler.Param) string {
	if p.IsTable() {
		return "the " + Name(p.Name) + " table"
	}
	return w.Value(p.Default, p.Percent)
}

// Entry writes the value v of an entry of table param p, as the contract
// wrote its entries.
func (w *Writer) Entry(p *compiler.Param, v ref.Val) string { return w.Value(v, p.Percent) }

// Term writes the contract's term: 1 April 2026 to 31 March 2027.
func (w *Writer) Term() string { return Date(w.c.TermFrom) + " to " + Date(w.c.TermTo) }
