package runtime

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// PayerPart is one payer's part of a line.
type PayerPart struct {
	Payer  string
	Amount value.Money
}

// PayerTotal is the sum of one payer's parts of a statement's lines.
type PayerTotal struct {
	Payer  string
	Title  string
	Amount value.Money
	// Lines counts the lines the payer has a part of.
	Lines int
}

// splitAmount splits amount between the payers and returns each payer's
// part. shares holds each payer's share, a fraction of one, indexed by
// payer in declaration order; the shares add to exactly one. The parts are
// whole minor units of the currency (places decimal places) and add to
// amount exactly.
//
// The method is the largest remainder (Hamilton's method). amount is
// counted in minor units, u; payer i's exact share is u×s_i, a whole
// number of units q_i (rounded down) and a remainder r_i below one unit.
// The k = u − Σq_i units left over, fewer than the number of payers, go
// one each to the k payers with the largest remainders; of equal
// remainders, the payer declared first takes the unit. So every part
// lies within one minor unit of its exact share, strictly, and the same
// amount and shares always give the same parts. A negative amount (a
// sanction, a cap's adjustment) is split by its size and each part
// negated, so that a line and its reversal split alike. The arithmetic is
// on whole numbers and cannot fail or round.
func splitAmount(amount value.Money, shares []value.Decimal, places int32) []value.Money {
	parts := make([]value.Money, len(shares))
	d := value.Round(amount.Decimal(), places, value.HalfEven).Apd()
	neg := d.Negative
	units := new(big.Int).Set(d.Coeff.MathBigInt()) // d has exactly places places
	// The shares over a common denominator 10^scale: n_i / 10^scale.
	scale := int32(0)
	for _, s := range shares {
		if e := -s.Apd().Exponent; e > scale {
			scale = e
		}
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	q := make([]*big.Int, len(shares))
	r := make([]*big.Int, len(shares))
	left := new(big.Int).Set(units)
	for i, s := range shares {
		a := s.Apd()
		n := new(big.Int).Set(a.Coeff.MathBigInt())
		if a.Exponent > 0 {
			n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(a.Exponent)), nil))
		}
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale+a.Exponent)), nil))
		n.Mul(n, units)
		q[i], r[i] = new(big.Int).QuoRem(n, den, new(big.Int))
		left.Sub(left, q[i])
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return r[order[a]].Cmp(r[order[b]]) > 0 })
	k := int(left.Int64()) // fewer than len(shares), as each remainder is below one unit
	for _, i := range order[:min(k, len(order))] {
		q[i].Add(q[i], big.NewInt(1))
	}
	for i := range q {
		parts[i] = unitsMoney(q[i], places, neg)
	}
	return parts
}

// unitsMoney is n minor units of places decimal places as money, negated
// when neg is set.
func unitsMoney(n *big.Int, places int32, neg bool) value.Money {
	s := n.String()
	if places > 0 {
		if len(s) <= int(places) {
			s = strings.Repeat("0", int(places)-len(s)+1) + s
		}
		s = s[:len(s)-int(places)] + "." + s[len(s)-int(places):]
	}
	d := value.MustParseDecimal(s)
	if neg {
		d = d.Neg()
	}
	return value.MoneyOf(d)
}

// splitOf returns the split of rule r's lines in settlement period p:
// the split in force on the period's first day.
func (ev *evaluation) splitOf(r *compiler.Rule, p int) *compiler.Split {
	c := ev.p.c
	if r.Split != nil || len(c.Splits) == 1 {
		return c.SplitOn(r, c.TermFrom)
	}
	return c.SplitOn(r, ev.cal.dates(c.Settlement, p).from)
}

// partsOf returns each payer's part, by payer index, of amount amt of
// rule r in settlement period p (see payerParts).
func (ev *evaluation) partsOf(r *compiler.Rule, p int, amt value.Money) []value.Money {
	c := ev.p.c
	if len(c.Payers) == 1 {
		return []value.Money{amt}
	}
	return payerParts(c, r, ev.splitOf(r, p), amt)
}

// payerParts returns each payer's part, by payer index, of amount amt of
// rule r whose split is sp: a cap's or floor's for one payer is all that
// payer's; any other is split by sp (splitAmount).
func payerParts(c *compiler.Contract, r *compiler.Rule, sp *compiler.Split, amt value.Money) []value.Money {
	if r != nil && r.Payer != nil {
		zero := value.MoneyOf(value.Round(value.DecimalFromInt(0), c.MinorUnits, value.HalfEven))
		parts := make([]value.Money, len(c.Payers))
		for i := range parts {
			parts[i] = zero
		}
		parts[r.Payer.Index] = amt
		return parts
	}
	return splitAmount(amt, sp.Shares, c.MinorUnits)
}

