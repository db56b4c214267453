package runtime

import "github.com/occ-lang/occ/compiler/value"

// EachAmount calls fn for each of the statement's lines with what a
// caller that needs only the money reads of it: its settlement period, as
// its place among the term's from 0 (see Program.Periods); its kind
// (payment, incentive, sanction, share or adjustment); its amount, in a
// payer's statement that payer's part; and, in a contract with two or
// more payers, its parts, nil otherwise and in a payer's statement. These
// are the Period, Kind, Amount and Parts of the Line that Lines gives,
// but no key, source or input is made, and it reads a summary (see
// WithoutLines) as it reads a statement with lines: in statement order,
// or for a summary rule by rule.
func (s *Statement) EachAmount(fn func(period int, kind string, amount value.Money, parts []PayerPart)) {
	rules := s.ev.p.c.Rules
	s.eachRef(func(l lineRef) {
		var parts []PayerPart
		if s.payer == nil {
			parts = s.ev.lineParts(l)
		}
		fn(int(l.period), lineKind(rules[l.rule]), s.amountOf(l), parts)
	})
}