// SplitLine returns the parts of a line of contract c, each payer's with a
// part of it, as a statement's line carries them (Line.Parts): the line of
// the rule named rule, or of a rule c no longer has, in the settlement
// period labelled period, of amount amount. It returns nil for a contract
// with one payer, or a period c does not have. A ledger's schedule splits
// its lines, and its prior-period adjustments by their original periods,
// with it.
func SplitLine(c *compiler.Contract, rule, period string, amount value.Money) []PayerPart {
	if len(c.Payers) < 2 {
		return nil
	}
	cal := c.Calendar()
	day, found := c.TermFrom, false
	for i := range cal.Count(c.Settlement) {
		if cal.Label(c.Settlement, i) == period {
			day, _ = cal.Dates(c.Settlement, i)
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	r := c.Rule(rule)
	sp := c.SplitOn(r, day)
	parts := payerParts(c, r, sp, amount)
	var out []PayerPart
	for i, p := range c.Payers {
		pays := sp.Shares[i].Sign() > 0
		if r != nil && r.Payer != nil {
			pays = r.Payer == p
		}
		if pays {
			out = append(out, PayerPart{Payer: p.Name, Amount: parts[i]})
		}
	}
	return out
}

// partOf returns payer i's part of amount amt of rule r in period p.
func (ev *evaluation) partOf(r *compiler.Rule, p int, amt value.Money, i int) value.Money {
	if len(ev.p.c.Payers) == 1 {
		return amt
	}
	return ev.partsOf(r, p, amt)[i]
}

// pays reports whether payer i has a part of rule r's lines in period p:
// a share above 0% of the split in force, or a cap or floor for that
// payer alone.
func (ev *evaluation) pays(r *compiler.Rule, p, i int) bool {
	if len(ev.p.c.Payers) == 1 {
		return true
	}
	if r.Payer != nil {
		return r.Payer.Index == i
	}
	return ev.splitOf(r, p).Shares[i].Sign() > 0
}

// lineParts returns the parts of a line of the payers who pay some of it,
// in declaration order; nil for a contract with one payer.
func (ev *evaluation) lineParts(l lineRef) []PayerPart {
	c := ev.p.c
	if len(c.Payers) == 1 {
		return nil
	}
	r := c.Rules[l.rule]
	parts := ev.partsOf(r, int(l.period), ev.lineAmount(l))
	var out []PayerPart
	for i, p := range c.Payers {
		if ev.pays(r, int(l.period), i) {
			out = append(out, PayerPart{Payer: p.Name, Amount: parts[i]})
		}
	}
	return out
}

// amountOf returns a line's amount in the statement: the whole line's, or
// in one payer's statement that payer's part.
func (s *Statement) amountOf(l lineRef) value.Money {
	amt := s.ev.lineAmount(l)
	if s.payer == nil {
		return amt
	}
	return s.ev.partOf(s.ev.p.c.Rules[l.rule], int(l.period), amt, s.payer.Index)
}

// payerTotals sets the statement's totals by payer: each payer's parts of
// its lines added up. They add up to the statement's total.
func (ev *evaluation) payerTotals(s *Statement) {
	c := ev.p.c
	s.ByPayer = nil
	if len(c.Payers) == 1 {
		// One payer pays every line: its total is the statement's.
		p := c.Payers[0]
		n := 0
		for _, st := range s.ByRule {
			n += st.Lines
		}
		s.ByPayer = []PayerTotal{{Payer: p.Name, Title: p.Title, Amount: s.Total, Lines: n}}
		return
	}
	sums := make([]value.Money, len(c.Payers))
	lines := make([]int, len(c.Payers))
	for i := range sums {
		sums[i] = ev.zero
	}
	s.eachRef(func(l lineRef) {
		r := c.Rules[l.rule]
		if s.payer != nil {
			i := s.payer.Index
			sums[i], _ = sums[i].Add(s.amountOf(l))
			lines[i]++
			return
		}
		parts := ev.partsOf(r, int(l.period), ev.lineAmount(l))
		for i := range parts {
			if ev.pays(r, int(l.period), i) {
				sums[i], _ = sums[i].Add(parts[i])
				lines[i]++
			}
		}
	})
	for i, p := range c.Payers {
		if s.payer != nil && p != s.payer {
			continue
		}
		s.ByPayer = append(s.ByPayer, PayerTotal{Payer: p.Name, Title: p.Title, Amount: sums[i], Lines: lines[i]})
	}
}

// ForPayer returns the statement of one payer: each line the payer has a
// part of, with that part as its amount, and the subtotals, period totals
// and total of those parts. Caps and floors show the payer's part of
// their adjustments (a cap for another payer alone is left out); the
// budget, the whole contract's, is not compared. A name that is not one
// of the contract's payers is an error naming them.
func (s *Statement) ForPayer(name string) (*Statement, error) {
	ev := s.ev
	c := ev.p.c
	p := c.PayerNamed(name)
	if p == nil {
		return nil, fmt.Errorf("%s is not a payer of the contract; its payers are %s", name, strings.Join(c.PayerNames(), ", "))
	}
	out := *s
	out.Payer, out.payer = p.Name, p
	out.refs = nil
	for _, l := range s.refs {
		if ev.pays(c.Rules[l.rule], int(l.period), p.Index) {
			out.refs = append(out.refs, l)
		}
	}
	// A summary's lines are found again as they are added up, the
	// payer's alone (see eachRef).
	out.Caps = nil
	for _, cp := range s.Caps {
		r := c.Rule(cp.Rule)
		per, ok := ev.periodIndex(cp.Period)
		if !ok || !ev.pays(r, per, p.Index) {
			continue
		}
		cp.Adjustment = ev.partOf(r, per, cp.Adjustment, p.Index)
		out.Caps = append(out.Caps, cp)
	}
	out.ByKind, out.ByRule, out.Periods = nil, nil, nil
	out.Budget = nil
	per := period{first: 0, last: -1, label: s.Period}
	if len(s.Periods) > 0 {
		first, _ := ev.periodIndex(s.Periods[0].Period)
		last, _ := ev.periodIndex(s.Periods[len(s.Periods)-1].Period)
		per = period{first: first, last: last, label: s.Period}
	}
	ev.subtotals(&out, per)
	ev.payerTotals(&out)
	return &out, nil
}

// capPayer returns the payer index whose parts cap or floor r limits, or
// -1 for one over every payer's.
func capPayer(r *compiler.Rule) int {
	if (r.Kind == lang.Cap || r.Kind == lang.Floor) && r.Payer != nil {
		return r.Payer.Index
	}
	return -1
}
